#include "config.h"
#include "pp-server-version.h"

const char *
pp_server_version (void)
{
  return PACKAGE_VERSION;
}
