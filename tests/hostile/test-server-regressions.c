/* Regressions for bugs the fuzzers found in src/server's parsers, plus
 * guards for properties the harnesses check (replay, path escapes). */
#include "config.h"
#include "pp-digest.h"
#include "pp-events.h"
#include "pp-files.h"
#include "pp-htdigest.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <unistd.h>

/* fuzz-user-agent, "fields are not UTF-8": a User-Agent with invalid UTF-8
 * went into GRegex (undefined for invalid input) and model/firmware went
 * into events.jsonl with those bytes. */
static void
test_user_agent_not_utf8 (void)
{
  char *model = NULL, *firmware = NULL;

  g_assert_false (pp_user_agent_parse ("FileTransport PolycomSoundPontIP-SPIP\xe1" "335-UA/3.2.1", &model, &firmware));
  g_assert_null (model);
  g_assert_true (pp_user_agent_parse ("FileTransport PolycomVVX-VVX_400-UA/4.1.4.7430 Type/Application",
                                      &model, &firmware));
  g_assert_cmpstr (model, ==, "VVX_400");
  g_assert_cmpstr (firmware, ==, "4.1.4.7430");
  g_free (model);
  g_free (firmware);
}

static char *
nonce_of (PpDigest *d)
{
  g_autofree char *challenge = pp_digest_challenge (d, "phoneprov", FALSE);
  g_autoptr(GHashTable) p = soup_header_parse_param_list (challenge + 7);
  return g_strdup (g_hash_table_lookup (p, "nonce"));
}

static char *
authorization (PpDigest *d, const char *ha1, const char *user, const char *uri, const char *nc, char **nonce_out)
{
  g_autofree char *nonce = nonce_of (d);
  g_autofree char *a2 = g_strdup_printf ("GET:%s", uri);
  g_autofree char *ha2 = g_compute_checksum_for_string (G_CHECKSUM_MD5, a2, -1);
  g_autofree char *kd = g_strdup_printf ("%s:%s:%s:cn:auth:%s", ha1, nonce, nc, ha2);
  g_autofree char *resp = g_compute_checksum_for_string (G_CHECKSUM_MD5, kd, -1);
  if (nonce_out)
    *nonce_out = g_strdup (nonce);
  return g_strdup_printf ("Digest username=\"%s\", realm=\"phoneprov\", nonce=\"%s\", uri=\"%s\", "
                          "response=\"%s\", qop=auth, nc=%s, cnonce=\"cn\"", user, nonce, uri, resp, nc);
}

/* fuzz-digest, "refusal reason is not UTF-8": the user name from the header
 * went into the reason (events, logs) byte for byte. Also the replay and
 * forged-nonce properties, checked once here in every build. */
