/* Bundles: round trip, keys, runtime copies, engine configuration text
 * (DESIGN.md §8, issue 6). Hostile bundles: test-bundle-hostile.c. */
#include "config.h"
#include "bundle-test-util.h"
#include "pp-bundle-manifest.h"
#include "pp-engine-config.h"
#include "pp-error.h"
#include "pp-pki.h"

#include <glib/gstdio.h>
#include <string.h>

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
    g_assert_nonnull (site);
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

/* Verify only: every check runs, nothing is written anywhere. */
static void
test_dry_run (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_build_filename (base, "dry-run", NULL);
  PpBundleImportOptions opts = { .passphrase = PASS, .dry_run = TRUE };
  g_autoptr(PpBundleImportResult) r = pp_bundle_import (good, target, &opts, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (r->n_keys, ==, 2);
  g_assert_null (r->site_dir);
  g_assert_cmpstr (r->site_name, ==, "Polycom provisioning");
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_leftovers (base), ==, 0);
  g_clear_pointer (&r, pp_bundle_import_result_free);
  opts.passphrase = "wrong";
  r = pp_bundle_import (good, target, &opts, NULL, NULL, NULL, &error);
  g_assert_error (error, PP_ERROR, PP_ERROR_PASSPHRASE);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
}

/* The GTask variants deliver progress and the result in the caller's main
 * context, as the wizard needs. */
typedef struct {
  GMainLoop *loop;
  GThread   *main_thread;
  guint      n_progress;
  double     last;
  gboolean   wrong_thread;
  gpointer   result;
  GError    *error;
} AsyncRun;

static void
on_async_progress (double fraction, const char *what, gpointer user_data)
{
  AsyncRun *run = user_data;
  run->n_progress++;
  run->last = fraction;
  run->wrong_thread = run->wrong_thread || g_thread_self () != run->main_thread;
}

static void
on_exported (GObject *source, GAsyncResult *res, gpointer user_data)
{
  AsyncRun *run = user_data;
  run->result = pp_bundle_export_finish (res, &run->error);
  g_main_loop_quit (run->loop);
}

static void
on_imported (GObject *source, GAsyncResult *res, gpointer user_data)
{
  AsyncRun *run = user_data;
  run->result = pp_bundle_import_finish (res, &run->error);
  g_main_loop_quit (run->loop);
}

static void
test_async (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = pp_site_open (site_dir, &error);
  g_autofree char *file = g_build_filename (base, "async.tar.gz", NULL);
  g_autofree char *target = g_build_filename (base, "async", NULL);
  AsyncRun run = { g_main_loop_new (NULL, FALSE), g_thread_self (), 0, 0, FALSE, NULL, NULL };
  PpBundleImportOptions opts = { .passphrase = PASS };

  pp_bundle_export_async (site, file, PASS, on_async_progress, &run, NULL, on_exported, &run);
  g_main_loop_run (run.loop);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.result);
  g_assert_cmpuint (run.n_progress, >, 1);
  g_assert_cmpfloat (run.last, ==, 1.0);
  g_assert_false (run.wrong_thread);
  pp_bundle_export_result_free (run.result);

  run.n_progress = 0;
  run.result = NULL;
  pp_bundle_import_async (file, target, &opts, on_async_progress, &run, NULL, on_imported, &run);
  opts.passphrase = "changed after the call: the job keeps its copy";
  g_main_loop_run (run.loop);
  g_assert_no_error (run.error);
  g_assert_cmpuint (((PpBundleImportResult *) run.result)->n_keys, ==, 2);
  g_assert_cmpuint (run.n_progress, >, 1);
  g_assert_cmpfloat (run.last, ==, 1.0);
  g_assert_false (run.wrong_thread);
  pp_bundle_import_result_free (run.result);
  g_main_loop_unref (run.loop);
}

int
main (int argc, char **argv)
{
  bundle_test_init (&argc, &argv);
  g_test_add_func ("/bundle/roundtrip", test_roundtrip);
  g_test_add_func ("/bundle/without-keys", test_without_keys);
  g_test_add_func ("/bundle/replace-keeps-backup", test_replace_keeps_backup);
  g_test_add_func ("/bundle/runtime", test_runtime);
  g_test_add_func ("/bundle/dry-run", test_dry_run);
  g_test_add_func ("/bundle/async", test_async);
  g_test_add_func ("/bundle/dot-slash-and-folders", test_dot_slash_and_folders);
  g_test_add_func ("/bundle/boot-elsewhere", test_boot_elsewhere);
  g_test_add_func ("/bundle/engine-text", test_engine_text);
  g_test_add_func ("/bundle/engine-variants", test_engine_variants);
  g_test_add_func ("/bundle/encrypted-ca-and-pending", test_encrypted_ca_and_pending);
  return bundle_test_run ();
}
