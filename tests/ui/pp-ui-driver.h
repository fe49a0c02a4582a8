#pragma once

#include <gtk/gtk.h>
#include "pp-window.h"

G_BEGIN_DECLS

/* Drives the real wizard window like an admin: finds controls by their
 * accessible name and acts on the actual widgets, counting every click and
 * every typed field. */
typedef struct {
  PpWindow   *window;
  guint       clicks;
  guint       typed;
  const char *screenshot_dir;
} PpDriver;

void       pp_driver_flush (void);
/* Iterate the main loop until @cond(@data) or @timeout_ms; FALSE on timeout. */
gboolean   pp_driver_wait (gboolean (*cond) (gpointer data), gpointer data, guint timeout_ms);
GtkWidget *pp_driver_find (PpDriver *d, const char *accessible_name);
void       pp_driver_click (PpDriver *d, const char *accessible_name);
void       pp_driver_click_widget (PpDriver *d, GtkWidget *widget);
void       pp_driver_type (PpDriver *d, const char *accessible_name, const char *text);
const char *pp_driver_get_text (PpDriver *d, const char *accessible_name);
/* Press Next and wait until the step applied; asserts it worked. */
void       pp_driver_next (PpDriver *d);
void       pp_driver_screenshot (PpDriver *d, const char *name);
/* Rows of a result GtkListBox that passed / all. */
void       pp_driver_count_results (GtkWidget *list, guint *ok, guint *total);

G_END_DECLS
