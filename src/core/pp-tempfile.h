#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* Temporaries of atomic writes (site files, boot imports, uploads) are
 * named ".NAME.XXXXXX" next to NAME and hold an exclusive flock() from
 * creation until they are renamed into place or removed. A crash (kill -9,
 * power loss) leaves them behind, unlocked: that is how a leftover is told
 * from a write in progress in another process. */

/* "dir/.base.XXXXXX" for @path, to be filled in by pp_temp_open(). */
char    *pp_temp_template (const char *path);

/* mkstemp() on @tmpl (write-only, close-on-exec, @mode before the umask)
 * and take the lock. -1 with errno on failure. */
int      pp_temp_open (char *tmpl, mode_t mode);

/* @name has the shape of such a temporary. */
gboolean pp_temp_name_matches (const char *name);

/* Removes the temporaries under @dir (its subfolders too, never following
 * links, hidden folders skipped) that are regular files, were last written
 * before @before (a g_get_real_time() value) and are not locked by a live
 * writer. Nothing else is touched. Appends the removed paths to @removed
 * when given; returns how many were removed. */
guint    pp_temp_remove_stale (const char *dir, gint64 before, GPtrArray *removed);

/* The same for the writes of a site (site.conf, PKI, accounts): the
 * top level of @site_dir, and its pki/ and auth/ folders with their
 * subfolders. Links are not followed, the walk stays in @site_dir. */
guint    pp_temp_remove_stale_site (const char *site_dir, gint64 before, GPtrArray *removed);

G_END_DECLS
