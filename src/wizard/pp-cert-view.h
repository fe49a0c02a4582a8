#pragma once

#include <gtk/gtk.h>
#include "pp-cert-details.h"

G_BEGIN_DECLS

/* The one certificate view (gcr's split): renders a PpCertDetails from
 * src/core. The important section (Identity, Verified by, Expires) is always
 * visible; the others fold out. Fingerprints have Copy buttons. */
#define PP_TYPE_CERT_VIEW (pp_cert_view_get_type ())
G_DECLARE_FINAL_TYPE (PpCertView, pp_cert_view, PP, CERT_VIEW, GtkBox)

GtkWidget     *pp_cert_view_new (void);
void           pp_cert_view_set_details (PpCertView *self, PpCertDetails *details);
PpCertDetails *pp_cert_view_get_details (PpCertView *self);
/* Parse @data (PEM/DER certificate or request); on error the view is cleared. */
gboolean       pp_cert_view_set_data (PpCertView *self, GBytes *data, GError **error);
/* The text shown for a field (section key, field key), for tests. */
const char    *pp_cert_view_get_field_text (PpCertView *self, const char *section, const char *field);

G_END_DECLS
