#include "config.h"
#include "pp-event-text.h"

#include <glib/gi18n.h>
#include <string.h>

/* Sentences with values, as src/server writes them. Sentences without
 * values need no entry: their text is looked up in the catalog as it is.
 * When one changes in src/server it must change here too
 * (tests/ui/test-event-text.c checks). */
static const char * const formats[] = {
  /* TLS handshakes (pp-tls.c, pp-tls-accept.c) */
  N_("The phone's certificate “%s” is self-signed, not issued by a trusted CA."),
  N_("The phone's certificate could not be checked: %s."),
  N_("The phone's certificate “%s” has been revoked (it is listed in a CRL in the trust store)."),
  N_("The phone's certificate “%s” names “%s” as its issuer, but the CA of that name in the trust store did not sign it: a forged or foreign certificate."),
  N_("The phone's certificate “%s” was issued by “%s”, which is not in the trust store."),
  N_("The phone's certificate “%s” expired on %s."),
  N_("The phone's certificate “%s” is not valid before %s."),
  N_("The signature on the phone's certificate “%s” is wrong."),
  N_("The phone's certificate “%s” uses an insecure signature algorithm."),
  N_("The phone's certificate “%s” is not valid: %s."),
  N_("The phone's certificate “%s” is not meant for client authentication (its Extended Key Usage lacks clientAuth)."),
  N_("The TLS handshake did not finish within %d seconds."),
  N_("The phone offers no TLS version or cipher the %s profile allows (%s)."),
  N_("The TLS handshake failed: %s."),
  N_("Accepted the expired Polycom device certificate “%s” because https.accept-expired-polycom is on."),
  /* Requests (pp-request.c, pp-digest.c, pp-files.c) */
  N_("The method %s is not used by phones and not supported."),
  N_("The phone with certificate MAC %s may not %s “%s”: with https.bind-mac on, a phone reads and writes only its own <MAC> files."),
  N_("“%s” is a per-phone file and the client's certificate names no MAC address."),
  N_("Uploading “%s” is not allowed; phones may upload only %s."),
  N_("The client asked for digest %s/%s; only MD5 with qop=auth is offered."),
  N_("The client answered for realm “%s”, this site's realm is “%s”."),
  N_("There is no phone account “%s” in auth/htdigest for realm “%s”."),
  N_("Wrong password for phone account “%s”."),
  N_("Replayed digest credentials: nonce count %s was already used."),
  N_("The request path component “%s” is not allowed (empty, “.”, “..” or hidden)."),
  N_("The file exists but this server may not read it (%s)."),
  N_("The file is not in the boot directory (%s)."),
  N_("The file cannot be read: %s."),
  N_("Cannot store the upload in %s: %s."),
  N_("Writing the upload failed: %s."),
  N_("Saving the upload failed: %s."),
  N_("Putting the upload in place failed: %s."),
  /* Server events: starting and reloading (pp-server.c, pp-tls.c, pp-config.c) */
  N_("The last reload failed, the previous configuration is still running: %s"),
  N_("Cannot create a socket: %s."),
  N_("Port %u is privileged and phoneprovd may not listen on it. Either run phoneprovd as root (or as the installed systemd service, which has the capability), or give the program the capability with “sudo setcap cap_net_bind_service=+ep %s”, or choose ports above 1023 (for example “phoneprovctl set http.port=8080 https.port=8443”)."),
  N_("Port %u on %s is already in use by another program. Stop that program or choose another port (phoneprovctl set …port=…)."),
  N_("Cannot listen on %s port %u: %s."),
  N_("Cannot listen on port %u: %s."),
  N_("The server key %s and certificate %s cannot be used together (%s). Install the certificate that was issued for this key."),
  N_("The trust store file %s is not a certificate (%s). Remove it or import it again."),
  N_("The revocation list %s cannot be read (%s). Replace or remove it."),
  N_("The revocation list %s is not signed by a CA in the trust store. Import its CA first, or remove the list."),
  N_("The HTTPS site has no server certificate yet (%s). Issue and install one (wizard page “Issue and install”, or “phoneprovctl ca sign”) or disable the HTTPS site."),
  N_("This system's GnuTLS does not accept the %s TLS profile (%s near “%s”)."),
  N_("The boot directory %s is not a folder. Point boot.dir at the folder that holds the phones' files."),
  N_("The boot directory %s does not exist. Create it (wizard page “Boot directory”) or change boot.dir."),
  NULL
};

/* Values that are themselves daemon words: the bind-mac refusal's verb. */
static const char * const value_words[] = { N_("read"), N_("write"), NULL };

/* What the daemon puts before an error of one site (g_prefix_error). */
static const char * const prefixes[] = { N_("HTTP site: "), N_("HTTPS site: "), NULL };

