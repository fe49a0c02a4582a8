#pragma once

#include "pp-daemon.h"
#include "pp-page.h"

G_BEGIN_DECLS

/* The HTTP page's live check and the Mutual TLS page's self-test end alike:
 * once the daemon has (re)started their site, they probe it with a file of
 * the boot folder and show what came back. */

typedef struct {
  PpSiteStatus *status;     /* the site as the daemon reports it, running */
  char         *base_url;   /* where the wizard reaches it ("http://127.0.0.1:8080") */
  char         *check_file; /* a boot file to GET */
} PpLiveTarget;

void pp_live_target_free (PpLiveTarget *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpLiveTarget, pp_live_target_free)

/* Finish pp_daemon_apply_async() of @page for its @scheme site ("http" or
 * "https"). NULL when @page is gone, or after failing @page because the
 * daemon failed or the site does not run. */
PpLiveTarget *pp_live_target_from_apply (PpPage       *page,
                                         GAsyncResult *result,
                                         const char   *scheme);

/* Show the probe @results in @list. FALSE when @page is gone, or after
 * failing @page: with @error when there are no results, with @failed (a
 * translated sentence) when a check failed. */
gboolean pp_live_check_show (PpPage       *page,
                             GtkListBox   *list,
                             GPtrArray    *results,
                             const GError *error,
                             const char   *failed);

G_END_DECLS
