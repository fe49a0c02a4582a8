#include "config.h"
#include "pp-issue-page.h"
#include "pp-cert-io.h"
#include "pp-cert-view.h"
#include "pp-daemon.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-pki.h"
#include "pp-site.h"
#include "pp-wizard-util.h"

#include <glib/gi18n.h>

struct _PpIssuePage {
  PpPage     parent_instance;
  GtkWidget *state_label;
  GtkWidget *local_box;
  GtkWidget *ca_pass_grid;
  GtkWidget *ca_pass_entry;
  GtkWidget *outside_box;
  GtkWidget *import_entry;
  GtkWidget *cert_view;
  GtkWidget *sum_issued_to;
  GtkWidget *sum_issued_by;
  GtkWidget *sum_expiration_date;
  GtkWidget *sum_intended_purpose;
  GtkWidget *sum_friendly_name;
  GtkWidget *sum_country_region;
  GtkWidget *sum_state_province;
  GtkWidget *sum_city;
  GtkWidget *sum_organization;
  GtkWidget *sum_organizational_unit;
  GtkWidget *ca_pem_button;
  GtkWidget *ca_der_button;
  GtkWidget *chain_button;
  GtkWidget *crl_button;
};

G_DEFINE_FINAL_TYPE (PpIssuePage, pp_issue_page, PP_TYPE_PAGE)

static void
set_label (GtkWidget *label, const char *text)
{
  gtk_label_set_text (GTK_LABEL (label), text && *text ? text : "—");
}

static void
show_certificate (PpIssuePage *self)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  g_autoptr(GBytes) pem = NULL;
  g_autoptr(PpCertDetails) d = NULL;
  g_autofree char *friendly = NULL;
  gboolean has_ca = pp_ca_exists (site);

  gtk_widget_set_sensitive (self->ca_pem_button, has_ca);
  gtk_widget_set_sensitive (self->ca_der_button, has_ca);
  gtk_widget_set_sensitive (self->crl_button, has_ca);
  if (pp_server_cert_get_state (site) == PP_SERVER_CERT_INSTALLED)
    pem = pp_pki_export (site, PP_PKI_OBJECT_SERVER, PP_EXPORT_PEM, NULL, PP_PKCS12_MODERN, NULL);
  gtk_widget_set_sensitive (self->chain_button, pem != NULL);
  d = pem ? pp_cert_details_new_from_bytes (pem, NULL) : NULL;
  pp_cert_view_set_details (PP_CERT_VIEW (self->cert_view), d);
  if (d == NULL)
    {
      GtkWidget *all[] = { self->sum_issued_to, self->sum_issued_by, self->sum_expiration_date,
                           self->sum_intended_purpose, self->sum_friendly_name, self->sum_country_region,
                           self->sum_state_province, self->sum_city, self->sum_organization,
                           self->sum_organizational_unit };
      for (guint i = 0; i < G_N_ELEMENTS (all); i++)
        set_label (all[i], NULL);
      return;
    }
  friendly = pp_server_get_friendly_name (site);
  set_label (self->sum_issued_to, pp_cert_details_get_identity (d));
  set_label (self->sum_issued_by, pp_cert_details_get_verified_by (d));
  {
    GDateTime *expires = pp_cert_details_get_expires (d);
    g_autofree char *text = expires ? g_date_time_format (expires, "%Y-%m-%d") : NULL;
    set_label (self->sum_expiration_date, text);
  }
  {
    const char * const *purposes = pp_cert_details_get_purposes (d);
    g_autofree char *text = purposes ? g_strjoinv (", ", (char **) purposes) : NULL;
    set_label (self->sum_intended_purpose, text);
  }
  set_label (self->sum_friendly_name, friendly);
  set_label (self->sum_country_region, pp_cert_details_get_subject_part (d, GNUTLS_OID_X520_COUNTRY_NAME));
  set_label (self->sum_state_province, pp_cert_details_get_subject_part (d, GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME));
  set_label (self->sum_city, pp_cert_details_get_subject_part (d, GNUTLS_OID_X520_LOCALITY_NAME));
  set_label (self->sum_organization, pp_cert_details_get_subject_part (d, GNUTLS_OID_X520_ORGANIZATION_NAME));
  set_label (self->sum_organizational_unit, pp_cert_details_get_subject_part (d, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME));
}

