/* GTask variants for the wizard, and the daemon's private runtime copy. */
#include "config.h"
#include "pp-bundle-private.h"
#include "pp-error.h"
#include "pp-fileutil.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>

typedef struct {
  PpSite                *site;
  char                  *file;
  char                  *target;
  char                  *passphrase;
  PpBundleImportOptions  options;
  PpBundleProgressRelay *relay;
} Job;

static void
job_free (gpointer p)
{
  Job *job = p;
  g_clear_object (&job->site);
  g_free (job->file);
  g_free (job->target);
  if (job->passphrase)
    memset (job->passphrase, 0, strlen (job->passphrase));
  g_free (job->passphrase);
  pp_bundle_progress_relay_free (job->relay);
  g_free (job);
}

static void
export_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  PpBundleExportResult *r = pp_bundle_export (job->site, job->file, job->passphrase,
                                              pp_bundle_progress_relay, job->relay, cancellable, &error);
  if (r)
    g_task_return_pointer (task, r, (GDestroyNotify) pp_bundle_export_result_free);
  else
    g_task_return_error (task, error);
}

void
pp_bundle_export_async (PpSite *site, const char *file, const char *passphrase,
                        PpBundleProgressFunc progress, gpointer progress_data,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->site = g_object_ref (site);
  job->file = g_strdup (file);
  job->passphrase = g_strdup (passphrase);
  job->relay = pp_bundle_progress_relay_new (progress, progress_data);
  g_task_set_source_tag (task, pp_bundle_export_async);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, export_thread);
}

PpBundleExportResult *
pp_bundle_export_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
import_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  PpBundleImportResult *r = pp_bundle_import (job->file, job->target, &job->options,
                                              pp_bundle_progress_relay, job->relay, cancellable, &error);
  if (r)
    g_task_return_pointer (task, r, (GDestroyNotify) pp_bundle_import_result_free);
  else
    g_task_return_error (task, error);
}

void
pp_bundle_import_async (const char *file, const char *target_dir, const PpBundleImportOptions *options,
                        PpBundleProgressFunc progress, gpointer progress_data,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->file = g_strdup (file);
  job->target = g_strdup (target_dir);
  if (options)
    job->options = *options;
  job->passphrase = g_strdup (options ? options->passphrase : NULL);
  job->options.passphrase = job->passphrase;
  job->relay = pp_bundle_progress_relay_new (progress, progress_data);
  g_task_set_source_tag (task, pp_bundle_import_async);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, import_thread);
}

PpBundleImportResult *
pp_bundle_import_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
pp_bundle_extract_to_runtime (const char *file, const char *passphrase, char **site_dir, GError **error)
{
  g_autofree char *base = g_build_filename (g_get_user_runtime_dir (), "phoneprov", NULL);
  g_autofree char *tmpl = g_build_filename (base, "bundle-XXXXXX", NULL);
  g_autofree char *site = NULL;
  PpBundleImportOptions opts = { 0 };
  g_autoptr(PpBundleImportResult) r = NULL;

  g_return_val_if_fail (site_dir != NULL, FALSE);
  if (!pp_mkdir (base, 0700, error))
    return FALSE;
  if (g_mkdtemp_full (tmpl, 0700) == NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not create a private folder in “%s”: %s."),
                   base, g_strerror (errno));
      return FALSE;
    }
  site = g_build_filename (tmpl, "site", NULL);
  opts.passphrase = passphrase;
  r = pp_bundle_import (file, site, &opts, NULL, NULL, NULL, error);
  if (r == NULL)
    {
      pp_file_remove_tree (tmpl);
      return FALSE;
    }
  *site_dir = g_steal_pointer (&site);
  return TRUE;
}

void
pp_bundle_runtime_remove (const char *site_dir)
{
  g_autofree char *parent = NULL;
  g_autofree char *name = NULL;

  if (site_dir == NULL)
    return;
  parent = g_path_get_dirname (site_dir);
  name = g_path_get_basename (parent);
  /* Only ever what pp_bundle_extract_to_runtime() made. */
  if (g_str_has_prefix (name, "bundle-"))
    pp_file_remove_tree (parent);
}
