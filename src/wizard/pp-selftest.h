#pragma once

#include <gio/gio.h>
#include "pp-site.h"

G_BEGIN_DECLS

/* The mutual-TLS self-test (Enabling Mutual TLS): proves that the HTTPS site
 * refuses a client without a certificate and one with an untrusted
 * certificate, and serves a trusted one — without weakening the trust store.
 *
 * The trusted test certificate comes from a throwaway CA created in a
 * temporary folder. Its private key is deleted before its certificate is
 * added to pki/trust/, so exactly one certificate (short-lived, held only in
 * memory) can ever chain to that anchor; the anchor is removed right after
 * the test, and a stale one (crash mid-test) is removed by the next run.
 *
 * A daemon feature would make even that brief entry unnecessary: reload
 * with an extra anchor accepted for one certificate fingerprint only
 * (e.g. POST /v1/reload {"selftest-anchor": PEM, "fingerprint": SHA-256}).
 * Noted for the server issue. */

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
