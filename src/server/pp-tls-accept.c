/* The non-blocking TLS handshake in the worker's main context; see pp-tls.h. */
#include "config.h"
#include "pp-tls-private.h"

#include <glib/gi18n-lib.h>

#define HANDSHAKE_TIMEOUT_S 15

/* ---- handshake ---------------------------------------------------------- */

typedef struct {
  PpTlsContext    *ctx;
  GSocket         *socket;
  gnutls_session_t session;
  PpPeer          *peer;
  PpTlsAcceptFunc  callback;
  gpointer         user_data;
  GSource         *io_source;
  GSource         *timeout;
  PpTlsRefusal          refusal;
  gboolean         verified;
} Handshake;

static void
handshake_free (Handshake *h)
{
  if (h->io_source)
    g_source_destroy (h->io_source);
  g_clear_pointer (&h->io_source, g_source_unref);
  if (h->timeout)
    g_source_destroy (h->timeout);
  g_clear_pointer (&h->timeout, g_source_unref);
  if (h->session)
    gnutls_deinit (h->session);
  if (h->socket)
    g_socket_close (h->socket, NULL);
  g_clear_object (&h->socket);
  pp_peer_unref (h->peer);
  pp_tls_context_unref (h->ctx);
  g_free (h->refusal.reason);
  g_free (h->refusal.remedy);
  g_free (h);
}

/* Called by GnuTLS inside the handshake, so a refused phone gets a
 * certificate alert instead of a finished handshake and a reset. */
static int
verify_callback (gnutls_session_t session)
{
  Handshake *h = gnutls_session_get_ptr (session);
  const gnutls_datum_t *certs;
  unsigned n = 0;

  certs = gnutls_certificate_get_peers (session, &n);
  h->verified = TRUE;
  if (!pp_tls_verify_peer (h->ctx, certs, certs ? n : 0, h->peer, &h->refusal))
    return GNUTLS_E_CERTIFICATE_ERROR;
  return 0;
}

static void
handshake_fail (Handshake *h, char *reason, const char *remedy)
{
  if (h->refusal.reason == NULL)
    {
      h->refusal.reason = reason;
      h->refusal.remedy = g_strdup (remedy);
    }
  else
    g_free (reason);
  h->callback (NULL, h->peer, h->refusal.reason, h->refusal.remedy, h->user_data);
  handshake_free (h);
}

static void handshake_step (Handshake *h);

static gboolean
on_handshake_io (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  Handshake *h = user_data;
  g_clear_pointer (&h->io_source, g_source_unref);
  handshake_step (h);
  return G_SOURCE_REMOVE;
}

static gboolean
on_handshake_timeout (gpointer user_data)
{
  Handshake *h = user_data;
  g_clear_pointer (&h->timeout, g_source_unref);
  handshake_fail (h, g_strdup_printf (_("The TLS handshake did not finish within %d seconds."), HANDSHAKE_TIMEOUT_S),
                  _("Check the network between the phone and this server."));
  return G_SOURCE_REMOVE;
}

static void
handshake_done (Handshake *h)
{
  GIOStream *stream;
  const char *cipher;

  h->peer->resumed = gnutls_session_is_resumed (h->session) != 0;
  /* Resumed sessions skip the verify callback: check the stored chain. */
  if (!h->verified)
    {
      unsigned n = 0;
      const gnutls_datum_t *certs = gnutls_certificate_get_peers (h->session, &n);
      if (!pp_tls_verify_peer (h->ctx, certs, certs ? n : 0, h->peer, &h->refusal))
        {
          gnutls_alert_send (h->session, GNUTLS_AL_FATAL, GNUTLS_A_BAD_CERTIFICATE);
          handshake_fail (h, NULL, NULL);
          return;
        }
    }
  h->peer->tls_version = g_strdup (gnutls_protocol_get_name (gnutls_protocol_get_version (h->session)));
  /* The IANA name ("TLS_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"),
   * the one admins find in phone logs and in other servers' logs. */
  cipher = gnutls_ciphersuite_get (h->session);
  h->peer->cipher = g_strdup (cipher ? cipher : "?");

  stream = pp_tls_stream_new (h->socket, h->session);
  h->session = NULL;            /* now owned by the stream */
  g_clear_object (&h->socket);
  h->callback (stream, h->peer, NULL, NULL, h->user_data);
  g_object_unref (stream);
  handshake_free (h);
}

