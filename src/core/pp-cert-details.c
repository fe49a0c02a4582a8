/* Certificate / request -> sections of labelled fields (gcr's data half). */
#include "config.h"
#include "pp-cert-details.h"
#include "pp-cert-io.h"
#include "pp-error.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/x509-ext.h>
#include <string.h>

struct _PpCertDetails {
  GObject     parent_instance;
  gboolean    is_request;
  GPtrArray  *sections;
  char       *identity;
  char       *verified_by;
  GDateTime  *expires;
  GDateTime  *activates;
  GPtrArray  *purposes;     /* char*, kept NULL-terminated by GLib */
  GHashTable *subject;      /* oid -> first value */
  GHashTable *fingerprints; /* "sha256" -> hex */
};

G_DEFINE_FINAL_TYPE (PpCertDetails, pp_cert_details, G_TYPE_OBJECT)

char *
pp_hex_format (const guint8 *data, gsize len, char sep)
{
  GString *s = g_string_sized_new (len * 3);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && sep)
        g_string_append_c (s, sep);
      g_string_append_printf (s, "%02X", data[i]);
    }
  return g_string_free (s, FALSE);
}

static void
field_free (PpCertField *f)
{
  g_free (f->label);
  g_free (f->key);
  g_free (f->text);
  g_strfreev (f->list);
  g_clear_pointer (&f->bytes, g_bytes_unref);
  g_free (f);
}

static void
section_free (PpCertSection *s)
{
  g_free (s->label);
  g_free (s->key);
  g_ptr_array_unref (s->fields);
  g_free (s);
}

static PpCertSection *
add_section (PpCertDetails *self, const char *key, const char *label, gboolean important)
{
  PpCertSection *s = g_new0 (PpCertSection, 1);
  s->key = g_strdup (key);
  s->label = g_strdup (label);
  s->important = important;
  s->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  g_ptr_array_add (self->sections, s);
  return s;
}

static void
add_text (PpCertSection *s, const char *key, const char *label, const char *text)
{
  PpCertField *f = g_new0 (PpCertField, 1);
  f->key = g_strdup (key);
  f->label = g_strdup (label);
  f->kind = PP_CERT_FIELD_TEXT;
  /* Values come from the certificate: labels and JSON need UTF-8. */
  f->text = g_utf8_make_valid (text ? text : "", -1);
  g_ptr_array_add (s->fields, f);
}

static void
add_list (PpCertSection *s, const char *key, const char *label, GPtrArray *items)
{
  PpCertField *f = g_new0 (PpCertField, 1);
  f->key = g_strdup (key);
  f->label = g_strdup (label);
  f->kind = PP_CERT_FIELD_LIST;
  f->list = g_new0 (char *, items->len + 1);
  for (guint i = 0; i < items->len; i++)
    f->list[i] = g_utf8_make_valid (items->pdata[i], -1);
  g_ptr_array_add (s->fields, f);
}

/* "DNS: name" with the whole value: printf's %.*s would stop at a NUL
 * and show "prov.example.com" for "prov.example.com\0.evil.example". */
static char *
san_text (const char *kind, const gnutls_datum_t *d)
{
  g_autofree char *v = g_utf8_make_valid ((const char *) d->data, d->size);
  return g_strdup_printf ("%s: %s", kind, v);
}

static void
add_hex (PpCertSection *s, const char *key, const char *label, const void *data, gsize len)
{
  PpCertField *f = g_new0 (PpCertField, 1);
  f->key = g_strdup (key);
  f->label = g_strdup (label);
  f->kind = PP_CERT_FIELD_HEX;
  f->bytes = g_bytes_new (data, len);
  g_ptr_array_add (s->fields, f);
}

