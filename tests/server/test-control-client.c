/* The control client as the wizard uses it: async calls on a main loop
 * against a real phoneprovd started by pp_control_ensure_daemon_async(). */
#include "config.h"
#include "pp-control-client.h"
#include "pp-error.h"
#include "pp-site.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <unistd.h>

/* The daemon runs detached; a failed assertion aborts the test before it
 * could stop it, so the abort handler does (async-signal-safe calls only). */
static char pid_file[4096];

static void
on_abort (int sig)
{
  char buf[32];
  ssize_t n;
  int fd, pid = 0;

  if (pid_file[0] && (fd = open (pid_file, O_RDONLY)) >= 0)
    {
      n = read (fd, buf, sizeof buf - 1);
      close (fd);
      for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
        pid = pid * 10 + (buf[i] - '0');
      if (pid > 0)
        kill (pid, SIGTERM);
    }
  signal (sig, SIG_DFL);
  raise (sig);
}

typedef struct {
  GMainLoop *loop;
  GAsyncResult *result;
} Wait;

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->result = g_object_ref (result);
  g_main_loop_quit (w->loop);
}

static GAsyncResult *
wait_result (Wait *w)
{
  g_clear_object (&w->result);
  g_main_loop_run (w->loop);
  return w->result;
}

static char *
make_site (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-control-client-XXXXXX", NULL);
  g_autofree char *site_dir = g_build_filename (dir, "site", NULL);
  g_autoptr(PpSite) site = pp_site_create (site_dir, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (site);
  g_assert_true (pp_site_set (site, "http.port", "0", &error));
  g_assert_true (pp_site_set (site, "http.address", "127.0.0.1", &error));
  g_assert_true (pp_site_set (site, "https.enabled", "false", &error));
  g_assert_true (pp_site_set (site, "server.workers", "1", &error));
  g_assert_true (pp_site_save (site, &error));
  return g_steal_pointer (&site_dir);
}

static void
remove_site (const char *site_dir)
{
  g_autofree char *parent = g_path_get_dirname (site_dir);
  const char *argv[] = { "rm", "-rf", parent, NULL };
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

static const char *
http_url (JsonNode *status)
{
  JsonArray *sites = json_object_get_array_member (json_node_get_object (status), "sites");
  return json_object_get_string_member (json_array_get_object_element (sites, 0), "url");
}

static void
test_async_life (void)
{
  g_autofree char *site_dir = make_site ();
  g_autoptr(PpControlClient) client = pp_control_client_new (site_dir);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) status = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autoptr(SoupSession) http = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  Wait w = { loop, NULL };
  guint64 next;

  g_snprintf (pid_file, sizeof pid_file, "%s/run/phoneprovd.pid", site_dir);
  g_assert_false (pp_control_client_ping (client, NULL));
  status = pp_control_client_status (client, NULL, &error);
  g_assert_error (error, PP_ERROR, PP_ERROR_NOT_FOUND);
  g_assert_null (status);
  g_clear_error (&error);

  pp_control_ensure_daemon_async (site_dir, NULL, NULL, on_done, &w);
  g_assert_true (pp_control_ensure_daemon_finish (wait_result (&w), &error));
  g_assert_no_error (error);
  /* A second call finds the running daemon instead of starting another. */
  pp_control_ensure_daemon_async (site_dir, NULL, NULL, on_done, &w);
  g_assert_true (pp_control_ensure_daemon_finish (wait_result (&w), &error));

  pp_control_client_status_async (client, NULL, on_done, &w);
  status = pp_control_client_status_finish (client, wait_result (&w), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (status), "pid"), >, 0);
  url = g_strconcat (http_url (status), "sip.cfg", NULL);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));

  events = pp_control_client_events (client, 0, 0, NULL, &error);
  g_assert_no_error (error);
  next = (guint64) json_object_get_int_member (json_node_get_object (events), "next");
  g_clear_pointer (&events, json_node_unref);

  /* Long poll on the main loop, answered by a request a moment later. */
  pp_control_client_events_async (client, next, 10000, NULL, on_done, &w);
  msg = soup_message_new ("GET", url);
  soup_session_send_and_read_async (http, msg, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  events = pp_control_client_events_finish (client, wait_result (&w), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (json_node_get_object (events), "events")), >, 0);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (events), "next"), >, (gint64) next);

  pp_control_client_reload_async (client, NULL, on_done, &w);
  g_assert_true (pp_control_client_reload_finish (client, wait_result (&w), &error));
  g_assert_no_error (error);

  g_assert_true (pp_control_client_stop (client, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 100 && pp_control_client_ping (client, NULL); i++)
    g_usleep (50000);
  g_assert_false (pp_control_client_ping (client, NULL));
  g_clear_object (&w.result);
  remove_site (site_dir);
}

static void
test_start_failure_is_explained (void)
{
  g_autofree char *site_dir = make_site ();
  g_autoptr(PpSite) site = pp_site_open (site_dir, NULL);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  /* A boot directory that is a file: the daemon exits at once, and the
   * caller hears why instead of waiting for the timeout. */
  g_assert_true (pp_site_set (site, "boot.dir", "site.conf", NULL));
  g_assert_true (pp_site_save (site, NULL));
  g_assert_false (pp_control_ensure_daemon (site_dir, NULL, NULL, &error));
  g_assert_error (error, PP_ERROR, PP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "is not a folder"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  remove_site (site_dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGABRT, on_abort);
  if (g_getenv ("PHONEPROVD") == NULL)
    {
      g_test_skip ("PHONEPROVD is not set");
      return 0;
    }
  g_test_add_func ("/control-client/async-life", test_async_life);
  g_test_add_func ("/control-client/start-failure", test_start_failure_is_explained);
  return g_test_run ();
}
