#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PP_ERROR (pp_error_quark ())

/* One error domain for the whole project. The message of every GError in it
 * is a sentence an administrator can act on: what failed, why, what to do. */
typedef enum {
  PP_ERROR_FAILED,
  PP_ERROR_INVALID,       /* bad value or bad input file */
  PP_ERROR_NOT_FOUND,
  PP_ERROR_EXISTS,
  PP_ERROR_CORRUPT,       /* stored data does not parse */
  PP_ERROR_MISMATCH,      /* certificate does not match key, etc. */
  PP_ERROR_PASSPHRASE,    /* wrong or missing passphrase */
  PP_ERROR_PERMISSION,
  PP_ERROR_IO,
  PP_ERROR_UNSUPPORTED,
  PP_ERROR_CANCELLED,
} PpError;

GQuark pp_error_quark (void);

G_END_DECLS
