#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 3 (bulletin: Creating the HTTP Virtual Server): settings of the HTTP
 * site, start it, and check it live (anonymous → 401, phone account → 200). */
#define PP_TYPE_HTTP_PAGE (pp_http_page_get_type ())
G_DECLARE_FINAL_TYPE (PpHttpPage, pp_http_page, PP, HTTP_PAGE, PpPage)

/* A file of the boot directory to fetch in checks ("" when it is empty). */
char *pp_boot_pick_check_file (const char *boot_dir);

G_END_DECLS
