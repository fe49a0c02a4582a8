/* The trust store for phone certificates, pki/trust/. */
#include "config.h"
#include "pp-trust.h"
#include "pp-cert-io.h"
#include "pp-error.h"
#include "pp-fileutil.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <errno.h>
#include <string.h>

#define TRUST_DIR "pki/trust"
#define MAX_TRUST_FILE (1024 * 1024)

/* DESIGN.md §6: the product pins these and never ships the files. */
static const struct {
  const char *name;
  const char *sha256;
} polycom_pins[] = {
  { "Polycom Root CA",
    "5A:9A:1F:57:09:02:08:B9:AC:DA:4F:23:95:10:15:39:77:AE:A2:10:89:79:15:01:4D:43:1E:FF:06:60:1E:BE" },
  { "Polycom Equipment Policy CA",
    "77:F0:CF:45:BC:5D:C4:A7:1F:74:20:BD:4D:AD:E9:C7:AB:AD:61:C6:8E:91:4C:58:22:78:75:AC:95:FA:8A:7A" },
  { "Polycom Equipment Issuing CA 1",
    "2D:FD:3E:9E:45:57:AB:4F:6F:D1:7B:45:05:39:19:61:0E:8E:77:1E:6A:78:23:9B:08:D4:7C:81:53:25:A0:68" },
  { "Polycom Equipment Issuing CA 2",
    "90:B5:7C:FF:4C:68:1E:53:9E:5D:13:1E:B5:F9:8D:2B:48:AB:9A:BE:CC:1E:9F:0D:DA:F2:56:2A:B4:7A:F0:06" },
};

static char *
hex_normalize (const char *hex)
{
  GString *s = g_string_new (NULL);
  for (const char *p = hex; p && *p; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (s, g_ascii_toupper (*p));
  return g_string_free (s, FALSE);
}

static const char *
pinned_name (const char *sha256)
{
  g_autofree char *want = hex_normalize (sha256);
  for (guint i = 0; i < G_N_ELEMENTS (polycom_pins); i++)
    {
      g_autofree char *pin = hex_normalize (polycom_pins[i].sha256);
      if (g_str_equal (pin, want))
        return polycom_pins[i].name;
    }
  return NULL;
}

gboolean
pp_polycom_fingerprint_is_genuine (const char *sha256)
{
  return pinned_name (sha256) != NULL;
}

PpPolycomStatus
pp_polycom_check (gnutls_x509_crt_t crt, const char **name)
{
  g_autofree char *fp = pp_cert_fingerprint (crt, GNUTLS_DIG_SHA256);
  g_autofree char *subject = NULL, *issuer = NULL, *s = NULL, *i = NULL;
  const char *pinned = fp ? pinned_name (fp) : NULL;

  if (name)
    *name = pinned;
  if (pinned)
    return PP_POLYCOM_GENUINE;
  subject = pp_cert_subject (crt);
  issuer = pp_cert_issuer (crt);
  s = g_ascii_strdown (subject, -1);
  i = g_ascii_strdown (issuer, -1);
  /* Anything that claims to be a Polycom CA must be one of the pinned four. */
  if (pp_cert_is_ca (crt) && (strstr (s, "polycom") || strstr (i, "polycom")))
    return PP_POLYCOM_IMPOSTOR;
  return PP_POLYCOM_NONE;
}

void
pp_trust_entry_free (PpTrustEntry *e)
{
  if (e == NULL)
    return;
  g_free (e->file);
  g_free (e->subject);
  g_free (e->sha256);
  g_free (e->label);
  g_free (e->warning);
  g_clear_object (&e->details);
  g_free (e);
}

static PpTrustEntry *
entry_for_crt (gnutls_x509_crt_t crt, const char *file)
{
  PpTrustEntry *e = g_new0 (PpTrustEntry, 1);
  const char *pinned = NULL;
  g_autofree char *cn = pp_cert_subject_cn (crt);

  e->file = g_strdup (file);
  e->kind = pp_cert_is_self_signed (crt) ? PP_TRUST_ANCHOR : PP_TRUST_INTERMEDIATE;
  e->subject = pp_cert_subject (crt);
  e->sha256 = pp_cert_fingerprint (crt, GNUTLS_DIG_SHA256);
  e->not_after = (gint64) gnutls_x509_crt_get_expiration_time (crt);
  e->polycom = pp_polycom_check (crt, &pinned);
  e->details = pp_cert_details_new_from_crt (crt);
  if (e->polycom == PP_POLYCOM_GENUINE)
    e->label = g_strdup_printf (_("%s (genuine Polycom)"), pinned);
  else
    e->label = g_strdup (cn ? cn : e->subject);
  if (e->polycom == PP_POLYCOM_IMPOSTOR)
    e->warning = g_strdup_printf (_("“%s” claims to be a Polycom CA, but its SHA-256 fingerprint is not one of the genuine Polycom certificates. Download the Polycom CA certificates again from pki.polycom.com and compare."),
                                  e->label);
  return e;
}

static PpTrustEntry *
entry_for_crl (gnutls_x509_crl_t crl, const char *file)
{
  PpTrustEntry *e = g_new0 (PpTrustEntry, 1);
  gnutls_datum_t dn = { NULL, 0 };

  e->file = g_strdup (file);
  e->kind = PP_TRUST_CRL;
  if (gnutls_x509_crl_get_issuer_dn3 (crl, &dn, 0) >= 0)
    {
      e->subject = g_utf8_make_valid ((const char *) dn.data, dn.size);
      gnutls_free (dn.data);
    }
  e->not_after = (gint64) gnutls_x509_crl_get_next_update (crl);
  e->label = g_strdup_printf (_("CRL of %s"), e->subject ? e->subject : "?");
  return e;
}

/* ---- reading the store ------------------------------------------------------
 * Files are read exactly as phoneprovd reads them (src/server/pp-tls.c):
 * *.pem and *.crt hold certificates, PEM or else DER; *.crl hold CRLs, which
 * must be signed by a certificate of the store. A file that fails is not
 * skipped: listing names it and says what to do, loading refuses the store. */

typedef struct {
  char      *name;
  GPtrArray *certs;    /* gnutls_x509_crt_t */
  GPtrArray *crls;     /* gnutls_x509_crl_t */
  char      *problem;  /* translated sentence, or NULL */
} StoreFile;

static void
store_file_free (StoreFile *f)
{
  g_free (f->name);
  g_ptr_array_unref (f->certs);
  g_ptr_array_unref (f->crls);
  g_free (f->problem);
  g_free (f);
}

static gboolean
is_store_file (const char *name)
{
  return g_str_has_suffix (name, ".pem") || g_str_has_suffix (name, ".crt") || g_str_has_suffix (name, ".crl");
}

static gint
store_file_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(StoreFile * const *) a)->name, (*(StoreFile * const *) b)->name);
}

