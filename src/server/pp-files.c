/* File service, see pp-files.h. */
#include "config.h"
#include "pp-files.h"
#include "pp-error.h"
#include "pp-fileutil.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* O_NONBLOCK: opening a FIFO would otherwise wait for a writer and stall
 * the worker; pp_files_serve() then refuses it as not a regular file. No
 * effect on regular files. */
#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

struct _PpBootDir {
  char        *path;     /* canonical, symlinks resolved */
  int          fd;       /* O_PATH descriptor of @path, or -1 */
  dev_t        dev;
  ino_t        ino;
  gint         checked;  /* monotonic seconds of the last check, atomic */
  gint         stale;    /* the path names another folder now: use paths only */
};

PpBootDir *
pp_boot_dir_open (const char *path)
{
  PpBootDir *b = g_new0 (PpBootDir, 1);
  struct stat st;

  b->path = g_strdup (path);
  b->fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (b->fd >= 0 && fstat (b->fd, &st) == 0)
    {
      b->dev = st.st_dev;
      b->ino = st.st_ino;
      b->checked = (gint) (g_get_monotonic_time () / G_USEC_PER_SEC);
    }
  else if (b->fd >= 0)
    {
      close (b->fd);
      b->fd = -1;
    }
  return b;
}

void
pp_boot_dir_free (PpBootDir *b)
{
  if (b == NULL)
    return;
  if (b->fd >= 0)
    close (b->fd);
  g_free (b->path);
  g_free (b);
}

const char *
pp_boot_dir_get_path (const PpBootDir *b)
{
  return b->path;
}

/* Requests used to follow the boot directory's path: a folder swapped in
 * under that name (a site import exchanges the whole site folder) was
 * served at once. The descriptor would keep serving the old folder until a
 * reload, so once a second the path is looked up again; when it names
 * another folder, this configuration goes back to paths for good. */
static gboolean
pp_boot_dir_is_current (PpBootDir *b)
{
  gint now;
  struct stat st;

  if (b->fd < 0 || g_atomic_int_get (&b->stale))
    return FALSE;
  now = (gint) (g_get_monotonic_time () / G_USEC_PER_SEC);
  if (g_atomic_int_get (&b->checked) == now)
    return TRUE;
  g_atomic_int_set (&b->checked, now); /* a racing worker checks once more; harmless */
  if (stat (b->path, &st) != 0 || st.st_dev != b->dev || st.st_ino != b->ino)
    {
      g_atomic_int_set (&b->stale, TRUE);
      return FALSE;
    }
  return TRUE;
}

/* Opens @rel (no leading "/", components already checked) beneath the boot
 * directory. openat2() with RESOLVE_BENEATH refuses every resolution that
 * would step out of it, even one that comes back in, and every absolute
 * symlink; those cases, and kernels or sandboxes without openat2(), return
 * -1 with errno EXDEV so the caller decides by realpath() as before.
 * Only ENOENT is passed on as such. */
static int
open_beneath (int dir_fd, const char *rel)
{
  struct open_how how = { .flags = OPEN_FLAGS, .resolve = RESOLVE_BENEATH };
  long fd = syscall (SYS_openat2, dir_fd, rel, &how, sizeof how);

  if (fd >= 0)
    return (int) fd;
  if (errno != ENOENT)
    errno = EXDEV;
  return -1;
}

