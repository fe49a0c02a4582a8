#pragma once

#include "pp-bundle.h"
#include "pp-bundle-manifest.h"

G_BEGIN_DECLS

/* Content checks on an extracted bundle in @staging (checksums are already
 * verified): site.conf, certificates, keys (PKCS#12 → PEM), trust anchors,
 * htdigest; then permissions, the site skeleton and engine configurations
 * regenerated for @target. On error the caller removes @staging. */
gboolean pp_bundle_verify_staging (const char                   *staging,
                                   const char                   *target,
                                   PpBundleManifest             *manifest,
                                   const PpBundleImportOptions  *options,
                                   PpBundleImportResult         *result,
                                   GError                      **error);

G_END_DECLS
