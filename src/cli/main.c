/* phoneprovctl: every wizard action without a display. */
#include "config.h"
#include "pp-cli.h"
#include "pp-tempfile.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const PpCliCommand *const command_tables[] = {
  pp_cli_site_commands,
  pp_cli_bundle_commands,
  pp_cli_pki_commands,
  pp_cli_trust_commands,
  pp_cli_server_commands,
  pp_cli_report_commands,
};

static void
print_help (FILE *out)
{
  fprintf (out, _("Usage: phoneprovctl [--site DIR] COMMAND [OPTIONS]\n\n"
                  "Sets up and runs a mutual-TLS provisioning site for Polycom phones.\n\n"
                  "Commands:\n"));
  /* Pad by characters, not bytes: the argument hints contain "…". */
  glong width = 0;
  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const PpCliCommand *c = command_tables[t]; c->name; c++)
      {
        g_autofree char *usage = g_strdup_printf ("%s %s", c->name, c->args ? c->args : "");
        width = MAX (width, g_utf8_strlen (usage, -1));
      }
  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const PpCliCommand *c = command_tables[t]; c->name; c++)
      {
        g_autofree char *usage = g_strdup_printf ("%s %s", c->name, c->args ? c->args : "");
        glong pad = width - g_utf8_strlen (usage, -1);
        fprintf (out, "  %s%*s  %s\n", usage, (int) pad, "", _(c->summary));
      }
  fprintf (out, _("\nGlobal options:\n"
                  "  --site DIR     the site directory (default: %s)\n"
                  "  --help         show this help\n"
                  "  --version      show the version\n\n"
                  "Exit status: 0 success, 1 error (reason on stderr), 2 usage error.\n"),
           "$XDG_DATA_HOME/phoneprov/site");
}

/* A write of this site that a crash or kill interrupted (phoneprovctl,
 * the wizard or phoneprovd killed mid-write) leaves its temporary: remove
 * those that were there before we started and that nobody holds. */
static void
remove_stale_temporaries (const char *site_dir, gint64 started)
{
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);

  pp_temp_remove_stale_site (site_dir, started, removed);
  for (guint i = 0; i < removed->len; i++)
    g_printerr (_("phoneprovctl: removed “%s”, the temporary file of a write to the site that was interrupted "
                  "(a crash or kill).\n"), (const char *) removed->pdata[i]);
}

/* Longest match of argv words against command names ("ca sign" before "ca"). */
static const PpCliCommand *
find_command (int argc, char **argv, int *words)
{
  const PpCliCommand *best = NULL;
  int best_words = 0;

  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const PpCliCommand *c = command_tables[t]; c->name; c++)
      {
        g_auto(GStrv) parts = g_strsplit (c->name, " ", -1);
        int n = (int) g_strv_length (parts);
        gboolean match = n <= argc;
        for (int i = 0; match && i < n; i++)
          match = g_str_equal (parts[i], argv[i]);
        if (match && n > best_words)
          {
            best = c;
            best_words = n;
          }
      }
  *words = best_words;
  return best;
}

int
main (int argc, char **argv)
{
  PpCliContext ctx = { 0 };
  g_autoptr(GPtrArray) rest = g_ptr_array_new ();
  const PpCliCommand *cmd;
  int words = 0, status;
  gint64 started = g_get_real_time ();

  /* Under a file-size limit a write fails with EFBIG and the command
   * reports it, instead of dying half-way through (SIGXFSZ). */
  signal (SIGXFSZ, SIG_IGN);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* --site may stand anywhere; everything else goes to the command. */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--site") && i + 1 < argc)
        ctx.site_dir = g_strdup (argv[++i]);
      else if (g_str_has_prefix (argv[i], "--site="))
        ctx.site_dir = g_strdup (argv[i] + 7);
      else
        g_ptr_array_add (rest, argv[i]);
    }
  if (rest->len == 0 || g_str_equal (rest->pdata[0], "--help") || g_str_equal (rest->pdata[0], "-h")
      || g_str_equal (rest->pdata[0], "help"))
    {
      print_help (rest->len == 0 ? stderr : stdout);
      return rest->len == 0 ? PP_CLI_USAGE : PP_CLI_OK;
    }
  if (g_str_equal (rest->pdata[0], "--version"))
    {
      printf ("phoneprovctl %s\n", PACKAGE_VERSION);
      return PP_CLI_OK;
    }
  if (ctx.site_dir == NULL)
    ctx.site_dir = pp_site_default_dir ();

  cmd = find_command ((int) rest->len, (char **) rest->pdata, &words);
  if (cmd == NULL)
    {
      g_printerr (_("phoneprovctl: unknown command “%s”. Run “phoneprovctl --help” for the list.\n"),
                  (char *) rest->pdata[0]);
      return PP_CLI_USAGE;
    }
  if (cmd->writes_site)
    remove_stale_temporaries (ctx.site_dir, started);
  {
    /* argv for the command: its name as argv[0], then its options.
     * GOption removes the options it parses from the vector it is given,
     * so the strings are owned by a second array and freed from there. */
    g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GPtrArray) cargv = g_ptr_array_new ();
    int c;
    g_ptr_array_add (owned, g_strdup (cmd->name));
    for (guint i = (guint) words; i < rest->len; i++)
      g_ptr_array_add (owned, g_strdup (rest->pdata[i]));
    for (guint i = 0; i < owned->len; i++)
      g_ptr_array_add (cargv, owned->pdata[i]);
    g_ptr_array_add (cargv, NULL);
    c = (int) cargv->len - 1;
    status = cmd->func (&ctx, c, (char **) cargv->pdata);
  }
  g_free (ctx.site_dir);
  return status;
}