/* A message without its final period, for inside a sentence. */
static char *
reason (const char *msg)
{
  char *r = g_strdup (msg);
  gsize n = strlen (r);
  if (n > 0 && r[n - 1] == '.')
    r[n - 1] = '\0';
  return r;
}

static void
store_file_parse (StoreFile *f, const char *dir)
{
  g_autofree char *path = g_build_filename (dir, f->name, NULL);
  g_autoptr(GError) local = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  gboolean is_crl = g_str_has_suffix (f->name, ".crl"), looks_der;
  gnutls_datum_t d;
  int ret;

  if (!pp_file_read (path, MAX_TRUST_FILE, &data, &len, &local))
    {
      g_autofree char *why = reason (local->message);
      f->problem = g_strdup_printf (_("pki/trust/%s cannot be read (%s), and phoneprovd refuses the whole trust store while it is there. Remove it with “phoneprovctl trust remove %s”, or replace it with a good copy."),
                                    f->name, why, f->name);
      return;
    }
  d.data = (unsigned char *) data;
  d.size = (unsigned) len;
  /* Report the DER parser's complaint only for what looks like DER. */
  looks_der = len > 0 && (guint8) data[0] == 0x30;
  if (is_crl)
    {
      gnutls_x509_crl_t *crls = NULL;
      unsigned n = 0;
      ret = gnutls_x509_crl_list_import2 (&crls, &n, &d, GNUTLS_X509_FMT_PEM, 0);
      if (ret < 0)
        {
          int der = gnutls_x509_crl_list_import2 (&crls, &n, &d, GNUTLS_X509_FMT_DER, 0);
          if (der >= 0 || looks_der)
            ret = der;
        }
      for (unsigned i = 0; ret >= 0 && i < n; i++)
        g_ptr_array_add (f->crls, crls[i]);
      gnutls_free (crls);
      if (ret < 0 || n == 0)
        {
          g_autofree char *why = reason (gnutls_strerror (ret < 0 ? ret : GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE));
          f->problem = g_strdup_printf (_("pki/trust/%s is damaged: it holds no readable revocation list (%s). phoneprovd refuses the whole trust store while it is there. Remove it with “phoneprovctl trust remove %s”, or replace it with a current copy of the CRL."),
                                        f->name, why, f->name);
        }
    }
  else
    {
      gnutls_x509_crt_t *crts = NULL;
      unsigned n = 0;
      ret = gnutls_x509_crt_list_import2 (&crts, &n, &d, GNUTLS_X509_FMT_PEM, 0);
      if (ret < 0)
        {
          int der = gnutls_x509_crt_list_import2 (&crts, &n, &d, GNUTLS_X509_FMT_DER, 0);
          if (der >= 0 || looks_der)
            ret = der;
        }
      for (unsigned i = 0; ret >= 0 && i < n; i++)
        g_ptr_array_add (f->certs, crts[i]);
      gnutls_free (crts);
      if (ret < 0 || n == 0)
        {
          g_autofree char *why = reason (gnutls_strerror (ret < 0 ? ret : GNUTLS_E_NO_CERTIFICATE_FOUND));
          f->problem = g_strdup_printf (_("pki/trust/%s is damaged: it holds no readable certificate (%s). phoneprovd refuses the whole trust store while it is there. Remove it with “phoneprovctl trust remove %s”, or replace it with a good copy of the CA certificate."),
                                        f->name, why, f->name);
        }
    }
}

