#include "config.h"
#include "pp-window.h"
#include "pp-pages.h"
#include "pp-wizard-context.h"

#include <glib/gi18n.h>

struct _PpWindow {
  GtkApplicationWindow parent_instance;

  GtkWidget *header;
  GtkWidget *back_button;
  GtkWidget *next_button;
  GtkWidget *spinner;
  GtkWidget *sidebar;
  GtkWidget *stack;
  GtkWidget *error_bar;
  GtkWidget *error_label;

  PpWizardContext *context;
  GPtrArray       *pages;      /* PpPage*, in order */
  GPtrArray       *rows;       /* sidebar rows, same order */
  guint            current;
  GCancellable    *apply_cancellable;
  GSettings       *settings;
};

G_DEFINE_FINAL_TYPE (PpWindow, pp_window, GTK_TYPE_APPLICATION_WINDOW)

static void update_buttons (PpWindow *self);

static PpPage *
current_page (PpWindow *self)
{
  return self->pages->len ? g_ptr_array_index (self->pages, self->current) : NULL;
}

static void
show_error (PpWindow *self, const char *message)
{
  gtk_label_set_text (GTK_LABEL (self->error_label), message ? message : "");
  gtk_widget_set_visible (self->error_bar, message != NULL);
}

static void
update_row (PpWindow *self, guint index)
{
  GtkWidget *row = g_ptr_array_index (self->rows, index);
  PpPage *page = g_ptr_array_index (self->pages, index);
  GtkWidget *check = g_object_get_data (G_OBJECT (row), "check");
  gtk_widget_set_opacity (check, pp_page_get_complete (page) ? 1.0 : 0.0);
}

static void
update_buttons (PpWindow *self)
{
  PpPage *page = current_page (self);
  gboolean applying = page && pp_page_get_applying (page);
  gboolean last = self->current + 1 >= self->pages->len;

  gtk_widget_set_sensitive (self->back_button, self->current > 0 && !applying);
  gtk_widget_set_sensitive (self->next_button, !last && !applying);
  gtk_widget_set_sensitive (self->sidebar, !applying);
  if (applying)
    gtk_spinner_start (GTK_SPINNER (self->spinner));
  else
    gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_visible (self->spinner, applying);
}

void
pp_window_go_to (PpWindow *self, guint index)
{
  PpPage *page;

  g_return_if_fail (index < self->pages->len);
  self->current = index;
  page = current_page (self);
  gtk_stack_set_visible_child (GTK_STACK (self->stack), GTK_WIDGET (page));
  gtk_list_box_select_row (GTK_LIST_BOX (self->sidebar),
                           g_ptr_array_index (self->rows, index));
  show_error (self, NULL);
  pp_page_shown (page);
  update_buttons (self);
  /* Enter applies the step; a selectable label would grab the focus and
   * select its text otherwise. */
  if (gtk_widget_get_sensitive (self->next_button))
    gtk_widget_grab_focus (self->next_button);
}

static void
on_page_notify (PpPage *page, GParamSpec *pspec, PpWindow *self)
{
  guint index;
  if (!g_ptr_array_find (self->pages, page, &index))
    return;
  update_row (self, index);
  if (index == self->current)
    update_buttons (self);
}

static void
on_page_apply_done (PpPage *page, gboolean ok, PpWindow *self)
{
  guint index;

  if (!g_ptr_array_find (self->pages, page, &index))
    return;
  pp_wizard_context_site_changed (self->context);
  if (!ok)
    {
      if (pp_page_get_status (page))
        show_error (self, pp_page_get_status (page));
      update_buttons (self);
      return;
    }
  if (index == self->current && index + 1 < self->pages->len)
    pp_window_go_to (self, index + 1);
}

static void
on_page_error (PpPage *page, const char *message, PpWindow *self)
{
  show_error (self, message);
}

static void
on_next_clicked (PpWindow *self)
{
  PpPage *page = current_page (self);

  show_error (self, NULL);
  g_cancellable_cancel (self->apply_cancellable);
  g_clear_object (&self->apply_cancellable);
  self->apply_cancellable = g_cancellable_new ();
  pp_page_apply (page, self->apply_cancellable);
}

static void
on_back_clicked (PpWindow *self)
{
  if (self->current > 0)
    pp_window_go_to (self, self->current - 1);
}

static void
on_sidebar_row_activated (PpWindow *self, GtkListBoxRow *row)
{
  guint index;
  if (g_ptr_array_find (self->rows, row, &index) && index != self->current)
    pp_window_go_to (self, index);
}

static void
on_error_bar_response (PpWindow *self)
{
  show_error (self, NULL);
}

