#include "config.h"
#include "pp-https-page.h"
#include "pp-daemon.h"
#include "pp-pki.h"
#include "pp-site.h"

#include <glib/gi18n.h>

struct _PpHttpsPage {
  PpPage     parent_instance;
  GtkWidget *description_entry;
  GtkWidget *address_entry;
  GtkWidget *port_spin;
  GtkWidget *profile_combo;
  GtkWidget *digest_switch;
  GtkWidget *profile_warning;
  GtkWidget *plan_label;
  GtkWidget *status_label;
  gboolean   applied;
};

G_DEFINE_FINAL_TYPE (PpHttpsPage, pp_https_page, PP_TYPE_PAGE)

static void
update_plan (PpHttpsPage *self)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  g_autofree char *boot = site ? pp_site_get_boot_dir (site) : g_strdup ("");
  g_autofree char *clients = site ? pp_site_get (site, "https.client-certs") : g_strdup ("required");
  const char *addr = gtk_entry_get_text (GTK_ENTRY (self->address_entry));
  g_autofree char *text = g_strdup_printf (_("“%s” listens on %s, port %d, TLS profile %s.\n"
                                             "Home directory: %s (the same boot directory as the HTTP site), read and write.\n"
                                             "Every file type is served. Digest authentication: %s.\n"
                                             "Client certificates: %s once step 10 is done."),
                                           gtk_entry_get_text (GTK_ENTRY (self->description_entry)),
                                           *addr && g_strcmp0 (addr, "*") != 0 ? addr : _("every address"),
                                           gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->port_spin)),
                                           gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo)),
                                           boot,
                                           gtk_switch_get_active (GTK_SWITCH (self->digest_switch)) ? _("on") : _("off"),
                                           clients);
  gtk_label_set_text (GTK_LABEL (self->plan_label), text);
}

static void
on_profile_changed (PpHttpsPage *self)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo));
  gtk_label_set_text (GTK_LABEL (self->profile_warning),
                      g_strcmp0 (id, "modern") == 0
                      ? _("Phones with UC Software older than 4.0.15 speak only TLS 1.0 and will not connect with the modern profile.")
                      : _("Compatible also accepts TLS 1.0 and 1.1 with RSA key exchange, which old phones need. Choose Modern once every phone runs UC Software 4.0.15 or later."));
  update_plan (self);
}

static void
on_status (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpHttpsPage) self = user_data;
  g_autoptr(JsonNode) status = pp_daemon_status_finish (result, NULL);
  g_autoptr(PpSiteStatus) https = pp_site_status_from_json (status, "https");
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  g_autofree char *text = NULL;

  if (!pp_page_is_alive (PP_PAGE (self)))
    return;
  if (https && https->running)
    text = g_strdup_printf (_("The HTTPS site is running at %s."), https->url ? https->url : "");
  else if (site && pp_server_cert_get_state (site) != PP_SERVER_CERT_INSTALLED)
    text = g_strdup (_("The HTTPS site is not running yet: it starts once a server certificate is installed (step 7)."));
  else if (https && https->error)
    text = g_strdup_printf (_("The HTTPS site is not running: %s"), https->error);
  else
    text = g_strdup (_("The HTTPS site is not running."));
  gtk_label_set_text (GTK_LABEL (self->status_label), text);
}

static void
query_status (PpHttpsPage *self)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  if (site)
    pp_daemon_status_async (pp_site_get_dir (site), NULL, on_status, g_object_ref (self));
}

static void
pp_https_page_site_changed (PpPage *page)
{
  PpHttpsPage *self = PP_HTTPS_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_autofree char *desc = NULL, *addr = NULL, *profile = NULL;

  if (site == NULL || pp_page_get_applying (page))
    return;
  desc = pp_site_get (site, "https.description");
  addr = pp_site_get (site, "https.address");
  profile = pp_site_get (site, "https.profile");
  gtk_entry_set_text (GTK_ENTRY (self->description_entry), desc);
  gtk_entry_set_text (GTK_ENTRY (self->address_entry), addr);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->port_spin), pp_site_get_uint (site, "https.port"));
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->profile_combo), profile);
  gtk_switch_set_active (GTK_SWITCH (self->digest_switch), pp_site_get_bool (site, "https.digest"));
  update_plan (self);
  pp_page_set_complete (page, pp_site_get_bool (site, "https.enabled") &&
                              (self->applied || pp_server_cert_get_state (site) != PP_SERVER_CERT_NONE));
  query_status (self);
}

static void
on_applied (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpHttpsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pp_page_is_alive (PP_PAGE (self)))
    return;
  if (!pp_daemon_reload_if_running_finish (result, &error))
    {
      pp_page_apply_failed (PP_PAGE (self), error);
      return;
    }
  self->applied = TRUE;
  query_status (self);
  pp_page_apply_complete (PP_PAGE (self), TRUE);
}

static void
pp_https_page_apply (PpPage *page, GCancellable *cancellable)
{
  PpHttpsPage *self = PP_HTTPS_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->port_spin)));
  const char *addr = gtk_entry_get_text (GTK_ENTRY (self->address_entry));

  if (!pp_site_set (site, "https.enabled", "true", &error) ||
      !pp_site_set (site, "https.description", gtk_entry_get_text (GTK_ENTRY (self->description_entry)), &error) ||
      !pp_site_set (site, "https.address", *addr ? addr : "*", &error) ||
      !pp_site_set (site, "https.port", port, &error) ||
      !pp_site_set (site, "https.profile", gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo)), &error) ||
      !pp_site_set (site, "https.digest", gtk_switch_get_active (GTK_SWITCH (self->digest_switch)) ? "true" : "false", &error) ||
      !pp_site_save (site, &error))
    {
      pp_page_apply_failed (page, error);
      return;
    }
  pp_daemon_reload_if_running_async (pp_site_get_dir (site), cancellable, on_applied, g_object_ref (self));
}

static void
pp_https_page_class_init (PpHttpsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PpPageClass *page_class = PP_PAGE_CLASS (klass);

  page_class->site_changed = pp_https_page_site_changed;
  page_class->apply = pp_https_page_apply;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/https-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PpHttpsPage, description_entry);
  gtk_widget_class_bind_template_child (widget_class, PpHttpsPage, address_entry);
  gtk_widget_class_bind_template_child (widget_class, PpHttpsPage, port_spin);
  gtk_widget_class_bind_template_child (widget_class, PpHttpsPage, profile_combo);
  gtk_widget_class_bind_template_child (widget_class, PpHttpsPage, digest_switch);
  gtk_widget_class_bind_template_child (widget_class, PpHttpsPage, profile_warning);
  gtk_widget_class_bind_template_child (widget_class, PpHttpsPage, plan_label);
  gtk_widget_class_bind_template_child (widget_class, PpHttpsPage, status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_profile_changed);
}

static void
pp_https_page_init (PpHttpsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->description_entry, "changed", G_CALLBACK (update_plan), self);
  g_signal_connect_swapped (self->address_entry, "changed", G_CALLBACK (update_plan), self);
  g_signal_connect_swapped (self->port_spin, "value-changed", G_CALLBACK (update_plan), self);
  g_signal_connect_swapped (self->digest_switch, "notify::active", G_CALLBACK (update_plan), self);
}
