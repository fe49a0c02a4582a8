/* PKI commands: ca init|import|sign|list, csr new, crl, export. */
#include "config.h"
#include "pp-cli.h"
#include "pp-error.h"
#include "pp-fileutil.h"
#include "pp-cert-details.h"
#include "pp-pki.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static gboolean
pp_cli_write_output (const char *out, const void *data, gsize len, gboolean secret, GError **error)
{
  if (out == NULL || g_str_equal (out, "-"))
    {
      if (fwrite (data, 1, len, stdout) != len || fflush (stdout) != 0)
        {
          g_set_error (error, PP_ERROR, PP_ERROR_IO, _("Could not write to standard output."));
          return FALSE;
        }
      return TRUE;
    }
  return pp_file_write_atomic (out, data, len, secret ? 0600 : 0644, error);
}

static int
cmd_ca_init (PpCliContext *ctx, int argc, char **argv)
{
  g_autofree char *cn = NULL, *suffix = NULL, *key_type = NULL, *pass_file = NULL;
  int days = 0;
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "cn", 0, 0, G_OPTION_ARG_STRING, &cn, N_("Common name of the CA"), N_("NAME") },
    { "dn-suffix", 0, 0, G_OPTION_ARG_STRING, &suffix, N_("Rest of the name, e.g. “O=Example, C=US”"), N_("DN") },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, N_("Validity in days (default 3650)"), N_("N") },
    { "key-type", 0, 0, G_OPTION_ARG_STRING, &key_type, N_("rsa2048 (default), rsa3072, rsa4096, ecdsa-p256, ecdsa-p384"), N_("TYPE") },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace, N_("Replace an existing CA"), NULL },
    PP_CLI_PASSPHRASE_ENTRY (pass_file),
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autofree char *pass = NULL, *pem = NULL;
  PpCaParams p = { 0 };

  if (!pp_cli_parse (&argc, &argv, entries, NULL, _("Create the site's local root CA.")))
    return PP_CLI_USAGE;
  if (argc > 1 || cn == NULL)
    return pp_cli_usage (_("ca init needs --cn NAME, for example “ca init --cn \"Example Phone CA\"”."));
  if (days < 0)
    return pp_cli_usage (_("--days must be positive."));
  p.key_type = PP_KEY_TYPE_DEFAULT;
  if (key_type && !pp_key_type_from_string (key_type, &p.key_type))
    return pp_cli_usage (_("Unknown key type “%s”; use rsa2048, rsa3072, rsa4096, ecdsa-p256 or ecdsa-p384."), key_type);
  if (!pp_cli_open (ctx, pass_file, &pass, &site))
    return PP_CLI_ERROR;
  p.common_name = cn;
  p.dn_suffix = suffix;
  p.validity_days = (guint) days;
  p.passphrase = pass;
  pem = pp_ca_create (site, &p, replace, NULL, &error);
  if (pem == NULL)
    return pp_cli_fail (error);
  fputs (pem, stdout);
  return PP_CLI_OK;
}

static int
cmd_ca_import (PpCliContext *ctx, int argc, char **argv)
{
  g_autofree char *key_file = NULL, *pass_file = NULL;
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_file, N_("The CA's private key (PEM or DER, PKCS #8 or OpenSSL form; not needed when CERT is PKCS #12)"), N_("KEY") },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace, N_("Replace the site's CA; its files are kept in pki/ca/old-<time>/"), NULL },
    PP_CLI_PASSPHRASE_ENTRY (pass_file),
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autofree char *cert_data = NULL, *key_data = NULL, *pass = NULL, *pem = NULL, *archived = NULL;
  gsize cert_len = 0, key_len = 0;

  if (!pp_cli_parse (&argc, &argv, entries, "CERT",
                     _("Make an existing CA (XCA, gnoMint, OpenSSL) the site's CA: its certificate and key, or one PKCS #12 file with both. The passphrase opens them and protects the stored key.")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("ca import needs the CA certificate file, for example “ca import ca.crt --key ca.key”."));
  if (!pp_cli_open (ctx, pass_file, &pass, NULL))
    return PP_CLI_ERROR;
  if (!pp_file_read (argv[1], 4 * 1024 * 1024, &cert_data, &cert_len, &error)
      || (key_file && !pp_file_read (key_file, 4 * 1024 * 1024, &key_data, &key_len, &error)))
    return pp_cli_fail (error);
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  pem = pp_ca_import (site, cert_data, cert_len, key_data, key_len, pass, replace, &archived, &error);
  if (key_data)
    explicit_bzero (key_data, key_len);
  if (pem == NULL)
    return pp_cli_fail (error);
  {
    g_autoptr(GPtrArray) certs = pp_certs_from_data (pem, strlen (pem), NULL);
    g_autofree char *subject = certs ? pp_cert_subject (certs->pdata[0]) : NULL;
    g_autofree char *fp = certs ? pp_cert_fingerprint (certs->pdata[0], GNUTLS_DIG_SHA256) : NULL;
    printf (_("Imported the CA “%s” (SHA-256 %s) into pki/ca/; it has issued nothing here yet.\n"),
            subject ? subject : "?", fp ? fp : "?");
    if (archived)
      printf (_("The previous CA's files are in pki/ca/%s/.\n"), archived);
    if (!pp_ca_key_is_encrypted (site))
      g_printerr (_("phoneprovctl: warning: the CA key is stored without a passphrase (pki/ca/ca.key, readable only by you). Give --passphrase-file to protect it.\n"));
  }
  return PP_CLI_OK;
}

