/* The local CA: key generation, root creation, signing with templates. */
#include "config.h"
#include "pp-pki-private.h"
#include "pp-error.h"
#include "pp-fileutil.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <string.h>

#define CA_DEFAULT_DAYS 3650
#define LEAF_DEFAULT_DAYS 825
#define SUB_CA_DEFAULT_DAYS 1825
/* Certificates start a little in the past: phones with a clock a few
 * minutes behind would otherwise reject a freshly issued one. */
#define BACKDATE_SECONDS 300

static const struct {
  const char *name;
  const char *label;
} key_types[] = {
  [PP_KEY_RSA_2048] = { "rsa2048", N_("RSA 2048 bits (every phone accepts it)") },
  [PP_KEY_RSA_3072] = { "rsa3072", N_("RSA 3072 bits") },
  [PP_KEY_RSA_4096] = { "rsa4096", N_("RSA 4096 bits (slow handshakes)") },
  [PP_KEY_ECDSA_P256] = { "ecdsa-p256", N_("ECDSA P-256 (not for UC Software 4.0 phones)") },
  [PP_KEY_ECDSA_P384] = { "ecdsa-p384", N_("ECDSA P-384 (not for UC Software 4.0 phones)") },
};

const char *
pp_key_type_to_string (PpKeyType type)
{
  return (guint) type < G_N_ELEMENTS (key_types) ? key_types[type].name : "rsa2048";
}

gboolean
pp_key_type_from_string (const char *str, PpKeyType *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (key_types); i++)
    if (g_ascii_strcasecmp (str, key_types[i].name) == 0)
      {
        *out = (PpKeyType) i;
        return TRUE;
      }
  return FALSE;
}

const char *
pp_key_type_get_label (PpKeyType type)
{
  return (guint) type < G_N_ELEMENTS (key_types) ? _(key_types[type].label) : "";
}

static const char *template_names[] = {
  [PP_CERT_TEMPLATE_WEB_SERVER] = "web-server",
  [PP_CERT_TEMPLATE_CLIENT] = "client",
  [PP_CERT_TEMPLATE_SUB_CA] = "sub-ca",
};

const char *
pp_cert_template_to_string (PpCertTemplate tmpl)
{
  return (guint) tmpl < G_N_ELEMENTS (template_names) ? template_names[tmpl] : "web-server";
}

gboolean
pp_cert_template_from_string (const char *str, PpCertTemplate *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (template_names); i++)
    if (g_strcmp0 (str, template_names[i]) == 0)
      {
        *out = (PpCertTemplate) i;
        return TRUE;
      }
  return FALSE;
}

/* ---- file helpers --------------------------------------------------------- */

GBytes *
pp_pki_read (PpSite *site, const char *rel, const char *missing_msg, GError **error)
{
  g_autofree char *path = pp_site_path (site, rel);
  char *data = NULL;
  gsize len = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND, "%s", missing_msg);
      return NULL;
    }
  if (!pp_file_read (path, PP_PKI_MAX_FILE, &data, &len, error))
    return NULL;
  return g_bytes_new_take (data, len);
}

gboolean
pp_pki_write (PpSite *site, const char *rel, const void *data, gsize len, gboolean secret,
              GError **error)
{
  g_autofree char *path = pp_site_path (site, rel);
  g_autofree char *dir = g_path_get_dirname (path);

  if (!pp_mkdir (dir, 0700, error))
    return FALSE;
  return pp_file_write_atomic (path, data, len, secret ? 0600 : 0644, error);
}

