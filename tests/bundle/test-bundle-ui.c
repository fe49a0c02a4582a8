/* The Summary page's bundle actions on a real page under Xvfb: export a
 * bundle, Apache/nginx configurations, import (good and hostile), with the
 * progress bar and the result line (issue 6). The file dialogs are the
 * toolkit's; the test starts right after them. */
#include "config.h"
#include "bundle-test-util.h"
#include "pp-bundle-actions.h"
#include "pp-summary-page.h"
#include "pp-wizard-context.h"

#include <gtk/gtk.h>
#include <string.h>

static PpWizardContext *context;
static PpPage *page;

static gboolean
idle (gpointer data)
{
  return !pp_bundle_actions_is_busy (page);
}

/* Iterate the main loop until the running action finished (bounded). */
static void
wait_done (void)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!idle (NULL) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (idle (NULL));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static GtkWidget *
find_by_name (GtkWidget *w, const char *name)
{
  const char *n = atk_object_get_name (gtk_widget_get_accessible (w));
  if (n && g_str_equal (n, name))
    return w;
  if (GTK_IS_CONTAINER (w))
    {
      g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (w));
      for (GList *l = children; l; l = l->next)
        {
          GtkWidget *found = find_by_name (l->data, name);
          if (found)
            return found;
        }
    }
  return NULL;
}

static void
test_buttons (void)
{
  const char *names[] = { "Export the site as a bundle for another machine", "Import a bundle into a new site folder",
                          "Write Apache and nginx configurations for this site" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkWidget *b = find_by_name (GTK_WIDGET (page), names[i]);
      g_assert_nonnull (b);
      g_assert_true (GTK_IS_BUTTON (b));
      g_assert_true (gtk_widget_get_visible (b) && gtk_widget_is_sensitive (b));
    }
}

static void
test_export_engines (void)
{
  g_autofree char *dir = g_build_filename (base, "ui-engines", NULL);
  g_autofree char *httpd = g_build_filename (dir, "apache", "httpd.conf", NULL);
  g_autofree char *nginx = g_build_filename (dir, "nginx", "nginx.conf", NULL);
  gboolean is_error = TRUE;
  const char *result;

  pp_bundle_actions_export_engines (page, dir);
  result = pp_bundle_actions_get_result (page, &is_error);
  g_test_message ("%s", result);
  g_assert_false (is_error);
  g_assert_nonnull (strstr (result, "apache2 -f"));
  g_assert_true (g_file_test (httpd, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (nginx, G_FILE_TEST_IS_REGULAR));
}

static void
test_export_then_import (void)
{
  g_autofree char *file = g_build_filename (base, "ui.tar.gz", NULL);
  g_autofree char *dir = g_build_filename (base, "ui-imported", NULL);
  gboolean is_error = TRUE;
  const char *result;

  pp_bundle_actions_export_bundle (page, file, PASS);
  g_assert_true (pp_bundle_actions_is_busy (page));
  wait_done ();
  result = pp_bundle_actions_get_result (page, &is_error);
  g_test_message ("%s", result);
  g_assert_false (is_error);
  g_assert_nonnull (strstr (result, "2 private keys as PKCS#12"));
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));

  pp_bundle_actions_import_bundle (page, file, dir, PASS);
  wait_done ();
  result = pp_bundle_actions_get_result (page, &is_error);
  g_test_message ("%s", result);
  g_assert_false (is_error);
  g_assert_nonnull (strstr (result, "with 2 private keys"));
  /* The wizard now shows the imported site. */
  g_assert_cmpstr (pp_wizard_context_get_site_dir (context), ==, dir);
}

static void
test_import_hostile (void)
{
  g_autofree char *data = NULL, *bad = g_build_filename (base, "ui-truncated.tar.gz", NULL);
  g_autofree char *dir = g_build_filename (base, "ui-never", NULL);
  g_autofree char *before = g_strdup (pp_wizard_context_get_site_dir (context));
  gsize len = 0;
  gboolean is_error = FALSE;
  const char *result;

  g_assert_true (g_file_get_contents (good, &data, &len, NULL));
  g_assert_true (g_file_set_contents (bad, data, (gssize) (len / 2), NULL));
  pp_bundle_actions_import_bundle (page, bad, dir, PASS);
  wait_done ();
  result = pp_bundle_actions_get_result (page, &is_error);
  g_test_message ("%s", result);
  g_assert_true (is_error);
  g_assert_nonnull (strstr (result, "damaged or incomplete"));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (pp_wizard_context_get_site_dir (context), ==, before);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *window;

  bundle_test_init (&argc, &argv);
  gtk_init (NULL, NULL);
  context = pp_wizard_context_new ();
  g_assert_true (pp_wizard_context_open_site (context, site_dir, &error));
  g_assert_no_error (error);
  page = g_object_new (PP_TYPE_SUMMARY_PAGE, NULL);
  pp_page_set_context (page, context);
  window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  gtk_container_add (GTK_CONTAINER (window), GTK_WIDGET (page));
  gtk_widget_show_all (window);

  g_test_add_func ("/bundle/ui/buttons", test_buttons);
  g_test_add_func ("/bundle/ui/export-engines", test_export_engines);
  g_test_add_func ("/bundle/ui/export-then-import", test_export_then_import);
  g_test_add_func ("/bundle/ui/import-hostile", test_import_hostile);
  return bundle_test_run ();
}
