#pragma once

#include <libsoup/soup.h>
#include "pp-server.h"
#include "pp-config.h"
#include "pp-digest.h"
#include "pp-tls.h"

G_BEGIN_DECLS

enum { PP_SITE_HTTP, PP_SITE_HTTPS, PP_N_SITES };

typedef struct _PpWorker PpWorker;

/* What a site currently listens on; owned by the main thread. */
typedef struct {
  gboolean   running;
  char      *address;     /* as configured */
  guint      port;        /* as configured (0 = any) */
  guint      bound_port;  /* the real one */
  GPtrArray *sockets;     /* GSocket, one per worker */
  char      *error;
} PpListenSet;

struct _PpServer {
  char        *site_dir;
  GMutex       lock;         /* guards config and errors */
  PpConfig    *config;
  PpDigest    *digest;
  PpEvents    *events;
  GPtrArray   *workers;
  PpListenSet  sites[PP_N_SITES];
  gint         requests;     /* atomic */
  gint         connections;  /* atomic: accepted so far */
  GMainContext *main_context; /* the thread that called pp_server_start() */
  gint         trim_armed;   /* atomic: trim_source is (being) attached */
  GSource     *trim_source;  /* under lock */
  gint         trim_seen;    /* requests + connections at its last check */
  GDateTime   *started;
  char        *reload_error; /* the last failed reload, until one succeeds */
  guint        io_timeout_s;
};

struct _PpWorker {
  PpServer     *server;
  guint         index;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *soup;
  GSocket      *listen[PP_N_SITES];
  GSource      *accept[PP_N_SITES];
  GMutex        ready_lock;
  GCond         ready_cond;
  gboolean      ready;
};

/* A connection was accepted or ended, from any thread: arms the check that
 * returns free memory to the system once the daemon is quiet. */
void      pp_server_note_activity (PpServer *server);

/* A new reference to the current configuration. */
PpConfig *pp_server_get_config (PpServer *server);

/* pp-request.c: installs the handlers on a worker's SoupServer. */
void      pp_request_setup (PpWorker *worker);
/* Connection accepted (TLS done where needed): hand it to libsoup. */
void      pp_request_accept (PpWorker *worker, GIOStream *stream, PpPeer *peer,
                             GSocketAddress *local, GSocketAddress *remote);
/* A refused handshake, for the monitor. */
void      pp_request_handshake_event (PpServer *server, PpPeer *peer, const char *reason,
                                      const char *remedy);

G_END_DECLS
