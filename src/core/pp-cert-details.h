#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/* The data half of the certificate view (gcr's split): a certificate or a
 * certificate request turned into sections of labelled fields. The widget
 * only renders sections; phoneprovctl prints them as text or JSON.
 *
 * Sections, in order:
 *   Identity/Verified by/Expires (the one important section, label "Summary")
 *   Subject, Issuer (certificates), Validity (certificates),
 *   Fingerprints (SHA-256, SHA-1, MD5 — uppercase hex with colons),
 *   Public key, one per extension ("Extension: Subject Alternative Name", …),
 *   Signature.
 * A request has no Issuer/Validity, and "Verified by" reads "Self-signed
 * request" (its signature checked) instead of an issuer. */

typedef enum {
  PP_CERT_FIELD_TEXT,   /* value: text */
  PP_CERT_FIELD_LIST,   /* value: list (NULL-terminated) */
  PP_CERT_FIELD_HEX,    /* value: bytes; shown as uppercase hex with colons */
} PpCertFieldKind;

typedef struct {
  char            *label;   /* translated */
  char            *key;     /* stable id for JSON/tests, e.g. "sha256" */
  PpCertFieldKind  kind;
  char            *text;
  char           **list;
  GBytes          *bytes;
} PpCertField;

typedef struct {
  char      *label;      /* translated */
  char      *key;        /* stable id: "summary", "subject", "fingerprints",
                            "extension:2.5.29.17", … */
  gboolean   important;
  GPtrArray *fields;     /* PpCertField */
} PpCertSection;

#define PP_TYPE_CERT_DETAILS (pp_cert_details_get_type ())
G_DECLARE_FINAL_TYPE (PpCertDetails, pp_cert_details, PP, CERT_DETAILS, GObject)

/* First certificate or request in @data (PEM or DER, also the first
 * certificate of a PKCS#7 file). PP_ERROR_INVALID on anything else. */
PpCertDetails *pp_cert_details_new_from_data (const void  *data,
                                              gsize        len,
                                              GError     **error);
PpCertDetails *pp_cert_details_new_from_bytes (GBytes *bytes, GError **error);
PpCertDetails *pp_cert_details_new_from_crt (gnutls_x509_crt_t crt);
PpCertDetails *pp_cert_details_new_from_crq (gnutls_x509_crq_t crq);

gboolean   pp_cert_details_is_request (PpCertDetails *self);
/* PpCertSection, important one first. Owned by @self. */
GPtrArray *pp_cert_details_get_sections (PpCertDetails *self);
const PpCertSection *pp_cert_details_find_section (PpCertDetails *self,
                                                   const char    *key);

/* Summary values (bulletin: "Issued To, Issued By, Expiration Date"). */
const char *pp_cert_details_get_identity (PpCertDetails *self);     /* CN or DN */
const char *pp_cert_details_get_verified_by (PpCertDetails *self);  /* issuer CN */
GDateTime  *pp_cert_details_get_expires (PpCertDetails *self);      /* NULL for CSR */
GDateTime  *pp_cert_details_get_activates (PpCertDetails *self);    /* NULL for CSR */
/* Intended purposes, translated ("Server Authentication", …); may be empty. */
const char * const *pp_cert_details_get_purposes (PpCertDetails *self);
/* A subject attribute by OID (GNUTLS_OID_X520_COUNTRY_NAME, …) or NULL. */
const char *pp_cert_details_get_subject_part (PpCertDetails *self, const char *oid);
/* "sha256", "sha1", "md5": uppercase hex with colons. */
const char *pp_cert_details_get_fingerprint (PpCertDetails *self, const char *algo);

/* {"type":"certificate"|"request","sections":[{"key","label","important",
 *   "fields":[{"key","label","value": string | [strings] | "AA:BB"}]}]} */
JsonNode  *pp_cert_details_to_json (PpCertDetails *self);
/* Human-readable multi-line text, sections in order. */
char      *pp_cert_details_to_text (PpCertDetails *self);

/* Uppercase hex with @sep between bytes (':' or ' '; 0 for none). */
char      *pp_hex_format (const guint8 *data, gsize len, char sep);

G_END_DECLS
