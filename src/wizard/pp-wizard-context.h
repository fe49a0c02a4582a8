#pragma once

#include <glib-object.h>
#include "pp-site.h"

G_BEGIN_DECLS

/* What every page shares: the open site and where the daemon is. Pages read
 * the site through src/core and reach the daemon only via src/control. */

#define PP_TYPE_WIZARD_CONTEXT (pp_wizard_context_get_type ())
G_DECLARE_FINAL_TYPE (PpWizardContext, pp_wizard_context, PP, WIZARD_CONTEXT, GObject)

PpWizardContext *pp_wizard_context_new (void);
/* Open (creating when needed) the site at @dir; emits "site-changed". */
gboolean    pp_wizard_context_open_site (PpWizardContext *self, const char *dir, GError **error);
PpSite     *pp_wizard_context_get_site (PpWizardContext *self);
const char *pp_wizard_context_get_site_dir (PpWizardContext *self);
/* Tell every page the site changed on disk (after a page applied). */
void        pp_wizard_context_site_changed (PpWizardContext *self);

G_END_DECLS
