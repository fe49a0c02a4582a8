#pragma once

#include <gio/gio.h>
#include "pp-site.h"

G_BEGIN_DECLS

/* Config bundles (DESIGN.md §8): a tar.gz of the site directory minus logs
 * and runtime files, manifest.json first (format version, creation time,
 * phoneprov version, SHA-256 of every member), generated Apache and nginx
 * configurations in engines/, and a README.md on deploying several nodes.
 *
 * Private keys never travel as they are: each pki/<dir>/<name>.key goes in as
 * pki/<dir>/<name>.p12 (with <name>.crt, passphrase-protected PKCS#12), or
 * stays behind. Import checks every byte and every certificate in a private
 * staging folder next to the target, and only then moves the result into
 * place with one rename: a bad bundle leaves the target untouched. */

/* Called from the thread doing the work (the async variants forward it to
 * the caller's main context): @fraction 0.0 … 1.0, @what a member name. */
typedef void (*PpBundleProgressFunc) (double fraction, const char *what, gpointer user_data);

typedef struct {
  guint    n_members;     /* files in the archive, manifest included */
  guint64  n_bytes;       /* uncompressed */
  guint    n_keys;        /* private keys inside as PKCS#12 */
  char   **skipped;       /* notes on what stayed behind (translated sentences) */
} PpBundleExportResult;

void pp_bundle_export_result_free (PpBundleExportResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpBundleExportResult, pp_bundle_export_result_free)

/* Write @site to @file (atomically). @passphrase protects the keys; NULL or
 * empty leaves every private key out. */
PpBundleExportResult *pp_bundle_export (PpSite                *site,
                                        const char            *file,
                                        const char            *passphrase,
                                        PpBundleProgressFunc   progress,
                                        gpointer               progress_data,
                                        GCancellable          *cancellable,
                                        GError               **error);
void                  pp_bundle_export_async (PpSite                *site,
                                              const char            *file,
                                              const char            *passphrase,
                                              PpBundleProgressFunc   progress,
                                              gpointer               progress_data,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
PpBundleExportResult *pp_bundle_export_finish (GAsyncResult  *result,
                                               GError       **error);

typedef struct {
  const char *passphrase;        /* opens the PKCS#12 key files */
  gboolean    without_keys;      /* import without the keys instead of failing */
  gboolean    replace;           /* target may be an existing site: it is kept as
                                    <target>.before-import-<time> */
  guint64     max_member_bytes;  /* 0: 4 GiB (firmware files are large) */
  guint64     max_total_bytes;   /* 0: 32 GiB */
  gboolean    dry_run;           /* verify everything, then discard: the target
                                    is never written */
} PpBundleImportOptions;

typedef struct {
  char    *site_dir;           /* where the site is now */
  char    *backup_dir;         /* the replaced site, or NULL */
  char    *site_name;
  char    *created;            /* from the manifest */
  char    *phoneprov_version;  /* that exported it */
  guint    n_members;
  guint64  n_bytes;
  guint    n_keys;             /* private keys written */
  gboolean engines;            /* engines/ regenerated for the new place */
} PpBundleImportResult;

void pp_bundle_import_result_free (PpBundleImportResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpBundleImportResult, pp_bundle_import_result_free)

/* Import @file into @target_dir, which must not exist or be empty (or be a
 * site, with options->replace). Verifies the manifest and every checksum,
 * refuses absolute paths, "..", links, devices and oversized members, checks
 * that keys match their certificates, that trust anchors are CA certificates
 * and that site.conf is valid — all before the target changes. */
PpBundleImportResult *pp_bundle_import (const char                   *file,
                                        const char                   *target_dir,
                                        const PpBundleImportOptions  *options,
                                        PpBundleProgressFunc          progress,
                                        gpointer                      progress_data,
                                        GCancellable                 *cancellable,
                                        GError                      **error);
/* @options are copied before the thread starts. */
void                  pp_bundle_import_async (const char                   *file,
                                              const char                   *target_dir,
                                              const PpBundleImportOptions  *options,
                                              PpBundleProgressFunc          progress,
                                              gpointer                      progress_data,
                                              GCancellable                 *cancellable,
                                              GAsyncReadyCallback           callback,
                                              gpointer                      user_data);
PpBundleImportResult *pp_bundle_import_finish (GAsyncResult  *result,
                                               GError       **error);

/* For "phoneprovd --bundle FILE": import into a fresh private folder under
 * $XDG_RUNTIME_DIR/phoneprov/ (0700) and return it in @site_dir. Remove it
 * with pp_bundle_runtime_remove() when the daemon stops. */
gboolean pp_bundle_extract_to_runtime (const char  *file,
                                       const char  *passphrase,
                                       char       **site_dir,
                                       GError     **error);
void     pp_bundle_runtime_remove (const char *site_dir);

/* Read a passphrase file: its first line, without the line end. */
char    *pp_bundle_read_passphrase_file (const char *path, GError **error);

G_END_DECLS
