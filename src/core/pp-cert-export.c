/* Export: PEM, DER, PKCS#7, PKCS#12 (modern and legacy), PKCS#8. */
#include "config.h"
#include "pp-cert-io.h"
#include "pp-error.h"

#include <glib/gi18n-lib.h>
#include <gnutls/pkcs7.h>
#include <gnutls/pkcs12.h>
#include <string.h>

typedef struct gnutls_pkcs7_int       PpPkcs7;
typedef struct gnutls_pkcs12_int      PpPkcs12;
typedef struct gnutls_pkcs12_bag_int  PpPkcs12Bag;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPkcs7, gnutls_pkcs7_deinit)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPkcs12, gnutls_pkcs12_deinit)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPkcs12Bag, gnutls_pkcs12_bag_deinit)

static gboolean
is_empty_passphrase (const char *p)
{
  return p == NULL || *p == '\0';
}

const char *
pp_export_format_to_string (PpExportFormat format)
{
  static const char *names[] = { "pem", "der", "p7b", "p12" };
  return (guint) format < G_N_ELEMENTS (names) ? names[format] : "pem";
}

gboolean
pp_export_format_from_string (const char *str, PpExportFormat *out)
{
  static const struct { const char *name; PpExportFormat f; } map[] = {
    { "pem", PP_EXPORT_PEM }, { "der", PP_EXPORT_DER }, { "cer", PP_EXPORT_DER },
    { "p7b", PP_EXPORT_PKCS7 }, { "pkcs7", PP_EXPORT_PKCS7 },
    { "p12", PP_EXPORT_PKCS12 }, { "pfx", PP_EXPORT_PKCS12 }, { "pkcs12", PP_EXPORT_PKCS12 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_ascii_strcasecmp (str, map[i].name) == 0)
      {
        *out = map[i].f;
        return TRUE;
      }
  return FALSE;
}

static GBytes *
datum_to_bytes (gnutls_datum_t *d)
{
  GBytes *b = g_bytes_new (d->data, d->size);
  gnutls_free (d->data);
  d->data = NULL;
  return b;
}

GBytes *
pp_export_certs (gnutls_x509_crt_t *certs, guint n_certs, PpExportFormat format, GError **error)
{
  gnutls_datum_t out = { NULL, 0 };
  int ret;

  if (n_certs == 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND, _("There is no certificate to export."));
      return NULL;
    }
  switch (format)
    {
    case PP_EXPORT_PEM:
      {
        GString *s = g_string_new (NULL);
        for (guint i = 0; i < n_certs; i++)
          {
            ret = gnutls_x509_crt_export2 (certs[i], GNUTLS_X509_FMT_PEM, &out);
            if (ret < 0)
              {
                g_string_free (s, TRUE);
                pp_gnutls_error (error, ret, _("the certificate"));
                return NULL;
              }
            g_string_append_len (s, (const char *) out.data, out.size);
            gnutls_free (out.data);
          }
        return g_string_free_to_bytes (s);
      }
    case PP_EXPORT_DER:
      ret = gnutls_x509_crt_export2 (certs[0], GNUTLS_X509_FMT_DER, &out);
      if (ret < 0)
        {
          pp_gnutls_error (error, ret, _("the certificate"));
          return NULL;
        }
      return datum_to_bytes (&out);
    case PP_EXPORT_PKCS7:
      {
        g_autoptr(PpPkcs7) p7 = NULL;
        gnutls_pkcs7_init (&p7);
        for (guint i = 0; i < n_certs; i++)
          if ((ret = gnutls_pkcs7_set_crt (p7, certs[i])) < 0)
            {
              pp_gnutls_error (error, ret, _("the PKCS #7 chain"));
              return NULL;
            }
        ret = gnutls_pkcs7_export2 (p7, GNUTLS_X509_FMT_DER, &out);
        if (ret < 0)
          {
            pp_gnutls_error (error, ret, _("the PKCS #7 chain"));
            return NULL;
          }
        return datum_to_bytes (&out);
      }
    case PP_EXPORT_PKCS12:
    default:
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("A PKCS #12 file needs the private key too; export the server identity instead."));
      return NULL;
    }
}

