#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* The Summary page's bundle actions (DESIGN.md §8): Export bundle…,
 * Import bundle…, Export Apache/nginx configuration…, with a progress bar
 * and a result line. They go in a row of their own below @export_box (the
 * page's export buttons, inside a vertical GtkBox). */
void pp_bundle_actions_attach (PpPage *page, GtkWidget *export_box);

G_END_DECLS
