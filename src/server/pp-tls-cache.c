/* The TLS 1.2 session cache: session-ID resumption for phones that do not
 * use tickets. See pp-tls-private.h. */
#include "config.h"
#include "pp-tls-private.h"

#include <string.h>

typedef struct {
  GBytes *id;
  GBytes *data;     /* what GnuTLS packed: parameters and the peer's certificates */
  gint64  expires;  /* monotonic µs */
  GList  *link;     /* in cache->order */
} Entry;

struct _PpTlsSessionCache {
  GMutex      lock;
  GHashTable *by_id;   /* GBytes id → Entry */
  GQueue      order;   /* Entry, oldest first: one lifetime for all, so also by expiry */
  guint       max_entries;
  guint       lifetime_s;
};

static void
entry_free (gpointer p)
{
  Entry *e = p;
  g_bytes_unref (e->id);
  g_bytes_unref (e->data);
  g_free (e);
}

PpTlsSessionCache *
pp_tls_session_cache_new (guint max_entries, guint lifetime_s)
{
  PpTlsSessionCache *c = g_new0 (PpTlsSessionCache, 1);

  g_mutex_init (&c->lock);
  c->by_id = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, NULL, entry_free);
  g_queue_init (&c->order);
  c->max_entries = MAX (max_entries, 1);
  c->lifetime_s = lifetime_s;
  return c;
}

void
pp_tls_session_cache_free (PpTlsSessionCache *c)
{
  if (c == NULL)
    return;
  g_queue_clear (&c->order);
  g_hash_table_unref (c->by_id);
  g_mutex_clear (&c->lock);
  g_free (c);
}

/* Under the lock. */
static void
remove_entry (PpTlsSessionCache *c, Entry *e)
{
  g_queue_delete_link (&c->order, e->link);
  g_hash_table_remove (c->by_id, e->id);
}

static void
expire (PpTlsSessionCache *c, gint64 now)
{
  Entry *e;
  while ((e = g_queue_peek_head (&c->order)) && e->expires <= now)
    remove_entry (c, e);
}

static int
cache_store (void *ptr, gnutls_datum_t key, gnutls_datum_t data)
{
  PpTlsSessionCache *c = ptr;
  gint64 now = g_get_monotonic_time ();
  Entry *e = g_new0 (Entry, 1);
  Entry *old;

  e->id = g_bytes_new (key.data, key.size);
  e->data = g_bytes_new (data.data, data.size);
  e->expires = now + (gint64) c->lifetime_s * G_USEC_PER_SEC;
  g_mutex_lock (&c->lock);
  expire (c, now);
  if ((old = g_hash_table_lookup (c->by_id, e->id)))
    remove_entry (c, old);
  /* Full: the oldest session goes; its phone pays one full handshake. */
  while (g_hash_table_size (c->by_id) >= c->max_entries)
    remove_entry (c, g_queue_peek_head (&c->order));
  g_queue_push_tail (&c->order, e);
  e->link = c->order.tail;
  g_hash_table_insert (c->by_id, e->id, e);
  g_mutex_unlock (&c->lock);
  return 0;
}

static gnutls_datum_t
cache_retrieve (void *ptr, gnutls_datum_t key)
{
  PpTlsSessionCache *c = ptr;
  g_autoptr(GBytes) id = g_bytes_new_static (key.data, key.size);
  gnutls_datum_t out = { NULL, 0 };
  Entry *e;

  g_mutex_lock (&c->lock);
  expire (c, g_get_monotonic_time ());
  e = g_hash_table_lookup (c->by_id, id);
  if (e)
    {
      gsize size;
      const void *data = g_bytes_get_data (e->data, &size);
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
  g_autoptr(GBytes) id = g_bytes_new_static (key.data, key.size);
  Entry *e;

  g_mutex_lock (&c->lock);
  e = g_hash_table_lookup (c->by_id, id);
  if (e)
    remove_entry (c, e);
  g_mutex_unlock (&c->lock);
  return e ? 0 : -1;
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
  GBytes *key;
  gint64  valid_until;  /* unix seconds */
  GList  *link;
  char   *subject, *issuer, *mac;
  char  **chain;
  guint   chain_length;
} Verified;

struct _PpTlsVerifiedCache {
  GMutex      lock;
  GHashTable *by_key;  /* GBytes SHA-256 → Verified */
  GQueue      order;   /* oldest first */
  guint       max_entries;
};

static void
verified_free (gpointer p)
{
  Verified *v = p;
  g_bytes_unref (v->key);
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
  c->by_key = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, NULL, verified_free);
  g_queue_init (&c->order);
  c->max_entries = MAX (max_entries, 1);
  return c;
}

void
pp_tls_verified_cache_free (PpTlsVerifiedCache *c)
{
  if (c == NULL)
    return;
  g_queue_clear (&c->order);
  g_hash_table_unref (c->by_key);
  g_mutex_clear (&c->lock);
  g_free (c);
}

static void
verified_remove (PpTlsVerifiedCache *c, Verified *v)
{
  g_queue_delete_link (&c->order, v->link);
  g_hash_table_remove (c->by_key, v->key);
}

gboolean
pp_tls_verified_cache_lookup (PpTlsVerifiedCache *c, const guint8 *key, gsize key_len, PpPeer *peer,
                              gint64 now)
{
  g_autoptr(GBytes) k = g_bytes_new_static (key, key_len);
  Verified *v;
  gboolean hit = FALSE;

  g_mutex_lock (&c->lock);
  v = g_hash_table_lookup (c->by_key, k);
  if (v && now >= v->valid_until)
    {
      verified_remove (c, v);
      v = NULL;
    }
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
      hit = TRUE;
    }
  g_mutex_unlock (&c->lock);
  return hit;
}

void
pp_tls_verified_cache_add (PpTlsVerifiedCache *c, const guint8 *key, gsize key_len, const PpPeer *peer,
                           gint64 valid_until)
{
  Verified *v = g_new0 (Verified, 1);
  Verified *old;

  v->key = g_bytes_new (key, key_len);
  v->valid_until = valid_until;
  v->subject = g_strdup (peer->subject);
  v->issuer = g_strdup (peer->issuer);
  v->mac = g_strdup (peer->mac);
  v->chain = g_strdupv (peer->chain);
  v->chain_length = peer->chain_length;
  g_mutex_lock (&c->lock);
  if ((old = g_hash_table_lookup (c->by_key, v->key)))
    verified_remove (c, old);
  while (g_hash_table_size (c->by_key) >= c->max_entries)
    verified_remove (c, g_queue_peek_head (&c->order));
  g_queue_push_tail (&c->order, v);
  v->link = c->order.tail;
  g_hash_table_insert (c->by_key, v->key, v);
  g_mutex_unlock (&c->lock);
}
