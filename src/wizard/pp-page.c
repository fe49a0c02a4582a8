#include "config.h"
#include "pp-page.h"
#include "pp-wizard-context.h"

typedef struct {
  char            *id;
  char            *title;
  char            *status;
  gboolean         complete;
  gboolean         applying;
  gboolean         disposed;
  PpWizardContext *context;
} PpPagePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (PpPage, pp_page, GTK_TYPE_BIN)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_COMPLETE,
  PROP_APPLYING,
  PROP_STATUS,
  N_PROPS
};

enum {
  SIGNAL_APPLY_DONE,
  SIGNAL_ERROR,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

static void
pp_page_dispose (GObject *object)
{
  PpPagePrivate *priv = pp_page_get_instance_private (PP_PAGE (object));
  priv->disposed = TRUE;
  G_OBJECT_CLASS (pp_page_parent_class)->dispose (object);
}

static void
pp_page_finalize (GObject *object)
{
  PpPagePrivate *priv = pp_page_get_instance_private (PP_PAGE (object));
  g_free (priv->id);
  g_free (priv->title);
  g_free (priv->status);
  G_OBJECT_CLASS (pp_page_parent_class)->finalize (object);
}

static void
pp_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PpPagePrivate *priv = pp_page_get_instance_private (PP_PAGE (object));
  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, priv->id); break;
    case PROP_TITLE: g_value_set_string (value, priv->title); break;
    case PROP_COMPLETE: g_value_set_boolean (value, priv->complete); break;
    case PROP_APPLYING: g_value_set_boolean (value, priv->applying); break;
    case PROP_STATUS: g_value_set_string (value, priv->status); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PpPage *page = PP_PAGE (object);
  PpPagePrivate *priv = pp_page_get_instance_private (page);
  switch (prop_id)
    {
    case PROP_ID:
      g_free (priv->id);
      priv->id = g_value_dup_string (value);
      break;
    case PROP_TITLE: pp_page_set_title (page, g_value_get_string (value)); break;
    case PROP_COMPLETE: pp_page_set_complete (page, g_value_get_boolean (value)); break;
    case PROP_STATUS: pp_page_set_status (page, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_page_class_init (PpPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pp_page_dispose;
  object_class->finalize = pp_page_finalize;
  object_class->get_property = pp_page_get_property;
  object_class->set_property = pp_page_set_property;

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_COMPLETE] = g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_APPLYING] = g_param_spec_boolean ("applying", NULL, NULL, FALSE,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL,
                                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* Emitted when apply() finished; the boolean says whether it worked. */
  signals[SIGNAL_APPLY_DONE] = g_signal_new ("apply-done", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  /* An error sentence to show outside apply(). */
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pp_page_init (PpPage *page)
{
}

const char *
pp_page_get_id (PpPage *page)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);
  return priv->id;
}

const char *
pp_page_get_title (PpPage *page)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);
  return priv->title;
}

void
pp_page_set_title (PpPage *page, const char *title)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);
  if (g_strcmp0 (priv->title, title) == 0)
    return;
  g_free (priv->title);
  priv->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (page), props[PROP_TITLE]);
}

gboolean
pp_page_get_complete (PpPage *page)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);
  return priv->complete;
}

void
pp_page_set_complete (PpPage *page, gboolean complete)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);
  complete = !!complete;
  if (priv->complete == complete)
    return;
  priv->complete = complete;
  g_object_notify_by_pspec (G_OBJECT (page), props[PROP_COMPLETE]);
}

gboolean
pp_page_get_applying (PpPage *page)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);
  return priv->applying;
}

const char *
pp_page_get_status (PpPage *page)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);
  return priv->status;
}

void
pp_page_set_status (PpPage *page, const char *status)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);
  if (g_strcmp0 (priv->status, status) == 0)
    return;
  g_free (priv->status);
  priv->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (page), props[PROP_STATUS]);
}

PpWizardContext *
pp_page_get_context (PpPage *page)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);
  return priv->context;
}

void
pp_page_set_context (PpPage *page, PpWizardContext *context)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);
  priv->context = context;
}

void
pp_page_shown (PpPage *page)
{
  if (PP_PAGE_GET_CLASS (page)->shown)
    PP_PAGE_GET_CLASS (page)->shown (page);
}

void
pp_page_site_changed (PpPage *page)
{
  if (PP_PAGE_GET_CLASS (page)->site_changed)
    PP_PAGE_GET_CLASS (page)->site_changed (page);
}

gboolean
pp_page_can_apply (PpPage *page)
{
  return PP_PAGE_GET_CLASS (page)->apply != NULL;
}

void
pp_page_apply (PpPage *page, GCancellable *cancellable)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);

  g_return_if_fail (!priv->applying);
  if (PP_PAGE_GET_CLASS (page)->apply == NULL)
    {
      g_signal_emit (page, signals[SIGNAL_APPLY_DONE], 0, TRUE);
      return;
    }
  priv->applying = TRUE;
  g_object_notify_by_pspec (G_OBJECT (page), props[PROP_APPLYING]);
  PP_PAGE_GET_CLASS (page)->apply (page, cancellable);
}

void
pp_page_apply_complete (PpPage *page, gboolean ok)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);

  priv->applying = FALSE;
  g_object_notify_by_pspec (G_OBJECT (page), props[PROP_APPLYING]);
  if (ok)
    pp_page_set_complete (page, TRUE);
  g_signal_emit (page, signals[SIGNAL_APPLY_DONE], 0, ok);
}

void
pp_page_apply_failed (PpPage *page, const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    pp_page_set_status (page, NULL);
  else
    pp_page_set_status (page, error ? error->message : NULL);
  pp_page_apply_complete (page, FALSE);
}

void
pp_page_report_error (PpPage *page, const GError *error)
{
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_signal_emit (page, signals[SIGNAL_ERROR], 0, error->message);
}

PpSite *
pp_page_get_site (PpPage *page)
{
  PpWizardContext *ctx = pp_page_get_context (page);
  return ctx ? pp_wizard_context_get_site (ctx) : NULL;
}

gboolean
pp_page_is_alive (PpPage *page)
{
  PpPagePrivate *priv = pp_page_get_instance_private (page);
  return !priv->disposed;
}
