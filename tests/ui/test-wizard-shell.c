/* Opens the real wizard window under Xvfb and walks every step. */
#include "config.h"
#include "pp-application.h"
#include "pp-window.h"
#include "pp-pages.h"

#include <gtk/gtk.h>

static char *site_dir;

static void
flush (void)
{
  while (gtk_events_pending ())
    gtk_main_iteration ();
}

static void
test_steps_present_and_navigable (void)
{
  PpWindow *win = pp_window_new (NULL, site_dir);
  guint n_info, n;
  (void) pp_pages_get (&n_info);
  static const char *expected[] = {
    "overview", "boot", "http", "https", "ca", "csr", "issue",
    "phone-trust", "trust", "mtls", "monitor", "summary",
  };
  g_autoptr(GList) rows = NULL;

  gtk_widget_show (GTK_WIDGET (win));
  flush ();
  n = pp_window_get_n_pages (win);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  g_assert_cmpuint (n, ==, n_info);
  rows = gtk_container_get_children (GTK_CONTAINER (pp_window_get_sidebar (win)));
  g_assert_cmpuint (g_list_length (rows), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (pp_page_get_id (pp_window_get_page (win, i)), ==, expected[i]);

  /* Back is insensitive on the first page; sidebar rows jump to any step. */
  g_assert_cmpuint (pp_window_get_current (win), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (pp_window_get_back_button (win)));
  for (guint i = 0; i < n; i++)
    {
      GtkListBoxRow *row = g_list_nth_data (rows, i);
      g_signal_emit_by_name (pp_window_get_sidebar (win), "row-activated", row);
      flush ();
      g_assert_cmpuint (pp_window_get_current (win), ==, i);
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (pp_window_get_page (win, i))));
    }
  g_assert_false (gtk_widget_get_sensitive (pp_window_get_next_button (win)));
  /* Back walks all the way to the start through the real button. */
  for (guint i = n - 1; i > 0; i--)
    {
      gtk_button_clicked (GTK_BUTTON (pp_window_get_back_button (win)));
      flush ();
      g_assert_cmpuint (pp_window_get_current (win), ==, i - 1);
    }
  gtk_widget_destroy (GTK_WIDGET (win));
}

int
main (int argc, char **argv)
{
  g_autofree char *tmp = NULL;

  gtk_test_init (&argc, &argv, NULL);
  tmp = g_dir_make_tmp ("pp-ui-XXXXXX", NULL);
  site_dir = g_build_filename (tmp, "site", NULL);
  g_test_add_func ("/wizard/steps-present-and-navigable", test_steps_present_and_navigable);
  return g_test_run ();
}
