/* Per-request work on the worker threads: authentication, client-certificate
 * binding, file service, uploads, access log and events. */
#include "config.h"
#include "pp-server-private.h"
#include "pp-files.h"
#include "pp-hangup.h"
#include "pp-keepalive.h"
#include "pp-upload.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#define PEER_KEY "pp-peer"
#define CONN_KEY "pp-conn"
#define STATE_KEY "pp-request"
/* A new connection's first request headers, and any request's headers
 * from its first byte, must arrive within HEADER_TIMEOUT_S; a body must
 * move at least BODY_MIN_BYTES per BODY_WINDOW_S. Phones send small
 * requests quickly; slowloris clients do not. */
#define HEADER_TIMEOUT_S 10
#define BODY_WINDOW_S 10
#define BODY_MIN_BYTES 4096
/* A connection that has completed a request may wait this long for the
 * next one: clients reuse it seconds later, late under load, and a close
 * that crosses their request costs them a send error. They are told less
 * (Keep-Alive: timeout=), so a client that honours it closes first. */
#define KEEPALIVE_IDLE_S 30
#define KEEPALIVE_ANNOUNCED_S "25"

typedef struct {
  PpConfig *config;
  PpPeer   *peer;
  char     *file;       /* resolved path in the boot directory */
  int       fd;         /* file opened by the resolution, or -1 */
  char     *user;       /* digest user */
  char     *reason;
  char     *remedy;
  guint64   bytes;
  PpUpload *upload;
  gboolean  uploaded;
  gboolean  too_large;
  GSource  *deadline;
  guint64   window_bytes;
  PpKeepalive *conn;    /* owned by the remote address object */
  GSocketAddress *remote;
} RequestState;

static void
clear_deadline (RequestState *st)
{
  if (st->deadline)
    {
      g_source_destroy (st->deadline);
      g_clear_pointer (&st->deadline, g_source_unref);
    }
}

static void
request_state_free (gpointer data)
{
  RequestState *st = data;
  clear_deadline (st);
  g_clear_object (&st->remote);
  pp_upload_free (st->upload);
  g_clear_pointer (&st->config, pp_config_unref);
  g_clear_pointer (&st->peer, pp_peer_unref);
  g_free (st->file);
  if (st->fd >= 0)
    close (st->fd);
  g_free (st->user);
  g_free (st->reason);
  g_free (st->remedy);
  g_free (st);
}

static RequestState *
get_state (SoupServerMessage *msg)
{
  return g_object_get_data (G_OBJECT (msg), STATE_KEY);
}

/* Sets the status and, when given, the plain-language reason and remedy. */
static void
refuse (SoupServerMessage *msg, RequestState *st, guint status, char *reason, const char *remedy)
{
  soup_server_message_set_status (msg, status, NULL);
  g_free (st->reason);
  g_free (st->remedy);
  st->reason = reason;
  st->remedy = g_strdup (remedy);
}

/* Twelve hex digits at the start of a file name, other than the shared
 * 000000000000 files. */
static char *
name_mac (const char *name)
{
  for (guint i = 0; i < 12; i++)
    if (!g_ascii_isxdigit (name[i]))
      return NULL;
  if (g_ascii_isxdigit (name[12]) || strncmp (name, "000000000000", 12) == 0)
    return NULL;
  return g_ascii_strdown (name, 12);
}

static char *
request_target (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query;

  /* libsoup answers some malformed requests (e.g. "CONNECT /path") with
   * 400 itself and leaves them without a URI; they are still logged. */
  if (uri == NULL)
    return g_strdup ("");
  query = g_uri_get_query (uri);
  return query ? g_strconcat (g_uri_get_path (uri), "?", query, NULL) : g_strdup (g_uri_get_path (uri));
}