GBytes *
pp_export_pkcs12 (gnutls_x509_crt_t *certs, guint n_certs, gnutls_x509_privkey_t key,
                  const char *friendly_name, const char *passphrase, PpPkcs12Variant variant,
                  GError **error)
{
  g_autoptr(PpPkcs12) p12 = NULL;
  g_autoptr(PpPkcs12Bag) cbag = NULL, kbag = NULL;
  unsigned flags = variant == PP_PKCS12_LEGACY ? GNUTLS_PKCS_PKCS12_3DES : GNUTLS_PKCS_PBES2_AES_256;
  guint8 id[64];
  size_t id_size = sizeof id;
  gnutls_datum_t key_id, out = { NULL, 0 };
  int ret, idx;

  if (is_empty_passphrase (passphrase))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_PASSPHRASE,
                   _("A PKCS #12 file must be protected by a passphrase; give one."));
      return NULL;
    }
  if (n_certs == 0 || key == NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND, _("A PKCS #12 file needs a certificate and its key."));
      return NULL;
    }
  if (!pp_cert_matches_key (certs[0], key))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_MISMATCH,
                   _("The certificate does not belong to the private key, so they cannot be exported together."));
      return NULL;
    }
  ret = gnutls_x509_crt_get_key_id (certs[0], GNUTLS_KEYID_USE_SHA1, id, &id_size);
  if (ret < 0)
    goto fail;
  key_id.data = id;
  key_id.size = (unsigned) id_size;

  gnutls_pkcs12_init (&p12);
  gnutls_pkcs12_bag_init (&cbag);
  for (guint i = 0; i < n_certs; i++)
    {
      idx = gnutls_pkcs12_bag_set_crt (cbag, certs[i]);
      if (idx < 0)
        {
          ret = idx;
          goto fail;
        }
      if (i == 0)
        {
          gnutls_pkcs12_bag_set_key_id (cbag, (unsigned) idx, &key_id);
          if (friendly_name && *friendly_name)
            gnutls_pkcs12_bag_set_friendly_name (cbag, (unsigned) idx, friendly_name);
        }
    }
  if ((ret = gnutls_pkcs12_bag_encrypt (cbag, passphrase, flags)) < 0
      || (ret = gnutls_pkcs12_set_bag (p12, cbag)) < 0)
    goto fail;

  gnutls_pkcs12_bag_init (&kbag);
  idx = gnutls_pkcs12_bag_set_privkey (kbag, key, passphrase, flags);
  if (idx < 0)
    {
      ret = idx;
      goto fail;
    }
  gnutls_pkcs12_bag_set_key_id (kbag, (unsigned) idx, &key_id);
  if (friendly_name && *friendly_name)
    gnutls_pkcs12_bag_set_friendly_name (kbag, (unsigned) idx, friendly_name);
  if ((ret = gnutls_pkcs12_set_bag (p12, kbag)) < 0)
    goto fail;

  ret = variant == PP_PKCS12_LEGACY ? gnutls_pkcs12_generate_mac2 (p12, GNUTLS_MAC_SHA1, passphrase)
                                    : gnutls_pkcs12_generate_mac2 (p12, GNUTLS_MAC_SHA256, passphrase);
  if (ret < 0 || (ret = gnutls_pkcs12_export2 (p12, GNUTLS_X509_FMT_DER, &out)) < 0)
    goto fail;
  return datum_to_bytes (&out);

fail:
  pp_gnutls_error (error, ret, _("the PKCS #12 file"));
  return NULL;
}

char *
pp_export_key_pkcs8 (gnutls_x509_privkey_t key, const char *passphrase, GError **error)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;
  int ret;

  if (is_empty_passphrase (passphrase))
    ret = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &out);
  else
    ret = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, passphrase,
                                             GNUTLS_PKCS_PBES2_AES_256, &out);
  if (ret < 0)
    {
      pp_gnutls_error (error, ret, _("the private key"));
      return NULL;
    }
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_memset (out.data, 0, out.size);
  gnutls_free (out.data);
  return pem;
}

char *
pp_cert_to_pem (gnutls_x509_crt_t crt, GError **error)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;
  int ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out);
  if (ret < 0)
    {
      pp_gnutls_error (error, ret, _("the certificate"));
      return NULL;
    }
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}

char *
pp_csr_to_pem (gnutls_x509_crq_t crq, GError **error)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;
  int ret = gnutls_x509_crq_export2 (crq, GNUTLS_X509_FMT_PEM, &out);
  if (ret < 0)
    {
      pp_gnutls_error (error, ret, _("the certificate request"));
      return NULL;
    }
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}
