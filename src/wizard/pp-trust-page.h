#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 9 (bulletin: Installing the Polycom Root CA Certificate): import the
 * Polycom Root CA and intermediates into pki/trust/, genuine or not. */
#define PP_TYPE_TRUST_PAGE (pp_trust_page_get_type ())
G_DECLARE_FINAL_TYPE (PpTrustPage, pp_trust_page, PP, TRUST_PAGE, PpPage)

G_END_DECLS
