#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A kept-alive connection between two requests. After a request it waits
 * up to @idle_s for the next one; if the peer hangs up meanwhile, or the
 * time runs out, the connection is taken from libsoup and closed, so that
 * libsoup 3.2 lets go of its connection object (see pp-hangup.h). Owned by
 * the connection's remote address object, so it lives as long as libsoup's
 * connection. */
typedef struct _PpKeepalive PpKeepalive;

PpKeepalive *pp_keepalive_new  (GIOStream *stream, guint idle_s);
void         pp_keepalive_free (gpointer keepalive);
/* The connection's stream (a new reference), NULL once it is gone. */
GIOStream   *pp_keepalive_get_stream (PpKeepalive *keepalive);
/* A request has begun (its first bytes arrived). */
void         pp_keepalive_busy (PpKeepalive *keepalive);
/* @finished is done and the connection may carry another request. */
void         pp_keepalive_idle (PpKeepalive *keepalive, SoupServerMessage *finished);

/* How many connections are held now (each frees its PpKeepalive when
 * libsoup lets go of it). */
guint        pp_keepalive_count (void);

G_END_DECLS
