#include "config.h"
#include "pp-screenshots.h"
#include "pp-control-client.h"
#include "pp-demo.h"
#include "pp-fileutil.h"
#include "pp-page.h"
#include "pp-report.h"
#include "pp-site.h"
#include "pp-window.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <fcntl.h>
#include <locale.h>
#include <sys/file.h>
#include <unistd.h>

/* One fixed folder, so the window's subtitle and every path the pages show
 * are the same on every run and every machine. */
#define DEMO_DIR     "/tmp/phoneprov-demo"
#define DEMO_LOCK    "/tmp/phoneprov-demo.lock"
#define DEMO_MARKER  ".phoneprov-demo"
#define DEMO_HTTP    8080
#define DEMO_HTTPS   8443
#define REPORT_DATE  G_GINT64_CONSTANT (1780315200)  /* 2026-06-01T12:00:00Z */
#define WIDTH        1024
#define HEIGHT       768

typedef struct {
  GtkApplication *app;
  PpWindow       *window;
  char           *out_dir;
  GString        *widgets;
  guint           saved;
} Shots;

void
pp_screenshots_prepare (const char *locale)
{
  const char *localedir = g_getenv ("PHONEPROV_LOCALEDIR");

  g_setenv ("GTK_THEME", "Adwaita", TRUE);
  g_setenv ("GTK_CSD", "1", TRUE);
  g_setenv ("GDK_SCALE", "1", TRUE);
  g_setenv ("GDK_DPI_SCALE", "1", TRUE);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  /* Never touch the user's settings (last site, window size). */
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_setenv ("TZ", "UTC", TRUE);
  if (localedir && *localedir)
    bindtextdomain (GETTEXT_PACKAGE, localedir);
  if (locale && *locale)
    {
      /* LANGUAGE is honoured by gettext unless the locale is plain "C";
       * C.UTF-8 is present everywhere, unlike de_DE.UTF-8. */
      g_setenv ("LANGUAGE", locale, TRUE);
      if (setlocale (LC_ALL, "") == NULL || g_strcmp0 (setlocale (LC_MESSAGES, NULL), "C") == 0)
        setlocale (LC_ALL, "C.UTF-8");
    }
  else
    {
      g_setenv ("LANGUAGE", "en", TRUE);
      setlocale (LC_ALL, "C.UTF-8");
    }
}

/* ---- main loop helpers ----------------------------------------------------- */

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
}

static gboolean
wait_for_apply (PpPage *page, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  settle (100);
  while (pp_page_get_applying (page) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
  return !pp_page_get_applying (page);
}

/* ---- the widget dump --------------------------------------------------------- */

static void
dump_widget (GtkWidget *w, GString *out, int depth)
{
  if (!gtk_widget_get_mapped (w))
    return;
  g_string_append_printf (out, "%*s%s", depth * 2, "", G_OBJECT_TYPE_NAME (w));
  if (GTK_IS_LABEL (w))
    g_string_append_printf (out, " “%s”", gtk_label_get_text (GTK_LABEL (w)));
  else if (GTK_IS_ENTRY (w))
    g_string_append_printf (out, " [%s]", gtk_entry_get_text (GTK_ENTRY (w)));
  else if (GTK_IS_SWITCH (w))
    g_string_append (out, gtk_switch_get_active (GTK_SWITCH (w)) ? " on" : " off");
  else if (GTK_IS_TOGGLE_BUTTON (w))
    g_string_append (out, gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (w)) ? " active" : "");
  else if (GTK_IS_COMBO_BOX (w) && gtk_combo_box_get_active_id (GTK_COMBO_BOX (w)))
    g_string_append_printf (out, " =%s", gtk_combo_box_get_active_id (GTK_COMBO_BOX (w)));
  else if (GTK_IS_TEXT_VIEW (w))
    {
      GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (w));
      g_string_append_printf (out, " (%d lines)", gtk_text_buffer_get_line_count (buf));
    }
  if (!gtk_widget_is_sensitive (w))
    g_string_append (out, " (insensitive)");
  g_string_append_c (out, '\n');
}

typedef struct { GString *out; int depth; } DumpCtx;

static void dump_child (GtkWidget *child, gpointer data);

static void
dump_tree (GtkWidget *w, GString *out, int depth)
{
  DumpCtx ctx = { out, depth + 1 };

  dump_widget (w, out, depth);
  /* forall: also internal children (header bar title, tab labels). */
  if (gtk_widget_get_mapped (w) && GTK_IS_CONTAINER (w) && !GTK_IS_TREE_VIEW (w))
    gtk_container_forall (GTK_CONTAINER (w), dump_child, &ctx);
}

