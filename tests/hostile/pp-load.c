/* pp-load: N phones at once against the HTTPS site, each on its own
 * mutual-TLS connection, each fetching a file again every few seconds for
 * DURATION seconds (libcurl multi, as phones use curl). Prints one summary
 * line: requests, errors, the most connections open at once, and the
 * daemon's RSS over time when --pid is given. Exit 0 when there was no
 * error.
 *
 *   pp-load URL CACERT CERT KEY N DURATION [--pid PID]
 *
 * Phones join 100 at a time, a batch every LOAD_JOIN_MS (default 1000) ms
 * (a boot storm as DESIGN.md measures it: 2,000 handshakes in the same
 * instant would only measure how the machine queues them); DURATION counts
 * from the moment the last batch joined. */
#include <curl/curl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct {
  CURL   *easy;
  gint64  next;     /* when to ask again (monotonic µs); 0 = running */
} Phone;

static size_t
discard (char *p, size_t s, size_t n, void *u)
{
  return s * n;
}

static long
rss_kb (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *text = NULL;
  const char *p;
  if (!pid || !g_file_get_contents (path, &text, NULL, NULL) || !(p = strstr (text, "VmRSS:")))
    return -1;
  return strtol (p + 6, NULL, 10);
}

static int
open_fds (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", pid);
  g_autoptr(GDir) d = pid ? g_dir_open (path, 0, NULL) : NULL;
  int n = 0;
  while (d && g_dir_read_name (d))
    n++;
  return n;
}

int
main (int argc, char **argv)
{
  const char *url, *cacert, *cert, *key, *pid = NULL;
  int n, duration, running = 0, max_fds = 0;
  guint64 requests = 0, errors = 0;
  g_autoptr(GString) rss = g_string_new (NULL);
  struct rlimit rl;
  Phone *phones;
  CURLM *multi;
  gint64 start, end, next_sample;
  int join_ms;
  g_autofree char *links = NULL, *abs_cert = NULL;

  if (argc < 7)
    {
      fprintf (stderr, "usage: pp-load URL CACERT CERT KEY N DURATION [--pid PID]\n");
      return 2;
    }
  url = argv[1]; cacert = argv[2]; cert = argv[3]; key = argv[4];
  n = atoi (argv[5]); duration = atoi (argv[6]);
  if (argc >= 9 && g_str_equal (argv[7], "--pid"))
    pid = argv[8];
  /* One descriptor per phone, and some. */
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }

  links = g_dir_make_tmp ("pp-load-XXXXXX", NULL);
  abs_cert = g_canonicalize_filename (cert, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  multi = curl_multi_init ();
  curl_multi_setopt (multi, CURLMOPT_MAXCONNECTS, (long) n + 16);
  curl_multi_setopt (multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
  phones = g_new0 (Phone, n);
  start = g_get_monotonic_time ();
  join_ms = g_getenv ("LOAD_JOIN_MS") ? atoi (g_getenv ("LOAD_JOIN_MS")) : 1000;
  end = start + (gint64) ((n - 1) / 100) * join_ms * 1000 + (gint64) duration * G_USEC_PER_SEC;
  next_sample = start;
  for (int i = 0; i < n; i++)
    {
      CURL *e = curl_easy_init ();
      curl_easy_setopt (e, CURLOPT_URL, url);
      curl_easy_setopt (e, CURLOPT_CAINFO, cacert);
      /* A path of its own per phone: libcurl never hands a connection made
       * with one client certificate to a handle with another, so each
       * phone keeps its own connection, as real phones do. */
      {
        g_autofree char *mine = g_strdup_printf ("%s/phone%d.crt", links, i);
        if (symlink (abs_cert, mine) != 0)
          {
            fprintf (stderr, "symlink %s: %s\n", mine, g_strerror (errno));
            return 2;
          }
        curl_easy_setopt (e, CURLOPT_SSLCERT, mine);
      }
      curl_easy_setopt (e, CURLOPT_SSLKEY, key);
      curl_easy_setopt (e, CURLOPT_WRITEFUNCTION, discard);
      curl_easy_setopt (e, CURLOPT_USERAGENT, "FileTransport PolycomVVX-VVX_500-UA/5.9.7.3480 Type/Application");
      curl_easy_setopt (e, CURLOPT_TIMEOUT, 60L);
      curl_easy_setopt (e, CURLOPT_CONNECTTIMEOUT, 60L);
      curl_easy_setopt (e, CURLOPT_PRIVATE, &phones[i]);
      phones[i].easy = e;
      /* Joins at its batch's time. */
      phones[i].next = start + (gint64) (i / 100) * join_ms * 1000 + 1;
    }

  while (g_get_monotonic_time () < end || running > 0)
    {
      int still = 0, msgs = 0;
      CURLMsg *m;
      gint64 now;

      curl_multi_perform (multi, &still);
      while ((m = curl_multi_info_read (multi, &msgs)))
        {
          Phone *ph = NULL;
          long status = 0;
          if (m->msg != CURLMSG_DONE)
            continue;
          curl_easy_getinfo (m->easy_handle, CURLINFO_PRIVATE, (char **) &ph);
          curl_easy_getinfo (m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
          requests++;
          if (m->data.result != CURLE_OK || status != 200)
            {
              if (errors < 5)
                fprintf (stderr, "error: %s, status %ld\n", curl_easy_strerror (m->data.result), status);
              errors++;
            }
          curl_multi_remove_handle (multi, m->easy_handle);
          running--;
          /* Ask again in 3-7 s, spread out, while the run lasts (well under
           * the server's 30 s keep-alive idle limit, so the connection
           * stays even when this loop falls behind). */
          ph->next = g_get_monotonic_time () + (3 + g_random_int_range (0, 5)) * G_USEC_PER_SEC;
        }
      now = g_get_monotonic_time ();
      if (now < end)
        for (int i = 0; i < n; i++)
          if (phones[i].next && phones[i].next <= now)
            {
              phones[i].next = 0;
              curl_multi_add_handle (multi, phones[i].easy);
              running++;
            }
      if (now >= next_sample)
        {
          int fds = open_fds (pid);
          max_fds = MAX (max_fds, fds);
          if (pid)
            g_string_append_printf (rss, "%s%ld", rss->len ? "," : "", rss_kb (pid));
          next_sample = now + 5 * G_USEC_PER_SEC;
        }
      if (now > end + 90 * G_USEC_PER_SEC)
        {
          fprintf (stderr, "error: %d requests still running 90 s after the end\n", running);
          errors += (guint64) running;
          break;
        }
      curl_multi_poll (multi, NULL, 0, 100, NULL);
    }

  printf ("phones=%d requests=%" G_GUINT64_FORMAT " errors=%" G_GUINT64_FORMAT " max_daemon_fds=%d rss_kb=%s\n",
          n, requests, errors, max_fds, rss->str);
  for (int i = 0; i < n; i++)
    {
      curl_multi_remove_handle (multi, phones[i].easy);
      curl_easy_cleanup (phones[i].easy);
    }
  curl_multi_cleanup (multi);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *mine = g_strdup_printf ("%s/phone%d.crt", links, i);
      unlink (mine);
    }
  rmdir (links);
  g_free (phones);
  curl_global_cleanup ();
  return errors ? 1 : 0;
}
