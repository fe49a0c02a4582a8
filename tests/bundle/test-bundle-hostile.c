/* Hostile bundles: each refused with a clear message, the target untouched
 * (an existing site byte for byte, a new folder not created), nothing left
 * behind (issue 6). */
#include "config.h"
#include "bundle-test-util.h"
#include "pp-bundle-manifest.h"
#include "pp-engine-config.h"
#include "pp-error.h"
#include "pp-pki.h"

#include <glib/gstdio.h>
#include <string.h>


static void
test_traversal (void)
{
  g_autoptr(GPtrArray) m = read_members (good);
  g_autoptr(GPtrArray) m2 = read_members (good);
  g_autofree char *a = NULL, *b = NULL;

  g_ptr_array_add (m, member_new ("boot/../../evil.cfg", "x", 1));
  a = write_bundle ("traversal.tar.gz", m, FALSE);
  assert_refused (a, PP_ERROR_INVALID, "“boot/../../evil.cfg”");
  g_ptr_array_add (m2, member_new ("/tmp/evil.cfg", "x", 1));
  b = write_bundle ("absolute.tar.gz", m2, FALSE);
  assert_refused (b, PP_ERROR_INVALID, "absolute");
}

static void
test_traversal_in_manifest (void)
{
  g_autoptr(GPtrArray) m = read_members (good);
  Member *man = need (m, PP_BUNDLE_MANIFEST_NAME);
  GString *text = g_string_new_len (g_bytes_get_data (man->data, NULL), (gssize) g_bytes_get_size (man->data));
  g_autofree char *file = NULL;
  gsize len;

  g_assert_cmpuint (g_string_replace (text, "\"boot/sip.ld\"", "\"../../etc/passwd\"", 1), ==, 1);
  len = text->len;
  g_bytes_unref (man->data);
  man->data = g_bytes_new_take (g_string_free (text, FALSE), len);
  file = write_bundle ("manifest-traversal.tar.gz", m, FALSE);
  assert_refused (file, PP_ERROR_INVALID, "unsafe path");
}

static void
test_links_and_devices (void)
{
  struct { const char *file; mode_t type; const char *link; const char *needle; } cases[] = {
    { "symlink.tar.gz", AE_IFLNK, "/etc/passwd", "symbolic link" },
    { "hardlink.tar.gz", AE_IFREG, "site.conf", "hard link" },
    { "device.tar.gz", AE_IFCHR, NULL, "character device" },
    { "fifo.tar.gz", AE_IFIFO, NULL, "named pipe" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) m = read_members (good);
      Member *evil = member_new ("boot/evil", "", 0);
      g_autofree char *file = NULL;
      evil->type = cases[i].type;
      evil->link = g_strdup (cases[i].link);
      g_ptr_array_add (m, evil);
      file = write_bundle (cases[i].file, m, FALSE);
      assert_refused (file, PP_ERROR_INVALID, cases[i].needle);
    }
}

static void
test_truncated (void)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autofree char *file = g_build_filename (base, "truncated.tar.gz", NULL);

  g_assert_true (g_file_get_contents (good, &data, &len, NULL));
  g_assert_true (g_file_set_contents (file, data, (gssize) (len * 2 / 3), NULL));
  assert_refused (file, PP_ERROR_CORRUPT, "damaged or incomplete");
}

static void
test_wrong_checksum (void)
{
  g_autoptr(GPtrArray) m = read_members (good);
  Member *cfg = need (m, "boot/000000000000.cfg");
  gsize len = g_bytes_get_size (cfg->data);
  g_autofree char *evil = g_malloc (len), *file = NULL;

  memset (evil, 'X', len);
  g_bytes_unref (cfg->data);
  cfg->data = g_bytes_new (evil, len);
  file = write_bundle ("checksum.tar.gz", m, FALSE);
  assert_refused (file, PP_ERROR_CORRUPT, "checksum of “boot/000000000000.cfg” does not match");
}

static void
test_swapped_key (void)
{
  g_autoptr(GPtrArray) m = read_members (good);
  Member *server = need (m, "pki/server/server.p12");
  Member *ca = need (m, "pki/ca/ca.p12");
  g_autofree char *file = NULL;

  /* Same passphrase, valid PKCS#12 — but the CA's key, not the server's. */
  g_bytes_unref (server->data);
  server->data = g_bytes_ref (ca->data);
  file = write_bundle ("swapped.tar.gz", m, TRUE);
  assert_refused (file, PP_ERROR_MISMATCH, "does not belong to the certificate pki/server/server.crt");
}

static void
test_passphrase (void)
{
  PpBundleImportOptions wrong = { .passphrase = "not the passphrase" };
  PpBundleImportOptions none = { 0 };
  assert_refused_opts (good, &wrong, PP_ERROR_PASSPHRASE, "passphrase does not open");
  assert_refused_opts (good, &none, PP_ERROR_PASSPHRASE, "--passphrase-file");
}

