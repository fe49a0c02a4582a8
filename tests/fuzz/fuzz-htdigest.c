/* auth/htdigest: the parser the daemon trusts for every phone login, and the
 * rewrite that set/remove do. Properties: every entry handed out has a
 * non-empty user without ':' and a 32-digit lowercase HA1; after
 * pp_htdigest_set() the user logs in with the new password only, other
 * accounts are unchanged; after pp_htdigest_remove() the user is gone. */
#include "config.h"
#include "fuzz-common.h"
#include "pp-htdigest.h"
#include "pp-error.h"

#include <glib/gstdio.h>
#include <string.h>

#define REALM "phoneprov"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  return 0;
}

static void
check_entries (GHashTable *users)
{
  GHashTableIter it;
  gpointer k, v;

  g_hash_table_iter_init (&it, users);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      const char *user = k, *ha1 = v;
      FUZZ_CHECK (*user != '\0' && strchr (user, ':') == NULL && strchr (user, '\n') == NULL,
                  "bad user \"%s\"", user);
      FUZZ_CHECK (strlen (ha1) == 32, "HA1 \"%s\"", ha1);
      for (const char *c = ha1; *c; c++)
        FUZZ_CHECK (g_ascii_isdigit (*c) || (*c >= 'a' && *c <= 'f'), "HA1 \"%s\"", ha1);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) all = NULL, mine = NULL, after = NULL;
  g_autofree char *path = NULL, *victim = NULL;
  GHashTableIter it;
  gpointer k, v;

  all = pp_htdigest_parse ((const char *) data, size, NULL, &error);
  if (all == NULL)
    {
      FUZZ_CHECK (error != NULL && error->message[0] != '\0' && g_utf8_validate (error->message, -1, NULL),
                  "refusal without a UTF-8 message");
      return 0;
    }
  check_entries (all);
  mine = pp_htdigest_parse ((const char *) data, size, REALM, &error);
  FUZZ_CHECK (mine != NULL, "parse depends on the realm");
  check_entries (mine);

  /* The file as the daemon would find it; then edit it like phoneprovctl. */
  path = g_build_filename (fuzz_scratch_dir (), "htdigest", NULL);
  FUZZ_CHECK (g_file_set_contents (path, (const char *) data, (gssize) size, NULL), "scratch write");

  g_hash_table_iter_init (&it, mine);
  if (g_hash_table_iter_next (&it, &k, &v) && pp_htdigest_user_is_valid (k, NULL))
    victim = g_strdup (k);
  if (victim == NULL)
    victim = g_strdup ("PlcmSpIp");

  if (pp_htdigest_set (path, victim, REALM, "fuzz-pass", &error))
    {
      g_autofree char *want = pp_htdigest_ha1 (victim, REALM, "fuzz-pass");
      after = pp_htdigest_load (path, REALM, &error);
      FUZZ_CHECK (after != NULL, "file written by set does not load: %s", error->message);
      FUZZ_CHECK (g_strcmp0 (g_hash_table_lookup (after, victim), want) == 0,
                  "after set, \"%s\" does not log in with the new password", victim);
      g_hash_table_iter_init (&it, mine);
      while (g_hash_table_iter_next (&it, &k, &v))
        if (g_strcmp0 (k, victim) != 0)
          FUZZ_CHECK (g_strcmp0 (g_hash_table_lookup (after, k), v) == 0,
                      "set of \"%s\" changed account \"%s\"", victim, (char *) k);
      g_clear_pointer (&after, g_hash_table_unref);

      FUZZ_CHECK (pp_htdigest_remove (path, victim, REALM, &error), "remove after set: %s", error->message);
      after = pp_htdigest_load (path, REALM, &error);
      FUZZ_CHECK (after != NULL, "file written by remove does not load: %s", error->message);
      FUZZ_CHECK (!g_hash_table_contains (after, victim),
                  "\"%s\" still logs in after remove", victim);
    }
  else
    g_clear_error (&error);
  g_unlink (path);
  return 0;
}
