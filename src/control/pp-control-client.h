#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Client of phoneprovd's control API: HTTP + JSON over <site>/run/control.sock.
 *
 *   GET  /v1/status           → { "version", "pid", "site", "sites": [...], ... }
 *   POST /v1/reload           → { "ok": true } or { "error": "…" }
 *   POST /v1/selftest         { "anchor": PEM, "certificate-sha256": hex, "seconds": n } → { "ok": true };
 *                             {} ends it (the wizard's mTLS self-test, in memory only)
 *   POST /v1/stop             → { "ok": true }
 *   GET  /v1/events?after=N   → { "next": M, "events": [ {...}, ... ] } (long poll)
 *
 * Every call opens its own connection, so the sync calls are safe from any
 * thread; the async ones complete in the caller's thread-default context.
 * Errors are PP_ERROR sentences; PP_ERROR_NOT_FOUND means no daemon answers.
 */

#define PP_TYPE_CONTROL_CLIENT (pp_control_client_get_type ())
G_DECLARE_FINAL_TYPE (PpControlClient, pp_control_client, PP, CONTROL_CLIENT, GObject)

PpControlClient *pp_control_client_new (const char *site_dir);
const char      *pp_control_client_get_socket_path (PpControlClient *self);

/* TRUE when a daemon answers on the socket. */
gboolean  pp_control_client_ping (PpControlClient *self, GCancellable *cancellable);

JsonNode *pp_control_client_status (PpControlClient *self, GCancellable *cancellable, GError **error);
gboolean  pp_control_client_reload (PpControlClient *self, GCancellable *cancellable, GError **error);
gboolean  pp_control_client_stop   (PpControlClient *self, GCancellable *cancellable, GError **error);
/* Let the running HTTPS site accept the one client certificate whose
 * SHA-256 is @cert_sha256 (hex) when it verifies against @anchor_pem, for
 * @seconds (at most 120), without writing the trust store. @anchor_pem
 * NULL ends that early. */
gboolean  pp_control_client_selftest (PpControlClient *self, const char *anchor_pem, const char *cert_sha256,
                                      guint seconds, GCancellable *cancellable, GError **error);
/* Blocks up to @timeout_ms for events with a sequence number above @after. */
JsonNode *pp_control_client_events (PpControlClient *self, guint64 after, guint timeout_ms,
                                    GCancellable *cancellable, GError **error);

void      pp_control_client_status_async  (PpControlClient *self, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
JsonNode *pp_control_client_status_finish (PpControlClient *self, GAsyncResult *result, GError **error);
void      pp_control_client_events_async  (PpControlClient *self, guint64 after, guint timeout_ms,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
JsonNode *pp_control_client_events_finish (PpControlClient *self, GAsyncResult *result, GError **error);
void      pp_control_client_reload_async  (PpControlClient *self, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean  pp_control_client_reload_finish (PpControlClient *self, GAsyncResult *result, GError **error);

/* Start phoneprovd for @site_dir in the background unless one already answers,
 * then wait (bounded) until its control socket answers. @daemon_path may be
 * NULL: then $PHONEPROVD, the build tree, or $PATH is used. The daemon runs
 * in its own session (setsid), so it outlives the caller; its output goes to
 * <site>/logs/daemon.log. Blocks: call it from a GTask thread in the UI. */
gboolean  pp_control_ensure_daemon (const char *site_dir, const char *daemon_path,
                                    GCancellable *cancellable, GError **error);
/* The same in a GTask thread, for the UI's main loop. */
void      pp_control_ensure_daemon_async  (const char *site_dir, const char *daemon_path,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean  pp_control_ensure_daemon_finish (GAsyncResult *result, GError **error);

G_END_DECLS
