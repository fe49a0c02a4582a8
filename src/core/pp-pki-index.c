/* The CA's index of issued certificates, revocation and the CRL. */
#include "config.h"
#include "pp-pki-private.h"
#include "pp-error.h"
#include "pp-trust.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* Nothing republishes the CRL on a schedule, and Apache refuses every
 * client once a CRL in its store is past its next update: a year. */
#define CRL_DEFAULT_DAYS 365

void
pp_ca_index_entry_free (PpCaIndexEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->serial);
  g_free (entry->subject);
  g_free (entry->template_name);
  g_free (entry);
}

const char *
pp_cert_status_to_string (PpCertStatus status)
{
  switch (status)
    {
    case PP_CERT_STATUS_REVOKED: return "revoked";
    case PP_CERT_STATUS_EXPIRED: return "expired";
    case PP_CERT_STATUS_VALID: default: return "valid";
    }
}

static JsonNode *
index_load (PpSite *site, GError **error)
{
  g_autoptr(GBytes) b = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (!pp_pki_exists (site, PP_CA_INDEX))
    {
      g_autoptr(JsonBuilder) jb = json_builder_new ();
      json_builder_begin_object (jb);
      json_builder_set_member_name (jb, "version");
      json_builder_add_int_value (jb, 1);
      json_builder_set_member_name (jb, "certificates");
      json_builder_begin_array (jb);
      json_builder_end_array (jb);
      json_builder_end_object (jb);
      return json_builder_get_root (jb);
    }
  b = pp_pki_read (site, PP_CA_INDEX, "", error);
  if (b == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (b, NULL), (gssize) g_bytes_get_size (b), &local))
    goto corrupt;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || !json_object_has_member (json_node_get_object (root), "certificates")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "certificates")))
    goto corrupt;
  return json_node_copy (root);

corrupt:
  g_set_error (error, PP_ERROR, PP_ERROR_CORRUPT,
               _("The CA's index of issued certificates (pki/ca/index.json) is damaged. Restore it from a backup."));
  return NULL;
}

static gboolean
index_save (PpSite *site, JsonNode *root, GError **error)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  gsize len = 0;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &len);
  return pp_pki_write (site, PP_CA_INDEX, text, len, FALSE, error);
}

/* index.json is read, changed and written back; two writers at once (the
 * wizard and phoneprovctl) would each drop the other's entry. An exclusive
 * flock on the pki/ca folder serialises them across processes without
 * adding a file to the site. Returns the fd to close, or -1. */
static int
index_lock (PpSite *site)
{
  g_autofree char *dir = pp_site_path (site, "pki/ca");
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    while (flock (fd, LOCK_EX) != 0 && errno == EINTR)
      ;
  return fd;
}

static void
index_unlock (int fd)
{
  if (fd >= 0)
    close (fd); /* releases the lock */
}

static gboolean index_add_locked (PpSite *site, gnutls_x509_crt_t crt, PpCertTemplate tmpl, GError **error);
static gboolean revoke_locked (PpSite *site, const char *serial, const char *ca_passphrase, GError **error);

gboolean
pp_ca_index_add (PpSite *site, gnutls_x509_crt_t crt, PpCertTemplate tmpl, GError **error)
{
  int lock = index_lock (site);
  gboolean ok = index_add_locked (site, crt, tmpl, error);
  index_unlock (lock);
  return ok;
}

gboolean
pp_ca_revoke (PpSite *site, const char *serial, const char *ca_passphrase, GError **error)
{
  int lock = index_lock (site);
  gboolean ok = revoke_locked (site, serial, ca_passphrase, error);
  index_unlock (lock);
  return ok;
}

static gboolean
index_add_locked (PpSite *site, gnutls_x509_crt_t crt, PpCertTemplate tmpl, GError **error)
{
  g_autoptr(JsonNode) root = index_load (site, error);
  g_autofree char *serial = NULL, *subject = NULL;
  JsonObject *o;

  if (root == NULL)
    return FALSE;
  serial = pp_cert_serial_hex (crt);
  subject = pp_cert_subject (crt);
  o = json_object_new ();
  json_object_set_string_member (o, "serial", serial);
  json_object_set_string_member (o, "subject", subject);
  json_object_set_string_member (o, "template", pp_cert_template_to_string (tmpl));
  json_object_set_int_member (o, "not_before", (gint64) gnutls_x509_crt_get_activation_time (crt));
  json_object_set_int_member (o, "not_after", (gint64) gnutls_x509_crt_get_expiration_time (crt));
  json_object_set_string_member (o, "status", "valid");
  json_object_set_int_member (o, "revoked_at", 0);
  json_array_add_object_element (json_object_get_array_member (json_node_get_object (root), "certificates"), o);
  return index_save (site, root, error);
}

