#include "config.h"
#include "pp-bundle-manifest.h"
#include "pp-error.h"
#include "pp-fileutil.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

static void
member_free (gpointer data)
{
  PpBundleMember *m = data;
  g_free (m->path);
  g_free (m->sha256);
  g_free (m);
}

PpBundleManifest *
pp_bundle_manifest_new (const char *site_name, gboolean with_keys)
{
  PpBundleManifest *m = g_new0 (PpBundleManifest, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  m->format_version = PP_BUNDLE_FORMAT_VERSION;
  m->created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  m->phoneprov_version = g_strdup (PACKAGE_VERSION);
  m->site_name = g_strdup (site_name ? site_name : "");
  m->with_keys = with_keys;
  m->members = g_ptr_array_new_with_free_func (member_free);
  m->by_path = g_hash_table_new (g_str_hash, g_str_equal);
  m->encrypted_keys = g_ptr_array_new_with_free_func (g_free);
  return m;
}

void
pp_bundle_manifest_free (PpBundleManifest *m)
{
  if (m == NULL)
    return;
  g_hash_table_unref (m->by_path);
  g_ptr_array_unref (m->members);
  g_ptr_array_unref (m->encrypted_keys);
  g_free (m->created);
  g_free (m->phoneprov_version);
  g_free (m->site_name);
  g_free (m);
}

gboolean
pp_bundle_manifest_add (PpBundleManifest *m, const char *path, guint64 size, const char *sha256)
{
  PpBundleMember *member;

  if (g_hash_table_contains (m->by_path, path))
    return FALSE;
  member = g_new0 (PpBundleMember, 1);
  member->path = g_strdup (path);
  member->size = size;
  member->sha256 = g_ascii_strdown (sha256, -1);
  g_ptr_array_add (m->members, member);
  g_hash_table_insert (m->by_path, member->path, member);
  return TRUE;
}

const PpBundleMember *
pp_bundle_manifest_lookup (PpBundleManifest *m, const char *path)
{
  return g_hash_table_lookup (m->by_path, path);
}

gboolean
pp_bundle_path_is_safe (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (path == NULL || *path == '\0' || *path == '/' || strlen (path) > 1024)
    return FALSE;
  if (!g_utf8_validate (path, -1, NULL))
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i]; i++)
    if (!pp_path_component_is_safe (parts[i]))
      return FALSE;
  return TRUE;
}

char *
pp_bundle_manifest_to_json (PpBundleManifest *m, gsize *len)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, PP_BUNDLE_FORMAT);
  json_builder_set_member_name (b, "format_version");
  json_builder_add_int_value (b, m->format_version);
  json_builder_set_member_name (b, "created");
  json_builder_add_string_value (b, m->created);
  json_builder_set_member_name (b, "phoneprov_version");
  json_builder_add_string_value (b, m->phoneprov_version);
  json_builder_set_member_name (b, "site_name");
  json_builder_add_string_value (b, m->site_name);
  json_builder_set_member_name (b, "keys");
  json_builder_add_string_value (b, m->with_keys ? "pkcs12" : "none");
  json_builder_set_member_name (b, "encrypted_keys");
  json_builder_begin_array (b);
  for (guint i = 0; i < m->encrypted_keys->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (m->encrypted_keys, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "members");
  json_builder_begin_array (b);
  for (guint i = 0; i < m->members->len; i++)
    {
      PpBundleMember *mem = g_ptr_array_index (m->members, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, mem->path);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, (gint64) mem->size);
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, mem->sha256);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, len);
}

/* Typed reads that tolerate any JSON: json-glib's *_with_default getters
 * raise a CRITICAL when a member is an object or array, and a hostile
 * manifest may hold anything. */
static const char *
str_member (JsonObject *o, const char *name, const char *def)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return def;
  return json_node_get_string (n);
}

static gint64
int_member (JsonObject *o, const char *name, gint64 def)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return def;
  return json_node_get_int (n);
}

static gboolean
is_sha256_hex (const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (const char *c = s; *c; c++)
    if (!g_ascii_isxdigit (*c))
      return FALSE;
  return TRUE;
}