static void
handshake_step (Handshake *h)
{
  int ret = gnutls_handshake (h->session);

  if (ret == GNUTLS_E_SUCCESS)
    {
      handshake_done (h);
      return;
    }
  if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED || !gnutls_error_is_fatal (ret))
    {
      GIOCondition cond = gnutls_record_get_direction (h->session) ? G_IO_OUT : G_IO_IN;
      h->io_source = g_socket_create_source (h->socket, cond, NULL);
      g_source_set_callback (h->io_source, G_SOURCE_FUNC (on_handshake_io), h, NULL);
      g_source_attach (h->io_source, g_main_context_get_thread_default ());
      return;
    }
  /* Tell the phone why, where TLS has an alert for it. */
  gnutls_alert_send_appropriate (h->session, ret);
  if (ret == GNUTLS_E_NO_CERTIFICATE_FOUND || ret == GNUTLS_E_CERTIFICATE_REQUIRED)
    {
      PpTlsRefusal none = { NULL, NULL };
      pp_tls_verify_peer (h->ctx, NULL, 0, h->peer, &none);
      handshake_fail (h, none.reason ? none.reason : g_strdup (_("The phone sent no client certificate.")),
                      none.remedy);
      g_free (none.remedy);
      return;
    }
  if (ret == GNUTLS_E_NO_CIPHER_SUITES || ret == GNUTLS_E_UNSUPPORTED_VERSION_PACKET
      || ret == GNUTLS_E_INSUFFICIENT_SECURITY || ret == GNUTLS_E_NO_PRIORITIES_WERE_SET)
    {
      handshake_fail (h, g_strdup_printf (_("The phone offers no TLS version or cipher the %s profile allows (%s)."),
                                          h->ctx->profile, gnutls_strerror (ret)),
                      _("Old firmware needs https.profile=compatible; otherwise update the phone's software."));
      return;
    }
  handshake_fail (h, g_strdup_printf (_("The TLS handshake failed: %s."), gnutls_strerror (ret)),
                  _("If the phone rejected this server's certificate, install the site's CA certificate on "
                    "the phone (page “Phone trusts the server”) and check the phone's clock."));
}

void
pp_tls_accept (PpTlsContext *ctx, GSocket *socket, PpPeer *peer,
               PpTlsAcceptFunc callback, gpointer user_data)
{
  Handshake *h = g_new0 (Handshake, 1);

  h->ctx = pp_tls_context_ref (ctx);
  h->socket = socket;
  h->peer = pp_peer_ref (peer);
  h->callback = callback;
  h->user_data = user_data;

  g_socket_set_blocking (socket, FALSE);
  gnutls_init (&h->session, GNUTLS_SERVER | GNUTLS_NONBLOCK);
  gnutls_session_set_ptr (h->session, h);
  gnutls_priority_set (h->session, ctx->priority);
  gnutls_credentials_set (h->session, GNUTLS_CRD_CERTIFICATE, ctx->creds);
  gnutls_session_ticket_enable_server (h->session, &ctx->ticket_key);
  pp_tls_session_cache_attach (ctx->sessions, h->session);
  if (ctx->client_certs != PP_CLIENT_CERTS_OFF)
    {
      /* REQUEST, not REQUIRE: a missing certificate then reaches our own
       * policy and gets a reason in the log. */
      gnutls_certificate_server_set_request (h->session, GNUTLS_CERT_REQUEST);
      gnutls_session_set_verify_function (h->session, verify_callback);
    }
  else
    h->verified = TRUE;
  gnutls_transport_set_int (h->session, g_socket_get_fd (socket));

  h->timeout = g_timeout_source_new_seconds (HANDSHAKE_TIMEOUT_S);
  g_source_set_callback (h->timeout, on_handshake_timeout, h, NULL);
  g_source_attach (h->timeout, g_main_context_get_thread_default ());
  handshake_step (h);
}
