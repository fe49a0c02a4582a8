#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* Write @len bytes to @path atomically: a temporary file in the same folder,
 * fsync, rename over @path, fsync of the folder. A crash at any point leaves
 * either the old or the new content. @mode applies to the new file (0600 for
 * private keys). */
gboolean pp_file_write_atomic (const char  *path,
                               const void  *data,
                               gsize        len,
                               mode_t       mode,
                               GError     **error);

/* Create @path and its parents with @mode for the last component. */
gboolean pp_mkdir (const char  *path,
                   mode_t       mode,
                   GError     **error);

/* Read a whole file, with a size cap so a hostile file cannot exhaust memory. */
gboolean pp_file_read (const char  *path,
                       gsize        max_size,
                       char       **contents,
                       gsize       *len,
                       GError     **error);

/* TRUE when @name is a single, harmless path component (no '/', '\\', NUL,
 * no "." or "..", not empty). */
gboolean pp_path_component_is_safe (const char *name);

/* Remove @path and everything below it, best effort; symbolic links are
 * removed, not followed. For our own temporary folders only. */
void     pp_file_remove_tree (const char *path);

G_END_DECLS
