#include "config.h"
#include "pp-boot-import.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-tempfile.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (256 * 1024)

void
pp_boot_file_free (PpBootFile *file)
{
  if (file == NULL)
    return;
  g_free (file->name);
  g_free (file);
}

void
pp_boot_import_result_free (PpBootImportResult *result)
{
  if (result == NULL)
    return;
  g_strfreev (result->skipped);
  g_free (result->version);
  g_free (result);
}

char *
pp_boot_mode_string (guint mode)
{
  static const char rwx[] = "rwxrwxrwx";
  char s[10];
  for (guint i = 0; i < 9; i++)
    s[i] = (mode & (0400u >> i)) ? rwx[i] : '-';
  s[9] = '\0';
  return g_strdup (s);
}

static gboolean
list_dir (const char *root, const char *rel, GPtrArray *out, guint depth, GError **error)
{
  g_autofree char *path = rel ? g_build_filename (root, rel, NULL) : g_strdup (root);
  g_autoptr(GError) local = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &local);
  const char *name;

  if (dir == NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                   _("The boot directory “%s” cannot be read: %s. Check that it exists and that you may read it."),
                   path, local->message);
      return FALSE;
    }
  if (depth > 8)
    return TRUE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child_rel = rel ? g_strconcat (rel, "/", name, NULL) : g_strdup (name);
      g_autofree char *child = g_build_filename (root, child_rel, NULL);
      GStatBuf st;

      if (name[0] == '.' || g_lstat (child, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          if (!list_dir (root, child_rel, out, depth + 1, error))
            return FALSE;
        }
      else if (S_ISREG (st.st_mode))
        {
          PpBootFile *f = g_new0 (PpBootFile, 1);
          f->name = g_steal_pointer (&child_rel);
          f->size = st.st_size;
          f->mode = st.st_mode & 07777;
          f->mtime = st.st_mtime;
          g_ptr_array_add (out, f);
        }
    }
  return TRUE;
}

static int
compare_files (gconstpointer a, gconstpointer b)
{
  const PpBootFile *fa = *(PpBootFile **) a, *fb = *(PpBootFile **) b;
  return strcmp (fa->name, fb->name);
}

GPtrArray *
pp_boot_list (const char *dir, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_boot_file_free);
  if (!list_dir (dir, NULL, out, 0, error))
    return NULL;
  g_ptr_array_sort (out, compare_files);
  return g_steal_pointer (&out);
}

/* ---- import ---------------------------------------------------------------- */

typedef struct {
  char               *boot_dir;
  char               *source;
  gboolean            replace_config;
  PpBootProgressFunc  progress;
  gpointer            progress_data;
  GMainContext       *context;
  int                 last_percent;
} ImportJob;

typedef struct {
  PpBootProgressFunc func;
  gpointer           data;
  double             fraction;
} ProgressIdle;

static gboolean
progress_idle (gpointer user_data)
{
  ProgressIdle *p = user_data;
  p->func (p->fraction, p->data);
  return G_SOURCE_REMOVE;
}

static void
report (ImportJob *job, double fraction)
{
  int percent = (int) (CLAMP (fraction, 0.0, 1.0) * 100.0);
  ProgressIdle *p;

  if (job->progress == NULL || percent == job->last_percent)
    return;
  job->last_percent = percent;
  if (job->context == NULL)
    {
      job->progress (percent / 100.0, job->progress_data);
      return;
    }
  p = g_new0 (ProgressIdle, 1);
  p->func = job->progress;
  p->data = job->progress_data;
  p->fraction = percent / 100.0;
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, progress_idle, p, g_free);
}

static gboolean
is_config_name (const char *name)
{
  return g_str_has_suffix (name, ".cfg") || g_str_has_suffix (name, ".xml");
}

/* A relative path inside the boot directory, or NULL when it would escape. */
static char *
safe_relative (const char *name)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (name == NULL || *name == '\0' || name[0] == '/' || strchr (name, '\\'))
    return NULL;
  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i]; i++)
    {
      if (*parts[i] == '\0' || g_str_equal (parts[i], "."))
        continue;
      if (!pp_path_component_is_safe (parts[i]))
        return NULL;
      if (out->len)
        g_string_append_c (out, '/');
      g_string_append (out, parts[i]);
    }
  return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

typedef gssize (*ReadFunc) (gpointer source, void *buf, gsize len, GError **error);

