#include "config.h"
#include "pp-checks.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

PpCheckResult *
pp_check_result_new (const char *label, gboolean ok, const char *detail)
{
  PpCheckResult *r = g_new0 (PpCheckResult, 1);
  r->label = g_strdup (label);
  r->ok = ok;
  r->detail = g_strdup (detail);
  return r;
}

void
pp_check_result_free (PpCheckResult *result)
{
  if (result == NULL)
    return;
  g_free (result->label);
  g_free (result->detail);
  g_free (result);
}

typedef struct {
  const char *user;
  const char *password;
} Credentials;

static gboolean
on_authenticate (SoupMessage *msg, SoupAuth *auth, gboolean retrying, Credentials *creds)
{
  if (retrying || creds->user == NULL)
    return FALSE;
  soup_auth_authenticate (auth, creds->user, creds->password ? creds->password : "");
  return TRUE;
}

/* The probe checks the server's client-certificate policy, not its
 * identity (the Issue page shows that): take whatever it presents. */
static gboolean
on_accept_certificate (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

guint
pp_http_probe (const char *url, const char *user, const char *password,
               GTlsCertificate *client_cert, char **reason, GCancellable *cancellable)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10,
                                                                  "idle-timeout", 1,
                                                                  "user-agent", "phoneprov-wizard-check/" PACKAGE_VERSION,
                                                                  NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  Credentials creds = { user, password };

  if (msg == NULL)
    {
      if (reason)
        *reason = g_strdup_printf (_("“%s” is not a valid address."), url);
      return 0;
    }
  g_signal_connect (msg, "authenticate", G_CALLBACK (on_authenticate), &creds);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), NULL);
  if (client_cert)
    soup_message_set_tls_client_certificate (msg, client_cert);
  body = soup_session_send_and_read (session, msg, cancellable, &error);
  if (body == NULL)
    {
      if (reason)
        *reason = g_strdup (error->message);
      return 0;
    }
  if (reason)
    *reason = g_strdup (soup_message_get_reason_phrase (msg));
  return soup_message_get_status (msg);
}

typedef struct {
  char *base_url;
  char *path;
  char *user;
  char *password;
} HttpCheck;

static void
http_check_free (HttpCheck *c)
{
  g_free (c->base_url);
  g_free (c->path);
  g_free (c->user);
  g_free (c->password);
  g_free (c);
}

static void
http_check_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  HttpCheck *c = task_data;
  g_autofree char *url = g_strconcat (c->base_url, "/", c->path, NULL);
  GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_check_result_free);
  g_autofree char *reason1 = NULL, *reason2 = NULL;
  g_autofree char *label1 = g_strdup_printf (_("GET /%s without an account"), c->path);
  g_autofree char *label2 = g_strdup_printf (_("GET /%s as “%s” (digest)"), c->path, c->user);
  g_autofree char *detail1 = NULL, *detail2 = NULL;
  guint s1, s2;

  s1 = pp_http_probe (url, NULL, NULL, NULL, &reason1, cancellable);
  if (s1 == 401)
    detail1 = g_strdup (_("401 Unauthorized: the site asks for the phone's password, as it should."));
  else if (s1 == 0)
    detail1 = g_strdup_printf (_("No answer from %s: %s. Check that the HTTP site is running and that no firewall blocks the port."),
                               c->base_url, reason1);
  else
    detail1 = g_strdup_printf (_("%u %s: anyone can read the boot files. Turn digest authentication on."), s1, reason1);
  g_ptr_array_add (results, pp_check_result_new (label1, s1 == 401, detail1));

  s2 = pp_http_probe (url, c->user, c->password, NULL, &reason2, cancellable);
  if (s2 == 200)
    detail2 = g_strdup (_("200 OK: the phone account can read its boot files."));
  else if (s2 == 404)
    detail2 = g_strdup_printf (_("404 Not Found: the account works, but /%s is not in the boot directory. Import the boot files."), c->path);
  else if (s2 == 401)
    detail2 = g_strdup (_("401 Unauthorized: the server refused the phone account. Set the account again on the Boot directory step."));
  else if (s2 == 0)
    detail2 = g_strdup_printf (_("No answer: %s."), reason2);
  else
    detail2 = g_strdup_printf ("%u %s", s2, reason2);
  /* 404: the account works; the missing file is reported, not fatal. */
  g_ptr_array_add (results, pp_check_result_new (label2, s2 == 200 || s2 == 404, detail2));

  g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

void
pp_http_check_async (const char *base_url, const char *path, const char *user, const char *password,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  HttpCheck *c = g_new0 (HttpCheck, 1);

  c->base_url = g_strdup (base_url);
  c->path = g_strdup (path);
  c->user = g_strdup (user);
  c->password = g_strdup (password);
  g_task_set_source_tag (task, pp_http_check_async);
  g_task_set_task_data (task, c, (GDestroyNotify) http_check_free);
  g_task_run_in_thread (task, http_check_thread);
}

GPtrArray *
pp_http_check_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
pp_check_results_all_ok (GPtrArray *results)
{
  if (results == NULL || results->len == 0)
    return FALSE;
  for (guint i = 0; i < results->len; i++)
    if (!((PpCheckResult *) results->pdata[i])->ok)
      return FALSE;
  return TRUE;
}

void
pp_check_list_show (GtkListBox *list, GPtrArray *results)
{
  g_autoptr(GList) old = gtk_container_get_children (GTK_CONTAINER (list));

  for (GList *l = old; l; l = l->next)
    gtk_widget_destroy (l->data);
  for (guint i = 0; results && i < results->len; i++)
    {
      PpCheckResult *r = results->pdata[i];
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *grid = gtk_grid_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name (r->ok ? "emblem-ok-symbolic" : "dialog-warning-symbolic",
                                                      GTK_ICON_SIZE_LARGE_TOOLBAR);
      GtkWidget *label = gtk_label_new (r->label);
      GtkWidget *detail = gtk_label_new (r->detail);
      g_autofree char *name = g_strdup_printf ("%s: %s %s", r->label, r->ok ? _("passed") : _("failed"), r->detail);

      gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
      g_object_set (grid, "margin", 8, NULL);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_xalign (GTK_LABEL (detail), 0);
      gtk_label_set_line_wrap (GTK_LABEL (detail), TRUE);
      gtk_label_set_selectable (GTK_LABEL (detail), TRUE);
      gtk_widget_set_hexpand (detail, TRUE);
      gtk_style_context_add_class (gtk_widget_get_style_context (detail), "dim-label");
      gtk_style_context_add_class (gtk_widget_get_style_context (icon), r->ok ? "success" : "error");
      gtk_label_set_markup (GTK_LABEL (label), NULL);
      {
        g_autofree char *m = g_markup_printf_escaped ("<b>%s</b>", r->label);
        gtk_label_set_markup (GTK_LABEL (label), m);
      }
      gtk_grid_attach (GTK_GRID (grid), icon, 0, 0, 1, 2);
      gtk_grid_attach (GTK_GRID (grid), label, 1, 0, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), detail, 1, 1, 1, 1);
      gtk_container_add (GTK_CONTAINER (row), grid);
      atk_object_set_name (gtk_widget_get_accessible (row), name);
      g_object_set_data_full (G_OBJECT (row), "ok", GINT_TO_POINTER (r->ok), NULL);
      gtk_widget_show_all (row);
      gtk_container_add (GTK_CONTAINER (list), row);
    }
}
