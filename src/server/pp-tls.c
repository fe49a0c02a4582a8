/* TLS termination with GnuTLS: credentials, trust store, client-certificate
 * policy and the non-blocking handshake. See pp-tls.h. */
#include "config.h"
#include "pp-tls-private.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-trust.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <string.h>
#include <time.h>

#define MAX_PEM_BYTES (4 * 1024 * 1024)
#define MAX_CHAIN 8



PpPeer *
pp_peer_new (const char *site, GSocketAddress *remote)
{
  PpPeer *peer = g_new0 (PpPeer, 1);

  g_atomic_ref_count_init (&peer->ref);
  peer->site = g_strdup (site);
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    {
      GInetSocketAddress *isa = G_INET_SOCKET_ADDRESS (remote);
      peer->address = g_inet_address_to_string (g_inet_socket_address_get_address (isa));
      peer->port = g_inet_socket_address_get_port (isa);
    }
  else
    peer->address = g_strdup ("local");
  return peer;
}

PpPeer *
pp_peer_ref (PpPeer *peer)
{
  g_atomic_ref_count_inc (&peer->ref);
  return peer;
}

void
pp_peer_unref (PpPeer *peer)
{
  if (!g_atomic_ref_count_dec (&peer->ref))
    return;
  g_free (peer->site);
  g_free (peer->address);
  g_free (peer->subject);
  g_free (peer->issuer);
  g_free (peer->mac);
  g_free (peer->tls_version);
  g_free (peer->cipher);
  g_strfreev (peer->chain);
  g_free (peer);
}

const char *
pp_tls_profile_priority (const char *profile)
{
  /* modern: TLS 1.2+ with forward-secret AEAD suites only.
   * compatible: adds TLS 1.0/1.1 and RSA key exchange with CBC suites, which
   * old phone firmware needs (DESIGN.md §5). Neither ever enables SSL 3.0. */
  /* X25519 first: it is the key share OpenSSL/curl clients (phones among
   * them) send, so TLS 1.3 needs no HelloRetryRequest round trip. */
#define PP_GROUPS "-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:+GROUP-SECP521R1:"
  if (g_strcmp0 (profile, "modern") == 0)
    return "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:"
           "+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:" PP_GROUPS "%SERVER_PRECEDENCE";
  return "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0:-VERS-SSL3.0:"
         "+RSA:+AES-128-CBC:+AES-256-CBC:+SHA1:" PP_GROUPS "%SERVER_PRECEDENCE";
#undef PP_GROUPS
}

/* Whether the profile's priority string allows RSA key exchange, i.e.
 * decryption with the RSA server key (see pp_tls_profile_priority). */
static gboolean
profile_has_rsa_kx (const char *profile)
{
  return g_strcmp0 (profile, "modern") != 0;
}

static void
store_free (gpointer p)
{
  gnutls_x509_crt_deinit (p);
}

PpTlsContext *
pp_tls_context_ref (PpTlsContext *ctx)
{
  g_atomic_ref_count_inc (&ctx->ref);
  return ctx;
}

void
pp_tls_context_unref (PpTlsContext *ctx)
{
  if (!g_atomic_ref_count_dec (&ctx->ref))
    return;
  if (ctx->creds)
    gnutls_certificate_free_credentials (ctx->creds);
  if (ctx->priority)
    gnutls_priority_deinit (ctx->priority);
  if (ctx->ticket_key.data)
    gnutls_memset (ctx->ticket_key.data, 0, ctx->ticket_key.size);
  gnutls_free (ctx->ticket_key.data);
  pp_tls_session_cache_free (ctx->sessions);
  pp_tls_verified_cache_free (ctx->verified);
  if (ctx->trust)
    gnutls_x509_trust_list_deinit (ctx->trust, 1);
  g_clear_pointer (&ctx->by_subject, g_hash_table_unref);
  g_clear_pointer (&ctx->names, g_hash_table_unref);
  g_clear_pointer (&ctx->issuer_of, g_hash_table_unref);
  g_clear_pointer (&ctx->store, g_ptr_array_unref);
  g_free (ctx->profile);
  g_free (ctx->server_subject);
  g_free (ctx->server_not_after);
  g_clear_pointer (&ctx->selftest, pp_tls_selftest_free);
  g_mutex_clear (&ctx->selftest_lock);
  g_free (ctx);
}

