#include "config.h"
#include "pp-site.h"
#include "pp-error.h"
#include "pp-fileutil.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#define SITE_CONF "site.conf"
#define SITE_MAGIC_GROUP "site"

struct _PpSite {
  GObject   parent_instance;
  char     *dir;
  GKeyFile *conf;
};

G_DEFINE_FINAL_TYPE (PpSite, pp_site, G_TYPE_OBJECT)

static const PpSiteKey site_keys[] = {
  { "site.name", PP_SITE_KEY_STRING, "Polycom provisioning", NULL, N_("A name for this site, shown in reports") },
  { "site.hostname", PP_SITE_KEY_STRING, "", NULL, N_("The name phones use to reach this server (FQDN); empty means this host's name") },
  { "boot.dir", PP_SITE_KEY_PATH, "boot", NULL, N_("Boot directory served to phones, absolute or relative to the site") },
  { "boot.upload-patterns", PP_SITE_KEY_PATTERNS,
    "*-boot.log;*-app.log;*-phone.cfg;*-web.cfg;*-directory.xml;*-calls.xml", NULL,
    N_("File names phones may upload with PUT") },
  { "boot.upload-max-bytes", PP_SITE_KEY_UINT, "10485760", NULL, N_("Largest upload accepted, in bytes") },
  { "http.enabled", PP_SITE_KEY_BOOL, "true", NULL, N_("Serve the HTTP site (bootROM)") },
  { "http.description", PP_SITE_KEY_STRING, "bootserver http", NULL, N_("Description of the HTTP site") },
  { "http.address", PP_SITE_KEY_ADDRESS, "*", NULL, N_("Address the HTTP site listens on") },
  { "http.port", PP_SITE_KEY_PORT, "80", NULL, N_("TCP port of the HTTP site") },
  { "http.realm", PP_SITE_KEY_STRING, "phoneprov", NULL, N_("Digest authentication realm") },
  { "http.digest", PP_SITE_KEY_BOOL, "true", NULL, N_("Require digest authentication on the HTTP site") },
  { "http.bootstrap", PP_SITE_KEY_BOOL, "false", NULL, N_("Serve a generated configuration that moves phones to HTTPS") },
  { "https.enabled", PP_SITE_KEY_BOOL, "true", NULL, N_("Serve the HTTPS site (application)") },
  { "https.description", PP_SITE_KEY_STRING, "bootserver MTLS", NULL, N_("Description of the HTTPS site") },
  { "https.address", PP_SITE_KEY_ADDRESS, "*", NULL, N_("Address the HTTPS site listens on") },
  { "https.port", PP_SITE_KEY_PORT, "443", NULL, N_("TCP port of the HTTPS site") },
  { "https.profile", PP_SITE_KEY_ENUM, "compatible", "modern|compatible", N_("TLS profile: modern (TLS 1.2+) or compatible (adds TLS 1.0/1.1 for old phones)") },
  { "https.client-certs", PP_SITE_KEY_ENUM, "required", "required|optional|off", N_("Client certificates on the HTTPS site") },
  { "https.digest", PP_SITE_KEY_BOOL, "false", NULL, N_("Also require digest authentication on the HTTPS site") },
  { "https.check-crl", PP_SITE_KEY_BOOL, "true", NULL, N_("Refuse phone certificates listed in a CRL in the trust store") },
  { "https.accept-expired-polycom", PP_SITE_KEY_BOOL, "false", NULL, N_("Accept expired device certificates from the genuine Polycom hierarchy") },
  { "https.bind-mac", PP_SITE_KEY_BOOL, "false", NULL, N_("Let a phone read and write only its own <MAC> files") },
  { "server.workers", PP_SITE_KEY_UINT, "0", NULL, N_("Worker threads; 0 means one per CPU core") },
  { "server.log-max-bytes", PP_SITE_KEY_UINT, "10485760", NULL, N_("Rotate logs past this size") },
  { "pki.pending-csr", PP_SITE_KEY_BOOL, "false", NULL, N_("A server certificate request is waiting for an outside CA") },
};

const PpSiteKey *
pp_site_keys (guint *n_keys)
{
  if (n_keys)
    *n_keys = G_N_ELEMENTS (site_keys);
  return site_keys;
}

