#pragma once

#include <gtk/gtk.h>
#include "pp-page.h"

G_BEGIN_DECLS

#define PP_TYPE_WINDOW (pp_window_get_type ())
G_DECLARE_FINAL_TYPE (PpWindow, pp_window, PP, WINDOW, GtkApplicationWindow)

PpWindow *pp_window_new (GtkApplication *app, const char *site_dir);
/* Open another site directory (creates it when new). */
gboolean  pp_window_open_site (PpWindow *self, const char *site_dir, GError **error);

/* Navigation, also used by tests and the screenshot run. */
guint     pp_window_get_n_pages (PpWindow *self);
PpPage   *pp_window_get_page (PpWindow *self, guint index);
guint     pp_window_get_current (PpWindow *self);
void      pp_window_go_to (PpWindow *self, guint index);
GtkWidget *pp_window_get_next_button (PpWindow *self);
GtkWidget *pp_window_get_back_button (PpWindow *self);
GtkWidget *pp_window_get_sidebar (PpWindow *self);

G_END_DECLS
