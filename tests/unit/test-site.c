#include "config.h"
#include "pp-site.h"
#include "pp-error.h"
#include "pp-fileutil.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

static char *
make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("pp-site-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static void
test_create_and_open (void)
{
  g_autofree char *tmp = make_tmpdir ();
  g_autofree char *dir = g_build_filename (tmp, "site", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = pp_site_create (dir, &error);
  g_autoptr(PpSite) again = NULL;
  g_autofree char *conf = g_build_filename (dir, "site.conf", NULL);
  g_autofree char *boot = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_nonnull (site);
  g_assert_true (g_file_test (conf, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_stat (conf, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  for (const char *sub = "pki/ca\0pki/server\0pki/trust\0auth\0logs\0run\0"; *sub; sub += strlen (sub) + 1)
    {
      g_autofree char *p = g_build_filename (dir, sub, NULL);
      g_assert_true (g_file_test (p, G_FILE_TEST_IS_DIR));
      g_assert_cmpint (g_stat (p, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 077, ==, 0);
    }
  g_assert_cmpuint (pp_site_get_uint (site, "http.port"), ==, 80);
  g_assert_cmpuint (pp_site_get_uint (site, "https.port"), ==, 443);
  boot = pp_site_get_boot_dir (site);
  g_assert_true (g_str_has_suffix (boot, "/site/boot"));

  g_assert_true (pp_site_set (site, "https.port", "8443", &error));
  g_assert_no_error (error);
  g_assert_true (pp_site_save (site, &error));
  again = pp_site_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pp_site_get_uint (again, "https.port"), ==, 8443);
}

static void
test_invalid_values (void)
{
  g_autofree char *tmp = make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = pp_site_create (tmp, &error);
  g_autofree char *conf = g_build_filename (tmp, "site.conf", NULL);
  g_autofree char *before = NULL, *after = NULL;
  static const char *bad[][2] = {
    { "http.port", "0x50" }, { "http.port", "65536" }, { "http.port", "" },
    { "https.profile", "sslv3" }, { "https.client-certs", "maybe" },
    { "http.enabled", "yes" }, { "http.address", "not-an-ip" },
    { "boot.upload-patterns", "../*.cfg" }, { "no.such-key", "1" },
    { "site.name", "two\nlines" },
  };

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (conf, &before, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_clear_error (&error);
      g_assert_false (pp_site_set (site, bad[i][0], bad[i][1], &error));
      g_assert_error (error, PP_ERROR, PP_ERROR_INVALID);
      /* The sentence names what was wrong: the setting or the value. */
      g_assert_true (strstr (error->message, bad[i][0]) || strstr (error->message, bad[i][1]));
    }
  g_assert_true (g_file_get_contents (conf, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
}

static void
test_corrupt_and_foreign (void)
{
  g_autofree char *tmp = make_tmpdir ();
  g_autofree char *conf = g_build_filename (tmp, "site.conf", NULL);
  g_autofree char *foreign = g_build_filename (tmp, "foreign", NULL);
  g_autofree char *file = g_build_filename (foreign, "notes.txt", NULL);
  g_autoptr(GError) error = NULL;
  PpSite *site;

  /* No site.conf: not a site. */
  site = pp_site_open (tmp, &error);
  g_assert_null (site);
  g_assert_error (error, PP_ERROR, PP_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Garbage site.conf. */
  g_assert_true (g_file_set_contents (conf, "\x01\x02garbage[[[", -1, NULL));
  site = pp_site_open (tmp, &error);
  g_assert_null (site);
  g_assert_error (error, PP_ERROR, PP_ERROR_CORRUPT);
  g_clear_error (&error);

  /* Valid syntax, invalid value. */
  g_assert_true (g_file_set_contents (conf, "[site]\nname=x\n[http]\nport=99999\n", -1, NULL));
  site = pp_site_open (tmp, &error);
  g_assert_null (site);
  g_assert_error (error, PP_ERROR, PP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "http.port"));
  g_clear_error (&error);

  /* A non-empty folder that is not a site is never taken over. */
  g_assert_cmpint (g_mkdir (foreign, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "mine", -1, NULL));
  site = pp_site_create (foreign, &error);
  g_assert_null (site);
  g_assert_error (error, PP_ERROR, PP_ERROR_EXISTS);
}

static void
test_atomic_write (void)
{
  g_autofree char *tmp = make_tmpdir ();
  g_autofree char *path = g_build_filename (tmp, "f", NULL);
  g_autofree char *missing = g_build_filename (tmp, "no", "such", "f", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  GStatBuf st;

  g_assert_true (pp_file_write_atomic (path, "one", 3, 0600, &error));
  g_assert_true (pp_file_write_atomic (path, "two", 3, 0644, &error));
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_cmpstr (data, ==, "two");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  g_assert_false (pp_file_write_atomic (missing, "x", 1, 0600, &error));
  g_assert_error (error, PP_ERROR, PP_ERROR_IO);
}

static void
test_safe_component (void)
{
  g_assert_true (pp_path_component_is_safe ("0004f2000001.cfg"));
  g_assert_false (pp_path_component_is_safe (".."));
  g_assert_false (pp_path_component_is_safe ("."));
  g_assert_false (pp_path_component_is_safe (""));
  g_assert_false (pp_path_component_is_safe ("a/b"));
  g_assert_false (pp_path_component_is_safe ("a\\b"));
  g_assert_false (pp_path_component_is_safe ("a\nb"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/site/create-open", test_create_and_open);
  g_test_add_func ("/site/invalid-values", test_invalid_values);
  g_test_add_func ("/site/corrupt-foreign", test_corrupt_and_foreign);
  g_test_add_func ("/fileutil/atomic-write", test_atomic_write);
  g_test_add_func ("/fileutil/safe-component", test_safe_component);
  return g_test_run ();
}
