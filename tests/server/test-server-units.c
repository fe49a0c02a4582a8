/* Unit tests of the server's pure parts: request-path resolution and the
 * hardened digest check. The integration tests drive the same code through
 * real clients; these pin the edge cases one by one. */
#include "config.h"
#include "pp-digest.h"
#include "pp-files.h"
#include "pp-htdigest.h"
#include "pp-tls-private.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  char *dir;    /* temporary parent */
  char *boot;   /* canonical boot directory */
} Boot;

static void
boot_setup (Boot *b, gconstpointer data)
{
  g_autofree char *tmp = g_dir_make_tmp ("pp-units-XXXXXX", NULL);
  g_autofree char *boot = g_build_filename (tmp, "boot", NULL);
  g_autofree char *sub = g_build_filename (boot, "sub", NULL);
  g_autofree char *file = g_build_filename (boot, "sip.cfg", NULL);
  g_autofree char *outside = g_build_filename (tmp, "secret", NULL);
  g_autofree char *link_out = g_build_filename (boot, "out", NULL);
  g_autofree char *link_in = g_build_filename (boot, "in", NULL);
  char *real;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_cmpint (g_mkdir (outside, 0755), ==, 0);
  g_assert_cmpint (symlink (outside, link_out), ==, 0);
  g_assert_cmpint (symlink (sub, link_in), ==, 0);
  real = realpath (boot, NULL);
  b->dir = g_steal_pointer (&tmp);
  b->boot = g_strdup (real);
  free (real);
}

static void
boot_teardown (Boot *b, gconstpointer data)
{
  const char *argv[] = { "rm", "-rf", b->dir, NULL };
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_free (b->dir);
  g_free (b->boot);
}

static void
test_resolve_refuses (Boot *b, gconstpointer data)
{
  const char *reads[] = {
    "/../x", "/%2e%2e/x", "/%2E%2e/x", "/..%2fx", "/sub/../../x", "/.%2e/x", "/sip.cfg%00",
    "/%00", "//etc/passwd", "/%2fetc%2fpasswd", "/..\\x", "/%5c..%5cx", "/.hidden", "/sub/.x",
    "/", "", "sip.cfg", "/sub//sip.cfg", "/sub/", "/out/x", "/a\001b", "/\xff\xfe",
  };
  for (guint i = 0; i < G_N_ELEMENTS (reads); i++)
    {
      g_autofree char *reason = NULL;
      g_autofree char *path = pp_files_resolve (b->boot, reads[i], PP_PATH_READ, &reason);
      if (path != NULL)
        g_error ("“%s” resolved to %s", reads[i], path);
      g_assert_nonnull (reason);
      g_assert_true (g_utf8_validate (reason, -1, NULL));
    }
}

