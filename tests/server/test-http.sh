#!/bin/sh
# The HTTP site: digest authentication (hardened), file service, path
# escapes, uploads. Real peers: curl --digest and the phone simulator.
. "${SERVER_TEST_LIB:-$(dirname "$0")/lib.sh}"

setup_site
ln -s /etc/passwd "$site/boot/passwd-link"
mkdir -p "$work/outside"
ln -s "$work/outside" "$site/boot/out"
mkdir -p "$site/boot/sub"
echo inner > "$site/boot/sub/inner.cfg"
# Nonces live 2 s here instead of 300, so staleness can be tested.
PHONEPROV_NONCE_MAX_AGE=2
export PHONEPROV_NONCE_MAX_AGE
start_daemon
unset PHONEPROV_NONCE_MAX_AGE
u=${http_url%/}

code=$(curl -s -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 401 ]; echo $?) "anonymous GET is challenged (401), got $code"
hdr=$(curl -s -D - -o /dev/null "$u/sip.cfg" | tr -d '\r' | grep -i '^WWW-Authenticate')
echo "$hdr" | grep -q 'Digest realm="phoneprov"' && echo "$hdr" | grep -q 'qop="auth"' && echo "$hdr" | grep -q 'algorithm=MD5'
ok $? "challenge offers MD5 with qop=auth: $hdr"

body=$(dcurl "$u/sip.cfg")
ok $([ "$body" = '<?xml version="1.0"?><sip/>' ]; echo $?) "curl --digest with the phone account gets the file"
code=$(curl -s -o /dev/null -w '%{http_code}' --digest -u phone:wrong "$u/sip.cfg")
ok $([ "$code" = 401 ]; echo $?) "wrong password is refused ($code)"
events | grep -q '"reason":"Wrong password for phone account “phone”."'
ok $? "the refusal is logged with its reason"

# Escapes in path and query must not loop on 401 (a libsoup pitfall).
cp "$site/boot/sip.cfg" "$site/boot/a b+c.cfg"
code=$(dcurl -o /dev/null -w '%{http_code}' "$u/a%20b%2Bc.cfg?x=%41%2F%25&y=1")
ok $([ "$code" = 200 ]; echo $?) "percent-escapes in path and query authenticate ($code)"
code=$(dcurl -o /dev/null -w '%{http_code}' "$u/sub/inner.cfg")
ok $([ "$code" = 200 ]; echo $?) "files in subfolders are served ($code)"

# Replay: resend a captured Authorization header with the same nonce count.
auth=$(dcurl -v -o /dev/null "$u/sip.cfg" 2>&1 | tr -d '\r' | sed -n 's/^> Authorization: //p' | tail -1)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $auth" "$u/sip.cfg")
ok $([ "$code" = 401 ]; echo $?) "a replayed Authorization header is refused ($code)"
events | grep -q 'Replayed digest credentials'
ok $? "the replay is logged as such"
forged=$(printf '%s' "$auth" | sed 's/nonce="[^"]*"/nonce="6b000000.1.00000000000000000000000000000000"/')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $forged" "$u/sip.cfg")
ok $([ "$code" = 401 ]; echo $?) "a nonce this server never issued is refused ($code)"

# Digest computed here from scratch (RFC 7616, MD5, qop=auth), so the nonce
# count and the nonce's age are under the test's control.
md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }
nonce=$(curl -s -D - -o /dev/null "$u/sip.cfg" | tr -d '\r' | sed -n 's/.*nonce="\([^"]*\)".*/\1/p')
ha1=$(md5 'phone:phoneprov:Secr3t-pass')
ha2=$(md5 'GET:/sip.cfg')
auth_for() { # nonce nc
  printf 'Digest username="phone", realm="phoneprov", nonce="%s", uri="/sip.cfg", qop=auth, nc=%s, cnonce="c0ffee", response="%s", algorithm=MD5' \
    "$1" "$2" "$(md5 "$ha1:$1:$2:c0ffee:auth:$ha2")"
}
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $(auth_for "$nonce" 00000001)" "$u/sip.cfg")
ok $([ "$code" = 200 ]; echo $?) "a hand-computed digest response is accepted ($code)"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $(auth_for "$nonce" 00000002)" "$u/sip.cfg")
ok $([ "$code" = 200 ]; echo $?) "the next nonce count on the same nonce is accepted ($code)"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $(auth_for "$nonce" 00000002)" "$u/sip.cfg")
ok $([ "$code" = 401 ]; echo $?) "a repeated nonce count is refused ($code)"
sleep 3.2
hdr=$(curl -s -D - -o /dev/null -H "Authorization: $(auth_for "$nonce" 00000003)" "$u/sip.cfg" | tr -d '\r')
echo "$hdr" | grep -q '^HTTP/1.1 401' && echo "$hdr" | grep -q 'stale=true'
ok $? "a nonce past its age limit (2 s here) gets 401 with stale=true"
code=$(dcurl -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 200 ]; echo $?) "and the client recovers with a fresh nonce ($code)"

