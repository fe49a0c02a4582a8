#include "config.h"
#include "pp-wizard-util.h"
#include "pp-fileutil.h"

#include <glib/gi18n.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

char *
pp_choose_file (GtkWidget *parent, const char *title)
{
  g_autoptr(GtkFileChooserNative) chooser =
    gtk_file_chooser_native_new (title, GTK_WINDOW (gtk_widget_get_toplevel (parent)),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  if (gtk_native_dialog_run (GTK_NATIVE_DIALOG (chooser)) != GTK_RESPONSE_ACCEPT)
    return NULL;
  return gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));
}

gboolean
pp_save_bytes (GtkWidget *parent, const char *title, const char *name, GBytes *data, GError **error)
{
  g_autoptr(GtkFileChooserNative) chooser =
    gtk_file_chooser_native_new (title, GTK_WINDOW (gtk_widget_get_toplevel (parent)),
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  g_autofree char *path = NULL;
  gsize len = 0;
  const void *p = g_bytes_get_data (data, &len);

  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  if (gtk_native_dialog_run (GTK_NATIVE_DIALOG (chooser)) != GTK_RESPONSE_ACCEPT)
    return FALSE;
  path = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));
  return pp_file_write_atomic (path, p, len, 0644, error);
}

typedef struct {
  void   (*callback) (gpointer user_data, const char *path);
  gpointer user_data;
} DropTarget;

static void
on_drag_data_received (GtkWidget *widget, GdkDragContext *context, int x, int y,
                       GtkSelectionData *data, guint info, guint time, DropTarget *target)
{
  g_auto(GStrv) uris = gtk_selection_data_get_uris (data);
  g_autofree char *path = NULL;

  if (uris && uris[0])
    path = g_filename_from_uri (uris[0], NULL, NULL);
  gtk_drag_finish (context, path != NULL, FALSE, time);
  if (path)
    target->callback (target->user_data, path);
}

void
pp_accept_file_drops (GtkWidget *widget, void (*callback) (gpointer, const char *), gpointer user_data)
{
  DropTarget *target = g_new0 (DropTarget, 1);
  target->callback = callback;
  target->user_data = user_data;
  gtk_drag_dest_set (widget, GTK_DEST_DEFAULT_ALL, NULL, 0, GDK_ACTION_COPY);
  gtk_drag_dest_add_uri_targets (widget);
  g_signal_connect_data (widget, "drag-data-received", G_CALLBACK (on_drag_data_received),
                         target, (GClosureNotify) (void (*) (void)) g_free, 0);
}

char **
pp_host_names (void)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  const char *host = g_get_host_name ();
  struct addrinfo hints = { 0 }, *res = NULL;

  hints.ai_flags = AI_CANONNAME;
  hints.ai_socktype = SOCK_STREAM;
  /* The FQDN first: the CN, and the name phones are told to use. */
  if (getaddrinfo (host, NULL, &hints, &res) == 0 && res && res->ai_canonname &&
      strchr (res->ai_canonname, '.'))
    g_ptr_array_add (out, g_ascii_strdown (res->ai_canonname, -1));
  if (res)
    freeaddrinfo (res);
  if (!g_ptr_array_find_with_equal_func (out, host, g_str_equal, NULL))
    g_ptr_array_add (out, g_ascii_strdown (host, -1));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

char **
pp_host_addresses (void)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  struct ifaddrs *ifa = NULL;

  if (getifaddrs (&ifa) == 0)
    {
      for (struct ifaddrs *i = ifa; i; i = i->ifa_next)
        {
          g_autoptr(GInetAddress) addr = NULL;
          g_autofree char *text = NULL;

          if (i->ifa_addr == NULL || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
            continue;
          addr = i->ifa_addr->sa_family == AF_INET
                 ? g_inet_address_new_from_bytes ((guint8 *) &((struct sockaddr_in *) (void *) i->ifa_addr)->sin_addr, G_SOCKET_FAMILY_IPV4)
                 : g_inet_address_new_from_bytes ((guint8 *) &((struct sockaddr_in6 *) (void *) i->ifa_addr)->sin6_addr, G_SOCKET_FAMILY_IPV6);
          if (g_inet_address_get_is_loopback (addr) || g_inet_address_get_is_link_local (addr))
            continue;
          text = g_inet_address_to_string (addr);
          if (!g_ptr_array_find_with_equal_func (out, text, g_str_equal, NULL))
            g_ptr_array_add (out, g_steal_pointer (&text));
        }
      freeifaddrs (ifa);
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}
