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
/* phoneprovctl account add: set @user's htdigest entry and keep the other
 * accounts. @user is the phone account (auth/phone.account, for the wizard
 * and the report) when there is none yet or it already is; otherwise it is
 * an extra account. */
gboolean pp_phone_account_add  (PpSite      *site,
                                const char  *user,
                                const char  *password,
                                gboolean    *is_phone_account,
                                GError     **error);
/* Remove @user from auth/htdigest, and forget it as the phone account when
 * it was that. */
gboolean pp_phone_account_remove (PpSite      *site,
                                  const char  *user,
                                  GError     **error);

G_END_DECLS
