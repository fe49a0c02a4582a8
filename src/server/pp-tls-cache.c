/* The TLS 1.2 session cache (session-ID resumption for phones that do not
 * use tickets) and the cache of verified device certificates. See
 * pp-tls-private.h. */
#include "config.h"
#include "pp-tls-private.h"

#include <string.h>

/* ---- a bounded map, oldest out first ---------------------------------------- */

/* What both caches below keep: GBytes key → value with an expiry time (in
 * the caller's clock), at most @max entries; when full, the oldest
 * inserted goes. Not LRU: a lookup does not renew an entry (a phone that
 * resumes often still pays one full handshake per 4,096 newer sessions),
 * which keeps lookups free of queue writes. Not locked: each cache holds
 * its own lock around these calls. */
typedef struct {
  GBytes  *key;
  gpointer value;
  gint64   expires;
  GList   *link;     /* in BoundedMap.order */
} MapEntry;

typedef struct {
  GHashTable    *by_key;  /* GBytes → MapEntry */
  GQueue         order;   /* MapEntry, oldest first */
  guint          max;
  GDestroyNotify value_free;
} BoundedMap;

static void
map_init (BoundedMap *map, guint max, GDestroyNotify value_free)
{
  map->by_key = g_hash_table_new (g_bytes_hash, g_bytes_equal);
  g_queue_init (&map->order);
  map->max = MAX (max, 1);
  map->value_free = value_free;
}

static void
map_remove (BoundedMap *map, MapEntry *e)
{
  g_hash_table_remove (map->by_key, e->key);
  g_queue_delete_link (&map->order, e->link);
  map->value_free (e->value);
  g_bytes_unref (e->key);
  g_free (e);
}

static void
map_clear (BoundedMap *map)
{
  MapEntry *e;
  while ((e = g_queue_peek_head (&map->order)))
    map_remove (map, e);
  g_hash_table_unref (map->by_key);
}

/* The value under @key, NULL when absent or expired at @now (then dropped). */
static gpointer
map_lookup (BoundedMap *map, const void *key, gsize len, gint64 now)
{
  g_autoptr(GBytes) k = g_bytes_new_static (key, len);
  MapEntry *e = g_hash_table_lookup (map->by_key, k);

  if (e && now >= e->expires)
    {
      map_remove (map, e);
      e = NULL;
    }
  return e ? e->value : NULL;
}

/* Takes @value; replaces an entry with the same key. */
static void
map_insert (BoundedMap *map, const void *key, gsize len, gpointer value, gint64 expires)
{
  g_autoptr(GBytes) k = g_bytes_new (key, len);
  MapEntry *e = g_hash_table_lookup (map->by_key, k);

  if (e)
    map_remove (map, e);
  while (g_hash_table_size (map->by_key) >= map->max)
    map_remove (map, g_queue_peek_head (&map->order));
  e = g_new0 (MapEntry, 1);
  e->key = g_bytes_ref (k);
  e->value = value;
  e->expires = expires;
  g_queue_push_tail (&map->order, e);
  e->link = map->order.tail;
  g_hash_table_insert (map->by_key, e->key, e);
}

/* Drops expired entries from the oldest end. Only for a map whose entries
 * all get the same lifetime (the session cache): then insertion order is
 * expiry order. The verified cache's expiries follow the certificates, so
 * its expired entries go on lookup or as the oldest. */
static void
map_expire (BoundedMap *map, gint64 now)
{
  MapEntry *e;
  while ((e = g_queue_peek_head (&map->order)) && e->expires <= now)
    map_remove (map, e);
}

static gboolean
map_remove_key (BoundedMap *map, const void *key, gsize len)
{
  g_autoptr(GBytes) k = g_bytes_new_static (key, len);
  MapEntry *e = g_hash_table_lookup (map->by_key, k);

  if (e)
    map_remove (map, e);
  return e != NULL;
}

/* ---- TLS 1.2 sessions -------------------------------------------------------- */

struct _PpTlsSessionCache {
  GMutex lock;
  BoundedMap    sessions;  /* session ID → GBytes of what GnuTLS packed (parameters, peer certificates) */
  guint  lifetime_s;
};

PpTlsSessionCache *
pp_tls_session_cache_new (guint max_entries, guint lifetime_s)
{
  PpTlsSessionCache *c = g_new0 (PpTlsSessionCache, 1);

  g_mutex_init (&c->lock);
  map_init (&c->sessions, max_entries, (GDestroyNotify) g_bytes_unref);
  c->lifetime_s = lifetime_s;
  return c;
}

void
pp_tls_session_cache_free (PpTlsSessionCache *c)
{
  if (c == NULL)
    return;
  map_clear (&c->sessions);
  g_mutex_clear (&c->lock);
  g_free (c);
}

