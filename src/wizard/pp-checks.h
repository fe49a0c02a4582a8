#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Live checks the wizard runs against the server it just configured, with
 * its own HTTP client (libsoup), like a phone would. */

typedef struct {
  char     *label;     /* "Anonymous GET /sip.ld" */
  gboolean  ok;        /* the result is what a correct setup gives */
  char     *detail;    /* "401 Unauthorized, as expected" */
} PpCheckResult;

PpCheckResult *pp_check_result_new (const char *label, gboolean ok, const char *detail);
void           pp_check_result_free (PpCheckResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpCheckResult, pp_check_result_free)

/* One GET of @url; @client_cert may be NULL; digest credentials may be NULL.
 * Returns the HTTP status, or 0 when no HTTP answer came (refused handshake,
 * reset), with the reason in @reason. Blocking: call from a worker thread. */
guint pp_http_probe (const char       *url,
                     const char       *user,
                     const char       *password,
                     GTlsCertificate  *client_cert,
                     char            **reason,
                     GCancellable     *cancellable);

/* The HTTP site's live check: anonymous GET → 401, GET with the phone
 * account → 200 (or 404 when the boot directory is empty). Array of
 * PpCheckResult. */
void       pp_http_check_async  (const char          *base_url,
                                 const char          *path,
                                 const char          *user,
                                 const char          *password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
GPtrArray *pp_http_check_finish (GAsyncResult        *result,
                                 GError             **error);

/* Show results in @list (a GtkListBox): one row per check, ✓ or ✗. */
void pp_check_list_show (GtkListBox *list, GPtrArray *results);
/* TRUE when every result is ok. */
gboolean pp_check_results_all_ok (GPtrArray *results);

G_END_DECLS
