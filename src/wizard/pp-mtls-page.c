#include "config.h"
#include "pp-mtls-page.h"
#include "pp-checks.h"
#include "pp-daemon.h"
#include "pp-error.h"
#include "pp-live-check.h"
#include "pp-selftest.h"
#include "pp-pki.h"
#include "pp-site.h"
#include "pp-trust.h"

#include <glib/gi18n.h>

struct _PpMtlsPage {
  PpPage     parent_instance;
  GtkWidget *mode_combo;
  GtkWidget *crl_switch;
  GtkWidget *bind_switch;
  GtkWidget *expired_switch;
  GtkWidget *expired_warning;
  GtkWidget *check_list;
  GtkWidget *result_label;
  gboolean   passed;
};

G_DEFINE_FINAL_TYPE (PpMtlsPage, pp_mtls_page, PP_TYPE_PAGE)

static gboolean
pp_trust_has_anchor (PpSite *site)
{
  g_autoptr(GPtrArray) entries = pp_trust_list (site, NULL);
  for (guint i = 0; entries && i < entries->len; i++)
    if (((PpTrustEntry *) entries->pdata[i])->kind == PP_TRUST_ANCHOR)
      return TRUE;
  return FALSE;
}

static void
on_expired_toggled (PpMtlsPage *self)
{
  gtk_label_set_text (GTK_LABEL (self->expired_warning),
                      gtk_switch_get_active (GTK_SWITCH (self->expired_switch))
                      ? _("Expired device certificates from the pinned Polycom hierarchy will be accepted and every such connection is logged. Only use this for phones whose factory certificate has run out.")
                      : "");
}

static void
pp_mtls_page_site_changed (PpPage *page)
{
  PpMtlsPage *self = PP_MTLS_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_autofree char *mode = NULL;

  if (site == NULL || pp_page_get_applying (page))
    return;
  mode = pp_site_get (site, "https.client-certs");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->mode_combo), mode);
  gtk_switch_set_active (GTK_SWITCH (self->crl_switch), pp_site_get_bool (site, "https.check-crl"));
  gtk_switch_set_active (GTK_SWITCH (self->bind_switch), pp_site_get_bool (site, "https.bind-mac"));
  gtk_switch_set_active (GTK_SWITCH (self->expired_switch), pp_site_get_bool (site, "https.accept-expired-polycom"));
  on_expired_toggled (self);
  /* Done once the self-test passed in this session; a reopened site shows
   * done when mutual TLS is required (run the self-test again to see it). */
  pp_page_set_complete (page, self->passed ||
                              (g_strcmp0 (mode, "required") == 0 &&
                               pp_server_cert_get_state (site) == PP_SERVER_CERT_INSTALLED &&
                               pp_trust_has_anchor (site)));
}

static void
on_tested (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpMtlsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = pp_selftest_run_finish (result, &error);

  if (!pp_live_check_show (PP_PAGE (self), GTK_LIST_BOX (self->check_list), results, error,
                           _("The self-test failed: the HTTPS site does not enforce client certificates as it should. See the results below.")))
    {
      /* A failed check leaves no verdict; a test that could not run keeps
       * its "Running…" line beside the reason. */
      if (results && pp_page_is_alive (PP_PAGE (self)))
        gtk_label_set_text (GTK_LABEL (self->result_label), "");
      return;
    }
  self->passed = TRUE;
  gtk_label_set_markup (GTK_LABEL (self->result_label),
                        _("<b>Mutual TLS works. Reboot the phone now:</b> the bootROM will use HTTP with digest authentication, and the application mutual TLS. Watch it on the next page."));
  pp_page_apply_complete (PP_PAGE (self), TRUE);
}

static void
on_restarted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpMtlsPage) self = user_data;
  g_autoptr(PpLiveTarget) target = pp_live_target_from_apply (PP_PAGE (self), result, "https");

  if (target == NULL)
    return;
  gtk_label_set_text (GTK_LABEL (self->result_label), _("Running the self-test…"));
  pp_selftest_run_async (pp_page_get_site (PP_PAGE (self)), target->base_url, target->check_file,
                         NULL, on_tested, g_object_ref (self));
}

static void
pp_mtls_page_apply (PpPage *page, GCancellable *cancellable)
{
  PpMtlsPage *self = PP_MTLS_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_autoptr(GError) error = NULL;

  if (!pp_site_set (site, "https.client-certs", gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->mode_combo)), &error) ||
      !pp_site_set (site, "https.check-crl", gtk_switch_get_active (GTK_SWITCH (self->crl_switch)) ? "true" : "false", &error) ||
      !pp_site_set (site, "https.bind-mac", gtk_switch_get_active (GTK_SWITCH (self->bind_switch)) ? "true" : "false", &error) ||
      !pp_site_set (site, "https.accept-expired-polycom", gtk_switch_get_active (GTK_SWITCH (self->expired_switch)) ? "true" : "false", &error) ||
      !pp_site_save (site, &error))
    {
      pp_page_apply_failed (page, error);
      return;
    }
  self->passed = FALSE;
  pp_check_list_show (GTK_LIST_BOX (self->check_list), NULL);
  pp_daemon_apply_async (pp_site_get_dir (site), cancellable, on_restarted, g_object_ref (self));
}

static void
pp_mtls_page_class_init (PpMtlsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PpPageClass *page_class = PP_PAGE_CLASS (klass);

  page_class->site_changed = pp_mtls_page_site_changed;
  page_class->apply = pp_mtls_page_apply;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/mtls-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PpMtlsPage, mode_combo);
  gtk_widget_class_bind_template_child (widget_class, PpMtlsPage, crl_switch);
  gtk_widget_class_bind_template_child (widget_class, PpMtlsPage, bind_switch);
  gtk_widget_class_bind_template_child (widget_class, PpMtlsPage, expired_switch);
  gtk_widget_class_bind_template_child (widget_class, PpMtlsPage, expired_warning);
  gtk_widget_class_bind_template_child (widget_class, PpMtlsPage, check_list);
  gtk_widget_class_bind_template_child (widget_class, PpMtlsPage, result_label);
  gtk_widget_class_bind_template_callback (widget_class, on_expired_toggled);
}

static void
pp_mtls_page_init (PpMtlsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
