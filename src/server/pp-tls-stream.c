/* A GIOStream over a GnuTLS session whose handshake is done, so libsoup can
 * take it through soup_server_accept_iostream(). Both halves are pollable:
 * libsoup's server only ever reads and writes non-blockingly. */
#include "config.h"
#include "pp-tls.h"

#include <gnutls/gnutls.h>

typedef struct _PpTlsStream PpTlsStream;

/* ---- input ---------------------------------------------------------------- */

#define PP_TYPE_TLS_INPUT (pp_tls_input_get_type ())
G_DECLARE_FINAL_TYPE (PpTlsInput, pp_tls_input, PP, TLS_INPUT, GInputStream)

struct _PpTlsInput {
  GInputStream parent_instance;
  PpTlsStream *owner;   /* not a reference: the GIOStream owns us */
};

static void pp_tls_input_pollable_init (GPollableInputStreamInterface *iface);
G_DEFINE_FINAL_TYPE_WITH_CODE (PpTlsInput, pp_tls_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      pp_tls_input_pollable_init))

/* ---- output --------------------------------------------------------------- */

#define PP_TYPE_TLS_OUTPUT (pp_tls_output_get_type ())
G_DECLARE_FINAL_TYPE (PpTlsOutput, pp_tls_output, PP, TLS_OUTPUT, GOutputStream)

struct _PpTlsOutput {
  GOutputStream parent_instance;
  PpTlsStream *owner;
};

static void pp_tls_output_pollable_init (GPollableOutputStreamInterface *iface);
G_DEFINE_FINAL_TYPE_WITH_CODE (PpTlsOutput, pp_tls_output, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      pp_tls_output_pollable_init))

/* ---- the pair ------------------------------------------------------------- */

#define PP_TYPE_TLS_STREAM (pp_tls_stream_get_type ())
G_DECLARE_FINAL_TYPE (PpTlsStream, pp_tls_stream, PP, TLS_STREAM, GIOStream)

struct _PpTlsStream {
  GIOStream        parent_instance;
  GSocket         *socket;
  gnutls_session_t session;
  GInputStream    *input;
  GOutputStream   *output;
  /* GnuTLS keeps a record that could not be sent yet; it must be completed
   * before anything else is written (gnutls_record_send() documentation). */
  gsize            pending_write;
  /* Response headers and the first body bytes in one TLS record
   * (pp_tls_stream_cork_next): ARMED until the next write (the headers),
   * which GnuTLS then holds (HOLDING); the write after it (the body) adds
   * what fits the record and sends both (SENDING until all is out). */
  enum { CORK_NONE, CORK_ARMED, CORK_HOLDING, CORK_SENDING } cork;
  gsize            cork_body;     /* the caller's bytes in the corked data */
  gboolean         closed;
  gboolean         eof_close_scheduled;
  gint64           last_progress; /* monotonic; for the socket's idle timeout */
  /* Between requests: who learns of a hang-up (pp_tls_stream_set_hangup). */
  GSourceFunc      hangup_func;
  GSourceFunc      closed_func;
  gpointer         hangup_data;
  gboolean         hangup_scheduled;
};

G_DEFINE_FINAL_TYPE (PpTlsStream, pp_tls_stream, G_TYPE_IO_STREAM)

static gboolean
set_tls_error (int ret, GError **error)
{
  if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "would block");
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                 "TLS connection failed: %s", gnutls_strerror (ret));
  return FALSE;
}

/* GnuTLS does its own recv()/send(), so the GSocket timeout only wakes our
 * sources; turn a wake-up after that long without progress into the
 * TIMED_OUT error GSocket itself would give. */
static gboolean
stalled (PpTlsStream *s, GError **error)
{
  guint timeout = g_socket_get_timeout (s->socket);

  if (timeout == 0 || g_get_monotonic_time () - s->last_progress < (gint64) timeout * G_USEC_PER_SEC)
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "The peer made no progress; connection timed out");
  return TRUE;
}

static gboolean
is_closed (PpTlsStream *s, GError **error)
{
  if (s->session != NULL)
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "Stream is already closed");
  return TRUE;
}