# Path escapes: every variant is refused and nothing outside is served.
echo "SECRET-OUTSIDE" > "$work/secret.txt"
for p in '/../site.conf' '/%2e%2e/site.conf' '/%2E%2E/site.conf' '/..%2fsite.conf' '/%2e%2e%2fsite.conf' \
         '/.%2e/site.conf' '/sub/../../site.conf' '/sub/%2e%2e/%2e%2e/site.conf' '/..\site.conf' \
         '/%5c..%5csite.conf' '/sip.cfg%00.txt' '/%00' '//etc/passwd' '/%2fetc%2fpasswd' '/passwd-link' \
         '/out/x-boot.log' '/.hidden' '/..' '/' '/%c0%ae%c0%ae/site.conf' '/sub/..%5c..%5csite.conf' \
         '/../../../../etc/passwd' '/%252e%252e/site.conf'; do
  out=$(dcurl --path-as-is -o "$work/esc.out" -w '%{http_code}' "$u$p")
  leaked=0
  grep -q -e 'realm' -e 'root:' -e 'SECRET-OUTSIDE' "$work/esc.out" 2>/dev/null && leaked=1
  case "$out" in 400|403|404) good=0 ;; *) good=1 ;; esac
  ok $([ $good -eq 0 ] && [ $leaked -eq 0 ]; echo $?) "path escape $p refused ($out)"
done
code=$(dcurl -T "$work/secret.txt" -o /dev/null -w '%{http_code}' "$u/out/0004f2000001-boot.log")
ok $([ "$code" = 403 ] && [ ! -e "$work/outside/0004f2000001-boot.log" ]; echo $?) \
  "PUT through a symlink that leaves the boot directory is refused ($code)"

# Files: HEAD, Range, conditional requests.
head -c 100000 /dev/urandom > "$site/boot/blob.bin"
len=$(dcurl -I "$u/blob.bin" | tr -d '\r' | sed -n 's/^Content-Length: //Ip' | tail -1)
ok $([ "$len" = 100000 ]; echo $?) "HEAD reports Content-Length ($len)"
dcurl -r 1000-1099 -o "$work/part" -w '%{http_code}' "$u/blob.bin" > "$work/code"
tail -c +1001 "$site/boot/blob.bin" | head -c 100 > "$work/want"
ok $([ "$(cat "$work/code")" = 206 ] && cmp -s "$work/part" "$work/want"; echo $?) "Range 1000-1099 gives 206 and the right bytes"
code=$(dcurl -r -50 -o "$work/part" -w '%{http_code}' "$u/blob.bin")
tail -c 50 "$site/boot/blob.bin" > "$work/want"
ok $([ "$code" = 206 ] && cmp -s "$work/part" "$work/want"; echo $?) "suffix Range -50 gives the last 50 bytes"
code=$(dcurl -r 200000-300000 -o /dev/null -w '%{http_code}' "$u/blob.bin")
ok $([ "$code" = 416 ]; echo $?) "Range beyond the end gives 416 ($code)"
etag=$(dcurl -I "$u/blob.bin" | tr -d '\r' | sed -n 's/^ETag: //Ip' | tail -1)
code=$(dcurl -H "If-None-Match: $etag" -o /dev/null -w '%{http_code}' "$u/blob.bin")
ok $([ "$code" = 304 ]; echo $?) "If-None-Match with the ETag gives 304 ($code)"
code=$(dcurl -z "$site/boot/blob.bin" -o /dev/null -w '%{http_code}' "$u/blob.bin")
ok $([ "$code" = 304 ]; echo $?) "If-Modified-Since gives 304 ($code)"
code=$(dcurl -X DELETE -o /dev/null -w '%{http_code}' "$u/blob.bin")
ok $([ "$code" = 405 ] && [ -e "$site/boot/blob.bin" ]; echo $?) "DELETE is not allowed ($code)"
dcurl -D - -o /dev/null -H 'Connection: close' "$u/sip.cfg" | tr -d '\r' | grep -qi '^Connection: close'
ok $? "a request with Connection: close gets it back, so clients do not reuse the closed connection"
code=$(dcurl -o /dev/null -w '%{http_code}' "$u/missing.cfg")
ok $([ "$code" = 404 ]; echo $?) "a missing file is 404"

