#include "config.h"
#include "pp-trust-page.h"
#include "pp-cert-view.h"
#include "pp-daemon.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-site.h"
#include "pp-trust.h"
#include "pp-wizard-util.h"

#include <glib/gi18n.h>

struct _PpTrustPage {
  PpPage     parent_instance;
  GtkWidget *import_entry;
  GtkWidget *summary_label;
  GtkWidget *entries_box;
};

G_DEFINE_FINAL_TYPE (PpTrustPage, pp_trust_page, PP_TYPE_PAGE)

static void refresh (PpTrustPage *self);

static void
on_remove_clicked (GtkButton *button, PpTrustPage *self)
{
  const char *file = g_object_get_data (G_OBJECT (button), "file");
  g_autoptr(GError) error = NULL;

  if (!pp_trust_remove (pp_page_get_site (PP_PAGE (self)), file, &error))
    pp_page_report_error (PP_PAGE (self), error);
  refresh (self);
}

static GtkWidget *
entry_widget (PpTrustPage *self, PpTrustEntry *e)
{
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon, *title, *remove, *badge;
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", e->label ? e->label : e->subject);
  const char *kind = e->kind == PP_TRUST_ANCHOR ? _("root (trust anchor)")
                     : e->kind == PP_TRUST_INTERMEDIATE ? _("intermediate")
                     : e->kind == PP_TRUST_DAMAGED ? _("damaged file") : _("revocation list");

  g_object_set (box, "margin", 10, NULL);
  icon = gtk_image_new_from_icon_name (e->polycom == PP_POLYCOM_GENUINE ? "security-high-symbolic"
                                       : e->warning ? "dialog-warning-symbolic" : "security-medium-symbolic",
                                       GTK_ICON_SIZE_LARGE_TOOLBAR);
  title = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (title), markup);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  badge = gtk_label_new (NULL);
  if (e->polycom == PP_POLYCOM_GENUINE)
    {
      g_autofree char *m = g_markup_printf_escaped ("<span foreground=\"#26a269\"><b>%s</b></span>", _("Genuine Polycom"));
      gtk_label_set_markup (GTK_LABEL (badge), m);
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (badge), kind);
      gtk_style_context_add_class (gtk_widget_get_style_context (badge), "dim-label");
    }
  remove = gtk_button_new_with_mnemonic (_("_Remove"));
  {
    g_autofree char *name = g_strdup_printf (_("Remove %s from the trust store"), e->label ? e->label : e->subject);
    atk_object_set_name (gtk_widget_get_accessible (remove), name);
    gtk_widget_set_tooltip_text (remove, name);
  }
  g_object_set_data_full (G_OBJECT (remove), "file", g_strdup (e->file), g_free);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);
  gtk_container_add (GTK_CONTAINER (top), icon);
  gtk_container_add (GTK_CONTAINER (top), title);
  gtk_container_add (GTK_CONTAINER (top), badge);
  gtk_container_add (GTK_CONTAINER (top), remove);
  gtk_container_add (GTK_CONTAINER (box), top);
  if (e->warning)
    {
      GtkWidget *warning = gtk_label_new (e->warning);
      gtk_label_set_xalign (GTK_LABEL (warning), 0);
      gtk_label_set_line_wrap (GTK_LABEL (warning), TRUE);
      gtk_style_context_add_class (gtk_widget_get_style_context (warning), "error");
      gtk_container_add (GTK_CONTAINER (box), warning);
    }
  if (e->details)
    {
      GtkWidget *expander = gtk_expander_new_with_mnemonic (_("_Details"));
      GtkWidget *view = pp_cert_view_new ();
      g_autofree char *name = g_strdup_printf (_("Details of %s"), e->label ? e->label : e->subject);
      atk_object_set_name (gtk_widget_get_accessible (expander), name);
      pp_cert_view_set_details (PP_CERT_VIEW (view), e->details);
      gtk_container_add (GTK_CONTAINER (expander), view);
      gtk_container_add (GTK_CONTAINER (box), expander);
    }
  gtk_container_add (GTK_CONTAINER (frame), box);
  gtk_widget_show_all (frame);
  return frame;
}

static void
refresh (PpTrustPage *self)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  g_autoptr(GList) old = gtk_container_get_children (GTK_CONTAINER (self->entries_box));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  guint anchors = 0, genuine = 0;

  for (GList *l = old; l; l = l->next)
    gtk_widget_destroy (l->data);
  if (site == NULL)
    return;
  entries = pp_trust_list (site, &error);
  if (entries == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->summary_label), error->message);
      pp_page_set_complete (PP_PAGE (self), FALSE);
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      PpTrustEntry *e = entries->pdata[i];
      anchors += e->kind == PP_TRUST_ANCHOR;
      genuine += e->polycom == PP_POLYCOM_GENUINE;
      gtk_container_add (GTK_CONTAINER (self->entries_box), entry_widget (self, e));
    }
  {
    g_autofree char *text = NULL;
    if (entries->len == 0)
      text = g_strdup (_("The trust store is empty: no phone can connect to the HTTPS site once client certificates are required. Import the Polycom Root CA."));
    else
      text = g_strdup_printf (_("Certificates: %u (roots: %u). Recognised as genuine Polycom: %u. Phones whose device certificate chains to a root here are served."),
                              entries->len, anchors, genuine);
    gtk_label_set_text (GTK_LABEL (self->summary_label), text);
  }
  pp_page_set_complete (PP_PAGE (self), anchors > 0);
}

