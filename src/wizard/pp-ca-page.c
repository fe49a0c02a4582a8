#include "config.h"
#include "pp-ca-page.h"
#include "pp-cert-view.h"
#include "pp-pki.h"
#include "pp-site.h"

#include <glib/gi18n.h>

struct _PpCaPage {
  PpPage     parent_instance;
  GtkWidget *local_radio;
  GtkWidget *outside_radio;
  GtkWidget *form_grid;
  GtkWidget *cn_entry;
  GtkWidget *suffix_entry;
  GtkWidget *years_spin;
  GtkWidget *key_combo;
  GtkWidget *passphrase_entry;
  GtkWidget *preview_label;
  GtkWidget *replace_check;
  GtkWidget *state_label;
  GtkWidget *cert_view;
};

G_DEFINE_FINAL_TYPE (PpCaPage, pp_ca_page, PP_TYPE_PAGE)

static void
update_preview (PpCaPage *self)
{
  const char *cn = gtk_entry_get_text (GTK_ENTRY (self->cn_entry));
  const char *suffix = gtk_entry_get_text (GTK_ENTRY (self->suffix_entry));
  g_autofree char *text = g_strdup_printf (_("Preview of distinguished name: CN=%s%s%s"),
                                           cn, *suffix ? ", " : "", suffix);
  gtk_label_set_text (GTK_LABEL (self->preview_label), text);
}

static void
on_mode_toggled (PpCaPage *self)
{
  gboolean local = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->local_radio));
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  gboolean exists = site && pp_ca_exists (site);

  gtk_widget_set_sensitive (self->form_grid, local);
  gtk_widget_set_visible (self->replace_check, local && exists);
}

static void
show_ca (PpCaPage *self)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  g_autoptr(GBytes) pem = NULL;

  if (site && pp_ca_exists (site) && (pem = pp_ca_get_certificate (site, NULL)) != NULL)
    {
      g_autoptr(GError) error = NULL;
      if (!pp_cert_view_set_data (PP_CERT_VIEW (self->cert_view), pem, &error))
        gtk_label_set_text (GTK_LABEL (self->state_label), error->message);
      else
        gtk_label_set_text (GTK_LABEL (self->state_label),
                            pp_ca_key_is_encrypted (site)
                            ? _("This site has a local root CA; its key is protected by a passphrase.")
                            : _("This site has a local root CA. Its key is in pki/ca/ca.key, readable only by you."));
    }
  else
    {
      pp_cert_view_set_details (PP_CERT_VIEW (self->cert_view), NULL);
      gtk_label_set_text (GTK_LABEL (self->state_label),
                          _("No local CA yet. Press Next to create it (key generation takes a few seconds)."));
    }
}

static void
pp_ca_page_site_changed (PpPage *page)
{
  PpCaPage *self = PP_CA_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  gboolean exists;

  if (site == NULL || pp_page_get_applying (page))
    return;
  exists = pp_ca_exists (site);
  if (*gtk_entry_get_text (GTK_ENTRY (self->cn_entry)) == '\0')
    {
      g_autofree char *name = pp_site_get (site, "site.name");
      g_autofree char *cn = g_strdup_printf (_("%s CA (%s)"), name, g_get_host_name ());
      gtk_entry_set_text (GTK_ENTRY (self->cn_entry), cn);
    }
  /* No CA but a request exists: the admin chose an outside CA before. */
  if (!exists && pp_server_cert_get_state (site) != PP_SERVER_CERT_NONE)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->outside_radio), TRUE);
  else if (exists)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->local_radio), TRUE);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->replace_check), FALSE);
  on_mode_toggled (self);
  update_preview (self);
  show_ca (self);
  pp_page_set_complete (page, exists || pp_server_cert_get_state (site) != PP_SERVER_CERT_NONE);
}

static void
on_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpCaPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = pp_ca_create_finish (PP_SITE (source), result, &error);

  if (!pp_page_is_alive (PP_PAGE (self)))
    return;
  if (pem == NULL)
    {
      pp_page_apply_failed (PP_PAGE (self), error);
      return;
    }
  gtk_entry_set_text (GTK_ENTRY (self->passphrase_entry), "");
  show_ca (self);
  pp_page_apply_complete (PP_PAGE (self), TRUE);
}

static void
pp_ca_page_apply (PpPage *page, GCancellable *cancellable)
{
  PpCaPage *self = PP_CA_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  gboolean replace = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->replace_check));
  PpCaParams params = { 0 };
  PpKeyType key_type = PP_KEY_TYPE_DEFAULT;
  g_autofree char *cn = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (self->cn_entry))));
  g_autofree char *suffix = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (self->suffix_entry))));

  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->outside_radio)) ||
      (pp_ca_exists (site) && !replace))
    {
      pp_page_apply_complete (page, TRUE);
      return;
    }
  if (*cn == '\0')
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                     _("The CA needs a common name, for example your organisation's name followed by “Phone CA”."));
      pp_page_apply_failed (page, error);
      return;
    }
  pp_key_type_from_string (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->key_combo)), &key_type);
  params.common_name = cn;
  params.dn_suffix = *suffix ? suffix : NULL;
  params.validity_days = (guint) gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->years_spin)) * 365;
  params.key_type = key_type;
  params.passphrase = gtk_entry_get_text (GTK_ENTRY (self->passphrase_entry));
  gtk_label_set_text (GTK_LABEL (self->state_label), _("Generating the CA key…"));
  pp_ca_create_async (site, &params, replace, cancellable, on_created, g_object_ref (self));
}

static void
pp_ca_page_class_init (PpCaPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PpPageClass *page_class = PP_PAGE_CLASS (klass);

  g_type_ensure (PP_TYPE_CERT_VIEW);
  page_class->site_changed = pp_ca_page_site_changed;
  page_class->apply = pp_ca_page_apply;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/ca-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PpCaPage, local_radio);
  gtk_widget_class_bind_template_child (widget_class, PpCaPage, outside_radio);
  gtk_widget_class_bind_template_child (widget_class, PpCaPage, form_grid);
  gtk_widget_class_bind_template_child (widget_class, PpCaPage, cn_entry);
  gtk_widget_class_bind_template_child (widget_class, PpCaPage, suffix_entry);
  gtk_widget_class_bind_template_child (widget_class, PpCaPage, years_spin);
  gtk_widget_class_bind_template_child (widget_class, PpCaPage, key_combo);
  gtk_widget_class_bind_template_child (widget_class, PpCaPage, passphrase_entry);
  gtk_widget_class_bind_template_child (widget_class, PpCaPage, preview_label);
  gtk_widget_class_bind_template_child (widget_class, PpCaPage, replace_check);
  gtk_widget_class_bind_template_child (widget_class, PpCaPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, PpCaPage, cert_view);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_toggled);
}

static void
pp_ca_page_init (PpCaPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* GtkBuilder sets active-id before it adds the items. */
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->key_combo), pp_key_type_to_string (PP_KEY_TYPE_DEFAULT));
  g_signal_connect_swapped (self->cn_entry, "changed", G_CALLBACK (update_preview), self);
  g_signal_connect_swapped (self->suffix_entry, "changed", G_CALLBACK (update_preview), self);
}