static void
pp_cert_details_finalize (GObject *object)
{
  PpCertDetails *self = PP_CERT_DETAILS (object);
  g_ptr_array_unref (self->sections);
  g_free (self->identity);
  g_free (self->verified_by);
  g_clear_pointer (&self->expires, g_date_time_unref);
  g_clear_pointer (&self->activates, g_date_time_unref);
  g_ptr_array_unref (self->purposes);
  g_hash_table_unref (self->subject);
  g_hash_table_unref (self->fingerprints);
  G_OBJECT_CLASS (pp_cert_details_parent_class)->finalize (object);
}

static void
pp_cert_details_class_init (PpCertDetailsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pp_cert_details_finalize;
}

static void
pp_cert_details_init (PpCertDetails *self)
{
  self->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) section_free);
  self->purposes = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->subject = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->fingerprints = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

/* ---- names ---------------------------------------------------------------- */

static const char *
oid_label (const char *oid)
{
  static const struct { const char *oid; const char *label; } names[] = {
    { GNUTLS_OID_X520_COMMON_NAME, N_("Common Name (CN)") },
    { GNUTLS_OID_X520_ORGANIZATION_NAME, N_("Organization (O)") },
    { GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, N_("Organizational Unit (OU)") },
    { GNUTLS_OID_X520_COUNTRY_NAME, N_("Country/Region (C)") },
    { GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME, N_("State (ST)") },
    { GNUTLS_OID_X520_LOCALITY_NAME, N_("City (L)") },
    { GNUTLS_OID_PKCS9_EMAIL, N_("Email") },
    { GNUTLS_OID_LDAP_DC, N_("Domain Component (DC)") },
    { "2.5.29.17", N_("Subject Alternative Name") },
    { "2.5.29.19", N_("Basic Constraints") },
    { "2.5.29.15", N_("Key Usage") },
    { "2.5.29.37", N_("Extended Key Usage") },
    { "2.5.29.14", N_("Subject Key Identifier") },
    { "2.5.29.35", N_("Authority Key Identifier") },
    { "2.5.29.31", N_("CRL Distribution Points") },
    { "2.5.29.32", N_("Certificate Policies") },
    { "1.3.6.1.5.5.7.1.1", N_("Authority Information Access") },
    { GNUTLS_KP_TLS_WWW_SERVER, N_("Server Authentication") },
    { GNUTLS_KP_TLS_WWW_CLIENT, N_("Client Authentication") },
    { GNUTLS_KP_CODE_SIGNING, N_("Code Signing") },
    { GNUTLS_KP_EMAIL_PROTECTION, N_("Email Protection") },
    { GNUTLS_KP_OCSP_SIGNING, N_("OCSP Signing") },
    { GNUTLS_KP_TIME_STAMPING, N_("Time Stamping") },
    { GNUTLS_KP_ANY, N_("Any Purpose") },
  };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (oid, names[i].oid))
      return _(names[i].label);
  return NULL;
}

typedef int (*DnOidFunc) (void *obj, unsigned idx, void *oid, size_t *size);
typedef int (*DnByOidFunc) (void *obj, const char *oid, unsigned idx, unsigned raw, void *buf, size_t *size);

static void
add_dn (PpCertDetails *self, PpCertSection *s, void *obj, DnOidFunc get_oid, DnByOidFunc get_by_oid,
        gboolean remember)
{
  for (unsigned i = 0; i < 32; i++)
    {
      char oid[128];
      size_t oid_size = sizeof oid;
      if (get_oid (obj, i, oid, &oid_size) < 0)
        break;
      for (unsigned k = 0; k < 16; k++)
        {
          char buf[1024];
          size_t size = sizeof buf;
          const char *label = oid_label (oid);
          if (get_by_oid (obj, oid, k, 0, buf, &size) < 0)
            break;
          add_text (s, oid, label ? label : oid, buf);
          if (remember && k == 0)
            g_hash_table_insert (self->subject, g_strdup (oid), g_utf8_make_valid (buf, -1));
        }
    }
}

static char *
format_time (GDateTime *dt)
{
  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC") : g_strdup ("");
}

/* ---- extensions ----------------------------------------------------------- */

