#!/bin/sh
# The HTTPS site: mutual TLS with the look-alike vendor PKI. Real peers: the
# phone simulator, curl --cert, openssl s_client and gnutls-cli.
. "${SERVER_TEST_LIB:-$(dirname "$0")/lib.sh}"

setup_site
cp "$pki/server-ecdsa.key" "$pki/server-ecdsa.crt" "$site/pki/server/"
start_daemon
u=${https_url%/}
port=${u##*:}
ca=$pki/siteca.crt
ccurl() { # device, then curl arguments
  d=$1; shift
  curl -s -m 30 --cacert "$ca" --cert "$pki/$d.crt" --key "$pki/$d.key" "$@"
}

# Several phones boot completely: bootROM over digest, application over mTLS.
for d in phone1 phone2 phone3; do
  mac=$(openssl x509 -in "$pki/$d.crt" -noout -subject | sed -n 's/.*CN *= *\([0-9a-f]*\).*/\1/p')
  "$PHONESIM" --http "$http_url" --https "$https_url" --cacert "$ca" --cert "$pki/$d.crt" --key "$pki/$d.key" \
    --user phone --password 'Secr3t-pass' --mac "$mac" --model VVX_400 --firmware 6.4.3.1234 > "$work/sim-$d" 2>&1
  rc=$?
  sed 's/^/# /' "$work/sim-$d" | tail -4
  ok $rc "phone $d ($mac) completes the bootROM and application sequences"
  ok $([ -s "$site/boot/$mac-app.log" ] && [ -s "$site/boot/$mac-boot.log" ] && [ -s "$site/boot/$mac-phone.cfg" ]; echo $?) \
    "phone $mac uploaded its boot log, app log and overrides"
done
"$PHONESIM" --https "$https_url" --cacert "$ca" --cert "$pki/phone3-chain.crt" --key "$pki/phone3.key" \
  --mac 0004f2000003 --sequence app -q > "$work/sim-chain" 2>&1
ok $? "a phone that sends its intermediates is accepted too"
"$PHONESIM" --https "$https_url" --cacert "$ca" --cert "$pki/noeku.crt" --key "$pki/noeku.key" \
  --mac 0004f2000004 --sequence app -q > /dev/null 2>&1
ok $? "a device certificate without Extended Key Usage is accepted"

events > "$work/events"
grep '"type":"request"' "$work/events" | grep '"site":"https"' | grep '"mac":"0004f2000002"' \
  | grep '"subject":"CN=0004f2000002,O=Polycom Inc."' | grep '"model":"VVX_400"' | grep '"firmware":"6.4.3.1234"' \
  | grep -q '"tls_version":"TLS1.3"'
ok $? "request events carry MAC and subject from the certificate, model/firmware, TLS version"
grep '"type":"handshake","result":"accepted"' "$work/events" | grep -q '"chain":\["CN=0004f2000001,O=Polycom Inc.","CN=Look-alike Polycom Equipment Issuing CA 1,O=Look-alike Polycom Inc.","CN=Look-alike Polycom Equipment Policy CA,O=Look-alike Polycom Inc.","CN=Look-alike Polycom Root CA,O=Look-alike Polycom Inc."\]'
ok $? "accepted handshakes carry the verified chain, completed from the store up to the root"
logs_flushed
grep -q 'CN=0004f2000001,O=Polycom Inc." TLS1.3 TLS_AES_[0-9A-Z_]* HEAD /0004f2000001-app.log' "$site/logs/access.log"
ok $? "access log lines carry subject, TLS version and cipher"

# Refusals: each with the reason in the events.
refused() { # device|-, reason fragment, description
  if [ "$1" = - ]; then
    code=$(curl -s -m 30 --cacert "$ca" -o /dev/null -w '%{http_code}' "$u/sip.cfg")
  else
    code=$(ccurl "$1" -o /dev/null -w '%{http_code}' "$u/sip.cfg")
  fi
  ok $([ "$code" = 000 ]; echo $?) "$3: refused by the server (curl got $code)"
  events | grep '"type":"handshake"' | grep '"result":"refused"' | grep -q "$2"
  ok $? "$3: logged as: $2"
}
refused - 'The phone sent no client certificate' "no client certificate"
refused untrusted 'which is not in the trust store' "certificate from an untrusted CA"
refused selfsigned 'is self-signed' "self-signed device certificate"
refused expired 'expired on 2021-01-01' "expired device certificate"
refused future 'is not valid before 2040-01-01' "not-yet-valid device certificate"
refused wrongeku 'lacks clientAuth' "certificate without the clientAuth purpose"
refused revoked 'has been revoked' "revoked device certificate"
events | grep '"result":"refused"' | grep 'untrusted\|Rogue' | grep -q '"remedy":"Import the phone vendor'
ok $? "refusals carry the remedy"

# Expired acceptance is pinned to the genuine Polycom root, which the
# look-alike hierarchy is not.
ctl set https.accept-expired-polycom=true
ctl server reload >/dev/null
code=$(ccurl expired -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 000 ]; echo $?) "accept-expired-polycom does not accept an expired look-alike certificate ($code)"
ctl set https.accept-expired-polycom=false https.check-crl=false
ctl server reload >/dev/null
code=$(ccurl revoked -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 200 ]; echo $?) "with https.check-crl=false the CRL is not consulted ($code)"
ctl set https.check-crl=true
ctl server reload >/dev/null

