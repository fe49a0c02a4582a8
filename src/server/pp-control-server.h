#pragma once

#include "pp-server.h"

G_BEGIN_DECLS

/* The control API on <site>/run/control.sock (0600), served in the main
 * context: GET /v1/status, POST /v1/reload, POST /v1/stop,
 * GET /v1/events?after=N&timeout=MS (long poll). */

typedef struct _PpControlServer PpControlServer;

/* @stop runs (in the main context) after a POST /v1/stop was answered. */
PpControlServer *pp_control_server_new (PpServer   *server,
                                        const char *socket_path,
                                        GSourceFunc stop,
                                        gpointer    stop_data,
                                        GError    **error);
void             pp_control_server_free (PpControlServer *control);

G_END_DECLS
