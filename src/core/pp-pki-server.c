/* The server identity: key + request, installation of the issued
 * certificate (local CA or outside CA), exports. */
#include "config.h"
#include "pp-pki-private.h"
#include "pp-error.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

static gboolean
check_text (const char *value, const char *what, gsize max, GError **error)
{
  if (value == NULL)
    return TRUE;
  if (strlen (value) > max || !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The %s is too long or not valid text; use at most %u characters."), what, (guint) max);
      return FALSE;
    }
  for (const char *p = value; *p; p++)
    if ((guchar) *p < 0x20)
      {
        g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("The %s contains a control character."), what);
        return FALSE;
      }
  return TRUE;
}

static gboolean
is_dns_name (const char *name)
{
  gsize n = strlen (name);
  if (n == 0 || n > 253 || name[0] == '.' || name[0] == '-')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return strstr (name, "..") == NULL;
}

static gboolean
validate_params (const PpCsrParams *p, GError **error)
{
  if (p->common_name == NULL || *p->common_name == '\0')
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The request needs a common name: the name phones use to reach this server (its FQDN)."));
      return FALSE;
    }
  if (strchr (p->common_name, '*'))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("Polycom phones reject wildcard certificates unless strict name checking is off; use this server's exact name instead of “%s”."),
                   p->common_name);
      return FALSE;
    }
  if (!is_dns_name (p->common_name) && !g_hostname_is_ip_address (p->common_name))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("“%s” is not a host name or IP address; the common name must be the name phones use to reach this server."),
                   p->common_name);
      return FALSE;
    }
  if (p->country && *p->country && (strlen (p->country) != 2 || !g_ascii_isalpha (p->country[0])
                                    || !g_ascii_isalpha (p->country[1])))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The country must be a two-letter code such as “US” or “DE”, not “%s”."), p->country);
      return FALSE;
    }
  if (!check_text (p->common_name, _("common name"), 64, error)
      || !check_text (p->organization, _("organization"), 64, error)
      || !check_text (p->org_unit, _("organizational unit"), 64, error)
      || !check_text (p->state, _("state"), 128, error)
      || !check_text (p->locality, _("city"), 128, error)
      || !check_text (p->friendly_name, _("friendly name"), 128, error))
    return FALSE;
  for (guint i = 0; p->san_dns && p->san_dns[i]; i++)
    if (!is_dns_name (p->san_dns[i]) || g_hostname_is_ip_address (p->san_dns[i]))
      {
        g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                     _("“%s” is not a DNS name; put IP addresses in the IP list."), p->san_dns[i]);
        return FALSE;
      }
  for (guint i = 0; p->san_ip && p->san_ip[i]; i++)
    if (!g_hostname_is_ip_address (p->san_ip[i]))
      {
        g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("“%s” is not an IPv4 or IPv6 address."), p->san_ip[i]);
        return FALSE;
      }
  return TRUE;
}