static void
dump_child (GtkWidget *child, gpointer data)
{
  DumpCtx *ctx = data;
  dump_tree (child, ctx->out, ctx->depth);
}

/* The window as the admin sees it: header bar down to the bottom of the
 * content, without the invisible resize margins of client-side
 * decorations (they come out black without a compositor). */
static void
window_frame (GtkWindow *window, GdkRectangle *frame)
{
  GtkWidget *title = gtk_window_get_titlebar (window);
  GtkWidget *child = gtk_bin_get_child (GTK_BIN (window));
  GtkAllocation t = { 0 }, c = { 0 };

  if (child)
    gtk_widget_get_allocation (child, &c);
  if (title)
    gtk_widget_get_allocation (title, &t);
  else
    t = c;
  frame->x = t.x;
  frame->y = t.y;
  frame->width = MAX (t.width, c.width);
  frame->height = c.y + c.height - t.y;
}

/* ---- capture ----------------------------------------------------------------- */

static gboolean
save (Shots *s, const char *name, GError **error)
{
  GtkWidget *win = GTK_WIDGET (s->window);
  GdkRectangle frame;
  g_autofree char *path = g_strdup_printf ("%s/%s.png", s->out_dir, name);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GdkWindow *gdk_window = gtk_widget_get_window (win);

  settle (600);
  gdk_display_sync (gtk_widget_get_display (win));
  settle (50);
  /* What the X server shows (gtk_widget_draw() leaves out the tree views'
   * column headers); the window is alone on its own Xvfb screen. */
  window_frame (GTK_WINDOW (win), &frame);
  pixbuf = gdk_pixbuf_get_from_window (gdk_window, frame.x, frame.y, frame.width, frame.height);
  if (pixbuf == NULL || !gdk_pixbuf_save (pixbuf, path, "png", error, NULL))
    {
      if (error && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot capture the window for %s", path);
      return FALSE;
    }
  g_string_append_printf (s->widgets, "=== %s (%dx%d)\n", name, frame.width, frame.height);
  dump_tree (win, s->widgets, 0);
  s->saved++;
  g_print ("%s\n", path);
  return TRUE;
}

static guint
page_index (Shots *s, const char *id)
{
  for (guint i = 0; i < pp_window_get_n_pages (s->window); i++)
    if (g_strcmp0 (pp_page_get_id (pp_window_get_page (s->window, i)), id) == 0)
      return i;
  return G_MAXUINT;
}

static PpPage *
show (Shots *s, const char *id)
{
  guint i = page_index (s, id);

  if (i == G_MAXUINT)
    return NULL;
  pp_window_go_to (s->window, i);
  settle (400);
  return pp_window_get_page (s->window, i);
}

/* Apply a page as the admin's Next would, then come back to it to show the
 * result (the window moves on after a successful apply). */
static gboolean
apply_and_show (Shots *s, const char *id, GError **error)
{
  PpPage *page = show (s, id);

  if (page == NULL)
    return TRUE;
  pp_page_apply (page, NULL);
  if (!wait_for_apply (page, 120000))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "step %s did not finish applying", id);
      return FALSE;
    }
  pp_window_go_to (s->window, page_index (s, id));
  settle (300);
  return TRUE;
}

static void
collect (GtkWidget *w, gpointer data)
{
  GPtrArray *out = data;
  g_ptr_array_add (out, w);
  if (GTK_IS_CONTAINER (w))
    gtk_container_forall (GTK_CONTAINER (w), collect, data);
}

static GPtrArray *
descendants (GtkWidget *root, GType type)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  GPtrArray *out = g_ptr_array_new ();

  collect (root, all);
  for (guint i = 0; i < all->len; i++)
    if (g_type_is_a (G_OBJECT_TYPE (all->pdata[i]), type))
      g_ptr_array_add (out, all->pdata[i]);
  return out;
}

/* The certificate-details state: every section of the certificate view
 * folded out, scrolled so the view starts at the top. */
