#include "config.h"
#include "pp-http-page.h"
#include "pp-checks.h"
#include "pp-daemon.h"
#include "pp-live-check.h"
#include "pp-phone-account.h"
#include "pp-site.h"

#include <glib/gi18n.h>

struct _PpHttpPage {
  PpPage        parent_instance;
  GtkWidget    *description_entry;
  GtkWidget    *address_entry;
  GtkWidget    *port_spin;
  GtkWidget    *realm_entry;
  GtkWidget    *digest_switch;
  GtkWidget    *uploads_entry;
  GtkWidget    *check_list;
  GtkWidget    *url_label;
  GCancellable *status_cancellable;
};

G_DEFINE_FINAL_TYPE (PpHttpPage, pp_http_page, PP_TYPE_PAGE)

static void
on_status (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpHttpPage) self = user_data;
  g_autoptr(JsonNode) status = pp_daemon_status_finish (result, NULL);
  g_autoptr(PpSiteStatus) http = pp_site_status_from_json (status, "http");

  if (!pp_page_is_alive (PP_PAGE (self)))
    return;
  if (pp_page_get_applying (PP_PAGE (self)))
    return;
  pp_page_set_complete (PP_PAGE (self), http && http->enabled && http->running);
  if (http && http->running && http->url)
    {
      g_autofree char *text = g_strdup_printf (_("The HTTP site is running at %s."), http->url);
      gtk_label_set_text (GTK_LABEL (self->url_label), text);
    }
}

static void
pp_http_page_site_changed (PpPage *page)
{
  PpHttpPage *self = PP_HTTP_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_autofree char *desc = NULL, *addr = NULL, *realm = NULL, *uploads = NULL;

  if (site == NULL || pp_page_get_applying (page))
    return;
  desc = pp_site_get (site, "http.description");
  addr = pp_site_get (site, "http.address");
  realm = pp_site_get (site, "http.realm");
  uploads = pp_site_get (site, "boot.upload-patterns");
  gtk_entry_set_text (GTK_ENTRY (self->description_entry), desc);
  gtk_entry_set_text (GTK_ENTRY (self->address_entry), addr);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->port_spin), pp_site_get_uint (site, "http.port"));
  gtk_entry_set_text (GTK_ENTRY (self->realm_entry), realm);
  gtk_switch_set_active (GTK_SWITCH (self->digest_switch), pp_site_get_bool (site, "http.digest"));
  gtk_entry_set_text (GTK_ENTRY (self->uploads_entry), uploads);

  g_cancellable_cancel (self->status_cancellable);
  g_clear_object (&self->status_cancellable);
  self->status_cancellable = g_cancellable_new ();
  pp_daemon_status_async (pp_site_get_dir (site), self->status_cancellable, on_status, g_object_ref (self));
}

static void
on_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpHttpPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = pp_http_check_finish (result, &error);

  if (pp_live_check_show (PP_PAGE (self), GTK_LIST_BOX (self->check_list), results, error,
                          _("The HTTP site is running but the live check failed; see the results below for what to change.")))
    pp_page_apply_complete (PP_PAGE (self), TRUE);
}

static void
on_applied (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpHttpPage) self = user_data;
  g_autoptr(PpLiveTarget) target = pp_live_target_from_apply (PP_PAGE (self), result, "http");
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL, *password = NULL, *text = NULL;

  if (target == NULL)
    return;
  text = g_strdup_printf (_("The HTTP site is running at %s."),
                          target->status->url ? target->status->url : target->base_url);
  gtk_label_set_text (GTK_LABEL (self->url_label), text);
  if (!pp_phone_account_load (pp_page_get_site (PP_PAGE (self)), &user, &password, &error))
    {
      pp_page_apply_failed (PP_PAGE (self), error);
      return;
    }
  pp_http_check_async (target->base_url, target->check_file, user, password, NULL, on_checked, g_object_ref (self));
}

static void
pp_http_page_apply (PpPage *page, GCancellable *cancellable)
{
  PpHttpPage *self = PP_HTTP_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->port_spin)));
  g_autofree char *user = NULL, *password = NULL;
  const char *addr = gtk_entry_get_text (GTK_ENTRY (self->address_entry));

  if (!pp_phone_account_load (site, &user, &password, NULL))
    {
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                   _("The phone account is not set yet. Go back to the Boot directory step and press Next there first."));
      pp_page_apply_failed (page, error);
      return;
    }
  if (!pp_site_set (site, "http.enabled", "true", &error) ||
      !pp_site_set (site, "http.description", gtk_entry_get_text (GTK_ENTRY (self->description_entry)), &error) ||
      !pp_site_set (site, "http.address", *addr ? addr : "*", &error) ||
      !pp_site_set (site, "http.port", port, &error) ||
      !pp_site_set (site, "http.realm", gtk_entry_get_text (GTK_ENTRY (self->realm_entry)), &error) ||
      !pp_site_set (site, "http.digest", gtk_switch_get_active (GTK_SWITCH (self->digest_switch)) ? "true" : "false", &error) ||
      !pp_site_set (site, "boot.upload-patterns", gtk_entry_get_text (GTK_ENTRY (self->uploads_entry)), &error) ||
      !pp_site_save (site, &error) ||
      /* The digest entry is bound to the realm. */
      !pp_phone_account_save (site, user, password, &error))
    {
      pp_page_apply_failed (page, error);
      return;
    }
  pp_check_list_show (GTK_LIST_BOX (self->check_list), NULL);
  pp_daemon_apply_async (pp_site_get_dir (site), cancellable, on_applied, g_object_ref (self));
}

static void
pp_http_page_dispose (GObject *object)
{
  PpHttpPage *self = PP_HTTP_PAGE (object);
  g_cancellable_cancel (self->status_cancellable);
  g_clear_object (&self->status_cancellable);
  G_OBJECT_CLASS (pp_http_page_parent_class)->dispose (object);
}

static void
pp_http_page_class_init (PpHttpPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PpPageClass *page_class = PP_PAGE_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pp_http_page_dispose;
  page_class->site_changed = pp_http_page_site_changed;
  page_class->apply = pp_http_page_apply;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/http-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PpHttpPage, description_entry);
  gtk_widget_class_bind_template_child (widget_class, PpHttpPage, address_entry);
  gtk_widget_class_bind_template_child (widget_class, PpHttpPage, port_spin);
  gtk_widget_class_bind_template_child (widget_class, PpHttpPage, realm_entry);
  gtk_widget_class_bind_template_child (widget_class, PpHttpPage, digest_switch);
  gtk_widget_class_bind_template_child (widget_class, PpHttpPage, uploads_entry);
  gtk_widget_class_bind_template_child (widget_class, PpHttpPage, check_list);
  gtk_widget_class_bind_template_child (widget_class, PpHttpPage, url_label);
}

static void
pp_http_page_init (PpHttpPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
