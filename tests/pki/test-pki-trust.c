/* Trust store, Polycom recognition, the details model and import by content. */
#include "config.h"
#include "pp-cert-details.h"
#include "pp-cert-io.h"
#include "pp-error.h"
#include "pp-pki.h"
#include "pp-trust.h"
#include "pki-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* ---- tests ---------------------------------------------------------------- */

static void
make_lookalike (Fx *fx, const char *name, const char *cn, gboolean ca)
{
  g_autofree char *k = g_strdup_printf ("%s/%s.key", fx->tmp, name), *c = g_strdup_printf ("%s/%s.pem", fx->tmp, name);
  g_autofree char *subj = g_strdup_printf ("/O=Polycom Inc./CN=%s", cn);
  g_assert_cmpint (run (NULL, NULL, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", k, "-out", c, "-subj", subj, "-days", "30",
                        "-addext", ca ? "basicConstraints=critical,CA:TRUE" : "basicConstraints=critical,CA:FALSE",
                        NULL), ==, 0);
}

static void
test_trust (Fx *fx, gconstpointer user_data)
{
  g_autofree char *fake = path (fx, "fake.pem"), *leaf = path (fx, "leaf.pem");
  g_autofree char *out = NULL, *err = NULL, *shared_dir = NULL;
  const char *shared = g_getenv ("PHONEPROV_SHARED");
  g_autoptr(GHashTable) before = NULL;

  make_lookalike (fx, "fake", "Polycom Root CA", TRUE);
  make_lookalike (fx, "leaf", "0004f2aabbcc", FALSE);

  before = snapshot (fx);
  g_assert_cmpint (ctl (fx, NULL, &err, "trust", "add", leaf, NULL), ==, 1);
  assert_contains (err, "is not a CA certificate");
  assert_unchanged (fx, before);
  {
    /* A root whose self-signature was damaged. */
    g_autofree char *der = path (fx, "broken.der"), *raw = NULL, *e = NULL;
    gsize len = 0;
    g_assert_cmpint (run (NULL, NULL, "openssl", "x509", "-in", fake, "-outform", "DER", "-out", der, NULL), ==, 0);
    raw = read_file (der, &len);
    raw[len - 5] ^= 0x10;
    write_file (der, raw, len);
    g_assert_cmpint (ctl (fx, NULL, &e, "trust", "add", der, NULL), ==, 1);
    assert_contains (e, "broken self-signature");
    assert_unchanged (fx, before);
  }

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl (fx, &out, &err, "trust", "add", fake, NULL), ==, 0);
  assert_contains (err, "claims to be a Polycom CA");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl (fx, &out, NULL, "trust", "list", "--json", NULL), ==, 0);
  assert_contains (out, "\"polycom\" : \"impostor\"");

  if (shared && g_file_test ((shared_dir = g_build_filename (shared, "fixtures", "polycom-pki", NULL)), G_FILE_TEST_IS_DIR))
    {
      const char *files[] = { "polycom-root-ca.pem", "polycom-equipment-policy-ca.pem",
                              "polycom-equipment-issuing-ca-1.pem", "polycom-equipment-issuing-ca-2.pem" };
      const char *labels[] = { "Polycom Root CA (genuine Polycom)", "Polycom Equipment Policy CA (genuine Polycom)",
                               "Polycom Equipment Issuing CA 1 (genuine Polycom)", "Polycom Equipment Issuing CA 2 (genuine Polycom)" };
      for (guint i = 0; i < G_N_ELEMENTS (files); i++)
        {
          g_autofree char *f = g_build_filename (shared_dir, files[i], NULL), *e = NULL;
          g_assert_cmpint (ctl (fx, NULL, &e, "trust", "add", f, NULL), ==, 0);
          g_assert_null (strstr (e, "warning"));
        }
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (ctl (fx, &out, NULL, "trust", "list", NULL), ==, 0);
      for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
        assert_contains (out, labels[i]);
      assert_contains (out, "anchor\tPolycom Root CA (genuine Polycom)\t5A:9A:1F:57");
      assert_contains (out, "intermediate\tPolycom Equipment Issuing CA 2 (genuine Polycom)");
    }
  else
    g_test_message ("Polycom fixtures absent: genuine recognition not checked");

  /* remove by fingerprint prefix */
  {
    g_autofree char *fp = NULL;
    g_assert_cmpint (run (&fp, NULL, "openssl", "x509", "-in", fake, "-noout", "-fingerprint", "-sha256", NULL), ==, 0);
    g_strstrip (fp);
    {
      g_autofree char *prefix = g_strndup (strchr (fp, '=') + 1, 11);
      CTL_OK (fx, "trust", "remove", prefix);
    }
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (ctl (fx, &out, NULL, "trust", "list", "--json", NULL), ==, 0);
    g_assert_null (strstr (out, "impostor"));
  }
}

