/* Bundles: round trip, and hostile bundles refused with a clear message while
 * the target stays untouched (DESIGN.md §8, issue 6). */
#include "config.h"
#include "pp-bundle.h"
#include "pp-bundle-manifest.h"
#include "pp-engine-config.h"
#include "pp-error.h"
#include "pp-htdigest.h"
#include "pp-pki.h"

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>
#include <string.h>

#define PASS "correct horse battery"

static char *base;       /* temp folder of this run */
static char *site_dir;   /* the template site */
static char *good;       /* a good bundle of it, with keys */

typedef struct {
  char   *name;
  GBytes *data;
  mode_t  type;
  char   *link;   /* symlink target or hard link name */
} Member;

static void
member_free (gpointer p)
{
  Member *m = p;
  g_free (m->name);
  g_clear_pointer (&m->data, g_bytes_unref);
  g_free (m->link);
  g_free (m);
}

static Member *
member_new (const char *name, const void *data, gsize len)
{
  Member *m = g_new0 (Member, 1);
  m->name = g_strdup (name);
  m->data = g_bytes_new (data, len);
  m->type = AE_IFREG;
  return m;
}

static GPtrArray *
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

static Member *
find (GPtrArray *members, const char *name)
{
  for (guint i = 0; i < members->len; i++)
    if (g_str_equal (((Member *) g_ptr_array_index (members, i))->name, name))
      return g_ptr_array_index (members, i);
  return NULL;
}

static Member *
need (GPtrArray *members, const char *name)
{
  Member *m = find (members, name);
  if (m == NULL)
    g_error ("the good bundle has no %s", name);
  return m;
}

/* Write @members as a bundle. With @fix_manifest the manifest is made to
 * match them, so only the planted fault can be the reason for a refusal. */
static char *
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

static char *
snapshot (const char *dir)
{
  GString *s = g_string_new (NULL);
  snapshot_into (s, dir, "");
  return g_string_free (s, FALSE);
}

static guint
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

static char *
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
static void
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

static void
assert_refused (const char *bundle, int code, const char *needle)
{
  PpBundleImportOptions opts = { .passphrase = PASS };
  assert_refused_opts (bundle, &opts, code, needle);
}

static void
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

static void
test_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_build_filename (base, "roundtrip", NULL);
  g_autoptr(GPtrArray) members = read_members (good);
  g_autoptr(PpBundleImportResult) r = NULL;
  PpBundleImportOptions opts = { .passphrase = PASS };
  const char *same[] = { "site.conf", "auth/htdigest", "boot/000000000000.cfg", "boot/sip.ld",
                         "pki/ca/ca.crt", "pki/server/server.crt", "pki/server/chain.pem",
                         "pki/server/server.key", "pki/ca/ca.key", "pki/trust/test-anchor.pem" };

  /* manifest first; no key in any other form than PKCS#12; no logs. */
  g_assert_cmpstr (((Member *) g_ptr_array_index (members, 0))->name, ==, PP_BUNDLE_MANIFEST_NAME);
  for (guint i = 0; i < members->len; i++)
    {
      Member *m = g_ptr_array_index (members, i);
      g_assert_false (g_str_has_suffix (m->name, ".key"));
      g_assert_false (g_str_has_suffix (m->name, ".log"));
      g_assert_null (g_strstr_len (g_bytes_get_data (m->data, NULL), (gssize) g_bytes_get_size (m->data),
                                   "PRIVATE KEY"));
    }
  g_assert_nonnull (find (members, "pki/server/server.p12"));
  g_assert_nonnull (find (members, "pki/ca/ca.p12"));
  g_assert_nonnull (find (members, "engines/apache/httpd.conf"));
  g_assert_nonnull (find (members, "engines/nginx/nginx.conf"));
  g_assert_nonnull (find (members, "README.md"));

  r = pp_bundle_import (good, target, &opts, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->n_keys, ==, 2);
  g_assert_true (r->engines);
  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      g_autofree char *a = g_build_filename (site_dir, same[i], NULL);
      g_autofree char *b = g_build_filename (target, same[i], NULL);
      g_autofree char *da = NULL, *db = NULL;
      gsize la = 0, lb = 0;
      GStatBuf st;
      g_assert_true (g_file_get_contents (a, &da, &la, NULL));
      g_assert_true (g_file_get_contents (b, &db, &lb, NULL));
      g_assert_cmpmem (da, la, db, lb);
      g_assert_cmpint (g_stat (b, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, g_str_has_prefix (same[i], "boot/") ? 0644 : 0600);
    }
  {
    g_autofree char *conf = g_build_filename (target, "engines/apache/phoneprov-sites.conf", NULL);
    g_autofree char *text = NULL;
    g_autofree char *want = g_strdup_printf ("AuthUserFile \"%s/auth/htdigest\"", target);
    g_assert_true (g_file_get_contents (conf, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, want));
  }
}