static void
pp_issue_page_site_changed (PpPage *page)
{
  PpIssuePage *self = PP_ISSUE_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  PpServerCertState state;
  gboolean local;

  if (site == NULL || pp_page_get_applying (page))
    return;
  state = pp_server_cert_get_state (site);
  local = pp_ca_exists (site);
  gtk_widget_set_visible (self->local_box, local && state == PP_SERVER_CERT_PENDING);
  gtk_widget_set_visible (self->ca_pass_grid, local && pp_ca_key_is_encrypted (site));
  gtk_widget_set_visible (self->outside_box, !local && state == PP_SERVER_CERT_PENDING);
  if (state == PP_SERVER_CERT_PENDING && !local)
    {
      /* Remembered across restarts: the request is in pki/server/. */
      g_autofree char *csr = pp_site_path (site, "pki/server/server.csr");
      g_autoptr(GFile) file = g_file_new_for_path (csr);
      g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, G_FILE_QUERY_INFO_NONE, NULL, NULL);
      g_autoptr(GDateTime) made = info ? g_file_info_get_modification_date_time (info) : NULL;
      g_autoptr(GDateTime) local_made = made ? g_date_time_to_local (made) : NULL;
      g_autofree char *when = local_made ? g_date_time_format (local_made, "%Y-%m-%d %H:%M") : g_strdup ("?");
      g_autofree char *text = g_strdup_printf (_("The request made on %s is pending: it waits for the certificate your CA issues."), when);
      gtk_label_set_text (GTK_LABEL (self->state_label), text);
    }
  else
    gtk_label_set_text (GTK_LABEL (self->state_label),
                        state == PP_SERVER_CERT_NONE ? _("There is no certificate request yet. Create one on the previous step.")
                        : state == PP_SERVER_CERT_PENDING ? _("A request is pending. Press Next to sign it with the local CA and install the certificate.")
                        : _("The server certificate is installed in the HTTPS site."));
  show_certificate (self);
  pp_page_set_complete (page, state == PP_SERVER_CERT_INSTALLED);
}

static void
on_started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpIssuePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) status = pp_daemon_apply_finish (result, &error);
  g_autoptr(PpSiteStatus) https = NULL;

  if (!pp_page_is_alive (PP_PAGE (self)))
    return;
  show_certificate (self);
  if (status == NULL)
    {
      pp_page_apply_failed (PP_PAGE (self), error);
      return;
    }
  https = pp_site_status_from_json (status, "https");
  if (https == NULL || !https->running)
    {
      error = g_error_new (PP_ERROR, PP_ERROR_FAILED,
                           _("The certificate is installed but the HTTPS site did not start: %s"),
                           https && https->error ? https->error : _("the server gave no reason. Check the port on the HTTPS site step."));
      pp_page_apply_failed (PP_PAGE (self), error);
      return;
    }
  {
    g_autofree char *text = g_strdup_printf (_("The server certificate is installed and the HTTPS site is running at %s."),
                                             https->url ? https->url : "");
    gtk_label_set_text (GTK_LABEL (self->state_label), text);
  }
  pp_page_apply_complete (PP_PAGE (self), TRUE);
}

static void
start_https (PpIssuePage *self, GCancellable *cancellable)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  pp_daemon_apply_async (pp_site_get_dir (site), cancellable, on_started, g_object_ref (self));
}

static void
on_signed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpIssuePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pp_page_is_alive (PP_PAGE (self)))
    return;
  if (!pp_ca_sign_pending_finish (PP_SITE (source), result, &error))
    {
      pp_page_apply_failed (PP_PAGE (self), error);
      return;
    }
  gtk_entry_set_text (GTK_ENTRY (self->ca_pass_entry), "");
  show_certificate (self);
  start_https (self, NULL);
}

