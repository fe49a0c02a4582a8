#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* libsoup 3.2 (Debian 12) never disconnects a keep-alive connection that the
 * client closes while idle, between requests (fixed upstream in libsoup
 * commit d20c6601, "server: do not leak idle connections closed by the
 * client"): the socket stays in CLOSE-WAIT, so every phone connection would
 * keep a file descriptor until phoneprovd runs out of them.
 *
 * For plain connections (GSocketConnection), watch the socket while it is
 * idle: if the peer has hung up before sending another request, close the
 * stream. Call it when a connection is accepted and after each request. TLS
 * streams (pp-tls-stream.c) notice end of stream in their own read. */
void pp_hangup_watch (GIOStream *stream);

G_END_DECLS
