#include "config.h"
#include "pp-htdigest.h"
#include "pp-error.h"

#include <glib/gstdio.h>
#include <string.h>

static void
test_ha1_known (void)
{
  /* Value from Apache's htdigest: htdigest -c f PlcmSpIp PlcmSpIp (password PlcmSpIp). */
  g_autofree char *ha1 = pp_htdigest_ha1 ("Mufasa", "testrealm@host.com", "Circle Of Life");
  /* RFC 2617 §3.5 example HA1. */
  g_assert_cmpstr (ha1, ==, "939e7578ed9e3c518a452acee763bce9");
}

static void
test_set_replace_remove (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pp-htd-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "htdigest", NULL);
  g_autoptr(GHashTable) users = NULL;
  GStatBuf st;

  g_assert_true (pp_htdigest_set (path, "PlcmSpIp", "phoneprov", "one", &error));
  g_assert_true (pp_htdigest_set (path, "other", "phoneprov", "two", &error));
  g_assert_true (pp_htdigest_set (path, "PlcmSpIp", "phoneprov", "three", &error));
  g_assert_true (pp_htdigest_set (path, "PlcmSpIp", "elsewhere", "four", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  users = pp_htdigest_load (path, "phoneprov", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (users), ==, 2);
  {
    g_autofree char *want = pp_htdigest_ha1 ("PlcmSpIp", "phoneprov", "three");
    g_assert_cmpstr (g_hash_table_lookup (users, "PlcmSpIp"), ==, want);
  }
  g_assert_true (pp_htdigest_remove (path, "other", "phoneprov", &error));
  g_assert_false (pp_htdigest_remove (path, "other", "phoneprov", &error));
  g_assert_error (error, PP_ERROR, PP_ERROR_NOT_FOUND);
}

static void
test_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) t = NULL;
  const char *bad[] = { "user:realm\n", "user:realm:nothex\n", "a:b:c:d\n", ":r:939e7578ed9e3c518a452acee763bce9\n" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      t = pp_htdigest_parse (bad[i], strlen (bad[i]), NULL, &error);
      g_assert_null (t);
      g_assert_error (error, PP_ERROR, PP_ERROR_CORRUPT);
      g_clear_error (&error);
    }
  t = pp_htdigest_parse ("a\0b", 3, NULL, &error);
  g_assert_null (t);
  g_assert_error (error, PP_ERROR, PP_ERROR_CORRUPT);
  g_clear_error (&error);

  g_assert_false (pp_htdigest_user_is_valid ("a:b", &error));
  g_clear_error (&error);
  g_assert_false (pp_htdigest_user_is_valid ("", &error));
  g_clear_error (&error);
  g_assert_true (pp_htdigest_user_is_valid ("PlcmSpIp", NULL));
}

static void
test_garbage_file_untouched (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pp-htd-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "htdigest", NULL);
  g_autofree char *after = NULL;
  const char *garbage = "this is not an htdigest file\n";

  g_assert_true (g_file_set_contents (path, garbage, -1, NULL));
  g_assert_false (pp_htdigest_set (path, "u", "r", "p", &error));
  g_assert_error (error, PP_ERROR, PP_ERROR_CORRUPT);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, garbage);
}

static void
test_password_generate (void)
{
  g_autofree char *a = pp_password_generate (16);
  g_autofree char *b = pp_password_generate (16);
  g_assert_cmpuint (strlen (a), ==, 16);
  g_assert_cmpstr (a, !=, b);
  for (const char *c = a; *c; c++)
    g_assert_true (g_ascii_isalnum (*c) && *c != '0' && *c != 'O' && *c != 'l' && *c != '1');
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/htdigest/ha1-rfc2617", test_ha1_known);
  g_test_add_func ("/htdigest/set-replace-remove", test_set_replace_remove);
  g_test_add_func ("/htdigest/bad-input", test_bad_input);
  g_test_add_func ("/htdigest/garbage-untouched", test_garbage_file_untouched);
  g_test_add_func ("/htdigest/password", test_password_generate);
  return g_test_run ();
}
