#include "config.h"
#include "pp-application.h"
#include "pp-window.h"
#include "pp-report-button.h"
#include "pp-screenshots.h"
#include "pp-site.h"

#include <glib/gi18n.h>
#include <stdlib.h>

struct _PpApplication {
  GtkApplication parent_instance;
  char          *site_dir;
  char          *screenshots_dir;
};

G_DEFINE_FINAL_TYPE (PpApplication, pp_application, GTK_TYPE_APPLICATION)

static void
on_about (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *authors[] = { "The phoneprov developers", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (app),
                         "program-name", "phoneprov",
                         "logo-icon-name", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Mutual-TLS provisioning for Polycom phones, step by step"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
on_quit (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));
  for (GList *l = windows; l; l = l->next)
    gtk_widget_destroy (l->data);
}

static const GActionEntry app_actions[] = {
  { "about", on_about },
  { "quit", on_quit },
};

static void
pp_application_startup (GApplication *app)
{
  const char *quit_accels[] = { "<Primary>q", NULL };

  G_APPLICATION_CLASS (pp_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_window_set_default_icon_name (APPLICATION_ID);
}

static char *
choose_site_dir (PpApplication *self)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *last = NULL;

  if (self->site_dir)
    return g_strdup (self->site_dir);
  settings = g_settings_new (APPLICATION_ID);
  last = g_settings_get_string (settings, "last-site");
  if (last && *last)
    return g_steal_pointer (&last);
  return pp_site_default_dir ();
}

static void
pp_application_activate (GApplication *app)
{
  PpApplication *self = PP_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (self->screenshots_dir)
    {
      /* A batch run: its failure must reach the caller's exit status. */
      if (pp_screenshots_run (GTK_APPLICATION (app), self->screenshots_dir) != 0)
        exit (EXIT_FAILURE);
      return;
    }
  if (window == NULL)
    {
      g_autofree char *dir = choose_site_dir (self);
      window = GTK_WINDOW (pp_window_new (GTK_APPLICATION (app), dir));
      /* Expiring certificates are said up front, not only on the summary. */
      pp_report_warn_expiry (pp_window_get_page (PP_WINDOW (window), 0));
    }
  gtk_window_present (window);
}

static int
pp_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  PpApplication *self = PP_APPLICATION (app);
  const char *site = NULL, *shots = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("phoneprov %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "site", "^&ay", &site))
    self->site_dir = g_canonicalize_filename (site, NULL);
  if (g_variant_dict_lookup (options, "screenshots", "^&ay", &shots))
    {
      const char *locale = NULL;
      g_variant_dict_lookup (options, "locale", "&s", &locale);
      self->screenshots_dir = g_canonicalize_filename (shots, NULL);
      pp_screenshots_prepare (locale);
      /* A batch run of its own, beside any open wizard. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }
  return -1;
}

static void
pp_application_finalize (GObject *object)
{
  g_free (PP_APPLICATION (object)->site_dir);
  g_free (PP_APPLICATION (object)->screenshots_dir);
  G_OBJECT_CLASS (pp_application_parent_class)->finalize (object);
}

static void
pp_application_class_init (PpApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = pp_application_finalize;
  app_class->startup = pp_application_startup;
  app_class->activate = pp_application_activate;
  app_class->handle_local_options = pp_application_handle_local_options;
}

static void
pp_application_init (PpApplication *self)
{
  const GOptionEntry entries[] = {
    { "site", 's', 0, G_OPTION_ARG_FILENAME, NULL, N_("Site directory to set up (default: the last one used)"), N_("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
    { "screenshots", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Save screenshots of every step of a demo site to DIR, then quit"), N_("DIR") },
    { "locale", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Language of the screenshots, e.g. de"), N_("LANG") },
    { NULL }
  };
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

PpApplication *
pp_application_new (void)
{
  return g_object_new (PP_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
