#include "config.h"
#include "pp-report.h"
#include "pp-cert-details.h"
#include "pp-cert-io.h"
#include "pp-error.h"
#include "pp-expiry.h"
#include "pp-fileutil.h"
#include "pp-htdigest.h"
#include "pp-phone-account.h"
#include "pp-phone-config.h"
#include "pp-pki.h"
#include "pp-trust.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static const PpTroubleshootingEntry troubleshooting[] = {
  { N_("How can I tell that mutual TLS is working?"),
    N_("Open the Monitor step, or run “phoneprovctl server events”. Every HTTPS request shows the phone's MAC address taken from its device certificate, its model and firmware, the TLS version and the cipher; logs/access.log records the certificate subject of each request. In the phone's log, the application downloads <MAC>.cfg from https://… without errors.") },
  { N_("The phone is refused during the TLS handshake (“unknown issuer” in the Monitor)."),
    N_("The trust store does not hold the CA that issued the phone's device certificate. Import the Polycom Root CA and the Polycom Equipment Policy and Issuing CAs on the “Trust the phones” step (phoneprovctl trust add FILE). This is the bulletin's “intermediate certificates are not downloaded” problem.") },
  { N_("The phone's device certificate has expired."),
    N_("Some phones left the factory with short-lived certificates. Set https.accept-expired-polycom=true: only certificates of the genuine Polycom hierarchy are then accepted past their date, and every such request is logged.") },
  { N_("The phone never reaches the HTTPS site, or rejects the server."),
    N_("The phone does not trust this server yet: install the CA certificate on the phone (“Phone trusts the server”) and compare the MD5 fingerprint. The server certificate must name the exact address phones use (FQDN in CN and SAN); wildcard certificates fail unless device.sec.TLS.prov.strictCertCommonNameValidation is off.") },
  { N_("Old phones (UC Software before 4.0.15) fail the handshake."),
    N_("They speak only TLS 1.0 with RSA key exchange and cannot use ECDSA: keep the TLS profile “compatible” and an RSA server key.") },
  { N_("The bootROM gets 401 Unauthorized from the HTTP site."),
    N_("Compare the phone's Server User and Server Password with the phone account, and check the realm. Digest authentication needs bootROM 4.2.0 or later.") },
  { N_("Settings made on the phone are lost after a reboot."),
    N_("The phone could not upload its override files. Check in the Monitor that PUT requests for <MAC>-phone.cfg succeed, and that the file name matches boot.upload-patterns.") },
  { N_("How can I verify a custom certificate is installed on the phone?"),
    N_("Authorized technicians with access to the serial console type “copy ca-bundle.crt” at the serial prompt: the last entry is the custom certificate. Compare its MD5 fingerprint with the one in this report.") },
  { N_("How can I erase the certificates I've installed on the phone?"),
    N_("Perform a MAC reset, which restores the phone's factory defaults, or overwrite the custom certificate by installing a new one.") },
  { N_("The server certificate or the CA is about to expire."),
    N_("phoneprov warns 30 days ahead in the wizard, in “phoneprovctl server status” and in this report. Issue a new server certificate before the date; a new CA must also be installed on every phone.") },
};

const PpTroubleshootingEntry *
pp_troubleshooting_get (guint *n_entries)
{
  *n_entries = G_N_ELEMENTS (troubleshooting);
  return troubleshooting;
}

/* ---- HTML helpers ---------------------------------------------------------- */

static void
esc (GString *s, const char *text)
{
  g_autofree char *e = g_markup_escape_text (text ? text : "", -1);
  g_string_append (s, e);
}

static void
row (GString *s, const char *label, const char *value, const char *cls)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append (s, "<tr><th>");
  esc (s, label);
  g_string_append_printf (s, "</th><td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
  esc (s, value);
  g_string_append (s, "</td></tr>\n");
}

