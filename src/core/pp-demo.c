#include "config.h"
#include "pp-demo.h"
#include "pp-cert-io.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-phone-account.h"
#include "pp-phone-config.h"
#include "pp-pki-private.h"
#include "pp-trust.h"

#include <gnutls/abstract.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <utime.h>

typedef enum { DEMO_CA, DEMO_SERVER, DEMO_CLIENT } DemoKind;

/* Provable (FIPS 186-4) RSA generation from a seed: the same label always
 * gives the same key, so certificates and fingerprints repeat exactly. */
static gnutls_x509_privkey_t
demo_key (const char *label, GError **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  gnutls_keygen_data_st data;
  gnutls_x509_privkey_t key = NULL;
  int ret;

  g_checksum_update (sum, (const guchar *) label, -1);
  g_checksum_get_digest (sum, digest, &len);
  data.type = GNUTLS_KEYGEN_SEED;
  data.data = digest;
  data.size = 28;  /* 2 × the 112-bit strength of RSA 2048 */
  gnutls_x509_privkey_init (&key);
  ret = gnutls_x509_privkey_generate2 (key, GNUTLS_PK_RSA, 2048, GNUTLS_PRIVKEY_FLAG_PROVABLE, &data, 1);
  if (ret < 0)
    {
      gnutls_x509_privkey_deinit (key);
      pp_gnutls_error (error, ret, _("the demo key"));
      return NULL;
    }
  return key;
}

static gnutls_x509_crt_t
demo_cert (const char *dn, gnutls_x509_privkey_t key, gnutls_x509_crt_t issuer,
           gnutls_x509_privkey_t issuer_key, guint8 serial_byte, guint days, DemoKind kind,
           GError **error)
{
  g_autoptr(PpX509Crt) crt = NULL;
  guint8 serial[8] = { 0x50, 0x50, 0x44, 0x45, 0x4d, 0x4f, 0x00, serial_byte };  /* "PPDEMO" */
  guint8 id[64];
  size_t id_size = sizeof id;
  int ret;

  gnutls_x509_crt_init (&crt);
  if ((ret = gnutls_x509_crt_set_dn (crt, dn, NULL)) < 0
      || (ret = gnutls_x509_crt_set_version (crt, 3)) < 0
      || (ret = gnutls_x509_crt_set_serial (crt, serial, sizeof serial)) < 0
      || (ret = gnutls_x509_crt_set_key (crt, key)) < 0
      || (ret = gnutls_x509_crt_set_activation_time (crt, (time_t) PP_DEMO_EPOCH)) < 0
      || (ret = gnutls_x509_crt_set_expiration_time (crt, (time_t) (PP_DEMO_EPOCH + (gint64) days * 86400))) < 0
      || (ret = gnutls_x509_crt_set_basic_constraints (crt, kind == DEMO_CA, -1)) < 0
      || (ret = gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, id, &id_size)) < 0
      || (ret = gnutls_x509_crt_set_subject_key_id (crt, id, id_size)) < 0)
    goto fail;
  if (issuer)
    {
      id_size = sizeof id;
      if ((ret = gnutls_x509_crt_get_subject_key_id (issuer, id, &id_size, NULL)) < 0)
        goto fail;
    }
  if ((ret = gnutls_x509_crt_set_authority_key_id (crt, id, id_size)) < 0)
    goto fail;
  switch (kind)
    {
    case DEMO_CA:
      ret = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN | GNUTLS_KEY_DIGITAL_SIGNATURE);
      break;
    case DEMO_SERVER:
      if ((ret = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT)) < 0
          || (ret = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0
          || (ret = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, PP_DEMO_HOSTNAME,
                                                          strlen (PP_DEMO_HOSTNAME), GNUTLS_FSAN_APPEND)) < 0)
        goto fail;
      {
        const guint8 ip[4] = { 192, 0, 2, 10 };  /* TEST-NET-1 */
        ret = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, ip, sizeof ip, GNUTLS_FSAN_APPEND);
      }
      break;
    case DEMO_CLIENT:
      if ((ret = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT)) < 0)
        goto fail;
      ret = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_CLIENT, 0);
      break;
    }
  if (ret < 0)
    goto fail;
  ret = gnutls_x509_crt_sign2 (crt, issuer ? issuer : crt, issuer_key ? issuer_key : key, GNUTLS_DIG_SHA256, 0);
  if (ret < 0)
    goto fail;
  return g_steal_pointer (&crt);

