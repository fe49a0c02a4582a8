/* Certificate and trust-store commands: cert install|show, trust add|list|remove. */
#include "config.h"
#include "pp-cli.h"
#include "pp-cert-details.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-pki.h"
#include "pp-trust.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#define MAX_CERT_FILE (4 * 1024 * 1024)

static int
cmd_cert_install (PpCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!pp_cli_parse (&argc, &argv, NULL, "FILE",
                     _("Install the server certificate an outside CA issued for the pending request.")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("cert install needs exactly one FILE (PEM, DER or PKCS #7)."));
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  if (!pp_file_read (argv[1], MAX_CERT_FILE, &data, &len, &error)
      || !pp_server_cert_install (site, data, len, &error))
    return pp_cli_fail (error);
  printf (_("Installed the server certificate (pki/server/server.crt and chain.pem).\n"));
  return PP_CLI_OK;
}

static const char *
kind_name (PpTrustKind kind)
{
  switch (kind)
    {
    case PP_TRUST_ANCHOR: return "anchor";
    case PP_TRUST_INTERMEDIATE: return "intermediate";
    case PP_TRUST_CRL: return "crl";
    case PP_TRUST_DAMAGED: default: return "damaged";
    }
}

static const char *
polycom_name (PpPolycomStatus s)
{
  switch (s)
    {
    case PP_POLYCOM_GENUINE: return "genuine";
    case PP_POLYCOM_IMPOSTOR: return "impostor";
    case PP_POLYCOM_NONE: default: return "none";
    }
}

static JsonNode *
entries_to_json (GPtrArray *list)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      PpTrustEntry *e = list->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, e->file);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, kind_name (e->kind));
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, e->label);
      json_builder_set_member_name (b, "subject");
      json_builder_add_string_value (b, e->subject ? e->subject : "");
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, e->sha256 ? e->sha256 : "");
      json_builder_set_member_name (b, "not_after");
      json_builder_add_int_value (b, e->not_after);
      json_builder_set_member_name (b, "polycom");
      json_builder_add_string_value (b, polycom_name (e->polycom));
      if (e->warning)
        {
          /* A damaged file is an error (the exit status says so too). */
          json_builder_set_member_name (b, e->kind == PP_TRUST_DAMAGED ? "error" : "warning");
          json_builder_add_string_value (b, e->warning);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

static void
print_entries (GPtrArray *list, gboolean json)
{
  if (json)
    {
      g_autoptr(JsonNode) node = entries_to_json (list);
      pp_cli_print_json (node);
      return;
    }
  for (guint i = 0; i < list->len; i++)
    {
      PpTrustEntry *e = list->pdata[i];
      printf ("%s\t%s\t%s\t%s\n", kind_name (e->kind), e->label, e->sha256 ? e->sha256 : "-", e->file);
      if (e->kind == PP_TRUST_DAMAGED)
        g_printerr ("phoneprovctl: %s\n", e->warning);
      else if (e->warning)
        g_printerr (_("phoneprovctl: warning: %s\n"), e->warning);
    }
}

static int
cmd_trust_add (PpCliContext *ctx, int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    PP_CLI_JSON_ENTRY (json),
    { NULL }
  };
  g_autoptr(PpSite) site = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_trust_entry_free);

  if (!pp_cli_parse (&argc, &argv, entries, "FILE…",
                     _("Trust phone certificates issued by these CA certificates (PEM, DER, PKCS #7; CRLs too).")))
    return PP_CLI_USAGE;
  if (argc < 2)
    return pp_cli_usage (_("trust add needs at least one FILE."));
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) added = NULL;
      g_autofree char *data = NULL;
      gsize len = 0;
      if (!pp_file_read (argv[i], MAX_CERT_FILE, &data, &len, &error)
          || (added = pp_trust_add (site, data, len, &error)) == NULL)
        {
          g_prefix_error (&error, "%s: ", argv[i]);
          return pp_cli_fail (error);
        }
      while (added->len)
        g_ptr_array_add (all, g_ptr_array_steal_index (added, 0));
    }
  print_entries (all, json || ctx->json);
  return PP_CLI_OK;
}

static int
cmd_trust_list (PpCliContext *ctx, int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    PP_CLI_JSON_ENTRY (json),
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autoptr(GPtrArray) list = NULL;

  if (!pp_cli_parse (&argc, &argv, entries, NULL, _("List the trust store for phone certificates.")))
    return PP_CLI_USAGE;
  if (argc > 1)
    return pp_cli_usage (_("trust list takes no arguments."));
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  list = pp_trust_list (site, &error);
  if (list == NULL)
    return pp_cli_fail (error);
  print_entries (list, json || ctx->json);
  /* Scripts notice a store phoneprovd would refuse. */
  return pp_trust_list_is_damaged (list) ? PP_CLI_ERROR : PP_CLI_OK;
}

static int
cmd_trust_remove (PpCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;

  if (!pp_cli_parse (&argc, &argv, NULL, "FILE|SHA256", _("Remove a certificate or CRL from the trust store.")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("trust remove needs the file name or SHA-256 fingerprint that “trust list” shows."));
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  if (!pp_trust_remove (site, argv[1], &error))
    return pp_cli_fail (error);
  return PP_CLI_OK;
}

const PpCliCommand pp_cli_trust_commands[] = {
  { "cert install", "FILE", N_("Install the server certificate for the pending request"), cmd_cert_install, TRUE },
  { "trust add", "FILE…", N_("Trust CA certificates for phone certificates"), cmd_trust_add, TRUE },
  { "trust list", "[--json]", N_("List the phone trust store"), cmd_trust_list },
  { "trust remove", "FILE|SHA256", N_("Remove from the phone trust store"), cmd_trust_remove, TRUE },
  { NULL }
};
