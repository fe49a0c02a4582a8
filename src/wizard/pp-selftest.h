#pragma once

#include <gio/gio.h>
#include "pp-site.h"

G_BEGIN_DECLS

/* The mutual-TLS self-test (Enabling Mutual TLS): proves that the HTTPS site
 * refuses a client without a certificate and one with an untrusted
 * certificate, and serves a trusted one — without weakening the trust store.
 *
 * The trusted test certificate comes from a throwaway CA created in a
 * temporary folder; its private key is deleted with the folder. The CA
 * certificate is handed to the running phoneprovd over the control socket
 * (POST /v1/selftest) together with the SHA-256 of that one client
 * certificate: the daemon accepts exactly that certificate, verified
 * against the anchor, from memory, for a minute at most or until the test
 * ends it. pki/trust/ is never written, so nobody sees a foreign CA there
 * and a crash leaves none behind (an anchor that an older version left in
 * pki/trust/ is removed). */

/* Array of PpCheckResult (pp-checks.h). */
void       pp_selftest_run_async  (PpSite              *site,
                                   const char          *https_base_url,
                                   const char          *path,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
GPtrArray *pp_selftest_run_finish (GAsyncResult        *result,
                                   GError             **error);

G_END_DECLS
