#include "config.h"
#include "pp-selftest.h"
#include "pp-checks.h"
#include "pp-daemon.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-pki.h"
#include "pp-trust.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#define ANCHOR_CN "phoneprov self-test anchor (key destroyed)"
#define ROGUE_CN "phoneprov self-test untrusted CA"
#define TEST_DEVICE_CN "0004f2fffffe"

typedef struct {
  PpSite *site;
  char   *base_url;
  char   *path;
} SelfTest;

static void
selftest_free (SelfTest *t)
{
  g_clear_object (&t->site);
  g_free (t->base_url);
  g_free (t->path);
  g_free (t);
}

/* A CA in a temporary site, one client certificate from it, then the CA's
 * key is deleted with the folder. Returns the client certificate + key as
 * a GTlsCertificate, and the CA certificate PEM in @ca_pem. */
static GTlsCertificate *
throwaway_client (const char *ca_cn, char **ca_pem, GCancellable *cancellable, GError **error)
{
  g_autofree char *tmp = g_dir_make_tmp ("phoneprov-selftest-XXXXXX", error);
  g_autofree char *dir = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autofree char *cert = NULL, *key = NULL, *both = NULL, *ca = NULL;
  PpCaParams params = { 0 };
  GTlsCertificate *out = NULL;

  if (tmp == NULL)
    return NULL;
  dir = g_build_filename (tmp, "site", NULL);
  params.common_name = ca_cn;
  params.validity_days = 1;
  params.key_type = PP_KEY_ECDSA_P256;
  if ((site = pp_site_create (dir, error)) != NULL &&
      (ca = pp_ca_create (site, &params, FALSE, cancellable, error)) != NULL &&
      pp_ca_issue_test_client (site, TEST_DEVICE_CN, 1, NULL, &cert, &key, error))
    {
      both = g_strconcat (cert, "\n", key, NULL);
      out = g_tls_certificate_new_from_pem (both, -1, error);
    }
  pp_file_remove_tree (tmp);
  if (out && ca_pem)
    *ca_pem = g_steal_pointer (&ca);
  return out;
}

static void
remove_stale_anchors (PpSite *site)
{
  g_autoptr(GPtrArray) entries = pp_trust_list (site, NULL);
  for (guint i = 0; entries && i < entries->len; i++)
    {
      PpTrustEntry *e = entries->pdata[i];
      if (e->subject && strstr (e->subject, ANCHOR_CN))
        (void) pp_trust_remove (site, e->file, NULL);
    }
}

static PpCheckResult *
probe (const char *label, const char *url, GTlsCertificate *cert, gboolean expect_served, GCancellable *cancellable)
{
  g_autofree char *reason = NULL;
  g_autofree char *detail = NULL;
  guint status = pp_http_probe (url, NULL, NULL, cert, &reason, cancellable);
  gboolean served = status >= 200 && status < 300;

  if (expect_served)
    detail = served ? g_strdup_printf (_("%u %s: served."), status, reason)
             : status == 0 ? g_strdup_printf (_("Refused (%s), but this certificate should have been served. Check the trust store and the server's log."), reason)
             : g_strdup_printf (_("%u %s instead of the file. Check that the boot directory holds it."), status, reason);
  else
    detail = !served ? (status == 0 ? g_strdup_printf (_("Refused during the TLS handshake (%s), as it should be."), reason)
                                    : g_strdup_printf (_("Refused with %u %s, as it should be."), status, reason))
             : g_strdup (_("Served! Client certificates are not enforced: set them to Required and apply again."));
  return pp_check_result_new (label, expect_served ? served : !served, detail);
}

static gboolean
reload (PpSite *site, GCancellable *cancellable, GError **error)
{
  return pp_daemon_reload_sync (pp_site_get_dir (site), cancellable, error);
}

static void
selftest_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SelfTest *t = task_data;
  g_autofree char *url = g_strconcat (t->base_url, "/", t->path, NULL);
  g_autoptr(GTlsCertificate) trusted = NULL, untrusted = NULL;
  g_autofree char *anchor = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *results;

  remove_stale_anchors (t->site);
  trusted = throwaway_client (ANCHOR_CN, &anchor, cancellable, &error);
  if (trusted)
    untrusted = throwaway_client (ROGUE_CN, NULL, cancellable, &error);
  if (trusted == NULL || untrusted == NULL)
    {
      g_task_return_new_error (task, PP_ERROR, PP_ERROR_FAILED,
                               _("The self-test could not make its test certificates: %s"), error->message);
      return;
    }

  results = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_check_result_free);
  g_ptr_array_add (results, probe (_("A client without a certificate"), url, NULL, FALSE, cancellable));
  g_ptr_array_add (results, probe (_("A certificate from an untrusted CA"), url, untrusted, FALSE, cancellable));

  added = pp_trust_add (t->site, anchor, strlen (anchor), &error);
  if (added == NULL || !reload (t->site, cancellable, &error))
    {
      g_autofree char *detail = g_strdup_printf (_("Could not set up the trusted test certificate: %s"), error->message);
      g_ptr_array_add (results, pp_check_result_new (_("A trusted test certificate"), FALSE, detail));
    }
  else
    g_ptr_array_add (results, probe (_("A trusted test certificate"), url, trusted, TRUE, cancellable));

  remove_stale_anchors (t->site);
  g_clear_error (&error);
  if (!reload (t->site, NULL, &error))
    {
      g_autofree char *detail = g_strdup_printf (_("The test anchor was removed from pki/trust/ but the server did not reload: %s. Reload it (phoneprovctl server reload)."),
                                                 error->message);
      g_ptr_array_add (results, pp_check_result_new (_("Cleaning up"), FALSE, detail));
    }
  g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

void
pp_selftest_run_async (PpSite *site, const char *https_base_url, const char *path,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SelfTest *t = g_new0 (SelfTest, 1);

  /* The worker reads and writes pki/trust/ through its own site object. */
  t->site = pp_site_open (pp_site_get_dir (site), NULL);
  t->base_url = g_strdup (https_base_url);
  t->path = g_strdup (path);
  g_task_set_source_tag (task, pp_selftest_run_async);
  g_task_set_task_data (task, t, (GDestroyNotify) selftest_free);
  if (t->site == NULL)
    {
      g_task_return_new_error (task, PP_ERROR, PP_ERROR_FAILED, _("The site folder cannot be opened for the self-test."));
      return;
    }
  g_task_run_in_thread (task, selftest_thread);
}

GPtrArray *
pp_selftest_run_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