static void
test_without_keys (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = pp_site_open (site_dir, &error);
  g_autofree char *file = g_build_filename (base, "nokeys.tar.gz", NULL);
  g_autofree char *target = g_build_filename (base, "nokeys", NULL);
  g_autofree char *key = g_build_filename (target, "pki/server/server.key", NULL);
  g_autoptr(PpBundleExportResult) ex = pp_bundle_export (site, file, NULL, NULL, NULL, NULL, &error);
  g_autoptr(PpBundleImportResult) r = NULL;
  g_autoptr(GPtrArray) members = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (ex->n_keys, ==, 0);
  {
    /* Never into the boot folder, where phones could fetch it. */
    g_autofree char *boot = pp_site_get_boot_dir (site);
    g_autofree char *inside = g_build_filename (boot, "site.tar.gz", NULL);
    g_autoptr(PpBundleExportResult) no = pp_bundle_export (site, inside, NULL, NULL, NULL, NULL, &error);
    g_assert_null (no);
    g_assert_error (error, PP_ERROR, PP_ERROR_INVALID);
    g_assert_false (g_file_test (inside, G_FILE_TEST_EXISTS));
    g_clear_error (&error);
  }
  members = read_members (file);
  g_assert_null (find (members, "pki/server/server.p12"));
  r = pp_bundle_import (file, target, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (key, G_FILE_TEST_EXISTS));
}

static void
test_replace_keeps_backup (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *target = copy_template ("replace-me");
  g_autoptr(PpBundleImportResult) r = NULL;
  PpBundleImportOptions opts = { .passphrase = PASS };

  r = pp_bundle_import (good, target, &opts, NULL, NULL, NULL, &error);
  g_assert_error (error, PP_ERROR, PP_ERROR_EXISTS);
  g_clear_error (&error);
  opts.replace = TRUE;
  r = pp_bundle_import (good, target, &opts, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r->backup_dir);
  g_assert_true (g_file_test (r->backup_dir, G_FILE_TEST_IS_DIR));
  g_assert_true (g_str_has_prefix (r->backup_dir, target));
}

