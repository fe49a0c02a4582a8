#pragma once

#include <gtk/gtk.h>
#include "pp-page.h"

G_BEGIN_DECLS

/* The summary page's "Export report…" (issue 7): writes the site report
 * (src/core/pp-report.h) to a file the admin chooses. Also shows the
 * expiry warnings (src/core/pp-expiry.h) above the export actions. */
void pp_report_button_attach (PpPage *page, GtkWidget *actions_box);

/* Report expiring certificates of the window's site through @page's error
 * bar (the wizard's first page, right after a site opens). */
void pp_report_warn_expiry (PpPage *page);

G_END_DECLS
