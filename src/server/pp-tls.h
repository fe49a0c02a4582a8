#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* TLS acceptance, the one module that knows how connections are secured
 * (DESIGN.md §7). Everything else sees a plaintext GIOStream plus a PpPeer.
 * Built directly on GnuTLS: non-blocking handshakes in the worker's own
 * GMainContext, one credentials structure per configuration (RSA key plus an
 * optional ECDSA key), the trust store of pki/trust, session tickets. */

typedef enum {
  PP_CLIENT_CERTS_REQUIRED,
  PP_CLIENT_CERTS_OPTIONAL,
  PP_CLIENT_CERTS_OFF,
} PpClientCerts;

/* Who is on the other end of a connection. Immutable once handed out. */
typedef struct {
  gatomicrefcount ref;
  char    *site;          /* "http" or "https" */
  char    *address;       /* peer IP */
  guint16  port;
  char    *subject;       /* client certificate subject, or NULL */
  char    *issuer;
  char    *mac;           /* CN=<MAC> as 12 lowercase hex digits, or NULL */
  char    *tls_version;   /* "TLS1.3", or NULL on plain HTTP */
  char    *cipher;
  gboolean resumed;
  gboolean expired_accepted; /* accepted under https.accept-expired-polycom */
  guint    chain_length;  /* certificates the phone sent */
  char   **chain;         /* subjects of the verified chain, phone first, anchor last */
} PpPeer;

PpPeer *pp_peer_new (const char *site, GSocketAddress *remote);
PpPeer *pp_peer_ref (PpPeer *peer);
void    pp_peer_unref (PpPeer *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPeer, pp_peer_unref)

typedef struct _PpTlsContext PpTlsContext;

typedef struct {
  const char   *server_key;     /* PEM, absolute */
  const char   *server_cert;    /* PEM */
  const char   *server_chain;   /* PEM, may be NULL or missing */
  const char   *ecdsa_key;      /* optional second key pair */
  const char   *ecdsa_cert;
  const char   *trust_dir;      /* pki/trust: anchors, intermediates, *.crl */
  const char   *profile;        /* "modern" | "compatible" */
  PpClientCerts client_certs;
  gboolean      check_crl;
  gboolean      accept_expired_polycom;
} PpTlsSettings;

/* Loads keys, certificates and the trust store once. The error is a sentence
 * naming the file at fault. */
PpTlsContext *pp_tls_context_new (const PpTlsSettings *settings, GError **error);
PpTlsContext *pp_tls_context_ref (PpTlsContext *ctx);
void          pp_tls_context_unref (PpTlsContext *ctx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpTlsContext, pp_tls_context_unref)

/* The GnuTLS priority string of a profile; SSL 3.0 is never enabled. */
const char   *pp_tls_profile_priority (const char *profile);
const char   *pp_tls_context_get_profile (PpTlsContext *ctx);
/* Subject and expiry of the server certificate, for status. */
const char   *pp_tls_context_get_server_subject (PpTlsContext *ctx);
const char   *pp_tls_context_get_server_not_after (PpTlsContext *ctx);
guint         pp_tls_context_get_n_anchors (PpTlsContext *ctx);
/* For the wizard's self-test (control API): accept the one client
 * certificate whose SHA-256 (64 hex digits) is @cert_sha256 when it
 * verifies against @anchor_pem (a CA certificate), for @seconds (1 to
 * 120), from memory only. @anchor_pem NULL ends a grant. */
gboolean      pp_tls_context_set_selftest (PpTlsContext *ctx, const char *anchor_pem, const char *cert_sha256,
                                           guint seconds, GError **error);

/* Outcome of pp_tls_accept(): @stream is NULL when the handshake failed or
 * the client certificate was refused; then @reason and @remedy say why in
 * words an administrator can act on. */
typedef void (*PpTlsAcceptFunc) (GIOStream  *stream,
                                 PpPeer     *peer,
                                 const char *reason,
                                 const char *remedy,
                                 gpointer    user_data);

/* Runs the handshake on @socket (non-blocking, in the thread-default main
 * context), verifies the client certificate and fills in @peer. Takes
 * ownership of @socket. */
void pp_tls_accept (PpTlsContext   *ctx,
                    GSocket        *socket,
                    PpPeer         *peer,
                    PpTlsAcceptFunc callback,
                    gpointer        user_data);

/* Internal: the plaintext stream over a finished GnuTLS session. */
GIOStream *pp_tls_stream_new (GSocket *socket, gpointer session);
gboolean   pp_tls_stream_is_tls (GIOStream *stream);
/* While set, a hang-up (close_notify or end of stream) seen by a
 * non-blocking read is reported as "would block" to the reader and @func
 * runs from the main loop at high priority, once; NULL clears it. When the
 * stream is closed meanwhile (by anyone, libsoup's disconnect included),
 * @closed_func runs at once, inside the close, and both are cleared. For
 * the idle time between requests, see pp-hangup.h. */
void       pp_tls_stream_set_hangup (GIOStream *stream, GSourceFunc func, GSourceFunc closed_func,
                                     gpointer data);
/* The next write (a response's headers) is held and goes out in one TLS
 * record with the first bytes of the write after it (the body): one
 * gnutls_record_send() and one sendmsg() less per response. Only for a
 * response known to have a body; never for "100 Continue", which the
 * client waits for. Sending stays non-blocking. No-op on plain streams. */
void       pp_tls_stream_cork_next (GIOStream *stream);

G_END_DECLS