static void
test_resolve_accepts (Boot *b, gconstpointer data)
{
  struct { const char *raw; const char *rel; } ok[] = {
    { "/sip.cfg", "/sip.cfg" },
    { "/sip%2ecfg", "/sip.cfg" },
    { "/sub/x.cfg", "/sub/x.cfg" },
    { "/in/x.cfg", "/in/x.cfg" },          /* a link that stays inside */
    { "/a%20b.cfg", "/a b.cfg" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autofree char *reason = NULL;
      g_autofree char *path = pp_files_resolve (b->boot, ok[i].raw, PP_PATH_READ, &reason);
      g_autofree char *want = g_strconcat (b->boot, ok[i].rel, NULL);
      g_assert_null (reason);
      g_assert_cmpstr (path, ==, want);
    }
}

static void
test_resolve_writes (Boot *b, gconstpointer data)
{
  g_autofree char *reason = NULL;
  g_autofree char *path = NULL;

  path = pp_files_resolve (b->boot, "/out/0004f2000001-boot.log", PP_PATH_WRITE, &reason);
  g_assert_null (path);
  g_assert_nonnull (strstr (reason, "outside the boot directory"));
  g_clear_pointer (&reason, g_free);
  path = pp_files_resolve (b->boot, "/nosuchdir/0004f2000001-boot.log", PP_PATH_WRITE, &reason);
  g_assert_null (path);
  g_clear_pointer (&reason, g_free);
  path = pp_files_resolve (b->boot, "/sub", PP_PATH_WRITE, &reason);
  g_assert_null (path); /* a folder is not replaced by an upload */
  g_clear_pointer (&reason, g_free);
  path = pp_files_resolve (b->boot, "/in/0004f2000001-boot.log", PP_PATH_WRITE, &reason);
  g_assert_nonnull (path);
}

/* Through a configuration's descriptor (pp_files_resolve_in): the file
 * comes back opened; relative links are followed while they stay inside,
 * also when they step up and back in (RESOLVE_BENEATH refuses that, the
 * realpath() check behind it does not), and refused when they leave. */
static void
test_resolve_in (Boot *b, gconstpointer data)
{
  g_autofree char *tmp = g_path_get_dirname (b->boot);
  g_autofree char *rel_in = g_build_filename (b->boot, "rel-in", NULL);
  g_autofree char *rel_back = g_build_filename (b->boot, "rel-back", NULL);
  g_autofree char *rel_out = g_build_filename (b->boot, "rel-out", NULL);
  g_autofree char *abs_file = g_build_filename (b->boot, "abs-file.cfg", NULL);
  g_autofree char *sip = g_build_filename (b->boot, "sip.cfg", NULL);
  g_autofree char *secret_file = g_build_filename (tmp, "secret", "s.cfg", NULL);
  g_autofree char *base = g_path_get_basename (b->boot);
  g_autofree char *back = g_strdup_printf ("../%s/sub", base);
  PpBootDir *boot;
  struct { const char *raw; gboolean ok; gboolean opened; } cases[] = {
    { "/sip.cfg", TRUE, TRUE },
    { "/sub/x.cfg", TRUE, FALSE },        /* missing: 404 later */
    { "/in/x.cfg", TRUE, FALSE },         /* absolute link inside */
    { "/rel-in/x.cfg", TRUE, FALSE },
    { "/rel-back/x.cfg", TRUE, FALSE },
    { "/abs-file.cfg", TRUE, FALSE },     /* absolute link inside: by path */
    { "/out/s.cfg", FALSE, FALSE },
    { "/out/missing.cfg", FALSE, FALSE },
    { "/rel-out/s.cfg", FALSE, FALSE },
    { "/rel-out/missing.cfg", FALSE, FALSE },
    { "/../x", FALSE, FALSE },
  };

  g_assert_true (g_file_set_contents (secret_file, "secret", -1, NULL));
  g_assert_cmpint (symlink ("sub", rel_in), ==, 0);
  g_assert_cmpint (symlink (back, rel_back), ==, 0);
  g_assert_cmpint (symlink ("../secret", rel_out), ==, 0);
  g_assert_cmpint (symlink (sip, abs_file), ==, 0);
  boot = pp_boot_dir_open (b->boot);
  g_assert_cmpstr (pp_boot_dir_get_path (boot), ==, b->boot);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *reason = NULL;
      int fd = -2;
      g_autofree char *path = pp_files_resolve_in (boot, cases[i].raw, PP_PATH_READ, &fd, &reason);
      g_autofree char *plain_reason = NULL;
      g_autofree char *plain = pp_files_resolve (b->boot, cases[i].raw, PP_PATH_READ, &plain_reason);

      if ((path != NULL) != cases[i].ok)
        g_error ("“%s”: %s", cases[i].raw, path ? path : reason);
      g_assert_cmpstr (path, ==, plain);
      g_assert_true ((reason == NULL) == (plain_reason == NULL));
      if (cases[i].ok)
        {
          g_autofree char *want = g_strconcat (b->boot, cases[i].raw, NULL);
          g_assert_cmpstr (path, ==, want);
          g_assert_null (reason);
        }
      if (cases[i].opened)
        {
          char c;
          g_assert_cmpint (fd, >=, 0);
          g_assert_cmpint (read (fd, &c, 1), ==, 1);
          g_assert_cmpint (c, ==, 'x');
          close (fd);
        }
      else
        g_assert_cmpint (fd, ==, -1);
    }
  pp_boot_dir_free (boot);
}

/* A folder swapped in under the boot directory's name is served (within a
 * second), as when every request went by path. */
