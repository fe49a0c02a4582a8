#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/* Import and export of certificates, keys, requests and CRLs. The format is
 * detected by content, never by file name. */

typedef enum {
  PP_CERT_FORMAT_UNKNOWN,
  PP_CERT_FORMAT_PEM,      /* any PEM: certs, keys, CSR, CRL, PKCS#7, mixed */
  PP_CERT_FORMAT_DER,      /* one DER certificate, CSR, CRL or PKCS#8 key */
  PP_CERT_FORMAT_PKCS7,    /* .p7b certificate chain (DER or PEM) */
  PP_CERT_FORMAT_PKCS12,   /* .p12/.pfx */
} PpCertFormat;

const char *pp_cert_format_to_string (PpCertFormat format);

/* What a file held. Certificates are in file order; PKCS#12 leaf first. */
typedef struct {
  PpCertFormat            format;
  GPtrArray              *certs;         /* gnutls_x509_crt_t, owned */
  gnutls_x509_privkey_t   key;           /* NULL when none */
  gnutls_x509_crq_t       csr;           /* NULL when none */
  GPtrArray              *crls;          /* gnutls_x509_crl_t, owned */
  char                   *friendly_name; /* PKCS#12 friendlyName, or NULL */
} PpImport;

/* Parse @data. @passphrase opens PKCS#12 and encrypted PKCS#8 keys; a
 * missing or wrong one gives PP_ERROR_PASSPHRASE. Garbage, truncated or
 * empty input gives PP_ERROR_INVALID with a sentence saying what was
 * expected. */
PpImport *pp_import_data (const void  *data,
                          gsize        len,
                          const char  *passphrase,
                          GError     **error);
PpImport *pp_import_file (const char  *path,
                          const char  *passphrase,
                          GError     **error);
void      pp_import_free (PpImport *import);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpImport, pp_import_free)

/* Convenience: every certificate in @data (PEM, DER, PKCS#7); at least one. */
GPtrArray *pp_certs_from_data (const void *data, gsize len, GError **error);
/* One private key (PEM/DER, PKCS#8 plain or encrypted, or legacy PEM). */
gnutls_x509_privkey_t pp_key_from_data (const void  *data,
                                        gsize        len,
                                        const char  *passphrase,
                                        GError     **error);

typedef enum {
  PP_EXPORT_PEM,
  PP_EXPORT_DER,     /* first certificate only */
  PP_EXPORT_PKCS7,   /* DER .p7b holding every certificate */
  PP_EXPORT_PKCS12,  /* needs a key */
} PpExportFormat;

/* "pem", "der", "p7b", "p12" */
const char *pp_export_format_to_string (PpExportFormat format);
gboolean    pp_export_format_from_string (const char *str, PpExportFormat *out);

typedef enum {
  PP_PKCS12_MODERN,  /* PBES2 AES-256 bags, HMAC-SHA-256 MAC */
  PP_PKCS12_LEGACY,  /* 3DES bags, HMAC-SHA-1 MAC: old Windows/IIS importers;
                        OpenSSL 3 reads it only with -legacy */
} PpPkcs12Variant;

/* @certs: gnutls_x509_crt_t, leaf first. */
GBytes *pp_export_certs (gnutls_x509_crt_t *certs,
                         guint              n_certs,
                         PpExportFormat     format,
                         GError           **error);
/* Leaf first; @passphrase required (PKCS#12 without one is refused).
 * @friendly_name may be NULL. */
GBytes *pp_export_pkcs12 (gnutls_x509_crt_t     *certs,
                          guint                  n_certs,
                          gnutls_x509_privkey_t  key,
                          const char            *friendly_name,
                          const char            *passphrase,
                          PpPkcs12Variant        variant,
                          GError               **error);
/* PKCS#8 PEM, encrypted with PBES2 AES-256 when @passphrase is set. */
char   *pp_export_key_pkcs8 (gnutls_x509_privkey_t   key,
                             const char             *passphrase,
                             GError                **error);

/* PEM text of one certificate / request. */
char   *pp_cert_to_pem (gnutls_x509_crt_t crt, GError **error);
char   *pp_csr_to_pem (gnutls_x509_crq_t crq, GError **error);

/* TRUE when @crt's public key is @key's. */
gboolean pp_cert_matches_key (gnutls_x509_crt_t crt, gnutls_x509_privkey_t key);
/* Same, on PEM/DER data (key may be encrypted with @passphrase). */
gboolean pp_cert_data_matches_key_data (const void  *cert_data,
                                        gsize        cert_len,
                                        const void  *key_data,
                                        gsize        key_len,
                                        const char  *passphrase,
                                        GError     **error);
/* basicConstraints CA:TRUE. */
gboolean pp_cert_is_ca (gnutls_x509_crt_t crt);
gboolean pp_cert_is_self_signed (gnutls_x509_crt_t crt);

/* Fingerprint as uppercase hex with colons; @algo GNUTLS_DIG_SHA256/SHA1/MD5. */
char   *pp_cert_fingerprint (gnutls_x509_crt_t crt, gnutls_digest_algorithm_t algo);
/* Serial as uppercase hex without separators. */
char   *pp_cert_serial_hex (gnutls_x509_crt_t crt);
/* The DN as RFC 4514 text. */
char   *pp_cert_subject (gnutls_x509_crt_t crt);
char   *pp_cert_issuer (gnutls_x509_crt_t crt);
/* First CN of the subject, or NULL. */
char   *pp_cert_subject_cn (gnutls_x509_crt_t crt);

/* Map a GnuTLS error code to a PP_ERROR, with @what ("the certificate") in
 * the sentence. Always returns FALSE, for "return pp_gnutls_error (…)". */
gboolean pp_gnutls_error (GError **error, int code, const char *what);

/* Free functions usable with g_ptr_array_new_with_free_func. */
void pp_x509_crt_free (gpointer crt);
void pp_x509_crl_free (gpointer crl);

/* g_autoptr() names for GnuTLS handles: g_autoptr(PpX509Crt) crt = NULL;
 * gnutls_x509_crt_init (&crt); */
typedef struct gnutls_x509_crt_int     PpX509Crt;
typedef struct gnutls_x509_privkey_int PpX509Privkey;
typedef struct gnutls_x509_crq_int     PpX509Crq;
typedef struct gnutls_x509_crl_int     PpX509Crl;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpX509Crt, gnutls_x509_crt_deinit)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpX509Privkey, gnutls_x509_privkey_deinit)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpX509Crq, gnutls_x509_crq_deinit)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpX509Crl, gnutls_x509_crl_deinit)

G_END_DECLS