static char *
format_date (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

static const PpCertField *
find_field (PpCertDetails *d, const char *section, const char *key)
{
  GPtrArray *sections = pp_cert_details_get_sections (d);

  for (guint i = 0; i < sections->len; i++)
    {
      const PpCertSection *sec = sections->pdata[i];
      if (section && g_strcmp0 (sec->key, section) != 0)
        continue;
      for (guint j = 0; j < sec->fields->len; j++)
        {
          const PpCertField *f = sec->fields->pdata[j];
          if (g_strcmp0 (f->key, key) == 0)
            return f;
        }
    }
  return NULL;
}

static char *
field_text (const PpCertField *f)
{
  if (f == NULL)
    return NULL;
  if (f->kind == PP_CERT_FIELD_LIST)
    return f->list ? g_strjoinv (", ", f->list) : NULL;
  if (f->kind == PP_CERT_FIELD_HEX && f->bytes)
    return pp_hex_format (g_bytes_get_data (f->bytes, NULL), g_bytes_get_size (f->bytes), ':');
  return g_strdup (f->text);
}

/* ---- sections -------------------------------------------------------------- */

static void
add_diagram (GString *s, PpSite *site)
{
  g_autofree char *http = pp_site_phone_address (site, FALSE);
  g_autofree char *https = pp_site_phone_address (site, TRUE);
  g_autofree char *boot = pp_site_get_boot_dir (site);
  g_autoptr(GString) svg = g_string_new (NULL);
  g_autofree char *b64 = NULL;
  g_autofree char *t_phone = g_markup_escape_text (_("Polycom phone"), -1);
  g_autofree char *t_cert = g_markup_escape_text (_("device certificate"), -1);
  g_autofree char *t_boot = g_markup_escape_text (_("bootROM: HTTP + digest"), -1);
  g_autofree char *t_app = g_markup_escape_text (_("application: HTTPS + mutual TLS"), -1);
  g_autofree char *t_dir = g_markup_escape_text (_("Boot directory"), -1);
  g_autofree char *e_http = g_markup_escape_text (http, -1);
  g_autofree char *e_https = g_markup_escape_text (https, -1);
  g_autofree char *e_boot = g_markup_escape_text (boot, -1);

  g_string_append_printf (svg,
    "<svg xmlns='http://www.w3.org/2000/svg' width='880' height='200' viewBox='0 0 880 200' font-family='sans-serif' font-size='14'>"
    "<defs><marker id='a' markerWidth='10' markerHeight='10' refX='9' refY='3' orient='auto'><path d='M0,0 L9,3 L0,6 z' fill='#3d5a80'/></marker></defs>"
    "<rect x='10' y='60' width='170' height='80' rx='10' fill='#e8eef6' stroke='#3d5a80'/>"
    "<text x='95' y='95' text-anchor='middle' font-weight='bold'>%s</text>"
    "<text x='95' y='118' text-anchor='middle' fill='#555'>%s</text>"
    "<rect x='340' y='15' width='320' height='70' rx='10' fill='#fff' stroke='#3d5a80'/>"
    "<text x='500' y='45' text-anchor='middle' font-weight='bold'>http://%s</text>"
    "<text x='500' y='68' text-anchor='middle' fill='#555'>%s</text>"
    "<rect x='340' y='115' width='320' height='70' rx='10' fill='#fff' stroke='#2a7a3b' stroke-width='2'/>"
    "<text x='500' y='145' text-anchor='middle' font-weight='bold'>https://%s</text>"
    "<text x='500' y='168' text-anchor='middle' fill='#2a7a3b'>%s</text>"
    "<rect x='700' y='60' width='170' height='80' rx='10' fill='#f6f1e8' stroke='#8a6d3b'/>"
    "<text x='785' y='95' text-anchor='middle' font-weight='bold'>%s</text>"
    "<text x='785' y='118' text-anchor='middle' fill='#555' font-size='11'>%s</text>"
    "<path d='M180,85 L335,50' stroke='#3d5a80' stroke-width='2' marker-end='url(#a)'/>"
    "<path d='M180,115 L335,150' stroke='#2a7a3b' stroke-width='2' marker-end='url(#a)'/>"
    "<path d='M660,50 L695,90' stroke='#8a6d3b' stroke-width='2' marker-end='url(#a)'/>"
    "<path d='M660,150 L695,110' stroke='#8a6d3b' stroke-width='2' marker-end='url(#a)'/>"
    "</svg>",
    t_phone, t_cert, e_http, t_boot, e_https, t_app, t_dir,
    strlen (e_boot) > 28 ? "…" : e_boot);
  b64 = g_base64_encode ((const guchar *) svg->str, svg->len);
  g_string_append_printf (s, "<figure><img alt=\"%s\" src=\"data:image/svg+xml;base64,%s\"></figure>\n",
                          t_app, b64);
}

static void
add_sites (GString *s, PpSite *site)
{
  g_autofree char *boot = pp_site_get_boot_dir (site);
  struct { const char *key; gboolean https; } sites[] = { { "http", FALSE }, { "https", TRUE } };

  g_string_append_printf (s, "<h2>1. %s</h2>\n", _("Addresses and ports"));
  g_string_append (s, "<table class=\"grid\"><tr>");
  g_string_append_printf (s, "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
                          _("Site"), _("Description"), _("Listens on"), _("Address for phones"), _("Security"));
  for (guint i = 0; i < G_N_ELEMENTS (sites); i++)
    {
      g_autofree char *en = g_strdup_printf ("%s.enabled", sites[i].key);
      g_autofree char *dk = g_strdup_printf ("%s.description", sites[i].key);
      g_autofree char *ak = g_strdup_printf ("%s.address", sites[i].key);
      g_autofree char *pk = g_strdup_printf ("%s.port", sites[i].key);
      g_autofree char *desc = pp_site_get (site, dk);
      g_autofree char *addr = pp_site_get (site, ak);
      g_autofree char *port = pp_site_get (site, pk);
      g_autofree char *listen = g_str_equal (addr, "*") ? g_strdup_printf (_("port %s on every address"), port)
                                                        : g_strdup_printf ("%s:%s", addr, port);
      g_autofree char *phone = pp_site_phone_address (site, sites[i].https);
      g_autofree char *url = g_strdup_printf ("%s://%s/", sites[i].https ? "https" : "http", phone);
      g_autofree char *sec = NULL;

      if (sites[i].https)
        {
          g_autofree char *mode = pp_site_get (site, "https.client-certs");
          g_autofree char *profile = pp_site_get (site, "https.profile");
          const char *p = g_str_equal (profile, "modern") ? _("modern (TLS 1.2 and 1.3)") : _("compatible (TLS 1.0 to 1.3)");
          const char *m = g_str_equal (mode, "required") ? _("required (mutual TLS)")
                        : g_str_equal (mode, "optional") ? _("accepted when sent") : _("ignored");
          sec = g_strdup_printf (_("TLS profile %s; client certificates %s%s"), p, m,
                                 pp_site_get_bool (site, "https.digest") ? _("; digest authentication") : "");
        }
      else
        {
          g_autofree char *realm = pp_site_get (site, "http.realm");
          sec = pp_site_get_bool (site, "http.digest")
                ? g_strdup_printf (_("digest authentication, realm “%s”"), realm)
                : g_strdup (_("no authentication"));
        }
      g_string_append_printf (s, "<tr><td>%s</td><td>", sites[i].https ? _("HTTPS (application)") : _("HTTP (bootROM)"));
      esc (s, desc);
      g_string_append (s, "</td><td>");
      esc (s, pp_site_get_bool (site, en) ? listen : _("disabled"));
      g_string_append (s, "</td><td class=\"mono\">");
      esc (s, url);
      g_string_append (s, "</td><td>");
      esc (s, sec);
      g_string_append (s, "</td></tr>\n");
    }
  g_string_append (s, "</table>\n<table class=\"kv\">\n");
  row (s, _("Boot directory"), boot, "mono");
  row (s, _("Site folder"), pp_site_get_dir (site), "mono");
  {
    g_auto(GStrv) patterns = pp_site_get_patterns (site, "boot.upload-patterns");
    g_autofree char *joined = g_strjoinv (" ", patterns);
    row (s, _("Files phones may upload"), joined, "mono");
  }
  g_string_append (s, "</table>\n");
}

static int
compare_strings (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
add_accounts (GString *s, PpSite *site)
{
  g_autofree char *user = NULL;
  g_autofree char *realm = pp_site_get (site, "http.realm");
  g_autofree char *path = pp_site_path (site, "auth/htdigest");
  g_autoptr(GHashTable) users = pp_htdigest_load (path, realm, NULL);
  g_autofree char *names = NULL;

  g_string_append_printf (s, "<h2>2. %s</h2>\n<table class=\"kv\">\n", _("Accounts"));
  if (pp_phone_account_load (site, &user, NULL, NULL))
    row (s, _("Phone account (Server User)"), user, "mono");
  row (s, _("Digest realm"), realm, "mono");
  if (users && g_hash_table_size (users) > 0)
    {
      g_autofree const char **keys = (const char **) g_hash_table_get_keys_as_array (users, NULL);
      g_qsort_with_data (keys, g_hash_table_size (users), sizeof (char *), compare_strings, NULL);
      names = g_strjoinv (", ", (char **) keys);
    }
  row (s, _("Accounts in auth/htdigest"), names, "mono");
  g_string_append (s, "</table>\n<p class=\"note\">");
  esc (s, _("Passwords are never written to this report. The phone account's password is in auth/phone.account on the server (readable by its owner only)."));
  g_string_append (s, "</p>\n");
}

static void
add_cert (GString *s, PpSite *site, const char *title, GBytes *pem, const char *friendly, gint64 now)
{
  g_autoptr(PpCertDetails) d = pem ? pp_cert_details_new_from_bytes (pem, NULL) : NULL;
  GDateTime *exp, *act;
  g_autofree char *exp_text = NULL, *act_text = NULL, *purposes = NULL, *key = NULL;
  g_autofree char *sans = NULL, *serial = NULL, *alg = NULL, *size = NULL, *curve = NULL;
  const char *cls = NULL;
  gint64 days = 0;

  if (d == NULL)
    return;
  exp = pp_cert_details_get_expires (d);
  act = pp_cert_details_get_activates (d);
  if (exp)
    {
      g_autofree char *date = format_date (g_date_time_to_unix (exp));
      days = pp_expiry_days_left (g_date_time_to_unix (exp), now);
      if (days < 0)
        exp_text = g_strdup_printf (_("%s (expired)"), date);
      else
        exp_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (in %d day)",
                                                 "%s (in %d days)", (gulong) days),
                                    date, (int) days);
      cls = days < PP_EXPIRY_WARN_DAYS ? "warn" : NULL;
    }
  if (act)
    act_text = format_date (g_date_time_to_unix (act));
  purposes = g_strjoinv (", ", (char **) pp_cert_details_get_purposes (d));
  sans = field_text (find_field (d, "extension:2.5.29.17", "names"));
  serial = field_text (find_field (d, NULL, "serial"));
  alg = field_text (find_field (d, "public-key", "algorithm"));
  size = field_text (find_field (d, "public-key", "size"));
  curve = field_text (find_field (d, "public-key", "curve"));
  key = g_strdup_printf ("%s %s%s%s", alg ? alg : "", curve ? curve : (size ? size : ""),
                         size && !curve ? _(" bits") : "", "");

  g_string_append (s, "<div class=\"card\"><h3>");
  esc (s, title);
  g_string_append (s, "</h3>\n<table class=\"kv\">\n");
  row (s, _("Issued To"), pp_cert_details_get_identity (d), NULL);
  row (s, _("Issued By"), pp_cert_details_get_verified_by (d), NULL);
  row (s, _("Valid From"), act_text, NULL);
  row (s, _("Expiration Date"), exp_text, cls);
  row (s, _("Intended Purpose"), purposes, NULL);
  row (s, _("Friendly Name"), friendly, NULL);
  row (s, _("Country/Region"), pp_cert_details_get_subject_part (d, GNUTLS_OID_X520_COUNTRY_NAME), NULL);
  row (s, _("State"), pp_cert_details_get_subject_part (d, GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME), NULL);
  row (s, _("City"), pp_cert_details_get_subject_part (d, GNUTLS_OID_X520_LOCALITY_NAME), NULL);
  row (s, _("Organization"), pp_cert_details_get_subject_part (d, GNUTLS_OID_X520_ORGANIZATION_NAME), NULL);
  row (s, _("Organizational Unit"), pp_cert_details_get_subject_part (d, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME), NULL);
  row (s, _("Subject Alternative Names"), sans, "mono");
  row (s, _("Public Key"), key, NULL);
  row (s, _("Serial Number"), serial, "mono");
  row (s, "SHA-256", pp_cert_details_get_fingerprint (d, "sha256"), "mono");
  row (s, "SHA-1", pp_cert_details_get_fingerprint (d, "sha1"), "mono");
  row (s, _("MD5 (shown by the phone)"), pp_cert_details_get_fingerprint (d, "md5"), "mono");
  g_string_append (s, "</table></div>\n");
}

