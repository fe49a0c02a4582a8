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

/* The boot directory of one configuration: its canonical path and a
 * descriptor opened once, so that reads resolve beneath it with one
 * openat2() instead of realpath()'s system call per path component. */
typedef struct _PpBootDir PpBootDir;

PpBootDir  *pp_boot_dir_open     (const char *path);
void        pp_boot_dir_free     (PpBootDir *boot);
const char *pp_boot_dir_get_path (const PpBootDir *boot);

/* Maps the raw (still percent-encoded) request path to a file inside
 * @boot_dir, or returns NULL with @reason: "..", encoded variants, NUL,
 * backslashes, hidden names, absolute or empty components and symlinks
 * that leave the boot directory are all refused. */
char *pp_files_resolve (const char *boot_dir, const char *raw_path, PpPathMode mode,
                        char **reason);

/* The same over @boot's descriptor. For reads, *@fd_out (when given) is the
 * file already opened, or -1 when it was not (missing, or the check went
 * by path): pp_files_serve() then opens the path itself. */
char *pp_files_resolve_in (PpBootDir *boot, const char *raw_path, PpPathMode mode, int *fd_out,
                           char **reason);

/* Called when the file changes (or fails to read) after the status and
 * length went out: it must close @msg's connection, so the client sees a
 * short body rather than a mix of versions, and may record @reason. FALSE:
 * it could not, and the connection is taken from libsoup and closed. */
typedef gboolean (*PpFilesAbortFunc) (SoupServerMessage *msg, const char *reason, gpointer user_data);

/* Answers GET or HEAD for @path: 200/206/304/404/416 (500 when the file
 * cannot be read). @fd: @path opened by pp_files_resolve_in() (taken over
 * and closed), or -1 to open @path here. Returns the number of body bytes that will be sent; the
 * body streams from the file with at most one 256 KB buffer per transfer. */
guint64 pp_files_serve (SoupServerMessage *msg, const char *path, int fd, PpFilesAbortFunc abort_func,
                        gpointer abort_data, char **reason);

/* An HTTP date (RFC 9110 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT") of
 * @unix_time, in English whatever the locale, exactly as
 * soup_date_time_to_string (…, SOUP_DATE_HTTP) writes it but without its
 * allocations and format parsing. FALSE (and nothing written) outside
 * GDateTime's years 1–9999. */
#define PP_HTTP_DATE_SIZE 32
gboolean pp_files_http_date (gint64 unix_time, char out[PP_HTTP_DATE_SIZE]);

/* The MIME type for a file name; application/octet-stream when unknown. */
const char *pp_files_content_type (const char *name);

G_END_DECLS
