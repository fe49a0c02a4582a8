/* The Monitor's reasons in the user's language: the daemon's untranslated
 * sentences are mapped to German with their values kept, and the list of
 * sentences with values stays in step with src/server. */
#include "config.h"
#include "pp-event-text.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

static char *locale_dir;

/* The source files of src/server with adjacent string literals joined, so a
 * sentence split over lines reads as one. */
static char *
server_sources (void)
{
  const char *root = g_getenv ("PHONEPROV_SOURCE_ROOT");
  g_autofree char *dir = g_build_filename (root, "src", "server", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GRegex) join = g_regex_new ("\"\\s*\\n\\s*\"", 0, 0, NULL);
  g_autoptr(GString) all = g_string_new (NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      g_autofree char *joined = NULL;

      if (!g_str_has_suffix (name, ".c"))
        continue;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      joined = g_regex_replace_literal (join, text, -1, 0, "", 0, NULL);
      g_string_append (all, joined);
    }
  return g_string_free (g_steal_pointer (&all), FALSE);
}

static void
test_in_step_with_server (void)
{
  g_autofree char *sources = NULL;
  const char * const *formats = pp_event_text_formats ();

  if (g_getenv ("PHONEPROV_SOURCE_ROOT") == NULL)
    {
      g_test_skip ("PHONEPROV_SOURCE_ROOT is not set (run through meson test)");
      return;
    }
  sources = server_sources ();
  for (guint i = 0; formats[i]; i++)
    {
      g_autofree char *quoted = g_strdup_printf ("_(\"%s\")", formats[i]);
      if (strstr (sources, quoted) == NULL)
        g_error ("src/server no longer writes “%s”: update pp-event-text.c", formats[i]);
    }
}

/* Untranslated (C locale): every sentence comes back as it was. */
static void
test_english (void)
{
  const char *texts[] = {
    "The phone sent no client certificate.",
    "The phone's certificate “CN=0004f2000001” was issued by “CN=Other CA”, which is not in the trust store.",
    "The TLS handshake did not finish within 30 seconds.",
    "Address already in use",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *t = pp_event_text_translate (texts[i]);
      g_assert_cmpstr (t, ==, texts[i]);
    }
  g_assert_null (pp_event_text_translate (NULL));
  g_assert_cmpstr (pp_event_server_word ("started"), ==, "started");
}

static void
test_german (void)
{
  g_autofree char *literal = NULL, *with_values = NULL, *number = NULL, *verb = NULL;
  g_autofree char *unknown = NULL, *empty = NULL, *remedy = NULL, *nested = NULL;

  if (locale_dir == NULL)
    {
      g_test_skip ("msgfmt is not installed");
      return;
    }
  g_setenv ("LANGUAGE", "de", TRUE);
  setlocale (LC_ALL, "C.UTF-8");

  literal = pp_event_text_translate ("The phone sent no client certificate.");
  g_assert_cmpstr (literal, ==, "Das Telefon hat kein Client-Zertifikat gesendet.");
  remedy = pp_event_text_translate ("Check the clocks of the phone and of this server (NTP).");
  g_assert_cmpstr (remedy, !=, "Check the clocks of the phone and of this server (NTP).");

  with_values = pp_event_text_translate ("The phone's certificate “CN=0004f2000001, O=Polycom” was issued by "
                                         "“CN=Other CA”, which is not in the trust store.");
  g_assert_cmpstr (with_values, ==, "Das Zertifikat „CN=0004f2000001, O=Polycom“ des Telefons wurde von "
                                    "„CN=Other CA“ ausgestellt, das nicht im Vertrauensspeicher ist.");
  number = pp_event_text_translate ("The TLS handshake did not finish within 30 seconds.");
  g_assert_nonnull (strstr (number, "30"));
  g_assert_null (strstr (number, "did not finish"));
  /* The verb inside the bind-mac refusal is a daemon word too. */
  verb = pp_event_text_translate ("The phone with certificate MAC 0004f2000001 may not write “0004f2000002-app.log”: "
                                  "with https.bind-mac on, a phone reads and writes only its own <MAC> files.");
  g_assert_nonnull (strstr (verb, "0004f2000001"));
  g_assert_nonnull (strstr (verb, "schreiben"));
  g_assert_nonnull (strstr (verb, "0004f2000002-app.log"));

  /* A site's prefix and a sentence inside a sentence. */
  nested = pp_event_text_translate ("HTTP site: The last reload failed, the previous configuration is still running: "
                                    "The phone sent no client certificate.");
  g_assert_true (g_str_has_prefix (nested, "HTTP-Site: "));
  g_assert_nonnull (strstr (nested, "Das Telefon hat kein Client-Zertifikat gesendet."));
  g_assert_null (strstr (nested, "reload failed"));

  /* No sentence of the daemon's: as it is (an OS error, a newer daemon). */
  unknown = pp_event_text_translate ("Address already in use");
  g_assert_cmpstr (unknown, ==, "Address already in use");
  /* gettext ("") would be the catalog's header. */
  empty = pp_event_text_translate ("");
  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (pp_event_server_word ("started"), !=, "started");
  g_assert_cmpstr (pp_event_server_word ("something-new"), ==, "something-new");
}

/* The German catalog from po/de.po, compiled for this test. */
static char *
compile_catalog (const char *tmp)
{
  const char *root = g_getenv ("PHONEPROV_SOURCE_ROOT");
  g_autofree char *po = root ? g_build_filename (root, "po", "de.po", NULL) : NULL;
  g_autofree char *dir = g_build_filename (tmp, "de", "LC_MESSAGES", NULL);
  g_autofree char *mo = g_build_filename (dir, GETTEXT_PACKAGE ".mo", NULL);
  const char *argv[] = { "msgfmt", "-o", mo, po, NULL };
  int status = 0;

  if (po == NULL || g_find_program_in_path ("msgfmt") == NULL)
    return NULL;
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strdup (tmp);
}

int
main (int argc, char **argv)
{
  g_autofree char *tmp = g_dir_make_tmp ("pp-event-text-XXXXXX", NULL);
  g_autofree char *mo_dir = NULL;
  int ret;

  /* English first: the C locale translates nothing. */
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);
  locale_dir = compile_catalog (tmp);
  if (locale_dir)
    {
      bindtextdomain (GETTEXT_PACKAGE, locale_dir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
  g_test_add_func ("/event-text/in-step-with-server", test_in_step_with_server);
  g_test_add_func ("/event-text/english", test_english);
  g_test_add_func ("/event-text/german", test_german);
  ret = g_test_run ();
  if (locale_dir)
    {
      g_autofree char *mo = g_build_filename (tmp, "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
      g_autofree char *lc = g_build_filename (tmp, "de", "LC_MESSAGES", NULL);
      g_autofree char *de = g_build_filename (tmp, "de", NULL);
      g_unlink (mo);
      g_rmdir (lc);
      g_rmdir (de);
    }
  g_rmdir (tmp);
  g_free (locale_dir);
  return ret;
}
