/* Request path normalisation: pp_files_resolve() maps the raw (still
 * percent-encoded) request path of every GET/HEAD/PUT to a file. It runs
 * against a real boot directory with links that lead out of it. The input
 * is the raw path; its first byte picks read or write mode. Properties:
 * an accepted path is the boot directory plus "/" plus something, has no
 * "." or ".." component, and once symlinks are resolved (file or, for
 * writes, folder) it is still inside the boot directory; a refusal has a
 * UTF-8 reason. */
#include "config.h"
#include "fuzz-common.h"
#include "pp-files.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *boot;     /* canonical */
static char *outside;

static void
touch (const char *dir, const char *name)
{
  g_autofree char *p = g_build_filename (dir, name, NULL);
  if (!g_file_set_contents (p, "x", 1, NULL))
    abort ();
}

static void
link_to (const char *target, const char *dir, const char *name)
{
  g_autofree char *p = g_build_filename (dir, name, NULL);
  if (symlink (target, p) != 0)
    abort ();
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autofree char *b = g_build_filename (fuzz_scratch_dir (), "boot", NULL);
  g_autofree char *sub = NULL;

  fuzz_quiet_logs ();
  outside = g_build_filename (fuzz_scratch_dir (), "outside", NULL);
  g_mkdir_with_parents (b, 0700);
  g_mkdir_with_parents (outside, 0700);
  boot = realpath (b, NULL);
  sub = g_build_filename (boot, "sub", NULL);
  g_mkdir_with_parents (sub, 0700);
  touch (boot, "0004f2abcdef.cfg");
  touch (boot, "000000000000.cfg");
  touch (boot, ".hidden");
  touch (sub, "inner.cfg");
  touch (outside, "secret");
  link_to (outside, boot, "out");                 /* folder link out */
  link_to ("../outside/secret", boot, "s.cfg");   /* file link out */
  link_to ("0004f2abcdef.cfg", boot, "in.cfg");   /* file link in */
  link_to ("/", boot, "root");
  link_to ("sub", boot, "subl");                  /* folder link in */
  return 0;
}

static gboolean
inside (const char *real)
{
  gsize n = strlen (boot);
  return strncmp (real, boot, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *raw = NULL, *path = NULL, *reason = NULL;
  PpPathMode mode;

  if (size < 1)
    return 0;
  mode = (data[0] & 1) ? PP_PATH_WRITE : PP_PATH_READ;
  raw = g_strndup ((const char *) data + 1, size - 1);
  if (strlen (raw) != size - 1) /* the request line holds no NUL bytes */
    return 0;

  path = pp_files_resolve (boot, raw, mode, &reason);
  if (path == NULL)
    {
      FUZZ_CHECK (reason != NULL && g_utf8_validate (reason, -1, NULL), "refusal without a UTF-8 reason");
      return 0;
    }
  FUZZ_CHECK (g_str_has_prefix (path, boot) && path[strlen (boot)] == '/' && path[strlen (boot) + 1] != '\0',
              "\"%s\" → \"%s\" is not below the boot directory", raw, path);
  {
    g_auto(GStrv) parts = g_strsplit (path + strlen (boot) + 1, "/", -1);
    for (guint i = 0; parts[i]; i++)
      FUZZ_CHECK (*parts[i] && strcmp (parts[i], ".") && strcmp (parts[i], ".."),
                  "\"%s\" → \"%s\" has an empty, . or .. component", raw, path);
  }
  {
    g_autofree char *parent = g_path_get_dirname (path);
    char *real = realpath (mode == PP_PATH_WRITE ? parent : path, NULL);
    if (real != NULL)
      {
        FUZZ_CHECK (inside (real), "\"%s\" (%s) leads to \"%s\", outside the boot directory", raw,
                    mode == PP_PATH_WRITE ? "write" : "read", real);
        free (real);
      }
    if (mode == PP_PATH_WRITE)
      {
        GStatBuf st;
        FUZZ_CHECK (g_lstat (path, &st) != 0 || S_ISREG (st.st_mode),
                    "write to \"%s\" would replace a link or folder", path);
      }
  }
  return 0;
}
