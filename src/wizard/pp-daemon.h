#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The wizard's side of the running phoneprovd, only through src/control:
 * start it for the site when it is not running, ask it to reload the site
 * directory, read its status back. */

typedef struct {
  gboolean  enabled;
  gboolean  running;
  char     *address;
  guint     port;
  char     *url;
  char     *error;     /* why it is not running, when the daemon says */
} PpSiteStatus;

void          pp_site_status_free (PpSiteStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpSiteStatus, pp_site_status_free)

/* Look up "http" or "https" in a /v1/status reply. */
PpSiteStatus *pp_site_status_from_json (JsonNode *status, const char *name);
/* A URL the wizard itself can reach the site on (loopback when it listens
 * on every address). */
char         *pp_site_status_local_url (const PpSiteStatus *status, const char *scheme);

/* Ensure the daemon runs, reload it, and return its status (JsonNode). */
void      pp_daemon_apply_async  (const char          *site_dir,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
JsonNode *pp_daemon_apply_finish (GAsyncResult        *result,
                                  GError             **error);

/* Reload when a daemon answers; do nothing otherwise (TRUE either way). */
void      pp_daemon_reload_if_running_async  (const char          *site_dir,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean  pp_daemon_reload_if_running_finish (GAsyncResult        *result,
                                              GError             **error);

/* Blocking reload, for worker threads. */
gboolean  pp_daemon_reload_sync (const char *site_dir, GCancellable *cancellable, GError **error);

/* Status only, without starting anything. */
void      pp_daemon_status_async  (const char          *site_dir,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
JsonNode *pp_daemon_status_finish (GAsyncResult        *result,
                                   GError             **error);

G_END_DECLS
