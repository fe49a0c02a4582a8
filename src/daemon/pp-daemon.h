#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* run/phoneprovd.pid, held with an exclusive lock for the daemon's life, so
 * a second daemon on the same site is refused with the first one's pid. */
typedef struct _PpDaemonLock PpDaemonLock;

PpDaemonLock *pp_daemon_lock (const char *site_dir, GError **error);
void          pp_daemon_unlock (PpDaemonLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpDaemonLock, pp_daemon_unlock)

G_END_DECLS
