/* The certificate-details model behind the wizard's certificate view and
 * `phoneprovctl cert show`: every extension of an arbitrary certificate or
 * request turned into text. Properties: every label and value is UTF-8;
 * the JSON form is valid JSON that parses back; a certificate has SHA-256,
 * SHA-1 and MD5 fingerprints of the right length. */
#include "config.h"
#include "fuzz-common.h"
#include "pp-cert-details.h"
#include "pp-error.h"

#include <string.h>

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  gnutls_global_init ();
  return 0;
}

static void
utf8 (const char *what, const char *s)
{
  if (s != NULL)
    FUZZ_CHECK (g_utf8_validate (s, -1, NULL), "%s is not UTF-8", what);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpCertDetails) details = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *json = NULL, *text = NULL;
  GPtrArray *sections;

  details = pp_cert_details_new_from_data (data, size, &error);
  if (details == NULL)
    {
      FUZZ_CHECK (error != NULL && error->message[0] != '\0', "refusal without a message");
      utf8 ("error message", error->message);
      return 0;
    }

  sections = pp_cert_details_get_sections (details);
  FUZZ_CHECK (sections != NULL && sections->len > 0, "no sections");
  for (guint i = 0; i < sections->len; i++)
    {
      const PpCertSection *s = sections->pdata[i];
      utf8 ("section label", s->label);
      for (guint j = 0; j < s->fields->len; j++)
        {
          const PpCertField *f = s->fields->pdata[j];
          utf8 ("field label", f->label);
          utf8 (f->key ? f->key : "field", f->text);
          for (guint k = 0; f->list && f->list[k]; k++)
            utf8 ("list item", f->list[k]);
        }
    }
  utf8 ("identity", pp_cert_details_get_identity (details));
  utf8 ("verified by", pp_cert_details_get_verified_by (details));
  for (const char * const *p = pp_cert_details_get_purposes (details); p && *p; p++)
    utf8 ("purpose", *p);
  if (!pp_cert_details_is_request (details))
    {
      const char *sha256 = pp_cert_details_get_fingerprint (details, "sha256");
      const char *md5 = pp_cert_details_get_fingerprint (details, "md5");
      FUZZ_CHECK (sha256 && strlen (sha256) == 95, "sha256 fingerprint");
      FUZZ_CHECK (md5 && strlen (md5) == 47, "md5 fingerprint");
    }

  text = pp_cert_details_to_text (details);
  utf8 ("text form", text);
  node = pp_cert_details_to_json (details);
  json = json_to_string (node, FALSE);
  utf8 ("JSON form", json);
  parser = json_parser_new ();
  FUZZ_CHECK (json_parser_load_from_data (parser, json, -1, &error), "JSON does not parse back: %s",
              error->message);
  return 0;
}
