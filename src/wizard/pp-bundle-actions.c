#include "config.h"
#include "pp-bundle-actions.h"
#include "pp-bundle.h"
#include "pp-engine-config.h"
#include "pp-site.h"
#include "pp-wizard-context.h"
#include "pp-wizard-util.h"

#include <glib/gi18n.h>
#include <string.h>

#define ACTIONS_KEY "pp-bundle-actions"

typedef struct {
  PpPage       *page;       /* weak: the actions live as long as it */
  GtkWidget    *buttons[3];
  GtkWidget    *cancel;
  GtkWidget    *progress;
  GtkWidget    *result;
  GCancellable *cancellable;
  char         *import_dir;
} Actions;

static void
actions_free (gpointer data)
{
  Actions *a = data;
  if (a->cancellable)
    g_cancellable_cancel (a->cancellable);
  g_clear_object (&a->cancellable);
  g_free (a->import_dir);
  g_free (a);
}

static GtkWindow *
toplevel (Actions *a)
{
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (a->page));
  return GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL;
}

static void
set_busy (Actions *a, gboolean busy)
{
  for (guint i = 0; i < G_N_ELEMENTS (a->buttons); i++)
    gtk_widget_set_sensitive (a->buttons[i], !busy);
  gtk_widget_set_visible (a->cancel, busy);
  gtk_widget_set_visible (a->progress, busy);
  if (busy)
    {
      g_clear_object (&a->cancellable);
      a->cancellable = g_cancellable_new ();
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (a->progress), 0.0);
      gtk_label_set_text (GTK_LABEL (a->result), "");
    }
}

static void
show_result (Actions *a, const char *text, gboolean error)
{
  GtkStyleContext *sc = gtk_widget_get_style_context (a->result);
  gtk_label_set_text (GTK_LABEL (a->result), text);
  if (error)
    gtk_style_context_add_class (sc, "error");
  else
    gtk_style_context_remove_class (sc, "error");
  gtk_widget_show (a->result);
}

static void
on_progress (double fraction, const char *what, gpointer user_data)
{
  Actions *a = user_data;
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (a->progress), CLAMP (fraction, 0.0, 1.0));
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (a->progress), what);
}

/* Passphrase for the keys: NULL when cancelled, "" for "without keys". */
static char *
ask_passphrase (Actions *a, gboolean confirm)
{
  GtkWidget *dialog = gtk_dialog_new_with_buttons (confirm ? _("Protect the private keys") : _("Open the private keys"),
                                                   toplevel (a), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                                   _("_Cancel"), GTK_RESPONSE_CANCEL, _("_Continue"), GTK_RESPONSE_OK, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *intro = gtk_label_new (confirm
    ? _("The server and CA keys travel only inside PKCS#12 files protected by this passphrase. "
        "You will need it to import the bundle.")
    : _("Give the passphrase the bundle was exported with."));
  GtkWidget *entry = gtk_entry_new (), *again = gtk_entry_new ();
  GtkWidget *without = gtk_check_button_new_with_mnemonic (confirm ? _("_Leave the private keys out")
                                                                   : _("_Import without the private keys"));
  char *result = NULL;

  gtk_label_set_line_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (intro), 50);
  gtk_label_set_xalign (GTK_LABEL (intro), 0.0);
  gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
  gtk_entry_set_visibility (GTK_ENTRY (again), FALSE);
  gtk_entry_set_activates_default (GTK_ENTRY (again), TRUE);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), !confirm);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Passphrase"));
  gtk_entry_set_placeholder_text (GTK_ENTRY (again), _("Passphrase again"));
  atk_object_set_name (gtk_widget_get_accessible (entry), _("Passphrase"));
  atk_object_set_name (gtk_widget_get_accessible (again), _("Passphrase again"));
  gtk_container_set_border_width (GTK_CONTAINER (box), 12);
  gtk_box_pack_start (GTK_BOX (box), intro, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), entry, FALSE, FALSE, 0);
  if (confirm)
    gtk_box_pack_start (GTK_BOX (box), again, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), without, FALSE, FALSE, 0);
  g_object_bind_property (without, "active", entry, "sensitive", G_BINDING_INVERT_BOOLEAN);
  g_object_bind_property (without, "active", again, "sensitive", G_BINDING_INVERT_BOOLEAN);
  gtk_container_add (GTK_CONTAINER (gtk_dialog_get_content_area (GTK_DIALOG (dialog))), box);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  gtk_widget_show_all (dialog);
  if (!confirm)
    gtk_widget_hide (again);

  while (gtk_dialog_run (GTK_DIALOG (dialog)) == GTK_RESPONSE_OK)
    {
      const char *p = gtk_entry_get_text (GTK_ENTRY (entry));
      if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (without)))
        {
          result = g_strdup ("");
          break;
        }
      if (*p == '\0')
        {
          gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("A passphrase is needed (or leave the keys out)"));
          continue;
        }
      if (confirm && g_strcmp0 (p, gtk_entry_get_text (GTK_ENTRY (again))) != 0)
        {
          gtk_entry_set_text (GTK_ENTRY (again), "");
          gtk_entry_set_placeholder_text (GTK_ENTRY (again), _("The two passphrases differ; type it again"));
          continue;
        }
      result = g_strdup (p);
      break;
    }
  gtk_widget_destroy (dialog);
  return result;
}