static int
cache_store (void *ptr, gnutls_datum_t key, gnutls_datum_t data)
{
  PpTlsSessionCache *c = ptr;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&c->lock);
  map_expire (&c->sessions, now);
  /* Full: the oldest session goes; its phone pays one full handshake. */
  map_insert (&c->sessions, key.data, key.size, g_bytes_new (data.data, data.size),
              now + (gint64) c->lifetime_s * G_USEC_PER_SEC);
  g_mutex_unlock (&c->lock);
  return 0;
}

static gnutls_datum_t
cache_retrieve (void *ptr, gnutls_datum_t key)
{
  PpTlsSessionCache *c = ptr;
  gnutls_datum_t out = { NULL, 0 };
  GBytes *stored;

  g_mutex_lock (&c->lock);
  stored = map_lookup (&c->sessions, key.data, key.size, g_get_monotonic_time ());
  if (stored)
    {
      gsize size;
      const void *data = g_bytes_get_data (stored, &size);
      /* GnuTLS frees what it gets with gnutls_free(). */
      out.data = gnutls_malloc (size);
      if (out.data)
        {
          memcpy (out.data, data, size);
          out.size = (unsigned) size;
        }
    }
  g_mutex_unlock (&c->lock);
  return out;
}

static int
cache_remove (void *ptr, gnutls_datum_t key)
{
  PpTlsSessionCache *c = ptr;
  gboolean removed;

  g_mutex_lock (&c->lock);
  removed = map_remove_key (&c->sessions, key.data, key.size);
  g_mutex_unlock (&c->lock);
  return removed ? 0 : -1;
}

void
pp_tls_session_cache_attach (PpTlsSessionCache *c, gnutls_session_t session)
{
  gnutls_db_set_ptr (session, c);
  gnutls_db_set_store_function (session, cache_store);
  gnutls_db_set_retrieve_function (session, cache_retrieve);
  gnutls_db_set_remove_function (session, cache_remove);
  /* Also the lifetime of the session tickets GnuTLS issues. */
  gnutls_db_set_cache_expiration (session, (int) c->lifetime_s);
}

/* ---- verified device certificates ------------------------------------------ */

typedef struct {
  char  *subject, *issuer, *mac;
  char **chain;
  guint  chain_length;
} Verified;

struct _PpTlsVerifiedCache {
  GMutex lock;
  BoundedMap    identities;  /* SHA-256 of what the phone sent → Verified; expiry in unix seconds */
};

static void
verified_free (gpointer p)
{
  Verified *v = p;
  g_free (v->subject);
  g_free (v->issuer);
  g_free (v->mac);
  g_strfreev (v->chain);
  g_free (v);
}

PpTlsVerifiedCache *
pp_tls_verified_cache_new (guint max_entries)
{
  PpTlsVerifiedCache *c = g_new0 (PpTlsVerifiedCache, 1);

  g_mutex_init (&c->lock);
  map_init (&c->identities, max_entries, verified_free);
  return c;
}

void
pp_tls_verified_cache_free (PpTlsVerifiedCache *c)
{
  if (c == NULL)
    return;
  map_clear (&c->identities);
  g_mutex_clear (&c->lock);
  g_free (c);
}

gboolean
pp_tls_verified_cache_lookup (PpTlsVerifiedCache *c, const guint8 *key, gsize key_len, PpPeer *peer,
                              gint64 now)
{
  Verified *v;

  g_mutex_lock (&c->lock);
  v = map_lookup (&c->identities, key, key_len, now);
  if (v)
    {
      g_free (peer->subject);
      g_free (peer->issuer);
      g_free (peer->mac);
      g_strfreev (peer->chain);
      peer->subject = g_strdup (v->subject);
      peer->issuer = g_strdup (v->issuer);
      peer->mac = g_strdup (v->mac);
      peer->chain = g_strdupv (v->chain);
      peer->chain_length = v->chain_length;
    }
  g_mutex_unlock (&c->lock);
  return v != NULL;
}

void
pp_tls_verified_cache_add (PpTlsVerifiedCache *c, const guint8 *key, gsize key_len, const PpPeer *peer,
                           gint64 valid_until)
{
  Verified *v = g_new0 (Verified, 1);

  v->subject = g_strdup (peer->subject);
  v->issuer = g_strdup (peer->issuer);
  v->mac = g_strdup (peer->mac);
  v->chain = g_strdupv (peer->chain);
  v->chain_length = peer->chain_length;
  g_mutex_lock (&c->lock);
  map_insert (&c->identities, key, key_len, v, valid_until);
  g_mutex_unlock (&c->lock);
}
