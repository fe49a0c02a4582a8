#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 1 (bulletin: Overview, Mutual TLS Requirements): the setup diagram
 * and what the phones need. Changes nothing. */
#define PP_TYPE_OVERVIEW_PAGE (pp_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (PpOverviewPage, pp_overview_page, PP, OVERVIEW_PAGE, PpPage)

G_END_DECLS
