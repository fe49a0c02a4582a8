/* The wizard's mutual-TLS self-test certificate, accepted from memory
 * (see pp-tls-private.h). The self-test used to add its throwaway CA to
 * pki/trust/ for a moment: an administrator watching the folder, or a crash
 * in that window, saw or kept a foreign CA trusted. Now the anchor never
 * reaches the disk, and it vouches for exactly one certificate. */
#include "config.h"
#include "pp-tls-private.h"
#include "pp-error.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <string.h>

struct _PpTlsSelftest {
  gnutls_x509_trust_list_t trust;      /* the throwaway anchor, nothing else */
  guint8                   cert[32];   /* SHA-256 of the one certificate */
  gint64                   expires;    /* monotonic */
};

void
pp_tls_selftest_free (PpTlsSelftest *grant)
{
  if (grant == NULL)
    return;
  if (grant->trust)
    gnutls_x509_trust_list_deinit (grant->trust, 1);
  g_free (grant);
}

static gboolean
parse_sha256 (const char *hex, guint8 out[32])
{
  if (hex == NULL || strlen (hex) != 64)
    return FALSE;
  for (guint i = 0; i < 32; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]), lo = g_ascii_xdigit_value (hex[2 * i + 1]);
      if (hi < 0 || lo < 0)
        return FALSE;
      out[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

static PpTlsSelftest *
selftest_new (const char *anchor_pem, const char *cert_sha256, guint seconds, GError **error)
{
  PpTlsSelftest *grant = g_new0 (PpTlsSelftest, 1);
  gnutls_x509_crt_t anchor = NULL;
  gnutls_datum_t pem = { (unsigned char *) anchor_pem, (unsigned) strlen (anchor_pem) };
  unsigned ca = 0;

  if (!parse_sha256 (cert_sha256, grant->cert))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The self-test's certificate must be named by its SHA-256 fingerprint (64 hexadecimal "
                     "digits)."));
      pp_tls_selftest_free (grant);
      return NULL;
    }
  if (seconds == 0 || seconds > PP_TLS_SELFTEST_MAX_S)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The self-test may last from 1 to %u seconds."), PP_TLS_SELFTEST_MAX_S);
      pp_tls_selftest_free (grant);
      return NULL;
    }
  gnutls_x509_crt_init (&anchor);
  if (gnutls_x509_crt_import (anchor, &pem, GNUTLS_X509_FMT_PEM) < 0
      || gnutls_x509_crt_get_basic_constraints (anchor, NULL, &ca, NULL) < 0 || !ca)
    {
      gnutls_x509_crt_deinit (anchor);
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The self-test's anchor is not a CA certificate in PEM form."));
      pp_tls_selftest_free (grant);
      return NULL;
    }
  gnutls_x509_trust_list_init (&grant->trust, 0);
  /* The list owns the anchor from here. */
  gnutls_x509_trust_list_add_cas (grant->trust, &anchor, 1, 0);
  grant->expires = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  return grant;
}

gboolean
pp_tls_context_set_selftest (PpTlsContext *ctx, const char *anchor_pem, const char *cert_sha256, guint seconds,
                             GError **error)
{
  PpTlsSelftest *grant = NULL, *old;

  if (anchor_pem && (grant = selftest_new (anchor_pem, cert_sha256, seconds, error)) == NULL)
    return FALSE;
  g_mutex_lock (&ctx->selftest_lock);
  old = ctx->selftest;
  g_atomic_pointer_set (&ctx->selftest, grant);
  g_mutex_unlock (&ctx->selftest_lock);
  pp_tls_selftest_free (old);
  return TRUE;
}

gboolean
pp_tls_context_selftest_accepts (PpTlsContext *ctx, const gnutls_datum_t *der, unsigned n_der, PpPeer *peer)
{
  guint8 digest[32];
  gnutls_x509_crt_t leaf = NULL;
  unsigned status = 0;
  gboolean ok = FALSE;
  PpTlsSelftest *grant;

  /* Phones pay one atomic read; the lock only while a self-test runs. */
  if (n_der == 0 || g_atomic_pointer_get (&ctx->selftest) == NULL)
    return FALSE;
  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, der[0].data, der[0].size, digest) < 0)
    return FALSE;
  g_mutex_lock (&ctx->selftest_lock);
  grant = ctx->selftest;
  if (grant && g_get_monotonic_time () < grant->expires && memcmp (digest, grant->cert, sizeof digest) == 0
      && gnutls_x509_crt_init (&leaf) == 0
      && gnutls_x509_crt_import (leaf, &der[0], GNUTLS_X509_FMT_DER) == 0
      && gnutls_x509_trust_list_verify_crt2 (grant->trust, &leaf, 1, NULL, 0, 0, &status, NULL) == 0
      && status == 0 && pp_tls_crt_allows_client_auth (leaf))
    {
      char *chain[3] = { NULL, NULL, NULL };
      g_free (peer->subject);
      g_free (peer->issuer);
      g_free (peer->mac);
      g_strfreev (peer->chain);
      peer->subject = pp_tls_crt_dn (leaf, FALSE);
      peer->issuer = pp_tls_crt_dn (leaf, TRUE);
      peer->mac = pp_tls_crt_mac (leaf);
      chain[0] = peer->subject;
      chain[1] = peer->issuer;
      peer->chain = g_strdupv (chain);
      peer->chain_length = n_der;
      ok = TRUE;
    }
  g_mutex_unlock (&ctx->selftest_lock);
  if (leaf)
    gnutls_x509_crt_deinit (leaf);
  return ok;
}
