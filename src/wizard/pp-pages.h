#pragma once

#include "pp-page.h"

G_BEGIN_DECLS

/* The order of the wizard, in one place (DESIGN.md §4). */
typedef struct {
  const char *id;
  const char *title;        /* translatable (N_) */
  const char *bulletin;     /* the bulletin section it replaces (N_) */
  GType     (*get_type) (void);
} PpPageInfo;

const PpPageInfo *pp_pages_get (guint *n_pages);
PpPage           *pp_pages_create (const PpPageInfo *info, PpWizardContext *context);

G_END_DECLS
