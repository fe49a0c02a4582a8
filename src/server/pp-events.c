/* Event ring, events.jsonl and access.log. See pp-events.h. */
#include "config.h"
#include "pp-events.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RING_SIZE 4096
#define LOG_BUFFER_BYTES (64 * 1024)

typedef struct {
  int      fd;
  char    *path;
  guint64  size;
  GString *buf;   /* whole lines not yet written */
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
  int           watchers;
  GMainContext *flush_context;
  GSource      *flusher;      /* pending flush, while a buffer holds lines */
};

static void
log_open (LogFile *log)
{
  struct stat st;

  log->fd = open (log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  log->size = (log->fd >= 0 && fstat (log->fd, &st) == 0) ? (guint64) st.st_size : 0;
}

/* Writes out the buffer. Keeps one older generation, like logrotate's
 * "rotate 1". Under the lock. */
static void
log_flush (LogFile *log, guint64 max)
{
  gsize len = log->buf->len;

  if (len == 0)
    return;
  if (log->fd >= 0 && max > 0 && log->size + len > max && log->size > 0)
    {
      g_autofree char *old = g_strconcat (log->path, ".1", NULL);
      close (log->fd);
      g_rename (log->path, old);
      log_open (log);
    }
  /* One write of whole lines: O_APPEND keeps them whole even between
   * processes. */
  if (log->fd >= 0 && write (log->fd, log->buf->str, len) == (ssize_t) len)
    log->size += len;
  g_string_truncate (log->buf, 0);
}

/* @line without its newline: the line and its newline go into the buffer
 * together, so a flush never splits a line (nor a rotation). */
static void
log_write (LogFile *log, guint64 max, const char *line, gsize len)
{
  /* Rotation is decided per line as before: a line that would cross the
   * limit goes out with the buffer first. */
  if (max > 0 && log->size + log->buf->len + len + 1 > max)
    log_flush (log, max);
  g_string_append_len (log->buf, line, (gssize) len);
  g_string_append_c (log->buf, '\n');
  if (log->buf->len >= LOG_BUFFER_BYTES)
    log_flush (log, max);
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
  ev->access.buf = g_string_sized_new (LOG_BUFFER_BYTES + 4096);
  ev->jsonl.buf = g_string_sized_new (LOG_BUFFER_BYTES + 4096);
  log_open (&ev->access);
  log_open (&ev->jsonl);
  return ev;
}

void
pp_events_flush (PpEvents *ev)
{
  g_mutex_lock (&ev->lock);
  log_flush (&ev->access, ev->max_log_bytes);
  log_flush (&ev->jsonl, ev->max_log_bytes);
  g_mutex_unlock (&ev->lock);
}

static gboolean
on_flush (gpointer data)
{
  PpEvents *ev = data;

  g_mutex_lock (&ev->lock);
  g_clear_pointer (&ev->flusher, g_source_unref);
  log_flush (&ev->access, ev->max_log_bytes);
  log_flush (&ev->jsonl, ev->max_log_bytes);
  g_mutex_unlock (&ev->lock);
  return G_SOURCE_REMOVE;
}

/* Under the lock, after a line went into a buffer: a flush within a
 * second. Armed only while there is something to write, so an idle
 * daemon does not wake up every second, and a busy one wakes the main
 * thread once a second, not once a line. */
static void
schedule_flush (PpEvents *ev)
{
  if (ev->flush_context == NULL || ev->flusher != NULL)
    return;
  ev->flusher = g_timeout_source_new_seconds (1);
  g_source_set_callback (ev->flusher, on_flush, ev, NULL);
  g_source_attach (ev->flusher, ev->flush_context);
}

void
pp_events_start_flusher (PpEvents *ev, GMainContext *context)
{
  g_mutex_lock (&ev->lock);
  if (ev->flush_context == NULL)
    ev->flush_context = g_main_context_ref (context ? context : g_main_context_default ());
  g_mutex_unlock (&ev->lock);
}

void
pp_events_free (PpEvents *ev)
{
  if (ev->flusher)
    {
      g_source_destroy (ev->flusher);
      g_clear_pointer (&ev->flusher, g_source_unref);
    }
  pp_events_flush (ev);
  g_clear_pointer (&ev->flush_context, g_main_context_unref);
  g_string_free (ev->access.buf, TRUE);
  g_string_free (ev->jsonl.buf, TRUE);
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

void
pp_events_watch (PpEvents *ev, int delta)
{
  g_mutex_lock (&ev->lock);
  ev->watchers = MAX (ev->watchers + delta, 0);
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

/* Under the lock: @text (transfer full, no newline) is event @seq. */
static void
record (PpEvents *ev, guint64 seq, char *text, gsize len)
{
  log_write (&ev->jsonl, ev->max_log_bytes, text, len);
  schedule_flush (ev);
  g_free (ev->ring[seq % RING_SIZE]);
  ev->ring[seq % RING_SIZE] = text;
  if (ev->notify_context && ev->watchers > 0 && !g_atomic_int_exchange (&ev->notify_pending, 1))
    {
      /* Never g_main_context_invoke(): from the context's own thread it
       * would run the callback right here, under our lock. */
      g_autoptr(GSource) idle = g_idle_source_new ();
      g_source_set_callback (idle, run_notify, ev, NULL);
      g_source_attach (idle, ev->notify_context);
    }
}

guint64
pp_events_emit (PpEvents *ev, JsonObject *event)
{
  g_autoptr(JsonObject) obj = event;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  char *text;
  guint64 seq;

  g_mutex_lock (&ev->lock);
  seq = ++ev->last_seq;
  json_object_set_int_member (obj, "seq", (gint64) seq);
  json_object_set_string_member (obj, "time", time);
  json_node_set_object (node, obj);
  text = json_to_string (node, FALSE);
  record (ev, seq, text, strlen (text));
  g_mutex_unlock (&ev->lock);
  return seq;
}

/* ---- events as text --------------------------------------------------------- */

typedef struct {
  gint64 sec;
  char   text[32];  /* 2026-11-27T23:35:44Z */
} TimeCache;

static _Thread_local TimeCache time_cache = { -1, "" };

static const char *
time_text_at (gint64 now_us)
{
  gint64 sec = now_us / G_USEC_PER_SEC;

  if (sec != time_cache.sec)
    {
      time_t t = (time_t) sec;
      struct tm tm;
      if (gmtime_r (&t, &tm) == NULL || strftime (time_cache.text, sizeof time_cache.text, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        g_strlcpy (time_cache.text, "?", sizeof time_cache.text);
      time_cache.sec = sec;
    }
  return time_cache.text;
}

const char *
pp_events_time_text (void)
{
  return time_text_at (g_get_real_time ());
}

static void
append_escaped (GString *out, const char *s)
{
  const char *run = s;

  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      guchar c = (guchar) *p;
      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default: g_string_append_printf (out, "\\u%04x", c); break;
        }
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

/* g_string_append() costs ≈ 100 instructions a call (strlen and
 * g_string_insert_len()'s checks); an event makes about 35 of them. */
static inline void
append_len (GString *out, const char *text, gsize len)
{
  if (out->len + len < out->allocated_len)
    {
      memcpy (out->str + out->len, text, len);
      out->len += len;
      out->str[out->len] = '\0';
    }
  else
    g_string_append_len (out, text, (gssize) len);
}

static void
add_key (GString *obj, const char *key)
{
  if (obj->len > 1)
    g_string_append_c (obj, ',');
  g_string_append_c (obj, '"');
  append_len (obj, key, strlen (key));
  append_len (obj, "\":", 2);
}

/* Client-supplied text (paths, User-Agent) may be any bytes; JSON strings
 * must be UTF-8. */
static void
append_string (GString *obj, const char *value)
{
  const char *p;

  if (value == NULL)
    {
      g_string_append (obj, "null");
      return;
    }
  /* Nearly every value is printable ASCII without quotes or backslashes:
   * one scan and one copy, instead of a UTF-8 validation and a second scan
   * for escapes (≈ 7,000 instructions a request event). */
  for (p = value; (guchar) *p >= 0x20 && (guchar) *p < 0x7f && *p != '"' && *p != '\\'; p++)
    ;
  if (*p == '\0')
    {
      g_string_append_c (obj, '"');
      append_len (obj, value, (gsize) (p - value));
      g_string_append_c (obj, '"');
    }
  else if (g_utf8_validate (value, -1, NULL))
    append_escaped (obj, value);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);
      append_escaped (obj, valid);
    }
}

void
pp_json_add_string (GString *obj, const char *key, const char *value)
{
  add_key (obj, key);
  append_string (obj, value);
}

void
pp_json_append_uint (GString *out, guint64 value)
{
  char digits[24];
  int i = sizeof digits;

  /* printf costs ≈ 1,500 instructions a number; this a few dozen. */
  do
    digits[--i] = (char) ('0' + value % 10);
  while ((value /= 10) > 0);
  g_string_append_len (out, digits + i, (gssize) sizeof digits - i);
}

void
pp_json_add_int (GString *obj, const char *key, gint64 value)
{
  add_key (obj, key);
  if (value < 0)
    g_string_append_c (obj, '-');
  pp_json_append_uint (obj, value < 0 ? (guint64) 0 - (guint64) value : (guint64) value);
}

void
pp_json_add_bool (GString *obj, const char *key, gboolean value)
{
  add_key (obj, key);
  g_string_append (obj, value ? "true" : "false");
}

void
pp_json_add_strv (GString *obj, const char *key, char **values)
{
  add_key (obj, key);
  g_string_append_c (obj, '[');
  for (guint i = 0; values && values[i]; i++)
    {
      if (i > 0)
        g_string_append_c (obj, ',');
      append_string (obj, values[i]);
    }
  g_string_append_c (obj, ']');
}

guint64
pp_events_emit_string (PpEvents *ev, GString *obj)
{
  gint64 now = g_get_real_time ();
  const char *second = time_text_at (now);
  int usec = (int) (now % G_USEC_PER_SEC);
  char time[48];
  guint64 seq;
  gsize len;

  /* As g_date_time_format_iso8601(): a fraction only when there is one
   * ("%.19s.%06dZ", without printf's ≈ 1,200 instructions). */
  if (usec != 0 && strlen (second) == 20)
    {
      memcpy (time, second, 19);
      time[19] = '.';
      for (int i = 25; i >= 20; i--, usec /= 10)
        time[i] = (char) ('0' + usec % 10);
      time[26] = 'Z';
      time[27] = '\0';
    }
  else if (usec != 0)
    g_snprintf (time, sizeof time, "%.19s.%06dZ", second, usec);
  else
    g_strlcpy (time, second, sizeof time);
  g_mutex_lock (&ev->lock);
  seq = ++ev->last_seq;
  pp_json_add_int (obj, "seq", (gint64) seq);
  pp_json_add_string (obj, "time", time);
  g_string_append_c (obj, '}');
  len = obj->len;
  /* The ring keeps 4,096 of these: give back the GString's slack (half
   * its allocation on average, 2 MB over the ring). */
  record (ev, seq, g_realloc (g_string_free (obj, FALSE), len + 1), len);
  g_mutex_unlock (&ev->lock);
  return seq;
}

void
pp_events_access_log_len (PpEvents *ev, const char *line, gsize len)
{
  g_mutex_lock (&ev->lock);
  log_write (&ev->access, ev->max_log_bytes, line, len);
  schedule_flush (ev);
  g_mutex_unlock (&ev->lock);
}

void
pp_events_access_log (PpEvents *ev, const char *line)
{
  pp_events_access_log_len (ev, line, strlen (line));
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

static gboolean
user_agent_match (const char *user_agent, char **model, char **firmware)
{
  static GRegex *re;
  g_autoptr(GMatchInfo) mi = NULL;

  /* ASCII classes: GLib's PCRE2 matches any Unicode digit with \d (the
   * fuzzer found "5.9.\u07C1" taken for a firmware version). */
  if (g_once_init_enter (&re))
    g_once_init_leave (&re, g_regex_new ("^FileTransport Polycom[A-Za-z0-9_]+-([A-Za-z0-9_]*?)-UA/([0-9.]+)",
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

/* The last answer per thread, in fixed buffers (nothing to free when a
 * thread ends). Keyed by the User-Agent up to its second space: the
 * pattern is anchored and nothing in it after "FileTransport " matches a
 * space, so the rest ("(SN:<mac>) Type/Application", different for every
 * phone) cannot change the answer, and one entry serves a whole site. */
typedef struct {
  char     key[128];
  char     model[64];
  char     firmware[32];
  gboolean valid;
  gboolean matched;
} UaCache;

static _Thread_local UaCache ua_cache;

gboolean
pp_user_agent_parse (const char *user_agent, char **model, char **firmware)
{
  char *m = NULL, *f = NULL;
  const char *space;
  gsize key_len;
  gboolean matched;

  if (user_agent == NULL || !g_utf8_validate (user_agent, -1, NULL))
    return FALSE;
  space = strchr (user_agent, ' ');
  space = space ? strchr (space + 1, ' ') : NULL;
  key_len = space ? (gsize) (space - user_agent) : strlen (user_agent);
  if (ua_cache.valid && key_len < sizeof ua_cache.key && strncmp (ua_cache.key, user_agent, key_len) == 0
      && ua_cache.key[key_len] == '\0')
    {
      if (!ua_cache.matched)
        return FALSE;
      *model = g_strdup (ua_cache.model);
      *firmware = g_strdup (ua_cache.firmware);
      return TRUE;
    }
  matched = user_agent_match (user_agent, &m, &f);
  ua_cache.valid = key_len < sizeof ua_cache.key
                   && (!matched || (strlen (m) < sizeof ua_cache.model && strlen (f) < sizeof ua_cache.firmware));
  if (ua_cache.valid)
    {
      memcpy (ua_cache.key, user_agent, key_len);
      ua_cache.key[key_len] = '\0';
      ua_cache.matched = matched;
      if (matched)
        {
          g_strlcpy (ua_cache.model, m, sizeof ua_cache.model);
          g_strlcpy (ua_cache.firmware, f, sizeof ua_cache.firmware);
        }
    }
  if (matched)
    {
      *model = m;
      *firmware = f;
    }
  return matched;
}
