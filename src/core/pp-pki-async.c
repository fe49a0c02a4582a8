/* GTask variants of the slow PKI calls. Inputs are copied before the thread
 * starts; the thread works on its own PpSite opened on the same directory,
 * so the caller's object is never touched off the main thread. The _finish
 * functions (main thread) mirror the one site.conf key the thread may have
 * saved, pki.pending-csr, into the caller's object without reloading it, so
 * unsaved edits the caller holds survive. */
#include "config.h"
#include "pp-pki.h"
#include "pp-error.h"

#include <string.h>

typedef struct {
  char       *dir;
  PpKeyType   key_type;
  char       *passphrase;
  char       *ca_passphrase;
  gboolean    flag;            /* replace / with_ecdsa */
  guint       days;
  PpCertTemplate tmpl;
  GBytes     *data;
  /* CA / CSR strings */
  char       *s[9];
  char      **dns;
  char      **ips;
} Job;

enum { S_CN, S_SUFFIX, S_FRIENDLY, S_O, S_OU, S_C, S_ST, S_L, S_CLIENT_CN };

static void
job_free (Job *job)
{
  g_free (job->dir);
  if (job->passphrase)
    explicit_bzero (job->passphrase, strlen (job->passphrase));
  if (job->ca_passphrase)
    explicit_bzero (job->ca_passphrase, strlen (job->ca_passphrase));
  g_free (job->passphrase);
  g_free (job->ca_passphrase);
  g_clear_pointer (&job->data, g_bytes_unref);
  for (guint i = 0; i < G_N_ELEMENTS (job->s); i++)
    g_free (job->s[i]);
  g_strfreev (job->dns);
  g_strfreev (job->ips);
  g_free (job);
}

static GTask *
job_task (gpointer source, Job *job, GCancellable *cancellable, GAsyncReadyCallback cb,
          gpointer user_data, gpointer tag)
{
  GTask *task = g_task_new (source, cancellable, cb, user_data);
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_set_return_on_cancel (task, FALSE);
  return task;
}

static PpSite *
job_site (Job *job, GError **error)
{
  return pp_site_open (job->dir, error);
}

/* ---- key ------------------------------------------------------------------ */

static void
secret_free (gpointer pem)
{
  if (pem)
    explicit_bzero (pem, strlen (pem));
  g_free (pem);
}

static void
key_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  char *pem = pp_key_generate_pem (job->key_type, job->passphrase, cancellable, &error);
  /* After a cancellation GTask drops this result: wipe the key then too. */
  if (pem)
    g_task_return_pointer (task, pem, secret_free);
  else
    g_task_return_error (task, error);
}

void
pp_key_generate_async (PpKeyType type, const char *passphrase, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = g_new0 (Job, 1);
  g_autoptr(GTask) task = NULL;
  job->key_type = type;
  job->passphrase = g_strdup (passphrase);
  task = job_task (NULL, job, cancellable, callback, user_data, pp_key_generate_async);
  /* A key on its own changes nothing on disk, so the caller hears of the
   * cancellation at once while GnuTLS, which cannot be interrupted,
   * finishes the key in the thread and it is thrown away. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, key_thread);
}

char *
pp_key_generate_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- CA ------------------------------------------------------------------- */

static void
ca_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  g_autoptr(PpSite) site = job_site (job, &error);
  PpCaParams p = {
    .common_name = job->s[S_CN], .dn_suffix = job->s[S_SUFFIX], .validity_days = job->days,
    .key_type = job->key_type, .passphrase = job->passphrase,
  };
  char *pem = site ? pp_ca_create (site, &p, job->flag, cancellable, &error) : NULL;
  if (pem)
    g_task_return_pointer (task, pem, g_free);
  else
    g_task_return_error (task, error);
}

void
pp_ca_create_async (PpSite *site, const PpCaParams *params, gboolean replace,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = g_new0 (Job, 1);
  g_autoptr(GTask) task = NULL;
  job->dir = g_strdup (pp_site_get_dir (site));
  job->s[S_CN] = g_strdup (params->common_name);
  job->s[S_SUFFIX] = g_strdup (params->dn_suffix);
  job->days = params->validity_days;
  job->key_type = params->key_type;
  job->passphrase = g_strdup (params->passphrase);
  job->flag = replace;
  task = job_task (site, job, cancellable, callback, user_data, pp_ca_create_async);
  g_task_run_in_thread (task, ca_thread);
}

static gpointer
finish_pointer (PpSite *site, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, site), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
mirror_pending (PpSite *site, gboolean pending)
{
  pp_site_set (site, "pki.pending-csr", pending ? "true" : "false", NULL);
}

char *
pp_ca_create_finish (PpSite *site, GAsyncResult *result, GError **error)
{
  return finish_pointer (site, result, error);
}

/* ---- request -------------------------------------------------------------- */

static void
csr_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  g_autoptr(PpSite) site = job_site (job, &error);
  PpCsrParams p = {
    .friendly_name = job->s[S_FRIENDLY], .organization = job->s[S_O], .org_unit = job->s[S_OU],
    .common_name = job->s[S_CN], .country = job->s[S_C], .state = job->s[S_ST], .locality = job->s[S_L],
    .san_dns = (const char * const *) job->dns, .san_ip = (const char * const *) job->ips,
    .key_type = job->key_type, .with_ecdsa = job->flag,
  };
  char *pem = site ? pp_server_request_create (site, &p, cancellable, &error) : NULL;
  if (pem)
    g_task_return_pointer (task, pem, g_free);
  else
    g_task_return_error (task, error);
}

