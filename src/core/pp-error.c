#include "pp-error.h"

G_DEFINE_QUARK (phoneprov-error-quark, pp_error)
