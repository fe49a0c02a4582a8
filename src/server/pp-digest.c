/* Digest authentication with issued nonces, see pp-digest.h. */
#include "config.h"
#include "pp-digest.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

/* Bounds the replay table; phones use a nonce for seconds, not hours. */
#define MAX_TRACKED_NONCES 65536

struct _PpDigest {
  GMutex      lock;
  guint8      secret[32];
  guint       max_age_s;
  guint64     counter;
  GHashTable *seen;       /* nonce → last nonce count (guint64 in a pointer-sized box) */
};

PpDigest *
pp_digest_new (guint nonce_max_age_s)
{
  PpDigest *d = g_new0 (PpDigest, 1);

  g_mutex_init (&d->lock);
  d->max_age_s = nonce_max_age_s;
  for (guint i = 0; i < sizeof d->secret; i += 4)
    {
      guint32 r = g_random_int ();
      memcpy (d->secret + i, &r, 4);
    }
  d->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return d;
}

void
pp_digest_free (PpDigest *d)
{
  g_hash_table_unref (d->seen);
  g_mutex_clear (&d->lock);
  g_free (d);
}

static char *
nonce_mac (PpDigest *d, const char *stamp)
{
  g_autofree char *mac = g_compute_hmac_for_string (G_CHECKSUM_SHA256, d->secret, sizeof d->secret,
                                                    stamp, -1);
  mac[32] = '\0';
  return g_strdup (mac);
}

/* "<time>.<counter>.<hmac>": unforgeable, unique, carries its own age. */
char *
pp_digest_challenge (PpDigest *d, const char *realm, gboolean stale)
{
  g_autofree char *stamp = NULL;
  g_autofree char *mac = NULL;
  guint64 n;

  g_mutex_lock (&d->lock);
  n = ++d->counter;
  g_mutex_unlock (&d->lock);
  stamp = g_strdup_printf ("%" G_GINT64_MODIFIER "x.%" G_GINT64_MODIFIER "x",
                           g_get_real_time () / G_USEC_PER_SEC, n);
  mac = nonce_mac (d, stamp);
  return g_strdup_printf ("Digest realm=\"%s\", nonce=\"%s.%s\", qop=\"auth\", algorithm=MD5%s",
                          realm, stamp, mac, stale ? ", stale=true" : "");
}

/* Returns the nonce's age in seconds, or -1 when this server did not issue it. */
static gint64
nonce_age (PpDigest *d, const char *nonce)
{
  const char *last = strrchr (nonce, '.');
  g_autofree char *stamp = NULL;
  g_autofree char *mac = NULL;
  guint64 issued;

  if (last == NULL || strlen (last + 1) != 32)
    return -1;
  stamp = g_strndup (nonce, (gsize) (last - nonce));
  mac = nonce_mac (d, stamp);
  if (strcmp (mac, last + 1) != 0)
    return -1;
  {
    const char *dot = strchr (stamp, '.');
    g_autofree char *t = dot ? g_strndup (stamp, (gsize) (dot - stamp)) : NULL;
    if (t == NULL || !g_ascii_string_to_unsigned (t, 16, 0, G_MAXUINT64, &issued, NULL))
      return -1;
  }
  return g_get_real_time () / G_USEC_PER_SEC - (gint64) issued;
}

/* libsoup hands us the request target after GUri parsing (dot segments
 * removed, escapes kept), while the client hashed the string it sent. Parse
 * the client's "uri" the same way and compare the decoded bytes, so
 * percent-escapes in path or query never cause a 401 loop. */
#define SOUP_LIKE_URI_FLAGS (G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED_PATH | G_URI_FLAGS_ENCODED_QUERY \
                             | G_URI_FLAGS_ENCODED_FRAGMENT | G_URI_FLAGS_SCHEME_NORMALIZE)