fail:
  pp_gnutls_error (error, ret, _("the demo certificate"));
  return NULL;
}

static char *
demo_csr_pem (const char *dn, gnutls_x509_privkey_t key, GError **error)
{
  g_autoptr(PpX509Crq) crq = NULL;
  const guint8 ip[4] = { 192, 0, 2, 10 };
  int ret;

  gnutls_x509_crq_init (&crq);
  if ((ret = gnutls_x509_crq_set_dn (crq, dn, NULL)) < 0
      || (ret = gnutls_x509_crq_set_version (crq, 1)) < 0
      || (ret = gnutls_x509_crq_set_key (crq, key)) < 0
      || (ret = gnutls_x509_crq_set_subject_alt_name (crq, GNUTLS_SAN_DNSNAME, PP_DEMO_HOSTNAME,
                                                      strlen (PP_DEMO_HOSTNAME), GNUTLS_FSAN_APPEND)) < 0
      || (ret = gnutls_x509_crq_set_subject_alt_name (crq, GNUTLS_SAN_IPADDRESS, ip, sizeof ip, GNUTLS_FSAN_APPEND)) < 0
      || (ret = gnutls_x509_crq_sign2 (crq, key, GNUTLS_DIG_SHA256, 0)) < 0)
    {
      pp_gnutls_error (error, ret, _("the demo request"));
      return NULL;
    }
  return pp_csr_to_pem (crq, error);
}

/* ---- boot files ------------------------------------------------------------ */

static const struct { const char *name; const char *text; gsize pad; } boot_files[] = {
  { "000000000000.cfg",
    "<?xml version=\"1.0\" standalone=\"yes\"?>\n"
    "<APPLICATION APP_FILE_PATH=\"sip.ld\" CONFIG_FILES=\"phoneprov-https.cfg, sip.cfg, phone1.cfg\"\n"
    "  MISC_FILES=\"\" LOG_FILE_DIRECTORY=\"\" OVERRIDES_DIRECTORY=\"\" CONTACTS_DIRECTORY=\"\"\n"
    "  LICENSE_DIRECTORY=\"\" USER_PROFILES_DIRECTORY=\"\" CALL_LISTS_DIRECTORY=\"\"/>\n", 0 },
  { "sip.cfg", "<?xml version=\"1.0\" standalone=\"yes\"?>\n<PHONE_CONFIG><ALL tcpIpApp.sntp.address=\"pool.ntp.org\"/></PHONE_CONFIG>\n", 0 },
  { "phone1.cfg", "<?xml version=\"1.0\" standalone=\"yes\"?>\n<PHONE_CONFIG><ALL reg.1.address=\"1001\" reg.1.label=\"Reception\"/></PHONE_CONFIG>\n", 0 },
  { "sip.ver", "5.9.7.4525\n", 0 },
  { "sip.ld", "demo application image (a real one is 40–90 MB)\n", 2 * 1024 * 1024 },
  { "bootrom.ld", "demo bootROM image\n", 512 * 1024 },
};

