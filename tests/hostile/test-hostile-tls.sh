#!/bin/sh
# Hostile TLS clients against the HTTPS site (mutual TLS): downgrades under
# each profile, weak and anonymous suites, garbage and stalled handshakes,
# client certificates that must not pass (wrong EKU, wrong key, expired,
# not yet valid, revoked, self-signed with a Polycom subject, forged
# issuer with the genuine issuer's name), and the trust store emptied or
# corrupted while the daemon runs. Results: tests/README.md.
. "${HOSTILE_LIB:-$(dirname "$0")/lib.sh}"
need curl gnutls-cli certtool openssl python3

setup_site
start_daemon
S=$https_port

# gnutls-cli as a phone with @cert; prints the negotiated description or
# the failure. $1 priority, $2 certificate name.
gtls() {
  echo | timeout 10 gnutls-cli --priority "$1" --x509cafile "$pki/siteca.crt" \
    --x509certfile "$pki/$2.crt" --x509keyfile "$pki/$2.key" -p "$S" 127.0.0.1 2>&1 \
    | grep -E '^- Description|Handshake was completed|Fatal|Error in' | head -2 | tr '\n' ' '
}
handshake_ok() { printf '%s' "$1" | grep -q 'Handshake was completed'; echo $?; }
refused() { [ "$(handshake_ok "$1")" != 0 ]; echo $?; }

r=$(gtls NORMAL phone1)
ok $(handshake_ok "$r") "baseline: a good phone completes the handshake ($r)"

# --- downgrades and weak suites, compatible profile (the default)
for p in "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+ARCFOUR-128" \
         "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+NULL" \
         "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+3DES-CBC" \
         "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ANON-ECDH:+ANON-DH" \
         "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+PSK:+DHE-PSK" \
         "NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+3DES-CBC" \
         "NORMAL:-VERS-ALL:+VERS-TLS1.2:-MAC-ALL:+MD5:-CIPHER-ALL:+ARCFOUR-128"; do
  r=$(gtls "$p" phone1)
  ok $(refused "$r") "compatible: $p refused ($r)"
done
r=$(gtls "NORMAL:-VERS-ALL:+VERS-TLS1.0:-KX-ALL:+RSA" phone1)
ok $(handshake_ok "$r") "compatible: TLS 1.0 with RSA key exchange is served, by design for old firmware ($r)"
# SSL 2.0-style and SSL 3.0 ClientHellos, written by hand.
r=$(printf '\200\056\001\000\002\000\025\000\000\000\020\007\000\300\005\000\200\003\000\200\001\000\200\006\000\100\004\000\200\002\000\200\000\000\004\000\000\377\063\042\021\000\377\063\042\021\000\377\063\042\021' | raw $S | od -An -tx1 | head -1)
ok $([ "$(printf '%s' "$r" | tr -d ' ' | cut -c1-6)" != 160300 ] && [ "$(printf '%s' "$r" | tr -d ' ' | cut -c1-6)" != 160002 ]; echo $?) "an SSL 2.0 ClientHello gets no ServerHello (${r:-closed})"
hello3='\026\003\000\000\055\001\000\000\051\003\000'
rnd='\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021\021'
r=$(printf "$hello3$rnd"'\000\000\002\000\057\001\000' | raw $S | od -An -tx1 | head -1)
ok $([ "$(printf '%s' "$r" | tr -d ' ' | cut -c1-2)" != 16 ]; echo $?) "an SSL 3.0 ClientHello gets an alert or a close, not a ServerHello (${r:-closed})"
r=$(head -c 5000 /dev/urandom | raw $S | wc -c)
ok 0 "5000 random bytes instead of a ClientHello: $r bytes back"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$S/sip.cfg")
ok $(one_of "$code" 000 400) "plain HTTP to the HTTPS port gets no file ($code)"

# --- modern profile
ctl set https.profile=modern >/dev/null && ctl server reload >/dev/null
sleep 0.5
for p in "NORMAL:-VERS-ALL:+VERS-TLS1.0" "NORMAL:-VERS-ALL:+VERS-TLS1.1" \
         "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+RSA" "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:+AES-256-CBC" \
         "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+3DES-CBC" "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ANON-ECDH"; do
  r=$(gtls "$p" phone1)
  ok $(refused "$r") "modern: $p refused ($r)"
done
r=$(gtls "NORMAL:-VERS-ALL:+VERS-TLS1.2" phone1)
ok $(handshake_ok "$r") "modern: TLS 1.2 with ECDHE is served ($r)"
r=$(gtls "NORMAL:-VERS-ALL:+VERS-TLS1.3" phone1)
ok $(handshake_ok "$r") "modern: TLS 1.3 is served ($r)"
ctl set https.profile=compatible >/dev/null && ctl server reload >/dev/null
sleep 0.5

# --- client certificates that must not pass
# A self-signed "phone" and a forged issuing CA with the genuine one's name.
cat > "$work/forged.tmpl" <<T
cn = "Look-alike Polycom Equipment Issuing CA 1"
organization = "Look-alike Polycom Inc."
ca
cert_signing_key
expiration_days = 365
T
certtool --generate-privkey --key-type=rsa --bits=2048 --outfile "$pki/forgedca.key" 2>/dev/null
certtool --generate-self-signed --load-privkey "$pki/forgedca.key" --template "$work/forged.tmpl" --outfile "$pki/forgedca.crt" 2>/dev/null
printf 'cn = "0004f2000001"\norganization = "Polycom Inc."\ntls_www_client\nsigning_key\nexpiration_days = 30\n' > "$work/dev.tmpl"
certtool --generate-privkey --key-type=rsa --bits=2048 --outfile "$pki/forged.key" 2>/dev/null
certtool --generate-certificate --load-privkey "$pki/forged.key" --load-ca-certificate "$pki/forgedca.crt" \
  --load-ca-privkey "$pki/forgedca.key" --template "$work/dev.tmpl" --outfile "$pki/forged.crt" 2>/dev/null
