#!/bin/sh
# End to end: a site whose whole PKI is made by phoneprovctl (CA, RSA + ECDSA
# server identities, a phone certificate from the client template, the trust
# store with a CRL) is served by phoneprovd and checked with curl and
# openssl s_client. TAP output; loopback, ephemeral ports, bounded waits.
set -u
n=0
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/pp-pki-server.XXXXXX")
site=$work/site
daemon_pid=
cleanup() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
ctl() { "$PHONEPROVCTL" --site "$site" "$@"; }
bail() { echo "Bail out! $*"; exit 1; }

ctl init >/dev/null || bail "init failed"
ctl set http.port=0 https.port=0 http.address=127.0.0.1 https.address=127.0.0.1 server.workers=1 \
  https.client-certs=required || bail "set failed"
ctl ca init --cn "E2E Phone CA" --dn-suffix "O=Example, C=US" --key-type ecdsa-p256 >/dev/null || bail "ca init failed"
ctl csr new --cn localhost --ip 127.0.0.1 --ecdsa >/dev/null || bail "csr new failed"
ctl ca sign 2>/dev/null || bail "ca sign failed"
ca=$site/pki/ca/ca.crt

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/phone.key" \
  -out "$work/phone.csr" -subj "/O=Polycom Inc./CN=0004f2000001" 2>/dev/null || bail "openssl req failed"
ctl ca sign --csr "$work/phone.csr" --template client -o "$work/phone.crt" || bail "client sign failed"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/phone2.key" \
  -out "$work/phone2.csr" -subj "/O=Polycom Inc./CN=0004f2000002" 2>/dev/null || bail "openssl req failed"
ctl ca sign --csr "$work/phone2.csr" --template client -o "$work/phone2.crt" || bail "client sign failed"
ctl trust add "$ca" "$site/pki/ca/crl.pem" >/dev/null || bail "trust add failed"
echo "hello phone" > "$site/boot/000000000000.cfg"

"$PHONEPROVD" --site "$site" > "$work/daemon.log" 2>&1 &
daemon_pid=$!
i=0
https_url=
while [ $i -lt 100 ]; do
  if [ -S "$site/run/control.sock" ] && status=$(ctl server status --json 2>/dev/null); then
    https_url=$(printf '%s' "$status" | sed -n 's/.*"url" : "\(https:[^"]*\)".*/\1/p')
    [ -n "$https_url" ] && break
  fi
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 0.1
  i=$((i + 1))
done
[ -n "$https_url" ] || bail "phoneprovd did not start: $(cat "$work/daemon.log")"
port=${https_url##*:}
port=${port%%/*}

body=$(curl -s -m 20 --cacert "$ca" --cert "$work/phone.crt" --key "$work/phone.key" \
  "https://localhost:$port/000000000000.cfg")
ok $([ "$body" = "hello phone" ]; echo $?) "phone certificate from the client template is served"

code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' --cacert "$ca" "https://localhost:$port/000000000000.cfg")
ok $([ "$code" != 200 ]; echo $?) "no client certificate is refused ($code)"

# s_client's output includes the session ticket as a hex dump with an ASCII
# column: random bytes, so "\c" turns up in about 1 run of 50, and dash's
# echo stops printing at "\c" (the summary after it was lost: this check
# failed 3-5 times in 200 until it used printf).
says() { printf '%s\n' "$out" | grep -q "$1"; }
out=$(echo | openssl s_client -connect "127.0.0.1:$port" -CAfile "$ca" -verify_return_error \
  -cert "$work/phone.crt" -key "$work/phone.key" -sigalgs "RSA-PSS+SHA256:RSA+SHA256" -tls1_2 2>&1)
says "Verify return code: 0" && says "Server public key is 2048 bit"
ok $? "RSA-only client gets the RSA server certificate and its chain verifies"

out=$(echo | openssl s_client -connect "127.0.0.1:$port" -CAfile "$ca" -verify_return_error \
  -cert "$work/phone.crt" -key "$work/phone.key" -sigalgs "ECDSA+SHA256" -tls1_2 2>&1)
says "Verify return code: 0" && says "Server public key is 256 bit"
ok $? "ECDSA-capable client gets the ECDSA server certificate"

serial=$(openssl x509 -in "$work/phone.crt" -noout -serial | sed 's/serial=//')
ctl crl --revoke "$serial" >/dev/null
ok $? "revoke the phone (the CRL copy in the trust store follows)"
cmp -s "$site/pki/ca/crl.pem" "$site"/pki/trust/*.crl
ok $? "trust store CRL is the new one"
ctl server reload >/dev/null 2>&1
ok $? "phoneprovd reloads the trust store with the CRL"
code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' --cacert "$ca" --cert "$work/phone.crt" \
  --key "$work/phone.key" "https://localhost:$port/000000000000.cfg")
ok $([ "$code" != 200 ]; echo $?) "revoked phone certificate is refused ($code)"
body=$(curl -s -m 20 --cacert "$ca" --cert "$work/phone2.crt" --key "$work/phone2.key" \
  "https://localhost:$port/000000000000.cfg")
ok $([ "$body" = "hello phone" ]; echo $?) "another phone of the same CA is still served after the reload"

# A damaged file in the trust store: "trust list" and phoneprovd agree on it,
# and "trust remove" takes it out.
echo "not a certificate" > "$site/pki/trust/damaged.pem"
ctl trust list > "$work/list.out" 2> "$work/list.err"
rc=$?
ok $([ "$rc" -eq 1 ] && grep -q "damaged.pem is damaged" "$work/list.err" \
  && grep -q "trust remove damaged.pem" "$work/list.err"; echo $?) "trust list names the damaged file and fails ($rc)"
ctl server reload > "$work/reload.out" 2>&1
rc=$?
ok $([ "$rc" -ne 0 ] && grep -q "damaged.pem" "$work/reload.out"; echo $?) "phoneprovd refuses the same store, naming the file ($rc)"
ctl trust remove damaged.pem && ctl trust list > /dev/null && ctl server reload > /dev/null 2>&1
ok $? "trust remove takes the damaged file out; list and reload succeed"

echo "1..$n"
[ "$failed" -eq 0 ]
