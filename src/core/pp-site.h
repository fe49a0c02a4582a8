#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The site directory (DESIGN.md §3): everything a site is, in one folder.
 *
 *   site.conf    GKeyFile, keys addressed as "group.key" (http.port, …)
 *   boot/        default boot directory
 *   pki/ca/ pki/server/ pki/trust/
 *   auth/htdigest
 *   logs/ run/
 */

#define PP_TYPE_SITE (pp_site_get_type ())
G_DECLARE_FINAL_TYPE (PpSite, pp_site, PP, SITE, GObject)

typedef enum {
  PP_SITE_KEY_STRING,
  PP_SITE_KEY_BOOL,
  PP_SITE_KEY_PORT,     /* 0..65535; 0 = pick any (tests) */
  PP_SITE_KEY_UINT,
  PP_SITE_KEY_ENUM,     /* one of choices */
  PP_SITE_KEY_ADDRESS,  /* IPv4/IPv6 literal, or "*" for every address */
  PP_SITE_KEY_PATTERNS, /* ';'-separated glob list of file names */
  PP_SITE_KEY_PATH,     /* absolute or relative to the site directory */
} PpSiteKeyType;

typedef struct {
  const char    *name;          /* "http.port" */
  PpSiteKeyType  type;
  const char    *default_value;
  const char    *choices;       /* ENUM: "a|b|c" */
  const char    *description;   /* translatable (N_) */
} PpSiteKey;

const PpSiteKey *pp_site_keys (guint *n_keys);
const PpSiteKey *pp_site_key_lookup (const char *name);

/* Default location: $XDG_DATA_HOME/phoneprov/site */
char    *pp_site_default_dir (void);

/* Create a new site directory with its skeleton and a default site.conf.
 * Refuses a non-empty folder that is not already a site. Returns the loaded
 * site; an existing site is opened instead. */
PpSite  *pp_site_create (const char *dir, GError **error);
/* Open and validate an existing site directory. */
PpSite  *pp_site_open (const char *dir, GError **error);
/* Reload site.conf from disk (keeps the old values when the file is bad). */
gboolean pp_site_reload (PpSite *self, GError **error);

const char *pp_site_get_dir (PpSite *self);
/* @rel joined to the site directory, e.g. "pki/ca/ca.crt". */
char    *pp_site_path (PpSite *self, const char *rel);
/* The boot directory, absolute. */
char    *pp_site_get_boot_dir (PpSite *self);

/* Typed access to validated keys. Unknown keys are a programming error. */
char    *pp_site_get (PpSite *self, const char *key);
gboolean pp_site_get_bool (PpSite *self, const char *key);
guint    pp_site_get_uint (PpSite *self, const char *key);
char   **pp_site_get_patterns (PpSite *self, const char *key);

/* Validate and set; does not save. */
gboolean pp_site_set (PpSite *self, const char *key, const char *value, GError **error);
/* Validate a value against a key without changing anything. */
gboolean pp_site_validate_value (const char *key, const char *value, GError **error);
/* Atomic write of site.conf. */
gboolean pp_site_save (PpSite *self, GError **error);

/* Validate the text of a site.conf (used by open and by bundle import). */
gboolean pp_site_conf_validate_data (const char *data, gsize len, GError **error);

G_END_DECLS
