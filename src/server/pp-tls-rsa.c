/* RSA server signatures with reused blinding factors, see pp-tls-private.h.
 *
 * Why: every full handshake with an RSA server key costs one signature, and
 * GnuTLS 3.7 (nettle 3.8) draws a fresh blinding factor for each one and
 * inverts it in constant time: ≈ 10 M of the ≈ 20 M instructions of a
 * 2048-bit signature, where the exponentiation itself is ≈ 9 M. OpenSSL
 * keeps a blinding pair and squares it between signatures, drawing a fresh
 * one every 32 uses. This file does the same on the same primitives:
 *
 *   blind   = r^e mod n,  unblind = r^-1 mod n   (fresh every 32 signatures)
 *   s       = unblind · CRT-root(m · blind)       (mpz_powm_sec, both primes)
 *   check   s^e ≡ m (mod n), else no signature    (a fault must not leak p, q)
 *   next    blind ← blind², unblind ← unblind²
 *
 * Encoding (EMSA-PKCS1-v1_5 from the DigestInfo GnuTLS passes, EMSA-PSS
 * with a salt as long as the hash) is nettle's. Only signing goes through
 * here: the key is installed only for profiles without RSA key exchange
 * (GnuTLS 3.7 gives external keys no constant-time decryption hook, and
 * PKCS#1 v1.5 decryption must stay constant time), see pp_tls_rsa_set_key(). */
#include "config.h"
#include "pp-tls-private.h"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gmp.h>
#include <nettle/nettle-meta.h>
#include <nettle/pkcs1.h>
#include <nettle/pss.h>
#include <string.h>

#define BLINDING_USES 32     /* OpenSSL's BN_BLINDING_COUNTER */
#define MAX_CHAIN 16

typedef struct {
  mpz_t    n, e, p, q, dp, dq, qinv;
  unsigned bits;
  size_t   k;                /* modulus length in bytes */
  GMutex   lock;             /* guards the blinding pair */
  mpz_t    blind, unblind;
  guint    uses;
} RsaKey;

static void
rsa_key_free (RsaKey *key)
{
  mpz_clears (key->n, key->e, key->p, key->q, key->dp, key->dq, key->qinv, key->blind, key->unblind, NULL);
  g_mutex_clear (&key->lock);
  g_free (key);
}

static void
deinit_cb (gnutls_privkey_t pkey, void *userdata)
{
  (void) pkey;
  rsa_key_free (userdata);
}

static void
import_datum (mpz_t z, const gnutls_datum_t *d)
{
  mpz_import (z, d->size, 1, 1, 0, 0, d->data);
}

/* @out = @a^-1 mod n in constant time (GMP's mpn_sec_invert); n is odd. */
static gboolean
sec_invert (RsaKey *key, mpz_t out, const mpz_t a)
{
  mp_size_t nn = mpz_size (key->n);
  g_autofree mp_limb_t *ap = g_new0 (mp_limb_t, nn);
  g_autofree mp_limb_t *tp = g_new0 (mp_limb_t, mpn_sec_invert_itch (nn));
  mp_limb_t *rp;
  int ok;

  memcpy (ap, mpz_limbs_read (a), mpz_size (a) * sizeof (mp_limb_t));
  rp = mpz_limbs_write (out, nn);
  ok = mpn_sec_invert (rp, ap, mpz_limbs_read (key->n), nn, 2 * nn * GMP_NUMB_BITS, tp);
  mpz_limbs_finish (out, nn);
  return ok != 0;
}

/* A fresh blinding pair from a random r in [2, n). */
static gboolean
fresh_blinding (RsaKey *key)
{
  g_autofree guint8 *buf = g_malloc (key->k + 8);
  mpz_t r;
  gboolean ok = FALSE;

  mpz_init (r);
  for (int attempt = 0; attempt < 8 && !ok; attempt++)
    {
      if (gnutls_rnd (GNUTLS_RND_RANDOM, buf, key->k + 8) < 0)
        break;
      mpz_import (r, key->k + 8, 1, 1, 0, 0, buf);
      mpz_mod (r, r, key->n);
      if (mpz_cmp_ui (r, 1) <= 0)
        continue;
      ok = sec_invert (key, key->unblind, r);
    }
  if (ok)
    mpz_powm_sec (key->blind, r, key->e, key->n);
  gnutls_memset (buf, 0, key->k + 8);
  mpz_clear (r);
  return ok;
}

/* Takes this signature's blinding pair and advances the key's. */
static gboolean
next_blinding (RsaKey *key, mpz_t blind, mpz_t unblind)
{
  gboolean ok = TRUE;

  g_mutex_lock (&key->lock);
  if (key->uses % BLINDING_USES == 0)
    ok = fresh_blinding (key);
  if (ok)
    {
      mpz_set (blind, key->blind);
      mpz_set (unblind, key->unblind);
      mpz_mul (key->blind, key->blind, key->blind);
      mpz_mod (key->blind, key->blind, key->n);
      mpz_mul (key->unblind, key->unblind, key->unblind);
      mpz_mod (key->unblind, key->unblind, key->n);
      key->uses++;
    }
  else
    key->uses = 0;  /* draw again next time */
  g_mutex_unlock (&key->lock);
  return ok;
}

