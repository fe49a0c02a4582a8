#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* manifest.json, the first member of every bundle (DESIGN.md §8): what the
 * bundle holds and the SHA-256 of each member, so import can check every
 * byte before it writes anything. */

#define PP_BUNDLE_FORMAT          "phoneprov-bundle"
#define PP_BUNDLE_FORMAT_VERSION  1
#define PP_BUNDLE_MANIFEST_NAME   "manifest.json"
/* A manifest is a list of names and hashes; anything larger is not one. */
#define PP_BUNDLE_MANIFEST_MAX    (4 * 1024 * 1024)

typedef struct {
  char    *path;     /* relative, '/' separated, validated */
  guint64  size;
  char    *sha256;   /* lowercase hex, 64 characters */
} PpBundleMember;

typedef struct {
  guint       format_version;
  char       *created;            /* ISO 8601 UTC */
  char       *phoneprov_version;
  char       *site_name;
  gboolean    with_keys;          /* private keys inside as PKCS#12 */
  GPtrArray  *encrypted_keys;     /* key paths ("pki/ca/ca.key") that were
                                     passphrase-encrypted at the source */
  GPtrArray  *members;            /* PpBundleMember, in archive order */
  GHashTable *by_path;            /* path → PpBundleMember (borrowed) */
} PpBundleManifest;

PpBundleManifest *pp_bundle_manifest_new (const char *site_name, gboolean with_keys);
void              pp_bundle_manifest_free (PpBundleManifest *manifest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpBundleManifest, pp_bundle_manifest_free)

/* Add a member; FALSE (and nothing added) when @path is already listed. */
gboolean pp_bundle_manifest_add (PpBundleManifest *manifest,
                                 const char       *path,
                                 guint64           size,
                                 const char       *sha256);
const PpBundleMember *pp_bundle_manifest_lookup (PpBundleManifest *manifest,
                                                 const char       *path);

char             *pp_bundle_manifest_to_json (PpBundleManifest *manifest, gsize *len);
/* Parses and validates: format, version, every path safe, hashes well formed,
 * no duplicates. Errors are PP_ERROR_CORRUPT / PP_ERROR_UNSUPPORTED. */
PpBundleManifest *pp_bundle_manifest_parse (const char *data, gsize len, GError **error);

/* A relative archive path made of safe components only: no absolute path,
 * no "." or "..", no empty component, no backslash or control character. */
gboolean pp_bundle_path_is_safe (const char *path);

G_END_DECLS