gboolean
pp_pki_exists (PpSite *site, const char *rel)
{
  g_autofree char *path = pp_site_path (site, rel);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

gnutls_digest_algorithm_t
pp_pki_digest_for_key (gnutls_x509_privkey_t key)
{
  unsigned bits = 0;
  int alg = gnutls_x509_privkey_get_pk_algorithm2 (key, &bits);
  if (alg == GNUTLS_PK_ECDSA && bits >= 384)
    return GNUTLS_DIG_SHA384;
  return GNUTLS_DIG_SHA256;
}

/* ---- keys ----------------------------------------------------------------- */

gnutls_x509_privkey_t
pp_pki_generate_key (PpKeyType type, GError **error)
{
  g_autoptr(PpX509Privkey) key = NULL;
  int ret;

  gnutls_x509_privkey_init (&key);
  switch (type)
    {
    case PP_KEY_RSA_3072:
      ret = gnutls_x509_privkey_generate2 (key, GNUTLS_PK_RSA, 3072, 0, NULL, 0);
      break;
    case PP_KEY_RSA_4096:
      ret = gnutls_x509_privkey_generate2 (key, GNUTLS_PK_RSA, 4096, 0, NULL, 0);
      break;
    case PP_KEY_ECDSA_P256:
      ret = gnutls_x509_privkey_generate2 (key, GNUTLS_PK_ECDSA,
                                           GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0, NULL, 0);
      break;
    case PP_KEY_ECDSA_P384:
      ret = gnutls_x509_privkey_generate2 (key, GNUTLS_PK_ECDSA,
                                           GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP384R1), 0, NULL, 0);
      break;
    case PP_KEY_RSA_2048:
    default:
      ret = gnutls_x509_privkey_generate2 (key, GNUTLS_PK_RSA, 2048, 0, NULL, 0);
      break;
    }
  if (ret < 0)
    {
      pp_gnutls_error (error, ret, _("the new private key"));
      return NULL;
    }
  return g_steal_pointer (&key);
}

char *
pp_key_generate_pem (PpKeyType type, const char *passphrase, GCancellable *cancellable,
                     GError **error)
{
  g_autoptr(PpX509Privkey) key = NULL;

  char *pem;

  /* GnuTLS cannot interrupt its key generation: cancellation is checked
   * around each slow step (generation, the PBKDF2 of an encrypted export). */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  key = pp_pki_generate_key (type, error);
  if (key == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  pem = pp_export_key_pkcs8 (key, passphrase, error);
  if (pem != NULL && g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      explicit_bzero (pem, strlen (pem));
      g_clear_pointer (&pem, g_free);
    }
  return pem;
}

/* ---- CA ------------------------------------------------------------------- */

gboolean
pp_ca_exists (PpSite *site)
{
  return pp_pki_exists (site, PP_CA_CRT) && pp_pki_exists (site, PP_CA_KEY);
}

gboolean
pp_ca_key_is_encrypted (PpSite *site)
{
  g_autoptr(GBytes) b = pp_pki_read (site, PP_CA_KEY, "", NULL);
  gsize len = 0;
  const char *d;

  if (b == NULL)
    return FALSE;
  d = g_bytes_get_data (b, &len);
  return g_strstr_len (d, (gssize) len, "ENCRYPTED PRIVATE KEY") != NULL;
}

GBytes *
pp_ca_get_certificate (PpSite *site, GError **error)
{
  return pp_pki_read (site, PP_CA_CRT,
                      _("This site has no certificate authority yet. Create one with “phoneprovctl ca init”."),
                      error);
}

static char *
format_date (time_t t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc ((gint64) t);
  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

gboolean
pp_pki_load_ca (PpSite *site, const char *passphrase, gboolean check_validity,
                gnutls_x509_crt_t *crt_out, gnutls_x509_privkey_t *key_out, GError **error)
{
  g_autoptr(GBytes) cb = pp_ca_get_certificate (site, error);
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(PpX509Privkey) key = NULL;
  gnutls_x509_crt_t crt;
  time_t now = time (NULL);

  if (cb == NULL)
    return FALSE;
  certs = pp_certs_from_data (g_bytes_get_data (cb, NULL), g_bytes_get_size (cb), error);
  if (certs == NULL)
    {
      g_prefix_error (error, _("The site's CA certificate (pki/ca/ca.crt) is damaged: "));
      return FALSE;
    }
  crt = certs->pdata[0];
  if (check_validity)
    {
      time_t from = gnutls_x509_crt_get_activation_time (crt);
      time_t to = gnutls_x509_crt_get_expiration_time (crt);
      if (to != (time_t) -1 && to < now)
        {
          g_autofree char *d = format_date (to);
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The site's CA certificate expired on %s, so it cannot sign anything. Create a new CA with “phoneprovctl ca init --replace”."),
                       d);
          return FALSE;
        }
      if (from != (time_t) -1 && from > now)
        {
          g_autofree char *d = format_date (from);
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The site's CA certificate is not valid before %s. Check this computer's clock, or create a new CA."),
                       d);
          return FALSE;
        }
    }
  if (key_out)
    {
      g_autoptr(GBytes) kb = pp_pki_read (site, PP_CA_KEY,
                                          _("The site's CA key (pki/ca/ca.key) is missing; the CA cannot sign. Create a new CA."),
                                          error);
      if (kb == NULL)
        return FALSE;
      if ((passphrase == NULL || *passphrase == '\0') && pp_ca_key_is_encrypted (site))
        {
          g_set_error (error, PP_ERROR, PP_ERROR_PASSPHRASE,
                       _("The CA key is protected by a passphrase. Give it (for example with --passphrase-file)."));
          return FALSE;
        }
      key = pp_key_from_data (g_bytes_get_data (kb, NULL), g_bytes_get_size (kb), passphrase, error);
      if (key == NULL)
        {
          if (error && *error && (*error)->code == PP_ERROR_PASSPHRASE)
            {
              g_clear_error (error);
              g_set_error (error, PP_ERROR, PP_ERROR_PASSPHRASE,
                           _("The CA passphrase is wrong: the CA key could not be opened. Nothing was changed."));
            }
          return FALSE;
        }
      if (!pp_cert_matches_key (crt, key))
        {
          g_set_error (error, PP_ERROR, PP_ERROR_MISMATCH,
                       _("The site's CA certificate and CA key do not belong together. Restore pki/ca/ from a backup or create a new CA."));
          return FALSE;
        }
      *key_out = g_steal_pointer (&key);
    }
  if (crt_out)
    *crt_out = g_ptr_array_steal_index (certs, 0);
  return TRUE;
}

