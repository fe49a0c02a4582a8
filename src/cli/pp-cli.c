#include "config.h"
#include "pp-cli.h"
#include "pp-fileutil.h"

#include <glib/gi18n.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

gboolean
pp_cli_parse (int *argc, char ***argv, const GOptionEntry *entries,
              const char *params, const char *summary)
{
  g_autoptr(GOptionContext) oc = g_option_context_new (params);
  g_autoptr(GError) error = NULL;
  g_autofree char *prog = g_strdup_printf ("phoneprovctl %s", (*argv)[0]);

  g_set_prgname (prog);
  if (summary)
    g_option_context_set_summary (oc, summary);
  if (entries)
    g_option_context_add_main_entries (oc, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (oc, argc, argv, &error))
    {
      g_printerr ("phoneprovctl %s: %s\n", (*argv)[0], error->message);
      return FALSE;
    }
  return TRUE;
}

PpSite *
pp_cli_open_site (PpCliContext *ctx)
{
  g_autoptr(GError) error = NULL;
  PpSite *site = pp_site_open (ctx->site_dir, &error);
  if (site == NULL)
    pp_cli_fail (error);
  return site;
}

char *
pp_cli_read_passphrase (const char *file, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  const char *env;

  if (file == NULL)
    {
      env = g_getenv ("PHONEPROV_PASSPHRASE");
      return env && *env ? g_strdup (env) : NULL;
    }
  if (g_str_equal (file, "-"))
    {
      char buf[1024];
      if (fgets (buf, sizeof buf, stdin) == NULL)
        buf[0] = '\0';
      buf[strcspn (buf, "\r\n")] = '\0';
      return g_strdup (buf);
    }
  if (!pp_file_read (file, 64 * 1024, &data, &len, error))
    return NULL;
  data[strcspn (data, "\r\n")] = '\0';
  return g_strdup (data);
}

gboolean
pp_cli_open (PpCliContext *ctx, const char *pass_file, char **pass, PpSite **site)
{
  if (pass)
    {
      g_autoptr(GError) error = NULL;
      *pass = pp_cli_read_passphrase (pass_file, &error);
      if (error)
        {
          pp_cli_fail (error);
          return FALSE;
        }
    }
  if (site)
    {
      *site = pp_cli_open_site (ctx);
      return *site != NULL;
    }
  return TRUE;
}

void
pp_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
}

int
pp_cli_fail (const GError *error)
{
  g_printerr ("phoneprovctl: %s\n", error ? error->message : _("unknown error"));
  return PP_CLI_ERROR;
}

static void print_message (const char *format, va_list ap) G_GNUC_PRINTF (1, 0);

static void
print_message (const char *format, va_list ap)
{
  g_autofree char *msg = g_strdup_vprintf (format, ap);
  g_printerr ("phoneprovctl: %s\n", msg);
}

int
pp_cli_fail_msg (const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  print_message (format, ap);
  va_end (ap);
  return PP_CLI_ERROR;
}

int
pp_cli_usage (const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  print_message (format, ap);
  va_end (ap);
  return PP_CLI_USAGE;
}
