/* The certificate view against known certificates: the genuine Polycom Root
 * CA (fingerprints pinned in DESIGN.md §6; skipped when the shared fixtures
 * are absent) and a certificate made at test time whose fingerprints
 * openssl computes independently. */
#include "config.h"
#include "pp-cert-view.h"

#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <string.h>

static void
flush (void)
{
  while (gtk_events_pending ())
    gtk_main_iteration ();
}

static GtkWidget *
find_by_name (GtkWidget *widget, const char *name)
{
  const char *acc = atk_object_get_name (gtk_widget_get_accessible (widget));
  GtkWidget *found = NULL;

  if (g_strcmp0 (acc, name) == 0)
    return widget;
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (widget));
      for (GList *l = children; l && !found; l = l->next)
        found = find_by_name (l->data, name);
    }
  return found;
}

static PpCertView *
view_for (const char *path, GtkWidget **window_out)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *view = pp_cert_view_new ();
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  bytes = g_bytes_new (data, len);
  g_assert_true (pp_cert_view_set_data (PP_CERT_VIEW (view), bytes, &error));
  g_assert_no_error (error);
  gtk_container_add (GTK_CONTAINER (window), view);
  gtk_widget_show_all (window);
  flush ();
  *window_out = window;
  return PP_CERT_VIEW (view);
}

static void
test_polycom_root (void)
{
  const char *shared = g_getenv ("PHONEPROV_SHARED");
  g_autofree char *path = g_build_filename (shared ? shared : "../shared", "fixtures", "polycom-pki", "polycom-root-ca.pem", NULL);
  GtkWidget *window, *copy;
  PpCertView *view;
  g_autofree char *clip = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the Polycom fixtures (shared/fixtures/polycom-pki) are not here");
      return;
    }
  view = view_for (path, &window);
  g_assert_cmpstr (pp_cert_view_get_field_text (view, "summary", "identity"), ==, "Polycom Root CA");
  g_assert_cmpstr (pp_cert_view_get_field_text (view, "fingerprints", "md5"), ==,
                   "14:E3:6A:3A:66:E4:90:E4:C7:9E:59:7E:C7:E1:D5:F7");
  g_assert_cmpstr (pp_cert_view_get_field_text (view, "fingerprints", "sha1"), ==,
                   "79:E1:6B:8B:55:9A:AD:D3:1B:CD:C3:95:62:61:73:FF:57:9B:1A:EC");
  g_assert_cmpstr (pp_cert_view_get_field_text (view, "fingerprints", "sha256"), ==,
                   "5A:9A:1F:57:09:02:08:B9:AC:DA:4F:23:95:10:15:39:77:AE:A2:10:89:79:15:01:4D:43:1E:FF:06:60:1E:BE");

  /* The MD5 is what the phone shows: one click copies it. */
  copy = find_by_name (GTK_WIDGET (view), "Copy the MD5 fingerprint");
  g_assert_nonnull (copy);
  gtk_button_clicked (GTK_BUTTON (copy));
  flush ();
  clip = gtk_clipboard_wait_for_text (gtk_widget_get_clipboard (copy, GDK_SELECTION_CLIPBOARD));
  g_assert_cmpstr (clip, ==, "14:E3:6A:3A:66:E4:90:E4:C7:9E:59:7E:C7:E1:D5:F7");
  /* Fingerprints are open; other sections fold. */
  g_assert_nonnull (find_by_name (GTK_WIDGET (view), "Fingerprints"));
  gtk_widget_destroy (window);
}

static char *
openssl_fingerprint (const char *path, const char *algo)
{
  const char *argv[] = { "openssl", "x509", "-noout", "-fingerprint", algo, "-in", path, NULL };
  g_autofree char *out = NULL;
  int status = 0;
  char *eq;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  eq = strchr (out, '=');
  g_assert_nonnull (eq);
  return g_strstrip (g_strdup (eq + 1));
}

static void
test_generated (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("pp-certview-XXXXXX", NULL);
  g_autofree char *key = g_build_filename (tmp, "k.pem", NULL);
  g_autofree char *crt = g_build_filename (tmp, "c.pem", NULL);
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                         "-out", crt, "-days", "30", "-subj", "/C=CA/ST=BC/L=Burnaby/O=Polycom/OU=Voice/CN=server-a.qaad.local", NULL };
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  const char *algos[][2] = { { "-md5", "md5" }, { "-sha1", "sha1" }, { "-sha256", "sha256" } };
  int status = 0;
  GtkWidget *window;
  PpCertView *view;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  view = view_for (crt, &window);
  g_assert_cmpstr (pp_cert_view_get_field_text (view, "summary", "identity"), ==, "server-a.qaad.local");
  for (guint i = 0; i < G_N_ELEMENTS (algos); i++)
    {
      g_autofree char *expected = openssl_fingerprint (crt, algos[i][0]);
      g_assert_cmpstr (pp_cert_view_get_field_text (view, "fingerprints", algos[i][1]), ==, expected);
    }
  /* Clearing the view empties it. */
  pp_cert_view_set_details (view, NULL);
  g_assert_null (pp_cert_view_get_field_text (view, "fingerprints", "md5"));
  gtk_widget_destroy (window);
  g_unlink (key);
  g_unlink (crt);
  g_rmdir (tmp);
}

static void
test_garbage (void)
{
  GtkWidget *view = g_object_ref_sink (pp_cert_view_new ());
  g_autoptr(GBytes) junk = g_bytes_new_static ("-----BEGIN CERTIFICATE-----\nnope\n", 33);
  g_autoptr(GError) error = NULL;

  g_assert_false (pp_cert_view_set_data (PP_CERT_VIEW (view), junk, &error));
  g_assert_nonnull (error);
  g_assert_null (pp_cert_view_get_details (PP_CERT_VIEW (view)));
  gtk_widget_destroy (view);
  g_object_unref (view);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cert-view/polycom-root", test_polycom_root);
  g_test_add_func ("/cert-view/generated", test_generated);
  g_test_add_func ("/cert-view/garbage", test_garbage);
  return g_test_run ();
}