static void
test_runtime (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  g_assert_true (pp_bundle_extract_to_runtime (good, PASS, &dir, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (dir, g_get_user_runtime_dir ()));
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  {
    g_autoptr(PpSite) site = pp_site_open (dir, &error);
    g_assert_no_error (error);
  }
  pp_bundle_runtime_remove (dir);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* A bundle repacked by hand: "./" prefixes and folder entries are fine. */
static void
test_dot_slash_and_folders (void)
{
  g_autoptr(GPtrArray) m = read_members (good);
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL, *target = g_build_filename (base, "dot-slash", NULL);
  g_autoptr(PpBundleImportResult) r = NULL;
  PpBundleImportOptions opts = { .passphrase = PASS };
  Member *dot = member_new ("./", "", 0), *bootdir = member_new ("./boot/", "", 0);

  for (guint i = 0; i < m->len; i++)
    {
      Member *mem = g_ptr_array_index (m, i);
      char *renamed = g_strconcat ("./", mem->name, NULL);
      g_free (mem->name);
      mem->name = renamed;
    }
  dot->type = AE_IFDIR;
  bootdir->type = AE_IFDIR;
  g_ptr_array_insert (m, 0, dot);
  g_ptr_array_insert (m, 2, bootdir);
  file = write_bundle ("dot-slash.tar.gz", m, FALSE);
  r = pp_bundle_import (file, target, &opts, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->n_keys, ==, 2);
}

/* A boot folder elsewhere travels as boot/, once, and site.conf follows. */
static void
test_boot_elsewhere (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = copy_template ("boot-elsewhere");
  g_autofree char *old_boot = g_build_filename (dir, "boot", NULL);
  g_autofree char *new_boot = g_build_filename (dir, "firmware", NULL);
  g_autofree char *file = g_build_filename (base, "boot-elsewhere.tar.gz", NULL);
  g_autoptr(PpSite) site = NULL;
  g_autoptr(PpBundleExportResult) ex = NULL;
  g_autoptr(GPtrArray) m = NULL;
  Member *conf;

  g_assert_cmpint (g_rename (old_boot, new_boot), ==, 0);
  site = pp_site_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (pp_site_set (site, "boot.dir", "firmware", &error));
  g_assert_true (pp_site_save (site, &error));
  ex = pp_bundle_export (site, file, PASS, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  m = read_members (file);
  g_assert_nonnull (find (m, "boot/sip.ld"));
  g_assert_null (find (m, "firmware/sip.ld"));
  conf = need (m, "site.conf");
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (conf->data, NULL), (gssize) g_bytes_get_size (conf->data),
                                  "dir=boot"));
}

/* ---- hostile bundles ---------------------------------------------------- */

static void
test_traversal (void)
{
  g_autoptr(GPtrArray) m = read_members (good);
  g_autoptr(GPtrArray) m2 = read_members (good);
  g_autofree char *a = NULL, *b = NULL;

  g_ptr_array_add (m, member_new ("boot/../../evil.cfg", "x", 1));
  a = write_bundle ("traversal.tar.gz", m, FALSE);
  assert_refused (a, PP_ERROR_INVALID, "“boot/../../evil.cfg”");
  g_ptr_array_add (m2, member_new ("/tmp/evil.cfg", "x", 1));
  b = write_bundle ("absolute.tar.gz", m2, FALSE);
  assert_refused (b, PP_ERROR_INVALID, "absolute");
}

static void
test_traversal_in_manifest (void)
{
  g_autoptr(GPtrArray) m = read_members (good);
  Member *man = need (m, PP_BUNDLE_MANIFEST_NAME);
  GString *text = g_string_new_len (g_bytes_get_data (man->data, NULL), (gssize) g_bytes_get_size (man->data));
  g_autofree char *file = NULL;
  gsize len;

  g_assert_cmpuint (g_string_replace (text, "\"boot/sip.ld\"", "\"../../etc/passwd\"", 1), ==, 1);
  len = text->len;
  g_bytes_unref (man->data);
  man->data = g_bytes_new_take (g_string_free (text, FALSE), len);
  file = write_bundle ("manifest-traversal.tar.gz", m, FALSE);
  assert_refused (file, PP_ERROR_INVALID, "unsafe path");
}

static void
test_links_and_devices (void)
{
  struct { const char *file; mode_t type; const char *link; const char *needle; } cases[] = {
    { "symlink.tar.gz", AE_IFLNK, "/etc/passwd", "symbolic link" },
    { "hardlink.tar.gz", AE_IFREG, "site.conf", "hard link" },
    { "device.tar.gz", AE_IFCHR, NULL, "character device" },
    { "fifo.tar.gz", AE_IFIFO, NULL, "named pipe" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) m = read_members (good);
      Member *evil = member_new ("boot/evil", "", 0);
      g_autofree char *file = NULL;
      evil->type = cases[i].type;
      evil->link = g_strdup (cases[i].link);
      g_ptr_array_add (m, evil);
      file = write_bundle (cases[i].file, m, FALSE);
      assert_refused (file, PP_ERROR_INVALID, cases[i].needle);
    }
}

static void
test_truncated (void)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autofree char *file = g_build_filename (base, "truncated.tar.gz", NULL);

  g_assert_true (g_file_get_contents (good, &data, &len, NULL));
  g_assert_true (g_file_set_contents (file, data, (gssize) (len * 2 / 3), NULL));
  assert_refused (file, PP_ERROR_CORRUPT, "damaged or incomplete");
}

