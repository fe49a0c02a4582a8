#!/bin/sh
# The control API and the daemon's life: status, events long poll, reload
# (good, bad, SIGHUP), stop, pid-file lock, port errors, worker sockets.
. "${SERVER_TEST_LIB:-$(dirname "$0")/lib.sh}"

setup_site
mv "$site/pki/server/server.crt" "$work/server.crt.later"
start_daemon
sock=$site/run/control.sock
api() { curl -s -m 30 --unix-socket "$sock" "$@"; }

st=$(api http://phoneprovd/v1/status)
echo "$st" | grep -q "\"pid\" : $daemon_pid" && echo "$st" | grep -q '"version" : "' \
  && echo "$st" | grep -q "\"site\" : \"$site\"" && echo "$st" | grep -q '"started" : "20'
ok $? "status names version, pid, site and start time"
port=$(echo "$st" | tr -d '\n' | sed -n 's/.*"name" : "http",[^}]*"port" : \([0-9]*\).*/\1/p')
ok $([ -n "$port" ] && [ "$port" -gt 0 ] && [ "$http_url" = "http://127.0.0.1:$port/" ]; echo $?) \
  "port 0 in site.conf: status reports the real port ($port)"
echo "$st" | tr -d '\n' | grep -q '"name" : "https",[^}]*"running" : false,.*"error" : "The HTTPS site has no server certificate yet'
ok $? "without a server certificate HTTPS waits, and status says why"
ok $([ "$(stat -c %a "$sock")" = 600 ]; echo $?) "the control socket is owner-only (0600)"
hex=$(printf '%04X' "$port")
listeners=$(grep -c ":$hex 00000000:0000 0A" /proc/net/tcp)
ok $([ "$listeners" = 2 ]; echo $?) "two workers listen on the HTTP port with SO_REUSEPORT ($listeners sockets)"

# Installing the certificate and reloading starts HTTPS (the wizard's path).
mv "$work/server.crt.later" "$site/pki/server/server.crt"
ctl server reload > /dev/null
st=$(ctl server status --json)
echo "$st" | tr -d '\n' | grep -q '"name" : "https",[^}]*"running" : true' \
  && echo "$st" | grep -q '"client_certs" : "required"' && echo "$st" | grep -q '"subject" : "CN=localhost,O=phoneprov tests"' \
  && echo "$st" | grep -q '"not_after" : "20'
ok $? "after reload HTTPS runs; status shows client certificates, server certificate subject and expiry"
https_url=$(echo "$st" | sed -n 's/.*"url" : "\(https:[^"]*\)".*/\1/p')
code=$(curl -s -m 30 --cacert "$pki/siteca.crt" --cert "$pki/phone1.crt" --key "$pki/phone1.key" -o /dev/null -w '%{http_code}' "${https_url}sip.cfg")
ok $([ "$code" = 200 ]; echo $?) "a phone is served on the new HTTPS site ($code)"

# Events: after=N and the long poll.
next=$(api "http://phoneprovd/v1/events?after=0" | sed -n 's/^{"next":\([0-9]*\),.*/\1/p')
ok $([ -n "$next" ] && [ "$next" -gt 0 ]; echo $?) "events?after=0 returns events and the next sequence ($next)"
t0=$(date +%s%N)
api "http://phoneprovd/v1/events?after=$next&timeout=20000" > "$work/poll" &
poller=$!
sleep 0.5
dcurl -o /dev/null "${http_url}sip.cfg"
wait $poller
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
# The poll returns at the first new event; under load (sanitizers, 2 cores)
# that can be a late event of the HTTPS request above, so look again from the
# same sequence number before judging.
ev='"type":"request","site":"http","peer":"127.0.0.1","method":"GET","path":"/sip.cfg"'
grep -q "$ev" "$work/poll" || api "http://phoneprovd/v1/events?after=$next&timeout=5000" > "$work/poll"
grep -q "$ev" "$work/poll"
ok $? "a long poll returns the new request event"
ok $([ $ms -lt 5000 ]; echo $?) "it returns when the event happens, not at the timeout (${ms} ms)"
t0=$(date +%s%N)
last=$(api "http://phoneprovd/v1/events?after=0" | sed -n 's/^{"next":\([0-9]*\),.*/\1/p')
api "http://phoneprovd/v1/events?after=$last&timeout=700" > "$work/poll"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
grep -q '"events":\[\]' "$work/poll"
ok $([ $? -eq 0 ] && [ $ms -ge 600 ]; echo $?) "with nothing new the poll ends empty at its timeout (${ms} ms)"

# A bad reload keeps the running configuration.
echo "not a certificate" > "$site/pki/trust/broken.pem"
code=$(api -X POST -o "$work/reload" -w '%{http_code}' http://phoneprovd/v1/reload)
grep -q '"error" : "The trust store file .*broken.pem is not a certificate' "$work/reload"
ok $([ $? -eq 0 ] && [ "$code" -ge 400 ]; echo $?) "reload with a broken trust file fails with HTTP $code and names the file"
events | grep '"result":"reload-failed"' | grep -q 'broken.pem'
ok $? "the failed reload is an event for the monitor"
ctl server status --json | tr -d '\n' | grep -q '"errors" : \[ *"The last reload failed, the previous configuration is still running: The trust store file .*broken.pem'
ok $? "status lists the failed reload until one succeeds"
ctl server reload > /dev/null 2> "$work/err"
ok $([ $? -eq 1 ] && grep -q 'broken.pem' "$work/err"; echo $?) "phoneprovctl server reload reports it: $(cat "$work/err")"
code=$(curl -s -m 30 --cacert "$pki/siteca.crt" --cert "$pki/phone1.crt" --key "$pki/phone1.key" -o /dev/null -w '%{http_code}' "${https_url}sip.cfg")
ok $([ "$code" = 200 ]; echo $?) "the previous configuration keeps serving ($code)"
rm "$site/pki/trust/broken.pem"
ctl server reload > /dev/null
ctl server status --json | tr -d '\n' | grep -q '"errors" : \[ *\]'
ok $? "a successful reload clears it"

# SIGHUP reloads.
ctl set https.client-certs=optional
kill -HUP "$daemon_pid"
i=0
while [ $i -lt 50 ] && ! ctl server status --json | grep -q '"client_certs" : "optional"'; do sleep 0.1; i=$((i + 1)); done
ok $([ $i -lt 50 ]; echo $?) "SIGHUP reloads the configuration"

# One daemon per site; busy ports are explained.
"$PHONEPROVD" --site "$site" > "$work/second" 2>&1
rc=$?
ok $([ $rc -eq 1 ] && grep -q "Another phoneprovd (pid $daemon_pid) already serves the site" "$work/second"; echo $?) \
  "a second daemon on the same site is refused: $(cat "$work/second")"
other=$work/other
"$PHONEPROVCTL" --site "$other" init > /dev/null
"$PHONEPROVCTL" --site "$other" set http.address=127.0.0.1 "http.port=$port" https.enabled=false
"$PHONEPROVD" --site "$other" > "$work/busy" 2>&1
rc=$?
ok $([ $rc -eq 1 ] && grep -q "Port $port on 127.0.0.1 is already in use" "$work/busy"; echo $?) \
  "another site on the same port is refused, even with SO_REUSEPORT: $(cat "$work/busy")"

# IPv6 loopback.
if [ -e /proc/net/if_inet6 ] && grep -q '^00000000000000000000000000000001' /proc/net/if_inet6; then
  "$PHONEPROVCTL" --site "$other" set http.address=::1 http.port=0
  "$PHONEPROVD" --site "$other" > "$work/v6" 2>&1 &
  v6pid=$!
  i=0
  url6=
  while [ $i -lt 100 ] && [ -z "$url6" ]; do
    url6=$("$PHONEPROVCTL" --site "$other" server status --json 2>/dev/null | sed -n 's/.*"url" : "\(http:[^"]*\)".*/\1/p')
    [ -n "$url6" ] || sleep 0.1
    i=$((i + 1))
  done
  code=$(curl -s -g -m 30 -o /dev/null -w '%{http_code}' "${url6}sip.cfg")
  ok $([ "$code" = 401 ] && echo "$url6" | grep -q '^http://\[::1\]:[1-9]'; echo $?) "a site on ::1 runs and answers ($url6, $code)"
  kill $v6pid
  wait $v6pid
else
  skip "no IPv6 loopback on this machine"
fi

# Privileged ports without the right: the message names the three ways out.
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
  chmod 755 "$work"
  "$PHONEPROVCTL" --site "$other" set http.port=80
  chown -R 65534:65534 "$other"
  setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
    "$PHONEPROVD" --site "$other" > "$work/priv" 2>&1
  rc=$?
  ok $([ $rc -eq 1 ] && grep -q 'Port 80 is privileged' "$work/priv" && grep -q 'run phoneprovd as root' "$work/priv" \
       && grep -q 'setcap cap_net_bind_service' "$work/priv" && grep -q 'above 1023' "$work/priv"; echo $?) \
    "port 80 without privileges: $(cat "$work/priv")"
elif [ "$(id -u)" != 0 ]; then
  "$PHONEPROVCTL" --site "$other" set http.port=80
  "$PHONEPROVD" --site "$other" > "$work/priv" 2>&1
  rc=$?
  ok $([ $rc -eq 1 ] && grep -q 'setcap cap_net_bind_service' "$work/priv" && grep -q 'above 1023' "$work/priv"; echo $?) \
    "port 80 without privileges: $(cat "$work/priv")"
else
  skip "running as root without setpriv: cannot test a privileged port refusal"
fi

# SIGTERM: clean shutdown.
kill -TERM "$daemon_pid"
wait "$daemon_pid"
rc=$?
daemon_pid=
ok $([ $rc -eq 0 ] && [ ! -e "$sock" ] && [ ! -e "$site/run/phoneprovd.pid" ]; echo $?) \
  "SIGTERM stops the daemon cleanly (exit $rc) and removes its socket and pid file"

# Started for the wizard: detached in its own session, stopped via the API.
PHONEPROVD=$PHONEPROVD ctl server start > "$work/start" 2>&1
ok $? "phoneprovctl server start: $(cat "$work/start")"
pid=$(cat "$site/run/phoneprovd.pid" 2>/dev/null)
sid=$(cut -d" " -f6 "/proc/$pid/stat" 2>/dev/null)
ok $([ -n "$pid" ] && [ "$sid" = "$pid" ]; echo $?) "the started daemon leads its own session (pid $pid, sid $sid)"
ctl server stop > /dev/null
i=0
while [ $i -lt 50 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
ok $([ $i -lt 50 ] && [ ! -e "$sock" ]; echo $?) "phoneprovctl server stop stops it"
ctl server status > /dev/null 2> "$work/err"
ok $([ $? -eq 1 ] && grep -q 'No phoneprovd answers' "$work/err"; echo $?) "status without a daemon says so: $(cat "$work/err")"

finish
