/* Bundle import end to end, structure-aware: the input describes archive
 * entries, the harness writes them as a tar.gz with a manifest whose sizes
 * and checksums match (so mutations get past the checksums into the
 * checks behind them), then imports it.
 *
 * Input: entries separated by NUL bytes, each "T PATH\nCONTENT" with T one
 * of f (file), l (symlink to CONTENT), h (hard link to CONTENT), d (folder),
 * m (manifest.json verbatim instead of the generated one), x (file left out
 * of the manifest).
 *
 * Properties: nothing outside the target folder is created or changed
 * (a sentinel file next to it, and the scratch folder's listing); a failed
 * import leaves no target; a successful one is a site that opens, with no
 * symlink in it. */
#include "config.h"
#include "fuzz-common.h"
#include "pp-bundle.h"
#include "pp-bundle-manifest.h"
#include "pp-site.h"

#include <archive.h>
#include <ftw.h>
#include <archive_entry.h>
#include <glib/gstdio.h>
#include <string.h>

static char *root, *bundle, *target, *sentinel;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  root = g_build_filename (fuzz_scratch_dir (), "bundle", NULL);
  g_mkdir_with_parents (root, 0700);
  bundle = g_build_filename (root, "in.tar.gz", NULL);
  target = g_build_filename (root, "target", NULL);
  sentinel = g_build_filename (root, "sentinel", NULL);
  return 0;
}

static void
add_entry (struct archive *a, char type, const char *path, const char *content, gsize len)
{
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, path);
  archive_entry_set_mtime (e, 1700000000, 0);
  switch (type)
    {
    case 'l':
      archive_entry_set_filetype (e, AE_IFLNK);
      archive_entry_set_perm (e, 0777);
      archive_entry_set_symlink (e, content);
      break;
    case 'h':
      archive_entry_set_filetype (e, AE_IFREG);
      archive_entry_set_perm (e, 0644);
      archive_entry_set_hardlink (e, content);
      break;
    case 'd':
      archive_entry_set_filetype (e, AE_IFDIR);
      archive_entry_set_perm (e, 0755);
      break;
    default:
      archive_entry_set_filetype (e, AE_IFREG);
      archive_entry_set_perm (e, 0644);
      archive_entry_set_size (e, (la_int64_t) len);
      break;
    }
  archive_write_header (a, e);
  if (type != 'l' && type != 'h' && type != 'd' && len)
    archive_write_data (a, content, len);
  archive_entry_free (e);
}

static gboolean
write_bundle (const uint8_t *data, size_t size)
{
  g_autoptr(PpBundleManifest) m = pp_bundle_manifest_new ("fuzz", FALSE);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *manifest = NULL;
  const char *p = (const char *) data, *end = p + size;
  struct archive *a;
  gsize mlen = 0;

  while (p < end)
    {
      const char *z = memchr (p, '\0', (size_t) (end - p));
      const char *stop = z ? z : end;
      g_ptr_array_add (entries, g_strndup (p, (gsize) (stop - p)));
      p = stop + 1;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      const char *e = entries->pdata[i], *nl = strchr (e, '\n');
      if (strlen (e) < 3 || e[0] != 'f' || e[1] != ' ')
        continue;
      {
        g_autofree char *path = g_strndup (e + 2, nl ? (gsize) (nl - e - 2) : strlen (e + 2));
        const char *content = nl ? nl + 1 : "";
        g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) content, strlen (content));
        pp_bundle_manifest_add (m, path, strlen (content), sha);
      }
    }
  manifest = pp_bundle_manifest_to_json (m, &mlen);
  for (guint i = 0; i < entries->len; i++)
    {
      const char *e = entries->pdata[i];
      if (e[0] == 'm' && e[1] == ' ')
        {
          const char *nl = strchr (e, '\n');
          g_free (manifest);
          manifest = g_strdup (nl ? nl + 1 : "");
          mlen = strlen (manifest);
        }
    }

  a = archive_write_new ();
  archive_write_add_filter_gzip (a);
  archive_write_set_format_pax_restricted (a);
  if (archive_write_open_filename (a, bundle) != ARCHIVE_OK)
    abort ();
  add_entry (a, 'f', PP_BUNDLE_MANIFEST_NAME, manifest, mlen);
  for (guint i = 0; i < entries->len; i++)
    {
      const char *e = entries->pdata[i], *nl = strchr (e, '\n');
      g_autofree char *path = NULL;
      if (strlen (e) < 3 || e[1] != ' ' || !strchr ("flhdx", e[0]))
        continue;
      path = g_strndup (e + 2, nl ? (gsize) (nl - e - 2) : strlen (e + 2));
      add_entry (a, e[0], path, nl ? nl + 1 : "", nl ? strlen (nl + 1) : 0);
    }
  archive_write_close (a);
  archive_write_free (a);
  return TRUE;
}

