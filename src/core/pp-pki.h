#pragma once

#include <gio/gio.h>
#include "pp-site.h"
#include "pp-cert-io.h"

G_BEGIN_DECLS

/* The site's own PKI (DESIGN.md §3, §4): what the bulletin does with
 * Microsoft Certificate Services and the IIS certificate wizard.
 *
 *   pki/ca/ca.crt          root CA certificate (PEM)
 *   pki/ca/ca.key          its key, PKCS#8 PEM, 0600, optionally encrypted
 *   pki/ca/index.json      every certificate the CA issued (see PpCaIndexEntry)
 *   pki/ca/crlnumber       last CRL number
 *   pki/ca/crl.pem         current CRL
 *   pki/ca/old-<UTC time>/ the files of a CA that was replaced (ca init or
 *                          ca import with --replace), kept, never used
 *   pki/server/server.key  server key (PKCS#8 PEM, 0600, never encrypted:
 *                          the daemon starts unattended)
 *   pki/server/server.csr  the latest request (PEM)
 *   pki/server/server.crt  the certificate, once issued and installed
 *   pki/server/chain.pem   server.crt followed by its issuers (intermediates,
 *                          then the root when known): hand it to TLS as is
 *   pki/server/server-ecdsa.{key,csr,crt}, chain-ecdsa.pem
 *                          optional second server identity, ECDSA P-256,
 *                          same subject and SANs
 *   pki/server/request.json friendly name etc. of the pending request
 *   pki/server/pending.key, pending-ecdsa.key
 *                          key(s) of a request not answered yet; they
 *                          replace server.key / server-ecdsa.key only when a
 *                          matching certificate is installed, so server.key
 *                          and server.crt always belong together
 *
 * Every function reads the files it needs and writes atomically; on error
 * nothing on disk changes. Functions are safe to call from a worker thread
 * as long as no other thread writes the same site at the same time.
 */

typedef enum {
  PP_KEY_RSA_2048,     /* default: old phones accept it */
  PP_KEY_RSA_3072,
  PP_KEY_RSA_4096,
  PP_KEY_ECDSA_P256,
  PP_KEY_ECDSA_P384,
} PpKeyType;

#define PP_KEY_TYPE_DEFAULT PP_KEY_RSA_2048

/* "rsa2048", "rsa3072", "rsa4096", "ecdsa-p256", "ecdsa-p384" */
const char *pp_key_type_to_string (PpKeyType type);
gboolean    pp_key_type_from_string (const char *str, PpKeyType *out);
/* Translated, for combo boxes: "RSA 2048 bits (compatible with every phone)" */
const char *pp_key_type_get_label (PpKeyType type);

typedef enum {
  PP_CERT_TEMPLATE_WEB_SERVER,  /* digitalSignature+keyEncipherment, serverAuth, SANs */
  PP_CERT_TEMPLATE_CLIENT,      /* digitalSignature, clientAuth (test phones) */
  PP_CERT_TEMPLATE_SUB_CA,      /* CA:TRUE pathlen 0, keyCertSign+cRLSign */
} PpCertTemplate;

/* "web-server", "client", "sub-ca" */
const char *pp_cert_template_to_string (PpCertTemplate tmpl);
gboolean    pp_cert_template_from_string (const char *str, PpCertTemplate *out);

/* ---- keys ---------------------------------------------------------------- */

/* A fresh private key as PKCS#8 PEM; encrypted (PBES2 AES-256) when
 * @passphrase is not NULL or empty. Slow for RSA: use the async variant from
 * the UI.
 *
 * Cancellation: GnuTLS key generation cannot be interrupted (RSA 4096 can
 * take seconds), so every call here checks @cancellable before and after
 * each slow step: generation, the PBKDF2 of an encrypted export, signing.
 * pp_key_generate_async, which changes nothing on disk, reports
 * G_IO_ERROR_CANCELLED as soon as @cancellable fires; the key still being
 * generated is wiped and dropped. The calls that change the site
 * (pp_ca_create, pp_server_request_create and their async variants) stop
 * at the next check and make their last one just before the folder swap:
 * cancelled means nothing changed, a result means it all did. */
