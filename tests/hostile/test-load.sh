#!/bin/sh
# Load (suite "slow"): LOAD_PHONES (2000) phones, joining 100 per second,
# then all holding mutual-TLS
# connections to the HTTPS site for LOAD_SECONDS (60), each fetching a file
# every 3-7 s: no errors, memory bounded. Then the control socket refuses
# other users. Results: tests/README.md.
. "${HOSTILE_LIB:-$(dirname "$0")/lib.sh}"
need curl python3
phones=${LOAD_PHONES:-2000}
seconds=${LOAD_SECONDS:-60}

setup_site
# The daemon needs a descriptor per phone.
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -H -n)" 2>/dev/null
diag "descriptor limit for the daemon: $(ulimit -n)"
start_daemon
rss_start=$(daemon_rss)
out=$("$LOAD_CLIENT" "$https_url/sip.cfg" "$pki/siteca.crt" "$pki/phone1.crt" "$pki/phone1.key" \
      "$phones" "$seconds" --pid "$daemon_pid" 2>"$work/load.err")
rc=$?
diag "$out"
[ -s "$work/load.err" ] && diag "$(head -5 "$work/load.err")"
ok $rc "$phones phones for $seconds s over mutual TLS: no errors"
maxfds=$(printf '%s' "$out" | sed -n 's/.*max_daemon_fds=\([0-9]*\).*/\1/p')
ok $([ "${maxfds:-0}" -ge $((phones * 9 / 10)) ]; echo $?) "the connections were held at once (daemon had up to $maxfds descriptors open)"
rss=$(printf '%s' "$out" | sed -n 's/.*rss_kb=\([0-9,]*\).*/\1/p')
python3 - "$rss" "$rss_start" > "$work/rss.out" <<'PY'
import sys
samples = [int(x) for x in sys.argv[1].split(",") if x and int(x) > 0]
start = int(sys.argv[2])
peak = max(samples) if samples else 0
# Bounded: under 1 GB, and once the phones are connected (samples every 5 s,
# the first quarter is the ramp-up) the second half of the run does not grow
# past the first half's peak by more than 25 % + 32 MB.
steady = samples[len(samples) // 4:] or samples   # past the ramp-up
first = steady[:max(1, len(steady) // 2)]
second = steady[len(first):] or first
growing = max(second) > 1.25 * max(first) + 32 * 1024
print(f"start {start} kB, peak {peak} kB, steady first half {max(first)} kB, second half {max(second)} kB")
sys.exit(1 if peak > 1024 * 1024 or growing else 0)
PY
ok $? "daemon memory bounded: $(cat "$work/rss.out")"
sleep 2
rss_after=$(daemon_rss)
diag "RSS two seconds after the load: $rss_after kB"
code=$(pcurl phone1 -o /dev/null -w '%{http_code}' "$https_url/sip.cfg")
ok $([ "$code" = 200 ] && [ "$(daemon_alive)" = 0 ]; echo $?) "after the load the daemon serves as before ($code)"

# --- the control socket refuses other users
sock=$site/run/control.sock
mode=$(stat -c %a "$sock")
ok $(is "$mode" 600) "control.sock is 0600 ($mode)"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
  code=$(setpriv --reuid=65534 --regid=65534 --clear-groups curl -s -o /dev/null -w '%{http_code}' \
         --unix-socket "$sock" http://localhost/v1/status 2>/dev/null)
  ok $(is "$code" 000) "another user (nobody) cannot connect to control.sock ($code)"
  code=$(setpriv --reuid=65534 --regid=65534 --clear-groups curl -s -o /dev/null -w '%{http_code}' -X POST \
         --unix-socket "$sock" http://localhost/v1/stop 2>/dev/null)
  ok $([ "$code" = 000 ] && [ "$(daemon_alive)" = 0 ]; echo $?) "another user cannot stop the daemon ($code)"
  # Loosen every mode on the way: the daemon itself must still refuse.
  modes=$(stat -c '%a %n' "$work" "$site")
  chmod a+x "$work" "$site"
  chmod 777 "$site/run" 2>/dev/null
  chmod 666 "$sock"
  code=$(setpriv --reuid=65534 --regid=65534 --clear-groups curl -s -o /dev/null -w '%{http_code}' \
         --unix-socket "$sock" http://localhost/v1/status 2>/dev/null)
  ok $(is "$code" 403) "even with the socket made world-writable, the daemon refuses a peer of another uid by its credentials ($code)"
  chmod 600 "$sock"; chmod 700 "$site/run"
  printf '%s\n' "$modes" | while read -r m f; do chmod "$m" "$f"; done
else
  skip "switching to another user needs root and setpriv"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$sock" http://localhost/v1/status)
ok $(is "$code" 200) "the owner still gets status ($code)"
finish
