/* The RSA signer of src/server/pp-tls-rsa.c against GnuTLS's own key and
 * OpenSSL: PKCS#1 v1.5 signatures are deterministic, so they must be equal
 * byte for byte to GnuTLS's; RSA-PSS signatures are randomised, so they
 * must verify (and a flipped bit must not). Many signatures per key cross
 * the blinding renewal; several threads sign at once. */
#include "config.h"
#include "pp-tls-private.h"

#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <string.h>

typedef struct {
  gnutls_datum_t   pem;
  gnutls_privkey_t fast;
  gnutls_privkey_t ref;
  gnutls_pubkey_t  pub;
} Keys;

static void
keys_clear (Keys *k)
{
  gnutls_privkey_deinit (k->fast);
  gnutls_privkey_deinit (k->ref);
  gnutls_pubkey_deinit (k->pub);
  gnutls_free (k->pem.data);
}

static void
keys_generate (Keys *k, unsigned bits)
{
  gnutls_x509_privkey_t x;

  memset (k, 0, sizeof *k);
  g_assert_cmpint (gnutls_x509_privkey_init (&x), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (x, GNUTLS_PK_RSA, bits, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_export2 (x, GNUTLS_X509_FMT_PEM, &k->pem), ==, 0);
  gnutls_x509_privkey_deinit (x);
  k->fast = pp_tls_rsa_privkey_new (&k->pem);
  g_assert_nonnull (k->fast);
  g_assert_cmpint (gnutls_privkey_init (&k->ref), ==, 0);
  g_assert_cmpint (gnutls_privkey_import_x509_raw (k->ref, &k->pem, GNUTLS_X509_FMT_PEM, NULL, 0), ==, 0);
  g_assert_cmpint (gnutls_pubkey_init (&k->pub), ==, 0);
  g_assert_cmpint (gnutls_pubkey_import_privkey (k->pub, k->ref, 0, 0), ==, 0);
}

static void
random_datum (guint8 *buf, gsize len, gnutls_datum_t *d)
{
  g_assert_cmpint (gnutls_rnd (GNUTLS_RND_NONCE, buf, len), ==, 0);
  d->data = buf;
  d->size = (unsigned) len;
}

/* PKCS#1 v1.5 is deterministic: our signature of @len random bytes must
 * equal GnuTLS's. Thread-safe (no assertions), so the threads use it too. */
static gboolean
pkcs1_matches (Keys *k, gnutls_sign_algorithm_t algo, gsize len)
{
  guint8 buf[100];
  gnutls_datum_t msg, a = { 0 }, b = { 0 };
  gboolean same;

  random_datum (buf, MIN (len, sizeof buf), &msg);
  same = gnutls_privkey_sign_data2 (k->fast, algo, 0, &msg, &a) == 0
         && gnutls_privkey_sign_data2 (k->ref, algo, 0, &msg, &b) == 0
         && a.size == b.size && memcmp (a.data, b.data, a.size) == 0;
  gnutls_free (a.data);
  gnutls_free (b.data);
  return same;
}

/* @n messages of 1 to 100 bytes. */
static void
check_pkcs1 (Keys *k, gnutls_sign_algorithm_t algo, int n)
{
  for (int i = 0; i < n; i++)
    g_assert_true (pkcs1_matches (k, algo, 1 + (gsize) i % 100));
}

/* RSA-PSS: verifies with the public key; a flipped bit does not. */
static void
check_pss (Keys *k, gnutls_sign_algorithm_t algo, int n)
{
  for (int i = 0; i < n; i++)
    {
      guint8 buf[64];
      gnutls_datum_t msg, sig = { 0 };

      random_datum (buf, sizeof buf, &msg);
      g_assert_cmpint (gnutls_privkey_sign_data2 (k->fast, algo, 0, &msg, &sig), ==, 0);
      g_assert_cmpint (gnutls_pubkey_verify_data2 (k->pub, algo, 0, &msg, &sig), >=, 0);
      sig.data[sig.size / 2] ^= 0x10;
      g_assert_cmpint (gnutls_pubkey_verify_data2 (k->pub, algo, 0, &msg, &sig), <, 0);
      gnutls_free (sig.data);
    }
}

static void
test_sign_2048 (void)
{
  Keys k;

  keys_generate (&k, 2048);
  check_pkcs1 (&k, GNUTLS_SIGN_RSA_SHA256, 100);
  check_pkcs1 (&k, GNUTLS_SIGN_RSA_SHA384, 5);
  check_pkcs1 (&k, GNUTLS_SIGN_RSA_SHA1, 5);
  check_pss (&k, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, 40);
  check_pss (&k, GNUTLS_SIGN_RSA_PSS_RSAE_SHA384, 5);
  check_pss (&k, GNUTLS_SIGN_RSA_PSS_RSAE_SHA512, 5);
  keys_clear (&k);
}

/* A modulus whose length is not a multiple of 8 bits: padding and PSS's
 * "bits - 1" are where such keys go wrong. */
static void
test_sign_odd_size (void)
{
  Keys k;

  keys_generate (&k, 2051);
  check_pkcs1 (&k, GNUTLS_SIGN_RSA_SHA256, 40);
  check_pss (&k, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, 10);
  keys_clear (&k);
}

typedef struct {
  Keys *keys;
  int   failures;
} ThreadJob;

static gpointer
sign_in_thread (gpointer data)
{
  ThreadJob *job = data;

  for (int i = 0; i < 50; i++)
    if (!pkcs1_matches (job->keys, GNUTLS_SIGN_RSA_SHA256, 32))
      job->failures++;
  return NULL;
}

static void
test_threads (void)
{
  Keys k;
  ThreadJob jobs[4];
  GThread *threads[4];

  keys_generate (&k, 2048);
  for (int i = 0; i < 4; i++)
    {
      jobs[i] = (ThreadJob) { &k, 0 };
      threads[i] = g_thread_new ("signer", sign_in_thread, &jobs[i]);
    }
  for (int i = 0; i < 4; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpint (jobs[i].failures, ==, 0);
    }
  keys_clear (&k);
}

/* OpenSSL verifies what the signer made (a real peer, not GnuTLS). */
static void
test_openssl_verifies (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *dir = NULL;
  const struct { gnutls_sign_algorithm_t algo; const char *opts; } cases[] = {
    { GNUTLS_SIGN_RSA_SHA256, "" },
    { GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, "-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32" },
  };
  gnutls_datum_t pub_pem = { 0 };
  Keys k;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  dir = g_dir_make_tmp ("pp-rsa-XXXXXX", NULL);
  keys_generate (&k, 2048);
  g_assert_cmpint (gnutls_pubkey_export2 (k.pub, GNUTLS_X509_FMT_PEM, &pub_pem), ==, 0);
  g_autofree char *pub = g_build_filename (dir, "pub.pem", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *sigf = g_build_filename (dir, "sig", NULL);
  g_assert_true (g_file_set_contents (pub, (char *) pub_pem.data, pub_pem.size, NULL));
  g_assert_true (g_file_set_contents (data, "phoneprov", -1, NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gnutls_datum_t msg = { (unsigned char *) "phoneprov", 9 }, sig = { 0 };
      g_autofree char *cmd = NULL, *out = NULL, *err = NULL;
      int status = -1;

      g_assert_cmpint (gnutls_privkey_sign_data2 (k.fast, cases[i].algo, 0, &msg, &sig), ==, 0);
      g_assert_true (g_file_set_contents (sigf, (char *) sig.data, sig.size, NULL));
      gnutls_free (sig.data);
      cmd = g_strdup_printf ("%s dgst -sha256 -verify %s %s -signature %s %s", openssl, pub, cases[i].opts, sigf, data);
      g_assert_true (g_spawn_command_line_sync (cmd, &out, &err, &status, NULL));
      g_test_message ("%s: %s%s", cmd, out, err);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (out, "Verified OK"));
    }
  g_unlink (pub);
  g_unlink (data);
  g_unlink (sigf);
  g_rmdir (dir);
  gnutls_free (pub_pem.data);
  keys_clear (&k);
}

/* Keys the signer must not take: not a key, not RSA; and an RSA key with
 * its primes swapped but the old coefficient, which is either refused or
 * (if GnuTLS recomputed the coefficient) signs correctly: never garbage. */
static void
test_refuses (void)
{
  gnutls_x509_privkey_t x;
  gnutls_datum_t pem = { 0 }, garbage = { (unsigned char *) "-----BEGIN PRIVATE KEY-----\nnonsense\n", 37 };
  gnutls_datum_t m, e, d, p, q, u, e1, e2;

  g_assert_null (pp_tls_rsa_privkey_new (&garbage));

  gnutls_x509_privkey_init (&x);
  g_assert_cmpint (gnutls_x509_privkey_generate (x, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_export2 (x, GNUTLS_X509_FMT_PEM, &pem), ==, 0);
  g_assert_null (pp_tls_rsa_privkey_new (&pem));
  gnutls_free (pem.data);
  gnutls_x509_privkey_deinit (x);

  gnutls_x509_privkey_init (&x);
  g_assert_cmpint (gnutls_x509_privkey_generate (x, GNUTLS_PK_RSA, 2048, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_export_rsa_raw2 (x, &m, &e, &d, &p, &q, &u, &e1, &e2), ==, 0);
  gnutls_x509_privkey_deinit (x);
  /* The coefficient of the swapped primes: q^-1 mod p becomes wrong. */
  gnutls_x509_privkey_init (&x);
  if (gnutls_x509_privkey_import_rsa_raw2 (x, &m, &e, &d, &q, &p, &u, &e2, &e1) == 0
      && gnutls_x509_privkey_export2 (x, GNUTLS_X509_FMT_PEM, &pem) == 0)
    {
      gnutls_privkey_t k = pp_tls_rsa_privkey_new (&pem);
      /* GnuTLS may have recomputed the coefficient on import; then the key
       * is consistent again and must sign correctly. */
      if (k)
        {
          Keys keys = { pem, k, NULL, NULL };
          gnutls_privkey_init (&keys.ref);
          g_assert_cmpint (gnutls_privkey_import_x509_raw (keys.ref, &pem, GNUTLS_X509_FMT_PEM, NULL, 0), ==, 0);
          gnutls_pubkey_init (&keys.pub);
          gnutls_pubkey_import_privkey (keys.pub, keys.ref, 0, 0);
          check_pss (&keys, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, 3);
          keys_clear (&keys);
          pem.data = NULL;
        }
      gnutls_free (pem.data);
    }
  gnutls_x509_privkey_deinit (x);
  gnutls_free (m.data); gnutls_free (e.data); gnutls_free (d.data); gnutls_free (p.data);
  gnutls_free (q.data); gnutls_free (u.data); gnutls_free (e1.data); gnutls_free (e2.data);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gnutls_global_init ();
  g_test_add_func ("/tls-rsa/sign-2048", test_sign_2048);
  g_test_add_func ("/tls-rsa/sign-odd-size", test_sign_odd_size);
  g_test_add_func ("/tls-rsa/threads", test_threads);
  g_test_add_func ("/tls-rsa/openssl-verifies", test_openssl_verifies);
  g_test_add_func ("/tls-rsa/refuses", test_refuses);
  return g_test_run ();
}