static char *
choose_path (Actions *a, GtkFileChooserAction action, const char *title, const char *accept, const char *name)
{
  g_autoptr(GtkFileChooserNative) chooser = gtk_file_chooser_native_new (title, toplevel (a), action, accept, _("_Cancel"));

  if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
    {
      gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (chooser), TRUE);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  if (gtk_native_dialog_run (GTK_NATIVE_DIALOG (chooser)) != GTK_RESPONSE_ACCEPT)
    return NULL;
  return gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));
}

/* ---- Export bundle… ------------------------------------------------------ */

static void
on_exported (GObject *source, GAsyncResult *res, gpointer user_data)
{
  /* The page was kept alive for this callback, so its actions are too. */
  g_autoptr(PpPage) page = user_data;
  Actions *a = g_object_get_data (G_OBJECT (page), ACTIONS_KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBundleExportResult) r = pp_bundle_export_finish (res, &error);
  g_autoptr(GString) text = g_string_new (NULL);

  set_busy (a, FALSE);
  if (r == NULL)
    {
      show_result (a, error->message, TRUE);
      return;
    }
  g_string_printf (text, g_dngettext (GETTEXT_PACKAGE, "Bundle written: %u files, %u private key as PKCS#12.",
                                      "Bundle written: %u files, %u private keys as PKCS#12.", r->n_keys),
                   r->n_members, r->n_keys);
  for (guint i = 0; r->skipped && r->skipped[i]; i++)
    g_string_append_printf (text, "\n• %s", r->skipped[i]);
  show_result (a, text->str, FALSE);
}

static void
on_export_bundle (GtkButton *button, Actions *a)
{
  PpSite *site = pp_page_get_site (a->page);
  g_autofree char *name = NULL, *suggest = NULL, *file = NULL, *pass = NULL;

  if (site == NULL)
    return;
  name = pp_site_get (site, "site.name");
  g_strdelimit (name, "/\\: ", '-');
  suggest = g_strdup_printf ("%s.tar.gz", name);
  file = choose_path (a, GTK_FILE_CHOOSER_ACTION_SAVE, _("Export bundle"), _("_Export"), suggest);
  if (file == NULL)
    return;
  pass = ask_passphrase (a, TRUE);
  if (pass == NULL)
    return;
  pp_bundle_actions_export_bundle (a->page, file, pass);
  memset (pass, 0, strlen (pass));
}

void
pp_bundle_actions_export_bundle (PpPage *page, const char *file, const char *passphrase)
{
  Actions *a = g_object_get_data (G_OBJECT (page), ACTIONS_KEY);
  PpSite *site = pp_page_get_site (page);

  g_return_if_fail (a != NULL && site != NULL);
  set_busy (a, TRUE);
  pp_bundle_export_async (site, file, passphrase && *passphrase ? passphrase : NULL, on_progress, a,
                          a->cancellable, on_exported, g_object_ref (page));
}