static gnutls_x509_crq_t
build_request (const PpCsrParams *p, gnutls_x509_privkey_t key, GError **error)
{
  g_autoptr(PpX509Crq) crq = NULL;
  gboolean cn_is_ip = g_hostname_is_ip_address (p->common_name);
  gboolean cn_listed = FALSE;
  struct { const char *oid; const char *value; } parts[] = {
    { GNUTLS_OID_X520_COUNTRY_NAME, p->country },
    { GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME, p->state },
    { GNUTLS_OID_X520_LOCALITY_NAME, p->locality },
    { GNUTLS_OID_X520_ORGANIZATION_NAME, p->organization },
    { GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, p->org_unit },
    { GNUTLS_OID_X520_COMMON_NAME, p->common_name },
  };
  int ret;

  gnutls_x509_crq_init (&crq);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *upper = NULL;
      const char *v = parts[i].value;
      if (v == NULL || *v == '\0')
        continue;
      if (parts[i].oid == (const char *) GNUTLS_OID_X520_COUNTRY_NAME)
        v = upper = g_ascii_strup (v, -1);
      ret = gnutls_x509_crq_set_dn_by_oid (crq, parts[i].oid, 0, v, (unsigned) strlen (v));
      if (ret < 0)
        goto fail;
    }
  if ((ret = gnutls_x509_crq_set_version (crq, 1)) < 0 || (ret = gnutls_x509_crq_set_key (crq, key)) < 0)
    goto fail;

  /* The CN is always also a SAN (browsers and newer phones ignore the CN). */
  for (guint i = 0; p->san_dns && p->san_dns[i]; i++)
    cn_listed |= g_ascii_strcasecmp (p->san_dns[i], p->common_name) == 0;
  for (guint i = 0; p->san_ip && p->san_ip[i]; i++)
    cn_listed |= g_strcmp0 (p->san_ip[i], p->common_name) == 0;
  if (!cn_listed && !cn_is_ip)
    ret = gnutls_x509_crq_set_subject_alt_name (crq, GNUTLS_SAN_DNSNAME, p->common_name,
                                                (unsigned) strlen (p->common_name), GNUTLS_FSAN_APPEND);
  if (ret < 0)
    goto fail;
  for (guint i = 0; p->san_dns && p->san_dns[i]; i++)
    if ((ret = gnutls_x509_crq_set_subject_alt_name (crq, GNUTLS_SAN_DNSNAME, p->san_dns[i],
                                                     (unsigned) strlen (p->san_dns[i]), GNUTLS_FSAN_APPEND)) < 0)
      goto fail;
  {
    g_autoptr(GPtrArray) ips = g_ptr_array_new ();
    if (!cn_listed && cn_is_ip)
      g_ptr_array_add (ips, (gpointer) p->common_name);
    for (guint i = 0; p->san_ip && p->san_ip[i]; i++)
      g_ptr_array_add (ips, (gpointer) p->san_ip[i]);
    for (guint i = 0; i < ips->len; i++)
      {
        g_autoptr(GInetAddress) a = g_inet_address_new_from_string (ips->pdata[i]);
        ret = gnutls_x509_crq_set_subject_alt_name (crq, GNUTLS_SAN_IPADDRESS, g_inet_address_to_bytes (a),
                                                    (unsigned) g_inet_address_get_native_size (a),
                                                    GNUTLS_FSAN_APPEND);
        if (ret < 0)
          goto fail;
      }
  }
  ret = gnutls_x509_crq_set_key_usage (crq, GNUTLS_KEY_DIGITAL_SIGNATURE
                                       | (gnutls_x509_privkey_get_pk_algorithm (key) == GNUTLS_PK_RSA
                                          ? GNUTLS_KEY_KEY_ENCIPHERMENT : 0));
  if (ret < 0 || (ret = gnutls_x509_crq_set_key_purpose_oid (crq, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0)
    goto fail;
  ret = gnutls_x509_crq_sign2 (crq, key, pp_pki_digest_for_key (key), 0);
  if (ret < 0)
    goto fail;
  return g_steal_pointer (&crq);

fail:
  pp_gnutls_error (error, ret, _("the certificate request"));
  return NULL;
}

#define SERVER_DIR "pki/server"

/* File name of a "pki/server/…" path, for transactions on that folder. */
static const char *
base (const char *rel)
{
  const char *slash = strrchr (rel, '/');
  return slash ? slash + 1 : rel;
}

static gboolean
set_pending_flag (PpSite *site, gboolean pending, GError **error)
{
  if (pp_site_get_bool (site, "pki.pending-csr") == pending)
    return TRUE;
  return pp_site_set (site, "pki.pending-csr", pending ? "true" : "false", error)
         && pp_site_save (site, error);
}

char *
pp_server_request_create (PpSite *site, const PpCsrParams *params, GCancellable *cancellable,
                          GError **error)
{
  g_autoptr(PpX509Privkey) key = NULL, ekey = NULL;
  g_autoptr(PpX509Crq) crq = NULL, ecrq = NULL;
  g_autofree char *key_pem = NULL, *csr_pem = NULL, *ekey_pem = NULL, *ecsr_pem = NULL, *meta = NULL;

  if (!validate_params (params, error) || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (params->with_ecdsa && (params->key_type == PP_KEY_ECDSA_P256 || params->key_type == PP_KEY_ECDSA_P384))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The second ECDSA identity goes beside an RSA key, for phones that cannot use ECDSA; with an ECDSA main key, leave it off."));
      return NULL;
    }
  key = pp_pki_generate_key (params->key_type, error);
  if (key == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  crq = build_request (params, key, error);
  if (crq == NULL)
    return NULL;
  if (params->with_ecdsa)
    {
      ekey = pp_pki_generate_key (PP_KEY_ECDSA_P256, error);
      if (ekey == NULL || g_cancellable_set_error_if_cancelled (cancellable, error)
          || (ecrq = build_request (params, ekey, error)) == NULL)
        return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  key_pem = pp_export_key_pkcs8 (key, NULL, error);
  csr_pem = key_pem ? pp_csr_to_pem (crq, error) : NULL;
  if (csr_pem == NULL)
    return NULL;
  if (ekey)
    {
      ekey_pem = pp_export_key_pkcs8 (ekey, NULL, error);
      ecsr_pem = ekey_pem ? pp_csr_to_pem (ecrq, error) : NULL;
      if (ecsr_pem == NULL)
        return NULL;
    }
  {
    g_autoptr(JsonBuilder) jb = json_builder_new ();
    g_autoptr(JsonGenerator) gen = json_generator_new ();
    g_autoptr(JsonNode) root = NULL;
    json_builder_begin_object (jb);
    json_builder_set_member_name (jb, "friendly_name");
    json_builder_add_string_value (jb, params->friendly_name ? params->friendly_name : "");
    json_builder_set_member_name (jb, "key_type");
    json_builder_add_string_value (jb, pp_key_type_to_string (params->key_type));
    json_builder_set_member_name (jb, "ecdsa");
    json_builder_add_boolean_value (jb, ekey != NULL);
    json_builder_end_object (jb);
    root = json_builder_get_root (jb);
    json_generator_set_root (gen, root);
    meta = json_generator_to_data (gen, NULL);
  }
  /* The installed server.crt stays untouched until a matching certificate
   * for the new key is installed; chain.pem likewise. */
  {
    g_autoptr(PpPkiTxn) txn = pp_pki_txn_begin (site, SERVER_DIR, FALSE, error);
    gboolean ok = txn != NULL
                  && pp_pki_txn_write (txn, base (PP_SRV_PKEY), key_pem, strlen (key_pem), TRUE, error)
                  && pp_pki_txn_write (txn, base (PP_SRV_CSR), csr_pem, strlen (csr_pem), FALSE, error)
                  && pp_pki_txn_write (txn, base (PP_SRV_REQ), meta, strlen (meta), FALSE, error);
    if (ok && ekey_pem)
      ok = pp_pki_txn_write (txn, base (PP_SRV_PEKEY), ekey_pem, strlen (ekey_pem), TRUE, error)
           && pp_pki_txn_write (txn, base (PP_SRV_ECSR), ecsr_pem, strlen (ecsr_pem), FALSE, error);
    else if (ok)
      {
        pp_pki_txn_remove (txn, base (PP_SRV_ECSR));
        pp_pki_txn_remove (txn, base (PP_SRV_PEKEY));
      }
    explicit_bzero (key_pem, strlen (key_pem));
    if (ekey_pem)
      explicit_bzero (ekey_pem, strlen (ekey_pem));
    /* Last chance to cancel: after the commit the request exists. */
    if (!ok || g_cancellable_set_error_if_cancelled (cancellable, error) || !pp_pki_txn_commit (txn, error))
      return NULL;
  }
  if (!set_pending_flag (site, TRUE, error))
    return NULL;
  return g_steal_pointer (&csr_pem);
}

GBytes *
pp_server_request_get (PpSite *site, gboolean ecdsa, GError **error)
{
  return pp_pki_read (site, ecdsa ? PP_SRV_ECSR : PP_SRV_CSR,
                      ecdsa ? _("This site has no ECDSA server request. Create one with “phoneprovctl csr new --ecdsa”.")
                            : _("This site has no server certificate request. Create one with “phoneprovctl csr new”."),
                      error);
}

char *
pp_server_get_friendly_name (PpSite *site)
{
  g_autoptr(GBytes) b = pp_pki_read (site, PP_SRV_REQ, "", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  const char *name;

  if (b == NULL || !json_parser_load_from_data (parser, g_bytes_get_data (b, NULL),
                                                (gssize) g_bytes_get_size (b), NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  name = json_object_get_string_member_with_default (json_node_get_object (root), "friendly_name", "");
  return *name ? g_strdup (name) : NULL;
}

gnutls_x509_privkey_t
pp_pki_load_key (PpSite *site, const char *rel)
{
  g_autoptr(GBytes) b = pp_pki_read (site, rel, "", NULL);
  if (b == NULL)
    return NULL;
  return pp_key_from_data (g_bytes_get_data (b, NULL), g_bytes_get_size (b), NULL, NULL);
}

gnutls_x509_crt_t
pp_pki_load_first_cert (PpSite *site, const char *rel)
{
  g_autoptr(GBytes) b = pp_pki_read (site, rel, "", NULL);
  g_autoptr(GPtrArray) certs = NULL;
  if (b == NULL)
    return NULL;
  certs = pp_certs_from_data (g_bytes_get_data (b, NULL), g_bytes_get_size (b), NULL);
  if (certs == NULL)
    return NULL;
  return g_ptr_array_steal_index (certs, 0);
}

PpServerCertState
pp_server_cert_get_state (PpSite *site)
{
  g_autoptr(PpX509Privkey) key = NULL;
  g_autoptr(PpX509Crt) crt = NULL;

  if (pp_pki_exists (site, PP_SRV_PKEY))
    return PP_SERVER_CERT_PENDING;
  key = pp_pki_load_key (site, PP_SRV_KEY);
  if (key == NULL)
    return PP_SERVER_CERT_NONE;
  crt = pp_pki_load_first_cert (site, PP_SRV_CRT);
  return crt && pp_cert_matches_key (crt, key) ? PP_SERVER_CERT_INSTALLED : PP_SERVER_CERT_PENDING;
}

/* Leaf, then each issuer found in @pool (by name and signature). */
static GPtrArray *
build_chain (gnutls_x509_crt_t leaf, GPtrArray *pool)
{
  GPtrArray *chain = g_ptr_array_new ();
  gnutls_x509_crt_t cur = leaf;

  g_ptr_array_add (chain, leaf);
  while (chain->len < 8 && !pp_cert_is_self_signed (cur))
    {
      gnutls_x509_crt_t next = NULL;
      for (guint i = 0; i < pool->len && next == NULL; i++)
        {
          gnutls_x509_crt_t c = pool->pdata[i];
          unsigned status = 0;
          if (c == cur || !gnutls_x509_crt_check_issuer (cur, c))
            continue;
          if (gnutls_x509_crt_verify (cur, &c, 1, GNUTLS_VERIFY_DISABLE_TIME_CHECKS, &status) >= 0 && status == 0)
            next = c;
        }
      if (next == NULL)
        break;
      g_ptr_array_add (chain, next);
      cur = next;
    }
  return chain;
}

/* No extended key usage at all, or one that includes serverAuth / any. */
static gboolean
allows_server_auth (gnutls_x509_crt_t crt)
{
  gboolean has_eku = FALSE;
  for (unsigned i = 0; i < 64; i++)
    {
      char oid[128];
      size_t size = sizeof oid;
      int ret = gnutls_x509_crt_get_key_purpose_oid (crt, i, oid, &size, NULL);
      if (ret < 0)
        break;
      has_eku = TRUE;
      if (g_str_equal (oid, GNUTLS_KP_TLS_WWW_SERVER) || g_str_equal (oid, GNUTLS_KP_ANY))
        return TRUE;
    }
  return !has_eku;
}

typedef struct {
  const char *pending_key, *key, *crt, *chain;
} Slot;

static const Slot slots[] = {
  { PP_SRV_PKEY, PP_SRV_KEY, PP_SRV_CRT, PP_SRV_CHAIN },
  { PP_SRV_PEKEY, PP_SRV_EKEY, PP_SRV_ECRT, PP_SRV_ECHAIN },
};

static gboolean
install_slot (PpSite *site, PpPkiTxn *txn, const Slot *slot, gnutls_x509_crt_t leaf, GPtrArray *pool,
              gboolean from_pending, GError **error)
{
  g_autoptr(GPtrArray) chain = build_chain (leaf, pool);
  g_autoptr(GBytes) chain_pem = pp_export_certs ((gnutls_x509_crt_t *) chain->pdata, chain->len,
                                                 PP_EXPORT_PEM, error);
  g_autofree char *leaf_pem = chain_pem ? pp_cert_to_pem (leaf, error) : NULL;

  if (leaf_pem == NULL)
    return FALSE;
  if (from_pending)
    {
      g_autoptr(GBytes) k = pp_pki_read (site, slot->pending_key, "", error);
      if (k == NULL
          || !pp_pki_txn_write (txn, base (slot->key), g_bytes_get_data (k, NULL), g_bytes_get_size (k), TRUE, error))
        return FALSE;
      pp_pki_txn_remove (txn, base (slot->pending_key));
    }
  return pp_pki_txn_write (txn, base (slot->chain), g_bytes_get_data (chain_pem, NULL),
                           g_bytes_get_size (chain_pem), FALSE, error)
         && pp_pki_txn_write (txn, base (slot->crt), leaf_pem, strlen (leaf_pem), FALSE, error);
}

gboolean
pp_pki_install_certs (PpSite *site, GPtrArray *certs, GError **error)
{
  g_autoptr(GPtrArray) pool = g_ptr_array_new_with_free_func (pp_x509_crt_free);
  g_autoptr(PpX509Crt) ca = pp_pki_load_first_cert (site, PP_CA_CRT);
  gnutls_x509_crt_t found[G_N_ELEMENTS (slots)] = { NULL, NULL };
  gboolean from_pending[G_N_ELEMENTS (slots)] = { FALSE, FALSE };
  gboolean any = FALSE, had_key = FALSE;
  time_t now = time (NULL);

  /* Work on re-parsed copies: a certificate signed in memory a moment ago
   * has no cached raw DNs, which the issuer checks below need. */
  for (guint i = 0; i < certs->len; i++)
    {
      gnutls_x509_crt_t c = NULL;
      gnutls_datum_t d = { NULL, 0 };
      gnutls_x509_crt_init (&c);
      if (gnutls_x509_crt_export2 (certs->pdata[i], GNUTLS_X509_FMT_DER, &d) < 0
          || gnutls_x509_crt_import (c, &d, GNUTLS_X509_FMT_DER) < 0)
        {
          gnutls_free (d.data);
          gnutls_x509_crt_deinit (c);
          continue;
        }
      gnutls_free (d.data);
      g_ptr_array_add (pool, c);
    }
  for (guint s = 0; s < G_N_ELEMENTS (slots); s++)
    {
      g_autoptr(PpX509Privkey) pk = pp_pki_load_key (site, slots[s].pending_key);
      g_autoptr(PpX509Privkey) ik = pp_pki_load_key (site, slots[s].key);
      had_key |= pk != NULL || ik != NULL;
      /* The pending request's key first: it is what the admin waits for. */
      for (guint i = 0; pk && i < pool->len && found[s] == NULL; i++)
        if (pp_cert_matches_key (pool->pdata[i], pk))
          {
            found[s] = pool->pdata[i];
            from_pending[s] = TRUE;
          }
      for (guint i = 0; ik && i < pool->len && found[s] == NULL; i++)
        if (pp_cert_matches_key (pool->pdata[i], ik))
          found[s] = pool->pdata[i];
      any |= found[s] != NULL;
    }
  if (!had_key)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                   _("This site has no server key, so no certificate can be installed. Create a request first with “phoneprovctl csr new”."));
      return FALSE;
    }
  if (!any)
    {
      g_autofree char *subj = pp_cert_subject (certs->pdata[0]);
      g_set_error (error, PP_ERROR, PP_ERROR_MISMATCH,
                   _("The certificate “%s” was issued for a different key than this site's pending request, so it cannot be installed. Install the certificate the CA issued for the request you exported, or create a new request."),
                   subj);
      return FALSE;
    }
  for (guint s = 0; s < G_N_ELEMENTS (slots); s++)
    {
      time_t to;
      if (found[s] == NULL)
        continue;
      if (pp_cert_is_ca (found[s]))
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The certificate for the server key is a CA certificate; a server needs an end-entity certificate with the web-server template."));
          return FALSE;
        }
      to = gnutls_x509_crt_get_expiration_time (found[s]);
      if (to != (time_t) -1 && to < now)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The certificate has already expired; ask the CA for a new one."));
          return FALSE;
        }
      if (!allows_server_auth (found[s]))
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The certificate is not meant for server authentication (its Intended Purposes lack it), so phones would refuse the server. Ask the CA to issue it with the Web Server template."));
          return FALSE;
        }
    }
  if (ca)
    g_ptr_array_add (pool, g_steal_pointer (&ca));
  {
    /* Key, certificate and chain of both identities change together. */
    g_autoptr(PpPkiTxn) txn = pp_pki_txn_begin (site, SERVER_DIR, FALSE, error);
    if (txn == NULL)
      return FALSE;
    for (guint s = 0; s < G_N_ELEMENTS (slots); s++)
      if (found[s] && !install_slot (site, txn, &slots[s], found[s], pool, from_pending[s], error))
        return FALSE;
    if (!pp_pki_txn_commit (txn, error))
      return FALSE;
  }
  if (found[0])
    return set_pending_flag (site, FALSE, error);
  return TRUE;
}

gboolean
pp_server_cert_install (PpSite *site, const void *data, gsize len, GError **error)
{
  g_autoptr(PpImport) imp = pp_import_data (data, len, NULL, error);

  if (imp == NULL)
    {
      g_prefix_error (error, _("Cannot install the certificate: "));
      return FALSE;
    }
  if (imp->certs->len == 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The file holds no certificate. Give the certificate the CA issued (PEM, DER or PKCS #7)."));
      return FALSE;
    }
  return pp_pki_install_certs (site, imp->certs, error);
}

gboolean
pp_server_identity_import (PpSite *site, const void *data, gsize len, const char *passphrase, GError **error)
{
  g_autoptr(PpImport) imp = pp_import_data (data, len, passphrase, error);
  g_autoptr(GPtrArray) pool = NULL;
  g_autoptr(PpX509Crt) ca = pp_pki_load_first_cert (site, PP_CA_CRT);
  g_autofree char *key_pem = NULL;
  gnutls_x509_crt_t leaf = NULL;
  const Slot *slot;
  time_t to;

  if (imp == NULL)
    {
      g_prefix_error (error, _("Cannot import the server identity: "));
      return FALSE;
    }
  if (imp->key == NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The file holds no private key. To install only a certificate for the pending request, use “cert install”."));
      return FALSE;
    }
  for (guint i = 0; i < imp->certs->len && leaf == NULL; i++)
    if (pp_cert_matches_key (imp->certs->pdata[i], imp->key))
      leaf = imp->certs->pdata[i];
  if (leaf == NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_MISMATCH,
                   _("The file holds a private key but no certificate for it; export the identity again with its certificate."));
      return FALSE;
    }
  if (pp_cert_is_ca (leaf))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The certificate with this key is a CA certificate, not a server certificate."));
      return FALSE;
    }
  to = gnutls_x509_crt_get_expiration_time (leaf);
  if (to != (time_t) -1 && to < time (NULL))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The server certificate in the file has already expired; get a new one."));
      return FALSE;
    }
  /* An ECDSA identity goes beside an installed RSA one (the second
   * identity); otherwise it is the primary identity. */
  slot = &slots[0];
  if (gnutls_x509_privkey_get_pk_algorithm (imp->key) == GNUTLS_PK_ECDSA)
    {
      g_autoptr(PpX509Privkey) cur = pp_pki_load_key (site, PP_SRV_KEY);
      if (cur && gnutls_x509_privkey_get_pk_algorithm (cur) == GNUTLS_PK_RSA)
        slot = &slots[1];
    }
  key_pem = pp_export_key_pkcs8 (imp->key, NULL, error);
  if (key_pem == NULL)
    return FALSE;
  pool = g_ptr_array_new ();
  for (guint i = 0; i < imp->certs->len; i++)
    g_ptr_array_add (pool, imp->certs->pdata[i]);
  if (ca)
    g_ptr_array_add (pool, ca);
  {
    g_autoptr(GPtrArray) chain = build_chain (leaf, pool);
    g_autoptr(GBytes) chain_pem = pp_export_certs ((gnutls_x509_crt_t *) chain->pdata, chain->len, PP_EXPORT_PEM, error);
    g_autofree char *leaf_pem = chain_pem ? pp_cert_to_pem (leaf, error) : NULL;
    g_autoptr(PpPkiTxn) txn = NULL;
    gboolean ok;
    if (leaf_pem == NULL)
      return FALSE;
    txn = pp_pki_txn_begin (site, SERVER_DIR, FALSE, error);
    ok = txn != NULL
         && pp_pki_txn_write (txn, base (slot->key), key_pem, strlen (key_pem), TRUE, error)
         && pp_pki_txn_write (txn, base (slot->chain), g_bytes_get_data (chain_pem, NULL),
                              g_bytes_get_size (chain_pem), FALSE, error)
         && pp_pki_txn_write (txn, base (slot->crt), leaf_pem, strlen (leaf_pem), FALSE, error)
         && pp_pki_txn_commit (txn, error);
    explicit_bzero (key_pem, strlen (key_pem));
    return ok;
  }
}

