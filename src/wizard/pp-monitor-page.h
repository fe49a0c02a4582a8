#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 11 (bulletin: Troubleshooting): live requests and refused handshakes
 * from the daemon's event stream. */
#define PP_TYPE_MONITOR_PAGE (pp_monitor_page_get_type ())
G_DECLARE_FINAL_TYPE (PpMonitorPage, pp_monitor_page, PP, MONITOR_PAGE, PpPage)

/* Model and firmware from a Polycom User-Agent (DESIGN.md §5); FALSE when
 * it is not one. */
gboolean pp_parse_polycom_user_agent (const char *user_agent, char **model, char **firmware);

G_END_DECLS