const PpSiteKey *
pp_site_key_lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (site_keys); i++)
    if (g_strcmp0 (site_keys[i].name, name) == 0)
      return &site_keys[i];
  return NULL;
}

static gboolean
split_key (const char *name, char **group, char **key)
{
  const char *dot = strchr (name, '.');
  if (dot == NULL || dot == name || dot[1] == '\0')
    return FALSE;
  *group = g_strndup (name, (gsize) (dot - name));
  *key = g_strdup (dot + 1);
  return TRUE;
}

static gboolean
parse_uint (const char *value, guint64 max, guint64 *out)
{
  guint64 v;
  if (value == NULL || *value == '\0')
    return FALSE;
  if (!g_ascii_string_to_unsigned (value, 10, 0, max, &v, NULL))
    return FALSE;
  if (out)
    *out = v;
  return TRUE;
}

gboolean
pp_site_validate_value (const char *name, const char *value, GError **error)
{
  const PpSiteKey *k = pp_site_key_lookup (name);

  /* Names and values end up in messages, the wizard and JSON. */
  if (!g_utf8_validate (name, -1, NULL) || (value != NULL && !g_utf8_validate (value, -1, NULL)))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("Settings and their values must be UTF-8 text."));
      return FALSE;
    }
  if (k == NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("“%s” is not a setting phoneprov knows. Run “phoneprovctl set --list” to see them."), name);
      return FALSE;
    }
  if (value == NULL || strchr (value, '\n') || strchr (value, '\r'))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("The value of %s must be a single line."), name);
      return FALSE;
    }
  switch (k->type)
    {
    case PP_SITE_KEY_STRING:
      if (strlen (value) > 256 || !g_utf8_validate (value, -1, NULL))
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The value of %s must be UTF-8 text of at most 256 bytes."), name);
          return FALSE;
        }
      return TRUE;
    case PP_SITE_KEY_BOOL:
      if (g_strcmp0 (value, "true") != 0 && g_strcmp0 (value, "false") != 0)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("%s must be “true” or “false”, not “%s”."), name, value);
          return FALSE;
        }
      return TRUE;
    case PP_SITE_KEY_PORT:
      if (!parse_uint (value, 65535, NULL))
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("%s must be a port number from 1 to 65535, not “%s”."), name, value);
          return FALSE;
        }
      return TRUE;
    case PP_SITE_KEY_UINT:
      if (!parse_uint (value, G_MAXUINT32, NULL))
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("%s must be a whole number, not “%s”."), name, value);
          return FALSE;
        }
      return TRUE;
    case PP_SITE_KEY_ENUM:
      {
        g_auto(GStrv) choices = g_strsplit (k->choices, "|", -1);
        if (!g_strv_contains ((const char * const *) choices, value))
          {
            g_autofree char *list = g_strjoinv (", ", choices);
            g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("%s must be one of %s, not “%s”."), name, list, value);
            return FALSE;
          }
        return TRUE;
      }
    case PP_SITE_KEY_ADDRESS:
      {
        g_autoptr(GInetAddress) a = NULL;
        if (g_strcmp0 (value, "*") == 0)
          return TRUE;
        a = g_inet_address_new_from_string (value);
        if (a == NULL)
          {
            g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                         _("%s must be an IP address (such as 192.0.2.10 or ::1) or “*” for every address, not “%s”."), name, value);
            return FALSE;
          }
        return TRUE;
      }
    case PP_SITE_KEY_PATTERNS:
      {
        g_auto(GStrv) pats = g_strsplit (value, ";", -1);
        for (guint i = 0; pats[i]; i++)
          if (*pats[i] && (strchr (pats[i], '/') || strchr (pats[i], '\\')))
            {
              g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                           _("Upload pattern “%s” must be a file name pattern without folders."), pats[i]);
              return FALSE;
            }
        return TRUE;
      }
    case PP_SITE_KEY_PATH:
      if (*value == '\0' || strlen (value) > 4096)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("%s must be a folder path."), name);
          return FALSE;
        }
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
validate_keyfile (GKeyFile *kf, GError **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (kf, NULL);

  if (!g_key_file_has_group (kf, SITE_MAGIC_GROUP))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
                   _("This site.conf has no [site] section, so it is not a phoneprov site."));
      return FALSE;
    }
  for (guint g = 0; groups[g]; g++)
    {
      g_auto(GStrv) keys = g_key_file_get_keys (kf, groups[g], NULL, NULL);
      for (guint i = 0; keys && keys[i]; i++)
        {
          g_autofree char *name = g_strdup_printf ("%s.%s", groups[g], keys[i]);
          g_autofree char *value = g_key_file_get_value (kf, groups[g], keys[i], NULL);
          g_autoptr(GError) local = NULL;
          if (!pp_site_validate_value (name, value, &local))
            {
              g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
                           _("site.conf is invalid: %s Fix the file or restore it from a backup."), local->message);
              return FALSE;
            }
        }
    }
  return TRUE;
}

