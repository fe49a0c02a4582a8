#include "config.h"
#include "pp-boot-page.h"
#include "pp-boot-import.h"
#include "pp-daemon.h"
#include "pp-fileutil.h"
#include "pp-htdigest.h"
#include "pp-phone-account.h"
#include "pp-site.h"

#include <glib/gi18n.h>

struct _PpBootPage {
  PpPage        parent_instance;
  GtkWidget    *dir_entry;
  GtkWidget    *import_entry;
  GtkWidget    *import_button;
  GtkWidget    *import_cancel_button;
  GtkWidget    *replace_check;
  GtkWidget    *import_progress;
  GtkWidget    *import_label;
  GtkWidget    *user_entry;
  GtkWidget    *password_entry;
  GtkWidget    *files_label;
  GtkListStore *files_store;
  GCancellable *import_cancellable;
};

G_DEFINE_FINAL_TYPE (PpBootPage, pp_boot_page, PP_TYPE_PAGE)

enum { COL_NAME, COL_SIZE, COL_MODE, COL_BYTES };

static void
refresh_files (PpBootPage *self)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  guint64 total = 0;

  gtk_list_store_clear (self->files_store);
  if (site == NULL)
    return;
  dir = pp_site_get_boot_dir (site);
  files = pp_boot_list (dir, &error);
  if (files == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->files_label), error->message);
      return;
    }
  for (guint i = 0; i < files->len; i++)
    {
      PpBootFile *f = files->pdata[i];
      g_autofree char *size = g_format_size (f->size);
      g_autofree char *mode = pp_boot_mode_string (f->mode);
      gtk_list_store_insert_with_values (self->files_store, NULL, -1,
                                         COL_NAME, f->name, COL_SIZE, size, COL_MODE, mode,
                                         COL_BYTES, (gint64) f->size, -1);
      total += f->size;
    }
  {
    g_autofree char *size = g_format_size (total);
    g_autofree char *text = NULL;
    if (files->len == 0)
      text = g_strdup_printf (_("%s is empty. Import the phone's boot files above, or copy them there."), dir);
    else
      text = g_strdup_printf (ngettext ("%u file, %s, in %s. Phones read them; the daemon's user owns the folder.",
                                        "%u files, %s, in %s. Phones read them; the daemon's user owns the folder.",
                                        files->len), files->len, size, dir);
    gtk_label_set_text (GTK_LABEL (self->files_label), text);
  }
}

static void
update_complete (PpBootPage *self)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  g_autofree char *dir = site ? pp_site_get_boot_dir (site) : NULL;
  gboolean has_account = site && pp_phone_account_load (site, NULL, NULL, NULL);
  pp_page_set_complete (PP_PAGE (self), dir && g_file_test (dir, G_FILE_TEST_IS_DIR) && has_account);
}

static void
pp_boot_page_site_changed (PpPage *page)
{
  PpBootPage *self = PP_BOOT_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_autofree char *dir = NULL, *user = NULL, *password = NULL;

  if (site == NULL || pp_page_get_applying (page))
    return;
  dir = pp_site_get_boot_dir (site);
  gtk_entry_set_text (GTK_ENTRY (self->dir_entry), dir);
  if (pp_phone_account_load (site, &user, &password, NULL))
    {
      gtk_entry_set_text (GTK_ENTRY (self->user_entry), user);
      gtk_entry_set_text (GTK_ENTRY (self->password_entry), password);
    }
  else if (*gtk_entry_get_text (GTK_ENTRY (self->password_entry)) == '\0')
    {
      g_autofree char *generated = pp_password_generate (16);
      gtk_entry_set_text (GTK_ENTRY (self->password_entry), generated);
    }
  refresh_files (self);
  update_complete (self);
}

static void
on_generate_clicked (PpBootPage *self)
{
  g_autofree char *generated = pp_password_generate (16);
  gtk_entry_set_text (GTK_ENTRY (self->password_entry), generated);
}