static int
cmp_strp (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static char *
listing (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *n;
  while (d && (n = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (n));
  g_ptr_array_sort (names, cmp_strp);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

static gboolean
has_symlink (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (dir, n, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_SYMLINK))
        return TRUE;
      if (g_file_test (p, G_FILE_TEST_IS_DIR) && has_symlink (p))
        return TRUE;
    }
  return FALSE;
}

static int
remove_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  return remove (path) == 0 ? 0 : -1;
}

static void
remove_tree (const char *path)
{
  /* In process: spawning rm per input halved the exec rate. */
  if (g_file_test (path, G_FILE_TEST_EXISTS) && nftw (path, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  PpBundleImportOptions opts = { .without_keys = TRUE, .max_member_bytes = 1 << 20, .max_total_bytes = 4 << 20 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBundleImportResult) res = NULL;
  g_autofree char *before = NULL, *after = NULL, *sentinel_text = NULL;

  if (!g_file_set_contents (sentinel, "untouched", -1, NULL))
    abort ();
  write_bundle (data, size);
  before = listing (root);

  res = pp_bundle_import (bundle, target, &opts, NULL, NULL, NULL, &error);

  FUZZ_CHECK (g_file_get_contents (sentinel, &sentinel_text, NULL, NULL) && g_str_equal (sentinel_text, "untouched"),
              "a file next to the target was changed");
  after = listing (root);
  if (g_getenv ("FUZZ_VERBOSE"))
    fprintf (stderr, "import: %s\n", res ? "accepted" : error->message);
  if (res == NULL)
    {
      FUZZ_CHECK (error != NULL && g_utf8_validate (error->message, -1, NULL), "refusal without a UTF-8 message");
      FUZZ_CHECK (g_str_equal (before, after), "a failed import left \"%s\" (was \"%s\")", after, before);
    }
  else
    {
      g_autoptr(PpSite) site = pp_site_open (target, NULL);
      FUZZ_CHECK (site != NULL, "an imported site does not open");
      FUZZ_CHECK (!has_symlink (target), "an imported site holds a symlink");
      {
        /* A bundle must not point the daemon at files outside the site it
         * brings (boot.dir=/etc would serve /etc to anyone with digest). */
        g_autofree char *boot = pp_site_get_boot_dir (site);
        g_autofree char *real_target = g_canonicalize_filename (target, NULL);
        FUZZ_CHECK (g_str_has_prefix (boot, real_target) && boot[strlen (real_target)] == '/',
                    "an imported site serves \"%s\", outside the site", boot);
      }
      {
        g_autofree char *expect = g_strdup_printf ("%s,target", before);
        g_autofree char *sorted = NULL;
        g_auto(GStrv) parts = g_strsplit (expect, ",", -1);
        g_autoptr(GPtrArray) v = g_ptr_array_new ();
        for (guint i = 0; parts[i]; i++)
          if (*parts[i])
            g_ptr_array_add (v, parts[i]);
        g_ptr_array_sort (v, cmp_strp);
        g_ptr_array_add (v, NULL);
        sorted = g_strjoinv (",", (char **) v->pdata);
        FUZZ_CHECK (g_str_equal (after, sorted), "import created \"%s\" next to the target", after);
      }
    }
  remove_tree (target);
  return 0;
}
