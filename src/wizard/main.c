/* phoneprov: the setup wizard. */
#include "config.h"
#include "pp-application.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>

int
main (int argc, char **argv)
{
  g_autoptr(PpApplication) app = NULL;

  /* Under a file-size limit a bundle export or import fails with a message
   * (EFBIG) instead of killing the wizard (SIGXFSZ), as in phoneprovctl. */
  signal (SIGXFSZ, SIG_IGN);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = pp_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
