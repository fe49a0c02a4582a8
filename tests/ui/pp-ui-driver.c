#include "config.h"
#include "pp-ui-driver.h"

void
pp_driver_flush (void)
{
  while (gtk_events_pending ())
    gtk_main_iteration ();
}

gboolean
pp_driver_wait (gboolean (*cond) (gpointer data), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

/* Controls first: a section heading may read like the button below it. */
static GtkWidget *
find_in (GtkWidget *widget, const char *name, gboolean labels)
{
  const char *acc = atk_object_get_name (gtk_widget_get_accessible (widget));
  GtkWidget *found = NULL;

  if (acc && g_strcmp0 (acc, name) == 0 && gtk_widget_is_drawable (widget) &&
      GTK_IS_LABEL (widget) == labels)
    return widget;
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (widget));
      for (GList *l = children; l && !found; l = l->next)
        found = find_in (l->data, name, labels);
    }
  return found;
}

GtkWidget *
pp_driver_find (PpDriver *d, const char *name)
{
  GtkWidget *w = find_in (GTK_WIDGET (d->window), name, FALSE);
  if (w == NULL)
    w = find_in (GTK_WIDGET (d->window), name, TRUE);
  if (w == NULL)
    g_error ("no visible control named “%s”", name);
  return w;
}

void
pp_driver_click_widget (PpDriver *d, GtkWidget *w)
{
  g_assert_true (gtk_widget_is_sensitive (w));
  if (GTK_IS_BUTTON (w))
    gtk_button_clicked (GTK_BUTTON (w));
  else
    gtk_widget_activate (w);
  d->clicks++;
  pp_driver_flush ();
}

void
pp_driver_click (PpDriver *d, const char *name)
{
  pp_driver_click_widget (d, pp_driver_find (d, name));
}

void
pp_driver_type (PpDriver *d, const char *name, const char *text)
{
  GtkWidget *w = pp_driver_find (d, name);

  gtk_widget_grab_focus (w);
  if (GTK_IS_SPIN_BUTTON (w))
    {
      gtk_entry_set_text (GTK_ENTRY (w), text);
      gtk_spin_button_update (GTK_SPIN_BUTTON (w));
    }
  else if (GTK_IS_ENTRY (w))
    gtk_entry_set_text (GTK_ENTRY (w), text);
  else
    g_error ("“%s” is not a text field", name);
  d->typed++;
  pp_driver_flush ();
}

const char *
pp_driver_get_text (PpDriver *d, const char *name)
{
  GtkWidget *w = pp_driver_find (d, name);
  return GTK_IS_ENTRY (w) ? gtk_entry_get_text (GTK_ENTRY (w)) : gtk_label_get_text (GTK_LABEL (w));
}

typedef struct {
  PpPage  *page;
  gboolean done;
  gboolean ok;
} ApplyWait;

static void
on_apply_done (PpPage *page, gboolean ok, ApplyWait *w)
{
  w->done = TRUE;
  w->ok = ok;
}

static gboolean
apply_finished (gpointer data)
{
  return ((ApplyWait *) data)->done;
}

void
pp_driver_next (PpDriver *d)
{
  guint index = pp_window_get_current (d->window);
  ApplyWait w = { pp_window_get_page (d->window, index), FALSE, FALSE };
  gulong id = g_signal_connect (w.page, "apply-done", G_CALLBACK (on_apply_done), &w);

  pp_driver_click_widget (d, pp_window_get_next_button (d->window));
  if (!pp_driver_wait (apply_finished, &w, 120000))
    g_error ("step “%s” did not finish applying within 2 minutes", pp_page_get_id (w.page));
  g_signal_handler_disconnect (w.page, id);
  if (!w.ok)
    g_error ("step “%s” failed: %s", pp_page_get_id (w.page), pp_page_get_status (w.page));
  pp_driver_flush ();
}

void
pp_driver_screenshot (PpDriver *d, const char *name)
{
  GdkWindow *win;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (d->screenshot_dir == NULL)
    return;
  /* Let the page lay out and draw before grabbing it. */
  for (int i = 0; i < 20; i++)
    {
      pp_driver_flush ();
      g_usleep (10000);
    }
  gdk_display_sync (gdk_display_get_default ());
  win = gtk_widget_get_window (GTK_WIDGET (d->window));
  pixbuf = gdk_pixbuf_get_from_window (win, 0, 0, gdk_window_get_width (win), gdk_window_get_height (win));
  g_assert_nonnull (pixbuf);
  g_mkdir_with_parents (d->screenshot_dir, 0755);
  path = g_strdup_printf ("%s/%s.png", d->screenshot_dir, name);
  if (!gdk_pixbuf_save (pixbuf, path, "png", &error, NULL))
    g_error ("cannot save %s: %s", path, error->message);
}

void
pp_driver_count_results (GtkWidget *list, guint *ok, guint *total)
{
  g_autoptr(GList) rows = gtk_container_get_children (GTK_CONTAINER (list));
  *ok = 0;
  *total = 0;
  for (GList *l = rows; l; l = l->next)
    {
      (*total)++;
      if (GPOINTER_TO_INT (g_object_get_data (l->data, "ok")))
        (*ok)++;
    }
}
