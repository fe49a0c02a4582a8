/* pp-bench: N simulated phones against one HTTPS provisioning server,
 * C at a time, on libcurl multi (one multi handle per thread, 2 threads by
 * default). Every phone has its own
 * device certificate (loaded into memory before the clock starts) and its own
 * easy handle, so with --resume a phone resumes only its own TLS session, as
 * a real phone would.
 *
 * Prints a summary and one machine-readable "RESULT key=value …" line.
 */
#include "pp-bench.h"

#include <curl/curl.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

/* Certificates and keys are parsed once, before the clock starts, and
 * installed in each connection's SSL_CTX: OpenSSL 3.0 decoding PEM for every
 * handshake would cost the load generator more than the TLS itself. */
typedef struct {
  char     *mac;
  char     *cert_path;  /* for libcurl on GnuTLS, which reads files */
  char     *key_path;
  X509     *cert;
  EVP_PKEY *key;
} Device;

typedef struct _Bench Bench;
typedef struct _Worker Worker;

typedef struct {
  Bench      *bench;
  Worker     *worker;
  guint       index;        /* phone number, picks the device */
  CURL       *easy;
  guint       step;
  gint64      started_us;
  struct curl_slist *headers;
  char        url[512];
  char        agent[256];
  char        errbuf[CURL_ERROR_SIZE];
  gsize       put_offset;
} Phone;

struct _Bench {
  /* options */
  char       *url;
  char       *cacert;
  char       *devices_dir;
  char       *scenario;
  char       *firmware;
  char       *tls_max;
  char       *ciphers;
  int         phones;
  int         concurrency;
  int         requests;
  int         max_seconds;
  int         timeout;
  int         threads;
  gboolean    resume;
  gboolean    openssl;      /* libcurl's TLS backend */
  /* shared, read-only while running */
  GPtrArray  *devices;
  PpBenchStep *steps;
  guint       n_steps;
  char       *put_body;
  gsize       put_len;
  gint64      deadline;
  gint        next_phone;   /* atomic */
  gint        errors_printed; /* atomic */
};

/* One thread with its own multi handle and share of the concurrency. */
struct _Worker {
  Bench      *bench;
  GThread    *thread;
  CURLM      *multi;
  guint       concurrency;
  guint       active;
  GPtrArray  *running;      /* Phone *, freed if the deadline strikes */
  gboolean    timed_out;
  GArray     *done_ms;      /* completion time of each successful phone */
  guint       failed;
  guint64     requests_ok;
  guint64     errors;
  guint64     connects;
  guint64     resumed;      /* connections whose TLS session was resumed */
  guint64     bytes_down;
  double      appconnect_sum;
};

static void
device_free (gpointer data)
{
  Device *d = data;
  g_free (d->mac);
  g_free (d->cert_path);
  g_free (d->key_path);
  X509_free (d->cert);
  EVP_PKEY_free (d->key);
  g_free (d);
}

static int
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static gboolean
load_devices (Bench *b, GError **error)
{
  g_autoptr(GDir) dir = g_dir_open (b->devices_dir, 0, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".crt"))
      g_ptr_array_add (names, g_strndup (name, strlen (name) - 4));
  g_ptr_array_sort (names, cmp_names);
  if (names->len < (guint) MIN (b->phones, 1))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   "%s holds no device certificates (<mac>.crt + <mac>.key)", b->devices_dir);
      return FALSE;
    }
  b->devices = g_ptr_array_new_with_free_func (device_free);
  /* Phones beyond the number of certificates reuse them round-robin; the
   * runner makes as many as it simulates phones. */
  for (guint i = 0; i < names->len && i < (guint) b->phones; i++)
    {
      Device *d = g_new0 (Device, 1);
      g_autofree char *c = g_strdup_printf ("%s/%s.crt", b->devices_dir, (char *) names->pdata[i]);
      g_autofree char *k = g_strdup_printf ("%s/%s.key", b->devices_dir, (char *) names->pdata[i]);
      FILE *f;

      d->mac = g_strdup (names->pdata[i]);
      d->cert_path = g_strdup (c);
      d->key_path = g_strdup (k);
      g_ptr_array_add (b->devices, d);
      if (!b->openssl)
        continue;
      if ((f = fopen (c, "r")) != NULL)
        {
          d->cert = PEM_read_X509 (f, NULL, NULL, NULL);
          fclose (f);
        }
      if ((f = fopen (k, "r")) != NULL)
        {
          d->key = PEM_read_PrivateKey (f, NULL, NULL, NULL);
          fclose (f);
        }
      if (d->cert == NULL || d->key == NULL)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "cannot read the device certificate or key %s(.crt|.key)", d->mac);
          return FALSE;
        }
    }
  return TRUE;
}