const char *pp_tls_context_get_profile (PpTlsContext *ctx) { return ctx->profile; }
const char *pp_tls_context_get_server_subject (PpTlsContext *ctx) { return ctx->server_subject; }
const char *pp_tls_context_get_server_not_after (PpTlsContext *ctx) { return ctx->server_not_after; }
guint pp_tls_context_get_n_anchors (PpTlsContext *ctx) { return ctx->n_anchors; }

static char *
format_time (time_t t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc ((gint64) t);
  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("?");
}

char *
pp_tls_crt_dn (gnutls_x509_crt_t crt, gboolean issuer)
{
  gnutls_datum_t d = { NULL, 0 };
  char *s;
  if ((issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &d, 0) : gnutls_x509_crt_get_dn3 (crt, &d, 0)) < 0)
    return g_strdup ("");
  s = g_strndup ((const char *) d.data, d.size);
  gnutls_free (d.data);
  return s;
}

static gboolean
load_file (const char *path, gnutls_datum_t *out, GError **error)
{
  char *data = NULL;
  gsize len = 0;

  if (!pp_file_read (path, MAX_PEM_BYTES, &data, &len, error))
    return FALSE;
  out->data = (unsigned char *) data;
  out->size = (unsigned) len;
  return TRUE;
}

static gboolean
add_key_pair (PpTlsContext *ctx, const char *key_path, const char *cert_path,
              const char *chain_path, GError **error)
{
  gnutls_datum_t key = { NULL, 0 }, cert = { NULL, 0 }, chain = { NULL, 0 };
  g_autoptr(GByteArray) pem = g_byte_array_new ();
  gnutls_datum_t all;
  int ret;

  if (!load_file (key_path, &key, error) || !load_file (cert_path, &cert, error))
    {
      g_free (key.data);
      return FALSE;
    }
  g_byte_array_append (pem, cert.data, cert.size);
  if (chain_path && g_file_test (chain_path, G_FILE_TEST_EXISTS))
    {
      if (!load_file (chain_path, &chain, error))
        {
          g_free (key.data);
          g_free (cert.data);
          return FALSE;
        }
      g_byte_array_append (pem, (const guint8 *) "\n", 1);
      g_byte_array_append (pem, chain.data, chain.size);
    }
  all.data = pem->data;
  all.size = pem->len;
  /* Without RSA key exchange the RSA key only signs, and signs faster
   * through pp-tls-rsa.c; with it GnuTLS keeps the key (its decryption is
   * the constant-time one). */
  if (!profile_has_rsa_kx (ctx->profile) && pp_tls_rsa_set_key (ctx->creds, &key, &all))
    {
      g_debug ("%s: RSA signatures by pp-tls-rsa.c (blinding factor reused)", key_path);
      ret = 0;
    }
  else
    ret = gnutls_certificate_set_x509_key_mem2 (ctx->creds, &all, &key, GNUTLS_X509_FMT_PEM, NULL, 0);
  if (key.data)
    gnutls_memset (key.data, 0, key.size);
  g_free (key.data);
  g_free (chain.data);
  if (ret < 0)
    {
      g_free (cert.data);
      g_set_error (error, PP_ERROR, PP_ERROR_MISMATCH,
                   _("The server key %s and certificate %s cannot be used together (%s). "
                     "Install the certificate that was issued for this key."),
                   key_path, cert_path, gnutls_strerror (ret));
      return FALSE;
    }
  if (ctx->server_subject == NULL)
    {
      gnutls_x509_crt_t crt;
      gnutls_x509_crt_init (&crt);
      if (gnutls_x509_crt_import (crt, &cert, GNUTLS_X509_FMT_PEM) >= 0)
        {
          ctx->server_subject = pp_tls_crt_dn (crt, FALSE);
          ctx->server_not_after = format_time (gnutls_x509_crt_get_expiration_time (crt));
        }
      gnutls_x509_crt_deinit (crt);
    }
  g_free (cert.data);
  return TRUE;
}


static gnutls_x509_crt_t
crt_dup (gnutls_x509_crt_t crt)
{
  gnutls_datum_t der = { NULL, 0 };
  gnutls_x509_crt_t copy = NULL;

  if (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der) < 0)
    return NULL;
  gnutls_x509_crt_init (&copy);
  if (gnutls_x509_crt_import (copy, &der, GNUTLS_X509_FMT_DER) < 0)
    {
      gnutls_x509_crt_deinit (copy);
      copy = NULL;
    }
  gnutls_free (der.data);
  return copy;
}

