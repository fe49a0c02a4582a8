#include "config.h"
#include "pp-summary-page.h"
#include "pp-bundle-actions.h"
#include "pp-daemon.h"
#include "pp-phone-account.h"
#include "pp-phone-trust-page.h"
#include "pp-pki.h"
#include "pp-report-button.h"
#include "pp-site.h"
#include "pp-trust.h"

#include <glib/gi18n.h>

struct _PpSummaryPage {
  PpPage     parent_instance;
  GtkWidget *where_grid;
  GtkWidget *actions_box;
  int        rows;
  GtkWidget *http_value;    /* filled in when the daemon answers */
  GtkWidget *https_value;
};

G_DEFINE_FINAL_TYPE (PpSummaryPage, pp_summary_page, PP_TYPE_PAGE)

GtkWidget *
pp_summary_page_get_actions_box (PpSummaryPage *self)
{
  return self->actions_box;
}

static GtkWidget *
add_row (PpSummaryPage *self, const char *what, const char *where)
{
  GtkWidget *label = gtk_label_new (what);
  GtkWidget *value = gtk_label_new (where && *where ? where : "—");

  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_label_set_yalign (GTK_LABEL (label), 0.0);
  gtk_style_context_add_class (gtk_widget_get_style_context (label), "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value), 0.0);
  gtk_label_set_selectable (GTK_LABEL (value), TRUE);
  gtk_label_set_line_wrap (GTK_LABEL (value), TRUE);
  gtk_label_set_line_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (value, TRUE);
  atk_object_set_name (gtk_widget_get_accessible (value), what);
  gtk_grid_attach (GTK_GRID (self->where_grid), label, 0, self->rows, 1, 1);
  gtk_grid_attach (GTK_GRID (self->where_grid), value, 1, self->rows, 1, 1);
  gtk_widget_show (label);
  gtk_widget_show (value);
  self->rows++;
  return value;
}

static void
add_path (PpSummaryPage *self, const char *what, PpSite *site, const char *rel)
{
  g_autofree char *path = pp_site_path (site, rel);
  add_row (self, what, g_file_test (path, G_FILE_TEST_EXISTS) ? path : NULL);
}

static void
on_status (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpSummaryPage) self = user_data;
  g_autoptr(JsonNode) status = pp_daemon_status_finish (result, NULL);
  g_autoptr(PpSiteStatus) http = pp_site_status_from_json (status, "http");
  g_autoptr(PpSiteStatus) https = pp_site_status_from_json (status, "https");
  g_autofree char *h = http ? (http->running ? g_strdup (http->url) : g_strdup (_("not running"))) : g_strdup (_("server not running"));
  g_autofree char *s = https ? (https->running ? g_strdup (https->url) : g_strdup (_("not running"))) : g_strdup (_("server not running"));

  if (!pp_page_is_alive (PP_PAGE (self)))
    return;
  /* The rows exist from the start, so the page keeps its size. */
  if (self->http_value)
    gtk_label_set_text (GTK_LABEL (self->http_value), h);
  if (self->https_value)
    gtk_label_set_text (GTK_LABEL (self->https_value), s);
}

static void
pp_summary_page_shown (PpPage *page)
{
  PpSummaryPage *self = PP_SUMMARY_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_autoptr(GList) old = gtk_container_get_children (GTK_CONTAINER (self->where_grid));
  g_autofree char *boot = NULL, *user = NULL, *addr = NULL;

  for (GList *l = old; l; l = l->next)
    gtk_widget_destroy (l->data);
  self->rows = 0;
  self->http_value = self->https_value = NULL;
  if (site == NULL)
    return;
  boot = pp_site_get_boot_dir (site);
  addr = pp_site_phone_address (site, FALSE);
  add_row (self, _("Site folder"), pp_site_get_dir (site));
  add_path (self, _("Settings"), site, "site.conf");
  add_row (self, _("Boot directory"), boot);
  add_row (self, _("Server address for phones"), addr);
  if (pp_phone_account_load (site, &user, NULL, NULL))
    add_row (self, _("Phone account"), user);
  add_path (self, _("Phone accounts (htdigest)"), site, "auth/htdigest");
  add_path (self, _("Local CA certificate"), site, "pki/ca/ca.crt");
  add_path (self, _("Server certificate"), site, "pki/server/server.crt");
  add_path (self, _("Server chain"), site, "pki/server/chain.pem");
  add_path (self, _("Trust store (phones)"), site, "pki/trust");
  add_path (self, _("Logs"), site, "logs");
  self->http_value = add_row (self, _("HTTP site (bootROM)"), _("asking the server…"));
  self->https_value = add_row (self, _("HTTPS site (application)"), _("asking the server…"));
  pp_daemon_status_async (pp_site_get_dir (site), NULL, on_status, g_object_ref (self));
}

static void
pp_summary_page_site_changed (PpPage *page)
{
  PpSite *site = pp_page_get_site (page);
  g_autofree char *mode = site ? pp_site_get (site, "https.client-certs") : NULL;

  g_autoptr(GPtrArray) trust = site ? pp_trust_list (site, NULL) : NULL;
  gboolean anchors = FALSE;

  for (guint i = 0; trust && i < trust->len; i++)
    anchors |= ((PpTrustEntry *) trust->pdata[i])->kind == PP_TRUST_ANCHOR;
  /* Done once the site runs mutual TLS: certificate, trust, enforcement. */
  pp_page_set_complete (page, site && pp_server_cert_get_state (site) == PP_SERVER_CERT_INSTALLED &&
                              g_strcmp0 (mode, "required") == 0 && anchors);
  if (gtk_widget_get_mapped (GTK_WIDGET (page)))
    pp_summary_page_shown (page);
}

static void
on_open_clicked (PpSummaryPage *self)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  g_autofree char *uri = site ? g_filename_to_uri (pp_site_get_dir (site), NULL, NULL) : NULL;
  g_autoptr(GError) error = NULL;

  if (uri && !gtk_show_uri_on_window (GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self))), uri,
                                      GDK_CURRENT_TIME, &error))
    pp_page_report_error (PP_PAGE (self), error);
}

static void
pp_summary_page_class_init (PpSummaryPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PpPageClass *page_class = PP_PAGE_CLASS (klass);

  page_class->shown = pp_summary_page_shown;
  page_class->site_changed = pp_summary_page_site_changed;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/summary-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PpSummaryPage, where_grid);
  gtk_widget_class_bind_template_child (widget_class, PpSummaryPage, actions_box);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked);
}

static void
pp_summary_page_init (PpSummaryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pp_report_button_attach (PP_PAGE (self), self->actions_box);
  pp_bundle_actions_attach (PP_PAGE (self), self->actions_box);
}