/* Every store file, sorted by name; NULL only when the folder cannot be
 * listed. A missing folder is an empty store. */
static GPtrArray *
store_scan (PpSite *site, GError **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) store_file_free);
  g_autofree char *dir = pp_site_path (site, TRUST_DIR);
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&files);
  d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)))
    {
      StoreFile *f;
      if (!is_store_file (name))
        continue;
      f = g_new0 (StoreFile, 1);
      f->name = g_strdup (name);
      f->certs = g_ptr_array_new_with_free_func (pp_x509_crt_free);
      f->crls = g_ptr_array_new_with_free_func (pp_x509_crl_free);
      store_file_parse (f, dir);
      g_ptr_array_add (files, f);
    }
  g_ptr_array_sort (files, store_file_cmp);

  /* A CRL counts only when a certificate of the store signed it. */
  for (guint i = 0; i < files->len; i++)
    {
      StoreFile *f = files->pdata[i];
      for (guint c = 0; f->problem == NULL && c < f->crls->len; c++)
        {
          gboolean signed_by_store = FALSE;
          for (guint j = 0; j < files->len && !signed_by_store; j++)
            {
              GPtrArray *certs = ((StoreFile *) files->pdata[j])->certs;
              for (guint k = 0; k < certs->len && !signed_by_store; k++)
                {
                  gnutls_x509_crt_t ca = certs->pdata[k];
                  unsigned status = 1;
                  signed_by_store = gnutls_x509_crl_check_issuer (f->crls->pdata[c], ca)
                                    && gnutls_x509_crl_verify (f->crls->pdata[c], &ca, 1, 0, &status) >= 0
                                    && status == 0;
                }
            }
          if (!signed_by_store)
            f->problem = g_strdup_printf (_("The revocation list pki/trust/%s is not signed by any CA in the trust store, so phoneprovd refuses the store when it checks revocation. Add the CA that issued it with “phoneprovctl trust add”, or remove the list with “phoneprovctl trust remove %s”."),
                                          f->name, f->name);
        }
    }
  return g_steal_pointer (&files);
}

static char *
safe_stem (const char *name)
{
  GString *s = g_string_new (NULL);
  for (const char *p = name; p && *p && s->len < 48; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (s, g_ascii_tolower (*p));
      else if (s->len && s->str[s->len - 1] != '-')
        g_string_append_c (s, '-');
    }
  while (s->len && s->str[s->len - 1] == '-')
    g_string_truncate (s, s->len - 1);
  if (s->len == 0)
    g_string_append (s, "ca");
  return g_string_free (s, FALSE);
}

