#pragma once

const char *pp_server_version (void);
