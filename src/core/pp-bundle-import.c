/* Bundle import: tar.gz → staging folder (every member checked) → verify
 * contents → one rename into place. */
#include "config.h"
#include "pp-bundle-private.h"
#include "pp-bundle-manifest.h"
#include "pp-bundle-verify.h"
#include "pp-error.h"
#include "pp-fileutil.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define DEFAULT_MEMBER_MAX (G_GUINT64_CONSTANT (4) << 30)
#define DEFAULT_TOTAL_MAX  (G_GUINT64_CONSTANT (32) << 30)

typedef struct {
  const PpBundleImportOptions *options;
  const char                  *file;
  char                        *staging;
  PpBundleManifest            *manifest;
  GHashTable                  *seen;
  guint64                      total;      /* sum of manifest sizes */
  guint64                      done;
  PpBundleProgressFunc         progress;
  gpointer                     progress_data;
  GCancellable                *cancellable;
} Import;

static gboolean
refuse (GError **error, int code, const char *format, ...) G_GNUC_PRINTF (3, 4);
static gboolean
refuse (GError **error, int code, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, PP_ERROR, code, _("%s Nothing was imported."), msg);
  return FALSE;
}

static gboolean
damaged (Import *im, struct archive *a, GError **error)
{
  return refuse (error, PP_ERROR_CORRUPT,
                 _("The bundle “%s” is damaged or incomplete (%s); it may have been cut off while copying. "
                   "Copy or export it again."),
                 im->file, archive_error_string (a) ? archive_error_string (a) : _("unexpected end"));
}

static const char *
type_name (mode_t type)
{
  switch (type)
    {
    case AE_IFLNK: return _("a symbolic link");
    case AE_IFCHR: return _("a character device");
    case AE_IFBLK: return _("a block device");
    case AE_IFIFO: return _("a named pipe");
    case AE_IFSOCK: return _("a socket");
    default: return _("not a regular file");
    }
}

static gboolean
is_small_member (const char *path)
{
  return !g_str_has_prefix (path, "boot/");
}

/* A bundle repacked with "tar -C DIR ." names members "./site.conf" and
 * folders "boot/": harmless spellings, taken as "site.conf" and "boot". */
static char *
entry_path (struct archive_entry *e)
{
  const char *p = archive_entry_pathname (e);
  char *path;
  gsize n;

  if (p == NULL)
    return NULL;
  while (p[0] == '.' && p[1] == '/')
    p += 2;
  path = g_strdup (p);
  n = strlen (path);
  while (n > 1 && path[n - 1] == '/' && archive_entry_filetype (e) == AE_IFDIR)
    path[--n] = '\0';
  return path;
}

/* Every check that needs only the header, before any data is read. */
static gboolean
check_header (Import *im, struct archive_entry *e, const PpBundleMember **out, GError **error)
{
  g_autofree char *path = entry_path (e);
  mode_t type = archive_entry_filetype (e);
  const PpBundleMember *m;
  guint64 size;
  guint64 member_max = im->options->max_member_bytes ? im->options->max_member_bytes : DEFAULT_MEMBER_MAX;

  *out = NULL;
  if (type == AE_IFDIR && (g_strcmp0 (path, ".") == 0 || g_strcmp0 (path, "") == 0))
    return TRUE;
  if (path == NULL || !pp_bundle_path_is_safe (path))
    {
      /* Not UTF-8 is one of the reasons: keep the message UTF-8. */
      g_autofree char *shown = g_utf8_make_valid (archive_entry_pathname (e) ? archive_entry_pathname (e) : "", -1);
      return refuse (error, PP_ERROR_INVALID,
                     _("The bundle contains the entry “%s”, whose path is absolute, contains “..” or odd "
                       "characters and would write outside the site. The bundle is hostile or broken."),
                     shown);
    }
  if (archive_entry_hardlink (e) != NULL)
    {
      g_autofree char *shown = g_utf8_make_valid (archive_entry_hardlink (e), -1);
      return refuse (error, PP_ERROR_INVALID,
                     _("The bundle contains “%s” as a hard link to “%s”. Bundles hold only plain files."),
                     path, shown);
    }
  if (type == AE_IFDIR)
    return TRUE;
  if (type != AE_IFREG)
    return refuse (error, PP_ERROR_INVALID,
                   _("The bundle contains “%s”, which is %s. Bundles hold only plain files."),
                   path, type_name (type));
  m = pp_bundle_manifest_lookup (im->manifest, path);
  if (m == NULL)
    return refuse (error, PP_ERROR_INVALID,
                   _("The bundle contains “%s”, which its manifest does not list. The bundle was changed after export."),
                   path);
  if (g_hash_table_contains (im->seen, path))
    return refuse (error, PP_ERROR_INVALID, _("The bundle contains “%s” twice."), path);
  size = archive_entry_size_is_set (e) ? (guint64) archive_entry_size (e) : m->size;
  /* Configuration and certificates are small; only firmware is large. */
  if (is_small_member (path))
    member_max = MIN (member_max, PP_BUNDLE_SMALL_MAX);
  if (size > member_max || m->size > member_max)
    return refuse (error, PP_ERROR_INVALID,
                   _("The bundle member “%s” is %" G_GUINT64_FORMAT " bytes, more than the %" G_GUINT64_FORMAT
                     " bytes such a file may have."),
                   path, MAX (size, m->size), member_max);
  if (size != m->size)
    return refuse (error, PP_ERROR_INVALID,
                   _("The bundle member “%s” is %" G_GUINT64_FORMAT " bytes, but the manifest says %" G_GUINT64_FORMAT
                     ". The bundle was changed after export."),
                   path, size, m->size);
  *out = m;
  return TRUE;
}

