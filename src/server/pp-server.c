/* Workers, listening sockets, reload and status; see pp-server.h. */
#include "config.h"
#include "pp-server-private.h"
#include "pp-keepalive.h"
#include "pp-error.h"
#include "pp-server-version.h"
#include "pp-upload.h"

#include <errno.h>
#include <gio/gunixsocketaddress.h>
#include <malloc.h>
#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NONCE_MAX_AGE_S 300
#define IO_TIMEOUT_S 60
#define ACCEPT_BATCH 64

static const char *const site_names[PP_N_SITES] = { "http", "https" };

typedef struct {
  PpWorker       *worker;
  GSocketAddress *local;
  GSocketAddress *remote;
} PendingConn;

PpConfig *
pp_server_get_config (PpServer *server)
{
  PpConfig *c;
  g_mutex_lock (&server->lock);
  c = pp_config_ref (server->config);
  g_mutex_unlock (&server->lock);
  return c;
}

PpEvents *
pp_server_get_events (PpServer *server)
{
  return server->events;
}

PpServer *
pp_server_new (const char *site_dir, GError **error)
{
  PpConfig *config = pp_config_load (site_dir, error);
  PpServer *server;
  g_autofree char *logs = NULL;

  if (config == NULL)
    return NULL;
  server = g_new0 (PpServer, 1);
  g_mutex_init (&server->lock);
  server->site_dir = g_strdup (config->site_dir);
  server->config = config;
  {
    /* PHONEPROV_NONCE_MAX_AGE (seconds) shortens the nonce lifetime, for
     * sites that want it stricter and for the stale-nonce test. */
    const char *env = g_getenv ("PHONEPROV_NONCE_MAX_AGE");
    guint64 age = NONCE_MAX_AGE_S;
    if (env && !g_ascii_string_to_unsigned (env, 10, 1, 86400, &age, NULL))
      age = NONCE_MAX_AGE_S;
    server->digest = pp_digest_new ((guint) age);
  }
  logs = g_build_filename (server->site_dir, "logs", NULL);
  server->events = pp_events_new (logs, config->log_max_bytes);
  pp_events_start_flusher (server->events, g_main_context_get_thread_default ());
  server->workers = g_ptr_array_new ();
  server->started = g_date_time_new_now_utc ();
  {
    /* PHONEPROV_IO_TIMEOUT (seconds): how long a connection may make no
     * progress at all; the default suits phones on slow links. */
    const char *env = g_getenv ("PHONEPROV_IO_TIMEOUT");
    guint64 t = IO_TIMEOUT_S;
    if (env && !g_ascii_string_to_unsigned (env, 10, 1, 3600, &t, NULL))
      t = IO_TIMEOUT_S;
    server->io_timeout_s = (guint) t;
  }
  return server;
}

/* ---- listening sockets -------------------------------------------------- */

