/* Bundle export: site directory → tar.gz with manifest.json first. */
#include "config.h"
#include "pp-bundle-private.h"
#include "pp-bundle-manifest.h"
#include "pp-cert-io.h"
#include "pp-engine-config.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-pki.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  char    *path;     /* in the archive */
  char    *source;   /* on disk, or NULL for data */
  GBytes  *data;
  mode_t   mode;
  guint64  size;
  char    *sha256;
} Item;

typedef struct {
  PpSite               *site;
  const char           *passphrase;
  PpBundleManifest     *manifest;
  GPtrArray            *items;      /* Item */
  GPtrArray            *skipped;    /* char *, translated notes */
  guint                 n_keys;
  guint64               total;
  guint64               done;
  PpBundleProgressFunc  progress;
  gpointer              progress_data;
  GCancellable         *cancellable;
  const char           *boot;       /* canonical boot folder: walked once, as boot/ */
  const char           *file;       /* the bundle being written */
} Export;

static void
item_free (gpointer p)
{
  Item *it = p;
  g_free (it->path);
  g_free (it->source);
  g_clear_pointer (&it->data, g_bytes_unref);
  g_free (it->sha256);
  g_free (it);
}

static void
add_data (Export *ex, const char *path, GBytes *data, mode_t mode)
{
  Item *it = g_new0 (Item, 1);
  it->path = g_strdup (path);
  it->data = data;
  it->mode = mode;
  g_ptr_array_add (ex->items, it);
}

static void
add_file (Export *ex, const char *path, const char *source, mode_t mode)
{
  Item *it = g_new0 (Item, 1);
  it->path = g_strdup (path);
  it->source = g_strdup (source);
  it->mode = mode;
  g_ptr_array_add (ex->items, it);
}

static void
note (Export *ex, const char *format, ...) G_GNUC_PRINTF (2, 3);
static void
note (Export *ex, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_ptr_array_add (ex->skipped, g_strdup_vprintf (format, ap));
  va_end (ap);
}

/* A private key file: wrap it with its certificate into PKCS#12, or leave
 * it out. Keys never enter the archive in any other form. */
static gboolean
add_key (Export *ex, const char *rel, const char *abs, GError **error)
{
  g_autofree char *stem = g_strndup (rel, strlen (rel) - strlen (".key"));
  g_autofree char *crt_rel = g_strconcat (stem, ".crt", NULL);
  g_autofree char *crt_abs = pp_site_path (ex->site, crt_rel);
  g_autofree char *p12_rel = g_strconcat (stem, ".p12", NULL);
  g_autofree char *key_data = NULL, *crt_data = NULL, *friendly = NULL;
  gsize key_len = 0, crt_len = 0;
  g_autoptr(PpX509Privkey) key = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GError) local = NULL;
  gboolean encrypted = FALSE;
  GBytes *p12;

  if (ex->passphrase == NULL)
    {
      note (ex, _("%s was left out: the bundle was exported without keys."), rel);
      return TRUE;
    }
  if (!g_file_test (crt_abs, G_FILE_TEST_IS_REGULAR))
    {
      note (ex, _("%s was left out: it has no certificate yet (a pending request), and keys travel "
                  "only as PKCS#12 with their certificate. Create a new request after the import."), rel);
      return TRUE;
    }
  if (!pp_file_read (abs, PP_BUNDLE_SMALL_MAX, &key_data, &key_len, error)
      || !pp_file_read (crt_abs, PP_BUNDLE_SMALL_MAX, &crt_data, &crt_len, error))
    return FALSE;
  key = pp_key_from_data (key_data, key_len, NULL, &local);
  if (key == NULL && g_error_matches (local, PP_ERROR, PP_ERROR_PASSPHRASE))
    {
      g_clear_error (&local);
      encrypted = TRUE;
      key = pp_key_from_data (key_data, key_len, ex->passphrase, &local);
      if (key == NULL)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_PASSPHRASE,
                       _("%s is protected by its own passphrase, and the bundle passphrase does not open it. "
                         "Export with that key’s passphrase as the bundle passphrase, or without keys."), rel);
          return FALSE;
        }
    }
  if (key == NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT, _("%s cannot be read: %s"), rel, local->message);
      return FALSE;
    }
  certs = pp_certs_from_data (crt_data, crt_len, error);
  if (certs == NULL)
    return FALSE;
  if (g_str_has_prefix (rel, "pki/server/"))
    friendly = pp_server_get_friendly_name (ex->site);
  p12 = pp_export_pkcs12 ((gnutls_x509_crt_t *) certs->pdata, certs->len, key,
                          friendly ? friendly : stem, ex->passphrase, PP_PKCS12_MODERN, &local);
  if (p12 == NULL)
    {
      g_set_error (error, PP_ERROR, local->code, _("%s could not be protected as PKCS#12: %s"), rel, local->message);
      return FALSE;
    }
  add_data (ex, p12_rel, p12, 0600);
  if (encrypted)
    g_ptr_array_add (ex->manifest->encrypted_keys, g_strdup (rel));
  ex->n_keys++;
  return TRUE;
}

