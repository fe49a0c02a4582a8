#include "config.h"
#include "pp-htdigest.h"
#include "pp-error.h"
#include "pp-fileutil.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <string.h>

#define HTDIGEST_MAX (4 * 1024 * 1024)

char *
pp_htdigest_ha1 (const char *user, const char *realm, const char *password)
{
  g_autofree char *s = g_strdup_printf ("%s:%s:%s", user, realm, password);
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, s, -1);
}

gboolean
pp_htdigest_user_is_valid (const char *user, GError **error)
{
  gsize len = user ? strlen (user) : 0;
  if (len == 0 || len > 64 || !g_utf8_validate (user, -1, NULL))
    goto bad;
  for (const char *c = user; *c; c++)
    if (*c == ':' || *c == '"' || *c == '\\' || (unsigned char) *c < 0x20 || *c == 0x7f)
      goto bad;
  return TRUE;
bad:
  g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
               _("“%s” cannot be a phone account name: use 1 to 64 characters without colons, quotes or backslashes."),
               user ? user : "");
  return FALSE;
}

static gboolean
is_hex32 (const char *s)
{
  if (strlen (s) != 32)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isxdigit (*s))
      return FALSE;
  return TRUE;
}

GHashTable *
pp_htdigest_parse (const char *data, gsize len, const char *realm, GError **error)
{
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *copy = g_strndup (data, len);
  g_auto(GStrv) lines = NULL;

  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT, _("The account file contains binary data; it is not an htdigest file."));
      return NULL;
    }
  lines = g_strsplit (copy, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) f = NULL;
      char *line = g_strstrip (lines[i]);
      if (*line == '\0' || *line == '#')
        continue;
      f = g_strsplit (line, ":", -1);
      if (g_strv_length (f) != 3 || !is_hex32 (f[2]) || *f[0] == '\0')
        {
          g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
                       _("Line %u of the account file is not “user:realm:hash”. Fix or remove that line."), i + 1);
          return NULL;
        }
      if (realm == NULL || g_str_equal (f[1], realm))
        g_hash_table_replace (users, g_strdup (f[0]), g_ascii_strdown (f[2], -1));
    }
  return g_steal_pointer (&users);
}

GHashTable *
pp_htdigest_load (const char *path, const char *realm, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) local = NULL;

  if (!pp_file_read (path, HTDIGEST_MAX, &data, &len, &local))
    {
      if (g_error_matches (local, PP_ERROR, PP_ERROR_NOT_FOUND))
        return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return pp_htdigest_parse (data, len, realm, error);
}

/* Rewrite the file keeping every line except @user@@realm, then append
 * @new_line (may be NULL). */
static gboolean
rewrite (const char *path, const char *user, const char *realm, const char *new_line,
         gboolean *found, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) local = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *prefix = g_strdup_printf ("%s:%s:", user, realm);

  *found = FALSE;
  if (!pp_file_read (path, HTDIGEST_MAX, &data, &len, &local))
    {
      if (!g_error_matches (local, PP_ERROR, PP_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
  else
    {
      g_autoptr(GHashTable) check = pp_htdigest_parse (data, len, NULL, error);
      g_auto(GStrv) lines = NULL;
      if (check == NULL)
        return FALSE;
      lines = g_strsplit (data, "\n", -1);
      for (guint i = 0; lines[i]; i++)
        {
          const char *l = lines[i];
          /* Match the line as the parser reads it (stripped), or an
           * indented entry survives "remove" and still logs in. */
          while (g_ascii_isspace (*l))
            l++;
          if (*l == '\0')
            continue;
          if (g_str_has_prefix (l, prefix))
            {
              *found = TRUE;
              continue;
            }
          g_string_append_printf (out, "%s\n", lines[i]);
        }
    }
  if (new_line)
    g_string_append_printf (out, "%s\n", new_line);
  return pp_file_write_atomic (path, out->str, out->len, 0600, error);
}

gboolean
pp_htdigest_set (const char *path, const char *user, const char *realm,
                 const char *password, GError **error)
{
  g_autofree char *ha1 = NULL, *line = NULL;
  gboolean found;

  if (!pp_htdigest_user_is_valid (user, error))
    return FALSE;
  if (realm == NULL || *realm == '\0' || strchr (realm, ':') || strchr (realm, '"'))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("The realm must be non-empty and contain no colons or quotes."));
      return FALSE;
    }
  if (password == NULL || *password == '\0' || strchr (password, '\n'))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("The password must not be empty."));
      return FALSE;
    }
  ha1 = pp_htdigest_ha1 (user, realm, password);
  line = g_strdup_printf ("%s:%s:%s", user, realm, ha1);
  return rewrite (path, user, realm, line, &found, error);
}

gboolean
pp_htdigest_remove (const char *path, const char *user, const char *realm, GError **error)
{
  gboolean found;
  if (!rewrite (path, user, realm, NULL, &found, error))
    return FALSE;
  if (!found)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND, _("There is no account “%s” in realm “%s”."), user, realm);
      return FALSE;
    }
  return TRUE;
}

char *
pp_password_generate (guint length)
{
  /* No 0/O, 1/l/I: admins type these into phone menus. */
  static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const guint n = sizeof alphabet - 1;
  g_autofree guint8 *rnd = g_malloc (length);
  char *out = g_malloc (length + 1);

  if (gnutls_rnd (GNUTLS_RND_KEY, rnd, length) != 0)
    g_error ("no random numbers available");
  for (guint i = 0; i < length; i++)
    out[i] = alphabet[rnd[i] % n];
  out[length] = '\0';
  return out;
}