static int
open_listen_fd (const char *address, guint port, gboolean reuseport, GError **error)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t len;
  int one = 1, zero = 0, fd, family;
  g_autoptr(GInetAddress) ia = NULL;

  if (g_strcmp0 (address, "*") == 0)
    {
      /* Dual stack: "::" also takes IPv4 unless the system forbids it. */
      struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) &ss;
      family = AF_INET6;
      s6->sin6_family = AF_INET6;
      s6->sin6_addr = in6addr_any;
      s6->sin6_port = htons ((guint16) port);
      len = sizeof *s6;
    }
  else
    {
      g_autoptr(GSocketAddress) sa = NULL;
      ia = g_inet_address_new_from_string (address);
      sa = g_inet_socket_address_new (ia, (guint16) port);
      family = g_inet_address_get_family (ia) == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
      len = (socklen_t) g_socket_address_get_native_size (sa);
      if (!g_socket_address_to_native (sa, &ss, sizeof ss, error))
        return -1;
    }
  fd = socket (family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0 && g_strcmp0 (address, "*") == 0 && errno == EAFNOSUPPORT)
    return open_listen_fd ("0.0.0.0", port, reuseport, error);
  if (fd < 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Cannot create a socket: %s."), g_strerror (errno));
      return -1;
    }
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  /* Set before bind(): g_socket_bind() would clear SO_REUSEPORT (DESIGN.md §7). */
  if (reuseport)
    setsockopt (fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (family == AF_INET6 && g_strcmp0 (address, "*") == 0)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  if (bind (fd, (struct sockaddr *) &ss, len) != 0)
    {
      int e = errno;
      close (fd);
      if (e == EACCES && port < 1024)
        {
          g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
          g_set_error (error, PP_ERROR, PP_ERROR_PERMISSION,
                     _("Port %u is privileged and phoneprovd may not listen on it. Either run phoneprovd as root "
                       "(or as the installed systemd service, which has the capability), or give the program the "
                       "capability with “sudo setcap cap_net_bind_service=+ep %s”, or choose ports above 1023 "
                       "(for example “phoneprovctl set http.port=8080 https.port=8443”)."),
                     port, exe ? exe : "phoneprovd");
        }
      else if (e == EADDRINUSE)
        g_set_error (error, PP_ERROR, PP_ERROR_EXISTS,
                     _("Port %u on %s is already in use by another program. Stop that program or choose "
                       "another port (phoneprovctl set …port=…)."), port, address);
      else
        g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Cannot listen on %s port %u: %s."),
                     address, port, g_strerror (e));
      return -1;
    }
  if (listen (fd, 1024) != 0)
    {
      int e = errno;
      close (fd);
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Cannot listen on port %u: %s."), port, g_strerror (e));
      return -1;
    }
  return fd;
}

static guint
fd_port (int fd)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname (fd, (struct sockaddr *) &ss, &len) != 0)
    return 0;
  return ss.ss_family == AF_INET6 ? ntohs (((struct sockaddr_in6 *) &ss)->sin6_port)
                                  : ntohs (((struct sockaddr_in *) &ss)->sin_port);
}

/* One socket per worker on the same port. A probe bound without
 * SO_REUSEPORT first makes sure no other program (or another site's daemon)
 * is silently sharing the port. */
static GPtrArray *
bind_site (const char *address, guint port, guint n, guint *bound_port, GError **error)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  int probe = open_listen_fd (address, port, FALSE, error);

  if (probe < 0)
    return NULL;
  port = fd_port (probe);
  close (probe);
  for (guint i = 0; i < n; i++)
    {
      GSocket *s;
      int fd = open_listen_fd (address, port, TRUE, error);
      if (fd < 0)
        return NULL;
      s = g_socket_new_from_fd (fd, error);
      if (s == NULL)
        {
          close (fd);
          return NULL;
        }
      g_socket_set_blocking (s, FALSE);
      g_ptr_array_add (sockets, s);
    }
  *bound_port = port;
  return g_steal_pointer (&sockets);
}

/* ---- workers ------------------------------------------------------------ */

static void
on_tls_done (GIOStream *stream, PpPeer *peer, const char *reason, const char *remedy, gpointer user_data)
{
  PendingConn *pc = user_data;

  pp_request_handshake_event (pc->worker->server, peer, reason, remedy);
  if (stream)
    pp_request_accept (pc->worker, stream, peer, pc->local, pc->remote);
  g_object_unref (pc->local);
  g_object_unref (pc->remote);
  g_free (pc);
}

/* Memory after a storm. glibc keeps what the workers' arenas freed (the
 * heap is bounded, but the resident size grew by 8-15 MB per 2,000-phone
 * storm). Once no connection was accepted and no request answered for
 * TRIM_IDLE_S, malloc_trim() gives the free pages back, once per quiet
 * spell: the check is armed by the next connection accepted or ended (a
 * compare-and-swap per connection, never per request; the load of a storm
 * is freed when its kept-alive connections time out, well after the last
 * request) and disarms itself, so an idle daemon does not wake. */
#define TRIM_IDLE_S 3

static gboolean
on_trim_check (gpointer user_data)
{
  PpServer *server = user_data;
  gint seen = g_atomic_int_get (&server->requests) + g_atomic_int_get (&server->connections);

  if (seen != server->trim_seen)
    {
      server->trim_seen = seen;
      return G_SOURCE_CONTINUE;
    }
  g_mutex_lock (&server->lock);
  g_clear_pointer (&server->trim_source, g_source_unref);
  /* From here a new connection arms a new check. */
  g_atomic_int_set (&server->trim_armed, FALSE);
  g_mutex_unlock (&server->lock);
  malloc_trim (0);
  return G_SOURCE_REMOVE;
}