static gboolean
check_digest (PpServer *server, SoupServerMessage *msg, RequestState *st)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  g_autofree char *target = request_target (msg);
  g_autofree char *reason = NULL;
  g_autofree char *challenge = NULL;
  PpDigestResult r;

  r = pp_digest_check (server->digest, st->config->users, st->config->realm,
                       soup_server_message_get_method (msg), target,
                       soup_message_headers_get_one (req, "Authorization"), &st->user, &reason);
  if (r == PP_DIGEST_OK)
    return TRUE;
  challenge = pp_digest_challenge (server->digest, st->config->realm, r == PP_DIGEST_STALE);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate", challenge);
  refuse (msg, st, SOUP_STATUS_UNAUTHORIZED, g_steal_pointer (&reason),
          r == PP_DIGEST_REFUSED
          ? _("Check the Server User and Server Password on the phone (Settings > Advanced > Admin Settings > "
              "Network Configuration > Provisioning Server) against the phone account of this site.")
          : NULL);
  return FALSE;
}

static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  RequestState *st = get_state (msg);
  gsize len;
  const void *data = g_bytes_get_data (chunk, &len);

  if (st && st->upload && !pp_upload_write (st->upload, data, len) && pp_upload_too_large (st->upload))
    {
      /* Over the limit: drop the partial file at once; the rest of the
       * body is read and discarded, then answered with 413. */
      st->too_large = TRUE;
      st->bytes = pp_upload_get_size (st->upload);
      g_clear_pointer (&st->upload, pp_upload_free);
    }
  if (st)
    st->window_bytes += len;
}

static void
on_got_body (SoupServerMessage *msg, gpointer user_data)
{
  RequestState *st = get_state (msg);
  if (st)
    clear_deadline (st);
}

static gboolean
on_deadline (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  RequestState *st = get_state (msg);
  g_autoptr(GIOStream) stream = NULL;

  if (st->deadline && st->window_bytes >= BODY_MIN_BYTES)
    {
      /* The body is moving: give it another window. */
      st->window_bytes = 0;
      return G_SOURCE_CONTINUE;
    }
  g_clear_pointer (&st->deadline, g_source_unref);
  g_free (st->reason);
  st->reason = g_strdup (_("The client sent its request too slowly; the connection was closed."));
  stream = st->conn ? pp_keepalive_get_stream (st->conn) : NULL;
  if (stream)
    g_io_stream_close (stream, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void
start_deadline (SoupServerMessage *msg, RequestState *st, guint seconds)
{
  clear_deadline (st);
  st->window_bytes = 0;
  st->deadline = g_timeout_source_new_seconds (seconds);
  g_source_set_callback (st->deadline, on_deadline, msg, NULL);
  g_source_attach (st->deadline, g_main_context_get_thread_default ());
}

static void
on_got_headers (SoupServerMessage *msg, gpointer user_data)
{
  RequestState *st = get_state (msg);
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupEncoding enc = soup_message_headers_get_encoding (req);

  if (st == NULL)
    return;
  /* libsoup closes after answering "Connection: close" but does not say
   * so; clients that miss it reuse the dead connection and fail. */
  if (soup_message_headers_header_contains (req, "Connection", "close"))
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  else if (soup_server_message_get_http_version (msg) == SOUP_HTTP_1_1)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Keep-Alive",
                                  "timeout=" KEEPALIVE_ANNOUNCED_S);
  /* No request body is ever needed in memory: uploads stream to disk, and
   * refused ones (401/403/413 without Expect) are read and dropped. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  clear_deadline (st);
  /* Only a request with a body needs the body watched: connecting these
   * for every GET cost two signal connections a request (≈ 4,000
   * instructions with their teardown). A request without Content-Length
   * or chunked encoding has no body (RFC 9112 §6.3). */
  if (enc == SOUP_ENCODING_CHUNKED
      || (enc == SOUP_ENCODING_CONTENT_LENGTH && soup_message_headers_get_content_length (req) > 0))
    {
      g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), NULL);
      g_signal_connect (msg, "got-body", G_CALLBACK (on_got_body), NULL);
      start_deadline (msg, st, BODY_WINDOW_S);
    }
}