/* The server engineer's entry point: the store as a GnuTLS trust list that
 * verifies a phone certificate from our CA (and refuses after revocation). */
static void
test_trust_load (Fx *fx, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autofree char *cert_pem = NULL, *key_pem = NULL, *ca = site_path (fx, "pki/ca/ca.crt");
  g_autofree char *crl = site_path (fx, "pki/ca/crl.pem"), *pass = path (fx, "pass");
  gnutls_x509_trust_list_t tl;
  g_autoptr(GPtrArray) certs = NULL;
  unsigned status = 1;
  guint nc = 0, nl = 0;

  make_ca (fx);
  site = pp_site_open (fx->site, &error);
  g_assert_no_error (error);
  g_assert_true (pp_ca_issue_test_client (site, "0004f2000001", 1, "ca secret", &cert_pem, &key_pem, &error));
  g_assert_no_error (error);
  CTL_OK (fx, "trust", "add", ca);
  gnutls_x509_trust_list_init (&tl, 0);
  g_assert_true (pp_trust_load (site, tl, &nc, &nl, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nc, ==, 1);
  certs = pp_certs_from_data (cert_pem, strlen (cert_pem), &error);
  g_assert_no_error (error);
  g_assert_cmpint (gnutls_x509_trust_list_verify_crt (tl, (gnutls_x509_crt_t *) certs->pdata, 1, 0, &status, NULL), ==, 0);
  g_assert_cmpuint (status, ==, 0);
  gnutls_x509_trust_list_deinit (tl, 1);

  /* Revoke it; put the CRL in the store; now it fails. */
  {
    g_autofree char *serial = pp_cert_serial_hex (certs->pdata[0]);
    CTL_OK (fx, "crl", "--revoke", serial, "--passphrase-file", pass);
  }
  CTL_OK (fx, "trust", "add", crl);
  gnutls_x509_trust_list_init (&tl, 0);
  g_assert_true (pp_trust_load (site, tl, &nc, &nl, &error));
  g_assert_cmpuint (nl, ==, 1);
  g_assert_cmpint (gnutls_x509_trust_list_verify_crt (tl, (gnutls_x509_crt_t *) certs->pdata, 1, 0, &status, NULL), ==, 0);
  g_assert_true (status & GNUTLS_CERT_REVOKED);
  gnutls_x509_trust_list_deinit (tl, 1);
}

/* A damaged file in pki/trust/ is listed by name with what to do, the
 * listing fails (exit 1), loading refuses the store, and "trust remove NAME"
 * takes it out. Also an orphaned CRL: its CA removed, the CRL left behind. */
static void
test_trust_damaged (Fx *fx, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *ca = site_path (fx, "pki/ca/ca.crt"), *crl = site_path (fx, "pki/ca/crl.pem");
  g_autofree char *garbage = site_path (fx, "pki/trust/garbage.pem"), *trunc = site_path (fx, "pki/trust/trunc.crt");
  g_autofree char *der = site_path (fx, "pki/trust/copy-der.crt");
  g_autofree char *out = NULL, *err = NULL, *ca_text = NULL;
  gnutls_x509_trust_list_t tl;

  make_ca (fx);
  CTL_OK (fx, "trust", "add", ca, crl);
  g_assert_cmpint (ctl (fx, NULL, NULL, "trust", "list", NULL), ==, 0);
  /* DER in a .crt is what phoneprovd accepts too: not damaged. */
  g_assert_cmpint (run (NULL, NULL, "openssl", "x509", "-in", ca, "-outform", "DER", "-out", der, NULL), ==, 0);
  g_assert_cmpint (ctl (fx, NULL, NULL, "trust", "list", NULL), ==, 0);
  g_assert_cmpint (g_unlink (der), ==, 0);

  write_file (garbage, "this is not a certificate\n", strlen ("this is not a certificate\n"));
  ca_text = read_file (ca, NULL);
  write_file (trunc, ca_text, strlen (ca_text) / 2);

  g_assert_cmpint (ctl (fx, &out, &err, "trust", "list", NULL), ==, 1);
  assert_contains (out, "anchor\tTest Phone CA\t");  /* the good ones are still listed */
  assert_contains (out, "damaged\tgarbage.pem (damaged)\t-\tgarbage.pem");
  assert_contains (out, "damaged\ttrunc.crt (damaged)\t-\ttrunc.crt");
  assert_contains (err, "pki/trust/garbage.pem is damaged");
  assert_contains (err, "“phoneprovctl trust remove garbage.pem”");
  assert_contains (err, "replace it");
  assert_contains (err, "pki/trust/trunc.crt is damaged");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl (fx, &out, NULL, "trust", "list", "--json", NULL), ==, 1);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonArray *arr;
    guint damaged = 0;
    g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
    g_assert_no_error (error);
    arr = json_node_get_array (json_parser_get_root (parser));
    for (guint i = 0; i < json_array_get_length (arr); i++)
      {
        JsonObject *o = json_array_get_object_element (arr, i);
        if (g_strcmp0 (json_object_get_string_member (o, "kind"), "damaged") != 0)
          continue;
        damaged++;
        assert_contains (json_object_get_string_member (o, "error"), "phoneprovctl trust remove");
        assert_contains (json_object_get_string_member (o, "error"), json_object_get_string_member (o, "file"));
      }
    g_assert_cmpuint (damaged, ==, 2);
  }

  site = pp_site_open (fx->site, &error);
  g_assert_no_error (error);
  entries = pp_trust_list (site, &error);
  g_assert_no_error (error);
  g_assert_true (pp_trust_list_is_damaged (entries));
  g_assert_cmpint (((PpTrustEntry *) entries->pdata[entries->len - 1])->kind, ==, PP_TRUST_DAMAGED);
  gnutls_x509_trust_list_init (&tl, 0);
  g_assert_false (pp_trust_load (site, tl, NULL, NULL, &error));
  g_assert_error (error, PP_ERROR, PP_ERROR_CORRUPT);
  assert_contains (error->message, "garbage.pem");
  g_clear_error (&error);
  gnutls_x509_trust_list_deinit (tl, 1);

  CTL_OK (fx, "trust", "remove", "garbage.pem");
  CTL_OK (fx, "trust", "remove", "trunc.crt");
  g_assert_false (g_file_test (garbage, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl (fx, &out, NULL, "trust", "list", NULL), ==, 0);
  g_assert_null (strstr (out, "damaged"));

  /* The CA goes, its CRL stays: phoneprovd would refuse the CRL. */
  {
    g_autofree char *fp = NULL;
    g_assert_cmpint (run (&fp, NULL, "openssl", "x509", "-in", ca, "-noout", "-fingerprint", "-sha256", NULL), ==, 0);
    CTL_OK (fx, "trust", "remove", strchr (g_strstrip (fp), '=') + 1);
  }
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl (fx, &out, &err, "trust", "list", NULL), ==, 1);
  assert_contains (err, "is not signed by any CA in the trust store");
  assert_contains (err, "phoneprovctl trust add");
  {
    g_auto(GStrv) fields = g_strsplit (out, "\t", -1);
    g_autofree char *name = g_strstrip (g_strdup (fields[3]));
    g_assert_cmpstr (fields[0], ==, "damaged");
    g_assert_true (g_str_has_suffix (name, ".crl"));
    CTL_OK (fx, "trust", "remove", name);
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl (fx, &out, NULL, "trust", "list", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
}

static void
test_details_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpCertDetails) d = NULL;
  const char *shared = g_getenv ("PHONEPROV_SHARED");
  g_autofree char *f = shared ? g_build_filename (shared, "fixtures", "polycom-pki", "polycom-root-ca.pem", NULL) : NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  GPtrArray *sections;
  const PpCertSection *s;

  if (f == NULL || !g_file_test (f, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("Polycom fixtures absent");
      return;
    }
  data = read_file (f, &len);
  d = pp_cert_details_new_from_data (data, len, &error);
  g_assert_no_error (error);
  sections = pp_cert_details_get_sections (d);
  s = sections->pdata[0];
  g_assert_true (s->important);
  g_assert_cmpstr (((PpCertField *) s->fields->pdata[0])->key, ==, "identity");
  g_assert_cmpstr (pp_cert_details_get_identity (d), ==, "Polycom Root CA");
  g_assert_cmpstr (pp_cert_details_get_fingerprint (d, "md5"), ==, "14:E3:6A:3A:66:E4:90:E4:C7:9E:59:7E:C7:E1:D5:F7");
  g_assert_cmpstr (pp_cert_details_get_fingerprint (d, "sha1"), ==, "79:E1:6B:8B:55:9A:AD:D3:1B:CD:C3:95:62:61:73:FF:57:9B:1A:EC");
  g_assert_true (pp_polycom_fingerprint_is_genuine (pp_cert_details_get_fingerprint (d, "sha256")));
  g_assert_nonnull (pp_cert_details_find_section (d, "extension:2.5.29.19"));
  g_assert_cmpint (g_date_time_get_year (pp_cert_details_get_expires (d)), ==, 2044);
  g_assert_nonnull (pp_cert_details_get_purposes (d));
  g_assert_cmpstr (pp_cert_details_get_verified_by (d), ==, "Polycom Root CA (self-signed)");
}