void
pp_server_note_activity (PpServer *server)
{
  g_atomic_int_inc (&server->connections);
  if (server->main_context == NULL || !g_atomic_int_compare_and_exchange (&server->trim_armed, FALSE, TRUE))
    return;
  g_mutex_lock (&server->lock);
  server->trim_source = g_timeout_source_new_seconds (TRIM_IDLE_S);
  g_source_set_callback (server->trim_source, on_trim_check, server, NULL);
  g_source_attach (server->trim_source, server->main_context);
  g_mutex_unlock (&server->lock);
}

static void
handle_socket (PpWorker *worker, guint site, GSocket *sock)
{
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (sock, NULL);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (sock, NULL);
  g_autoptr(PpConfig) config = pp_server_get_config (worker->server);
  g_autoptr(PpPeer) peer = NULL;

  if (remote == NULL || local == NULL)
    {
      g_socket_close (sock, NULL);
      g_object_unref (sock);
      return;
    }
  pp_server_note_activity (worker->server);
  g_socket_set_option (sock, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  /* A peer that stops reading (or sending) for this long is dropped: the
   * socket's sources then fire and the next I/O fails with TIMED_OUT. */
  g_socket_set_timeout (sock, worker->server->io_timeout_s);
  peer = pp_peer_new (site_names[site], remote);
  if (site == PP_SITE_HTTPS)
    {
      PendingConn *pc;
      if (config->tls == NULL)
        {
          g_socket_close (sock, NULL);
          g_object_unref (sock);
          return;
        }
      pc = g_new0 (PendingConn, 1);
      pc->worker = worker;
      pc->local = g_steal_pointer (&local);
      pc->remote = g_steal_pointer (&remote);
      pp_tls_accept (config->tls, sock, peer, on_tls_done, pc);
    }
  else
    {
      g_autoptr(GSocketConnection) conn = g_socket_connection_factory_create_connection (sock);
      g_object_unref (sock);
      pp_request_accept (worker, G_IO_STREAM (conn), peer, local, remote);
    }
}

typedef struct {
  PpWorker *worker;
  guint     site;
} AcceptData;

static gboolean on_listen_ready (GSocket *listener, GIOCondition condition, gpointer user_data);

static void
attach_accept_source (PpWorker *w, guint site)
{
  AcceptData *ad = g_new0 (AcceptData, 1);
  ad->worker = w;
  ad->site = site;
  g_clear_pointer (&w->accept[site], g_source_unref);
  w->accept[site] = g_socket_create_source (w->listen[site], G_IO_IN, NULL);
  g_source_set_callback (w->accept[site], G_SOURCE_FUNC (on_listen_ready), ad, g_free);
  g_source_attach (w->accept[site], w->context);
}

static gboolean
resume_accept (gpointer user_data)
{
  AcceptData *ad = user_data;
  if (ad->worker->listen[ad->site] && ad->worker->accept[ad->site]
      && g_source_is_destroyed (ad->worker->accept[ad->site]))
    attach_accept_source (ad->worker, ad->site);
  return G_SOURCE_REMOVE;
}

static gboolean
on_listen_ready (GSocket *listener, GIOCondition condition, gpointer user_data)
{
  AcceptData *ad = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      GSocket *sock = g_socket_accept (listener, NULL, &error);
      if (sock == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
          /* Out of file descriptors or memory: the listener stays readable,
           * so pause instead of spinning, and let connections finish. */
          {
            AcceptData *again = g_new0 (AcceptData, 1);
            GSource *pause = g_timeout_source_new (100);
            static gint last_warning_s;
            gint now_s = (gint) (g_get_monotonic_time () / G_USEC_PER_SEC);
            if (now_s - g_atomic_int_get (&last_warning_s) >= 10)
              {
                g_atomic_int_set (&last_warning_s, now_s);
                g_warning ("Not accepting connections for a moment: %s", error->message);
              }
            *again = *ad;
            g_source_set_callback (pause, resume_accept, again, g_free);
            g_source_attach (pause, ad->worker->context);
            g_source_unref (pause);
          }
          return G_SOURCE_REMOVE;
        }
      handle_socket (ad->worker, ad->site, sock);
    }
  return G_SOURCE_CONTINUE;
}

