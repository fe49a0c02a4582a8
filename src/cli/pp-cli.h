#pragma once

#include <glib.h>
#include "pp-site.h"

G_BEGIN_DECLS

/* phoneprovctl exit codes */
enum {
  PP_CLI_OK = 0,
  PP_CLI_ERROR = 1,  /* one-line reason on stderr */
  PP_CLI_USAGE = 2,
};

typedef struct {
  char *site_dir;   /* from --site, or the default */
  gboolean json;    /* --json where a command supports it */
} PpCliContext;

/* A command gets argv with argv[0] = its full name ("ca sign") and the
 * options that follow; it parses them with pp_cli_parse(). */
typedef int (*PpCliFunc) (PpCliContext *ctx, int argc, char **argv);

typedef struct {
  const char *name;       /* "ca sign" */
  const char *args;       /* "[--csr FILE] [--template T]" */
  const char *summary;    /* translatable (N_) */
  PpCliFunc   func;
} PpCliCommand;

/* Parse @entries from argv; prints usage and returns FALSE on a usage error. */
gboolean pp_cli_parse (int *argc, char ***argv, const GOptionEntry *entries,
                       const char *params, const char *summary);
/* Open the site of @ctx, or print the reason and return NULL. */
PpSite  *pp_cli_open_site (PpCliContext *ctx);
/* Print "phoneprovctl: <message>" and return PP_CLI_ERROR. */
int      pp_cli_fail (const GError *error);
int      pp_cli_fail_msg (const char *format, ...) G_GNUC_PRINTF (1, 2);
int      pp_cli_usage (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Command tables, one per area (cmd-*.c). */
extern const PpCliCommand pp_cli_site_commands[];
extern const PpCliCommand pp_cli_bundle_commands[];
extern const PpCliCommand pp_cli_pki_commands[];
extern const PpCliCommand pp_cli_trust_commands[];
extern const PpCliCommand pp_cli_server_commands[];
extern const PpCliCommand pp_cli_report_commands[];

G_END_DECLS