static void
test_wrong_checksum (void)
{
  g_autoptr(GPtrArray) m = read_members (good);
  Member *cfg = need (m, "boot/000000000000.cfg");
  gsize len = g_bytes_get_size (cfg->data);
  g_autofree char *evil = g_malloc (len), *file = NULL;

  memset (evil, 'X', len);
  g_bytes_unref (cfg->data);
  cfg->data = g_bytes_new (evil, len);
  file = write_bundle ("checksum.tar.gz", m, FALSE);
  assert_refused (file, PP_ERROR_CORRUPT, "checksum of “boot/000000000000.cfg” does not match");
}

static void
test_swapped_key (void)
{
  g_autoptr(GPtrArray) m = read_members (good);
  Member *server = need (m, "pki/server/server.p12");
  Member *ca = need (m, "pki/ca/ca.p12");
  g_autofree char *file = NULL;

  /* Same passphrase, valid PKCS#12 — but the CA's key, not the server's. */
  g_bytes_unref (server->data);
  server->data = g_bytes_ref (ca->data);
  file = write_bundle ("swapped.tar.gz", m, TRUE);
  assert_refused (file, PP_ERROR_MISMATCH, "does not belong to the certificate pki/server/server.crt");
}

static void
test_passphrase (void)
{
  PpBundleImportOptions wrong = { .passphrase = "not the passphrase" };
  PpBundleImportOptions none = { 0 };
  assert_refused_opts (good, &wrong, PP_ERROR_PASSPHRASE, "passphrase does not open");
  assert_refused_opts (good, &none, PP_ERROR_PASSPHRASE, "--passphrase-file");
}

static void
test_huge_member (void)
{
  g_autoptr(GPtrArray) m = read_members (good);
  g_autofree char *zeros = g_malloc0 (2 * 1024 * 1024);
  g_autofree char *file = NULL;
  PpBundleImportOptions small = { .passphrase = PASS, .max_member_bytes = 10000 };

  g_ptr_array_add (m, member_new ("pki/trust/huge.pem", zeros, 2 * 1024 * 1024));
  file = write_bundle ("huge.tar.gz", m, TRUE);
  assert_refused (file, PP_ERROR_INVALID, "“pki/trust/huge.pem” is 2097152 bytes");
  /* Boot files may be large, up to the configured limit. */
  assert_refused_opts (good, &small, PP_ERROR_INVALID, "“boot/sip.ld” is 65536 bytes");
}

typedef struct {
  const char *file;
  const char *member;       /* replaced or added */
  const char *content;      /* NULL: remove the member */
  gboolean    fix_manifest;
  int         code;
  const char *needle;
} Mutation;