static gboolean
is_inside (const char *boot_dir, const char *real)
{
  gsize n = strlen (boot_dir);
  return strncmp (real, boot_dir, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

char *
pp_files_resolve_in (PpBootDir *boot, const char *raw_path, PpPathMode mode, int *fd_out, char **reason)
{
  const char *boot_dir = boot->path;
  g_autofree char *decoded = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) rel = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *parent = NULL;
  char *real;

  *reason = NULL;
  if (fd_out)
    *fd_out = -1;
  if (raw_path == NULL || raw_path[0] != '/')
    {
      *reason = g_strdup (_("The request path is not an absolute path."));
      return NULL;
    }
  /* A NUL (%00) makes g_uri_unescape_string() fail; "/" is allowed encoded
   * only as a separator, so %2F is refused too. */
  decoded = g_uri_unescape_string (raw_path, "/");
  if (decoded == NULL)
    {
      *reason = g_strdup (_("The request path contains an encoded NUL or slash."));
      return NULL;
    }
  if (strchr (decoded, '\\') || !g_utf8_validate (decoded, -1, NULL))
    {
      *reason = g_strdup (_("The request path contains a backslash or is not UTF-8."));
      return NULL;
    }
  for (const char *p = decoded; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      {
        *reason = g_strdup (_("The request path contains control characters."));
        return NULL;
      }
  parts = g_strsplit (decoded + 1, "/", -1);
  for (guint i = 0; parts[i]; i++)
    {
      /* Hidden names also cover our own upload temporaries. */
      if (!pp_path_component_is_safe (parts[i]) || parts[i][0] == '.')
        {
          *reason = g_strdup_printf (_("The request path component “%s” is not allowed "
                                       "(empty, “.”, “..” or hidden)."), parts[i]);
          return NULL;
        }
      g_string_append_c (rel, '/');
      g_string_append (rel, parts[i]);
    }
  if (rel->len == 0)
    {
      *reason = g_strdup (_("Listing the boot directory is not allowed."));
      return NULL;
    }
  path = g_strconcat (boot_dir, rel->str, NULL);

  if (mode == PP_PATH_READ && pp_boot_dir_is_current (boot))
    {
      /* One system call instead of realpath()'s readlink() per component.
       * Opened: the file is inside. ENOENT: every folder and link on the
       * way stayed inside (an escape fails with EXDEV first), so realpath()
       * would have answered 404 too. */
      int fd = open_beneath (boot->fd, rel->str + 1);
      if (fd >= 0 || errno == ENOENT)
        {
          if (fd_out)
            *fd_out = fd;
          else if (fd >= 0)
            close (fd);
          return g_steal_pointer (&path);
        }
    }
  if (mode == PP_PATH_READ)
    {
      real = realpath (path, NULL);
      if (real == NULL)
        {
          /* Missing: a 404, but only inside the boot directory, so 403/404
           * never tells whether a file exists behind a link that leaves it. */
          g_autofree char *dir = g_path_get_dirname (path);
          char *real_dir = realpath (dir, NULL);
          gboolean inside = real_dir == NULL || is_inside (boot_dir, real_dir);
          free (real_dir);
          if (!inside)
            {
              *reason = g_strdup (_("The requested file is behind a link that leads outside the boot directory."));
              return NULL;
            }
          return g_steal_pointer (&path);
        }
      if (!is_inside (boot_dir, real))
        {
          free (real);
          *reason = g_strdup (_("The requested file is a link that leads outside the boot directory."));
          return NULL;
        }
      free (real);
      return g_steal_pointer (&path);
    }

  parent = g_path_get_dirname (path);
  real = realpath (parent, NULL);
  if (real == NULL)
    {
      *reason = g_strdup (_("The folder for this upload does not exist in the boot directory."));
      return NULL;
    }
  if (!is_inside (boot_dir, real))
    {
      free (real);
      *reason = g_strdup (_("The upload folder is a link that leads outside the boot directory."));
      return NULL;
    }
  free (real);
  {
    GStatBuf st;
    if (g_lstat (path, &st) == 0 && !S_ISREG (st.st_mode))
      {
        *reason = g_strdup (_("The upload would replace something that is not a regular file."));
        return NULL;
      }
  }
  return g_steal_pointer (&path);
}

char *
pp_files_resolve (const char *boot_dir, const char *raw_path, PpPathMode mode, char **reason)
{
  PpBootDir *boot = pp_boot_dir_open (boot_dir);
  char *path = pp_files_resolve_in (boot, raw_path, mode, NULL, reason);
  pp_boot_dir_free (boot);
  return path;
}

const char *
pp_files_content_type (const char *name)
{
  static const struct { const char *ext, *type; } types[] = {
    { ".cfg", "text/xml" }, { ".xml", "text/xml" }, { ".xsd", "text/xml" },
    { ".log", "text/plain" }, { ".txt", "text/plain" }, { ".ver", "text/plain" },
    { ".crt", "application/x-x509-ca-cert" }, { ".pem", "application/x-pem-file" },
    { ".der", "application/x-x509-ca-cert" },
    { ".wav", "audio/wav" }, { ".jpg", "image/jpeg" }, { ".png", "image/png" },
    { ".bmp", "image/bmp" }, { ".html", "text/html" }, { ".zip", "application/zip" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (name, types[i].ext))
      return types[i].type;
  return "application/octet-stream";
}

/* Lower-case hex without leading zeros, as printf's %llx. */
static char *
append_hex (char *p, guint64 v)
{
  char digits[16];
  int n = 0;

  do
    digits[n++] = "0123456789abcdef"[v & 0xf];
  while ((v >>= 4) != 0);
  while (n > 0)
    *p++ = digits[--n];
  return p;
}

/* "ino-size-mtime_ns" in hex and quotes; printf cost ≈ 2,000 instructions
 * a request, this a hundred. */
static char *
make_etag (const struct stat *st)
{
  char *etag = g_malloc (3 * 16 + 5);
  char *p = etag;

  *p++ = '"';
  p = append_hex (p, (guint64) (unsigned long) st->st_ino);
  *p++ = '-';
  p = append_hex (p, (guint64) st->st_size);
  *p++ = '-';
  p = append_hex (p, (guint64) st->st_mtim.tv_sec * 1000000000ull + (guint64) st->st_mtim.tv_nsec);
  *p++ = '"';
  *p = '\0';
  return etag;
}

static void
put2 (char *p, int v)
{
  p[0] = (char) ('0' + v / 10);
  p[1] = (char) ('0' + v % 10);
}

gboolean
pp_files_http_date (gint64 t, char out[PP_HTTP_DATE_SIZE])
{
  static const char days[][4] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
  static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  gint64 day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  gint64 secs = t - day * 86400;
  gint64 z, era, doe, yoe, doy, mp, y;
  int m, d, dow;
  char *p = out;

  /* GDateTime's range, which soup_date_time_to_string() had: years 1–9999. */
  if (t < G_GINT64_CONSTANT (-62135596800) || t > G_GINT64_CONSTANT (253402300799))
    return FALSE;
  /* Days since 1970-01-01 to the proleptic Gregorian civil date
   * (H. Hinnant's days_from_civil inverted): eras of 400 years from
   * 0000-03-01, so that the leap day is the last of its year. */
  z = day + 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = (int) (doy - (153 * mp + 2) / 5 + 1);
  m = (int) (mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2);
  dow = (int) (((day % 7) + 7) % 7);  /* 1970-01-01 was a Thursday */

  memcpy (p, days[dow], 3);
  p += 3;
  *p++ = ',';
  *p++ = ' ';
  put2 (p, d);
  p += 2;
  *p++ = ' ';
  memcpy (p, months[m - 1], 3);
  p += 3;
  *p++ = ' ';
  /* GLib's %Y: the year without padding. */
  {
    char digits[4];
    int n = 0;
    do
      digits[n++] = (char) ('0' + y % 10);
    while ((y /= 10) > 0);
    while (n > 0)
      *p++ = digits[--n];
  }
  *p++ = ' ';
  put2 (p, (int) (secs / 3600));
  p += 2;
  *p++ = ':';
  put2 (p, (int) (secs / 60 % 60));
  p += 2;
  *p++ = ':';
  put2 (p, (int) (secs % 60));
  p += 2;
  memcpy (p, " GMT", 5);
  return TRUE;
}

/* Single "bytes=a-b", "bytes=a-" or "bytes=-n". Returns 0 when the header
 * should be ignored (then the whole file is sent), 206 or 416. */
static guint
parse_range (const char *header, guint64 size, guint64 *start, guint64 *end)
{
  const char *spec, *dash;
  guint64 a, b;
  g_autofree char *first = NULL;

  if (header == NULL || !g_str_has_prefix (header, "bytes="))
    return 0;
  spec = header + 6;
  while (*spec == ' ')
    spec++;
  if (strchr (spec, ','))
    return 0; /* multiple ranges: answering with the whole file is allowed */
  dash = strchr (spec, '-');
  if (dash == NULL)
    return 0;
  first = g_strndup (spec, (gsize) (dash - spec));
  g_strstrip (first);
  if (*first == '\0')
    {
      if (!g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXUINT64, &b, NULL))
        return 0;
      if (b == 0 || size == 0)
        return 416;
      *start = size > b ? size - b : 0;
      *end = size - 1;
      return 206;
    }
  if (!g_ascii_string_to_unsigned (first, 10, 0, G_MAXUINT64, &a, NULL))
    return 0;
  if (dash[1] == '\0')
    b = size ? size - 1 : 0;
  else if (!g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXUINT64, &b, NULL) || b < a)
    return 0;
  if (a >= size)
    return 416;
  *start = a;
  *end = MIN (b, size - 1);
  return 206;
}

/* The body is read from the file while it is sent, a chunk at a time, never
 * mapped: truncating a mapped file under a transfer (`cp new.ld sip.ld`
 * does) makes the next access SIGBUS and kills every connection. A chunk is
 * large enough that the per-chunk overhead vanishes against the TLS work,
 * and bounds the memory of a transfer: one buffer, reused once libsoup has
 * written the chunk read into it. */
#define CHUNK_SIZE (256 * 1024)

typedef struct {
  int               fd;
  char             *path;
  struct stat       st;        /* the version announced: ETag, length */
  guint64           offset;    /* next byte to read */
  guint64           end;       /* one past the last byte to send */
  guint8           *buf;
  gsize             buf_size;
  gboolean          buf_busy;  /* a chunk in libsoup still points into buf */
  gboolean          fresh_st;  /* st was taken just now: no need to look again */
  gboolean          aborted;
  PpFilesAbortFunc  abort_func;
  gpointer          abort_data;
} Transfer;

static void
transfer_clear (gpointer data)
{
  Transfer *t = data;
  if (t->fd >= 0)
    close (t->fd);
  g_free (t->path);
  g_free (t->buf);
}

static void
transfer_unref (gpointer data)
{
  g_rc_box_release_full (data, transfer_clear);
}

static void
on_chunk_written (gpointer data)
{
  Transfer *t = data;
  t->buf_busy = FALSE;
  transfer_unref (t);
}

/* The next chunk, or NULL with @reason when the file is no longer the
 * version whose length and ETag were announced (or cannot be read). */
static GBytes *
transfer_read (Transfer *t, char **reason)
{
  gsize want = (gsize) MIN ((guint64) CHUNK_SIZE, t->end - t->offset);
  gboolean own = !t->buf_busy;
  g_autofree guint8 *fresh = own ? NULL : g_malloc (want);
  guint8 *buf = own ? t->buf : fresh;
  gboolean fresh_st = t->fresh_st;
  struct stat now;
  gsize got = 0;

  /* Checked per chunk (except right after pp_files_serve()'s fstat()): a
   * rewrite of the same length would otherwise send a mix of old and new
   * content under the old ETag. */
  t->fresh_st = FALSE;
  if (!fresh_st && fstat (t->fd, &now) == 0
      && (now.st_size != t->st.st_size || now.st_mtim.tv_sec != t->st.st_mtim.tv_sec
          || now.st_mtim.tv_nsec != t->st.st_mtim.tv_nsec))
    {
      *reason = g_strdup (_("The file changed while it was being sent; the rest of the old version no longer exists."));
      return NULL;
    }
  while (got < want)
    {
      ssize_t n = pread (t->fd, buf + got, want - got, (off_t) (t->offset + got));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *reason = g_strdup_printf (_("The file cannot be read: %s."), g_strerror (errno));
          return NULL;
        }
      if (n == 0)
        {
          *reason = g_strdup (_("The file became shorter while it was being sent."));
          return NULL;
        }
      got += (gsize) n;
    }
  t->offset += got;
  if (!own)
    return g_bytes_new_take (g_steal_pointer (&fresh), got);
  t->buf_busy = TRUE;
  return g_bytes_new_with_free_func (buf, got, on_chunk_written, g_rc_box_acquire (t));
}