cat "$pki/forged.crt" "$pki/forgedca.crt" "$pki/policy.crt" > "$pki/forgedchain.crt"
cp "$pki/forged.key" "$pki/forgedchain.key"
# A CA certificate (the issuing CA's own, with its key) presented as a phone.
cp "$pki/issuing.crt" "$pki/asphone.crt"; cp "$pki/issuing.key" "$pki/asphone.key"
# Wrong key: phone1's certificate with phone2's key.
cp "$pki/phone1.crt" "$pki/wrongkey.crt"; cp "$pki/phone2.key" "$pki/wrongkey.key"

for c in wrongeku:serverAuth-only wrongkey:key-does-not-match expired:expired future:not-yet-valid \
         revoked:revoked-in-CRL selfsigned:self-signed-Polycom-subject untrusted:other-root \
         forged:forged-issuer-same-name forgedchain:forged-issuer-sent-in-chain asphone:CA-cert-as-client; do
  name=${c%%:*}; what=${c#*:}
  code=$(pcurl "$name" -o "$work/out" -w '%{http_code}' "$https_url/sip.cfg")
  ok $([ "$code" = 000 ] || [ "$code" = 403 ]; echo $?) "client certificate $what refused ($code)"
done
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$pki/siteca.crt" "$https_url/sip.cfg")
ok $(is "$code" 000) "no client certificate refused ($code)"
ok $(daemon_alive) "the daemon is alive after every refused handshake"

# A handshake that never finishes is dropped (HANDSHAKE_TIMEOUT_S = 15).
out=$("$HOSTILE_CLIENT" slowloris 127.0.0.1 "$S" 20 20)
diag "stalled handshakes: $out"
closed=$(printf '%s' "$out" | sed -n 's/.*closed=\([0-9]*\).*/\1/p')
ok $([ "${closed:-0}" -ge 18 ]; echo $?) "stalled TLS handshakes are closed within 20 s (closed $closed of 20)"

# --- phones that hang up between requests (close_notify or a bare FIN):
# libsoup 3.2 kept every such connection (≈ 3.3 KB each, for ever).
held() { ctl server status --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("connections", -1))'; }
before=$(held)
seq 200 | xargs -P 6 -I{} curl -s -o /dev/null --max-time 10 --cacert "$pki/siteca.crt" \
  --cert "$pki/phone1.crt" --key "$pki/phone1.key" "$https_url/sip.cfg"
for i in $(seq 50); do [ "$(held)" -le "$before" ] && break; sleep 0.2; done
after=$(held)
ok $([ "$after" -ge 0 ] && [ "$after" -le "$before" ]; echo $?) "200 TLS clients that hung up after their request leave no connection held ($before before, $after after)"
code=$(pcurl phone1 -o /dev/null -w '%{http_code}' "$https_url/sip.cfg" "$https_url/phone1.cfg")
ok $(one_of "$code" 200200 200404) "a kept-alive TLS connection still carries a second request ($code)"

# --- the trust store emptied, then corrupted, while the daemon runs
mkdir -p "$work/trust.bak"
mv "$site/pki/trust/"* "$work/trust.bak/"
ctl server reload > "$work/reload.out" 2>&1
diag "reload with an empty trust store: $(head -c 300 "$work/reload.out")"
code=$(pcurl phone1 -o /dev/null -w '%{http_code}' "$https_url/sip.cfg")
ok $([ "$code" = 000 ] || [ "$code" = 403 ]; echo $?) "trust store emptied + reload: a good phone is refused ($code)"
ok $(daemon_alive) "… and the daemon did not crash"
code=$(dcurl -o /dev/null -w '%{http_code}' "$http_url/sip.cfg")
ok $(is "$code" 200) "… and the HTTP site still serves ($code)"
printf -- '-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n' > "$site/pki/trust/bad.crt"
head -c 3000 /dev/urandom > "$site/pki/trust/random.pem"
ctl server reload > "$work/reload2.out" 2>&1
rc=$?
diag "reload with a corrupt trust store (exit $rc): $(head -c 300 "$work/reload2.out")"
code=$(pcurl phone1 -o /dev/null -w '%{http_code}' "$https_url/sip.cfg")
ok $([ "$code" = 000 ] || [ "$code" = 403 ]; echo $?) "corrupt trust store: a good phone is still refused ($code)"
ok $(daemon_alive) "… and the daemon did not crash"
rm -f "$site/pki/trust/bad.crt" "$site/pki/trust/random.pem"
mv "$work/trust.bak/"* "$site/pki/trust/"
ctl server reload >/dev/null 2>&1
code=$(pcurl phone1 -o /dev/null -w '%{http_code}' "$https_url/sip.cfg")
ok $(is "$code" 200) "trust store restored + reload: the phone is served again ($code)"
# Emptied without a reload: the running configuration keeps working (it
# was loaded once), and nothing crashes when files vanish underneath.
mv "$site/pki/trust/"* "$work/trust.bak/"
code=$(pcurl phone1 -o /dev/null -w '%{http_code}' "$https_url/sip.cfg")
ok $([ "$(daemon_alive)" = 0 ] && [ "$(one_of "$code" 200 000)" = 0 ]; echo $?) "trust files removed without reload: no crash (phone got $code)"
mv "$work/trust.bak/"* "$site/pki/trust/"
ok $(! grep -q -e CRITICAL -e 'runtime error' -e AddressSanitizer "$daemon_log"; echo $?) "no CRITICAL or sanitizer report in the daemon log"
ok $(events_valid) "events.jsonl is valid JSON"
finish