/* ---- Import bundle… ------------------------------------------------------ */

static void
on_imported (GObject *source, GAsyncResult *res, gpointer user_data)
{
  /* The page was kept alive for this callback, so its actions are too. */
  g_autoptr(PpPage) page = user_data;
  Actions *a = g_object_get_data (G_OBJECT (page), ACTIONS_KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBundleImportResult) r = pp_bundle_import_finish (res, &error);
  g_autofree char *text = NULL;
  PpWizardContext *ctx = pp_page_get_context (a->page);

  set_busy (a, FALSE);
  if (r == NULL)
    {
      show_result (a, error->message, TRUE);
      return;
    }
  text = g_strdup_printf (_("Imported “%s” (exported %s) into %s, with %u private keys. "
                            "The wizard now shows this site; start its server from the HTTP site page "
                            "or with phoneprovd --site %s."),
                          r->site_name, r->created, r->site_dir, r->n_keys, r->site_dir);
  show_result (a, text, FALSE);
  if (ctx && !pp_wizard_context_open_site (ctx, r->site_dir, &error))
    show_result (a, error->message, TRUE);
}

static void
on_import_bundle (GtkButton *button, Actions *a)
{
  g_autofree char *file = pp_choose_file (GTK_WIDGET (a->page), _("Import bundle"));
  g_autofree char *dir = NULL, *pass = NULL;

  if (file == NULL)
    return;
  dir = choose_path (a, GTK_FILE_CHOOSER_ACTION_SAVE, _("New folder for the imported site"),
                     _("_Import"), "imported-site");
  if (dir == NULL)
    return;
  pass = ask_passphrase (a, FALSE);
  if (pass == NULL)
    return;
  pp_bundle_actions_import_bundle (a->page, file, dir, pass);
  memset (pass, 0, strlen (pass));
}

void
pp_bundle_actions_import_bundle (PpPage *page, const char *file, const char *dir, const char *passphrase)
{
  Actions *a = g_object_get_data (G_OBJECT (page), ACTIONS_KEY);
  PpBundleImportOptions opts = { 0 };

  g_return_if_fail (a != NULL);
  opts.passphrase = passphrase && *passphrase ? passphrase : NULL;
  opts.without_keys = opts.passphrase == NULL;
  set_busy (a, TRUE);
  pp_bundle_import_async (file, dir, &opts, on_progress, a, a->cancellable, on_imported, g_object_ref (page));
}

/* ---- Export Apache/nginx configuration… ------------------------------- */

static void
on_export_engines (GtkButton *button, Actions *a)
{
  g_autofree char *dir = NULL;

  if (pp_page_get_site (a->page) == NULL)
    return;
  dir = choose_path (a, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("Folder for the Apache and nginx configurations"),
                     _("_Export"), NULL);
  if (dir != NULL)
    pp_bundle_actions_export_engines (a->page, dir);
}

void
pp_bundle_actions_export_engines (PpPage *page, const char *dir)
{
  static const PpEngine engines[] = { PP_ENGINE_APACHE, PP_ENGINE_NGINX };
  Actions *a = g_object_get_data (G_OBJECT (page), ACTIONS_KEY);
  PpSite *site = pp_page_get_site (page);
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean any_error = FALSE;

  g_return_if_fail (a != NULL && site != NULL);
  for (guint e = 0; e < G_N_ELEMENTS (engines); e++)
    {
      const char *name = pp_engine_to_string (engines[e]);
      g_autofree char *out = g_build_filename (dir, name, NULL);
      PpEngineOptions opts = { pp_site_get_dir (site), out, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) files = pp_engine_config_generate (site, engines[e], &opts, &error);

      if (e > 0)
        g_string_append_c (text, '\n');
      if (files == NULL || !pp_engine_config_write (files, out, &error))
        {
          any_error = TRUE;
          g_string_append_printf (text, engines[e] == PP_ENGINE_APACHE ? _("Apache: %s") : _("nginx: %s"),
                                  error->message);
          continue;
        }
      if (engines[e] == PP_ENGINE_APACHE)
        g_string_append_printf (text, _("Apache (both sites): apache2 -f %s/httpd.conf -DFOREGROUND"), out);
      else
        g_string_append_printf (text, _("nginx (HTTPS site): nginx -c %s/nginx.conf -g 'daemon off;'"), out);
    }
  show_result (a, text->str, any_error);
}

