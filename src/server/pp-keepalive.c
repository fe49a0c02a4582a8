/* A connection between requests, see pp-keepalive.h. */
#include "config.h"
#include "pp-keepalive.h"
#include "pp-hangup.h"
#include "pp-tls.h"

struct _PpKeepalive {
  GWeakRef           stream;
  guint              idle_s;
  GSource           *idle;     /* closes it when no request comes */
  GSource           *watch;    /* plain connections: the hang-up watch */
  SoupServerMessage *last;     /* the finished request, while idle */
  gulong             last_disconnected;  /* plain connections only */
};

/* One per connection libsoup holds: the leak check (tests, /v1/status). */
static gint live;

guint
pp_keepalive_count (void)
{
  return (guint) g_atomic_int_get (&live);
}

PpKeepalive *
pp_keepalive_new (GIOStream *stream, guint idle_s)
{
  PpKeepalive *k = g_new0 (PpKeepalive, 1);

  g_atomic_int_inc (&live);
  g_weak_ref_init (&k->stream, stream);
  k->idle_s = idle_s;
  return k;
}

GIOStream *
pp_keepalive_get_stream (PpKeepalive *k)
{
  return g_weak_ref_get (&k->stream);
}

/* Back to "busy": no timer, no watch, no hold on libsoup's objects. */
void
pp_keepalive_busy (PpKeepalive *k)
{
  g_autoptr(GIOStream) stream = g_weak_ref_get (&k->stream);

  if (k->idle)
    {
      g_source_destroy (k->idle);
      g_clear_pointer (&k->idle, g_source_unref);
    }
  if (k->watch)
    {
      g_source_destroy (k->watch);
      g_clear_pointer (&k->watch, g_source_unref);
    }
  if (stream)
    pp_tls_stream_set_hangup (stream, NULL, NULL, NULL);
  if (k->last)
    {
      if (k->last_disconnected)
        g_signal_handler_disconnect (k->last, k->last_disconnected);
      k->last_disconnected = 0;
      g_clear_object (&k->last);
    }
}

void
pp_keepalive_free (gpointer data)
{
  PpKeepalive *k = data;

  pp_keepalive_busy (k);
  g_weak_ref_clear (&k->stream);
  g_free (k);
  g_atomic_int_add (&live, -1);
}

/* The peer hung up or stayed silent too long. Take the connection from
 * libsoup through the last finished message: libsoup then forgets it (and
 * its waiting message) instead of keeping both for ever, and we close it.
 * @k may be freed inside the steal; nothing here touches it afterwards. */
static void
end_idle_connection (PpKeepalive *k)
{
  g_autoptr(GIOStream) stream = g_weak_ref_get (&k->stream);
  g_autoptr(SoupServerMessage) last = k->last ? g_object_ref (k->last) : NULL;
  g_autoptr(GIOStream) stolen = NULL;

  pp_keepalive_busy (k);
  if (last)
    stolen = soup_server_message_steal_connection (last);
  if (stolen && !g_io_stream_is_closed (stolen))
    g_io_stream_close (stolen, NULL, NULL);
  else if (stolen == NULL && stream && !g_io_stream_is_closed (stream))
    g_io_stream_close (stream, NULL, NULL);
}

static gboolean
on_hangup (gpointer data)
{
  end_idle_connection (data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_idle_timeout (gpointer data)
{
  PpKeepalive *k = data;

  /* This source is being dispatched: let busy() not destroy it twice. */
  g_clear_pointer (&k->idle, g_source_unref);
  end_idle_connection (k);
  return G_SOURCE_REMOVE;
}

static gboolean
unref_later (gpointer object)
{
  g_object_unref (object);
  return G_SOURCE_REMOVE;
}

/* libsoup closed the connection itself (no keep-alive, an error, a stop):
 * nothing is left to take over. The message may be in the middle of
 * emitting "disconnected" (or libsoup in the middle of closing the
 * stream), so our reference goes a little later. */
static void
release_last (PpKeepalive *k)
{
  SoupServerMessage *last = g_steal_pointer (&k->last);
  GSource *source;

  if (last == NULL)
    return;
  if (k->last_disconnected)
    g_signal_handler_disconnect (last, k->last_disconnected);
  k->last_disconnected = 0;
  pp_keepalive_busy (k);
  source = g_idle_source_new ();
  g_source_set_callback (source, unref_later, last, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static void
on_last_disconnected (SoupServerMessage *msg, PpKeepalive *k)
{
  release_last (k);
}

/* TLS: libsoup's disconnect closes our stream, so the stream's close hook
 * replaces a "disconnected" handler on every finished message (a signal
 * connection and disconnection per request, ≈ 3,000 instructions). */
static gboolean
on_stream_closed (gpointer data)
{
  release_last (data);
  return G_SOURCE_REMOVE;
}

void
pp_keepalive_idle (PpKeepalive *k, SoupServerMessage *finished)
{
  g_autoptr(GIOStream) stream = g_weak_ref_get (&k->stream);

  pp_keepalive_busy (k);
  if (stream == NULL || g_io_stream_is_closed (stream))
    return;
  k->last = g_object_ref (finished);
  k->idle = g_timeout_source_new_seconds (k->idle_s);
  g_source_set_callback (k->idle, on_idle_timeout, k, NULL);
  g_source_attach (k->idle, g_main_context_get_thread_default ());
  if (pp_tls_stream_is_tls (stream))
    pp_tls_stream_set_hangup (stream, on_hangup, on_stream_closed, k);
  else
    {
      k->last_disconnected = g_signal_connect (finished, "disconnected", G_CALLBACK (on_last_disconnected), k);
      k->watch = pp_hangup_watch (stream, on_hangup, k);
    }
}