/* s = m^d mod n through the blinded CRT; FALSE when the result fails the
 * check s^e = m (then nothing derived from it leaves this function). */
static gboolean
rsa_root (RsaKey *key, mpz_t s, const mpz_t m)
{
  mpz_t blind, unblind, c, m1, m2, h;
  gboolean ok;

  mpz_inits (blind, unblind, c, m1, m2, h, NULL);
  ok = next_blinding (key, blind, unblind);
  if (ok)
    {
      mpz_mul (c, m, blind);
      mpz_mod (c, c, key->n);
      mpz_mod (m1, c, key->p);
      mpz_powm_sec (m1, m1, key->dp, key->p);
      mpz_mod (m2, c, key->q);
      mpz_powm_sec (m2, m2, key->dq, key->q);
      mpz_sub (h, m1, m2);
      mpz_mul (h, h, key->qinv);
      mpz_mod (h, h, key->p);
      mpz_mul (s, h, key->q);
      mpz_add (s, s, m2);
      mpz_mul (s, s, unblind);
      mpz_mod (s, s, key->n);
      mpz_powm (c, s, key->e, key->n);
      ok = mpz_cmp (c, m) == 0;
      if (!ok)
        mpz_set_ui (s, 0);
    }
  mpz_clears (blind, unblind, c, m1, m2, h, NULL);
  return ok;
}

static const struct nettle_hash *
pss_hash (gnutls_sign_algorithm_t algo)
{
  switch (algo)
    {
    case GNUTLS_SIGN_RSA_PSS_RSAE_SHA256: return &nettle_sha256;
    case GNUTLS_SIGN_RSA_PSS_RSAE_SHA384: return &nettle_sha384;
    case GNUTLS_SIGN_RSA_PSS_RSAE_SHA512: return &nettle_sha512;
    default: return NULL;
    }
}

/* @hash is a DigestInfo for GNUTLS_SIGN_RSA_RAW (PKCS#1 v1.5), the bare
 * hash for the PSS algorithms. */
static int
sign_hash_cb (gnutls_privkey_t pkey, gnutls_sign_algorithm_t algo, void *userdata, unsigned flags,
              const gnutls_datum_t *hash, gnutls_datum_t *signature)
{
  RsaKey *key = userdata;
  const struct nettle_hash *h = NULL;
  guint8 salt[64];
  mpz_t m, s;
  int ret = GNUTLS_E_PK_SIGN_FAILED;

  (void) pkey;
  (void) flags;
  if (algo != GNUTLS_SIGN_RSA_RAW && ((h = pss_hash (algo)) == NULL || hash->size != h->digest_size))
    return GNUTLS_E_UNSUPPORTED_SIGNATURE_ALGORITHM;
  if (h && gnutls_rnd (GNUTLS_RND_NONCE, salt, h->digest_size) < 0)
    return GNUTLS_E_RANDOM_FAILED;

  mpz_inits (m, s, NULL);
  if ((h ? pss_encode_mgf1 (m, key->bits - 1, h, h->digest_size, salt, hash->data)
         : pkcs1_rsa_digest_encode (m, key->k, hash->size, hash->data))
      && rsa_root (key, s, m))
    {
      size_t len = 0;
      signature->data = gnutls_malloc (key->k);
      signature->size = (unsigned) key->k;
      /* Left-padded with zeros to the modulus length, as RFC 8017 says. */
      memset (signature->data, 0, key->k);
      mpz_export (signature->data + key->k - (mpz_sizeinbase (s, 256)), &len, 1, 1, 0, 0, s);
      ret = len <= key->k ? 0 : GNUTLS_E_PK_SIGN_FAILED;
    }
  else
    g_warning ("RSA signature failed its own check; the handshake is refused");
  mpz_clears (m, s, NULL);
  return ret;
}

static int
info_cb (gnutls_privkey_t pkey, unsigned flags, void *userdata)
{
  RsaKey *key = userdata;

  (void) pkey;
  if (flags & GNUTLS_PRIVKEY_INFO_HAVE_SIGN_ALGO)
    {
      gnutls_sign_algorithm_t algo = GNUTLS_FLAGS_TO_SIGN_ALGO (flags);
      return gnutls_sign_get_pk_algorithm (algo) == GNUTLS_PK_RSA || pss_hash (algo) != NULL;
    }
  if (flags & GNUTLS_PRIVKEY_INFO_PK_ALGO)
    return GNUTLS_PK_RSA;
  if (flags & GNUTLS_PRIVKEY_INFO_PK_ALGO_BITS)
    return (int) key->bits;
  return -1;
}