gboolean
pp_ca_sign_pending (PpSite *site, guint days, const char *ca_passphrase, GError **error)
{
  g_autoptr(PpX509Crt) ca = NULL;
  g_autoptr(PpX509Privkey) ca_key = NULL;
  g_autoptr(GPtrArray) issued = g_ptr_array_new_with_free_func (pp_x509_crt_free);
  const char *csrs[] = { PP_SRV_CSR, PP_SRV_ECSR };
  const char *keys[] = { PP_SRV_PKEY, PP_SRV_PEKEY };

  if (!pp_pki_exists (site, PP_SRV_PKEY))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                   _("There is no pending server request to sign. Create one with “phoneprovctl csr new”."));
      return FALSE;
    }
  if (!pp_pki_load_ca (site, ca_passphrase, TRUE, &ca, &ca_key, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (csrs); i++)
    {
      g_autoptr(GBytes) b = NULL;
      g_autoptr(PpImport) imp = NULL;
      gnutls_x509_crt_t crt;
      if (!pp_pki_exists (site, keys[i]))
        continue;
      b = pp_pki_read (site, csrs[i], _("The pending request file is missing; create a new request."), error);
      if (b == NULL)
        return FALSE;
      imp = pp_import_data (g_bytes_get_data (b, NULL), g_bytes_get_size (b), NULL, error);
      if (imp == NULL || imp->csr == NULL)
        {
          g_clear_error (error);
          g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
                       _("The pending request (%s) is damaged; create a new request."), csrs[i]);
          return FALSE;
        }
      crt = pp_pki_sign_crq (site, imp->csr, PP_CERT_TEMPLATE_WEB_SERVER, days, ca, ca_key, error);
      if (crt == NULL)
        return FALSE;
      g_ptr_array_add (issued, crt);
    }
  return pp_pki_install_certs (site, issued, error);
}

