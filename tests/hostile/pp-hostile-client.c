/* pp-hostile-client: the raw-socket side of the hostile suite, for what
 * curl refuses to send.
 *
 *   send HOST PORT [--timeout S]
 *       send stdin as is; print the server's reply (until it closes or S
 *       seconds pass, default 2); exit 0 if the server answered or closed.
 *   slowloris HOST PORT N SECONDS [--body]
 *       open N connections that send a request head (or, with --body, a
 *       PUT head and then its body) one byte per second; print how many the
 *       server closed within SECONDS, then "fresh=<status>" for a normal
 *       request made while they are held.
 *   flood HOST PORT N SECONDS
 *       open N idle connections at once, keep them SECONDS; print how many
 *       connected, how many the server closed, and "fresh=<status>".
 *
 * Every wait is bounded; every socket is closed on exit. */
#include <glib.h>
#include <gio/gio.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int
connect_to (const char *host, const char *port, gboolean nonblock)
{
  struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
  int fd = -1;

  if (getaddrinfo (host, port, &hints, &res) != 0)
    return -1;
  fd = socket (res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect (fd, res->ai_addr, res->ai_addrlen) != 0)
    {
      close (fd);
      fd = -1;
    }
  freeaddrinfo (res);
  if (fd >= 0 && nonblock)
    fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

/* Reads until close or @timeout_ms; returns what came (NULL on error). */
static GString *
read_reply (int fd, int timeout_ms)
{
  GString *out = g_string_new (NULL);
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      struct pollfd p = { fd, POLLIN, 0 };
      gint64 left = (end - g_get_monotonic_time ()) / 1000;
      char buf[4096];
      ssize_t n;
      if (left <= 0 || poll (&p, 1, (int) left) <= 0)
        break;
      n = recv (fd, buf, sizeof buf, 0);
      if (n <= 0)
        break;
      g_string_append_len (out, buf, n);
    }
  return out;
}

static int
status_of (const GString *reply)
{
  int code = 0;
  if (reply->len > 12 && sscanf (reply->str, "HTTP/1.%*d %d", &code) == 1)
    return code;
  return 0;
}

/* A normal GET on a new connection: the server still serves others. */
static int
fresh_status (const char *host, const char *port)
{
  int fd = connect_to (host, port, FALSE);
  g_autoptr(GString) r = NULL;
  const char req[] = "GET /sip.cfg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  if (fd < 0)
    return -1;
  if (send (fd, req, sizeof req - 1, MSG_NOSIGNAL) < 0)
    {
      close (fd);
      return -1;
    }
  r = read_reply (fd, 5000);
  close (fd);
  return status_of (r);
}

static int
cmd_send (const char *host, const char *port, int timeout_s)
{
  g_autoptr(GString) req = g_string_new (NULL);
  g_autoptr(GString) reply = NULL;
  char buf[65536];
  size_t n;
  int fd;

  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    g_string_append_len (req, buf, n);
  fd = connect_to (host, port, FALSE);
  if (fd < 0)
    {
      fprintf (stderr, "connect: %s\n", g_strerror (errno));
      return 2;
    }
  /* The server may answer and close before it has read everything. */
  for (gsize off = 0; off < req->len;)
    {
      ssize_t w = send (fd, req->str + off, req->len - off, MSG_NOSIGNAL);
      if (w <= 0)
        break;
      off += (gsize) w;
    }
  reply = read_reply (fd, timeout_s * 1000);
  close (fd);
  fwrite (reply->str, 1, reply->len, stdout);
  return 0;
}

static const char *
trickle_head (gboolean body)
{
  return body ? "PUT /0004f2000001-app.log HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
              : "GET /sip.cfg HTTP/1.1\r\nHost: x\r\nX-a: ";
}

static int
cmd_slowloris (const char *host, const char *port, int n, int seconds, gboolean body)
{
  g_autofree int *fds = g_new0 (int, n);
  int opened = 0, closed = 0;
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  const char *head = trickle_head (body);

  for (int i = 0; i < n; i++)
    {
      fds[i] = connect_to (host, port, TRUE);
      if (fds[i] < 0)
        continue;
      opened++;
      /* With --body the head goes at once and the body trickles. */
      if (body)
        (void) send (fds[i], head, strlen (head), MSG_NOSIGNAL);
      else
        (void) send (fds[i], head, 1, MSG_NOSIGNAL);
    }
  for (int tick = 1; g_get_monotonic_time () < end; tick++)
    {
      g_usleep (G_USEC_PER_SEC);
      for (int i = 0; i < n; i++)
        {
          char c = body ? 'x' : head[MIN ((size_t) tick, strlen (head) - 1)];
          char buf[512];
          if (fds[i] < 0)
            continue;
          /* A close shows as EOF on read or EPIPE/ECONNRESET on write. */
          if (recv (fds[i], buf, sizeof buf, MSG_DONTWAIT) == 0
              || send (fds[i], &c, 1, MSG_NOSIGNAL) < 0)
            {
              close (fds[i]);
              fds[i] = -1;
              closed++;
            }
        }
    }
  printf ("opened=%d closed=%d fresh=%d\n", opened, closed, fresh_status (host, port));
  for (int i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  return 0;
}

static int
cmd_flood (const char *host, const char *port, int n, int seconds)
{
  g_autofree int *fds = g_new0 (int, n);
  int opened = 0, closed = 0, fresh;
  gint64 end;

  for (int i = 0; i < n; i++)
    if ((fds[i] = connect_to (host, port, TRUE)) >= 0)
      opened++;
  end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  fresh = fresh_status (host, port);
  while (g_get_monotonic_time () < end)
    g_usleep (200 * 1000);
  for (int i = 0; i < n; i++)
    {
      char buf[64];
      if (fds[i] < 0)
        continue;
      if (recv (fds[i], buf, sizeof buf, MSG_DONTWAIT) == 0 || (errno == ECONNRESET))
        closed++;
      close (fds[i]);
    }
  printf ("opened=%d closed=%d fresh=%d\n", opened, closed, fresh);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc >= 4 && g_str_equal (argv[1], "send"))
    return cmd_send (argv[2], argv[3], argc >= 6 && g_str_equal (argv[4], "--timeout") ? atoi (argv[5]) : 2);
  if (argc >= 6 && g_str_equal (argv[1], "slowloris"))
    return cmd_slowloris (argv[2], argv[3], atoi (argv[4]), atoi (argv[5]),
                          argc >= 7 && g_str_equal (argv[6], "--body"));
  if (argc >= 6 && g_str_equal (argv[1], "flood"))
    return cmd_flood (argv[2], argv[3], atoi (argv[4]), atoi (argv[5]));
  fprintf (stderr, "usage: pp-hostile-client send|slowloris|flood HOST PORT …\n");
  return 2;
}