static char *
cert_file_name (gnutls_x509_crt_t crt)
{
  g_autofree char *cn = pp_cert_subject_cn (crt);
  g_autofree char *fp = pp_cert_fingerprint (crt, GNUTLS_DIG_SHA256);
  g_autofree char *hex = hex_normalize (fp);
  g_autofree char *stem = safe_stem (cn);
  g_autofree char *lower = g_ascii_strdown (hex, 16);
  return g_strdup_printf ("%s-%s.pem", stem, lower);
}

static char *
crl_file_name (gnutls_x509_crl_t crl)
{
  gnutls_datum_t dn = { NULL, 0 };
  guint8 h[32];
  char cn[256];
  size_t cn_size = sizeof cn;
  g_autofree char *stem = NULL, *hex = NULL, *lower = NULL;

  /* Named after the issuer, so a newer CRL from the same CA replaces the old. */
  gnutls_x509_crl_get_raw_issuer_dn (crl, &dn);
  gnutls_hash_fast (GNUTLS_DIG_SHA256, dn.data, dn.size, h);
  gnutls_free (dn.data);
  if (gnutls_x509_crl_get_issuer_dn_by_oid (crl, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cn_size) < 0)
    cn[0] = '\0';
  stem = safe_stem (cn);
  hex = pp_hex_format (h, 8, 0);
  lower = g_ascii_strdown (hex, -1);
  return g_strdup_printf ("%s-%s.crl", stem, lower);
}

static char *
format_date (time_t t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc ((gint64) t);
  return dt ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("?");
}

/* Every readable certificate currently in the store (for CRL issuer checks). */
static GPtrArray *
load_store_certs (PpSite *site)
{
  g_autoptr(GPtrArray) files = store_scan (site, NULL);
  GPtrArray *certs = g_ptr_array_new_with_free_func (pp_x509_crt_free);

  for (guint i = 0; files && i < files->len; i++)
    {
      StoreFile *f = files->pdata[i];
      while (f->certs->len)
        g_ptr_array_add (certs, g_ptr_array_steal_index (f->certs, 0));
    }
  return certs;
}

