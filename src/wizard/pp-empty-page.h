#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* A page whose step is not built yet: shows its title and the bulletin
 * section it will replace. */
#define PP_TYPE_EMPTY_PAGE (pp_empty_page_get_type ())
G_DECLARE_FINAL_TYPE (PpEmptyPage, pp_empty_page, PP, EMPTY_PAGE, PpPage)

G_END_DECLS
