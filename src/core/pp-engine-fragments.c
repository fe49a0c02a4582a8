/* Fragments the Apache and nginx generators both write: the TLS profile,
 * the server identities, the upload location and the trust files. What
 * they say (cipher strings, TLS versions, upload rule) is decided here once;
 * each engine only spells it in its own syntax, so the two configurations
 * cannot drift apart. */
#include "config.h"
#include "pp-engine-private.h"

typedef struct {
  const char *name;      /* https.profile value */
  const char *summary;   /* the comment after “TLS profile “name”: ” */
  const char *versions;  /* TLS versions, space-separated, as both engines name them */
  const char *ciphers;   /* OpenSSL cipher string */
  gboolean    seclevel0; /* needs OpenSSL 3's security level 0 */
} TlsProfile;

/* Old UC Software speaks TLS 1.0 with RSA key exchange and SHA-1, which
 * OpenSSL 3 only allows at security level 0. */
static const TlsProfile tls_profiles[] = {
  { "modern", "TLS 1.2 and later only", "TLSv1.2 TLSv1.3",
    "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES:!kDHE", FALSE },
  { "compatible", "also TLS 1.0/1.1 with RSA key exchange for old phones", "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3",
    "ALL:!aNULL:!eNULL:!DSS:!SEED:!IDEA:!MEDIUM:!LOW:!EXP:!kDHE:!PSK:!SRP:!MD5:!RC4:@SECLEVEL=0", TRUE },
};

void
pp_engine_append_tls_profile (GString *s, PpEngineGen *gen)
{
  g_autofree char *name = pp_site_get (gen->site, "https.profile");
  /* site.conf validates the value; anything but "modern" is compatible. */
  const TlsProfile *p = g_str_equal (name, "modern") ? &tls_profiles[0] : &tls_profiles[1];
  g_auto(GStrv) versions = g_strsplit (p->versions, " ", -1);

  g_string_append_printf (s, "    # TLS profile “%s”: %s", p->name, p->summary);
  if (gen->engine == PP_ENGINE_APACHE)
    {
      g_string_append (s, ".\n    SSLProtocol -all");
      for (guint i = 0; versions[i]; i++)
        g_string_append_printf (s, " +%s", versions[i]);
      g_string_append_printf (s, "\n    SSLCipherSuite %s\n"
                                 "    SSLHonorCipherOrder on\n", p->ciphers);
      return;
    }
  g_string_append (s, p->seclevel0 ? "\n    # (OpenSSL 3 allows their SHA-1 handshakes only at security level 0).\n"
                                   : ".\n");
  g_string_append_printf (s, "    ssl_protocols %s;\n"
                             "    ssl_ciphers \"%s\";\n"
                             "    ssl_prefer_server_ciphers on;\n", p->versions, p->ciphers);
}

static void
append_identity (GString *s, PpEngineGen *gen, const char *cert, const char *key)
{
  if (gen->engine == PP_ENGINE_APACHE)
    g_string_append_printf (s, "    SSLCertificateFile \"%s\"\n"
                               "    SSLCertificateKeyFile \"%s\"\n", cert, key);
  else
    g_string_append_printf (s, "    ssl_certificate \"%s\";\n"
                               "    ssl_certificate_key \"%s\";\n", cert, key);
}

void
pp_engine_append_identities (GString *s, PpEngineGen *gen)
{
  append_identity (s, gen, gen->cert, gen->key);
  if (gen->ecdsa_cert == NULL)
    return;
  g_string_append (s, "    # Second identity: ECDSA for phones that accept it, RSA for the rest.\n");
  append_identity (s, gen, gen->ecdsa_cert, gen->ecdsa_key);
}

void
pp_engine_append_upload_location (GString *s, PpEngineGen *gen, gboolean digest)
{
  /* The same rule in both: the upload patterns take PUT (through the
   * engine's WebDAV module) up to boot.upload-max-bytes; reading stays
   * allowed there too. */
  if (gen->engine == PP_ENGINE_APACHE)
    g_string_append_printf (s, "    # Phones upload logs and settings made on the phone with PUT (boot.upload-patterns).\n"
                               "    <LocationMatch \"%s\">\n"
                               "        Dav On\n"
                               "        LimitRequestBody %u\n"
                               "        <RequireAll>\n%s"
                               "            Require method GET HEAD OPTIONS PUT\n"
                               "        </RequireAll>\n"
                               "    </LocationMatch>\n",
                            gen->upload_regex, gen->upload_max,
                            digest ? "            Require valid-user\n" : "");
  else
    /* nginx has no digest authentication (the caller says so in a comment). */
    g_string_append_printf (s, "    # …and PUT only to the upload patterns (boot.upload-patterns).\n"
                               "    location ~ \"%s\" {\n"
                               "        limit_except GET PUT { deny all; }\n"
                               "        dav_methods PUT;\n"
                               "        create_full_put_path off;\n"
                               "        dav_access user:rw group:r all:r;\n"
                               "        client_max_body_size %u;\n"
                               "    }\n",
                            gen->upload_regex, gen->upload_max);
}

void
pp_engine_add_trust_files (PpEngineGen *gen)
{
  pp_engine_add_file (gen, "trust-anchors.pem",
                      g_string_new_len (g_bytes_get_data (gen->anchors, NULL), (gssize) g_bytes_get_size (gen->anchors)));
  if (gen->crls)
    pp_engine_add_file (gen, "trust-crls.pem",
                        g_string_new_len (g_bytes_get_data (gen->crls, NULL), (gssize) g_bytes_get_size (gen->crls)));
}
