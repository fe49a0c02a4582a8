/* pp-bench-pki: the certificates of the boot-storm benchmark, made with
 * GnuTLS in seconds instead of thousands of openssl processes.
 *
 *   OUT/vendor/{root,policy,issuing}.{crt,key}   look-alike phone vendor
 *                                                hierarchy, RSA 4096 like
 *                                                the real one (DESIGN.md §6)
 *   OUT/vendor/trust.pem                         issuing + policy + root
 *   OUT/site/ca.{crt,key}                        the site's own root CA
 *   OUT/site/server-{rsa,ecdsa}.{crt,key}        RSA-2048 / ECDSA P-256,
 *   OUT/site/chain-{rsa,ecdsa}.pem               SAN 127.0.0.1, ::1, localhost
 *   OUT/devices-{ecdsa,rsa}/<mac>.{crt,key}      CN=<mac>, O=Polycom Inc.
 *
 * Existing files are kept, so a work directory is a cache: asking for more
 * devices only makes the missing ones.
 */
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define YEAR (365 * 24 * 3600)

typedef struct {
  gnutls_x509_crt_t      crt;
  gnutls_x509_privkey_t  key;
} Ident;

static void
check (int ret, const char *what)
{
  if (ret < 0)
    {
      g_printerr ("pp-bench-pki: %s: %s\n", what, gnutls_strerror (ret));
      exit (1);
    }
}

static void
write_datum (const char *path, const gnutls_datum_t *d, int mode)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);

  if (!g_file_set_contents_full (tmp, (const char *) d->data, d->size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, mode, &error) ||
      g_rename (tmp, path) != 0)
    {
      g_printerr ("pp-bench-pki: cannot write %s: %s\n", path,
                  error ? error->message : g_strerror (errno));
      exit (1);
    }
}

static void
ident_save (const Ident *id, const char *crt_path, const char *key_path)
{
  gnutls_datum_t d = { NULL, 0 };

  check (gnutls_x509_privkey_export2_pkcs8 (id->key, GNUTLS_X509_FMT_PEM, NULL,
                                            GNUTLS_PKCS_PLAIN, &d), "export key");
  write_datum (key_path, &d, 0600);
  gnutls_free (d.data);
  check (gnutls_x509_crt_export2 (id->crt, GNUTLS_X509_FMT_PEM, &d), "export cert");
  write_datum (crt_path, &d, 0644);
  gnutls_free (d.data);
}

static gboolean
ident_load (Ident *id, const char *crt_path, const char *key_path)
{
  g_autofree char *c = NULL, *k = NULL;
  gsize cl, kl;

  if (!g_file_get_contents (crt_path, &c, &cl, NULL) ||
      !g_file_get_contents (key_path, &k, &kl, NULL))
    return FALSE;
  gnutls_datum_t cd = { (unsigned char *) c, (unsigned) cl };
  gnutls_datum_t kd = { (unsigned char *) k, (unsigned) kl };
  check (gnutls_x509_crt_init (&id->crt), "crt init");
  check (gnutls_x509_privkey_init (&id->key), "key init");
  check (gnutls_x509_crt_import (id->crt, &cd, GNUTLS_X509_FMT_PEM), crt_path);
  check (gnutls_x509_privkey_import (id->key, &kd, GNUTLS_X509_FMT_PEM), key_path);
  return TRUE;
}

static void
ident_clear (Ident *id)
{
  g_clear_pointer (&id->crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&id->key, gnutls_x509_privkey_deinit);
}

typedef enum { KIND_CA, KIND_SERVER, KIND_DEVICE } Kind;

