/* Shared by the bundle tests: a template site, a good bundle of it, and
 * tools to forge hostile variants and check that a target stays untouched. */
#include "config.h"
#include "bundle-test-util.h"
#include "pp-bundle-manifest.h"
#include "pp-error.h"
#include "pp-htdigest.h"
#include "pp-pki.h"

#include <archive.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

char *base;       /* temp folder of this run */
char *site_dir;   /* the template site */
char *good;       /* a good bundle of it, with keys */


void
member_free (gpointer p)
{
  Member *m = p;
  g_free (m->name);
  g_clear_pointer (&m->data, g_bytes_unref);
  g_free (m->link);
  g_free (m);
}

Member *
member_new (const char *name, const void *data, gsize len)
{
  Member *m = g_new0 (Member, 1);
  m->name = g_strdup (name);
  m->data = g_bytes_new (data, len);
  m->type = AE_IFREG;
  return m;
}

GPtrArray *
read_members (const char *file)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *e;
  GPtrArray *out = g_ptr_array_new_with_free_func (member_free);

  archive_read_support_filter_gzip (a);
  archive_read_support_format_tar (a);
  g_assert_cmpint (archive_read_open_filename (a, file, 16384), ==, ARCHIVE_OK);
  while (archive_read_next_header (a, &e) == ARCHIVE_OK)
    {
      gsize len = (gsize) archive_entry_size (e);
      g_autofree guint8 *buf = g_malloc (len + 1);
      g_assert_cmpint (archive_read_data (a, buf, len), ==, (la_ssize_t) len);
      g_ptr_array_add (out, member_new (archive_entry_pathname (e), buf, len));
    }
  archive_read_free (a);
  return out;
}

Member *
find (GPtrArray *members, const char *name)
{
  for (guint i = 0; i < members->len; i++)
    if (g_str_equal (((Member *) g_ptr_array_index (members, i))->name, name))
      return g_ptr_array_index (members, i);
  return NULL;
}

Member *
need (GPtrArray *members, const char *name)
{
  Member *m = find (members, name);
  if (m == NULL)
    g_error ("the good bundle has no %s", name);
  return m;
}

/* Write @members as a bundle. With @fix_manifest the manifest is made to
 * match them, so only the planted fault can be the reason for a refusal. */
char *
write_bundle (const char *name, GPtrArray *members, gboolean fix_manifest)
{
  g_autofree char *path = g_build_filename (base, name, NULL);
  struct archive *a = archive_write_new ();

  if (fix_manifest)
    {
      g_autoptr(PpBundleManifest) m = pp_bundle_manifest_new ("test", TRUE);
      Member *old = find (members, PP_BUNDLE_MANIFEST_NAME);
      gsize len = 0;
      char *json;
      for (guint i = 0; i < members->len; i++)
        {
          Member *mem = g_ptr_array_index (members, i);
          g_autofree char *sum = NULL;
          if (mem == old || mem->type != AE_IFREG || !pp_bundle_path_is_safe (mem->name))
            continue;
          sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, mem->data);
          pp_bundle_manifest_add (m, mem->name, g_bytes_get_size (mem->data), sum);
        }
      json = pp_bundle_manifest_to_json (m, &len);
      g_ptr_array_remove (members, old);
      g_ptr_array_insert (members, 0, member_new (PP_BUNDLE_MANIFEST_NAME, json, len));
      g_free (json);
    }
  archive_write_add_filter_gzip (a);
  archive_write_set_format_pax_restricted (a);
  g_assert_cmpint (archive_write_open_filename (a, path), ==, ARCHIVE_OK);
  for (guint i = 0; i < members->len; i++)
    {
      Member *mem = g_ptr_array_index (members, i);
      struct archive_entry *e = archive_entry_new ();
      gsize len = mem->type == AE_IFREG ? g_bytes_get_size (mem->data) : 0;
      archive_entry_set_pathname (e, mem->name);
      archive_entry_set_perm (e, 0644);
      if (mem->link && mem->type == AE_IFREG)
        archive_entry_set_hardlink (e, mem->link);
      else
        archive_entry_set_filetype (e, mem->type);
      if (mem->type == AE_IFLNK)
        archive_entry_set_symlink (e, mem->link);
      archive_entry_set_size (e, (la_int64_t) len);
      g_assert_cmpint (archive_write_header (a, e), ==, ARCHIVE_OK);
      if (len)
        g_assert_cmpint (archive_write_data (a, g_bytes_get_data (mem->data, NULL), len), ==, (la_ssize_t) len);
      archive_entry_free (e);
    }
  archive_write_close (a);
  archive_write_free (a);
  return g_steal_pointer (&path);
}

/* "path mode sha256" for every file below @dir: what "untouched" means. */
static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
snapshot_into (GString *s, const char *dir, const char *rel)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      g_autofree char *p = g_build_filename (dir, n, NULL);
      g_autofree char *r = g_build_filename (rel, n, NULL);
      GStatBuf st;
      g_assert_cmpint (g_lstat (p, &st), ==, 0);
      g_string_append_printf (s, "%s %o", r, (unsigned) st.st_mode);
      if (S_ISDIR (st.st_mode))
        {
          g_string_append_c (s, '\n');
          snapshot_into (s, p, r);
        }
      else
        {
          g_autofree char *data = NULL;
          gsize len = 0;
          g_autofree char *sum = NULL;
          g_assert_true (g_file_get_contents (p, &data, &len, NULL));
          sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
          g_string_append_printf (s, " %s\n", sum);
        }
    }
}