/* Stream one file into @rel under the boot directory: temp file, rename. */
static gboolean
write_entry (ImportJob *job, const char *rel, ReadFunc read_fn, gpointer source,
             GPtrArray *skipped, guint *n_imported, GCancellable *cancellable, GError **error)
{
  g_autofree char *dest = g_build_filename (job->boot_dir, rel, NULL);
  g_autofree char *dir = g_path_get_dirname (dest);
  g_autofree char *tmp = NULL;
  g_autofree char *buf = NULL;
  int fd;

  if (!job->replace_config && is_config_name (rel) && g_file_test (dest, G_FILE_TEST_EXISTS))
    {
      g_ptr_array_add (skipped, g_strdup (rel));
      return TRUE;
    }
  if (!pp_mkdir (dir, 0755, error))
    return FALSE;
  tmp = pp_temp_template (dest);
  fd = pp_temp_open (tmp, 0644);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, PP_ERROR, PP_ERROR_IO,
                   _("Could not write “%s”: %s. Check that the boot directory is writable and has free space."),
                   dest, g_strerror (saved));
      return FALSE;
    }
  buf = g_malloc (CHUNK);
  for (;;)
    {
      gssize n;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;
      n = read_fn (source, buf, CHUNK, error);
      if (n < 0)
        goto fail;
      if (n == 0)
        break;
      for (gssize off = 0; off < n;)
        {
          ssize_t w = write (fd, buf + off, (size_t) (n - off));
          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            {
              int saved = errno;
              g_set_error (error, PP_ERROR, PP_ERROR_IO,
                           _("Could not write “%s”: %s. Check that the boot directory has free space."),
                           dest, g_strerror (saved));
              goto fail;
            }
          off += w;
        }
    }
  if (fchmod (fd, 0644) != 0 || fsync (fd) != 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not finish writing “%s”."), dest);
      goto fail;
    }
  /* Renamed while still open and locked (pp-tempfile.h). */
  if (g_rename (tmp, dest) != 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not put “%s” in place: %s."), dest, g_strerror (errno));
      goto fail;
    }
  close (fd);
  (*n_imported)++;
  return TRUE;

fail:
  if (fd >= 0)
    close (fd);
  g_unlink (tmp);
  return FALSE;
}

/* folder source */

typedef struct {
  int         fd;
  const char *path;
  ImportJob  *job;
  goffset    *done;
  goffset     total;
} FdSource;

static gssize
fd_read (gpointer user_data, void *buf, gsize len, GError **error)
{
  FdSource *s = user_data;
  for (;;)
    {
      ssize_t n = read (s->fd, buf, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not read “%s”: %s."), s->path, g_strerror (errno));
          return -1;
        }
      *s->done += n;
      report (s->job, s->total ? (double) *s->done / (double) s->total : 1.0);
      return n;
    }
}

static gboolean
import_folder (ImportJob *job, GPtrArray *skipped, guint *n_imported,
               GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) files = pp_boot_list (job->source, error);
  goffset total = 0, done = 0;

  if (files == NULL)
    return FALSE;
  for (guint i = 0; i < files->len; i++)
    total += ((PpBootFile *) files->pdata[i])->size;
  for (guint i = 0; i < files->len; i++)
    {
      PpBootFile *f = files->pdata[i];
      g_autofree char *src = g_build_filename (job->source, f->name, NULL);
      FdSource s = { -1, src, job, &done, total };
      gboolean ok;

      s.fd = g_open (src, O_RDONLY | O_CLOEXEC, 0);
      if (s.fd < 0)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not read “%s”: %s. Check its permissions."),
                       src, g_strerror (errno));
          return FALSE;
        }
      ok = write_entry (job, f->name, fd_read, &s, skipped, n_imported, cancellable, error);
      close (s.fd);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* archive source */

typedef struct {
  struct archive *a;
  ImportJob      *job;
  goffset         total;
} ArchiveSource;

static gssize
archive_source_read (gpointer user_data, void *buf, gsize len, GError **error)
{
  ArchiveSource *s = user_data;
  la_ssize_t n = archive_read_data (s->a, buf, len);
  if (n < 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
                   _("The archive is damaged: %s. Download the UC Software release again."),
                   archive_error_string (s->a));
      return -1;
    }
  if (s->total > 0)
    report (s->job, (double) archive_filter_bytes (s->a, -1) / (double) s->total);
  return n;
}

