#!/bin/sh
# Builds a look-alike of the Polycom device PKI and a site's server PKI at
# test time (DESIGN.md §6: tests never use real Polycom keys):
#
#   vendor root → policy CA → issuing CA → devices CN=<MAC>, O=Polycom Inc.
#   devices: phone1..3 (good), noeku (no EKU: allowed), expired, future,
#            wrongeku (serverAuth only), selfsigned, untrusted (other root),
#            revoked (listed in the issuing CA's CRL)
#   site CA → server certificate for 127.0.0.1 / localhost
#
# Usage: make-pki.sh OUTDIR   (writes OUTDIR/*.key, *.crt, issuing.crl)
set -eu
out=$1
mkdir -p "$out"
cd "$out"

key() { certtool --generate-privkey --key-type=rsa --bits=2048 --outfile "$1.key" 2>/dev/null; }

tmpl() { # name, then template lines
  name=$1; shift
  printf '%s\n' "$@" > "$name.tmpl"
}

ca_self() { # name cn
  key "$1"
  tmpl "$1" "cn = \"$2\"" "organization = \"Look-alike Polycom Inc.\"" "ca" "cert_signing_key" "crl_signing_key" \
    "expiration_days = 3650" "serial = $(date +%s%N | cut -c1-15)"
  certtool --generate-self-signed --load-privkey "$1.key" --template "$1.tmpl" --outfile "$1.crt" 2>/dev/null
}

ca_signed() { # name cn issuer
  key "$1"
  tmpl "$1" "cn = \"$2\"" "organization = \"Look-alike Polycom Inc.\"" "ca" "cert_signing_key" "crl_signing_key" \
    "expiration_days = 3650" "serial = $(date +%s%N | cut -c1-15)"
  certtool --generate-certificate --load-privkey "$1.key" --load-ca-certificate "$3.crt" \
    --load-ca-privkey "$3.key" --template "$1.tmpl" --outfile "$1.crt" 2>/dev/null
}

device() { # name mac issuer extra-template-lines...
  name=$1; mac=$2; issuer=$3; shift 3
  key "$name"
  tmpl "$name" "cn = \"$mac\"" "organization = \"Polycom Inc.\"" "signing_key" "encryption_key" \
    "serial = $(date +%s%N | cut -c1-15)" "$@"
  certtool --generate-certificate --load-privkey "$name.key" --load-ca-certificate "$issuer.crt" \
    --load-ca-privkey "$issuer.key" --template "$name.tmpl" --outfile "$name.crt" 2>/dev/null
}

ca_self root "Look-alike Polycom Root CA"
ca_signed policy "Look-alike Polycom Equipment Policy CA" root
ca_signed issuing "Look-alike Polycom Equipment Issuing CA 1" policy
ca_self rogue "Rogue CA"

device phone1 0004f2000001 issuing "tls_www_client" "expiration_days = 365"
device phone2 0004f2000002 issuing "tls_www_client" "expiration_days = 365"
device phone3 0004f2000003 issuing "tls_www_client" "expiration_days = 365"
device noeku 0004f2000004 issuing "expiration_days = 365"
device expired 0004f20000e1 issuing "tls_www_client" \
  "activation_date = \"2020-01-01 00:00:00\"" "expiration_date = \"2021-01-01 00:00:00\""
device future 0004f20000f1 issuing "tls_www_client" \
  "activation_date = \"2040-01-01 00:00:00\"" "expiration_date = \"2041-01-01 00:00:00\""
device wrongeku 0004f20000a1 issuing "tls_www_server" "expiration_days = 365"
device untrusted 0004f20000b1 rogue "tls_www_client" "expiration_days = 365"
device revoked 0004f20000c1 issuing "tls_www_client" "expiration_days = 365"

key selfsigned
tmpl selfsigned "cn = \"0004f20000d1\"" "organization = \"Polycom Inc.\"" "tls_www_client" "signing_key" "expiration_days = 365"
certtool --generate-self-signed --load-privkey selfsigned.key --template selfsigned.tmpl --outfile selfsigned.crt 2>/dev/null

tmpl crl "crl_next_update = 30" "crl_number = 1"
certtool --generate-crl --load-ca-privkey issuing.key --load-ca-certificate issuing.crt \
  --load-certificate revoked.crt --template crl.tmpl --outfile issuing.crl 2>/dev/null

# The site's own CA and server certificate (RSA: old phones need it).
ca_self siteca "phoneprov test site CA"
key server
tmpl server "cn = \"localhost\"" "organization = \"phoneprov tests\"" "dns_name = \"localhost\"" \
  "ip_address = \"127.0.0.1\"" "ip_address = \"::1\"" "tls_www_server" "signing_key" "encryption_key" \
  "expiration_days = 365" "serial = $(date +%s%N | cut -c1-15)"
certtool --generate-certificate --load-privkey server.key --load-ca-certificate siteca.crt \
  --load-ca-privkey siteca.key --template server.tmpl --outfile server.crt 2>/dev/null

# A second, ECDSA server key beside the RSA one (pki/server/server-ecdsa.*).
certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile server-ecdsa.key 2>/dev/null
certtool --generate-certificate --load-privkey server-ecdsa.key --load-ca-certificate siteca.crt \
  --load-ca-privkey siteca.key --template server.tmpl --outfile server-ecdsa.crt 2>/dev/null

# Device certificate plus its intermediates, as some phones send them.
cat phone3.crt issuing.crt policy.crt > phone3-chain.crt
cp phone3.key phone3-chain.key
rm -f ./*.tmpl
