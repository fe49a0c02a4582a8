#include "config.h"
#include "pp-csr-page.h"
#include "pp-cert-view.h"
#include "pp-pki.h"
#include "pp-site.h"
#include "pp-wizard-util.h"

#include <glib/gi18n.h>
#include <string.h>

struct _PpCsrPage {
  PpPage     parent_instance;
  GtkWidget *friendly_entry;
  GtkWidget *key_combo;
  GtkWidget *ecdsa_check;
  GtkWidget *o_entry;
  GtkWidget *ou_entry;
  GtkWidget *cn_entry;
  GtkWidget *c_entry;
  GtkWidget *st_entry;
  GtkWidget *l_entry;
  GtkWidget *san_view;
  GtkWidget *state_label;
  GtkWidget *pem_view;
  GtkWidget *cert_view;
  gboolean   dirty;      /* the form differs from the stored request */
  gboolean   filling;
};

G_DEFINE_FINAL_TYPE (PpCsrPage, pp_csr_page, PP_TYPE_PAGE)

static void
on_changed (PpCsrPage *self)
{
  if (!self->filling)
    self->dirty = TRUE;
}

static void
set_text (GtkWidget *entry, const char *text)
{
  gtk_entry_set_text (GTK_ENTRY (entry), text ? text : "");
}

static void
show_request (PpCsrPage *self)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  PpServerCertState state = pp_server_cert_get_state (site);
  g_autoptr(GBytes) pem = state != PP_SERVER_CERT_NONE ? pp_server_request_get (site, FALSE, NULL) : NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->pem_view));

  if (pem)
    {
      gsize len = 0;
      const char *text = g_bytes_get_data (pem, &len);
      gtk_text_buffer_set_text (buffer, text, (int) len);
      pp_cert_view_set_data (PP_CERT_VIEW (self->cert_view), pem, NULL);
    }
  else
    {
      gtk_text_buffer_set_text (buffer, "", 0);
      pp_cert_view_set_details (PP_CERT_VIEW (self->cert_view), NULL);
    }
  gtk_label_set_text (GTK_LABEL (self->state_label),
                      state == PP_SERVER_CERT_NONE ? _("No request yet. Press Next to create the key and the request.")
                      : state == PP_SERVER_CERT_PENDING ? _("This request waits for a certificate (next step). Changing the form and pressing Next replaces it.")
                      : _("A certificate for this request is installed. Changing the form and pressing Next makes a new key and request; the installed certificate stays in use until a new one is installed."));
}

/* Fill the form from the stored request, or with this host's defaults. */
static void
fill_form (PpCsrPage *self)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  g_autoptr(GBytes) pem = pp_server_request_get (site, FALSE, NULL);
  g_autoptr(PpCertDetails) details = pem ? pp_cert_details_new_from_bytes (pem, NULL) : NULL;
  g_autofree char *friendly = pp_server_get_friendly_name (site);
  g_auto(GStrv) names = pp_host_names ();
  g_auto(GStrv) addrs = pp_host_addresses ();
  g_autoptr(GString) sans = g_string_new (NULL);
  g_autofree char *hostname = pp_site_get (site, "site.hostname");

  self->filling = TRUE;
  if (friendly == NULL)
    friendly = pp_site_get (site, "https.description");
  set_text (self->friendly_entry, friendly);
  if (details)
    {
      const PpCertSection *s = pp_cert_details_find_section (details, "extension:2.5.29.17");
      set_text (self->o_entry, pp_cert_details_get_subject_part (details, GNUTLS_OID_X520_ORGANIZATION_NAME));
      set_text (self->ou_entry, pp_cert_details_get_subject_part (details, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME));
      set_text (self->cn_entry, pp_cert_details_get_subject_part (details, GNUTLS_OID_X520_COMMON_NAME));
      set_text (self->c_entry, pp_cert_details_get_subject_part (details, GNUTLS_OID_X520_COUNTRY_NAME));
      set_text (self->st_entry, pp_cert_details_get_subject_part (details, GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME));
      set_text (self->l_entry, pp_cert_details_get_subject_part (details, GNUTLS_OID_X520_LOCALITY_NAME));
      for (guint i = 0; s && i < s->fields->len; i++)
        {
          const PpCertField *f = s->fields->pdata[i];
          if (f->kind != PP_CERT_FIELD_LIST || g_strcmp0 (f->key, "names") != 0)
            continue;
          for (guint j = 0; f->list && f->list[j]; j++)
            {
              /* "DNS: name" / "IP: addr" as the details model prints them. */
              const char *v = strchr (f->list[j], ':');
              if (g_str_has_prefix (f->list[j], "DNS: ") || g_str_has_prefix (f->list[j], "IP: "))
                g_string_append_printf (sans, "%s\n", v + 2);
            }
        }
    }
  else
    {
      set_text (self->cn_entry, *hostname ? hostname : names[0]);
      for (guint i = 0; names[i]; i++)
        g_string_append_printf (sans, "%s\n", names[i]);
      for (guint i = 0; addrs[i]; i++)
        g_string_append_printf (sans, "%s\n", addrs[i]);
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->san_view)), sans->str, -1);
  self->filling = FALSE;
  self->dirty = FALSE;
}

