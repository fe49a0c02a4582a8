/* README.md at the top of a bundle: deployment on other engines and nodes. */
#include "config.h"
#include "pp-engine-config.h"


char *
pp_engine_readme (PpSite *site, gboolean have_apache, gboolean have_nginx, gboolean with_keys)
{
  g_autofree char *name = pp_site_get (site, "site.name");
  g_autofree char *http_port = pp_site_get (site, "http.port");
  g_autofree char *https_port = pp_site_get (site, "https.port");
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "# Deploying “%s” on Apache, nginx or several nodes\n\n", name);
  if (!with_keys)
    g_string_append (s,
      "**This bundle carries no private keys** (it was exported without them).\n"
      "Before an engine or phoneprovd can serve HTTPS, put the server key on\n"
      "each node as pki/server/server.key (mode 0600), or export again with a\n"
      "passphrase.\n\n");
  g_string_append (s,
    "**Keep this bundle secret** even with its keys protected: auth/ holds the\n"
    "phone account (the htdigest file and the phone password), which is enough\n"
    "to download every boot file over HTTP.\n\n");
  g_string_append (s,
    "This bundle holds a phoneprov site (site.conf, boot/, pki/, auth/) and\n"
    "generated configurations for Apache httpd 2.4 (both sites) and nginx (the\n"
    "HTTPS site only: nginx has no digest authentication for bootROM).\n\n"
    "## 1. Unpack with the keys\n\n"
    "Private keys travel only inside passphrase-protected PKCS#12 files\n"
    "(pki/server/server.p12, pki/ca/ca.p12), or not at all. Import the bundle\n"
    "with phoneprovctl, which checks every checksum and certificate, writes the\n"
    "keys back as 0600 PEM files and regenerates these configurations with\n"
    "absolute paths for the new place:\n\n"
    "    phoneprovctl --site /srv/phoneprov bundle import BUNDLE.tar.gz --passphrase-file PASSFILE\n\n"
    "Then run phoneprovd, or one of the engines:\n\n"
    "    phoneprovd --site /srv/phoneprov\n"
    "    apache2 -f /srv/phoneprov/engines/apache/httpd.conf -DFOREGROUND\n"
    "    nginx -c /srv/phoneprov/engines/nginx/nginx.conf -g 'daemon off;'\n\n"
    "phoneprovd can also run the bundle directly, from a private copy that it\n"
    "removes when it stops:\n\n"
    "    phoneprovd --bundle BUNDLE.tar.gz --passphrase-file PASSFILE\n\n"
    "Without phoneprovctl (plain `tar xzf`), the files in engines/ use paths\n"
    "relative to the extraction folder ROOT; convert the key first:\n\n"
    "    openssl pkcs12 -in pki/server/server.p12 -nocerts -noenc -out pki/server/server.key\n"
    "    apache2 -d ROOT -f engines/apache/httpd.conf -DFOREGROUND\n"
    "    nginx -p ROOT/ -c engines/nginx/nginx.conf -g 'daemon off;'\n\n"
    "The engines write pid files to run/ and logs to logs/; create both folders.\n"
    "Started as root, Apache switches to the account of its User/Group lines\n"
    "(commented out in httpd.conf: set them) and nginx workers to `nobody`:\n"
    "that account must be able to read the site and write the boot folder\n"
    "(phones upload logs and settings with PUT).\n\n");
  if (!have_apache || !have_nginx)
    g_string_append (s,
      "Some engine configurations are missing from this bundle because the site\n"
      "had no installed server certificate or no trust anchors when it was\n"
      "exported. Finish those steps and export again.\n\n");
  g_string_append_printf (s,
    "## 2. Several nodes behind a load balancer\n\n"
    "- **Same site on every node.** Import this one bundle on each node, so all\n"
    "  serve the same server certificate, trust store, htdigest file and TLS\n"
    "  profile. Put every name phones use (the balancer's FQDN) in the server\n"
    "  certificate's CN and SANs: phones check it strictly.\n"
    "- **Shared boot files.** Keep boot/ on shared storage (NFS or a cluster\n"
    "  file system) mounted at the same path on every node, or make one node the\n"
    "  source and copy firmware and configuration out with `rsync -a --delete`\n"
    "  excluding the upload patterns. Phones PUT their logs and the settings\n"
    "  made on the phone (`*-phone.cfg`, `*-web.cfg`, `*-directory.xml`,\n"
    "  `*-calls.xml`): with copies instead of shared storage those land on one\n"
    "  node only, so route each phone to the same node (below).\n"
    "- **Pass TLS through.** Mutual TLS must end on the nodes: balance the HTTPS\n"
    "  port (%s) at layer 4 (TCP), never terminate it on the balancer, or the\n"
    "  phones' device certificates never reach the nodes.\n"
    "- **Stickiness.** Digest nonces live in each node's memory: balance the HTTP\n"
    "  port (%s) by source address so a phone's challenge and answer reach the\n"
    "  same node. Source affinity also keeps a phone's uploads together.\n"
    "- **Health checks.** A TCP connect to both ports. An HTTPS health check\n"
    "  would need a client certificate from the trust store.\n\n"
    "Example (HAProxy):\n\n"
    "    frontend phones_https\n"
    "        mode tcp\n"
    "        bind :%s\n"
    "        default_backend nodes_https\n"
    "    backend nodes_https\n"
    "        mode tcp\n"
    "        balance source\n"
    "        server node1 192.0.2.11:%s check\n"
    "        server node2 192.0.2.12:%s check\n\n"
    "and the same, with port %s, for the HTTP site.\n\n"
    "## 3. After a change\n\n"
    "site.conf is the source of truth. Change the site with the wizard or\n"
    "phoneprovctl on one machine, export a new bundle and import it on every\n"
    "node; or regenerate only the engine files with\n"
    "`phoneprovctl export apache DIR` / `phoneprovctl export nginx DIR`.\n",
    https_port, http_port, https_port, https_port, https_port, http_port);
  return g_string_free (s, FALSE);
}
