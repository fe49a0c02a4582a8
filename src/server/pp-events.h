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

/* One line of logs/access.log; a newline is added. */
void      pp_events_access_log (PpEvents *events, const char *line);

/* {"next": M, "events": [...]} with the events whose seq is above @after,
 * at most @limit of them. */
char     *pp_events_since_json (PpEvents *events, guint64 after, guint limit, guint *n_events);
guint64   pp_events_last_seq (PpEvents *events);

/* @func runs in @context (coalesced) after events were emitted. */
void      pp_events_set_notify (PpEvents *events, GMainContext *context,
                                GSourceFunc func, gpointer data);

/* "model" and "firmware" from a Polycom User-Agent (DESIGN.md §5). */
gboolean  pp_user_agent_parse (const char *user_agent, char **model, char **firmware);

G_END_DECLS