GPtrArray *
pp_ca_index_list (PpSite *site, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_ca_index_entry_free);
  g_autoptr(JsonNode) root = index_load (site, error);
  JsonArray *arr;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (root == NULL)
    return NULL;
  arr = json_object_get_array_member (json_node_get_object (root), "certificates");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *o = json_array_get_object_element (arr, i);
      PpCaIndexEntry *e;
      if (o == NULL)
        continue;
      e = g_new0 (PpCaIndexEntry, 1);
      e->serial = g_strdup (json_object_get_string_member_with_default (o, "serial", ""));
      e->subject = g_strdup (json_object_get_string_member_with_default (o, "subject", ""));
      e->template_name = g_strdup (json_object_get_string_member_with_default (o, "template", ""));
      e->not_before = json_object_get_int_member_with_default (o, "not_before", 0);
      e->not_after = json_object_get_int_member_with_default (o, "not_after", 0);
      e->revoked_at = json_object_get_int_member_with_default (o, "revoked_at", 0);
      if (g_strcmp0 (json_object_get_string_member_with_default (o, "status", ""), "revoked") == 0)
        e->status = PP_CERT_STATUS_REVOKED;
      else if (e->not_after < now)
        e->status = PP_CERT_STATUS_EXPIRED;
      else
        e->status = PP_CERT_STATUS_VALID;
      g_ptr_array_add (list, e);
    }
  return g_steal_pointer (&list);
}

static char *
normalize_serial (const char *serial)
{
  GString *s = g_string_new (NULL);
  for (const char *p = serial; *p; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p))
        {
          g_string_free (s, TRUE);
          return NULL;
        }
      g_string_append_c (s, g_ascii_toupper (*p));
    }
  /* Leading zero bytes are not part of the serial's identity. */
  while (s->len > 2 && s->str[0] == '0' && s->str[1] == '0')
    g_string_erase (s, 0, 2);
  return g_string_free (s, FALSE);
}

static gboolean
revoke_locked (PpSite *site, const char *serial, const char *ca_passphrase, GError **error)
{
  g_autofree char *want = normalize_serial (serial);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) backup = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autoptr(PpX509Privkey) key = NULL;
  JsonArray *arr;
  JsonObject *found = NULL;

  if (want == NULL || *want == '\0')
    {
      g_set_error (error, PP_ERROR, PP_ERROR_INVALID,
                   _("“%s” is not a serial number; give it in hex as “phoneprovctl ca list” shows it."), serial);
      return FALSE;
    }
  /* Check the passphrase before touching the index. */
  if (!pp_pki_load_ca (site, ca_passphrase, FALSE, NULL, &key, error))
    return FALSE;
  root = index_load (site, error);
  if (root == NULL)
    return FALSE;
  backup = json_node_copy (root);
  arr = json_object_get_array_member (json_node_get_object (root), "certificates");
  for (guint i = 0; i < json_array_get_length (arr) && found == NULL; i++)
    {
      JsonObject *o = json_array_get_object_element (arr, i);
      g_autofree char *have = o ? normalize_serial (json_object_get_string_member_with_default (o, "serial", "")) : NULL;
      if (have && g_str_equal (have, want))
        found = o;
    }
  if (found == NULL)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_NOT_FOUND,
                   _("This CA has issued no certificate with serial %s. Run “phoneprovctl ca list” to see the serials."), want);
      return FALSE;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (found, "status", ""), "revoked") == 0)
    {
      g_set_error (error, PP_ERROR, PP_ERROR_EXISTS, _("The certificate with serial %s is already revoked."), want);
      return FALSE;
    }
  json_object_set_string_member (found, "status", "revoked");
  json_object_set_int_member (found, "revoked_at", g_get_real_time () / G_USEC_PER_SEC);
  if (!index_save (site, root, error))
    return FALSE;
  crl = pp_crl_generate (site, 0, ca_passphrase, error);
  if (crl == NULL)
    {
      /* Keep index and CRL consistent: undo the index change. */
      index_save (site, backup, NULL);
      return FALSE;
    }
  return TRUE;
}

