#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* libsoup 3.2 (Debian 12) never disconnects a keep-alive connection that the
 * client closes while idle, between requests (fixed upstream in libsoup
 * commit d20c6601, "server: do not leak idle connections closed by the
 * client"): the socket stays in CLOSE-WAIT, so every phone connection would
 * keep a file descriptor until phoneprovd runs out of them.
 *
 * The descriptor is not all: libsoup 3.2 also keeps its connection object
 * (≈ 3.3 KB with its next, empty message) once it has read that end of
 * stream itself, because that message has no completion handler yet. So
 * the hang-up must be noticed before libsoup reads it, and the connection
 * taken from libsoup with soup_server_message_steal_connection() on the
 * last finished message (pp-request.c), which makes it forget the
 * connection.
 *
 * For plain connections (GSocketConnection), watch the socket while it is
 * idle, at a higher priority than libsoup's source: if the peer has hung up
 * before sending another request, call @on_hangup (NULL: close the stream).
 * Returns the watch (a reference), to destroy when the connection is busy
 * or gone. TLS streams notice it in their own read (pp_tls_stream_set_hangup). */
GSource *pp_hangup_watch (GIOStream *stream, GSourceFunc on_hangup, gpointer data);

G_END_DECLS
