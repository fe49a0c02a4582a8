#include "config.h"
#include "pp-phone-trust-page.h"
#include "pp-cert-io.h"
#include "pp-cert-view.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-phone-account.h"
#include "pp-pki.h"
#include "pp-site.h"

#include <glib/gi18n.h>
#include <string.h>

struct _PpPhoneTrustPage {
  PpPage     parent_instance;
  GtkWidget *md5_label;
  GtkWidget *config_check;
  GtkWidget *files_label;
  GtkWidget *spip_label;
  GtkWidget *vvx_label;
  GtkWidget *cert_view;
};

G_DEFINE_FINAL_TYPE (PpPhoneTrustPage, pp_phone_trust_page, PP_TYPE_PAGE)

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

static char *
steps_markup (PpSite *site, gboolean vvx)
{
  g_autofree char *http = pp_site_phone_address (site, FALSE);
  g_autofree char *user = NULL;
  g_autofree char *admin = g_strdup (vvx ? _("Administration Settings") : _("Admin Settings"));
  const char *leave = vvx ? _("press the <b>Back</b> soft key twice and save the configuration")
                          : _("press the <b>Exit</b> soft key twice and save the configuration (SoundStation IP: <b>Back</b>)");
  g_autofree char *ca_url = g_strdup_printf ("http://%s/%s", http, PP_PHONE_CA_FILE);

  if (!pp_phone_account_load (site, &user, NULL, NULL))
    user = g_strdup (PP_PHONE_ACCOUNT_DEFAULT_USER);
  return g_markup_printf_escaped (_("1. Press <b>Menu</b>, select <b>Settings › Advanced</b>, enter the admin password.\n"
                                    "2. Select <b>%s › Network Configuration › Server Menu</b>.\n"
                                    "3. Server Type: <b>HTTP</b>. Server Address: <b>%s</b>. Server User: <b>%s</b>. Server Password: the phone account's password (Boot directory step).\n"
                                    "4. Then %s.\n"
                                    "5. Press <b>Menu</b>, <b>Settings › Advanced</b>, then <b>%s › SSL Security › CA Certificates › Install Custom CA Cert</b>.\n"
                                    "6. Location: <b>%s</b>. Press <b>Enter</b>; compare the MD5 fingerprint with the one on this page, then press <b>Accept</b>.\n"
                                    "7. Press <b>Back</b>, select <b>%s</b> and tick <b>All Certificates</b>.\n"
                                    "8. In the <b>Server Menu</b>, set Server Type to <b>HTTPS</b>; %s."),
                                  admin, http, user, leave, admin, ca_url,
                                  vvx ? _("Configure CA Certificates") : _("Configure CA Certs"), leave);
}

static void
pp_phone_trust_page_site_changed (PpPage *page)
{
  PpPhoneTrustPage *self = PP_PHONE_TRUST_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_autoptr(GBytes) root = NULL;
  g_autoptr(PpCertDetails) d = NULL;
  g_autofree char *spip = NULL, *vvx = NULL, *boot = NULL, *copy = NULL, *copied = NULL;
  gsize copied_len = 0;

  if (site == NULL || pp_page_get_applying (page))
    return;
  root = pp_site_get_root_for_phones (site);
  d = root ? pp_cert_details_new_from_bytes (root, NULL) : NULL;
  pp_cert_view_set_details (PP_CERT_VIEW (self->cert_view), d);
  gtk_label_set_text (GTK_LABEL (self->md5_label), d ? pp_cert_details_get_fingerprint (d, "md5")
                      : _("No CA certificate yet: finish the certificate steps first."));
  spip = steps_markup (site, FALSE);
  vvx = steps_markup (site, TRUE);
  gtk_label_set_markup (GTK_LABEL (self->spip_label), spip);
  gtk_label_set_markup (GTK_LABEL (self->vvx_label), vvx);

  boot = pp_site_get_boot_dir (site);
  copy = g_build_filename (boot, PP_PHONE_CA_FILE, NULL);
  pp_page_set_complete (page, root && pp_file_read (copy, 64 * 1024, &copied, &copied_len, NULL) &&
                              copied_len == g_bytes_get_size (root) &&
                              memcmp (copied, g_bytes_get_data (root, NULL), copied_len) == 0);
}

static char *
config_file (PpSite *site, GBytes *root)
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

static void
pp_phone_trust_page_apply (PpPage *page, GCancellable *cancellable)
{
  PpPhoneTrustPage *self = PP_PHONE_TRUST_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_autoptr(GBytes) root = pp_site_get_root_for_phones (site);
  g_autofree char *boot = pp_site_get_boot_dir (site);
  g_autofree char *ca_path = g_build_filename (boot, PP_PHONE_CA_FILE, NULL);
  g_autofree char *cfg_path = g_build_filename (boot, PP_PHONE_CONFIG_FILE, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (root == NULL)
    {
      error = g_error_new_literal (PP_ERROR, PP_ERROR_NOT_FOUND,
                                   _("There is no CA certificate to give the phones yet. Finish “Issue and install” first; with an outside CA, import its full chain there."));
      pp_page_apply_failed (page, error);
      return;
    }
  if (g_bytes_get_size (root) > 12288)
    {
      error = g_error_new_literal (PP_ERROR, PP_ERROR_INVALID,
                                   _("The CA certificate is longer than the 12,288 characters a phone accepts. Use a CA with a shorter certificate (an RSA 2048 or 4096 key)."));
      pp_page_apply_failed (page, error);
      return;
    }
  if (!pp_file_write_atomic (ca_path, g_bytes_get_data (root, NULL), g_bytes_get_size (root), 0644, &error))
    {
      pp_page_apply_failed (page, error);
      return;
    }
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->config_check)))
    {
      g_autofree char *cfg = config_file (site, root);
      if (!pp_file_write_atomic (cfg_path, cfg, strlen (cfg), 0644, &error))
        {
          pp_page_apply_failed (page, error);
          return;
        }
      text = g_strdup_printf (_("Wrote %s and %s."), ca_path, cfg_path);
    }
  else
    text = g_strdup_printf (_("Wrote %s."), ca_path);
  gtk_label_set_text (GTK_LABEL (self->files_label), text);
  pp_page_apply_complete (page, TRUE);
}

static void
pp_phone_trust_page_class_init (PpPhoneTrustPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PpPageClass *page_class = PP_PAGE_CLASS (klass);

  g_type_ensure (PP_TYPE_CERT_VIEW);
  page_class->site_changed = pp_phone_trust_page_site_changed;
  page_class->apply = pp_phone_trust_page_apply;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/phone-trust-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PpPhoneTrustPage, md5_label);
  gtk_widget_class_bind_template_child (widget_class, PpPhoneTrustPage, config_check);
  gtk_widget_class_bind_template_child (widget_class, PpPhoneTrustPage, files_label);
  gtk_widget_class_bind_template_child (widget_class, PpPhoneTrustPage, spip_label);
  gtk_widget_class_bind_template_child (widget_class, PpPhoneTrustPage, vvx_label);
  gtk_widget_class_bind_template_child (widget_class, PpPhoneTrustPage, cert_view);
}

static void
pp_phone_trust_page_init (PpPhoneTrustPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
