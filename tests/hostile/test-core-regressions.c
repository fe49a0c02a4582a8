/* Regressions for bugs the fuzzers found in src/core. Each test names the
 * harness and the property that failed. */
#include "config.h"
#include "pp-htdigest.h"
#include "pp-error.h"
#include "pp-cert-io.h"
#include "pp-cert-details.h"
#include "pp-bundle.h"
#include "pp-bundle-manifest.h"
#include "pp-site.h"

#include <archive.h>
#include <archive_entry.h>

#include <gnutls/abstract.h>

#include <glib/gstdio.h>
#include <string.h>

/* fuzz-htdigest, "still logs in after remove": the parser strips lines, the
 * rewrite matched them unstripped, so "  user:realm:HA1" survived
 * pp_htdigest_remove() (which even reported "no such account"). */
static void
test_htdigest_remove_indented (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pp-hostile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "htdigest", NULL);
  const char *text = "  PlcmSpIp:phoneprov:939e7578ed9e3c518a452acee763bce9  \n"
                     "\tb:phoneprov:11111111111111111111111111111111\n";
  g_autoptr(GHashTable) users = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  users = pp_htdigest_load (path, "phoneprov", &error);
  g_assert_no_error (error);
  g_assert_true (g_hash_table_contains (users, "PlcmSpIp"));
  g_clear_pointer (&users, g_hash_table_unref);

  g_assert_true (pp_htdigest_remove (path, "PlcmSpIp", "phoneprov", &error));
  g_assert_no_error (error);
  users = pp_htdigest_load (path, "phoneprov", &error);
  g_assert_no_error (error);
  g_assert_false (g_hash_table_contains (users, "PlcmSpIp"));
  g_assert_cmpstr (g_hash_table_lookup (users, "b"), ==, "11111111111111111111111111111111");
  g_clear_pointer (&users, g_hash_table_unref);

  /* set replaces an indented entry instead of leaving two. */
  g_assert_true (pp_htdigest_set (path, "b", "phoneprov", "new", &error));
  g_assert_no_error (error);
  {
    g_autofree char *data = NULL;
    g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
    g_assert_null (strstr (data, "1111111111"));
  }
  g_unlink (path);
  g_rmdir (dir);
}

/* A self-signed certificate whose subject CN is @cn (@len bytes, any
 * content), put as a raw DER UTF8String so nothing cleans it up. */
static gnutls_x509_crt_t
make_cert (const char *cn, gsize len, const void *san_der, gsize san_len)
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  g_autofree guint8 *der = g_malloc (len + 2);

  g_assert_cmpuint (len, <, 128);
  der[0] = 0x0c;  /* UTF8String */
  der[1] = (guint8) len;
  memcpy (der + 2, cn, len);
  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                   GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 1, der, (unsigned) len + 2), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "Polycom Inc.", 12), ==, 0);
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, "\x01", 1);
  gnutls_x509_crt_set_activation_time (crt, time (NULL) - 60);
  gnutls_x509_crt_set_expiration_time (crt, time (NULL) + 3600);
  gnutls_x509_crt_set_key (crt, key);
  if (san_der != NULL)
    g_assert_cmpint (gnutls_x509_crt_set_extension_by_oid (crt, "2.5.29.17", san_der, san_len, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, 0);
  gnutls_x509_privkey_deinit (key);
  return crt;
}

static gnutls_x509_crt_t
make_cert_with_cn (const char *cn, gsize len)
{
  return make_cert (cn, len, NULL, 0);
}

/* fuzz-cert-import, "subject is not UTF-8": DN text went to labels, JSON
 * and logs with whatever bytes the certificate held. */
static void
test_cert_names_utf8 (void)
{
  gnutls_x509_crt_t crt = make_cert_with_cn ("\xff\xfe" "abc", 5);
  g_autofree char *subject = pp_cert_subject (crt);
  g_autofree char *cn = pp_cert_subject_cn (crt);

  g_assert_true (g_utf8_validate (subject, -1, NULL));
  g_assert_nonnull (strstr (subject, "abc"));
  if (cn != NULL)
    g_assert_true (g_utf8_validate (cn, -1, NULL));
  gnutls_x509_crt_deinit (crt);
}

