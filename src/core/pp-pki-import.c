/* Import an existing CA (XCA, gnoMint, an OpenSSL CA) as the site's CA. */
#include "config.h"
#include "pp-pki-private.h"
#include "pp-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static char *
format_date (time_t t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc ((gint64) t);
  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

/* Everything that makes a certificate unfit to be the site's CA, checked
 * before anything is written. */
static gboolean
check_ca_cert (gnutls_x509_crt_t crt, GError **error)
{
  g_autofree char *subject = pp_cert_subject (crt);
  time_t now = time (NULL);
  time_t from = gnutls_x509_crt_get_activation_time (crt);
  time_t to = gnutls_x509_crt_get_expiration_time (crt);
  unsigned usage = 0, critical = 0, bits = 0, status = 0;
  int pk;

  if (!pp_cert_is_ca (crt))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("“%s” is not a CA certificate (it lacks basicConstraints CA:TRUE), so it cannot issue certificates. Import the certificate of the CA itself, not one it issued. Nothing was changed."),
                   subject);
      return FALSE;
    }
  if (gnutls_x509_crt_get_key_usage (crt, &usage, &critical) >= 0
      && (usage & (GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN)) != (GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The key usage of “%s” does not allow signing both certificates and revocation lists (keyCertSign, cRLSign), which the site's CA does. Use a CA certificate that allows both. Nothing was changed."),
                   subject);
      return FALSE;
    }
  if (!pp_cert_is_self_signed (crt))
    {
      g_autofree char *issuer = pp_cert_issuer (crt);
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("“%s” was issued by “%s”: it is an intermediate CA. The site's CA must be a root (self-signed), because phones install it as the certificate they trust. Import the root CA with its key, or create a new CA with “phoneprovctl ca init”. Nothing was changed."),
                   subject, issuer);
      return FALSE;
    }
  /* Integrity only: an old root self-signed with SHA-1 stays usable. */
  if (gnutls_x509_crt_verify (crt, &crt, 1,
                              GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DO_NOT_ALLOW_SAME
                              | GNUTLS_VERIFY_ALLOW_BROKEN, &status) < 0 || status != 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The CA certificate “%s” has a broken self-signature: the file was damaged or altered. Export it again from the old CA. Nothing was changed."),
                   subject);
      return FALSE;
    }
  if (to != (time_t) -1 && to < now)
    {
      g_autofree char *d = format_date (to);
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The CA certificate “%s” expired on %s, so it cannot sign anything. Renew it with the old tool (same key) and import the renewed certificate, or create a new CA with “phoneprovctl ca init”. Nothing was changed."),
                   subject, d);
      return FALSE;
    }
  if (from != (time_t) -1 && from > now)
    {
      g_autofree char *d = format_date (from);
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The CA certificate “%s” is not valid before %s. Check this computer's clock. Nothing was changed."),
                   subject, d);
      return FALSE;
    }
  pk = gnutls_x509_crt_get_pk_algorithm (crt, &bits);
  if ((pk == GNUTLS_PK_RSA && bits < 2048) || (pk != GNUTLS_PK_RSA && pk != GNUTLS_PK_ECDSA))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The key of “%s” (%s, %u bits) is too weak or of a kind phones do not use; the site's CA needs RSA 2048 bits or more, or ECDSA. Create a new CA with “phoneprovctl ca init”. Nothing was changed."),
                   subject, gnutls_pk_get_name ((gnutls_pk_algorithm_t) pk), bits);
      return FALSE;
    }
  return TRUE;
}

