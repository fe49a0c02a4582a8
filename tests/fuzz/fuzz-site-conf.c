/* site.conf: the validator (also used by bundle import) and the site model.
 * Properties: whatever pp_site_conf_validate_data() accepts, pp_site_open()
 * opens; every value the model then hands out validates; save + reload
 * gives the same values back. */
#include "config.h"
#include "fuzz-common.h"
#include "pp-site.h"
#include "pp-fileutil.h"

#include <glib/gstdio.h>
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
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autofree char *dir = NULL, *conf = NULL;
  g_autoptr(GPtrArray) before = NULL;
  const PpSiteKey *keys;
  guint n_keys;

  if (!pp_site_conf_validate_data ((const char *) data, size, &error))
    {
      FUZZ_CHECK (error != NULL && error->message[0] != '\0' && g_utf8_validate (error->message, -1, NULL),
                  "refusal without a UTF-8 message");
      return 0;
    }

  dir = g_build_filename (fuzz_scratch_dir (), "site", NULL);
  conf = g_build_filename (dir, "site.conf", NULL);
  g_mkdir_with_parents (dir, 0700);
  FUZZ_CHECK (g_file_set_contents (conf, (const char *) data, (gssize) size, NULL), "scratch write");

  site = pp_site_open (dir, &error);
  FUZZ_CHECK (site != NULL, "validated site.conf does not open: %s", error ? error->message : "?");

  keys = pp_site_keys (&n_keys);
  before = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_keys; i++)
    {
      g_autoptr(GError) verr = NULL;
      char *v = pp_site_get (site, keys[i].name);
      FUZZ_CHECK (v != NULL, "%s has no value", keys[i].name);
      FUZZ_CHECK (pp_site_validate_value (keys[i].name, v, &verr),
                  "%s = \"%s\" from a validated file is invalid: %s", keys[i].name, v, verr->message);
      g_ptr_array_add (before, v);
    }
  {
    g_autofree char *boot = pp_site_get_boot_dir (site);
    g_auto(GStrv) pats = pp_site_get_patterns (site, "boot.upload-patterns");
    FUZZ_CHECK (boot != NULL && g_path_is_absolute (boot), "boot dir not absolute");
    for (guint i = 0; pats[i]; i++)
      FUZZ_CHECK (strchr (pats[i], '/') == NULL && pats[i][0] != '\0', "upload pattern \"%s\"", pats[i]);
  }

  /* Round trip through the writer. */
  FUZZ_CHECK (pp_site_save (site, &error), "save: %s", error->message);
  FUZZ_CHECK (pp_site_reload (site, &error), "saved site.conf does not reload: %s", error->message);
  for (guint i = 0; i < n_keys; i++)
    {
      g_autofree char *v = pp_site_get (site, keys[i].name);
      FUZZ_CHECK (g_strcmp0 (v, before->pdata[i]) == 0, "%s changed over save/reload: \"%s\" → \"%s\"",
                  keys[i].name, (char *) before->pdata[i], v);
    }
  g_unlink (conf);
  return 0;
}
