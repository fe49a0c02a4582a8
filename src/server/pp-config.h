#pragma once

#include "pp-files.h"
#include "pp-site.h"
#include "pp-tls.h"

G_BEGIN_DECLS

/* One immutable snapshot of a site's configuration. Reload builds a new one
 * and swaps it in; each request keeps the snapshot it started with, so a
 * transfer in flight finishes under the rules it began with. */

typedef struct {
  gboolean      enabled;
  char         *address;      /* "*" or an IP literal */
  guint         port;         /* 0: any free port */
  gboolean      digest;
} PpSiteConfig;

typedef struct {
  gatomicrefcount ref;
  char          *site_dir;
  char          *boot_dir;        /* canonical, symlinks resolved */
  PpBootDir     *boot;            /* boot_dir and its descriptor */
  char         **upload_patterns;
  GPtrArray     *upload_specs;    /* GPatternSpec */
  guint64        upload_max;
  char          *realm;
  GHashTable    *users;           /* user → HA1 for realm */
  PpSiteConfig   http;
  PpSiteConfig   https;
  PpClientCerts  client_certs;
  gboolean       bind_mac;
  PpTlsContext  *tls;             /* NULL while HTTPS cannot run */
  char          *tls_error;       /* why, for status */
  guint          workers;
  guint64        log_max_bytes;
} PpConfig;

/* Loads site.conf, auth/htdigest and (when HTTPS is on) the TLS material.
 * A missing server certificate only leaves @tls NULL with @tls_error set;
 * broken files are an error. */
PpConfig *pp_config_load (const char *site_dir, GError **error);
PpConfig *pp_config_ref (PpConfig *config);
void      pp_config_unref (PpConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpConfig, pp_config_unref)

gboolean  pp_config_upload_allowed (PpConfig *config, const char *name);

G_END_DECLS
