#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* Step 8 (bulletin: Installing the Root CA Server Certificate on the Polycom
 * Phone): the CA certificate goes into the boot directory, with an optional
 * configuration file; the page shows the MD5 fingerprint and menu paths. */
#define PP_TYPE_PHONE_TRUST_PAGE (pp_phone_trust_page_get_type ())
G_DECLARE_FINAL_TYPE (PpPhoneTrustPage, pp_phone_trust_page, PP, PHONE_TRUST_PAGE, PpPage)

#define PP_PHONE_CA_FILE "phoneprov-ca.crt"
#define PP_PHONE_CONFIG_FILE "phoneprov-https.cfg"

/* The root the phone must trust: the local CA, or the self-signed top of
 * the installed chain (outside CA). PEM, or NULL. */
GBytes *pp_site_get_root_for_phones (PpSite *site);
/* "host" or "host:port" phones use for the HTTP/HTTPS site. */
char   *pp_site_phone_address (PpSite *site, gboolean https);

G_END_DECLS
