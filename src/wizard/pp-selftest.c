#include "config.h"
#include "pp-selftest.h"
#include "pp-checks.h"
#include "pp-control-client.h"
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
/* Long enough for one probe under load; the grant is ended right after. */
#define GRANT_SECONDS 60

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

/* Versions before the in-memory grant put the anchor into pki/trust/ for
 * the test; one that crashed mid-test left it there. */
static guint
remove_stale_anchors (PpSite *site)
{
  g_autoptr(GPtrArray) entries = pp_trust_list (site, NULL);
  guint n = 0;

  for (guint i = 0; entries && i < entries->len; i++)
    {
      PpTrustEntry *e = entries->pdata[i];
      if (e->subject && strstr (e->subject, ANCHOR_CN) && pp_trust_remove (site, e->file, NULL))
        n++;
    }
  return n;
}

static char *
cert_sha256 (GTlsCertificate *cert)
{
  g_autoptr(GByteArray) der = NULL;

  g_object_get (cert, "certificate", &der, NULL);
  return der ? g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len) : NULL;
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

static void
selftest_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SelfTest *t = task_data;
  g_autofree char *url = g_strconcat (t->base_url, "/", t->path, NULL);
  g_autoptr(PpControlClient) daemon = pp_control_client_new (pp_site_get_dir (t->site));
  g_autoptr(GTlsCertificate) trusted = NULL, untrusted = NULL;
  g_autofree char *anchor = NULL, *fingerprint = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *results;

  if (remove_stale_anchors (t->site) > 0)
    (void) pp_daemon_reload_sync (pp_site_get_dir (t->site), cancellable, NULL);
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

  /* The anchor goes to the running daemon only, for this one certificate
   * and a minute at most; pki/trust/ is not written. */
  fingerprint = cert_sha256 (trusted);
  if (!pp_control_client_selftest (daemon, anchor, fingerprint, GRANT_SECONDS, cancellable, &error))
    {
      g_autofree char *detail = g_strdup_printf (_("Could not set up the trusted test certificate: %s"), error->message);
      g_ptr_array_add (results, pp_check_result_new (_("A trusted test certificate"), FALSE, detail));
    }
  else
    {
      g_ptr_array_add (results, probe (_("A trusted test certificate"), url, trusted, TRUE, cancellable));
      /* Ends on its own within the minute when this fails. */
      (void) pp_control_client_selftest (daemon, NULL, NULL, 0, NULL, NULL);
      /* And a new TLS context (new ticket key, empty session cache): libsoup
       * hands GnuTLS the client certificate only when asked, so GLib files
       * the test's session under this server alone, and the wizard's next
       * connection there would resume it, presenting the test certificate,
       * and be refused. The old self-test's reload did this too. */
      (void) pp_daemon_reload_sync (pp_site_get_dir (t->site), NULL, NULL);
    }
  g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

void
pp_selftest_run_async (PpSite *site, const char *https_base_url, const char *path,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SelfTest *t = g_new0 (SelfTest, 1);

  /* The worker lists pki/trust/ (for leftovers) through its own site object. */
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
