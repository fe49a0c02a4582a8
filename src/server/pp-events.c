/* Event ring, events.jsonl and access.log. See pp-events.h. */
#include "config.h"
#include "pp-events.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define RING_SIZE 4096

typedef struct {
  int      fd;
  char    *path;
  guint64  size;
} LogFile;

struct _PpEvents {
  GMutex        lock;
  char         *ring[RING_SIZE];  /* serialized events, seq % RING_SIZE */
  guint64       last_seq;
  LogFile       access;
  LogFile       jsonl;
  guint64       max_log_bytes;
  GMainContext *notify_context;
  GSourceFunc   notify_func;
  gpointer      notify_data;
  gint          notify_pending;
};

static void
log_open (LogFile *log)
{
  struct stat st;

  log->fd = open (log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  log->size = (log->fd >= 0 && fstat (log->fd, &st) == 0) ? (guint64) st.st_size : 0;
}

/* Keeps one older generation, like logrotate's "rotate 1". */
static void
log_write (LogFile *log, guint64 max, const char *line, gsize len)
{
  if (log->fd >= 0 && max > 0 && log->size + len > max)
    {
      g_autofree char *old = g_strconcat (log->path, ".1", NULL);
      close (log->fd);
      g_rename (log->path, old);
      log_open (log);
    }
  if (log->fd < 0)
    return;
  /* One write per line: O_APPEND keeps lines whole even between processes. */
  if (write (log->fd, line, len) == (ssize_t) len)
    log->size += len;
}

PpEvents *
pp_events_new (const char *logs_dir, guint64 max_log_bytes)
{
  PpEvents *ev = g_new0 (PpEvents, 1);

  g_mutex_init (&ev->lock);
  ev->max_log_bytes = max_log_bytes;
  g_mkdir_with_parents (logs_dir, 0750);
  ev->access.path = g_build_filename (logs_dir, "access.log", NULL);
  ev->jsonl.path = g_build_filename (logs_dir, "events.jsonl", NULL);
  log_open (&ev->access);
  log_open (&ev->jsonl);
  return ev;
}

void
pp_events_free (PpEvents *ev)
{
  for (guint i = 0; i < RING_SIZE; i++)
    g_free (ev->ring[i]);
  if (ev->access.fd >= 0)
    close (ev->access.fd);
  if (ev->jsonl.fd >= 0)
    close (ev->jsonl.fd);
  g_free (ev->access.path);
  g_free (ev->jsonl.path);
  g_clear_pointer (&ev->notify_context, g_main_context_unref);
  g_mutex_clear (&ev->lock);
  g_free (ev);
}

void
pp_events_set_notify (PpEvents *ev, GMainContext *context, GSourceFunc func, gpointer data)
{
  g_mutex_lock (&ev->lock);
  g_clear_pointer (&ev->notify_context, g_main_context_unref);
  ev->notify_context = context ? g_main_context_ref (context) : NULL;
  ev->notify_func = func;
  ev->notify_data = data;
  g_mutex_unlock (&ev->lock);
}

static gboolean
run_notify (gpointer user_data)
{
  PpEvents *ev = user_data;
  g_atomic_int_set (&ev->notify_pending, 0);
  if (ev->notify_func)
    ev->notify_func (ev->notify_data);
  return G_SOURCE_REMOVE;
}

guint64
pp_events_emit (PpEvents *ev, JsonObject *event)
{
  g_autoptr(JsonObject) obj = event;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  guint64 seq;

  g_mutex_lock (&ev->lock);
  seq = ++ev->last_seq;
  json_object_set_int_member (obj, "seq", (gint64) seq);
  json_object_set_string_member (obj, "time", time);
  json_node_set_object (node, obj);
  text = json_to_string (node, FALSE);
  line = g_strconcat (text, "\n", NULL);
  log_write (&ev->jsonl, ev->max_log_bytes, line, strlen (line));
  g_free (ev->ring[seq % RING_SIZE]);
  ev->ring[seq % RING_SIZE] = g_steal_pointer (&text);
  if (ev->notify_context && !g_atomic_int_exchange (&ev->notify_pending, 1))
    {
      /* Never g_main_context_invoke(): from the context's own thread it
       * would run the callback right here, under our lock. */
      g_autoptr(GSource) idle = g_idle_source_new ();
      g_source_set_callback (idle, run_notify, ev, NULL);
      g_source_attach (idle, ev->notify_context);
    }
  g_mutex_unlock (&ev->lock);
  return seq;
}

void
pp_events_access_log (PpEvents *ev, const char *line)
{
  g_autofree char *full = g_strconcat (line, "\n", NULL);
  g_mutex_lock (&ev->lock);
  log_write (&ev->access, ev->max_log_bytes, full, strlen (full));
  g_mutex_unlock (&ev->lock);
}

guint64
pp_events_last_seq (PpEvents *ev)
{
  guint64 seq;
  g_mutex_lock (&ev->lock);
  seq = ev->last_seq;
  g_mutex_unlock (&ev->lock);
  return seq;
}

char *
pp_events_since_json (PpEvents *ev, guint64 after, guint limit, guint *n_events)
{
  GString *out = g_string_new (NULL);
  guint64 first, seq, next;
  guint n = 0;

  g_mutex_lock (&ev->lock);
  /* Older events fell out of the ring: start at the oldest we still have. */
  first = ev->last_seq > RING_SIZE ? ev->last_seq - RING_SIZE + 1 : 1;
  seq = MAX (after + 1, first);
  next = after;
  g_string_append (out, "\"events\":[");
  for (; seq <= ev->last_seq && n < limit; seq++, n++)
    {
      if (n > 0)
        g_string_append_c (out, ',');
      g_string_append (out, ev->ring[seq % RING_SIZE]);
      next = seq;
    }
  if (n == 0 && after > ev->last_seq)
    next = ev->last_seq;  /* a client from before a restart */
  g_mutex_unlock (&ev->lock);
  g_string_append (out, "]}");
  {
    g_autofree char *head = g_strdup_printf ("{\"next\":%" G_GUINT64_FORMAT ",", next);
    g_string_prepend (out, head);
  }
  if (n_events)
    *n_events = n;
  return g_string_free (out, FALSE);
}

gboolean
pp_user_agent_parse (const char *user_agent, char **model, char **firmware)
{
  static GRegex *re;
  g_autoptr(GMatchInfo) mi = NULL;

  if (g_once_init_enter (&re))
    g_once_init_leave (&re, g_regex_new ("^FileTransport Polycom\\w+-(\\w*?)-UA/([\\d.]+)",
                                         G_REGEX_OPTIMIZE, 0, NULL));
  /* GRegex expects UTF-8 (anything else is undefined for PCRE), and the
   * fields go into events.jsonl. */
  if (user_agent == NULL || !g_utf8_validate (user_agent, -1, NULL)
      || !g_regex_match (re, user_agent, 0, &mi))
    return FALSE;
  *model = g_match_info_fetch (mi, 1);
  *firmware = g_match_info_fetch (mi, 2);
  return TRUE;
}
