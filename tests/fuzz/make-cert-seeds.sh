#!/bin/sh
# Regenerate the seed corpus of fuzz-cert-import with openssl and certtool:
# one small file per format the importer detects. Passphrase: "phoneprov"
# (the harness retries with it when an import asks for one).
#   tests/fuzz/make-cert-seeds.sh  → tests/fuzz/corpus/cert-import/
set -eu
out=$(cd "$(dirname "$0")" && pwd)/corpus/cert-import
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
pass=phoneprov
cat > ca.cnf <<'CNF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[phone]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = DNS:prov.example.com,IP:192.0.2.10,email:a@example.com
crlDistributionPoints = URI:http://prov.example.com/crl.pem
authorityKeyIdentifier = keyid
CNF
openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
openssl req -new -x509 -key ca.key -subj "/CN=Fuzz Root CA/O=Example/C=US" -days 3650 \
  -config ca.cnf -extensions ca -out ca.crt
openssl ecparam -name prime256v1 -genkey -noout -out dev.key 2>/dev/null
openssl req -new -key dev.key -subj "/CN=0004f2abcdef/O=Polycom Inc." -config ca.cnf -out dev.csr
openssl x509 -req -in dev.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
  -extfile ca.cnf -extensions phone -out dev.crt 2>/dev/null
touch index.txt; echo 01 > crlnumber
cat > crl.cnf <<'CNF'
[ca]
default_ca = d
[d]
database = index.txt
crlnumber = crlnumber
default_md = sha256
default_crl_days = 30
CNF
openssl ca -config crl.cnf -keyfile ca.key -cert ca.crt -revoke dev.crt 2>/dev/null
openssl ca -config crl.cnf -keyfile ca.key -cert ca.crt -gencrl -out crl.pem 2>/dev/null

cp ca.crt "$out/cert.pem"
openssl x509 -in dev.crt -outform DER -out "$out/cert.der"
cat dev.crt ca.crt > "$out/chain.pem"
cp dev.csr "$out/csr.pem"
openssl req -in dev.csr -outform DER -out "$out/csr.der"
cp crl.pem "$out/crl.pem"
openssl crl -in crl.pem -outform DER -out "$out/crl.der"
openssl crl2pkcs7 -nocrl -certfile dev.crt -certfile ca.crt -outform DER -out "$out/chain.p7b"
openssl crl2pkcs7 -in crl.pem -certfile ca.crt -out "$out/chain-crl.p7b.pem"
openssl pkcs8 -topk8 -in dev.key -nocrypt -out "$out/key-pkcs8.pem"
openssl pkcs8 -topk8 -in dev.key -nocrypt -outform DER -out "$out/key-pkcs8.der"
openssl pkcs8 -topk8 -in dev.key -v2 aes-256-cbc -iter 1 -passout pass:$pass -out "$out/key-pkcs8-enc.pem"
openssl pkcs8 -topk8 -in dev.key -v2 aes-256-cbc -iter 1 -passout pass:$pass -outform DER -out "$out/key-pkcs8-enc.der"
cp dev.key "$out/key-ec-legacy.pem"
openssl genrsa -traditional 1024 2>/dev/null > "$out/key-rsa-legacy.pem"
# Low iteration counts keep each execution fast; the structure is what matters.
openssl pkcs12 -export -in dev.crt -inkey dev.key -certfile ca.crt -name "Phone 0004f2abcdef" \
  -passout pass:$pass -iter 1 -maciter -out "$out/bundle.p12"
openssl pkcs12 -export -in dev.crt -inkey dev.key -certfile ca.crt -name "legacy" -legacy \
  -passout pass:$pass -iter 1 -out "$out/bundle-legacy.p12" 2>/dev/null || true
openssl pkcs12 -export -in dev.crt -nokeys -passout pass:$pass -iter 1 -out "$out/certs-only.p12"
{ cat dev.crt; cat "$out/key-pkcs8.pem"; cat crl.pem; } > "$out/mixed.pem"
printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n' > "$out/truncated.pem"
