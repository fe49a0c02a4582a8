#include "config.h"
#include "pp-pages.h"
#include "pp-boot-page.h"
#include "pp-empty-page.h"
#include "pp-summary-page.h"
#include "pp-monitor-page.h"
#include "pp-mtls-page.h"
#include "pp-trust-page.h"
#include "pp-phone-trust-page.h"
#include "pp-issue-page.h"
#include "pp-csr-page.h"
#include "pp-ca-page.h"
#include "pp-https-page.h"
#include "pp-http-page.h"
#include "pp-overview-page.h"

#include <glib/gi18n.h>

static const PpPageInfo pages[] = {
  { "overview", N_("Overview"), N_("Overview and Mutual TLS Requirements"), pp_overview_page_get_type },
  { "boot", N_("Boot directory"), N_("Creating a Directory"), pp_boot_page_get_type },
  { "http", N_("HTTP site"), N_("Creating the HTTP Virtual Server"), pp_http_page_get_type },
  { "https", N_("HTTPS site"), N_("Creating the HTTPS Virtual Server"), pp_https_page_get_type },
  { "ca", N_("Certificate authority"), N_("Installing the Certificate Service"), pp_ca_page_get_type },
  { "csr", N_("Server certificate request"), N_("Creating the Server Certificate"), pp_csr_page_get_type },
  { "issue", N_("Issue and install"), N_("Installing the Server Certificate"), pp_issue_page_get_type },
  { "phone-trust", N_("Phone trusts the server"), N_("Installing the Root CA Certificate on the Phone"), pp_phone_trust_page_get_type },
  { "trust", N_("Trust the phones"), N_("Installing the Polycom Root CA Certificate"), pp_trust_page_get_type },
  { "mtls", N_("Require client certificates"), N_("Enabling Mutual TLS"), pp_mtls_page_get_type },
  { "monitor", N_("Monitor"), N_("Troubleshooting"), pp_monitor_page_get_type },
  { "summary", N_("Summary"), N_("Export and report"), pp_summary_page_get_type },
};

const PpPageInfo *
pp_pages_get (guint *n_pages)
{
  *n_pages = G_N_ELEMENTS (pages);
  return pages;
}

PpPage *
pp_pages_create (const PpPageInfo *info, PpWizardContext *context)
{
  PpPage *page = g_object_new (info->get_type (),
                               "id", info->id,
                               "title", _(info->title),
                               NULL);
  pp_page_set_context (page, context);
  return page;
}