static int
cmd_ca_sign (PpCliContext *ctx, int argc, char **argv)
{
  g_autofree char *csr = NULL, *tmpl_name = NULL, *out = NULL, *pass_file = NULL;
  int days = 0;
  const GOptionEntry entries[] = {
    { "csr", 0, 0, G_OPTION_ARG_FILENAME, &csr, N_("Sign this request (default: the site's pending server request, installed)"), N_("FILE") },
    { "template", 0, 0, G_OPTION_ARG_STRING, &tmpl_name, N_("web-server (default), client or sub-ca"), N_("T") },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, N_("Validity in days"), N_("N") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Write the certificate to FILE (default: standard output)"), N_("FILE") },
    PP_CLI_PASSPHRASE_ENTRY (pass_file),
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autofree char *pass = NULL;
  PpCertTemplate tmpl = PP_CERT_TEMPLATE_WEB_SERVER;

  if (!pp_cli_parse (&argc, &argv, entries, NULL, _("Issue a certificate with the site's CA.")))
    return PP_CLI_USAGE;
  if (argc > 1)
    return pp_cli_usage (_("ca sign takes no arguments; give the request with --csr FILE."));
  if (days < 0)
    return pp_cli_usage (_("--days must be positive."));
  if (tmpl_name && !pp_cert_template_from_string (tmpl_name, &tmpl))
    return pp_cli_usage (_("Unknown template “%s”; use web-server, client or sub-ca."), tmpl_name);
  if (csr == NULL && tmpl != PP_CERT_TEMPLATE_WEB_SERVER)
    return pp_cli_usage (_("The site's own server request is always signed with web-server; give --csr FILE for other templates."));
  if (!pp_cli_open (ctx, pass_file, &pass, &site))
    return PP_CLI_ERROR;
  if (csr == NULL)
    {
      g_autoptr(GBytes) crt = NULL;
      if (!pp_ca_sign_pending (site, (guint) days, pass, &error))
        return pp_cli_fail (error);
      crt = pp_pki_export (site, PP_PKI_OBJECT_SERVER, PP_EXPORT_PEM, NULL, PP_PKCS12_MODERN, &error);
      if (crt == NULL || (out && !pp_cli_write_output (out, g_bytes_get_data (crt, NULL), g_bytes_get_size (crt), FALSE, &error)))
        return pp_cli_fail (error);
      g_printerr (_("Signed and installed the server certificate (pki/server/server.crt).\n"));
      return PP_CLI_OK;
    }
  {
    g_autofree char *data = NULL, *pem = NULL;
    gsize len = 0;
    if (!pp_file_read (csr, 1024 * 1024, &data, &len, &error))
      return pp_cli_fail (error);
    pem = pp_ca_sign (site, data, len, tmpl, (guint) days, pass, &error);
    if (pem == NULL || !pp_cli_write_output (out, pem, strlen (pem), FALSE, &error))
      return pp_cli_fail (error);
  }
  return PP_CLI_OK;
}

static void
print_index_json (GPtrArray *list)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      PpCaIndexEntry *e = list->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "serial");
      json_builder_add_string_value (b, e->serial);
      json_builder_set_member_name (b, "subject");
      json_builder_add_string_value (b, e->subject);
      json_builder_set_member_name (b, "template");
      json_builder_add_string_value (b, e->template_name);
      json_builder_set_member_name (b, "not_before");
      json_builder_add_int_value (b, e->not_before);
      json_builder_set_member_name (b, "not_after");
      json_builder_add_int_value (b, e->not_after);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, pp_cert_status_to_string (e->status));
      json_builder_set_member_name (b, "revoked_at");
      json_builder_add_int_value (b, e->revoked_at);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  pp_cli_print_json (root);
}

