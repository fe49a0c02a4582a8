/* Pid file with a lock, see pp-daemon.h. */
#include "config.h"
#include "pp-daemon.h"
#include "pp-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct _PpDaemonLock {
  char *path;
  int   fd;
};

PpDaemonLock *
pp_daemon_lock (const char *site_dir, GError **error)
{
  g_autofree char *run = g_build_filename (site_dir, "run", NULL);
  g_autofree char *path = g_build_filename (run, "phoneprovd.pid", NULL);
  g_autofree char *pid = NULL;
  PpDaemonLock *lock;
  int fd;

  if (g_mkdir_with_parents (run, 0700) != 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_PERMISSION, _("Cannot create %s: %s."), run, g_strerror (errno));
      return NULL;
    }
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_PERMISSION, _("Cannot open %s: %s."), path, g_strerror (errno));
      return NULL;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      char buf[32] = { 0 };
      ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
      close (fd);
      g_set_error (error, PP_ERROR, PP_ERROR_EXISTS,
                   _("Another phoneprovd (pid %s) already serves the site %s. Stop it first "
                     "(“phoneprovctl --site %s server stop”) or use that one."),
                   n > 0 ? g_strstrip (buf) : "?", site_dir, site_dir);
      return NULL;
    }
  pid = g_strdup_printf ("%d\n", (int) getpid ());
  if (ftruncate (fd, 0) != 0 || pwrite (fd, pid, strlen (pid), 0) < 0)
    {
      close (fd);
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Cannot write %s: %s."), path, g_strerror (errno));
      return NULL;
    }
  lock = g_new0 (PpDaemonLock, 1);
  lock->path = g_steal_pointer (&path);
  lock->fd = fd;
  return lock;
}

void
pp_daemon_unlock (PpDaemonLock *lock)
{
  g_unlink (lock->path);
  close (lock->fd);
  g_free (lock->path);
  g_free (lock);
}