static void
describe_extension (PpCertDetails *self, PpCertSection *s, const char *oid, const gnutls_datum_t *der)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  if (g_str_equal (oid, "2.5.29.17"))
    {
      gnutls_subject_alt_names_t sans;
      gnutls_subject_alt_names_init (&sans);
      if (gnutls_x509_ext_import_subject_alt_names (der, sans, 0) >= 0)
        for (unsigned i = 0;; i++)
          {
            unsigned type;
            gnutls_datum_t san, othero;
            if (gnutls_subject_alt_names_get (sans, i, &type, &san, &othero) < 0)
              break;
            if (type == GNUTLS_SAN_DNSNAME)
              g_ptr_array_add (items, san_text ("DNS", &san));
            else if (type == GNUTLS_SAN_IPADDRESS && (san.size == 4 || san.size == 16))
              {
                g_autoptr(GInetAddress) a = g_inet_address_new_from_bytes (san.data, san.size == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
                g_autofree char *ip = g_inet_address_to_string (a);
                g_ptr_array_add (items, g_strdup_printf ("IP: %s", ip));
              }
            else if (type == GNUTLS_SAN_RFC822NAME)
              g_ptr_array_add (items, san_text ("Email", &san));
            else if (type == GNUTLS_SAN_URI)
              g_ptr_array_add (items, san_text ("URI", &san));
            else
              g_ptr_array_add (items, g_strdup_printf (_("Other name (type %u)"), type));
          }
      gnutls_subject_alt_names_deinit (sans);
      add_list (s, "names", _("Names"), items);
    }
  else if (g_str_equal (oid, "2.5.29.19"))
    {
      unsigned ca = 0;
      int pathlen = -1;
      if (gnutls_x509_ext_import_basic_constraints (der, &ca, &pathlen) >= 0)
        {
          add_text (s, "ca", _("Certificate Authority"), ca ? _("Yes") : _("No"));
          if (ca && pathlen >= 0)
            {
              g_autofree char *p = g_strdup_printf ("%d", pathlen);
              add_text (s, "pathlen", _("Maximum Path Length"), p);
            }
        }
    }
  else if (g_str_equal (oid, "2.5.29.15"))
    {
      static const struct { unsigned bit; const char *name; } usages[] = {
        { GNUTLS_KEY_DIGITAL_SIGNATURE, N_("Digital Signature") },
        { GNUTLS_KEY_NON_REPUDIATION, N_("Non Repudiation") },
        { GNUTLS_KEY_KEY_ENCIPHERMENT, N_("Key Encipherment") },
        { GNUTLS_KEY_DATA_ENCIPHERMENT, N_("Data Encipherment") },
        { GNUTLS_KEY_KEY_AGREEMENT, N_("Key Agreement") },
        { GNUTLS_KEY_KEY_CERT_SIGN, N_("Certificate Signature") },
        { GNUTLS_KEY_CRL_SIGN, N_("CRL Signature") },
      };
      unsigned usage = 0;
      if (gnutls_x509_ext_import_key_usage (der, &usage) >= 0)
        for (guint i = 0; i < G_N_ELEMENTS (usages); i++)
          if (usage & usages[i].bit)
            g_ptr_array_add (items, g_strdup (_(usages[i].name)));
      add_list (s, "usages", _("Usages"), items);
    }
  else if (g_str_equal (oid, "2.5.29.37"))
    {
      gnutls_x509_key_purposes_t kp;
      gnutls_x509_key_purpose_init (&kp);
      if (gnutls_x509_ext_import_key_purposes (der, kp, 0) >= 0)
        for (unsigned i = 0;; i++)
          {
            gnutls_datum_t p;
            g_autofree char *o = NULL;
            const char *label;
            if (gnutls_x509_key_purpose_get (kp, i, &p) < 0)
              break;
            o = g_strndup ((const char *) p.data, p.size);
            label = oid_label (o);
            g_ptr_array_add (items, g_strdup (label ? label : o));
            g_ptr_array_add (self->purposes, g_strdup (label ? label : o));
          }
      gnutls_x509_key_purpose_deinit (kp);
      add_list (s, "purposes", _("Purposes"), items);
    }
  else if (g_str_equal (oid, "2.5.29.14"))
    {
      gnutls_datum_t id = { NULL, 0 };
      if (gnutls_x509_ext_import_subject_key_id (der, &id) >= 0)
        {
          add_hex (s, "key_id", _("Key Identifier"), id.data, id.size);
          gnutls_free (id.data);
        }
    }
  else if (g_str_equal (oid, "2.5.29.35"))
    {
      gnutls_x509_aki_t aki;
      gnutls_datum_t id = { NULL, 0 };
      gnutls_x509_aki_init (&aki);
      if (gnutls_x509_ext_import_authority_key_id (der, aki, 0) >= 0
          && gnutls_x509_aki_get_id (aki, &id) >= 0)
        add_hex (s, "key_id", _("Key Identifier"), id.data, id.size);
      gnutls_x509_aki_deinit (aki);
    }
  else
    add_hex (s, "value", _("Value"), der->data, der->size);
}