static void
expand_certificate (Shots *s, PpPage *page)
{
  g_autoptr(GPtrArray) views = descendants (GTK_WIDGET (page), g_type_from_name ("PpCertView"));
  g_autoptr(GPtrArray) expanders = NULL;
  g_autoptr(GPtrArray) scrolled = descendants (GTK_WIDGET (page), GTK_TYPE_SCROLLED_WINDOW);
  int x = 0, y = 0;

  if (views->len == 0)
    return;
  expanders = descendants (views->pdata[0], GTK_TYPE_EXPANDER);
  for (guint i = 0; i < expanders->len; i++)
    gtk_expander_set_expanded (expanders->pdata[i], TRUE);
  settle (300);
  if (scrolled->len > 0 &&
      gtk_widget_translate_coordinates (views->pdata[0], gtk_bin_get_child (scrolled->pdata[0]), 0, 0, &x, &y))
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scrolled->pdata[0]);
      gtk_adjustment_set_value (adj, MAX (0, y - 12));
    }
}

/* The CA form proposes "<site name> CA (<this host>)": type the demo CA's
 * values as the admin would, so no machine's host name ends up in help/. */
static void
type_ca_values (PpPage *page)
{
  g_autoptr(GPtrArray) entries = descendants (GTK_WIDGET (page), GTK_TYPE_ENTRY);
  g_autofree char *suffix = g_strdup_printf (" (%s)", g_get_host_name ());

  for (guint i = 0; i < entries->len; i++)
    {
      GtkEntry *e = entries->pdata[i];
      const char *placeholder = gtk_entry_get_placeholder_text (e);
      if (GTK_IS_SPIN_BUTTON (e))
        continue;
      if (g_str_has_suffix (gtk_entry_get_text (e), suffix))
        gtk_entry_set_text (e, "Example Corp Phone CA");
      else if (placeholder && g_str_has_prefix (placeholder, "O=") && *gtk_entry_get_text (e) == '\0')
        gtk_entry_set_text (e, "O=Example Corp, C=CA");
    }
}

/* PHONEPROV_SCREENSHOTS_DEBUG=1 lists the widgets that force the window
 * wider than WIDTH (a translation too long for a label that cannot wrap). */
static void
report_wide_widgets (GtkWidget *root)
{
  g_autoptr(GPtrArray) all = descendants (root, GTK_TYPE_WIDGET);

  for (guint i = 0; i < all->len; i++)
    {
      GtkWidget *w = all->pdata[i];
      int min = 0;
      if (!gtk_widget_get_visible (w))
        continue;
      gtk_widget_get_preferred_width (w, &min, NULL);
      if (min > 700)
        g_printerr ("wide: %s %d px “%s”\n", G_OBJECT_TYPE_NAME (w), min,
                    GTK_IS_LABEL (w) ? gtk_label_get_text (GTK_LABEL (w)) : "");
    }
}

/* ---- the demo phone ---------------------------------------------------------- */

static gboolean
accept_any (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;  /* the demo site's own server, on loopback */
}

static guint
phone_request (SoupSession *session, const char *method, const char *path, GTlsCertificate *cert,
               const char *body)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u%s", DEMO_HTTPS, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) reply = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "User-Agent", PP_DEMO_PHONE_UA);
  if (cert)
    soup_message_set_tls_client_certificate (msg, cert);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  if (body)
    {
      g_autoptr(GBytes) b = g_bytes_new_static (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "text/plain", b);
    }
  reply = soup_session_send_and_read (session, msg, NULL, NULL);
  return soup_message_get_status (msg);
}

typedef struct {
  GTlsCertificate *cert;
  gint             done;
} Phone;

/* What a VVX 500 does after a reboot with mutual TLS, then a phone without
 * a device certificate that the site refuses. In a thread of its own: the
 * TLS client must not wait on the main loop that draws the monitor. */
static gpointer
phone_thread (gpointer data)
{
  Phone *phone = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(SoupSession) anon = soup_session_new_with_options ("timeout", 10, NULL);

  phone_request (session, "GET", "/000000000000.cfg", phone->cert, NULL);
  phone_request (session, "GET", "/phoneprov-https.cfg", phone->cert, NULL);
  phone_request (session, "GET", "/sip.cfg", phone->cert, NULL);
  phone_request (session, "GET", "/phone1.cfg", phone->cert, NULL);
  phone_request (session, "PUT", "/" PP_DEMO_PHONE_MAC "-app.log", phone->cert,
                 "0101000000|cfg   |4|00|Prov|Provisioning over HTTPS with mutual TLS\n");
  phone_request (anon, "GET", "/000000000000.cfg", NULL, NULL);
  g_atomic_int_set (&phone->done, TRUE);
  return NULL;
}

