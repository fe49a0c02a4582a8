#!/bin/sh
# TLS 1.2 session-ID resumption (the session cache, src/server/pp-tls-cache.c)
# with real peers: openssl s_client -sess_out/-sess_in -no_ticket and
# gnutls-cli --resume --noticket, with and without client certificates, and
# a phone whose certificate a reload revokes must not resume.
. "${SERVER_TEST_LIB:-$(dirname "$0")/lib.sh}"

setup_site
start_daemon
u=${https_url%/}
port=${u##*:}
ca=$pki/siteca.crt
printf 'GET /sip.cfg HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' > "$work/req"

# openssl s_client, TLS 1.2 without tickets: resumption by session ID only.
# $1: device or -, $2: -sess_out or -sess_in, $3: output file.
ossl12() {
  if [ "$1" = - ]; then cert=""; else cert="-cert $pki/$1.crt -key $pki/$1.key"; fi
  # shellcheck disable=SC2086
  openssl s_client -connect "127.0.0.1:$port" -CAfile "$ca" $cert -tls1_2 -no_ticket \
    "$2" "$work/sess" -ign_eof < "$work/req" > "$3" 2>&1
}
gtls12() { # device or -, output file; two connections, the second resuming
  if [ "$1" = - ]; then cert=""; else cert="--x509certfile $pki/$1.crt --x509keyfile $pki/$1.key"; fi
  # shellcheck disable=SC2086
  gnutls-cli --resume --noticket --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' --x509cafile "$ca" $cert \
    --port "$port" 127.0.0.1 < /dev/null > "$2" 2>&1
}
handshakes() { events | grep '"type":"handshake"' | grep "$1"; }

# With a device certificate (client-certs=required, the default).
ossl12 phone1 -sess_out "$work/o1"
grep -q '<sip/>' "$work/o1" && grep -q '^New, TLSv1.2' "$work/o1"
ok $? "openssl s_client, TLS 1.2, no tickets: the first connection is a full handshake and is served"
ossl12 phone1 -sess_in "$work/o2"
grep -q '<sip/>' "$work/o2" && grep -q '^Reused, TLSv1.2' "$work/o2"
ok $? "openssl s_client -sess_in: the second connection reuses the session by ID and is served"
sed -n 's/^\(New\|Reused\),.*/# &/p' "$work/o1" "$work/o2"
ossl12 phone1 -sess_in "$work/o3"
grep -q '^Reused, TLSv1.2' "$work/o3"
ok $? "the session resumes again on a third connection"
cnt=$(handshakes '"resumed":true' | grep -c '"subject":"CN=0004f2000001,O=Polycom Inc."')
ok $([ "$cnt" -eq 2 ]; echo $?) "the monitor reports both resumed handshakes as resumed, with the subject ($cnt)"
handshakes '"resumed":true' | grep '"subject":"CN=0004f2000001' | grep -q '"chain":\["CN=0004f2000001,O=Polycom Inc.","CN=Look-alike Polycom Equipment Issuing CA 1'
ok $? "a resumed handshake carries the verified chain (the certificate is checked again)"
cnt=$(handshakes '"resumed":false' | grep -c '"subject":"CN=0004f2000001,O=Polycom Inc."')
ok $([ "$cnt" -eq 1 ]; echo $?) "the full handshake is reported as not resumed ($cnt)"
logs_flushed
grep -q 'CN=0004f2000001,O=Polycom Inc." TLS1.2 [A-Z0-9_]* GET /sip.cfg 200' "$site/logs/access.log"
ok $? "requests on resumed sessions are logged with the certificate subject"

gtls12 phone2 "$work/g1"
grep -q 'This is a resumed session' "$work/g1"
ok $? "gnutls-cli --resume --noticket, TLS 1.2, with a device certificate: the session resumes"

# Another phone cannot use phone1's session with its own certificate: a
# session ID is only found for the certificate it was made with, and
# s_client offering phone1's session while presenting phone2 gets a full
# handshake or phone1's identity, never phone2's files under phone1's name.
ossl12 phone2 -sess_in "$work/o4"
if grep -q '^Reused' "$work/o4"; then
  handshakes '"resumed":true' | tail -1 | grep -q '"subject":"CN=0004f2000001'
  ok $? "offering another phone's session resumes that phone's identity, not a new one"
else
  ok 0 "offering another phone's session with a different certificate gets a full handshake"
fi

# Without client certificates.
ctl set https.client-certs=off
ctl server reload >/dev/null
ossl12 - -sess_out "$work/n1"
ossl12 - -sess_in "$work/n2"
grep -q '<sip/>' "$work/n2" && grep -q '^Reused, TLSv1.2' "$work/n2"
ok $? "client-certs=off: openssl s_client resumes by session ID without a certificate"
gtls12 - "$work/n3"
grep -q 'This is a resumed session' "$work/n3"
ok $? "client-certs=off: gnutls-cli --resume --noticket resumes"
ctl set https.client-certs=optional
ctl server reload >/dev/null
ossl12 - -sess_out "$work/n4"
ossl12 - -sess_in "$work/n5"
grep -q '<sip/>' "$work/n5" && grep -q '^Reused, TLSv1.2' "$work/n5"
ok $? "client-certs=optional: a client without a certificate resumes"
ossl12 phone3 -sess_out "$work/n6"
ossl12 phone3 -sess_in "$work/n7"
grep -q '<sip/>' "$work/n7" && grep -q '^Reused, TLSv1.2' "$work/n7"
ok $? "client-certs=optional: a phone with a certificate resumes"
ctl set https.client-certs=required
ctl server reload >/dev/null

# A reload starts with an empty cache: a session from before does not resume.
ossl12 phone1 -sess_out "$work/r1"
ctl server reload >/dev/null
ossl12 phone1 -sess_in "$work/r2"
grep -q '<sip/>' "$work/r2" && grep -q '^New, TLSv1.2' "$work/r2"
ok $? "after a reload the old session is not resumed; the phone gets a full handshake"

# A certificate revoked by the configuration a reload brings in must not
# resume its session.
ctl set https.check-crl=false
ctl server reload >/dev/null
ossl12 revoked -sess_out "$work/v1"
grep -q '<sip/>' "$work/v1"
ok $? "with check-crl=false the revoked certificate is accepted (setup)"
ossl12 revoked -sess_in "$work/v2"
grep -q '^Reused, TLSv1.2' "$work/v2"
ok $? "… and resumes while that configuration lasts (setup)"
ctl set https.check-crl=true
ctl server reload >/dev/null
ossl12 revoked -sess_in "$work/v3"
! grep -q '<sip/>' "$work/v3" && ! grep -q '^Reused' "$work/v3"
ok $? "after the reload that revokes it, the phone neither resumes nor gets a file"
events | grep '"type":"handshake"' | grep '"result":"refused"' | grep '0004f20000c1' | grep -q 'has been revoked'
ok $? "… and the refusal says the certificate has been revoked"

# TLS 1.3 (tickets) still resumes.
gnutls-cli --resume --x509cafile "$ca" --x509certfile "$pki/phone1.crt" --x509keyfile "$pki/phone1.key" \
  --port "$port" 127.0.0.1 < /dev/null > "$work/t13" 2>&1
grep -q 'This is a resumed session' "$work/t13"
ok $? "TLS 1.3 session tickets still resume"

stop_daemon
finish
