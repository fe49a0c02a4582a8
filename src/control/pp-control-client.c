/* Client of phoneprovd's control API over <site>/run/control.sock. */
#include "config.h"
#include "pp-control-client.h"
#include "pp-error.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define START_TIMEOUT_MS 10000
#define MAX_REPLY_BYTES (16 * 1024 * 1024)

struct _PpControlClient {
  GObject parent_instance;
  char   *site_dir;
  char   *socket_path;
};

G_DEFINE_FINAL_TYPE (PpControlClient, pp_control_client, G_TYPE_OBJECT)

static void
pp_control_client_finalize (GObject *object)
{
  PpControlClient *self = PP_CONTROL_CLIENT (object);
  g_free (self->site_dir);
  g_free (self->socket_path);
  G_OBJECT_CLASS (pp_control_client_parent_class)->finalize (object);
}

static void
pp_control_client_class_init (PpControlClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pp_control_client_finalize;
}

static void
pp_control_client_init (PpControlClient *self)
{
}

PpControlClient *
pp_control_client_new (const char *site_dir)
{
  PpControlClient *self = g_object_new (PP_TYPE_CONTROL_CLIENT, NULL);
  self->site_dir = g_strdup (site_dir);
  self->socket_path = g_build_filename (site_dir, "run", "control.sock", NULL);
  return self;
}

const char *
pp_control_client_get_socket_path (PpControlClient *self)
{
  return self->socket_path;
}

/* A session per call: cheap over a Unix socket, and it keeps every call
 * usable from any thread (the wizard calls from GTask threads). */
static SoupSession *
make_session (PpControlClient *self, guint timeout_s)
{
  g_autoptr(GSocketConnectable) addr = G_SOCKET_CONNECTABLE (g_unix_socket_address_new (self->socket_path));
  return soup_session_new_with_options ("remote-connectable", addr, "timeout", timeout_s,
                                        "idle-timeout", 1, "max-conns", 2, NULL);
}

static SoupMessage *
make_message (const char *method, const char *path)
{
  g_autofree char *uri = g_strconcat ("http://phoneprovd", path, NULL);
  return soup_message_new (method, uri);
}

static void
set_unreachable (PpControlClient *self, GError *cause, GError **error)
{
  g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
               _("No phoneprovd answers for the site %s (%s: %s). Start it with “phoneprovctl --site %s "
                 "server start” or from the wizard."),
               self->site_dir, self->socket_path, cause ? cause->message : "?", self->site_dir);
}

/* Parses a reply; a non-2xx status becomes an error carrying the daemon's
 * own sentence from {"error": …}. */
static JsonNode *
parse_reply (PpControlClient *self, SoupMessage *msg, GBytes *body, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  guint status = soup_message_get_status (msg);
  JsonNode *root;

  if (data == NULL || !json_parser_load_from_data (parser, data, (gssize) len, &local))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
                   _("phoneprovd gave an unreadable answer (HTTP %u). Check logs/daemon.log of the site."), status);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      const char *why = NULL;
      if (root && JSON_NODE_HOLDS_OBJECT (root)
          && json_object_has_member (json_node_get_object (root), "error"))
        why = json_object_get_string_member (json_node_get_object (root), "error");
      g_set_error (error, PP_ERROR, PP_ERROR_FAILED, "%s",
                   why ? why : _("phoneprovd refused the request."));
      return NULL;
    }
  return root ? json_node_copy (root) : NULL;
}

/* @json: the body of a POST ("{}" when NULL). */
static JsonNode *
call_with_body (PpControlClient *self, const char *method, const char *path, const char *json, guint timeout_s,
                GCancellable *cancellable, GError **error)
{
  g_autoptr(SoupSession) session = make_session (self, timeout_s);
  g_autoptr(SoupMessage) msg = make_message (method, path);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local = NULL;

  if (method == SOUP_METHOD_POST)
    {
      g_autoptr(GBytes) request = json ? g_bytes_new (json, strlen (json)) : g_bytes_new_static ("{}", 2);
      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }
  body = soup_session_send_and_read (session, msg, cancellable, &local);
  if (body == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        set_unreachable (self, local, error);
      return NULL;
    }
  return parse_reply (self, msg, body, error);
}

static JsonNode *
call (PpControlClient *self, const char *method, const char *path, guint timeout_s,
      GCancellable *cancellable, GError **error)
{
  return call_with_body (self, method, path, NULL, timeout_s, cancellable, error);
}