static gboolean
boot_the_phone (GError **error)
{
  g_autofree char *pem = pp_demo_phone_identity (error);
  g_autoptr(GTlsCertificate) cert = NULL;
  Phone phone = { NULL, FALSE };
  GThread *thread;

  if (pem == NULL || (cert = g_tls_certificate_new_from_pem (pem, -1, error)) == NULL)
    return FALSE;
  phone.cert = cert;
  thread = g_thread_new ("demo-phone", phone_thread, &phone);
  /* Keep drawing (and polling events) meanwhile; bounded by the requests'
   * own timeouts. */
  while (!g_atomic_int_get (&phone.done))
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
  g_thread_join (thread);
  return TRUE;
}

/* Start the monitor from a clean list: the live check and the self-test
 * went through it too. */
static void
clear_monitor (PpPage *page)
{
  g_autoptr(GPtrArray) buttons = descendants (GTK_WIDGET (page), GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    {
      AtkObject *a = gtk_widget_get_accessible (buttons->pdata[i]);
      if (g_strcmp0 (atk_object_get_name (a), _("Clear the list")) == 0)
        gtk_button_clicked (buttons->pdata[i]);
    }
}

static void
select_monitor_row (PpPage *page, int row)
{
  g_autoptr(GPtrArray) views = descendants (GTK_WIDGET (page), GTK_TYPE_TREE_VIEW);
  g_autoptr(GtkTreePath) path = gtk_tree_path_new_from_indices (row, -1);

  if (views->len > 0)
    gtk_tree_view_set_cursor (views->pdata[0], path, NULL, FALSE);
  /* The details below the list grow by a line or two. Under the bare Xvfb
   * of this mode (no window manager) the window never gets to lay itself
   * out again after the exact-size resize above, so lay the page out
   * here; interactively the details grow on their own. */
  {
    GtkAllocation alloc;
    gtk_widget_get_allocation (GTK_WIDGET (page), &alloc);
    gtk_widget_size_allocate (GTK_WIDGET (page), &alloc);
  }
}

/* ---- the demo site ------------------------------------------------------------ */

static void
stop_daemon (void)
{
  g_autoptr(PpControlClient) client = pp_control_client_new (DEMO_DIR);

  if (pp_control_client_ping (client, NULL))
    {
      pp_control_client_stop (client, NULL, NULL);
      for (int i = 0; i < 100 && pp_control_client_ping (client, NULL); i++)
        g_usleep (50000);
    }
}

static gboolean
make_demo_site (GError **error)
{
  g_autofree char *marker = g_build_filename (DEMO_DIR, DEMO_MARKER, NULL);
  g_autoptr(PpSite) site = NULL;
  const char *shared = g_getenv ("PHONEPROV_SHARED");
  g_autofree char *polycom = shared ? g_build_filename (shared, "fixtures", "polycom-pki", NULL) : NULL;

  stop_daemon ();
  if (g_file_test (DEMO_DIR, G_FILE_TEST_EXISTS))
    {
      if (!g_file_test (marker, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       "%s exists and is not a phoneprov demo site; move it away first.", DEMO_DIR);
          return FALSE;
        }
      pp_file_remove_tree (DEMO_DIR);
    }
  site = pp_site_create (DEMO_DIR, error);
  if (site == NULL || !pp_file_write_atomic (marker, "demo\n", 5, 0644, error))
    return FALSE;
  if (polycom && !g_file_test (polycom, G_FILE_TEST_IS_DIR))
    g_clear_pointer (&polycom, g_free);
  if (!pp_demo_site_populate (site, DEMO_HTTP, DEMO_HTTPS, polycom, error))
    return FALSE;
  return pp_control_ensure_daemon (DEMO_DIR, NULL, NULL, error);
}

/* ---- the sequence --------------------------------------------------------------- */

static gboolean
run (Shots *s, GError **error)
{
  static const char *const plain[] = { "overview", "boot", NULL };
  PpPage *page;

  if (!make_demo_site (error))
    return FALSE;
  g_object_set (gtk_settings_get_default (),
                "gtk-font-name", "DejaVu Sans 10",
                "gtk-icon-theme-name", "Adwaita",
                "gtk-enable-animations", FALSE,
                "gtk-cursor-blink", FALSE,
                "gtk-xft-antialias", 1,
                "gtk-xft-hinting", 1,
                "gtk-xft-hintstyle", "hintslight",
                "gtk-xft-rgba", "none",
                NULL);
  s->window = pp_window_new (s->app, DEMO_DIR);
  gtk_window_unmaximize (GTK_WINDOW (s->window));
  gtk_window_set_default_size (GTK_WINDOW (s->window), WIDTH, HEIGHT);
  gtk_window_resize (GTK_WINDOW (s->window), WIDTH, HEIGHT);
  gtk_window_move (GTK_WINDOW (s->window), 0, 0);
  gtk_widget_show (GTK_WIDGET (s->window));
  settle (1000);
  if (g_getenv ("PHONEPROV_SCREENSHOTS_DEBUG"))
    report_wide_widgets (GTK_WIDGET (s->window));
  /* Make the visible window exactly WIDTH × HEIGHT. */
  for (int i = 0; i < 3; i++)
    {
      GdkRectangle frame;
      int aw, ah, cw, ch;
      window_frame (GTK_WINDOW (s->window), &frame);
      aw = frame.width;
      ah = frame.height;
      if (aw == WIDTH && ah == HEIGHT)
        break;
      gtk_window_get_size (GTK_WINDOW (s->window), &cw, &ch);
      gtk_window_resize (GTK_WINDOW (s->window), cw + WIDTH - aw, ch + HEIGHT - ah);
      settle (500);
    }

  for (guint i = 0; plain[i]; i++)
    {
      g_autofree char *name = g_strdup_printf ("%02u-%s", s->saved + 1, plain[i]);
      if (show (s, plain[i]) && !save (s, name, error))
        return FALSE;
    }
  if (!apply_and_show (s, "http", error) || !save (s, "03-http", error))
    return FALSE;
  if ((show (s, "https") && !save (s, "04-https", error)) ||
      ((page = show (s, "ca")) && (type_ca_values (page), !save (s, "05-ca", error))) ||
      (show (s, "csr") && !save (s, "06-csr", error)) ||
      (show (s, "issue") && !save (s, "07-issue", error)))
    return FALSE;
  if ((page = show (s, "issue")) != NULL)
    {
      expand_certificate (s, page);
      if (!save (s, "08-certificate-details", error))
        return FALSE;
    }
  if ((show (s, "phone-trust") && !save (s, "09-phone-trust", error)) ||
      (show (s, "trust") && !save (s, "10-trust", error)))
    return FALSE;
  if (!apply_and_show (s, "mtls", error) || !save (s, "11-mtls-self-test", error))
    return FALSE;
  if ((page = show (s, "monitor")) != NULL)
    {
      settle (1000);
      clear_monitor (page);
      if (!boot_the_phone (error))
        return FALSE;
      settle (2500);
      /* The refused phone: its row explains why and what to do. */
      select_monitor_row (page, 0);
      if (!save (s, "12-monitor", error))
        return FALSE;
    }
  if (show (s, "summary") && !save (s, "13-summary", error))
    return FALSE;
  /* What "Export report…" writes for the demo site, as of a fixed date. */
  {
    g_autofree char *report = g_build_filename (s->out_dir, "site-report.html", NULL);
    g_autoptr(PpSite) site = pp_site_open (DEMO_DIR, error);
    return site && pp_report_write (site, report, REPORT_DATE, error);
  }
}

int
pp_screenshots_run (GtkApplication *app, const char *out_dir)
{
  Shots s = { app, NULL, g_strdup (out_dir), g_string_new (NULL), 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *widgets = g_build_filename (out_dir, "widgets.txt", NULL);
  int lock = open (DEMO_LOCK, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  gboolean ok;

  /* One run at a time uses the fixed demo folder. */
  if (lock < 0 || flock (lock, LOCK_EX) < 0)
    g_printerr ("phoneprov: cannot lock %s; another screenshot run may interfere.\n", DEMO_LOCK);
  g_application_hold (G_APPLICATION (app));
  ok = pp_mkdir (out_dir, 0755, &error) && run (&s, &error);
  if (ok)
    ok = pp_file_write_atomic (widgets, s.widgets->str, s.widgets->len, 0644, &error);
  if (s.window)
    gtk_widget_destroy (GTK_WIDGET (s.window));
  settle (200);
  stop_daemon ();
  g_application_release (G_APPLICATION (app));
  if (lock >= 0)
    close (lock);
  if (!ok)
    g_printerr ("phoneprov: the screenshot run failed: %s\n", error->message);
  g_string_free (s.widgets, TRUE);
  g_free (s.out_dir);
  return ok ? 0 : 1;
}