# With the genuine Polycom CAs in the store (when the shared fixtures are
# there), an expired device certificate from an impostor CA that copies the
# Issuing CA's name is refused even with accept-expired-polycom on.
fixtures=${PHONEPROV_SHARED:-}/fixtures/polycom-pki
if [ -f "$fixtures/polycom-root-ca.pem" ] && [ -f "$fixtures/polycom-equipment-issuing-ca-1.pem" ]; then
  cp "$fixtures/polycom-root-ca.pem" "$fixtures/polycom-equipment-policy-ca.pem" \
     "$fixtures/polycom-equipment-issuing-ca-1.pem" "$site/pki/trust/"
  certtool --generate-privkey --key-type=rsa --bits=2048 --outfile "$work/fake-ca.key" 2>/dev/null
  printf 'cn = "Polycom Equipment Issuing CA 1"\nca\ncert_signing_key\nexpiration_days = 365\n' > "$work/fake-ca.tmpl"
  certtool --generate-self-signed --load-privkey "$work/fake-ca.key" --template "$work/fake-ca.tmpl" \
    --outfile "$work/fake-ca.crt" 2>/dev/null
  printf 'cn = "0004f2abcdef"\norganization = "Polycom Inc."\ntls_www_client\nsigning_key\nactivation_date = "2020-01-01 00:00:00"\nexpiration_date = "2021-01-01 00:00:00"\n' > "$work/fake-dev.tmpl"
  certtool --generate-certificate --load-privkey "$pki/phone1.key" --load-ca-certificate "$work/fake-ca.crt" \
    --load-ca-privkey "$work/fake-ca.key" --template "$work/fake-dev.tmpl" --outfile "$work/fake-dev.crt" 2>/dev/null
  ctl set https.accept-expired-polycom=true
  ctl server reload >/dev/null
  ctl server status --json | grep -q '"trust_anchors" : 2'
  ok $? "the genuine Polycom Root CA loads as a second anchor"
  code=$(curl -s -m 30 --cacert "$ca" --cert "$work/fake-dev.crt" --key "$pki/phone1.key" -o /dev/null -w '%{http_code}' "$u/sip.cfg")
  ok $([ "$code" = 000 ]; echo $?) "an expired certificate from an impostor 'Polycom Equipment Issuing CA 1' is refused ($code)"
  events | grep '"result":"refused"' | grep '0004f2abcdef' | grep -q 'did not sign it: a forged or foreign certificate'
  ok $? "… and the reason says the genuine CA of that name did not sign it"
  rm "$site/pki/trust/polycom-"*.pem
  ctl set https.accept-expired-polycom=false
  ctl server reload >/dev/null
else
  skip "genuine Polycom CA fixtures not present"
  skip "genuine Polycom CA fixtures not present"
  skip "genuine Polycom CA fixtures not present"
fi

# Other real peers.
printf 'GET /sip.cfg HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' > "$work/req"
openssl s_client -connect "127.0.0.1:$port" -CAfile "$ca" -cert "$pki/phone1.crt" -key "$pki/phone1.key" \
  -verify_return_error -quiet < "$work/req" > "$work/ossl" 2>&1