static gboolean
close_when_idle (gpointer data)
{
  GIOStream *stream = data;
  if (!g_io_stream_is_closed (stream))
    g_io_stream_close (stream, NULL, NULL);
  return G_SOURCE_REMOVE;
}

/* libsoup 3.2 never disconnects a keep-alive connection whose client hangs
 * up between requests (see pp-hangup.h): the socket would stay in
 * CLOSE-WAIT forever. The peer is gone, so close our side once libsoup has
 * returned to the main loop. */
static void
close_at_eof (PpTlsStream *s)
{
  GSource *source;

  if (s->closed || s->eof_close_scheduled)
    return;
  s->eof_close_scheduled = TRUE;
  source = g_idle_source_new ();
  g_source_set_callback (source, close_when_idle, g_object_ref (s), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static gboolean
run_hangup (gpointer data)
{
  PpTlsStream *s = data;
  GSourceFunc func = s->hangup_func;

  s->hangup_scheduled = FALSE;
  s->hangup_func = NULL;
  if (func && !s->closed)
    func (s->hangup_data);
  else if (!s->closed)
    g_io_stream_close (G_IO_STREAM (s), NULL, NULL);
  return G_SOURCE_REMOVE;
}

/* The peer hung up while the connection was idle: tell the owner from the
 * main loop, ahead of libsoup's own sources (it must not see the end of
 * stream first, see pp_tls_stream_set_hangup). */
static void
schedule_hangup (PpTlsStream *s)
{
  GSource *source;

  if (s->hangup_scheduled)
    return;
  s->hangup_scheduled = TRUE;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, run_hangup, g_object_ref (s), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

void
pp_tls_stream_set_hangup (GIOStream *stream, GSourceFunc func, GSourceFunc closed_func, gpointer data)
{
  PpTlsStream *s;

  if (!G_TYPE_CHECK_INSTANCE_TYPE (stream, PP_TYPE_TLS_STREAM))
    return;
  s = PP_TLS_STREAM (stream);
  s->hangup_func = func;
  s->closed_func = closed_func;
  s->hangup_data = data;
}

gboolean
pp_tls_stream_is_tls (GIOStream *stream)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (stream, PP_TYPE_TLS_STREAM);
}

static gssize
stream_read (PpTlsStream *s, void *buffer, gsize count, gboolean blocking,
             GCancellable *cancellable, GError **error)
{
  for (;;)
    {
      ssize_t n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) || is_closed (s, error))
        return -1;
      n = gnutls_record_recv (s->session, buffer, count);
      if (n > 0 || (n == 0 && count == 0))
        {
          s->last_progress = g_get_monotonic_time ();
          return n;
        }
      /* End of stream. A phone that drops the connection without
       * close_notify has still finished its request. */
      if (n == 0 || n == GNUTLS_E_PREMATURE_TERMINATION)
        {
          /* Idle between requests: libsoup 3.2 would read this end of
           * stream and keep its connection object forever. Make it wait
           * while the owner takes the connection away from it. */
          if (s->hangup_func && !blocking)
            {
              schedule_hangup (s);
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "The peer hung up");
              return -1;
            }
          close_at_eof (s);
          return 0;
        }
      if (n == GNUTLS_E_INTERRUPTED)
        continue;
      if (n == GNUTLS_E_AGAIN && stalled (s, error))
        return -1;
      if (n != GNUTLS_E_AGAIN || !blocking)
        {
          set_tls_error ((int) n, error);
          return -1;
        }
      if (!g_socket_condition_timed_wait (s->socket, G_IO_IN, -1, cancellable, error))
        return -1;
    }
}

void
pp_tls_stream_cork_next (GIOStream *stream)
{
  PpTlsStream *s;

  if (!G_TYPE_CHECK_INSTANCE_TYPE (stream, PP_TYPE_TLS_STREAM))
    return;
  s = PP_TLS_STREAM (stream);
  /* Not with TLS 1.3: gnutls_record_cork() would overwrite a KeyUpdate
   * that GnuTLS owes the peer before its next record. Phones speak 1.2. */
  if (s->session && s->cork == CORK_NONE && s->pending_write == 0
      && gnutls_protocol_get_version (s->session) != GNUTLS_TLS1_3)
    s->cork = CORK_ARMED;
}