static gboolean
write_boot_files (PpSite *site, GError **error)
{
  g_autofree char *boot = pp_site_get_boot_dir (site);

  if (!pp_mkdir (boot, 0755, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (boot_files); i++)
    {
      g_autofree char *path = g_build_filename (boot, boot_files[i].name, NULL);
      gsize len = strlen (boot_files[i].text);
      gsize total = MAX (len, boot_files[i].pad);
      g_autofree char *data = g_malloc0 (total);
      struct utimbuf times = { (time_t) PP_DEMO_EPOCH, (time_t) PP_DEMO_EPOCH };

      memcpy (data, boot_files[i].text, len);
      if (!pp_file_write_atomic (path, data, total, 0644, error))
        return FALSE;
      /* Fixed times: the boot page lists them. */
      utime (path, &times);
    }
  return TRUE;
}

/* What the "Phone trusts the server" step leaves in the boot directory. */
static gboolean
write_phone_files (PpSite *site, GError **error)
{
  g_autoptr(GBytes) root = pp_site_get_root_for_phones (site);
  g_autofree char *boot = pp_site_get_boot_dir (site);
  g_autofree char *ca = g_build_filename (boot, PP_PHONE_CA_FILE, NULL);
  g_autofree char *cfg = g_build_filename (boot, PP_PHONE_CONFIG_FILE, NULL);
  g_autofree char *text = NULL;
  struct utimbuf times = { (time_t) PP_DEMO_EPOCH, (time_t) PP_DEMO_EPOCH };

  if (root == NULL)
    {
      g_set_error_literal (error, PP_ERROR, PP_ERROR_NOT_FOUND, _("The demo site has no CA certificate."));
      return FALSE;
    }
  text = pp_phone_config_generate (site, root);
  if (!pp_file_write_atomic (ca, g_bytes_get_data (root, NULL), g_bytes_get_size (root), 0644, error)
      || !pp_file_write_atomic (cfg, text, strlen (text), 0644, error))
    return FALSE;
  utime (ca, &times);
  utime (cfg, &times);
  return TRUE;
}

/* ---- the demo lab's phone CA and phone ------------------------------------- */

#define LAB_CA_DN "CN=Example Lab Phone CA,O=Example Corp,C=CA"

static gboolean
lab_ca (gnutls_x509_crt_t *crt, gnutls_x509_privkey_t *key, GError **error)
{
  *key = demo_key ("phoneprov demo: lab phone CA", error);
  if (*key == NULL)
    return FALSE;
  *crt = demo_cert (LAB_CA_DN, *key, NULL, NULL, 0x10, 7300, DEMO_CA, error);
  return *crt != NULL;
}

char *
pp_demo_phone_identity (GError **error)
{
  g_autoptr(PpX509Crt) ca = NULL, crt = NULL;
  g_autoptr(PpX509Privkey) ca_key = NULL, key = NULL;
  g_autofree char *crt_pem = NULL, *key_pem = NULL;
  int ret;

  if (!lab_ca (&ca, &ca_key, error) || (key = demo_key ("phoneprov demo: phone " PP_DEMO_PHONE_MAC, error)) == NULL)
    return NULL;
  crt = demo_cert ("CN=" PP_DEMO_PHONE_MAC ",O=Polycom Inc.", key, ca, ca_key, 0x11, 7300, DEMO_CLIENT, error);
  if (crt == NULL || (crt_pem = pp_cert_to_pem (crt, error)) == NULL)
    return NULL;
  {
    gnutls_datum_t out = { NULL, 0 };
    /* An unencrypted key for the TLS client (GTlsCertificate reads it). */
    ret = gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &out);
    if (ret < 0)
      {
        pp_gnutls_error (error, ret, _("the demo key"));
        return NULL;
      }
    key_pem = g_strndup ((const char *) out.data, out.size);
    gnutls_free (out.data);
  }
  return g_strconcat (crt_pem, key_pem, NULL);
}

/* ---- the site ---------------------------------------------------------------- */

#define CA_DN "CN=Example Corp Phone CA,O=Example Corp,C=CA"
#define SERVER_DN "CN=" PP_DEMO_HOSTNAME ",OU=Voice,O=Example Corp,L=Burnaby,ST=British Columbia,C=CA"

