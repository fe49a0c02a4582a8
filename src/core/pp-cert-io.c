/* Import by content, export in the formats administrators meet (PEM, DER,
 * PKCS#7, PKCS#12 modern and legacy, PKCS#8). All parsing is GnuTLS's; this
 * file only decides which parser to try. */
#include "config.h"
#include "pp-cert-io.h"
#include "pp-cert-details.h"
#include "pp-error.h"
#include "pp-fileutil.h"

#include <glib/gi18n-lib.h>
#include <gnutls/pkcs7.h>
#include <gnutls/pkcs12.h>
#include <string.h>

#define MAX_INPUT_BYTES (4 * 1024 * 1024)

typedef struct gnutls_pkcs7_int       PpPkcs7;
typedef struct gnutls_pkcs12_int      PpPkcs12;
typedef struct gnutls_pkcs12_bag_int  PpPkcs12Bag;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPkcs7, gnutls_pkcs7_deinit)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPkcs12, gnutls_pkcs12_deinit)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPkcs12Bag, gnutls_pkcs12_bag_deinit)

gboolean
pp_gnutls_error (GError **error, int code, const char *what)
{
  switch (code)
    {
    case GNUTLS_E_DECRYPTION_FAILED:
    case GNUTLS_E_MAC_VERIFY_FAILED:
      g_set_error (error, PP_ERROR, PP_ERROR_PASSPHRASE,
                   _("Could not open %s: the passphrase is wrong or missing. Enter the passphrase it was protected with."),
                   what);
      break;
    case GNUTLS_E_ASN1_DER_ERROR:
    case GNUTLS_E_ASN1_ELEMENT_NOT_FOUND:
    case GNUTLS_E_ASN1_IDENTIFIER_NOT_FOUND:
    case GNUTLS_E_ASN1_DER_OVERFLOW:
    case GNUTLS_E_ASN1_TAG_ERROR:
    case GNUTLS_E_ASN1_TYPE_ANY_ERROR:
    case GNUTLS_E_ASN1_SYNTAX_ERROR:
    case GNUTLS_E_BASE64_DECODING_ERROR:
    case GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR:
    case GNUTLS_E_UNKNOWN_PK_ALGORITHM:
    case GNUTLS_E_CERTIFICATE_ERROR:
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("Could not read %s: it is damaged or truncated (%s). Get a fresh copy of the file."),
                   what, gnutls_strerror (code));
      break;
    default:
      g_set_error (error, PP_ERROR, PP_ERROR_FAILED, _("Could not process %s: %s."),
                   what, gnutls_strerror (code));
    }
  return FALSE;
}

void
pp_x509_crt_free (gpointer crt)
{
  gnutls_x509_crt_deinit (crt);
}

void
pp_x509_crl_free (gpointer crl)
{
  gnutls_x509_crl_deinit (crl);
}

const char *
pp_cert_format_to_string (PpCertFormat format)
{
  switch (format)
    {
    case PP_CERT_FORMAT_PEM: return "pem";
    case PP_CERT_FORMAT_DER: return "der";
    case PP_CERT_FORMAT_PKCS7: return "pkcs7";
    case PP_CERT_FORMAT_PKCS12: return "pkcs12";
    case PP_CERT_FORMAT_UNKNOWN: default: return "unknown";
    }
}

void
pp_import_free (PpImport *import)
{
  if (import == NULL)
    return;
  g_ptr_array_unref (import->certs);
  g_ptr_array_unref (import->crls);
  if (import->key)
    gnutls_x509_privkey_deinit (import->key);
  if (import->csr)
    gnutls_x509_crq_deinit (import->csr);
  g_free (import->friendly_name);
  g_free (import);
}

static PpImport *
import_new (PpCertFormat format)
{
  PpImport *imp = g_new0 (PpImport, 1);
  imp->format = format;
  imp->certs = g_ptr_array_new_with_free_func (pp_x509_crt_free);
  imp->crls = g_ptr_array_new_with_free_func (pp_x509_crl_free);
  return imp;
}

static gboolean
is_empty_passphrase (const char *p)
{
  return p == NULL || *p == '\0';
}

static int
import_key (gnutls_x509_privkey_t *out, const gnutls_datum_t *d, gnutls_x509_crt_fmt_t fmt,
            const char *passphrase)
{
  gnutls_x509_privkey_t key;
  int ret = gnutls_x509_privkey_init (&key);
  if (ret < 0)
    return ret;
  /* GNUTLS_PKCS_NULL_PASSWORD lets an empty passphrase open keys that
   * Windows exported "without" one. */
  ret = gnutls_x509_privkey_import2 (key, d, fmt, is_empty_passphrase (passphrase) ? NULL : passphrase,
                                     is_empty_passphrase (passphrase) ? GNUTLS_PKCS_PLAIN : 0);
  if (ret < 0)
    {
      gnutls_x509_privkey_deinit (key);
      return ret;
    }
  *out = key;
  return 0;
}

