/* The site report and the expiry checks, on a site built through src/core,
 * and `phoneprovctl report` as a real process. */
#include "config.h"
#include "pp-cert-details.h"
#include "pp-demo.h"
#include "pp-expiry.h"
#include "pp-fileutil.h"
#include "pp-phone-account.h"
#include "pp-pki.h"
#include "pp-report.h"
#include "pp-site.h"
#include "pp-trust.h"

#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

#define PASSWORD "Secret-Demo-Pass-7"

typedef struct {
  char   *dir;
  PpSite *site;
  gint64  server_not_after;
  gint64  ca_not_after;
  char   *server_sha256;
  char   *ca_md5;
} Fixture;

static gint64
not_after_of (PpSite *site, const char *rel, char **sha256, char **md5)
{
  g_autofree char *path = pp_site_path (site, rel);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(PpCertDetails) d = NULL;

  g_assert_true (pp_file_read (path, 1 << 20, &data, &len, NULL));
  d = pp_cert_details_new_from_data (data, len, NULL);
  g_assert_nonnull (d);
  if (sha256)
    *sha256 = g_strdup (pp_cert_details_get_fingerprint (d, "sha256"));
  if (md5)
    *md5 = g_strdup (pp_cert_details_get_fingerprint (d, "md5"));
  return g_date_time_to_unix (pp_cert_details_get_expires (d));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ca = NULL, *csr = NULL, *sitedir = NULL;
  const char *dns[] = { "prov.example.com", NULL };
  PpCaParams cap = { .common_name = "Report Test CA", .dn_suffix = "O=Example Corp, C=CA",
                     .validity_days = 400, .key_type = PP_KEY_RSA_2048 };
  PpCsrParams csrp = { .friendly_name = "bootserver MTLS", .organization = "Example Corp",
                       .org_unit = "Voice", .common_name = "prov.example.com", .country = "CA",
                       .state = "BC", .locality = "Burnaby", .san_dns = dns, .key_type = PP_KEY_RSA_2048 };

  f->dir = g_dir_make_tmp ("pp-report-XXXXXX", &error);
  g_assert_no_error (error);
  sitedir = g_build_filename (f->dir, "site", NULL);
  f->site = pp_site_create (sitedir, &error);
  g_assert_no_error (error);
  g_assert_true (pp_site_set (f->site, "site.name", "Example Corp <Burnaby> & Co", &error));
  g_assert_true (pp_site_set (f->site, "site.hostname", "prov.example.com", &error));
  g_assert_true (pp_site_set (f->site, "http.port", "8080", &error));
  g_assert_true (pp_site_set (f->site, "https.port", "8443", &error));
  g_assert_true (pp_site_save (f->site, &error));
  g_assert_true (pp_phone_account_save (f->site, "PlcmSpIp", PASSWORD, &error));
  ca = pp_ca_create (f->site, &cap, FALSE, NULL, &error);
  g_assert_no_error (error);
  csr = pp_server_request_create (f->site, &csrp, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pp_ca_sign_pending (f->site, 90, NULL, &error));
  g_assert_no_error (error);
  f->server_not_after = not_after_of (f->site, "pki/server/server.crt", &f->server_sha256, NULL);
  f->ca_not_after = not_after_of (f->site, "pki/ca/ca.crt", NULL, &f->ca_md5);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->site);
  rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->server_sha256);
  g_free (f->ca_md5);
}

static void
test_report_content (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = f->server_not_after - 60 * 86400;
  g_autofree char *html = pp_report_generate (f->site, now, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));
  g_assert_true (g_utf8_validate (html, -1, NULL));
  /* The site's own values, escaped. */
  g_assert_nonnull (strstr (html, "Example Corp &lt;Burnaby&gt; &amp; Co"));
  g_assert_null (strstr (html, "<Burnaby>"));
  g_assert_nonnull (strstr (html, "https://prov.example.com:8443/"));
  g_assert_nonnull (strstr (html, "prov.example.com:8080"));
  g_assert_nonnull (strstr (html, "PlcmSpIp"));
  g_assert_nonnull (strstr (html, f->server_sha256));
  g_assert_nonnull (strstr (html, f->ca_md5));
  g_assert_nonnull (strstr (html, "bootserver MTLS"));
  g_assert_nonnull (strstr (html, "device.sec.TLS.customCaCert1"));
  g_assert_nonnull (strstr (html, "Install Custom CA Cert"));
  g_assert_nonnull (strstr (html, "data:image/svg+xml;base64,"));
  g_assert_nonnull (strstr (html, "ca-bundle.crt"));
  /* Never a password, a key or an outside resource. */
  g_assert_null (strstr (html, PASSWORD));
  g_assert_null (strstr (html, "PRIVATE KEY"));
  g_assert_null (strstr (html, "src=\"http"));
  g_assert_null (strstr (html, "<link"));
  g_assert_null (strstr (html, "<script"));
  /* Markup in translated step text stays markup. */
  g_assert_null (strstr (html, "&lt;b&gt;"));
  /* 60 days ahead: no warning box. */
  g_assert_null (strstr (html, "class=\"alert\""));
}

