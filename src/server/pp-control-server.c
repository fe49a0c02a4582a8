/* Control API server, see pp-control-server.h. */
#include "config.h"
#include "pp-control-server.h"
#include "pp-error.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_POLL_MS 60000
#define MAX_EVENTS_PER_REPLY 500

struct _PpControlServer {
  PpServer    *server;
  SoupServer  *soup;
  char        *socket_path;
  GSourceFunc  stop;
  gpointer     stop_data;
  GList       *waiters;
};

typedef struct {
  PpControlServer   *control;
  SoupServerMessage *msg;
  guint64            after;
  GSource           *timeout;
} Waiter;

static void
reply_json (SoupServerMessage *msg, guint status, const char *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
reply_node (SoupServerMessage *msg, guint status, JsonNode *node)
{
  g_autofree char *text = json_to_string (node, TRUE);
  reply_json (msg, status, text);
}

static void
reply_error (SoupServerMessage *msg, guint status, const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  reply_node (msg, status, root);
}

static void
waiter_free (Waiter *w)
{
  pp_events_watch (pp_server_get_events (w->control->server), -1);
  if (w->timeout)
    {
      g_source_destroy (w->timeout);
      g_source_unref (w->timeout);
    }
  g_object_unref (w->msg);
  g_free (w);
}

static void
waiter_answer (Waiter *w)
{
  g_autofree char *json = pp_events_since_json (pp_server_get_events (w->control->server), w->after,
                                                MAX_EVENTS_PER_REPLY, NULL);
  w->control->waiters = g_list_remove (w->control->waiters, w);
  g_signal_handlers_disconnect_by_data (w->msg, w);
  reply_json (w->msg, SOUP_STATUS_OK, json);
  soup_server_message_unpause (w->msg);
  waiter_free (w);
}

static gboolean
on_waiter_timeout (gpointer data)
{
  Waiter *w = data;
  g_clear_pointer (&w->timeout, g_source_unref);
  waiter_answer (w);
  return G_SOURCE_REMOVE;
}

static void
on_waiter_gone (SoupServerMessage *msg, gpointer data)
{
  Waiter *w = data;
  w->control->waiters = g_list_remove (w->control->waiters, w);
  g_signal_handlers_disconnect_by_data (msg, w);
  waiter_free (w);
}

static gboolean
on_events (gpointer data)
{
  PpControlServer *control = data;
  guint64 last = pp_events_last_seq (pp_server_get_events (control->server));
  GList *copy = g_list_copy (control->waiters);

  for (GList *l = copy; l; l = l->next)
    if (((Waiter *) l->data)->after < last)
      waiter_answer (l->data);
  g_list_free (copy);
  return G_SOURCE_REMOVE;
}

static guint64
query_uint (GHashTable *query, const char *key, guint64 fallback)
{
  const char *v = query ? g_hash_table_lookup (query, key) : NULL;
  guint64 n;
  return v && g_ascii_string_to_unsigned (v, 10, 0, G_MAXUINT64, &n, NULL) ? n : fallback;
}

static gboolean
stop_soon (gpointer data)
{
  PpControlServer *control = data;
  control->stop (control->stop_data);
  return G_SOURCE_REMOVE;
}

/* The socket is 0600 in a 0700 folder; this holds even if someone loosens
 * those modes: only the daemon's own user and root may control it. */
static gboolean
peer_allowed (SoupServerMessage *msg, uid_t *uid_out)
{
  GSocket *sock = soup_server_message_get_socket (msg);
  g_autoptr(GCredentials) creds = sock ? g_socket_get_credentials (sock, NULL) : NULL;
  uid_t uid;

  if (creds == NULL)
    return FALSE;
  uid = g_credentials_get_unix_user (creds, NULL);
  *uid_out = uid;
  return uid == 0 || uid == geteuid ();
}

/* Members of the wrong type read as absent (json-glib's getters would
 * raise a CRITICAL). */
static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return n && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : NULL;
}

static guint
member_seconds (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  gint64 v = n && json_node_get_value_type (n) == G_TYPE_INT64 ? json_node_get_int (n) : 0;
  return (guint) CLAMP (v, 0, G_MAXUINT);
}

