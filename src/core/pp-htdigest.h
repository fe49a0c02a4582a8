#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Phone accounts in Apache's htdigest format, "user:realm:HA1" with
 * HA1 = MD5(user:realm:password), so the same file works with mod_auth_digest. */

/* Parse htdigest text. Returns user → HA1 (lowercase hex) for @realm. */
GHashTable *pp_htdigest_parse (const char *data, gsize len, const char *realm, GError **error);
GHashTable *pp_htdigest_load (const char *path, const char *realm, GError **error);

/* Add or replace @user's entry for @realm (atomic, 0600). */
gboolean    pp_htdigest_set (const char *path, const char *user, const char *realm,
                             const char *password, GError **error);
gboolean    pp_htdigest_remove (const char *path, const char *user, const char *realm,
                                GError **error);

char       *pp_htdigest_ha1 (const char *user, const char *realm, const char *password);

/* User names phones can send: no ':', no control characters, 1..64 bytes. */
gboolean    pp_htdigest_user_is_valid (const char *user, GError **error);

/* A random password from an unambiguous alphabet. */
char       *pp_password_generate (guint length);

G_END_DECLS
