#pragma once

/* Helpers shared by the PKI tests. Every tool run is logged with -v. */
#include <glib.h>

typedef struct {
  char *tmp;    /* scratch folder, removed at teardown */
  char *site;   /* <tmp>/site, initialised with phoneprovctl init */
} Fx;

/* Run a program (NULL-terminated argv / varargs); returns its exit status,
 * -1 when it died from a signal. */
int   runv (const char * const *argv, char **out, char **err);
int   run (char **out, char **err, const char *first, ...) G_GNUC_NULL_TERMINATED;
/* phoneprovctl --site <fx->site> ARGS… NULL */
int   ctl (Fx *fx, char **out, char **err, ...) G_GNUC_NULL_TERMINATED;

#define CTL_OK(fx, ...) G_STMT_START {                                   \
    g_autofree char *_e = NULL;                                          \
    int _rc = ctl (fx, NULL, &_e, __VA_ARGS__, NULL);                    \
    if (_rc != 0) g_error ("phoneprovctl failed (%d): %s", _rc, _e);     \
  } G_STMT_END

char *path (Fx *fx, const char *rel);
char *site_path (Fx *fx, const char *rel);
void  write_file (const char *p, const char *text, gsize len);
char *read_file (const char *p, gsize *len);
/* Every file under the site with its content; assert_unchanged compares. */
GHashTable *snapshot (Fx *fx);
void  assert_unchanged (Fx *fx, GHashTable *before);
void  assert_contains (const char *hay, const char *needle);

void  fx_setup (Fx *fx, gconstpointer user_data);
void  fx_teardown (Fx *fx, gconstpointer user_data);
/* ECDSA P-256 CA protected by the passphrase in <tmp>/pass ("ca secret"). */
void  make_ca (Fx *fx);
/* Request with the full subject and SANs, signed and installed. */
void  make_server (Fx *fx, const char *key_type, gboolean ecdsa);
