/* Certificate import by content: PEM (any mix), DER certificate/CSR/CRL/
 * PKCS#8, PKCS#7, PKCS#12 — what an admin (or a hostile bundle) hands the
 * wizard and phoneprovctl. Properties: a refusal has a message; a success
 * holds something; every certificate re-exports and re-imports to the same
 * fingerprint, and its names are UTF-8 (they reach GTK labels and JSON);
 * a key survives a PKCS#8 round trip; the PKCS#7 export of the chain
 * imports back to the same chain. */
#include "config.h"
#include "fuzz-common.h"
#include "pp-cert-io.h"
#include "pp-error.h"

#include <string.h>

#define PASSPHRASE "phoneprov"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  gnutls_global_init ();
  return 0;
}

static void
check_text (const char *what, const char *s)
{
  if (s != NULL)
    FUZZ_CHECK (g_utf8_validate (s, -1, NULL), "%s is not UTF-8", what);
}

static void
check_cert (gnutls_x509_crt_t crt)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = pp_cert_fingerprint (crt, GNUTLS_DIG_SHA256);
  g_autofree char *md5 = pp_cert_fingerprint (crt, GNUTLS_DIG_MD5);
  g_autofree char *serial = pp_cert_serial_hex (crt);
  g_autofree char *subject = pp_cert_subject (crt);
  g_autofree char *issuer = pp_cert_issuer (crt);
  g_autofree char *cn = pp_cert_subject_cn (crt);
  g_autofree char *pem = NULL;
  g_autoptr(GPtrArray) again = NULL;

  FUZZ_CHECK (sha256 != NULL && strlen (sha256) == 32 * 3 - 1, "sha256 fingerprint");
  FUZZ_CHECK (md5 != NULL && strlen (md5) == 16 * 3 - 1, "md5 fingerprint");
  check_text ("serial", serial);
  check_text ("subject", subject);
  check_text ("issuer", issuer);
  check_text ("subject CN", cn);
  (void) pp_cert_is_ca (crt);
  (void) pp_cert_is_self_signed (crt);

  pem = pp_cert_to_pem (crt, &error);
  FUZZ_CHECK (pem != NULL, "an imported certificate does not export: %s", error->message);
  again = pp_certs_from_data (pem, strlen (pem), &error);
  FUZZ_CHECK (again != NULL && again->len == 1, "exported PEM does not import: %s",
              error ? error->message : "count");
  {
    g_autofree char *fp2 = pp_cert_fingerprint (again->pdata[0], GNUTLS_DIG_SHA256);
    FUZZ_CHECK (g_strcmp0 (sha256, fp2) == 0, "fingerprint changed over PEM round trip");
  }
}

static void
check_key (gnutls_x509_privkey_t key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = pp_export_key_pkcs8 (key, NULL, &error);
  gnutls_x509_privkey_t again;
  unsigned char id1[64], id2[64];
  size_t n1 = sizeof id1, n2 = sizeof id2;

  /* GnuTLS parses some keys it cannot write back (unusual parameters);
   * a clear error is fine, a crash is not. */
  if (pem == NULL)
    {
      FUZZ_CHECK (error != NULL && error->message[0] != '\0', "key export refusal without a message");
      return;
    }
  again = pp_key_from_data (pem, strlen (pem), NULL, &error);
  FUZZ_CHECK (again != NULL, "exported PKCS#8 does not import: %s", error->message);
  if (gnutls_x509_privkey_get_key_id (key, 0, id1, &n1) >= 0)
    {
      FUZZ_CHECK (gnutls_x509_privkey_get_key_id (again, 0, id2, &n2) >= 0, "key id after round trip");
      FUZZ_CHECK (n1 == n2 && memcmp (id1, id2, n1) == 0, "key changed over PKCS#8 round trip");
    }
  gnutls_x509_privkey_deinit (again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpImport) imp = NULL;

  imp = pp_import_data (data, size, NULL, &error);
  if (imp == NULL && g_error_matches (error, PP_ERROR, PP_ERROR_PASSPHRASE))
    {
      g_clear_error (&error);
      imp = pp_import_data (data, size, PASSPHRASE, &error);
    }
  if (imp == NULL)
    {
      FUZZ_CHECK (error != NULL && error->domain == PP_ERROR && error->message[0] != '\0',
                  "refusal without a PP_ERROR message");
      check_text ("error message", error->message);
      return 0;
    }
  FUZZ_CHECK (imp->format != PP_CERT_FORMAT_UNKNOWN, "format unknown");
  FUZZ_CHECK (imp->certs->len + imp->crls->len > 0 || imp->key || imp->csr, "empty import");
  check_text ("friendly name", imp->friendly_name);

  for (guint i = 0; i < imp->certs->len; i++)
    check_cert (imp->certs->pdata[i]);
  if (imp->key)
    {
      check_key (imp->key);
      for (guint i = 0; i < imp->certs->len; i++)
        (void) pp_cert_matches_key (imp->certs->pdata[i], imp->key);
    }
  if (imp->csr)
    {
      g_autofree char *pem = pp_csr_to_pem (imp->csr, NULL);
      FUZZ_CHECK (pem != NULL, "an imported request does not export");
    }
  if (imp->certs->len > 0)
    {
      g_autoptr(GBytes) p7 = pp_export_certs ((gnutls_x509_crt_t *) imp->certs->pdata, imp->certs->len,
                                              PP_EXPORT_PKCS7, &error);
      g_autoptr(PpImport) back = NULL;
      FUZZ_CHECK (p7 != NULL, "PKCS#7 export of imported certificates: %s", error->message);
      back = pp_import_data (g_bytes_get_data (p7, NULL), g_bytes_get_size (p7), NULL, &error);
      FUZZ_CHECK (back != NULL && back->certs->len == imp->certs->len,
                  "PKCS#7 export does not import back: %s", error ? error->message : "count");
      /* Same set of certificates: DER sorts a SET OF, so order may change. */
      {
        g_autoptr(GHashTable) fps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
        for (guint i = 0; i < imp->certs->len; i++)
          g_hash_table_add (fps, pp_cert_fingerprint (imp->certs->pdata[i], GNUTLS_DIG_SHA256));
        for (guint i = 0; i < back->certs->len; i++)
          {
            g_autofree char *b = pp_cert_fingerprint (back->certs->pdata[i], GNUTLS_DIG_SHA256);
            FUZZ_CHECK (g_hash_table_contains (fps, b), "PKCS#7 round trip changed certificate %u", i);
          }
      }
    }
  return 0;
}