static GBytes *
crt_raw_name (gnutls_x509_crt_t crt, gboolean issuer)
{
  gnutls_datum_t d = { NULL, 0 };
  GBytes *b;

  if ((issuer ? gnutls_x509_crt_get_raw_issuer_dn (crt, &d) : gnutls_x509_crt_get_raw_dn (crt, &d)) < 0)
    return g_bytes_new (NULL, 0);
  b = g_bytes_new (d.data, d.size);
  gnutls_free (d.data);
  return b;
}

/* Raw DER comparison: no DN decoding per handshake (the benchmark's
 * profile found DN decoding at a sixth of phoneprovd's handshake cost). */
static gboolean
crt_is_self_signed (gnutls_x509_crt_t crt)
{
  g_autoptr(GBytes) subject = crt_raw_name (crt, FALSE);
  g_autoptr(GBytes) issuer = crt_raw_name (crt, TRUE);
  return g_bytes_equal (subject, issuer);
}

/* The store certificate that issued @crt: looked up by the raw issuer name,
 * confirmed by gnutls_x509_crt_check_issuer() (key identifiers) so a CA
 * that merely copies a name is not taken for the issuer. */
static gnutls_x509_crt_t
store_find_issuer (PpTlsContext *ctx, gnutls_x509_crt_t crt)
{
  g_autoptr(GBytes) name = NULL;
  GPtrArray *candidates;
  gpointer known = NULL;

  /* The CAs above a phone are store certificates: their answer is fixed. */
  if (ctx->issuer_of && g_hash_table_lookup_extended (ctx->issuer_of, crt, NULL, &known))
    return known;
  name = crt_raw_name (crt, TRUE);
  candidates = g_hash_table_lookup (ctx->by_subject, name);
  for (guint i = 0; candidates && i < candidates->len; i++)
    if (gnutls_x509_crt_check_issuer (crt, candidates->pdata[i]))
      return candidates->pdata[i];
  return NULL;
}

static void
index_store (PpTlsContext *ctx)
{
  ctx->by_subject = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref,
                                           (GDestroyNotify) g_ptr_array_unref);
  ctx->names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  for (guint i = 0; i < ctx->store->len; i++)
    {
      g_hash_table_insert (ctx->names, ctx->store->pdata[i], pp_tls_crt_dn (ctx->store->pdata[i], FALSE));
      GBytes *name = crt_raw_name (ctx->store->pdata[i], FALSE);
      GPtrArray *list = g_hash_table_lookup (ctx->by_subject, name);
      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (ctx->by_subject, g_bytes_ref (name), list);
        }
      g_ptr_array_add (list, ctx->store->pdata[i]);
      g_bytes_unref (name);
    }
  ctx->issuer_of = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < ctx->store->len; i++)
    g_hash_table_insert (ctx->issuer_of, ctx->store->pdata[i], store_find_issuer (ctx, ctx->store->pdata[i]));
}

/* Intermediates whose own chain to an anchor verifies now (signatures,
 * validity, CRLs) join the trust list. GnuTLS then stops at them, so a
 * handshake checks one signature (device ← issuing CA) instead of
 * re-verifying CA signatures that never change. Repeated until no more
 * join, so deeper intermediates follow their issuers. */
static void
trust_verified_intermediates (PpTlsContext *ctx)
{
  g_autoptr(GHashTable) done = g_hash_table_new (NULL, NULL);
  gboolean added = TRUE;

  while (added)
    {
      added = FALSE;
      for (guint i = 0; i < ctx->store->len; i++)
        {
          gnutls_x509_crt_t crt = ctx->store->pdata[i];
          gnutls_x509_crt_t chain[MAX_CHAIN];
          unsigned len = 0, status = 1;

          if (crt_is_self_signed (crt) || g_hash_table_contains (done, crt))
            continue;
          chain[len++] = crt;
          while (len < MAX_CHAIN && !crt_is_self_signed (chain[len - 1]))
            {
              gnutls_x509_crt_t next = store_find_issuer (ctx, chain[len - 1]);
              if (next == NULL)
                break;
              chain[len++] = next;
            }
          if (gnutls_x509_trust_list_verify_crt2 (ctx->trust, chain, len, NULL, 0, 0, &status, NULL) < 0
              || status != 0)
            continue;
          /* Only where stopping early loses nothing: the whole chain up to
           * a store anchor is known, and no CA above constrains what this
           * one issues (name constraints, path length). */
          if (!crt_is_self_signed (chain[len - 1]) || !pp_tls_chain_may_stop_at (chain, len))
            continue;
          {
            gnutls_x509_crt_t copy = crt_dup (crt);
            if (copy && gnutls_x509_trust_list_add_cas (ctx->trust, &copy, 1, 0) == 1)
              {
                g_hash_table_add (done, crt);
                ctx->n_verified_intermediates++;
                added = TRUE;
              }
            else if (copy)
              gnutls_x509_crt_deinit (copy);
          }
        }
    }
}

