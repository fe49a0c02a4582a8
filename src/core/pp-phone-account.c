#include "config.h"
#include "pp-phone-account.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-htdigest.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#define ACCOUNT_FILE "auth/phone.account"
#define HTDIGEST_FILE "auth/htdigest"

gboolean
pp_phone_account_load (PpSite *site, char **user, char **password, GError **error)
{
  g_autofree char *path = pp_site_path (site, ACCOUNT_FILE);
  g_autofree char *data = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *u = NULL, *p = NULL;
  gsize len = 0;

  if (!pp_file_read (path, 64 * 1024, &data, &len, error))
    return FALSE;
  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, NULL) ||
      (u = g_key_file_get_string (kf, "account", "user", NULL)) == NULL ||
      (p = g_key_file_get_string (kf, "account", "password", NULL)) == NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
                   _("%s cannot be read. Set the phone account again on the Boot directory step."), path);
      return FALSE;
    }
  if (user)
    *user = g_steal_pointer (&u);
  if (password)
    *password = g_steal_pointer (&p);
  return TRUE;
}

static gboolean
check_password (const char *password, GError **error)
{
  if (password == NULL || *password == '\0' || strlen (password) > 256)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The phone's password must not be empty and at most 256 characters long (the phone's limit)."));
      return FALSE;
    }
  return TRUE;
}

/* auth/phone.account, readable by the site's owner only: it holds the
 * password in clear for the wizard to show. */
static gboolean
write_account_file (PpSite *site, const char *user, const char *password, const char *realm, GError **error)
{
  g_autofree char *path = pp_site_path (site, ACCOUNT_FILE);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize len = 0;

  g_key_file_set_string (kf, "account", "user", user);
  g_key_file_set_string (kf, "account", "password", password);
  g_key_file_set_string (kf, "account", "realm", realm);
  data = g_key_file_to_data (kf, &len, NULL);
  return pp_file_write_atomic (path, data, len, 0600, error);
}

gboolean
pp_phone_account_save (PpSite *site, const char *user, const char *password, GError **error)
{
  g_autofree char *htdigest = pp_site_path (site, HTDIGEST_FILE);
  g_autofree char *realm = pp_site_get (site, "http.realm");
  g_autofree char *old_user = NULL;

  if (!pp_htdigest_user_is_valid (user, error) || !check_password (password, error))
    return FALSE;
  (void) pp_phone_account_load (site, &old_user, NULL, NULL);
  if (!pp_htdigest_set (htdigest, user, realm, password, error) ||
      !write_account_file (site, user, password, realm, error))
    return FALSE;
  /* A renamed account must stop working. */
  if (old_user && g_strcmp0 (old_user, user) != 0)
    (void) pp_htdigest_remove (htdigest, old_user, realm, NULL);
  return TRUE;
}

gboolean
pp_phone_account_add (PpSite *site, const char *user, const char *password,
                      gboolean *is_phone_account, GError **error)
{
  g_autofree char *htdigest = pp_site_path (site, HTDIGEST_FILE);
  g_autofree char *realm = pp_site_get (site, "http.realm");
  g_autofree char *phone_user = NULL;
  gboolean phone;

  (void) pp_phone_account_load (site, &phone_user, NULL, NULL);
  phone = phone_user == NULL || g_str_equal (phone_user, user);
  if (phone && !check_password (password, error))
    return FALSE;
  if (!pp_htdigest_set (htdigest, user, realm, password, error))
    return FALSE;
  if (phone && !write_account_file (site, user, password, realm, error))
    return FALSE;
  if (is_phone_account)
    *is_phone_account = phone;
  return TRUE;
}

gboolean
pp_phone_account_remove (PpSite *site, const char *user, GError **error)
{
  g_autofree char *htdigest = pp_site_path (site, HTDIGEST_FILE);
  g_autofree char *realm = pp_site_get (site, "http.realm");
  g_autofree char *phone_user = NULL;

  if (!pp_htdigest_remove (htdigest, user, realm, error))
    return FALSE;
  /* The report and the wizard must not name an account that no longer works. */
  if (pp_phone_account_load (site, &phone_user, NULL, NULL) && g_str_equal (phone_user, user))
    {
      g_autofree char *path = pp_site_path (site, ACCOUNT_FILE);
      if (g_remove (path) != 0 && errno != ENOENT)
        {
          int saved = errno;
          g_set_error (error, PP_ERROR, PP_ERROR_IO,
                       _("The account “%s” was removed, but %s could not be deleted (%s); delete it by hand."),
                       user, path, g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}