/* Sends what GnuTLS holds, never waiting unless @blocking (no
 * GNUTLS_RECORD_WAIT: a client that stops reading must not stall the
 * worker). After G_IO_ERROR_WOULD_BLOCK the caller comes back with the
 * same buffer, as after any short write; its bytes are already in GnuTLS,
 * so they are not taken again, only the rest is sent. */
static gssize
cork_send (PpTlsStream *s, gsize count, gboolean blocking, GCancellable *cancellable, GError **error)
{
  for (;;)
    {
      int n = gnutls_record_uncork (s->session, 0);

      if (n >= 0)
        {
          s->cork = CORK_NONE;
          s->last_progress = g_get_monotonic_time ();
          return (gssize) MIN (s->cork_body, count);
        }
      if (n == GNUTLS_E_INTERRUPTED)
        continue;
      if (n != GNUTLS_E_AGAIN)
        {
          s->cork = CORK_NONE;
          set_tls_error (n, error);
          return -1;
        }
      if (stalled (s, error))
        return -1;
      if (!blocking)
        {
          set_tls_error (n, error);
          return -1;
        }
      if (!g_socket_condition_timed_wait (s->socket, G_IO_OUT, -1, cancellable, error))
        return -1;
    }
}

static gssize
corked_write (PpTlsStream *s, const void *buffer, gsize count, gboolean blocking,
              GCancellable *cancellable, GError **error)
{
  ssize_t n;

  if (s->cork == CORK_ARMED)
    {
      /* The headers: GnuTLS copies them and sends nothing yet. */
      gnutls_record_cork (s->session);
      n = gnutls_record_send (s->session, buffer, count);
      if (n < 0)
        {
          s->cork = CORK_NONE;
          set_tls_error ((int) n, error);
          return -1;
        }
      s->cork = CORK_HOLDING;
      return n;
    }
  if (s->cork == CORK_HOLDING)
    {
      /* The body: as much as one record still holds (the rest goes out
       * as usual with the caller's next write), then everything. */
      gsize held = gnutls_record_check_corked (s->session);
      gsize max = gnutls_record_get_max_size (s->session);
      gsize take = held < max ? MIN (count, max - held) : MIN (count, 1);

      n = gnutls_record_send (s->session, buffer, take);
      if (n < 0)
        {
          s->cork = CORK_NONE;
          set_tls_error ((int) n, error);
          return -1;
        }
      s->cork_body = (gsize) n;
      s->cork = CORK_SENDING;
    }
  return cork_send (s, count, blocking, cancellable, error);
}

static gssize
stream_write (PpTlsStream *s, const void *buffer, gsize count, gboolean blocking,
              GCancellable *cancellable, GError **error)
{
  for (;;)
    {
      ssize_t n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) || is_closed (s, error))
        return -1;
      if (s->cork != CORK_NONE)
        return corked_write (s, buffer, count, blocking, cancellable, error);
      if (s->pending_write > 0)
        n = gnutls_record_send (s->session, NULL, 0);
      else
        n = gnutls_record_send (s->session, buffer, count);
      if (n >= 0)
        {
          s->pending_write = 0;
          s->last_progress = g_get_monotonic_time ();
          /* The completed record was the caller's first bytes (callers
           * retry with the same buffer after G_IO_ERROR_WOULD_BLOCK). */
          return MIN ((gsize) n, count);
        }
      if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
        {
          if (s->pending_write == 0)
            s->pending_write = count;
          if (n == GNUTLS_E_INTERRUPTED)
            continue;
          if (stalled (s, error))
            return -1;
          if (!blocking)
            {
              set_tls_error ((int) n, error);
              return -1;
            }
          if (!g_socket_condition_timed_wait (s->socket, G_IO_OUT, -1, cancellable, error))
            return -1;
          continue;
        }
      set_tls_error ((int) n, error);
      return -1;
    }
}