static GBytes *
hex_to_bytes (const char *hex)
{
  gsize n = strlen (hex);
  GByteArray *a = g_byte_array_new ();
  if (n % 2)
    {
      guint8 b = (guint8) g_ascii_xdigit_value (hex[0]);
      g_byte_array_append (a, &b, 1);
      hex++;
      n--;
    }
  for (gsize i = 0; i + 1 < n + 1 && hex[i]; i += 2)
    {
      guint8 b = (guint8) (g_ascii_xdigit_value (hex[i]) << 4 | g_ascii_xdigit_value (hex[i + 1]));
      g_byte_array_append (a, &b, 1);
    }
  return g_byte_array_free_to_bytes (a);
}

GBytes *
pp_pki_crl_build (gnutls_x509_crt_t ca, gnutls_x509_privkey_t key, GPtrArray *entries, guint64 number,
                  guint days, GError **error)
{
  g_autoptr(PpX509Crl) crl = NULL;
  gnutls_datum_t out = { NULL, 0 };
  guint8 numbuf[8], id[64];
  size_t id_size = sizeof id;
  time_t now = time (NULL);
  GBytes *result;
  guint skip = 0;
  int ret;

  for (int i = 7; i >= 0; i--)
    numbuf[7 - i] = (guint8) (number >> (i * 8));
  gnutls_x509_crl_init (&crl);
  if ((ret = gnutls_x509_crl_set_version (crl, 2)) < 0
      || (ret = gnutls_x509_crl_set_this_update (crl, now)) < 0
      || (ret = gnutls_x509_crl_set_next_update (crl, now + (time_t) (days ? days : CRL_DEFAULT_DAYS) * 86400)) < 0)
    goto fail;
  for (guint i = 0; entries && i < entries->len; i++)
    {
      PpCaIndexEntry *e = entries->pdata[i];
      g_autoptr(GBytes) sb = NULL;
      if (e->status != PP_CERT_STATUS_REVOKED)
        continue;
      sb = hex_to_bytes (e->serial);
      ret = gnutls_x509_crl_set_crt_serial (crl, g_bytes_get_data (sb, NULL), g_bytes_get_size (sb),
                                            (time_t) e->revoked_at);
      if (ret < 0)
        goto fail;
    }
  if (gnutls_x509_crt_get_subject_key_id (ca, id, &id_size, NULL) >= 0
      && (ret = gnutls_x509_crl_set_authority_key_id (crl, id, id_size)) < 0)
    goto fail;
  /* Minimal big-endian encoding of the CRL number. */
  while (skip < 7 && numbuf[skip] == 0)
    skip++;
  if ((ret = gnutls_x509_crl_set_number (crl, numbuf + skip, sizeof numbuf - skip)) < 0)
    goto fail;
  ret = gnutls_x509_crl_sign2 (crl, ca, key, pp_pki_digest_for_key (key), 0);
  if (ret < 0 || (ret = gnutls_x509_crl_export2 (crl, GNUTLS_X509_FMT_PEM, &out)) < 0)
    goto fail;
  result = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  return result;

fail:
  pp_gnutls_error (error, ret, _("the certificate revocation list"));
  return NULL;
}

GBytes *
pp_crl_generate (PpSite *site, guint days, const char *ca_passphrase, GError **error)
{
  g_autoptr(PpX509Crt) ca = NULL;
  g_autoptr(PpX509Privkey) key = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) numb = NULL;
  g_autofree char *num_text = NULL;
  guint64 number = 0;
  GBytes *result;

  if (!pp_pki_load_ca (site, ca_passphrase, FALSE, &ca, &key, error))
    return NULL;
  entries = pp_ca_index_list (site, error);
  if (entries == NULL)
    return NULL;
  numb = pp_pki_read (site, PP_CA_CRLNUM, "", NULL);
  if (numb)
    {
      g_autofree char *t = g_strndup (g_bytes_get_data (numb, NULL), g_bytes_get_size (numb));
      number = g_ascii_strtoull (g_strstrip (t), NULL, 10);
    }
  number++;
  result = pp_pki_crl_build (ca, key, entries, number, days, error);
  if (result == NULL)
    return NULL;
  /* The number first: a crash in between skips a number, never reuses one. */
  num_text = g_strdup_printf ("%" G_GUINT64_FORMAT "\n", number);
  if (!pp_pki_write (site, PP_CA_CRLNUM, num_text, strlen (num_text), FALSE, error)
      || !pp_pki_write (site, PP_CA_CRL, g_bytes_get_data (result, NULL), g_bytes_get_size (result), FALSE, error)
      || !pp_trust_refresh_crl (site, result, NULL, error))
    {
      g_bytes_unref (result);
      return NULL;
    }
  return result;
}