# Uploads.
printf 'boot log line\n' > "$work/up1"
code=$(dcurl -T "$work/up1" -o /dev/null -w '%{http_code}' "$u/0004f2000001-boot.log")
ok $([ "$code" = 201 ] && cmp -s "$work/up1" "$site/boot/0004f2000001-boot.log"; echo $?) "PUT of a boot log creates it (201)"
head -c 5000 /dev/urandom > "$work/up2"
code=$(dcurl -T "$work/up2" -o /dev/null -w '%{http_code}' "$u/0004f2000001-boot.log")
ok $([ "$code" = 200 ] && cmp -s "$work/up2" "$site/boot/0004f2000001-boot.log"; echo $?) "PUT replaces it whole (200)"
# A phone replaces its log on every boot, then fetches more files on the same
# connection: the connection must survive the replacing PUT.
dcurl -v -T "$work/up1" -o /dev/null "$u/0004f2000001-boot.log" --next --digest -u 'phone:Secr3t-pass' -o /dev/null "$u/sip.cfg" \
  2> "$work/keepalive.log"
! grep -q 'seems to be dead\|Closing connection' "$work/keepalive.log" && grep -q 'Re-using existing connection' "$work/keepalive.log"
ok $? "the connection stays open after a PUT that replaces a file"
code=$(dcurl -T "$work/up1" -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $([ "$code" = 403 ] && ! cmp -s "$work/up1" "$site/boot/sip.cfg"; echo $?) "PUT outside the upload patterns is refused ($code)"
code=$(curl -s -T "$work/up1" -o /dev/null -w '%{http_code}' "$u/0004f2000002-boot.log")
ok $([ "$code" = 401 ] && [ ! -e "$site/boot/0004f2000002-boot.log" ]; echo $?) "PUT without credentials is refused ($code)"

ctl set boot.upload-max-bytes=4096
ctl server reload >/dev/null
head -c 100000 /dev/urandom > "$work/big"
out=$(dcurl -v -T "$work/big" -o /dev/null -w '%{http_code}' "$u/0004f2000001-app.log" 2>"$work/trace")
sent=$(grep -c '^> Expect: 100-continue' "$work/trace")
ok $([ "$out" = 413 ] && [ ! -e "$site/boot/0004f2000001-app.log" ] && ! grep -q '100 Continue' "$work/trace"; echo $?) \
  "an oversized PUT is refused with 413 before 100-continue (expect sent: $sent)"
leftovers=$(ls -A "$site/boot" | grep -c '^\.')
ok $([ "$leftovers" = 0 ]; echo $?) "no temporary upload files are left behind ($leftovers)"

# Atomic uploads: readers see the old or the new file, never a partial one.
ctl set boot.upload-max-bytes=10485760
ctl server reload >/dev/null
head -c 2000000 /dev/zero | tr '\0' 'A' > "$work/va"
head -c 2000000 /dev/zero | tr '\0' 'B' > "$work/vb"
cp "$work/va" "$site/boot/0004f2000009-directory.xml"
( for i in 1 2 3 4 5 6; do dcurl -T "$work/vb" -o /dev/null "$u/0004f2000009-directory.xml"; dcurl -T "$work/va" -o /dev/null "$u/0004f2000009-directory.xml"; done ) &
writer=$!
torn=0
i=0
while [ $i -lt 40 ]; do
  dcurl -o "$work/read" "$u/0004f2000009-directory.xml"
  if ! cmp -s "$work/read" "$work/va" && ! cmp -s "$work/read" "$work/vb"; then torn=$((torn + 1)); fi
  i=$((i + 1))
done
wait $writer
ok $([ $torn -eq 0 ]; echo $?) "40 reads during 12 concurrent 2 MB uploads never saw a partial file ($torn torn)"

# The bootROM sequence of the phone simulator.
"$PHONESIM" --http "$u/" --mac 0004f2000001 --user phone --password 'Secr3t-pass' --sequence boot > "$work/sim" 2>&1
rc=$?
sed 's/^/# /' "$work/sim"
ok $rc "phone simulator bootROM sequence over digest"
events | grep '"method":"GET","path":"/sip.ld"' | grep -q '"model":"VVX_500","firmware":"5.9.7.3480"'
ok $? "events carry model and firmware parsed from the User-Agent"
events | grep '"type":"upload"' | grep -q '"mac":"0004f2000001"'
ok $? "upload events carry the MAC from the file name"
logs_flushed
grep -q 'PUT /0004f2000001-boot.log 20[14] ' "$site/logs/access.log"
ok $? "access log has one line per request"

for i in 1 2 3 4 5 6 7 8 9 10; do dcurl -o /dev/null "$u/sip.cfg"; done
curl -s -o /dev/null "$u/sip.cfg" --next -o /dev/null "$u/missing.cfg"
c=$(close_wait_count)
ok $([ "$c" = 0 ]; echo $?) "connections the clients closed are closed by the daemon too ($c left in CLOSE-WAIT)"

finish