gboolean
pp_control_client_selftest (PpControlClient *self, const char *anchor_pem, const char *cert_sha256,
                            guint seconds, GCancellable *cancellable, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (b);
  if (anchor_pem)
    {
      json_builder_set_member_name (b, "anchor");
      json_builder_add_string_value (b, anchor_pem);
      json_builder_set_member_name (b, "certificate-sha256");
      json_builder_add_string_value (b, cert_sha256);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_int_value (b, seconds);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  reply = call_with_body (self, SOUP_METHOD_POST, "/v1/selftest", json, 10, cancellable, error);
  return reply != NULL;
}

gboolean
pp_control_client_ping (PpControlClient *self, GCancellable *cancellable)
{
  g_autoptr(JsonNode) status = NULL;
  if (!g_file_test (self->socket_path, G_FILE_TEST_EXISTS))
    return FALSE;
  status = call (self, SOUP_METHOD_GET, "/v1/status", 5, cancellable, NULL);
  return status != NULL;
}

JsonNode *
pp_control_client_status (PpControlClient *self, GCancellable *cancellable, GError **error)
{
  return call (self, SOUP_METHOD_GET, "/v1/status", 10, cancellable, error);
}

gboolean
pp_control_client_reload (PpControlClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr(JsonNode) reply = call (self, SOUP_METHOD_POST, "/v1/reload", 30, cancellable, error);
  return reply != NULL;
}

gboolean
pp_control_client_stop (PpControlClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr(JsonNode) reply = call (self, SOUP_METHOD_POST, "/v1/stop", 10, cancellable, error);
  return reply != NULL;
}

static char *
events_path (guint64 after, guint timeout_ms)
{
  return g_strdup_printf ("/v1/events?after=%" G_GUINT64_FORMAT "&timeout=%u", after, timeout_ms);
}

JsonNode *
pp_control_client_events (PpControlClient *self, guint64 after, guint timeout_ms,
                          GCancellable *cancellable, GError **error)
{
  g_autofree char *path = events_path (after, timeout_ms);
  return call (self, SOUP_METHOD_GET, path, timeout_ms / 1000 + 10, cancellable, error);
}

/* ---- async ------------------------------------------------------------- */

typedef struct {
  SoupSession *session;
  SoupMessage *msg;
} AsyncCall;

static void
async_call_free (gpointer data)
{
  AsyncCall *c = data;
  g_clear_object (&c->session);
  g_clear_object (&c->msg);
  g_free (c);
}

static void
on_async_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  AsyncCall *c = g_task_get_task_data (task);
  PpControlClient *self = g_task_get_source_object (task);
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &local);
  GError *error = NULL;
  JsonNode *node;

  if (body == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&local));
      else
        {
          set_unreachable (self, local, &error);
          g_task_return_error (task, error);
        }
      return;
    }
  node = parse_reply (self, c->msg, body, &error);
  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
call_async (PpControlClient *self, const char *path, guint timeout_s, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  AsyncCall *c = g_new0 (AsyncCall, 1);

  g_task_set_source_tag (task, tag);
  c->session = make_session (self, timeout_s);
  c->msg = make_message (SOUP_METHOD_GET, path);
  g_task_set_task_data (task, c, async_call_free);
  soup_session_send_and_read_async (c->session, c->msg, G_PRIORITY_DEFAULT, cancellable, on_async_read, task);
}

void
pp_control_client_status_async (PpControlClient *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  call_async (self, "/v1/status", 10, cancellable, callback, user_data, pp_control_client_status_async);
}

