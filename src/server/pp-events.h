#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The monitor's event stream and the access log (DESIGN.md §7). Events carry
 * a sequence number; the newest ones stay in memory for /v1/events, every
 * one is appended to logs/events.jsonl. All functions are thread-safe. */

typedef struct _PpEvents PpEvents;

PpEvents *pp_events_new (const char *logs_dir, guint64 max_log_bytes);
void      pp_events_free (PpEvents *events);

/* Adds "seq" and "time" to @event (transfer full) and records it.
 * Returns the sequence number. */
guint64   pp_events_emit (PpEvents *events, JsonObject *event);

/* The same for events built as text, the per-request path: @obj holds
 * "{" and members added with pp_json_add_*(); "seq" and "time" are added and
 * the object closed. Takes @obj. A json-glib object per request cost about
 * 50,000 instructions (BENCHMARKS.md). */
guint64   pp_events_emit_string (PpEvents *events, GString *obj);
void      pp_json_add_string (GString *obj, const char *key, const char *value); /* NULL → null */
void      pp_json_add_int (GString *obj, const char *key, gint64 value);
void      pp_json_add_bool (GString *obj, const char *key, gboolean value);
void      pp_json_add_strv (GString *obj, const char *key, char **values);
/* Appends @value in decimal (no printf). */
void      pp_json_append_uint (GString *out, guint64 value);

/* One line of logs/access.log; a newline is added. */
void      pp_events_access_log (PpEvents *events, const char *line);
void      pp_events_access_log_len (PpEvents *events, const char *line, gsize len);

/* Both log files are written through a buffer: out when it holds 64 KB, at
 * the latest a second after the first line in it (the flusher below), and
 * on pp_events_flush() and pp_events_free(). A crash loses at most the last
 * second of log lines; the in-memory events are not delayed. */
void      pp_events_flush (PpEvents *events);
/* Flushes from @context (the main thread's; NULL: the default context), a
 * second after a line went into an empty buffer. */
void      pp_events_start_flusher (PpEvents *events, GMainContext *context);

/* The current UTC time as "%Y-%m-%dT%H:%M:%SZ", formatted once a second per
 * thread; valid until the thread calls it again. */
const char *pp_events_time_text (void);

/* {"next": M, "events": [...]} with the events whose seq is above @after,
 * at most @limit of them. */
char     *pp_events_since_json (PpEvents *events, guint64 after, guint limit, guint *n_events);
guint64   pp_events_last_seq (PpEvents *events);

/* @func runs in @context (coalesced) after events were emitted, as long as
 * someone watches (pp_events_watch): otherwise emitting wakes no other
 * thread, which was a context switch per request under load. */
void      pp_events_set_notify (PpEvents *events, GMainContext *context,
                                GSourceFunc func, gpointer data);
/* +1 when a long poll starts waiting, -1 when it ends. Events emitted from
 * the moment the count is raised notify; so check pp_events_last_seq()
 * after raising it, not before only. */
void      pp_events_watch (PpEvents *events, int delta);

/* "model" and "firmware" from a Polycom User-Agent (DESIGN.md §5). */
gboolean  pp_user_agent_parse (const char *user_agent, char **model, char **firmware);

G_END_DECLS
