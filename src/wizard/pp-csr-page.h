#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 6 (bulletin: Creating the Server Certificate, steps 1–4): the server
 * key and its certificate request. */
#define PP_TYPE_CSR_PAGE (pp_csr_page_get_type ())
G_DECLARE_FINAL_TYPE (PpCsrPage, pp_csr_page, PP, CSR_PAGE, PpPage)

G_END_DECLS
