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

/* Buttons activated from the keyboard click after a short press animation. */
static void
wait_for_page (PpWindow *win, guint index)
{
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (pp_window_get_current (win) != index && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  g_assert_cmpuint (pp_window_get_current (win), ==, index);
}

/* A real key press through GTK's event path (focus, default, mnemonics). */
static void
send_key (GtkWidget *window, guint keyval, GdkModifierType mods)
{
  GdkDisplay *display = gdk_display_get_default ();
  GdkEvent *ev = gdk_event_new (GDK_KEY_PRESS);
  GdkKeymapKey *keys = NULL;
  gint n = 0;

  ev->key.window = g_object_ref (gtk_widget_get_window (window));
  ev->key.send_event = TRUE;
  ev->key.time = GDK_CURRENT_TIME;
  ev->key.keyval = keyval;
  ev->key.state = mods;
  if (gdk_keymap_get_entries_for_keyval (gdk_keymap_get_for_display (display), keyval, &keys, &n) && n > 0)
    {
      ev->key.hardware_keycode = (guint16) keys[0].keycode;
      ev->key.group = (guint8) keys[0].group;
    }
  g_free (keys);
  gdk_event_set_device (ev, gdk_seat_get_keyboard (gdk_display_get_default_seat (display)));
  gtk_main_do_event (ev);
  ev->type = GDK_KEY_RELEASE;
  gtk_main_do_event (ev);
  gdk_event_free (ev);
  flush ();
}

/* Keyboard only: Next has the focus and is the default, so Return applies
 * the step; Alt+N and Alt+B are the window's mnemonics for Next and Back. */
static void
test_keyboard (void)
{
  PpWindow *win = pp_window_new (NULL, site_dir);

  gtk_widget_show (GTK_WIDGET (win));
  flush ();
  g_assert_cmpuint (pp_window_get_current (win), ==, 0);
  g_assert_true (gtk_widget_has_focus (pp_window_get_next_button (win)));
  g_assert_true (gtk_widget_has_default (pp_window_get_next_button (win)));
  send_key (GTK_WIDGET (win), GDK_KEY_Return, 0);
  wait_for_page (win, 1);
  g_assert_true (gtk_window_mnemonic_activate (GTK_WINDOW (win), GDK_KEY_b, GDK_MOD1_MASK));
  wait_for_page (win, 0);
  g_assert_true (gtk_window_mnemonic_activate (GTK_WINDOW (win), GDK_KEY_n, GDK_MOD1_MASK));
  wait_for_page (win, 1);
  gtk_widget_destroy (GTK_WIDGET (win));
}

/* Every control on every page has a name for screen readers. */
static void
check_names (GtkWidget *widget, guint *n_checked)
{
  if (GTK_IS_ENTRY (widget) || GTK_IS_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
      GTK_IS_COMBO_BOX (widget) || GTK_IS_TREE_VIEW (widget) || GTK_IS_TEXT_VIEW (widget) ||
      GTK_IS_LIST_BOX (widget))
    {
      const char *name = atk_object_get_name (gtk_widget_get_accessible (widget));
      /* Internal parts of composite widgets (the spin button's +/−, the
       * combo's toggle) are named by their parent. */
      gboolean internal = gtk_widget_get_ancestor (gtk_widget_get_parent (widget), GTK_TYPE_COMBO_BOX) != NULL ||
                          gtk_widget_get_ancestor (gtk_widget_get_parent (widget), GTK_TYPE_SPIN_BUTTON) != NULL ||
                          /* GtkInfoBar's own close button */
                          (gtk_widget_get_ancestor (widget, GTK_TYPE_INFO_BAR) != NULL &&
                           gtk_style_context_has_class (gtk_widget_get_style_context (widget), "close"));
      if (!internal && (name == NULL || *name == '\0'))
        {
          g_autofree char *path = gtk_widget_path_to_string (gtk_widget_get_path (widget));
          g_error ("a %s has no accessible name: %s", G_OBJECT_TYPE_NAME (widget), path);
        }
      (*n_checked)++;
    }
  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), (GtkCallback) check_names, n_checked);
}

static void
test_accessible_names (void)
{
  PpWindow *win = pp_window_new (NULL, site_dir);
  guint n = 0;

  gtk_widget_show (GTK_WIDGET (win));
  flush ();
  for (guint i = 0; i < pp_window_get_n_pages (win); i++)
    check_names (GTK_WIDGET (pp_window_get_page (win, i)), &n);
  g_assert_cmpuint (n, >, 50);
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
  g_test_add_func ("/wizard/keyboard", test_keyboard);
  g_test_add_func ("/wizard/accessible-names", test_accessible_names);
  return g_test_run ();
}
