#!/bin/sh
# The wizard's mutual-TLS self-test grant (POST /v1/selftest): the running
# daemon accepts exactly one client certificate, verified against a
# throwaway CA it holds in memory, for a bounded time; pki/trust/ is never
# written. Real peers: openssl makes the CA and certificates, curl connects.
. "${SERVER_TEST_LIB:-$(dirname "$0")/lib.sh}"

setup_site
ctl set https.client-certs=required >/dev/null
start_daemon
u=${https_url%/}
ca=$pki/siteca.crt
sock=$site/run/control.sock
api() { curl -s -m 30 --unix-socket "$sock" -o "$work/api.out" -w '%{http_code}' "$@"; }
trust_state() { (cd "$site/pki/trust" && ls -la --time-style=+%s . && cat ./*) | sha256sum; }
trust_before=$(trust_state)

t=$work/throwaway
mkdir "$t"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/ca.key" -out "$t/ca.crt" \
  -days 1 -subj "/CN=phoneprov self-test anchor (key destroyed)" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
leaf() { # name
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/$1.key" -out "$t/$1.csr" \
    -subj "/CN=0004f2fffffe" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n' > "$t/ext"
  openssl x509 -req -in "$t/$1.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" -CAcreateserial -days 1 \
    -extfile "$t/ext" -out "$t/$1.crt" 2>/dev/null
}
leaf granted
leaf sibling
[ -s "$t/granted.crt" ] && [ -s "$t/sibling.crt" ] || { echo "Bail out! openssl could not make the certificates"; exit 1; }
fp=$(openssl x509 -in "$t/granted.crt" -outform DER | sha256sum | cut -d' ' -f1)
anchor=$(awk '{ printf "%s\\n", $0 }' "$t/ca.crt")
grant() { # seconds [fingerprint]
  api -X POST -H 'Content-Type: application/json' \
    -d "{\"anchor\": \"$anchor\", \"certificate-sha256\": \"${2:-$fp}\", \"seconds\": $1}" http://phoneprovd/v1/selftest
}
get() { # cert
  curl -s -m 30 -o /dev/null -w '%{http_code}' --cacert "$ca" --cert "$t/$1.crt" --key "$t/$1.key" "$u/sip.cfg"
}

code=$(get granted)
ok $([ "$code" = 000 ]; echo $?) "before the grant the throwaway CA's certificate is refused ($code)"
code=$(grant 30)
ok $([ "$code" = 200 ]; echo $?) "POST /v1/selftest grants it ($code: $(cat "$work/api.out"))"
code=$(get granted)
ok $([ "$code" = 200 ] || [ "$code" = 401 ]; echo $?) "the granted certificate passes the handshake ($code)"
code=$(get sibling)
ok $([ "$code" = 000 ]; echo $?) "another certificate of the same throwaway CA is still refused ($code)"
code=$(curl -s -m 30 -o /dev/null -w '%{http_code}' --cacert "$ca" "$u/sip.cfg")
ok $([ "$code" = 000 ]; echo $?) "no certificate is still refused ($code)"
[ "$(trust_state)" = "$trust_before" ]
ok $? "pki/trust/ was not written"
grep -q "Self-test: accepting the client certificate with SHA-256 $fp" "$daemon_log"
ok $? "the daemon log says what it accepts and that it is held in memory"

code=$(api -X POST -d '{}' http://phoneprovd/v1/selftest)
ok $([ "$code" = 200 ]; echo $?) "an empty request ends the grant ($code)"
code=$(get granted)
ok $([ "$code" = 000 ]; echo $?) "after the end it is refused again ($code)"

grant 1 >/dev/null
sleep 1.5
code=$(get granted)
ok $([ "$code" = 000 ]; echo $?) "a grant runs out on its own ($code)"

grant 30 >/dev/null
ctl server reload >/dev/null 2>&1
code=$(get granted)
ok $([ "$code" = 000 ]; echo $?) "a reload ends it (new configuration, nothing was stored) ($code)"
api -X POST -d '{}' http://phoneprovd/v1/selftest >/dev/null

code=$(grant 30 0123)
ok $([ "$code" = 400 ] && grep -q "SHA-256 fingerprint" "$work/api.out"; echo $?) "a malformed fingerprint is refused ($code)"
code=$(grant 600)
ok $([ "$code" = 400 ] && grep -q "1 to 120 seconds" "$work/api.out"; echo $?) "more than 120 seconds is refused ($code)"
code=$(api -X POST -H 'Content-Type: application/json' \
  -d "{\"anchor\": \"not a certificate\", \"certificate-sha256\": \"$fp\", \"seconds\": 30}" http://phoneprovd/v1/selftest)
ok $([ "$code" = 400 ] && grep -q "not a CA certificate" "$work/api.out"; echo $?) "an anchor that is not a CA certificate is refused ($code)"
code=$(api -X POST -d '[1,2]' http://phoneprovd/v1/selftest)
ok $([ "$code" = 400 ]; echo $?) "a body that is not a JSON object is refused ($code)"
code=$(api -X POST -d '{"anchor": {"x": 1}, "certificate-sha256": 5, "seconds": "x"}' http://phoneprovd/v1/selftest)
ok $([ "$code" = 200 ]; echo $?) "members of the wrong type read as absent (ends a grant) ($code)"
kill -0 "$daemon_pid"
ok $? "phoneprovd is alive"
! grep -q "CRITICAL\|WARNING" "$daemon_log"
ok $? "no CRITICAL or WARNING in the daemon log"
[ "$(trust_state)" = "$trust_before" ]
ok $? "pki/trust/ is unchanged at the end"
finish