typedef struct {
  PpWorker *worker;
  guint     site;
  GSocket  *socket;  /* NULL: stop listening */
} SwapListener;

static gboolean
swap_listener_in_worker (gpointer user_data)
{
  SwapListener *sl = user_data;
  PpWorker *w = sl->worker;

  if (w->accept[sl->site])
    {
      g_source_destroy (w->accept[sl->site]);
      g_clear_pointer (&w->accept[sl->site], g_source_unref);
    }
  g_clear_object (&w->listen[sl->site]);
  if (sl->socket)
    {
      w->listen[sl->site] = g_object_ref (sl->socket);
      attach_accept_source (w, sl->site);
    }
  g_clear_object (&sl->socket);
  g_free (sl);
  return G_SOURCE_REMOVE;
}

static void
worker_set_listener (PpWorker *w, guint site, GSocket *socket)
{
  SwapListener *sl = g_new0 (SwapListener, 1);
  sl->worker = w;
  sl->site = site;
  sl->socket = socket ? g_object_ref (socket) : NULL;
  g_main_context_invoke (w->context, swap_listener_in_worker, sl);
}

/* libsoup 3.2 keeps a connection alive only while the server has a
 * listener (request_finished() checks priv->listeners), and ours come in
 * through soup_server_accept_iostream(). Give it one nobody can reach: a
 * Unix socket whose path is removed right after listen(). */
static void
add_keepalive_listener (PpWorker *w)
{
  g_autofree char *name = g_strdup_printf (".worker-%d-%u.sock", (int) getpid (), w->index);
  g_autofree char *path = g_build_filename (w->server->site_dir, "run", name, NULL);
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_DEFAULT, NULL);
  g_autoptr(GSocketAddress) addr = g_unix_socket_address_new (path);
  g_autoptr(GError) error = NULL;

  unlink (path);
  if (sock == NULL || !g_socket_bind (sock, addr, FALSE, &error) || !g_socket_listen (sock, &error)
      || !soup_server_listen_socket (w->soup, sock, 0, &error))
    g_warning ("Connections will not be kept alive: %s", error ? error->message : "no socket");
  unlink (path);
}

static gpointer
worker_main (gpointer data)
{
  PpWorker *w = data;

  g_main_context_push_thread_default (w->context);
  /* raw-paths: we decode and check request paths ourselves (pp-files.c). */
  w->soup = soup_server_new ("server-header", "phoneprovd/" PACKAGE_VERSION " ", "raw-paths", TRUE, NULL);
  pp_request_setup (w);
  add_keepalive_listener (w);
  g_mutex_lock (&w->ready_lock);
  w->ready = TRUE;
  g_cond_signal (&w->ready_cond);
  g_mutex_unlock (&w->ready_lock);

  g_main_loop_run (w->loop);

  for (guint s = 0; s < PP_N_SITES; s++)
    {
      if (w->accept[s])
        g_source_destroy (w->accept[s]);
      g_clear_pointer (&w->accept[s], g_source_unref);
      g_clear_object (&w->listen[s]);
    }
  soup_server_disconnect (w->soup);
  g_clear_object (&w->soup);
  /* Let closed connections finish their cleanup. */
  while (g_main_context_iteration (w->context, FALSE))
    ;
  g_main_context_pop_thread_default (w->context);
  return NULL;
}

/* ---- lifecycle ---------------------------------------------------------- */

