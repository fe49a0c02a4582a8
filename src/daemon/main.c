/* phoneprovd: runs a site's HTTP (digest) and HTTPS (mutual TLS) sites headless. */
#include "config.h"
#include "pp-site.h"
#include "pp-server.h"
#include "pp-control-server.h"
#include "pp-server-version.h"
#include "pp-daemon.h"
#include "pp-bundle.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

static gboolean
on_quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_hup (gpointer server)
{
  g_autoptr(GError) error = NULL;
  if (!pp_server_reload (server, &error))
    g_printerr ("phoneprovd: %s %s\n", _("Reload failed, the previous configuration keeps running:"), error->message);
  return G_SOURCE_CONTINUE;
}

static void
print_sites (JsonNode *status)
{
  JsonArray *sites = json_object_get_array_member (json_node_get_object (status), "sites");

  for (guint i = 0; i < json_array_get_length (sites); i++)
    {
      JsonObject *s = json_array_get_object_element (sites, i);
      if (json_object_get_boolean_member (s, "running"))
        g_printerr ("phoneprovd: %s %s\n", json_object_get_string_member (s, "name"),
                    json_object_get_string_member (s, "url"));
      else if (json_object_has_member (s, "error"))
        g_printerr ("phoneprovd: %s: %s\n", json_object_get_string_member (s, "name"),
                    json_object_get_string_member (s, "error"));
    }
}

static int
run_site (const char *site_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autoptr(PpDaemonLock) lock = NULL;
  g_autofree char *sock_path = NULL;
  g_autoptr(JsonNode) status = NULL;
  PpServer *server;
  PpControlServer *control;
  guint sig[3];

  site = pp_site_open (site_dir, &error);
  if (site == NULL)
    {
      g_printerr ("phoneprovd: %s\n", error->message);
      return 1;
    }
  lock = pp_daemon_lock (pp_site_get_dir (site), &error);
  if (lock == NULL)
    {
      g_printerr ("phoneprovd: %s\n", error->message);
      return 1;
    }
  server = pp_server_new (pp_site_get_dir (site), &error);
  if (server == NULL || !pp_server_start (server, &error))
    {
      g_printerr ("phoneprovd: %s\n", error->message);
      pp_server_free (server);
      return 1;
    }
  loop = g_main_loop_new (NULL, FALSE);
  sock_path = pp_site_path (site, "run/control.sock");
  control = pp_control_server_new (server, sock_path, on_quit, loop, &error);
  if (control == NULL)
    {
      g_printerr ("phoneprovd: %s\n", error->message);
      pp_server_free (server);
      return 1;
    }
  sig[0] = g_unix_signal_add (SIGTERM, on_quit, loop);
  sig[1] = g_unix_signal_add (SIGINT, on_quit, loop);
  sig[2] = g_unix_signal_add (SIGHUP, on_hup, server);

  status = pp_server_status (server);
  print_sites (status);
  g_main_loop_run (loop);

  for (guint i = 0; i < G_N_ELEMENTS (sig); i++)
    g_source_remove (sig[i]);
  pp_control_server_free (control);
  pp_server_free (server);
  return 0;
}

int
main (int argc, char **argv)
{
  g_autofree char *site_dir = NULL;
  g_autofree char *bundle = NULL;
  g_autofree char *passphrase_file = NULL;
  g_autofree char *runtime_site = NULL;
  gboolean version = FALSE;
  int status_code = 0;
  const GOptionEntry entries[] = {
    { "site", 's', 0, G_OPTION_ARG_FILENAME, &site_dir, N_("Site directory to serve"), N_("DIR") },
    { "bundle", 'b', 0, G_OPTION_ARG_FILENAME, &bundle, N_("Run an exported config bundle"), N_("FILE") },
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &passphrase_file,
      N_("File whose first line is the passphrase of the bundle's server key"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) oc = NULL;
  g_autoptr(GError) error = NULL;

  /* A file-size limit (systemd LimitFSIZE=, ulimit -f) must fail one
   * upload with EFBIG, not kill the daemon and every phone's transfer. */
  signal (SIGXFSZ, SIG_IGN);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  oc = g_option_context_new (NULL);
  g_option_context_set_summary (oc, _("Serve a Polycom provisioning site: HTTP with digest "
                                      "authentication and HTTPS with client certificates."));
  g_option_context_add_main_entries (oc, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (oc, &argc, &argv, &error))
    {
      g_printerr ("phoneprovd: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      printf ("phoneprovd %s\n", pp_server_version ());
      return 0;
    }
  if (bundle != NULL)
    {
      g_autofree char *passphrase = NULL;
      if (passphrase_file && (passphrase = pp_bundle_read_passphrase_file (passphrase_file, &error)) == NULL)
        {
          g_printerr ("phoneprovd: %s\n", error->message);
          return 1;
        }
      /* Verified and unpacked into a private runtime folder, removed again
       * when the daemon stops. */
      if (!pp_bundle_extract_to_runtime (bundle, passphrase, &runtime_site, &error))
        {
          g_printerr ("phoneprovd: %s\n", error->message);
          return 1;
        }
      g_free (site_dir);
      site_dir = g_strdup (runtime_site);
    }
  if (site_dir == NULL)
    site_dir = pp_site_default_dir ();

  status_code = run_site (site_dir);
  if (runtime_site)
    pp_bundle_runtime_remove (runtime_site);
  return status_code;
}