static void
handle (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  PpControlServer *control = data;
  const char *method = soup_server_message_get_method (msg);
  gboolean get = method == SOUP_METHOD_GET, post = method == SOUP_METHOD_POST;
  uid_t uid = (uid_t) -1;

  if (!peer_allowed (msg, &uid))
    {
      g_autofree char *text = g_strdup_printf (_("User %d may not control this phoneprovd: only its own user (%d) and root may. Run the command as that user."),
                                               (int) uid, (int) geteuid ());
      reply_error (msg, SOUP_STATUS_FORBIDDEN, text);
    }
  else if (g_str_equal (path, "/v1/status") && get)
    {
      g_autoptr(JsonNode) status = pp_server_status (control->server);
      reply_node (msg, SOUP_STATUS_OK, status);
    }
  else if (g_str_equal (path, "/v1/reload") && post)
    {
      g_autoptr(GError) error = NULL;
      if (pp_server_reload (control->server, &error))
        reply_json (msg, SOUP_STATUS_OK, "{\"ok\":true}");
      else
        reply_error (msg, error->domain == PP_ERROR && error->code == PP_ERROR_INVALID
                          ? SOUP_STATUS_BAD_REQUEST : SOUP_STATUS_CONFLICT, error->message);
    }
  else if (g_str_equal (path, "/v1/selftest") && post)
    {
      /* {"anchor": PEM, "certificate-sha256": hex, "seconds": n}, or {} to end. */
      g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonNode *root;
      JsonObject *o;

      if (g_bytes_get_size (bytes) == 0
          || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL)
          || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, _("The self-test request is not a JSON object."));
          return;
        }
      o = json_node_get_object (root);
      if (pp_server_set_selftest (control->server, member_string (o, "anchor"),
                                  member_string (o, "certificate-sha256"), member_seconds (o, "seconds"), &error))
        reply_json (msg, SOUP_STATUS_OK, "{\"ok\":true}");
      else
        reply_error (msg, error->code == PP_ERROR_INVALID ? SOUP_STATUS_BAD_REQUEST : SOUP_STATUS_CONFLICT,
                     error->message);
    }
  else if (g_str_equal (path, "/v1/stop") && post)
    {
      reply_json (msg, SOUP_STATUS_OK, "{\"ok\":true}");
      /* Answer first; stop once the reply is out. */
      g_timeout_add (100, stop_soon, control);
    }
  else if (g_str_equal (path, "/v1/events") && get)
    {
      guint64 after = query_uint (query, "after", 0);
      guint64 timeout = MIN (query_uint (query, "timeout", 0), MAX_POLL_MS);
      Waiter *w;

      if (timeout == 0 || pp_events_last_seq (pp_server_get_events (control->server)) > after)
        {
          g_autofree char *json = pp_events_since_json (pp_server_get_events (control->server), after,
                                                        MAX_EVENTS_PER_REPLY, NULL);
          reply_json (msg, SOUP_STATUS_OK, json);
          return;
        }
      w = g_new0 (Waiter, 1);
      w->control = control;
      w->msg = g_object_ref (msg);
      w->after = after;
      w->timeout = g_timeout_source_new ((guint) timeout);
      g_source_set_callback (w->timeout, on_waiter_timeout, w, NULL);
      g_source_attach (w->timeout, NULL);
      g_signal_connect (msg, "finished", G_CALLBACK (on_waiter_gone), w);
      control->waiters = g_list_prepend (control->waiters, w);
      soup_server_message_pause (msg);
      /* Workers notify only while someone waits: an event emitted between
       * the check above and this is seen here. */
      pp_events_watch (pp_server_get_events (control->server), +1);
      if (pp_events_last_seq (pp_server_get_events (control->server)) > after)
        waiter_answer (w);
    }
  else if (g_str_has_prefix (path, "/v1/"))
    reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                 _("Unknown control request; use GET /v1/status, POST /v1/reload, POST /v1/selftest, POST /v1/stop or GET /v1/events."));
  else
    reply_error (msg, SOUP_STATUS_NOT_FOUND, _("Not a control API path."));
}

PpControlServer *
pp_control_server_new (PpServer *server, const char *socket_path, GSourceFunc stop, gpointer stop_data,
                       GError **error)
{
  PpControlServer *control;
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GSocketAddress) addr = NULL;
  mode_t old_mask;
  gboolean ok;

  sock = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
  if (sock == NULL)
    return NULL;
  /* The caller holds the pid-file lock, so a leftover socket is stale. */
  g_unlink (socket_path);
  addr = g_unix_socket_address_new (socket_path);
  /* Owner only from the first moment, not after a chmod. */
  old_mask = umask (0077);
  ok = g_socket_bind (sock, addr, FALSE, error);
  umask (old_mask);
  if (!ok)
    {
      g_prefix_error (error, _("Cannot create the control socket %s: "), socket_path);
      return NULL;
    }
  g_chmod (socket_path, 0600);
  if (!g_socket_listen (sock, error))
    return NULL;

  control = g_new0 (PpControlServer, 1);
  control->server = server;
  control->socket_path = g_strdup (socket_path);
  control->stop = stop;
  control->stop_data = stop_data;
  control->soup = soup_server_new ("server-header", "phoneprovd-control ", NULL);
  soup_server_add_handler (control->soup, NULL, handle, control, NULL);
  if (!soup_server_listen_socket (control->soup, sock, 0, error))
    {
      pp_control_server_free (control);
      return NULL;
    }
  pp_events_set_notify (pp_server_get_events (server), g_main_context_default (), on_events, control);
  return control;
}

void
pp_control_server_free (PpControlServer *control)
{
  if (control == NULL)
    return;
  pp_events_set_notify (pp_server_get_events (control->server), NULL, NULL, NULL);
  while (control->waiters)
    {
      Waiter *w = control->waiters->data;
      control->waiters = g_list_remove (control->waiters, w);
      g_signal_handlers_disconnect_by_data (w->msg, w);
      waiter_free (w);
    }
  soup_server_disconnect (control->soup);
  g_clear_object (&control->soup);
  g_unlink (control->socket_path);
  g_free (control->socket_path);
  g_free (control);
}
