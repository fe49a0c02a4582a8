#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* `phoneprov --screenshots DIR [--locale L]` (issue 7): builds the
 * deterministic demo site (src/core/pp-demo.h) in a fixed folder, drives the
 * real PpWindow to every page and important state, and saves one PNG each,
 * plus widgets.txt, a text dump of what each page shows (widget types and
 * their texts) that the docs test compares to tell whether help/ is current.
 * Fixed window size, theme and font; runs under Xvfb. */

/* Environment for a reproducible run (theme, font scale, settings backend,
 * language). Call before GTK is initialised, i.e. from handle-local-options. */
void pp_screenshots_prepare (const char *locale);

/* Run the whole screenshot sequence; returns the exit status. */
int  pp_screenshots_run (GtkApplication *app, const char *out_dir);

G_END_DECLS