gboolean
pp_site_conf_validate_data (const char *data, gsize len, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_KEEP_COMMENTS, &local))
    {
      /* GKeyFile quotes the offending bytes as they are. */
      g_autofree char *why = g_utf8_make_valid (local->message, -1);
      g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
                   _("site.conf cannot be read: %s."), why);
      return FALSE;
    }
  return validate_keyfile (kf, error);
}

static void
pp_site_finalize (GObject *object)
{
  PpSite *self = PP_SITE (object);
  g_free (self->dir);
  g_clear_pointer (&self->conf, g_key_file_unref);
  G_OBJECT_CLASS (pp_site_parent_class)->finalize (object);
}

static void
pp_site_class_init (PpSiteClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pp_site_finalize;
}

static void
pp_site_init (PpSite *self)
{
  self->conf = g_key_file_new ();
}

char *
pp_site_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "phoneprov", "site", NULL);
}

static const char *skeleton_dirs[] = {
  "boot", "pki", "pki/ca", "pki/server", "pki/trust", "auth", "logs", "run",
};

static gboolean
load_conf (PpSite *self, GError **error)
{
  g_autofree char *path = g_build_filename (self->dir, SITE_CONF, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  if (!pp_file_read (path, 1024 * 1024, &data, &len, &local))
    {
      if (g_error_matches (local, PP_ERROR, PP_ERROR_NOT_FOUND))
        g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                     _("“%s” is not a phoneprov site (it has no site.conf). "
                       "Create one with “phoneprovctl init --site %s”."), self->dir, self->dir);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_KEEP_COMMENTS, &local))
    {
      g_autofree char *why = g_utf8_make_valid (local->message, -1);
      g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
                   _("%s cannot be read: %s. Fix the file or restore it from a backup."), path, why);
      return FALSE;
    }
  if (!validate_keyfile (kf, error))
    return FALSE;
  g_key_file_unref (self->conf);
  self->conf = g_steal_pointer (&kf);
  return TRUE;
}

PpSite *
pp_site_open (const char *dir, GError **error)
{
  g_autoptr(PpSite) self = g_object_new (PP_TYPE_SITE, NULL);

  g_return_val_if_fail (dir != NULL, NULL);
  self->dir = g_canonicalize_filename (dir, NULL);
  if (!g_file_test (self->dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                   _("The site folder “%s” does not exist. Create it with “phoneprovctl init --site %s”."),
                   self->dir, self->dir);
      return NULL;
    }
  if (!load_conf (self, error))
    return NULL;
  /* Folders a newer version added, or an admin removed: recreate quietly. */
  for (guint i = 0; i < G_N_ELEMENTS (skeleton_dirs); i++)
    {
      g_autofree char *p = g_build_filename (self->dir, skeleton_dirs[i], NULL);
      if (!g_file_test (p, G_FILE_TEST_IS_DIR))
        (void) g_mkdir_with_parents (p, 0700);
    }
  return g_steal_pointer (&self);
}

gboolean
pp_site_reload (PpSite *self, GError **error)
{
  g_return_val_if_fail (PP_IS_SITE (self), FALSE);
  return load_conf (self, error);
}