grep -q '<sip/>' "$work/ossl"
ok $? "openssl s_client with a device certificate gets the file"
openssl s_client -connect "127.0.0.1:$port" -CAfile "$ca" -quiet < "$work/req" > "$work/ossl" 2>&1
! grep -q '<sip/>' "$work/ossl"
ok $? "openssl s_client without a certificate gets nothing"
openssl s_client -connect "127.0.0.1:$port" -CAfile "$ca" -cert "$pki/phone1.crt" -key "$pki/phone1.key" \
  -tls1_2 -cipher 'AES128-SHA:@SECLEVEL=0' -quiet < "$work/req" > "$work/ossl" 2>&1
grep -q '<sip/>' "$work/ossl"
ok $? "compatible profile: TLS 1.2 with RSA key exchange AES128-SHA (old firmware) works"
gnutls-cli --x509cafile "$ca" --x509certfile "$pki/phone2.crt" --x509keyfile "$pki/phone2.key" \
  --port "$port" 127.0.0.1 < "$work/req" > "$work/gtls" 2>&1
grep -q '<sip/>' "$work/gtls"
ok $? "gnutls-cli with a device certificate gets the file"
gnutls-cli --x509cafile "$ca" --x509certfile "$pki/phone2.crt" --x509keyfile "$pki/phone2.key" \
  --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-KX-ALL:+RSA:%NO_SESSION_HASH' \
  --port "$port" 127.0.0.1 < "$work/req" > "$work/gtls" 2>&1
grep -q '<sip/>' "$work/gtls"
ok $? "compatible profile: a TLS 1.0 phone with RSA key exchange is served"
logs_flushed
grep -q 'CN=0004f2000002,O=Polycom Inc." TLS1.0 TLS_RSA_WITH_AES_[0-9]*_CBC_SHA GET /sip.cfg' "$site/logs/access.log"
ok $? "the TLS 1.0 request is logged with its version and cipher"
gnutls-cli --x509cafile "$ca" --x509certfile "$pki/phone2.crt" --x509keyfile "$pki/phone2.key" \
  --priority 'NORMAL:-VERS-ALL:+VERS-SSL3.0' --port "$port" 127.0.0.1 < "$work/req" > "$work/gtls" 2>&1
! grep -q '<sip/>' "$work/gtls"
ok $? "SSL 3.0 is never accepted"

ctl set https.profile=modern
ctl server reload >/dev/null
gnutls-cli --x509cafile "$ca" --x509certfile "$pki/phone2.crt" --x509keyfile "$pki/phone2.key" \
  --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.0:+VERS-TLS1.1' --port "$port" 127.0.0.1 < "$work/req" > "$work/gtls" 2>&1
! grep -q '<sip/>' "$work/gtls"
ok $? "modern profile: TLS 1.0/1.1 are refused"
events | grep '"result":"refused"' | grep -q 'https.profile=compatible'
ok $? "the refusal says to use the compatible profile"
openssl s_client -connect "127.0.0.1:$port" -CAfile "$ca" -cert "$pki/phone1.crt" -key "$pki/phone1.key" \
  -tls1_2 -cipher 'AES128-SHA:@SECLEVEL=0' -quiet < "$work/req" > "$work/ossl" 2>&1
! grep -q '<sip/>' "$work/ossl"
ok $? "modern profile: RSA key exchange is refused"
gnutls-cli --x509cafile "$ca" --x509certfile "$pki/phone2.crt" --x509keyfile "$pki/phone2.key" \
  --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' --port "$port" 127.0.0.1 < "$work/req" > "$work/gtls" 2>&1
grep -q '<sip/>' "$work/gtls"
ok $? "modern profile: TLS 1.2 with ECDHE works"
ctl set https.profile=compatible
ctl server reload >/dev/null

# RSA and ECDSA server keys side by side: each client gets what it accepts.
gnutls-cli --x509cafile "$ca" --x509certfile "$pki/phone2.crt" --x509keyfile "$pki/phone2.key" \
  --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA' --port "$port" 127.0.0.1 < "$work/req" > "$work/gtls" 2>&1