GPtrArray *
pp_trust_add (PpSite *site, const void *data, gsize len, GError **error)
{
  g_autoptr(PpImport) imp = pp_import_data (data, len, NULL, error);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_trust_entry_free);
  g_autoptr(GPtrArray) issuers = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autofree char *dir = pp_site_path (site, TRUST_DIR);
  time_t now = time (NULL);

  if (imp == NULL)
    {
      g_prefix_error (error, _("Nothing was added to the trust store: "));
      return NULL;
    }
  if (imp->certs->len == 0 && imp->crls->len == 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("The file holds no CA certificate or CRL. Give the CA certificates that issued the phones' certificates."));
      return NULL;
    }
  /* Check everything first: all or nothing. */
  for (guint i = 0; i < imp->certs->len; i++)
    {
      gnutls_x509_crt_t c = imp->certs->pdata[i];
      g_autofree char *subj = pp_cert_subject (c);
      time_t from = gnutls_x509_crt_get_activation_time (c), to = gnutls_x509_crt_get_expiration_time (c);
      if (!pp_cert_is_ca (c))
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("“%s” is not a CA certificate (it lacks basicConstraints CA:TRUE), so it cannot vouch for phones. Add the CA certificates that issued the phones' certificates instead. Nothing was added."),
                       subj);
          return NULL;
        }
      if (pp_cert_is_self_signed (c))
        {
          unsigned status = 0;
          /* A trust list never checks an anchor's own signature; a damaged
           * or edited root would be trusted silently. Only integrity is
           * checked here: old roots self-signed with SHA-1 stay usable. */
          if (gnutls_x509_crt_verify (c, &c, 1,
                                      GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DO_NOT_ALLOW_SAME
                                      | GNUTLS_VERIFY_ALLOW_BROKEN, &status) < 0 || status != 0)
            {
              g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                           _("The root certificate “%s” has a broken self-signature: the file was damaged or altered. Download it again. Nothing was added."),
                           subj);
              return NULL;
            }
        }
      if (to != (time_t) -1 && to < now)
        {
          g_autofree char *d = format_date (to);
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The CA certificate “%s” expired on %s; phones it issued cannot be trusted through it. Get a current copy. Nothing was added."),
                       subj, d);
          return NULL;
        }
      if (from != (time_t) -1 && from > now)
        {
          g_autofree char *d = format_date (from);
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The CA certificate “%s” is not valid before %s. Check this computer's clock. Nothing was added."),
                       subj, d);
          return NULL;
        }
    }
  issuers = load_store_certs (site);
  candidates = g_ptr_array_new ();  /* borrowed from @issuers and @imp */
  for (guint i = 0; i < issuers->len; i++)
    g_ptr_array_add (candidates, g_ptr_array_index (issuers, i));
  for (guint i = 0; i < imp->certs->len; i++)
    g_ptr_array_add (candidates, g_ptr_array_index (imp->certs, i));
  for (guint i = 0; i < imp->crls->len; i++)
    {
      gnutls_x509_crl_t crl = imp->crls->pdata[i];
      unsigned status = 0;
      gboolean ok = FALSE;
      for (guint j = 0; j < candidates->len && !ok; j++)
        {
          gnutls_x509_crt_t ca = candidates->pdata[j];
          ok = gnutls_x509_crl_check_issuer (crl, ca)
               && gnutls_x509_crl_verify (crl, &ca, 1, 0, &status) >= 0 && status == 0;
        }
      if (!ok)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                       _("The CRL is not signed by any CA in the trust store. Add the CA that issued it first. Nothing was added."));
          return NULL;
        }
    }
  if (!pp_mkdir (dir, 0700, error))
    return NULL;
  for (guint i = 0; i < imp->certs->len; i++)
    {
      gnutls_x509_crt_t c = imp->certs->pdata[i];
      g_autofree char *name = cert_file_name (c);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *pem = pp_cert_to_pem (c, error);
      if (pem == NULL)
        return NULL;
      if (!g_file_test (path, G_FILE_TEST_EXISTS) && !pp_file_write_atomic (path, pem, strlen (pem), 0644, error))
        return NULL;
      g_ptr_array_add (result, entry_for_crt (c, name));
    }
  for (guint i = 0; i < imp->crls->len; i++)
    {
      gnutls_x509_crl_t crl = imp->crls->pdata[i];
      g_autofree char *name = crl_file_name (crl);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      gnutls_datum_t out = { NULL, 0 };
      PpTrustEntry *e;
      int ret = gnutls_x509_crl_export2 (crl, GNUTLS_X509_FMT_PEM, &out);
      gboolean ok;
      if (ret < 0)
        {
          pp_gnutls_error (error, ret, _("the CRL"));
          return NULL;
        }
      ok = pp_file_write_atomic (path, out.data, out.size, 0644, error);
      gnutls_free (out.data);
      if (!ok)
        return NULL;
      e = entry_for_crl (crl, name);
      g_ptr_array_add (result, e);
    }
  return g_steal_pointer (&result);
}

gboolean
pp_trust_refresh_crl (PpSite *site, GBytes *crl_pem, gboolean *updated, GError **error)
{
  g_autoptr(PpImport) imp = pp_import_data (g_bytes_get_data (crl_pem, NULL), g_bytes_get_size (crl_pem), NULL, error);
  g_autofree char *dir = pp_site_path (site, TRUST_DIR);
  g_autofree char *name = NULL, *path = NULL;

  if (updated)
    *updated = FALSE;
  if (imp == NULL)
    return FALSE;
  if (imp->crls->len != 1)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("Expected exactly one CRL."));
      return FALSE;
    }
  name = crl_file_name (imp->crls->pdata[0]);
  path = g_build_filename (dir, name, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  if (!pp_file_write_atomic (path, g_bytes_get_data (crl_pem, NULL), g_bytes_get_size (crl_pem), 0644, error))
    return FALSE;
  if (updated)
    *updated = TRUE;
  return TRUE;
}

static gint
entry_cmp (gconstpointer a, gconstpointer b)
{
  const PpTrustEntry *x = *(const PpTrustEntry **) a, *y = *(const PpTrustEntry **) b;
  if (x->kind != y->kind)
    return (gint) x->kind - (gint) y->kind;
  return g_strcmp0 (x->file, y->file);
}