static void
random_serial (guint8 serial[16])
{
  gnutls_rnd (GNUTLS_RND_NONCE, serial, 16);
  /* Positive (top bit clear) and exactly 16 bytes long (no leading zero). */
  serial[0] &= 0x7f;
  if (serial[0] == 0)
    serial[0] = 0x01;
}

/* RFC 4514 escaping of one attribute value. */
static char *
dn_escape (const char *value)
{
  GString *s = g_string_new (NULL);
  gsize n = strlen (value);
  for (gsize i = 0; i < n; i++)
    {
      char c = value[i];
      if (strchr (",+\"\\<>;=", c) || (i == 0 && (c == '#' || c == ' ')) || (i == n - 1 && c == ' '))
        g_string_append_c (s, '\\');
      g_string_append_c (s, c);
    }
  return g_string_free (s, FALSE);
}

static gboolean
set_key_ids (gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer, GError **error)
{
  guint8 id[64];
  size_t size = sizeof id;
  int ret = gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA1, id, &size);
  if (ret < 0 || (ret = gnutls_x509_crt_set_subject_key_id (crt, id, size)) < 0)
    return pp_gnutls_error (error, ret, _("the certificate's key identifier"));
  if (issuer != NULL)
    {
      size = sizeof id;
      ret = gnutls_x509_crt_get_subject_key_id (issuer, id, &size, NULL);
      if (ret < 0)
        {
          size = sizeof id;
          ret = gnutls_x509_crt_get_key_id (issuer, GNUTLS_KEYID_USE_SHA1, id, &size);
        }
    }
  if (ret < 0 || (ret = gnutls_x509_crt_set_authority_key_id (crt, id, size)) < 0)
    return pp_gnutls_error (error, ret, _("the certificate's authority key identifier"));
  return TRUE;
}

/* The new CA is written whole into a fresh folder and swapped in at once
 * (pp-pki-txn.c): a crash leaves the old CA or the new one, never a key
 * from one and a certificate from the other. A replaced CA is kept in
 * old-<time>/ of the new folder: a mistaken --replace loses no key. */
