#!/bin/sh
# The server stops chain verification at intermediates it verified at load
# (pp-tls.c, trust_verified_intermediates), so a handshake checks one CA
# signature. These phones check that stopping there keeps every verdict a
# full verification to the anchor gives: a CA above that leaves no path
# length, name constraints above, a CA above that expires while the daemon
# runs. Real peer: curl. ECDSA CA keys, so the test PKI is quick to make.
. "${SERVER_TEST_LIB:-$(dirname "$0")/lib.sh}"

setup_site
c=$work/chain
mkdir -p "$c"
TZ=UTC
export TZ

key() { certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$c/$1.key" 2>/dev/null; }
cert() { # name issuer|- template-lines...
  name=$1; issuer=$2; shift 2
  printf '%s\n' "serial = $(date +%s%N | cut -c1-15)" "organization = \"Chain Test\"" "$@" > "$c/$name.tmpl"
  if [ "$issuer" = - ]; then
    certtool --generate-self-signed --load-privkey "$c/$name.key" --template "$c/$name.tmpl" \
      --outfile "$c/$name.crt" 2>/dev/null
  else
    certtool --generate-certificate --load-privkey "$c/$name.key" --load-ca-certificate "$c/$issuer.crt" \
      --load-ca-privkey "$c/$issuer.key" --template "$c/$name.tmpl" --outfile "$c/$name.crt" 2>/dev/null
  fi
}
ca() { # name cn issuer|- extra-template-lines...
  name=$1; cn=$2; issuer=$3; shift 3
  cert "$name" "$issuer" "cn = \"$cn\"" "ca" "cert_signing_key" "crl_signing_key" "$@"
}
phone() { # name mac issuer extra-template-lines...
  name=$1; mac=$2; issuer=$3; shift 3
  cert "$name" "$issuer" "cn = \"$mac\"" "tls_www_client" "signing_key" "expiration_days = 365" "$@"
}
for k in rootA polA issA phoneA rootB issB phoneB phoneB2 rootC polC issC phoneC pinned; do key $k; done

# A: the policy CA allows no CA below it, yet issued one.
ca rootA "Chain Test Root A" - "expiration_days = 3650"
ca polA "Chain Test Policy A" rootA "expiration_days = 3650" "path_len = 0"
ca issA "Chain Test Issuing A" polA "expiration_days = 3650"
phone phoneA 0004f2000a01 issA
# B: the root permits only names under example.com (the issuing CA's name
# among them, or it would fail the constraints itself and never be trusted).
ca rootB "Chain Test Root B" - "expiration_days = 3650" "nc_permit_dns = example.com"
ca issB "issuing-b.example.com" rootB "expiration_days = 3650"
phone phoneB 0004f2000b01 issB "dns_name = \"phone.example.org\""
phone phoneB2 0004f2000b02 issB "dns_name = \"phone.example.com\""
# C: the policy CA expires a few seconds after the daemon has started.
expires=$(($(date +%s) + 25))
ca rootC "Chain Test Root C" - "expiration_days = 3650"
ca polC "Chain Test Policy C" rootC "expiration_date = \"$(date -u -d "@$expires" '+%Y-%m-%d %H:%M:%S')\""
ca issC "Chain Test Issuing C" polC "expiration_days = 3650"
phone phoneC 0004f2000c01 issC
# D: a self-signed device certificate (not a CA) trusted by itself.
cert pinned - "cn = \"0004f2000d01\"" "tls_www_client" "signing_key" "expiration_days = 365"
for f in rootA polA issA rootB issB rootC polC issC pinned; do cp "$c/$f.crt" "$site/pki/trust/chain-$f.pem"; done

start_daemon
u=${https_url%/}
code() { curl -s -m 30 --cacert "$pki/siteca.crt" --cert "$c/$1.crt" --key "$c/$1.key" -o /dev/null -w '%{http_code}' "$u/sip.cfg"; }
refused() { # phone mac reason-fragment description
  got=$(code "$1")
  ok $([ "$got" = 000 ]; echo $?) "$4: refused (curl got $got)"
  events | grep '"type":"handshake"' | grep '"result":"refused"' | grep "$2" | grep -q "$3"
  ok $? "$4: logged as refused ($3)"
}

got=$(code phoneC)
ok $([ "$got" = 200 ]; echo $?) "a phone under a policy CA that is still valid is accepted (got $got)"
got=$(code phoneB2)
ok $([ "$got" = 200 ]; echo $?) "a phone whose name the root's name constraints permit is accepted (got $got)"
got=$(code pinned)
ok $([ "$got" = 200 ]; echo $?) "a self-signed device certificate that is itself in the trust store is accepted (got $got)"
refused phoneA 0004f2000a01 'is not valid' "a phone below a CA that exceeds a path length constraint above it"
refused phoneB 0004f2000b01 'is not valid' "a phone whose name the root's name constraints forbid"

now=$(date +%s)
[ "$now" -le "$((expires + 1))" ] && sleep $((expires + 2 - now))
refused phoneC 0004f2000c01 'expired' "a phone under a policy CA that expired while the daemon ran"
got=$(code phoneB2)
ok $([ "$got" = 200 ]; echo $?) "other phones are still accepted (got $got)"

finish