static gboolean
apply_listeners (PpServer *server, PpConfig *config, gboolean start, GError **error)
{
  const PpSiteConfig *want[PP_N_SITES] = { &config->http, &config->https };
  GPtrArray *fresh[PP_N_SITES] = { NULL, NULL };
  guint ports[PP_N_SITES] = { 0, 0 };
  gboolean change[PP_N_SITES] = { FALSE, FALSE };

  /* Bind everything new first, so a failure changes nothing. */
  for (guint s = 0; s < PP_N_SITES; s++)
    {
      PpListenSet *ls = &server->sites[s];
      gboolean enabled = want[s]->enabled && (s == PP_SITE_HTTP || config->tls != NULL);
      gboolean same = ls->running && enabled && g_strcmp0 (ls->address, want[s]->address) == 0
                      && (want[s]->port == ls->port || want[s]->port == ls->bound_port);

      if (start || !same)
        change[s] = TRUE;
      if (!change[s] || !enabled)
        continue;
      fresh[s] = bind_site (want[s]->address, want[s]->port, server->workers->len, &ports[s], error);
      if (fresh[s] == NULL)
        {
          g_prefix_error (error, s == PP_SITE_HTTP ? _("HTTP site: ") : _("HTTPS site: "));
          for (guint t = 0; t < s; t++)
            g_clear_pointer (&fresh[t], g_ptr_array_unref);
          return FALSE;
        }
    }
  for (guint s = 0; s < PP_N_SITES; s++)
    {
      PpListenSet *ls = &server->sites[s];
      if (!change[s])
        continue;
      for (guint i = 0; i < server->workers->len; i++)
        worker_set_listener (server->workers->pdata[i], s, fresh[s] ? fresh[s]->pdata[i] : NULL);
      g_clear_pointer (&ls->sockets, g_ptr_array_unref);
      g_free (ls->address);
      ls->address = g_strdup (want[s]->address);
      ls->port = want[s]->port;
      ls->bound_port = ports[s];
      ls->sockets = fresh[s];
      ls->running = fresh[s] != NULL;
    }
  g_free (server->sites[PP_SITE_HTTPS].error);
  server->sites[PP_SITE_HTTPS].error = g_strdup (config->https.enabled ? config->tls_error : NULL);
  return TRUE;
}

gboolean
pp_server_set_selftest (PpServer *server, const char *anchor_pem, const char *cert_sha256, guint seconds,
                        GError **error)
{
  g_autoptr(PpConfig) config = pp_server_get_config (server);

  if (config->tls == NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_FAILED,
                   _("The HTTPS site is not running, so there is nothing to self-test: %s"),
                   config->tls_error ? config->tls_error : _("it is disabled."));
      return FALSE;
    }
  if (!pp_tls_context_set_selftest (config->tls, anchor_pem, cert_sha256, seconds, error))
    return FALSE;
  if (anchor_pem)
    g_message (_("Self-test: accepting the client certificate with SHA-256 %s for %u seconds, verified against a "
                 "throwaway CA held in memory (not added to the trust store)."), cert_sha256, seconds);
  return TRUE;
}

gboolean
pp_server_start (PpServer *server, GError **error)
{
  guint n = server->config->workers;
  gint64 started;

  g_clear_pointer (&server->main_context, g_main_context_unref);
  server->main_context = g_main_context_ref_thread_default ();
  started = g_date_time_to_unix (server->started) * G_USEC_PER_SEC
            + g_date_time_get_microsecond (server->started);

  /* Before any upload of ours can start: what is there and unlocked now was
   * left by a crash. The site's own temporaries too: a phoneprovctl or
   * wizard writing now holds its lock and is left alone. */
  pp_upload_remove_stale (server->config->boot_dir, started);
  pp_upload_remove_stale_site (server->site_dir, started);
  for (guint i = 0; i < n; i++)
    {
      PpWorker *w = g_new0 (PpWorker, 1);
      g_autofree char *name = g_strdup_printf ("pp-worker-%u", i);
      w->server = server;
      w->index = i;
      w->context = g_main_context_new ();
      w->loop = g_main_loop_new (w->context, FALSE);
      g_mutex_init (&w->ready_lock);
      g_cond_init (&w->ready_cond);
      w->thread = g_thread_new (name, worker_main, w);
      g_mutex_lock (&w->ready_lock);
      while (!w->ready)
        g_cond_wait (&w->ready_cond, &w->ready_lock);
      g_mutex_unlock (&w->ready_lock);
      g_ptr_array_add (server->workers, w);
    }
  if (!apply_listeners (server, server->config, TRUE, error))
    {
      pp_server_stop (server);
      return FALSE;
    }
  {
    JsonObject *ev = json_object_new ();
    json_object_set_string_member (ev, "type", "server");
    json_object_set_string_member (ev, "reason", "started");
    pp_events_emit (server->events, ev);
  }
  return TRUE;
}