static gboolean
add_pkcs7 (PpImport *imp, const gnutls_datum_t *d, gnutls_x509_crt_fmt_t fmt, GError **error)
{
  g_autoptr(PpPkcs7) p7 = NULL;
  int ret, n;

  gnutls_pkcs7_init (&p7);
  ret = gnutls_pkcs7_import (p7, d, fmt);
  if (ret < 0)
    return pp_gnutls_error (error, ret, _("the PKCS #7 certificate chain"));
  n = gnutls_pkcs7_get_crt_count (p7);
  for (int i = 0; i < n; i++)
    {
      gnutls_datum_t raw = { NULL, 0 };
      gnutls_x509_crt_t crt;
      ret = gnutls_pkcs7_get_crt_raw2 (p7, (unsigned) i, &raw);
      if (ret < 0)
        return pp_gnutls_error (error, ret, _("the PKCS #7 certificate chain"));
      gnutls_x509_crt_init (&crt);
      ret = gnutls_x509_crt_import (crt, &raw, GNUTLS_X509_FMT_DER);
      gnutls_free (raw.data);
      if (ret < 0)
        {
          gnutls_x509_crt_deinit (crt);
          return pp_gnutls_error (error, ret, _("a certificate in the PKCS #7 chain"));
        }
      g_ptr_array_add (imp->certs, crt);
    }
  n = gnutls_pkcs7_get_crl_count (p7);
  for (int i = 0; i < n; i++)
    {
      gnutls_datum_t raw = { NULL, 0 };
      gnutls_x509_crl_t crl;
      if (gnutls_pkcs7_get_crl_raw2 (p7, (unsigned) i, &raw) < 0)
        continue;
      gnutls_x509_crl_init (&crl);
      ret = gnutls_x509_crl_import (crl, &raw, GNUTLS_X509_FMT_DER);
      gnutls_free (raw.data);
      if (ret < 0)
        gnutls_x509_crl_deinit (crl);
      else
        g_ptr_array_add (imp->crls, crl);
    }
  return TRUE;
}

