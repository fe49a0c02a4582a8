#pragma once

#include "pp-page.h"
#include "pp-phone-config.h"

G_BEGIN_DECLS

/* Step 8 (bulletin: Installing the Root CA Server Certificate on the Polycom
 * Phone): the CA certificate goes into the boot directory, with an optional
 * configuration file; the page shows the MD5 fingerprint and menu paths. */
#define PP_TYPE_PHONE_TRUST_PAGE (pp_phone_trust_page_get_type ())
G_DECLARE_FINAL_TYPE (PpPhoneTrustPage, pp_phone_trust_page, PP, PHONE_TRUST_PAGE, PpPage)

/* pp_site_get_root_for_phones(), pp_site_phone_address() and the config
 * file generator moved to src/core/pp-phone-config.h for the site report. */

G_END_DECLS