static size_t
on_write (char *ptr, size_t size, size_t nmemb, void *user_data)
{
  return size * nmemb;   /* bodies are counted by libcurl and dropped */
}

static size_t
on_read (char *buffer, size_t size, size_t nitems, void *user_data)
{
  Phone *p = user_data;
  gsize n = MIN (size * nitems, p->bench->put_len - p->put_offset);

  memcpy (buffer, p->bench->put_body + p->put_offset, n);
  p->put_offset += n;
  return n;
}

static int phone_ex_index = -1;

/* Counts resumed handshakes: the server's word, not the client's offer. */
static void
on_ssl_info (const SSL *ssl, int where, int ret)
{
  Phone *p;

  if (!(where & SSL_CB_HANDSHAKE_DONE) || !SSL_session_reused ((SSL *) ssl))
    return;
  p = SSL_CTX_get_ex_data (SSL_get_SSL_CTX (ssl), phone_ex_index);
  if (p != NULL)
    p->worker->resumed++;
}

static CURLcode
on_ssl_ctx (CURL *easy, void *ssl_ctx, void *user_data)
{
  Phone *p = user_data;
  Device *d = p->bench->devices->pdata[p->index % p->bench->devices->len];

  if (SSL_CTX_use_certificate (ssl_ctx, d->cert) != 1 ||
      SSL_CTX_use_PrivateKey (ssl_ctx, d->key) != 1)
    return CURLE_SSL_CERTPROBLEM;
  SSL_CTX_set_ex_data (ssl_ctx, phone_ex_index, p);
  SSL_CTX_set_info_callback (ssl_ctx, on_ssl_info);
  return CURLE_OK;
}

static char *
expand_path (const char *pattern, const char *mac)
{
  g_auto(GStrv) parts = g_strsplit (pattern, "%s", -1);
  return g_strjoinv (mac, parts);
}

static void
phone_start_step (Phone *p)
{
  Bench *b = p->bench;
  const PpBenchStep *s = &b->steps[p->step];
  Device *d = b->devices->pdata[p->index % b->devices->len];
  g_autofree char *path = expand_path (s->path, d->mac);
  gboolean last_of_conn = p->step + 1 == b->n_steps || b->steps[p->step + 1].new_connection;

  g_snprintf (p->url, sizeof p->url, "%s%s", b->url, path);
  g_snprintf (p->agent, sizeof p->agent,
              "FileTransport PolycomVVX-VVX_500-UA/5.9.7.3480 (SN:%s) Type/%s", d->mac, s->agent_type);
  curl_easy_setopt (p->easy, CURLOPT_URL, p->url);
  curl_easy_setopt (p->easy, CURLOPT_USERAGENT, p->agent);
  curl_easy_setopt (p->easy, CURLOPT_FRESH_CONNECT, (long) s->new_connection);
  curl_easy_setopt (p->easy, CURLOPT_FORBID_REUSE, (long) last_of_conn);
  curl_easy_setopt (p->easy, CURLOPT_NOBODY, (long) (s->method == PP_BENCH_HEAD));
  if (s->method == PP_BENCH_PUT)
    {
      p->put_offset = 0;
      curl_easy_setopt (p->easy, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt (p->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t) b->put_len);
    }
  else
    {
      curl_easy_setopt (p->easy, CURLOPT_UPLOAD, 0L);
      if (s->method == PP_BENCH_GET)
        curl_easy_setopt (p->easy, CURLOPT_HTTPGET, 1L);
    }
  curl_multi_add_handle (p->worker->multi, p->easy);
}

