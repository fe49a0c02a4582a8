/* The per-request event path built as text (pp_json_add_*,
 * pp_events_emit_string) and the buffered log files: what json-glib and the
 * monitor read back must be what went in, whatever bytes a client sent. */
#include "config.h"
#include "pp-events.h"

#include <glib/gstdio.h>
#include <string.h>

static char *
read_log (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static void
test_text_events (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-events-XXXXXX", NULL);
  PpEvents *ev = pp_events_new (dir, 0);
  /* Quotes, backslash, control bytes, DEL, UTF-8 and a byte that is not. */
  const char *hostile = "a\"b\\c\n\r\t\b\f\x01\x1f\x7f é \xff end";
  char *chain[] = { "CN=0004f2000001,O=Polycom Inc.", "CN=\"quoted\" CA", NULL };
  GString *obj = g_string_new ("{");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL, *since = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *o;
  guint64 seq;

  pp_json_add_string (obj, "type", "request");
  pp_json_add_string (obj, "path", hostile);
  pp_json_add_string (obj, "user", NULL);
  pp_json_add_int (obj, "status", 200);
  pp_json_add_int (obj, "negative", -42);
  pp_json_add_int (obj, "big", G_MAXINT64);
  pp_json_add_bool (obj, "resumed", TRUE);
  pp_json_add_strv (obj, "chain", chain);
  seq = pp_events_emit_string (ev, obj);
  g_assert_cmpuint (seq, ==, 1);
  pp_events_access_log (ev, "line one");

  /* Buffered: nothing on disk until a flush (or 64 KB, or a second). */
  before = read_log (dir, "events.jsonl");
  g_assert_cmpstr (before, ==, "");
  pp_events_flush (ev);
  after = read_log (dir, "events.jsonl");
  lines = g_strsplit (after, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpstr (lines[1], ==, "");

  g_assert_true (json_parser_load_from_data (parser, lines[0], -1, &error));
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "request");
  {
    g_autofree char *valid = g_utf8_make_valid (hostile, -1);
    g_assert_cmpstr (json_object_get_string_member (o, "path"), ==, valid);
  }
  g_assert_true (json_object_get_null_member (o, "user"));
  g_assert_cmpint (json_object_get_int_member (o, "status"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (o, "negative"), ==, -42);
  g_assert_cmpint (json_object_get_int_member (o, "big"), ==, G_MAXINT64);
  g_assert_true (json_object_get_boolean_member (o, "resumed"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "chain")), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (o, "chain"), 1), ==,
                   "CN=\"quoted\" CA");
  g_assert_cmpint (json_object_get_int_member (o, "seq"), ==, 1);
  {
    /* As g_date_time_format_iso8601() writes it. */
    g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (json_object_get_string_member (o, "time"), NULL);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_assert_nonnull (t);
    g_assert_cmpint (ABS (g_date_time_difference (now, t)), <, 10 * G_TIME_SPAN_SECOND);
    /* Written without printf: six fraction digits when there is a fraction. */
    g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{6})?Z$",
                                         json_object_get_string_member (o, "time"), 0, 0));
  }

  /* The monitor's copy is the same text. */
  since = pp_events_since_json (ev, 0, 10, NULL);
  g_assert_nonnull (strstr (since, lines[0]));

  pp_events_free (ev);
  {
    g_autofree char *access = read_log (dir, "access.log");
    g_autofree char *jsonl = read_log (dir, "events.jsonl");
    g_autofree char *p1 = g_build_filename (dir, "access.log", NULL);
    g_autofree char *p2 = g_build_filename (dir, "events.jsonl", NULL);
    g_assert_cmpstr (access, ==, "line one\n");
    g_unlink (p1);
    g_unlink (p2);
  }
  g_rmdir (dir);
}

static void
test_time_text (void)
{
  const char *t = pp_events_time_text ();
  g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (t, NULL);
  g_assert_cmpuint (strlen (t), ==, 20);
  g_assert_nonnull (parsed);
}

static void
test_user_agent_cache (void)
{
  const char *ua = "FileTransport PolycomVVX-VVX_500-UA/5.9.7.3480";
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *model = NULL, *firmware = NULL;
      g_assert_true (pp_user_agent_parse (ua, &model, &firmware));
      g_assert_cmpstr (model, ==, "VVX_500");
      g_assert_cmpstr (firmware, ==, "5.9.7.3480");
    }
  /* Phones differ after the second space only: served from the cache,
   * with the same answer as the pattern gives. */
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *model = NULL, *firmware = NULL;
      g_autofree char *sn = g_strdup_printf ("FileTransport PolycomVVX-VVX_500-UA/5.9.7.3480 (SN:0004f200000%d) "
                                             "Type/Application", i);
      g_assert_true (pp_user_agent_parse (sn, &model, &firmware));
      g_assert_cmpstr (model, ==, "VVX_500");
      g_assert_cmpstr (firmware, ==, "5.9.7.3480");
    }
  {
    g_autofree char *model = NULL, *firmware = NULL;
    g_assert_true (pp_user_agent_parse ("FileTransport PolycomVVX-VVX_500-UA/5.9.7", &model, &firmware));
    g_assert_cmpstr (firmware, ==, "5.9.7");
  }
  {
    g_autofree char *model = NULL, *firmware = NULL;
    g_assert_false (pp_user_agent_parse ("FileTransport PolycomVVX-VVX_500-UA/5.9.7.3480 \xff", &model, &firmware));
  }
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *model = NULL, *firmware = NULL;
      g_assert_false (pp_user_agent_parse ("curl/7.88.1", &model, &firmware));
      g_assert_null (model);
    }
  {
    g_autofree char *model = NULL, *firmware = NULL;
    g_assert_true (pp_user_agent_parse ("FileTransport PolycomSoundPoint-SSIP_6000-UA/4.0.14.1388", &model, &firmware));
    g_assert_cmpstr (model, ==, "SSIP_6000");
  }
}

/* Lines go through the buffer whole, also across the 64 KB flush and
 * rotation: every line in both generations is complete, and neither file
 * exceeds the limit. */
static void
test_buffer_and_rotation (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-events-XXXXXX", NULL);
  const guint64 max = 100 * 1000;
  PpEvents *ev = pp_events_new (dir, max);
  const char *names[] = { "access.log", "access.log.1" };
  guint total = 0;

  for (guint i = 0; i < 3000; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %05u %s", i, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
      pp_events_access_log (ev, line);
    }
  pp_events_free (ev);
  for (guint f = 0; f < G_N_ELEMENTS (names); f++)
    {
      g_autofree char *text = read_log (dir, names[f]);
      g_autofree char *path = g_build_filename (dir, names[f], NULL);
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
      guint n = g_strv_length (lines);

      g_assert_cmpuint (strlen (text), <=, max);
      g_assert_cmpstr (lines[n - 1], ==, "");  /* ends with a newline */
      for (guint i = 0; i + 1 < n; i++)
        {
          g_assert_cmpuint (strlen (lines[i]), ==, 60);
          g_assert_true (g_str_has_prefix (lines[i], "line "));
        }
      total += n - 1;
      g_unlink (path);
    }
  /* The oldest lines went with the rotated-away generation; the newest
   * are all there. */
  g_assert_cmpuint (total, >, 1000);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/events/text", test_text_events);
  g_test_add_func ("/server/events/time", test_time_text);
  g_test_add_func ("/server/events/buffer-and-rotation", test_buffer_and_rotation);
  g_test_add_func ("/server/events/user-agent", test_user_agent_cache);
  return g_test_run ();
}