/* pki/trust: every *.pem / *.crt holds CA certificates; self-signed ones are
 * anchors, the others intermediates that complete a phone's chain (phones
 * often send only their own certificate). *.crl files are revocation lists;
 * they are added after the CAs because GnuTLS checks their signatures then. */
static gboolean
load_trust_dir (PpTlsContext *ctx, const char *dir, gboolean check_crl, GError **error)
{
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) crl_files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) anchors = g_ptr_array_new ();
  const char *name;

  ctx->store = g_ptr_array_new_with_free_func (store_free);
  gnutls_x509_trust_list_init (&ctx->trust, 0);
  d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    {
      index_store (ctx); /* empty: every client certificate is refused */
      return TRUE;
    }
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      gnutls_datum_t data = { NULL, 0 };
      gnutls_x509_crt_t *crts = NULL;
      unsigned n = 0;
      int ret;

      if (g_str_has_suffix (name, ".crl"))
        {
          g_ptr_array_add (crl_files, g_steal_pointer (&path));
          continue;
        }
      if (!g_str_has_suffix (name, ".pem") && !g_str_has_suffix (name, ".crt"))
        continue;
      if (!load_file (path, &data, error))
        return FALSE;
      ret = gnutls_x509_crt_list_import2 (&crts, &n, &data, GNUTLS_X509_FMT_PEM, 0);
      if (ret < 0)
        ret = gnutls_x509_crt_list_import2 (&crts, &n, &data, GNUTLS_X509_FMT_DER, 0);
      g_free (data.data);
      if (ret < 0)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
                       _("The trust store file %s is not a certificate (%s). Remove it or import it again."),
                       path, gnutls_strerror (ret));
          return FALSE;
        }
      for (unsigned i = 0; i < n; i++)
        {
          g_ptr_array_add (ctx->store, crts[i]);
          if (crt_is_self_signed (crts[i]))
            g_ptr_array_add (anchors, crts[i]);
        }
      gnutls_free (crts);
    }

  for (guint i = 0; i < anchors->len; i++)
    {
      gnutls_x509_crt_t copy = crt_dup (anchors->pdata[i]);
      if (copy && gnutls_x509_trust_list_add_cas (ctx->trust, &copy, 1, 0) == 1)
        ctx->n_anchors++;
      else if (copy)
        gnutls_x509_crt_deinit (copy);
    }
  /* The CA names go into the CertificateRequest, so phones with several
   * certificates pick the right one. */
  if (anchors->len > 0)
    gnutls_certificate_set_x509_trust (ctx->creds, (gnutls_x509_crt_t *) anchors->pdata,
                                       (int) anchors->len);

  index_store (ctx);

  for (guint f = 0; check_crl && f < crl_files->len; f++)
    {
      const char *path = crl_files->pdata[f];
      gnutls_datum_t data = { NULL, 0 };
      gnutls_x509_crl_t *crls = NULL;
      unsigned n = 0;
      int ret;

      if (!load_file (path, &data, error))
        return FALSE;
      ret = gnutls_x509_crl_list_import2 (&crls, &n, &data, GNUTLS_X509_FMT_PEM, 0);
      if (ret < 0)
        ret = gnutls_x509_crl_list_import2 (&crls, &n, &data, GNUTLS_X509_FMT_DER, 0);
      g_free (data.data);
      if (ret < 0)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
                       _("The revocation list %s cannot be read (%s). Replace or remove it."),
                       path, gnutls_strerror (ret));
          return FALSE;
        }
      for (unsigned i = 0; i < n; i++)
        {
          /* GnuTLS's own CRL check at add time knows only anchors, but
           * intermediates sign most CRLs: check the signature against the
           * whole store ourselves. */
          gboolean signed_by_store = FALSE;
          for (guint c = 0; c < ctx->store->len && !signed_by_store; c++)
            {
              gnutls_x509_crt_t ca = ctx->store->pdata[c];
              unsigned vs = 1;
              if (gnutls_x509_crl_check_issuer (crls[i], ca)
                  && gnutls_x509_crl_verify (crls[i], &ca, 1, 0, &vs) >= 0 && vs == 0)
                signed_by_store = TRUE;
            }
          if (!signed_by_store)
            {
              g_set_error (error, PP_ERROR, PP_ERROR_MISMATCH,
                           _("The revocation list %s is not signed by a CA in the trust store. Import its "
                             "CA first, or remove the list."), path);
              for (unsigned j = i; j < n; j++)
                gnutls_x509_crl_deinit (crls[j]);
              gnutls_free (crls);
              return FALSE;
            }
          /* Takes ownership. */
          gnutls_x509_trust_list_add_crls (ctx->trust, &crls[i], 1, 0, 0);
        }
      gnutls_free (crls);
    }
  /* After the CRLs, so a revoked intermediate stays out. */
  trust_verified_intermediates (ctx);
  return TRUE;
}