/* One PEM block, handed to the GnuTLS parser its label asks for. */
static gboolean
add_pem_block (PpImport *imp, const char *label, const char *block, gsize len,
               const char *passphrase, GError **error)
{
  gnutls_datum_t d = { (unsigned char *) block, (unsigned) len };
  int ret;

  if (g_str_equal (label, "CERTIFICATE") || g_str_equal (label, "X509 CERTIFICATE")
      || g_str_equal (label, "TRUSTED CERTIFICATE"))
    {
      gnutls_x509_crt_t crt;
      gnutls_x509_crt_init (&crt);
      ret = gnutls_x509_crt_import (crt, &d, GNUTLS_X509_FMT_PEM);
      if (ret < 0)
        {
          gnutls_x509_crt_deinit (crt);
          return pp_gnutls_error (error, ret, _("the certificate"));
        }
      g_ptr_array_add (imp->certs, crt);
    }
  else if (g_str_equal (label, "CERTIFICATE REQUEST") || g_str_equal (label, "NEW CERTIFICATE REQUEST"))
    {
      if (imp->csr != NULL)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The file holds more than one certificate request; give one at a time."));
          return FALSE;
        }
      gnutls_x509_crq_init (&imp->csr);
      ret = gnutls_x509_crq_import (imp->csr, &d, GNUTLS_X509_FMT_PEM);
      if (ret < 0)
        return pp_gnutls_error (error, ret, _("the certificate request"));
    }
  else if (g_str_equal (label, "X509 CRL"))
    {
      gnutls_x509_crl_t crl;
      gnutls_x509_crl_init (&crl);
      ret = gnutls_x509_crl_import (crl, &d, GNUTLS_X509_FMT_PEM);
      if (ret < 0)
        {
          gnutls_x509_crl_deinit (crl);
          return pp_gnutls_error (error, ret, _("the certificate revocation list"));
        }
      g_ptr_array_add (imp->crls, crl);
    }
  else if (g_str_equal (label, "PKCS7"))
    return add_pkcs7 (imp, &d, GNUTLS_X509_FMT_PEM, error);
  else if (g_str_has_suffix (label, "PRIVATE KEY"))
    {
      if (imp->key != NULL)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The file holds more than one private key; give one at a time."));
          return FALSE;
        }
      if (g_str_equal (label, "ENCRYPTED PRIVATE KEY") && is_empty_passphrase (passphrase))
        {
          g_set_error (error, PP_ERROR, PP_ERROR_PASSPHRASE,
                       _("The private key is protected by a passphrase. Give the passphrase to open it."));
          return FALSE;
        }
      ret = import_key (&imp->key, &d, GNUTLS_X509_FMT_PEM, passphrase);
      if (ret < 0)
        return pp_gnutls_error (error, ret, _("the private key"));
    }
  else
    {
      /* The label is file content: keep the message UTF-8 and short. */
      g_autofree char *shown = g_utf8_make_valid (label, MIN (strlen (label), 64));
      g_set_error (error, PP_ERROR, PP_ERROR_UNSUPPORTED,
                   _("The file holds a “%s” block, which phoneprov does not use. Give certificates, keys, requests or CRLs."),
                   shown);
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_pem (PpImport *imp, const char *data, gsize len, const char *passphrase, GError **error)
{
  const char *p = data, *end = data + len;
  guint blocks = 0;

  for (;;)
    {
      const char *begin = g_strstr_len (p, end - p, "-----BEGIN ");
      const char *label_end, *stop, *stop_end;
      g_autofree char *label = NULL, *end_marker = NULL;

      if (begin == NULL)
        break;
      label_end = g_strstr_len (begin + 11, end - (begin + 11), "-----");
      if (label_end == NULL || label_end - (begin + 11) > 64)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The PEM data has a damaged “-----BEGIN” line. Get a fresh copy of the file."));
          return FALSE;
        }
      label = g_strndup (begin + 11, (gsize) (label_end - (begin + 11)));
      end_marker = g_strdup_printf ("-----END %s-----", label);
      stop = g_strstr_len (label_end, end - label_end, end_marker);
      if (stop == NULL)
        {
          g_autofree char *shown = g_utf8_make_valid (label, MIN (strlen (label), 64));
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The PEM data is truncated: “-----BEGIN %s-----” has no END line. Get a complete copy of the file."),
                       shown);
          return FALSE;
        }
      stop_end = stop + strlen (end_marker);
      if (!add_pem_block (imp, label, begin, (gsize) (stop_end - begin), passphrase, error))
        return FALSE;
      blocks++;
      p = stop_end;
    }
  if (blocks == 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The file has no complete PEM block. Expected a certificate, request, key or CRL."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_pkcs12 (PpImport *imp, const gnutls_datum_t *d, const char *passphrase, GError **error)
{
  g_autoptr(PpPkcs12) p12 = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t *chain = NULL, *extra = NULL;
  gnutls_x509_crl_t crl = NULL;
  unsigned n_chain = 0, n_extra = 0;
  int ret;

  gnutls_pkcs12_init (&p12);
  ret = gnutls_pkcs12_import (p12, d, GNUTLS_X509_FMT_DER, 0);
  if (ret < 0)
    return pp_gnutls_error (error, ret, _("the PKCS #12 file"));
  /* Some tools export "without a password", which means an empty one. */
  if (is_empty_passphrase (passphrase))
    passphrase = "";
  ret = gnutls_pkcs12_verify_mac (p12, passphrase);
  if (ret < 0 && *passphrase == '\0')
    {
      g_set_error (error, PP_ERROR, PP_ERROR_PASSPHRASE,
                   _("The PKCS #12 file is protected by a passphrase. Give the passphrase it was exported with."));
      return FALSE;
    }
  if (ret < 0)
    return pp_gnutls_error (error, GNUTLS_E_MAC_VERIFY_FAILED, _("the PKCS #12 file"));

  /* The friendly name lives on the bags; simple_parse does not return it.
   * Plain bags first: decrypting one costs a full key derivation. */
  for (int i = 0; i < 32 && imp->friendly_name == NULL; i++)
    {
      g_autoptr(PpPkcs12Bag) bag = NULL;
      gboolean second_pass = i >= 16;
      gnutls_pkcs12_bag_init (&bag);
      if (gnutls_pkcs12_get_bag (p12, i % 16, bag) < 0)
        {
          if (second_pass)
            break;
          i = 15;
          continue;
        }
      if (gnutls_pkcs12_bag_get_type (bag, 0) == GNUTLS_BAG_ENCRYPTED
          && (!second_pass || gnutls_pkcs12_bag_decrypt (bag, passphrase) < 0))
        continue;
      for (int j = 0; j < gnutls_pkcs12_bag_get_count (bag); j++)
        {
          char *name = NULL;
          if (gnutls_pkcs12_bag_get_friendly_name (bag, (unsigned) j, &name) >= 0 && name)
            {
              imp->friendly_name = g_strdup (name);
              break;
            }
        }
    }

  ret = gnutls_pkcs12_simple_parse (p12, passphrase, &key, &chain, &n_chain, &extra, &n_extra, &crl, 0);
  if (ret < 0)
    return pp_gnutls_error (error, ret, _("the PKCS #12 file"));
  imp->key = key;
  for (unsigned i = 0; i < n_chain; i++)
    g_ptr_array_add (imp->certs, chain[i]);
  for (unsigned i = 0; i < n_extra; i++)
    g_ptr_array_add (imp->certs, extra[i]);
  gnutls_free (chain);
  gnutls_free (extra);
  if (crl)
    g_ptr_array_add (imp->crls, crl);
  return TRUE;
}

static gboolean
looks_like_pem (const char *data, gsize len)
{
  return g_strstr_len (data, (gssize) MIN (len, MAX_INPUT_BYTES), "-----BEGIN ") != NULL;
}

/* DER: try each structure; the first that parses wins. */
static gboolean
import_der (PpImport *imp, const void *data, gsize len, const char *passphrase, GError **error)
{
  gnutls_datum_t d = { (unsigned char *) data, (unsigned) len };
  g_autoptr(PpX509Crt) crt = NULL;
  g_autoptr(PpX509Crq) crq = NULL;
  g_autoptr(PpX509Crl) crl = NULL;
  g_autoptr(PpPkcs7) p7 = NULL;
  g_autoptr(PpPkcs12) p12 = NULL;

  gnutls_x509_crt_init (&crt);
  if (gnutls_x509_crt_import (crt, &d, GNUTLS_X509_FMT_DER) >= 0)
    {
      g_ptr_array_add (imp->certs, g_steal_pointer (&crt));
      return TRUE;
    }
  gnutls_pkcs7_init (&p7);
  if (gnutls_pkcs7_import (p7, &d, GNUTLS_X509_FMT_DER) >= 0)
    {
      imp->format = PP_CERT_FORMAT_PKCS7;
      return add_pkcs7 (imp, &d, GNUTLS_X509_FMT_DER, error);
    }
  gnutls_pkcs12_init (&p12);
  if (gnutls_pkcs12_import (p12, &d, GNUTLS_X509_FMT_DER, 0) >= 0)
    {
      imp->format = PP_CERT_FORMAT_PKCS12;
      return import_pkcs12 (imp, &d, passphrase, error);
    }
  gnutls_x509_crq_init (&crq);
  if (gnutls_x509_crq_import (crq, &d, GNUTLS_X509_FMT_DER) >= 0)
    {
      imp->csr = g_steal_pointer (&crq);
      return TRUE;
    }
  gnutls_x509_crl_init (&crl);
  if (gnutls_x509_crl_import (crl, &d, GNUTLS_X509_FMT_DER) >= 0)
    {
      g_ptr_array_add (imp->crls, g_steal_pointer (&crl));
      return TRUE;
    }
  {
    int ret = import_key (&imp->key, &d, GNUTLS_X509_FMT_DER, passphrase);
    if (ret >= 0)
      return TRUE;
    if (ret == GNUTLS_E_DECRYPTION_FAILED)
      return pp_gnutls_error (error, ret, _("the private key"));
  }
  g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
               _("The data is not a certificate, certificate request, CRL, key, PKCS #7 or PKCS #12 file, or it is truncated. Check that you picked the right file."));
  return FALSE;
}

