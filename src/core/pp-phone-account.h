#pragma once

#include "pp-site.h"

G_BEGIN_DECLS

/* The phone's account (bulletin: "Create a user account for the phone").
 * The user and password live in auth/phone.account (0600) so the wizard can
 * show them for the phone's Server Menu and rewrite auth/htdigest when the
 * realm changes; auth/htdigest holds only HA1 as Apache's htdigest does. */

#define PP_PHONE_ACCOUNT_DEFAULT_USER "PlcmSpIp"

gboolean pp_phone_account_load (PpSite      *site,
                                char       **user,
                                char       **password,
                                GError     **error);
/* Store the account and (re)write its htdigest entry for http.realm. */
gboolean pp_phone_account_save (PpSite      *site,
                                const char  *user,
                                const char  *password,
                                GError     **error);

G_END_DECLS