static void
test_huge_member (void)
{
  g_autoptr(GPtrArray) m = read_members (good);
  g_autofree char *zeros = g_malloc0 (2 * 1024 * 1024);
  g_autofree char *file = NULL;
  PpBundleImportOptions small = { .passphrase = PASS, .max_member_bytes = 10000 };

  g_ptr_array_add (m, member_new ("pki/trust/huge.pem", zeros, 2 * 1024 * 1024));
  file = write_bundle ("huge.tar.gz", m, TRUE);
  assert_refused (file, PP_ERROR_INVALID, "“pki/trust/huge.pem” is 2097152 bytes");
  /* Boot files may be large, up to the configured limit. */
  assert_refused_opts (good, &small, PP_ERROR_INVALID, "“boot/sip.ld” is 65536 bytes");
}

typedef struct {
  const char *file;
  const char *member;       /* replaced or added */
  const char *content;      /* NULL: remove the member */
  gboolean    fix_manifest;
  int         code;
  const char *needle;
} Mutation;

static void
test_mutations (void)
{
  g_autofree char *leaf = NULL, *key = NULL;
  g_autofree char *leaf_path = g_build_filename (site_dir, "pki/server/server.crt", NULL);
  g_autofree char *key_path = g_build_filename (site_dir, "pki/server/server.key", NULL);
  Mutation cases[] = {
    { "unlisted.tar.gz", "boot/extra.cfg", "x", FALSE, PP_ERROR_INVALID, "does not list" },
    { "missing.tar.gz", "boot/sip.ld", NULL, FALSE, PP_ERROR_CORRUPT, "“boot/sip.ld”, listed in its manifest, is missing" },
    { "leaf-anchor.tar.gz", "pki/trust/leaf.pem", NULL, TRUE, PP_ERROR_INVALID, "not a CA certificate" },
    { "bad-conf.tar.gz", "site.conf", "[site]\n[http]\nport=99999\n", TRUE, PP_ERROR_INVALID, "site.conf is not valid" },
    { "boot-escape.tar.gz", "site.conf", "[site]\n[boot]\ndir=/etc\n", TRUE, PP_ERROR_INVALID, "must be “boot”" },
    { "raw-key.tar.gz", "pki/server/server.key", NULL, TRUE, PP_ERROR_INVALID, "unprotected" },
    { "raw-key2.tar.gz", "auth/notes.txt", NULL, TRUE, PP_ERROR_INVALID, "unprotected private key" },
    { "htdigest.tar.gz", "auth/htdigest", "not:an:htdigest:line:at all\n", TRUE, PP_ERROR_INVALID, "auth/htdigest" },
    { "manifest-version.tar.gz", PP_BUNDLE_MANIFEST_NAME,
      "{\"format\":\"phoneprov-bundle\",\"format_version\":99,\"members\":[]}", FALSE, PP_ERROR_UNSUPPORTED,
      "format version 99" },
    { "manifest-junk.tar.gz", PP_BUNDLE_MANIFEST_NAME, "{not json", FALSE, PP_ERROR_CORRUPT, "manifest.json is damaged" },
  };

  g_assert_true (g_file_get_contents (leaf_path, &leaf, NULL, NULL));
  g_assert_true (g_file_get_contents (key_path, &key, NULL, NULL));
  cases[2].content = leaf;
  cases[5].content = key;
  cases[6].content = key;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) m = read_members (good);
      Member *old = find (m, cases[i].member);
      g_autofree char *file = NULL;
      g_test_message ("case %s", cases[i].file);
      if (cases[i].content == NULL)
        g_ptr_array_remove (m, old);
      else if (old)
        {
          g_bytes_unref (old->data);
          old->data = g_bytes_new (cases[i].content, strlen (cases[i].content));
        }
      else
        g_ptr_array_add (m, member_new (cases[i].member, cases[i].content, strlen (cases[i].content)));
      file = write_bundle (cases[i].file, m, cases[i].fix_manifest);
      assert_refused (file, cases[i].code, cases[i].needle);
    }
}

static void
test_not_a_bundle (void)
{
  g_autofree char *garbage = g_build_filename (base, "garbage.tar.gz", NULL);
  g_autoptr(GPtrArray) m = read_members (good);
  g_autofree char *late = NULL;
  Member *man;

  g_assert_true (g_file_set_contents (garbage, "this is not a tar.gz at all, just text\n", -1, NULL));
  assert_refused (garbage, PP_ERROR_INVALID, "not a phoneprov bundle");
  man = g_ptr_array_steal_index (m, 0);
  g_ptr_array_add (m, man);
  late = write_bundle ("manifest-last.tar.gz", m, FALSE);
  assert_refused (late, PP_ERROR_INVALID, "does not start with manifest.json");
}

int
main (int argc, char **argv)
{
  bundle_test_init (&argc, &argv);
  g_test_add_func ("/bundle/hostile/traversal", test_traversal);
  g_test_add_func ("/bundle/hostile/traversal-in-manifest", test_traversal_in_manifest);
  g_test_add_func ("/bundle/hostile/links-and-devices", test_links_and_devices);
  g_test_add_func ("/bundle/hostile/truncated", test_truncated);
  g_test_add_func ("/bundle/hostile/wrong-checksum", test_wrong_checksum);
  g_test_add_func ("/bundle/hostile/swapped-key", test_swapped_key);
  g_test_add_func ("/bundle/hostile/passphrase", test_passphrase);
  g_test_add_func ("/bundle/hostile/huge-member", test_huge_member);
  g_test_add_func ("/bundle/hostile/mutations", test_mutations);
  g_test_add_func ("/bundle/hostile/not-a-bundle", test_not_a_bundle);
  return bundle_test_run ();
}
