#include "config.h"
#include "pp-cli.h"

#include <glib/gi18n.h>
#include <stdarg.h>
#include <stdio.h>

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

int
pp_cli_fail (const GError *error)
{
  g_printerr ("phoneprovctl: %s\n", error ? error->message : _("unknown error"));
  return PP_CLI_ERROR;
}

int
pp_cli_fail_msg (const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_printerr ("phoneprovctl: %s\n", msg);
  return PP_CLI_ERROR;
}

int
pp_cli_usage (const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_printerr ("phoneprovctl: %s\n", msg);
  return PP_CLI_USAGE;
}