static void
on_request_started (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  PpWorker *w = user_data;
  RequestState *st = g_new0 (RequestState, 1);
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  PpPeer *peer = remote ? g_object_get_data (G_OBJECT (remote), PEER_KEY) : NULL;

  st->fd = -1;

  /* The snapshot this request runs under, whatever reloads happen meanwhile. */
  st->config = pp_server_get_config (w->server);
  st->peer = peer ? pp_peer_ref (peer) : pp_peer_new ("http", remote);
  if (remote)
    {
      st->remote = g_object_ref (remote);
      st->conn = g_object_get_data (G_OBJECT (remote), CONN_KEY);
      /* The next request has begun: from here HEADER_TIMEOUT_S applies. */
      if (st->conn)
        pp_keepalive_busy (st->conn);
    }
  g_object_set_data_full (G_OBJECT (msg), STATE_KEY, st, request_state_free);
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), NULL);
  start_deadline (msg, st, HEADER_TIMEOUT_S);
}

static void
early_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer user_data)
{
  PpWorker *w = user_data;
  RequestState *st = get_state (msg);
  const char *method = soup_server_message_get_method (msg);
  gboolean is_put = method == SOUP_METHOD_PUT;
  gboolean https = g_strcmp0 (st->peer->site, "https") == 0;
  const PpSiteConfig *site = https ? &st->config->https : &st->config->http;
  g_autofree char *reason = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file_mac = NULL;

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD && !is_put)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD, PUT");
      refuse (msg, st, SOUP_STATUS_METHOD_NOT_ALLOWED,
              g_strdup_printf (_("The method %s is not used by phones and not supported."), method), NULL);
      return;
    }
  if (site->digest && !check_digest (w->server, msg, st))
    return;

  st->file = pp_files_resolve_in (st->config->boot, g_uri_get_path (soup_server_message_get_uri (msg)),
                                  is_put ? PP_PATH_WRITE : PP_PATH_READ, &st->fd, &reason);
  if (st->file == NULL)
    {
      refuse (msg, st, SOUP_STATUS_FORBIDDEN, g_steal_pointer (&reason),
              _("Nothing to do: requests for anything outside the boot directory are always refused."));
      return;
    }
  name = g_path_get_basename (st->file);
  file_mac = name_mac (name);

  if (https && st->config->bind_mac
      && ((file_mac && g_strcmp0 (file_mac, st->peer->mac) != 0) || (is_put && file_mac == NULL)))
    {
      refuse (msg, st, SOUP_STATUS_FORBIDDEN,
              st->peer->mac
              ? g_strdup_printf (_("The phone with certificate MAC %s may not %s “%s”: with https.bind-mac on, "
                                   "a phone reads and writes only its own <MAC> files."),
                                 st->peer->mac, is_put ? _("write") : _("read"), name)
              : g_strdup_printf (_("“%s” is a per-phone file and the client's certificate names no MAC address."),
                                 name),
              _("If phones legitimately share files, turn https.bind-mac off."));
      return;
    }

  if (!is_put)
    return;
  if (!pp_config_upload_allowed (st->config, name))
    {
      g_autofree char *patterns = g_strjoinv (";", st->config->upload_patterns);
      refuse (msg, st, SOUP_STATUS_FORBIDDEN,
              g_strdup_printf (_("Uploading “%s” is not allowed; phones may upload only %s."), name, patterns),
              _("If phones should upload this file, add its name pattern to boot.upload-patterns."));
      return;
    }
  {
    SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
    goffset declared = soup_message_headers_get_encoding (req) == SOUP_ENCODING_CONTENT_LENGTH
                       ? soup_message_headers_get_content_length (req) : -1;
    g_autoptr(GError) error = NULL;

    /* Refused here, before "100 Continue", so the body is never sent. */
    if (declared > 0 && (guint64) declared > st->config->upload_max)
      {
        refuse (msg, st, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                g_strdup_printf (_("The upload of “%s” (%" G_GINT64_FORMAT " bytes) is larger than the limit of "
                                   "%" G_GUINT64_FORMAT " bytes."), name, (gint64) declared, st->config->upload_max),
                _("Raise boot.upload-max-bytes if uploads this large are expected."));
        return;
      }
    st->upload = pp_upload_begin (st->file, st->config->upload_max, &error);
    if (st->upload == NULL)
      {
        refuse (msg, st, SOUP_STATUS_INTERNAL_SERVER_ERROR, g_strdup (error->message),
                _("Check that phoneprovd may write to the boot directory and that the disk is not full."));
        return;
      }
  }
}

