/* "phoneprovctl ca import": CAs made by OpenSSL (as XCA, gnoMint and
 * hand-run OpenSSL CAs leave them) become the site's CA; what phoneprov then
 * issues is checked by openssl verify. Every refusal leaves the site as it
 * was, byte for byte. */
#include "config.h"
#include "pp-cert-io.h"
#include "pp-error.h"
#include "pp-pki.h"
#include "pki-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

/* <tmp>/<name>.crt and <name>.key (unencrypted PKCS #8): a self-signed CA
 * made by openssl req, with extra -addext arguments (NULL-terminated). */
static void
openssl_ca (Fx *fx, const char *name, const char *newkey, const char *subject, ...)
{
  g_autofree char *k = g_strdup_printf ("%s/%s.key", fx->tmp, name), *c = g_strdup_printf ("%s/%s.crt", fx->tmp, name);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *a;
  va_list ap;

  for (const char *const *p = (const char *const[]) { "openssl", "req", "-x509", "-nodes", "-days", "3650",
                                                      "-newkey", newkey, "-keyout", k, "-out", c, "-subj", subject,
                                                      NULL }; *p; p++)
    g_ptr_array_add (argv, (gpointer) *p);
  if (g_str_equal (newkey, "ec"))
    {
      g_ptr_array_add (argv, "-pkeyopt");
      g_ptr_array_add (argv, "ec_paramgen_curve:P-256");
    }
  va_start (ap, subject);
  while ((a = va_arg (ap, const char *)))
    {
      g_ptr_array_add (argv, "-addext");
      g_ptr_array_add (argv, (gpointer) a);
    }
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_cmpint (runv ((const char * const *) argv->pdata, NULL, NULL), ==, 0);
}

static char *
fingerprint (const char *file, const char *inform)
{
  g_autofree char *out = NULL;
  g_assert_cmpint (run (&out, NULL, "openssl", "x509", "-inform", inform, "-in", file, "-noout", "-fingerprint",
                        "-sha256", NULL), ==, 0);
  return g_strdup (strchr (g_strstrip (out), '=') + 1);
}

static char *
pubkey (const char *key, const char *passin)
{
  char *out = NULL;
  g_assert_cmpint (run (&out, NULL, "openssl", "pkey", "-in", key, "-passin", passin, "-pubout", NULL), ==, 0);
  return out;
}

/* Sign the site's pending request and a request made by OpenSSL; both
 * verify with openssl against @ca_file. -x509_strict also wants a keyUsage
 * extension in the CA, which "openssl req -x509" leaves out by default:
 * @strict only for CAs made with one. */