PpTlsContext *
pp_tls_context_new (const PpTlsSettings *settings, GError **error)
{
  g_autoptr(PpTlsContext) ctx = g_new0 (PpTlsContext, 1);
  const char *err_pos = NULL;
  int ret;

  g_atomic_ref_count_init (&ctx->ref);
  g_mutex_init (&ctx->selftest_lock);
  ctx->profile = g_strdup (settings->profile ? settings->profile : "compatible");
  ctx->client_certs = settings->client_certs;
  ctx->accept_expired_polycom = settings->accept_expired_polycom;

  gnutls_certificate_allocate_credentials (&ctx->creds);
  if (!g_file_test (settings->server_key, G_FILE_TEST_EXISTS)
      || !g_file_test (settings->server_cert, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                   _("The HTTPS site has no server certificate yet (%s). Issue and install one "
                     "(wizard page “Issue and install”, or “phoneprovctl ca sign”) or disable the HTTPS site."),
                   settings->server_cert);
      return NULL;
    }
  if (!add_key_pair (ctx, settings->server_key, settings->server_cert, settings->server_chain, error))
    return NULL;
  /* ECDSA beside RSA: GnuTLS picks per client, old phones keep RSA. */
  if (settings->ecdsa_key && settings->ecdsa_cert
      && g_file_test (settings->ecdsa_key, G_FILE_TEST_EXISTS)
      && g_file_test (settings->ecdsa_cert, G_FILE_TEST_EXISTS)
      && !add_key_pair (ctx, settings->ecdsa_key, settings->ecdsa_cert, settings->server_chain, error))
    return NULL;

  if (!load_trust_dir (ctx, settings->trust_dir, settings->check_crl, error))
    return NULL;

  ret = gnutls_priority_init (&ctx->priority, pp_tls_profile_priority (ctx->profile), &err_pos);
  if (ret < 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_UNSUPPORTED,
                   _("This system's GnuTLS does not accept the %s TLS profile (%s near “%s”)."),
                   ctx->profile, gnutls_strerror (ret), err_pos ? err_pos : "");
      return NULL;
    }
  gnutls_session_ticket_key_generate (&ctx->ticket_key);
  ctx->sessions = pp_tls_session_cache_new (PP_TLS_SESSION_CACHE_MAX, PP_TLS_SESSION_LIFETIME_S);
  ctx->verified = pp_tls_verified_cache_new (PP_TLS_VERIFIED_CACHE_MAX);
  return g_steal_pointer (&ctx);
}

/* ---- client-certificate policy -------------------------------------------- */

char *
pp_tls_crt_mac (gnutls_x509_crt_t crt)
{
  char cn[256];
  size_t size = sizeof cn - 1;

  if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size) < 0)
    return NULL;
  cn[size] = '\0';
  if (size != 12)
    return NULL;
  for (size_t i = 0; i < 12; i++)
    if (!g_ascii_isxdigit (cn[i]))
      return NULL;
  return g_ascii_strdown (cn, -1);
}

/* clientAuth, anyExtendedKeyUsage or no EKU extension at all. */
gboolean
pp_tls_crt_allows_client_auth (gnutls_x509_crt_t crt)
{
  gboolean any = FALSE;

  for (unsigned i = 0;; i++)
    {
      char oid[128];
      size_t size = sizeof oid;
      int ret = gnutls_x509_crt_get_key_purpose_oid (crt, i, oid, &size, NULL);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return !any;
      if (ret < 0)
        return FALSE;
      any = TRUE;
      if (g_str_equal (oid, GNUTLS_KP_TLS_WWW_CLIENT) || g_str_equal (oid, GNUTLS_KP_ANY))
        return TRUE;
    }
}


