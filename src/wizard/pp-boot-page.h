#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 2 (bulletin: Creating a Directory): the boot directory, boot-file
 * import (folder or UC Software .zip) and the phone account. */
#define PP_TYPE_BOOT_PAGE (pp_boot_page_get_type ())
G_DECLARE_FINAL_TYPE (PpBootPage, pp_boot_page, PP, BOOT_PAGE, PpPage)

G_END_DECLS
