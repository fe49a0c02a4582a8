#pragma once

#include <glib.h>
#include "pp-site.h"

G_BEGIN_DECLS

/* A deterministic demo site for `phoneprov --screenshots` and the user guide
 * (issue 7): fixed names, fixed certificate dates and keys derived from fixed
 * seeds (GnuTLS provable RSA key generation), so every run produces the same
 * certificates, fingerprints and pages. Never use it for real phones: its
 * private keys can be recomputed by anyone from this source. */

#define PP_DEMO_EPOCH      G_GINT64_CONSTANT (1767225600)  /* 2026-01-01T00:00:00Z */
#define PP_DEMO_HOSTNAME   "prov.example.com"
#define PP_DEMO_PHONE_MAC  "0004f2a1b2c3"
#define PP_DEMO_PHONE_UA   "FileTransport PolycomVVX-VVX_500-UA/5.9.7.4525 Type/Application"
#define PP_DEMO_USER       "PlcmSpIp"

/* Fill @site: settings (ports @http_port/@https_port), phone account, boot
 * files, the local CA and an installed server certificate, a trust store with
 * the demo lab's phone CA and, when @polycom_pki_dir holds them, the genuine
 * Polycom certificates (which this project never ships). */
gboolean pp_demo_site_populate (PpSite      *site,
                                guint        http_port,
                                guint        https_port,
                                const char  *polycom_pki_dir,
                                GError     **error);

/* The demo phone's device certificate (CN=<PP_DEMO_PHONE_MAC>, issued by the
 * demo lab CA in the trust store) followed by its key, PEM. */
char    *pp_demo_phone_identity (GError **error);

G_END_DECLS