gboolean
pp_server_reload (PpServer *server, GError **error)
{
  g_autoptr(PpConfig) fresh = pp_config_load (server->site_dir, error);
  PpConfig *old;
  JsonObject *ev;
  gboolean ok = fresh != NULL;

  if (ok)
    {
      /* The worker count is fixed for the life of the process. */
      fresh->workers = server->workers->len;
      ok = apply_listeners (server, fresh, FALSE, error);
    }
  if (!ok)
    {
      /* The monitor shows why the change did not take. */
      ev = json_object_new ();
      json_object_set_string_member (ev, "type", "server");
      json_object_set_string_member (ev, "result", "reload-failed");
      json_object_set_string_member (ev, "reason", error && *error ? (*error)->message : "?");
      g_free (server->reload_error);
      server->reload_error = g_strdup_printf (_("The last reload failed, the previous configuration is "
                                                "still running: %s"), error && *error ? (*error)->message : "?");
      json_object_set_string_member (ev, "remedy", _("The previous configuration keeps running; fix the "
                                                     "problem and reload again."));
      pp_events_emit (server->events, ev);
      return FALSE;
    }
  g_mutex_lock (&server->lock);
  old = server->config;
  server->config = pp_config_ref (fresh);
  g_mutex_unlock (&server->lock);
  pp_config_unref (old);

  g_clear_pointer (&server->reload_error, g_free);
  ev = json_object_new ();
  json_object_set_string_member (ev, "type", "server");
  json_object_set_string_member (ev, "reason", "reloaded");
  pp_events_emit (server->events, ev);
  /* What the old configuration logged is on disk when a reload returns. */
  pp_events_flush (server->events);
  return TRUE;
}

static gboolean
quit_worker (gpointer data)
{
  g_main_loop_quit (((PpWorker *) data)->loop);
  return G_SOURCE_REMOVE;
}

void
pp_server_stop (PpServer *server)
{
  if (server->workers->len > 0)
    {
      JsonObject *ev = json_object_new ();
      json_object_set_string_member (ev, "type", "server");
      json_object_set_string_member (ev, "reason", "stopping");
      pp_events_emit (server->events, ev);
    }
  for (guint i = 0; i < server->workers->len; i++)
    {
      PpWorker *w = server->workers->pdata[i];
      g_main_context_invoke (w->context, quit_worker, w);
      g_thread_join (w->thread);
      g_main_loop_unref (w->loop);
      g_main_context_unref (w->context);
      g_mutex_clear (&w->ready_lock);
      g_cond_clear (&w->ready_cond);
      g_free (w);
    }
  g_ptr_array_set_size (server->workers, 0);
  /* No worker is left to arm it again. */
  g_mutex_lock (&server->lock);
  if (server->trim_source)
    g_source_destroy (server->trim_source);
  g_clear_pointer (&server->trim_source, g_source_unref);
  g_atomic_int_set (&server->trim_armed, FALSE);
  g_mutex_unlock (&server->lock);
  pp_events_flush (server->events);
  for (guint s = 0; s < PP_N_SITES; s++)
    {
      g_clear_pointer (&server->sites[s].sockets, g_ptr_array_unref);
      server->sites[s].running = FALSE;
    }
}

void
pp_server_free (PpServer *server)
{
  if (server == NULL)
    return;
  pp_server_stop (server);
  for (guint s = 0; s < PP_N_SITES; s++)
    {
      g_free (server->sites[s].address);
      g_free (server->sites[s].error);
    }
  g_ptr_array_unref (server->workers);
  pp_events_free (server->events);
  pp_digest_free (server->digest);
  pp_config_unref (server->config);
  g_date_time_unref (server->started);
  g_clear_pointer (&server->main_context, g_main_context_unref);
  g_mutex_clear (&server->lock);
  g_free (server->reload_error);
  g_free (server->site_dir);
  g_free (server);
}

