#include "config.h"
#include "pp-wizard-context.h"

struct _PpWizardContext {
  GObject  parent_instance;
  PpSite  *site;
};

G_DEFINE_FINAL_TYPE (PpWizardContext, pp_wizard_context, G_TYPE_OBJECT)

enum { SIGNAL_SITE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
pp_wizard_context_dispose (GObject *object)
{
  g_clear_object (&PP_WIZARD_CONTEXT (object)->site);
  G_OBJECT_CLASS (pp_wizard_context_parent_class)->dispose (object);
}

static void
pp_wizard_context_class_init (PpWizardContextClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pp_wizard_context_dispose;
  signals[SIGNAL_SITE_CHANGED] = g_signal_new ("site-changed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 0);
}

static void
pp_wizard_context_init (PpWizardContext *self)
{
}

PpWizardContext *
pp_wizard_context_new (void)
{
  return g_object_new (PP_TYPE_WIZARD_CONTEXT, NULL);
}

gboolean
pp_wizard_context_open_site (PpWizardContext *self, const char *dir, GError **error)
{
  PpSite *site = pp_site_create (dir, error);
  if (site == NULL)
    return FALSE;
  g_clear_object (&self->site);
  self->site = site;
  g_signal_emit (self, signals[SIGNAL_SITE_CHANGED], 0);
  return TRUE;
}

PpSite *
pp_wizard_context_get_site (PpWizardContext *self)
{
  return self->site;
}

const char *
pp_wizard_context_get_site_dir (PpWizardContext *self)
{
  return self->site ? pp_site_get_dir (self->site) : NULL;
}

void
pp_wizard_context_site_changed (PpWizardContext *self)
{
  if (self->site)
    (void) pp_site_reload (self->site, NULL);
  g_signal_emit (self, signals[SIGNAL_SITE_CHANGED], 0);
}
