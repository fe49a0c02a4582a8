#!/bin/sh
# Large files: Range requests on a 50 MB file keep memory flat, 50
# concurrent downloads cost at most a chunk buffer each (the body is read
# from the file while it is sent, never copied whole), and a reload during a
# large download lets it finish.
. "${SERVER_TEST_LIB:-$(dirname "$0")/lib.sh}"

setup_site
head -c 52428800 /dev/urandom > "$site/boot/firmware.sip.ld"
want=$(sha256sum < "$site/boot/firmware.sip.ld" | cut -d' ' -f1)
# Under AddressSanitizer freed memory sits in a quarantine (256 MB), which
# would read as growth here; keep it small so the measurement stays ours.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=1:thread_local_quarantine_size_kb=64"
export ASAN_OPTIONS
# Connections without any progress for 3 s are dropped (default 60 s).
PHONEPROV_IO_TIMEOUT=3
export PHONEPROV_IO_TIMEOUT
start_daemon
unset PHONEPROV_IO_TIMEOUT
u=${https_url%/}
ca=$pki/siteca.crt
ccurl() { curl -s -m 60 --cacert "$ca" --cert "$pki/phone1.crt" --key "$pki/phone1.key" "$@"; }
rss_anon() { sed -n 's/^RssAnon:[[:space:]]*\([0-9][0-9]*\) kB/\1/p' "/proc/$daemon_pid/status"; }

ccurl -o /dev/null "$u/sip.cfg"    # warm up both workers' allocations
ccurl -o /dev/null "$u/sip.cfg"
before=$(rss_anon)
bad=0
i=0
while [ $i -lt 20 ]; do
  off=$(( (i * 2599417) % 52428000 ))
  ccurl -r "$off-$((off + 99))" -o "$work/part" "$u/firmware.sip.ld"
  tail -c +$((off + 1)) "$site/boot/firmware.sip.ld" | head -c 100 > "$work/want"
  cmp -s "$work/part" "$work/want" || bad=$((bad + 1))
  i=$((i + 1))
done
after_ranges=$(rss_anon)
ok $([ $bad -eq 0 ]; echo $?) "20 Range requests of 100 bytes across a 50 MB file return the right bytes ($bad wrong)"
t0=$(date +%s.%N)
got=$(ccurl "$u/firmware.sip.ld" | sha256sum | cut -d' ' -f1)
t1=$(date +%s.%N)
ok $([ "$got" = "$want" ]; echo $?) "the whole 50 MB file downloads intact over mutual TLS"
diag "50 MB over HTTPS in $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s"
got=$(dcurl "${http_url}firmware.sip.ld" | sha256sum | cut -d' ' -f1)
ok $([ "$got" = "$want" ]; echo $?) "the whole 50 MB file downloads intact over HTTP digest"
after=$(rss_anon)
diag "daemon anonymous memory: ${before} kB before, ${after_ranges} kB after the ranges, ${after} kB after two full downloads"
ok $([ -n "$before" ] && [ -n "$after" ] && [ "$before" -gt 0 ]; echo $?) "the daemon's memory can be measured"
ok $([ $((after_ranges - before)) -lt 8192 ]; echo $?) "Range requests keep memory flat (+$((after_ranges - before)) kB)"
ok $([ $((after - before)) -lt 16384 ]; echo $?) "full downloads do not copy the file into memory (+$((after - before)) kB)"

# 50 phones fetch the firmware at once (the boot storm's firmware step):
# each transfer holds one 256 kB buffer, so the daemon's anonymous memory
# grows by about 13 MB, not by the files.
before=$(rss_anon)
peak=$before
pids=
i=0
while [ $i -lt 50 ]; do
  ccurl -o /dev/null -w '%{http_code} %{size_download}\n' "$u/firmware.sip.ld" > "$work/par.$i" &
  pids="$pids $!"
  i=$((i + 1))
done
running() { for p in $pids; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
n_samples=0
while running && [ $n_samples -lt 1200 ]; do
  n_samples=$((n_samples + 1))
  r=$(rss_anon)
  [ -n "$r" ] && [ "$r" -gt "$peak" ] && peak=$r
  sleep 0.1
done
for p in $pids; do wait $p; done
full=$(cat "$work"/par.* | grep -c '^200 52428800$')
ok $([ "$full" = 50 ]; echo $?) "50 concurrent downloads of the 50 MB file complete ($full of 50)"
ok $([ $n_samples -gt 0 ] && [ $((peak - before)) -lt 32768 ]; echo $?) \
  "… with bounded memory (anonymous memory +$((peak - before)) kB at the peak, $n_samples samples)"
rm -f "$work"/par.*

# A refused 50 MB upload without "Expect: 100-continue" is read and dropped,
# never buffered.
before=$(rss_anon)
code=$(ccurl -H 'Expect:' -T "$site/boot/firmware.sip.ld" -o /dev/null -w '%{http_code}' "$u/sip.cfg")
after=$(rss_anon)
ok $([ "$code" = 403 ] && [ $((after - before)) -lt 8192 ]; echo $?) \
  "a refused 50 MB PUT without Expect costs no memory ($code, +$((after - before)) kB)"
before=$(rss_anon)
code=$(ccurl -H 'Expect:' -T "$site/boot/firmware.sip.ld" -o /dev/null -w '%{http_code}' "$u/0004f2000001-app.log")
after=$(rss_anon)
ok $([ "$code" = 413 ] && [ $((after - before)) -lt 8192 ]; echo $?) \
  "an oversized 50 MB upload without Expect gets 413 and costs no memory ($code, +$((after - before)) kB)"

# Reload in the middle of a slow download.
ccurl --limit-rate 15M -o "$work/slow" "$u/firmware.sip.ld" &
slow=$!
sleep 1
ctl set boot.upload-max-bytes=12345 https.profile=modern
ctl server reload > "$work/reload" 2>&1
ok $? "reload while the download runs: $(cat "$work/reload")"
ctl server status --json | grep -q '"profile" : "modern"'
ok $? "the new configuration is live"
kill -0 $slow 2>/dev/null
ok $? "the download was still running during the reload"
wait $slow
rc=$?
got=$(sha256sum < "$work/slow" | cut -d' ' -f1)
ok $([ $rc -eq 0 ] && [ "$got" = "$want" ]; echo $?) "the download started before the reload completes intact (curl $rc)"

# A client that stops reading does not hold its connection forever (curl
# itself would not notice while it throttles, so watch the server's side).
t0=$(date +%s)
ccurl --limit-rate 1 -m 60 -o /dev/null "$u/firmware.sip.ld" &
stalled=$!
i=0
while [ $i -lt 150 ] && ! events | grep '"path":"/firmware.sip.ld"' | grep -q '"status":0'; do sleep 0.2; i=$((i + 1)); done
t1=$(date +%s)
kill $stalled 2>/dev/null
wait $stalled 2>/dev/null
ok $([ $i -lt 150 ]; echo $?) "a client that stops reading is dropped after the idle timeout ($((t1 - t0)) s, logged as aborted)"

finish
