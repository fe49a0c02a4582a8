#!/bin/sh
# The RSA server key's own signer (src/server/pp-tls-rsa.c) against real
# peers: with the modern profile every RSA signature a handshake needs
# (PKCS#1 v1.5 and RSA-PSS with SHA-256/384/512 in TLS 1.2, RSA-PSS in
# TLS 1.3) must be accepted by openssl s_client and gnutls-cli, also past
# the point where the blinding factor is renewed (every 32 signatures).
# With the compatible profile GnuTLS keeps the key, and RSA key exchange
# (which decrypts with it) still works.
. "${SERVER_TEST_LIB:-$(dirname "$0")/lib.sh}"

setup_site
ctl set https.profile=modern >/dev/null
G_MESSAGES_DEBUG=phoneprov
export G_MESSAGES_DEBUG
start_daemon
grep -q 'server.key: RSA signatures by pp-tls-rsa.c' "$daemon_log"
ok $? "modern profile: the RSA server key signs through phoneprovd's signer"
u=${https_url%/}
port=${u##*:}
ca=$pki/siteca.crt
printf 'GET /sip.cfg HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' > "$work/req"

# $1: TLS version option, $2: sigalgs, $3: output file
ossl() {
  openssl s_client -connect "127.0.0.1:$port" -CAfile "$ca" -cert "$pki/phone1.crt" -key "$pki/phone1.key" \
    "$1" -sigalgs "$2" -ign_eof < "$work/req" > "$3" 2>&1
}

for alg in RSA+SHA256 RSA+SHA384 RSA+SHA512 rsa_pss_rsae_sha256 rsa_pss_rsae_sha384 rsa_pss_rsae_sha512; do
  ossl -tls1_2 "$alg" "$work/o-$alg"
  grep -q '<sip/>' "$work/o-$alg" && grep -q 'Verify return code: 0 (ok)' "$work/o-$alg"
  ok $? "openssl s_client, TLS 1.2, server signature $alg: verified and served"
  sed -n 's/^\(Peer signature type\|Peer signing digest\): .*/# &/p' "$work/o-$alg"
done
grep -q 'Peer signature type: RSA-PSS' "$work/o-rsa_pss_rsae_sha384" && grep -q 'Peer signing digest: SHA384' "$work/o-rsa_pss_rsae_sha384"
ok $? "the PSS handshake really used RSA-PSS with SHA-384"
grep -q 'Peer signature type: RSA$' "$work/o-RSA+SHA256"
ok $? "the PKCS#1 handshake really used PKCS#1 v1.5"

ossl -tls1_3 rsa_pss_rsae_sha256 "$work/o13"
grep -q '<sip/>' "$work/o13" && grep -q 'TLSv1.3' "$work/o13"
ok $? "openssl s_client, TLS 1.3 (RSA-PSS): verified and served"

for prio in 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-SIGN-ALL:+SIGN-RSA-SHA256' \
            'NORMAL:-VERS-ALL:+VERS-TLS1.2:-SIGN-ALL:+SIGN-RSA-PSS-RSAE-SHA512' \
            'NORMAL:-VERS-ALL:+VERS-TLS1.3'; do
  gnutls-cli --priority "$prio" --x509cafile "$ca" --x509certfile "$pki/phone1.crt" \
    --x509keyfile "$pki/phone1.key" --port "$port" 127.0.0.1 < /dev/null > "$work/g" 2>&1
  grep -q 'Handshake was completed' "$work/g"
  ok $? "gnutls-cli $prio: handshake completed"
done

# 70 more handshakes: the blinding pair is squared 31 times and renewed
# twice on the way; every signature must still verify.
bad=0
i=0
while [ $i -lt 70 ]; do
  curl -sf -o /dev/null --cacert "$ca" --cert "$pki/phone1.crt" --key "$pki/phone1.key" "$u/sip.cfg" || bad=$((bad + 1))
  i=$((i + 1))
done
ok $([ "$bad" -eq 0 ]; echo $?) "70 handshakes in a row with curl: every server signature verified ($bad failed)"
grep -q 'RSA signature failed its own check' "$daemon_log"
ok $([ $? -ne 0 ]; echo $?) "no signature failed the daemon's own check"

# The compatible profile keeps GnuTLS's key: RSA key exchange decrypts with it.
stop_daemon
ctl set https.profile=compatible >/dev/null
start_daemon
u=${https_url%/}
port=${u##*:}
grep -q 'RSA signatures by pp-tls-rsa.c' "$daemon_log"
ok $([ $? -ne 0 ]; echo $?) "compatible profile: GnuTLS keeps the RSA key (RSA key exchange decrypts with it)"
openssl s_client -connect "127.0.0.1:$port" -CAfile "$ca" -cert "$pki/phone1.crt" -key "$pki/phone1.key" \
  -tls1_2 -cipher AES128-SHA -ign_eof < "$work/req" > "$work/kx" 2>&1
grep -q '<sip/>' "$work/kx" && grep -q 'Cipher is AES128-SHA' "$work/kx"
ok $? "compatible profile: RSA key exchange (AES128-SHA) still works"
ossl -tls1_2 rsa_pss_rsae_sha256 "$work/o-compat"
grep -q '<sip/>' "$work/o-compat"
ok $? "compatible profile: ECDHE-RSA with an RSA-PSS signature works"

finish
