#pragma once

/* Shared by pp-pki*.c only. */
#include "pp-pki.h"

G_BEGIN_DECLS

#define PP_PKI_MAX_FILE (1024 * 1024)

#define PP_CA_CRT    "pki/ca/ca.crt"
#define PP_CA_KEY    "pki/ca/ca.key"
#define PP_CA_INDEX  "pki/ca/index.json"
#define PP_CA_CRLNUM "pki/ca/crlnumber"
#define PP_CA_CRL    "pki/ca/crl.pem"
#define PP_SRV_KEY   "pki/server/server.key"
#define PP_SRV_CSR   "pki/server/server.csr"
#define PP_SRV_CRT   "pki/server/server.crt"
#define PP_SRV_CHAIN "pki/server/chain.pem"
#define PP_SRV_EKEY  "pki/server/server-ecdsa.key"
#define PP_SRV_ECSR  "pki/server/server-ecdsa.csr"
#define PP_SRV_ECRT  "pki/server/server-ecdsa.crt"
#define PP_SRV_ECHAIN "pki/server/chain-ecdsa.pem"
#define PP_SRV_REQ   "pki/server/request.json"
/* Keys of a request not yet answered live beside the installed identity, so
 * the daemon never sees server.crt with a key it does not belong to. */
#define PP_SRV_PKEY  "pki/server/pending.key"
#define PP_SRV_PEKEY "pki/server/pending-ecdsa.key"

/* All-or-nothing change of one folder (pp-pki-txn.c): begin copies it (or
 * starts empty), write/remove act on the copy, commit swaps it in; freeing
 * an uncommitted transaction drops it. Names are file names in the folder. */
typedef struct _PpPkiTxn PpPkiTxn;
PpPkiTxn *pp_pki_txn_begin (PpSite *site, const char *rel, gboolean start_empty, GError **error);
gboolean  pp_pki_txn_write (PpPkiTxn *txn, const char *name, const void *data, gsize len,
                            gboolean secret, GError **error);
void      pp_pki_txn_remove (PpPkiTxn *txn, const char *name);
/* Copy the live folder's files into old-<UTC time>/ of the new state, and
 * carry over earlier old-* archives. Returns the archive's name. */
char     *pp_pki_txn_archive_previous (PpPkiTxn *txn, GError **error);
gboolean  pp_pki_txn_commit (PpPkiTxn *txn, GError **error);
void      pp_pki_txn_free (PpPkiTxn *txn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPkiTxn, pp_pki_txn_free)

/* Read <site>/@rel; PP_ERROR_NOT_FOUND with @missing_msg when absent. */
GBytes  *pp_pki_read (PpSite *site, const char *rel, const char *missing_msg, GError **error);
gboolean pp_pki_write (PpSite *site, const char *rel, const void *data, gsize len,
                       gboolean secret, GError **error);
gboolean pp_pki_exists (PpSite *site, const char *rel);

/* Unencrypted key / first certificate of a site file, or NULL. */
gnutls_x509_privkey_t pp_pki_load_key (PpSite *site, const char *rel);
gnutls_x509_crt_t     pp_pki_load_first_cert (PpSite *site, const char *rel);

gnutls_x509_privkey_t pp_pki_generate_key (PpKeyType type, GError **error);

/* Load the site's CA certificate, and its key when @key is not NULL. Checks
 * that the CA is currently valid when @check_validity. */
gboolean pp_pki_load_ca (PpSite                 *site,
                         const char             *passphrase,
                         gboolean                check_validity,
                         gnutls_x509_crt_t      *crt,
                         gnutls_x509_privkey_t  *key,
                         GError                **error);

/* Sign @crq with the CA; records it in the index. */
gnutls_x509_crt_t pp_pki_sign_crq (PpSite                *site,
                                   gnutls_x509_crq_t      crq,
                                   PpCertTemplate         tmpl,
                                   guint                  days,
                                   gnutls_x509_crt_t      ca_crt,
                                   gnutls_x509_privkey_t  ca_key,
                                   GError               **error);

/* A signed CRL listing the revoked entries of @entries (may be NULL). */
GBytes  *pp_pki_crl_build (gnutls_x509_crt_t ca, gnutls_x509_privkey_t key, GPtrArray *entries,
                           guint64 number, guint days, GError **error);

/* Append a freshly issued certificate to index.json. */
gboolean pp_ca_index_add (PpSite *site, gnutls_x509_crt_t crt, PpCertTemplate tmpl, GError **error);

gnutls_digest_algorithm_t pp_pki_digest_for_key (gnutls_x509_privkey_t key);

/* Install helper shared by pp_server_cert_install and pp_ca_sign_pending. */
gboolean pp_pki_install_certs (PpSite *site, GPtrArray *certs, GError **error);

G_END_DECLS