static void
test_mutations (void)
{
  g_autofree char *leaf = NULL, *key = NULL;
  g_autofree char *leaf_path = g_build_filename (site_dir, "pki/server/server.crt", NULL);
  g_autofree char *key_path = g_build_filename (site_dir, "pki/server/server.key", NULL);
  Mutation cases[] = {
    { "unlisted.tar.gz", "boot/extra.cfg", "x", FALSE, PP_ERROR_INVALID, "does not list" },
    { "missing.tar.gz", "boot/sip.ld", NULL, FALSE, PP_ERROR_CORRUPT, "“boot/sip.ld”, listed in its manifest, is missing" },
    { "leaf-anchor.tar.gz", "pki/trust/leaf.pem", NULL, TRUE, PP_ERROR_INVALID, "not a CA certificate" },
    { "bad-conf.tar.gz", "site.conf", "[site]\n[http]\nport=99999\n", TRUE, PP_ERROR_INVALID, "site.conf is not valid" },
    { "boot-escape.tar.gz", "site.conf", "[site]\n[boot]\ndir=/etc\n", TRUE, PP_ERROR_INVALID, "must be “boot”" },
    { "raw-key.tar.gz", "pki/server/server.key", NULL, TRUE, PP_ERROR_INVALID, "unprotected" },
    { "raw-key2.tar.gz", "auth/notes.txt", NULL, TRUE, PP_ERROR_INVALID, "unprotected private key" },
    { "htdigest.tar.gz", "auth/htdigest", "not:an:htdigest:line:at all\n", TRUE, PP_ERROR_INVALID, "auth/htdigest" },
    { "manifest-version.tar.gz", PP_BUNDLE_MANIFEST_NAME,
      "{\"format\":\"phoneprov-bundle\",\"format_version\":99,\"members\":[]}", FALSE, PP_ERROR_UNSUPPORTED,
      "format version 99" },
    { "manifest-junk.tar.gz", PP_BUNDLE_MANIFEST_NAME, "{not json", FALSE, PP_ERROR_CORRUPT, "manifest.json is damaged" },
  };

  g_assert_true (g_file_get_contents (leaf_path, &leaf, NULL, NULL));
  g_assert_true (g_file_get_contents (key_path, &key, NULL, NULL));
  cases[2].content = leaf;
  cases[5].content = key;
  cases[6].content = key;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) m = read_members (good);
      Member *old = find (m, cases[i].member);
      g_autofree char *file = NULL;
      g_test_message ("case %s", cases[i].file);
      if (cases[i].content == NULL)
        g_ptr_array_remove (m, old);
      else if (old)
        {
          g_bytes_unref (old->data);
          old->data = g_bytes_new (cases[i].content, strlen (cases[i].content));
        }
      else
        g_ptr_array_add (m, member_new (cases[i].member, cases[i].content, strlen (cases[i].content)));
      file = write_bundle (cases[i].file, m, cases[i].fix_manifest);
      assert_refused (file, cases[i].code, cases[i].needle);
    }
}

static void
test_not_a_bundle (void)
{
  g_autofree char *garbage = g_build_filename (base, "garbage.tar.gz", NULL);
  g_autoptr(GPtrArray) m = read_members (good);
  g_autofree char *late = NULL;
  Member *man;

  g_assert_true (g_file_set_contents (garbage, "this is not a tar.gz at all, just text\n", -1, NULL));
  assert_refused (garbage, PP_ERROR_INVALID, "not a phoneprov bundle");
  man = g_ptr_array_steal_index (m, 0);
  g_ptr_array_add (m, man);
  late = write_bundle ("manifest-last.tar.gz", m, FALSE);
  assert_refused (late, PP_ERROR_INVALID, "does not start with manifest.json");
}

static void
test_engine_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = pp_site_open (site_dir, &error);
  g_autoptr(GPtrArray) apache = pp_engine_config_generate (site, PP_ENGINE_APACHE, NULL, &error);
  g_autoptr(GPtrArray) nginx = NULL;
  const char *pats[] = { "*-boot.log", "a?.cfg", NULL };
  g_autofree char *re = pp_engine_patterns_to_regex (pats);
  GString *all = g_string_new (NULL);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  nginx = pp_engine_config_generate (site, PP_ENGINE_NGINX, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < apache->len; i++)
    g_string_append_len (all, g_bytes_get_data (((PpEngineFile *) g_ptr_array_index (apache, i))->data, NULL),
                         (gssize) g_bytes_get_size (((PpEngineFile *) g_ptr_array_index (apache, i))->data));
  for (guint i = 0; i < nginx->len; i++)
    g_string_append_len (all, g_bytes_get_data (((PpEngineFile *) g_ptr_array_index (nginx, i))->data, NULL),
                         (gssize) g_bytes_get_size (((PpEngineFile *) g_ptr_array_index (nginx, i))->data));
  text = g_string_free (all, FALSE);
  /* Bundle layout: relative paths only. */
  for (const char *const *want = (const char *const[]) {
         "SSLVerifyClient require", "SSLCACertificateFile \"engines/apache/trust-anchors.pem\"",
         "AuthType Digest", "AuthUserFile \"auth/htdigest\"", "Dav On", "Require method GET HEAD OPTIONS PUT",
         "ssl_verify_client on;", "ssl_client_certificate \"trust-anchors.pem\";", "ssl_verify_depth 4;",
         "dav_methods PUT;", "limit_except GET PUT", "ssl_certificate_key \"../../pki/server/server.key\";",
         "root \"boot\";", "SSLProtocol -all +TLSv1 +TLSv1.1 +TLSv1.2 +TLSv1.3", NULL };
       *want; want++)
    if (strstr (text, *want) == NULL)
      g_error ("generated configuration lacks “%s”", *want);
  g_assert_null (strstr (text, base));
  g_assert_cmpstr (re, ==, "^/(?:[^/]*-boot\\.log|a[^/]\\.cfg)$");
}