#define MAX_VALUES 4

/* "%s" and "%d"/"%u" become captures; the rest must match literally. */
static GRegex *
format_to_regex (const char *format)
{
  g_autoptr(GString) pattern = g_string_new ("^");
  const char *p = format, *start = format;

  while ((p = strchr (p, '%')) != NULL)
    {
      g_autofree char *literal = g_regex_escape_string (start, (gint) (p - start));
      g_string_append (pattern, literal);
      p++;
      if (*p == 's')
        g_string_append (pattern, "(.*?)");
      else if (*p == 'd' || *p == 'u')
        g_string_append (pattern, "(-?[0-9]+)");
      else
        g_assert_not_reached ();
      start = ++p;
    }
  {
    g_autofree char *rest = g_regex_escape_string (start, -1);
    g_string_append (pattern, rest);
  }
  g_string_append (pattern, "$");
  return g_regex_new (pattern->str, G_REGEX_DOTALL | G_REGEX_OPTIMIZE, 0, NULL);
}

/* Writes a translated printf-style format with string @values; translators
 * may reorder them ("%2$s"). */
static char *
fill_format (const char *format, char **values, guint n_values)
{
  GString *s = g_string_new (NULL);
  guint next = 0;

  for (const char *p = format; *p; p++)
    {
      guint index;
      char *end;

      if (*p != '%')
        {
          g_string_append_c (s, *p);
          continue;
        }
      if (p[1] == '%')
        {
          g_string_append_c (s, '%');
          p++;
          continue;
        }
      index = next++;
      if (g_ascii_isdigit (p[1]))
        {
          guint64 n = g_ascii_strtoull (p + 1, &end, 10);
          if (*end == '$' && n >= 1 && n <= MAX_VALUES)
            {
              index = (guint) n - 1;
              p = end;
            }
        }
      while (p[1] && strchr ("hlqjzt", p[1]))
        p++;
      if (p[1])
        p++;
      if (index < n_values)
        g_string_append (s, values[index]);
    }
  return g_string_free (s, FALSE);
}

static GRegex **
compiled_formats (void)
{
  static GRegex **regexes;

  if (g_once_init_enter (&regexes))
    {
      GRegex **r = g_new0 (GRegex *, G_N_ELEMENTS (formats));
      for (guint i = 0; formats[i]; i++)
        r[i] = format_to_regex (formats[i]);
      g_once_init_leave (&regexes, r);
    }
  return regexes;
}

/* A value is kept as it is (a subject, a file name, an operating-system
 * error) unless it is a daemon word or a daemon sentence of its own (the
 * reason inside “The last reload failed, …: %s”). */
static char *
translate_value (const char *value)
{
  for (guint i = 0; value_words[i]; i++)
    if (g_str_equal (value, value_words[i]))
      return g_strdup (_(value_words[i]));
  if (g_str_has_suffix (value, "."))
    return pp_event_text_translate (value);
  return g_strdup (value);
}

char *
pp_event_text_translate (const char *text)
{
  GRegex **regexes;

  /* gettext ("") is the catalog's header, never a sentence. */
  if (text == NULL || *text == '\0')
    return g_strdup (text);
  {
    /* A sentence without values is its own msgid. */
    const char *translated = dgettext (GETTEXT_PACKAGE, text);
    if (translated != text)
      return g_strdup (translated);
  }
  for (guint i = 0; prefixes[i]; i++)
    if (g_str_has_prefix (text, prefixes[i]))
      {
        g_autofree char *rest = pp_event_text_translate (text + strlen (prefixes[i]));
        return g_strconcat (_(prefixes[i]), rest, NULL);
      }
  regexes = compiled_formats ();
  for (guint i = 0; formats[i]; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;
      char *values[MAX_VALUES] = { NULL };
      guint n = 0;
      char *result;

      if (regexes[i] == NULL || !g_regex_match (regexes[i], text, 0, &match))
        continue;
      for (; n < MAX_VALUES && (gint) n + 1 < g_match_info_get_match_count (match); n++)
        {
          g_autofree char *v = g_match_info_fetch (match, (gint) n + 1);
          values[n] = translate_value (v);
        }
      result = fill_format (_(formats[i]), values, n);
      for (guint j = 0; j < n; j++)
        g_free (values[j]);
      return result;
    }
  return g_strdup (text);
}

const char *
pp_event_server_word (const char *code)
{
  if (g_strcmp0 (code, "started") == 0)
    return C_("server event", "started");
  if (g_strcmp0 (code, "reloaded") == 0)
    return C_("server event", "reloaded");
  if (g_strcmp0 (code, "stopping") == 0)
    return C_("server event", "stopping");
  return code;
}

const char * const *
pp_event_text_formats (void)
{
  return formats;
}
