#pragma once

/* Shared by the bundle export and import code. */
#include "pp-bundle.h"

G_BEGIN_DECLS

/* Members other than boot files are configuration and certificates: small. */
#define PP_BUNDLE_SMALL_MAX   (1024 * 1024)
#define PP_BUNDLE_BLOCK       (64 * 1024)

/* Remove @path and everything below it, never following links. */

/* Forwards progress from a worker thread to the caller's main context. */
typedef struct {
  PpBundleProgressFunc  func;
  gpointer              data;
  GMainContext         *context;
  double                last;
} PpBundleProgressRelay;

PpBundleProgressRelay *pp_bundle_progress_relay_new (PpBundleProgressFunc func, gpointer data);
void                   pp_bundle_progress_relay_free (PpBundleProgressRelay *relay);
void                   pp_bundle_progress_relay (double fraction, const char *what, gpointer relay);

/* TRUE when @data looks like it holds a PEM private key. */
gboolean pp_bundle_data_has_private_key (const char *data, gsize len);

G_END_DECLS
