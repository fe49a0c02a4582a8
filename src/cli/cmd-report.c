/* phoneprovctl report: the wizard's "Export report…" without a display. */
#include "config.h"
#include "pp-cli.h"
#include "pp-expiry.h"
#include "pp-report.h"

#include <glib/gi18n.h>
#include <stdio.h>

static int
cmd_report (PpCliContext *ctx, int argc, char **argv)
{
  g_autofree char *date = NULL;
  const GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date,
      N_("Write the report as of this date (ISO 8601, e.g. 2026-11-27T12:00:00Z) instead of now"), N_("DATE") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  gint64 now = 0;

  if (!pp_cli_parse (&argc, &argv, entries, "FILE",
                     _("Write the site report: one self-contained HTML file with addresses, accounts (no passwords), certificates, trust store, phone steps and troubleshooting.")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("report needs exactly one FILE, for example “phoneprovctl report site.html”."));
  if (date)
    {
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (date, utc);
      if (dt == NULL)
        return pp_cli_usage (_("--date needs an ISO 8601 date such as 2026-11-27T12:00:00Z."));
      now = g_date_time_to_unix (dt);
    }
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  if (!pp_report_write (site, argv[1], now, &error))
    return pp_cli_fail (error);
  printf (_("Wrote the site report to %s\n"), argv[1]);
  {
    g_autoptr(GPtrArray) warnings = pp_expiry_check (site, now, PP_EXPIRY_WARN_DAYS);
    for (guint i = 0; i < warnings->len; i++)
      g_printerr (_("Warning: %s\n"), ((PpExpiryWarning *) warnings->pdata[i])->message);
  }
  return PP_CLI_OK;
}

const PpCliCommand pp_cli_report_commands[] = {
  { "report", "[--date DATE] FILE", N_("Write the site report (HTML) for a customer"), cmd_report },
  { NULL }
};
