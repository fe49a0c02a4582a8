/* Helpers shared by the PKI tests: run tools, snapshot the site. */
#include "config.h"
#include "pki-test-util.h"

#include <string.h>
#include <sys/wait.h>

/* ---- helpers -------------------------------------------------------------- */

int
runv (const char * const *argv, char **out, char **err)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL, *e = NULL;
  int ws = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &o, &e, &ws, &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  if (g_test_verbose ())
    {
      g_autofree char *cmd = g_strjoinv (" ", (char **) argv);
      g_test_message ("$ %s\n%s%s", cmd, o, e);
    }
  if (out)
    *out = g_steal_pointer (&o);
  if (err)
    *err = g_steal_pointer (&e);
  return WIFEXITED (ws) ? WEXITSTATUS (ws) : -1;
}

/* Run a tool; NULL-terminated arguments. */
int
run (char **out, char **err, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list ap;
  const char *a;

  g_ptr_array_add (argv, (gpointer) first);
  va_start (ap, first);
  while ((a = va_arg (ap, const char *)))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  return runv ((const char * const *) argv->pdata, out, err);
}

/* phoneprovctl --site <fx->site> ARGS… */
int
ctl (Fx *fx, char **out, char **err, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *bin = g_getenv ("PHONEPROVCTL");
  va_list ap;
  const char *a;

  g_assert_nonnull (bin);
  g_ptr_array_add (argv, (gpointer) bin);
  g_ptr_array_add (argv, "--site");
  g_ptr_array_add (argv, fx->site);
  va_start (ap, err);
  while ((a = va_arg (ap, const char *)))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  return runv ((const char * const *) argv->pdata, out, err);
}


char *
path (Fx *fx, const char *rel)
{
  return g_build_filename (fx->tmp, rel, NULL);
}

char *
site_path (Fx *fx, const char *rel)
{
  return g_build_filename (fx->site, rel, NULL);
}

void
write_file (const char *p, const char *text, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_file_set_contents (p, text, (gssize) len, &error);
  g_assert_no_error (error);
}

char *
read_file (const char *p, gsize *len)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  g_file_get_contents (p, &data, len, &error);
  g_assert_no_error (error);
  return data;
}

static void
snapshot_dir (GHashTable *h, const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      char *p = g_build_filename (dir, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        {
          snapshot_dir (h, p);
          g_free (p);
        }
      else
        {
          char *data = NULL;
          g_file_get_contents (p, &data, NULL, NULL);
          g_hash_table_insert (h, p, data ? data : g_strdup (""));
        }
    }
}

GHashTable *
snapshot (Fx *fx)
{
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  snapshot_dir (h, fx->site);
  return h;
}

void
assert_unchanged (Fx *fx, GHashTable *before)
{
  g_autoptr(GHashTable) after = snapshot (fx);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, before);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      const char *now = g_hash_table_lookup (after, k);
      if (now == NULL)
        g_error ("%s disappeared", (char *) k);
      if (!g_str_equal (now, v))
        g_error ("%s changed", (char *) k);
    }
  g_hash_table_iter_init (&it, after);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (!g_hash_table_contains (before, k))
      g_error ("%s appeared", (char *) k);
}

void
fx_setup (Fx *fx, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  fx->tmp = g_dir_make_tmp ("pp-pki-XXXXXX", &error);
  g_assert_no_error (error);
  fx->site = g_build_filename (fx->tmp, "site", NULL);
  CTL_OK (fx, "init");
  {
    g_autofree char *p = path (fx, "pass");
    write_file (p, "ca secret\n", 10);
  }
}

void
fx_teardown (Fx *fx, gconstpointer user_data)
{
  run (NULL, NULL, "rm", "-rf", fx->tmp, NULL);
  g_free (fx->tmp);
  g_free (fx->site);
}

/* ECDSA CA with passphrase: fast to make. */
void
make_ca (Fx *fx)
{
  g_autofree char *pass = path (fx, "pass");
  CTL_OK (fx, "ca", "init", "--cn", "Test Phone CA", "--dn-suffix", "O=Example, C=US",
          "--key-type", "ecdsa-p256", "--days", "365", "--passphrase-file", pass);
}

void
make_server (Fx *fx, const char *key_type, gboolean ecdsa)
{
  g_autofree char *pass = path (fx, "pass");
  CTL_OK (fx, "csr", "new", "--cn", "prov.example.com", "--dns", "boot.example.com", "--ip", "192.0.2.7",
          "--ip", "2001:db8::7", "--org", "Example", "--ou", "Voice", "--country", "us", "--state", "CA",
          "--city", "Palo Alto", "--friendly-name", "Provisioning", "--key-type", key_type,
          /* an option repeated is harmless; it keeps the argument count fixed */
          ecdsa ? "--ecdsa" : "--country", ecdsa ? "--ecdsa" : "us");
  CTL_OK (fx, "ca", "sign", "--passphrase-file", pass);
}

void
assert_contains (const char *hay, const char *needle)
{
  if (hay == NULL || strstr (hay, needle) == NULL)
    g_error ("expected “%s” in:\n%s", needle, hay ? hay : "(null)");
}

