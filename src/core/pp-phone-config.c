#include "config.h"
#include "pp-phone-config.h"
#include "pp-cert-io.h"
#include "pp-phone-account.h"
#include "pp-pki.h"

#include <glib/gi18n-lib.h>
#include <string.h>

GBytes *
pp_site_get_root_for_phones (PpSite *site)
{
  g_autoptr(GBytes) chain = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  gnutls_x509_crt_t top;
  g_autofree char *pem = NULL;

  if (pp_ca_exists (site))
    return pp_ca_get_certificate (site, NULL);
  chain = pp_pki_export (site, PP_PKI_OBJECT_CHAIN, PP_EXPORT_PEM, NULL, PP_PKCS12_MODERN, NULL);
  if (chain == NULL)
    return NULL;
  certs = pp_certs_from_data (g_bytes_get_data (chain, NULL), g_bytes_get_size (chain), NULL);
  if (certs == NULL || certs->len < 2)
    return NULL;
  top = certs->pdata[certs->len - 1];
  if (!pp_cert_is_self_signed (top) || (pem = pp_cert_to_pem (top, NULL)) == NULL)
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&pem), strlen (pem));
}

char *
pp_site_phone_address (PpSite *site, gboolean https)
{
  g_autofree char *host = pp_site_get (site, "site.hostname");
  guint port = pp_site_get_uint (site, https ? "https.port" : "http.port");

  if (*host == '\0')
    {
      g_free (host);
      host = g_strdup (g_get_host_name ());
    }
  if (port == (https ? 443u : 80u))
    return g_steal_pointer (&host);
  return g_strdup_printf ("%s:%u", host, port);
}

char *
pp_phone_menu_steps (PpSite *site, gboolean vvx)
{
  g_autofree char *http = pp_site_phone_address (site, FALSE);
  g_autofree char *user = NULL;
  g_autofree char *admin = g_strdup (vvx ? _("Administration Settings") : _("Admin Settings"));
  const char *leave = vvx ? _("press the <b>Back</b> soft key twice and save the configuration")
                          : _("press the <b>Exit</b> soft key twice and save the configuration (SoundStation IP: <b>Back</b>)");
  g_autofree char *ca_url = g_strdup_printf ("http://%s/%s", http, PP_PHONE_CA_FILE);
  g_autofree char *e_admin = NULL, *e_http = NULL, *e_user = NULL, *e_url = NULL, *e_conf = NULL;

  if (!pp_phone_account_load (site, &user, NULL, NULL))
    user = g_strdup (PP_PHONE_ACCOUNT_DEFAULT_USER);
  /* @leave is markup itself: escape the values one by one instead of
   * g_markup_printf_escaped(), which would show its <b> tags as text. */
  e_admin = g_markup_escape_text (admin, -1);
  e_http = g_markup_escape_text (http, -1);
  e_user = g_markup_escape_text (user, -1);
  e_url = g_markup_escape_text (ca_url, -1);
  e_conf = g_markup_escape_text (vvx ? _("Configure CA Certificates") : _("Configure CA Certs"), -1);
  return g_strdup_printf (_("1. Press <b>Menu</b>, select <b>Settings › Advanced</b>, enter the admin password.\n"
                            "2. Select <b>%s › Network Configuration › Server Menu</b>.\n"
                            "3. Server Type: <b>HTTP</b>. Server Address: <b>%s</b>. Server User: <b>%s</b>. Server Password: the phone account's password (Boot directory step).\n"
                            "4. Then %s.\n"
                            "5. Press <b>Menu</b>, <b>Settings › Advanced</b>, then <b>%s › SSL Security › CA Certificates › Install Custom CA Cert</b>.\n"
                            "6. Location: <b>%s</b>. Press <b>Enter</b>; compare the MD5 fingerprint with the one on this page, then press <b>Accept</b>.\n"
                            "7. Press <b>Back</b>, select <b>%s</b> and tick <b>All Certificates</b>.\n"
                            "8. In the <b>Server Menu</b>, set Server Type to <b>HTTPS</b>; %s."),
                          e_admin, e_http, e_user, leave, e_admin, e_url, e_conf, leave);
}

char *
pp_phone_config_generate (PpSite *site, GBytes *root)
{
  g_autofree char *pem = g_strndup (g_bytes_get_data (root, NULL), g_bytes_get_size (root));
  g_autofree char *https = pp_site_phone_address (site, TRUE);
  g_autoptr(GString) attr = g_string_new (NULL);
  g_autofree char *escaped_host = g_markup_escape_text (https, -1);

  g_strstrip (pem);
  for (const char *p = pem; *p; p++)
    {
      if (*p == '\n')
        g_string_append (attr, "&#10;");
      else if (*p != '\r')
        g_string_append_c (attr, *p);
    }
  return g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                          "<!-- Written by phoneprov from the parameters documented in polycomConfig.xsd\n"
                          "     (UC Software 4.0.x). It installs this site's CA and moves provisioning to\n"
                          "     HTTPS. Set device.set back to 0 once every phone has taken it. -->\n"
                          "<PHONE_CONFIG>\n"
                          "  <ALL\n"
                          "    device.set=\"1\"\n"
                          "    device.sec.TLS.customCaCert1.set=\"1\"\n"
                          "    device.sec.TLS.customCaCert1=\"%s\"\n"
                          "    device.sec.TLS.profile.caCertList1.set=\"1\"\n"
                          "    device.sec.TLS.profile.caCertList1=\"BuiltinAndPlatform1\"\n"
                          "    device.sec.TLS.profileSelection.provisioning.set=\"1\"\n"
                          "    device.sec.TLS.profileSelection.provisioning=\"PlatformProfile1\"\n"
                          "    device.prov.serverType.set=\"1\"\n"
                          "    device.prov.serverType=\"HTTPS\"\n"
                          "    device.prov.serverName.set=\"1\"\n"
                          "    device.prov.serverName=\"%s\"\n"
                          "  />\n"
                          "</PHONE_CONFIG>\n", attr->str, escaped_host);
}