static void
pp_csr_page_site_changed (PpPage *page)
{
  PpCsrPage *self = PP_CSR_PAGE (page);
  PpSite *site = pp_page_get_site (page);

  if (site == NULL || pp_page_get_applying (page))
    return;
  if (!self->dirty)
    fill_form (self);
  show_request (self);
  pp_page_set_complete (page, pp_server_cert_get_state (site) != PP_SERVER_CERT_NONE);
}

static void
on_copy_clicked (PpCsrPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->pem_view));
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  gtk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self), GDK_SELECTION_CLIPBOARD), text, -1);
}

static void
on_save_clicked (PpCsrPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pem = pp_server_request_get (pp_page_get_site (PP_PAGE (self)), FALSE, &error);

  if (pem == NULL || !pp_save_bytes (GTK_WIDGET (self), _("Save Certificate Request"), "server.csr", pem, &error))
    pp_page_report_error (PP_PAGE (self), error);
}

static void
on_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpCsrPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = pp_server_request_create_finish (PP_SITE (source), result, &error);

  if (!pp_page_is_alive (PP_PAGE (self)))
    return;
  if (pem == NULL)
    {
      pp_page_apply_failed (PP_PAGE (self), error);
      return;
    }
  self->dirty = FALSE;
  show_request (self);
  pp_page_apply_complete (PP_PAGE (self), TRUE);
}

static char **
san_lines (PpCsrPage *self, gboolean ip)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->san_view));
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  lines = g_strsplit_set (text, "\n,; ", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] && g_hostname_is_ip_address (lines[i]) == ip)
        g_ptr_array_add (out, g_strdup (lines[i]));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

static void
pp_csr_page_apply (PpPage *page, GCancellable *cancellable)
{
  PpCsrPage *self = PP_CSR_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_auto(GStrv) dns = san_lines (self, FALSE);
  g_auto(GStrv) ips = san_lines (self, TRUE);
  g_autoptr(GError) error = NULL;
  PpCsrParams params = { 0 };
  PpKeyType key_type = PP_KEY_TYPE_DEFAULT;
  g_autofree char *cn = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (self->cn_entry))));

  if (!self->dirty && pp_server_cert_get_state (site) != PP_SERVER_CERT_NONE)
    {
      pp_page_apply_complete (page, TRUE);
      return;
    }
  if (!pp_site_set (site, "site.hostname", cn, &error) || !pp_site_save (site, &error))
    {
      pp_page_apply_failed (page, error);
      return;
    }
  pp_key_type_from_string (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->key_combo)), &key_type);
  params.friendly_name = gtk_entry_get_text (GTK_ENTRY (self->friendly_entry));
  params.organization = gtk_entry_get_text (GTK_ENTRY (self->o_entry));
  params.org_unit = gtk_entry_get_text (GTK_ENTRY (self->ou_entry));
  params.common_name = cn;
  params.country = gtk_entry_get_text (GTK_ENTRY (self->c_entry));
  params.state = gtk_entry_get_text (GTK_ENTRY (self->st_entry));
  params.locality = gtk_entry_get_text (GTK_ENTRY (self->l_entry));
  params.san_dns = (const char * const *) dns;
  params.san_ip = (const char * const *) ips;
  params.key_type = key_type;
  params.with_ecdsa = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->ecdsa_check));
  gtk_label_set_text (GTK_LABEL (self->state_label), _("Generating the server key and the request…"));
  pp_server_request_create_async (site, &params, cancellable, on_created, g_object_ref (self));
}

static void
pp_csr_page_class_init (PpCsrPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PpPageClass *page_class = PP_PAGE_CLASS (klass);

  g_type_ensure (PP_TYPE_CERT_VIEW);
  page_class->site_changed = pp_csr_page_site_changed;
  page_class->apply = pp_csr_page_apply;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/csr-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, friendly_entry);
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, key_combo);
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, ecdsa_check);
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, o_entry);
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, ou_entry);
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, cn_entry);
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, c_entry);
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, st_entry);
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, l_entry);
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, san_view);
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, pem_view);
  gtk_widget_class_bind_template_child (widget_class, PpCsrPage, cert_view);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
}

static void
pp_csr_page_init (PpCsrPage *self)
{
  GtkWidget *entries[7];

  gtk_widget_init_template (GTK_WIDGET (self));
  /* GtkBuilder sets active-id before it adds the items. */
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->key_combo), pp_key_type_to_string (PP_KEY_TYPE_DEFAULT));
  entries[0] = self->friendly_entry; entries[1] = self->o_entry; entries[2] = self->ou_entry;
  entries[3] = self->cn_entry; entries[4] = self->c_entry; entries[5] = self->st_entry; entries[6] = self->l_entry;
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    g_signal_connect_swapped (entries[i], "changed", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (self->key_combo, "changed", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (self->ecdsa_check, "toggled", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->san_view)), "changed",
                            G_CALLBACK (on_changed), self);
}