static void
pp_issue_page_apply (PpPage *page, GCancellable *cancellable)
{
  PpIssuePage *self = PP_ISSUE_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  PpServerCertState state = pp_server_cert_get_state (site);
  g_autoptr(GError) error = NULL;

  if (state == PP_SERVER_CERT_NONE)
    {
      error = g_error_new_literal (PP_ERROR, PP_ERROR_NOT_FOUND,
                                   _("There is no certificate request to issue. Go back to “Server certificate request” and press Next there."));
      pp_page_apply_failed (page, error);
      return;
    }
  if (state == PP_SERVER_CERT_PENDING && pp_ca_exists (site))
    {
      gtk_label_set_text (GTK_LABEL (self->state_label), _("Signing with the Web Server template…"));
      pp_ca_sign_pending_async (site, 0, gtk_entry_get_text (GTK_ENTRY (self->ca_pass_entry)),
                                cancellable, on_signed, g_object_ref (self));
      return;
    }
  if (state == PP_SERVER_CERT_PENDING)
    {
      const char *path = gtk_entry_get_text (GTK_ENTRY (self->import_entry));
      g_autofree char *data = NULL;
      gsize len = 0;

      if (*path == '\0')
        {
          error = g_error_new_literal (PP_ERROR, PP_ERROR_NOT_FOUND,
                                       _("Import the certificate your CA issued for this request first (Browse…). The request stays pending until then, also if you close the wizard."));
          pp_page_apply_failed (page, error);
          return;
        }
      /* A certificate file is small: reading it here does not stall. */
      if (!pp_file_read (path, 1024 * 1024, &data, &len, &error) ||
          !pp_server_cert_install (site, data, len, &error))
        {
          pp_page_apply_failed (page, error);
          return;
        }
      show_certificate (self);
    }
  start_https (self, cancellable);
}

static void
save_object (PpIssuePage *self, PpPkiObject object, PpExportFormat format, const char *title, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = pp_pki_export (pp_page_get_site (PP_PAGE (self)), object, format, NULL, PP_PKCS12_MODERN, &error);

  if (data == NULL || !pp_save_bytes (GTK_WIDGET (self), title, name, data, &error))
    pp_page_report_error (PP_PAGE (self), error);
}

static void on_ca_pem_clicked (PpIssuePage *self) { save_object (self, PP_PKI_OBJECT_CA, PP_EXPORT_PEM, _("Save CA Certificate"), "ca.crt"); }
static void on_ca_der_clicked (PpIssuePage *self) { save_object (self, PP_PKI_OBJECT_CA, PP_EXPORT_DER, _("Save CA Certificate"), "ca.cer"); }
static void on_chain_clicked (PpIssuePage *self) { save_object (self, PP_PKI_OBJECT_CHAIN, PP_EXPORT_PKCS7, _("Save Certificate Chain"), "chain.p7b"); }
static void on_crl_clicked (PpIssuePage *self) { save_object (self, PP_PKI_OBJECT_CRL, PP_EXPORT_PEM, _("Save Revocation List"), "crl.pem"); }

static void
on_browse_clicked (PpIssuePage *self)
{
  g_autofree char *path = pp_choose_file (GTK_WIDGET (self), _("Import the Issued Certificate"));
  if (path)
    gtk_entry_set_text (GTK_ENTRY (self->import_entry), path);
}

static void
on_file_dropped (gpointer user_data, const char *path)
{
  PpIssuePage *self = user_data;
  gtk_entry_set_text (GTK_ENTRY (self->import_entry), path);
}

static void
pp_issue_page_class_init (PpIssuePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PpPageClass *page_class = PP_PAGE_CLASS (klass);

  g_type_ensure (PP_TYPE_CERT_VIEW);
  page_class->site_changed = pp_issue_page_site_changed;
  page_class->apply = pp_issue_page_apply;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/issue-page.ui");
#define BIND(x) gtk_widget_class_bind_template_child (widget_class, PpIssuePage, x)
  BIND (state_label); BIND (local_box); BIND (ca_pass_grid); BIND (ca_pass_entry);
  BIND (outside_box); BIND (import_entry); BIND (cert_view);
  BIND (sum_issued_to); BIND (sum_issued_by); BIND (sum_expiration_date); BIND (sum_intended_purpose);
  BIND (sum_friendly_name); BIND (sum_country_region); BIND (sum_state_province); BIND (sum_city);
  BIND (sum_organization); BIND (sum_organizational_unit);
  BIND (ca_pem_button); BIND (ca_der_button); BIND (chain_button); BIND (crl_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_browse_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_ca_pem_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_ca_der_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_chain_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_crl_clicked);
}

static void
pp_issue_page_init (PpIssuePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pp_accept_file_drops (GTK_WIDGET (self), on_file_dropped, self);
}
