#include "config.h"
#include "pp-report-button.h"
#include "pp-error.h"
#include "pp-expiry.h"
#include "pp-report.h"
#include "pp-site.h"

#include <glib/gi18n.h>

#define WARNING_KEY "pp-report-expiry-bar"
#define RESULT_KEY "pp-report-result"

static char *
expiry_text (PpSite *site)
{
  g_autoptr(GPtrArray) warnings = site ? pp_expiry_check (site, 0, PP_EXPIRY_WARN_DAYS) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; warnings && i < warnings->len; i++)
    {
      if (text->len)
        g_string_append_c (text, '\n');
      g_string_append (text, ((PpExpiryWarning *) warnings->pdata[i])->message);
    }
  return text->len ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

void
pp_report_warn_expiry (PpPage *page)
{
  g_autofree char *text = expiry_text (pp_page_get_site (page));
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    return;
  error = g_error_new_literal (PP_ERROR, PP_ERROR_FAILED, text);
  pp_page_report_error (page, error);
}

static void
update_warning (PpPage *page)
{
  GtkWidget *bar = g_object_get_data (G_OBJECT (page), WARNING_KEY);
  GtkWidget *label = g_object_get_data (G_OBJECT (bar), "label");
  g_autofree char *text = expiry_text (pp_page_get_site (page));

  gtk_label_set_text (GTK_LABEL (label), text ? text : "");
  gtk_widget_set_visible (bar, text != NULL);
}

static char *
default_name (PpSite *site)
{
  g_autofree char *name = pp_site_get (site, "site.name");
  g_autoptr(GString) s = g_string_new (NULL);

  /* A file name from the site name: letters, digits and dashes only. */
  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isalnum (c))
        g_string_append_unichar (s, g_unichar_tolower (c));
      else if (s->len && s->str[s->len - 1] != '-')
        g_string_append_c (s, '-');
    }
  while (s->len && s->str[s->len - 1] == '-')
    g_string_truncate (s, s->len - 1);
  /* TRANSLATORS: default file name of the site report; %s is the site's name. */
  return g_strdup_printf (_("%s-report.html"), s->len ? s->str : "phoneprov");
}

static void
on_export_clicked (GtkButton *button, PpPage *page)
{
  PpSite *site = pp_page_get_site (page);
  GtkWidget *result = g_object_get_data (G_OBJECT (page), RESULT_KEY);
  g_autoptr(GtkFileChooserNative) chooser = NULL;
  g_autofree char *name = NULL, *path = NULL, *text = NULL;
  g_autoptr(GError) error = NULL;

  if (site == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Site Report"),
                                         GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (page))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  name = default_name (site);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (chooser), TRUE);
  if (gtk_native_dialog_run (GTK_NATIVE_DIALOG (chooser)) != GTK_RESPONSE_ACCEPT)
    return;
  path = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));
  if (path == NULL)
    return;
  if (!pp_report_write (site, path, 0, &error))
    {
      pp_page_report_error (page, error);
      return;
    }
  text = g_strdup_printf (_("Wrote the site report to %s. Open it in a web browser to print it or send it on."), path);
  gtk_label_set_text (GTK_LABEL (result), text);
  gtk_widget_show (result);
}

static void
on_shown (PpPage *page)
{
  update_warning (page);
}

void
pp_report_button_attach (PpPage *page, GtkWidget *actions_box)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("Export _report…"));
  GtkWidget *parent = gtk_widget_get_parent (actions_box);
  GtkWidget *bar = gtk_info_bar_new ();
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *result = gtk_label_new (NULL);

  gtk_widget_set_tooltip_text (button, _("Write one HTML file for this site: addresses, accounts, certificates, trust store, phone steps and troubleshooting"));
  atk_object_set_name (gtk_widget_get_accessible (button), _("Export the site report"));
  g_signal_connect (button, "clicked", G_CALLBACK (on_export_clicked), page);
  gtk_container_add (GTK_CONTAINER (actions_box), button);
  gtk_widget_show (button);

  gtk_label_set_xalign (GTK_LABEL (result), 0.0);
  gtk_label_set_line_wrap (GTK_LABEL (result), TRUE);
  gtk_label_set_selectable (GTK_LABEL (result), TRUE);
  g_object_set_data (G_OBJECT (page), RESULT_KEY, result);

  /* The expiry warning goes right above the export actions. */
  gtk_info_bar_set_message_type (GTK_INFO_BAR (bar), GTK_MESSAGE_WARNING);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_container_add (GTK_CONTAINER (gtk_info_bar_get_content_area (GTK_INFO_BAR (bar))), label);
  gtk_widget_show (label);
  g_object_set_data (G_OBJECT (bar), "label", label);
  gtk_widget_set_no_show_all (bar, TRUE);
  g_object_set_data (G_OBJECT (page), WARNING_KEY, bar);
  if (!GTK_IS_BOX (parent))
    parent = actions_box;
  gtk_container_add (GTK_CONTAINER (parent), result);
  gtk_container_add (GTK_CONTAINER (parent), bar);
  if (parent != actions_box)
    gtk_box_reorder_child (GTK_BOX (parent), bar, 2);
  gtk_widget_set_no_show_all (result, TRUE);
  g_signal_connect (page, "notify::complete", G_CALLBACK (on_shown), NULL);
  g_signal_connect (page, "map", G_CALLBACK (on_shown), NULL);
}
