/* Boot-file import (src/core/pp-boot-import): a UC Software .zip written
 * with libarchive is streamed in with progress, sip.ver is reported, the
 * admin's own configuration is kept unless asked, and an entry that would
 * escape the boot directory refuses the archive. */
#include "config.h"
#include "pp-boot-import.h"
#include "pp-error.h"

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>
#include <string.h>

static void
write_zip (const char *path, const char * const *names, const char * const *contents)
{
  struct archive *a = archive_write_new ();
  g_assert_cmpint (archive_write_set_format_zip (a), ==, ARCHIVE_OK);
  g_assert_cmpint (archive_write_open_filename (a, path), ==, ARCHIVE_OK);
  for (guint i = 0; names[i]; i++)
    {
      struct archive_entry *e = archive_entry_new ();
      archive_entry_set_pathname (e, names[i]);
      archive_entry_set_size (e, (la_int64_t) strlen (contents[i]));
      archive_entry_set_filetype (e, AE_IFREG);
      archive_entry_set_perm (e, 0644);
      g_assert_cmpint (archive_write_header (a, e), ==, ARCHIVE_OK);
      g_assert_cmpint (archive_write_data (a, contents[i], strlen (contents[i])), ==, (la_ssize_t) strlen (contents[i]));
      archive_entry_free (e);
    }
  archive_write_close (a);
  archive_write_free (a);
}

static char *
slurp (const char *dir, const char *name)
{
  g_autofree char *p = g_build_filename (dir, name, NULL);
  char *data = NULL;
  if (!g_file_get_contents (p, &data, NULL, NULL))
    return NULL;
  return data;
}

typedef struct {
  double last;
  guint  calls;
} Progress;

static void
on_progress (double fraction, gpointer data)
{
  Progress *p = data;
  g_assert_cmpfloat (fraction, >=, p->last);
  p->last = fraction;
  p->calls++;
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static void
test_zip (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("pp-boot-XXXXXX", NULL);
  g_autofree char *zip = g_build_filename (tmp, "UC_Software_4_0_15.zip", NULL);
  g_autofree char *boot = g_build_filename (tmp, "boot", NULL);
  const char *names[] = { "sip.ver", "000000000000.cfg", "3111-44500-001.sip.ld", "Config/site.cfg", NULL };
  const char *data[] = { "4.0.15.1234\n", "<APPLICATION/>\n", "firmware-bytes", "<site/>\n", NULL };
  g_autoptr(PpBootImportResult) r = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  Progress progress = { 0, 0 };
  g_autofree char *mine = NULL, *cfg = NULL, *fw = NULL;

  write_zip (zip, names, data);
  g_mkdir_with_parents (boot, 0755);
  /* The admin's own master configuration must survive the import. */
  mine = g_build_filename (boot, "000000000000.cfg", NULL);
  g_assert_true (g_file_set_contents (mine, "<mine/>\n", -1, NULL));

  pp_boot_import_async (boot, zip, FALSE, on_progress, &progress, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  r = pp_boot_import_finish (result, &error);
  g_object_unref (result);
  g_assert_no_error (error);
  g_assert_cmpuint (r->n_imported, ==, 3);
  g_assert_cmpuint (r->n_skipped, ==, 1);
  g_assert_cmpstr (r->skipped[0], ==, "000000000000.cfg");
  g_assert_cmpstr (r->version, ==, "4.0.15.1234");
  g_assert_cmpfloat (progress.last, ==, 1.0);
  g_assert_cmpuint (progress.calls, >, 0);
  cfg = slurp (boot, "000000000000.cfg");
  g_assert_cmpstr (cfg, ==, "<mine/>\n");
  fw = slurp (boot, "3111-44500-001.sip.ld");
  g_assert_cmpstr (fw, ==, "firmware-bytes");

  files = pp_boot_list (boot, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 4);
  g_assert_cmpstr (((PpBootFile *) files->pdata[0])->name, ==, "000000000000.cfg");
  g_assert_cmpstr (((PpBootFile *) files->pdata[1])->name, ==, "3111-44500-001.sip.ld");
  g_assert_cmpstr (((PpBootFile *) files->pdata[2])->name, ==, "Config/site.cfg");

  /* Asked to: replaced. */
  g_clear_pointer (&r, pp_boot_import_result_free);
  r = pp_boot_import (boot, zip, TRUE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->n_skipped, ==, 0);
  g_free (cfg);
  cfg = slurp (boot, "000000000000.cfg");
  g_assert_cmpstr (cfg, ==, "<APPLICATION/>\n");
}

static void
test_hostile_zip (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("pp-boot-XXXXXX", NULL);
  g_autofree char *zip = g_build_filename (tmp, "evil.zip", NULL);
  g_autofree char *boot = g_build_filename (tmp, "boot", NULL);
  g_autofree char *escaped = g_build_filename (tmp, "escaped.cfg", NULL);
  const char *names[] = { "../escaped.cfg", NULL };
  const char *data[] = { "owned\n", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBootImportResult) r = NULL;

  write_zip (zip, names, data);
  r = pp_boot_import (boot, zip, TRUE, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, PP_ERROR, PP_ERROR_INVALID);
  g_assert_false (g_file_test (escaped, G_FILE_TEST_EXISTS));
}

static void
test_garbage_and_missing (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("pp-boot-XXXXXX", NULL);
  g_autofree char *junk = g_build_filename (tmp, "junk.zip", NULL);
  g_autofree char *boot = g_build_filename (tmp, "boot", NULL);
  g_autofree char *missing = g_build_filename (tmp, "nope", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBootImportResult) r = NULL;

  g_assert_true (g_file_set_contents (junk, "this is not a zip", -1, NULL));
  r = pp_boot_import (boot, junk, FALSE, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_nonnull (error);
  g_assert_true (strstr (error->message, "UC Software") != NULL);
  g_clear_error (&error);
  r = pp_boot_import (boot, missing, FALSE, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, PP_ERROR, PP_ERROR_NOT_FOUND);
}

static void
test_cancel (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("pp-boot-XXXXXX", NULL);
  g_autofree char *src = g_build_filename (tmp, "src", NULL);
  g_autofree char *boot = g_build_filename (tmp, "boot", NULL);
  g_autofree char *f = g_build_filename (src, "sip.ld", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBootImportResult) r = NULL;

  g_mkdir_with_parents (src, 0755);
  g_assert_true (g_file_set_contents (f, "x", -1, NULL));
  g_cancellable_cancel (cancellable);
  r = pp_boot_import (boot, src, FALSE, NULL, NULL, cancellable, &error);
  g_assert_null (r);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/boot-import/zip", test_zip);
  g_test_add_func ("/boot-import/hostile-zip", test_hostile_zip);
  g_test_add_func ("/boot-import/garbage-and-missing", test_garbage_and_missing);
  g_test_add_func ("/boot-import/cancel", test_cancel);
  return g_test_run ();
}