static gboolean
walk (Export *ex, const char *abs_dir, const char *rel_dir, gboolean in_boot, GError **error)
{
  g_autoptr(GDir) d = g_dir_open (abs_dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return TRUE;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *abs = g_build_filename (abs_dir, name, NULL);
      g_autofree char *rel = *rel_dir ? g_strconcat (rel_dir, "/", name, NULL) : g_strdup (name);
      GStatBuf st;

      /* Hidden names are temporary files of atomic writes and uploads. */
      if (name[0] == '.' || !pp_path_component_is_safe (name))
        continue;
      if (*rel_dir == '\0'
          && (g_str_equal (name, "logs") || g_str_equal (name, "run") || g_str_equal (name, "engines")
              || g_str_equal (name, "boot") || g_str_equal (name, "site.conf")))
        continue;
      if (g_lstat (abs, &st) != 0)
        continue;
      if (!in_boot && g_strcmp0 (abs, ex->boot) == 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          if (!walk (ex, abs, rel, in_boot, error))
            return FALSE;
          continue;
        }
      /* Firmware is often linked in from a shared folder: take the file. */
      if (S_ISLNK (st.st_mode) && in_boot && g_stat (abs, &st) == 0 && S_ISREG (st.st_mode))
        ;
      else if (!S_ISREG (st.st_mode))
        {
          note (ex, _("%s was left out: it is not a regular file."), rel);
          continue;
        }
      if (in_boot)
        {
          /* Phones' own logs are runtime data, like logs/. */
          if (g_str_has_suffix (name, ".log"))
            continue;
          add_file (ex, rel, abs, 0644);
          continue;
        }
      if (g_str_has_prefix (rel, "pki/") && g_str_has_suffix (name, ".key"))
        {
          if (!add_key (ex, rel, abs, error))
            return FALSE;
          continue;
        }
      if (st.st_size <= PP_BUNDLE_SMALL_MAX)
        {
          g_autofree char *data = NULL;
          gsize len = 0;
          if (!pp_file_read (abs, PP_BUNDLE_SMALL_MAX, &data, &len, error))
            return FALSE;
          if (pp_bundle_data_has_private_key (data, len))
            {
              note (ex, _("%s was left out: it holds a private key outside the known key files."), rel);
              continue;
            }
        }
      add_file (ex, rel, abs, 0600);
    }
  return TRUE;
}

/* site.conf as it will work after import: the boot folder inside the site. */
static gboolean
add_site_conf (Export *ex, GError **error)
{
  g_autofree char *path = pp_site_path (ex->site, "site.conf");
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *boot = NULL;

  if (!pp_file_read (path, PP_BUNDLE_SMALL_MAX, &data, &len, error))
    return FALSE;
  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_KEEP_COMMENTS, &local))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT, _("site.conf cannot be read: %s."), local->message);
      return FALSE;
    }
  boot = g_key_file_get_value (kf, "boot", "dir", NULL);
  if (boot != NULL && !g_str_equal (boot, "boot"))
    {
      g_key_file_set_value (kf, "boot", "dir", "boot");
      g_free (data);
      data = g_key_file_to_data (kf, &len, NULL);
    }
  add_data (ex, "site.conf", g_bytes_new_take (g_steal_pointer (&data), len), 0600);
  return TRUE;
}

