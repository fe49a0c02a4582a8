/* phonesim: replays a Polycom phone's provisioning sequences (DESIGN.md §5)
 * with libcurl, as real phones do ("[curl]" in their serial log).
 *
 *   boot: the bootROM over HTTP with digest: <partno>.bootrom.ld,
 *         <MAC>.cfg (falling back to 000000000000.cfg), the application
 *         (APP_FILE_PATH of that file), PUT <MAC>-boot.log.
 *   app:  the application over HTTPS with its device certificate: the
 *         CONFIG_FILES, <MAC>-phone.cfg, -web.cfg, licenses, directories,
 *         -calls.xml, HEAD and PUT <MAC>-app.log, PUT of overrides.
 *
 * Every step prints one line; the exit status is 0 only when every step got
 * an expected status (1 otherwise, 2 on usage errors). */
#include <curl/curl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  char *http, *https, *cacert, *cert, *key, *user, *password, *mac, *model, *firmware, *partno;
  char *sequence, *tls_max, *ciphers;
  gboolean quiet, serial;
  int failures, steps;
  CURL *curl;
} Sim;

typedef struct {
  const char *data;
  gsize len, off;
} Upload;

static size_t
on_read (char *buf, size_t size, size_t n, void *user)
{
  Upload *u = user;
  size_t want = MIN (size * n, u->len - u->off);
  memcpy (buf, u->data + u->off, want);
  u->off += want;
  return want;
}

static size_t
on_write (char *buf, size_t size, size_t n, void *user)
{
  g_byte_array_append (user, (const guint8 *) buf, (guint) (size * n));
  return size * n;
}

/* Runs one request; @expected is a 0-terminated list of acceptable statuses.
 * Returns the status (0 on a transport error) and the body. */
