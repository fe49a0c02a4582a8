/* phoneprovd: runs a site's HTTP (digest) and HTTPS (mutual TLS) sites headless. */
#include "config.h"
#include "pp-site.h"
#include "pp-server-version.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

int
main (int argc, char **argv)
{
  g_autofree char *site_dir = NULL;
  g_autofree char *bundle = NULL;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "site", 's', 0, G_OPTION_ARG_FILENAME, &site_dir, N_("Site directory to serve"), N_("DIR") },
    { "bundle", 'b', 0, G_OPTION_ARG_FILENAME, &bundle, N_("Run an exported config bundle"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) oc = NULL;
  g_autoptr(GError) error = NULL;

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
  if (site_dir == NULL && bundle == NULL)
    site_dir = pp_site_default_dir ();
  g_printerr ("phoneprovd: serving is not built yet\n");
  return 1;
}
