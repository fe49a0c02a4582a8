/* End to end, as an admin would: walk every step of the real wizard through
 * its widgets (found by accessible name, counting clicks and typed fields)
 * against a real phoneprovd on ephemeral ports, then provision a phone from
 * the configured server: HTTP with digest, HTTPS with mutual TLS (device
 * certificate from a look-alike Polycom hierarchy). Once with the local CA,
 * once with an outside CA (request exported, certificate imported after a
 * restart of the wizard). Screenshots of every page go to
 * $PHONEPROV_SCREENSHOTS or <build>/screenshots. */
#include "config.h"
#include "pp-fileutil.h"
#include "pp-control-client.h"
#include "pp-pages.h"
#include "pp-ui-driver.h"
#include "pp-window.h"
#include "pp-wizard-util.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

static char *tmp_root;
static char *pki_dir;
static char *boot_src;

static char *
run (const char * const *argv, int *status)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, status, &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (*status, NULL) && err && *err)
    g_test_message ("%s: %s", argv[0], err);
  return g_steal_pointer (&out);
}

/* The phone: curl, as on the real phones ("[curl]" in their serial log).
 * Returns the HTTP status (0 when the connection was refused). */
static int
phone_get (const char *url, const char *const *extra)
{
  GPtrArray *args = g_ptr_array_new ();
  int status = 0;
  g_autofree char *out = NULL;
  int code;

  g_ptr_array_add (args, (char *) "curl");
  g_ptr_array_add (args, (char *) "-s");
  g_ptr_array_add (args, (char *) "-o");
  g_ptr_array_add (args, (char *) "/dev/null");
  g_ptr_array_add (args, (char *) "-w");
  g_ptr_array_add (args, (char *) "%{http_code}");
  g_ptr_array_add (args, (char *) "--max-time");
  g_ptr_array_add (args, (char *) "20");
  g_ptr_array_add (args, (char *) "-A");
  g_ptr_array_add (args, (char *) "FileTransport PolycomVVX-VVX_400-UA/4.1.4.7430 Type/Application");
  for (guint i = 0; extra && extra[i]; i++)
    g_ptr_array_add (args, (char *) extra[i]);
  g_ptr_array_add (args, (char *) url);
  g_ptr_array_add (args, NULL);
  out = run ((const char * const *) args->pdata, &status);
  g_ptr_array_unref (args);
  code = atoi (out ? out : "0");
  return code;
}