static GBytes *
decoded_target (const char *target)
{
  g_autoptr(GUri) base = g_uri_parse ("http://localhost/", SOUP_LIKE_URI_FLAGS, NULL);
  g_autoptr(GUri) uri = g_uri_parse_relative (base, target, SOUP_LIKE_URI_FLAGS, NULL);
  g_autofree char *joined = NULL;

  if (uri == NULL) /* e.g. a raw backslash: compare as sent */
    return g_uri_unescape_bytes (target, -1, NULL, NULL);
  joined = g_uri_get_query (uri) ? g_strconcat (g_uri_get_path (uri), "?", g_uri_get_query (uri), NULL)
                                 : g_strdup (g_uri_get_path (uri));
  return g_uri_unescape_bytes (joined, -1, NULL, NULL);
}

static gboolean
same_target (const char *uri_param, const char *request_target)
{
  g_autoptr(GBytes) a = decoded_target (uri_param);
  g_autoptr(GBytes) b = decoded_target (request_target);
  return a && b && g_bytes_equal (a, b);
}

/* The "uri" parameter as sent: quoted-string unescaping would eat the
 * backslashes that clients (curl, phones) send unescaped, and the hash is
 * over the bytes as sent. */
static char *
raw_uri_param (const char *header)
{
  const char *p = header;

  while ((p = strstr (p, "uri=")) != NULL)
    {
      if (p == header || p[-1] == ' ' || p[-1] == ',' || p[-1] == '\t')
        {
          const char *end;
          p += 4;
          if (*p != '"')
            {
              end = strchr (p, ',');
              return end ? g_strndup (p, (gsize) (end - p)) : g_strstrip (g_strdup (p));
            }
          end = strchr (p + 1, '"');
          return end ? g_strndup (p + 1, (gsize) (end - p - 1)) : NULL;
        }
      p += 4;
    }
  return NULL;
}

static char *
md5_hex (const char *s)
{
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, s, -1);
}

static gboolean
const_time_equal (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint8 diff = (guint8) (la != lb);
  for (gsize i = 0; i < la && i < lb; i++)
    diff |= (guint8) (g_ascii_tolower (a[i]) ^ g_ascii_tolower (b[i]));
  return diff == 0;
}