static void
pp_trust_page_site_changed (PpPage *page)
{
  if (pp_page_get_site (page) && !pp_page_get_applying (page))
    refresh (PP_TRUST_PAGE (page));
}

static void
import_paths (PpTrustPage *self, const char *paths)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  g_auto(GStrv) list = g_strsplit (paths, ";", -1);
  guint n = 0;

  for (guint i = 0; list[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *data = NULL;
      g_autoptr(GPtrArray) added = NULL;
      gsize len = 0;

      g_strstrip (list[i]);
      if (*list[i] == '\0')
        continue;
      if (!pp_file_read (list[i], 1024 * 1024, &data, &len, &error) ||
          (added = pp_trust_add (site, data, len, &error)) == NULL)
        {
          g_autoptr(GError) wrapped = g_error_new (PP_ERROR, PP_ERROR_INVALID, _("%s was not imported: %s"),
                                                   list[i], error->message);
          pp_page_report_error (PP_PAGE (self), wrapped);
          continue;
        }
      n++;
    }
  if (n > 0)
    gtk_entry_set_text (GTK_ENTRY (self->import_entry), "");
  refresh (self);
}

static void
on_import_clicked (PpTrustPage *self)
{
  g_autofree char *paths = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->import_entry)));
  if (*paths == '\0')
    {
      g_autoptr(GError) error = g_error_new_literal (PP_ERROR, PP_ERROR_NOT_FOUND,
                                                     _("Choose the certificate files you downloaded from pki.polycom.com first (Browse…)."));
      pp_page_report_error (PP_PAGE (self), error);
      return;
    }
  import_paths (self, paths);
}

static void
on_browse_clicked (PpTrustPage *self)
{
  g_autoptr(GtkFileChooserNative) chooser =
    gtk_file_chooser_native_new (_("Import CA Certificates"), GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self))),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  g_autoptr(GString) paths = g_string_new (NULL);
  GSList *files;

  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  if (gtk_native_dialog_run (GTK_NATIVE_DIALOG (chooser)) != GTK_RESPONSE_ACCEPT)
    return;
  files = gtk_file_chooser_get_filenames (GTK_FILE_CHOOSER (chooser));
  for (GSList *l = files; l; l = l->next)
    g_string_append_printf (paths, "%s%s", paths->len ? ";" : "", (char *) l->data);
  g_slist_free_full (files, g_free);
  gtk_entry_set_text (GTK_ENTRY (self->import_entry), paths->str);
}

static void
on_drag_data_received (GtkWidget *widget, GdkDragContext *context, int x, int y,
                       GtkSelectionData *data, guint info, guint time, PpTrustPage *self)
{
  g_auto(GStrv) uris = gtk_selection_data_get_uris (data);
  g_autoptr(GString) paths = g_string_new (NULL);

  for (guint i = 0; uris && uris[i]; i++)
    {
      g_autofree char *path = g_filename_from_uri (uris[i], NULL, NULL);
      if (path)
        g_string_append_printf (paths, "%s%s", paths->len ? ";" : "", path);
    }
  gtk_drag_finish (context, paths->len > 0, FALSE, time);
  if (paths->len)
    import_paths (self, paths->str);
}

static void
on_reloaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpTrustPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pp_page_is_alive (PP_PAGE (self)))
    return;
  if (!pp_daemon_reload_if_running_finish (result, &error))
    pp_page_apply_failed (PP_PAGE (self), error);
  else
    pp_page_apply_complete (PP_PAGE (self), TRUE);
}

static void
pp_trust_page_apply (PpPage *page, GCancellable *cancellable)
{
  PpTrustPage *self = PP_TRUST_PAGE (page);
  const char *pending = gtk_entry_get_text (GTK_ENTRY (self->import_entry));

  /* Files chosen but not imported yet: Next imports them too. */
  if (*pending)
    {
      g_autofree char *paths = g_strdup (pending);
      import_paths (self, paths);
    }
  if (!pp_page_get_complete (page))
    {
      g_autoptr(GError) error = g_error_new_literal (PP_ERROR, PP_ERROR_NOT_FOUND,
                                                     _("Import at least the Polycom Root CA certificate: without a root in the trust store, no phone can connect once client certificates are required."));
      pp_page_apply_failed (page, error);
      return;
    }
  pp_daemon_reload_if_running_async (pp_site_get_dir (pp_page_get_site (page)), cancellable,
                                     on_reloaded, g_object_ref (self));
}

static void
pp_trust_page_class_init (PpTrustPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PpPageClass *page_class = PP_PAGE_CLASS (klass);

  page_class->site_changed = pp_trust_page_site_changed;
  page_class->apply = pp_trust_page_apply;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/trust-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PpTrustPage, import_entry);
  gtk_widget_class_bind_template_child (widget_class, PpTrustPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, PpTrustPage, entries_box);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_browse_clicked);
}

static void
pp_trust_page_init (PpTrustPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drag_dest_set (GTK_WIDGET (self), GTK_DEST_DEFAULT_ALL, NULL, 0, GDK_ACTION_COPY);
  gtk_drag_dest_add_uri_targets (GTK_WIDGET (self));
  g_signal_connect (self, "drag-data-received", G_CALLBACK (on_drag_data_received), self);
}