static GBytes *
read_bytes (PpSite *site, const char *rel)
{
  g_autofree char *path = pp_site_path (site, rel);
  char *data = NULL;
  gsize len = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS) || !pp_file_read (path, 1024 * 1024, &data, &len, NULL))
    return NULL;
  return g_bytes_new_take (data, len);
}

static void
add_certificates (GString *s, PpSite *site, gint64 now)
{
  g_autoptr(GBytes) server = read_bytes (site, "pki/server/server.crt");
  g_autoptr(GBytes) ecdsa = read_bytes (site, "pki/server/server-ecdsa.crt");
  g_autoptr(GBytes) root = pp_site_get_root_for_phones (site);
  g_autoptr(GBytes) chain = read_bytes (site, "pki/server/chain.pem");
  g_autofree char *friendly = pp_server_get_friendly_name (site);
  g_autoptr(GPtrArray) certs = NULL;

  g_string_append_printf (s, "<h2>3. %s</h2>\n", _("Certificates"));
  if (server == NULL && root == NULL)
    {
      g_string_append (s, "<p>");
      esc (s, _("No certificates yet: the certificate steps of the wizard have not been done."));
      g_string_append (s, "</p>\n");
      return;
    }
  if (server)
    add_cert (s, site, _("Server certificate (HTTPS site)"), server, friendly, now);
  else
    {
      g_string_append (s, "<p class=\"warn\">");
      esc (s, _("No server certificate is installed: the HTTPS site cannot start."));
      g_string_append (s, "</p>\n");
    }
  if (ecdsa)
    add_cert (s, site, _("Server certificate, ECDSA (offered to phones that accept it)"), ecdsa, friendly, now);
  /* Intermediates between the server certificate and the root. */
  certs = chain ? pp_certs_from_data (g_bytes_get_data (chain, NULL), g_bytes_get_size (chain), NULL) : NULL;
  for (guint i = 1; certs && i < certs->len; i++)
    {
      g_autofree char *pem = NULL;
      g_autoptr(GBytes) b = NULL;
      if (pp_cert_is_self_signed (certs->pdata[i]) || (pem = pp_cert_to_pem (certs->pdata[i], NULL)) == NULL)
        continue;
      b = g_bytes_new (pem, strlen (pem));
      add_cert (s, site, _("Intermediate CA"), b, NULL, now);
    }
  if (root)
    add_cert (s, site, pp_ca_exists (site) ? _("Certificate authority (local, trusted by the phones)")
                                           : _("Root CA (trusted by the phones)"), root, NULL, now);
}