static gpointer
corrupt (GError **error, const char *why)
{
  g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
               _("The bundle’s manifest.json is damaged: %s. Export the bundle again from the original site."),
               why);
  return NULL;
}

PpBundleManifest *
pp_bundle_manifest_parse (const char *data, gsize len, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(PpBundleManifest) m = NULL;
  JsonObject *obj;
  JsonArray *arr;
  const char *keys;
  gint64 version;

  if (data == NULL) /* an empty manifest.json member */
    data = "";
  if (len > PP_BUNDLE_MANIFEST_MAX)
    return corrupt (error, _("it is too large"));
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local))
    return corrupt (error, local->message);
  /* An empty document parses, with no root node at all. */
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return corrupt (error, _("it is not a JSON object"));
  obj = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (str_member (obj, "format", ""), PP_BUNDLE_FORMAT) != 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("This file is not a phoneprov bundle (its manifest.json has no “format”: “%s”)."),
                   PP_BUNDLE_FORMAT);
      return NULL;
    }
  version = int_member (obj, "format_version", 0);
  if (version != PP_BUNDLE_FORMAT_VERSION)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_UNSUPPORTED,
                   _("This bundle has format version %" G_GINT64_FORMAT ", but this phoneprov (%s) reads version %d. "
                     "Import it with the phoneprov version that exported it, or export it again."),
                   version, PACKAGE_VERSION, PP_BUNDLE_FORMAT_VERSION);
      return NULL;
    }
  keys = str_member (obj, "keys", "");
  if (g_strcmp0 (keys, "pkcs12") != 0 && g_strcmp0 (keys, "none") != 0)
    return corrupt (error, _("“keys” must be “pkcs12” or “none”"));

  m = pp_bundle_manifest_new (str_member (obj, "site_name", ""),
                              g_str_equal (keys, "pkcs12"));
  g_free (m->created);
  m->created = g_strdup (str_member (obj, "created", ""));
  g_free (m->phoneprov_version);
  m->phoneprov_version = g_strdup (str_member (obj, "phoneprov_version", ""));

  if (json_object_has_member (obj, "encrypted_keys")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "encrypted_keys")))
    {
      JsonArray *ek = json_object_get_array_member (obj, "encrypted_keys");
      for (guint i = 0; i < json_array_get_length (ek); i++)
        {
          JsonNode *kn = json_array_get_element (ek, i);
          const char *k = JSON_NODE_HOLDS_VALUE (kn) && json_node_get_value_type (kn) == G_TYPE_STRING
                          ? json_node_get_string (kn) : NULL;
          if (pp_bundle_path_is_safe (k))
            g_ptr_array_add (m->encrypted_keys, g_strdup (k));
        }
    }
  if (!json_object_has_member (obj, "members")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "members")))
    return corrupt (error, _("it has no member list"));
  arr = json_object_get_array_member (obj, "members");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      JsonObject *e;
      const char *path, *sha;
      gint64 size;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        return corrupt (error, _("a member entry is not an object"));
      e = json_node_get_object (n);
      path = str_member (e, "path", NULL);
      sha = str_member (e, "sha256", NULL);
      size = int_member (e, "size", -1);
      if (!pp_bundle_path_is_safe (path) || g_str_equal (path, PP_BUNDLE_MANIFEST_NAME))
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The bundle’s manifest lists the unsafe path “%s” (absolute, “..” or odd characters). "
                         "The bundle was tampered with."), path ? path : "");
          return NULL;
        }
      if (!is_sha256_hex (sha) || size < 0)
        {
          g_autofree char *why = g_strdup_printf (_("the entry for “%s” has no valid size or SHA-256"), path);
          return corrupt (error, why);
        }
      if (!pp_bundle_manifest_add (m, path, (guint64) size, sha))
        {
          g_autofree char *why = g_strdup_printf (_("“%s” is listed twice"), path);
          return corrupt (error, why);
        }
    }
  return g_steal_pointer (&m);
}
