/* Configuration snapshots, see pp-config.h. */
#include "config.h"
#include "pp-config.h"
#include "pp-error.h"
#include "pp-htdigest.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>

PpConfig *
pp_config_ref (PpConfig *c)
{
  g_atomic_ref_count_inc (&c->ref);
  return c;
}

void
pp_config_unref (PpConfig *c)
{
  if (!g_atomic_ref_count_dec (&c->ref))
    return;
  g_free (c->site_dir);
  g_free (c->boot_dir);
  pp_boot_dir_free (c->boot);
  g_strfreev (c->upload_patterns);
  g_clear_pointer (&c->upload_specs, g_ptr_array_unref);
  g_free (c->realm);
  g_clear_pointer (&c->users, g_hash_table_unref);
  g_free (c->http.address);
  g_free (c->https.address);
  g_clear_pointer (&c->tls, pp_tls_context_unref);
  g_free (c->tls_error);
  g_free (c);
}

static void
load_site_config (PpSite *site, const char *prefix, PpSiteConfig *out)
{
  g_autofree char *k_enabled = g_strconcat (prefix, ".enabled", NULL);
  g_autofree char *k_address = g_strconcat (prefix, ".address", NULL);
  g_autofree char *k_port = g_strconcat (prefix, ".port", NULL);
  g_autofree char *k_digest = g_strconcat (prefix, ".digest", NULL);

  out->enabled = pp_site_get_bool (site, k_enabled);
  out->address = pp_site_get (site, k_address);
  out->port = pp_site_get_uint (site, k_port);
  out->digest = pp_site_get_bool (site, k_digest);
}

gboolean
pp_config_upload_allowed (PpConfig *c, const char *name)
{
  gsize len = strlen (name);
  for (guint i = 0; i < c->upload_specs->len; i++)
    if (g_pattern_spec_match (c->upload_specs->pdata[i], len, name, NULL))
      return TRUE;
  return FALSE;
}

PpConfig *
pp_config_load (const char *site_dir, GError **error)
{
  g_autoptr(PpSite) site = pp_site_open (site_dir, error);
  g_autoptr(PpConfig) c = NULL;
  g_autofree char *boot = NULL;
  g_autofree char *htdigest = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *client_certs = NULL;
  char *real;

  if (site == NULL)
    return NULL;
  c = g_new0 (PpConfig, 1);
  g_atomic_ref_count_init (&c->ref);
  c->site_dir = g_strdup (pp_site_get_dir (site));

  boot = pp_site_get_boot_dir (site);
  real = realpath (boot, NULL);
  if (real == NULL || !g_file_test (real, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                   real ? _("The boot directory %s is not a folder. Point boot.dir at the folder that holds "
                            "the phones' files.")
                        : _("The boot directory %s does not exist. Create it (wizard page “Boot directory”) "
                            "or change boot.dir."), boot);
      free (real);
      return NULL;
    }
  c->boot_dir = g_strdup (real);
  c->boot = pp_boot_dir_open (c->boot_dir);
  free (real);

  c->upload_patterns = pp_site_get_patterns (site, "boot.upload-patterns");
  c->upload_specs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_pattern_spec_free);
  for (guint i = 0; c->upload_patterns[i]; i++)
    if (*c->upload_patterns[i])
      g_ptr_array_add (c->upload_specs, g_pattern_spec_new (c->upload_patterns[i]));
  c->upload_max = pp_site_get_uint (site, "boot.upload-max-bytes");
  c->realm = pp_site_get (site, "http.realm");
  load_site_config (site, "http", &c->http);
  load_site_config (site, "https", &c->https);
  c->bind_mac = pp_site_get_bool (site, "https.bind-mac");
  c->workers = pp_site_get_uint (site, "server.workers");
  if (c->workers == 0)
    c->workers = CLAMP (g_get_num_processors (), 1, 16);
  c->log_max_bytes = pp_site_get_uint (site, "server.log-max-bytes");

  htdigest = pp_site_path (site, "auth/htdigest");
  if (g_file_test (htdigest, G_FILE_TEST_EXISTS))
    {
      c->users = pp_htdigest_load (htdigest, c->realm, error);
      if (c->users == NULL)
        return NULL;
    }
  else
    c->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  client_certs = pp_site_get (site, "https.client-certs");
  c->client_certs = g_str_equal (client_certs, "off") ? PP_CLIENT_CERTS_OFF
                    : g_str_equal (client_certs, "optional") ? PP_CLIENT_CERTS_OPTIONAL
                    : PP_CLIENT_CERTS_REQUIRED;
  profile = pp_site_get (site, "https.profile");

  if (c->https.enabled)
    {
      g_autofree char *key = pp_site_path (site, "pki/server/server.key");
      g_autofree char *crt = pp_site_path (site, "pki/server/server.crt");
      g_autofree char *chain = pp_site_path (site, "pki/server/chain.pem");
      g_autofree char *ekey = pp_site_path (site, "pki/server/server-ecdsa.key");
      g_autofree char *ecrt = pp_site_path (site, "pki/server/server-ecdsa.crt");
      g_autofree char *trust = pp_site_path (site, "pki/trust");
      g_autoptr(GError) tls_error = NULL;
      PpTlsSettings s = {
        .server_key = key, .server_cert = crt, .server_chain = chain,
        .ecdsa_key = ekey, .ecdsa_cert = ecrt, .trust_dir = trust,
        .profile = profile, .client_certs = c->client_certs,
        .check_crl = pp_site_get_bool (site, "https.check-crl"),
        .accept_expired_polycom = pp_site_get_bool (site, "https.accept-expired-polycom"),
      };

      c->tls = pp_tls_context_new (&s, &tls_error);
      if (c->tls == NULL)
        {
          if (!g_error_matches (tls_error, PP_ERROR, PP_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&tls_error));
              return NULL;
            }
          c->tls_error = g_strdup (tls_error->message);
        }
    }
  return g_steal_pointer (&c);
}
