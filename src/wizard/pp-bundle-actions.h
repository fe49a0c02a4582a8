#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* The Summary page's bundle actions (DESIGN.md §8): Export bundle…,
 * Import bundle…, Export Apache/nginx configuration…, with a progress bar
 * and a result line. They go in a row of their own below @export_box (the
 * page's export buttons, inside a vertical GtkBox). */
void pp_bundle_actions_attach (PpPage *page, GtkWidget *export_box);

/* What the buttons do once their dialogs are answered (also for tests).
 * Export and import run in a thread with the progress bar; the result line
 * then says what happened. An empty @passphrase leaves the keys out. */
void        pp_bundle_actions_export_bundle  (PpPage *page, const char *file, const char *passphrase);
void        pp_bundle_actions_import_bundle  (PpPage *page, const char *file, const char *dir,
                                              const char *passphrase);
void        pp_bundle_actions_export_engines (PpPage *page, const char *dir);
const char *pp_bundle_actions_get_result     (PpPage *page, gboolean *is_error);
gboolean    pp_bundle_actions_is_busy        (PpPage *page);

G_END_DECLS