char *
pp_ca_import (PpSite *site, const void *cert_data, gsize cert_len, const void *key_data, gsize key_len,
              const char *passphrase, gboolean replace, char **archived, GError **error)
{
  static const char empty_index[] = "{\"version\":1,\"certificates\":[]}\n";
  g_autoptr(PpImport) imp = NULL;
  g_autoptr(PpX509Privkey) key = NULL;
  g_autoptr(PpPkiTxn) txn = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autofree char *crt_pem = NULL, *key_pem = NULL, *archive = NULL, *number = NULL;
  gnutls_x509_crt_t crt = NULL;
  time_t now = time (NULL);
  gboolean had_ca = pp_ca_exists (site), ok;

  if (archived)
    *archived = NULL;
  if (had_ca && !replace)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_EXISTS,
                   _("This site already has a certificate authority. Importing another one replaces it, and phones stop trusting what the old one issued once they trust the new one; use --replace if that is what you want (the old CA files are kept in pki/ca/old-<time>/)."));
      return NULL;
    }

  imp = pp_import_data (cert_data, cert_len, passphrase, error);
  if (imp == NULL)
    {
      g_prefix_error (error, _("Cannot import the CA certificate: "));
      return NULL;
    }
  if (imp->certs->len == 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The CA certificate file holds no certificate. Give the CA's certificate (PEM, DER or PKCS #12) first and its key with it."));
      return NULL;
    }
  if (key_data != NULL)
    {
      key = pp_key_from_data (key_data, key_len, passphrase, error);
      if (key == NULL)
        {
          g_prefix_error (error, _("Cannot import the CA key: "));
          return NULL;
        }
    }
  else if (imp->key != NULL)
    key = g_steal_pointer (&imp->key);
  else
    {
      g_autofree char *subject = pp_cert_subject (imp->certs->pdata[0]);
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                   _("No private key was given for the CA “%s”. Give its key file as well, or a PKCS #12 file that holds both. Nothing was changed."),
                   subject);
      return NULL;
    }

  /* A PKCS #12 or PEM file may carry a chain: the CA is the one the key is for. */
  for (guint i = 0; i < imp->certs->len && crt == NULL; i++)
    if (pp_cert_matches_key (imp->certs->pdata[i], key))
      crt = imp->certs->pdata[i];
  if (crt == NULL)
    {
      g_autofree char *subject = pp_cert_subject (imp->certs->pdata[0]);
      g_set_error (error, PP_ERROR, PP_ERROR_MISMATCH,
                   _("The private key does not belong to the CA certificate “%s”. Give the key that was created with this CA (the file the old tool keeps next to the CA certificate). Nothing was changed."),
                   subject);
      return NULL;
    }
  if (!check_ca_cert (crt, error))
    return NULL;

  key_pem = pp_export_key_pkcs8 (key, passphrase, error);
  crt_pem = key_pem ? pp_cert_to_pem (crt, error) : NULL;
  if (crt_pem == NULL)
    return NULL;
  /* The old tool numbered its CRLs from 1 up; numbers must keep rising
   * for relying parties, so the site's first CRL takes the current time. */
  crl = pp_pki_crl_build (crt, key, NULL, (guint64) now, 0, error);
  if (crl == NULL)
    {
      explicit_bzero (key_pem, strlen (key_pem));
      return NULL;
    }
  number = g_strdup_printf ("%" G_GUINT64_FORMAT "\n", (guint64) now);

  /* One folder swap (pp-pki-txn.c): a crash leaves the old CA or the new one. */
  txn = pp_pki_txn_begin (site, "pki/ca", TRUE, error);
  ok = txn != NULL
       && ((!pp_pki_exists (site, PP_CA_CRT) && !pp_pki_exists (site, PP_CA_KEY))
           || (archive = pp_pki_txn_archive_previous (txn, error)) != NULL)
       && pp_pki_txn_write (txn, "ca.key", key_pem, strlen (key_pem), TRUE, error)
       && pp_pki_txn_write (txn, "index.json", empty_index, sizeof empty_index - 1, FALSE, error)
       && pp_pki_txn_write (txn, "crlnumber", number, strlen (number), FALSE, error)
       && pp_pki_txn_write (txn, "crl.pem", g_bytes_get_data (crl, NULL), g_bytes_get_size (crl), FALSE, error)
       && pp_pki_txn_write (txn, "ca.crt", crt_pem, strlen (crt_pem), FALSE, error)
       && pp_pki_txn_commit (txn, error);
  explicit_bzero (key_pem, strlen (key_pem));
  if (!ok)
    return NULL;
  if (archived)
    *archived = g_steal_pointer (&archive);
  return g_steal_pointer (&crt_pem);
}

/* ---- async ---------------------------------------------------------------- */

typedef struct {
  char     *dir;
  GBytes   *cert;
  GBytes   *key;
  char     *passphrase;
  gboolean  replace;
  char     *pem;       /* results */
  char     *archived;
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_free (job->dir);
  g_clear_pointer (&job->cert, g_bytes_unref);
  g_clear_pointer (&job->key, g_bytes_unref);
  if (job->passphrase)
    explicit_bzero (job->passphrase, strlen (job->passphrase));
  g_free (job->passphrase);
  g_free (job->pem);
  g_free (job->archived);
  g_free (job);
}

static void
import_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ImportJob *job = data;
  GError *error = NULL;
  g_autoptr(PpSite) site = NULL;

  /* The work is one PKCS #12 or key decryption and one folder swap: it is
   * cancelled before it starts, never halfway. */
  if (g_cancellable_set_error_if_cancelled (cancellable, &error)
      || (site = pp_site_open (job->dir, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  job->pem = pp_ca_import (site, g_bytes_get_data (job->cert, NULL), g_bytes_get_size (job->cert),
                           job->key ? g_bytes_get_data (job->key, NULL) : NULL,
                           job->key ? g_bytes_get_size (job->key) : 0,
                           job->passphrase, job->replace, &job->archived, &error);
  if (job->pem)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
pp_ca_import_async (PpSite *site, GBytes *cert, GBytes *key, const char *passphrase, gboolean replace,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  ImportJob *job = g_new0 (ImportJob, 1);
  g_autoptr(GTask) task = g_task_new (site, cancellable, callback, user_data);

  job->dir = g_strdup (pp_site_get_dir (site));
  job->cert = g_bytes_ref (cert);
  job->key = key ? g_bytes_ref (key) : NULL;
  job->passphrase = g_strdup (passphrase);
  job->replace = replace;
  g_task_set_source_tag (task, pp_ca_import_async);
  g_task_set_task_data (task, job, (GDestroyNotify) import_job_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, import_thread);
}

char *
pp_ca_import_finish (PpSite *site, GAsyncResult *result, char **archived, GError **error)
{
  ImportJob *job;

  g_return_val_if_fail (g_task_is_valid (result, site), NULL);
  if (archived)
    *archived = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  job = g_task_get_task_data (G_TASK (result));
  if (archived)
    *archived = g_steal_pointer (&job->archived);
  return g_steal_pointer (&job->pem);
}
