#include "config.h"
#include "pp-hangup.h"

#include <errno.h>
#include <sys/socket.h>

typedef struct {
  GWeakRef    stream;
  GSourceFunc on_hangup;
  gpointer    data;
} Watch;

static void
watch_free (gpointer data)
{
  Watch *w = data;
  g_weak_ref_clear (&w->stream);
  g_free (w);
}

static gboolean
on_socket_ready (GSocket *socket, GIOCondition condition, gpointer data)
{
  Watch *w = data;
  g_autoptr(GIOStream) stream = g_weak_ref_get (&w->stream);
  char c;
  ssize_t n;

  if (stream == NULL || g_socket_is_closed (socket))
    return G_SOURCE_REMOVE;
  n = recv (g_socket_get_fd (socket), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  /* 0: orderly hang-up. Data: the next request, which libsoup reads; the
   * watch comes back when that request is done. EAGAIN: libsoup already took
   * what arrived (both sources ran in this iteration), or the socket's idle
   * timeout fired; either way libsoup is in charge of the connection. */
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
    {
      if (w->on_hangup)
        w->on_hangup (w->data);
      else
        g_io_stream_close (stream, NULL, NULL);
    }
  return G_SOURCE_REMOVE;
}

GSource *
pp_hangup_watch (GIOStream *stream, GSourceFunc on_hangup, gpointer data)
{
  GSocket *socket;
  GSource *source;
  Watch *w;

  if (stream == NULL || !G_IS_SOCKET_CONNECTION (stream) || g_io_stream_is_closed (stream))
    return NULL;
  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
  if (g_socket_is_closed (socket))
    return NULL;
  w = g_new0 (Watch, 1);
  g_weak_ref_init (&w->stream, stream);
  w->on_hangup = on_hangup;
  w->data = data;
  source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  /* Ahead of libsoup's own source on the same socket: it must not read
   * the end of stream first (see pp-hangup.h). */
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, (GSourceFunc) (GCallback) on_socket_ready, w, watch_free);
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}