static gboolean
import_archive (ImportJob *job, GPtrArray *skipped, guint *n_imported,
                GCancellable *cancellable, GError **error)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *entry;
  ArchiveSource s = { a, job, 0 };
  GStatBuf st;
  gboolean ok = TRUE;
  int r;

  if (g_stat (job->source, &st) == 0)
    s.total = st.st_size;
  archive_read_support_format_zip (a);
  archive_read_support_format_tar (a);
  archive_read_support_filter_gzip (a);
  archive_read_support_filter_bzip2 (a);
  archive_read_support_filter_xz (a);
  if (archive_read_open_filename (a, job->source, CHUNK) != ARCHIVE_OK)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("“%s” is not a UC Software archive phoneprov can read (%s). Choose the .zip as downloaded, or its unpacked folder."),
                   job->source, archive_error_string (a));
      archive_read_free (a);
      return FALSE;
    }
  while ((r = archive_read_next_header (a, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname (entry);
      g_autofree char *rel = NULL;

      if (archive_entry_filetype (entry) != AE_IFREG)
        continue;
      rel = safe_relative (name);
      if (rel == NULL)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The archive holds “%s”, a path outside the boot directory, so nothing more was imported. Use the release as Polycom ships it."),
                       name ? name : "");
          ok = FALSE;
          break;
        }
      if (!write_entry (job, rel, archive_source_read, &s, skipped, n_imported, cancellable, error))
        {
          ok = FALSE;
          break;
        }
    }
  if (ok && r != ARCHIVE_EOF)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
                   _("The archive is damaged: %s. Download the UC Software release again."),
                   archive_error_string (a));
      ok = FALSE;
    }
  archive_read_free (a);
  return ok;
}

static char *
read_version (const char *boot_dir)
{
  g_autofree char *path = g_build_filename (boot_dir, "sip.ver", NULL);
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!pp_file_read (path, 4096, &data, &len, NULL))
    return NULL;
  g_strstrip (data);
  if (*data == '\0' || !g_utf8_validate (data, -1, NULL))
    return NULL;
  return g_strndup (data, strcspn (data, "\r\n"));
}

static PpBootImportResult *
run_import (ImportJob *job, GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  PpBootImportResult *result;
  guint n = 0;
  gboolean ok;

  if (!pp_mkdir (job->boot_dir, 0755, error))
    return NULL;
  if (g_file_test (job->source, G_FILE_TEST_IS_DIR))
    ok = import_folder (job, skipped, &n, cancellable, error);
  else if (g_file_test (job->source, G_FILE_TEST_IS_REGULAR))
    ok = import_archive (job, skipped, &n, cancellable, error);
  else
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                   _("“%s” does not exist. Choose the folder or .zip that holds the phone's boot files."), job->source);
      ok = FALSE;
    }
  if (!ok)
    return NULL;
  report (job, 1.0);
  g_ptr_array_add (skipped, NULL);
  result = g_new0 (PpBootImportResult, 1);
  result->n_imported = n;
  result->n_skipped = skipped->len - 1;
  result->skipped = (char **) g_ptr_array_free (g_steal_pointer (&skipped), FALSE);
  result->version = read_version (job->boot_dir);
  return result;
}

PpBootImportResult *
pp_boot_import (const char *boot_dir, const char *source, gboolean replace_config,
                PpBootProgressFunc progress, gpointer progress_data,
                GCancellable *cancellable, GError **error)
{
  ImportJob job = { (char *) boot_dir, (char *) source, replace_config, progress, progress_data, NULL, -1 };
  return run_import (&job, cancellable, error);
}

static void
import_job_free (ImportJob *job)
{
  g_free (job->boot_dir);
  g_free (job->source);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_free (job);
}

static void
import_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  PpBootImportResult *result = run_import (task_data, cancellable, &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) pp_boot_import_result_free);
}

void
pp_boot_import_async (const char *boot_dir, const char *source, gboolean replace_config,
                      PpBootProgressFunc progress, gpointer progress_data,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ImportJob *job = g_new0 (ImportJob, 1);

  job->boot_dir = g_strdup (boot_dir);
  job->source = g_strdup (source);
  job->replace_config = replace_config;
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  job->last_percent = -1;
  g_task_set_source_tag (task, pp_boot_import_async);
  g_task_set_task_data (task, job, (GDestroyNotify) import_job_free);
  g_task_run_in_thread (task, import_thread);
}

PpBootImportResult *
pp_boot_import_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