typedef int (*ExtInfoFunc) (void *obj, unsigned idx, void *oid, size_t *size, unsigned *critical);
typedef int (*ExtDataFunc) (void *obj, unsigned idx, gnutls_datum_t *data);

static void
add_extensions (PpCertDetails *self, void *obj, ExtInfoFunc info, ExtDataFunc data)
{
  for (unsigned i = 0; i < 64; i++)
    {
      char oid[128];
      size_t size = sizeof oid;
      unsigned critical = 0;
      gnutls_datum_t der = { NULL, 0 };
      g_autofree char *key = NULL, *label = NULL;
      const char *name;
      PpCertSection *s;

      if (info (obj, i, oid, &size, &critical) < 0)
        break;
      if (data (obj, i, &der) < 0)
        continue;
      name = oid_label (oid);
      key = g_strdup_printf ("extension:%s", oid);
      label = g_strdup_printf (_("Extension: %s"), name ? name : oid);
      s = add_section (self, key, label, FALSE);
      add_text (s, "oid", _("Identifier"), oid);
      add_text (s, "critical", _("Critical"), critical ? _("Yes") : _("No"));
      describe_extension (self, s, oid, &der);
      gnutls_free (der.data);
    }
}

/* ---- common sections ------------------------------------------------------ */

static void
add_fingerprints (PpCertDetails *self, const gnutls_datum_t *der)
{
  static const struct { const char *key; const char *label; gnutls_digest_algorithm_t algo; } fps[] = {
    { "sha256", "SHA-256", GNUTLS_DIG_SHA256 },
    { "sha1", "SHA-1", GNUTLS_DIG_SHA1 },
    { "md5", "MD5", GNUTLS_DIG_MD5 },
  };
  PpCertSection *s = add_section (self, "fingerprints", _("Fingerprints"), FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (fps); i++)
    {
      guint8 out[64];
      gnutls_hash_fast (fps[i].algo, der->data, der->size, out);
      add_hex (s, fps[i].key, fps[i].label, out, gnutls_hash_get_len (fps[i].algo));
      g_hash_table_insert (self->fingerprints, (gpointer) fps[i].key,
                           pp_hex_format (out, gnutls_hash_get_len (fps[i].algo), ':'));
    }
}

static void
add_public_key (PpCertDetails *self, int algo, unsigned bits, const guint8 *key_id, gsize key_id_len,
                gnutls_ecc_curve_t curve)
{
  PpCertSection *s = add_section (self, "public-key", _("Public Key"), FALSE);
  g_autofree char *b = g_strdup_printf ("%u", bits);
  add_text (s, "algorithm", _("Algorithm"), gnutls_pk_get_name ((gnutls_pk_algorithm_t) algo));
  add_text (s, "size", _("Key Size (bits)"), b);
  if (curve != GNUTLS_ECC_CURVE_INVALID)
    add_text (s, "curve", _("Curve"), gnutls_ecc_curve_get_name (curve));
  if (key_id_len)
    add_hex (s, "key_id_sha256", _("Key SHA-256"), key_id, key_id_len);
}