static gssize
pp_tls_input_read (GInputStream *stream, void *buffer, gsize count,
                   GCancellable *cancellable, GError **error)
{
  return stream_read (PP_TLS_INPUT (stream)->owner, buffer, count, TRUE, cancellable, error);
}

static gboolean
pp_tls_input_close (GInputStream *stream, GCancellable *cancellable, GError **error)
{
  return TRUE;
}

static gboolean
pp_tls_input_is_readable (GPollableInputStream *pollable)
{
  PpTlsStream *s = PP_TLS_INPUT (pollable)->owner;
  /* Closed: "readable", so the next read reports it at once. */
  return s->session == NULL || gnutls_record_check_pending (s->session) > 0
         || g_socket_condition_check (s->socket, G_IO_IN) != 0;
}

static GSource *
pp_tls_input_create_source (GPollableInputStream *pollable, GCancellable *cancellable)
{
  PpTlsStream *s = PP_TLS_INPUT (pollable)->owner;
  g_autoptr(GSource) base = NULL;

  /* Decrypted bytes already buffered inside GnuTLS never wake the socket. */
  if (s->session == NULL || gnutls_record_check_pending (s->session) > 0)
    base = g_timeout_source_new (0);
  else
    base = g_socket_create_source (s->socket, G_IO_IN, NULL);
  return g_pollable_source_new_full (pollable, base, cancellable);
}

static gssize
pp_tls_input_read_nonblocking (GPollableInputStream *pollable, void *buffer, gsize count,
                               GError **error)
{
  return stream_read (PP_TLS_INPUT (pollable)->owner, buffer, count, FALSE, NULL, error);
}

static void
pp_tls_input_class_init (PpTlsInputClass *klass)
{
  GInputStreamClass *isc = G_INPUT_STREAM_CLASS (klass);
  isc->read_fn = pp_tls_input_read;
  isc->close_fn = pp_tls_input_close;
}

static void
pp_tls_input_init (PpTlsInput *self)
{
}

static void
pp_tls_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->is_readable = pp_tls_input_is_readable;
  iface->create_source = pp_tls_input_create_source;
  iface->read_nonblocking = pp_tls_input_read_nonblocking;
}

static gssize
pp_tls_output_write (GOutputStream *stream, const void *buffer, gsize count,
                     GCancellable *cancellable, GError **error)
{
  return stream_write (PP_TLS_OUTPUT (stream)->owner, buffer, count, TRUE, cancellable, error);
}

static gboolean
pp_tls_output_close (GOutputStream *stream, GCancellable *cancellable, GError **error)
{
  return TRUE;
}

/* libsoup flushes only by closing a response's body stream, after the body
 * write that sent what was corked. Should headers still be held here (a
 * response announced with a body that wrote none), send them, without
 * waiting: would-block tells libsoup to wait for the socket. */
static gboolean
pp_tls_output_flush (GOutputStream *stream, GCancellable *cancellable, GError **error)
{
  PpTlsStream *s = PP_TLS_OUTPUT (stream)->owner;

  if (s->session == NULL || s->cork == CORK_NONE)
    return TRUE;
  if (s->cork == CORK_ARMED)
    {
      s->cork = CORK_NONE;
      return TRUE;
    }
  if (s->cork == CORK_HOLDING)
    {
      s->cork_body = 0;
      s->cork = CORK_SENDING;
    }
  return cork_send (s, 0, FALSE, cancellable, error) >= 0;
}

static gboolean
pp_tls_output_is_writable (GPollableOutputStream *pollable)
{
  return g_socket_condition_check (PP_TLS_OUTPUT (pollable)->owner->socket, G_IO_OUT) != 0;
}

static GSource *
pp_tls_output_create_source (GPollableOutputStream *pollable, GCancellable *cancellable)
{
  g_autoptr(GSource) base = g_socket_create_source (PP_TLS_OUTPUT (pollable)->owner->socket,
                                                    G_IO_OUT, NULL);
  return g_pollable_source_new_full (pollable, base, cancellable);
}