/* The file changed under a running download (pp-files.c): end the
 * connection, the client then sees a short body. */
static gboolean
on_transfer_abort (SoupServerMessage *msg, const char *reason, gpointer user_data)
{
  RequestState *st = get_state (msg);
  g_autoptr(GIOStream) stream = st && st->conn ? pp_keepalive_get_stream (st->conn) : NULL;

  if (stream == NULL)
    return FALSE;
  refuse (msg, st, soup_server_message_get_status (msg), g_strdup (reason),
          _("Replace boot files by copying the new version under another name and renaming it over the old "
            "one; downloads already running then finish with the old version."));
  g_io_stream_close (stream, NULL, NULL);
  return TRUE;
}

static void
handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  RequestState *st = get_state (msg);
  g_autofree char *reason = NULL;

  if (st->file == NULL)
    return;
  if (soup_server_message_get_method (msg) != SOUP_METHOD_PUT)
    {
      int fd = st->fd;

      st->fd = -1; /* taken over */
      st->bytes = pp_files_serve (msg, st->file, fd, on_transfer_abort, NULL, &reason);
      if (soup_server_message_get_method (msg) == SOUP_METHOD_HEAD)
        st->bytes = 0; /* the length was announced, nothing was sent */
      else if (st->bytes > 0 && reason == NULL && st->conn)
        {
          /* libsoup writes the headers now and the body right after: one
           * TLS record for both (see pp_tls_stream_cork_next). */
          g_autoptr(GIOStream) stream = pp_keepalive_get_stream (st->conn);
          if (stream)
            pp_tls_stream_cork_next (stream);
        }
      if (reason)
        refuse (msg, st, soup_server_message_get_status (msg), g_steal_pointer (&reason),
                soup_server_message_get_status (msg) == SOUP_STATUS_NOT_FOUND
                ? _("Copy the file into the boot directory if phones need it; phones also ask for optional "
                    "<MAC> files that may be absent.")
                : NULL);
      return;
    }
  if (st->too_large)
    {
      refuse (msg, st, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
              g_strdup_printf (_("The upload is larger than the limit of %" G_GUINT64_FORMAT " bytes."),
                               st->config->upload_max),
              _("Raise boot.upload-max-bytes if uploads this large are expected."));
      return;
    }
  if (st->upload == NULL)
    return;
  st->bytes = pp_upload_get_size (st->upload);
  {
    g_autoptr(GError) error = NULL;
    gboolean created = FALSE;
    if (!pp_upload_commit (st->upload, &created, &error))
      {
        g_clear_pointer (&st->upload, pp_upload_free);
        refuse (msg, st, SOUP_STATUS_INSUFFICIENT_STORAGE, g_strdup (error->message),
                _("Check free space and permissions of the boot directory."));
        return;
      }
    st->uploaded = TRUE;
    g_clear_pointer (&st->upload, pp_upload_free);
    /* A replaced file gets 200 with an empty body, not 204: libsoup 3.2
     * strips Content-Length from a 204 and then treats the response as
     * "ends at EOF", closing the connection, so every phone replacing its
     * log would pay a new TLS handshake (RFC 9110 allows either code). */
    soup_server_message_set_status (msg, created ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, NULL);
    soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg), 0);
  }
}

/* One access-log line per request must stay one line with parseable
 * quotes whatever a client sends: escape quotes, backslashes, control and
 * non-ASCII bytes (as g_strescape() does; most fields need nothing). */
static void
log_field (GString *line, const char *value)
{
  const char *p;

  if (value == NULL)
    {
      g_string_append_c (line, '-');
      return;
    }
  for (p = value; *p; p++)
    if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f || *p == '"' || *p == '\\')
      break;
  if (*p == '\0')
    g_string_append_len (line, value, p - value);
  else
    {
      g_autofree char *escaped = g_strescape (value, NULL);
      g_string_append (line, escaped);
    }
}