static void
add_trust (GString *s, PpSite *site)
{
  g_autoptr(GPtrArray) entries = pp_trust_list (site, NULL);

  g_string_append_printf (s, "<h2>4. %s</h2>\n<p>", _("Trust store for phone certificates"));
  esc (s, _("The HTTPS site accepts a phone only when its device certificate chains to one of these certificates (pki/trust/)."));
  g_string_append (s, "</p>\n");
  if (entries == NULL || entries->len == 0)
    {
      g_string_append (s, "<p class=\"warn\">");
      esc (s, _("The trust store is empty: no phone can connect to the HTTPS site. Import the Polycom Root CA and its intermediates."));
      g_string_append (s, "</p>\n");
      return;
    }
  g_string_append_printf (s, "<table class=\"grid\"><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
                          _("Certificate"), _("Kind"), _("Valid until"), "SHA-256", _("Status"));
  for (guint i = 0; i < entries->len; i++)
    {
      PpTrustEntry *e = entries->pdata[i];
      g_autofree char *until = format_date (e->not_after);
      const char *kind = e->kind == PP_TRUST_ANCHOR ? _("Root (anchor)")
                       : e->kind == PP_TRUST_INTERMEDIATE ? _("Intermediate")
                       : e->kind == PP_TRUST_DAMAGED ? _("Damaged file") : _("Revocation list");
      g_string_append (s, "<tr><td>");
      esc (s, e->label ? e->label : e->subject);
      g_string_append (s, "</td><td>");
      esc (s, kind);
      g_string_append (s, "</td><td>");
      esc (s, until);
      g_string_append (s, "</td><td class=\"mono small\">");
      esc (s, e->sha256);
      g_string_append (s, "</td><td>");
      if (e->polycom == PP_POLYCOM_GENUINE)
        g_string_append_printf (s, "<span class=\"badge ok\">%s</span>", _("genuine Polycom"));
      else if (e->warning)
        {
          g_string_append (s, "<span class=\"badge bad\">");
          esc (s, e->warning);
          g_string_append (s, "</span>");
        }
      else
        g_string_append (s, "—");
      g_string_append (s, "</td></tr>\n");
    }
  g_string_append (s, "</table>\n");
}

