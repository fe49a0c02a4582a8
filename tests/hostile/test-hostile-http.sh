#!/bin/sh
# Hostile input against a running phoneprovd, HTTP site (digest): methods,
# malformed and oversized requests, hostile bytes, path escapes beyond
# tests/server/test-http.sh, upload abuse, slowloris and connection floods.
# Each case states the refusal it expects. Results: tests/README.md.
. "${HOSTILE_LIB:-$(dirname "$0")/lib.sh}"
need curl python3

setup_site boot.upload-max-bytes=65536
mkdir -p "$work/outside"
echo SECRET-OUTSIDE > "$work/outside/x-boot.log"
ln -s "$work/outside" "$site/boot/out"
ln -s "$work/outside/x-boot.log" "$site/boot/0004f2000009-boot.log"
start_daemon
P=$http_port

# --- methods other than GET/HEAD/PUT: 405 (or 400/401/501), never a body from disk
for m in POST DELETE OPTIONS TRACE PATCH PROPFIND PROPPATCH MKCOL COPY MOVE LOCK UNLOCK SEARCH BREW CONNECT; do
  r=$(printf '%s /sip.cfg HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n' "$m" | raw $P)
  code=$(printf '%s' "$r" | head -1 | cut -d' ' -f2)
  ok $(one_of "$code" 400 401 405 501) "method $m refused ($code)"
