#include "config.h"
#include "pp-cert-view.h"

#include <glib/gi18n.h>

struct _PpCertView {
  GtkBox         parent_instance;
  GtkWidget     *empty_label;
  GtkWidget     *summary_grid;
  GtkWidget     *sections_box;
  PpCertDetails *details;
  GHashTable    *texts;     /* "section/field" → shown text */
};

G_DEFINE_FINAL_TYPE (PpCertView, pp_cert_view, GTK_TYPE_BOX)

static char *
field_text (const PpCertField *f)
{
  switch (f->kind)
    {
    case PP_CERT_FIELD_TEXT:
      return g_strdup (f->text ? f->text : "");
    case PP_CERT_FIELD_LIST:
      return f->list ? g_strjoinv ("\n", f->list) : g_strdup ("");
    case PP_CERT_FIELD_HEX:
      if (f->bytes)
        {
          gsize len = 0;
          const guint8 *data = g_bytes_get_data (f->bytes, &len);
          return pp_hex_format (data, len, ':');
        }
      return g_strdup ("");
    default:
      return g_strdup ("");
    }
}

static void
on_copy_clicked (GtkButton *button, gpointer user_data)
{
  const char *text = g_object_get_data (G_OBJECT (button), "text");
  GtkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (button), GDK_SELECTION_CLIPBOARD);
  gtk_clipboard_set_text (clipboard, text, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), _("Copied"));
}

static void
clear_container (GtkWidget *container)
{
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (container));
  for (GList *l = children; l; l = l->next)
    gtk_widget_destroy (l->data);
}

static void
add_fields (PpCertView *self, GtkGrid *grid, const PpCertSection *section)
{
  gboolean copyable = g_strcmp0 (section->key, "fingerprints") == 0;

  for (guint i = 0; i < section->fields->len; i++)
    {
      const PpCertField *f = section->fields->pdata[i];
      g_autofree char *text = field_text (f);
      GtkWidget *label = gtk_label_new (f->label);
      GtkWidget *value = gtk_label_new (text);
      g_autofree char *key = g_strdup_printf ("%s/%s", section->key, f->key ? f->key : f->label);

      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_label_set_yalign (GTK_LABEL (label), 0.0);
      gtk_style_context_add_class (gtk_widget_get_style_context (label), "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 0.0);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_label_set_line_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_line_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (value), 64);
      gtk_widget_set_hexpand (value, TRUE);
      /* Selectable labels take focus on Tab; keep the name for screen readers. */
      atk_object_set_name (gtk_widget_get_accessible (value), f->label);
      atk_object_set_description (gtk_widget_get_accessible (value), text);
      if (f->kind == PP_CERT_FIELD_HEX)
        {
          PangoAttrList *attrs = pango_attr_list_new ();
          pango_attr_list_insert (attrs, pango_attr_family_new ("Monospace"));
          gtk_label_set_attributes (GTK_LABEL (value), attrs);
          pango_attr_list_unref (attrs);
        }
      gtk_grid_attach (grid, label, 0, (int) i, 1, 1);
      gtk_grid_attach (grid, value, 1, (int) i, 1, 1);
      if (copyable)
        {
          GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic", GTK_ICON_SIZE_BUTTON);
          g_autofree char *name = g_strdup_printf (_("Copy the %s fingerprint"), f->label);
          gtk_widget_set_tooltip_text (copy, name);
          gtk_widget_set_valign (copy, GTK_ALIGN_START);
          atk_object_set_name (gtk_widget_get_accessible (copy), name);
          g_object_set_data_full (G_OBJECT (copy), "text", g_strdup (text), g_free);
          g_signal_connect (copy, "clicked", G_CALLBACK (on_copy_clicked), NULL);
          gtk_grid_attach (grid, copy, 2, (int) i, 1, 1);
        }
      g_hash_table_replace (self->texts, g_steal_pointer (&key), g_steal_pointer (&text));
    }
}

static void
rebuild (PpCertView *self)
{
  GPtrArray *sections;

  clear_container (self->summary_grid);
  clear_container (self->sections_box);
  g_hash_table_remove_all (self->texts);
  gtk_widget_set_visible (self->empty_label, self->details == NULL);
  if (self->details == NULL)
    return;
  sections = pp_cert_details_get_sections (self->details);
  for (guint i = 0; i < sections->len; i++)
    {
      const PpCertSection *s = sections->pdata[i];
      if (s->important)
        {
          add_fields (self, GTK_GRID (self->summary_grid), s);
        }
      else
        {
          GtkWidget *expander = gtk_expander_new (NULL);
          GtkWidget *title = gtk_label_new (NULL);
          GtkWidget *grid = gtk_grid_new ();
          g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", s->label);

          gtk_label_set_markup (GTK_LABEL (title), markup);
          gtk_expander_set_label_widget (GTK_EXPANDER (expander), title);
          atk_object_set_name (gtk_widget_get_accessible (expander), s->label);
          gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
          gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
          g_object_set (grid, "margin-start", 18, "margin-top", 4, "margin-bottom", 6, NULL);
          add_fields (self, GTK_GRID (grid), s);
          gtk_container_add (GTK_CONTAINER (expander), grid);
          /* What the phone shows before "Accept" is the MD5: keep it open. */
          gtk_expander_set_expanded (GTK_EXPANDER (expander), g_strcmp0 (s->key, "fingerprints") == 0);
          gtk_container_add (GTK_CONTAINER (self->sections_box), expander);
        }
    }
  gtk_widget_show_all (self->summary_grid);
  gtk_widget_show_all (self->sections_box);
}

void
pp_cert_view_set_details (PpCertView *self, PpCertDetails *details)
{
  g_return_if_fail (PP_IS_CERT_VIEW (self));
  if (details)
    g_object_ref (details);
  g_clear_object (&self->details);
  self->details = details;
  rebuild (self);
}

PpCertDetails *
pp_cert_view_get_details (PpCertView *self)
{
  return self->details;
}

gboolean
pp_cert_view_set_data (PpCertView *self, GBytes *data, GError **error)
{
  g_autoptr(PpCertDetails) details = data ? pp_cert_details_new_from_bytes (data, error) : NULL;
  pp_cert_view_set_details (self, details);
  return details != NULL;
}

const char *
pp_cert_view_get_field_text (PpCertView *self, const char *section, const char *field)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", section, field);
  return g_hash_table_lookup (self->texts, key);
}

static void
pp_cert_view_dispose (GObject *object)
{
  PpCertView *self = PP_CERT_VIEW (object);
  g_clear_object (&self->details);
  g_clear_pointer (&self->texts, g_hash_table_unref);
  G_OBJECT_CLASS (pp_cert_view_parent_class)->dispose (object);
}

static void
pp_cert_view_class_init (PpCertViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pp_cert_view_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/cert-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PpCertView, empty_label);
  gtk_widget_class_bind_template_child (widget_class, PpCertView, summary_grid);
  gtk_widget_class_bind_template_child (widget_class, PpCertView, sections_box);
}

static void
pp_cert_view_init (PpCertView *self)
{
  self->texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pp_cert_view_new (void)
{
  return g_object_new (PP_TYPE_CERT_VIEW, NULL);
}
