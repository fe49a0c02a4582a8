#include "config.h"
#include "pp-bundle-verify.h"
#include "pp-bundle-private.h"
#include "pp-cert-io.h"
#include "pp-engine-config.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-htdigest.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  const char                  *staging;
  PpBundleManifest            *manifest;
  const PpBundleImportOptions *options;
  char                        *realm;
  char                        *boot;      /* boot.dir, relative */
} Verify;

static gboolean
refuse (GError **error, int code, const char *format, ...) G_GNUC_PRINTF (3, 4);
static gboolean
refuse (GError **error, int code, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, PP_ERROR, code, _("%s Nothing was imported."), msg);
  return FALSE;
}

static gboolean
read_member (Verify *v, const char *path, char **data, gsize *len, GError **error)
{
  g_autofree char *abs = g_build_filename (v->staging, path, NULL);
  return pp_file_read (abs, PP_BUNDLE_SMALL_MAX, data, len, error);
}

static gboolean
check_site_conf (Verify *v, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  if (pp_bundle_manifest_lookup (v->manifest, "site.conf") == NULL)
    return refuse (error, PP_ERROR_INVALID, _("The bundle has no site.conf, so it holds no site."));
  if (!read_member (v, "site.conf", &data, &len, error))
    return FALSE;
  if (!pp_site_conf_validate_data (data, len, &local))
    return refuse (error, PP_ERROR_INVALID, _("The bundle’s site.conf is not valid: %s"), local->message);
  g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, NULL);
  v->realm = g_key_file_get_value (kf, "http", "realm", NULL);
  if (v->realm == NULL)
    v->realm = g_strdup (pp_site_key_lookup ("http.realm")->default_value);
  v->boot = g_key_file_get_value (kf, "boot", "dir", NULL);
  if (v->boot == NULL)
    v->boot = g_strdup ("boot");
  /* Export always rewrites it to "boot"; anything else could serve keys. */
  if (!g_str_equal (v->boot, "boot"))
    return refuse (error, PP_ERROR_INVALID,
                   _("The bundle’s site.conf points the boot folder at “%s”; in a bundle it must be “boot”."),
                   v->boot);
  return TRUE;
}

static gboolean
check_ca_certs (Verify *v, const char *path, gboolean allow_crl, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GError) local = NULL;

  if (!read_member (v, path, &data, &len, error))
    return FALSE;
  if (allow_crl && g_strstr_len (data, (gssize) len, "-----BEGIN X509 CRL-----")
      && !g_strstr_len (data, (gssize) len, "-----BEGIN CERTIFICATE-----"))
    return TRUE;
  certs = pp_certs_from_data (data, len, &local);
  if (certs == NULL)
    return refuse (error, PP_ERROR_INVALID, _("“%s” in the bundle is not a certificate: %s"), path, local->message);
  for (guint i = 0; i < certs->len; i++)
    if (!pp_cert_is_ca (g_ptr_array_index (certs, i)))
      {
        g_autofree char *subject = pp_cert_subject (g_ptr_array_index (certs, i));
        return refuse (error, PP_ERROR_INVALID,
                       _("“%s” in the bundle holds “%s”, which is not a CA certificate. Trust anchors and "
                         "the site CA must be CA certificates (basicConstraints CA:TRUE)."),
                       path, subject);
      }
  return TRUE;
}

/* pki/<dir>/<name>.p12 → <name>.key (0600), after checking it belongs to
 * <name>.crt. */
static gboolean
import_key (Verify *v, const char *path, PpBundleImportResult *result, GError **error)
{
  g_autofree char *abs = g_build_filename (v->staging, path, NULL);
  g_autofree char *stem = g_strndup (path, strlen (path) - strlen (".p12"));
  g_autofree char *crt = g_strconcat (stem, ".crt", NULL);
  g_autofree char *key_rel = g_strconcat (stem, ".key", NULL);
  g_autofree char *key_abs = g_build_filename (v->staging, key_rel, NULL);
  g_autofree char *data = NULL, *crt_data = NULL, *pem = NULL;
  gsize len = 0, crt_len = 0;
  g_autoptr(PpImport) imp = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GError) local = NULL;
  const char *passphrase = v->options->passphrase;
  gboolean encrypted = g_ptr_array_find_with_equal_func (v->manifest->encrypted_keys, key_rel, g_str_equal, NULL);

  if (v->options->without_keys)
    {
      g_unlink (abs);
      return TRUE;
    }
  if (passphrase == NULL || *passphrase == '\0')
    return refuse (error, PP_ERROR_PASSPHRASE,
                   _("This bundle carries private keys protected by a passphrase (%s). Give the passphrase "
                     "(--passphrase-file), or import without the keys (--without-key)."), path);
  if (pp_bundle_manifest_lookup (v->manifest, crt) == NULL)
    return refuse (error, PP_ERROR_INVALID, _("The bundle has the key %s but not its certificate %s."), path, crt);
  if (!read_member (v, path, &data, &len, error) || !read_member (v, crt, &crt_data, &crt_len, error))
    return FALSE;
  imp = pp_import_data (data, len, passphrase, &local);
  if (imp == NULL && g_error_matches (local, PP_ERROR, PP_ERROR_PASSPHRASE))
    return refuse (error, PP_ERROR_PASSPHRASE,
                   _("The passphrase does not open %s in the bundle. Check it (it is the one given at export)."),
                   path);
  if (imp == NULL || imp->key == NULL)
    return refuse (error, PP_ERROR_INVALID, _("%s in the bundle holds no usable private key%s%s"),
                   path, local ? ": " : ".", local ? local->message : "");
  certs = pp_certs_from_data (crt_data, crt_len, &local);
  if (certs == NULL)
    return refuse (error, PP_ERROR_INVALID, _("%s in the bundle is not a certificate: %s"), crt, local->message);
  if (!pp_cert_matches_key (g_ptr_array_index (certs, 0), imp->key))
    return refuse (error, PP_ERROR_MISMATCH,
                   _("The private key in %s does not belong to the certificate %s: the key was swapped or the "
                     "certificate replaced after export."), path, crt);
  pem = pp_export_key_pkcs8 (imp->key, encrypted ? passphrase : NULL, error);
  if (pem == NULL || !pp_file_write_atomic (key_abs, pem, strlen (pem), 0600, error))
    return FALSE;
  g_unlink (abs);
  result->n_keys++;
  return TRUE;
}

