#include "config.h"
#include "pp-expiry.h"
#include "pp-cert-io.h"
#include "pp-fileutil.h"
#include "pp-phone-config.h"

#include <glib/gi18n-lib.h>

void
pp_expiry_warning_free (PpExpiryWarning *warning)
{
  if (warning == NULL)
    return;
  g_free (warning->name);
  g_free (warning->message);
  g_free (warning);
}

gint64
pp_expiry_days_left (gint64 not_after, gint64 now)
{
  gint64 diff = not_after - now;
  /* Round toward minus infinity: one second past expiry is day -1. */
  return diff >= 0 ? diff / 86400 : -((-diff + 86399) / 86400);
}

static char *
format_date (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("?");
}

static char *
message_for (PpExpiryObject object, const char *name, gint64 not_after, gint64 days)
{
  g_autofree char *date = format_date (not_after);

  /* Days are printed with %d (not G_GINT64_FORMAT) so that xgettext sees
   * the whole message. */
  if (object == PP_EXPIRY_SERVER)
    {
      if (days < 0)
        return g_strdup_printf (_("The server certificate “%s” expired on %s. Phones refuse the HTTPS site until a new one is installed: create a request and issue it on the “Issue and install” step (or phoneprovctl csr new, then ca sign)."),
                                name, date);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "The server certificate “%s” expires on %s, in %d day. Issue and install a new one before then (“Issue and install” step, or phoneprovctl csr new, then ca sign).",
                                           "The server certificate “%s” expires on %s, in %d days. Issue and install a new one before then (“Issue and install” step, or phoneprovctl csr new, then ca sign).",
                                           (gulong) days),
                              name, date, (int) days);
    }
  if (days < 0)
    return g_strdup_printf (_("The certificate authority “%s” that phones trust expired on %s. Phones refuse this server until they trust a new CA: create a new CA, issue a new server certificate and install the new CA on every phone."),
                            name, date);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "The certificate authority “%s” that phones trust expires on %s, in %d day. Create a new CA and install it on every phone before then, or phones will stop trusting this server.",
                                       "The certificate authority “%s” that phones trust expires on %s, in %d days. Create a new CA and install it on every phone before then, or phones will stop trusting this server.",
                                       (gulong) days),
                          name, date, (int) days);
}

static void
check_cert (GPtrArray *out, PpExpiryObject object, const void *data, gsize len, gint64 now, guint within_days)
{
  g_autoptr(GPtrArray) certs = data ? pp_certs_from_data (data, len, NULL) : NULL;
  gnutls_x509_crt_t crt;
  PpExpiryWarning *w;
  gint64 not_after;

  if (certs == NULL || certs->len == 0)
    return;
  crt = certs->pdata[0];
  not_after = (gint64) gnutls_x509_crt_get_expiration_time (crt);
  if (not_after - now >= (gint64) within_days * 86400)
    return;
  w = g_new0 (PpExpiryWarning, 1);
  w->object = object;
  w->name = pp_cert_subject_cn (crt);
  if (w->name == NULL)
    w->name = pp_cert_subject (crt);
  w->not_after = not_after;
  w->days_left = pp_expiry_days_left (not_after, now);
  w->message = message_for (object, w->name, not_after, w->days_left);
  g_ptr_array_add (out, w);
}

static void
check_file (GPtrArray *out, PpExpiryObject object, PpSite *site, const char *rel, gint64 now, guint within_days)
{
  g_autofree char *path = pp_site_path (site, rel);
  g_autofree char *data = NULL;
  gsize len = 0;

  if (g_file_test (path, G_FILE_TEST_EXISTS) && pp_file_read (path, 1024 * 1024, &data, &len, NULL))
    check_cert (out, object, data, len, now, within_days);
}

GPtrArray *
pp_expiry_check (PpSite *site, gint64 now, guint within_days)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_expiry_warning_free);
  g_autoptr(GBytes) root = NULL;

  g_return_val_if_fail (site != NULL, out);
  if (now == 0)
    now = g_get_real_time () / G_USEC_PER_SEC;
  check_file (out, PP_EXPIRY_SERVER, site, "pki/server/server.crt", now, within_days);
  check_file (out, PP_EXPIRY_SERVER, site, "pki/server/server-ecdsa.crt", now, within_days);
  root = pp_site_get_root_for_phones (site);
  if (root)
    check_cert (out, PP_EXPIRY_CA, g_bytes_get_data (root, NULL), g_bytes_get_size (root), now, within_days);
  return out;
}
