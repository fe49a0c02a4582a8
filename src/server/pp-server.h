#pragma once

#include <json-glib/json-glib.h>
#include "pp-events.h"

G_BEGIN_DECLS

/* The provisioning server of one site directory: the HTTP (digest) and HTTPS
 * (mutual TLS) sites over one boot directory, served by several worker
 * threads, each with its own GMainContext, SoupServer and SO_REUSEPORT
 * listening sockets (DESIGN.md §7). */

typedef struct _PpServer PpServer;

/* Loads the configuration; nothing listens yet. */
PpServer  *pp_server_new (const char *site_dir, GError **error);
/* Binds the listening sockets and starts the workers. */
gboolean   pp_server_start (PpServer *server, GError **error);
/* Swaps in a fresh configuration atomically; transfers in flight finish
 * under the old one. On error the old configuration keeps running. */
gboolean   pp_server_reload (PpServer *server, GError **error);
/* The /v1/status document. */
JsonNode  *pp_server_status (PpServer *server);
/* The wizard's self-test certificate for the running HTTPS site, in memory
 * only (pp_tls_context_set_selftest()); @anchor_pem NULL ends it. A reload
 * ends it too. */
gboolean   pp_server_set_selftest (PpServer *server, const char *anchor_pem, const char *cert_sha256,
                                   guint seconds, GError **error);
PpEvents  *pp_server_get_events (PpServer *server);
/* Stops the workers and closes every connection. */
void       pp_server_stop (PpServer *server);
void       pp_server_free (PpServer *server);

G_END_DECLS