static gboolean
check_member (Verify *v, const char *path, PpBundleImportResult *result, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (g_str_has_prefix (path, "boot/") || g_str_equal (path, "README.md") || g_str_has_prefix (path, "engines/"))
    return TRUE;
  if (g_str_has_prefix (path, "pki/") && g_str_has_suffix (path, ".p12"))
    return import_key (v, path, result, error);
  if (g_str_has_suffix (path, ".key"))
    return refuse (error, PP_ERROR_INVALID,
                   _("The bundle carries the private key %s unprotected. Keys travel only inside "
                     "passphrase-protected PKCS#12 files."), path);
  if (!read_member (v, path, &data, &len, error))
    return FALSE;
  if (pp_bundle_data_has_private_key (data, len))
    return refuse (error, PP_ERROR_INVALID,
                   _("%s in the bundle holds an unprotected private key. Keys travel only inside "
                     "passphrase-protected PKCS#12 files."), path);
  if (g_str_has_prefix (path, "pki/trust/"))
    return check_ca_certs (v, path, TRUE, error);
  if (g_str_equal (path, "pki/ca/ca.crt"))
    return check_ca_certs (v, path, FALSE, error);
  if (g_str_equal (path, "auth/htdigest"))
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(GHashTable) users = pp_htdigest_parse (data, len, v->realm, &local);
      if (users == NULL)
        return refuse (error, PP_ERROR_INVALID, _("The bundle’s auth/htdigest is not valid: %s"), local->message);
    }
  return TRUE;
}

/* Boot files are served (0644 in 0755 folders); the rest stays private. */
static void
fix_modes (const char *abs, gboolean public)
{
  g_autoptr(GDir) d = g_dir_open (abs, 0, NULL);
  const char *name;

  g_chmod (abs, public ? 0755 : 0700);
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (abs, name, NULL);
      GStatBuf st;
      if (g_lstat (p, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        fix_modes (p, public);
      else if (S_ISREG (st.st_mode))
        g_chmod (p, public ? 0644 : 0600);
    }
}

static gboolean
finish_site (Verify *v, const char *target, PpBundleImportResult *result, GError **error)
{
  static const char *skeleton[] = { "pki/ca", "pki/server", "pki/trust", "auth", "logs", "run" };
  static const PpEngine engines[] = { PP_ENGINE_APACHE, PP_ENGINE_NGINX };
  g_autofree char *boot = g_build_filename (v->staging, v->boot, NULL);
  g_autoptr(PpSite) site = NULL;
  g_autoptr(GError) local = NULL;

  g_autofree char *readme = g_build_filename (v->staging, "README.md", NULL);
  g_autofree char *engines_dir = g_build_filename (v->staging, "engines", NULL);
  g_unlink (readme);
  pp_file_remove_tree (engines_dir);

  for (guint i = 0; i < G_N_ELEMENTS (skeleton); i++)
    {
      g_autofree char *p = g_build_filename (v->staging, skeleton[i], NULL);
      if (!pp_mkdir (p, 0700, error))
        return FALSE;
    }
  if (!pp_mkdir (boot, 0755, error))
    return FALSE;
  fix_modes (v->staging, FALSE);
  fix_modes (boot, TRUE);
  g_chmod (v->staging, 0700);

  site = pp_site_open (v->staging, &local);
  if (site == NULL)
    return refuse (error, PP_ERROR_INVALID, _("The imported site does not open: %s"), local->message);
  /* Engine files name the final place, not the staging folder. */
  for (guint e = 0; e < G_N_ELEMENTS (engines); e++)
    {
      g_autofree char *conf_dir = g_build_filename (target, "engines", pp_engine_to_string (engines[e]), NULL);
      g_autofree char *out_dir = g_build_filename (v->staging, "engines", pp_engine_to_string (engines[e]), NULL);
      PpEngineOptions opts = { target, conf_dir, NULL };
      g_autoptr(GPtrArray) files = pp_engine_config_generate (site, engines[e], &opts, NULL);
      if (files && pp_engine_config_write (files, out_dir, NULL))
        result->engines = TRUE;
    }
  return TRUE;
}

gboolean
pp_bundle_verify_staging (const char *staging, const char *target, PpBundleManifest *manifest,
                          const PpBundleImportOptions *options, PpBundleImportResult *result,
                          GError **error)
{
  Verify v = { staging, manifest, options, NULL, NULL };
  gboolean ok = check_site_conf (&v, error);

  /* Cheap checks first; opening PKCS#12 files costs a slow key derivation. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; ok && i < manifest->members->len; i++)
      {
        const char *path = ((PpBundleMember *) g_ptr_array_index (manifest->members, i))->path;
        if (g_str_has_suffix (path, ".p12") == (pass == 1))
          ok = check_member (&v, path, result, error);
      }
  ok = ok && finish_site (&v, target, result, error);
  g_free (v.realm);
  g_free (v.boot);
  return ok;
}