/* Issue a certificate for a fresh key; @issuer NULL means self-signed. */
static void
ident_issue (Ident *id, gnutls_pk_algorithm_t pk, unsigned bits, const char *dn,
             Kind kind, int pathlen, const Ident *issuer, int years)
{
  unsigned char serial[16], keyid[64];
  size_t keyid_len = sizeof keyid;
  const char *err = NULL;
  time_t now = time (NULL);
  unsigned usage;

  check (gnutls_x509_privkey_init (&id->key), "key init");
  check (gnutls_x509_privkey_generate (id->key, pk, bits, 0), "key generate");
  check (gnutls_x509_crt_init (&id->crt), "crt init");
  check (gnutls_x509_crt_set_version (id->crt, 3), "version");
  check (gnutls_x509_crt_set_key (id->crt, id->key), "set key");
  if (gnutls_x509_crt_set_dn (id->crt, dn, &err) < 0)
    {
      g_printerr ("pp-bench-pki: bad DN %s near %s\n", dn, err);
      exit (1);
    }
  check (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), "rnd");
  serial[0] &= 0x7f;
  check (gnutls_x509_crt_set_serial (id->crt, serial, sizeof serial), "serial");
  check (gnutls_x509_crt_set_activation_time (id->crt, now - 24 * 3600), "activation");
  check (gnutls_x509_crt_set_expiration_time (id->crt, now + (time_t) years * YEAR), "expiration");
  check (gnutls_x509_crt_get_key_id (id->crt, 0, keyid, &keyid_len), "key id");
  check (gnutls_x509_crt_set_subject_key_id (id->crt, keyid, keyid_len), "ski");

  switch (kind)
    {
    case KIND_CA:
      check (gnutls_x509_crt_set_basic_constraints (id->crt, 1, pathlen), "bc");
      usage = GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN;
      break;
    case KIND_SERVER:
      check (gnutls_x509_crt_set_basic_constraints (id->crt, 0, -1), "bc");
      check (gnutls_x509_crt_set_key_purpose_oid (id->crt, GNUTLS_KP_TLS_WWW_SERVER, 0), "eku");
      check (gnutls_x509_crt_set_subject_alt_name (id->crt, GNUTLS_SAN_DNSNAME, "localhost",
                                                   strlen ("localhost"), GNUTLS_FSAN_APPEND), "san");
      {
        static const unsigned char v4[4] = { 127, 0, 0, 1 };
        static const unsigned char v6[16] = { [15] = 1 };
        check (gnutls_x509_crt_set_subject_alt_name (id->crt, GNUTLS_SAN_IPADDRESS, v4, 4,
                                                     GNUTLS_FSAN_APPEND), "san");
        check (gnutls_x509_crt_set_subject_alt_name (id->crt, GNUTLS_SAN_IPADDRESS, v6, 16,
                                                     GNUTLS_FSAN_APPEND), "san");
      }
      usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
      if (pk == GNUTLS_PK_RSA)
        usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
      break;
    case KIND_DEVICE:
    default:
      check (gnutls_x509_crt_set_basic_constraints (id->crt, 0, -1), "bc");
      check (gnutls_x509_crt_set_key_purpose_oid (id->crt, GNUTLS_KP_TLS_WWW_CLIENT, 0), "eku");
      usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
      if (pk == GNUTLS_PK_RSA)
        usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
      break;
    }
  check (gnutls_x509_crt_set_key_usage (id->crt, usage), "key usage");

  if (issuer != NULL)
    {
      keyid_len = sizeof keyid;
      check (gnutls_x509_crt_get_subject_key_id (issuer->crt, keyid, &keyid_len, NULL), "issuer ski");
      check (gnutls_x509_crt_set_authority_key_id (id->crt, keyid, keyid_len), "aki");
      check (gnutls_x509_crt_sign2 (id->crt, issuer->crt, issuer->key, GNUTLS_DIG_SHA256, 0), "sign");
    }
  else
    check (gnutls_x509_crt_sign2 (id->crt, id->crt, id->key, GNUTLS_DIG_SHA256, 0), "self-sign");
}

/* Load @name.{crt,key} from @dir, or make it. */
static void
ident_get (Ident *id, const char *dir, const char *name, gnutls_pk_algorithm_t pk,
           unsigned bits, const char *dn, Kind kind, int pathlen, const Ident *issuer, int years)
{
  g_autofree char *c = g_strdup_printf ("%s/%s.crt", dir, name);
  g_autofree char *k = g_strdup_printf ("%s/%s.key", dir, name);

  if (ident_load (id, c, k))
    return;
  g_print ("pp-bench-pki: making %s/%s\n", dir, name);
  ident_issue (id, pk, bits, dn, kind, pathlen, issuer, years);
  ident_save (id, c, k);
}

static void
cat_files (const char *out, const char * const *in)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; in[i] != NULL; i++)
    {
      g_autofree char *data = NULL;
      if (!g_file_get_contents (in[i], &data, NULL, NULL))
        {
          g_printerr ("pp-bench-pki: cannot read %s\n", in[i]);
          exit (1);
        }
      g_string_append (s, data);
    }
  gnutls_datum_t d = { (unsigned char *) s->str, (unsigned) s->len };
  write_datum (out, &d, 0644);
}

typedef struct {
  char   *dir;
  char   *issuing_crt;
  char   *issuing_key;
  gnutls_pk_algorithm_t pk;
  unsigned bits;
} DeviceJob;

static void
make_device (gpointer data, gpointer user_data)
{
  guint n = GPOINTER_TO_UINT (data) - 1;
  DeviceJob *job = user_data;
  g_autofree char *mac = g_strdup_printf ("0004f2%06x", n);
  g_autofree char *dn = g_strdup_printf ("CN=%s,O=Polycom Inc.", mac);
  g_autofree char *c = g_strdup_printf ("%s/%s.crt", job->dir, mac);
  g_autofree char *k = g_strdup_printf ("%s/%s.key", job->dir, mac);
  Ident issuing = { 0 }, dev = { 0 };

  if (g_file_test (c, G_FILE_TEST_EXISTS) && g_file_test (k, G_FILE_TEST_EXISTS))
    return;
  /* One copy of the issuer per job: GnuTLS objects are not shared across threads. */
  if (!ident_load (&issuing, job->issuing_crt, job->issuing_key))
    exit (1);
  ident_issue (&dev, job->pk, job->bits, dn, KIND_DEVICE, -1, &issuing, 15);
  ident_save (&dev, c, k);
  ident_clear (&dev);
  ident_clear (&issuing);
}

