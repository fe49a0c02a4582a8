#pragma once

#include <glib.h>
#include "pp-site.h"

G_BEGIN_DECLS

/* The site report (DESIGN.md §9, issue 7): one self-contained HTML file an
 * administrator hands to a customer. Addresses and ports, accounts (never
 * passwords), certificates with fingerprints and expiry, the trust store,
 * the phone menu steps with this site's values, the phone configuration
 * file and the troubleshooting table. Images are inline data: URIs, styles
 * inline: the file opens anywhere, offline, and prints. No GTK here: the
 * wizard's "Export report…" and `phoneprovctl report` both call this. */

typedef struct {
  const char *issue;    /* N_() */
  const char *remedy;   /* N_() */
} PpTroubleshootingEntry;

/* The bulletin's Troubleshooting table, for Linux and this program. */
const PpTroubleshootingEntry *pp_troubleshooting_get (guint *n_entries);

/* @now: Unix time printed as the report date and used for expiry (0 means
 * the current time). Returns UTF-8 HTML. */
char    *pp_report_generate (PpSite  *site,
                             gint64   now,
                             GError **error);

/* Generate and write atomically to @path (0644). */
gboolean pp_report_write (PpSite      *site,
                          const char  *path,
                          gint64       now,
                          GError     **error);

G_END_DECLS
