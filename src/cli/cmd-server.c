/* Server commands: start, status, reload, stop, events — through the
 * control API, never by touching the daemon's process directly. */
#include "config.h"
#include "pp-cli.h"
#include "pp-control-client.h"
#include "pp-error.h"
#include "pp-expiry.h"

#include <glib/gi18n.h>
#include <stdio.h>

static int
cmd_start (PpCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  if (!pp_cli_parse (&argc, &argv, NULL, NULL,
                     _("Start phoneprovd for the site in the background (unless it already runs).")))
    return PP_CLI_USAGE;
  if (!pp_control_ensure_daemon (ctx->site_dir, NULL, NULL, &error))
    return pp_cli_fail (error);
  printf (_("phoneprovd is running for %s\n"), ctx->site_dir);
  return PP_CLI_OK;
}

static const char *
member_str (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

/* Expiry warnings (issue 7) from the site directory itself, so they show
 * even when the daemon is down. */
static void
print_expiry_warnings (PpCliContext *ctx, FILE *out)
{
  g_autoptr(PpSite) site = pp_site_open (ctx->site_dir, NULL);
  g_autoptr(GPtrArray) warnings = site ? pp_expiry_check (site, 0, PP_EXPIRY_WARN_DAYS) : NULL;

  for (guint i = 0; warnings && i < warnings->len; i++)
    fprintf (out, _("  warning: %s\n"), ((PpExpiryWarning *) warnings->pdata[i])->message);
}

static int
cmd_status (PpCliContext *ctx, int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the daemon's status document as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpControlClient) client = NULL;
  g_autoptr(JsonNode) status = NULL;
  JsonObject *root;
  JsonArray *sites, *errors;

  if (!pp_cli_parse (&argc, &argv, entries, NULL, _("Show whether the sites run, on which ports, and recent counts.")))
    return PP_CLI_USAGE;
  client = pp_control_client_new (ctx->site_dir);
  status = pp_control_client_status (client, NULL, &error);
  if (status == NULL)
    {
      print_expiry_warnings (ctx, stderr);
      return pp_cli_fail (error);
    }
  if (json || ctx->json)
    {
      g_autofree char *text = json_to_string (status, TRUE);
      printf ("%s\n", text);
      print_expiry_warnings (ctx, stderr);
      return PP_CLI_OK;
    }
  root = json_node_get_object (status);
  printf (_("phoneprovd %s, pid %" G_GINT64_FORMAT ", serving %s since %s\n"),
          member_str (root, "version"), json_object_get_int_member (root, "pid"),
          member_str (root, "site"), member_str (root, "started"));
  sites = json_object_get_array_member (root, "sites");
  for (guint i = 0; i < json_array_get_length (sites); i++)
    {
      JsonObject *s = json_array_get_object_element (sites, i);
      const char *name = member_str (s, "name");
      if (!json_object_get_boolean_member (s, "enabled"))
        printf (_("  %-6s disabled\n"), name);
      else if (json_object_get_boolean_member (s, "running") && member_str (s, "client_certs"))
        printf (_("  %-6s running at %s (client certificates %s, TLS profile %s)\n"), name, member_str (s, "url"),
                member_str (s, "client_certs"), member_str (s, "profile") ? member_str (s, "profile") : "?");
      else if (json_object_get_boolean_member (s, "running"))
        printf (_("  %-6s running at %s\n"), name, member_str (s, "url"));
      else
        printf (_("  %-6s not running: %s\n"), name, member_str (s, "error") ? member_str (s, "error") : "?");
    }
  printf (_("  requests served: %" G_GINT64_FORMAT "\n"), json_object_get_int_member (root, "requests"));
  errors = json_object_get_array_member (root, "errors");
  for (guint i = 0; errors && i < json_array_get_length (errors); i++)
    printf (_("  problem: %s\n"), json_array_get_string_element (errors, i));
  print_expiry_warnings (ctx, stdout);
  return PP_CLI_OK;
}

static int
cmd_reload (PpCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpControlClient) client = NULL;

  if (!pp_cli_parse (&argc, &argv, NULL, NULL,
                     _("Make the running daemon read the site again (transfers in flight continue).")))
    return PP_CLI_USAGE;
  client = pp_control_client_new (ctx->site_dir);
  if (!pp_control_client_reload (client, NULL, &error))
    return pp_cli_fail (error);
  printf (_("Reloaded.\n"));
  return PP_CLI_OK;
}

static int
cmd_stop (PpCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpControlClient) client = NULL;

  if (!pp_cli_parse (&argc, &argv, NULL, NULL, _("Stop the running daemon of the site.")))
    return PP_CLI_USAGE;
  client = pp_control_client_new (ctx->site_dir);
  if (!pp_control_client_stop (client, NULL, &error))
    return pp_cli_fail (error);
  /* Bounded wait until the socket is gone, so "stop; start" works. */
  for (guint i = 0; i < 100 && g_file_test (pp_control_client_get_socket_path (client), G_FILE_TEST_EXISTS); i++)
    g_usleep (50 * 1000);
  printf (_("Stopped.\n"));
  return PP_CLI_OK;
}

static int
cmd_events (PpCliContext *ctx, int argc, char **argv)
{
  gint64 after = 0;
  gboolean follow = FALSE;
  const GOptionEntry entries[] = {
    { "after", 0, 0, G_OPTION_ARG_INT64, &after, N_("Only events after this sequence number"), N_("N") },
    { "follow", 'f', 0, G_OPTION_ARG_NONE, &follow, N_("Keep waiting for new events"), NULL },
    { NULL }
  };
  g_autoptr(PpControlClient) client = NULL;

  if (!pp_cli_parse (&argc, &argv, entries, NULL, _("Print the monitor's events as JSON lines.")))
    return PP_CLI_USAGE;
  client = pp_control_client_new (ctx->site_dir);
  do
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) reply = pp_control_client_events (client, (guint64) MAX (after, 0),
                                                            follow ? 30000 : 0, NULL, &error);
      JsonArray *events;
      if (reply == NULL)
        return pp_cli_fail (error);
      events = json_object_get_array_member (json_node_get_object (reply), "events");
      for (guint i = 0; i < json_array_get_length (events); i++)
        {
          g_autofree char *line = json_to_string (json_array_get_element (events, i), FALSE);
          printf ("%s\n", line);
        }
      fflush (stdout);
      after = json_object_get_int_member (json_node_get_object (reply), "next");
    }
  while (follow);
  return PP_CLI_OK;
}

const PpCliCommand pp_cli_server_commands[] = {
  { "server start", "", N_("Start the provisioning server for the site"), cmd_start },
  { "server status", "[--json]", N_("Show the running server's sites and ports"), cmd_status },
  { "server reload", "", N_("Apply the site's changed settings to the running server"), cmd_reload },
  { "server stop", "", N_("Stop the running server"), cmd_stop },
  { "server events", "[--after N] [--follow]", N_("Print monitor events (requests, handshakes, uploads)"), cmd_events },
  { NULL }
};
