/* The Authorization: Digest header, as phoneprovd checks it on every
 * bootROM request. The input is the header; "@N@" in it becomes a nonce the
 * server just issued and "@R@" the response the harness computes from the
 * header's own fields with the account's password, so mutations reach
 * every check. Properties: without "@R@" nothing is ever accepted (the
 * password is random); whatever is accepted once is refused when sent
 * again (replay); refusal reasons are UTF-8. */
#include "config.h"
#include "fuzz-common.h"
#include "pp-digest.h"
#include "pp-htdigest.h"

#include <libsoup/soup.h>
#include <string.h>

#define REALM "phoneprov"
#define USER "PlcmSpIp"
#define TARGET "/0004f2abcdef.cfg"

static PpDigest *digest;
static GHashTable *users;
static char *ha1;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autofree char *password = pp_password_generate (16);

  fuzz_quiet_logs ();
  digest = pp_digest_new (60);
  users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ha1 = pp_htdigest_ha1 (USER, REALM, password);
  g_hash_table_insert (users, g_strdup (USER), g_strdup (ha1));
  return 0;
}

static char *
fresh_nonce (void)
{
  g_autofree char *challenge = pp_digest_challenge (digest, REALM, FALSE);
  g_autoptr(GHashTable) p = soup_header_parse_param_list (challenge + 7);
  return g_strdup (g_hash_table_lookup (p, "nonce"));
}

static char *
replace (const char *s, const char *what, const char *with)
{
  g_auto(GStrv) parts = g_strsplit (s, what, -1);
  return g_strjoinv (with, parts);
}

/* The response a client with the password would send for @header. */
static char *
right_response (const char *header, const char *method)
{
  g_autoptr(GHashTable) p = NULL;
  const char *nonce, *nc, *cnonce, *qop, *uri;
  g_autofree char *ha2 = NULL, *a2 = NULL, *kd = NULL;

  if (g_ascii_strncasecmp (header, "Digest ", 7) != 0)
    return g_strdup ("");
  p = soup_header_parse_param_list (header + 7);
  nonce = g_hash_table_lookup (p, "nonce");
  nc = g_hash_table_lookup (p, "nc");
  cnonce = g_hash_table_lookup (p, "cnonce");
  qop = g_hash_table_lookup (p, "qop");
  uri = g_hash_table_lookup (p, "uri");
  if (!nonce || !nc || !cnonce || !qop || !uri)
    return g_strdup ("");
  a2 = g_strdup_printf ("%s:%s", method, uri);
  ha2 = g_compute_checksum_for_string (G_CHECKSUM_MD5, a2, -1);
  kd = g_strdup_printf ("%s:%s:%s:%s:%s:%s", ha1, nonce, nc, cnonce, qop, ha2);
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, kd, -1);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *nonce = fresh_nonce ();
  g_autofree char *with_nonce = replace (text, "@N@", nonce);
  g_autofree char *response = NULL, *header = NULL;
  g_autofree char *user = NULL, *reason = NULL, *user2 = NULL, *reason2 = NULL;
  gboolean knows_password = strstr (with_nonce, "@R@") != NULL;
  PpDigestResult r;

  /* Headers are single lines of text; libsoup hands nothing else over. */
  if (strlen (text) != size || strpbrk (text, "\r\n"))
    return 0;
  response = knows_password ? right_response (with_nonce, "GET") : g_strdup ("");
  header = replace (with_nonce, "@R@", response);

  r = pp_digest_check (digest, users, REALM, "GET", TARGET, header, &user, &reason);
  if (reason)
    FUZZ_CHECK (g_utf8_validate (reason, -1, NULL), "refusal reason is not UTF-8");
  if (r != PP_DIGEST_OK)
    return 0;
  FUZZ_CHECK (knows_password, "accepted without the password: %s", header);
  if (g_getenv ("FUZZ_VERBOSE"))
    fprintf (stderr, "accepted: %s\n", header);
  FUZZ_CHECK (g_strcmp0 (user, USER) == 0, "accepted as \"%s\"", user);

  r = pp_digest_check (digest, users, REALM, "GET", TARGET, header, &user2, &reason2);
  FUZZ_CHECK (r == PP_DIGEST_REFUSED, "the same credentials were accepted twice (replay): %s", header);
  /* Another method or path with the same credentials must not pass either. */
  {
    g_autofree char *u = NULL, *why = NULL;
    FUZZ_CHECK (pp_digest_check (digest, users, REALM, "PUT", "/0004f2abcdef-phone.cfg", header, &u, &why)
                != PP_DIGEST_OK, "credentials for GET %s accepted for PUT of another file", TARGET);
  }
  return 0;
}
