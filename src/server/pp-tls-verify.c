/* What a chain verified up to a trusted intermediate must still be checked
 * for, so that stopping there (pp-tls.c: trust_verified_intermediates) keeps
 * every verdict a full verification to the anchor gives.
 *
 * GnuTLS (3.7.9, lib/x509/verify.c) stops at the first certificate of the
 * chain found in the trust list. Above that point it then applies nothing:
 * not the name constraints and TLS features of the CAs above it, not the
 * path length they leave, not their dates. Signatures, CA flags, key usage
 * and CRLs of the CAs above never change while the context lives (a reload
 * builds a new one) and are checked when the intermediate is admitted; the
 * constraints are checked here at admission too; only the dates move, and
 * are checked per handshake. */
#include "config.h"
#include "pp-tls-private.h"

#include <string.h>

/* GnuTLS's MAX_VERIFY_DEPTH, the path length a chain starts with. */
#define GNUTLS_MAX_PATH 4096

static gboolean
crt_has_extension (gnutls_x509_crt_t crt, const char *wanted)
{
  for (unsigned i = 0;; i++)
    {
      char oid[128];
      size_t size = sizeof oid;
      int ret = gnutls_x509_crt_get_extension_info (crt, i, oid, &size, NULL);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return FALSE;
      if (ret < 0)
        return TRUE; /* unreadable: assume the worst */
      if (strcmp (oid, wanted) == 0)
        return TRUE;
    }
}

gboolean
pp_tls_chain_may_stop_at (gnutls_x509_crt_t *chain, unsigned len)
{
  unsigned max_path = GNUTLS_MAX_PATH;

  /* Walk the steps a full verification takes, top down: chain[i] issues
   * chain[i - 1]. */
  for (unsigned i = len; i-- > 1;)
    {
      gnutls_x509_crt_t issuer = chain[i];
      unsigned ca = 0;
      int pathlen = -1;

      /* Name constraints (2.5.29.30) and TLS features (1.3.6.1.5.5.7.1.24)
       * accumulate down the chain and bind the phone's certificate. */
      if (crt_has_extension (issuer, "2.5.29.30") || crt_has_extension (issuer, "1.3.6.1.5.5.7.1.24"))
        return FALSE;
      if (max_path == 0)
        return FALSE;
      max_path--;
      if (gnutls_x509_crt_get_basic_constraints (issuer, NULL, &ca, &pathlen) < 0)
        {
          ca = 0;
          pathlen = -1;
        }
      if (ca && pathlen >= 0 && (unsigned) pathlen < max_path)
        max_path = (unsigned) pathlen;
    }
  /* A full verification refuses the next certificate below chain[0] when
   * no path length is left. */
  return max_path > 0;
}

static unsigned
crt_time_status (gnutls_x509_crt_t crt, time_t now)
{
  time_t t = gnutls_x509_crt_get_activation_time (crt);

  if (t == (time_t) -1 || now < t)
    return GNUTLS_CERT_NOT_ACTIVATED | GNUTLS_CERT_INVALID;
  t = gnutls_x509_crt_get_expiration_time (crt);
  if (t == (time_t) -1 || now > t)
    return GNUTLS_CERT_EXPIRED | GNUTLS_CERT_INVALID;
  return 0;
}

unsigned
pp_tls_chain_ca_time_status (gnutls_x509_crt_t *chain, unsigned len, time_t now)
{
  /* Top down, as a full verification reports the first failing step. */
  for (unsigned i = len; i-- > 1;)
    {
      unsigned status = crt_time_status (chain[i], now);
      if (status != 0)
        return status;
    }
  return 0;
}