static gboolean
make_parents (const char *staging, const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *abs = NULL;

  if (g_str_equal (dir, "."))
    return TRUE;
  abs = g_build_filename (staging, dir, NULL);
  return pp_mkdir (abs, 0700, error);
}

static gboolean
extract_member (Import *im, struct archive *a, const PpBundleMember *m, GError **error)
{
  g_autofree char *abs = g_build_filename (im->staging, m->path, NULL);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buf = g_malloc (PP_BUNDLE_BLOCK);
  guint64 got = 0;
  gboolean ok = TRUE;
  int fd;

  if (!make_parents (im->staging, m->path, error))
    return FALSE;
  /* The staging folder is ours and fresh: O_EXCL|O_NOFOLLOW keeps it so. */
  fd = g_open (abs, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not write “%s”: %s."), abs, g_strerror (saved));
      return FALSE;
    }
  for (;;)
    {
      la_ssize_t n = archive_read_data (a, buf, PP_BUNDLE_BLOCK);
      if (n == 0)
        break;
      if (n < 0)
        {
          ok = damaged (im, a, error);
          break;
        }
      got += (guint64) n;
      if (got > m->size)
        {
          ok = refuse (error, PP_ERROR_INVALID, _("The bundle member “%s” is longer than its manifest says."), m->path);
          break;
        }
      g_checksum_update (sum, buf, (gsize) n);
      if (write (fd, buf, (size_t) n) != n)
        {
          int saved = errno;
          g_set_error (error, PP_ERROR, PP_ERROR_IO,
                       _("Could not write “%s”: %s. Free some disk space and try again; the target is unchanged."),
                       abs, g_strerror (saved));
          ok = FALSE;
          break;
        }
      im->done += (guint64) n;
      if (im->progress && im->total)
        im->progress (0.9 * (double) im->done / (double) im->total, m->path, im->progress_data);
      if (g_cancellable_is_cancelled (im->cancellable))
        {
          ok = refuse (error, PP_ERROR_CANCELLED, _("The import was cancelled."));
          break;
        }
    }
  if (ok && fsync (fd) != 0)
    ok = refuse (error, PP_ERROR_IO, _("Could not write “%s”: %s."), abs, g_strerror (errno));
  close (fd);
  if (!ok)
    return FALSE;
  if (got != m->size)
    return damaged (im, a, error);
  if (!g_str_equal (g_checksum_get_string (sum), m->sha256))
    return refuse (error, PP_ERROR_CORRUPT,
                   _("The checksum of “%s” does not match the manifest: the bundle was changed or damaged "
                     "after export. Export it again from the original site."),
                   m->path);
  g_hash_table_add (im->seen, g_strdup (m->path));
  return TRUE;
}