/* A NUL inside the CN must not turn "0004f2abcdef\0.evil" into the MAC
 * "0004f2abcdef" (the classic NUL-in-CN trick against name binding). */
static void
test_cert_cn_embedded_nul (void)
{
  static const char cn_bytes[] = "0004f2abcdef\0.evil";
  gnutls_x509_crt_t crt = make_cert_with_cn (cn_bytes, sizeof cn_bytes - 1);
  g_autofree char *cn = pp_cert_subject_cn (crt);

  g_assert_cmpstr (cn, !=, "0004f2abcdef");
  gnutls_x509_crt_deinit (crt);
}

/* fuzz-cert-import, "error message is not UTF-8": an unknown PEM label went
 * into the GError message byte for byte. */
static void
test_pem_label_message_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  const char pem[] = "-----BEGIN \xff\xfe-----\nAAAA\n-----END \xff\xfe-----\n";
  g_autoptr(PpImport) imp = pp_import_data (pem, sizeof pem - 1, NULL, &error);

  g_assert_null (imp);
  g_assert_nonnull (error);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* Every text of a details model is UTF-8 (what fuzz-cert-details checks). */
static void
assert_details_utf8 (PpCertDetails *d)
{
  GPtrArray *sections = pp_cert_details_get_sections (d);
  g_autoptr(JsonNode) node = pp_cert_details_to_json (d);
  g_autofree char *json = json_to_string (node, FALSE);
  g_autofree char *text = pp_cert_details_to_text (d);

  for (guint i = 0; i < sections->len; i++)
    {
      const PpCertSection *s = sections->pdata[i];
      for (guint j = 0; j < s->fields->len; j++)
        {
          const PpCertField *f = s->fields->pdata[j];
          g_assert_true (f->text == NULL || g_utf8_validate (f->text, -1, NULL));
          for (guint k = 0; f->list && f->list[k]; k++)
            g_assert_true (g_utf8_validate (f->list[k], -1, NULL));
        }
    }
  g_assert_true (g_utf8_validate (json, -1, NULL));
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_true (g_utf8_validate (pp_cert_details_get_verified_by (d), -1, NULL));
}

/* fuzz-cert-details: "2.5.4.10 is not UTF-8" (subject values went into the
 * model unchecked), and a leak of every IP address SAN's text (found by
 * LeakSanitizer on the seed corpus). */
static void
test_details_hostile_names (void)
{
  /* SEQUENCE { [2] IA5String "prov.example.com\0.evil.example", [7] 192.0.2.10 } */
  static const char san_der[] = "\x30\x26\x82\x1e" "prov.example.com\0.evil.example"
                                "\x87\x04\xc0\x00\x02\x0a";
  gnutls_x509_crt_t crt = make_cert ("\xff\xfe" "abc", 5, san_der, sizeof san_der - 1);
  g_autoptr(PpCertDetails) d = NULL;
  const PpCertSection *san;
  gboolean seen_evil = FALSE;

  d = pp_cert_details_new_from_crt (crt);
  assert_details_utf8 (d);
  /* The whole DNS name is shown, not the part before the NUL. */
  san = pp_cert_details_find_section (d, "extension:2.5.29.17");
  if (san != NULL)
    for (guint j = 0; j < san->fields->len; j++)
      {
        const PpCertField *f = san->fields->pdata[j];
        for (guint k = 0; f->list && f->list[k]; k++)
          if (strstr (f->list[k], "evil.example"))
            seen_evil = TRUE;
      }
  g_assert_nonnull (san);
  g_assert_true (seen_evil);
  gnutls_x509_crt_deinit (crt);
}

/* fuzz-bundle-manifest: an empty manifest.json parsed to no root node and
 * JSON_NODE_HOLDS_OBJECT (NULL) raised a Json-CRITICAL. */
static void
test_bundle_manifest_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBundleManifest) m = pp_bundle_manifest_parse ("", 0, &error);

  g_assert_null (m);
  g_assert_error (error, PP_ERROR, PP_ERROR_CORRUPT);
}

/* fuzz-bundle-import: a member name that is not UTF-8 (refused as unsafe)
 * was copied into the error message byte for byte. */
