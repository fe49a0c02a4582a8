#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One wizard step (modelled on gnome-initial-setup's GisPage).
 *
 * A page has a title, a `complete` flag (the step is done on this site), an
 * `applying` flag, and an async apply() that changes the site and the running
 * daemon. The window listens to notify:: on the current page to set Back/Next
 * and shows a spinner while applying. */

#define PP_TYPE_PAGE (pp_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (PpPage, pp_page, PP, PAGE, GtkBin)

typedef struct _PpWizardContext PpWizardContext;

struct _PpPageClass {
  GtkBinClass parent_class;

  /* The page became visible (refresh what it shows). */
  void (*shown) (PpPage *page);
  /* Apply the step. Must end with pp_page_apply_complete(). NULL: nothing to apply. */
  void (*apply) (PpPage *page, GCancellable *cancellable);
  /* The site changed (opened another site, another page applied). */
  void (*site_changed) (PpPage *page);

  gpointer padding[8];
};

const char *pp_page_get_id (PpPage *page);
const char *pp_page_get_title (PpPage *page);
void        pp_page_set_title (PpPage *page, const char *title);
gboolean    pp_page_get_complete (PpPage *page);
void        pp_page_set_complete (PpPage *page, gboolean complete);
gboolean    pp_page_get_applying (PpPage *page);
/* Short status for the sidebar and the header, e.g. an error sentence. */
const char *pp_page_get_status (PpPage *page);
void        pp_page_set_status (PpPage *page, const char *status);

/* Shared state of the wizard (the open site etc.); owned by the window. */
PpWizardContext *pp_page_get_context (PpPage *page);
void             pp_page_set_context (PpPage *page, PpWizardContext *context);

void        pp_page_shown (PpPage *page);
void        pp_page_site_changed (PpPage *page);
gboolean    pp_page_can_apply (PpPage *page);
void        pp_page_apply (PpPage *page, GCancellable *cancellable);
/* Called by subclasses when apply() finishes. */
void        pp_page_apply_complete (PpPage *page, gboolean ok);
/* apply() failed: show @error's sentence and finish. */
void        pp_page_apply_failed (PpPage *page, const GError *error);
/* An error outside apply() (an import, a copy): shown by the window. */
void        pp_page_report_error (PpPage *page, const GError *error);

/* FALSE once the page is being destroyed: async callbacks check it before
 * touching widgets (template children are gone by then). */
gboolean    pp_page_is_alive (PpPage *page);

/* The open site (NULL before one is opened). */
typedef struct _PpSite PpSite;
PpSite     *pp_page_get_site (PpPage *page);

G_END_DECLS
