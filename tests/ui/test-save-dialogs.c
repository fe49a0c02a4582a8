/* The wizard's save dialogs, driven like an admin would: a site made with
 * phoneprovctl (local CA, request, issued server certificate), the wizard
 * opened on it, the "Issue and install" page's save buttons clicked and the
 * real GTK file chooser answered. What lands on disk is checked by OpenSSL,
 * not by phoneprov: the CA certificate as PEM and DER, the chain as PKCS#7,
 * the CRL signed by that CA and the request for an outside CA. Also: Cancel
 * writes nothing, and saving over an existing file asks first and keeps it
 * when the admin says no. */
#include "config.h"
#include "pp-ui-driver.h"

#include <glib/gstdio.h>
#include <string.h>

static char *tmp_root;

static char *
run (const char * const *argv, int *status)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, status, &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  return out;
}

static void
ctl (const char *site, const char *a, const char *b, const char *c, const char *d)
{
  const char *argv[] = { g_getenv ("PHONEPROVCTL"), "--site", site, a, b, c, d, NULL };
  g_autofree char *out = NULL;
  int status = 0;

  out = run (argv, &status);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("phoneprovctl %s %s failed", a, b ? b : "");
}

/* SHA-256 fingerprint as OpenSSL reads @path in @inform (PEM or DER). */
static char *
openssl_fingerprint (const char *path, const char *inform)
{
  const char *argv[] = { "openssl", "x509", "-inform", inform, "-in", path, "-noout", "-fingerprint", "-sha256", NULL };
  int status = 0;
  char *out = run (argv, &status);

  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strstrip (out);
}

/* What the test answers the next file chooser with. */
typedef struct {
  const char *folder;
  const char *name;
  int         response;          /* GTK_RESPONSE_ACCEPT or _CANCEL */
  int         confirm_response;  /* answer to "Replace?"; 0: expect none */
  gboolean    answered;
  gboolean    confirmed;
  guint       ticks;
} Answer;

static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr(GList) list = gtk_window_list_toplevels ();
  for (GList *l = list; l; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
cancel_chooser (gpointer data)
{
  GtkWindow *dialog = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);

  if (dialog == NULL || find_toplevel (GTK_TYPE_MESSAGE_DIALOG))
    return G_SOURCE_CONTINUE;
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  return G_SOURCE_REMOVE;
}

static gboolean
answer_confirmation (gpointer data)
{
  Answer *a = data;
  GtkWindow *dialog = find_toplevel (GTK_TYPE_MESSAGE_DIALOG);

  if (dialog == NULL)
    return G_SOURCE_CONTINUE;
  a->confirmed = TRUE;
  gtk_dialog_response (GTK_DIALOG (dialog), a->confirm_response);
  /* After "no" the chooser stays open for another name: the admin then
   * cancels it. */
  if (a->confirm_response != GTK_RESPONSE_ACCEPT)
    g_timeout_add (50, cancel_chooser, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
answer_chooser (gpointer data)
{
  Answer *a = data;
  GtkWindow *dialog = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);

  if (dialog == NULL || !gtk_widget_get_mapped (GTK_WIDGET (dialog)))
    return G_SOURCE_CONTINUE;
  /* Type the name first; answer on a later tick, once the chooser has
   * loaded the folder (it checks the name against it asynchronously). */
  if (a->ticks++ == 0)
    {
      if (a->name)
        {
          gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), a->folder);
          gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), a->name);
        }
      return G_SOURCE_CONTINUE;
    }
  if (a->ticks < 5)
    return G_SOURCE_CONTINUE;
  a->answered = TRUE;
  /* "Replace?" runs its own modal loop inside the response: answer it from
   * another source. */
  if (a->confirm_response)
    g_timeout_add (50, answer_confirmation, a);
  gtk_dialog_response (GTK_DIALOG (dialog), a->response);
  return G_SOURCE_REMOVE;
}

static void
save_with (PpDriver *d, const char *button, Answer *a)
{
  guint id = g_timeout_add (50, answer_chooser, a);

  pp_driver_click (d, button);
  pp_driver_flush ();
  if (!a->answered)
    {
      g_source_remove (id);
      g_error ("“%s” opened no file chooser", button);
    }
  g_assert_true (a->confirmed == (a->confirm_response != 0));
}

