#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 4 (bulletin: Creating the HTTPS Virtual Server): the HTTPS site's
 * settings; it starts once it has a certificate. */
#define PP_TYPE_HTTPS_PAGE (pp_https_page_get_type ())
G_DECLARE_FINAL_TYPE (PpHttpsPage, pp_https_page, PP, HTTPS_PAGE, PpPage)

G_END_DECLS