static void
assert_signs (Fx *fx, const char *ca_file, gboolean strict)
{
  const char *mode = strict ? "-x509_strict" : "-policy_check";
  g_autofree char *pass = path (fx, "pass"), *crt = site_path (fx, "pki/server/server.crt");
  g_autofree char *rk = path (fx, "phone.key"), *rq = path (fx, "phone.csr"), *rc = path (fx, "phone.crt");
  g_autofree char *out = NULL, *serial = NULL;

  CTL_OK (fx, "csr", "new", "--cn", "prov.example.com", "--key-type", "ecdsa-p256");
  CTL_OK (fx, "ca", "sign", "--passphrase-file", pass);
  g_assert_cmpint (run (&out, NULL, "openssl", "verify", mode, "-purpose", "sslserver", "-CAfile", ca_file,
                        crt, NULL), ==, 0);
  assert_contains (out, "server.crt: OK");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (NULL, NULL, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", rk, "-out", rq, "-subj", "/O=Polycom Inc./CN=0004f2000001", NULL), ==, 0);
  CTL_OK (fx, "ca", "sign", "--csr", rq, "--template", "client", "--passphrase-file", pass, "-o", rc);
  g_assert_cmpint (run (&out, NULL, "openssl", "verify", mode, "-purpose", "sslclient", "-CAfile", ca_file,
                        rc, NULL), ==, 0);
  /* Serials stay phoneprov's own: 16 random bytes, not the old tool's counter. */
  g_assert_cmpint (run (&serial, NULL, "openssl", "x509", "-in", rc, "-noout", "-serial", NULL), ==, 0);
  g_assert_cmpuint (strlen (g_strstrip (serial)), ==, strlen ("serial=") + 32);
}

static void
test_import_openssl (Fx *fx, gconstpointer user_data)
{
  g_autofree char *old_crt = path (fx, "old.crt"), *old_key = path (fx, "old.key"), *enc = path (fx, "old-enc.key");
  g_autofree char *ca = site_path (fx, "pki/ca/ca.crt"), *key = site_path (fx, "pki/ca/ca.key");
  g_autofree char *crl = site_path (fx, "pki/ca/crl.pem"), *pass = path (fx, "pass");
  g_autofree char *out = NULL, *err = NULL, *fp_in = NULL, *fp_site = NULL, *pub_in = NULL, *pub_site = NULL;
  g_autofree char *key_text = NULL, *number = NULL, *num_file = site_path (fx, "pki/ca/crlnumber");
  struct stat st;

  /* An RSA CA as "openssl req -x509" makes it, key encrypted as PKCS #8. */
  openssl_ca (fx, "old", "rsa:2048", "/C=US/O=Example/CN=Old OpenSSL CA",
              "keyUsage=critical,keyCertSign,cRLSign", NULL);
  g_assert_cmpint (run (NULL, NULL, "openssl", "pkcs8", "-topk8", "-v2", "aes256", "-in", old_key, "-out", enc,
                        "-passout", "pass:ca secret", NULL), ==, 0);
  g_assert_cmpint (ctl (fx, &out, &err, "ca", "import", old_crt, "--key", enc, "--passphrase-file", pass, NULL), ==, 0);
  assert_contains (out, "Imported the CA “CN=Old OpenSSL CA,O=Example,C=US”");
  g_assert_null (strstr (err, "warning"));

  fp_in = fingerprint (old_crt, "PEM");
  fp_site = fingerprint (ca, "PEM");
  g_assert_cmpstr (fp_in, ==, fp_site);
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  key_text = read_file (key, NULL);
  assert_contains (key_text, "BEGIN ENCRYPTED PRIVATE KEY");
  pub_in = pubkey (old_key, "pass:");
  pub_site = pubkey (key, "pass:ca secret");
  g_assert_cmpstr (pub_in, ==, pub_site);

  /* Nothing issued yet; the first CRL verifies and is numbered above any
   * counter the old CA kept. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl (fx, &out, NULL, "ca", "list", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, "openssl", "crl", "-in", crl, "-CAfile", old_crt, "-noout", NULL), ==, 0);
  assert_contains (err, "verify OK");
  number = read_file (num_file, NULL);
  g_assert_cmpint (g_ascii_strtoll (number, NULL, 10), >, 1700000000);

  assert_signs (fx, old_crt, TRUE);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl (fx, &out, NULL, "ca", "list", NULL), ==, 0);
  assert_contains (out, "web-server");
  assert_contains (out, "client");
  g_clear_pointer (&err, g_free);
  CTL_OK (fx, "crl", "--passphrase-file", pass);
  g_assert_cmpint (run (NULL, &err, "openssl", "crl", "-in", crl, "-CAfile", old_crt, "-noout", NULL), ==, 0);
  assert_contains (err, "verify OK");

  /* The same CA with OpenSSL's traditional encrypted key, DER certificate,
   * into another site; no passphrase there leaves ca.key unencrypted. */
  {
    Fx other = { .tmp = fx->tmp, .site = g_build_filename (fx->tmp, "other", NULL) };
    g_autofree char *trad = path (fx, "trad.key"), *der = path (fx, "old.der"), *plain = path (fx, "plain.der");
    g_autofree char *e = NULL, *e2 = NULL, *okey = g_build_filename (other.site, "pki/ca/ca.key", NULL), *t = NULL;
    g_autoptr(GHashTable) before = NULL;
    CTL_OK (&other, "init");
    g_assert_cmpint (run (NULL, NULL, "openssl", "rsa", "-in", old_key, "-aes256", "-traditional", "-out", trad,
                          "-passout", "pass:ca secret", NULL), ==, 0);
    g_assert_cmpint (run (NULL, NULL, "openssl", "x509", "-in", old_crt, "-outform", "DER", "-out", der, NULL), ==, 0);
    before = snapshot (&other);
    /* Encrypted, no passphrase given. */
    g_assert_cmpint (ctl (&other, NULL, &e, "ca", "import", der, "--key", trad, NULL), ==, 1);
    assert_contains (e, "passphrase");
    assert_unchanged (&other, before);
    CTL_OK (&other, "ca", "import", der, "--key", trad, "--passphrase-file", pass);
    t = read_file (okey, NULL);
    assert_contains (t, "BEGIN ENCRYPTED PRIVATE KEY");
    /* DER PKCS #8 key, no passphrase: stored plain, with a warning. */
    g_assert_cmpint (run (NULL, NULL, "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", old_key, "-outform", "DER",
                          "-out", plain, NULL), ==, 0);
    g_assert_cmpint (ctl (&other, NULL, &e2, "ca", "import", der, "--key", plain, "--replace", NULL), ==, 0);
    assert_contains (e2, "without a passphrase");
    g_free (t);
    t = read_file (okey, NULL);
    assert_contains (t, "BEGIN PRIVATE KEY");
    /* Key and certificate in one PEM file, as XCA exports them. */
    {
      g_autofree char *both = path (fx, "both.pem"), *k = read_file (old_key, NULL), *c = read_file (old_crt, NULL);
      g_autofree char *text = g_strconcat (k, c, NULL);
      write_file (both, text, strlen (text));
      CTL_OK (&other, "ca", "import", both, "--replace", "--passphrase-file", pass);
    }
    g_free (other.site);
  }
}

static void
test_import_refusals (Fx *fx, gconstpointer user_data)
{
  g_autofree char *ca_crt = path (fx, "good.crt"), *ca_key = path (fx, "good.key"), *pass = path (fx, "pass");
  g_autofree char *other_key = path (fx, "other.key"), *leaf_crt = path (fx, "leaf.crt"), *leaf_key = path (fx, "leaf.key");
  g_autofree char *ku_crt = path (fx, "ku.crt"), *ku_key = path (fx, "ku.key");
  g_autofree char *exp_crt = path (fx, "expired.crt"), *tmpl = path (fx, "tmpl");
  g_autofree char *sub_csr = path (fx, "sub.csr"), *sub_key = path (fx, "sub.key"), *sub_crt = path (fx, "sub.crt");
  g_autofree char *sub_ext = path (fx, "sub.ext"), *enc = path (fx, "enc.key"), *garbage = path (fx, "garbage.crt");
  g_autofree char *wrong = path (fx, "wrong-pass"), *weak_crt = path (fx, "weak.crt"), *weak_key = path (fx, "weak.key");
  g_autoptr(GHashTable) before = NULL;
  const char *tmpl_text = "cn = \"Expired CA\"\nca\ncert_signing_key\ncrl_signing_key\n"
                          "activation_date = \"2001-01-01 00:00:00\"\nexpiration_date = \"2002-01-01 00:00:00\"\n";
  const char *ext_text = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
  struct {
    const char *what;
    const char *args[6];
    const char *want;
  } cases[] = {
    { "non-CA certificate", { leaf_crt, "--key", leaf_key }, "is not a CA certificate" },
    { "key of another CA", { ca_crt, "--key", other_key }, "does not belong to the CA certificate" },
    { "expired CA", { exp_crt, "--key", ca_key }, "expired on 2002-01-01" },
    { "intermediate CA", { sub_crt, "--key", sub_key }, "it is an intermediate CA" },
    { "CA without cRLSign", { ku_crt, "--key", ku_key }, "keyCertSign, cRLSign" },
    { "certificate without key", { ca_crt }, "No private key was given" },
    { "encrypted key without passphrase", { ca_crt, "--key", enc }, "passphrase" },
    { "wrong passphrase", { ca_crt, "--key", enc, "--passphrase-file", wrong }, "passphrase is wrong" },
    { "garbage", { garbage, "--key", ca_key }, "Cannot import the CA certificate" },
    { "RSA 1024", { weak_crt, "--key", weak_key }, "too weak" },
  };

  openssl_ca (fx, "good", "ec", "/CN=Good CA", NULL);
  openssl_ca (fx, "other", "ec", "/CN=Other CA", NULL);
  openssl_ca (fx, "leaf", "ec", "/CN=leaf.example.com", "basicConstraints=critical,CA:FALSE", NULL);
  openssl_ca (fx, "ku", "ec", "/CN=Signing-only CA", "keyUsage=critical,keyCertSign", NULL);
  openssl_ca (fx, "weak", "rsa:1024", "/CN=Weak CA", NULL);
  write_file (tmpl, tmpl_text, strlen (tmpl_text));
  g_assert_cmpint (run (NULL, NULL, "certtool", "--generate-self-signed", "--load-privkey", ca_key, "--template", tmpl,
                        "--outfile", exp_crt, NULL), ==, 0);
  write_file (sub_ext, ext_text, strlen (ext_text));
  g_assert_cmpint (run (NULL, NULL, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", sub_key, "-out", sub_csr, "-subj", "/CN=Sub CA", NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "openssl", "x509", "-req", "-in", sub_csr, "-CA", ca_crt, "-CAkey", ca_key,
                        "-CAcreateserial", "-days", "30", "-extfile", sub_ext, "-out", sub_crt, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "openssl", "pkcs8", "-topk8", "-v2", "aes256", "-in", ca_key, "-out", enc,
                        "-passout", "pass:ca secret", NULL), ==, 0);
  write_file (garbage, "-----BEGIN CERTIFICATE-----\nAAAA\n", strlen ("-----BEGIN CERTIFICATE-----\nAAAA\n"));
  write_file (wrong, "not it\n", 7);

  /* A site without a CA, then one with a CA (even --replace changes
   * nothing when the input is refused). */
  for (guint round = 0; round < 2; round++)
    {
      before = snapshot (fx);
      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          const char *argv[16] = { g_getenv ("PHONEPROVCTL"), "--site", fx->site, "ca", "import" };
          guint n = 5;
          g_autofree char *e = NULL;
          for (guint j = 0; j < G_N_ELEMENTS (cases[i].args) && cases[i].args[j]; j++)
            argv[n++] = cases[i].args[j];
          if (round == 1)
            argv[n++] = "--replace";
          g_test_message ("refusal: %s", cases[i].what);
          g_assert_cmpint (runv (argv, NULL, &e), ==, 1);
          assert_contains (e, cases[i].want);
          g_assert_null (strchr (strchr (e, '\n') + 1, '\n'));  /* one line */
          assert_unchanged (fx, before);
        }
      g_hash_table_unref (g_steal_pointer (&before));
      if (round == 0)
        make_ca (fx);
    }

  /* A good CA on a site that has one: refused without --replace. */
  before = snapshot (fx);
  {
    g_autofree char *e = NULL;
    g_assert_cmpint (ctl (fx, NULL, &e, "ca", "import", ca_crt, "--key", ca_key, NULL), ==, 1);
    assert_contains (e, "already has a certificate authority");
    assert_contains (e, "--replace");
  }
  assert_unchanged (fx, before);
}

