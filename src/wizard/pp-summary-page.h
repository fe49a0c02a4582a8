#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 12: where everything is, and exports. */
#define PP_TYPE_SUMMARY_PAGE (pp_summary_page_get_type ())
G_DECLARE_FINAL_TYPE (PpSummaryPage, pp_summary_page, PP, SUMMARY_PAGE, PpPage)

/* The button box for export actions (bundle, Apache/nginx, report):
 * other features add their buttons here. */
GtkWidget *pp_summary_page_get_actions_box (PpSummaryPage *self);

G_END_DECLS