/* A CA in the store carries the name @crt gives as its issuer (whether or
 * not it signed it). */
static gboolean
store_has_name (PpTlsContext *ctx, gnutls_x509_crt_t crt)
{
  gnutls_datum_t issuer = { NULL, 0 };
  gboolean found = FALSE;

  if (gnutls_x509_crt_get_raw_issuer_dn (crt, &issuer) < 0)
    return FALSE;
  for (guint i = 0; i < ctx->store->len && !found; i++)
    {
      gnutls_datum_t subject = { NULL, 0 };
      if (gnutls_x509_crt_get_raw_dn (ctx->store->pdata[i], &subject) >= 0)
        {
          found = subject.size == issuer.size && memcmp (subject.data, issuer.data, issuer.size) == 0;
          gnutls_free (subject.data);
        }
    }
  gnutls_free (issuer.data);
  return found;
}

/* Formatting a DN is costly in GnuTLS; store certificates have theirs
 * formatted once at load. */
static char *
chain_subject (PpTlsContext *ctx, gnutls_x509_crt_t crt)
{
  const char *known = g_hash_table_lookup (ctx->names, crt);
  return known ? g_strdup (known) : pp_tls_crt_dn (crt, FALSE);
}

/* SHA-256 over what the phone sent, each certificate with its length. */
static gboolean
verified_key (const gnutls_datum_t *der, unsigned n_der, guint8 key[32])
{
  gnutls_hash_hd_t h;

  if (gnutls_hash_init (&h, GNUTLS_DIG_SHA256) < 0)
    return FALSE;
  for (unsigned i = 0; i < n_der; i++)
    {
      guint32 size = GUINT32_TO_BE (der[i].size);
      gnutls_hash (h, &size, sizeof size);
      gnutls_hash (h, der[i].data, der[i].size);
    }
  gnutls_hash_deinit (h, key);
  return TRUE;
}

static gboolean
refuse (PpTlsRefusal *r, char *reason, const char *remedy)
{
  r->reason = reason;
  r->remedy = g_strdup (remedy);
  return FALSE;
}