static void
test_resolve_swapped (Boot *b, gconstpointer data)
{
  g_autofree char *tmp = g_path_get_dirname (b->boot);
  g_autofree char *old = g_build_filename (tmp, "boot.old", NULL);
  g_autofree char *fresh = g_build_filename (b->boot, "fresh.cfg", NULL);
  g_autofree char *reason = NULL;
  g_autofree char *path = NULL;
  PpBootDir *boot = pp_boot_dir_open (b->boot);
  int fd = -1;

  g_assert_cmpint (g_rename (b->boot, old), ==, 0);
  g_assert_cmpint (g_mkdir (b->boot, 0755), ==, 0);
  g_assert_true (g_file_set_contents (fresh, "y", 1, NULL));
  for (guint i = 0; i < 30; i++)
    {
      g_clear_pointer (&path, g_free);
      g_clear_pointer (&reason, g_free);
      if (fd >= 0)
        close (fd);
      fd = -1;
      path = pp_files_resolve_in (boot, "/fresh.cfg", PP_PATH_READ, &fd, &reason);
      g_assert_nonnull (path);
      if (fd < 0)
        break; /* by path now */
      g_usleep (100 * 1000);
    }
  g_assert_cmpint (fd, ==, -1);
  pp_boot_dir_free (boot);
}

static char *
md5 (const char *s)
{
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, s, -1);
}

static char *
answer (const char *challenge, const char *method, const char *uri, const char *nc, const char *password)
{
  g_autofree char *nonce = NULL;
  const char *p = strstr (challenge, "nonce=\"") + 7;
  g_autofree char *a1 = g_strdup_printf ("phone:phoneprov:%s", password);
  g_autofree char *ha1 = md5 (a1);
  g_autofree char *a2 = g_strdup_printf ("%s:%s", method, uri);
  g_autofree char *ha2 = md5 (a2);
  g_autofree char *kd = NULL;
  g_autofree char *response = NULL;

  nonce = g_strndup (p, (gsize) (strchr (p, '"') - p));
  kd = g_strdup_printf ("%s:%s:%s:abc:auth:%s", ha1, nonce, nc, ha2);
  response = md5 (kd);
  return g_strdup_printf ("Digest username=\"phone\", realm=\"phoneprov\", nonce=\"%s\", uri=\"%s\", "
                          "qop=auth, nc=%s, cnonce=\"abc\", response=\"%s\", algorithm=MD5",
                          nonce, uri, nc, response);
}

static void
test_digest (void)
{
  PpDigest *d = pp_digest_new (300);
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *challenge = pp_digest_challenge (d, "phoneprov", FALSE);
  struct {
    const char *method, *uri, *target, *nc, *password;
    PpDigestResult want;
  } cases[] = {
    { "GET", "/sip.cfg", "/sip.cfg", "00000001", "pw", PP_DIGEST_OK },
    { "GET", "/sip.cfg", "/sip.cfg", "00000001", "pw", PP_DIGEST_REFUSED },   /* replay */
    { "GET", "/sip.cfg", "/sip.cfg", "00000002", "pw", PP_DIGEST_OK },
    { "GET", "/sip.cfg", "/sip.cfg", "00000003", "wrong", PP_DIGEST_REFUSED },
    { "GET", "/sip.cfg", "/other.cfg", "00000004", "pw", PP_DIGEST_REFUSED }, /* other path */
    { "PUT", "/sip.cfg", "/sip.cfg", "00000005", "pw", PP_DIGEST_OK },
    /* Escapes: the client's string as sent, our parsed target decoded. */
    { "GET", "/a%20b.cfg?x=%41%2F", "/a%20b.cfg?x=%41%2F", "00000006", "pw", PP_DIGEST_OK },
    { "GET", "/a%20b.cfg?x=%41%2F", "/a b.cfg?x=A%2f", "00000007", "pw", PP_DIGEST_OK },
    { "GET", "/x/../sip.cfg", "/sip.cfg", "00000008", "pw", PP_DIGEST_OK },
  };

  g_hash_table_insert (users, g_strdup ("phone"), pp_htdigest_ha1 ("phone", "phoneprov", "pw"));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *auth = answer (challenge, cases[i].method, cases[i].uri, cases[i].nc, cases[i].password);
      g_autofree char *user = NULL;
      g_autofree char *reason = NULL;
      PpDigestResult r = pp_digest_check (d, users, "phoneprov", cases[i].method, cases[i].target, auth,
                                          &user, &reason);
      if (r != cases[i].want)
        g_error ("case %u: got %d (%s), want %d", i, r, reason ? reason : "", cases[i].want);
    }
  {
    g_autofree char *user = NULL, *reason = NULL;
    g_autofree char *forged = g_strdup (challenge);
    char *n = strstr (forged, "nonce=\"") + 7;
    g_autofree char *auth = NULL;
    n[0] = n[0] == '1' ? '2' : '1'; /* another issue time: the MAC no longer matches */
    auth = answer (forged, "GET", "/sip.cfg", "00000001", "pw");
    g_assert_cmpint (pp_digest_check (d, users, "phoneprov", "GET", "/sip.cfg", auth, &user, &reason), ==,
                     PP_DIGEST_REFUSED);
    g_assert_nonnull (strstr (reason, "not issued by this server"));
  }
  {
    g_autofree char *user = NULL, *reason = NULL;
    g_assert_cmpint (pp_digest_check (d, users, "phoneprov", "GET", "/", NULL, &user, &reason), ==,
                     PP_DIGEST_MISSING);
    g_assert_cmpint (pp_digest_check (d, users, "phoneprov", "GET", "/", "Basic cGhvbmU6cHc=", &user, &reason),
                     ==, PP_DIGEST_REFUSED);
  }
  pp_digest_free (d);
}