static void
add_engines (Export *ex)
{
  static const PpEngine engines[] = { PP_ENGINE_APACHE, PP_ENGINE_NGINX };
  gboolean have[2] = { FALSE, FALSE };
  char *readme;

  for (guint e = 0; e < G_N_ELEMENTS (engines); e++)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(GPtrArray) files = pp_engine_config_generate (ex->site, engines[e], NULL, &local);
      if (files == NULL)
        {
          note (ex, _("The %s configuration was left out: %s"), pp_engine_to_string (engines[e]), local->message);
          continue;
        }
      have[e] = TRUE;
      for (guint i = 0; i < files->len; i++)
        {
          PpEngineFile *f = g_ptr_array_index (files, i);
          g_autofree char *path = g_strdup_printf ("engines/%s/%s", pp_engine_to_string (engines[e]), f->name);
          add_data (ex, path, g_bytes_ref (f->data), 0644);
        }
    }
  readme = pp_engine_readme (ex->site, have[0], have[1], ex->passphrase != NULL);
  add_data (ex, "README.md", g_bytes_new_take (readme, strlen (readme)), 0644);
}

/* A write of the bundle failed. A full disk and a file size limit are the
 * usual causes and each has its own remedy; either way the caller removes
 * the temporary, so no partial bundle stays and an existing file of that
 * name is unchanged. */
static void
set_write_error (GError **error, const char *file, int errnum, const char *detail)
{
  if (errnum == ENOSPC || errnum == EDQUOT)
    g_set_error (error, PP_ERROR, PP_ERROR_IO,
                 _("There is not enough space for the bundle “%s” (%s). Free some space on that disk or save "
                   "the bundle on another one; no bundle was written and nothing else was changed."),
                 file, g_strerror (errnum));
  else if (errnum == EFBIG)
    g_set_error (error, PP_ERROR, PP_ERROR_IO,
                 _("The bundle “%s” would be larger than the file size limit (%s): the limit of this session "
                   "(“ulimit -f”) or the largest file the file system can hold. Raise the limit or save the "
                   "bundle on another file system; no bundle was written and nothing else was changed."),
                 file, g_strerror (errnum));
  else
    g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not write the bundle “%s”: %s."), file,
                 detail ? detail : g_strerror (errnum));
}

static void
set_archive_error (GError **error, Export *ex, struct archive *a)
{
  set_write_error (error, ex->file, archive_errno (a), archive_error_string (a));
}

static gboolean
check_cancel (Export *ex, GError **error)
{
  if (g_cancellable_is_cancelled (ex->cancellable))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_CANCELLED, _("The export was cancelled; no bundle was written."));
      return FALSE;
    }
  return TRUE;
}

static void
report (Export *ex, guint64 bytes, const char *what)
{
  ex->done += bytes;
  if (ex->progress && ex->total > 0)
    ex->progress ((double) ex->done / (double) (2 * ex->total), what, ex->progress_data);
}

/* Hash (and, with @a, write) one file item in blocks. */
static gboolean
stream_file (Export *ex, Item *it, struct archive *a, GChecksum *sum, guint64 *size, GError **error)
{
  g_autofree guint8 *buf = g_malloc (PP_BUNDLE_BLOCK);
  int fd = g_open (it->source, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok = TRUE;

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not read “%s”: %s."), it->source, g_strerror (saved));
      return FALSE;
    }
  *size = 0;
  for (;;)
    {
      ssize_t n = read (fd, buf, PP_BUNDLE_BLOCK);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not read “%s”: %s."), it->source, g_strerror (saved));
          ok = FALSE;
          break;
        }
      if (n == 0)
        break;
      g_checksum_update (sum, buf, (gsize) n);
      *size += (guint64) n;
      if (a && it->size < *size)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_IO,
                       _("“%s” changed while the bundle was written. Export again when nothing is writing to the site."),
                       it->path);
          ok = FALSE;
          break;
        }
      if (a && archive_write_data (a, buf, (size_t) n) != n)
        {
          set_archive_error (error, ex, a);
          ok = FALSE;
          break;
        }
      report (ex, (guint64) n, it->path);
      if (!check_cancel (ex, error))
        {
          ok = FALSE;
          break;
        }
    }
  close (fd);
  return ok;
}