PpDigestResult
pp_digest_check (PpDigest *d, GHashTable *users, const char *realm, const char *method,
                 const char *request_target, const char *authorization, char **user, char **reason)
{
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *uri = NULL;
  const char *username, *nonce, *response, *qop, *nc, *cnonce, *p_realm, *algorithm;
  const char *ha1;
  g_autofree char *a2 = NULL, *ha2 = NULL, *kd = NULL, *expected = NULL;
  guint64 count;
  gint64 age;
  guint64 *last;

  *user = NULL;
  *reason = NULL;
  if (authorization == NULL)
    return PP_DIGEST_MISSING;
  /* Account names are UTF-8 (pp_htdigest_user_is_valid), and the fields
   * below go into reasons, events and logs. */
  if (!g_utf8_validate (authorization, -1, NULL))
    {
      *reason = g_strdup (_("The client sent credentials that are not UTF-8 text."));
      return PP_DIGEST_REFUSED;
    }
  if (g_ascii_strncasecmp (authorization, "Digest ", 7) != 0)
    {
      *reason = g_strdup (_("The client sent credentials, but not for digest authentication."));
      return PP_DIGEST_REFUSED;
    }
  params = soup_header_parse_param_list (authorization + 7);
  username = g_hash_table_lookup (params, "username");
  nonce = g_hash_table_lookup (params, "nonce");
  uri = raw_uri_param (authorization + 7);
  response = g_hash_table_lookup (params, "response");
  qop = g_hash_table_lookup (params, "qop");
  nc = g_hash_table_lookup (params, "nc");
  cnonce = g_hash_table_lookup (params, "cnonce");
  p_realm = g_hash_table_lookup (params, "realm");
  algorithm = g_hash_table_lookup (params, "algorithm");
  if (!username || !nonce || !uri || !response || !qop || !nc || !cnonce || !p_realm)
    {
      *reason = g_strdup (_("The digest credentials are incomplete (qop=auth with nonce count is required)."));
      return PP_DIGEST_REFUSED;
    }
  *user = g_strdup (username);
  if (g_strcmp0 (qop, "auth") != 0 || (algorithm && g_ascii_strcasecmp (algorithm, "MD5") != 0))
    {
      *reason = g_strdup_printf (_("The client asked for digest %s/%s; only MD5 with qop=auth is offered."),
                                 algorithm ? algorithm : "MD5", qop);
      return PP_DIGEST_REFUSED;
    }
  if (strcmp (p_realm, realm) != 0)
    {
      *reason = g_strdup_printf (_("The client answered for realm “%s”, this site's realm is “%s”."), p_realm, realm);
      return PP_DIGEST_REFUSED;
    }
  if (!same_target (uri, request_target))
    {
      *reason = g_strdup (_("The digest credentials were made for a different path."));
      return PP_DIGEST_REFUSED;
    }
  if (!g_ascii_string_to_unsigned (nc, 16, 1, G_MAXUINT32, &count, NULL))
    {
      *reason = g_strdup (_("The digest nonce count is malformed."));
      return PP_DIGEST_REFUSED;
    }
  ha1 = users ? g_hash_table_lookup (users, username) : NULL;
  if (ha1 == NULL)
    {
      *reason = g_strdup_printf (_("There is no phone account “%s” in auth/htdigest for realm “%s”."), username, realm);
      return PP_DIGEST_REFUSED;
    }
  a2 = g_strdup_printf ("%s:%s", method, uri);
  ha2 = md5_hex (a2);
  kd = g_strdup_printf ("%s:%s:%s:%s:%s:%s", ha1, nonce, nc, cnonce, qop, ha2);
  expected = md5_hex (kd);
  if (!const_time_equal (expected, response))
    {
      *reason = g_strdup_printf (_("Wrong password for phone account “%s”."), username);
      return PP_DIGEST_REFUSED;
    }
  age = nonce_age (d, nonce);
  if (age < 0)
    {
      *reason = g_strdup (_("The digest nonce was not issued by this server (a replayed or forged request)."));
      return PP_DIGEST_REFUSED;
    }
  if (age > (gint64) d->max_age_s)
    {
      *reason = g_strdup (_("The digest nonce has expired; the client was asked to retry with a new one."));
      return PP_DIGEST_STALE;
    }

  g_mutex_lock (&d->lock);
  last = g_hash_table_lookup (d->seen, nonce);
  if (last && count <= *last)
    {
      g_mutex_unlock (&d->lock);
      *reason = g_strdup_printf (_("Replayed digest credentials: nonce count %s was already used."), nc);
      return PP_DIGEST_REFUSED;
    }
  if (last == NULL)
    {
      if (g_hash_table_size (d->seen) >= MAX_TRACKED_NONCES)
        {
          /* Nonces past the age limit are refused as stale anyway, so their
           * counts need not be remembered. */
          GHashTableIter it;
          gpointer key;
          g_hash_table_iter_init (&it, d->seen);
          while (g_hash_table_iter_next (&it, &key, NULL))
            if (nonce_age (d, key) > (gint64) d->max_age_s)
              g_hash_table_iter_remove (&it);
        }
      if (g_hash_table_size (d->seen) >= MAX_TRACKED_NONCES)
        {
          g_mutex_unlock (&d->lock);
          *reason = g_strdup (_("Too many clients are authenticating at once; the client was asked to retry."));
          return PP_DIGEST_STALE;
        }
      last = g_new (guint64, 1);
      g_hash_table_insert (d->seen, g_strdup (nonce), last);
    }
  *last = count;
  g_mutex_unlock (&d->lock);
  return PP_DIGEST_OK;
}