JsonNode *
pp_control_client_status_finish (PpControlClient *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
pp_control_client_events_async (PpControlClient *self, guint64 after, guint timeout_ms,
                                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *path = events_path (after, timeout_ms);
  call_async (self, path, timeout_ms / 1000 + 10, cancellable, callback, user_data, pp_control_client_events_async);
}

JsonNode *
pp_control_client_events_finish (PpControlClient *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
reload_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  if (pp_control_client_reload (source, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
pp_control_client_reload_async (PpControlClient *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_run_in_thread (task, reload_thread);
}

gboolean
pp_control_client_reload_finish (PpControlClient *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- starting the daemon ----------------------------------------------- */

/* $PHONEPROVD, then the build tree or install folder of the running
 * program, then $PATH, then the configured install location. */
static char *
find_daemon (void)
{
  const char *env = g_getenv ("PHONEPROVD");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (env && *env && g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (env);
  if (exe)
    {
      g_autofree char *dir = g_path_get_dirname (exe);
      const char *candidates[] = { "../daemon/phoneprovd", "../src/daemon/phoneprovd", "phoneprovd" };
      for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
        {
          g_autofree char *p = g_build_filename (dir, candidates[i], NULL);
          if (g_file_test (p, G_FILE_TEST_IS_EXECUTABLE) && !g_file_test (p, G_FILE_TEST_IS_DIR))
            return g_canonicalize_filename (p, NULL);
        }
    }
  {
    char *p = g_find_program_in_path ("phoneprovd");
    if (p)
      return p;
  }
  return g_strdup (PHONEPROVD_INSTALLED);
}

static void
child_setup (gpointer data)
{
  /* Its own session: closing the wizard or its terminal leaves it running. */
  setsid ();
}

static void
on_child_exit (GPid pid, int status, gpointer data)
{
  g_spawn_close_pid (pid);
}

static char *
log_tail (const char *path)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &text, &len, NULL) || len == 0)
    return g_strdup ("");
  return g_strdup (g_strstrip (text + (len > 600 ? len - 600 : 0)));
}

gboolean
pp_control_ensure_daemon (const char *site_dir, const char *daemon_path, GCancellable *cancellable,
                          GError **error)
{
  g_autoptr(PpControlClient) client = pp_control_client_new (site_dir);
  g_autofree char *daemon = daemon_path ? g_strdup (daemon_path) : find_daemon ();
  g_autofree char *logs = g_build_filename (site_dir, "logs", NULL);
  g_autofree char *log_path = g_build_filename (logs, "daemon.log", NULL);
  g_autoptr(GError) spawn_error = NULL;
  const char *argv[] = { daemon, "--site", site_dir, NULL };
  GPid pid = 0;
  int log_fd;
  gboolean ok;

  if (pp_control_client_ping (client, cancellable))
    return TRUE;
  if (!g_file_test (daemon, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                   _("The provisioning server program phoneprovd was not found (looked for %s). Install "
                     "phoneprov completely or set PHONEPROVD to its path."), daemon);
      return FALSE;
    }
  g_mkdir_with_parents (logs, 0700);
  log_fd = g_open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  ok = g_spawn_async_with_pipes_and_fds (NULL, argv, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                         child_setup, NULL, -1, log_fd, log_fd, NULL, NULL, 0,
                                         &pid, NULL, NULL, NULL, &spawn_error);
  if (log_fd >= 0)
    close (log_fd);
  if (!ok)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_FAILED, _("Cannot start %s: %s."), daemon, spawn_error->message);
      return FALSE;
    }
  for (guint waited = 0; waited < START_TIMEOUT_MS; waited += 50)
    {
      int status = 0;
      if (waitpid (pid, &status, WNOHANG) == pid)
        {
          g_autofree char *tail = log_tail (log_path);
          g_set_error (error, PP_ERROR, PP_ERROR_FAILED, _("phoneprovd stopped right after starting: %s"), tail);
          return FALSE;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (pp_control_client_ping (client, cancellable))
        {
          /* Reaped whenever it exits, by whoever runs the default context. */
          g_child_watch_add (pid, on_child_exit, NULL);
          return TRUE;
        }
      g_usleep (50 * 1000);
    }
  g_set_error (error, PP_ERROR, PP_ERROR_FAILED,
               _("phoneprovd started but its control socket %s did not answer within %d seconds. See %s."),
               pp_control_client_get_socket_path (client), START_TIMEOUT_MS / 1000, log_path);
  return FALSE;
}

static void
ensure_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  char **args = data;  /* site_dir, daemon_path (may be NULL) */
  GError *error = NULL;

  if (pp_control_ensure_daemon (args[0], args[1], cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
free_args (gpointer data)
{
  char **args = data;
  g_free (args[0]);
  g_free (args[1]);
  g_free (args);
}

void
pp_control_ensure_daemon_async (const char *site_dir, const char *daemon_path, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  char **args = g_new0 (char *, 2);

  /* Inputs copied before the thread starts. */
  args[0] = g_strdup (site_dir);
  args[1] = g_strdup (daemon_path);
  g_task_set_source_tag (task, pp_control_ensure_daemon_async);
  g_task_set_task_data (task, args, free_args);
  g_task_run_in_thread (task, ensure_thread);
}

gboolean
pp_control_ensure_daemon_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