done
r=$(printf 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n' | raw $P)
code=$(printf '%s' "$r" | head -1 | cut -d' ' -f2)
ok $(one_of "$code" 400 401 405 501) "CONNECT (proxying) refused ($code)"
code=$(dcurl -o /dev/null -w '%{http_code}' -X DELETE "$http_url/sip.cfg")
ok $([ "$code" = 405 ] && [ -f "$site/boot/sip.cfg" ]; echo $?) "authenticated DELETE refused ($code), file still there"
r=$(printf 'GET http://evil.example/sip.cfg HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n' | raw $P)
code=$(printf '%s' "$r" | head -1 | cut -d' ' -f2)
ok $(one_of "$code" 400 401 404) "absolute-form request for another host is not proxied ($code)"

# --- malformed and oversized requests: refused or closed, daemon keeps serving
check_alive() {
  code=$(dcurl -o /dev/null -w '%{http_code}' "$http_url/sip.cfg")
  ok $([ "$code" = 200 ] && [ "$(daemon_alive)" = 0 ]; echo $?) "… and the daemon still serves ($code) after: $1"
}
big=$(head -c 200000 /dev/zero | tr '\0' a)
r=$(printf 'GET /sip.cfg HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\nConnection: close\r\n\r\n' "$big" | raw $P)
code=$(printf '%s' "$r" | head -1 | cut -d' ' -f2)
ok $(one_of "$code" "" 400 401 413 431) "200 kB header line refused or closed (${code:-closed})"
r=$( (printf 'GET /sip.cfg HTTP/1.1\r\nHost: x\r\n'; i=0; while [ $i -lt 5000 ]; do printf 'X-%d: y\r\n' $i; i=$((i+1)); done; printf '\r\n') | raw $P)
code=$(printf '%s' "$r" | head -1 | cut -d' ' -f2)
ok $(one_of "$code" "" 400 401 431) "5000 header lines answered or closed, nothing served (${code:-closed})"
rss0=$(daemon_rss)
r=$( (printf 'GET /sip.cfg HTTP/1.1\r\nHost: x\r\nX-Big: '; head -c 64000000 /dev/zero | tr '\0' a) | raw $P --timeout 10)
rss1=$(daemon_rss)
ok $([ $((rss1 - rss0)) -lt 65536 ]; echo $?) "a 64 MB header is cut off early (RSS ${rss0} → ${rss1} kB)"
r=$(printf 'GET /%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$big" | raw $P)
code=$(printf '%s' "$r" | head -1 | cut -d' ' -f2)
ok $(one_of "$code" "" 400 401 404 414) "200 kB request target refused (${code:-closed})"
r=$(head -c 1000000 /dev/urandom | raw $P)
ok 0 "1 MB of random bytes: $(printf '%s' "$r" | head -1 | tr -dc '[:print:]' | cut -c1-40)"
r=$(printf 'GET /sip.cfg HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n' | raw $P)
code=$(printf '%s' "$r" | head -1 | cut -d' ' -f2)
ok $(one_of "$code" "" 400 401) "negative Content-Length refused (${code:-closed})"
r=$(printf 'PUT /0004f2000001-app.log HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n' | raw $P)
code=$(printf '%s' "$r" | head -1 | cut -d' ' -f2)
ok $(one_of "$code" "" 400 401) "Content-Length with chunked (smuggling) refused (${code:-closed})"
r=$(printf 'GET /sip.cfg HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n' | raw $P)
ok 0 "duplicate Host: $(printf '%s' "$r" | head -1 | tr -d '\r')"
r=$(printf 'GET /sip.cfg HTTP/9.9\r\nHost: x\r\n\r\n' | raw $P)
code=$(printf '%s' "$r" | head -1 | cut -d' ' -f2)
ok $(one_of "$code" "" 400 401 505) "HTTP/9.9 refused (${code:-closed})"
r=$(printf 'GET /sip.cfg\r\n\r\n' | raw $P)
ok $([ -z "$(printf '%s' "$r" | grep -a '<sip/>')" ]; echo $?) "HTTP/0.9 request gets no file"
check_alive "malformed and oversized requests"

# --- hostile bytes that reach logs and events: events.jsonl stays valid JSON
curl -s -o /dev/null -H "User-Agent: FileTransport PolycomVVX-VVX_$(printf '\377\376')-UA/1.2" "$http_url/sip.cfg"
curl -s -o /dev/null -H "$(printf 'Authorization: Digest username="ph\377one", realm="phoneprov", nonce="1.1.00000000000000000000000000000000", uri="/sip.cfg", response="00000000000000000000000000000000", qop=auth, nc=00000001, cnonce="a"')" "$http_url/sip.cfg"
curl -s -o /dev/null -H "$(printf 'User-Agent: x\033[31mred\033[0m')" "$http_url/sip.cfg?$(printf 'a%%0a%%0d%%22')"
sleep 0.5
ok $(events_valid) "non-UTF-8 User-Agent and user name, escape codes: events.jsonl stays valid UTF-8 JSON"
logs_flushed
lines_before=$(wc -l < "$site/logs/access.log")
curl -s -o /dev/null -H "$(printf 'User-Agent: a\tb')" "$http_url/sip.cfg%0aforged-line"
logs_flushed
lines_after=$(wc -l < "$site/logs/access.log")
ok $([ $((lines_after - lines_before)) -eq 1 ]; echo $?) "an encoded newline in the path adds one access-log line, not two ($((lines_after - lines_before)))"

# --- path escapes not covered by tests/server/test-http.sh
for p in '/%c0%af..%c0%afsite.conf' '/%e0%80%ae%e0%80%ae/site.conf' '/%u002e%u002e/site.conf' \
         '/..%u2215site.conf' '/%uff0e%uff0e/site.conf' '/sip.cfg/..' '/sip.cfg;/../../site.conf' \
         '/out/x-boot.log' '/out%2fx-boot.log' '/OUT/x-boot.log' '/sub%00/x' '/.%00./site.conf' \
         '/...' '/%20../site.conf' '/~/site.conf' '/%7e/site.conf'; do
  code=$(dcurl --path-as-is -o "$work/esc.out" -w '%{http_code}' "$http_url$p")
  leaked=0
  grep -q -e realm -e SECRET-OUTSIDE "$work/esc.out" 2>/dev/null && leaked=1
  ok $([ $leaked -eq 0 ] && [ "$(one_of "$code" 400 403 404)" = 0 ]; echo $?) "path escape $p refused ($code)"
done
body=$(dcurl --path-as-is "$http_url/%2e/sub/../sip.cfg")
ok $(is "$body" '<?xml version="1.0"?><sip/>') "dot segments that stay inside resolve to the same file (/%2e/sub/../sip.cfg)"

# --- upload abuse: only upload patterns, only regular files, size limit, nothing partial
printf 'x' > "$work/one"
code=$(dcurl -T "$work/one" -o /dev/null -w '%{http_code}' "$http_url/sip.cfg")
ok $([ "$code" = 403 ] && grep -q '<sip/>' "$site/boot/sip.cfg"; echo $?) "PUT over a served file (not an upload name) refused ($code), file unchanged"
code=$(dcurl -T "$work/one" -o /dev/null -w '%{http_code}' "$http_url/0004f2000009-boot.log")
ok $([ "$code" = 403 ] && [ "$(cat "$work/outside/x-boot.log")" = SECRET-OUTSIDE ]; echo $?) \
  "PUT onto a symlink named like an upload refused ($code), target unchanged"
code=$(dcurl -T "$work/one" -o /dev/null -w '%{http_code}' "$http_url/.0004f2000001-app.log")
ok $([ "$code" = 403 ] || [ "$code" = 400 ]; echo $?) "PUT of a hidden name refused ($code)"
head -c 200000 /dev/urandom > "$work/big"
code=$(dcurl -T "$work/big" -o /dev/null -w '%{http_code}' "$http_url/0004f2000001-app.log")
ok $([ "$code" = 413 ] && [ ! -e "$site/boot/0004f2000001-app.log" ]; echo $?) "200 kB upload over a 64 kB limit refused with 413 ($code), nothing written"
r=$(printf 'PUT /0004f2000001-app.log HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' | raw $P)
code=$( (printf 'PUT /0004f2000001-app.log HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'; i=0; while [ $i -lt 40 ]; do printf '1000\r\n'; head -c 4096 /dev/zero; printf '\r\n'; i=$((i+1)); done; printf '0\r\n\r\n') | raw $P | head -1 | cut -d' ' -f2)
ok $([ ! -e "$site/boot/0004f2000001-app.log" ]; echo $?) "unauthenticated chunked upload writes nothing (${code:-closed})"
left=$(find "$site/boot" -name '.*' | wc -l)
ok $([ "$left" -eq 0 ]; echo $?) "no upload temporaries left in the boot directory ($left)"
check_alive "upload abuse"

# --- keep-alive: a connection that completed a request may idle 30 s
# (announced as 25 s) before the next one; a new connection gets 10 s for
# its first request (the slowloris cases below). Runs beside them.
python3 - 127.0.0.1 $P > "$work/keepalive.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
def request():
    s.sendall(b"GET /sip.cfg HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return None
        data += chunk
    return data.split(b"\r\n\r\n")[0].decode()
head = request()
ka = [l for l in head.split("\r\n") if l.lower().startswith("keep-alive:")]
print("announced", ka[0].split(":", 1)[1].strip() if ka else "-")
time.sleep(15)
try:
    again = request()
except OSError as e:
    again = None
print("reused", again.split("\r\n")[0].split(" ")[1] if again else "closed")
s.settimeout(60)
t0 = time.time()
try:
    s.recv(1)
except OSError:
    pass
print("idle_closed %.0f" % (time.time() - t0))
PY
ka_pid=$!
# --- slowloris and floods (idle and slow-body timeouts, connection caps)
# Both at once, to keep the suite short.
"$HOSTILE_CLIENT" slowloris 127.0.0.1 $P 20 15 --body > "$work/slowbody.out" &
slow_pid=$!
out=$("$HOSTILE_CLIENT" slowloris 127.0.0.1 $P 100 15)
wait $slow_pid
diag "slow headers: $out"
closed=$(printf '%s' "$out" | sed -n 's/.*closed=\([0-9]*\).*/\1/p')
fresh=$(printf '%s' "$out" | sed -n 's/.*fresh=\([0-9-]*\).*/\1/p')
ok $([ "$fresh" = 401 ]; echo $?) "while 100 slow-header connections are held, a new client is served ($fresh)"
ok $([ "${closed:-0}" -ge 90 ]; echo $?) "slow-header connections are closed by an idle/header timeout within 15 s (closed $closed of 100)"
out=$(cat "$work/slowbody.out")
diag "slow bodies: $out"
closed=$(printf '%s' "$out" | sed -n 's/.*closed=\([0-9]*\).*/\1/p')
ok $([ "${closed:-0}" -ge 18 ]; echo $?) "slow-body uploads are closed by a body timeout within 15 s (closed $closed of 20)"
ok $([ "$(find "$site/boot" -name '0004f2000001-app.log' | wc -l)" -eq 0 ]; echo $?) "… and no partial upload became visible"
out=$("$HOSTILE_CLIENT" flood 127.0.0.1 $P 3000 3)
diag "flood: $out"
fresh=$(printf '%s' "$out" | sed -n 's/.*fresh=\([0-9-]*\).*/\1/p')
ok $([ "$fresh" = 401 ]; echo $?) "with 3000 idle connections open, a new client is still served ($fresh)"
check_alive "slowloris and floods"
wait $ka_pid
diag "keep-alive: $(tr '\n' ' ' < "$work/keepalive.out")"
ok $(grep -qx 'announced timeout=25' "$work/keepalive.out"; echo $?) "responses announce Keep-Alive: timeout=25"
ok $(grep -qx 'reused 401' "$work/keepalive.out"; echo $?) "a kept-alive connection idle for 15 s (past the 10 s first-request deadline) is still served"
t=$(sed -n 's/^idle_closed \([0-9]*\)$/\1/p' "$work/keepalive.out")
ok $([ "${t:-0}" -ge 25 ] && [ "${t:-99}" -le 40 ]; echo $?) "… and closed after about 30 s of idling, after the announced 25 s (${t:-?} s)"

# --- clients that hang up between requests: libsoup 3.2 kept every such
# connection (≈ 3.3 KB each, for ever); phoneprovd now takes it back.
held() { ctl server status --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("connections", -1))'; }
before=$(held)
seq 300 | xargs -P 6 -I{} curl -s -o /dev/null --max-time 10 --digest -u 'phone:Secr3t-pass' "$http_url/sip.cfg"
for i in $(seq 50); do [ "$(held)" -le "$before" ] && break; sleep 0.2; done
after=$(held)
ok $([ "$after" -ge 0 ] && [ "$after" -le "$before" ]; echo $?) "300 clients that hung up after their request leave no connection held ($before before, $after after)"

ok $(! grep -q -e CRITICAL -e 'runtime error' -e AddressSanitizer "$daemon_log"; echo $?) "no CRITICAL or sanitizer report in the daemon log"
ok $(events_valid) "events.jsonl is valid JSON after everything"
finish
