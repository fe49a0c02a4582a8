#pragma once

/* Shared between pp-engine-config.c and the per-engine generators. */
#include "pp-engine-config.h"

G_BEGIN_DECLS

typedef struct {
  PpSite                *site;
  PpEngine               engine;
  const PpEngineOptions *options;
  char                  *site_name;
  char                  *hostname;     /* ServerName / server_name */
  char                  *cert;         /* chain.pem or server.crt, as the engine refers to it */
  char                  *key;
  char                  *ecdsa_cert;   /* NULL without an ECDSA identity */
  char                  *ecdsa_key;
  char                  *boot;         /* the boot folder */
  char                  *htdigest;
  char                  *upload_regex;
  guint                  upload_max;
  GBytes                *anchors;      /* every CA certificate of pki/trust/ */
  GBytes                *crls;         /* NULL when the store has none */
  gboolean               crls_complete; /* a CRL for every CA certificate */
  GPtrArray             *files;        /* PpEngineFile */
} PpEngineGen;

/* A site path ("pki/server/server.key") as the engine must spell it.
 * nginx resolves ssl_* paths against its configuration folder and the rest
 * against its prefix, hence @conf_relative. */
char    *pp_engine_site_path (PpEngineGen *gen, const char *rel, gboolean conf_relative);
/* A generated companion file ("trust-anchors.pem") as the engine spells it. */
char    *pp_engine_companion_path (PpEngineGen *gen, const char *name, gboolean conf_relative);
/* The comment block every generated file starts with. */
char    *pp_engine_header (PpEngineGen *gen, const char *what, const char *start_hint);
/* FALSE with an error when @value cannot be written inside "…" safely. */
gboolean pp_engine_check_quotable (const char *what, const char *value, GError **error);
/* "listen" address: "*" or "127.0.0.1" or "[::1]" → "…:port"; for nginx,
 * "*" gives just the port. */
char    *pp_engine_listen (const char *address, guint port, gboolean star_is_empty);
void     pp_engine_add_file (PpEngineGen *gen, const char *name, GString *text);

/* Fragments both engines write, in gen->engine's syntax (pp-engine-fragments.c). */
/* The https.profile TLS versions and ciphers, server cipher order first. */
void     pp_engine_append_tls_profile (GString *s, PpEngineGen *gen);
/* The server certificate and key, then the ECDSA pair when there is one. */
void     pp_engine_append_identities (GString *s, PpEngineGen *gen);
/* The location where phones may PUT (boot.upload-patterns); @digest: Apache
 * asks for the phone account there too. */
void     pp_engine_append_upload_location (GString *s, PpEngineGen *gen, gboolean digest);
/* trust-anchors.pem and, when the store has CRLs, trust-crls.pem. */
void     pp_engine_add_trust_files (PpEngineGen *gen);

gboolean pp_engine_generate_apache (PpEngineGen *gen, GError **error);
gboolean pp_engine_generate_nginx (PpEngineGen *gen, GError **error);

G_END_DECLS