/* One PKCS #12 with key, CA and an unrelated certificate, replacing a CA that
 * issued something: the old files are kept byte for byte, the index starts
 * empty, and the new CA signs. */
static void
test_import_pkcs12_replace (Fx *fx, gconstpointer user_data)
{
  g_autofree char *p12 = path (fx, "xca.p12"), *ca_crt = path (fx, "xca.crt"), *ca_key = path (fx, "xca.key");
  g_autofree char *extra = path (fx, "extra.crt"), *pass = path (fx, "pass"), *ca_dir = site_path (fx, "pki/ca");
  g_autofree char *out = NULL, *archive = NULL;
  g_autoptr(GHashTable) before = NULL;
  const char *files[] = { "ca.crt", "ca.key", "index.json", "crl.pem", "crlnumber" };

  make_ca (fx);
  make_server (fx, "ecdsa-p256", FALSE);
  openssl_ca (fx, "xca", "ec", "/O=Example/CN=XCA Root", NULL);
  openssl_ca (fx, "extra", "ec", "/CN=Unrelated", NULL);
  /* Few KDF rounds keep it fast; the unrelated certificate rides along. */
  g_assert_cmpint (run (NULL, NULL, "openssl", "pkcs12", "-export", "-in", ca_crt, "-certfile", extra, "-inkey", ca_key,
                        "-out", p12, "-passout", "pass:ca secret", "-iter", "1", NULL), ==, 0);
  before = snapshot (fx);

  g_assert_cmpint (ctl (fx, &out, NULL, "ca", "import", p12, "--replace", "--passphrase-file", pass, NULL), ==, 0);
  assert_contains (out, "Imported the CA “CN=XCA Root,O=Example”");
  assert_contains (out, "The previous CA's files are in pki/ca/old-");
  archive = g_strndup (strstr (out, "old-"), strcspn (strstr (out, "old-"), "/"));
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *was = g_build_filename (ca_dir, files[i], NULL);
      g_autofree char *kept = g_build_filename (ca_dir, archive, files[i], NULL);
      g_autofree char *text = read_file (kept, NULL);
      g_assert_cmpstr (text, ==, g_hash_table_lookup (before, was));
    }
  {
    g_autofree char *kept_key = g_build_filename (ca_dir, archive, "ca.key", NULL);
    struct stat st;
    g_assert_cmpint (g_stat (kept_key, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
  {
    g_autofree char *site_ca = site_path (fx, "pki/ca/ca.crt");
    g_autofree char *a = fingerprint (ca_crt, "PEM"), *b = fingerprint (site_ca, "PEM");
    g_assert_cmpstr (a, ==, b);
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl (fx, &out, NULL, "ca", "list", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
  assert_signs (fx, ca_crt, FALSE);

  /* Replacing again keeps both archives. */
  {
    g_autoptr(GDir) d = NULL;
    const char *name;
    guint archives = 0;
    CTL_OK (fx, "ca", "import", p12, "--replace", "--passphrase-file", pass);
    d = g_dir_open (ca_dir, 0, NULL);
    while ((name = g_dir_read_name (d)))
      archives += g_str_has_prefix (name, "old-");
    g_assert_cmpuint (archives, ==, 2);
  }
}

typedef struct {
  GMainLoop *loop;
  GAsyncResult *res;
} Wait;

static void
on_done (GObject *src, GAsyncResult *res, gpointer data)
{
  Wait *w = data;
  w->res = g_object_ref (res);
  g_main_loop_quit (w->loop);
}

/* The wizard's way in: async, cancellable before it starts. */
static void
test_import_async (Fx *fx, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = pp_site_open (fx->site, &error);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GHashTable) before = snapshot (fx);
  g_autofree char *c = path (fx, "a.crt"), *k = path (fx, "a.key"), *cd = NULL, *kd = NULL, *pem = NULL, *archived = NULL;
  g_autoptr(GBytes) cert = NULL, key = NULL;
  gsize cl = 0, kl = 0;
  Wait w = { loop, NULL };

  g_assert_no_error (error);
  openssl_ca (fx, "a", "ec", "/CN=Async CA", NULL);
  cd = read_file (c, &cl);
  kd = read_file (k, &kl);
  cert = g_bytes_new (cd, cl);
  key = g_bytes_new (kd, kl);

  g_cancellable_cancel (cancelled);
  pp_ca_import_async (site, cert, key, NULL, FALSE, cancelled, on_done, &w);
  g_main_loop_run (loop);
  g_assert_null (pp_ca_import_finish (site, w.res, &archived, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (archived);
  g_clear_error (&error);
  g_clear_object (&w.res);
  assert_unchanged (fx, before);

  pp_ca_import_async (site, cert, key, NULL, FALSE, NULL, on_done, &w);
  g_main_loop_run (loop);
  pem = pp_ca_import_finish (site, w.res, &archived, &error);
  g_assert_no_error (error);
  assert_contains (pem, "BEGIN CERTIFICATE");
  g_assert_null (archived);
  g_assert_true (pp_ca_exists (site));
  g_clear_object (&w.res);

  /* The core call refuses a second CA with PP_ERROR_EXISTS. */
  g_assert_null (pp_ca_import (site, cd, cl, kd, kl, NULL, FALSE, NULL, &error));
  g_assert_error (error, PP_ERROR, PP_ERROR_EXISTS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pki/ca-import/openssl", Fx, NULL, fx_setup, test_import_openssl, fx_teardown);
  g_test_add ("/pki/ca-import/refusals", Fx, NULL, fx_setup, test_import_refusals, fx_teardown);
  g_test_add ("/pki/ca-import/pkcs12-replace", Fx, NULL, fx_setup, test_import_pkcs12_replace, fx_teardown);
  g_test_add ("/pki/ca-import/async", Fx, NULL, fx_setup, test_import_async, fx_teardown);
  return g_test_run ();
}