void
pp_server_request_create_async (PpSite *site, const PpCsrParams *params, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = g_new0 (Job, 1);
  g_autoptr(GTask) task = NULL;
  job->dir = g_strdup (pp_site_get_dir (site));
  job->s[S_FRIENDLY] = g_strdup (params->friendly_name);
  job->s[S_O] = g_strdup (params->organization);
  job->s[S_OU] = g_strdup (params->org_unit);
  job->s[S_CN] = g_strdup (params->common_name);
  job->s[S_C] = g_strdup (params->country);
  job->s[S_ST] = g_strdup (params->state);
  job->s[S_L] = g_strdup (params->locality);
  job->dns = g_strdupv ((char **) params->san_dns);
  job->ips = g_strdupv ((char **) params->san_ip);
  job->key_type = params->key_type;
  job->flag = params->with_ecdsa;
  task = job_task (site, job, cancellable, callback, user_data, pp_server_request_create_async);
  g_task_run_in_thread (task, csr_thread);
}

char *
pp_server_request_create_finish (PpSite *site, GAsyncResult *result, GError **error)
{
  char *pem = finish_pointer (site, result, error);
  if (pem)
    mirror_pending (site, TRUE);
  return pem;
}

/* ---- signing -------------------------------------------------------------- */

static void
sign_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  g_autoptr(PpSite) site = job_site (job, &error);
  char *pem = NULL;

  if (site && !g_cancellable_set_error_if_cancelled (cancellable, &error))
    pem = pp_ca_sign (site, g_bytes_get_data (job->data, NULL), g_bytes_get_size (job->data), job->tmpl,
                      job->days, job->ca_passphrase, &error);
  if (pem)
    g_task_return_pointer (task, pem, g_free);
  else
    g_task_return_error (task, error);
}

void
pp_ca_sign_async (PpSite *site, GBytes *csr, PpCertTemplate tmpl, guint days, const char *ca_passphrase,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = g_new0 (Job, 1);
  g_autoptr(GTask) task = NULL;
  job->dir = g_strdup (pp_site_get_dir (site));
  job->data = g_bytes_ref (csr);
  job->tmpl = tmpl;
  job->days = days;
  job->ca_passphrase = g_strdup (ca_passphrase);
  task = job_task (site, job, cancellable, callback, user_data, pp_ca_sign_async);
  g_task_run_in_thread (task, sign_thread);
}

char *
pp_ca_sign_finish (PpSite *site, GAsyncResult *result, GError **error)
{
  return finish_pointer (site, result, error);
}

static void
sign_pending_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  g_autoptr(PpSite) site = job_site (job, &error);

  if (site && !g_cancellable_set_error_if_cancelled (cancellable, &error)
      && pp_ca_sign_pending (site, job->days, job->ca_passphrase, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
pp_ca_sign_pending_async (PpSite *site, guint days, const char *ca_passphrase, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = g_new0 (Job, 1);
  g_autoptr(GTask) task = NULL;
  job->dir = g_strdup (pp_site_get_dir (site));
  job->days = days;
  job->ca_passphrase = g_strdup (ca_passphrase);
  task = job_task (site, job, cancellable, callback, user_data, pp_ca_sign_pending_async);
  g_task_run_in_thread (task, sign_pending_thread);
}

gboolean
pp_ca_sign_pending_finish (PpSite *site, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, site), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  mirror_pending (site, FALSE);
  return TRUE;
}

/* ---- test client ---------------------------------------------------------- */

typedef struct {
  char *cert;
  char *key;
} Pair;

static void
pair_free (Pair *p)
{
  g_free (p->cert);
  if (p->key)
    explicit_bzero (p->key, strlen (p->key));
  g_free (p->key);
  g_free (p);
}

static void
client_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  g_autoptr(PpSite) site = job_site (job, &error);
  Pair *pair = g_new0 (Pair, 1);

  if (site && !g_cancellable_set_error_if_cancelled (cancellable, &error)
      && pp_ca_issue_test_client (site, job->s[S_CLIENT_CN], job->days, job->ca_passphrase,
                                  &pair->cert, &pair->key, &error))
    g_task_return_pointer (task, pair, (GDestroyNotify) pair_free);
  else
    {
      pair_free (pair);
      g_task_return_error (task, error);
    }
}

void
pp_ca_issue_test_client_async (PpSite *site, const char *common_name, guint days, const char *ca_passphrase,
                               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = g_new0 (Job, 1);
  g_autoptr(GTask) task = NULL;
  job->dir = g_strdup (pp_site_get_dir (site));
  job->s[S_CLIENT_CN] = g_strdup (common_name);
  job->days = days;
  job->ca_passphrase = g_strdup (ca_passphrase);
  task = job_task (site, job, cancellable, callback, user_data, pp_ca_issue_test_client_async);
  g_task_run_in_thread (task, client_thread);
}

gboolean
pp_ca_issue_test_client_finish (PpSite *site, GAsyncResult *result, char **cert_pem, char **key_pem,
                                GError **error)
{
  Pair *pair;
  g_return_val_if_fail (g_task_is_valid (result, site), FALSE);
  pair = g_task_propagate_pointer (G_TASK (result), error);
  if (pair == NULL)
    return FALSE;
  if (cert_pem)
    *cert_pem = g_steal_pointer (&pair->cert);
  if (key_pem)
    *key_pem = g_steal_pointer (&pair->key);
  pair_free (pair);
  return TRUE;
}
