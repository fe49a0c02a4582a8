#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Small helpers shared by pages: file choosers and saving. */

/* Ask for a file to open; NULL when cancelled. */
char    *pp_choose_file (GtkWidget *parent, const char *title);
/* Ask where to save @data (suggesting @name) and write it. FALSE with
 * @error unset when the admin cancelled. */
gboolean pp_save_bytes (GtkWidget   *parent,
                        const char  *title,
                        const char  *name,
                        GBytes      *data,
                        GError     **error);
/* Accept files dropped on @widget; @callback gets the first local path. */
void     pp_accept_file_drops (GtkWidget *widget,
                               void     (*callback) (gpointer user_data, const char *path),
                               gpointer   user_data);
/* The DNS names and IP addresses of this host, for SANs. */
char   **pp_host_names (void);
char   **pp_host_addresses (void);

G_END_DECLS