static void
test_stale (void)
{
  PpDigest *d = pp_digest_new (1);
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *challenge = pp_digest_challenge (d, "phoneprov", FALSE);
  g_autofree char *auth = NULL;
  g_autofree char *user = NULL, *reason = NULL;

  g_hash_table_insert (users, g_strdup ("phone"), pp_htdigest_ha1 ("phone", "phoneprov", "pw"));
  g_usleep (2100 * 1000);
  auth = answer (challenge, "GET", "/sip.cfg", "00000001", "pw");
  g_assert_cmpint (pp_digest_check (d, users, "phoneprov", "GET", "/sip.cfg", auth, &user, &reason), ==,
                   PP_DIGEST_STALE);
  g_free (challenge);
  challenge = pp_digest_challenge (d, "phoneprov", TRUE);
  g_assert_nonnull (strstr (challenge, "stale=true"));
  pp_digest_free (d);
}

/* Our Last-Modified formatter against libsoup's, which it replaces: epoch
 * edges, leap days and centuries, GDateTime's limits and random times
 * (seeded by g_test, so a failure can be replayed with --seed). */
static void
check_http_date (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  g_autofree char *want = soup_date_time_to_string (dt, SOUP_DATE_HTTP);
  char got[PP_HTTP_DATE_SIZE];

  g_assert_true (pp_files_http_date (t, got));
  g_assert_cmpstr (got, ==, want);
}

static void
test_http_date (void)
{
  static const gint64 fixed[] = {
    0, 1, -1, 59, 60, 3599, 3600, 86399, 86400, -86399, -86400, -86401,
    784111777,                                    /* Sun, 06 Nov 1994 08:49:37 */
    951782399, 951782400, 951868799, 951868800,   /* 2000-02-28/29/03-01 (leap century) */
    -2203977600, -2203891200,                     /* 1900-02-28, 1900-03-01 (no leap day) */
    1078012800, 1078099200,                       /* 2004-02-29, 2004-03-01 */
    1709164800, 1709251199, 1709251200,           /* 2024-02-29 */
    4107456000, 4107542400,                       /* 2100-02-28, 2100-03-01 */
    2147483647, 2147483648, -2147483648,          /* 32-bit time_t edges */
    G_GINT64_CONSTANT (253402300799),             /* 9999-12-31 23:59:59 */
    G_GINT64_CONSTANT (-62135596800),             /* 0001-01-01 00:00:00 */
    G_GINT64_CONSTANT (-62135596800) + 86400 * 366 + 12345,
    -30610224000,                                 /* 1000-01-01 */
    -30610224001,                                 /* 999-12-31 23:59:59: three-digit year */
  };
  char out[PP_HTTP_DATE_SIZE];

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    check_http_date (fixed[i]);
  /* Every day of 1968–2032 at a moving time of day, then random instants. */
  for (gint64 t = -63158400; t < 1988150400; t += 86400 + 3607)
    check_http_date (t);
  for (guint i = 0; i < 20000; i++)
    check_http_date (g_test_rand_int_range (0, G_MAXINT32) * (gint64) 128 - G_GINT64_CONSTANT (62135596800)
                     + g_test_rand_int_range (0, 128));
  g_assert_false (pp_files_http_date (G_GINT64_CONSTANT (253402300800), out));
  g_assert_false (pp_files_http_date (G_GINT64_CONSTANT (-62135596801), out));
}