static PpDriver *
open_on_page (const char *site, const char *title)
{
  PpDriver *d = g_new0 (PpDriver, 1);
  PpWindow *win;

  d->window = win = pp_window_new (NULL, site);
  gtk_window_resize (GTK_WINDOW (win), 1024, 768);
  gtk_widget_show (GTK_WIDGET (win));
  pp_driver_flush ();
  for (guint i = 0; i < pp_window_get_n_pages (win); i++)
    if (g_strcmp0 (pp_page_get_title (pp_window_get_page (win, i)), title) == 0)
      pp_window_go_to (win, i);
  pp_driver_flush ();
  return d;
}

static void
test_issue_page_saves (void)
{
  const char *ctlpath = g_getenv ("PHONEPROVCTL");
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *site = NULL, *out_dir = NULL, *ca_site = NULL, *want = NULL;
  g_autofree char *pem = NULL, *der = NULL, *p7b = NULL, *crl = NULL, *pem_fp = NULL, *der_fp = NULL;
  g_autofree char *kept = NULL, *chain_out = NULL, *crl_out = NULL;
  PpDriver *d;
  int status = 0;

  if (ctlpath == NULL || !g_file_test (ctlpath, G_FILE_TEST_IS_EXECUTABLE) || openssl == NULL)
    {
      g_test_skip ("phoneprovctl (PHONEPROVCTL) and openssl are needed");
      return;
    }
  tmp_root = g_dir_make_tmp ("pp-save-XXXXXX", NULL);
  site = g_build_filename (tmp_root, "site", NULL);
  out_dir = g_build_filename (tmp_root, "out", NULL);
  g_mkdir (out_dir, 0700);
  ctl (site, "init", NULL, NULL, NULL);
  ctl (site, "ca", "init", "--cn", "Save Test CA");
  ctl (site, "csr", "new", "--cn", "prov.example.test");
  ctl (site, "ca", "sign", NULL, NULL);
  ca_site = g_build_filename (site, "pki", "ca", "ca.crt", NULL);
  want = openssl_fingerprint (ca_site, "PEM");

  d = open_on_page (site, "Issue and install");

  /* PEM and DER: the same CA certificate, as OpenSSL reads it. */
  {
    Answer a = { out_dir, "ca.crt", GTK_RESPONSE_ACCEPT, 0, FALSE, FALSE, 0 };
    save_with (d, "Save the CA certificate as PEM", &a);
  }
  {
    Answer a = { out_dir, "ca.cer", GTK_RESPONSE_ACCEPT, 0, FALSE, FALSE, 0 };
    save_with (d, "Save the CA certificate as DER", &a);
  }
  pem = g_build_filename (out_dir, "ca.crt", NULL);
  der = g_build_filename (out_dir, "ca.cer", NULL);
  pem_fp = openssl_fingerprint (pem, "PEM");
  der_fp = openssl_fingerprint (der, "DER");
  g_assert_cmpstr (pem_fp, ==, want);
  g_assert_cmpstr (der_fp, ==, want);

  /* The chain as PKCS#7 holds the CA (the root of this site's chain). */
  {
    Answer a = { out_dir, "chain.p7b", GTK_RESPONSE_ACCEPT, 0, FALSE, FALSE, 0 };
    save_with (d, "Save the certificate chain as PKCS#7", &a);
  }
  p7b = g_build_filename (out_dir, "chain.p7b", NULL);
  {
    const char *argv[] = { "sh", "-c", "openssl pkcs7 -inform DER -in \"$1\" -print_certs 2>/dev/null || "
                           "openssl pkcs7 -in \"$1\" -print_certs", "sh", p7b, NULL };
    chain_out = run (argv, &status);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (chain_out, "CN = Save Test CA"));
  }

  /* The CRL verifies against the CA certificate just saved. */
  {
    Answer a = { out_dir, "crl.pem", GTK_RESPONSE_ACCEPT, 0, FALSE, FALSE, 0 };
    save_with (d, "Save the certificate revocation list", &a);
  }
  crl = g_build_filename (out_dir, "crl.pem", NULL);
  {
    const char *sh[] = { "sh", "-c", "openssl crl -in \"$1\" -CAfile \"$2\" -noout 2>&1", "sh", crl, pem, NULL };
    crl_out = run (sh, &status);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (crl_out, "verify OK"));
  }

  /* Cancel writes nothing. */
  {
    Answer a = { out_dir, "cancelled.crt", GTK_RESPONSE_CANCEL, 0, FALSE, FALSE, 0 };
    g_autofree char *path = g_build_filename (out_dir, "cancelled.crt", NULL);
    save_with (d, "Save the CA certificate as PEM", &a);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }

  /* Saving over an existing file asks; "Cancel" there keeps the file. */
  kept = g_build_filename (out_dir, "keep.txt", NULL);
  g_assert_true (g_file_set_contents (kept, "the admin's own file\n", -1, NULL));
  {
    Answer a = { out_dir, "keep.txt", GTK_RESPONSE_ACCEPT, GTK_RESPONSE_CANCEL, FALSE, FALSE, 0 };
    g_autofree char *text = NULL;

    save_with (d, "Save the CA certificate as PEM", &a);
    g_assert_true (g_file_get_contents (kept, &text, NULL, NULL));
    g_assert_cmpstr (text, ==, "the admin's own file\n");
  }
  /* … and "Replace" replaces it with the certificate. */
  {
    Answer a = { out_dir, "keep.txt", GTK_RESPONSE_ACCEPT, GTK_RESPONSE_ACCEPT, FALSE, FALSE, 0 };
    g_autofree char *fp = NULL;
    save_with (d, "Save the CA certificate as PEM", &a);
    fp = openssl_fingerprint (kept, "PEM");
    g_assert_cmpstr (fp, ==, want);
  }

  gtk_widget_destroy (GTK_WIDGET (d->window));
  pp_driver_flush ();
  g_free (d);
  {
    const char *argv[] = { "rm", "-rf", tmp_root, NULL };
    g_autofree char *o = run (argv, &status);
  }
}

