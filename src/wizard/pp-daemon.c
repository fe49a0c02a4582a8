#include "config.h"
#include "pp-daemon.h"
#include "pp-event-text.h"
#include "pp-control-client.h"
#include "pp-error.h"

#include <glib/gi18n.h>
#include <string.h>

void
pp_site_status_free (PpSiteStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->address);
  g_free (status->url);
  g_free (status->error);
  g_free (status);
}

static char *
dup_member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (n));
  return NULL;
}

PpSiteStatus *
pp_site_status_from_json (JsonNode *status, const char *name)
{
  JsonObject *root;
  JsonArray *sites;

  if (status == NULL || !JSON_NODE_HOLDS_OBJECT (status))
    return NULL;
  root = json_node_get_object (status);
  if (!json_object_has_member (root, "sites"))
    return NULL;
  sites = json_object_get_array_member (root, "sites");
  for (guint i = 0; sites && i < json_array_get_length (sites); i++)
    {
      JsonObject *s = json_array_get_object_element (sites, i);
      g_autofree char *n = s ? dup_member (s, "name") : NULL;
      g_autofree char *error = NULL;
      PpSiteStatus *out;

      if (g_strcmp0 (n, name) != 0)
        continue;
      out = g_new0 (PpSiteStatus, 1);
      out->enabled = json_object_get_boolean_member_with_default (s, "enabled", FALSE);
      out->running = json_object_get_boolean_member_with_default (s, "running", FALSE);
      out->port = (guint) json_object_get_int_member_with_default (s, "port", 0);
      out->address = dup_member (s, "address");
      out->url = dup_member (s, "url");
      error = dup_member (s, "error");
      if (error == NULL)
        error = dup_member (s, "message");
      /* The daemon's sentence, in the user's language (pp-event-text.h). */
      out->error = pp_event_text_translate (error);
      return out;
    }
  return NULL;
}

char *
pp_site_status_local_url (const PpSiteStatus *status, const char *scheme)
{
  const char *host = "127.0.0.1";

  if (status->address && *status->address && g_strcmp0 (status->address, "*") != 0 &&
      g_strcmp0 (status->address, "0.0.0.0") != 0 && g_strcmp0 (status->address, "::") != 0)
    host = status->address;
  if (strchr (host, ':'))
    return g_strdup_printf ("%s://[%s]:%u", scheme, host, status->port);
  return g_strdup_printf ("%s://%s:%u", scheme, host, status->port);
}

static void
apply_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *site_dir = task_data;
  g_autoptr(PpControlClient) client = pp_control_client_new (site_dir);
  g_autoptr(GError) error = NULL;
  JsonNode *status;

  if (!pp_control_ensure_daemon (site_dir, NULL, cancellable, &error))
    {
      g_task_return_new_error (task, PP_ERROR, PP_ERROR_FAILED,
                               _("The provisioning server could not be started: %s"), error->message);
      return;
    }
  if (!pp_control_client_reload (client, cancellable, &error))
    {
      g_task_return_new_error (task, PP_ERROR, PP_ERROR_FAILED,
                               _("The provisioning server did not take the new settings: %s"), error->message);
      return;
    }
  status = pp_control_client_status (client, cancellable, &error);
  if (status == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, status, (GDestroyNotify) json_node_unref);
}

static void
status_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  g_autoptr(PpControlClient) client = pp_control_client_new (task_data);
  GError *error = NULL;
  JsonNode *status = pp_control_client_status (client, cancellable, &error);

  if (status == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, status, (GDestroyNotify) json_node_unref);
}

void
pp_daemon_apply_async (const char *site_dir, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pp_daemon_apply_async);
  g_task_set_task_data (task, g_strdup (site_dir), g_free);
  g_task_run_in_thread (task, apply_thread);
}

JsonNode *
pp_daemon_apply_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
pp_daemon_status_async (const char *site_dir, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pp_daemon_status_async);
  g_task_set_task_data (task, g_strdup (site_dir), g_free);
  g_task_run_in_thread (task, status_thread);
}

JsonNode *
pp_daemon_status_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
reload_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  g_autoptr(PpControlClient) client = pp_control_client_new (task_data);
  g_autoptr(GError) error = NULL;

  if (pp_control_client_ping (client, cancellable) &&
      !pp_control_client_reload (client, cancellable, &error))
    {
      g_task_return_new_error (task, PP_ERROR, PP_ERROR_FAILED,
                               _("The provisioning server did not take the new settings: %s"), error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
pp_daemon_reload_if_running_async (const char *site_dir, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pp_daemon_reload_if_running_async);
  g_task_set_task_data (task, g_strdup (site_dir), g_free);
  g_task_run_in_thread (task, reload_thread);
}

gboolean
pp_daemon_reload_if_running_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
pp_daemon_reload_sync (const char *site_dir, GCancellable *cancellable, GError **error)
{
  g_autoptr(PpControlClient) client = pp_control_client_new (site_dir);
  return pp_control_client_reload (client, cancellable, error);
}
