/* Regressions for bugs the fuzzers found in src/core. Each test names the
 * harness and the property that failed. */
#include "config.h"
#include "pp-htdigest.h"
#include "pp-error.h"

#include <glib/gstdio.h>
#include <string.h>

/* fuzz-htdigest, "still logs in after remove": the parser strips lines, the
 * rewrite matched them unstripped, so "  user:realm:HA1" survived
 * pp_htdigest_remove() (which even reported "no such account"). */
static void
test_htdigest_remove_indented (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pp-hostile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "htdigest", NULL);
  const char *text = "  PlcmSpIp:phoneprov:939e7578ed9e3c518a452acee763bce9  \n"
                     "\tb:phoneprov:11111111111111111111111111111111\n";
  g_autoptr(GHashTable) users = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  users = pp_htdigest_load (path, "phoneprov", &error);
  g_assert_no_error (error);
  g_assert_true (g_hash_table_contains (users, "PlcmSpIp"));
  g_clear_pointer (&users, g_hash_table_unref);

  g_assert_true (pp_htdigest_remove (path, "PlcmSpIp", "phoneprov", &error));
  g_assert_no_error (error);
  users = pp_htdigest_load (path, "phoneprov", &error);
  g_assert_no_error (error);
  g_assert_false (g_hash_table_contains (users, "PlcmSpIp"));
  g_assert_cmpstr (g_hash_table_lookup (users, "b"), ==, "11111111111111111111111111111111");
  g_clear_pointer (&users, g_hash_table_unref);

  /* set replaces an indented entry instead of leaving two. */
  g_assert_true (pp_htdigest_set (path, "b", "phoneprov", "new", &error));
  g_assert_no_error (error);
  {
    g_autofree char *data = NULL;
    g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
    g_assert_null (strstr (data, "1111111111"));
  }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hostile/core/htdigest-remove-indented", test_htdigest_remove_indented);
  return g_test_run ();
}