/* ---- status ------------------------------------------------------------- */

static void
add_site_status (JsonBuilder *b, PpServer *server, PpConfig *config, guint s)
{
  PpListenSet *ls = &server->sites[s];
  const PpSiteConfig *sc = s == PP_SITE_HTTP ? &config->http : &config->https;
  const char *host = g_strcmp0 (ls->address, "*") == 0 || ls->address == NULL ? "127.0.0.1" : ls->address;
  g_autofree char *url = NULL;

  if (strchr (host, ':'))
    url = g_strdup_printf ("%s://[%s]:%u/", site_names[s], host, ls->bound_port);
  else
    url = g_strdup_printf ("%s://%s:%u/", site_names[s], host, ls->bound_port);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, site_names[s]);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, sc->enabled);
  json_builder_set_member_name (b, "running");
  json_builder_add_boolean_value (b, ls->running);
  json_builder_set_member_name (b, "address");
  json_builder_add_string_value (b, sc->address);
  json_builder_set_member_name (b, "port");
  json_builder_add_int_value (b, ls->running ? ls->bound_port : sc->port);
  json_builder_set_member_name (b, "url");
  json_builder_add_string_value (b, ls->running ? url : "");
  json_builder_set_member_name (b, "digest");
  json_builder_add_boolean_value (b, sc->digest);
  if (s == PP_SITE_HTTPS)
    {
      static const char *const cc[] = { "required", "optional", "off" };
      json_builder_set_member_name (b, "client_certs");
      json_builder_add_string_value (b, cc[config->client_certs]);
      json_builder_set_member_name (b, "bind_mac");
      json_builder_add_boolean_value (b, config->bind_mac);
      if (config->tls)
        {
          json_builder_set_member_name (b, "profile");
          json_builder_add_string_value (b, pp_tls_context_get_profile (config->tls));
          json_builder_set_member_name (b, "trust_anchors");
          json_builder_add_int_value (b, pp_tls_context_get_n_anchors (config->tls));
          json_builder_set_member_name (b, "server_cert");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "subject");
          json_builder_add_string_value (b, pp_tls_context_get_server_subject (config->tls));
          json_builder_set_member_name (b, "not_after");
          json_builder_add_string_value (b, pp_tls_context_get_server_not_after (config->tls));
          json_builder_end_object (b);
        }
      if (ls->error)
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, ls->error);
        }
    }
  json_builder_end_object (b);
}

JsonNode *
pp_server_status (PpServer *server)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(PpConfig) config = pp_server_get_config (server);
  g_autofree char *started = g_date_time_format_iso8601 (server->started);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, pp_server_version ());
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, getpid ());
  json_builder_set_member_name (b, "site");
  json_builder_add_string_value (b, server->site_dir);
  json_builder_set_member_name (b, "boot_dir");
  json_builder_add_string_value (b, config->boot_dir);
  json_builder_set_member_name (b, "started");
  json_builder_add_string_value (b, started);
  json_builder_set_member_name (b, "workers");
  json_builder_add_int_value (b, server->workers->len);
  json_builder_set_member_name (b, "sites");
  json_builder_begin_array (b);
  for (guint s = 0; s < PP_N_SITES; s++)
    add_site_status (b, server, config, s);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "requests");
  json_builder_add_int_value (b, g_atomic_int_get (&server->requests));
  /* Connections libsoup still holds (open, or closed and not yet let go). */
  json_builder_set_member_name (b, "connections");
  json_builder_add_int_value (b, pp_keepalive_count ());
  json_builder_set_member_name (b, "events");
  json_builder_add_int_value (b, (gint64) pp_events_last_seq (server->events));
  json_builder_set_member_name (b, "errors");
  json_builder_begin_array (b);
  for (guint s = 0; s < PP_N_SITES; s++)
    if (server->sites[s].error)
      json_builder_add_string_value (b, server->sites[s].error);
  if (server->reload_error)
    json_builder_add_string_value (b, server->reload_error);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
