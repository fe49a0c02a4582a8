#pragma once

#include <glib.h>
#include <gnutls/x509.h>
#include "pp-site.h"
#include "pp-cert-details.h"

G_BEGIN_DECLS

/* The trust store for phone certificates: <site>/pki/trust/.
 * One certificate per file, "<name>-<first 8 bytes of SHA-256>.pem";
 * CRLs (PEM) as "<issuer>-<hash of issuer DN>.crl", so a newer CRL of the
 * same CA replaces the older one; phoneprovd picks CRLs by that suffix. Only CA certificates (basicConstraints
 * CA:TRUE) are accepted; self-signed ones are anchors, the rest are
 * intermediates. The genuine Polycom hierarchy (DESIGN.md §6) is recognised
 * by pinned SHA-256 fingerprints. */

typedef enum {
  PP_POLYCOM_NONE,       /* nothing to do with Polycom */
  PP_POLYCOM_GENUINE,    /* fingerprint is one of the four pinned ones */
  PP_POLYCOM_IMPOSTOR,   /* subject/issuer says "Polycom" but fingerprint is not pinned */
} PpPolycomStatus;

/* @name (transfer none) gets "Polycom Root CA" etc. when genuine. */
PpPolycomStatus pp_polycom_check (gnutls_x509_crt_t crt, const char **name);
/* TRUE when @sha256 (hex, colons/case ignored) is one of the pinned four. */
gboolean        pp_polycom_fingerprint_is_genuine (const char *sha256);

typedef enum {
  PP_TRUST_ANCHOR,        /* self-signed CA */
  PP_TRUST_INTERMEDIATE,  /* CA certificate signed by another */
  PP_TRUST_CRL,
  PP_TRUST_DAMAGED,       /* a file phoneprovd refuses: it does not parse, or
                             a CRL no CA in the store signed. Only file,
                             label and warning (what to do) are set. */
} PpTrustKind;

typedef struct {
  char            *file;          /* basename in pki/trust/ */
  PpTrustKind      kind;
  char            *subject;       /* CRL: issuer */
  char            *sha256;        /* certificates: uppercase hex, colons */
  gint64           not_after;     /* certificates; CRL: next update */
  PpPolycomStatus  polycom;
  char            *label;         /* "Polycom Root CA (genuine)" or subject CN */
  char            *warning;       /* translated sentence, or NULL */
  PpCertDetails   *details;       /* certificates only */
} PpTrustEntry;

void pp_trust_entry_free (PpTrustEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpTrustEntry, pp_trust_entry_free)

/* Add every certificate and CRL in @data (PEM with several, DER, PKCS#7).
 * All or nothing: a non-CA certificate, an expired or not-yet-valid one, or
 * garbage refuses the whole file and nothing is written. Already present
 * certificates are skipped silently. Returns the entries for what @data
 * held (PpTrustEntry), including warnings (impostor Polycom). */
GPtrArray *pp_trust_add (PpSite      *site,
                         const void  *data,
                         gsize        len,
                         GError     **error);
/* Replace the store's CRL from the issuer of @crl_pem, if the store holds
 * one (the admin put the site CA's CRL there): pp_crl_generate calls this,
 * so a revocation reaches phoneprovd with the next reload. *updated tells
 * whether a file was replaced. A CRL not yet in the store is not added. */
gboolean   pp_trust_refresh_crl (PpSite      *site,
                                 GBytes      *crl_pem,
                                 gboolean    *updated,
                                 GError     **error);
/* Every entry, anchors first, then intermediates, then CRLs, then the
 * damaged files (PP_TRUST_DAMAGED), which are listed, never skipped: the
 * files are read as phoneprovd reads them, so a store this lists without a
 * damaged entry is one phoneprovd loads. NULL only when pki/trust/ cannot
 * be opened. */
GPtrArray *pp_trust_list (PpSite *site, GError **error);
/* TRUE when @entries (from pp_trust_list) holds a damaged file. */
gboolean   pp_trust_list_is_damaged (GPtrArray *entries);
/* Remove by file name (damaged files too), or by SHA-256 fingerprint (full
 * or a unique prefix of at least 8 hex digits, colons ignored). */
gboolean   pp_trust_remove (PpSite *site, const char *id, GError **error);

/* Load the whole store into @list: every certificate (intermediates too,
 * as the admin put them there to be trusted) as a trusted CA, then the
 * CRLs, each checked against the store's CAs. Counts are optional. A
 * damaged file (see pp_trust_list) is an error naming it, as in phoneprovd. */
gboolean   pp_trust_load (PpSite                    *site,
                          gnutls_x509_trust_list_t   list,
                          guint                     *n_certs,
                          guint                     *n_crls,
                          GError                   **error);

G_END_DECLS
