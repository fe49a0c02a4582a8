#pragma once

#include <glib.h>
#include "pp-site.h"

G_BEGIN_DECLS

/* Configurations for the engines a site outgrows one machine onto
 * (DESIGN.md §8): Apache httpd 2.4 for both sites, nginx for the HTTPS site.
 * They serve the same boot directory, htdigest file, server certificate and
 * trust store as phoneprovd, with the same TLS profile and upload patterns.
 *
 * Path modes:
 *  - deploy_root NULL ("bundle layout"): every site path is relative, and the
 *    files live in engines/<engine>/ under the root. Start with
 *    "apache2 -d ROOT -f engines/apache/httpd.conf" or
 *    "nginx -p ROOT/ -c engines/nginx/nginx.conf", so an extracted bundle
 *    runs wherever it lands.
 *  - deploy_root set: absolute paths below it, and the companion files are
 *    referenced in conf_dir (default ROOT/engines/<engine>). */

typedef enum {
  PP_ENGINE_APACHE,
  PP_ENGINE_NGINX,
} PpEngine;

const char *pp_engine_to_string (PpEngine engine);   /* "apache", "nginx" */

typedef struct {
  const char *deploy_root;  /* absolute, or NULL for the bundle layout */
  const char *conf_dir;     /* absolute; NULL: <deploy_root>/engines/<engine> */
  const char *module_dir;   /* Apache modules; NULL: /usr/lib/apache2/modules */
} PpEngineOptions;

#define PP_ENGINE_DEFAULT_MODULE_DIR "/usr/lib/apache2/modules"

typedef struct {
  char   *name;   /* relative to the configuration folder */
  GBytes *data;
} PpEngineFile;

void pp_engine_file_free (PpEngineFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpEngineFile, pp_engine_file_free)

/* The files of one engine's configuration (PpEngineFile): the main file,
 * an includable site file, and the trust store and CRLs as single PEM files
 * (both engines want one file). PP_ERROR_NOT_FOUND when the site lacks what
 * the engine needs (server certificate, trust anchors). */
GPtrArray *pp_engine_config_generate (PpSite                *site,
                                      PpEngine               engine,
                                      const PpEngineOptions *options,
                                      GError               **error);

/* Write @files into @dir (created when missing), each atomically. */
gboolean   pp_engine_config_write (GPtrArray   *files,
                                   const char  *dir,
                                   GError     **error);

/* Glob list ("*-boot.log;*-app.log") → one anchored regular expression
 * for a request path: ^/(?:[^/]*-boot\.log|[^/]*-app\.log)$ */
char      *pp_engine_patterns_to_regex (const char * const *patterns);

/* README.md at the top of a bundle: how to start each engine, and
 * how to run several nodes behind a load balancer with shared boot files. */
char      *pp_engine_readme (PpSite *site, gboolean have_apache, gboolean have_nginx, gboolean with_keys);

G_END_DECLS