/* libsoup has written the previous chunk (and dropped it: the response body
 * does not accumulate); hand it the next one. */
static void
on_wrote_chunk (SoupServerMessage *msg, gpointer user_data)
{
  Transfer *t = user_data;
  g_autofree char *reason = NULL;
  g_autoptr(GBytes) chunk = NULL;
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  if (t->offset >= t->end || t->aborted)
    return;
  chunk = transfer_read (t, &reason);
  if (chunk)
    {
      soup_message_body_append_bytes (body, chunk);
      return;
    }
  t->aborted = TRUE;
  g_warning (_("Stopped sending “%s” at byte %llu of %llu and closed the connection: %s Replace boot "
               "files by copying the new version under another name and renaming it over the old one; "
               "transfers already running then finish with the old version."),
             t->path, (unsigned long long) t->offset, (unsigned long long) t->st.st_size, reason);
  /* Status, length and ETag are out: the client may only learn of the
   * failure by the connection ending short. Closing it makes libsoup's next
   * write fail, which ends the message as aborted; the placeholder byte
   * only gets the writer to that write (it cannot be sent). */
  if (t->abort_func && t->abort_func (msg, reason, t->abort_data))
    soup_message_body_append (body, SOUP_MEMORY_STATIC, "", 1);
  else
    {
      /* No stream to close: take the connection from libsoup and end it,
       * so nothing more is sent on it. */
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
      if (stream)
        g_io_stream_close (stream, NULL, NULL);
    }
}