static gboolean
hash_items (Export *ex, GError **error)
{
  for (guint i = 0; i < ex->items->len; i++)
    {
      Item *it = g_ptr_array_index (ex->items, i);
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

      if (it->data)
        {
          gsize len = 0;
          const void *p = g_bytes_get_data (it->data, &len);
          g_checksum_update (sum, p, len);
          it->size = len;
          report (ex, len, it->path);
        }
      else if (!stream_file (ex, it, NULL, sum, &it->size, error))
        return FALSE;
      it->sha256 = g_strdup (g_checksum_get_string (sum));
      pp_bundle_manifest_add (ex->manifest, it->path, it->size, it->sha256);
    }
  return TRUE;
}

static gboolean
write_entry (Export *ex, struct archive *a, Item *it, GError **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  struct archive_entry *e = archive_entry_new ();
  guint64 size = 0;
  gboolean ok = TRUE;

  archive_entry_set_pathname (e, it->path);
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_perm (e, it->mode);
  archive_entry_set_size (e, (la_int64_t) it->size);
  archive_entry_set_mtime (e, (time_t) (g_get_real_time () / G_USEC_PER_SEC), 0);
  if (archive_write_header (a, e) != ARCHIVE_OK)
    {
      set_archive_error (error, ex, a);
      ok = FALSE;
    }
  else if (it->data)
    {
      gsize len = 0;
      const void *p = g_bytes_get_data (it->data, &len);
      if (len > 0 && archive_write_data (a, p, len) != (la_ssize_t) len)
        {
          set_archive_error (error, ex, a);
          ok = FALSE;
        }
      report (ex, len, it->path);
    }
  else
    {
      ok = stream_file (ex, it, a, sum, &size, error);
      if (ok && (size != it->size || !g_str_equal (g_checksum_get_string (sum), it->sha256)))
        {
          g_set_error (error, PP_ERROR, PP_ERROR_IO,
                       _("“%s” changed while the bundle was written. Export again when nothing is writing to the site."),
                       it->path);
          ok = FALSE;
        }
    }
  archive_entry_free (e);
  return ok;
}

static gboolean
write_archive (Export *ex, int fd, GError **error)
{
  struct archive *a = archive_write_new ();
  gsize mlen = 0;
  g_autofree char *manifest = pp_bundle_manifest_to_json (ex->manifest, &mlen);
  Item mitem = { (char *) PP_BUNDLE_MANIFEST_NAME, NULL, NULL, 0644, mlen, NULL };
  gboolean ok;

  mitem.data = g_bytes_new_static (manifest, mlen);
  archive_write_add_filter_gzip (a);
  /* Firmware is already compressed: harder gzip levels only cost time. */
  archive_write_set_filter_option (a, "gzip", "compression-level", "1");
  archive_write_set_format_pax_restricted (a);
  ok = archive_write_open_fd (a, fd) == ARCHIVE_OK;
  if (!ok)
    set_archive_error (error, ex, a);
  ok = ok && write_entry (ex, a, &mitem, error);
  for (guint i = 0; ok && i < ex->items->len; i++)
    ok = write_entry (ex, a, g_ptr_array_index (ex->items, i), error);
  if (archive_write_close (a) != ARCHIVE_OK && ok)
    {
      set_archive_error (error, ex, a);
      ok = FALSE;
    }
  archive_write_free (a);
  g_bytes_unref (mitem.data);
  return ok;
}