/* Import decides by content: OpenSSL-made files in every form, with names
 * that say nothing. */
static void
test_import_formats (Fx *fx, gconstpointer user_data)
{
  g_autofree char *key = path (fx, "k1"), *enc = path (fx, "k2"), *kder = path (fx, "k3");
  g_autofree char *crt = path (fx, "c1"), *cder = path (fx, "c2"), *chain = path (fx, "c3");
  g_autofree char *csr = path (fx, "r1"), *rder = path (fx, "r2"), *p7 = path (fx, "p7");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run (NULL, NULL, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-out", key, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "openssl", "pkcs8", "-topk8", "-v2", "aes256", "-in", key, "-out", enc,
                        "-passout", "pass:k secret", NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", key, "-outform", "DER",
                        "-out", kder, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "openssl", "req", "-x509", "-key", key, "-subj", "/CN=Import CA", "-days", "5",
                        "-out", crt, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "openssl", "x509", "-in", crt, "-outform", "DER", "-out", cder, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "openssl", "req", "-new", "-key", key, "-subj", "/CN=r.example.com",
                        "-out", csr, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "openssl", "req", "-in", csr, "-outform", "DER", "-out", rder, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "openssl", "crl2pkcs7", "-nocrl", "-certfile", crt, "-out", p7, NULL), ==, 0);
  {
    g_autofree char *a = read_file (crt, NULL), *b = read_file (key, NULL);
    g_autofree char *both = g_strconcat ("junk before\n", b, a, a, NULL);
    write_file (chain, both, strlen (both));
  }

  {
    g_autoptr(PpImport) i = pp_import_file (enc, "k secret", &error);
    g_assert_no_error (error);
    g_assert_nonnull (i->key);
    g_assert_null (pp_import_file (enc, "wrong", &error));
    g_assert_error (error, PP_ERROR, PP_ERROR_PASSPHRASE);
    g_clear_error (&error);
    g_assert_null (pp_import_file (enc, NULL, &error));
    g_assert_error (error, PP_ERROR, PP_ERROR_PASSPHRASE);
    g_clear_error (&error);
  }
  {
    g_autoptr(PpImport) i = pp_import_file (kder, NULL, &error);
    g_autoptr(PpImport) c = pp_import_file (cder, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (i->format, ==, PP_CERT_FORMAT_DER);
    g_assert_nonnull (i->key);
    g_assert_cmpuint (c->certs->len, ==, 1);
    g_assert_true (pp_cert_matches_key (c->certs->pdata[0], i->key));
    g_assert_true (pp_cert_is_ca (c->certs->pdata[0]));
  }
  {
    g_autoptr(PpImport) i = pp_import_file (chain, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (i->format, ==, PP_CERT_FORMAT_PEM);
    g_assert_cmpuint (i->certs->len, ==, 2);
    g_assert_nonnull (i->key);
  }
  {
    g_autoptr(PpImport) a = pp_import_file (csr, NULL, &error);
    g_autoptr(PpImport) b = pp_import_file (rder, NULL, &error);
    g_autoptr(PpImport) c = pp_import_file (p7, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (a->csr);
    g_assert_nonnull (b->csr);
    g_assert_cmpuint (c->certs->len, ==, 1);
  }
  {
    /* "No password" PKCS#12 (an empty one) opens without a passphrase. */
    g_autofree char *np = path (fx, "np"), *kp = path (fx, "kp");
    g_autoptr(PpImport) i = NULL;
    g_assert_cmpint (run (NULL, NULL, "openssl", "pkcs12", "-export", "-inkey", key, "-in", crt, "-out", np,
                          "-passout", "pass:", NULL), ==, 0);
    i = pp_import_file (np, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (i->key);
    g_assert_cmpint (i->format, ==, PP_CERT_FORMAT_PKCS12);
    g_assert_cmpint (run (NULL, NULL, "openssl", "pkcs12", "-export", "-inkey", key, "-in", crt, "-out", kp,
                          "-passout", "pass:x", "-iter", "1", NULL), ==, 0);
    g_assert_null (pp_import_file (kp, NULL, &error));
    g_assert_error (error, PP_ERROR, PP_ERROR_PASSPHRASE);
    g_clear_error (&error);
  }
  {
    g_autofree char *e = NULL, *out = NULL;
    g_assert_cmpint (ctl (fx, &out, &e, "cert", "show", rder, "--json", NULL), ==, 0);
    assert_contains (out, "\"type\" : \"request\"");
  }
}

/* Mutated and truncated certificates, chains, requests and PKCS#12 files:
 * every one is either parsed or refused with a PP_ERROR, never a crash
 * (this test earns its keep under ASan/UBSan). Fixed seed: reproducible. */
static void
test_import_mutations (Fx *fx, gconstpointer user_data)
{
  g_autofree char *k = path (fx, "m.key"), *c = path (fx, "m.crt"), *d = path (fx, "m.der");
  g_autofree char *r = path (fx, "m.csr"), *p7 = path (fx, "m.p7b"), *p12 = path (fx, "m.p12");
  const char *files[5];
  g_autoptr(GRand) rnd = g_rand_new_with_seed (20261127);
  guint refused = 0, parsed = 0;

  files[0] = c; files[1] = d; files[2] = r; files[3] = p7; files[4] = p12;
  g_assert_cmpint (run (NULL, NULL, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", k, "-out", c, "-subj", "/CN=Mut CA", "-days", "5", NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "openssl", "x509", "-in", c, "-outform", "DER", "-out", d, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "openssl", "req", "-new", "-key", k, "-subj", "/CN=m.example.com", "-outform", "DER",
                        "-out", r, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "openssl", "crl2pkcs7", "-nocrl", "-certfile", c, "-outform", "DER", "-out", p7, NULL), ==, 0);
  /* Few KDF rounds keep this fast; the structure is what is being shaken. */
  g_assert_cmpint (run (NULL, NULL, "openssl", "pkcs12", "-export", "-inkey", k, "-in", c, "-out", p12, "-passout", "pass:m",
                        "-iter", "1", "-maciter", NULL), ==, 0);

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      gsize len = 0;
      g_autofree char *orig = read_file (files[f], &len);
      for (guint round = 0; round < 120; round++)
        {
          g_autofree char *buf = g_memdup2 (orig, len);
          gsize n = len;
          g_autoptr(GError) error = NULL;
          g_autoptr(PpImport) imp = NULL;
          g_autoptr(PpCertDetails) details = NULL;
          if (round % 3 == 0)
            n = (gsize) g_rand_int_range (rnd, 0, (gint32) len);
          else
            for (guint flips = g_rand_int_range (rnd, 1, 4); flips > 0; flips--)
              buf[g_rand_int_range (rnd, 0, (gint32) len)] ^= (char) g_rand_int_range (rnd, 1, 256);
          imp = pp_import_data (buf, n, "m", &error);
          if (imp == NULL)
            {
              g_assert_nonnull (error);
              g_assert_true (error->domain == PP_ERROR);
              refused++;
            }
          else
            parsed++;
          g_clear_error (&error);
          details = pp_cert_details_new_from_data (buf, n, &error);
          g_assert_true (details != NULL || error != NULL);
          if (details)
            {
              g_autofree char *text = pp_cert_details_to_text (details);
              g_autoptr(JsonNode) node = pp_cert_details_to_json (details);
              g_assert_nonnull (text);
            }
        }
    }
  g_test_message ("mutations: %u refused, %u parsed", refused, parsed);
  g_assert_cmpuint (refused, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pki/trust", Fx, NULL, fx_setup, test_trust, fx_teardown);
  g_test_add ("/pki/trust-load", Fx, NULL, fx_setup, test_trust_load, fx_teardown);
  g_test_add ("/pki/trust-damaged", Fx, NULL, fx_setup, test_trust_damaged, fx_teardown);
  g_test_add_func ("/pki/details-polycom", test_details_model);
  g_test_add ("/pki/import-formats", Fx, NULL, fx_setup, test_import_formats, fx_teardown);
  g_test_add ("/pki/import-mutations", Fx, NULL, fx_setup, test_import_mutations, fx_teardown);
  return g_test_run ();
}
