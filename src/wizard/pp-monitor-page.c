#include "config.h"
#include "pp-monitor-page.h"
#include "pp-control-client.h"
#include "pp-event-text.h"
#include "pp-site.h"

#include <glib/gi18n.h>

#define MAX_ROWS 2000

struct _PpMonitorPage {
  PpPage           parent_instance;
  GtkWidget       *status_label;
  GtkWidget       *events_view;
  GtkWidget       *events_scroll;
  GtkWidget       *detail_label;
  GtkListStore    *events_store;
  PpControlClient *client;
  GCancellable    *cancellable;
  guint64          next;
  guint            retry_id;
};

G_DEFINE_FINAL_TYPE (PpMonitorPage, pp_monitor_page, PP_TYPE_PAGE)

enum { COL_TIME, COL_MAC, COL_MODEL, COL_FIRMWARE, COL_REQUEST, COL_STATUS, COL_BYTES,
       COL_TLS, COL_PEER, COL_COLOR, COL_DETAIL, COL_SEQ };

static void poll_events (PpMonitorPage *self);

gboolean
pp_parse_polycom_user_agent (const char *ua, char **model, char **firmware)
{
  static GRegex *re;
  g_autoptr(GMatchInfo) match = NULL;

  /* ASCII classes: GLib's PCRE2 matches any Unicode digit with \d (the
   * fuzzer found "5.9.\u07C1" taken for a firmware version). */
  if (g_once_init_enter (&re))
    g_once_init_leave (&re, g_regex_new ("^FileTransport Polycom[A-Za-z0-9_]+-([A-Za-z0-9_]*?)-UA/([0-9.]+)", G_REGEX_OPTIMIZE, 0, NULL));
  if (ua == NULL || !g_regex_match (re, ua, 0, &match))
    return FALSE;
  if (model)
    *model = g_match_info_fetch (match, 1);
  if (firmware)
    *firmware = g_match_info_fetch (match, 2);
  return TRUE;
}

static const char *
member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return json_node_get_string (n);
  return NULL;
}

static char *
format_time (JsonObject *e)
{
  JsonNode *n = json_object_get_member (e, "time");
  g_autoptr(GDateTime) dt = NULL;

  if (n && JSON_NODE_HOLDS_VALUE (n))
    {
      if (json_node_get_value_type (n) == G_TYPE_STRING)
        dt = g_date_time_new_from_iso8601 (json_node_get_string (n), NULL);
      else
        dt = g_date_time_new_from_unix_local (json_node_get_int (n));
    }
  if (dt)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (dt);
      return g_date_time_format (local, "%H:%M:%S");
    }
  return g_strdup ("");
}

static void
add_event (PpMonitorPage *self, JsonObject *e)
{
  const char *type = member (e, "type");
  const char *ua = member (e, "user_agent");
  g_autofree char *model = g_strdup (member (e, "model"));
  g_autofree char *firmware = g_strdup (member (e, "firmware"));
  g_autofree char *time = format_time (e);
  g_autofree char *request = NULL, *status = NULL, *bytes = NULL, *tls = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  const char *color = NULL;
  gint64 code = json_object_get_int_member_with_default (e, "status", 0);
  /* The daemon's sentences, in the user's language (pp-event-text.h). */
  g_autofree char *reason = pp_event_text_translate (member (e, "reason"));
  g_autofree char *remedy = pp_event_text_translate (member (e, "remedy"));

  GtkTreeIter iter;

  if ((model == NULL || firmware == NULL) && ua)
    {
      g_clear_pointer (&model, g_free);
      g_clear_pointer (&firmware, g_free);
      pp_parse_polycom_user_agent (ua, &model, &firmware);
    }
  if (g_strcmp0 (type, "handshake") == 0 && g_strcmp0 (member (e, "result"), "accepted") == 0)
    {
      /* The request that follows shows a good handshake; only an accepted
       * expired certificate (opt-in) is worth a row of its own. */
      if (reason == NULL)
        return;
      request = g_strdup_printf (_("TLS handshake accepted with a warning (%s site)"), member (e, "site") ? member (e, "site") : "https");
      status = g_strdup (_("warning"));
      color = "#c64600";
      g_string_append_printf (detail, _("Why: %s\n"), reason);
    }
  else if (g_strcmp0 (type, "handshake") == 0)
    {
      request = g_strdup_printf (_("TLS handshake refused (%s site)"), member (e, "site") ? member (e, "site") : "https");
      status = g_strdup (_("refused"));
      color = "#c01c28";
      g_string_append_printf (detail, _("Why: %s\n"), reason ? reason : _("not given"));
    }
  else if (g_strcmp0 (type, "server") == 0)
    {
      /* A server event's reason is a code ("started") or, when starting
       * failed, the error. */
      request = reason ? g_strdup (pp_event_server_word (reason)) : g_strdup (_("server event"));
      status = g_strdup ("");
      color = remedy ? "#c01c28" : NULL;
    }
  else
    {
      request = g_strdup_printf ("%s %s", member (e, "method") ? member (e, "method") : "",
                                 member (e, "path") ? member (e, "path") : "");
      status = code ? g_strdup_printf ("%" G_GINT64_FORMAT, code) : g_strdup ("");
      if (code >= 400)
        color = "#c01c28";
      if (reason)
        g_string_append_printf (detail, _("Why: %s\n"), reason);
    }
  if (remedy)
    g_string_append_printf (detail, _("What to do: %s\n"), remedy);
  bytes = json_object_has_member (e, "bytes")
          ? g_format_size ((guint64) json_object_get_int_member_with_default (e, "bytes", 0)) : g_strdup ("");
  tls = g_strdup_printf ("%s%s%s", member (e, "tls_version") ? member (e, "tls_version") : "",
                         member (e, "cipher") ? " " : "", member (e, "cipher") ? member (e, "cipher") : "");
  if (member (e, "peer"))
    g_string_append_printf (detail, _("From: %s\n"), member (e, "peer"));
  if (member (e, "subject"))
    g_string_append_printf (detail, _("Client certificate: %s\n"), member (e, "subject"));
  if (ua)
    g_string_append_printf (detail, _("User-Agent: %s\n"), ua);
  if (*tls)
    g_string_append_printf (detail, _("TLS: %s\n"), tls);

  /* A phone identified by its device certificate was served: the goal. */
  if (member (e, "mac") && code >= 200 && code < 300)
    pp_page_set_complete (PP_PAGE (self), TRUE);
  gtk_list_store_insert_with_values (self->events_store, &iter, 0,
                                     COL_TIME, time, COL_MAC, member (e, "mac"), COL_MODEL, model,
                                     COL_FIRMWARE, firmware, COL_REQUEST, request, COL_STATUS, status,
                                     COL_BYTES, bytes, COL_TLS, member (e, "tls_version"),
                                     COL_PEER, member (e, "peer"), COL_COLOR, color,
                                     COL_DETAIL, detail->str, -1);

  while (gtk_tree_model_iter_n_children (GTK_TREE_MODEL (self->events_store), NULL) > MAX_ROWS &&
         gtk_tree_model_iter_nth_child (GTK_TREE_MODEL (self->events_store), &iter, NULL, MAX_ROWS))
    gtk_list_store_remove (self->events_store, &iter);
}