static gboolean
write_ca_dir (PpSite *site, const char *key_pem, const char *crt_pem, GBytes *crl, GError **error)
{
  static const char empty_index[] = "{\"version\":1,\"certificates\":[]}\n";
  g_autoptr(PpPkiTxn) txn = pp_pki_txn_begin (site, "pki/ca", TRUE, error);
  g_autofree char *archive = NULL;

  return txn != NULL
         && ((!pp_pki_exists (site, PP_CA_CRT) && !pp_pki_exists (site, PP_CA_KEY))
             || (archive = pp_pki_txn_archive_previous (txn, error)) != NULL)
         && pp_pki_txn_write (txn, "ca.key", key_pem, strlen (key_pem), TRUE, error)
         && pp_pki_txn_write (txn, "index.json", empty_index, sizeof empty_index - 1, FALSE, error)
         && pp_pki_txn_write (txn, "crlnumber", "1\n", 2, FALSE, error)
         && pp_pki_txn_write (txn, "crl.pem", g_bytes_get_data (crl, NULL), g_bytes_get_size (crl), FALSE, error)
         && pp_pki_txn_write (txn, "ca.crt", crt_pem, strlen (crt_pem), FALSE, error)
         && pp_pki_txn_commit (txn, error);
}

char *
pp_ca_create (PpSite *site, const PpCaParams *params, gboolean replace,
              GCancellable *cancellable, GError **error)
{
  g_autoptr(PpX509Privkey) key = NULL;
  g_autoptr(PpX509Crt) crt = NULL;
  g_autofree char *cn = NULL, *dn = NULL, *key_pem = NULL, *crt_pem = NULL;
  guint8 serial[16];
  guint days = params->validity_days ? params->validity_days : CA_DEFAULT_DAYS;
  time_t now = time (NULL);
  const char *err = NULL;
  int ret;

  g_autofree char *trimmed = g_strstrip (g_strdup (params->common_name ? params->common_name : ""));

  if (*trimmed == '\0')
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The CA needs a common name, for example “Example Phone CA”."));
      return NULL;
    }
  if (days > 36500)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("A CA validity of %u days is too long; use at most 36500."), days);
      return NULL;
    }
  if (!replace && pp_ca_exists (site))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_EXISTS,
                   _("This site already has a certificate authority. Replacing it invalidates every certificate it issued; use --replace if that is what you want (the old CA files are kept in pki/ca/old-<time>/)."));
      return NULL;
    }

  cn = dn_escape (params->common_name);
  if (params->dn_suffix && *params->dn_suffix)
    dn = g_strdup_printf ("CN=%s,%s", cn, params->dn_suffix);
  else
    dn = g_strdup_printf ("CN=%s", cn);

  gnutls_x509_crt_init (&crt);
  ret = gnutls_x509_crt_set_dn (crt, dn, &err);
  if (ret < 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The distinguished name “%s” is not valid near “%s”. Write the suffix like “O=Example, C=US”."),
                   dn, err ? err : "");
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  key = pp_pki_generate_key (params->key_type, error);
  if (key == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  random_serial (serial);
  if ((ret = gnutls_x509_crt_set_version (crt, 3)) < 0
      || (ret = gnutls_x509_crt_set_serial (crt, serial, sizeof serial)) < 0
      || (ret = gnutls_x509_crt_set_key (crt, key)) < 0
      || (ret = gnutls_x509_crt_set_activation_time (crt, now - BACKDATE_SECONDS)) < 0
      || (ret = gnutls_x509_crt_set_expiration_time (crt, now + (time_t) days * 86400)) < 0
      || (ret = gnutls_x509_crt_set_basic_constraints (crt, 1, -1)) < 0
      || (ret = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN
                                                    | GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0)
    {
      pp_gnutls_error (error, ret, _("the CA certificate"));
      return NULL;
    }
  if (!set_key_ids (crt, NULL, error))
    return NULL;
  ret = gnutls_x509_crt_sign2 (crt, crt, key, pp_pki_digest_for_key (key), 0);
  if (ret < 0)
    {
      pp_gnutls_error (error, ret, _("the CA certificate"));
      return NULL;
    }
  key_pem = pp_export_key_pkcs8 (key, params->passphrase, error);
  crt_pem = key_pem ? pp_cert_to_pem (crt, error) : NULL;
  if (crt_pem == NULL)
    return NULL;
  /* A new CA starts with an empty index and CRL number 1. The last chance
   * to cancel is before the folder swap; after it the CA exists. */
  {
    g_autoptr(GBytes) crl = pp_pki_crl_build (crt, key, NULL, 1, 0, error);
    gboolean ok = crl && !g_cancellable_set_error_if_cancelled (cancellable, error)
                  && write_ca_dir (site, key_pem, crt_pem, crl, error);
    explicit_bzero (key_pem, strlen (key_pem));
    if (!ok)
      return NULL;
  }
  return g_steal_pointer (&crt_pem);
}

/* ---- signing -------------------------------------------------------------- */

static gboolean
copy_sans (gnutls_x509_crt_t crt, gnutls_x509_crq_t crq, gboolean cn_as_san, GError **error)
{
  g_autoptr(GPtrArray) dns = g_ptr_array_new_with_free_func (g_free);
  char cn[256];
  size_t cn_size = sizeof cn;
  int ret;

  for (unsigned i = 0;; i++)
    {
      guint8 buf[1024];
      size_t size = sizeof buf;
      unsigned type = 0, critical = 0;
      ret = gnutls_x509_crq_get_subject_alt_name (crq, i, buf, &size, &type, &critical);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (ret < 0)
        return pp_gnutls_error (error, ret, _("the subject alternative names of the request"));
      /* Only names that identify a host are taken over. */
      if (type == GNUTLS_SAN_DNSNAME)
        {
          g_ptr_array_add (dns, g_strndup ((const char *) buf, size));
          ret = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, buf, (unsigned) size, GNUTLS_FSAN_APPEND);
        }
      else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16))
        ret = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, buf, (unsigned) size, GNUTLS_FSAN_APPEND);
      else
        ret = 0;
      if (ret < 0)
        return pp_gnutls_error (error, ret, _("the subject alternative names"));
    }
  if (cn_as_san && gnutls_x509_crq_get_dn_by_oid (crq, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cn_size) >= 0)
    {
      gboolean present = FALSE;
      for (guint i = 0; i < dns->len; i++)
        present |= g_ascii_strcasecmp (dns->pdata[i], cn) == 0;
      /* Only a CN that is a host name becomes a DNS SAN ("Example Phone"
       * from a foreign request would be an invalid dNSName). */
      gboolean host = cn_size > 0 && strspn (cn, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == cn_size
                      && strchr (cn, '.') != NULL && !g_hostname_is_ip_address (cn);
      if (!present && host)
        {
          ret = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, cn, (unsigned) cn_size, GNUTLS_FSAN_APPEND);
          if (ret < 0)
            return pp_gnutls_error (error, ret, _("the subject alternative names"));
        }
    }
  return TRUE;
}

