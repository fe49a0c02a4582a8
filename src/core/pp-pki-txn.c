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

static void
remove_flat_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
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
  g_autoptr(GDir) d = NULL;
  const char *name;

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
  d = g_dir_open (txn->dir, 0, NULL);
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *src = g_build_filename (txn->dir, name, NULL);
      g_autofree char *dst = g_build_filename (txn->stage, name, NULL);
      g_autofree char *data = NULL;
      GStatBuf st;
      gsize len = 0;
      if (g_lstat (src, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (!pp_file_read (src, PP_PKI_MAX_FILE, &data, &len, error)
          || !pp_file_write_atomic (dst, data, len, st.st_mode & 0777, error))
        return NULL;
      if (data)
        explicit_bzero (data, len);
    }
  return g_steal_pointer (&txn);
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