char *
snapshot (const char *dir)
{
  GString *s = g_string_new (NULL);
  snapshot_into (s, dir, "");
  return g_string_free (s, FALSE);
}

guint
count_leftovers (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;
  while (d && (name = g_dir_read_name (d)))
    if (strstr (name, ".import-"))
      n++;
  return n;
}

char *
copy_template (const char *name)
{
  char *dst = g_build_filename (base, name, NULL);
  g_autofree char *cmd = g_strdup_printf ("cp -a '%s' '%s'", site_dir, dst);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  return dst;
}

/* The bundle must be refused with @code and a message containing @needle;
 * an existing site given as target (replace) and a new target both stay
 * exactly as they were, and no staging folder is left behind. */
void
assert_refused_opts (const char *bundle, const PpBundleImportOptions *options, int code, const char *needle)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("existing-%u", ++n);
  g_autofree char *existing = copy_template (name);
  g_autofree char *fresh = g_strdup_printf ("%s/fresh-%u", base, n);
  g_autofree char *before = snapshot (existing);
  g_autofree char *after = NULL;
  PpBundleImportOptions opts = *options;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBundleImportResult) r = NULL;

  opts.replace = TRUE;
  r = pp_bundle_import (bundle, existing, &opts, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, PP_ERROR, code);
  g_test_message ("refused: %s", error->message);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” is not in the message “%s”", needle, error->message);
  g_assert_nonnull (strstr (error->message, "Nothing was imported"));
  after = snapshot (existing);
  g_assert_cmpstr (before, ==, after);
  g_clear_error (&error);

  opts.replace = FALSE;
  r = pp_bundle_import (bundle, fresh, &opts, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, PP_ERROR, code);
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_leftovers (base), ==, 0);
}

void
assert_refused (const char *bundle, int code, const char *needle)
{
  PpBundleImportOptions opts = { .passphrase = PASS };
  assert_refused_opts (bundle, &opts, code, needle);
}

void
make_template_site (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  PpCaParams ca = { .common_name = "Bundle Test CA", .key_type = PP_KEY_ECDSA_P256 };
  const char *ips[] = { "127.0.0.1", NULL };
  PpCsrParams csr = { .common_name = "localhost", .san_ip = ips, .key_type = PP_KEY_ECDSA_P256,
                      .friendly_name = "bundle test" };
  g_autofree char *ca_pem = NULL, *req = NULL, *htdigest = NULL, *trust = NULL, *boot = NULL;
  g_autofree char *sip = g_malloc0 (65536);

  site_dir = g_build_filename (base, "template", NULL);
  site = pp_site_create (site_dir, &error);
  g_assert_no_error (error);
  ca_pem = pp_ca_create (site, &ca, FALSE, NULL, &error);
  g_assert_no_error (error);
  req = pp_server_request_create (site, &csr, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pp_ca_sign_pending (site, 0, NULL, &error));
  g_assert_no_error (error);
  /* The site CA doubles as a phone trust anchor: any CA certificate will do. */
  trust = pp_site_path (site, "pki/trust/test-anchor.pem");
  g_assert_true (g_file_set_contents (trust, ca_pem, -1, NULL));
  htdigest = pp_site_path (site, "auth/htdigest");
  g_assert_true (pp_htdigest_set (htdigest, "PlcmSpIp", "phoneprov", "secret", &error));
  boot = pp_site_get_boot_dir (site);
  {
    g_autofree char *cfg = g_build_filename (boot, "000000000000.cfg", NULL);
    g_autofree char *ld = g_build_filename (boot, "sip.ld", NULL);
    g_autofree char *log = g_build_filename (boot, "0004f2000001-app.log", NULL);
    g_assert_true (g_file_set_contents (cfg, "<APPLICATION APP_FILE_PATH=\"sip.ld\"/>\n", -1, NULL));
    /* Incompressible, so a cut-off bundle ends inside it. */
    for (guint i = 0; i < 65536; i++)
      sip[i] = (char) g_random_int ();
    g_assert_true (g_file_set_contents (ld, sip, 65536, NULL));
    g_assert_true (g_file_set_contents (log, "phone log\n", -1, NULL));
  }
}

void
bundle_test_init (int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *runtime = NULL;

  g_test_init (argc, argv, NULL);
  base = g_dir_make_tmp ("pp-bundle-XXXXXX", &error);
  g_assert_no_error (error);
  runtime = g_build_filename (base, "xdg-runtime", NULL);
  g_mkdir (runtime, 0700);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  make_template_site ();
  {
    g_autoptr(PpSite) site = pp_site_open (site_dir, &error);
    g_autoptr(PpBundleExportResult) r = NULL;
    g_assert_no_error (error);
    good = g_build_filename (base, "good.tar.gz", NULL);
    r = pp_bundle_export (site, good, PASS, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (r->n_keys, ==, 2);
  }
}

int
bundle_test_run (void)
{
  int status = g_test_run ();
  if (status == 0)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", base);
      g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
    }
  return status;
}
