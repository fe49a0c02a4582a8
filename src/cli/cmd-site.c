/* Site-level commands: init, set, get, account. */
#include "config.h"
#include "pp-cli.h"
#include "pp-error.h"
#include "pp-htdigest.h"
#include "pp-phone-account.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

static int
cmd_init (PpCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;

  if (!pp_cli_parse (&argc, &argv, NULL, NULL, _("Create a site directory (or check an existing one).")))
    return PP_CLI_USAGE;
  if (argc > 1)
    return pp_cli_usage (_("init takes no arguments; use --site DIR to choose the folder."));
  site = pp_site_create (ctx->site_dir, &error);
  if (site == NULL)
    return pp_cli_fail (error);
  printf (_("Site ready at %s\n"), pp_site_get_dir (site));
  return PP_CLI_OK;
}

static int
cmd_set (PpCliContext *ctx, int argc, char **argv)
{
  gboolean list = FALSE;
  const GOptionEntry entries[] = {
    { "list", 0, 0, G_OPTION_ARG_NONE, &list, N_("List every setting with its current value"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;

  if (!pp_cli_parse (&argc, &argv, entries, "KEY=VALUE…", _("Change validated settings in site.conf.")))
    return PP_CLI_USAGE;
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  if (list)
    {
      guint n;
      const PpSiteKey *keys = pp_site_keys (&n);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *v = pp_site_get (site, keys[i].name);
          printf ("%s=%s\t# %s\n", keys[i].name, v, _(keys[i].description));
        }
      return PP_CLI_OK;
    }
  if (argc < 2)
    return pp_cli_usage (_("set needs KEY=VALUE, for example “set https.port=8443”."));
  /* All or nothing: validate every pair before saving any. */
  for (int i = 1; i < argc; i++)
    {
      g_autofree char *key = NULL;
      const char *eq = strchr (argv[i], '=');
      if (eq == NULL)
        return pp_cli_usage (_("“%s” is not KEY=VALUE."), argv[i]);
      key = g_strndup (argv[i], (gsize) (eq - argv[i]));
      if (!pp_site_set (site, key, eq + 1, &error))
        return pp_cli_fail (error);
    }
  if (!pp_site_save (site, &error))
    return pp_cli_fail (error);
  return PP_CLI_OK;
}

static int
cmd_get (PpCliContext *ctx, int argc, char **argv)
{
  g_autoptr(PpSite) site = NULL;

  if (!pp_cli_parse (&argc, &argv, NULL, "KEY", _("Print one setting of site.conf.")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("get needs exactly one KEY, for example “get https.port”."));
  if (pp_site_key_lookup (argv[1]) == NULL)
    return pp_cli_fail_msg (_("“%s” is not a setting phoneprov knows. Run “phoneprovctl set --list” to see them."), argv[1]);
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  {
    g_autofree char *v = pp_site_get (site, argv[1]);
    printf ("%s\n", v);
  }
  return PP_CLI_OK;
}

static int
cmd_account_add (PpCliContext *ctx, int argc, char **argv)
{
  char *password = NULL;
  gboolean stdin_pw = FALSE;
  const GOptionEntry entries[] = {
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, N_("Use this password instead of a generated one"), N_("PASSWORD") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &stdin_pw, N_("Read the password from standard input"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autofree char *pw = NULL, *realm = NULL;
  gboolean generated = FALSE, is_phone = FALSE;

  if (!pp_cli_parse (&argc, &argv, entries, "USER", _("Add or replace a phone account (htdigest).")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("account add needs exactly one USER."));
  if (!pp_htdigest_user_is_valid (argv[1], &error))
    return pp_cli_fail (error);
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  if (stdin_pw)
    {
      char buf[512];
      if (fgets (buf, sizeof buf, stdin) == NULL)
        return pp_cli_fail_msg (_("No password on standard input."));
      pw = g_strdup (g_strchomp (buf));
    }
  else if (password)
    pw = g_strdup (password);
  else
    {
      pw = pp_password_generate (16);
      generated = TRUE;
    }
  g_free (password);
  realm = pp_site_get (site, "http.realm");
  /* Like the wizard: the phone account also goes to auth/phone.account. */
  if (!pp_phone_account_add (site, argv[1], pw, &is_phone, &error))
    return pp_cli_fail (error);
  if (generated)
    printf (_("Account “%s” (realm “%s”), password: %s\n"), argv[1], realm, pw);
  else
    printf (_("Account “%s” (realm “%s”) saved.\n"), argv[1], realm);
  if (!is_phone)
    {
      g_autofree char *phone_user = NULL;
      (void) pp_phone_account_load (site, &phone_user, NULL, NULL);
      printf (_("The phone account stays “%s”; “%s” is an extra account for the same sites.\n"),
              phone_user, argv[1]);
    }
  return PP_CLI_OK;
}

static int
cmd_account_remove (PpCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;

  if (!pp_cli_parse (&argc, &argv, NULL, "USER", _("Remove a phone account.")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("account remove needs exactly one USER."));
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  if (!pp_phone_account_remove (site, argv[1], &error))
    return pp_cli_fail (error);
  return PP_CLI_OK;
}

static int
cmd_account_list (PpCliContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autoptr(GHashTable) users = NULL;
  g_autofree char *realm = NULL, *path = NULL;
  g_autoptr(GList) keys = NULL;

  if (!pp_cli_parse (&argc, &argv, NULL, NULL, _("List phone accounts of the site's realm.")))
    return PP_CLI_USAGE;
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  realm = pp_site_get (site, "http.realm");
  path = pp_site_path (site, "auth/htdigest");
  users = pp_htdigest_load (path, realm, &error);
  if (users == NULL)
    return pp_cli_fail (error);
  keys = g_list_sort (g_hash_table_get_keys (users), (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l; l = l->next)
    printf ("%s\n", (char *) l->data);
  return PP_CLI_OK;
}

const PpCliCommand pp_cli_site_commands[] = {
  { "init", "", N_("Create a site directory"), cmd_init },
  { "set", "KEY=VALUE… | --list", N_("Change validated settings"), cmd_set, TRUE },
  { "get", "KEY", N_("Print one setting"), cmd_get },
  { "account add", "USER [--password P]", N_("Add a phone account (digest)"), cmd_account_add, TRUE },
  { "account remove", "USER", N_("Remove a phone account"), cmd_account_remove, TRUE },
  { "account list", "", N_("List phone accounts"), cmd_account_list },
  { NULL }
};