static gboolean
have_prerequisites (void)
{
  const char *daemon = g_getenv ("PHONEPROVD");
  g_autofree char *curl = g_find_program_in_path ("curl");
  g_autofree char *certtool = g_find_program_in_path ("certtool");

  if (daemon == NULL || !g_file_test (daemon, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("phoneprovd is not built (set PHONEPROVD)");
      return FALSE;
    }
  if (curl == NULL || certtool == NULL)
    {
      g_test_skip ("curl and certtool (gnutls-bin) are needed for the phone and its certificates");
      return FALSE;
    }
  return TRUE;
}

static void
setup_fixtures (void)
{
  const char *src = g_getenv ("PHONEPROV_SOURCE_ROOT");
  g_autofree char *script = g_build_filename (src ? src : ".", "tests", "server", "make-pki.sh", NULL);
  const char *argv[] = { "sh", script, NULL, NULL };
  int status = 0;
  g_autofree char *out = NULL;
  g_autofree char *big = g_malloc0 (256 * 1024);

  tmp_root = g_dir_make_tmp ("pp-e2e-XXXXXX", NULL);
  pki_dir = g_build_filename (tmp_root, "pki", NULL);
  boot_src = g_build_filename (tmp_root, "UC_Software", NULL);
  argv[2] = pki_dir;
  out = run (argv, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* A small stand-in for an unpacked UC Software release. */
  g_mkdir_with_parents (boot_src, 0755);
#define PUT(name, data, len) do { g_autofree char *p_ = g_build_filename (boot_src, name, NULL); \
    g_assert_true (g_file_set_contents (p_, data, len, NULL)); } while (0)
  PUT ("sip.ver", "4.0.15.1234\n", -1);
  PUT ("000000000000.cfg", "<?xml version=\"1.0\"?><APPLICATION APP_FILE_PATH=\"sip.ld\" CONFIG_FILES=\"phone1.cfg\"/>\n", -1);
  PUT ("phone1.cfg", "<PHONE_CONFIG><ALL/></PHONE_CONFIG>\n", -1);
  PUT ("sip.ld", big, 256 * 1024);
#undef PUT
}

static gboolean
import_finished (gpointer data)
{
  PpDriver *d = data;
  GtkTreeView *files = GTK_TREE_VIEW (pp_driver_find (d, "Files in the boot directory"));
  return gtk_widget_is_sensitive (pp_driver_find (d, "Import boot files")) &&
         gtk_tree_model_iter_n_children (gtk_tree_view_get_model (files), NULL) >= 4;
}

static void
stop_daemon (const char *site)
{
  g_autoptr(PpControlClient) client = pp_control_client_new (site);
  (void) pp_control_client_stop (client, NULL, NULL);
}

static char *
read_file (const char *path)
{
  char *data = NULL;
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  return data;
}

static guint
status_port (const char *site, const char *name)
{
  g_autoptr(PpControlClient) client = pp_control_client_new (site);
  g_autoptr(JsonNode) status = pp_control_client_status (client, NULL, NULL);
  JsonArray *sites;

  g_assert_nonnull (status);
  sites = json_object_get_array_member (json_node_get_object (status), "sites");
  for (guint i = 0; i < json_array_get_length (sites); i++)
    {
      JsonObject *s = json_array_get_object_element (sites, i);
      if (g_strcmp0 (json_object_get_string_member (s, "name"), name) == 0)
        return (guint) json_object_get_int_member (s, "port");
    }
  g_assert_not_reached ();
}

static gboolean
monitor_has_phone (gpointer data)
{
  GtkTreeView *view = GTK_TREE_VIEW (pp_driver_find (data, "Live requests and handshakes"));
  GtkTreeModel *model = gtk_tree_view_get_model (view);
  GtkTreeIter iter;
  gboolean valid = gtk_tree_model_get_iter_first (model, &iter);

  for (; valid; valid = gtk_tree_model_iter_next (model, &iter))
    {
      g_autofree char *mac = NULL, *model_name = NULL;
      gtk_tree_model_get (model, &iter, 1, &mac, 2, &model_name, -1);
      if (mac && g_ascii_strcasecmp (mac, "0004f2000001") == 0 && g_strcmp0 (model_name, "VVX_400") == 0)
        return TRUE;
    }
  return FALSE;
}

/* The phone simulator (tests/phonesim) boots phone 0004f2000001 through
 * both sequences. The HTTPS address is one of this host's own addresses,
 * which the wizard put in the certificate's alternative names by default. */
static gboolean
run_phonesim (guint http_port, guint https_port, const char *user, const char *password, const char *ca_file)
{
  const char *env = g_getenv ("PHONESIM");
  const char *build = g_getenv ("PHONEPROV_BUILD_ROOT");
  g_autofree char *sim = env ? g_strdup (env) : g_build_filename (build ? build : ".", "tests", "phonesim", "phonesim", NULL);
  g_auto(GStrv) addrs = pp_host_addresses ();
  const char *ip = NULL;
  g_autofree char *http = NULL, *https = NULL, *cert = NULL, *key = NULL, *out = NULL;
  int status = 0;

  for (guint i = 0; addrs[i] && ip == NULL; i++)
    if (strchr (addrs[i], ':') == NULL)
      ip = addrs[i];
  if (!g_file_test (sim, G_FILE_TEST_IS_EXECUTABLE) || ip == NULL)
    {
      g_test_message ("phone simulator not run: %s", ip ? "not built" : "this host has no address besides loopback");
      return FALSE;
    }
  http = g_strdup_printf ("http://127.0.0.1:%u", http_port);
  https = g_strdup_printf ("https://%s:%u", ip, https_port);
  cert = g_build_filename (pki_dir, "phone1.crt", NULL);
  key = g_build_filename (pki_dir, "phone1.key", NULL);
  {
    const char *argv[] = { sim, "--http", http, "--https", https, "--cacert", ca_file, "--cert", cert,
                           "--key", key, "--user", user, "--password", password, "--mac", "0004f2000001",
                           "--model", "VVX_400", "--firmware", "4.1.4.7430", "--partno", "3111-46135-002", NULL };
    out = run (argv, &status);
  }
  g_test_message ("phonesim:\n%s", out);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return TRUE;
}

/* The phone boots: bootROM over HTTP with digest, application over HTTPS
 * with its device certificate. */
static void
provision_phone (PpDriver *d, const char *site, const char *user, const char *password, const char *ca_file)
{
  guint http_port = status_port (site, "http");
  guint https_port = status_port (site, "https");
  g_autofree char *http_url = g_strdup_printf ("http://127.0.0.1:%u/000000000000.cfg", http_port);
  g_autofree char *https_url = g_strdup_printf ("https://phoneprov.test:%u/phone1.cfg", https_port);
  g_autofree char *resolve = g_strdup_printf ("phoneprov.test:%u:127.0.0.1", https_port);
  g_autofree char *userpass = g_strdup_printf ("%s:%s", user, password);
  g_autofree char *cert = g_build_filename (pki_dir, "phone1.crt", NULL);
  g_autofree char *key = g_build_filename (pki_dir, "phone1.key", NULL);
  g_autofree char *rogue_cert = g_build_filename (pki_dir, "untrusted.crt", NULL);
  g_autofree char *rogue_key = g_build_filename (pki_dir, "untrusted.key", NULL);
  const char *anon[] = { NULL };
  const char *digest[] = { "--digest", "-u", userpass, NULL };
  const char *mtls[] = { "--cacert", ca_file, "--resolve", resolve, "--cert", cert, "--key", key, NULL };
  const char *nocert[] = { "--cacert", ca_file, "--resolve", resolve, NULL };
  const char *rogue[] = { "--cacert", ca_file, "--resolve", resolve, "--cert", rogue_cert, "--key", rogue_key, NULL };

  g_assert_cmpint (phone_get (http_url, anon), ==, 401);
  g_assert_cmpint (phone_get (http_url, digest), ==, 200);
  g_assert_cmpint (phone_get (https_url, mtls), ==, 200);
  g_assert_cmpint (phone_get (https_url, nocert), !=, 200);
  g_assert_cmpint (phone_get (https_url, rogue), !=, 200);
  g_test_message ("phone 0004f2000001 provisioned: HTTP digest 200 on port %u, HTTPS mutual TLS 200 on port %u",
                  http_port, https_port);
  if (run_phonesim (http_port, https_port, user, password, ca_file))
    {
      /* Its uploads landed in the boot directory. */
      g_autofree char *applog = g_build_filename (site, "boot", "0004f2000001-app.log", NULL);
      g_autofree char *bootlog = g_build_filename (site, "boot", "0004f2000001-boot.log", NULL);
      g_assert_true (g_file_test (applog, G_FILE_TEST_EXISTS));
      g_assert_true (g_file_test (bootlog, G_FILE_TEST_EXISTS));
    }
  if (!pp_driver_wait (monitor_has_phone, d, 20000))
    g_error ("the Monitor page did not show the phone's request");
}

static gboolean
all_done (gpointer data)
{
  PpWindow *win = data;
  for (guint i = 0; i < pp_window_get_n_pages (win); i++)
    if (!pp_page_get_complete (pp_window_get_page (win, i)))
      return FALSE;
  return TRUE;
}

static PpDriver *
open_wizard (const char *site, const char *shots)
{
  PpDriver *d = g_new0 (PpDriver, 1);
  d->window = pp_window_new (NULL, site);
  d->screenshot_dir = shots;
  gtk_window_resize (GTK_WINDOW (d->window), 1024, 768);
  gtk_widget_show (GTK_WIDGET (d->window));
  pp_driver_flush ();
  {
    /* Screenshots at 1024×768 including the header bar. */
    GdkWindow *win = gtk_widget_get_window (GTK_WIDGET (d->window));
    int w, h;
    gtk_window_get_size (GTK_WINDOW (d->window), &w, &h);
    gtk_window_resize (GTK_WINDOW (d->window), w - (gdk_window_get_width (win) - 1024),
                       h - (gdk_window_get_height (win) - 768));
    for (int i = 0; i < 20; i++)
      {
        pp_driver_flush ();
        g_usleep (5000);
      }
  }
  return d;
}

static void
close_wizard (PpDriver *d)
{
  gtk_widget_destroy (GTK_WIDGET (d->window));
  pp_driver_flush ();
  g_free (d);
}

static void
walk (gboolean outside_ca)
{
  g_autofree char *site = NULL;
  g_autofree char *shots = NULL;
  g_autofree char *user = NULL, *password = NULL, *ca_file = NULL, *roots = NULL;
  guint clicks, typed, ok = 0, total = 0;
  PpDriver *d;

  if (!have_prerequisites ())
    return;
  if (tmp_root == NULL)
    setup_fixtures ();
  site = g_build_filename (tmp_root, outside_ca ? "site-outside" : "site-local", NULL);
  {
    const char *env = g_getenv ("PHONEPROV_SCREENSHOTS");
    const char *build = g_getenv ("PHONEPROV_BUILD_ROOT");
    shots = env ? g_strdup (env) : g_build_filename (build ? build : tmp_root, "screenshots", NULL);
  }
  /* Every page from the local-CA walk; the pending request from the other. */
  d = open_wizard (site, outside_ca ? NULL : shots);

  /* 1 Overview */
  g_assert_cmpstr (pp_page_get_id (pp_window_get_page (d->window, pp_window_get_current (d->window))), ==, "overview");
  pp_driver_screenshot (d, "01-overview");
  pp_driver_next (d);

  /* 2 Boot directory: import the release folder, keep the generated account. */
  pp_driver_type (d, "Import boot files from", boot_src);
  pp_driver_click (d, "Import boot files");
  if (!pp_driver_wait (import_finished, d, 30000))
    g_error ("the boot files were not imported within 30 s: %s", pp_driver_get_text (d, "Import result"));
  user = g_strdup (pp_driver_get_text (d, "Phone account user"));
  password = g_strdup (pp_driver_get_text (d, "Phone account password"));
  pp_driver_screenshot (d, "02-boot");
  pp_driver_next (d);

  /* 3 HTTP site: an ephemeral port instead of 80 (tests run unprivileged). */
  pp_driver_type (d, "HTTP site TCP port", "0");
  pp_driver_next (d);
  /* Look back at the step's live check (not counted: the admin sees it as
   * the page applies). */
  pp_window_go_to (d->window, 2);
  pp_driver_count_results (pp_driver_find (d, "HTTP live check results"), &ok, &total);
  g_assert_cmpuint (total, ==, 2);
  g_assert_cmpuint (ok, ==, 2);
  pp_driver_screenshot (d, "03-http");
  pp_window_go_to (d->window, 3);

  /* 4 HTTPS site */
  pp_driver_type (d, "HTTPS site SSL port", "0");
  pp_driver_screenshot (d, "04-https");
  pp_driver_next (d);

  /* 5 Certificate authority */
  if (outside_ca)
    pp_driver_click (d, "An outside CA will sign the server certificate");
  pp_driver_next (d);

  /* 6 Server certificate request */
  pp_driver_type (d, "Common name (fully qualified domain name)", "phoneprov.test");
  pp_driver_next (d);
  if (!outside_ca)
    {
      pp_window_go_to (d->window, 4);
      pp_driver_screenshot (d, "05-ca");
      pp_window_go_to (d->window, 5);
      pp_driver_screenshot (d, "06-csr");
      pp_window_go_to (d->window, 6);
    }

  if (outside_ca)
    {
      /* The admin sends the request away and closes the wizard; the outside
       * CA (here: certtool with another CA) issues the certificate. */
      g_autofree char *csr = g_build_filename (site, "pki", "server", "server.csr", NULL);
      g_autofree char *tmpl = g_build_filename (tmp_root, "web-server.tmpl", NULL);
      g_autofree char *leaf = g_build_filename (tmp_root, "issued.crt", NULL);
      g_autofree char *chain = g_build_filename (tmp_root, "issued-chain.pem", NULL);
      g_autofree char *ca_key = g_build_filename (pki_dir, "siteca.key", NULL);
      g_autofree char *ca_crt = g_build_filename (pki_dir, "siteca.crt", NULL);
      g_autofree char *leaf_pem = NULL, *ca_pem = NULL, *both = NULL;
      const char *argv[] = { "certtool", "--generate-certificate", "--load-request", csr,
                             "--load-ca-certificate", ca_crt, "--load-ca-privkey", ca_key,
                             "--template", tmpl, "--outfile", leaf, NULL };
      int status = 0;
      g_autofree char *out = NULL;

      guint clicks_before = d->clicks, typed_before = d->typed;

      close_wizard (d);
      g_assert_true (g_file_set_contents (tmpl, "tls_www_server\nsigning_key\nencryption_key\nexpiration_days = 365\n"
                                                "dns_name = \"phoneprov.test\"\nhonor_crq_extensions\n", -1, NULL));
      out = run (argv, &status);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      leaf_pem = read_file (leaf);
      ca_pem = read_file (ca_crt);
      both = g_strconcat (leaf_pem, ca_pem, NULL);
      g_assert_true (g_file_set_contents (chain, both, -1, NULL));

      /* Reopened: the wizard remembers the pending request. */
      d = open_wizard (site, shots);
      d->clicks = clicks_before;
      d->typed = typed_before;
      g_assert_true (pp_page_get_complete (pp_window_get_page (d->window, 5)));
      g_assert_false (pp_page_get_complete (pp_window_get_page (d->window, 6)));
      {
        /* A click on "Issue and install" in the step list. */
        g_autoptr(GList) rows = gtk_container_get_children (GTK_CONTAINER (pp_window_get_sidebar (d->window)));
        g_signal_emit_by_name (pp_window_get_sidebar (d->window), "row-activated", g_list_nth_data (rows, 6));
        d->clicks++;
        pp_driver_flush ();
      }
      g_assert_cmpuint (pp_window_get_current (d->window), ==, 6);
      pp_driver_type (d, "Issued certificate file", chain);
      pp_driver_screenshot (d, "07b-issue-pending");
      d->screenshot_dir = NULL;
      ca_file = g_strdup (ca_crt);
    }

  /* 7 Issue and install */
  pp_driver_next (d);
  if (!outside_ca)
    {
      pp_window_go_to (d->window, 6);
      pp_driver_screenshot (d, "07-issue");
      pp_window_go_to (d->window, 7);
      ca_file = g_build_filename (site, "pki", "ca", "ca.crt", NULL);
    }

  /* 8 Phone trusts the server */
  pp_driver_screenshot (d, "08-phone-trust");
  pp_driver_next (d);

  /* 9 Trust the phones: the look-alike Polycom root and intermediates. */
  roots = g_strdup_printf ("%s/root.crt;%s/policy.crt;%s/issuing.crt", pki_dir, pki_dir, pki_dir);
  {
    /* The genuine Polycom CAs as downloaded, when the shared fixtures are
     * here: they must get the "Genuine Polycom" badge. */
    const char *shared = g_getenv ("PHONEPROV_SHARED");
    g_autofree char *polycom = g_build_filename (shared ? shared : "../shared", "fixtures", "polycom-pki", NULL);
    if (g_file_test (polycom, G_FILE_TEST_IS_DIR))
      {
        g_autofree char *more = g_strdup_printf ("%s;%s/polycom-root-ca.pem;%s/polycom-equipment-policy-ca.pem;"
                                                 "%s/polycom-equipment-issuing-ca-1.pem", roots, polycom, polycom, polycom);
        g_free (roots);
        roots = g_steal_pointer (&more);
      }
  }
  pp_driver_type (d, "Certificate files to import", roots);
  pp_driver_next (d);
  pp_window_go_to (d->window, 8);
  if (strstr (roots, "polycom-root-ca.pem"))
    {
      const char *summary = pp_driver_get_text (d, "Trust store summary");
      g_test_message ("trust store: %s", summary);
      g_assert_nonnull (strstr (summary, "Recognised as genuine Polycom: 3"));
    }
  pp_driver_screenshot (d, "09-trust");
  pp_window_go_to (d->window, 9);

  /* 10 Require client certificates: the self-test must pass. */
  pp_driver_next (d);
  pp_window_go_to (d->window, 9);
  pp_driver_count_results (pp_driver_find (d, "Self-test results"), &ok, &total);
  g_assert_cmpuint (total, ==, 3);
  g_assert_cmpuint (ok, ==, 3);
  pp_driver_screenshot (d, "10-mtls");
  pp_window_go_to (d->window, 10);

  /* 11 Monitor: the phone boots. */
  provision_phone (d, site, user, password, ca_file);
  {
    /* A refused handshake explains itself: reason and the remedy. */
    GtkTreeView *view = GTK_TREE_VIEW (pp_driver_find (d, "Live requests and handshakes"));
    GtkTreeModel *model = gtk_tree_view_get_model (view);
    GtkTreeIter iter;
    gboolean valid = gtk_tree_model_get_iter_first (model, &iter);
    const char *detail;

    for (; valid; valid = gtk_tree_model_iter_next (model, &iter))
      {
        g_autofree char *status = NULL;
        gtk_tree_model_get (model, &iter, 5, &status, -1);
        if (g_strcmp0 (status, "refused") == 0)
          break;
      }
    g_assert_true (valid);
    {
      g_autoptr(GtkTreePath) path = gtk_tree_model_get_path (model, &iter);
      gtk_tree_view_set_cursor (view, path, NULL, FALSE);
    }
    pp_driver_flush ();
    detail = pp_driver_get_text (d, "Selected event details");
    g_test_message ("refused handshake: %s", detail);
    g_assert_nonnull (strstr (detail, "Why:"));
    g_assert_nonnull (strstr (detail, "What to do:"));
  }
  pp_driver_screenshot (d, "11-monitor");
  pp_driver_next (d);

  /* 12 Summary */
  g_assert_cmpuint (pp_window_get_current (d->window), ==, 11);
  pp_driver_screenshot (d, "12-summary");
  for (guint i = 0; i < pp_window_get_n_pages (d->window); i++)
    if (!pp_page_get_complete (pp_window_get_page (d->window, i)))
      g_error ("step %s is not marked done", pp_page_get_id (pp_window_get_page (d->window, i)));

  clicks = d->clicks;
  typed = d->typed;
  g_test_message ("%s path: %u clicks + %u typed fields = %u (goal: under 40)",
                  outside_ca ? "outside-CA" : "local-CA", clicks, typed, clicks + typed);
  g_print ("# %s path: %u clicks + %u typed fields = %u\n", outside_ca ? "outside-CA" : "local-CA",
           clicks, typed, clicks + typed);
  if (!outside_ca)
    g_assert_cmpuint (clicks + typed, <, 40);
  close_wizard (d);

  /* Reopened on the finished site, every step shows done. */
  d = open_wizard (site, NULL);
  if (!pp_driver_wait (all_done, d->window, 20000))
    for (guint i = 0; i < pp_window_get_n_pages (d->window); i++)
      if (!pp_page_get_complete (pp_window_get_page (d->window, i)))
        g_error ("reopened: step %s is not shown as done", pp_page_get_id (pp_window_get_page (d->window, i)));
  close_wizard (d);
  stop_daemon (site);
}

static void
test_local_ca (void)
{
  walk (FALSE);
}

static void
test_outside_ca (void)
{
  walk (TRUE);
}

int
main (int argc, char **argv)
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wizard/e2e/local-ca", test_local_ca);
  g_test_add_func ("/wizard/e2e/outside-ca", test_outside_ca);
  ret = g_test_run ();
  if (tmp_root)
    {
      /* A failed step may have left a daemon running: stop both. */
      static const char *sites[] = { "site-local", "site-outside" };
      for (guint i = 0; i < G_N_ELEMENTS (sites); i++)
        {
          g_autofree char *site = g_build_filename (tmp_root, sites[i], NULL);
          if (g_file_test (site, G_FILE_TEST_IS_DIR))
            stop_daemon (site);
        }
      pp_file_remove_tree (tmp_root);
    }
  return ret;
}
