/* Temporary files of atomic writes; see pp-tempfile.h. */
#include "config.h"
#include "pp-tempfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deep enough for any boot directory (firmware/localization folders), and
 * a bound on a hostile tree. */
#define MAX_DEPTH 16

char *
pp_temp_template (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  return g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
}

int
pp_temp_open (char *tmpl, mode_t mode)
{
  gsize len = strlen (tmpl);

  for (guint attempt = 0; attempt < 8; attempt++)
    {
      struct stat st;
      int fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, (int) mode);
      int ret;

      if (fd < 0)
        return -1;
      /* Blocks only while a crash cleanup holds it (a moment). A file
       * system without flock costs the cleanup, never the write. */
      while ((ret = flock (fd, LOCK_EX)) != 0 && errno == EINTR)
        ;
      if (ret != 0 || fstat (fd, &st) != 0 || st.st_nlink > 0)
        return fd;
      /* Between mkstemp() and flock() (this process preempted, e.g. 8
       * phoneprovctl at once on 2 cores) a cleanup that started later took
       * the file for a leftover and removed it, holding the lock. Again
       * under a new name. */
      close (fd);
      memcpy (tmpl + len - 6, "XXXXXX", 6);
    }
  errno = EAGAIN;
  return -1;
}

gboolean
pp_temp_name_matches (const char *name)
{
  gsize len = strlen (name);
  const char *suffix;

  /* ".", at least one character of NAME, ".", six of mkstemp's. */
  if (len < 9 || name[0] != '.' || name[len - 7] != '.')
    return FALSE;
  suffix = name + len - 6;
  for (guint i = 0; i < 6; i++)
    if (!g_ascii_isalnum (suffix[i]))
      return FALSE;
  return TRUE;
}

/* The leftover @name, opened and locked: the caller unlinks it and only
 * then closes (unlocks), so a writer that created it but had not locked
 * it yet finds it unlinked once it gets the lock, and starts over
 * (pp_temp_open()). -1 when it is not a leftover. */
static int
open_if_stale (int dfd, const char *name, gint64 before)
{
  struct stat st, locked;
  gint64 mtime;
  int fd;

  if (fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG (st.st_mode))
    return -1;
  mtime = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
  if (mtime >= before)
    return -1;
  fd = openat (dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return -1;
  /* Locked: a writer in another process is alive and will rename or
   * remove it. Another file under that name by now: not what was judged. */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0 || fstat (fd, &locked) != 0
      || locked.st_ino != st.st_ino || locked.st_dev != st.st_dev)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static guint
remove_in (int dfd, const char *path, gint64 before, GPtrArray *removed, guint depth, guint max_depth)
{
  DIR *d = fdopendir (dfd);
  struct dirent *e;
  g_autoptr(GPtrArray) subdirs = g_ptr_array_new_with_free_func (g_free);
  guint n = 0;
  int fd;

  if (d == NULL)
    {
      close (dfd);
      return 0;
    }
  while ((e = readdir (d)) != NULL)
    {
      if (e->d_name[0] != '.')
        {
          if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN)
            g_ptr_array_add (subdirs, g_strdup (e->d_name));
          continue;
        }
      if (!pp_temp_name_matches (e->d_name) || (fd = open_if_stale (dfd, e->d_name, before)) < 0)
        continue;
      if (unlinkat (dfd, e->d_name, 0) == 0)
        {
          n++;
          if (removed)
            g_ptr_array_add (removed, g_build_filename (path, e->d_name, NULL));
        }
      close (fd);
    }
  for (guint i = 0; depth < max_depth && i < subdirs->len; i++)
    {
      const char *name = subdirs->pdata[i];
      int sub = openat (dirfd (d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      g_autofree char *sub_path = g_build_filename (path, name, NULL);
      if (sub >= 0)
        n += remove_in (sub, sub_path, before, removed, depth + 1, max_depth);
    }
  closedir (d);
  return n;
}

guint
pp_temp_remove_stale (const char *dir, gint64 before, GPtrArray *removed)
{
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (dfd < 0)
    return 0;
  return remove_in (dfd, dir, before, removed, 0, MAX_DEPTH);
}

guint
pp_temp_remove_stale_site (const char *site_dir, gint64 before, GPtrArray *removed)
{
  /* Where site writes go: site.conf and its neighbours at the top (not
   * below: boot/ is the upload sweep's, logs/ and run/ hold no atomic
   * writes), and all of pki/ and auth/. */
  static const char *const trees[] = { "pki", "auth" };
  int site = open (site_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  guint n = 0;

  if (site < 0)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (trees); i++)
    {
      /* Opened beneath the site's descriptor, not by path, and not through
       * a link: a pki/ or auth/ that is one is left alone. */
      int sub = openat (site, trees[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      g_autofree char *path = g_build_filename (site_dir, trees[i], NULL);
      if (sub >= 0)
        n += remove_in (sub, path, before, removed, 0, MAX_DEPTH);
    }
  /* Depth 0: the top level only (remove_in() closes @site). */
  return n + remove_in (site, site_dir, before, removed, 0, 0);
}