static void
add_summary (PpCertDetails *self, PpCertSection *sum)
{
  static const struct { const char *oid; const char *key; } parts[] = {
    { GNUTLS_OID_X520_COUNTRY_NAME, "country" },
    { GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME, "state" },
    { GNUTLS_OID_X520_LOCALITY_NAME, "locality" },
    { GNUTLS_OID_X520_ORGANIZATION_NAME, "organization" },
    { GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, "org_unit" },
  };
  g_autofree char *exp = format_time (self->expires);

  add_text (sum, "identity", _("Identity"), self->identity);
  add_text (sum, "verified_by", _("Verified by"), self->verified_by);
  if (self->expires)
    add_text (sum, "expires", _("Expires"), exp);
  if (self->purposes->len)
    add_list (sum, "purposes", _("Intended Purposes"), self->purposes);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const char *v = g_hash_table_lookup (self->subject, parts[i].oid);
      if (v)
        add_text (sum, parts[i].key, oid_label (parts[i].oid), v);
    }
}

/* The summary comes first but needs facts gathered later: build it into a
 * placeholder section and fill it at the end. */
PpCertDetails *
pp_cert_details_new_from_crt (gnutls_x509_crt_t crt)
{
  PpCertDetails *self = g_object_new (PP_TYPE_CERT_DETAILS, NULL);
  PpCertSection *sum = add_section (self, "summary", _("Summary"), TRUE);
  PpCertSection *s;
  gnutls_datum_t der = { NULL, 0 };
  guint8 buf[64];
  size_t size;
  unsigned bits = 0;
  int algo;
  g_autofree char *serial = NULL, *from = NULL, *to = NULL, *ver = NULL;
  g_autofree char *issuer_cn = NULL;
  gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;

  s = add_section (self, "subject", _("Subject Name"), FALSE);
  add_dn (self, s, crt, (DnOidFunc) gnutls_x509_crt_get_dn_oid, (DnByOidFunc) gnutls_x509_crt_get_dn_by_oid, TRUE);
  s = add_section (self, "issuer", _("Issuer Name"), FALSE);
  add_dn (self, s, crt, (DnOidFunc) gnutls_x509_crt_get_issuer_dn_oid,
          (DnByOidFunc) gnutls_x509_crt_get_issuer_dn_by_oid, FALSE);
  {
    char cn[1024];
    size_t cn_size = sizeof cn;
    if (gnutls_x509_crt_get_issuer_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cn_size) >= 0)
      issuer_cn = g_utf8_make_valid (cn, -1);
    else
      issuer_cn = pp_cert_issuer (crt);
  }
  self->identity = pp_cert_subject_cn (crt);
  if (self->identity == NULL)
    self->identity = pp_cert_subject (crt);
  self->verified_by = pp_cert_is_self_signed (crt) ? g_strdup_printf (_("%s (self-signed)"), issuer_cn)
                                                   : g_strdup (issuer_cn);

  self->activates = g_date_time_new_from_unix_utc (gnutls_x509_crt_get_activation_time (crt));
  self->expires = g_date_time_new_from_unix_utc (gnutls_x509_crt_get_expiration_time (crt));
  s = add_section (self, "validity", _("Validity"), FALSE);
  ver = g_strdup_printf ("%d", gnutls_x509_crt_get_version (crt));
  serial = pp_cert_serial_hex (crt);
  from = format_time (self->activates);
  to = format_time (self->expires);
  add_text (s, "version", _("Version"), ver);
  add_text (s, "serial", _("Serial Number"), serial);
  add_text (s, "not_before", _("Not Valid Before"), from);
  add_text (s, "not_after", _("Not Valid After"), to);

  gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  add_fingerprints (self, &der);

  algo = gnutls_x509_crt_get_pk_algorithm (crt, &bits);
  if (algo == GNUTLS_PK_ECDSA)
    gnutls_x509_crt_get_pk_ecc_raw (crt, &curve, NULL, NULL);
  size = sizeof buf;
  if (gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA256, buf, &size) < 0)
    size = 0;
  add_public_key (self, algo, bits, buf, size, curve);

  add_extensions (self, crt, (ExtInfoFunc) gnutls_x509_crt_get_extension_info,
                  (ExtDataFunc) gnutls_x509_crt_get_extension_data2);

  s = add_section (self, "signature", _("Signature"), FALSE);
  add_text (s, "algorithm", _("Algorithm"),
            gnutls_sign_get_name ((gnutls_sign_algorithm_t) gnutls_x509_crt_get_signature_algorithm (crt)));
  {
    gnutls_datum_t sig = { NULL, 0 };
    size_t sig_size = 0;
    gnutls_x509_crt_get_signature (crt, NULL, &sig_size);
    sig.data = g_malloc (sig_size + 1);
    if (gnutls_x509_crt_get_signature (crt, (char *) sig.data, &sig_size) >= 0)
      add_hex (s, "value", _("Signature"), sig.data, sig_size);
    g_free (sig.data);
  }
  gnutls_free (der.data);
  add_summary (self, sum);
  return self;
}