/* A CA key encrypted with its own passphrase: exported when the bundle
 * passphrase opens it, stored encrypted again after import; refused with a
 * clear sentence when it does not. A pending request's key stays behind. */
static void
test_encrypted_ca_and_pending (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (base, "encrypted-ca", NULL);
  g_autofree char *file = g_build_filename (base, "encrypted-ca.tar.gz", NULL);
  g_autofree char *target = g_build_filename (base, "encrypted-ca-imported", NULL);
  g_autoptr(PpSite) site = pp_site_create (dir, &error);
  PpCaParams ca = { .common_name = "Encrypted CA", .key_type = PP_KEY_ECDSA_P256, .passphrase = PASS };
  PpCsrParams csr = { .common_name = "pending.example", .key_type = PP_KEY_ECDSA_P256 };
  g_autofree char *pem = NULL, *req = NULL;
  g_autoptr(PpBundleExportResult) ex = NULL;
  g_autoptr(PpBundleImportResult) r = NULL;
  g_autoptr(PpSite) imported = NULL;
  PpBundleImportOptions opts = { .passphrase = PASS };
  gboolean noted = FALSE;

  g_assert_no_error (error);
  pem = pp_ca_create (site, &ca, FALSE, NULL, &error);
  g_assert_no_error (error);
  req = pp_server_request_create (site, &csr, NULL, &error);
  g_assert_no_error (error);

  ex = pp_bundle_export (site, file, "another passphrase", NULL, NULL, NULL, &error);
  g_assert_null (ex);
  g_assert_error (error, PP_ERROR, PP_ERROR_PASSPHRASE);
  g_assert_nonnull (strstr (error->message, "pki/ca/ca.key"));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  ex = pp_bundle_export (site, file, PASS, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ex->n_keys, ==, 1);
  for (guint i = 0; ex->skipped[i]; i++)
    noted = noted || (strstr (ex->skipped[i], "pki/server/") && strstr (ex->skipped[i], "pending request"));
  for (guint i = 0; ex->skipped[i]; i++) g_test_message ("note: %s", ex->skipped[i]);
  g_assert_true (noted);

  r = pp_bundle_import (file, target, &opts, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  imported = pp_site_open (target, &error);
  g_assert_no_error (error);
  g_assert_true (pp_ca_key_is_encrypted (imported));
  g_assert_false (r->engines);   /* no server certificate yet: nothing to generate */
}

static void
test_engine_variants (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = copy_template ("engine-variants");
  g_autoptr(PpSite) site = pp_site_open (dir, &error);
  PpEngineOptions opts = { "/srv/phoneprov", "/etc/phoneprov/apache", "/usr/lib64/httpd/modules" };
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *sites = NULL, *main_conf = NULL;

  g_assert_no_error (error);
  g_assert_true (pp_site_set (site, "https.address", "::1", &error));
  g_assert_true (pp_site_set (site, "https.port", "8443", &error));
  g_assert_true (pp_site_set (site, "http.enabled", "false", &error));
  g_assert_true (pp_site_set (site, "https.profile", "modern", &error));
  g_assert_true (pp_site_set (site, "https.digest", "true", &error));
  g_assert_true (pp_site_save (site, &error));
  files = pp_engine_config_generate (site, PP_ENGINE_APACHE, &opts, &error);
  g_assert_no_error (error);
  main_conf = g_strndup (g_bytes_get_data (((PpEngineFile *) files->pdata[0])->data, NULL),
                         g_bytes_get_size (((PpEngineFile *) files->pdata[0])->data));
  sites = g_strndup (g_bytes_get_data (((PpEngineFile *) files->pdata[1])->data, NULL),
                     g_bytes_get_size (((PpEngineFile *) files->pdata[1])->data));
  g_assert_nonnull (strstr (main_conf, "Listen [::1]:8443"));
  g_assert_nonnull (strstr (main_conf, "ServerRoot \"/srv/phoneprov\""));
  g_assert_nonnull (strstr (main_conf, "Define PHONEPROV_MODULES \"/usr/lib64/httpd/modules\""));
  g_assert_nonnull (strstr (main_conf, "Include \"/etc/phoneprov/apache/phoneprov-sites.conf\""));
  g_assert_null (strstr (sites, "bootROM"));   /* the HTTP site is off */
  g_assert_nonnull (strstr (sites, "<VirtualHost [::1]:8443>"));
  g_assert_nonnull (strstr (sites, "SSLProtocol -all +TLSv1.2 +TLSv1.3"));
  g_assert_nonnull (strstr (sites, "AuthUserFile \"/srv/phoneprov/auth/htdigest\""));
  g_assert_nonnull (strstr (sites, "SSLCACertificateFile \"/etc/phoneprov/apache/trust-anchors.pem\""));

  /* nginx: no HTTPS site, nothing to do, and it says why. */
  g_assert_true (pp_site_set (site, "https.enabled", "false", &error));
  g_clear_pointer (&files, g_ptr_array_unref);
  files = pp_engine_config_generate (site, PP_ENGINE_NGINX, NULL, &error);
  g_assert_null (files);
  g_assert_error (error, PP_ERROR, PP_ERROR_INVALID);
  g_clear_error (&error);
  /* A value that cannot be quoted safely is refused, not written. */
  g_assert_true (pp_site_set (site, "https.enabled", "true", &error));
  g_assert_true (pp_site_set (site, "site.name", "evil\" \\ name", &error));
  files = pp_engine_config_generate (site, PP_ENGINE_NGINX, NULL, &error);
  g_assert_null (files);
  g_assert_error (error, PP_ERROR, PP_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *runtime = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
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

  g_test_add_func ("/bundle/roundtrip", test_roundtrip);
  g_test_add_func ("/bundle/without-keys", test_without_keys);
  g_test_add_func ("/bundle/replace-keeps-backup", test_replace_keeps_backup);
  g_test_add_func ("/bundle/runtime", test_runtime);
  g_test_add_func ("/bundle/dot-slash-and-folders", test_dot_slash_and_folders);
  g_test_add_func ("/bundle/boot-elsewhere", test_boot_elsewhere);
  g_test_add_func ("/bundle/engine-text", test_engine_text);
  g_test_add_func ("/bundle/engine-variants", test_engine_variants);
  g_test_add_func ("/bundle/encrypted-ca-and-pending", test_encrypted_ca_and_pending);
  g_test_add_func ("/bundle/hostile/traversal", test_traversal);
  g_test_add_func ("/bundle/hostile/traversal-in-manifest", test_traversal_in_manifest);
  g_test_add_func ("/bundle/hostile/links-and-devices", test_links_and_devices);
  g_test_add_func ("/bundle/hostile/truncated", test_truncated);
  g_test_add_func ("/bundle/hostile/wrong-checksum", test_wrong_checksum);
  g_test_add_func ("/bundle/hostile/swapped-key", test_swapped_key);
  g_test_add_func ("/bundle/hostile/passphrase", test_passphrase);
  g_test_add_func ("/bundle/hostile/huge-member", test_huge_member);
  g_test_add_func ("/bundle/hostile/mutations", test_mutations);
  g_test_add_func ("/bundle/hostile/not-a-bundle", test_not_a_bundle);
  status = g_test_run ();
  if (status == 0)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", base);
      g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
    }
  return status;
}
