#pragma once

#include <glib.h>
#include "pp-site.h"

G_BEGIN_DECLS

/* Expiry awareness (issue 7): a phone that cannot verify the server, or a
 * server whose certificate lapsed, stops provisioning without a word on the
 * phone's screen. The wizard, `phoneprovctl server status` and the site
 * report warn when the server certificate or the CA that phones trust
 * expires within PP_EXPIRY_WARN_DAYS. */

#define PP_EXPIRY_WARN_DAYS 30

typedef enum {
  PP_EXPIRY_SERVER,      /* pki/server/server.crt (and the ECDSA one) */
  PP_EXPIRY_CA,          /* the root phones trust (local CA or chain top) */
} PpExpiryObject;

typedef struct {
  PpExpiryObject  object;
  char           *name;       /* subject CN (or DN) */
  gint64          not_after;  /* Unix time */
  gint64          days_left;  /* whole days from @now, negative when expired */
  char           *message;    /* translated sentence: what, when, what to do */
} PpExpiryWarning;

void pp_expiry_warning_free (PpExpiryWarning *warning);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpExpiryWarning, pp_expiry_warning_free)

/* Every certificate of @site that expires before @now + @within_days
 * (already expired ones included), server first. @now is Unix time
 * (0 means the current time) so reports of a demo site stay reproducible.
 * Array of PpExpiryWarning; empty when all is well or nothing is installed. */
GPtrArray *pp_expiry_check (PpSite *site, gint64 now, guint within_days);

/* Whole days from @now until @not_after (rounded down, negative past it). */
gint64     pp_expiry_days_left (gint64 not_after, gint64 now);

G_END_DECLS
