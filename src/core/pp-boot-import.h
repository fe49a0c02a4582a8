#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The boot directory (bulletin: "Creating a Directory"): list what phones
 * will be served, and import Polycom UC Software from a folder or from the
 * release .zip, streamed with libarchive. No GTK here. */

typedef struct {
  char   *name;     /* relative to the boot directory, '/' separated */
  goffset size;
  guint   mode;     /* st_mode & 07777 */
  gint64  mtime;
} PpBootFile;

void       pp_boot_file_free (PpBootFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpBootFile, pp_boot_file_free)

/* Every regular file under @dir (recursively), sorted by name.
 * Hidden files (temporary uploads) are left out. */
GPtrArray *pp_boot_list (const char *dir, GError **error);

/* "rw-r--r--" */
char      *pp_boot_mode_string (guint mode);

typedef struct {
  guint  n_imported;
  guint  n_skipped;         /* the admin's own configuration, left alone */
  char **skipped;           /* their names */
  char  *version;           /* from sip.ver, or NULL */
} PpBootImportResult;

void pp_boot_import_result_free (PpBootImportResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpBootImportResult, pp_boot_import_result_free)

/* Called in the main context that started the import: 0.0 … 1.0. */
typedef void (*PpBootProgressFunc) (double fraction, gpointer user_data);

/* Import @source (a folder, or a .zip / .tar.gz release archive) into
 * @boot_dir. Configuration files that already exist (*.cfg, *.xml) are kept
 * unless @replace_config; firmware and everything else is replaced. Entries
 * that would escape the boot directory are refused. */
PpBootImportResult *pp_boot_import (const char         *boot_dir,
                                    const char         *source,
                                    gboolean            replace_config,
                                    PpBootProgressFunc  progress,
                                    gpointer            progress_data,
                                    GCancellable       *cancellable,
                                    GError            **error);
void                pp_boot_import_async (const char          *boot_dir,
                                          const char          *source,
                                          gboolean             replace_config,
                                          PpBootProgressFunc   progress,
                                          gpointer             progress_data,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
PpBootImportResult *pp_boot_import_finish (GAsyncResult  *result,
                                           GError       **error);

G_END_DECLS
