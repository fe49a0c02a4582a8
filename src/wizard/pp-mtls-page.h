#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 10 (bulletin: Enabling Mutual TLS): client certificates required,
 * the sites restarted, and a self-test that proves enforcement. */
#define PP_TYPE_MTLS_PAGE (pp_mtls_page_get_type ())
G_DECLARE_FINAL_TYPE (PpMtlsPage, pp_mtls_page, PP, MTLS_PAGE, PpPage)

G_END_DECLS