grep -q '<sip/>' "$work/gtls" && grep -q 'ECDHE_ECDSA\|ECDSA' "$work/gtls"
ok $? "a client that prefers ECDSA gets the ECDSA server key"
openssl s_client -ign_eof -connect "127.0.0.1:$port" -CAfile "$ca" -cert "$pki/phone1.crt" -key "$pki/phone1.key" -tls1_2 \
  -cipher 'ALL:!aNULL:!eNULL:!DSS:!SEED:!ECDSA:!IDEA:!MEDIUM:!LOW:!EXP:!DH:!AECDH:!PSK:!SRP:!MD5:!RC4' \
  < "$work/req" > "$work/ossl" 2>&1
grep -q '<sip/>' "$work/ossl" && grep -q 'Server public key is 2048 bit' "$work/ossl"
ok $? "a UC Software 4.0 cipher list (no ECDSA, no DH) gets the RSA key"
grep -q 'Acceptable client certificate CA names' "$work/ossl" && grep -q 'Look-alike Polycom Root CA' "$work/ossl"
ok $? "the CertificateRequest names the trusted CAs"

# Session resumption: the second connection resumes and keeps the identity.
gnutls-cli --resume --x509cafile "$ca" --x509certfile "$pki/phone1.crt" --x509keyfile "$pki/phone1.key" \
  --port "$port" 127.0.0.1 < /dev/null > "$work/resume" 2>&1
grep -q 'This is a resumed session' "$work/resume"
ok $? "TLS sessions resume (session tickets)"

# Client certificates optional / off, and the MAC binding.
ctl set https.client-certs=optional
ctl server reload >/dev/null
code=$(curl -s -m 30 --cacert "$ca" -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 200 ]; echo $?) "client-certs=optional: no certificate is served ($code)"
code=$(ccurl untrusted -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 000 ]; echo $?) "client-certs=optional: a bad certificate is still refused ($code)"
ctl set https.client-certs=off
ctl server reload >/dev/null
code=$(ccurl untrusted -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 200 ]; echo $?) "client-certs=off: no certificate is asked for, so none is judged ($code)"
openssl s_client -tls1_2 -connect "127.0.0.1:$port" -CAfile "$ca" < /dev/null > "$work/ossl" 2>&1
! grep -q 'Acceptable client certificate CA names' "$work/ossl"
ok $? "client-certs=off: the server sends no CertificateRequest"
ctl set https.client-certs=required https.bind-mac=true
ctl server reload >/dev/null
code=$(ccurl phone1 -o /dev/null -w '%{http_code}' "$u/0004f2000001-phone.cfg")
ok $([ "$code" = 200 ]; echo $?) "bind-mac: a phone reads its own file ($code)"
code=$(ccurl phone1 -o /dev/null -w '%{http_code}' "$u/0004f2000002-phone.cfg")
ok $([ "$code" = 403 ]; echo $?) "bind-mac: a phone cannot read another phone's file ($code)"
echo evil > "$work/evil"
code=$(ccurl phone1 -T "$work/evil" -o /dev/null -w '%{http_code}' "$u/0004f2000002-phone.cfg")
ok $([ "$code" = 403 ] && ! grep -q evil "$site/boot/0004f2000002-phone.cfg"; echo $?) \
  "bind-mac: a phone cannot overwrite another phone's overrides ($code)"
code=$(ccurl phone1 -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 200 ]; echo $?) "bind-mac: shared files stay readable ($code)"
events | grep -q 'may not read “0004f2000002-phone.cfg”'
ok $? "bind-mac refusals are explained"

# Intermediates from the phone when the store has only the root.
mkdir "$work/aside"
mv "$site/pki/trust/policy.crt" "$site/pki/trust/issuing.crt" "$site/pki/trust/issuing.crl" "$work/aside/"
ctl set https.bind-mac=false
ctl server reload >/dev/null
code=$(ccurl phone3-chain -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 200 ]; echo $?) "a phone sending its intermediates is trusted with only the root in the store ($code)"
code=$(ccurl phone1 -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 000 ]; echo $?) "a phone sending only its own certificate then is not ($code)"
mv "$work/aside/"* "$site/pki/trust/"