gboolean
pp_ca_issue_test_client (PpSite *site, const char *common_name, guint days, const char *ca_passphrase,
                         char **cert_pem, char **key_pem, GError **error)
{
  g_autoptr(PpX509Crt) ca = NULL, crt = NULL;
  g_autoptr(PpX509Privkey) ca_key = NULL, key = NULL;
  g_autoptr(PpX509Crq) crq = NULL;
  g_autofree char *c = NULL, *k = NULL;
  const char *cn = common_name && *common_name ? common_name : "phoneprov self-test";
  int ret;

  if (!pp_pki_load_ca (site, ca_passphrase, TRUE, &ca, &ca_key, error))
    return FALSE;
  key = pp_pki_generate_key (PP_KEY_ECDSA_P256, error);
  if (key == NULL)
    return FALSE;
  gnutls_x509_crq_init (&crq);
  if ((ret = gnutls_x509_crq_set_dn_by_oid (crq, GNUTLS_OID_X520_COMMON_NAME, 0, cn, (unsigned) strlen (cn))) < 0
      || (ret = gnutls_x509_crq_set_key (crq, key)) < 0
      || (ret = gnutls_x509_crq_sign2 (crq, key, GNUTLS_DIG_SHA256, 0)) < 0)
    return pp_gnutls_error (error, ret, _("the test client request"));
  crt = pp_pki_sign_crq (site, crq, PP_CERT_TEMPLATE_CLIENT, days ? days : 1, ca, ca_key, error);
  if (crt == NULL || (c = pp_cert_to_pem (crt, error)) == NULL || (k = pp_export_key_pkcs8 (key, NULL, error)) == NULL)
    return FALSE;
  if (cert_pem)
    *cert_pem = g_steal_pointer (&c);
  if (key_pem)
    *key_pem = g_steal_pointer (&k);
  return TRUE;
}