static void
test_expiry (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) none = pp_expiry_check (f->site, f->server_not_after - 31 * 86400, PP_EXPIRY_WARN_DAYS);
  g_autoptr(GPtrArray) soon = pp_expiry_check (f->site, f->server_not_after - 10 * 86400 - 5, PP_EXPIRY_WARN_DAYS);
  g_autoptr(GPtrArray) gone = pp_expiry_check (f->site, f->server_not_after + 1, PP_EXPIRY_WARN_DAYS);
  g_autoptr(GPtrArray) ca = pp_expiry_check (f->site, f->ca_not_after - 5 * 86400, PP_EXPIRY_WARN_DAYS);
  PpExpiryWarning *w;
  g_autofree char *html = NULL;

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (soon->len, ==, 1);
  w = soon->pdata[0];
  g_assert_cmpint (w->object, ==, PP_EXPIRY_SERVER);
  g_assert_cmpint (w->days_left, ==, 10);
  g_assert_cmpstr (w->name, ==, "prov.example.com");
  g_assert_nonnull (strstr (w->message, "prov.example.com"));

  g_assert_cmpuint (gone->len, ==, 1);
  w = gone->pdata[0];
  g_assert_cmpint (w->days_left, ==, -1);
  g_assert_nonnull (strstr (w->message, "expired"));

  /* The CA outlives the server certificate (400 vs 90 days): near its end
   * both are past or near expiry, the CA among them. */
  g_assert_cmpuint (ca->len, ==, 2);
  g_assert_cmpint (((PpExpiryWarning *) ca->pdata[1])->object, ==, PP_EXPIRY_CA);
  g_assert_cmpint (((PpExpiryWarning *) ca->pdata[1])->days_left, ==, 5);

  html = pp_report_generate (f->site, f->server_not_after - 10 * 86400 - 5, NULL);
  g_assert_nonnull (strstr (html, "class=\"alert\""));
  g_assert_cmpint (pp_expiry_days_left (100, 100), ==, 0);
  g_assert_cmpint (pp_expiry_days_left (100 + 86399, 100), ==, 0);
  g_assert_cmpint (pp_expiry_days_left (99, 100), ==, -1);
}

static void
test_cli (Fixture *f, gconstpointer data)
{
  const char *ctl = g_getenv ("PHONEPROVCTL");
  g_autofree char *out = g_build_filename (f->dir, "report.html", NULL);
  g_autofree char *stdout_text = NULL, *stderr_text = NULL, *html = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) soon = g_date_time_new_from_unix_utc (f->server_not_after - 3 * 86400);
  g_autofree char *date = g_date_time_format_iso8601 (soon);
  const char *argv[] = { ctl, "--site", pp_site_get_dir (f->site), "report", "--date", date, out, NULL };
  const char *bad[] = { ctl, "--site", pp_site_get_dir (f->site), "report", NULL };
  int status = 0;
  gsize len = 0;

  if (ctl == NULL)
    {
      g_test_skip ("PHONEPROVCTL is not set (run through meson test)");
      return;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &stdout_text, &stderr_text, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (out, &html, &len, NULL));
  g_assert_nonnull (strstr (html, f->server_sha256));
  g_assert_nonnull (strstr (html, "class=\"alert\""));
  g_assert_nonnull (strstr (stderr_text, "prov.example.com"));

  g_clear_pointer (&stdout_text, g_free);
  g_clear_pointer (&stderr_text, g_free);
  g_assert_true (g_spawn_sync (NULL, (char **) bad, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &stdout_text, &stderr_text, &status, &error));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
}

/* Runs phoneprovctl --site @site_dir ARGS…; returns its exit status. */
static int
run_ctl (const char *site_dir, char **out, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list ap;
  int status = 0;

  g_ptr_array_add (argv, (char *) g_getenv ("PHONEPROVCTL"));
  g_ptr_array_add (argv, "--site");
  g_ptr_array_add (argv, (char *) site_dir);
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_autofree char *captured = NULL;

  g_ptr_array_add (argv, NULL);
  /* Always captured: the child's own stdout would land in the TAP stream. */
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &captured, NULL, &status, &error));
  g_assert_no_error (error);
  if (out)
    *out = g_steal_pointer (&captured);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
