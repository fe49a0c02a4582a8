#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What one phone does, as a list of requests (DESIGN.md §5). A request that
 * starts a connection pays a TLS handshake; the last request of a connection
 * closes it. */
typedef enum {
  PP_BENCH_GET,
  PP_BENCH_HEAD,
  PP_BENCH_PUT,
} PpBenchMethod;

typedef struct {
  PpBenchMethod method;
  const char   *path;           /* "%s" is replaced by the phone's MAC */
  gboolean      new_connection;
  const char   *agent_type;     /* "Updater" or "Application" */
  gboolean      allow_404;      /* optional per-device files */
} PpBenchStep;

/* Scenarios: "boot" (updater connection + application connection),
 * "app" (the application connection only), "firmware" (one big GET),
 * "keepalive" (@requests small GETs on one connection). The returned array
 * is freed with g_free (the paths are static). */
PpBenchStep *pp_bench_sequence (const char *scenario,
                                const char *firmware,
                                guint       requests,
                                guint      *n_steps);

gboolean pp_bench_scenario_known (const char *scenario);

G_END_DECLS
