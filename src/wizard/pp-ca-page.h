#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 5 (bulletin: Installing Microsoft Certificate Service): create the
 * site's local root CA, or skip when an outside CA signs. */
#define PP_TYPE_CA_PAGE (pp_ca_page_get_type ())
G_DECLARE_FINAL_TYPE (PpCaPage, pp_ca_page, PP, CA_PAGE, PpPage)

G_END_DECLS