gboolean
pp_tls_verify_peer (PpTlsContext *ctx, const gnutls_datum_t *der, unsigned n_der, PpPeer *peer,
                    PpTlsRefusal *r)
{
  gnutls_x509_crt_t chain[MAX_CHAIN];
  gboolean owned[MAX_CHAIN] = { FALSE };
  unsigned len = 0, status = 0, n_sent;
  gnutls_x509_crt_t trusted_issuer = NULL;
  gboolean ok = FALSE;
  gnutls_x509_crt_t leaf;
  guint8 key[32];
  gboolean keyed;
  gint64 now = (gint64) time (NULL);
  int ret;

  if (n_der == 0)
    {
      if (ctx->client_certs != PP_CLIENT_CERTS_REQUIRED)
        return TRUE;
      return refuse (r, g_strdup (_("The phone sent no client certificate.")),
                     _("Check that the phone has a device certificate (Menu > Status > Platform > Phone "
                       "shows “Device Certificate: Installed”) and runs SIP 3.2 or later."));
    }
  /* The wizard's self-test certificate, while its grant lasts; never cached. */
  if (pp_tls_context_selftest_accepts (ctx, der, n_der, peer))
    return TRUE;
  keyed = verified_key (der, n_der, key);
  if (keyed && pp_tls_verified_cache_lookup (ctx->verified, key, sizeof key, peer, now))
    return TRUE;
  for (unsigned i = 0; i < n_der && len < MAX_CHAIN; i++)
    {
      gnutls_x509_crt_init (&chain[len]);
      owned[len] = TRUE;
      if (gnutls_x509_crt_import (chain[len], &der[i], GNUTLS_X509_FMT_DER) < 0)
        {
          gnutls_x509_crt_deinit (chain[len]);
          owned[len] = FALSE;
          if (len == 0)
            return refuse (r, g_strdup (_("The phone's certificate cannot be parsed.")),
                           _("The phone's device certificate is damaged; contact the vendor."));
          break;
        }
      len++;
    }
  leaf = chain[0];
  peer->chain_length = n_der;
  g_free (peer->subject);
  g_free (peer->issuer);
  g_free (peer->mac);
  peer->subject = pp_tls_crt_dn (leaf, FALSE);
  peer->issuer = pp_tls_crt_dn (leaf, TRUE);
  peer->mac = pp_tls_crt_mac (leaf);

  n_sent = len;
  /* Complete the chain from the store. */
  while (len < MAX_CHAIN && !crt_is_self_signed (chain[len - 1]))
    {
      gnutls_x509_crt_t next = store_find_issuer (ctx, chain[len - 1]);
      if (next == NULL)
        break;
      chain[len++] = next;
    }

  if (n_der == 1 && crt_is_self_signed (leaf) && len == 1)
    {
      gboolean anchored = FALSE;
      for (guint i = 0; i < ctx->store->len && !anchored; i++)
        anchored = gnutls_x509_crt_equals (leaf, ctx->store->pdata[i]);
      if (!anchored)
        {
          refuse (r, g_strdup_printf (_("The phone's certificate “%s” is self-signed, not issued by a trusted CA."),
                                      peer->subject),
                  _("Phones must present their factory device certificate or one issued by a CA in the trust "
                    "store. Install a proper device certificate, or import its CA on the “Trust the phones” page."));
          goto out;
        }
    }

  /* What the phone sent, when its issuer is a verified intermediate in the
   * trust list (GnuTLS then looks it up by name hash, one signature);
   * otherwise the completed chain, so failures name their real cause. */
  {
    unsigned n_verify = len;
    if (n_sent < len && chain[n_sent] != NULL
        /* Borrowed, not copied (a copy cost 0.2 M instructions a
         * handshake): this trust list has no PKCS #11 token and does not
         * change after load. */
        && gnutls_x509_trust_list_get_issuer (ctx->trust, chain[n_sent - 1], &trusted_issuer, 0) == 0)
      n_verify = n_sent;
    /* The phone's certificate alone under a trusted issuer of another
     * name: nothing to sort (GnuTLS's sorting decodes both of its DNs to ask
     * whether it is self-signed), and it is checked against that issuer even
     * if it were a copy of a trusted CA (GnuTLS would compare it with one,
     * decoding the DNs again): 0.28 M instructions a handshake, same
     * verdicts. Not for a self-signed certificate trusted by itself (len 1):
     * that one is trusted as a copy, it could not pass as its own CA. */
    ret = gnutls_x509_trust_list_verify_crt2 (ctx->trust, chain, n_verify, NULL, 0,
                                              n_verify == 1 && len > 1
                                                ? GNUTLS_VERIFY_DO_NOT_ALLOW_UNSORTED_CHAIN
                                                  | GNUTLS_VERIFY_DO_NOT_ALLOW_SAME : 0,
                                              &status, NULL);
  }
  if (ret < 0)
    {
      refuse (r, g_strdup_printf (_("The phone's certificate could not be checked: %s."), gnutls_strerror (ret)),
              _("Check the trust store in pki/trust."));
      goto out;
    }
  /* Stopping at a trusted intermediate skips the dates of the CAs above it,
   * which were checked at load only: check them now, top down, as a full
   * verification to the anchor does (pp-tls-verify.c). */
  if (!(status & GNUTLS_CERT_SIGNER_NOT_FOUND) && len > 1 && crt_is_self_signed (chain[len - 1]))
    {
      unsigned ca_time = pp_tls_chain_ca_time_status (chain, len, time (NULL));
      if (ca_time != 0)
        status = ca_time;
    }
  if ((status & GNUTLS_CERT_EXPIRED) && ctx->accept_expired_polycom
      && !(status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_REVOKED | GNUTLS_CERT_SIGNATURE_FAILURE))
      && crt_is_self_signed (chain[len - 1]))
    {
      /* Only the genuine Polycom hierarchy earns this exception, and only
       * the device certificate may be out of date. */
      const char *root_name = NULL;
      gboolean cas_current = TRUE;
      for (unsigned i = 1; i < len; i++)
        cas_current = cas_current && gnutls_x509_crt_get_expiration_time (chain[i]) > time (NULL);
      /* The pinned fingerprints live with the trust store (pp-trust.c). */
      if (pp_polycom_check (chain[len - 1], &root_name) == PP_POLYCOM_GENUINE
          && g_strcmp0 (root_name, "Polycom Root CA") == 0 && cas_current)
        {
          unsigned relaxed = 0;
          gnutls_x509_trust_list_verify_crt2 (ctx->trust, chain, len, NULL, 0,
                                              GNUTLS_VERIFY_DISABLE_TIME_CHECKS, &relaxed, NULL);
          if (relaxed == 0)
            {
              status = 0;
              peer->expired_accepted = TRUE;
            }
        }
    }
  if (status != 0)
    {
      g_autofree char *until = format_time (gnutls_x509_crt_get_expiration_time (leaf));
      g_autofree char *from = format_time (gnutls_x509_crt_get_activation_time (leaf));

      if (status & GNUTLS_CERT_REVOKED)
        refuse (r, g_strdup_printf (_("The phone's certificate “%s” has been revoked (it is listed in a CRL "
                                      "in the trust store)."), peer->subject),
                _("Issue the phone a new certificate, or remove the revocation if it was a mistake."));
      else if ((status & GNUTLS_CERT_SIGNER_NOT_FOUND) && store_has_name (ctx, leaf))
        refuse (r, g_strdup_printf (_("The phone's certificate “%s” names “%s” as its issuer, but the CA of that "
                                      "name in the trust store did not sign it: a forged or foreign certificate."),
                                    peer->subject, peer->issuer),
                _("Do not trust this device. If it is genuinely yours, its vendor CA differs from the one "
                  "imported; import the right CA."));
      else if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
        refuse (r, g_strdup_printf (_("The phone's certificate “%s” was issued by “%s”, which is not in the "
                                      "trust store."), peer->subject, peer->issuer),
                _("Import the phone vendor's root CA and intermediate CAs (for Polycom phones the Polycom "
                  "Root CA and Equipment CAs) on the “Trust the phones” page or with “phoneprovctl trust add”."));
      else if (status & GNUTLS_CERT_EXPIRED)
        refuse (r, g_strdup_printf (_("The phone's certificate “%s” expired on %s."), peer->subject, until),
                _("Replace the device certificate; for genuine Polycom phones with short-lived factory "
                  "certificates you may set https.accept-expired-polycom=true."));
      else if (status & GNUTLS_CERT_NOT_ACTIVATED)
        refuse (r, g_strdup_printf (_("The phone's certificate “%s” is not valid before %s."), peer->subject, from),
                _("Check the clocks of the phone and of this server (NTP)."));
      else if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
        refuse (r, g_strdup_printf (_("The signature on the phone's certificate “%s” is wrong."), peer->subject),
                _("The certificate was altered or mis-issued; issue a new one."));
      else if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
        refuse (r, g_strdup_printf (_("The phone's certificate “%s” uses an insecure signature algorithm."),
                                    peer->subject),
                _("Issue the phone a certificate signed with SHA-256."));
      else
        {
          gnutls_datum_t txt = { NULL, 0 };
          gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &txt, 0);
          refuse (r, g_strdup_printf (_("The phone's certificate “%s” is not valid: %s."), peer->subject,
                                      txt.data ? (char *) txt.data : "?"),
                  _("Check the certificate and the trust store."));
          gnutls_free (txt.data);
        }
      goto out;
    }
  if (!pp_tls_crt_allows_client_auth (leaf))
    {
      refuse (r, g_strdup_printf (_("The phone's certificate “%s” is not meant for client authentication "
                                    "(its Extended Key Usage lacks clientAuth)."), peer->subject),
              _("Issue the phone a certificate with the Client Authentication purpose."));
      goto out;
    }
  {
    GPtrArray *subjects = g_ptr_array_new ();
    for (unsigned i = 0; i < len; i++)
      g_ptr_array_add (subjects, i == 0 ? g_strdup (peer->subject) : chain_subject (ctx, chain[i]));
    g_ptr_array_add (subjects, NULL);
    g_strfreev (peer->chain);
    peer->chain = (char **) g_ptr_array_free (subjects, FALSE);
  }
  ok = TRUE;
  /* Not the expired-Polycom exception: that one warns every time. */
  if (keyed && !peer->expired_accepted)
    {
      gint64 until = now + PP_TLS_VERIFIED_MAX_AGE_S;
      for (unsigned i = 0; i < len; i++)
        until = MIN (until, (gint64) gnutls_x509_crt_get_expiration_time (chain[i]));
      pp_tls_verified_cache_add (ctx->verified, key, sizeof key, peer, until);
    }

out:
  for (unsigned i = 0; i < len; i++)
    if (owned[i])
      gnutls_x509_crt_deinit (chain[i]);
  return ok;
}