static gboolean
retry_cb (gpointer data)
{
  PpMonitorPage *self = data;
  self->retry_id = 0;
  poll_events (self);
  return G_SOURCE_REMOVE;
}

static void
on_events (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(PpMonitorPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pp_control_client_events_finish (PP_CONTROL_CLIENT (source), result, &error);
  JsonObject *root;
  JsonArray *events;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancellable == NULL)
    return;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *text = g_strdup_printf (_("Not connected to the provisioning server (%s). Retrying…"),
                                               error ? error->message : _("unexpected answer"));
      gtk_label_set_text (GTK_LABEL (self->status_label), text);
      self->retry_id = g_timeout_add_seconds (2, retry_cb, self);
      return;
    }
  gtk_label_set_text (GTK_LABEL (self->status_label), _("Connected to the provisioning server; new events appear at the top."));
  root = json_node_get_object (node);
  events = json_object_has_member (root, "events") ? json_object_get_array_member (root, "events") : NULL;
  {
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->events_scroll));
    /* Follow the newest events unless the admin scrolled down to read. */
    gboolean at_top = gtk_adjustment_get_value (adj) < 48;

    for (guint i = 0; events && i < json_array_get_length (events); i++)
      {
        JsonObject *e = json_array_get_object_element (events, i);
        if (e)
          add_event (self, e);
      }
    if (at_top)
      gtk_adjustment_set_value (adj, 0);
  }
  self->next = (guint64) json_object_get_int_member_with_default (root, "next", (gint64) self->next);
  poll_events (self);
}

static void
poll_events (PpMonitorPage *self)
{
  if (self->client == NULL || self->cancellable == NULL)
    return;
  pp_control_client_events_async (self->client, self->next, 20000, self->cancellable, on_events, g_object_ref (self));
}

static void
stop (PpMonitorPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
}

static void
pp_monitor_page_site_changed (PpPage *page)
{
  PpMonitorPage *self = PP_MONITOR_PAGE (page);
  PpSite *site = pp_page_get_site (page);

  if (site == NULL || (self->client && g_str_has_prefix (pp_control_client_get_socket_path (self->client), pp_site_get_dir (site)) && self->cancellable))
    return;
  stop (self);
  g_clear_object (&self->client);
  gtk_list_store_clear (self->events_store);
  self->next = 0;
  self->client = pp_control_client_new (pp_site_get_dir (site));
  self->cancellable = g_cancellable_new ();
  poll_events (self);
}

static void
on_cursor_changed (PpMonitorPage *self)
{
  GtkTreeSelection *sel = gtk_tree_view_get_selection (GTK_TREE_VIEW (self->events_view));
  GtkTreeModel *model;
  GtkTreeIter iter;
  g_autofree char *detail = NULL;

  if (!gtk_tree_selection_get_selected (sel, &model, &iter))
    return;
  gtk_tree_model_get (model, &iter, COL_DETAIL, &detail, -1);
  if (detail)
    g_strchomp (detail);
  gtk_label_set_text (GTK_LABEL (self->detail_label), detail && *detail ? detail : _("Nothing more to say about this event."));
}

static void
on_clear_clicked (PpMonitorPage *self)
{
  gtk_list_store_clear (self->events_store);
}

static void
pp_monitor_page_dispose (GObject *object)
{
  PpMonitorPage *self = PP_MONITOR_PAGE (object);
  stop (self);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (pp_monitor_page_parent_class)->dispose (object);
}

static void
pp_monitor_page_class_init (PpMonitorPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PpPageClass *page_class = PP_PAGE_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pp_monitor_page_dispose;
  page_class->site_changed = pp_monitor_page_site_changed;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/monitor-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PpMonitorPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, PpMonitorPage, events_view);
  gtk_widget_class_bind_template_child (widget_class, PpMonitorPage, events_scroll);
  gtk_widget_class_bind_template_child (widget_class, PpMonitorPage, detail_label);
  gtk_widget_class_bind_template_child (widget_class, PpMonitorPage, events_store);
  gtk_widget_class_bind_template_callback (widget_class, on_cursor_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);
}

static void
pp_monitor_page_init (PpMonitorPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
