#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Streamed, atomic uploads (PUT) into the boot directory: the body goes to
 * a locked temporary ".NAME.XXXXXX" next to NAME (pp-tempfile.h), which is
 * renamed into place only when complete. */

typedef struct _PpUpload PpUpload;

/* A temporary file next to @path; nothing is visible under @path until
 * pp_upload_commit(). */
PpUpload *pp_upload_begin (const char *path, guint64 max_bytes, GError **error);
/* FALSE once the limit is exceeded or the disk refused the data. */
gboolean  pp_upload_write (PpUpload *upload, const void *data, gsize len);
gboolean  pp_upload_too_large (PpUpload *upload);
guint64   pp_upload_get_size (PpUpload *upload);
/* fsync, rename into place, fsync the folder. */
gboolean  pp_upload_commit (PpUpload *upload, gboolean *created, GError **error);
/* Removes the temporary file unless committed. */
void      pp_upload_free (PpUpload *upload);

/* At start: removes the temporaries under @boot_dir that a crash left
 * (older than @started, a g_get_real_time() value, and not locked by a live
 * writer) and logs each. Returns how many. */
guint     pp_upload_remove_stale (const char *boot_dir, gint64 started);
/* The same for the site's own writes (site.conf, pki/, auth/) that a
 * crashed phoneprovctl, wizard or daemon left: see
 * pp_temp_remove_stale_site(). */
guint     pp_upload_remove_stale_site (const char *site_dir, gint64 started);

G_END_DECLS
