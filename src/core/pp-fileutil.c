#include "config.h"
#include "pp-fileutil.h"
#include "pp-error.h"
#include "pp-tempfile.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gboolean
fsync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  (void) fsync (fd);
  close (fd);
  return TRUE;
}

gboolean
pp_file_write_atomic (const char  *path,
                      const void  *data,
                      gsize        len,
                      mode_t       mode,
                      GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmpl = pp_temp_template (path);
  const char *p = data;
  gsize left = len;
  int fd;

  fd = pp_temp_open (tmpl, mode);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, PP_ERROR, saved == EACCES ? PP_ERROR_PERMISSION : PP_ERROR_IO,
                   _("Could not write “%s”: %s. Check that the folder exists and is writable."),
                   path, g_strerror (saved));
      return FALSE;
    }
  /* mkstemp honours the umask; make the mode exact. */
  if (fchmod (fd, mode) != 0)
    goto fail;

  while (left > 0)
    {
      ssize_t n = write (fd, p, left);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          goto fail;
        }
      p += n;
      left -= (gsize) n;
    }
  if (fsync (fd) != 0)
    goto fail;
  /* Renamed while still open: its lock tells a crash cleanup that the
   * temporary is in use until it is in place (pp-tempfile.h). */
  if (rename (tmpl, path) != 0)
    goto fail;
  close (fd);
  fsync_dir (dir);
  return TRUE;

fail:
  {
    int saved = errno;
    if (fd >= 0)
      close (fd);
    g_unlink (tmpl);
    g_set_error (error, PP_ERROR, saved == ENOSPC ? PP_ERROR_IO : PP_ERROR_IO,
                 _("Could not write “%s”: %s. The previous version is unchanged; "
                   "free some disk space or fix the folder permissions and try again."),
                 path, g_strerror (saved));
    return FALSE;
  }
}

gboolean
pp_mkdir (const char  *path,
          mode_t       mode,
          GError     **error)
{
  if (g_mkdir_with_parents (path, mode) != 0)
    {
      int saved = errno;
      g_set_error (error, PP_ERROR, saved == EACCES ? PP_ERROR_PERMISSION : PP_ERROR_IO,
                   _("Could not create the folder “%s”: %s."), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
pp_file_read (const char  *path,
              gsize        max_size,
              char       **contents,
              gsize       *len,
              GError     **error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, PP_ERROR, saved == ENOENT ? PP_ERROR_NOT_FOUND : PP_ERROR_IO,
                   _("Could not read “%s”: %s."), path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("“%s” is not a regular file."), path);
      return FALSE;
    }
  if ((gsize) st.st_size > max_size)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("“%s” is too large (%" G_GUINT64_FORMAT " bytes, at most %" G_GSIZE_FORMAT " expected)."),
                   path, (guint64) st.st_size, max_size);
      return FALSE;
    }
  if (!g_file_get_contents (path, contents, len, NULL))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not read “%s”."), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
pp_path_component_is_safe (const char *name)
{
  if (name == NULL || *name == '\0')
    return FALSE;
  if (strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return FALSE;
  for (const char *c = name; *c; c++)
    if (*c == '/' || *c == '\\' || (unsigned char) *c < 0x20)
      return FALSE;
  return TRUE;
}

static int
remove_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st; (void) flag; (void) ftw;
  remove (path);
  return 0;
}

void
pp_file_remove_tree (const char *path)
{
  /* Depth first, links removed, never followed. */
  if (path != NULL)
    (void) nftw (path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