static int
cmd_ca_list (PpCliContext *ctx, int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    PP_CLI_JSON_ENTRY (json),
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autoptr(GPtrArray) list = NULL;

  if (!pp_cli_parse (&argc, &argv, entries, NULL,
                     _("List the certificates the site's CA issued: serial, status, expiry, template, subject.")))
    return PP_CLI_USAGE;
  if (argc > 1)
    return pp_cli_usage (_("ca list takes no arguments."));
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  list = pp_ca_index_list (site, &error);
  if (list == NULL)
    return pp_cli_fail (error);
  if (json || ctx->json)
    {
      print_index_json (list);
      return PP_CLI_OK;
    }
  for (guint i = 0; i < list->len; i++)
    {
      PpCaIndexEntry *e = list->pdata[i];
      g_autoptr(GDateTime) to = g_date_time_new_from_unix_utc (e->not_after);
      g_autofree char *d = to ? g_date_time_format (to, "%Y-%m-%d") : g_strdup ("?");
      printf ("%s\t%s\t%s\t%s\t%s\n", e->serial, pp_cert_status_to_string (e->status), d,
              e->template_name, e->subject);
    }
  return PP_CLI_OK;
}

static int
cmd_csr_new (PpCliContext *ctx, int argc, char **argv)
{
  g_autofree char *cn = NULL, *friendly = NULL, *o = NULL, *ou = NULL, *c = NULL, *st = NULL, *l = NULL;
  g_autofree char *key_type = NULL, *out = NULL;
  g_auto(GStrv) dns = NULL, ips = NULL;
  gboolean ecdsa = FALSE;
  const GOptionEntry entries[] = {
    { "cn", 0, 0, G_OPTION_ARG_STRING, &cn, N_("Server name phones use (FQDN); also a SAN"), N_("FQDN") },
    { "friendly-name", 0, 0, G_OPTION_ARG_STRING, &friendly, N_("Friendly name"), N_("NAME") },
    { "org", 0, 0, G_OPTION_ARG_STRING, &o, N_("Organization (O)"), N_("O") },
    { "ou", 0, 0, G_OPTION_ARG_STRING, &ou, N_("Organizational unit (OU)"), N_("OU") },
    { "country", 0, 0, G_OPTION_ARG_STRING, &c, N_("Country/region, two letters (C)"), N_("C") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &st, N_("State or province (ST)"), N_("ST") },
    { "city", 0, 0, G_OPTION_ARG_STRING, &l, N_("City or locality (L)"), N_("L") },
    { "dns", 0, 0, G_OPTION_ARG_STRING_ARRAY, &dns, N_("Another DNS name (repeatable)"), N_("NAME") },
    { "ip", 0, 0, G_OPTION_ARG_STRING_ARRAY, &ips, N_("An IP address (repeatable)"), N_("ADDR") },
    { "key-type", 0, 0, G_OPTION_ARG_STRING, &key_type, N_("rsa2048 (default), rsa3072, rsa4096, ecdsa-p256, ecdsa-p384"), N_("TYPE") },
    { "ecdsa", 0, 0, G_OPTION_ARG_NONE, &ecdsa, N_("Also create a second ECDSA P-256 key and request"), NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Also write the request to FILE"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autofree char *pem = NULL;
  PpCsrParams p = { 0 };

  if (!pp_cli_parse (&argc, &argv, entries, NULL, _("Create the server key and certificate request.")))
    return PP_CLI_USAGE;
  if (argc > 1 || cn == NULL)
    return pp_cli_usage (_("csr new needs --cn FQDN, the name phones use to reach this server."));
  p.key_type = PP_KEY_TYPE_DEFAULT;
  if (key_type && !pp_key_type_from_string (key_type, &p.key_type))
    return pp_cli_usage (_("Unknown key type “%s”; use rsa2048, rsa3072, rsa4096, ecdsa-p256 or ecdsa-p384."), key_type);
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  p.common_name = cn;
  p.friendly_name = friendly;
  p.organization = o;
  p.org_unit = ou;
  p.country = c;
  p.state = st;
  p.locality = l;
  p.san_dns = (const char * const *) dns;
  p.san_ip = (const char * const *) ips;
  p.with_ecdsa = ecdsa;
  pem = pp_server_request_create (site, &p, NULL, &error);
  if (pem == NULL)
    return pp_cli_fail (error);
  if (out && !pp_cli_write_output (out, pem, strlen (pem), FALSE, &error))
    return pp_cli_fail (error);
  fputs (pem, stdout);
  return PP_CLI_OK;
}

static int
cmd_crl (PpCliContext *ctx, int argc, char **argv)
{
  g_autofree char *revoke = NULL, *pass_file = NULL, *out = NULL;
  int days = 0;
  const GOptionEntry entries[] = {
    { "revoke", 0, 0, G_OPTION_ARG_STRING, &revoke, N_("Revoke the certificate with this serial first"), N_("SERIAL") },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, N_("Next update in N days (default 365)"), N_("N") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Also write the CRL to FILE"), N_("FILE") },
    PP_CLI_PASSPHRASE_ENTRY (pass_file),
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autofree char *pass = NULL;

  if (!pp_cli_parse (&argc, &argv, entries, NULL, _("Revoke a certificate and/or regenerate the CRL (pki/ca/crl.pem).")))
    return PP_CLI_USAGE;
  if (argc > 1)
    return pp_cli_usage (_("crl takes no arguments; use --revoke SERIAL."));
  if (days < 0)
    return pp_cli_usage (_("--days must be positive."));
  if (!pp_cli_open (ctx, pass_file, &pass, &site))
    return PP_CLI_ERROR;
  /* Revocation regenerates the CRL itself; one new CRL number per command. */
  if (revoke && !pp_ca_revoke (site, revoke, pass, &error))
    return pp_cli_fail (error);
  if (revoke)
    crl = pp_pki_export (site, PP_PKI_OBJECT_CRL, PP_EXPORT_PEM, NULL, PP_PKCS12_MODERN, &error);
  else
    crl = pp_crl_generate (site, (guint) days, pass, &error);
  if (crl == NULL)
    return pp_cli_fail (error);
  if (out && !pp_cli_write_output (out, g_bytes_get_data (crl, NULL), g_bytes_get_size (crl), FALSE, &error))
    return pp_cli_fail (error);
  fwrite (g_bytes_get_data (crl, NULL), 1, g_bytes_get_size (crl), stdout);
  return PP_CLI_OK;
}

static int
cmd_export (PpCliContext *ctx, int argc, char **argv)
{
  g_autofree char *format_name = NULL, *out = NULL, *pass_file = NULL;
  gboolean legacy = FALSE;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, N_("pem (default), der, p7b or p12"), N_("FMT") },
    { "legacy", 0, 0, G_OPTION_ARG_NONE, &legacy, N_("PKCS #12 for old Windows/IIS: 3DES and SHA-1 MAC"), NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Write to FILE (default: standard output)"), N_("FILE") },
    PP_CLI_PASSPHRASE_ENTRY (pass_file),
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autofree char *pass = NULL;
  PpExportFormat format = PP_EXPORT_PEM;
  PpPkiObject object;

  if (!pp_cli_parse (&argc, &argv, entries, "ca|server|chain|csr|crl|key",
                     _("Export a certificate, chain, request or CRL; “server --format p12” includes the key, “key” is the server key as encrypted PKCS #8.")))
    return PP_CLI_USAGE;
  if (argc != 2 || !pp_pki_object_from_string (argv[1], &object))
    return pp_cli_usage (_("export needs one of ca, server, chain, csr, crl, key."));
  if (format_name && !pp_export_format_from_string (format_name, &format))
    return pp_cli_usage (_("Unknown format “%s”; use pem, der, p7b or p12."), format_name);
  if (!pp_cli_open (ctx, pass_file, &pass, NULL))
    return PP_CLI_ERROR;
  if (format == PP_EXPORT_PKCS12 && (out == NULL || g_str_equal (out, "-")) && isatty (STDOUT_FILENO))
    return pp_cli_usage (_("A PKCS #12 file is binary; give --out FILE."));
  site = pp_cli_open_site (ctx);
  if (site == NULL)
    return PP_CLI_ERROR;
  data = pp_pki_export (site, object, format, pass, legacy ? PP_PKCS12_LEGACY : PP_PKCS12_MODERN, &error);
  if (data == NULL
      || !pp_cli_write_output (out, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                               format == PP_EXPORT_PKCS12 || object == PP_PKI_OBJECT_KEY, &error))
    return pp_cli_fail (error);
  return PP_CLI_OK;
}

static int
cmd_cert_show (PpCliContext *ctx, int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *pass_file = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
    PP_CLI_PASSPHRASE_ENTRY (pass_file),
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpCertDetails) details = NULL;
  g_autoptr(PpImport) imp = NULL;
  g_autofree char *data = NULL, *pass = NULL;
  gsize len = 0;

  if (!pp_cli_parse (&argc, &argv, entries, "FILE", _("Show a certificate or certificate request.")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("cert show needs exactly one FILE."));
  if (!pp_file_read (argv[1], 4 * 1024 * 1024, &data, &len, &error))
    return pp_cli_fail (error);
  if (!pp_cli_open (ctx, pass_file, &pass, NULL))
    return PP_CLI_ERROR;
  /* Through the importer, so a PKCS #12 file shows its certificate too. */
  imp = pp_import_data (data, len, pass, &error);
  if (imp == NULL)
    return pp_cli_fail (error);
  if (imp->certs->len > 0)
    details = pp_cert_details_new_from_crt (imp->certs->pdata[0]);
  else if (imp->csr)
    details = pp_cert_details_new_from_crq (imp->csr);
  else
    return pp_cli_fail_msg (_("The file holds no certificate or certificate request to show."));
  if (json || ctx->json)
    {
      g_autoptr(JsonNode) node = pp_cert_details_to_json (details);
      pp_cli_print_json (node);
    }
  else
    {
      g_autofree char *text = pp_cert_details_to_text (details);
      fputs (text, stdout);
    }
  return PP_CLI_OK;
}

static int
cmd_cert_import (PpCliContext *ctx, int argc, char **argv)
{
  g_autofree char *pass_file = NULL;
  const GOptionEntry entries[] = {
    PP_CLI_PASSPHRASE_ENTRY (pass_file),
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSite) site = NULL;
  g_autofree char *pass = NULL, *data = NULL;
  gsize len = 0;

  if (!pp_cli_parse (&argc, &argv, entries, "FILE",
                     _("Import a server key with its certificate (PKCS #12/PFX, or PEM with key and chain).")))
    return PP_CLI_USAGE;
  if (argc != 2)
    return pp_cli_usage (_("cert import needs exactly one FILE."));
  if (!pp_cli_open (ctx, pass_file, &pass, &site))
    return PP_CLI_ERROR;
  if (!pp_file_read (argv[1], 4 * 1024 * 1024, &data, &len, &error)
      || !pp_server_identity_import (site, data, len, pass, &error))
    return pp_cli_fail (error);
  printf (_("Imported the server key and certificate.\n"));
  return PP_CLI_OK;
}

const PpCliCommand pp_cli_pki_commands[] = {
  { "ca init", "--cn NAME [--dn-suffix DN] [OPTIONS]", N_("Create the local root CA"), cmd_ca_init, TRUE },
  { "ca import", "CERT [--key KEY] [OPTIONS]", N_("Import an existing CA (certificate and key, or PKCS #12)"), cmd_ca_import, TRUE },
  { "ca sign", "[--csr FILE] [--template T]", N_("Issue a certificate (no --csr: sign and install the server request)"), cmd_ca_sign, TRUE },
  { "ca list", "[--json]", N_("List certificates the CA issued"), cmd_ca_list },
  { "csr new", "--cn FQDN [--dns N] [--ip A] …", N_("Create the server key and request"), cmd_csr_new, TRUE },
  { "cert show", "FILE [--json]", N_("Show a certificate or request (PEM, DER, PKCS #7, PKCS #12)"), cmd_cert_show },
  { "cert import", "FILE [--passphrase-file F]", N_("Import a server key and certificate (PFX/PKCS #12, PEM)"), cmd_cert_import, TRUE },
  { "crl", "[--revoke SERIAL]", N_("Revoke a certificate, regenerate the CRL"), cmd_crl, TRUE },
  { "export", "ca|server|chain|csr|crl|key [-f F]", N_("Export PEM, DER, PKCS #7 or PKCS #12"), cmd_export },
  { NULL }
};
