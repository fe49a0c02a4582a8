/* nginx: the HTTPS site only. nginx has no digest authentication, so the
 * HTTP (bootROM) site stays with phoneprovd or Apache. */
#include "config.h"
#include "pp-engine-private.h"
#include "pp-error.h"

#include <glib/gi18n-lib.h>

static void
append_server (GString *s, PpEngineGen *gen)
{
  g_autofree char *address = pp_site_get (gen->site, "https.address");
  g_autofree char *desc = pp_site_get (gen->site, "https.description");
  g_autofree char *client = pp_site_get (gen->site, "https.client-certs");
  g_autofree char *listen = pp_engine_listen (address, pp_site_get_uint (gen->site, "https.port"), TRUE);
  g_autofree char *anchors = pp_engine_companion_path (gen, "trust-anchors.pem", TRUE);
  g_autofree char *crls = pp_engine_companion_path (gen, "trust-crls.pem", TRUE);

  if (pp_site_get_bool (gen->site, "https.bind-mac") && !g_str_equal (client, "off"))
    g_string_append (s, "# https.bind-mac: the MAC address in the phone's certificate (CN=<12 hex digits>).\n"
                        "map $ssl_client_s_dn $phoneprov_cert_mac {\n"
                        "    default \"\";\n"
                        "    \"~(^|,)CN=(?<phoneprov_cn>[0-9A-Fa-f]{12})(,|$)\" $phoneprov_cn;\n"
                        "}\n\n");
  g_string_append_printf (s, "# HTTPS site “%s”: the application, mutual TLS.\n"
                             "server {\n"
                             "    listen %s ssl;\n"
                             "    server_name %s;\n"
                             "    root \"%s\";\n\n",
                          desc, listen, gen->hostname, gen->boot);
  pp_engine_append_identities (s, gen);
  pp_engine_append_tls_profile (s, gen);
  g_string_append (s, "    ssl_session_cache shared:phoneprov:10m;\n"
                      "    ssl_session_timeout 1h;\n\n");
  if (!g_str_equal (client, "off"))
    {
      g_string_append_printf (s, "    # Phones prove who they are with their device certificate (bulletin: Enabling Mutual TLS).\n"
                                 "    ssl_verify_client %s;\n"
                                 "    ssl_client_certificate \"%s\";\n"
                                 "    ssl_verify_depth 4;\n",
                              g_str_equal (client, "required") ? "on" : "optional", anchors);
      if (gen->crls && gen->crls_complete && pp_site_get_bool (gen->site, "https.check-crl"))
        g_string_append_printf (s, "    ssl_crl \"%s\";\n", crls);
      else if (gen->crls && pp_site_get_bool (gen->site, "https.check-crl"))
        g_string_append (s, "    # The trust store's CRLs are not used here: nginx then wants a CRL for every CA\n"
                            "    # in a phone's chain and would refuse every phone. Apache and phoneprovd use them.\n");
      if (pp_site_get_bool (gen->site, "https.accept-expired-polycom"))
        g_string_append (s, "    # https.accept-expired-polycom is on in site.conf, but nginx cannot make that\n"
                            "    # exception: phones with expired device certificates are refused here.\n");
    }
  if (pp_site_get_bool (gen->site, "https.bind-mac") && !g_str_equal (client, "off"))
    /* Same rule as phoneprovd; nginx cannot lowercase, so the comparison is
     * a caseless back-reference. Named captures: evaluating the map runs its
     * own regex, which would reset $1. */
    g_string_append (s, "    # https.bind-mac: a phone reads and writes only its own <MAC> files (its certificate's CN).\n"
                        "    set $phoneprov_pair \"\";\n"
                        "    if ($uri ~ \"^/(?:[^/]*/)*(?!000000000000)(?<phoneprov_file_mac>[0-9a-fA-F]{12})(?![0-9a-fA-F])[^/]*$\") {\n"
                        "        set $phoneprov_pair \"$phoneprov_file_mac:$phoneprov_cert_mac\";\n"
                        "    }\n"
                        "    if ($phoneprov_pair ~* \"^([0-9a-f]{12}):(?!\\1$)\") {\n"
                        "        return 403;\n"
                        "    }\n"
                        "    set $phoneprov_put \"$request_method:$phoneprov_pair\";\n"
                        "    if ($phoneprov_put = \"PUT:\") {\n"
                        "        return 403;\n"
                        "    }\n");
  if (pp_site_get_bool (gen->site, "https.digest"))
    g_string_append (s, "    # https.digest is on in site.conf, but nginx has no digest authentication:\n"
                        "    # here the client certificate alone authenticates the phone.\n");
  g_string_append (s, "\n"
                      "    # Read-only everywhere (GET implies HEAD)…\n"
                      "    location / {\n"
                      "        limit_except GET { deny all; }\n"
                      "    }\n");
  pp_engine_append_upload_location (s, gen, FALSE);
  g_string_append (s, "}\n");
}

