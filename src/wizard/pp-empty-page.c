#include "config.h"
#include "pp-empty-page.h"

struct _PpEmptyPage {
  PpPage     parent_instance;
  GtkWidget *heading;
};

G_DEFINE_FINAL_TYPE (PpEmptyPage, pp_empty_page, PP_TYPE_PAGE)

static void
on_title_changed (PpEmptyPage *self)
{
  gtk_label_set_text (GTK_LABEL (self->heading), pp_page_get_title (PP_PAGE (self)));
}

static void
pp_empty_page_class_init (PpEmptyPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/empty-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PpEmptyPage, heading);
}

static void
pp_empty_page_init (PpEmptyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "notify::title", G_CALLBACK (on_title_changed), NULL);
}