static GtkWidget *
make_row (guint number, const char *title)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  g_autofree char *num = g_strdup_printf ("%u", number);
  GtkWidget *num_label = gtk_label_new (num);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic", GTK_ICON_SIZE_MENU);

  gtk_style_context_add_class (gtk_widget_get_style_context (num_label), "dim-label");
  gtk_label_set_width_chars (GTK_LABEL (num_label), 2);
  gtk_label_set_xalign (GTK_LABEL (num_label), 1.0);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_tooltip_text (check, _("Done"));
  gtk_container_add (GTK_CONTAINER (box), num_label);
  gtk_container_add (GTK_CONTAINER (box), label);
  gtk_container_add (GTK_CONTAINER (box), check);
  g_object_set (box, "margin", 8, NULL);
  gtk_container_add (GTK_CONTAINER (row), box);
  atk_object_set_name (gtk_widget_get_accessible (row), title);
  g_object_set_data (G_OBJECT (row), "check", check);
  gtk_widget_show_all (row);
  return row;
}

static void
build_pages (PpWindow *self)
{
  guint n;
  const PpPageInfo *infos = pp_pages_get (&n);

  for (guint i = 0; i < n; i++)
    {
      PpPage *page = pp_pages_create (&infos[i], self->context);
      GtkWidget *row = make_row (i + 1, _(infos[i].title));

      g_ptr_array_add (self->pages, g_object_ref_sink (page));
      g_ptr_array_add (self->rows, row);
      gtk_stack_add_named (GTK_STACK (self->stack), GTK_WIDGET (page), infos[i].id);
      gtk_widget_show (GTK_WIDGET (page));
      gtk_container_add (GTK_CONTAINER (self->sidebar), row);
      g_signal_connect_object (page, "notify::complete", G_CALLBACK (on_page_notify), self, 0);
      g_signal_connect_object (page, "notify::applying", G_CALLBACK (on_page_notify), self, 0);
      g_signal_connect_object (page, "apply-done", G_CALLBACK (on_page_apply_done), self, 0);
      g_signal_connect_object (page, "error", G_CALLBACK (on_page_error), self, 0);
      update_row (self, i);
    }
}

static void
on_site_changed (PpWindow *self)
{
  const char *dir = pp_wizard_context_get_site_dir (self->context);
  gtk_header_bar_set_subtitle (GTK_HEADER_BAR (self->header), dir);
  for (guint i = 0; i < self->pages->len; i++)
    pp_page_site_changed (g_ptr_array_index (self->pages, i));
}

gboolean
pp_window_open_site (PpWindow *self, const char *site_dir, GError **error)
{
  if (!pp_wizard_context_open_site (self->context, site_dir, error))
    return FALSE;
  g_settings_set_string (self->settings, "last-site", pp_wizard_context_get_site_dir (self->context));
  return TRUE;
}

static void
save_window_state (PpWindow *self)
{
  int w, h;
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (!maximized)
    {
      gtk_window_get_size (GTK_WINDOW (self), &w, &h);
      g_settings_set (self->settings, "window-size", "(ii)", w, h);
    }
}

static void
pp_window_dispose (GObject *object)
{
  PpWindow *self = PP_WINDOW (object);

  if (self->settings && gtk_widget_get_realized (GTK_WIDGET (self)))
    save_window_state (self);
  g_cancellable_cancel (self->apply_cancellable);
  g_clear_object (&self->apply_cancellable);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (pp_window_parent_class)->dispose (object);
}

static void
pp_window_class_init (PpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/window.ui");
  gtk_widget_class_bind_template_child (widget_class, PpWindow, header);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, next_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, error_bar);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_error_bar_response);
}

static void
pp_window_init (PpWindow *self)
{
  int w = 1024, h = 768;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->pages = g_ptr_array_new_with_free_func (g_object_unref);
  self->rows = g_ptr_array_new ();
  self->context = pp_wizard_context_new ();
  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->context, "site-changed", G_CALLBACK (on_site_changed), self,
                           G_CONNECT_SWAPPED);

  g_settings_get (self->settings, "window-size", "(ii)", &w, &h);
  gtk_window_set_default_size (GTK_WINDOW (self), MAX (w, 640), MAX (h, 480));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  build_pages (self);
  gtk_widget_grab_default (self->next_button);
}

PpWindow *
pp_window_new (GtkApplication *app, const char *site_dir)
{
  PpWindow *self = g_object_new (PP_TYPE_WINDOW, "application", app, NULL);
  g_autoptr(GError) error = NULL;

  if (!pp_window_open_site (self, site_dir, &error))
    show_error (self, error->message);
  pp_window_go_to (self, 0);
  return self;
}

guint pp_window_get_n_pages (PpWindow *self) { return self->pages->len; }
PpPage *pp_window_get_page (PpWindow *self, guint index) { return g_ptr_array_index (self->pages, index); }
guint pp_window_get_current (PpWindow *self) { return self->current; }
GtkWidget *pp_window_get_next_button (PpWindow *self) { return self->next_button; }
GtkWidget *pp_window_get_back_button (PpWindow *self) { return self->back_button; }
GtkWidget *pp_window_get_sidebar (PpWindow *self) { return self->sidebar; }