# Digest on top of client certificates (https.digest).
ctl set https.digest=true
ctl server reload >/dev/null
code=$(ccurl phone1 -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 401 ]; echo $?) "https.digest: a certificate alone is not enough ($code)"
code=$(ccurl phone1 --digest -u 'phone:Secr3t-pass' -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 200 ]; echo $?) "https.digest: certificate and phone account are served ($code)"
ctl set https.digest=false

# Chunked upload over the limit (no Content-Length to refuse early).
ctl set https.bind-mac=false boot.upload-max-bytes=4096
ctl server reload >/dev/null
head -c 100000 /dev/urandom > "$work/big"
code=$(ccurl phone1 -H 'Transfer-Encoding: chunked' -T "$work/big" -o /dev/null -w '%{http_code}' "$u/0004f2000001-calls.xml")
ok $([ "$code" = 413 ] && [ ! -e "$site/boot/0004f2000001-calls.xml" ]; echo $?) "an oversized chunked upload is refused with 413 ($code)"
leftovers=$(ls -A "$site/boot" | grep -c '^\.')
ok $([ "$leftovers" = 0 ]; echo $?) "and leaves no temporary file ($leftovers)"

# Every kind of answer in turn on one kept-alive TLS 1.2 connection. A
# response with a body goes out in one TLS record (its headers held until
# the body's first bytes), so nothing may stay held after an answer without
# a body, and a large body must follow its first record intact.
t12="--tlsv1.2 --tls-max 1.2 --cacert $ca --cert $pki/phone1.crt --key $pki/phone1.key"
w='%{http_code}/%{num_connects} '
lm=$(curl -s -m 30 $t12 -I "$u/sip.cfg" | tr -d '\r' | sed -n 's/^Last-Modified: //p')
# shellcheck disable=SC2086 # $t12 is a list of options
got=$(curl -s -m 30 $t12 -w "$w" -o "$work/ka1" "$u/sip.cfg" --next $t12 -w "$w" -I -o /dev/null "$u/sip.cfg" \
  --next $t12 -w "$w" -H "If-Modified-Since: $lm" -o /dev/null "$u/sip.cfg" \
  --next $t12 -w "$w" -r 0-9 -o "$work/ka2" "$u/sip.ld" --next $t12 -w "$w" -o /dev/null "$u/nothing.cfg" \
  --next $t12 -w "$w" -o "$work/ka3" "$u/sip.ld" --next $t12 -w "$w" -o "$work/ka4" "$u/sip.cfg")
ok $([ "$got" = "200/1 200/0 304/0 206/0 404/0 200/0 200/0 " ] && cmp -s "$work/ka1" "$site/boot/sip.cfg" \
     && [ "$(head -c 10 "$site/boot/sip.ld" | od -An -tx1)" = "$(od -An -tx1 < "$work/ka2")" ] \
     && cmp -s "$work/ka3" "$site/boot/sip.ld" && cmp -s "$work/ka4" "$site/boot/sip.cfg"; echo $?) \
  "one TLS 1.2 connection: 200, HEAD, 304, 206, 404, a 300 kB body, 200, all intact ($got)"
head -c 2000 /dev/urandom > "$work/small"
# shellcheck disable=SC2086
got=$(curl -s -m 30 $t12 -H 'Expect: 100-continue' --expect100-timeout 20 -T "$work/small" \
  -w '%{http_code} %{time_total}' -o /dev/null "$u/0004f2000001-app.log")
ok $(case ${got% *} in 200|201) ;; *) false ;; esac && awk -v t="${got#* }" 'BEGIN { exit !(t < 5) }' \
     && cmp -s "$work/small" "$site/boot/0004f2000001-app.log"; echo $?) \
  "\"100 Continue\" goes out at once over TLS 1.2 (status and seconds: $got)"

for i in 1 2 3 4 5 6 7 8 9 10; do
  curl -s -m 30 --cacert "$ca" --cert "$pki/phone1.crt" --key "$pki/phone1.key" -o /dev/null "$u/sip.cfg"
done
c=$(close_wait_count)
ok $([ "$c" = 0 ]; echo $?) "TLS connections the phones closed are closed by the daemon too ($c left in CLOSE-WAIT)"

finish
