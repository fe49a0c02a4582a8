/* Apache httpd 2.4: both sites, as the bulletin's IIS did them. */
#include "config.h"
#include "pp-engine-private.h"
#include "pp-error.h"

#include <glib/gi18n-lib.h>

/* What the two sites need; log_config and unixd are built in on Debian but
 * modules elsewhere, hence the IfModule guards in the output. */
static const struct { const char *name; const char *file; } modules[] = {
  { "mpm_event_module", "mod_mpm_event.so" },
  { "unixd_module", "mod_unixd.so" },
  { "log_config_module", "mod_log_config.so" },
  { "authn_core_module", "mod_authn_core.so" },
  { "authn_file_module", "mod_authn_file.so" },
  { "authz_core_module", "mod_authz_core.so" },
  { "authz_user_module", "mod_authz_user.so" },
  { "auth_digest_module", "mod_auth_digest.so" },
  { "mime_module", "mod_mime.so" },
  { "dav_module", "mod_dav.so" },
  { "dav_fs_module", "mod_dav_fs.so" },
  { "socache_shmcb_module", "mod_socache_shmcb.so" },
  { "ssl_module", "mod_ssl.so" },
};

/* Read-only everywhere, PUT only to the upload patterns (through mod_dav). */
static void
append_locations (GString *s, PpEngineGen *gen, gboolean digest)
{
  g_autofree char *realm = pp_site_get (gen->site, "http.realm");

  g_string_append (s, "    <Location \"/\">\n"
                      "        Options None\n");
  if (digest)
    g_string_append_printf (s, "        AuthType Digest\n"
                               "        AuthName \"%s\"\n"
                               "        AuthDigestProvider file\n"
                               "        AuthUserFile \"%s\"\n"
                               "        AuthDigestDomain \"/\"\n",
                            realm, gen->htdigest);
  g_string_append_printf (s, "        <RequireAll>\n%s"
                             "            Require method GET HEAD OPTIONS\n"
                             "        </RequireAll>\n"
                             "    </Location>\n", digest ? "            Require valid-user\n" : "");
  pp_engine_append_upload_location (s, gen, digest);
}

static void
append_http_vhost (GString *s, PpEngineGen *gen)
{
  g_autofree char *address = pp_site_get (gen->site, "http.address");
  g_autofree char *desc = pp_site_get (gen->site, "http.description");
  g_autofree char *vhost = pp_engine_listen (address, pp_site_get_uint (gen->site, "http.port"), FALSE);
  gboolean digest = pp_site_get_bool (gen->site, "http.digest");

  g_string_append_printf (s, "# HTTP site “%s”: bootROM downloads, digest authentication.\n"
                             "<VirtualHost %s>\n"
                             "    ServerName %s\n"
                             "    DocumentRoot \"%s\"\n",
                          desc, vhost, gen->hostname, gen->boot);
  if (pp_site_get_bool (gen->site, "http.bootstrap"))
    g_string_append (s, "    # http.bootstrap is on in site.conf: phoneprovd generates the configuration that moves\n"
                        "    # phones to HTTPS; Apache serves only the files in the boot folder.\n");
  append_locations (s, gen, digest);
  g_string_append (s, "</VirtualHost>\n\n");
}

