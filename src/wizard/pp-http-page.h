#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 3 (bulletin: Creating the HTTP Virtual Server): settings of the HTTP
 * site, start it, and check it live (anonymous → 401, phone account → 200). */
#define PP_TYPE_HTTP_PAGE (pp_http_page_get_type ())
G_DECLARE_FINAL_TYPE (PpHttpPage, pp_http_page, PP, HTTP_PAGE, PpPage)

G_END_DECLS
