#include "config.h"
#include "pp-live-check.h"
#include "pp-boot-import.h"
#include "pp-checks.h"
#include "pp-error.h"
#include "pp-site.h"

#include <glib/gi18n.h>

/* A file of the boot directory to fetch in checks: one every phone asks
 * for when there is one. */
static char *
pick_check_file (const char *boot_dir)
{
  static const char *preferred[] = { "000000000000.cfg", "sip.ld", "bootrom.ld", "sip.ver" };
  g_autoptr(GPtrArray) files = pp_boot_list (boot_dir, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (preferred); i++)
    {
      g_autofree char *p = g_build_filename (boot_dir, preferred[i], NULL);
      if (g_file_test (p, G_FILE_TEST_IS_REGULAR))
        return g_strdup (preferred[i]);
    }
  if (files && files->len)
    return g_strdup (((PpBootFile *) files->pdata[0])->name);
  return g_strdup ("000000000000.cfg");
}

void
pp_live_target_free (PpLiveTarget *target)
{
  if (target == NULL)
    return;
  pp_site_status_free (target->status);
  g_free (target->base_url);
  g_free (target->check_file);
  g_free (target);
}

/* Why the site is not running, as the page that started it says it. */
static GError *
not_running_error (const char *scheme, const PpSiteStatus *status)
{
  const char *reason = status ? status->error : NULL;

  if (g_str_equal (scheme, "http"))
    return g_error_new (PP_ERROR, PP_ERROR_FAILED, _("The HTTP site did not start: %s"),
                        reason ? reason
                        : _("the server gave no reason. Check logs/ in the site folder, or choose another port."));
  return g_error_new (PP_ERROR, PP_ERROR_FAILED, _("The HTTPS site is not running: %s"),
                      reason ? reason : _("install the server certificate first (Issue and install)."));
}

PpLiveTarget *
pp_live_target_from_apply (PpPage *page, GAsyncResult *result, const char *scheme)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) status = pp_daemon_apply_finish (result, &error);
  g_autoptr(PpLiveTarget) target = NULL;
  g_autofree char *boot = NULL;

  if (!pp_page_is_alive (page))
    return NULL;
  if (status == NULL)
    {
      pp_page_apply_failed (page, error);
      return NULL;
    }
  target = g_new0 (PpLiveTarget, 1);
  target->status = pp_site_status_from_json (status, scheme);
  if (target->status == NULL || !target->status->running)
    {
      error = not_running_error (scheme, target->status);
      pp_page_apply_failed (page, error);
      return NULL;
    }
  target->base_url = pp_site_status_local_url (target->status, scheme);
  boot = pp_site_get_boot_dir (pp_page_get_site (page));
  target->check_file = pick_check_file (boot);
  return g_steal_pointer (&target);
}

gboolean
pp_live_check_show (PpPage *page, GtkListBox *list, GPtrArray *results,
                    const GError *error, const char *failed)
{
  if (!pp_page_is_alive (page))
    return FALSE;
  if (results == NULL)
    {
      pp_page_apply_failed (page, error);
      return FALSE;
    }
  pp_check_list_show (list, results);
  if (!pp_check_results_all_ok (results))
    {
      g_autoptr(GError) check_error = g_error_new_literal (PP_ERROR, PP_ERROR_FAILED, failed);
      pp_page_apply_failed (page, check_error);
      return FALSE;
    }
  return TRUE;
}