static char *
choose (PpBootPage *self, GtkFileChooserAction action, const char *title, gboolean archives)
{
  g_autoptr(GtkFileChooserNative) chooser =
    gtk_file_chooser_native_new (title, GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self))),
                                 action, _("_Select"), _("_Cancel"));
  if (archives)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("UC Software release (.zip, .tar.gz)"));
      gtk_file_filter_add_pattern (filter, "*.zip");
      gtk_file_filter_add_pattern (filter, "*.tar.gz");
      gtk_file_filter_add_pattern (filter, "*.tgz");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  if (gtk_native_dialog_run (GTK_NATIVE_DIALOG (chooser)) != GTK_RESPONSE_ACCEPT)
    return NULL;
  return gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));
}

static void
on_dir_choose_clicked (PpBootPage *self)
{
  g_autofree char *path = choose (self, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("Boot Directory"), FALSE);
  if (path)
    gtk_entry_set_text (GTK_ENTRY (self->dir_entry), path);
}

static void
on_import_choose_clicked (PpBootPage *self)
{
  /* A release is usually the .zip; an unpacked folder is picked with the
   * folder button of the same dialog. */
  g_autofree char *path = choose (self, GTK_FILE_CHOOSER_ACTION_OPEN, _("Import Boot Files"), TRUE);
  if (path)
    gtk_entry_set_text (GTK_ENTRY (self->import_entry), path);
}

static void
set_importing (PpBootPage *self, gboolean importing)
{
  gtk_widget_set_sensitive (self->import_button, !importing);
  gtk_widget_set_sensitive (self->import_cancel_button, importing);
  gtk_widget_set_visible (self->import_progress, importing);
}

static void
on_import_progress (double fraction, gpointer user_data)
{
  PpBootPage *self = user_data;
  g_autofree char *text = NULL;

  if (!pp_page_is_alive (PP_PAGE (self)))
    return;
  text = g_strdup_printf (_("Importing… %d %%"), (int) (fraction * 100));
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->import_progress), fraction);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->import_progress), text);
}

static void
on_import_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpBootPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBootImportResult) r = pp_boot_import_finish (result, &error);
  g_autoptr(GString) text = g_string_new (NULL);

  if (!pp_page_is_alive (PP_PAGE (self)))
    return;
  set_importing (self, FALSE);
  g_clear_object (&self->import_cancellable);
  refresh_files (self);
  if (r == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->import_label),
                          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                          ? _("Import cancelled. Files imported so far are complete; run the import again to finish.")
                          : error->message);
      pp_page_report_error (PP_PAGE (self), error);
      return;
    }
  g_string_append_printf (text, ngettext ("Imported %u file.", "Imported %u files.", r->n_imported), r->n_imported);
  if (r->version)
    g_string_append_printf (text, " ");
  if (r->version)
    g_string_append_printf (text, _("UC Software version %s (from sip.ver)."), r->version);
  if (r->n_skipped)
    {
      g_autofree char *names = g_strjoinv (", ", r->skipped);
      g_string_append_printf (text, " ");
      g_string_append_printf (text, ngettext ("Kept your own %u configuration file: %s. Tick “Replace” and import again to overwrite it.",
                                              "Kept your own %u configuration files: %s. Tick “Replace” and import again to overwrite them.",
                                              r->n_skipped), r->n_skipped, names);
    }
  gtk_label_set_text (GTK_LABEL (self->import_label), text->str);
}

static void
start_import (PpBootPage *self, const char *source)
{
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  const char *dir = gtk_entry_get_text (GTK_ENTRY (self->dir_entry));

  if (site == NULL || self->import_cancellable)
    return;
  if (source == NULL || *source == '\0')
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                     _("Choose the folder or .zip with the boot files first (Browse…), then press Import."));
      pp_page_report_error (PP_PAGE (self), error);
      return;
    }
  self->import_cancellable = g_cancellable_new ();
  set_importing (self, TRUE);
  on_import_progress (0.0, self);
  gtk_label_set_text (GTK_LABEL (self->import_label), "");
  pp_boot_import_async (*dir ? dir : pp_site_get_dir (site), source,
                        gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->replace_check)),
                        on_import_progress, self, self->import_cancellable,
                        on_import_done, g_object_ref (self));
}