static gboolean
read_manifest (Import *im, struct archive *a, GError **error)
{
  struct archive_entry *e;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buf[16384];
  g_autoptr(GError) local = NULL;
  g_autofree char *name = NULL;
  int r = archive_read_next_header (a, &e);

  if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
    {
      if (r == ARCHIVE_EOF)
        return refuse (error, PP_ERROR_INVALID, _("The bundle “%s” is empty."), im->file);
      return refuse (error, PP_ERROR_INVALID,
                     _("“%s” is not a phoneprov bundle (a .tar.gz file): %s."), im->file, archive_error_string (a));
    }
  /* "tar -C DIR ." puts the folder itself first. */
  while ((r == ARCHIVE_OK || r == ARCHIVE_WARN) && archive_entry_filetype (e) == AE_IFDIR
         && (g_strcmp0 (archive_entry_pathname (e), ".") == 0 || g_strcmp0 (archive_entry_pathname (e), "./") == 0))
    r = archive_read_next_header (a, &e);
  name = (r == ARCHIVE_OK || r == ARCHIVE_WARN) ? entry_path (e) : NULL;
  if (g_strcmp0 (name, PP_BUNDLE_MANIFEST_NAME) != 0 || archive_entry_filetype (e) != AE_IFREG)
    return refuse (error, PP_ERROR_INVALID,
                   _("“%s” is not a phoneprov bundle: it does not start with manifest.json."), im->file);
  for (;;)
    {
      la_ssize_t n = archive_read_data (a, buf, sizeof buf);
      if (n == 0)
        break;
      if (n < 0)
        return damaged (im, a, error);
      g_byte_array_append (data, buf, (guint) n);
      if (data->len > PP_BUNDLE_MANIFEST_MAX)
        return refuse (error, PP_ERROR_INVALID, _("The bundle’s manifest.json is too large to be one."));
    }
  im->manifest = pp_bundle_manifest_parse ((const char *) data->data, data->len, &local);
  if (im->manifest == NULL)
    return refuse (error, local->code, "%s", local->message);
  for (guint i = 0; i < im->manifest->members->len; i++)
    im->total += ((PpBundleMember *) g_ptr_array_index (im->manifest->members, i))->size;
  if (im->total > (im->options->max_total_bytes ? im->options->max_total_bytes : DEFAULT_TOTAL_MAX))
    return refuse (error, PP_ERROR_INVALID,
                   _("The bundle would unpack to %" G_GUINT64_FORMAT " bytes, more than this import allows."),
                   im->total);
  return TRUE;
}

/* Fail before writing rather than half-way through a firmware file. */
static gboolean
check_space (Import *im, GError **error)
{
  struct statvfs vfs;
  guint64 avail;

  if (statvfs (im->staging, &vfs) != 0)
    return TRUE;
  avail = (guint64) vfs.f_bavail * (guint64) vfs.f_frsize;
  if (avail < im->total + (16 << 20))
    return refuse (error, PP_ERROR_IO,
                   _("The bundle unpacks to %" G_GUINT64_FORMAT " MB, but only %" G_GUINT64_FORMAT " MB are free "
                     "next to “%s”. Free some space or import elsewhere."),
                   im->total >> 20, avail >> 20, im->staging);
  return TRUE;
}

static gboolean
looks_gzipped (const char *file)
{
  guint8 magic[2] = { 0, 0 };
  FILE *f = fopen (file, "rb");
  gboolean gz;

  if (f == NULL)
    return FALSE;
  gz = fread (magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  fclose (f);
  return gz;
}

static gboolean
extract_all (Import *im, GError **error)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *e;
  gboolean ok;

  archive_read_support_filter_gzip (a);
  archive_read_support_format_tar (a);
  if (archive_read_open_filename (a, im->file, PP_BUNDLE_BLOCK) != ARCHIVE_OK)
    {
      int saved = archive_errno (a);
      if (saved == ENOENT || saved == EACCES || saved == EISDIR)
        ok = refuse (error, saved == ENOENT ? PP_ERROR_NOT_FOUND : PP_ERROR_IO,
                     _("Could not open the bundle “%s”: %s."), im->file, g_strerror (saved));
      else if (looks_gzipped (im->file))
        ok = damaged (im, a, error);
      else
        ok = refuse (error, PP_ERROR_INVALID,
                     _("“%s” is not a phoneprov bundle (a .tar.gz file): %s."), im->file, archive_error_string (a));
      archive_read_free (a);
      return ok;
    }
  ok = read_manifest (im, a, error) && check_space (im, error);
  while (ok)
    {
      const PpBundleMember *m = NULL;
      int r = archive_read_next_header (a, &e);
      if (r == ARCHIVE_EOF)
        break;
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
        {
          ok = damaged (im, a, error);
          break;
        }
      ok = check_header (im, e, &m, error);
      if (ok && m != NULL)
        ok = extract_member (im, a, m, error);
    }
  archive_read_free (a);
  if (!ok)
    return FALSE;
  for (guint i = 0; i < im->manifest->members->len; i++)
    {
      PpBundleMember *m = g_ptr_array_index (im->manifest->members, i);
      if (!g_hash_table_contains (im->seen, m->path))
        return refuse (error, PP_ERROR_CORRUPT,
                       _("The bundle is incomplete: “%s”, listed in its manifest, is missing."), m->path);
    }
  return TRUE;
}

