#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 7 (bulletin: Creating the Server Certificate 5–15, Installing the
 * Server Certificate): the local CA signs with the Web Server template, or
 * the certificate an outside CA issued is imported; then the HTTPS site
 * starts with it. */
#define PP_TYPE_ISSUE_PAGE (pp_issue_page_get_type ())
G_DECLARE_FINAL_TYPE (PpIssuePage, pp_issue_page, PP, ISSUE_PAGE, PpPage)

G_END_DECLS
