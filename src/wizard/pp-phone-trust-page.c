#include "config.h"
#include "pp-phone-trust-page.h"
#include "pp-cert-io.h"
#include "pp-cert-view.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-phone-config.h"
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
  spip = pp_phone_menu_steps (site, FALSE);
  vvx = pp_phone_menu_steps (site, TRUE);
  gtk_label_set_markup (GTK_LABEL (self->spip_label), spip);
  gtk_label_set_markup (GTK_LABEL (self->vvx_label), vvx);

  boot = pp_site_get_boot_dir (site);
  copy = g_build_filename (boot, PP_PHONE_CA_FILE, NULL);
  pp_page_set_complete (page, root && pp_file_read (copy, 64 * 1024, &copied, &copied_len, NULL) &&
                              copied_len == g_bytes_get_size (root) &&
                              memcmp (copied, g_bytes_get_data (root, NULL), copied_len) == 0);
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
      g_autofree char *cfg = pp_phone_config_generate (site, root);
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