/* A request for an outside CA, saved from its page: OpenSSL checks its
 * signature and reads the name that was asked for. */
static void
test_csr_page_save (void)
{
  const char *ctlpath = g_getenv ("PHONEPROVCTL");
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *root = NULL, *site = NULL, *csr = NULL, *out = NULL;
  int status = 0;
  PpDriver *d;

  if (ctlpath == NULL || !g_file_test (ctlpath, G_FILE_TEST_IS_EXECUTABLE) || openssl == NULL)
    {
      g_test_skip ("phoneprovctl (PHONEPROVCTL) and openssl are needed");
      return;
    }
  root = g_dir_make_tmp ("pp-save-XXXXXX", NULL);
  site = g_build_filename (root, "site", NULL);
  ctl (site, "init", NULL, NULL, NULL);
  ctl (site, "csr", "new", "--cn", "prov.example.test");
  d = open_on_page (site, "Server certificate request");
  {
    Answer a = { root, "server.csr", GTK_RESPONSE_ACCEPT, 0, FALSE, FALSE, 0 };
    save_with (d, "Save the request as a PEM file", &a);
  }
  csr = g_build_filename (root, "server.csr", NULL);
  {
    const char *sh[] = { "sh", "-c", "openssl req -in \"$1\" -verify -noout -subject 2>&1", "sh", csr, NULL };
    out = run (sh, &status);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (out, "verify OK"));
    g_assert_nonnull (strstr (out, "CN = prov.example.test"));
  }
  gtk_widget_destroy (GTK_WIDGET (d->window));
  pp_driver_flush ();
  g_free (d);
  {
    const char *argv[] = { "rm", "-rf", root, NULL };
    g_autofree char *o = run (argv, &status);
  }
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wizard/save-dialogs/issue-page", test_issue_page_saves);
  g_test_add_func ("/wizard/save-dialogs/csr-page", test_csr_page_save);
  return g_test_run ();
}
