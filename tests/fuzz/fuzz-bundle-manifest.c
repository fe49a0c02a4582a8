/* manifest.json of a bundle, the first thing import trusts. Properties:
 * every member of an accepted manifest has a safe relative path, a 64-digit
 * lowercase SHA-256 and no duplicate; writing it back and parsing again
 * gives the same members. */
#include "config.h"
#include "fuzz-common.h"
#include "pp-bundle-manifest.h"

#include <string.h>

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBundleManifest) m = pp_bundle_manifest_parse ((const char *) data, size, &error);
  g_autoptr(PpBundleManifest) again = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autofree char *json = NULL;
  gsize len = 0;

  if (m == NULL)
    {
      FUZZ_CHECK (error != NULL && g_utf8_validate (error->message, -1, NULL), "refusal without a UTF-8 message");
      return 0;
    }
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < m->members->len; i++)
    {
      PpBundleMember *mem = g_ptr_array_index (m->members, i);
      FUZZ_CHECK (pp_bundle_path_is_safe (mem->path), "unsafe member path \"%s\"", mem->path);
      FUZZ_CHECK (strlen (mem->sha256) == 64 && strspn (mem->sha256, "0123456789abcdef") == 64,
                  "sha256 \"%s\"", mem->sha256);
      FUZZ_CHECK (g_hash_table_add (seen, mem->path), "duplicate member \"%s\"", mem->path);
      FUZZ_CHECK (pp_bundle_manifest_lookup (m, mem->path) == mem, "lookup of \"%s\"", mem->path);
    }
  json = pp_bundle_manifest_to_json (m, &len);
  again = pp_bundle_manifest_parse (json, len, &error);
  FUZZ_CHECK (again != NULL, "written manifest does not parse: %s", error->message);
  FUZZ_CHECK (again->members->len == m->members->len, "member count changed over a round trip");
  for (guint i = 0; i < m->members->len; i++)
    {
      PpBundleMember *a = g_ptr_array_index (m->members, i), *b = g_ptr_array_index (again->members, i);
      FUZZ_CHECK (g_str_equal (a->path, b->path) && a->size == b->size && g_str_equal (a->sha256, b->sha256),
                  "member %u changed over a round trip", i);
    }
  return 0;
}