static void
test_bundle_import_name_not_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pp-hostile-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "b.tar.gz", NULL);
  g_autofree char *target = g_build_filename (dir, "site", NULL);
  g_autoptr(PpBundleManifest) m = pp_bundle_manifest_new ("x", FALSE);
  g_autofree char *json = NULL;
  PpBundleImportOptions opts = { .without_keys = TRUE };
  g_autoptr(PpBundleImportResult) res = NULL;
  struct archive *a = archive_write_new ();
  struct archive_entry *e;
  gsize len = 0;

  json = pp_bundle_manifest_to_json (m, &len);
  archive_write_add_filter_gzip (a);
  archive_write_set_format_pax_restricted (a);
  g_assert_cmpint (archive_write_open_filename (a, file), ==, ARCHIVE_OK);
  e = archive_entry_new ();
  archive_entry_set_pathname (e, PP_BUNDLE_MANIFEST_NAME);
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_perm (e, 0644);
  archive_entry_set_size (e, (la_int64_t) len);
  archive_write_header (a, e);
  archive_write_data (a, json, len);
  archive_entry_clear (e);
  archive_entry_set_pathname (e, "boot\xc7\x9a\x89\x96l");
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_perm (e, 0644);
  archive_entry_set_size (e, 1);
  archive_write_header (a, e);
  archive_write_data (a, "x", 1);
  archive_entry_free (e);
  archive_write_close (a);
  archive_write_free (a);

  res = pp_bundle_import (file, target, &opts, NULL, NULL, NULL, &error);
  g_assert_null (res);
  g_assert_nonnull (error);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_unlink (file);
  g_rmdir (dir);
}

/* fuzz-bundle-manifest (CI run): a member of the wrong JSON type ("format":
 * {}) made json-glib's *_with_default getters raise a CRITICAL; an empty
 * manifest member arrived as NULL data (another CRITICAL). */
static void
test_bundle_manifest_wrong_types (void)
{
  static const char *bad[] = {
    "{\"format\":{},\"format_version\":1,\"members\":[]}",
    "{\"format\":\"phoneprov-bundle\",\"format_version\":[1],\"members\":[]}",
    "{\"format\":\"phoneprov-bundle\",\"format_version\":1,\"keys\":{\"a\":1},\"members\":[]}",
    "{\"format\":\"phoneprov-bundle\",\"format_version\":1,\"keys\":\"none\",\"encrypted_keys\":[{}],\"members\":[{\"path\":[],\"sha256\":{},\"size\":\"1\"}]}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PpBundleManifest) m = pp_bundle_manifest_parse (bad[i], strlen (bad[i]), &error);
      g_assert_null (m);
      g_assert_nonnull (error);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PpBundleManifest) m = pp_bundle_manifest_parse (NULL, 0, &error);
    g_assert_null (m);
    g_assert_nonnull (error);
  }
}

/* fuzz-bundle-import (CI run): a site.conf key that is not UTF-8 was echoed
 * into the refusal ("“…” is not a setting phoneprov knows"). */
static void
test_site_conf_not_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  const char conf[] = "[site]\nname\xff\xfe=x\n";

  g_assert_false (pp_site_conf_validate_data (conf, sizeof conf - 1, &error));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);
  /* GKeyFile's own message quotes the bad bytes (fuzz-site-conf). */
  g_assert_false (pp_site_conf_validate_data ("[site]\n[nly the ma\xdf\n", 20, &error));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);
  g_assert_false (pp_site_validate_value ("site.name", "caf\xe9", &error));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hostile/core/htdigest-remove-indented", test_htdigest_remove_indented);
  g_test_add_func ("/hostile/core/cert-names-utf8", test_cert_names_utf8);
  g_test_add_func ("/hostile/core/cert-cn-embedded-nul", test_cert_cn_embedded_nul);
  g_test_add_func ("/hostile/core/pem-label-message-utf8", test_pem_label_message_utf8);
  g_test_add_func ("/hostile/core/details-hostile-names", test_details_hostile_names);
  g_test_add_func ("/hostile/core/bundle-manifest-empty", test_bundle_manifest_empty);
  g_test_add_func ("/hostile/core/bundle-import-name-not-utf8", test_bundle_import_name_not_utf8);
  g_test_add_func ("/hostile/core/bundle-manifest-wrong-types", test_bundle_manifest_wrong_types);
  g_test_add_func ("/hostile/core/site-conf-not-utf8", test_site_conf_not_utf8);
  return g_test_run ();
}