static void
append_https_vhost (GString *s, PpEngineGen *gen)
{
  g_autofree char *address = pp_site_get (gen->site, "https.address");
  g_autofree char *desc = pp_site_get (gen->site, "https.description");
  g_autofree char *client = pp_site_get (gen->site, "https.client-certs");
  g_autofree char *vhost = pp_engine_listen (address, pp_site_get_uint (gen->site, "https.port"), FALSE);
  g_autofree char *anchors = pp_engine_companion_path (gen, "trust-anchors.pem", FALSE);
  g_autofree char *crls = pp_engine_companion_path (gen, "trust-crls.pem", FALSE);

  g_string_append_printf (s, "# HTTPS site “%s”: the application, mutual TLS.\n"
                             "<VirtualHost %s>\n"
                             "    ServerName %s\n"
                             "    DocumentRoot \"%s\"\n"
                             "    SSLEngine on\n",
                          desc, vhost, gen->hostname, gen->boot);
  pp_engine_append_identities (s, gen);
  pp_engine_append_tls_profile (s, gen);
  if (!g_str_equal (client, "off"))
    {
      g_string_append_printf (s, "    # Phones prove who they are with their device certificate (bulletin: Enabling Mutual TLS).\n"
                                 "    SSLVerifyClient %s\n"
                                 "    SSLVerifyDepth 4\n"
                                 "    SSLCACertificateFile \"%s\"\n",
                              g_str_equal (client, "required") ? "require" : "optional", anchors);
      if (gen->crls && pp_site_get_bool (gen->site, "https.check-crl"))
        g_string_append_printf (s, "    SSLCARevocationFile \"%s\"\n"
                                   "    SSLCARevocationCheck chain no_crl_for_cert_ok\n", crls);
      if (pp_site_get_bool (gen->site, "https.accept-expired-polycom"))
        g_string_append (s, "    # https.accept-expired-polycom is on in site.conf, but Apache cannot make that\n"
                            "    # exception: phones with expired device certificates are refused here.\n");
    }
  append_locations (s, gen, pp_site_get_bool (gen->site, "https.digest"));
  if (pp_site_get_bool (gen->site, "https.bind-mac") && !g_str_equal (client, "off"))
    /* Same rule as phoneprovd: a name that starts with 12 hex digits (not
     * 000000000000) belongs to that phone; PUT only to such names. */
    g_string_append (s, "    # https.bind-mac: a phone reads and writes only its own <MAC> files (its certificate's CN).\n"
                        "    <LocationMatch \"^/(?:[^/]*/)*(?!000000000000)(?<phonemac>[0-9a-fA-F]{12})(?![0-9a-fA-F])[^/]*$\">\n"
                        "        AuthMerging And\n"
                        "        Require expr \"tolower(%{SSL_CLIENT_S_DN_CN}) == tolower(%{env:MATCH_PHONEMAC})\"\n"
                        "    </LocationMatch>\n"
                        "    <LocationMatch \"^/(?:[^/]*/)*(?:000000000000|(?![0-9a-fA-F]{12}(?![0-9a-fA-F])))[^/]*$\">\n"
                        "        AuthMerging And\n"
                        "        Require method GET HEAD OPTIONS\n"
                        "    </LocationMatch>\n");
  g_string_append (s, "</VirtualHost>\n");
}