int
main (int argc, char **argv)
{
  g_autofree char *out = NULL;
  g_autofree char *device_key = g_strdup ("ecdsa");
  int devices = 2000;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Work directory (kept as a cache)", "DIR" },
    { "devices", 'n', 0, G_OPTION_ARG_INT, &devices, "Device certificates wanted (default 2000)", "N" },
    { "device-key", 'k', 0, G_OPTION_ARG_STRING, &device_key, "Device key type: ecdsa (P-256) or rsa (2048)", "TYPE" },
    { NULL }
  };
  g_autoptr(GOptionContext) oc = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  Ident root = { 0 }, policy = { 0 }, issuing = { 0 }, ca = { 0 }, srv = { 0 };

  g_option_context_add_main_entries (oc, entries, NULL);
  g_option_context_set_summary (oc, "Make (or complete) the benchmark's certificates.");
  if (!g_option_context_parse (oc, &argc, &argv, &error) || out == NULL ||
      devices < 0 || devices > 0x1000000 ||
      (g_strcmp0 (device_key, "ecdsa") != 0 && g_strcmp0 (device_key, "rsa") != 0))
    {
      g_printerr ("pp-bench-pki: %s\n", error ? error->message
                  : "usage: pp-bench-pki --out DIR [--devices N] [--device-key ecdsa|rsa]");
      return 2;
    }
  check (gnutls_global_init (), "init");

  g_autofree char *vendor = g_build_filename (out, "vendor", NULL);
  g_autofree char *site = g_build_filename (out, "site", NULL);
  g_autofree char *devdir = g_strdup_printf ("%s/devices-%s", out, device_key);
  if (g_mkdir_with_parents (vendor, 0700) != 0 || g_mkdir_with_parents (site, 0700) != 0 ||
      g_mkdir_with_parents (devdir, 0700) != 0)
    {
      g_printerr ("pp-bench-pki: cannot create folders under %s: %s\n", out, g_strerror (errno));
      return 1;
    }

  ident_get (&root, vendor, "root", GNUTLS_PK_RSA, 4096,
             "CN=Look-alike Polycom Root CA,O=Bench Look-alike", KIND_CA, -1, NULL, 25);
  ident_get (&policy, vendor, "policy", GNUTLS_PK_RSA, 4096,
             "CN=Look-alike Polycom Equipment Policy CA,O=Bench Look-alike", KIND_CA, 1, &root, 20);
  ident_get (&issuing, vendor, "issuing", GNUTLS_PK_RSA, 4096,
             "CN=Look-alike Polycom Equipment Issuing CA 1,O=Bench Look-alike", KIND_CA, 0, &policy, 20);
  {
    g_autofree char *a = g_build_filename (vendor, "issuing.crt", NULL);
    g_autofree char *b = g_build_filename (vendor, "policy.crt", NULL);
    g_autofree char *c = g_build_filename (vendor, "root.crt", NULL);
    g_autofree char *t = g_build_filename (vendor, "trust.pem", NULL);
    const char *in[] = { a, b, c, NULL };
    cat_files (t, in);
  }

  ident_get (&ca, site, "ca", GNUTLS_PK_RSA, 2048,
             "CN=Bench Site Phone CA,O=phoneprov bench", KIND_CA, -1, NULL, 10);
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "rsa" : "ecdsa";
      g_autofree char *base = g_strdup_printf ("server-%s", name);
      g_autofree char *c = g_strdup_printf ("%s/server-%s.crt", site, name);
      g_autofree char *chain = g_strdup_printf ("%s/chain-%s.pem", site, name);
      g_autofree char *cac = g_build_filename (site, "ca.crt", NULL);
      const char *in[] = { c, cac, NULL };

      ident_get (&srv, site, base, i == 0 ? GNUTLS_PK_RSA : GNUTLS_PK_ECDSA,
                 i == 0 ? 2048 : GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                 "CN=localhost,O=phoneprov bench", KIND_SERVER, -1, &ca, 5);
      ident_clear (&srv);
      cat_files (chain, in);
    }

  {
    DeviceJob job = {
      .dir = devdir,
      .issuing_crt = g_build_filename (vendor, "issuing.crt", NULL),
      .issuing_key = g_build_filename (vendor, "issuing.key", NULL),
      .pk = g_str_equal (device_key, "rsa") ? GNUTLS_PK_RSA : GNUTLS_PK_ECDSA,
      .bits = g_str_equal (device_key, "rsa") ? 2048
              : GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
    };
    GThreadPool *pool = g_thread_pool_new (make_device, &job,
                                           (int) g_get_num_processors (), TRUE, NULL);
    for (int n = 1; n <= devices; n++)
      g_thread_pool_push (pool, GUINT_TO_POINTER ((guint) n), NULL);
    g_thread_pool_free (pool, FALSE, TRUE);
    g_free (job.issuing_crt);
    g_free (job.issuing_key);
  }
  g_print ("pp-bench-pki: %s has %d %s device certificates\n", out, devices, device_key);

  ident_clear (&root);
  ident_clear (&policy);
  ident_clear (&issuing);
  ident_clear (&ca);
  gnutls_global_deinit ();
  return 0;
}