static gboolean
write_pki (PpSite *site, GError **error)
{
  g_autoptr(PpX509Privkey) ca_key = NULL, srv_key = NULL;
  g_autoptr(PpX509Crt) ca = NULL, srv = NULL;
  g_autofree char *ca_key_pem = NULL, *ca_pem = NULL, *srv_key_pem = NULL, *srv_pem = NULL, *csr = NULL;
  g_autofree char *identity = NULL;
  static const char request_json[] = "{\"friendly_name\":\"bootserver MTLS\",\"key_type\":\"rsa2048\",\"ecdsa\":false}\n";
  static const char empty_index[] = "{\"version\":1,\"certificates\":[]}\n";

  if ((ca_key = demo_key ("phoneprov demo: site CA", error)) == NULL
      || (ca = demo_cert (CA_DN, ca_key, NULL, NULL, 0x01, 3650, DEMO_CA, error)) == NULL
      || (srv_key = demo_key ("phoneprov demo: server", error)) == NULL
      || (srv = demo_cert (SERVER_DN, srv_key, ca, ca_key, 0x02, 1825, DEMO_SERVER, error)) == NULL
      || (ca_key_pem = pp_export_key_pkcs8 (ca_key, NULL, error)) == NULL
      || (ca_pem = pp_cert_to_pem (ca, error)) == NULL
      || (srv_key_pem = pp_export_key_pkcs8 (srv_key, NULL, error)) == NULL
      || (srv_pem = pp_cert_to_pem (srv, error)) == NULL
      || (csr = demo_csr_pem (SERVER_DN, srv_key, error)) == NULL)
    return FALSE;
  if (!pp_pki_write (site, PP_CA_KEY, ca_key_pem, strlen (ca_key_pem), TRUE, error)
      || !pp_pki_write (site, PP_CA_INDEX, empty_index, strlen (empty_index), FALSE, error)
      || !pp_pki_write (site, PP_CA_CRLNUM, "0\n", 2, FALSE, error)
      || !pp_pki_write (site, PP_CA_CRT, ca_pem, strlen (ca_pem), FALSE, error)
      || !pp_ca_index_add (site, srv, PP_CERT_TEMPLATE_WEB_SERVER, error)
      || !pp_pki_write (site, PP_SRV_CSR, csr, strlen (csr), FALSE, error)
      || !pp_pki_write (site, PP_SRV_REQ, request_json, strlen (request_json), FALSE, error))
    return FALSE;
  identity = g_strconcat (srv_key_pem, srv_pem, ca_pem, NULL);
  if (!pp_server_identity_import (site, identity, strlen (identity), NULL, error))
    return FALSE;
  {
    g_autoptr(GBytes) crl = pp_crl_generate (site, 0, NULL, error);
    return crl != NULL;
  }
}

static gboolean
write_trust (PpSite *site, const char *polycom_pki_dir, GError **error)
{
  g_autoptr(PpX509Crt) lab = NULL;
  g_autoptr(PpX509Privkey) lab_key = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(GPtrArray) added = NULL;
  static const char *const genuine[] = {
    "polycom-root-ca.pem", "polycom-equipment-policy-ca.pem",
    "polycom-equipment-issuing-ca-1.pem", "polycom-equipment-issuing-ca-2.pem",
  };

  if (!lab_ca (&lab, &lab_key, error) || (pem = pp_cert_to_pem (lab, error)) == NULL)
    return FALSE;
  added = pp_trust_add (site, pem, strlen (pem), error);
  if (added == NULL)
    return FALSE;
  for (guint i = 0; polycom_pki_dir && i < G_N_ELEMENTS (genuine); i++)
    {
      g_autofree char *path = g_build_filename (polycom_pki_dir, genuine[i], NULL);
      g_autofree char *data = NULL;
      g_autoptr(GPtrArray) more = NULL;
      gsize len = 0;

      if (!pp_file_read (path, 1024 * 1024, &data, &len, NULL))
        continue;
      more = pp_trust_add (site, data, len, error);
      if (more == NULL)
        return FALSE;
    }
  return TRUE;
}

gboolean
pp_demo_site_populate (PpSite *site, guint http_port, guint https_port,
                       const char *polycom_pki_dir, GError **error)
{
  g_autofree char *hp = g_strdup_printf ("%u", http_port);
  g_autofree char *sp = g_strdup_printf ("%u", https_port);
  const char *settings[][2] = {
    { "site.name", "Example Corp — Burnaby office" },
    { "site.hostname", PP_DEMO_HOSTNAME },
    { "http.port", hp },
    { "https.port", sp },
    { "http.realm", "phoneprov" },
    { "https.client-certs", "required" },
    { "https.profile", "compatible" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    if (!pp_site_set (site, settings[i][0], settings[i][1], error))
      return FALSE;
  return pp_site_save (site, error)
         && pp_phone_account_save (site, PP_DEMO_USER, "Demo-Only-5kq7", error)
         && write_boot_files (site, error)
         && write_pki (site, error)
         && write_phone_files (site, error)
         && write_trust (site, polycom_pki_dir, error);
}
