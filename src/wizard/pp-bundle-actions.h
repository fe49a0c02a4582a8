#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* The Summary page's bundle actions (DESIGN.md §8): Export bundle…,
 * Import bundle…, Export Apache/nginx configuration…, with a progress bar
 * and a result line below the buttons. Adds its buttons to @actions_box
 * (a GtkButtonBox inside a vertical GtkBox) of @page. */
void pp_bundle_actions_attach (PpPage *page, GtkWidget *actions_box);

G_END_DECLS
