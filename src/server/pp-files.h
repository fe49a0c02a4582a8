#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The file service over the boot directory (DESIGN.md §7): path checks,
 * GET/HEAD read from the file while it is sent (never mapped: a file
 * truncated under a mapping faults), with our own Range and conditional
 * handling. Uploads: pp-upload.h. */

typedef enum {
  PP_PATH_READ,
  PP_PATH_WRITE,
} PpPathMode;

/* Maps the raw (still percent-encoded) request path to a file inside
 * @boot_dir, or returns NULL with @reason: "..", encoded variants, NUL,
 * backslashes, hidden names, absolute or empty components and symlinks
 * that leave the boot directory are all refused. */
char *pp_files_resolve (const char *boot_dir, const char *raw_path, PpPathMode mode,
                        char **reason);

/* Called when the file changes (or fails to read) after the status and
 * length went out: it must close @msg's connection, so the client sees a
 * short body rather than a mix of versions, and may record @reason. FALSE:
 * it could not, and the connection is taken from libsoup and closed. */
typedef gboolean (*PpFilesAbortFunc) (SoupServerMessage *msg, const char *reason, gpointer user_data);

/* Answers GET or HEAD for @path: 200/206/304/404/416 (500 when the file
 * cannot be read). Returns the number of body bytes that will be sent; the
 * body streams from the file with at most one 256 KB buffer per transfer. */
guint64 pp_files_serve (SoupServerMessage *msg, const char *path, PpFilesAbortFunc abort_func,
                        gpointer abort_data, char **reason);

/* The MIME type for a file name; application/octet-stream when unknown. */
const char *pp_files_content_type (const char *name);

G_END_DECLS
