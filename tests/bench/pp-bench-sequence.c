/* The request sequences of a phone, from DESIGN.md §5 (a VVX 500 on
 * UC 5.9.7 as observed, with CONFIG_FILES="sip.cfg, phone1.cfg"). */
#include "pp-bench.h"

/* The updater (bootROM successor) on its own connection: it uploads its boot
 * log, then reads the master configuration. */
static const PpBenchStep updater[] = {
  { PP_BENCH_PUT,  "/%s-boot.log",               TRUE,  "Updater", FALSE },
  { PP_BENCH_GET,  "/%s.cfg",                    FALSE, "Updater", TRUE },
  { PP_BENCH_GET,  "/000000000000.cfg",          FALSE, "Updater", FALSE },
};

/* The application, after the updater handed over: a second connection. */
static const PpBenchStep application[] = {
  { PP_BENCH_GET,  "/sip.cfg",                   TRUE,  "Application", FALSE },
  { PP_BENCH_GET,  "/phone1.cfg",                FALSE, "Application", FALSE },
  { PP_BENCH_GET,  "/%s-phone.cfg",              FALSE, "Application", TRUE },
  { PP_BENCH_GET,  "/%s-web.cfg",                FALSE, "Application", TRUE },
  { PP_BENCH_GET,  "/000000000000-license.cfg",  FALSE, "Application", TRUE },
  { PP_BENCH_GET,  "/%s-license.cfg",            FALSE, "Application", TRUE },
  { PP_BENCH_GET,  "/%s-directory.xml",          FALSE, "Application", TRUE },
  { PP_BENCH_GET,  "/000000000000-directory.xml", FALSE, "Application", TRUE },
  { PP_BENCH_GET,  "/%s-calls.xml",              FALSE, "Application", TRUE },
  { PP_BENCH_HEAD, "/%s-app.log",                FALSE, "Application", TRUE },
  { PP_BENCH_PUT,  "/%s-app.log",                FALSE, "Application", FALSE },
};

/* Small files that every phone reads, for the keep-alive scenario. */
static const char * const small_files[] = {
  "/sip.cfg", "/phone1.cfg", "/000000000000.cfg", "/000000000000-license.cfg",
  "/000000000000-directory.xml",
};

gboolean
pp_bench_scenario_known (const char *scenario)
{
  return g_strcmp0 (scenario, "boot") == 0 || g_strcmp0 (scenario, "app") == 0 ||
         g_strcmp0 (scenario, "firmware") == 0 || g_strcmp0 (scenario, "keepalive") == 0;
}

PpBenchStep *
pp_bench_sequence (const char *scenario, const char *firmware, guint requests, guint *n_steps)
{
  PpBenchStep *steps;
  guint n = 0;

  if (g_strcmp0 (scenario, "boot") == 0 || g_strcmp0 (scenario, "app") == 0)
    {
      gboolean boot = g_str_equal (scenario, "boot");
      steps = g_new0 (PpBenchStep, G_N_ELEMENTS (updater) + G_N_ELEMENTS (application));
      if (boot)
        for (guint i = 0; i < G_N_ELEMENTS (updater); i++)
          steps[n++] = updater[i];
      for (guint i = 0; i < G_N_ELEMENTS (application); i++)
        steps[n++] = application[i];
    }
  else if (g_strcmp0 (scenario, "firmware") == 0)
    {
      steps = g_new0 (PpBenchStep, 1);
      steps[n++] = (PpBenchStep) { PP_BENCH_GET, firmware, TRUE, "Updater", FALSE };
    }
  else
    {
      requests = CLAMP (requests, 1, 100000);
      steps = g_new0 (PpBenchStep, requests);
      for (guint i = 0; i < requests; i++)
        steps[n++] = (PpBenchStep) { PP_BENCH_GET, small_files[i % G_N_ELEMENTS (small_files)],
                                     i == 0, "Application", FALSE };
    }
  *n_steps = n;
  return steps;
}