/* Starts the next phone, or returns FALSE when every phone has started. */
static gboolean
phone_new (Worker *w)
{
  Bench *b = w->bench;
  Phone *p;
  Device *d;
  gint index = g_atomic_int_add (&b->next_phone, 1);

  if (index >= b->phones)
    return FALSE;
  p = g_new0 (Phone, 1);
  p->bench = b;
  p->worker = w;
  p->index = (guint) index;
  d = b->devices->pdata[p->index % b->devices->len];
  p->easy = curl_easy_init ();
  p->started_us = g_get_monotonic_time ();

  curl_easy_setopt (p->easy, CURLOPT_PRIVATE, p);
  curl_easy_setopt (p->easy, CURLOPT_ERRORBUFFER, p->errbuf);
  curl_easy_setopt (p->easy, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt (p->easy, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt (p->easy, CURLOPT_READDATA, p);
  curl_easy_setopt (p->easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (p->easy, CURLOPT_TIMEOUT, (long) b->timeout);
  curl_easy_setopt (p->easy, CURLOPT_CONNECTTIMEOUT, 20L);
  curl_easy_setopt (p->easy, CURLOPT_CAINFO, b->cacert);
  /* Only the site's CA: Debian's default CA folder would be parsed again
   * for every connection by the GnuTLS backend. */
  curl_easy_setopt (p->easy, CURLOPT_CAPATH, NULL);
  curl_easy_setopt (p->easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (p->easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (b->openssl)
    {
      curl_easy_setopt (p->easy, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
      curl_easy_setopt (p->easy, CURLOPT_SSL_CTX_DATA, p);
    }
  else
    {
      curl_easy_setopt (p->easy, CURLOPT_SSLCERT, d->cert_path);
      curl_easy_setopt (p->easy, CURLOPT_SSLKEY, d->key_path);
    }
  curl_easy_setopt (p->easy, CURLOPT_SSL_SESSIONID_CACHE, (long) b->resume);
  curl_easy_setopt (p->easy, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
  if (g_strcmp0 (b->tls_max, "1.3") == 0)
    curl_easy_setopt (p->easy, CURLOPT_SSLVERSION,
                      (long) (CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_3));
  else
    curl_easy_setopt (p->easy, CURLOPT_SSLVERSION,
                      (long) (CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2));
  if (b->ciphers != NULL)
    curl_easy_setopt (p->easy, CURLOPT_SSL_CIPHER_LIST, b->ciphers);
  /* Phones send the whole PUT at once; no 100-continue round trip. */
  p->headers = curl_slist_append (NULL, "Expect:");
  curl_easy_setopt (p->easy, CURLOPT_HTTPHEADER, p->headers);

  w->active++;
  g_ptr_array_add (w->running, p);
  phone_start_step (p);
  return TRUE;
}

static void
phone_free (Phone *p)
{
  curl_easy_cleanup (p->easy);
  curl_slist_free_all (p->headers);
  g_free (p);
}

static void
phone_finish_step (Phone *p, CURLcode result)
{
  Bench *b = p->bench;
  Worker *w = p->worker;
  const PpBenchStep *s = &b->steps[p->step];
  long status = 0, connects = 0;
  curl_off_t down = 0, appconnect = 0;
  gboolean ok;

  curl_multi_remove_handle (w->multi, p->easy);
  curl_easy_getinfo (p->easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (p->easy, CURLINFO_NUM_CONNECTS, &connects);
  curl_easy_getinfo (p->easy, CURLINFO_SIZE_DOWNLOAD_T, &down);
  curl_easy_getinfo (p->easy, CURLINFO_APPCONNECT_TIME_T, &appconnect);
  w->connects += (guint64) connects;
  w->bytes_down += (guint64) down;
  if (connects > 0)
    w->appconnect_sum += (double) appconnect / 1000.0;

  if (result != CURLE_OK)
    ok = FALSE;
  else if (s->method == PP_BENCH_PUT)
    ok = status == 200 || status == 201 || status == 204;
  else
    ok = status == 200 || status == 206 || (s->allow_404 && status == 404);

  if (!ok)
    {
      gint printed = g_atomic_int_add (&b->errors_printed, 1);
      w->errors++;
      if (printed < 10)
        g_printerr ("pp-bench: phone %s step %u %s: %s\n",
                    ((Device *) b->devices->pdata[p->index % b->devices->len])->mac,
                    p->step, p->url,
                    result != CURLE_OK ? (p->errbuf[0] ? p->errbuf : curl_easy_strerror (result))
                                       : "unexpected HTTP status");
      if (result == CURLE_OK && printed < 10)
        g_printerr ("pp-bench:   HTTP status %ld\n", status);
    }
  else
    w->requests_ok++;

  if (ok && p->step + 1 < b->n_steps)
    {
      p->step++;
      p->errbuf[0] = '\0';
      phone_start_step (p);
      return;
    }
  /* A phone that hits an error gives up (a real one would retry later). */
  if (ok)
    {
      double ms = (double) (g_get_monotonic_time () - p->started_us) / 1000.0;
      g_array_append_val (w->done_ms, ms);
    }
  else
    w->failed++;
  w->active--;
  g_ptr_array_remove_fast (w->running, p);
  phone_free (p);
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
percentile (GArray *sorted, double q)
{
  if (sorted->len == 0)
    return 0;
  guint i = (guint) (q * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, double, MIN (i, sorted->len - 1));
}

static double
cpu_seconds (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return (double) ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         (double) ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static gpointer
worker_run (gpointer data)
{
  Worker *w = data;
  Bench *b = w->bench;

  while (w->active < w->concurrency && phone_new (w))
    ;
  /* Bounded by the deadline; every transfer also has its own timeout. */
  while (w->active > 0)
    {
      int running = 0, left = 0;
      CURLMsg *msg;

      if (g_get_monotonic_time () > b->deadline)
        {
          w->timed_out = TRUE;
          for (guint i = 0; i < w->running->len; i++)
            {
              Phone *p = w->running->pdata[i];
              curl_multi_remove_handle (w->multi, p->easy);
              phone_free (p);
            }
          g_ptr_array_set_size (w->running, 0);
          break;
        }
      curl_multi_perform (w->multi, &running);
      while ((msg = curl_multi_info_read (w->multi, &left)) != NULL)
        if (msg->msg == CURLMSG_DONE)
          {
            Phone *p = NULL;
            CURL *easy = msg->easy_handle;
            CURLcode result = msg->data.result;
            curl_easy_getinfo (easy, CURLINFO_PRIVATE, (char **) &p);
            phone_finish_step (p, result);
            while (w->active < w->concurrency && phone_new (w))
              ;
          }
      if (w->active > 0)
        curl_multi_poll (w->multi, NULL, 0, 100, NULL);
    }
  return NULL;
}

static int
run (Bench *b)
{
  g_autofree Worker *workers = g_new0 (Worker, b->threads);
  g_autoptr(GArray) done_ms = g_array_new (FALSE, FALSE, sizeof (double));
  Worker total = { 0 };
  gint64 t0, t1;
  double cpu0, cpu1, wall;
  int i;

  for (i = 0; i < b->threads; i++)
    {
      Worker *w = &workers[i];
      w->bench = b;
      w->concurrency = (guint) (b->concurrency / b->threads + (i < b->concurrency % b->threads));
      w->multi = curl_multi_init ();
      curl_multi_setopt (w->multi, CURLMOPT_MAXCONNECTS, (long) w->concurrency * 2);
      w->done_ms = g_array_new (FALSE, FALSE, sizeof (double));
      w->running = g_ptr_array_new ();
    }

  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  b->deadline = t0 + (gint64) b->max_seconds * G_USEC_PER_SEC;
  for (i = 0; i < b->threads; i++)
    workers[i].thread = g_thread_new ("pp-bench", worker_run, &workers[i]);
  for (i = 0; i < b->threads; i++)
    {
      Worker *w = &workers[i];
      g_thread_join (w->thread);
      if (w->timed_out)
        {
          total.failed += w->active;
          total.errors += w->active;
          total.timed_out = TRUE;
        }
    }
  t1 = g_get_monotonic_time ();
  cpu1 = cpu_seconds ();
  wall = (double) (t1 - t0) / 1e6;

  for (i = 0; i < b->threads; i++)
    {
      Worker *w = &workers[i];
      g_array_append_vals (done_ms, w->done_ms->data, w->done_ms->len);
      total.failed += w->failed;
      total.requests_ok += w->requests_ok;
      total.errors += w->errors;
      total.connects += w->connects;
      total.resumed += w->resumed;
      total.bytes_down += w->bytes_down;
      total.appconnect_sum += w->appconnect_sum;
      g_array_free (w->done_ms, TRUE);
      g_ptr_array_free (w->running, TRUE);
      curl_multi_cleanup (w->multi);
    }
  if (total.timed_out)
    {
      gint started = MIN (g_atomic_int_get (&b->next_phone), b->phones);
      g_printerr ("pp-bench: stopped after %d s with phones still running\n", b->max_seconds);
      total.failed += (guint) (b->phones - started);
    }

  g_array_sort (done_ms, cmp_double);
  guint ok = done_ms->len;
  double p50 = percentile (done_ms, 0.50), p99 = percentile (done_ms, 0.99);
  double mb = (double) total.bytes_down / 1e6;

  g_print ("scenario %s: %d phones, concurrency %d (%d threads, %s), %s, TLS max %s, %s\n",
           b->scenario, b->phones, b->concurrency, b->threads,
           curl_version_info (CURLVERSION_NOW)->ssl_version, b->url, b->tls_max,
           b->resume ? "session resumption allowed" : "no session resumption");
  g_print ("  phones ok %u, failed %u, errors %" G_GUINT64_FORMAT " in %.2f s\n",
           ok, total.failed, total.errors, wall);
  g_print ("  %.1f phones/s, %.1f requests/s, %.1f MB/s, %" G_GUINT64_FORMAT " connections, %"
           G_GUINT64_FORMAT " of them resumed (mean handshake done after %.1f ms)\n",
           ok / wall, total.requests_ok / wall, mb / wall, total.connects, total.resumed,
           total.connects ? total.appconnect_sum / (double) total.connects : 0.0);
  g_print ("  phone completion p50 %.1f ms, p99 %.1f ms; load generator CPU %.2f s (%.0f%% of one core)\n",
           p50, p99, cpu1 - cpu0, 100.0 * (cpu1 - cpu0) / wall);
  g_print ("RESULT scenario=%s phones=%d concurrency=%d ok=%u failed=%u errors=%" G_GUINT64_FORMAT
           " wall_s=%.3f phones_per_s=%.2f requests_per_s=%.1f mb_per_s=%.1f p50_ms=%.1f"
           " p99_ms=%.1f connections=%" G_GUINT64_FORMAT " resumed=%" G_GUINT64_FORMAT " gen_cpu_s=%.3f\n",
           b->scenario, b->phones, b->concurrency, ok, total.failed, total.errors, wall, ok / wall,
           total.requests_ok / wall, mb / wall, p50, p99, total.connects, total.resumed, cpu1 - cpu0);
  return total.errors == 0 && total.failed == 0 ? 0 : 1;
}

int
main (int argc, char **argv)
{
  Bench b = {
    .scenario = g_strdup ("boot"), .firmware = g_strdup ("/3111-44500-001.sip.ld"),
    .tls_max = g_strdup ("1.2"), .phones = 2000, .concurrency = 200, .requests = 100,
    .max_seconds = 600, .timeout = 120, .threads = 2,
  };
  const GOptionEntry entries[] = {
    { "url", 'u', 0, G_OPTION_ARG_STRING, &b.url, "Server, e.g. https://127.0.0.1:8443", "URL" },
    { "cacert", 0, 0, G_OPTION_ARG_FILENAME, &b.cacert, "CA that issued the server certificate", "FILE" },
    { "devices", 'd', 0, G_OPTION_ARG_FILENAME, &b.devices_dir, "Folder of <mac>.crt/<mac>.key", "DIR" },
    { "scenario", 's', 0, G_OPTION_ARG_STRING, &b.scenario, "boot, app, firmware or keepalive", "NAME" },
    { "phones", 'n', 0, G_OPTION_ARG_INT, &b.phones, "Phones to simulate (2000)", "N" },
    { "concurrency", 'c', 0, G_OPTION_ARG_INT, &b.concurrency, "Phones at a time (200)", "C" },
    { "requests", 'r', 0, G_OPTION_ARG_INT, &b.requests, "Requests per connection in keepalive (100)", "R" },
    { "firmware", 0, 0, G_OPTION_ARG_STRING, &b.firmware, "Path of the firmware file", "PATH" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &b.threads, "Load generator threads (2)", "T" },
    { "resume", 0, 0, G_OPTION_ARG_NONE, &b.resume, "Let each phone resume its own TLS session", NULL },
    { "tls-max", 0, 0, G_OPTION_ARG_STRING, &b.tls_max, "Highest TLS version: 1.2 (phones) or 1.3", "V" },
    { "ciphers", 0, 0, G_OPTION_ARG_STRING, &b.ciphers, "OpenSSL cipher list (TLS 1.2)", "LIST" },
    { "max-seconds", 0, 0, G_OPTION_ARG_INT, &b.max_seconds, "Stop the run after this long (600)", "S" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &b.timeout, "Per-request timeout in seconds (120)", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) oc = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  int ret;

  g_option_context_add_main_entries (oc, entries, NULL);
  g_option_context_set_summary (oc, "Simulate phones provisioning over mutual TLS against one server.");
  if (!g_option_context_parse (oc, &argc, &argv, &error))
    {
      g_printerr ("pp-bench: %s\n", error->message);
      return 2;
    }
  if (b.url == NULL || b.cacert == NULL || b.devices_dir == NULL ||
      !pp_bench_scenario_known (b.scenario) || b.phones < 1 || b.phones > 1000000 ||
      b.concurrency < 1 || b.concurrency > 10000 || b.max_seconds < 1 || b.timeout < 1 ||
      b.threads < 1 || b.threads > 64 || b.threads > b.concurrency ||
      (g_strcmp0 (b.tls_max, "1.2") != 0 && g_strcmp0 (b.tls_max, "1.3") != 0))
    {
      g_printerr ("pp-bench: needs --url, --cacert, --devices; --scenario boot|app|firmware|keepalive; "
                  "--tls-max 1.2|1.3; counts must be positive\n");
      return 2;
    }
  b.openssl = g_str_has_prefix (curl_version_info (CURLVERSION_NOW)->ssl_version, "OpenSSL");
  if (!load_devices (&b, &error))
    {
      g_printerr ("pp-bench: %s\n", error->message);
      return 2;
    }
  b.steps = pp_bench_sequence (b.scenario, b.firmware, (guint) b.requests, &b.n_steps);
  /* A boot log as a phone writes it: a few KB of text. */
  {
    GString *s = g_string_new (NULL);
    for (guint i = 0; s->len < 4000; i++)
      g_string_append_printf (s, "0127%06u|copy |1|00|Downloading file %u of the configuration\n", i, i);
    b.put_len = s->len;
    b.put_body = g_string_free (s, FALSE);
  }

  curl_global_init (CURL_GLOBAL_DEFAULT);
  phone_ex_index = SSL_CTX_get_ex_new_index (0, NULL, NULL, NULL, NULL);
  ret = run (&b);
  curl_global_cleanup ();

  g_ptr_array_free (b.devices, TRUE);
  g_free (b.put_body);
  g_free (b.steps);
  g_free (b.url);
  g_free (b.cacert);
  g_free (b.devices_dir);
  g_free (b.scenario);
  g_free (b.firmware);
  g_free (b.tls_max);
  g_free (b.ciphers);
  return ret;
}