guint64
pp_files_serve (SoupServerMessage *msg, const char *path, int fd, PpFilesAbortFunc abort_func,
                gpointer abort_data, char **reason)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);
  gboolean head = soup_server_message_get_method (msg) == SOUP_METHOD_HEAD;
  g_autofree char *etag = NULL;
  char last_modified[PP_HTTP_DATE_SIZE];
  const char *inm, *ims, *if_range;
  guint64 start = 0, end = 0, size, length;
  guint range_status;
  struct stat st;

  *reason = NULL;
  if (fd < 0)
    fd = open (path, OPEN_FLAGS);
  if (fd < 0)
    {
      soup_server_message_set_status (msg, errno == EACCES ? SOUP_STATUS_FORBIDDEN : SOUP_STATUS_NOT_FOUND, NULL);
      *reason = g_strdup_printf (errno == EACCES ? _("The file exists but this server may not read it (%s).")
                                                 : _("The file is not in the boot directory (%s)."),
                                 g_strerror (errno));
      return 0;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
      *reason = g_strdup (_("Only regular files are served; folders are not listed."));
      return 0;
    }
  size = (guint64) st.st_size;
  etag = make_etag (&st);
  /* Our own formatter: soup_date_time_to_string() builds a format with
   * printf and then runs g_date_time_format(), ≈ 7,500 instructions. */
  if (!pp_files_http_date ((gint64) st.st_mtim.tv_sec, last_modified))
    last_modified[0] = '\0';
  soup_message_headers_replace (resp, "ETag", etag);
  if (last_modified[0])
    soup_message_headers_replace (resp, "Last-Modified", last_modified);
  soup_message_headers_replace (resp, "Accept-Ranges", "bytes");
  /* What soup_message_headers_set_content_type() does without parameters,
   * minus its GString. */
  soup_message_headers_replace (resp, "Content-Type", pp_files_content_type (path));

  inm = soup_message_headers_get_one (req, "If-None-Match");
  ims = soup_message_headers_get_one (req, "If-Modified-Since");
  if ((inm && (strstr (inm, etag) || g_str_equal (inm, "*")))
      || (inm == NULL && ims != NULL))
    {
      gboolean not_modified = inm != NULL;
      if (!not_modified)
        {
          g_autoptr(GDateTime) since = soup_date_time_new_from_http_string (ims);
          not_modified = since && g_date_time_to_unix (since) >= (gint64) st.st_mtim.tv_sec;
        }
      if (not_modified)
        {
          close (fd);
          soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
          return 0;
        }
    }

  range_status = parse_range (soup_message_headers_get_one (req, "Range"), size, &start, &end);
  if_range = soup_message_headers_get_one (req, "If-Range");
  if (range_status != 0 && if_range != NULL && !g_str_equal (if_range, etag)
      && (last_modified[0] == '\0' || !g_str_equal (if_range, last_modified)))
    range_status = 0;
  /* libsoup would otherwise apply the Range itself by copying the body. */
  soup_message_headers_remove (req, "Range");

  if (range_status == 416)
    {
      g_autofree char *cr = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, size);
      close (fd);
      soup_message_headers_replace (resp, "Content-Range", cr);
      soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
      *reason = g_strdup (_("The requested byte range lies beyond the end of the file."));
      return 0;
    }
  if (range_status == 0)
    {
      start = 0;
      end = size ? size - 1 : 0;
    }
  length = size ? end - start + 1 : 0;

  if (length > 0 && !head)
    {
      SoupMessageBody *body = soup_server_message_get_response_body (msg);
      Transfer *t = g_rc_box_new0 (Transfer);
      g_autoptr(GBytes) first = NULL;
      g_autofree char *why = NULL;

      t->fd = fd;
      t->path = g_strdup (path);
      t->st = st;
      t->fresh_st = TRUE;
      t->offset = start;
      t->end = end + 1;
      t->buf_size = (gsize) MIN ((guint64) CHUNK_SIZE, length);
      t->buf = g_malloc (t->buf_size);
      t->abort_func = abort_func;
      t->abort_data = abort_data;
      /* Read before the status goes out: a file that cannot be read (or
       * changed right away) still gets an honest 500. */
      first = transfer_read (t, &why);
      if (first == NULL)
        {
          transfer_unref (t);
          soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
          *reason = g_steal_pointer (&why);
          return 0;
        }
      soup_message_body_set_accumulate (body, FALSE);
      soup_message_body_append_bytes (body, first);
      if (t->offset < t->end)
        {
          g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), t);
          /* Released when the message goes: the fd stays open until then. */
          g_object_set_data_full (G_OBJECT (msg), "pp-transfer", t, transfer_unref);
        }
      else
        transfer_unref (t);
    }
  else
    close (fd);

  if (range_status == 206)
    {
      g_autofree char *cr = g_strdup_printf ("bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                                             start, end, size);
      soup_message_headers_replace (resp, "Content-Range", cr);
      soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);

  /* The body arrives chunk by chunk, so libsoup cannot count it. */
  soup_message_headers_set_content_length (resp, (goffset) length);
  return length;
}