gnutls_x509_crt_t
pp_pki_sign_crq (PpSite *site, gnutls_x509_crq_t crq, PpCertTemplate tmpl, guint days,
                 gnutls_x509_crt_t ca_crt, gnutls_x509_privkey_t ca_key, GError **error)
{
  g_autoptr(PpX509Crt) crt = NULL;
  guint8 serial[16];
  time_t now = time (NULL), not_after, ca_end;
  unsigned bits = 0, usage;
  int ret, pk;

  if (gnutls_x509_crq_verify (crq, 0) < 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The certificate request's signature is not valid: it was changed after it was made, or it is damaged. Create a new request."));
      return NULL;
    }
  if (days == 0)
    days = tmpl == PP_CERT_TEMPLATE_SUB_CA ? SUB_CA_DEFAULT_DAYS : LEAF_DEFAULT_DAYS;
  if (days > 36500)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("A validity of %u days is too long; use at most 36500."), days);
      return NULL;
    }
  not_after = now + (time_t) days * 86400;
  ca_end = gnutls_x509_crt_get_expiration_time (ca_crt);
  if (ca_end != (time_t) -1 && not_after > ca_end)
    not_after = ca_end;

  gnutls_x509_crt_init (&crt);
  /* set_crq takes subject and public key only; extensions of the request
   * are deliberately not copied (no CA:TRUE smuggled in). */
  ret = gnutls_x509_crt_set_crq (crt, crq);
  if (ret < 0)
    {
      pp_gnutls_error (error, ret, _("the certificate request"));
      return NULL;
    }
  pk = gnutls_x509_crt_get_pk_algorithm (crt, &bits);
  if ((pk == GNUTLS_PK_RSA && bits < 2048) || (pk != GNUTLS_PK_RSA && pk != GNUTLS_PK_ECDSA && pk != GNUTLS_PK_RSA_PSS))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The request's key (%s, %u bits) is too weak or of a kind phones do not use; make a new request with RSA 2048 or more, or ECDSA."),
                   gnutls_pk_get_name ((gnutls_pk_algorithm_t) pk), bits);
      return NULL;
    }
  random_serial (serial);
  if ((ret = gnutls_x509_crt_set_version (crt, 3)) < 0
      || (ret = gnutls_x509_crt_set_serial (crt, serial, sizeof serial)) < 0
      || (ret = gnutls_x509_crt_set_activation_time (crt, now - BACKDATE_SECONDS)) < 0
      || (ret = gnutls_x509_crt_set_expiration_time (crt, not_after)) < 0)
    goto fail;

  switch (tmpl)
    {
    case PP_CERT_TEMPLATE_SUB_CA:
      usage = GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN | GNUTLS_KEY_DIGITAL_SIGNATURE;
      if ((ret = gnutls_x509_crt_set_basic_constraints (crt, 1, 0)) < 0
          || (ret = gnutls_x509_crt_set_key_usage (crt, usage)) < 0)
        goto fail;
      break;
    case PP_CERT_TEMPLATE_CLIENT:
    case PP_CERT_TEMPLATE_WEB_SERVER:
    default:
      usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
      /* keyEncipherment only means something for RSA key exchange. */
      if (pk == GNUTLS_PK_RSA)
        usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
      if ((ret = gnutls_x509_crt_set_basic_constraints (crt, 0, -1)) < 0
          || (ret = gnutls_x509_crt_set_key_usage (crt, usage)) < 0
          || (ret = gnutls_x509_crt_set_key_purpose_oid (crt, tmpl == PP_CERT_TEMPLATE_CLIENT
                                                                ? GNUTLS_KP_TLS_WWW_CLIENT
                                                                : GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0)
        goto fail;
      if (!copy_sans (crt, crq, tmpl == PP_CERT_TEMPLATE_WEB_SERVER, error))
        return NULL;
      break;
    }
  if (!set_key_ids (crt, ca_crt, error))
    return NULL;
  ret = gnutls_x509_crt_sign2 (crt, ca_crt, ca_key, pp_pki_digest_for_key (ca_key), 0);
  if (ret < 0)
    goto fail;
  if (!pp_ca_index_add (site, crt, tmpl, error))
    return NULL;
  return g_steal_pointer (&crt);

fail:
  pp_gnutls_error (error, ret, _("the new certificate"));
  return NULL;
}

char *
pp_ca_sign (PpSite *site, const void *csr_data, gsize csr_len, PpCertTemplate tmpl, guint days,
            const char *ca_passphrase, GError **error)
{
  g_autoptr(PpImport) imp = pp_import_data (csr_data, csr_len, NULL, error);
  g_autoptr(PpX509Crt) ca_crt = NULL, crt = NULL;
  g_autoptr(PpX509Privkey) ca_key = NULL;

  if (imp == NULL)
    {
      g_prefix_error (error, _("Cannot sign: "));
      return NULL;
    }
  if (imp->csr == NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The file holds no certificate request (expected “-----BEGIN CERTIFICATE REQUEST-----”)."));
      return NULL;
    }
  if (!pp_pki_load_ca (site, ca_passphrase, TRUE, &ca_crt, &ca_key, error))
    return NULL;
  crt = pp_pki_sign_crq (site, imp->csr, tmpl, days, ca_crt, ca_key, error);
  if (crt == NULL)
    return NULL;
  return pp_cert_to_pem (crt, error);
}