/* The access-log line and the monitor event, built as text: this runs for
 * every request, and a json-glib object, g_date_time_format() and printf
 * cost ≈ 108,000 instructions a request (BENCHMARKS.md). */
static void
log_request (PpServer *server, SoupServerMessage *msg, gboolean aborted)
{
  RequestState *st = get_state (msg);
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  const char *ua = soup_message_headers_get_one (req, "User-Agent");
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *target = request_target (msg);
  g_autofree char *model = NULL, *firmware = NULL;
  g_autofree char *mac = NULL;
  guint status = aborted ? 0 : soup_server_message_get_status (msg);
  GString *line, *ev;

  if (st == NULL)
    return;
  g_atomic_int_inc (&server->requests);
  if (st->peer->mac)
    mac = g_strdup (st->peer->mac);
  else if (st->file)
    {
      g_autofree char *base = g_path_get_basename (st->file);
      mac = name_mac (base);
    }
  pp_user_agent_parse (ua, &model, &firmware);

  line = g_string_sized_new (256);
  g_string_append (line, pp_events_time_text ());
  g_string_append_c (line, ' ');
  g_string_append (line, st->peer->address);
  g_string_append (line, " \"");
  log_field (line, st->peer->subject);
  g_string_append (line, "\" ");
  g_string_append (line, st->peer->tls_version ? st->peer->tls_version : "-");
  g_string_append_c (line, ' ');
  g_string_append (line, st->peer->cipher ? st->peer->cipher : "-");
  g_string_append_c (line, ' ');
  g_string_append (line, method);
  g_string_append_c (line, ' ');
  log_field (line, target);
  g_string_append_c (line, ' ');
  pp_json_append_uint (line, status);
  g_string_append_c (line, ' ');
  pp_json_append_uint (line, st->uploaded || status / 100 == 2 ? st->bytes : 0);
  g_string_append (line, " \"");
  log_field (line, ua);
  g_string_append (line, aborted ? "\" aborted" : "\"");
  pp_events_access_log_len (server->events, line->str, line->len);
  g_string_free (line, TRUE);

  /* A request event is 500–700 bytes: room for it at once, the ring
   * gets a copy of the right size (pp_events_emit_string). */
  ev = g_string_sized_new (1024);
  g_string_append_c (ev, '{');
  pp_json_add_string (ev, "type", st->uploaded ? "upload" : "request");
  pp_json_add_string (ev, "site", st->peer->site);
  pp_json_add_string (ev, "peer", st->peer->address);
  pp_json_add_string (ev, "method", method);
  pp_json_add_string (ev, "path", target);
  pp_json_add_int (ev, "status", status);
  pp_json_add_int (ev, "bytes", (gint64) (status / 100 == 2 ? st->bytes : 0));
  pp_json_add_string (ev, "user_agent", ua);
  pp_json_add_string (ev, "model", model);
  pp_json_add_string (ev, "firmware", firmware);
  pp_json_add_string (ev, "mac", mac);
  pp_json_add_string (ev, "subject", st->peer->subject);
  pp_json_add_string (ev, "tls_version", st->peer->tls_version);
  pp_json_add_string (ev, "cipher", st->peer->cipher);
  pp_json_add_string (ev, "user", st->user);
  pp_json_add_string (ev, "reason", st->reason ? st->reason
                      : aborted ? _("The connection ended before the transfer finished: the client closed it, or stopped reading and timed out.") : NULL);
  pp_json_add_string (ev, "remedy", st->remedy);
  pp_events_emit_string (server->events, ev);
}

/* The connection goes idle until the client's next request: notice if the
 * client hangs up instead (libsoup 3.2 does not, see pp-hangup.h), and
 * close it if no request comes within KEEPALIVE_IDLE_S. */
static void
watch_for_hangup (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  PpKeepalive *conn = remote ? g_object_get_data (G_OBJECT (remote), CONN_KEY) : NULL;

  if (conn)
    pp_keepalive_idle (conn, msg);
}

