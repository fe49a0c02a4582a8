#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
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
  gboolean    writes_site; /* sweep the site's crash leftovers first */
} PpCliCommand;

/* Option entries several commands share. */
#define PP_CLI_PASSPHRASE_ENTRY(var) \
  { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &(var), \
    N_("Read the passphrase from FILE (“-” for standard input; default: $PHONEPROV_PASSPHRASE)"), N_("FILE") }
#define PP_CLI_JSON_ENTRY(var) \
  { "json", 0, 0, G_OPTION_ARG_NONE, &(var), N_("Print JSON"), NULL }

/* Parse @entries from argv; prints usage and returns FALSE on a usage error. */
gboolean pp_cli_parse (int *argc, char ***argv, const GOptionEntry *entries,
                       const char *params, const char *summary);
/* Open the site of @ctx, or print the reason and return NULL. */
PpSite  *pp_cli_open_site (PpCliContext *ctx);
/* The passphrase of --passphrase-file @file (its first line; "-" reads a
 * line from standard input); without @file $PHONEPROV_PASSPHRASE, or NULL.
 * NULL with @error set when the file cannot be read. */
char    *pp_cli_read_passphrase (const char *file, GError **error);
/* What most commands do after parsing: read the passphrase (@pass not NULL)
 * and open the site (@site not NULL), in that order. FALSE after printing
 * why either failed; the command then returns PP_CLI_ERROR. */
gboolean pp_cli_open (PpCliContext *ctx, const char *pass_file, char **pass, PpSite **site);
/* Print @node as pretty JSON and a newline on standard output. */
void     pp_cli_print_json (JsonNode *node);
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