/* The target must be new, empty, or (with replace) an existing site. */
static gboolean
check_target (const char *target, gboolean replace, gboolean *exists, GError **error)
{
  g_autofree char *conf = g_build_filename (target, "site.conf", NULL);
  g_autoptr(GDir) d = NULL;

  *exists = FALSE;
  if (!g_file_test (target, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_test (target, G_FILE_TEST_IS_DIR))
    return refuse (error, PP_ERROR_EXISTS, _("“%s” exists and is not a folder. Choose another place for the site."), target);
  d = g_dir_open (target, 0, NULL);
  if (d && g_dir_read_name (d) == NULL)
    return TRUE;
  if (!replace)
    return refuse (error, PP_ERROR_EXISTS,
                   _("The folder “%s” is not empty. Import into a new folder, or replace the site there "
                     "(--replace; the old one is kept beside it)."), target);
  if (!g_file_test (conf, G_FILE_TEST_IS_REGULAR))
    return refuse (error, PP_ERROR_EXISTS,
                   _("The folder “%s” is not empty and is not a phoneprov site, so it is not replaced. "
                     "Choose a new folder."), target);
  *exists = TRUE;
  return TRUE;
}

/* The rename itself must reach the disk, not only the files. */
static void
sync_parent (const char *target)
{
  g_autofree char *parent = g_path_get_dirname (target);
  int fd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      (void) fsync (fd);
      close (fd);
    }
}

/* One rename makes the new site appear; replacing swaps both atomically. */
static gboolean
commit (const char *staging, const char *target, gboolean exists, char **backup, GError **error)
{
  if (!exists)
    {
      (void) g_rmdir (target);   /* an empty folder, or nothing */
      if (g_rename (staging, target) != 0)
        return refuse (error, PP_ERROR_IO, _("Could not move the site into “%s”: %s."), target, g_strerror (errno));
      sync_parent (target);
      return TRUE;
    }
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
    g_autofree char *bak = g_strdup_printf ("%s.before-import-%s", target, stamp);
    if (renameat2 (AT_FDCWD, staging, AT_FDCWD, target, RENAME_EXCHANGE) != 0)
      return refuse (error, PP_ERROR_IO, _("Could not swap the new site into “%s”: %s."), target, g_strerror (errno));
    sync_parent (target);
    /* staging now holds the previous site. */
    if (g_rename (staging, bak) != 0)
      {
        g_free (bak);
        bak = g_strdup (staging);
      }
    *backup = g_steal_pointer (&bak);
  }
  return TRUE;
}

PpBundleImportResult *
pp_bundle_import (const char *file, const char *target_dir, const PpBundleImportOptions *options,
                  PpBundleProgressFunc progress, gpointer progress_data,
                  GCancellable *cancellable, GError **error)
{
  static const PpBundleImportOptions defaults = { 0 };
  g_autofree char *target = g_canonicalize_filename (target_dir, NULL);
  g_autofree char *parent = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  g_autofree char *tmpl = g_strdup_printf ("%s/.%s.import-XXXXXX", parent, base);
  g_autoptr(PpBundleImportResult) result = g_new0 (PpBundleImportResult, 1);
  Import im = { 0 };
  gboolean exists = FALSE, ok;

  im.options = options ? options : &defaults;
  im.file = file;
  im.progress = progress;
  im.progress_data = progress_data;
  im.cancellable = cancellable;
  if (!im.options->dry_run
      && (!check_target (target, im.options->replace, &exists, error) || !pp_mkdir (parent, 0755, error)))
    return NULL;
  if (g_mkdtemp_full (tmpl, 0700) == NULL)
    {
      refuse (error, PP_ERROR_IO, _("Could not create a folder next to “%s”: %s."), target, g_strerror (errno));
      return NULL;
    }
  im.staging = g_strdup (tmpl);
  im.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  ok = extract_all (&im, error)
       && pp_bundle_verify_staging (im.staging, target, im.manifest, im.options, result, error);
  if (ok && progress)
    progress (0.95, target, progress_data);
  ok = ok && (im.options->dry_run || commit (im.staging, target, exists, &result->backup_dir, error));
  if (!ok || im.options->dry_run)
    pp_file_remove_tree (im.staging);
  if (ok)
    {
      result->site_dir = im.options->dry_run ? NULL : g_strdup (target);
      result->site_name = g_strdup (im.manifest->site_name);
      result->created = g_strdup (im.manifest->created);
      result->phoneprov_version = g_strdup (im.manifest->phoneprov_version);
      result->n_members = im.manifest->members->len + 1;
      result->n_bytes = im.total;
      if (progress)
        progress (1.0, target, progress_data);
    }
  g_free (im.staging);
  g_clear_pointer (&im.seen, g_hash_table_unref);
  g_clear_pointer (&im.manifest, pp_bundle_manifest_free);
  return ok ? g_steal_pointer (&result) : NULL;
}