static long
step (Sim *sim, const char *base, const char *method, const char *file, const char *body,
      const long *expected, GByteArray **out)
{
  g_autofree char *url = g_strconcat (base, g_str_has_suffix (base, "/") ? "" : "/", file, NULL);
  g_autoptr(GByteArray) got = g_byte_array_new ();
  Upload up = { body, body ? strlen (body) : 0, 0 };
  char errbuf[CURL_ERROR_SIZE] = "";
  long status = 0;
  double secs = 0;
  gboolean ok = FALSE;
  CURLcode rc;

  curl_easy_setopt (sim->curl, CURLOPT_URL, url);
  curl_easy_setopt (sim->curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (sim->curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt (sim->curl, CURLOPT_WRITEDATA, got);
  curl_easy_setopt (sim->curl, CURLOPT_NOBODY, (long) g_str_equal (method, "HEAD"));
  curl_easy_setopt (sim->curl, CURLOPT_UPLOAD, (long) g_str_equal (method, "PUT"));
  if (g_str_equal (method, "GET"))
    curl_easy_setopt (sim->curl, CURLOPT_HTTPGET, 1L);
  if (body)
    {
      curl_easy_setopt (sim->curl, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt (sim->curl, CURLOPT_READDATA, &up);
      curl_easy_setopt (sim->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t) up.len);
    }
  rc = curl_easy_perform (sim->curl);
  curl_easy_getinfo (sim->curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (sim->curl, CURLINFO_TOTAL_TIME, &secs);
  if (rc != CURLE_OK)
    status = 0;
  for (const long *e = expected; *e; e++)
    ok = ok || status == *e;
  sim->steps++;
  if (!ok)
    sim->failures++;
  if (!sim->quiet || !ok)
    printf ("%s %d %s %s %ld %u %.3fs%s%s\n", ok ? "ok" : "not ok", sim->steps, method, url, status,
            got->len, secs, rc != CURLE_OK ? " # " : "", rc != CURLE_OK ? (*errbuf ? errbuf : curl_easy_strerror (rc)) : "");
  fflush (stdout);
  if (out)
    *out = g_steal_pointer (&got);
  return ok ? status : -status - 1;
}

/* ATTR="value" from the master configuration file. */
static char *
xml_attr (GByteArray *cfg, const char *attr)
{
  g_autofree char *text = cfg ? g_strndup ((const char *) cfg->data, cfg->len) : NULL;
  g_autofree char *needle = g_strconcat (attr, "=\"", NULL);
  const char *p = text ? strstr (text, needle) : NULL;
  const char *end;
  if (p == NULL)
    return NULL;
  p += strlen (needle);
  end = strchr (p, '"');
  return end ? g_strndup (p, (gsize) (end - p)) : NULL;
}

static void
set_ua (Sim *sim, const char *type)
{
  const char *family = g_str_has_prefix (sim->model, "SPIP") ? "SoundPointIP"
                       : g_str_has_prefix (sim->model, "SSIP") ? "SoundStationIP" : "VVX";
  g_autofree char *sn = sim->serial ? g_strdup_printf (" (SN:%s)", sim->mac) : g_strdup ("");
  g_autofree char *ua = g_strdup_printf ("FileTransport Polycom%s-%s-UA/%s%s Type/%s", family, sim->model,
                                         sim->firmware, sn, type);
  curl_easy_setopt (sim->curl, CURLOPT_USERAGENT, ua);
}

static const long ok200[] = { 200, 0 };
static const long maybe[] = { 200, 404, 0 };
static const long put_ok[] = { 200, 201, 204, 0 };

static void
run_boot (Sim *sim)
{
  g_autoptr(GByteArray) cfg = NULL;
  g_autofree char *mac_cfg = g_strconcat (sim->mac, ".cfg", NULL);
  g_autofree char *bootrom = g_strconcat (sim->partno, ".bootrom.ld", NULL);
  g_autofree char *app = NULL;
  g_autofree char *log_name = g_strconcat (sim->mac, "-boot.log", NULL);
  g_autofree char *log = NULL;

  curl_easy_setopt (sim->curl, CURLOPT_HTTPAUTH, (long) CURLAUTH_DIGEST);
  curl_easy_setopt (sim->curl, CURLOPT_USERNAME, sim->user);
  curl_easy_setopt (sim->curl, CURLOPT_PASSWORD, sim->password);
  set_ua (sim, "Updater");
  step (sim, sim->http, "GET", bootrom, NULL, maybe, NULL);
  if (step (sim, sim->http, "GET", mac_cfg, NULL, maybe, &cfg) != 200)
    {
      g_clear_pointer (&cfg, g_byte_array_unref);
      step (sim, sim->http, "GET", "000000000000.cfg", NULL, ok200, &cfg);
    }
  app = xml_attr (cfg, "APP_FILE_PATH");
  step (sim, sim->http, "GET", app && *app ? app : "sip.ld", NULL, ok200, NULL);
  log = g_strdup_printf ("0101000000|boot |4|00|phonesim bootROM log for %s\n", sim->mac);
  step (sim, sim->http, "PUT", log_name, log, put_ok, NULL);
}

static void
run_app (Sim *sim)
{
  g_autoptr(GByteArray) cfg = NULL;
  g_autofree char *mac_cfg = g_strconcat (sim->mac, ".cfg", NULL);
  g_autofree char *files = NULL;
  const char *per_phone[] = { "-phone.cfg", "-web.cfg", NULL };
  g_autofree char *lic = g_strconcat (sim->mac, "-license.cfg", NULL);
  g_autofree char *dir = g_strconcat (sim->mac, "-directory.xml", NULL);
  g_autofree char *calls = g_strconcat (sim->mac, "-calls.xml", NULL);
  g_autofree char *applog = g_strconcat (sim->mac, "-app.log", NULL);
  g_autofree char *override = g_strconcat (sim->mac, "-phone.cfg", NULL);
  g_autofree char *log = g_strdup_printf ("0101000000|app1 |4|00|phonesim application log for %s\n", sim->mac);
  g_autofree char *ov = g_strdup_printf ("<?xml version=\"1.0\"?><PHONE_CONFIG><OVERRIDES "
                                         "up.backlight.idleIntensity=\"1\"/></PHONE_CONFIG>\n");

  curl_easy_setopt (sim->curl, CURLOPT_HTTPAUTH, (long) CURLAUTH_DIGEST);
  curl_easy_setopt (sim->curl, CURLOPT_USERNAME, sim->user);
  curl_easy_setopt (sim->curl, CURLOPT_PASSWORD, sim->password);
  if (sim->cacert)
    curl_easy_setopt (sim->curl, CURLOPT_CAINFO, sim->cacert);
  if (sim->cert)
    curl_easy_setopt (sim->curl, CURLOPT_SSLCERT, sim->cert);
  if (sim->key)
    curl_easy_setopt (sim->curl, CURLOPT_SSLKEY, sim->key);
  if (sim->ciphers)
    curl_easy_setopt (sim->curl, CURLOPT_SSL_CIPHER_LIST, sim->ciphers);
  if (sim->tls_max)
    {
      long v = g_str_equal (sim->tls_max, "1.0") ? CURL_SSLVERSION_TLSv1_0 | CURL_SSLVERSION_MAX_TLSv1_0
               : g_str_equal (sim->tls_max, "1.1") ? CURL_SSLVERSION_TLSv1_1 | CURL_SSLVERSION_MAX_TLSv1_1
               : g_str_equal (sim->tls_max, "1.2") ? CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2
               : CURL_SSLVERSION_TLSv1_3;
      curl_easy_setopt (sim->curl, CURLOPT_SSLVERSION, v);
    }
  set_ua (sim, "Application");

  /* The application reads the master file again for CONFIG_FILES. */
  if (step (sim, sim->https, "GET", mac_cfg, NULL, maybe, &cfg) != 200)
    {
      g_clear_pointer (&cfg, g_byte_array_unref);
      if (step (sim, sim->https, "GET", "000000000000.cfg", NULL, ok200, &cfg) < 0)
        return; /* refused: nothing else would work either */
    }
  files = xml_attr (cfg, "CONFIG_FILES");
  if (files && *files)
    {
      g_auto(GStrv) list = g_strsplit (files, ",", -1);
      for (guint i = 0; list[i]; i++)
        if (*g_strstrip (list[i]))
          step (sim, sim->https, "GET", list[i], NULL, ok200, NULL);
    }
  for (guint i = 0; per_phone[i]; i++)
    {
      g_autofree char *name = g_strconcat (sim->mac, per_phone[i], NULL);
      step (sim, sim->https, "GET", name, NULL, maybe, NULL);
    }
  step (sim, sim->https, "GET", "000000000000-license.cfg", NULL, maybe, NULL);
  step (sim, sim->https, "GET", lic, NULL, maybe, NULL);
  if (step (sim, sim->https, "GET", dir, NULL, maybe, NULL) != 200)
    step (sim, sim->https, "GET", "000000000000-directory.xml", NULL, maybe, NULL);
  step (sim, sim->https, "GET", calls, NULL, maybe, NULL);
  step (sim, sim->https, "HEAD", applog, NULL, maybe, NULL);
  step (sim, sim->https, "PUT", applog, log, put_ok, NULL);
  step (sim, sim->https, "PUT", override, ov, put_ok, NULL);
}

int
main (int argc, char **argv)
{
  Sim sim = { 0 };
  const GOptionEntry entries[] = {
    { "http", 0, 0, G_OPTION_ARG_STRING, &sim.http, "HTTP site URL (bootROM sequence)", "URL" },
    { "https", 0, 0, G_OPTION_ARG_STRING, &sim.https, "HTTPS site URL (application sequence)", "URL" },
    { "cacert", 0, 0, G_OPTION_ARG_FILENAME, &sim.cacert, "CA certificate that signed the server", "FILE" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &sim.cert, "Device certificate (PEM, may include its chain)", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &sim.key, "Device key", "FILE" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &sim.user, "Digest user (Server User)", "USER" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &sim.password, "Digest password", "PASSWORD" },
    { "mac", 0, 0, G_OPTION_ARG_STRING, &sim.mac, "MAC address, 12 hex digits", "MAC" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &sim.model, "Model in the User-Agent (VVX_500)", "MODEL" },
    { "firmware", 0, 0, G_OPTION_ARG_STRING, &sim.firmware, "Version in the User-Agent (5.9.7.3480)", "VERSION" },
    { "partno", 0, 0, G_OPTION_ARG_STRING, &sim.partno, "Part number for <partno>.bootrom.ld", "PARTNO" },
    { "sequence", 0, 0, G_OPTION_ARG_STRING, &sim.sequence, "boot, app or both (default both)", "SEQ" },
    { "tls-max", 0, 0, G_OPTION_ARG_STRING, &sim.tls_max, "Pin the TLS version: 1.0, 1.1, 1.2, 1.3", "V" },
    { "ciphers", 0, 0, G_OPTION_ARG_STRING, &sim.ciphers, "TLS cipher list (OpenSSL syntax)", "LIST" },
    { "serial", 0, 0, G_OPTION_ARG_NONE, &sim.serial, "Add (SN:<mac>) to the User-Agent", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &sim.quiet, "Print only failed steps", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) oc = g_option_context_new ("- replay a Polycom phone's provisioning");
  g_autoptr(GError) error = NULL;
  gboolean boot, app;

  g_option_context_add_main_entries (oc, entries, NULL);
  if (!g_option_context_parse (oc, &argc, &argv, &error))
    {
      fprintf (stderr, "phonesim: %s\n", error->message);
      return 2;
    }
  if (!sim.sequence)
    sim.sequence = g_strdup ("both");
  boot = g_str_equal (sim.sequence, "boot") || g_str_equal (sim.sequence, "both");
  app = g_str_equal (sim.sequence, "app") || g_str_equal (sim.sequence, "both");
  if ((!boot && !app) || (boot && !sim.http) || (app && !sim.https) || !sim.mac || strlen (sim.mac) != 12)
    {
      fprintf (stderr, "phonesim: need --mac (12 hex digits), --sequence boot|app|both and the URL(s) it uses\n");
      return 2;
    }
  if (!sim.model)
    sim.model = g_strdup ("VVX_500");
  if (!sim.firmware)
    sim.firmware = g_strdup ("5.9.7.3480");
  if (!sim.partno)
    sim.partno = g_strdup ("3111-44500-001");
  if (!sim.user)
    sim.user = g_strdup ("");
  if (!sim.password)
    sim.password = g_strdup ("");

  curl_global_init (CURL_GLOBAL_DEFAULT);
  if (boot)
    {
      sim.curl = curl_easy_init ();
      run_boot (&sim);
      curl_easy_cleanup (sim.curl);
    }
  if (app)
    {
      /* A fresh handle: the application is a new process on the phone. */
      sim.curl = curl_easy_init ();
      run_app (&sim);
      curl_easy_cleanup (sim.curl);
    }
  curl_global_cleanup ();
  printf ("# %s: %d steps, %d failed\n", sim.mac, sim.steps, sim.failures);
  return sim.failures == 0 ? 0 : 1;
}
