#pragma once

/* Shared by the libFuzzer harnesses. Harnesses check properties, not only
 * crashes: when a property fails they abort, so libFuzzer saves the input. */

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...) \
  do { \
    if (!(cond)) \
      { \
        fprintf (stderr, "fuzz property failed: %s: ", #cond); \
        fprintf (stderr, __VA_ARGS__); \
        fputc ('\n', stderr); \
        abort (); \
      } \
  } while (0)

/* A private scratch folder on tmpfs, created once per process. */
static inline const char *
fuzz_scratch_dir (void)
{
  static char *dir;
  if (dir == NULL)
    {
      const char *base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
      g_autofree char *tmpl = g_build_filename (base, "pp-fuzz-XXXXXX", NULL);
      dir = g_mkdtemp (g_steal_pointer (&tmpl));
      if (dir == NULL)
        abort ();
    }
  return dir;
}

static inline void
fuzz_quiet_logs (void)
{
  /* Parsers may g_warning() on bad input; that is not a finding. Criticals
   * (g_return_if_fail) are, so they stay fatal. */
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);
}