PpImport *
pp_import_data (const void *data, gsize len, const char *passphrase, GError **error)
{
  g_autoptr(PpImport) imp = NULL;

  if (data == NULL || len == 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("The file is empty. Expected a certificate, request, key or CRL."));
      return NULL;
    }
  if (len > MAX_INPUT_BYTES)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The file is larger than 4 MB, too large for a certificate file. Check that you picked the right file."));
      return NULL;
    }
  if (looks_like_pem (data, len))
    {
      imp = import_new (PP_CERT_FORMAT_PEM);
      if (!import_pem (imp, data, len, passphrase, error))
        return NULL;
    }
  else
    {
      imp = import_new (PP_CERT_FORMAT_DER);
      if (!import_der (imp, data, len, passphrase, error))
        return NULL;
    }
  return g_steal_pointer (&imp);
}

PpImport *
pp_import_file (const char *path, const char *passphrase, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!pp_file_read (path, MAX_INPUT_BYTES, &data, &len, error))
    return NULL;
  return pp_import_data (data, len, passphrase, error);
}

GPtrArray *
pp_certs_from_data (const void *data, gsize len, GError **error)
{
  g_autoptr(PpImport) imp = pp_import_data (data, len, NULL, error);
  if (imp == NULL)
    return NULL;
  if (imp->certs->len == 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The file holds no certificate. Expected a certificate in PEM, DER or PKCS #7 form."));
      return NULL;
    }
  return g_ptr_array_ref (imp->certs);
}

