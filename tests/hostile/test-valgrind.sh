#!/bin/sh
# phoneprovd under valgrind memcheck (suite "slow"): a short tour of
# everything the daemon parses — digest logins good and bad, replays, path
# escapes, uploads (good, oversized, refused), mutual TLS with good and bad
# certificates and a downgrade attempt, control API status/reload — then a
# clean stop. Pass: no memcheck error, no definite leak.
. "${HOSTILE_LIB:-$(dirname "$0")/lib.sh}"
need valgrind curl gnutls-cli
supp=$(cd "$(dirname "$0")" && pwd)/valgrind.supp

setup_site boot.upload-max-bytes=65536
vg_log=$work/valgrind.log
export G_SLICE=always-malloc G_DEBUG=gc-friendly
PP_START_WAIT=1200
PP_DAEMON_WRAPPER="valgrind --tool=memcheck --suppressions=$supp --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=99 --num-callers=30 --log-file=$vg_log"
start_daemon
PP_DAEMON_WRAPPER=
u=$http_url

code=$(dcurl -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $(is "$code" 200) "digest GET under valgrind ($code)"
code=$(curl -s -o /dev/null -w '%{http_code}' --digest -u phone:wrong "$u/sip.cfg")
ok $(is "$code" 401) "wrong password ($code)"
auth=$(dcurl -v -o /dev/null "$u/sip.cfg" 2>&1 | tr -d '\r' | sed -n 's/^> Authorization: //p' | tail -1)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $auth" "$u/sip.cfg")
ok $(is "$code" 401) "replayed Authorization ($code)"
for p in '/../site.conf' '/%2e%2e/site.conf' '/sip.cfg%00' '/%c0%ae%c0%ae/x' '/.hidden' '/nonexistent.cfg'; do
  code=$(dcurl --path-as-is -o /dev/null -w '%{http_code}' "$u$p")
  ok $(one_of "$code" 400 403 404) "path $p ($code)"
done
head -c 30000 /dev/urandom > "$work/up"
code=$(dcurl -T "$work/up" -o /dev/null -w '%{http_code}' "$u/0004f2000001-app.log")
ok $(one_of "$code" 200 201 204) "upload ($code)"
head -c 100000 /dev/urandom > "$work/big"
code=$(dcurl -T "$work/big" -o /dev/null -w '%{http_code}' "$u/0004f2000001-app.log")
ok $(is "$code" 413) "oversized upload ($code)"
code=$(dcurl -T "$work/up" -o /dev/null -w '%{http_code}' "$u/sip.cfg")
ok $(is "$code" 403) "upload to a non-upload name ($code)"
code=$(dcurl -r 10-20 -o /dev/null -w '%{http_code}' "$u/sip.ld")
ok $(is "$code" 206) "range request ($code)"
code=$(pcurl phone1 -o /dev/null -w '%{http_code}' "$https_url/sip.cfg")
ok $(is "$code" 200) "mutual TLS GET ($code)"
for c in expired revoked untrusted wrongeku selfsigned; do
  code=$(pcurl $c -o /dev/null -w '%{http_code}' "$https_url/sip.cfg")
  ok $(is "$code" 000) "certificate $c refused ($code)"
done
echo | timeout 30 gnutls-cli --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+ARCFOUR-128" \
  --x509cafile "$pki/siteca.crt" -p "$https_port" 127.0.0.1 >/dev/null 2>&1
ok 0 "RC4 downgrade attempt sent"
printf 'GET /sip.cfg HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n' "$(head -c 100000 /dev/zero | tr '\0' a)" | raw "$http_port" >/dev/null
ok 0 "oversized header sent"
ctl server status >/dev/null; ok $? "control status"
ctl server reload >/dev/null; ok $? "control reload"
code=$(pcurl phone2 -o /dev/null -w '%{http_code}' "$https_url/sip.cfg")
ok $(is "$code" 200) "mutual TLS after reload ($code)"

# Stop cleanly so memcheck writes its leak summary.
kill "$daemon_pid"
i=0; while kill -0 "$daemon_pid" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
wait "$daemon_pid"; rc=$?
daemon_pid=
diag "$(grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost' "$vg_log" | sed 's/^==[0-9]*== //' | tr '\n' ';')"
ok $([ "$rc" != 99 ] && grep -q 'ERROR SUMMARY: 0 errors' "$vg_log"; echo $?) "memcheck: no errors, no definite leaks (exit $rc)"
if ! grep -q 'ERROR SUMMARY: 0 errors' "$vg_log"; then
  grep -A25 -E 'definitely lost in|Invalid|uninitialised' "$vg_log" | head -80 | sed 's/^/# /'
fi
finish