PpCertDetails *
pp_cert_details_new_from_crq (gnutls_x509_crq_t crq)
{
  PpCertDetails *self = g_object_new (PP_TYPE_CERT_DETAILS, NULL);
  PpCertSection *sum = add_section (self, "summary", _("Summary"), TRUE);
  PpCertSection *s;
  gnutls_datum_t der = { NULL, 0 };
  guint8 buf[64];
  size_t size = sizeof buf;
  unsigned bits = 0;
  int algo;
  gboolean sig_ok = gnutls_x509_crq_verify (crq, 0) >= 0;

  self->is_request = TRUE;
  s = add_section (self, "subject", _("Subject Name"), FALSE);
  add_dn (self, s, crq, (DnOidFunc) gnutls_x509_crq_get_dn_oid, (DnByOidFunc) gnutls_x509_crq_get_dn_by_oid, TRUE);
  self->identity = g_strdup (g_hash_table_lookup (self->subject, GNUTLS_OID_X520_COMMON_NAME));
  if (self->identity == NULL)
    self->identity = g_strdup (_("(no common name)"));
  self->verified_by = g_strdup (sig_ok ? _("Certificate request (signature valid)")
                                       : _("Certificate request (signature NOT valid)"));

  gnutls_x509_crq_export2 (crq, GNUTLS_X509_FMT_DER, &der);
  add_fingerprints (self, &der);
  gnutls_free (der.data);

  algo = gnutls_x509_crq_get_pk_algorithm (crq, &bits);
  if (gnutls_x509_crq_get_key_id (crq, GNUTLS_KEYID_USE_SHA256, buf, &size) < 0)
    size = 0;
  add_public_key (self, algo, bits, buf, size, GNUTLS_ECC_CURVE_INVALID);

  add_extensions (self, crq, (ExtInfoFunc) gnutls_x509_crq_get_extension_info,
                  (ExtDataFunc) gnutls_x509_crq_get_extension_data2);

  s = add_section (self, "signature", _("Signature"), FALSE);
  add_text (s, "algorithm", _("Algorithm"),
            gnutls_sign_get_name ((gnutls_sign_algorithm_t) gnutls_x509_crq_get_signature_algorithm (crq)));
  add_text (s, "status", _("Status"), sig_ok ? _("Valid") : _("Not valid"));
  add_summary (self, sum);
  return self;
}

PpCertDetails *
pp_cert_details_new_from_data (const void *data, gsize len, GError **error)
{
  g_autoptr(PpImport) imp = pp_import_data (data, len, NULL, error);
  if (imp == NULL)
    return NULL;
  if (imp->certs->len > 0)
    return pp_cert_details_new_from_crt (imp->certs->pdata[0]);
  if (imp->csr)
    return pp_cert_details_new_from_crq (imp->csr);
  g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
               _("The file holds no certificate or certificate request to show."));
  return NULL;
}