static void
append_main (GString *s, PpEngineGen *gen, const char *server_ref)
{
  g_autofree char *pid = pp_engine_site_path (gen, "run/nginx.pid", FALSE);
  g_autofree char *errlog = pp_engine_site_path (gen, "logs/nginx-error.log", FALSE);
  g_autofree char *acclog = pp_engine_site_path (gen, "logs/nginx-access.log", FALSE);
  static const char *temps[] = { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" };

  g_string_append_printf (s, "# Started as root, nginx runs its workers as nobody: that account must read the\n"
                             "# site and write the boot folder (uploads), or name another one here.\n"
                             "# user www-data;\n"
                             "worker_processes auto;\n"
                             "pid \"%s\";\n"
                             "error_log \"%s\" warn;\n\n"
                             "events {\n"
                             "    worker_connections 1024;\n"
                             "}\n\n"
                             "http {\n"
                             "    sendfile on;\n"
                             "    keepalive_timeout 65;\n"
                             "    server_tokens off;\n"
                             "    # Every file type is served, unknown ones as octet-stream like phoneprovd.\n"
                             "    default_type application/octet-stream;\n"
                             "    types {\n"
                             "        application/xml xml;\n"
                             "        text/plain cfg log ver;\n"
                             "    }\n"
                             "    log_format phoneprov '$remote_addr - $remote_user [$time_local] \"$request\" '\n"
                             "                         '$status $body_bytes_sent \"$http_user_agent\" '\n"
                             "                         '$ssl_protocol $ssl_cipher \"$ssl_client_s_dn\"';\n"
                             "    access_log \"%s\" phoneprov;\n",
                          pid, errlog, acclog);
  g_string_append (s, "    # Temporary files inside the site, so an unprivileged nginx can start.\n");
  for (guint i = 0; i < G_N_ELEMENTS (temps); i++)
    {
      g_autofree char *rel = g_strdup_printf ("run/nginx-%s", temps[i]);
      g_autofree char *p = pp_engine_site_path (gen, rel, FALSE);
      g_string_append_printf (s, "    %s_temp_path \"%s\";\n", temps[i], p);
    }
  g_string_append_printf (s, "\n    include \"%s\";\n}\n", server_ref);
}

gboolean
pp_engine_generate_nginx (PpEngineGen *gen, GError **error)
{
  g_autofree char *server_ref = pp_engine_companion_path (gen, "phoneprov-https.conf", TRUE);
  g_autofree char *main_ref = pp_engine_companion_path (gen, "nginx.conf", FALSE);
  g_autofree char *start = gen->options->deploy_root
    ? g_strdup_printf ("nginx -c %s -g 'daemon off;'\n#   (or include phoneprov-https.conf inside http {} of a system nginx)", main_ref)
    : g_strdup ("nginx -p ROOT/ -c engines/nginx/nginx.conf -g 'daemon off;'");
  g_autofree char *header = pp_engine_header (gen, "nginx configuration (HTTPS site)", start);
  g_autofree char *server_header = pp_engine_header (gen, "nginx server block (includable inside http {})", NULL);
  GString *main_conf, *server;

  if (!pp_site_get_bool (gen->site, "https.enabled"))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The HTTPS site is disabled in site.conf (https.enabled), and nginx serves only "
                     "the HTTPS site. Enable it, or use the Apache configuration."));
      return FALSE;
    }
  main_conf = g_string_new (header);
  server = g_string_new (server_header);
  append_main (main_conf, gen, server_ref);
  g_string_append (server, "\n");
  append_server (server, gen);
  pp_engine_add_file (gen, "nginx.conf", main_conf);
  pp_engine_add_file (gen, "phoneprov-https.conf", server);
  pp_engine_add_trust_files (gen);
  return TRUE;
}