static gssize
pp_tls_output_write_nonblocking (GPollableOutputStream *pollable, const void *buffer,
                                 gsize count, GError **error)
{
  return stream_write (PP_TLS_OUTPUT (pollable)->owner, buffer, count, FALSE, NULL, error);
}

static void
pp_tls_output_class_init (PpTlsOutputClass *klass)
{
  GOutputStreamClass *osc = G_OUTPUT_STREAM_CLASS (klass);
  osc->write_fn = pp_tls_output_write;
  osc->close_fn = pp_tls_output_close;
  osc->flush = pp_tls_output_flush;
}

static void
pp_tls_output_init (PpTlsOutput *self)
{
}

static void
pp_tls_output_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->is_writable = pp_tls_output_is_writable;
  iface->create_source = pp_tls_output_create_source;
  iface->write_nonblocking = pp_tls_output_write_nonblocking;
}

static GInputStream *
pp_tls_stream_get_input (GIOStream *stream)
{
  return PP_TLS_STREAM (stream)->input;
}

static GOutputStream *
pp_tls_stream_get_output (GIOStream *stream)
{
  return PP_TLS_STREAM (stream)->output;
}

static gboolean
pp_tls_stream_close (GIOStream *stream, GCancellable *cancellable, GError **error)
{
  PpTlsStream *s = PP_TLS_STREAM (stream);
  GSourceFunc closed_func = s->closed_func;
  gboolean ok;

  if (s->closed)
    return TRUE;
  s->closed = TRUE;
  /* Best effort close_notify; the socket is non-blocking, so this never
   * waits on a peer that has gone away. */
  gnutls_bye (s->session, GNUTLS_SHUT_WR);
  /* Free the session now rather than at finalize: libsoup 3.2 keeps the
   * objects of connections whose client hung up (see pp-hangup.h), and a
   * session is several kilobytes. */
  gnutls_deinit (s->session);
  s->session = NULL;
  ok = g_socket_close (s->socket, error);
  s->hangup_func = NULL;
  s->closed_func = NULL;
  /* Whoever closed it (libsoup's disconnect closes it too), the idle
   * connection's owner lets go of what it held for it. */
  if (closed_func)
    closed_func (s->hangup_data);
  return ok;
}

/* The default runs close in a thread; the session belongs to this one. */
static void
pp_tls_stream_close_async (GIOStream *stream, int io_priority, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;

  if (pp_tls_stream_close (stream, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
pp_tls_stream_close_finish (GIOStream *stream, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
pp_tls_stream_finalize (GObject *object)
{
  PpTlsStream *s = PP_TLS_STREAM (object);

  if (!s->closed)
    g_socket_close (s->socket, NULL);
  g_clear_object (&s->input);
  g_clear_object (&s->output);
  if (s->session)
    gnutls_deinit (s->session);
  g_clear_object (&s->socket);
  G_OBJECT_CLASS (pp_tls_stream_parent_class)->finalize (object);
}

static void
pp_tls_stream_class_init (PpTlsStreamClass *klass)
{
  GIOStreamClass *io = G_IO_STREAM_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = pp_tls_stream_finalize;
  io->get_input_stream = pp_tls_stream_get_input;
  io->get_output_stream = pp_tls_stream_get_output;
  io->close_fn = pp_tls_stream_close;
  io->close_async = pp_tls_stream_close_async;
  io->close_finish = pp_tls_stream_close_finish;
}

static void
pp_tls_stream_init (PpTlsStream *self)
{
}

GIOStream *
pp_tls_stream_new (GSocket *socket, gpointer session)
{
  PpTlsStream *s = g_object_new (PP_TYPE_TLS_STREAM, NULL);
  PpTlsInput *in = g_object_new (PP_TYPE_TLS_INPUT, NULL);
  PpTlsOutput *out = g_object_new (PP_TYPE_TLS_OUTPUT, NULL);

  s->socket = g_object_ref (socket);
  s->session = session;
  s->last_progress = g_get_monotonic_time ();
  in->owner = s;
  out->owner = s;
  s->input = G_INPUT_STREAM (in);
  s->output = G_OUTPUT_STREAM (out);
  return G_IO_STREAM (s);
}
