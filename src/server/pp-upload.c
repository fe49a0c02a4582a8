/* Uploads and their crash leftovers, see pp-upload.h. */
#include "config.h"
#include "pp-upload.h"
#include "pp-error.h"
#include "pp-tempfile.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

struct _PpUpload {
  char    *path;
  char    *tmp;
  int      fd;
  guint64  size;
  guint64  max;
  gboolean too_large;
  gboolean failed;
  int      saved_errno;
  gboolean committed;
};

PpUpload *
pp_upload_begin (const char *path, guint64 max_bytes, GError **error)
{
  PpUpload *u = g_new0 (PpUpload, 1);
  g_autofree char *dir = g_path_get_dirname (path);

  u->path = g_strdup (path);
  u->max = max_bytes;
  u->tmp = pp_temp_template (path);
  u->fd = pp_temp_open (u->tmp, 0644);
  if (u->fd < 0)
    {
      int e = errno;
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Cannot store the upload in %s: %s."), dir, g_strerror (e));
      g_clear_pointer (&u->tmp, g_free);
      pp_upload_free (u);
      return NULL;
    }
  return u;
}

gboolean
pp_upload_write (PpUpload *u, const void *data, gsize len)
{
  const char *p = data;

  if (u->too_large || u->failed)
    return FALSE;
  if (u->size + len > u->max)
    {
      u->too_large = TRUE;
      return FALSE;
    }
  while (len > 0)
    {
      ssize_t n = write (u->fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          u->failed = TRUE;
          u->saved_errno = n < 0 ? errno : EIO;
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
      u->size += (guint64) n;
    }
  return TRUE;
}

gboolean pp_upload_too_large (PpUpload *u) { return u->too_large; }
guint64  pp_upload_get_size (PpUpload *u) { return u->size; }

gboolean
pp_upload_commit (PpUpload *u, gboolean *created, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (u->path);
  int dfd;

  if (u->failed)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Writing the upload failed: %s."), g_strerror (u->saved_errno));
      return FALSE;
    }
  *created = !g_file_test (u->path, G_FILE_TEST_EXISTS);
  if (fsync (u->fd) != 0)
    {
      int e = errno;
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Saving the upload failed: %s."), g_strerror (e));
      return FALSE;
    }
  /* Renamed while still open: the temporary's lock covers the rename, so a
   * daemon starting meanwhile never takes it for a crash leftover. */
  if (g_rename (u->tmp, u->path) != 0)
    {
      int e = errno;
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Putting the upload in place failed: %s."), g_strerror (e));
      return FALSE;
    }
  close (u->fd);
  u->fd = -1;
  u->committed = TRUE;
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return TRUE;
}

void
pp_upload_free (PpUpload *u)
{
  if (u == NULL)
    return;
  if (u->fd >= 0)
    close (u->fd);
  if (u->tmp && !u->committed)
    g_unlink (u->tmp);
  g_free (u->tmp);
  g_free (u->path);
  g_free (u);
}

/* Never served (hidden names are refused), but without this they pile up
 * with every crash; say what went, the folder is the admin's. @summary is
 * the caller's sentence for all @n files. */
static guint
log_removed (GPtrArray *removed, guint n, const char *summary)
{
  for (guint i = 0; i < removed->len; i++)
    g_message (_("Removed “%s”, the temporary file of an upload or write that was interrupted before phoneprovd "
                 "started (a crash or kill)."), (const char *) removed->pdata[i]);
  if (n > 0)
    g_message ("%s", summary);
  return n;
}

guint
pp_upload_remove_stale (const char *boot_dir, gint64 started)
{
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  guint n = pp_temp_remove_stale (boot_dir, started, removed);
  g_autofree char *summary = g_strdup_printf (
      ngettext ("Removed %u interrupted temporary file from the boot directory %s.",
                "Removed %u interrupted temporary files from the boot directory %s.", n), n, boot_dir);

  return log_removed (removed, n, summary);
}

guint
pp_upload_remove_stale_site (const char *site_dir, gint64 started)
{
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  guint n = pp_temp_remove_stale_site (site_dir, started, removed);
  g_autofree char *summary = g_strdup_printf (
      ngettext ("Removed %u interrupted temporary file from the site directory %s.",
                "Removed %u interrupted temporary files from the site directory %s.", n), n, site_dir);

  return log_removed (removed, n, summary);
}
