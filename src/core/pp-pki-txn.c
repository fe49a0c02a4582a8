/* All-or-nothing changes to one PKI folder (pki/ca, pki/server).
 *
 * The folder is copied to <folder>.new, changed there, and swapped with the
 * live one in a single renameat2(RENAME_EXCHANGE). A crash leaves either the
 * old folder or the new one: never a key from one state with a certificate
 * from the other. The daemon, which opens files by path, sees one or the
 * other too. */
#include "config.h"
#include "pp-pki-private.h"
#include "pp-error.h"
#include "pp-fileutil.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct _PpPkiTxn {
  char *dir;
  char *stage;
  char *old;
  char *parent;
};

/* The folder, its files and its archive subfolders (old-<time>/, one
 * level); links are removed, never followed. */
static void
remove_flat_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      GStatBuf st;
      if (g_lstat (p, &st) == 0 && S_ISDIR (st.st_mode))
        {
          g_autoptr(GDir) sub = g_dir_open (p, 0, NULL);
          const char *n2;
          while (sub && (n2 = g_dir_read_name (sub)))
            {
              g_autofree char *p2 = g_build_filename (p, n2, NULL);
              g_unlink (p2);
            }
          g_rmdir (p);
        }
      else
        g_unlink (p);
    }
  g_rmdir (dir);
}

/* Copy the regular files of @src into @dst (created 0700), modes kept.
 * With @subdirs, folders of @src are copied the same way, one level. */
static gboolean
copy_dir (const char *src, const char *dst, gboolean subdirs, GError **error)
{
  g_autoptr(GDir) d = g_dir_open (src, 0, NULL);
  const char *name;

  if (!pp_mkdir (dst, 0700, error))
    return FALSE;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *from = g_build_filename (src, name, NULL);
      g_autofree char *to = g_build_filename (dst, name, NULL);
      g_autofree char *data = NULL;
      GStatBuf st;
      gsize len = 0;
      if (g_lstat (from, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          if (subdirs && !copy_dir (from, to, FALSE, error))
            return FALSE;
          continue;
        }
      if (!S_ISREG (st.st_mode))
        continue;
      if (!pp_file_read (from, PP_PKI_MAX_FILE, &data, &len, error)
          || !pp_file_write_atomic (to, data, len, st.st_mode & 0777, error))
        return FALSE;
      if (data)
        explicit_bzero (data, len);
    }
  return TRUE;
}

void
pp_pki_txn_free (PpPkiTxn *txn)
{
  if (txn == NULL)
    return;
  /* Not committed: drop the staged changes. */
  if (txn->stage)
    remove_flat_dir (txn->stage);
  g_free (txn->dir);
  g_free (txn->stage);
  g_free (txn->old);
  g_free (txn->parent);
  g_free (txn);
}

PpPkiTxn *
pp_pki_txn_begin (PpSite *site, const char *rel, gboolean start_empty, GError **error)
{
  g_autoptr(PpPkiTxn) txn = g_new0 (PpPkiTxn, 1);
  g_autofree char *stage_rel = g_strconcat (rel, ".new", NULL);
  g_autofree char *old_rel = g_strconcat (rel, ".old", NULL);

  txn->dir = pp_site_path (site, rel);
  txn->stage = pp_site_path (site, stage_rel);
  txn->old = pp_site_path (site, old_rel);
  txn->parent = g_path_get_dirname (txn->dir);
  /* Leftovers of an interrupted run hold nothing the live folder lacks. */
  remove_flat_dir (txn->stage);
  remove_flat_dir (txn->old);
  if (!pp_mkdir (txn->stage, 0700, error))
    return NULL;
  if (start_empty)
    return g_steal_pointer (&txn);
  /* Archive subfolders travel too, so a later change keeps them. */
  if (!copy_dir (txn->dir, txn->stage, TRUE, error))
    return NULL;
  return g_steal_pointer (&txn);
}

char *
pp_pki_txn_archive_previous (PpPkiTxn *txn, GError **error)
{
  g_autoptr(GDir) d = g_dir_open (txn->dir, 0, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "old-%Y%m%dT%H%M%SZ");
  g_autofree char *name = g_strdup (stamp);
  g_autofree char *archive = NULL;
  const char *entry;

  /* Earlier archives first, so a new name cannot collide with them. */
  while (d && (entry = g_dir_read_name (d)))
    {
      g_autofree char *from = g_build_filename (txn->dir, entry, NULL);
      g_autofree char *to = g_build_filename (txn->stage, entry, NULL);
      GStatBuf st;
      if (g_str_has_prefix (entry, "old-") && g_lstat (from, &st) == 0 && S_ISDIR (st.st_mode)
          && !copy_dir (from, to, FALSE, error))
        return NULL;
    }
  for (guint i = 2; ; i++)
    {
      g_free (archive);
      archive = g_build_filename (txn->stage, name, NULL);
      if (!g_file_test (archive, G_FILE_TEST_EXISTS))
        break;
      g_free (name);
      name = g_strdup_printf ("%s-%u", stamp, i);
    }
  if (!copy_dir (txn->dir, archive, FALSE, error))
    return NULL;
  return g_steal_pointer (&name);
}

gboolean
pp_pki_txn_write (PpPkiTxn *txn, const char *name, const void *data, gsize len, gboolean secret,
                  GError **error)
{
  g_autofree char *p = g_build_filename (txn->stage, name, NULL);
  return pp_file_write_atomic (p, data, len, secret ? 0600 : 0644, error);
}

void
pp_pki_txn_remove (PpPkiTxn *txn, const char *name)
{
  g_autofree char *p = g_build_filename (txn->stage, name, NULL);
  g_unlink (p);
}

gboolean
pp_pki_txn_commit (PpPkiTxn *txn, GError **error)
{
  int fd;

  if (!g_file_test (txn->dir, G_FILE_TEST_IS_DIR))
    {
      if (g_rename (txn->stage, txn->dir) != 0)
        goto fail;
    }
  else if (renameat2 (AT_FDCWD, txn->stage, AT_FDCWD, txn->dir, RENAME_EXCHANGE) != 0)
    {
      /* Filesystems without RENAME_EXCHANGE: two renames, a short window. */
      if ((errno != EINVAL && errno != ENOSYS) || g_rename (txn->dir, txn->old) != 0)
        goto fail;
      if (g_rename (txn->stage, txn->dir) != 0)
        {
          int saved = errno;
          g_rename (txn->old, txn->dir);
          errno = saved;
          goto fail;
        }
    }
  /* After the exchange <folder>.new holds the previous state. */
  remove_flat_dir (txn->stage);
  remove_flat_dir (txn->old);
  g_clear_pointer (&txn->stage, g_free);
  fd = open (txn->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      (void) fsync (fd);
      close (fd);
    }
  return TRUE;

fail:
  {
    int saved = errno;
    g_set_error (error, PP_ERROR, PP_ERROR_IO,
                 _("Could not put the new files in place in %s: %s. The previous files are unchanged."),
                 txn->dir, g_strerror (saved));
    return FALSE;
  }
}