static int
item_cmp (gconstpointer a, gconstpointer b)
{
  const Item *x = *(Item * const *) a, *y = *(Item * const *) b;
  /* README.md and site.conf first: a reader sees what this is at once. */
  int rx = g_str_equal (x->path, "README.md") ? 0 : g_str_equal (x->path, "site.conf") ? 1 : 2;
  int ry = g_str_equal (y->path, "README.md") ? 0 : g_str_equal (y->path, "site.conf") ? 1 : 2;
  return rx != ry ? rx - ry : strcmp (x->path, y->path);
}

/* @file would land inside @dir (after resolving the folder it goes to). */
static gboolean
path_is_inside (const char *file, const char *dir)
{
  g_autofree char *parent = g_path_get_dirname (file);
  g_autofree char *real_parent = realpath (parent, NULL);
  g_autofree char *real_dir = realpath (dir, NULL);
  gsize n;

  if (real_parent == NULL || real_dir == NULL)
    return FALSE;
  n = strlen (real_dir);
  return strncmp (real_parent, real_dir, n) == 0 && (real_parent[n] == '\0' || real_parent[n] == '/');
}

PpBundleExportResult *
pp_bundle_export (PpSite *site, const char *file, const char *passphrase,
                  PpBundleProgressFunc progress, gpointer progress_data,
                  GCancellable *cancellable, GError **error)
{
  g_autofree char *name = pp_site_get (site, "site.name");
  g_autofree char *boot = pp_site_get_boot_dir (site);
  g_autofree char *tmp = g_strdup_printf ("%s.XXXXXX", file);
  g_autoptr(PpBundleManifest) manifest = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (item_free);
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  PpBundleExportResult *result;
  Export ex = { 0 };
  gboolean ok;
  int fd;

  g_return_val_if_fail (PP_IS_SITE (site), NULL);
  if (path_is_inside (file, boot))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("“%s” is inside the boot folder, where phones (and anyone with the phone account) "
                     "could download it. Save the bundle somewhere else."), file);
      return NULL;
    }
  if (passphrase && *passphrase == '\0')
    passphrase = NULL;
  manifest = pp_bundle_manifest_new (name, passphrase != NULL);
  ex = (Export) { site, passphrase, manifest, items, skipped, 0, 0, 0, progress, progress_data, cancellable, boot,
                  file };

  if (!add_site_conf (&ex, error)
      || !walk (&ex, pp_site_get_dir (site), "", FALSE, error)
      || !walk (&ex, boot, "boot", TRUE, error))
    return NULL;
  add_engines (&ex);
  g_ptr_array_sort (items, item_cmp);
  for (guint i = 0; i < items->len; i++)
    {
      Item *it = g_ptr_array_index (items, i);
      GStatBuf st;
      if (it->data)
        ex.total += g_bytes_get_size (it->data);
      else if (g_stat (it->source, &st) == 0)
        ex.total += (guint64) st.st_size;
    }
  if (!hash_items (&ex, error))
    return NULL;

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      if (saved == ENOSPC || saved == EDQUOT)
        set_write_error (error, file, saved, NULL);
      else
        g_set_error (error, PP_ERROR, saved == EACCES ? PP_ERROR_PERMISSION : PP_ERROR_IO,
                     _("Could not create the bundle “%s”: %s. Choose a folder you can write to."),
                     file, g_strerror (saved));
      return NULL;
    }
  ok = write_archive (&ex, fd, error);
  if (ok && fsync (fd) != 0)
    {
      set_write_error (error, file, errno, NULL);
      ok = FALSE;
    }
  /* Some file systems (NFS) report a full disk only at close. */
  if (close (fd) != 0 && ok)
    {
      set_write_error (error, file, errno, NULL);
      ok = FALSE;
    }
  if (ok && g_rename (tmp, file) != 0)
    {
      int saved = errno;
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not write the bundle “%s”: %s."), file, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    {
      g_unlink (tmp);
      return NULL;
    }
  if (progress)
    progress (1.0, file, progress_data);

  result = g_new0 (PpBundleExportResult, 1);
  result->n_members = items->len + 1;
  result->n_bytes = ex.total;
  result->n_keys = ex.n_keys;
  g_ptr_array_add (skipped, NULL);
  result->skipped = (char **) g_ptr_array_free (g_steal_pointer (&skipped), FALSE);
  return result;
}
