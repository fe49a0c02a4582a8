/* Exports of the site's PKI objects for phoneprovctl export and the wizard. */
#include "config.h"
#include "pp-pki-private.h"
#include "pp-error.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

gboolean
pp_pki_object_from_string (const char *str, PpPkiObject *out)
{
  static const char *names[] = { "ca", "server", "chain", "csr", "crl", "key" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (str, names[i]) == 0)
      {
        *out = (PpPkiObject) i;
        return TRUE;
      }
  return FALSE;
}

static GBytes *
export_pem_object (PpSite *site, const char *rel, const char *missing, PpExportFormat format,
                   gboolean crl, GError **error)
{
  g_autoptr(GBytes) b = pp_pki_read (site, rel, missing, error);
  g_autoptr(PpImport) imp = NULL;
  gnutls_datum_t out = { NULL, 0 };
  GBytes *res;
  int ret;

  if (b == NULL)
    return NULL;
  if (format == PP_EXPORT_PEM)
    return g_steal_pointer (&b);
  if (format != PP_EXPORT_DER)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("Requests and CRLs can be exported as PEM or DER only."));
      return NULL;
    }
  imp = pp_import_data (g_bytes_get_data (b, NULL), g_bytes_get_size (b), NULL, error);
  if (imp == NULL)
    return NULL;
  if (crl && imp->crls->len > 0)
    ret = gnutls_x509_crl_export2 (imp->crls->pdata[0], GNUTLS_X509_FMT_DER, &out);
  else if (!crl && imp->csr)
    ret = gnutls_x509_crq_export2 (imp->csr, GNUTLS_X509_FMT_DER, &out);
  else
    ret = GNUTLS_E_ASN1_DER_ERROR;
  if (ret < 0)
    {
      pp_gnutls_error (error, ret, rel);
      return NULL;
    }
  res = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  return res;
}

GBytes *
pp_pki_export (PpSite *site, PpPkiObject object, PpExportFormat format, const char *passphrase,
               PpPkcs12Variant variant, GError **error)
{
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  const char *rel = PP_CA_CRT;
  const char *missing = _("This site has no certificate authority yet. Create one with “phoneprovctl ca init”.");

  switch (object)
    {
    case PP_PKI_OBJECT_CSR:
      return export_pem_object (site, PP_SRV_CSR,
                                _("This site has no server certificate request. Create one with “phoneprovctl csr new”."),
                                format, FALSE, error);
    case PP_PKI_OBJECT_CRL:
      return export_pem_object (site, PP_CA_CRL, _("This site has no CRL; it needs a CA first."),
                                format, TRUE, error);
    case PP_PKI_OBJECT_SERVER:
    case PP_PKI_OBJECT_CHAIN:
      rel = object == PP_PKI_OBJECT_SERVER && format != PP_EXPORT_PKCS12 ? PP_SRV_CRT : PP_SRV_CHAIN;
      missing = _("This site has no server certificate installed yet. Sign the request (“phoneprovctl ca sign”) or install one (“phoneprovctl cert install”).");
      break;
    case PP_PKI_OBJECT_KEY:
      {
        g_autoptr(PpX509Privkey) key = NULL;
        char *pem;
        if (passphrase == NULL || *passphrase == '\0')
          {
            g_set_error (error, PP_ERROR, PP_ERROR_PASSPHRASE,
                         _("The server key leaves the site only encrypted; give a passphrase for it."));
            return NULL;
          }
        if (format != PP_EXPORT_PEM)
          {
            g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("The key is exported as encrypted PKCS #8 PEM only."));
            return NULL;
          }
        key = pp_pki_load_key (site, PP_SRV_KEY);
        if (key == NULL)
          {
            g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                         _("This site has no installed server key yet. Create a request and install its certificate first."));
            return NULL;
          }
        pem = pp_export_key_pkcs8 (key, passphrase, error);
        return pem ? g_bytes_new_take (pem, strlen (pem)) : NULL;
      }
    case PP_PKI_OBJECT_CA:
    default:
      break;
    }
  b = pp_pki_read (site, rel, missing, error);
  if (b == NULL)
    return NULL;
  certs = pp_certs_from_data (g_bytes_get_data (b, NULL), g_bytes_get_size (b), error);
  if (certs == NULL)
    return NULL;
  if (format == PP_EXPORT_PKCS12)
    {
      g_autoptr(PpX509Privkey) key = NULL;
      g_autofree char *friendly = NULL;
      if (object != PP_PKI_OBJECT_SERVER)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("Only the server identity (certificate and key) can be exported as PKCS #12; the CA key never leaves the site this way."));
          return NULL;
        }
      key = pp_pki_load_key (site, PP_SRV_KEY);
      if (key == NULL)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND, _("The server key (pki/server/server.key) is missing or damaged."));
          return NULL;
        }
      friendly = pp_server_get_friendly_name (site);
      return pp_export_pkcs12 ((gnutls_x509_crt_t *) certs->pdata, certs->len, key, friendly, passphrase,
                               variant, error);
    }
  return pp_export_certs ((gnutls_x509_crt_t *) certs->pdata, certs->len, format, error);
}