static void
on_request_finished (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  log_request (((PpWorker *) user_data)->server, msg, FALSE);
  watch_for_hangup (msg);
}

static void
on_request_aborted (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  log_request (((PpWorker *) user_data)->server, msg, TRUE);
  watch_for_hangup (msg);
}

void
pp_request_setup (PpWorker *w)
{
  g_signal_connect (w->soup, "request-started", G_CALLBACK (on_request_started), w);
  g_signal_connect (w->soup, "request-finished", G_CALLBACK (on_request_finished), w);
  g_signal_connect (w->soup, "request-aborted", G_CALLBACK (on_request_aborted), w);
  /* An early handler also needs a normal one at the same path (DESIGN.md §7). */
  soup_server_add_early_handler (w->soup, NULL, early_handler, w, NULL);
  soup_server_add_handler (w->soup, NULL, handler, w, NULL);
}

void
pp_request_accept (PpWorker *w, GIOStream *stream, PpPeer *peer, GSocketAddress *local, GSocketAddress *remote)
{
  g_autoptr(GError) error = NULL;
  /* libsoup hands this very address object back for every message of the
   * connection, so the peer rides on it; no keep-alive pitfall. */
  PpKeepalive *conn = pp_keepalive_new (stream, KEEPALIVE_IDLE_S);

  g_object_set_data_full (G_OBJECT (remote), PEER_KEY, pp_peer_ref (peer), (GDestroyNotify) pp_peer_unref);
  g_object_set_data_full (G_OBJECT (remote), CONN_KEY, conn, pp_keepalive_free);
  /* A connection let go of arms the idle malloc_trim() (pp-server.c). */
  g_object_set_data_full (G_OBJECT (remote), "pp-activity", w->server, (GDestroyNotify) pp_server_note_activity);
  if (!soup_server_accept_iostream (w->soup, stream, local, remote, &error))
    g_debug ("accept failed: %s", error->message);
  else
    {
      /* Before the first request libsoup handles a hang-up itself; the
       * watch only closes the socket early. */
      GSource *watch = pp_hangup_watch (stream, NULL, NULL);
      if (watch)
        g_source_unref (watch);
    }
}

void
pp_request_handshake_event (PpServer *server, PpPeer *peer, const char *reason, const char *remedy)
{
  GString *ev = g_string_sized_new (512);

  /* Two per phone: built as text like the request events. */
  g_string_append_c (ev, '{');
  pp_json_add_string (ev, "type", "handshake");
  pp_json_add_string (ev, "result", reason ? "refused" : "accepted");
  pp_json_add_string (ev, "site", peer->site);
  pp_json_add_string (ev, "peer", peer->address);
  pp_json_add_string (ev, "subject", peer->subject);
  pp_json_add_string (ev, "mac", peer->mac);
  pp_json_add_string (ev, "tls_version", peer->tls_version);
  pp_json_add_string (ev, "cipher", peer->cipher);
  pp_json_add_bool (ev, "resumed", peer->resumed);
  if (peer->chain)
    pp_json_add_strv (ev, "chain", peer->chain);
  if (peer->expired_accepted)
    {
      /* Opt-in, but never quiet. */
      g_autofree char *warn = g_strdup_printf (_("Accepted the expired Polycom device certificate “%s” because "
                                                 "https.accept-expired-polycom is on."), peer->subject);
      g_warning ("%s", warn);
      pp_json_add_string (ev, "reason", warn);
      pp_json_add_string (ev, "remedy", _("Plan to replace this phone's device certificate."));
    }
  else
    {
      pp_json_add_string (ev, "reason", reason);
      pp_json_add_string (ev, "remedy", remedy);
    }
  if (reason)
    {
      g_autofree char *line = g_strdup_printf ("%s %s \"%s\" - - TLS-REFUSED - 0 0 \"-\" %s", pp_events_time_text (),
                                               peer->address, peer->subject ? peer->subject : "-", reason);
      pp_events_access_log (server->events, line);
    }
  pp_events_emit_string (server->events, ev);
}
