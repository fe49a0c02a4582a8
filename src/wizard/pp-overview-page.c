#include "config.h"
#include "pp-overview-page.h"
#include "pp-site.h"

#include <glib/gi18n.h>

struct _PpOverviewPage {
  PpPage     parent_instance;
  GtkWidget *diagram;
  GtkWidget *site_label;
};

G_DEFINE_FINAL_TYPE (PpOverviewPage, pp_overview_page, PP_TYPE_PAGE)

/* A box of at least @min_h around its text, centred on @cy; returns the
 * height it took (translations can need more lines than English). */
static double
draw_box (cairo_t *cr, GtkStyleContext *style, double x, double cy, double w, double min_h,
          const char *title, const char *subtitle, GtkWidget *widget)
{
  g_autoptr(PangoLayout) layout = NULL;
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>\n<small>%s</small>", title, subtitle);
  int tw, th;
  double h;

  layout = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_markup (layout, markup, -1);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_width (layout, (int) ((w - 8) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_get_pixel_size (layout, &tw, &th);
  h = MAX (min_h, th + 12);
  cairo_rectangle (cr, x, cy - h / 2, w, h);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  gtk_render_layout (style, cr, x + 4, cy - th / 2.0, layout);
  return h;
}

static void
draw_arrow (cairo_t *cr, GtkStyleContext *style, GtkWidget *widget,
            double x1, double y, double x2, const char *text)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  g_autofree char *markup = g_markup_printf_escaped ("<small>%s</small>", text);
  int tw, th;

  cairo_move_to (cr, x1, y);
  cairo_line_to (cr, x2, y);
  cairo_move_to (cr, x2 - 8, y - 5);
  cairo_line_to (cr, x2, y);
  cairo_line_to (cr, x2 - 8, y + 5);
  cairo_stroke (cr);
  pango_layout_set_markup (layout, markup, -1);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_width (layout, (int) ((x2 - x1) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_get_pixel_size (layout, &tw, &th);
  gtk_render_layout (style, cr, x1, y - th - 4, layout);
}

static gboolean
on_diagram_draw (GtkWidget *widget, cairo_t *cr, PpOverviewPage *self)
{
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  double w = gtk_widget_get_allocated_width (widget);
  double h = gtk_widget_get_allocated_height (widget);
  double bw = MIN (180, w / 4.5), bh = 60;
  double left = 16, right = w - bw - 16, mid = (w - bw) / 2, boot_h;
  PpSite *site = pp_page_get_site (PP_PAGE (self));
  g_autofree char *http_port = NULL, *https_port = NULL, *http_sub = NULL, *https_sub = NULL;
  GdkRGBA fg;

  gtk_style_context_get_color (style, gtk_style_context_get_state (style), &fg);
  gdk_cairo_set_source_rgba (cr, &fg);

  draw_box (cr, style, left, h / 2, bw, bh, _("Polycom phone"),
            _("bootROM, then the SIP application; device certificate CN=<MAC>"), widget);
  /* The site's own ports: an admin who moved them sees where phones go. */
  http_port = site ? pp_site_get (site, "http.port") : NULL;
  https_port = site ? pp_site_get (site, "https.port") : NULL;
  http_sub = g_strdup_printf (_("port %s, digest authentication"), http_port ? http_port : "80");
  https_sub = g_strdup_printf (_("port %s, mutual TLS"), https_port ? https_port : "443");
  draw_box (cr, style, mid, 16 + bh / 2, bw, bh, _("HTTP site"), http_sub, widget);
  draw_box (cr, style, mid, h - 16 - bh / 2, bw, bh, _("HTTPS site"), https_sub, widget);
  boot_h = draw_box (cr, style, right, h / 2, bw, bh, _("Boot directory"),
                     _("firmware, configuration, logs the phones upload"), widget);

  draw_arrow (cr, style, widget, left + bw, 16 + bh / 2, mid, _("1. bootROM"));
  draw_arrow (cr, style, widget, left + bw, h - 16 - bh / 2, mid, _("2. application"));
  draw_arrow (cr, style, widget, mid + bw, 16 + bh / 2, right + bw / 2 - 1, _("read, write"));
  draw_arrow (cr, style, widget, mid + bw, h - 16 - bh / 2, right + bw / 2 - 1, _("read, write"));
  cairo_move_to (cr, right + bw / 2, 16 + bh / 2);
  cairo_line_to (cr, right + bw / 2, h / 2 - boot_h / 2);
  cairo_move_to (cr, right + bw / 2, h - 16 - bh / 2);
  cairo_line_to (cr, right + bw / 2, h / 2 + boot_h / 2);
  cairo_stroke (cr);
  return FALSE;
}

static void
pp_overview_page_site_changed (PpPage *page)
{
  PpOverviewPage *self = PP_OVERVIEW_PAGE (page);
  PpSite *site = pp_page_get_site (page);
  g_autofree char *text = NULL;

  if (site == NULL)
    return;
  text = g_strdup_printf (_("This wizard sets up the site in %s. Everything it creates (keys, certificates, boot files, accounts) stays in that folder."),
                          pp_site_get_dir (site));
  gtk_label_set_text (GTK_LABEL (self->site_label), text);
  gtk_widget_queue_draw (self->diagram);
  pp_page_set_complete (page, TRUE);
}

static void
pp_overview_page_class_init (PpOverviewPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PpPageClass *page_class = PP_PAGE_CLASS (klass);

  page_class->site_changed = pp_overview_page_site_changed;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/phoneprov/Phoneprov/ui/overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PpOverviewPage, diagram);
  gtk_widget_class_bind_template_child (widget_class, PpOverviewPage, site_label);
  gtk_widget_class_bind_template_callback (widget_class, on_diagram_draw);
}

static void
pp_overview_page_init (PpOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