gnutls_x509_privkey_t
pp_key_from_data (const void *data, gsize len, const char *passphrase, GError **error)
{
  g_autoptr(PpImport) imp = pp_import_data (data, len, passphrase, error);
  if (imp == NULL)
    return NULL;
  if (imp->key == NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("The file holds no private key."));
      return NULL;
    }
  return g_steal_pointer (&imp->key);
}

static gboolean
key_ids_equal (gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
  guint8 a[64], b[64];
  size_t na = sizeof a, nb = sizeof b;

  if (gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA256, a, &na) < 0)
    return FALSE;
  if (gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA256, b, &nb) < 0)
    return FALSE;
  return na == nb && memcmp (a, b, na) == 0;
}

gboolean
pp_cert_matches_key (gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
  return crt != NULL && key != NULL && key_ids_equal (crt, key);
}

gboolean
pp_cert_data_matches_key_data (const void *cert_data, gsize cert_len, const void *key_data,
                               gsize key_len, const char *passphrase, GError **error)
{
  g_autoptr(GPtrArray) certs = pp_certs_from_data (cert_data, cert_len, error);
  g_autoptr(PpX509Privkey) key = NULL;

  if (certs == NULL)
    return FALSE;
  key = pp_key_from_data (key_data, key_len, passphrase, error);
  if (key == NULL)
    return FALSE;
  if (!pp_cert_matches_key (certs->pdata[0], key))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_MISMATCH,
                   _("The certificate was issued for a different private key."));
      return FALSE;
    }
  return TRUE;
}

gboolean
pp_cert_is_ca (gnutls_x509_crt_t crt)
{
  unsigned int critical = 0, ca = 0;
  int pathlen = -1;
  int ret = gnutls_x509_crt_get_basic_constraints (crt, &critical, &ca, &pathlen);
  return ret >= 0 && ca != 0;
}

gboolean
pp_cert_is_self_signed (gnutls_x509_crt_t crt)
{
  return gnutls_x509_crt_check_issuer (crt, crt) != 0;
}

char *
pp_cert_fingerprint (gnutls_x509_crt_t crt, gnutls_digest_algorithm_t algo)
{
  guint8 buf[64];
  size_t size = sizeof buf;
  if (gnutls_x509_crt_get_fingerprint (crt, algo, buf, &size) < 0)
    return NULL;
  return pp_hex_format (buf, size, ':');
}

char *
pp_cert_serial_hex (gnutls_x509_crt_t crt)
{
  guint8 buf[64];
  size_t size = sizeof buf;
  if (gnutls_x509_crt_get_serial (crt, buf, &size) < 0)
    return NULL;
  return pp_hex_format (buf, size, 0);
}

static char *
dn_to_string (int ret, gnutls_datum_t *d)
{
  char *s;
  if (ret < 0)
    return g_strdup ("");
  /* Names come from whoever made the certificate: keep them UTF-8 for
   * labels, JSON and logs. */
  s = g_utf8_make_valid ((const char *) d->data, d->size);
  gnutls_free (d->data);
  return s;
}

char *
pp_cert_subject (gnutls_x509_crt_t crt)
{
  gnutls_datum_t d = { NULL, 0 };
  return dn_to_string (gnutls_x509_crt_get_dn3 (crt, &d, 0), &d);
}

char *
pp_cert_issuer (gnutls_x509_crt_t crt)
{
  gnutls_datum_t d = { NULL, 0 };
  return dn_to_string (gnutls_x509_crt_get_issuer_dn3 (crt, &d, 0), &d);
}

char *
pp_cert_subject_cn (gnutls_x509_crt_t crt)
{
  char buf[1024];
  size_t size = sizeof buf;
  if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &size) < 0)
    return NULL;
  /* Not g_strndup: a NUL inside the CN ("0004f2abcdef\0x") must not
   * shorten it into a MAC-looking name. */
  return g_utf8_make_valid (buf, (gssize) size);
}