assert_phone_account (const char *site_dir, const char *user, const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = pp_site_open (site_dir, &error);
  g_autofree char *path = NULL, *u = NULL, *p = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  path = pp_site_path (site, "auth/phone.account");
  if (user == NULL)
    {
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      return;
    }
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (pp_phone_account_load (site, &u, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (u, ==, user);
  g_assert_cmpstr (p, ==, password);
}

/* A site set up with phoneprovctl alone has the phone account in its report,
 * as one set up in the wizard does: account add writes auth/phone.account. */
static void
test_cli_account (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("pp-account-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (tmp, "site", NULL);
  g_autofree char *report = g_build_filename (tmp, "report.html", NULL);
  g_autofree char *html = NULL, *out = NULL;
  const char *row = "Phone account (Server User)";

  if (g_getenv ("PHONEPROVCTL") == NULL)
    {
      g_test_skip ("PHONEPROVCTL is not set (run through meson test)");
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpint (run_ctl (dir, NULL, "init", NULL), ==, 0);
  assert_phone_account (dir, NULL, NULL);

  /* The first account is the phone account. */
  g_assert_cmpint (run_ctl (dir, NULL, "account", "add", "PlcmSpIp", "--password", PASSWORD, NULL), ==, 0);
  assert_phone_account (dir, "PlcmSpIp", PASSWORD);
  g_assert_cmpint (run_ctl (dir, NULL, "report", report, NULL), ==, 0);
  g_assert_true (g_file_get_contents (report, &html, NULL, NULL));
  g_assert_nonnull (strstr (html, row));
  g_assert_nonnull (strstr (html, "PlcmSpIp"));
  g_assert_null (strstr (html, PASSWORD));
  g_clear_pointer (&html, g_free);

  /* A second account is an extra one: the phone account and its htdigest
   * entry stay. */
  g_assert_cmpint (run_ctl (dir, &out, "account", "add", "tech", "--password", "Other-Pass-1", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "PlcmSpIp"));
  g_clear_pointer (&out, g_free);
  assert_phone_account (dir, "PlcmSpIp", PASSWORD);
  g_assert_cmpint (run_ctl (dir, &out, "account", "list", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "PlcmSpIp\ntech\n");
  g_clear_pointer (&out, g_free);

  /* A new password for the phone account reaches auth/phone.account too. */
  g_assert_cmpint (run_ctl (dir, NULL, "account", "add", "PlcmSpIp", "--password", "New-Pass-2", NULL), ==, 0);
  assert_phone_account (dir, "PlcmSpIp", "New-Pass-2");

  /* Removing the phone account forgets it; the report no longer names it. */
  g_assert_cmpint (run_ctl (dir, NULL, "account", "remove", "PlcmSpIp", NULL), ==, 0);
  assert_phone_account (dir, NULL, NULL);
  g_assert_cmpint (run_ctl (dir, NULL, "report", report, NULL), ==, 0);
  g_assert_true (g_file_get_contents (report, &html, NULL, NULL));
  g_assert_null (strstr (html, row));
  rm_rf (tmp);
}

static char *
read_text (PpSite *site, const char *rel)
{
  g_autofree char *path = pp_site_path (site, rel);
  char *data = NULL;
  gsize len = 0;

  g_assert_true (pp_file_read (path, 1 << 20, &data, &len, NULL));
  return data;
}

/* The demo site behind help/screenshots is the same on every run and every
 * machine: its server certificate has this exact fingerprint (keys from
 * seeded RSA generation, fixed dates and serials), dated PP_DEMO_EPOCH. */
#define DEMO_SERVER_SHA256 "CA:E6:7E:C3:71:DD:53:7D:21:90:FF:11:36:4E:D3:6D:57:86:6C:0D:31:F7:64:ED:5F:37:2A:83:CD:CA:98:63"

static void
test_demo_deterministic (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("pp-demo-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (tmp, "site", NULL);
  g_autoptr(PpSite) site = pp_site_create (dir, &error);
  g_autofree char *srv = NULL, *id = NULL;
  g_autoptr(PpCertDetails) d = NULL;
  g_autoptr(GPtrArray) trust = NULL;

  g_assert_no_error (error);
  g_assert_true (pp_demo_site_populate (site, 8080, 8443, NULL, &error));
  g_assert_no_error (error);
  srv = read_text (site, "pki/server/server.crt");
  d = pp_cert_details_new_from_data (srv, strlen (srv), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pp_cert_details_get_fingerprint (d, "sha256"), ==, DEMO_SERVER_SHA256);
  g_assert_cmpstr (pp_cert_details_get_identity (d), ==, PP_DEMO_HOSTNAME);
  g_assert_cmpint (g_date_time_to_unix (pp_cert_details_get_activates (d)), ==, PP_DEMO_EPOCH);
  g_assert_cmpuint (pp_server_cert_get_state (site), ==, PP_SERVER_CERT_INSTALLED);
  trust = pp_trust_list (site, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (trust->len, ==, 1);

  id = pp_demo_phone_identity (&error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (id, "PRIVATE KEY"));
  rm_rf (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/report/content", Fixture, NULL, fixture_setup, test_report_content, fixture_teardown);
  g_test_add ("/report/expiry", Fixture, NULL, fixture_setup, test_expiry, fixture_teardown);
  g_test_add ("/report/cli", Fixture, NULL, fixture_setup, test_cli, fixture_teardown);
  g_test_add_func ("/report/cli-account", test_cli_account);
  g_test_add_func ("/report/demo-deterministic", test_demo_deterministic);
  return g_test_run ();
}