PpSite *
pp_site_create (const char *dir, GError **error)
{
  g_autofree char *abs = g_canonicalize_filename (dir, NULL);
  g_autofree char *conf = g_build_filename (abs, SITE_CONF, NULL);
  g_autoptr(PpSite) self = NULL;

  if (g_file_test (conf, G_FILE_TEST_EXISTS))
    return pp_site_open (abs, error);

  if (g_file_test (abs, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) d = g_dir_open (abs, 0, NULL);
      if (d && g_dir_read_name (d) != NULL)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_EXISTS,
                       _("The folder “%s” is not empty and is not a phoneprov site. "
                         "Choose an empty or new folder for the site."), abs);
          return NULL;
        }
    }
  else if (g_file_test (abs, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_EXISTS,
                   _("“%s” exists and is not a folder. Choose another place for the site."), abs);
      return NULL;
    }

  if (!pp_mkdir (abs, 0700, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (skeleton_dirs); i++)
    {
      g_autofree char *p = g_build_filename (abs, skeleton_dirs[i], NULL);
      /* The boot folder is served; keys and accounts stay private. */
      if (!pp_mkdir (p, g_str_equal (skeleton_dirs[i], "boot") ? 0755 : 0700, error))
        return NULL;
    }

  self = g_object_new (PP_TYPE_SITE, NULL);
  self->dir = g_steal_pointer (&abs);
  for (guint i = 0; i < G_N_ELEMENTS (site_keys); i++)
    {
      g_autofree char *group = NULL, *key = NULL;
      split_key (site_keys[i].name, &group, &key);
      g_key_file_set_value (self->conf, group, key, site_keys[i].default_value);
    }
  g_key_file_set_comment (self->conf, NULL, NULL,
                          " phoneprov site configuration. Edit with “phoneprovctl set KEY=VALUE”\n"
                          " or the phoneprov wizard; hand edits are validated on load.", NULL);
  if (!pp_site_save (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
pp_site_get_dir (PpSite *self)
{
  g_return_val_if_fail (PP_IS_SITE (self), NULL);
  return self->dir;
}

char *
pp_site_path (PpSite *self, const char *rel)
{
  g_return_val_if_fail (PP_IS_SITE (self), NULL);
  return g_build_filename (self->dir, rel, NULL);
}

char *
pp_site_get_boot_dir (PpSite *self)
{
  g_autofree char *v = pp_site_get (self, "boot.dir");
  if (g_path_is_absolute (v))
    return g_canonicalize_filename (v, NULL);
  return g_canonicalize_filename (v, self->dir);
}

char *
pp_site_get (PpSite *self, const char *name)
{
  const PpSiteKey *k = pp_site_key_lookup (name);
  g_autofree char *group = NULL, *key = NULL;
  char *v;

  g_return_val_if_fail (PP_IS_SITE (self), NULL);
  g_return_val_if_fail (k != NULL, NULL);
  split_key (name, &group, &key);
  v = g_key_file_get_value (self->conf, group, key, NULL);
  return v ? v : g_strdup (k->default_value);
}

gboolean
pp_site_get_bool (PpSite *self, const char *key)
{
  g_autofree char *v = pp_site_get (self, key);
  return g_strcmp0 (v, "true") == 0;
}

guint
pp_site_get_uint (PpSite *self, const char *key)
{
  g_autofree char *v = pp_site_get (self, key);
  guint64 n = 0;
  parse_uint (v, G_MAXUINT32, &n);
  return (guint) n;
}

char **
pp_site_get_patterns (PpSite *self, const char *key)
{
  g_autofree char *v = pp_site_get (self, key);
  g_auto(GStrv) parts = g_strsplit (v, ";", -1);
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; parts[i]; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i])
        g_ptr_array_add (out, g_strdup (parts[i]));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

gboolean
pp_site_set (PpSite *self, const char *name, const char *value, GError **error)
{
  g_autofree char *group = NULL, *key = NULL;

  g_return_val_if_fail (PP_IS_SITE (self), FALSE);
  if (!pp_site_validate_value (name, value, error))
    return FALSE;
  split_key (name, &group, &key);
  g_key_file_set_value (self->conf, group, key, value);
  return TRUE;
}

gboolean
pp_site_save (PpSite *self, GError **error)
{
  g_autofree char *path = g_build_filename (self->dir, SITE_CONF, NULL);
  gsize len = 0;
  g_autofree char *data = g_key_file_to_data (self->conf, &len, NULL);

  return pp_file_write_atomic (path, data, len, 0600, error);
}