/* The private key's numbers, checked for consistency (n = pq, qinv·q ≡ 1
 * mod p): a key file that lies about them must not produce signatures. */
static RsaKey *
rsa_key_from (gnutls_x509_privkey_t x)
{
  gnutls_datum_t d[8] = { { 0 } };
  RsaKey *key = NULL;
  mpz_t t;

  if (gnutls_x509_privkey_export_rsa_raw2 (x, &d[0], &d[1], &d[2], &d[3], &d[4], &d[5], &d[6], &d[7]) < 0)
    return NULL;
  key = g_new0 (RsaKey, 1);
  g_mutex_init (&key->lock);
  mpz_inits (key->n, key->e, key->p, key->q, key->dp, key->dq, key->qinv, key->blind, key->unblind, t, NULL);
  /* m, e, d, p, q, u = q^-1 mod p, e1 = d mod (p-1), e2 = d mod (q-1) */
  import_datum (key->n, &d[0]);
  import_datum (key->e, &d[1]);
  import_datum (key->p, &d[3]);
  import_datum (key->q, &d[4]);
  import_datum (key->qinv, &d[5]);
  import_datum (key->dp, &d[6]);
  import_datum (key->dq, &d[7]);
  for (int i = 0; i < 8; i++)
    {
      if (d[i].data)
        gnutls_memset (d[i].data, 0, d[i].size);
      gnutls_free (d[i].data);
    }
  key->bits = (unsigned) mpz_sizeinbase (key->n, 2);
  key->k = (key->bits + 7) / 8;

  mpz_mul (t, key->p, key->q);
  gboolean consistent = mpz_cmp (t, key->n) == 0 && mpz_odd_p (key->n) && mpz_cmp_ui (key->e, 3) >= 0;
  if (consistent)
    {
      mpz_mul (t, key->qinv, key->q);
      mpz_mod (t, t, key->p);
      consistent = mpz_cmp_ui (t, 1) == 0;
    }
  mpz_clear (t);
  if (!consistent || key->bits < 1024 || key->bits > 16384)
    {
      rsa_key_free (key);
      return NULL;
    }
  return key;
}

gnutls_privkey_t
pp_tls_rsa_privkey_new (const gnutls_datum_t *key_pem)
{
  gnutls_x509_privkey_t x = NULL;
  gnutls_privkey_t pkey = NULL;
  RsaKey *key = NULL;

  if (gnutls_x509_privkey_init (&x) < 0)
    return NULL;
  if (gnutls_x509_privkey_import2 (x, key_pem, GNUTLS_X509_FMT_PEM, NULL, 0) >= 0
      && gnutls_x509_privkey_get_pk_algorithm2 (x, NULL) == GNUTLS_PK_RSA)
    key = rsa_key_from (x);
  gnutls_x509_privkey_deinit (x);
  if (key == NULL || gnutls_privkey_init (&pkey) < 0)
    {
      g_clear_pointer (&key, rsa_key_free);
      return NULL;
    }
  /* From here the key belongs to pkey (deinit_cb). */
  if (gnutls_privkey_import_ext4 (pkey, key, NULL, sign_hash_cb, NULL, deinit_cb, info_cb, 0) < 0)
    {
      rsa_key_free (key);
      gnutls_privkey_deinit (pkey);
      return NULL;
    }
  return pkey;
}

gboolean
pp_tls_rsa_set_key (gnutls_certificate_credentials_t creds, const gnutls_datum_t *key_pem,
                    const gnutls_datum_t *certs_pem)
{
  gnutls_pcert_st pcerts[MAX_CHAIN];
  unsigned n_pcerts = MAX_CHAIN;
  gnutls_privkey_t pkey;

  if (g_strcmp0 (g_getenv ("PHONEPROV_RSA_SIGNER"), "gnutls") == 0)
    return FALSE;
  pkey = pp_tls_rsa_privkey_new (key_pem);
  if (pkey == NULL)
    return FALSE;
  if (gnutls_pcert_list_import_x509_raw (pcerts, &n_pcerts, certs_pem, GNUTLS_X509_FMT_PEM, 0) < 0)
    {
      gnutls_privkey_deinit (pkey);
      return FALSE;
    }
  /* gnutls_certificate_set_key() signs and verifies a test message with
   * the pair, so a certificate that is not this key's is refused here. */
  if (gnutls_certificate_set_key (creds, NULL, 0, pcerts, (int) n_pcerts, pkey) >= 0)
    return TRUE;
  for (unsigned i = 0; i < n_pcerts; i++)
    gnutls_pcert_deinit (&pcerts[i]);
  gnutls_privkey_deinit (pkey);
  return FALSE;
}
