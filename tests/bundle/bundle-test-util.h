#pragma once

/* Shared by the bundle tests (see bundle-test-util.c). */
#include "pp-bundle.h"

#include <archive_entry.h>
#include <glib.h>

#define PASS "correct horse battery"

extern char *base;       /* temp folder of this run */
extern char *site_dir;   /* the template site */
extern char *good;       /* a good bundle of it, with keys */

typedef struct {
  char   *name;
  GBytes *data;
  mode_t  type;
  char   *link;   /* symlink target or hard link name */
} Member;

void       member_free (gpointer p);
Member    *member_new (const char *name, const void *data, gsize len);
GPtrArray *read_members (const char *file);
Member    *find (GPtrArray *members, const char *name);
Member    *need (GPtrArray *members, const char *name);
char      *write_bundle (const char *name, GPtrArray *members, gboolean fix_manifest);
char      *snapshot (const char *dir);
guint      count_leftovers (const char *dir);
char      *copy_template (const char *name);
void       assert_refused_opts (const char *bundle, const PpBundleImportOptions *options, int code, const char *needle);
void       assert_refused (const char *bundle, int code, const char *needle);
void       make_template_site (void);

/* g_test_init, the template site and the good bundle; then g_test_run. */
void       bundle_test_init (int *argc, char ***argv);
int        bundle_test_run (void);
