#pragma once

#include <glib.h>
#include "pp-site.h"

G_BEGIN_DECLS

/* What the phone side needs from a site (DESIGN.md §5, bulletin "Installing
 * the Root CA Server Certificate on the Polycom Phone"): the CA it must trust,
 * the address it uses, the menu steps with this site's values and the
 * optional configuration file built from polycomConfig.xsd. Shared by the
 * wizard's "Phone trusts the server" page and the site report. */

#define PP_PHONE_CA_FILE "phoneprov-ca.crt"
#define PP_PHONE_CONFIG_FILE "phoneprov-https.cfg"

/* The root the phone must trust: the local CA, or the self-signed top of
 * the installed chain (outside CA). PEM, or NULL. */
GBytes *pp_site_get_root_for_phones (PpSite *site);
/* "host" or "host:port" phones use for the HTTP/HTTPS site. */
char   *pp_site_phone_address (PpSite *site, gboolean https);

/* The phone menu steps for SoundPoint IP / SoundStation IP (@vvx FALSE) or
 * VVX, one numbered step per line, as Pango markup (only <b>, text escaped;
 * also valid HTML). */
char   *pp_phone_menu_steps (PpSite *site, gboolean vvx);

/* The configuration file that installs @root (PEM) as custom CA 1 and moves
 * provisioning to HTTPS on this site. */
char   *pp_phone_config_generate (PpSite *site, GBytes *root);

G_END_DECLS
