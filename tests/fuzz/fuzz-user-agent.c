/* User-Agent parsing for the monitor (model and firmware of each phone).
 * Any client can send any User-Agent. Properties: a match yields a model
 * made of word characters and a firmware of digits and dots, both UTF-8
 * (they go into events.jsonl and the wizard's labels). */
#include "config.h"
#include "fuzz-common.h"
#include "pp-events.h"

#include <string.h>

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *ua = g_strndup ((const char *) data, size);
  g_autofree char *model = NULL, *firmware = NULL;

  if (!pp_user_agent_parse (ua, &model, &firmware))
    return 0;
  FUZZ_CHECK (model != NULL && firmware != NULL, "match without fields");
  FUZZ_CHECK (g_utf8_validate (model, -1, NULL) && g_utf8_validate (firmware, -1, NULL), "fields are not UTF-8");
  FUZZ_CHECK (*firmware != '\0', "empty firmware");
  for (const char *c = firmware; *c; c++)
    FUZZ_CHECK (g_ascii_isdigit (*c) || *c == '.', "firmware \"%s\"", firmware);
  return 0;
}