GPtrArray *
pp_trust_list (PpSite *site, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_trust_entry_free);
  g_autoptr(GPtrArray) files = store_scan (site, error);

  if (files == NULL)
    return NULL;
  for (guint i = 0; i < files->len; i++)
    {
      StoreFile *f = files->pdata[i];
      if (f->problem)
        {
          PpTrustEntry *e = g_new0 (PpTrustEntry, 1);
          e->file = g_strdup (f->name);
          e->kind = PP_TRUST_DAMAGED;
          e->label = g_strdup_printf (_("%s (damaged)"), f->name);
          e->warning = g_strdup (f->problem);
          g_ptr_array_add (list, e);
          continue;
        }
      for (guint j = 0; j < f->certs->len; j++)
        g_ptr_array_add (list, entry_for_crt (f->certs->pdata[j], f->name));
      for (guint j = 0; j < f->crls->len; j++)
        g_ptr_array_add (list, entry_for_crl (f->crls->pdata[j], f->name));
    }
  g_ptr_array_sort (list, entry_cmp);
  return g_steal_pointer (&list);
}

gboolean
pp_trust_list_is_damaged (GPtrArray *entries)
{
  for (guint i = 0; entries && i < entries->len; i++)
    if (((PpTrustEntry *) entries->pdata[i])->kind == PP_TRUST_DAMAGED)
      return TRUE;
  return FALSE;
}

gboolean
pp_trust_remove (PpSite *site, const char *id, GError **error)
{
  g_autoptr(GPtrArray) list = pp_trust_list (site, error);
  g_autofree char *want = hex_normalize (id);
  g_autofree char *dir = pp_site_path (site, TRUST_DIR);
  const char *file = NULL;
  guint matches = 0;
  gboolean is_fp = id[strspn (id, "0123456789abcdefABCDEF: ")] == '\0';

  if (list == NULL)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    {
      PpTrustEntry *e = list->pdata[i];
      g_autofree char *fp = hex_normalize (e->sha256);
      if (g_strcmp0 (e->file, id) == 0)
        {
          file = e->file;
          matches = 1;
          break;
        }
      if (e->sha256 && is_fp && strlen (want) >= 8 && g_str_has_prefix (fp, want)
          && g_strcmp0 (file, e->file) != 0)
        {
          file = e->file;
          matches++;
        }
    }
  if (matches == 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                   _("Nothing in the trust store matches “%s”. Run “phoneprovctl trust list” to see file names and fingerprints."), id);
      return FALSE;
    }
  if (matches > 1)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("“%s” matches more than one certificate; give more of the fingerprint."), id);
      return FALSE;
    }
  if (!pp_path_component_is_safe (file))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID, _("“%s” is not a file name in the trust store."), file);
      return FALSE;
    }
  {
    g_autofree char *path = g_build_filename (dir, file, NULL);
    if (g_unlink (path) != 0)
      {
        g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not remove %s: %s."), path, g_strerror (errno));
        return FALSE;
      }
  }
  return TRUE;
}

gboolean
pp_trust_load (PpSite *site, gnutls_x509_trust_list_t list, guint *n_certs, guint *n_crls, GError **error)
{
  g_autoptr(GPtrArray) files = store_scan (site, error);
  guint nc = 0, nl = 0;

  if (files == NULL)
    return FALSE;
  for (guint i = 0; i < files->len; i++)
    {
      StoreFile *f = files->pdata[i];
      if (f->problem)
        {
          g_set_error_literal (error, PP_ERROR, PP_ERROR_CORRUPT, f->problem);
          return FALSE;
        }
    }
  for (guint i = 0; i < files->len; i++)
    {
      StoreFile *f = files->pdata[i];
      while (f->certs->len)
        {
          gnutls_x509_crt_t crt = g_ptr_array_steal_index (f->certs, 0);
          /* The list owns what it added. */
          if (gnutls_x509_trust_list_add_cas (list, &crt, 1, 0) == 1)
            nc++;
          else
            gnutls_x509_crt_deinit (crt);
        }
    }
  /* CRLs after every CA; store_scan already checked their signatures. */
  for (guint i = 0; i < files->len; i++)
    {
      StoreFile *f = files->pdata[i];
      while (f->crls->len)
        {
          gnutls_x509_crl_t crl = g_ptr_array_steal_index (f->crls, 0);
          /* Owned by the list even when an older CRL of the same issuer
           * makes it drop this one. */
          int ret = gnutls_x509_trust_list_add_crls (list, &crl, 1, 0, 0);
          if (ret > 0)
            nl += (guint) ret;
        }
    }
  if (n_certs)
    *n_certs = nc;
  if (n_crls)
    *n_crls = nl;
  return TRUE;
}