static void
add_steps_list (GString *s, const char *markup)
{
  g_auto(GStrv) lines = g_strsplit (markup, "\n", -1);

  g_string_append (s, "<ol>\n");
  for (guint i = 0; lines[i]; i++)
    {
      const char *l = lines[i];
      /* The steps come numbered ("1. …") for a label; the list numbers them here. */
      while (g_ascii_isdigit (*l))
        l++;
      if (*l == '.')
        l++;
      g_string_append_printf (s, "<li>%s</li>\n", g_strstrip ((char *) l));
    }
  g_string_append (s, "</ol>\n");
}

static void
add_phone (GString *s, PpSite *site)
{
  g_autoptr(GBytes) root = pp_site_get_root_for_phones (site);
  g_autoptr(PpCertDetails) d = root ? pp_cert_details_new_from_bytes (root, NULL) : NULL;
  g_autofree char *spip = pp_phone_menu_steps (site, FALSE);
  g_autofree char *vvx = pp_phone_menu_steps (site, TRUE);
  g_autofree char *cfg = root ? pp_phone_config_generate (site, root) : NULL;

  g_string_append_printf (s, "<h2>5. %s</h2>\n", _("On the phone: trust this server"));
  if (d)
    {
      g_string_append (s, "<p class=\"md5\">");
      esc (s, _("MD5 fingerprint the phone shows before “Accept”:"));
      g_string_append (s, "<br><span class=\"mono big\">");
      esc (s, pp_cert_details_get_fingerprint (d, "md5"));
      g_string_append (s, "</span></p>\n");
    }
  g_string_append_printf (s, "<div class=\"cols\"><div><h3>%s</h3>\n", _("SoundPoint IP / SoundStation IP"));
  add_steps_list (s, spip);
  g_string_append_printf (s, "</div><div><h3>%s</h3>\n", _("VVX"));
  add_steps_list (s, vvx);
  g_string_append (s, "</div></div>\n");

  g_string_append_printf (s, "<h2>6. %s</h2>\n<p>", _("Phone configuration file"));
  if (cfg == NULL)
    {
      esc (s, _("Available once the site has a CA certificate."));
      g_string_append (s, "</p>\n");
      return;
    }
  esc (s, _("Instead of the menu steps, add this file (phoneprov-https.cfg in the boot directory) to CONFIG_FILES. It is built from the parameters documented in polycomConfig.xsd; it installs this site's CA and switches provisioning to HTTPS. Changing device settings can reboot the phone; set device.set back to 0 once every phone has taken it."));
  g_string_append (s, "</p>\n<pre>");
  esc (s, cfg);
  g_string_append (s, "</pre>\n");
}