static void
append_main (GString *s, PpEngineGen *gen, const char *sites_ref)
{
  const char *module_dir = gen->options->module_dir ? gen->options->module_dir : PP_ENGINE_DEFAULT_MODULE_DIR;
  g_autofree char *pid = pp_engine_site_path (gen, "run/apache.pid", FALSE);
  g_autofree char *rundir = pp_engine_site_path (gen, "run", FALSE);
  g_autofree char *errlog = pp_engine_site_path (gen, "logs/apache-error.log", FALSE);
  g_autofree char *acclog = pp_engine_site_path (gen, "logs/apache-access.log", FALSE);
  g_autofree char *davlock = pp_engine_site_path (gen, "run/apache-davlock", FALSE);
  g_autofree char *http_addr = pp_site_get (gen->site, "http.address");
  g_autofree char *https_addr = pp_site_get (gen->site, "https.address");

  g_string_append_printf (s, "# Module folder (Debian/Ubuntu default below). Elsewhere start with\n"
                             "#   -C 'Define PHONEPROV_MODULES /usr/lib64/httpd/modules'\n"
                             "<IfDefine !PHONEPROV_MODULES>\n"
                             "    Define PHONEPROV_MODULES \"%s\"\n"
                             "</IfDefine>\n", module_dir);
  if (gen->options->deploy_root)
    g_string_append_printf (s, "ServerRoot \"%s\"\n", gen->options->deploy_root);
  g_string_append (s, "\n");
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    g_string_append_printf (s, "<IfModule !%s>\n    LoadModule %s \"${PHONEPROV_MODULES}/%s\"\n</IfModule>\n",
                            modules[i].name, modules[i].name, modules[i].file);
  g_string_append_printf (s, "\n# Started as root, Apache switches to this account: it must read the site\n"
                             "# and write the boot folder (uploads). Unprivileged starts ignore it.\n"
                             "# User www-data\n# Group www-data\n\n"
                             "PidFile \"%s\"\n"
                             "DefaultRuntimeDir \"%s\"\n"
                             "ErrorLog \"%s\"\n"
                             "LogLevel warn\n"
                             "LogFormat \"%%h %%l %%u %%t \\\"%%r\\\" %%>s %%b \\\"%%{User-Agent}i\\\" %%{SSL_PROTOCOL}x %%{SSL_CIPHER}x \\\"%%{SSL_CLIENT_S_DN}x\\\"\" phoneprov\n"
                             "CustomLog \"%s\" phoneprov\n"
                             "ServerName %s\n"
                             "ServerTokens Prod\n"
                             "TraceEnable off\n"
                             "KeepAlive On\n"
                             "# Every file type is served; unknown ones without a type, like phoneprovd’s octet-stream.\n"
                             "TypesConfig /dev/null\n"
                             "AddType application/xml .xml\n"
                             "AddType text/plain .cfg .log .ver\n"
                             "AddType application/octet-stream .ld .bin .zip\n"
                             "DavLockDB \"%s\"\n"
                             "SSLSessionCache \"shmcb:apache-ssl-cache(512000)\"\n"
                             "SSLRandomSeed startup builtin\n\n",
                          pid, rundir, errlog, acclog, gen->hostname, davlock);
  if (pp_site_get_bool (gen->site, "http.enabled"))
    {
      g_autofree char *l = pp_engine_listen (http_addr, pp_site_get_uint (gen->site, "http.port"), TRUE);
      g_string_append_printf (s, "Listen %s\n", l);
    }
  if (pp_site_get_bool (gen->site, "https.enabled"))
    {
      g_autofree char *l = pp_engine_listen (https_addr, pp_site_get_uint (gen->site, "https.port"), TRUE);
      g_string_append_printf (s, "Listen %s\n", l);
    }
  g_string_append_printf (s, "\nInclude \"%s\"\n", sites_ref);
}

gboolean
pp_engine_generate_apache (PpEngineGen *gen, GError **error)
{
  g_autofree char *sites_ref = pp_engine_companion_path (gen, "phoneprov-sites.conf", FALSE);
  g_autofree char *main_ref = pp_engine_companion_path (gen, "httpd.conf", FALSE);
  g_autofree char *start = gen->options->deploy_root
    ? g_strdup_printf ("apache2 -f %s -DFOREGROUND\n#   (or Include phoneprov-sites.conf from a system Apache)", main_ref)
    : g_strdup ("apache2 -d ROOT -f engines/apache/httpd.conf -DFOREGROUND");
  g_autofree char *header = pp_engine_header (gen, "Apache httpd 2.4 configuration", start);
  g_autofree char *sites_header = pp_engine_header (gen, "Apache virtual hosts (includable from any Apache 2.4 "
                                                         "that loads ssl, auth_digest, authn_file, authz_user, dav, dav_fs)",
                                                    NULL);
  GString *main_conf = g_string_new (header);
  GString *sites = g_string_new (sites_header);

  if (!pp_site_get_bool (gen->site, "http.enabled") && !pp_site_get_bool (gen->site, "https.enabled"))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("Both sites are disabled in site.conf (http.enabled, https.enabled), so there is "
                     "nothing for Apache to serve. Enable at least one."));
      g_string_free (main_conf, TRUE);
      g_string_free (sites, TRUE);
      return FALSE;
    }
  append_main (main_conf, gen, sites_ref);
  g_string_append (sites, "\n");
  if (pp_site_get_bool (gen->site, "http.enabled"))
    append_http_vhost (sites, gen);
  if (pp_site_get_bool (gen->site, "https.enabled"))
    append_https_vhost (sites, gen);

  pp_engine_add_file (gen, "httpd.conf", main_conf);
  pp_engine_add_file (gen, "phoneprov-sites.conf", sites);
  pp_engine_add_trust_files (gen);
  return TRUE;
}