static void
test_digest_hostile (void)
{
  PpDigest *d = pp_digest_new (60);
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *ha1 = pp_htdigest_ha1 ("PlcmSpIp", "phoneprov", "secret");
  g_autofree char *bad = NULL, *good = NULL, *user = NULL, *reason = NULL, *nonce = NULL, *forged = NULL;

  g_hash_table_insert (users, g_strdup ("PlcmSpIp"), g_strdup (ha1));

  bad = authorization (d, ha1, "Plcm\xff", "/a.cfg", "00000001", NULL);
  g_assert_cmpint (pp_digest_check (d, users, "phoneprov", "GET", "/a.cfg", bad, &user, &reason), ==, PP_DIGEST_REFUSED);
  g_assert_true (reason == NULL || g_utf8_validate (reason, -1, NULL));
  g_clear_pointer (&user, g_free);
  g_clear_pointer (&reason, g_free);

  good = authorization (d, ha1, "PlcmSpIp", "/a.cfg", "00000001", &nonce);
  g_assert_cmpint (pp_digest_check (d, users, "phoneprov", "GET", "/a.cfg", good, &user, &reason), ==, PP_DIGEST_OK);
  g_clear_pointer (&user, g_free);
  g_clear_pointer (&reason, g_free);
  /* Replay of the very same header. */
  g_assert_cmpint (pp_digest_check (d, users, "phoneprov", "GET", "/a.cfg", good, &user, &reason), ==, PP_DIGEST_REFUSED);
  g_clear_pointer (&user, g_free);
  g_clear_pointer (&reason, g_free);
  /* Same credentials for another file. */
  g_assert_cmpint (pp_digest_check (d, users, "phoneprov", "GET", "/b.cfg", good, &user, &reason), ==, PP_DIGEST_REFUSED);
  g_clear_pointer (&user, g_free);
  g_clear_pointer (&reason, g_free);

  /* A nonce this server never issued, with a correct response for it. */
  {
    const char *fake = "6b09f04d.1.00000000000000000000000000000000";
    g_autofree char *ha2 = g_compute_checksum_for_string (G_CHECKSUM_MD5, "GET:/a.cfg", -1);
    g_autofree char *kd = g_strdup_printf ("%s:%s:00000001:cn:auth:%s", ha1, fake, ha2);
    g_autofree char *resp = g_compute_checksum_for_string (G_CHECKSUM_MD5, kd, -1);
    forged = g_strdup_printf ("Digest username=\"PlcmSpIp\", realm=\"phoneprov\", nonce=\"%s\", uri=\"/a.cfg\", "
                              "response=\"%s\", qop=auth, nc=00000001, cnonce=\"cn\"", fake, resp);
    g_assert_cmpint (pp_digest_check (d, users, "phoneprov", "GET", "/a.cfg", forged, &user, &reason), ==, PP_DIGEST_REFUSED);
    g_assert_nonnull (strstr (reason, "not issued"));
  }
  pp_digest_free (d);
}

/* The path escapes the request-path harness starts from, with the refusal
 * each must get. */
static void
test_path_escapes (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("pp-hostile-XXXXXX", NULL);
  g_autofree char *boot = g_build_filename (tmp, "boot", NULL);
  g_autofree char *out = g_build_filename (tmp, "outside", NULL);
  g_autofree char *lnk = g_build_filename (boot, "out", NULL);
  g_autofree char *flnk = g_build_filename (boot, "s.cfg", NULL);
  static const char *refused[] = {
    "/../outside/x", "/%2e%2e/outside/x", "/%2E%2E/outside/x", "/sub/..%2f..%2fx", "/%2fetc/passwd",
    "/..\\outside\\x", "/%5c..%5cx", "/%c0%ae%c0%ae/x", "/%e0%80%ae%e0%80%ae/x", "/a%00.cfg",
    "/out/x", "/s.cfg", "/.hidden", "//x", "/./x", "/", "relative.cfg", "/a\x01.cfg", "/%0a.cfg",
  };

  g_mkdir_with_parents (boot, 0700);
  g_mkdir_with_parents (out, 0700);
  g_assert_cmpint (symlink (out, lnk), ==, 0);
  g_assert_cmpint (symlink ("../outside/x", flnk), ==, 0);
  {
    g_autofree char *x = g_build_filename (out, "x", NULL);
    g_assert_true (g_file_set_contents (x, "secret", -1, NULL));
  }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    for (int mode = PP_PATH_READ; mode <= PP_PATH_WRITE; mode++)
      {
        g_autofree char *reason = NULL;
        g_autofree char *p = pp_files_resolve (boot, refused[i], (PpPathMode) mode, &reason);
        if (p != NULL)
          g_error ("%s (%s) was accepted as %s", refused[i], mode == PP_PATH_READ ? "read" : "write", p);
        g_assert_nonnull (reason);
      }
  /* Double encoding names a file literally called "%2e%2e", inside. */
  {
    g_autofree char *reason = NULL;
    g_autofree char *p = pp_files_resolve (boot, "/%252e%252e", PP_PATH_READ, &reason);
    g_autofree char *want = g_build_filename (boot, "%2e%2e", NULL);
    g_assert_cmpstr (p, ==, want);
  }
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hostile/server/user-agent-not-utf8", test_user_agent_not_utf8);
  g_test_add_func ("/hostile/server/digest", test_digest_hostile);
  g_test_add_func ("/hostile/server/path-escapes", test_path_escapes);
  return g_test_run ();
}