static void
on_cancel (GtkButton *button, Actions *a)
{
  g_cancellable_cancel (a->cancellable);
}

static GtkWidget *
add_button (GtkWidget *box, const char *label, const char *description, GCallback cb, Actions *a)
{
  GtkWidget *b = gtk_button_new_with_mnemonic (label);
  atk_object_set_name (gtk_widget_get_accessible (b), description);
  g_signal_connect (b, "clicked", cb, a);
  gtk_container_add (GTK_CONTAINER (box), b);
  /* Each as wide as its label, not as the longest one. */
  gtk_button_box_set_child_non_homogeneous (GTK_BUTTON_BOX (box), b, TRUE);
  gtk_widget_show (b);
  return b;
}

void
pp_bundle_actions_attach (PpPage *page, GtkWidget *export_box)
{
  Actions *a = g_new0 (Actions, 1);
  GtkWidget *parent = gtk_widget_get_parent (export_box);
  /* A row of its own below the page's export buttons: one row of five
   * would widen the window past 1024 pixels. */
  GtkWidget *actions_box = gtk_button_box_new (GTK_ORIENTATION_HORIZONTAL);

  gtk_button_box_set_layout (GTK_BUTTON_BOX (actions_box), GTK_BUTTONBOX_START);
  gtk_box_set_spacing (GTK_BOX (actions_box), 6);
  atk_object_set_name (gtk_widget_get_accessible (actions_box), _("Bundle actions"));
  gtk_widget_show (actions_box);
  a->page = page;
  a->buttons[0] = add_button (actions_box, _("Export _bundle…"),
                              _("Export the site as a bundle for another machine"), G_CALLBACK (on_export_bundle), a);
  a->buttons[1] = add_button (actions_box, _("_Import bundle…"),
                              _("Import a bundle into a new site folder"), G_CALLBACK (on_import_bundle), a);
  a->buttons[2] = add_button (actions_box, _("Export _Apache/nginx configuration…"),
                              _("Write Apache and nginx configurations for this site"), G_CALLBACK (on_export_engines), a);
  a->cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_signal_connect (a->cancel, "clicked", G_CALLBACK (on_cancel), a);
  gtk_container_add (GTK_CONTAINER (actions_box), a->cancel);

  a->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (a->progress), TRUE);
  gtk_progress_bar_set_ellipsize (GTK_PROGRESS_BAR (a->progress), PANGO_ELLIPSIZE_MIDDLE);
  a->result = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (a->result), 0.0);
  gtk_label_set_line_wrap (GTK_LABEL (a->result), TRUE);
  gtk_label_set_selectable (GTK_LABEL (a->result), TRUE);
  atk_object_set_name (gtk_widget_get_accessible (a->result), _("Export result"));
  if (GTK_IS_BOX (parent))
    {
      gtk_box_pack_start (GTK_BOX (parent), actions_box, FALSE, FALSE, 0);
      gtk_box_pack_start (GTK_BOX (parent), a->progress, FALSE, FALSE, 0);
      gtk_box_pack_start (GTK_BOX (parent), a->result, FALSE, FALSE, 0);
    }
  gtk_widget_show (a->result);
  g_object_set_data_full (G_OBJECT (page), ACTIONS_KEY, a, actions_free);
}

const char *
pp_bundle_actions_get_result (PpPage *page, gboolean *is_error)
{
  Actions *a = g_object_get_data (G_OBJECT (page), ACTIONS_KEY);

  g_return_val_if_fail (a != NULL, NULL);
  if (is_error)
    *is_error = gtk_style_context_has_class (gtk_widget_get_style_context (a->result), "error");
  return gtk_label_get_text (GTK_LABEL (a->result));
}

gboolean
pp_bundle_actions_is_busy (PpPage *page)
{
  Actions *a = g_object_get_data (G_OBJECT (page), ACTIONS_KEY);
  return a != NULL && gtk_widget_get_visible (a->progress);
}