static void
add_troubleshooting (GString *s)
{
  g_string_append_printf (s, "<h2>7. %s</h2>\n<table class=\"grid\"><tr><th>%s</th><th>%s</th></tr>\n",
                          _("Troubleshooting"), _("Issue"), _("Do the following"));
  for (guint i = 0; i < G_N_ELEMENTS (troubleshooting); i++)
    {
      g_string_append (s, "<tr><td>");
      esc (s, _(troubleshooting[i].issue));
      g_string_append (s, "</td><td>");
      esc (s, _(troubleshooting[i].remedy));
      g_string_append (s, "</td></tr>\n");
    }
  g_string_append (s, "</table>\n");
}

static const char css[] =
  "body{font-family:'DejaVu Sans',Cantarell,'Segoe UI',sans-serif;color:#222;margin:0;background:#f4f5f7}"
  "main{max-width:980px;margin:0 auto;background:#fff;padding:24px 40px 40px}"
  "header{background:#3d5a80;color:#fff;padding:24px 40px;max-width:980px;margin:0 auto}"
  "header h1{margin:0 0 4px;font-size:26px}header p{margin:0;opacity:.85}"
  "h2{color:#3d5a80;border-bottom:2px solid #e0e6ef;padding-bottom:4px;margin-top:36px}"
  "h3{margin:18px 0 8px}"
  "table{border-collapse:collapse;width:100%;margin:8px 0}"
  "th,td{text-align:left;vertical-align:top;padding:6px 8px}"
  "table.grid th{background:#e8eef6}table.grid td{border-bottom:1px solid #e0e6ef}"
  "table.kv th{width:30%;color:#555;font-weight:normal}table.kv td{border-bottom:1px solid #f0f0f0}"
  ".mono{font-family:'DejaVu Sans Mono',monospace;overflow-wrap:anywhere}"
  ".small{font-size:11px}.big{font-size:18px}"
  ".card{border:1px solid #e0e6ef;border-radius:8px;padding:4px 16px 12px;margin:12px 0;break-inside:avoid}"
  ".warn{color:#a51d2d;font-weight:bold}"
  ".alert{background:#fdecea;border-left:6px solid #c01c28;padding:12px 16px;margin:16px 0}"
  ".ok-box{background:#e9f6ec;border-left:6px solid #2a7a3b;padding:12px 16px;margin:16px 0}"
  ".badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px}"
  ".badge.ok{background:#2a7a3b;color:#fff}.badge.bad{background:#fdecea;color:#a51d2d}"
  ".note{color:#555;font-size:13px}"
  ".md5{background:#f6f1e8;padding:12px 16px;border-radius:8px}"
  ".cols{display:flex;gap:24px}.cols>div{flex:1}"
  "li{margin:4px 0}"
  "pre{background:#272822;color:#f8f8f2;padding:12px;border-radius:6px;font-size:11px;white-space:pre-wrap;word-break:break-all}"
  "figure{margin:16px 0;text-align:center}figure img{max-width:100%}"
  "footer{color:#777;font-size:12px;margin-top:40px}"
  "@media print{body{background:#fff}main,header{max-width:none}.cols{display:block}}";