static void
on_import_clicked (PpBootPage *self)
{
  start_import (self, gtk_entry_get_text (GTK_ENTRY (self->import_entry)));
}

static void
on_import_cancel_clicked (PpBootPage *self)
{
  g_cancellable_cancel (self->import_cancellable);
}

static void
on_drag_data_received (GtkWidget *widget, GdkDragContext *context, int x, int y,
                       GtkSelectionData *data, guint info, guint time, PpBootPage *self)
{
  g_auto(GStrv) uris = gtk_selection_data_get_uris (data);
  g_autofree char *path = NULL;

  if (uris && uris[0])
    path = g_filename_from_uri (uris[0], NULL, NULL);
  gtk_drag_finish (context, path != NULL, FALSE, time);
  if (path)
    {
      gtk_entry_set_text (GTK_ENTRY (self->import_entry), path);
      start_import (self, path);
    }
}

static void
on_reloaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpBootPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pp_page_is_alive (PP_PAGE (self)))
    return;
  if (!pp_daemon_reload_if_running_finish (result, &error))
    {
      pp_page_apply_failed (PP_PAGE (self), error);
      return;
    }
  pp_page_apply_complete (PP_PAGE (self), TRUE);
}

static void
pp_boot_page_apply (PpPage *page, GCancellable *cancellable)
{
  PpBootPage *self = PP_BOOT_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_autofree char *default_dir = pp_site_path (site, "boot");
  g_autofree char *dir = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (self->dir_entry))));
  g_autoptr(GError) error = NULL;

  if (*dir == '\0' || !g_path_is_absolute (dir))
    {
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The boot directory must be a full path such as %s. Choose a folder."), default_dir);
      pp_page_apply_failed (page, error);
      return;
    }
  if (!pp_site_set (site, "boot.dir", g_str_equal (dir, default_dir) ? "boot" : dir, &error) ||
      !pp_mkdir (dir, 0755, &error) ||
      !pp_site_save (site, &error) ||
      !pp_phone_account_save (site, gtk_entry_get_text (GTK_ENTRY (self->user_entry)),
                              gtk_entry_get_text (GTK_ENTRY (self->password_entry)), &error))
    {
      pp_page_apply_failed (page, error);
      return;
    }
  refresh_files (self);
  pp_daemon_reload_if_running_async (pp_site_get_dir (site), cancellable, on_reloaded, g_object_ref (self));
}

static void
pp_boot_page_dispose (GObject *object)
{
  PpBootPage *self = PP_BOOT_PAGE (object);
  g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  G_OBJECT_CLASS (pp_boot_page_parent_class)->dispose (object);
}

static void
pp_boot_page_class_init (PpBootPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PpPageClass *page_class = PP_PAGE_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pp_boot_page_dispose;
  page_class->site_changed = pp_boot_page_site_changed;
  page_class->apply = pp_boot_page_apply;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/boot-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PpBootPage, dir_entry);
  gtk_widget_class_bind_template_child (widget_class, PpBootPage, import_entry);
  gtk_widget_class_bind_template_child (widget_class, PpBootPage, import_button);
  gtk_widget_class_bind_template_child (widget_class, PpBootPage, import_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, PpBootPage, replace_check);
  gtk_widget_class_bind_template_child (widget_class, PpBootPage, import_progress);
  gtk_widget_class_bind_template_child (widget_class, PpBootPage, import_label);
  gtk_widget_class_bind_template_child (widget_class, PpBootPage, user_entry);
  gtk_widget_class_bind_template_child (widget_class, PpBootPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, PpBootPage, files_label);
  gtk_widget_class_bind_template_child (widget_class, PpBootPage, files_store);
  gtk_widget_class_bind_template_callback (widget_class, on_generate_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_dir_choose_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_import_choose_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_import_cancel_clicked);
}

static void
pp_boot_page_init (PpBootPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drag_dest_set (GTK_WIDGET (self), GTK_DEST_DEFAULT_ALL, NULL, 0, GDK_ACTION_COPY);
  gtk_drag_dest_add_uri_targets (GTK_WIDGET (self));
  g_signal_connect (self, "drag-data-received", G_CALLBACK (on_drag_data_received), self);
}
