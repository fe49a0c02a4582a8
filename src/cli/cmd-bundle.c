/* Bundles and engine configurations: bundle export|import, export apache|nginx. */
#include "config.h"
#include "pp-cli.h"
#include "pp-bundle.h"
#include "pp-engine-config.h"
#include "pp-error.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

static char *
read_passphrase (const char *file, GError **error)
{
  return file ? pp_bundle_read_passphrase_file (file, error) : NULL;
}

static int
cmd_bundle_export (PpCliContext *ctx, int argc, char **argv)
{
  g_autofree char *pass_file = NULL;
  gboolean without_key = FALSE;
  const GOptionEntry entries[] = {
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &pass_file,
      N_("Protect the private keys with the passphrase on this file’s first line"), N_("FILE") },
    { "without-key", 0, 0, G_OPTION_ARG_NONE, &without_key, N_("Leave every private key out"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autoptr(PpBundleExportResult) r = NULL;
  g_autofree char *passphrase = NULL;

  if (!pp_cli_parse (&argc, &argv, entries, "FILE", _("Export the site as a bundle (tar.gz).")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("bundle export needs exactly one FILE, for example “bundle export site.tar.gz”."));
  if (pass_file == NULL && !without_key)
    return pp_cli_usage (_("Give --passphrase-file FILE to include the private keys (as PKCS#12), "
                           "or --without-key to leave them out."));
  if (pass_file != NULL && without_key)
    return pp_cli_usage (_("--passphrase-file and --without-key exclude each other."));
  passphrase = read_passphrase (pass_file, &error);
  if (pass_file && passphrase == NULL)
    return pp_cli_fail (error);
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  r = pp_bundle_export (site, argv[1], passphrase, NULL, NULL, NULL, &error);
  if (r == NULL)
    return pp_cli_fail (error);
  for (guint i = 0; r->skipped && r->skipped[i]; i++)
    printf (_("Note: %s\n"), r->skipped[i]);
  printf (g_dngettext (GETTEXT_PACKAGE,
                       "Bundle written to %s: %u files, %" G_GUINT64_FORMAT " bytes, %u private key as PKCS#12.\n",
                       "Bundle written to %s: %u files, %" G_GUINT64_FORMAT " bytes, %u private keys as PKCS#12.\n",
                       r->n_keys),
          argv[1], r->n_members, r->n_bytes, r->n_keys);
  return PP_CLI_OK;
}

static int
cmd_bundle_import (PpCliContext *ctx, int argc, char **argv)
{
  g_autofree char *pass_file = NULL;
  gboolean without_key = FALSE, replace = FALSE;
  const GOptionEntry entries[] = {
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &pass_file,
      N_("Open the bundle’s keys with the passphrase on this file’s first line"), N_("FILE") },
    { "without-key", 0, 0, G_OPTION_ARG_NONE, &without_key, N_("Import without the private keys"), NULL },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace,
      N_("Replace an existing site (kept beside it as DIR.before-import-TIME)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBundleImportResult) r = NULL;
  g_autofree char *passphrase = NULL;
  PpBundleImportOptions opts = { 0 };

  if (!pp_cli_parse (&argc, &argv, entries, "FILE",
                     _("Import a bundle into the site folder (--site DIR). Everything is checked before "
                       "anything is written.")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("bundle import needs exactly one FILE."));
  passphrase = read_passphrase (pass_file, &error);
  if (pass_file && passphrase == NULL)
    return pp_cli_fail (error);
  opts.passphrase = passphrase;
  opts.without_keys = without_key;
  opts.replace = replace;
  r = pp_bundle_import (argv[1], ctx->site_dir, &opts, NULL, NULL, NULL, &error);
  if (r == NULL)
    return pp_cli_fail (error);
  printf (g_dngettext (GETTEXT_PACKAGE,
                       "Imported “%s” (exported %s by phoneprov %s) into %s: %u files, %u private key.\n",
                       "Imported “%s” (exported %s by phoneprov %s) into %s: %u files, %u private keys.\n",
                       r->n_keys),
          r->site_name, r->created, r->phoneprov_version, r->site_dir, r->n_members, r->n_keys);
  if (r->backup_dir)
    printf (_("The previous site was kept in %s. If phoneprovd serves this site, restart it "
              "(phoneprovctl server stop, then start) so it reads the new one.\n"), r->backup_dir);
  if (r->engines)
    printf (_("Apache/nginx configurations for this place are in %s/engines/.\n"), r->site_dir);
  return PP_CLI_OK;
}

static int
cmd_bundle_verify (PpCliContext *ctx, int argc, char **argv)
{
  g_autofree char *pass_file = NULL;
  const GOptionEntry entries[] = {
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &pass_file,
      N_("Also open the bundle’s keys with the passphrase on this file’s first line"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBundleImportResult) r = NULL;
  g_autofree char *passphrase = NULL, *scratch = NULL, *target = NULL;
  PpBundleImportOptions opts = { 0 };

  if (!pp_cli_parse (&argc, &argv, entries, "FILE",
                     _("Check a bundle as an import would (manifest, checksums, paths, certificates, keys, "
                       "site.conf) without writing anything.")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("bundle verify needs exactly one FILE."));
  passphrase = read_passphrase (pass_file, &error);
  if (pass_file && passphrase == NULL)
    return pp_cli_fail (error);
  opts.passphrase = passphrase;
  opts.without_keys = passphrase == NULL;
  opts.dry_run = TRUE;
  /* The checks unpack into a scratch folder, removed afterwards. */
  scratch = g_dir_make_tmp ("phoneprov-verify-XXXXXX", &error);
  if (scratch == NULL)
    return pp_cli_fail (error);
  target = g_build_filename (scratch, "site", NULL);
  r = pp_bundle_import (argv[1], target, &opts, NULL, NULL, NULL, &error);
  g_rmdir (scratch);
  if (r == NULL)
    return pp_cli_fail (error);
  printf (_("%s is a valid bundle of “%s” (exported %s by phoneprov %s): %u files, %" G_GUINT64_FORMAT " bytes.\n"),
          argv[1], r->site_name, r->created, r->phoneprov_version, r->n_members, r->n_bytes);
  if (passphrase)
    printf (_("The passphrase opens its %u private keys, and each matches its certificate.\n"), r->n_keys);
  else
    printf (_("Its private keys were not checked; give --passphrase-file to check them too.\n"));
  return PP_CLI_OK;
}

static int
export_engine (PpCliContext *ctx, int argc, char **argv, PpEngine engine)
{
  g_autofree char *deploy_root = NULL, *module_dir = NULL;
  const GOptionEntry entries[] = {
    { "deploy-root", 0, 0, G_OPTION_ARG_FILENAME, &deploy_root,
      N_("Where the site will be on the serving machine (default: the site folder)"), N_("DIR") },
    { "module-dir", 0, 0, G_OPTION_ARG_FILENAME, &module_dir,
      N_("Apache module folder (default: /usr/lib/apache2/modules)"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *out = NULL, *root = NULL;
  PpEngineOptions opts = { 0 };

  if (!pp_cli_parse (&argc, &argv, entries, "DIR",
                     engine == PP_ENGINE_APACHE ? _("Write an Apache httpd 2.4 configuration for both sites.")
                                                : _("Write an nginx configuration for the HTTPS site.")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("%s needs exactly one DIR to write the configuration to."), argv[0]);
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  out = g_canonicalize_filename (argv[1], NULL);
  root = g_canonicalize_filename (deploy_root ? deploy_root : pp_site_get_dir (site), NULL);
  opts.deploy_root = root;
  opts.conf_dir = out;
  opts.module_dir = module_dir;
  files = pp_engine_config_generate (site, engine, &opts, &error);
  if (files == NULL || !pp_engine_config_write (files, out, &error))
    return pp_cli_fail (error);
  printf (engine == PP_ENGINE_APACHE
          ? _("Apache configuration written to %s. Start it with: apache2 -f %s/httpd.conf -DFOREGROUND\n")
          : _("nginx configuration written to %s. Start it with: nginx -c %s/nginx.conf -g 'daemon off;'\n"),
          out, out);
  return PP_CLI_OK;
}

static int
cmd_export_apache (PpCliContext *ctx, int argc, char **argv)
{
  return export_engine (ctx, argc, argv, PP_ENGINE_APACHE);
}

static int
cmd_export_nginx (PpCliContext *ctx, int argc, char **argv)
{
  return export_engine (ctx, argc, argv, PP_ENGINE_NGINX);
}

const PpCliCommand pp_cli_bundle_commands[] = {
  { "bundle export", "FILE [--passphrase-file F]", N_("Export the site as a bundle"), cmd_bundle_export },
  { "bundle import", "FILE [--passphrase-file F]", N_("Import a bundle into --site DIR"), cmd_bundle_import, TRUE },
  { "bundle verify", "FILE [--passphrase-file F]", N_("Check a bundle without importing it"), cmd_bundle_verify },
  { "export apache", "DIR [--deploy-root R]", N_("Write an Apache configuration for both sites"), cmd_export_apache },
  { "export nginx", "DIR [--deploy-root R]", N_("Write an nginx configuration for the HTTPS site"), cmd_export_nginx },
  { NULL }
};
