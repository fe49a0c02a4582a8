#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* HTTP digest authentication (RFC 7616 with MD5, qop="auth"), hardened beyond
 * libsoup's SoupAuthDomainDigest (DESIGN.md §7): only nonces this server
 * issued (HMAC-signed, so every worker thread can check them), an age limit
 * answered with stale=true, and nonce-count replay protection. Thread-safe. */

typedef struct _PpDigest PpDigest;

typedef enum {
  PP_DIGEST_OK,
  PP_DIGEST_MISSING,   /* no Authorization header: plain challenge */
  PP_DIGEST_STALE,     /* right password, old nonce: challenge with stale=true */
  PP_DIGEST_REFUSED,   /* wrong user/password, replay, malformed */
} PpDigestResult;

PpDigest      *pp_digest_new (guint nonce_max_age_s);
void           pp_digest_free (PpDigest *digest);

/* @users maps user → HA1 (hex). @request_target is the raw path?query of the
 * request line. On refusal @reason says why in plain language. */
PpDigestResult pp_digest_check (PpDigest   *digest,
                                GHashTable *users,
                                const char *realm,
                                const char *method,
                                const char *request_target,
                                const char *authorization,
                                char      **user,
                                char      **reason);

/* The WWW-Authenticate header value with a fresh nonce. */
char          *pp_digest_challenge (PpDigest *digest, const char *realm, gboolean stale);

G_END_DECLS