char *
pp_report_generate (PpSite *site, gint64 now, GError **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *name = NULL, *date = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  /* TRANSLATORS: the language code of the report's HTML ("de" in German). */
  const char *lang = C_("report language code", "en");

  g_return_val_if_fail (site != NULL, NULL);
  if (now == 0)
    now = g_get_real_time () / G_USEC_PER_SEC;
  name = pp_site_get (site, "site.name");
  date = format_date (now);
  warnings = pp_expiry_check (site, now, PP_EXPIRY_WARN_DAYS);

  g_string_append_printf (s, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n<title>", lang);
  esc (s, name);
  g_string_append (s, " — ");
  esc (s, _("Provisioning site report"));
  g_string_append_printf (s, "</title>\n<style>%s</style></head><body>\n<header><h1>", css);
  esc (s, name);
  g_string_append (s, "</h1><p>");
  {
    g_autofree char *sub = g_strdup_printf (_("Mutual-TLS provisioning for Polycom phones — site report of %s"), date);
    esc (s, sub);
  }
  g_string_append (s, "</p></header>\n<main>\n");

  if (warnings->len > 0)
    for (guint i = 0; i < warnings->len; i++)
      {
        PpExpiryWarning *w = warnings->pdata[i];
        g_string_append (s, "<div class=\"alert\">");
        esc (s, w->message);
        g_string_append (s, "</div>\n");
      }
  g_string_append (s, "<p>");
  esc (s, _("Phones start with the bootROM, which fetches its files over HTTP with digest authentication; the application then provisions over HTTPS, where the server and the phone each prove who they are with a certificate (mutual TLS). Both sites serve the same boot directory."));
  g_string_append (s, "</p>\n");
  add_diagram (s, site);
  add_sites (s, site);
  add_accounts (s, site);
  add_certificates (s, site, now);
  add_trust (s, site);
  add_phone (s, site);
  add_troubleshooting (s);
  g_string_append (s, "<footer>");
  {
    g_autofree char *foot = g_strdup_printf (_("Written by phoneprov %s. This report holds no private keys and no passwords."), PACKAGE_VERSION);
    esc (s, foot);
  }
  g_string_append (s, "</footer>\n</main></body></html>\n");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

gboolean
pp_report_write (PpSite *site, const char *path, gint64 now, GError **error)
{
  g_autofree char *html = pp_report_generate (site, now, error);

  if (html == NULL)
    return FALSE;
  return pp_file_write_atomic (path, html, strlen (html), 0644, error);
}