char    *pp_key_generate_pem (PpKeyType      type,
                              const char    *passphrase,
                              GCancellable  *cancellable,
                              GError       **error);
void     pp_key_generate_async (PpKeyType            type,
                                const char          *passphrase,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
char    *pp_key_generate_finish (GAsyncResult  *result,
                                 GError       **error);

/* ---- local root CA ------------------------------------------------------- */

typedef struct {
  const char *common_name;     /* required, e.g. "Example Phone CA" */
  const char *dn_suffix;       /* optional RFC 4514, e.g. "O=Example, C=US" */
  guint       validity_days;   /* 0 means 3650 */
  PpKeyType   key_type;
  const char *passphrase;      /* NULL/empty: ca.key stored unencrypted */
} PpCaParams;

gboolean pp_ca_exists (PpSite *site);
/* Creates pki/ca/{ca.crt,ca.key,index.json,crl.pem}. Refuses (PP_ERROR_EXISTS)
 * when the site already has a CA, unless @replace; the replaced CA's files
 * are kept in pki/ca/old-<UTC time>/. Returns the CA certificate PEM. */
char    *pp_ca_create (PpSite            *site,
                       const PpCaParams  *params,
                       gboolean           replace,
                       GCancellable      *cancellable,
                       GError           **error);
/* The inputs are copied before the thread starts. */
void     pp_ca_create_async (PpSite              *site,
                             const PpCaParams    *params,
                             gboolean             replace,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data);
char    *pp_ca_create_finish (PpSite        *site,
                              GAsyncResult  *result,
                              GError       **error);

/* Adopt an existing CA (XCA, gnoMint, an OpenSSL CA) as the site's CA:
 * its certificate (PEM, DER, PKCS #7) and private key (PEM or DER; PKCS #8
 * plain or encrypted, or OpenSSL's traditional form), or one PKCS #12 or
 * PEM file holding both (@key_data NULL). @passphrase opens the input and
 * protects the stored ca.key (PKCS #8, PBES2 AES-256); without one ca.key
 * is stored unencrypted. Refused, with nothing changed: a certificate that
 * is not a self-signed CA allowed to sign certificates and CRLs, a key that
 * does not belong to it, an expired or not yet valid CA, a weak key, and
 * (PP_ERROR_EXISTS) a site that already has a CA unless @replace. With
 * @replace the previous pki/ca files move into pki/ca/old-<UTC time>/ in
 * the same swap; *@archived (optional) gets that folder's name, or NULL.
 * The index of issued certificates starts empty and serials stay random;
 * the first CRL's number is the current time, above any number the old
 * tool used. Returns the CA certificate PEM. */
char    *pp_ca_import (PpSite      *site,
                       const void  *cert_data,
                       gsize        cert_len,
                       const void  *key_data,
                       gsize        key_len,
                       const char  *passphrase,
                       gboolean     replace,
                       char       **archived,
                       GError     **error);
/* @key may be NULL. Cancellation is honoured until the work starts. */
void     pp_ca_import_async (PpSite              *site,
                             GBytes              *cert,
                             GBytes              *key,
                             const char          *passphrase,
                             gboolean             replace,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data);
char    *pp_ca_import_finish (PpSite        *site,
                              GAsyncResult  *result,
                              char         **archived,
                              GError       **error);

/* ca.crt as PEM (PP_ERROR_NOT_FOUND when the site has no CA). */
GBytes  *pp_ca_get_certificate (PpSite *site, GError **error);
/* TRUE when ca.key is passphrase-protected. */
gboolean pp_ca_key_is_encrypted (PpSite *site);

/* Sign a PEM or DER certificate request with @tmpl. The request's signature
 * is verified; only its subject, public key and (web-server, client) its DNS
 * and IP subjectAltNames are taken over, never its other extensions. @days 0
 * means 825 (web-server/client) or 1825 (sub-ca), capped at the CA's expiry.
 * Records the certificate in the index. Returns the certificate PEM. */
char    *pp_ca_sign (PpSite          *site,
                     const void      *csr_data,
                     gsize            csr_len,
                     PpCertTemplate   tmpl,
                     guint            days,
                     const char      *ca_passphrase,
                     GError         **error);
void     pp_ca_sign_async (PpSite              *site,
                           GBytes              *csr,
                           PpCertTemplate       tmpl,
                           guint                days,
                           const char          *ca_passphrase,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data);
char    *pp_ca_sign_finish (PpSite        *site,
                            GAsyncResult  *result,
                            GError       **error);

/* The local CA path in one step: sign the site's pending server request(s)
 * with web-server and install the result (and the ECDSA one when present). */
gboolean pp_ca_sign_pending (PpSite      *site,
                             guint        days,
                             const char  *ca_passphrase,
                             GError     **error);
void     pp_ca_sign_pending_async (PpSite              *site,
                                   guint                days,
                                   const char          *ca_passphrase,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean pp_ca_sign_pending_finish (PpSite        *site,
                                    GAsyncResult  *result,
                                    GError       **error);

/* For the wizard's self-test: a fresh ECDSA P-256 key and a certificate for
 * it signed with the client template (valid @days, 0 = 1 day). Both PEM;
 * the key is unencrypted. Recorded in the index like any other. */
gboolean pp_ca_issue_test_client (PpSite      *site,
                                  const char  *common_name,
                                  guint        days,
                                  const char  *ca_passphrase,
                                  char       **cert_pem,
                                  char       **key_pem,
                                  GError     **error);
void     pp_ca_issue_test_client_async (PpSite              *site,
                                        const char          *common_name,
                                        guint                days,
                                        const char          *ca_passphrase,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean pp_ca_issue_test_client_finish (PpSite        *site,
                                         GAsyncResult  *result,
                                         char         **cert_pem,
                                         char         **key_pem,
                                         GError       **error);

/* ---- index, revocation, CRL ---------------------------------------------- */

typedef enum {
  PP_CERT_STATUS_VALID,
  PP_CERT_STATUS_REVOKED,
  PP_CERT_STATUS_EXPIRED,   /* computed at listing time */
} PpCertStatus;

typedef struct {
  char         *serial;      /* uppercase hex, no separators */
  char         *subject;     /* RFC 4514 */
  char         *template_name;
  gint64        not_before;  /* Unix time */
  gint64        not_after;
  gint64        revoked_at;  /* 0 unless revoked */
  PpCertStatus  status;
} PpCaIndexEntry;

void pp_ca_index_entry_free (PpCaIndexEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpCaIndexEntry, pp_ca_index_entry_free)

/* Array of PpCaIndexEntry, oldest first. Empty array when there is no CA. */
GPtrArray *pp_ca_index_list (PpSite *site, GError **error);
const char *pp_cert_status_to_string (PpCertStatus status); /* "valid", … */

/* Mark @serial (hex, colons and case ignored) revoked and regenerate the CRL. */
gboolean pp_ca_revoke (PpSite      *site,
                       const char  *serial,
                       const char  *ca_passphrase,
                       GError     **error);
/* Regenerate pki/ca/crl.pem (next update in @days, 0 = 365) and the copy in
 * the trust store if there is one. Returns it (PEM). */
GBytes  *pp_crl_generate (PpSite      *site,
                          guint        days,
                          const char  *ca_passphrase,
                          GError     **error);

/* ---- server key, request, certificate ------------------------------------ */

typedef struct {
  const char         *friendly_name;  /* stored; used in PKCS#12 exports */
  const char         *organization;
  const char         *org_unit;
  const char         *common_name;    /* FQDN; required; always also a SAN */
  const char         *country;        /* two letters */
  const char         *state;
  const char         *locality;
  const char * const *san_dns;        /* NULL-terminated, may be NULL */
  const char * const *san_ip;         /* IPv4/IPv6 literals */
  PpKeyType           key_type;       /* default RSA 2048 */
  gboolean            with_ecdsa;     /* also a second ECDSA P-256 identity */
} PpCsrParams;

typedef enum {
  PP_SERVER_CERT_NONE,       /* no server key yet */
  PP_SERVER_CERT_PENDING,    /* key + request, no matching certificate */
  PP_SERVER_CERT_INSTALLED,  /* server.crt matches server.key */
} PpServerCertState;

PpServerCertState pp_server_cert_get_state (PpSite *site);

/* New server key(s) and request(s); replaces a previous pending request but
 * never touches an installed certificate until a new one is installed.
 * Sets pki.pending-csr in site.conf. Returns the (RSA) request PEM. */
char    *pp_server_request_create (PpSite             *site,
                                   const PpCsrParams  *params,
                                   GCancellable       *cancellable,
                                   GError            **error);
void     pp_server_request_create_async (PpSite              *site,
                                         const PpCsrParams   *params,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
char    *pp_server_request_create_finish (PpSite        *site,
                                          GAsyncResult  *result,
                                          GError       **error);

/* The pending request PEM (server.csr, or server-ecdsa.csr when @ecdsa). */
GBytes  *pp_server_request_get (PpSite *site, gboolean ecdsa, GError **error);
/* Friendly name stored with the request (NULL when none). */
char    *pp_server_get_friendly_name (PpSite *site);

/* Install a certificate (PEM, DER, PEM chain, PKCS#7) issued for the pending
 * key. The leaf must match server.key or server-ecdsa.key, otherwise
 * PP_ERROR_MISMATCH and nothing changes. Issuers found in @data, and the
 * site's CA when it issued the leaf, go into the chain file. Clears
 * pki.pending-csr once the RSA identity is installed. */
gboolean pp_server_cert_install (PpSite      *site,
                                 const void  *data,
                                 gsize        len,
                                 GError     **error);

/* Import a whole server identity made elsewhere (a .pfx exported from IIS,
 * a PEM with key and chain): the key and the certificate that belongs to it
 * replace the installed identity; an ECDSA identity goes beside an installed
 * RSA one (server-ecdsa.*) instead.
 * A pending request is left alone. Nothing changes on error. */
gboolean pp_server_identity_import (PpSite      *site,
                                    const void  *data,
                                    gsize        len,
                                    const char  *passphrase,
                                    GError     **error);

/* ---- exports for phoneprovctl export and the wizard ----------------------- */

typedef enum {
  PP_PKI_OBJECT_CA,        /* ca.crt */
  PP_PKI_OBJECT_SERVER,    /* server.crt (+ server.key for p12) */
  PP_PKI_OBJECT_CHAIN,     /* chain.pem */
  PP_PKI_OBJECT_CSR,       /* server.csr */
  PP_PKI_OBJECT_CRL,       /* crl.pem */
  PP_PKI_OBJECT_KEY,       /* server.key, PEM only, always encrypted PKCS#8 */
} PpPkiObject;

/* "ca", "server", "chain", "csr", "crl", "key" */
gboolean pp_pki_object_from_string (const char *str, PpPkiObject *out);

/* One stored object in @format. PKCS#12 only for SERVER (key + chain, with
 * the friendly name) and needs @passphrase; PKCS#7 for CA/SERVER/CHAIN.
 * CSR and CRL export as PEM or DER. KEY needs @passphrase: the server key
 * leaves the site only encrypted (PBES2 AES-256). */
GBytes  *pp_pki_export (PpSite           *site,
                        PpPkiObject       object,
                        PpExportFormat    format,
                        const char       *passphrase,
                        PpPkcs12Variant   variant,
                        GError          **error);

G_END_DECLS
