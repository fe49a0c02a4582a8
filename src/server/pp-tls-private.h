#pragma once

/* Shared by pp-tls.c (credentials, trust, policy) and pp-tls-accept.c
 * (handshake); nothing outside the TLS module and its tests includes this. */
#include "pp-tls.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/abstract.h>

G_BEGIN_DECLS

/* pp-tls-cache.c: TLS 1.2 session-ID resumption. Phones on TLS 1.2 (libcurl
 * on OpenSSL among them) resume by session ID, not by ticket; without a
 * cache every connection is a full handshake. One cache per PpTlsContext,
 * i.e. per configuration: a reload starts empty, so a phone whose
 * certificate a new CRL revokes cannot resume into the new configuration
 * (and a resumed session's certificate is verified again anyway).
 * Thread-safe; shared by the workers. */
typedef struct _PpTlsSessionCache PpTlsSessionCache;

/* A session is ≈ 1.3 KB packed (ECDSA device certificate included), 1.45 KB
 * with the table: at most 6 MB. A phone's second connection comes a few
 * hundred sessions after its first even in a boot storm of 200 at a time. */
#define PP_TLS_SESSION_CACHE_MAX 4096
#define PP_TLS_SESSION_LIFETIME_S 21600 /* GnuTLS's default, for tickets too */

PpTlsSessionCache *pp_tls_session_cache_new (guint max_entries, guint lifetime_s);
void               pp_tls_session_cache_free (PpTlsSessionCache *cache);
/* Installs the store/retrieve/remove callbacks and the lifetime. */
void               pp_tls_session_cache_attach (PpTlsSessionCache *cache, gnutls_session_t session);

/* Device certificates verified under this configuration, by SHA-256 of
 * what the phone sent, with the identity found: a phone's second connection
 * (and a resumed session, verified again) skips parsing and the chain
 * check, ≈ 1.9 M instructions. Only acceptances are kept, and only until
 * the first certificate of the chain expires (at most an hour): the verdict
 * depends on nothing else that can change without a reload, and a reload
 * brings a new, empty cache. */
typedef struct _PpTlsVerifiedCache PpTlsVerifiedCache;

#define PP_TLS_VERIFIED_CACHE_MAX 4096  /* ≈ 0.6 KB each */
#define PP_TLS_VERIFIED_MAX_AGE_S 3600

PpTlsVerifiedCache *pp_tls_verified_cache_new (guint max_entries);
void                pp_tls_verified_cache_free (PpTlsVerifiedCache *cache);
gboolean            pp_tls_verified_cache_lookup (PpTlsVerifiedCache *cache, const guint8 *key, gsize key_len,
                                                  PpPeer *peer, gint64 now);
void                pp_tls_verified_cache_add (PpTlsVerifiedCache *cache, const guint8 *key, gsize key_len,
                                               const PpPeer *peer, gint64 valid_until);

/* The wizard's mutual-TLS self-test (pp-tls-selftest.c): one client
 * certificate, named by its SHA-256, accepted when it verifies against a
 * throwaway anchor that is held in memory only, for at most
 * PP_TLS_SELFTEST_MAX_S. The site's trust store is not touched, so a crash
 * or a reload (a new context) leaves nothing trusted behind. */
typedef struct _PpTlsSelftest PpTlsSelftest;

#define PP_TLS_SELFTEST_MAX_S 120

void     pp_tls_selftest_free (PpTlsSelftest *grant);
/* TRUE (and @peer filled in) when the grant of @ctx is live and @der[0] is
 * its certificate and verifies under its anchor for client authentication. */
gboolean pp_tls_context_selftest_accepts (PpTlsContext *ctx, const gnutls_datum_t *der, unsigned n_der,
                                          PpPeer *peer);

/* pp-tls.c, shared with the self-test. */
char    *pp_tls_crt_dn (gnutls_x509_crt_t crt, gboolean issuer);
char    *pp_tls_crt_mac (gnutls_x509_crt_t crt);
gboolean pp_tls_crt_allows_client_auth (gnutls_x509_crt_t crt);

struct _PpTlsContext {
  gatomicrefcount                  ref;
  gnutls_certificate_credentials_t creds;
  gnutls_priority_t                priority;
  gnutls_datum_t                   ticket_key;
  PpTlsSessionCache               *sessions;
  PpTlsVerifiedCache              *verified;
  gnutls_x509_trust_list_t         trust;
  GPtrArray                       *store;      /* gnutls_x509_crt_t, anchors + intermediates */
  GHashTable                      *by_subject; /* raw subject DN (GBytes) → GPtrArray of store certs */
  GHashTable                      *names;      /* store cert → its subject as text, formatted once */
  GHashTable                      *issuer_of;  /* store cert → store_find_issuer() of it, found once */
  guint                            n_verified_intermediates;
  guint                            n_anchors;
  char                            *profile;
  char                            *server_subject;
  char                            *server_not_after;
  PpClientCerts                    client_certs;
  gboolean                         accept_expired_polycom;
  GMutex                           selftest_lock;
  PpTlsSelftest                   *selftest;   /* NULL but during a self-test */
};

/* pp-tls-rsa.c: installs an RSA key pair whose signatures reuse their
 * blinding factor (squared between signatures, fresh every 32) instead of
 * GnuTLS's fresh factor and constant-time inversion per signature: about
 * half the cost of a 2048-bit handshake signature. Signing only, so the
 * caller uses it only where no RSA key exchange is allowed. FALSE when the
 * key is not RSA, is inconsistent, does not match the certificate, or
 * PHONEPROV_RSA_SIGNER=gnutls asks for GnuTLS's own (then nothing was
 * installed and the caller goes on as before). */
gboolean pp_tls_rsa_set_key (gnutls_certificate_credentials_t creds, const gnutls_datum_t *key_pem,
                             const gnutls_datum_t *certs_pem);
/* The signing key alone (tests compare it with GnuTLS's own); NULL when
 * the PEM is not a consistent RSA key of 1024–16384 bits. */
gnutls_privkey_t pp_tls_rsa_privkey_new (const gnutls_datum_t *key_pem);

typedef struct {
  char *reason;
  char *remedy;
} PpTlsRefusal;

/* Applies the client-certificate policy to the chain a phone sent; fills in
 * @peer's identity. On refusal @r holds the reason and remedy. */
gboolean pp_tls_verify_peer (PpTlsContext *ctx, const gnutls_datum_t *der, unsigned n_der, PpPeer *peer,
                             PpTlsRefusal *r);

/* pp-tls-verify.c. @chain is an intermediate's completed chain, anchor
 * last, already verified: may verification of the certificates it issues
 * stop at chain[0] (nothing above it constrains them)? */
gboolean pp_tls_chain_may_stop_at (gnutls_x509_crt_t *chain, unsigned len);
/* The dates of chain[1..len-1] (the CAs), checked top down as a full
 * verification would: 0 or GNUTLS_CERT_EXPIRED/NOT_ACTIVATED | INVALID. */
unsigned pp_tls_chain_ca_time_status (gnutls_x509_crt_t *chain, unsigned len, time_t now);

G_END_DECLS