/* The verified-certificate cache, and through it the bounded map the TLS
 * session cache shares: at most max entries, the oldest inserted goes
 * first (a lookup does not renew), replacing a key moves it to the young
 * end, an entry is gone from its expiry on, copies go out. */
static void
cache_put (PpTlsVerifiedCache *c, guint i, gint64 until)
{
  g_autoptr(PpPeer) peer = pp_peer_new ("https", NULL);
  guint8 key[32] = { 0 };
  char *chain[] = { "CN=phone", "CN=CA", NULL };

  memcpy (key, &i, sizeof i);
  peer->subject = g_strdup_printf ("CN=%u", i);
  peer->chain = g_strdupv (chain);
  peer->chain_length = 2;
  pp_tls_verified_cache_add (c, key, sizeof key, peer, until);
}

static char *
cache_get (PpTlsVerifiedCache *c, guint i, gint64 now)
{
  g_autoptr(PpPeer) peer = pp_peer_new ("https", NULL);
  guint8 key[32] = { 0 };

  memcpy (key, &i, sizeof i);
  if (!pp_tls_verified_cache_lookup (c, key, sizeof key, peer, now))
    return NULL;
  g_assert_cmpuint (peer->chain_length, ==, 2);
  g_assert_cmpstr (peer->chain[1], ==, "CN=CA");
  return g_steal_pointer (&peer->subject);
}

static void
test_verified_cache (void)
{
  PpTlsVerifiedCache *c = pp_tls_verified_cache_new (3);
  g_autofree char *s = NULL;

  cache_put (c, 1, 100);
  cache_put (c, 2, 100);
  cache_put (c, 3, 100);
  g_free (cache_get (c, 1, 10));          /* a hit does not make 1 younger */
  cache_put (c, 4, 100);                  /* full: 1, the oldest, goes */
  g_assert_null (cache_get (c, 1, 10));
  s = cache_get (c, 2, 10);
  g_assert_cmpstr (s, ==, "CN=2");
  g_clear_pointer (&s, g_free);
  cache_put (c, 2, 50);                   /* replaced: now the youngest */
  cache_put (c, 5, 100);                  /* 3 goes, not 2 */
  g_assert_null (cache_get (c, 3, 10));
  s = cache_get (c, 2, 49);
  g_assert_cmpstr (s, ==, "CN=2");
  g_clear_pointer (&s, g_free);
  g_assert_null (cache_get (c, 2, 50));   /* expired at its expiry */
  g_assert_null (cache_get (c, 2, 10));   /* and dropped */
  s = cache_get (c, 4, 99);
  g_assert_cmpstr (s, ==, "CN=4");
  g_clear_pointer (&s, g_free);
  pp_tls_verified_cache_free (c);

  /* The real bound: 4,096 kept, the first out when one more comes. */
  c = pp_tls_verified_cache_new (PP_TLS_VERIFIED_CACHE_MAX);
  for (guint i = 0; i <= PP_TLS_VERIFIED_CACHE_MAX; i++)
    cache_put (c, i, 100);
  g_assert_null (cache_get (c, 0, 10));
  for (guint i = 1; i <= PP_TLS_VERIFIED_CACHE_MAX; i += 1023)
    {
      s = cache_get (c, i, 10);
      g_assert_nonnull (s);
      g_clear_pointer (&s, g_free);
    }
  pp_tls_verified_cache_free (c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/server/resolve/refuses", Boot, NULL, boot_setup, test_resolve_refuses, boot_teardown);
  g_test_add ("/server/resolve/accepts", Boot, NULL, boot_setup, test_resolve_accepts, boot_teardown);
  g_test_add ("/server/resolve/writes", Boot, NULL, boot_setup, test_resolve_writes, boot_teardown);
  g_test_add ("/server/resolve/in", Boot, NULL, boot_setup, test_resolve_in, boot_teardown);
  g_test_add ("/server/resolve/swapped", Boot, NULL, boot_setup, test_resolve_swapped, boot_teardown);
  g_test_add_func ("/server/files/http-date", test_http_date);
  g_test_add_func ("/server/digest/check", test_digest);
  g_test_add_func ("/server/digest/stale", test_stale);
  g_test_add_func ("/server/tls/verified-cache", test_verified_cache);
  return g_test_run ();
}
