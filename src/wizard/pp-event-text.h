#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The reasons and remedies in phoneprovd's events are the daemon's own
 * sentences, written untranslated into its JSON log and event stream. Their
 * English text (the gettext msgid) is the stable code the Monitor maps to
 * the user's language here, values such as a certificate subject kept.
 * Text that is no known sentence (an operating-system error, a newer
 * daemon's) is returned unchanged. */
char *pp_event_text_translate (const char *text);

/* The word the Monitor shows for a server event's code ("started",
 * "reloaded", "stopping"); other codes unchanged. */
const char *pp_event_server_word (const char *code);

/* The sentences with values that pp_event_text_translate() recognizes,
 * NULL-terminated (for the test that keeps them in step with src/server). */
const char * const *pp_event_text_formats (void);

G_END_DECLS