PpCertDetails *
pp_cert_details_new_from_bytes (GBytes *bytes, GError **error)
{
  return pp_cert_details_new_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error);
}

gboolean
pp_cert_details_is_request (PpCertDetails *self)
{
  return self->is_request;
}

GPtrArray *
pp_cert_details_get_sections (PpCertDetails *self)
{
  return self->sections;
}

const PpCertSection *
pp_cert_details_find_section (PpCertDetails *self, const char *key)
{
  for (guint i = 0; i < self->sections->len; i++)
    {
      const PpCertSection *s = self->sections->pdata[i];
      if (g_str_equal (s->key, key))
        return s;
    }
  return NULL;
}

const char *pp_cert_details_get_identity (PpCertDetails *self) { return self->identity; }
const char *pp_cert_details_get_verified_by (PpCertDetails *self) { return self->verified_by; }
GDateTime *pp_cert_details_get_expires (PpCertDetails *self) { return self->expires; }
GDateTime *pp_cert_details_get_activates (PpCertDetails *self) { return self->activates; }

const char * const *
pp_cert_details_get_purposes (PpCertDetails *self)
{
  static const char * const none[] = { NULL };
  /* An empty array may have no storage at all. */
  return self->purposes->pdata ? (const char * const *) self->purposes->pdata : none;
}

const char *
pp_cert_details_get_subject_part (PpCertDetails *self, const char *oid)
{
  return g_hash_table_lookup (self->subject, oid);
}

const char *
pp_cert_details_get_fingerprint (PpCertDetails *self, const char *algo)
{
  return g_hash_table_lookup (self->fingerprints, algo);
}

static char *
field_value_text (const PpCertField *f)
{
  switch (f->kind)
    {
    case PP_CERT_FIELD_LIST:
      return g_strjoinv (", ", f->list);
    case PP_CERT_FIELD_HEX:
      return pp_hex_format (g_bytes_get_data (f->bytes, NULL), g_bytes_get_size (f->bytes), ':');
    case PP_CERT_FIELD_TEXT:
    default:
      return g_strdup (f->text);
    }
}

JsonNode *
pp_cert_details_to_json (PpCertDetails *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, self->is_request ? "request" : "certificate");
  json_builder_set_member_name (b, "sections");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->sections->len; i++)
    {
      const PpCertSection *s = self->sections->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, s->key);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, s->label);
      json_builder_set_member_name (b, "important");
      json_builder_add_boolean_value (b, s->important);
      json_builder_set_member_name (b, "fields");
      json_builder_begin_array (b);
      for (guint j = 0; j < s->fields->len; j++)
        {
          const PpCertField *f = s->fields->pdata[j];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "key");
          json_builder_add_string_value (b, f->key);
          json_builder_set_member_name (b, "label");
          json_builder_add_string_value (b, f->label);
          json_builder_set_member_name (b, "value");
          if (f->kind == PP_CERT_FIELD_LIST)
            {
              json_builder_begin_array (b);
              for (guint k = 0; f->list[k]; k++)
                json_builder_add_string_value (b, f->list[k]);
              json_builder_end_array (b);
            }
          else
            {
              g_autofree char *v = field_value_text (f);
              json_builder_add_string_value (b, v);
            }
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
pp_cert_details_to_text (PpCertDetails *self)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < self->sections->len; i++)
    {
      const PpCertSection *s = self->sections->pdata[i];
      g_string_append_printf (out, "%s%s\n", i ? "\n" : "", s->label);
      for (guint j = 0; j < s->fields->len; j++)
        {
          const PpCertField *f = s->fields->pdata[j];
          g_autofree char *v = field_value_text (f);
          g_string_append_printf (out, "  %-26s %s\n", f->label, v);
        }
    }
  return g_string_free (out, FALSE);
}
