#include "config.h"
#include "pp-bundle-private.h"
#include "pp-error.h"
#include "pp-fileutil.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

gboolean
pp_bundle_data_has_private_key (const char *data, gsize len)
{
  return data != NULL && len > 0 && g_strstr_len (data, (gssize) len, "PRIVATE KEY-----") != NULL;
}

char *
pp_bundle_read_passphrase_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  char *nl;

  if (!pp_file_read (path, 64 * 1024, &data, &len, error))
    return NULL;
  nl = strpbrk (data, "\r\n");
  if (nl)
    *nl = '\0';
  if (*data == '\0')
    {
      g_set_error (error, PP_ERROR, PP_ERROR_PASSPHRASE,
                   _("The passphrase file “%s” is empty; put the passphrase on its first line."), path);
      return NULL;
    }
  return g_steal_pointer (&data);
}

void
pp_bundle_export_result_free (PpBundleExportResult *result)
{
  if (result == NULL)
    return;
  g_strfreev (result->skipped);
  g_free (result);
}

void
pp_bundle_import_result_free (PpBundleImportResult *result)
{
  if (result == NULL)
    return;
  g_free (result->site_dir);
  g_free (result->backup_dir);
  g_free (result->site_name);
  g_free (result->created);
  g_free (result->phoneprov_version);
  g_free (result);
}

PpBundleProgressRelay *
pp_bundle_progress_relay_new (PpBundleProgressFunc func, gpointer data)
{
  PpBundleProgressRelay *r = g_new0 (PpBundleProgressRelay, 1);
  r->func = func;
  r->data = data;
  r->context = g_main_context_ref_thread_default ();
  r->last = -1.0;
  return r;
}

void
pp_bundle_progress_relay_free (PpBundleProgressRelay *relay)
{
  if (relay == NULL)
    return;
  g_main_context_unref (relay->context);
  g_free (relay);
}

typedef struct {
  PpBundleProgressFunc  func;
  gpointer              data;
  double                fraction;
  char                 *what;
} ProgressCall;

static gboolean
progress_call_run (gpointer user_data)
{
  ProgressCall *c = user_data;
  c->func (c->fraction, c->what, c->data);
  return G_SOURCE_REMOVE;
}

static void
progress_call_free (gpointer user_data)
{
  ProgressCall *c = user_data;
  g_free (c->what);
  g_free (c);
}

void
pp_bundle_progress_relay (double fraction, const char *what, gpointer relay)
{
  PpBundleProgressRelay *r = relay;
  ProgressCall *c;

  if (r->func == NULL)
    return;
  /* A bundle can hold thousands of files: one update per percent is plenty. */
  if (fraction < 1.0 && fraction - r->last < 0.01)
    return;
  r->last = fraction;
  c = g_new0 (ProgressCall, 1);
  c->func = r->func;
  c->data = r->data;
  c->fraction = fraction;
  c->what = g_strdup (what);
  g_main_context_invoke_full (r->context, G_PRIORITY_DEFAULT, progress_call_run, c, progress_call_free);
}
