/* Placeholder until the control API lands (issue 4): every call reports that
 * the daemon is not reachable. Replaced by the real libsoup client. */
#include "config.h"
#include "pp-control-client.h"
#include "pp-error.h"

#include <glib/gi18n-lib.h>

struct _PpControlClient {
  GObject parent_instance;
  char   *socket_path;
};

G_DEFINE_FINAL_TYPE (PpControlClient, pp_control_client, G_TYPE_OBJECT)

static void
pp_control_client_finalize (GObject *object)
{
  g_free (PP_CONTROL_CLIENT (object)->socket_path);
  G_OBJECT_CLASS (pp_control_client_parent_class)->finalize (object);
}

static void
pp_control_client_class_init (PpControlClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pp_control_client_finalize;
}

static void
pp_control_client_init (PpControlClient *self)
{
}

PpControlClient *
pp_control_client_new (const char *site_dir)
{
  PpControlClient *self = g_object_new (PP_TYPE_CONTROL_CLIENT, NULL);
  self->socket_path = g_build_filename (site_dir, "run", "control.sock", NULL);
  return self;
}

const char *
pp_control_client_get_socket_path (PpControlClient *self)
{
  return self->socket_path;
}
