#!/bin/sh
# Fault injection: kill -9 of phoneprovd during 100 concurrent uploads and of
# phoneprovctl during CA signing and site.conf saves; disk full (RLIMIT_FSIZE
# always, a small tmpfs when root) during uploads and bundle export;
# unreadable and vanishing boot files. The invariant everywhere: after the
# fault, every file is its old or its new content, never a mix, and the
# daemon restarts cleanly. Results: tests/README.md.
. "${HOSTILE_LIB:-$(dirname "$0")/lib.sh}"
need curl python3 openssl sha256sum prlimit

setup_site boot.upload-max-bytes=4194304
start_daemon

# --- kill -9 during 100 concurrent uploads ---------------------------------
mkdir -p "$work/up"
i=100
while [ $i -lt 200 ]; do
  mac=0004f2000$i
  head -c 400000 /dev/urandom > "$work/up/$mac.new"
  # Half of them replace an existing file, which must survive intact or be
  # fully replaced.
  if [ $((i % 2)) -eq 0 ]; then
    head -c 1000 /dev/urandom > "$site/boot/$mac-app.log"
    cp "$site/boot/$mac-app.log" "$work/up/$mac.old"
  fi
  i=$((i + 1))
done
i=100
while [ $i -lt 200 ]; do
  mac=0004f2000$i
  # 400 kB at 200 kB/s: all 100 are mid-body when the daemon dies.
  dcurl --limit-rate 200k -T "$work/up/$mac.new" -o /dev/null "$http_url/$mac-app.log" &
  upload_pids="${upload_pids:-} $!"
  i=$((i + 1))
done
sleep 1
active=$(ls /proc/$daemon_pid/fd 2>/dev/null | wc -l)
kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
daemon_pid=
for p in $upload_pids; do wait $p; done
diag "killed phoneprovd with $active open descriptors"
bad=0; old=0; new=0; none=0
i=100
while [ $i -lt 200 ]; do
  mac=0004f2000$i
  f=$site/boot/$mac-app.log
  if [ ! -e "$f" ]; then
    [ -e "$work/up/$mac.old" ] && bad=$((bad + 1)) || none=$((none + 1))
  elif cmp -s "$f" "$work/up/$mac.new"; then new=$((new + 1))
  elif [ -e "$work/up/$mac.old" ] && cmp -s "$f" "$work/up/$mac.old"; then old=$((old + 1))
  else bad=$((bad + 1)); diag "partial or corrupt: $f ($(wc -c < "$f") bytes)"
  fi
  i=$((i + 1))
done
ok $(is $bad 0) "kill -9 during 100 uploads: every file old or new, none partial ($old old, $new new, $none absent, $bad bad)"
visible=$(find "$site/boot" -name '0004f2000*' ! -name '.*' ! -name '*-app.log' | wc -l)
ok $(is "$visible" 0) "no temporary file under a servable name ($visible)"
hidden=$(find "$site/boot" -name '.0004f2000*' | wc -l)
diag "hidden upload temporaries left by the crash: $hidden"
# What the cleanup at start must leave alone: hidden files of other shapes,
# a temporary-shaped name that is a link or a folder, one still locked by a
# live writer (another process); and what it must also find: a leftover in
# a subfolder.
mkdir -p "$site/boot/sub" "$site/boot/.d.cfg.AbCdEf"
echo admin > "$site/boot/.admin-notes"
echo admin > "$site/boot/.sip.cfg.bak"
echo admin > "$site/boot/plain.cfg.AbCdEf"
ln -s sip.cfg "$site/boot/.link.cfg.AbCdEf"
echo live > "$site/boot/.live.cfg.AbCdEf"
touch -d '1 hour ago' "$site/boot/.live.cfg.AbCdEf"
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "r"); fcntl.flock(f, fcntl.LOCK_EX); open(sys.argv[2], "w").close(); time.sleep(30)' \
  "$site/boot/.live.cfg.AbCdEf" "$work/locked" &
locker=$!
echo old > "$site/boot/sub/.phone1.cfg.Xy12Z9"
i=0
while [ ! -e "$work/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
start_daemon
code=$(dcurl -o /dev/null -w '%{http_code}' "$http_url/sip.cfg")
ok $(is "$code" 200) "phoneprovd restarts after kill -9 and serves ($code)"
hidden2=$(find "$site/boot" -name '.0004f2000*' | wc -l)
ok $([ "$hidden2" -eq 0 ] && [ "$hidden" -gt 0 ]; echo $?) "crash leftovers (hidden temporaries) are removed at restart ($hidden → $hidden2)"
diag "$(grep -c "Removed “" "$daemon_log") files named in the log: $(grep "interrupted temporary files" "$daemon_log" | tail -1)"
ok $(grep -q "Removed $((hidden + 1)) interrupted temporary files from the boot directory" "$daemon_log"; echo $?) \
  "… and the daemon log says what was removed"
kept=0
for f in .admin-notes .sip.cfg.bak plain.cfg.AbCdEf .link.cfg.AbCdEf .d.cfg.AbCdEf .live.cfg.AbCdEf; do
  [ -e "$site/boot/$f" ] || [ -L "$site/boot/$f" ] && kept=$((kept + 1))
done
ok $([ $kept = 6 ] && [ ! -e "$site/boot/sub/.phone1.cfg.Xy12Z9" ]; echo $?) \
  "… in subfolders too, and nothing else: other hidden names, links, folders and a locked temporary stay ($kept of 6)"
kill $locker 2>/dev/null; wait $locker 2>/dev/null
rm -rf "$site/boot/sub" "$site/boot/.d.cfg.AbCdEf" "$site/boot/.admin-notes" "$site/boot/.sip.cfg.bak" \
  "$site/boot/plain.cfg.AbCdEf" "$site/boot/.link.cfg.AbCdEf" "$site/boot/.live.cfg.AbCdEf"
code=$(dcurl -T "$work/up/0004f2000100.new" -o /dev/null -w '%{http_code}' "$http_url/0004f2000100-app.log")
ok $([ "$(one_of "$code" 200 201 204)" = 0 ] && cmp -s "$site/boot/0004f2000100-app.log" "$work/up/0004f2000100.new"; echo $?) \
  "an upload after the restart completes ($code)"

# --- kill -9 during site.conf saves ----------------------------------------
bad=0
j=0
while [ $j -lt 40 ]; do
  # The binary itself, not the ctl() function: $! must be the process.
  "$PHONEPROVCTL" --site "$site" set site.name="name-$j-$(head -c 600 /dev/zero | tr '\0' x)" >/dev/null 2>&1 &
  p=$!
  # Spread the kills over the write: 0-9 ms.
  sleep "0.00$((j % 10))"
  kill -9 $p 2>/dev/null
  wait $p 2>/dev/null
  if ! ctl get site.name >/dev/null 2>&1; then bad=$((bad + 1)); diag "site.conf unreadable after kill $j"; fi
  j=$((j + 1))
done
ok $(is $bad 0) "kill -9 during 40 site.conf saves: site.conf always opens ($bad bad)"
leftover=$(find "$site" -maxdepth 1 -name '*site.conf*' ! -name site.conf | wc -l)
diag "site.conf temporaries left by the kills: $leftover"

# --- kill -9 during CA signing ----------------------------------------------
ctl ca init --cn "Fault Test CA" >/dev/null 2>&1 || bail "ca init failed"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/p.key" \
  -subj "/CN=0004f2000001" -out "$work/p.csr" 2>/dev/null
issued=0; bad=0
j=0
while [ $j -lt 40 ]; do
  "$PHONEPROVCTL" --site "$site" ca sign --csr "$work/p.csr" --template client > "$work/sign.$j" 2>/dev/null &
  p=$!
  # 0-900 ms: a signing takes ~50-300 ms, so some finish, most die inside.
  sleep "0.$((j % 10))"
  kill -9 $p 2>/dev/null
  wait $p 2>/dev/null
  j=$((j + 1))
done
ctl ca list > "$work/calist" 2>&1
ok $? "kill -9 during 40 signings: the CA index still reads ($(wc -l < "$work/calist") lines)"
python3 - "$site/pki/ca/index.json" > "$work/serials" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
entries = d if isinstance(d, list) else d.get("certificates", d.get("entries", []))
for e in entries:
    print(e["serial"].lower().lstrip("0"))
PY
ok $? "index.json is valid JSON with a serial per entry ($(wc -l < "$work/serials") entries)"
dups=$(sort "$work/serials" | uniq -d | wc -l)
ok $(is "$dups" 0) "no serial issued twice ($dups)"
# A certificate that reached the caller must be in the index.
missing=0
j=0
while [ $j -lt 40 ]; do
  if grep -q 'END CERTIFICATE' "$work/sign.$j" 2>/dev/null; then
    issued=$((issued + 1))
    s=$(openssl x509 -in "$work/sign.$j" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f' | sed 's/^0*//')
    grep -qx "$s" "$work/serials" || missing=$((missing + 1))
  fi
  j=$((j + 1))
done
ok $(is $missing 0) "every certificate printed before the kill is recorded ($issued printed, $missing missing)"
# Concurrent signers (wizard and phoneprovctl at once) must not lose entries.
before=$(wc -l < "$work/serials")
j=0
pids=
while [ $j -lt 8 ]; do
  "$PHONEPROVCTL" --site "$site" ca sign --csr "$work/p.csr" --template client > "$work/par.$j" 2>"$work/par.$j.err" &
  pids="$pids $!"
  j=$((j + 1))
done
for p in $pids; do wait $p; done
after=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); e=d if isinstance(d,list) else d.get('certificates',d.get('entries',[])); print(len(e))" "$site/pki/ca/index.json")
ok $(is $((after - before)) 8) "8 concurrent signings: all 8 recorded in the index ($((after - before)))"
for e in "$work"/par.*.err; do [ -s "$e" ] && diag "a concurrent signer said: $(cat "$e")"; done

# --- disk full: RLIMIT_FSIZE on the daemon --------------------------------
stop_daemon
head -c 2000 /dev/urandom > "$site/boot/0004f2000300-app.log"
cp "$site/boot/0004f2000300-app.log" "$work/keep"
head -c 3000000 /dev/urandom > "$work/3m"
PP_DAEMON_WRAPPER="prlimit --fsize=1000000 --"
start_daemon
PP_DAEMON_WRAPPER=
code=$(dcurl -T "$work/3m" -o "$work/resp" -w '%{http_code}' "$http_url/0004f2000300-app.log")
alive=$(daemon_alive)
ok $(is "$alive" 0) "RLIMIT_FSIZE hit during an upload: the daemon survives (SIGXFSZ ignored)"
ok $([ "$(one_of "$code" 500 507)" = 0 ] && cmp -s "$site/boot/0004f2000300-app.log" "$work/keep"; echo $?) \
  "… the upload gets 507/500 ($code) and the previous file is unchanged"
diag "response: $(head -c 200 "$work/resp" 2>/dev/null)"
left=$(find "$site/boot" -name '.*' | wc -l)
ok $([ "$alive" != 0 ] || [ "$left" -le "$hidden2" ]; echo $?) "… and no temporary is left behind ($left)"
[ "$alive" = 0 ] || { wait "$daemon_pid" 2>/dev/null; diag "daemon exit status $?"; daemon_pid=; }
stop_daemon
start_daemon

# --- disk full: a small tmpfs (root only) ----------------------------------
if [ "$(id -u)" = 0 ] && mkdir -p "$work/full" && mount -t tmpfs -o size=1m tmpfs "$work/full" 2>/dev/null; then
  extra_cleanup='umount "$work/full" 2>/dev/null'
  mkdir "$work/full/boot"
  cp "$site/boot/sip.cfg" "$site/boot/sip.ld" "$work/keep" "$work/full/boot/"
  mv "$work/full/boot/keep" "$work/full/boot/0004f2000301-app.log"
  # Fill the disk, then free 150 kB: too little for either write below.
  head -c 150000 /dev/zero > "$work/full/room"
  head -c 2000000 /dev/zero > "$work/full/filler" 2>/dev/null
  rm -f "$work/full/room"
  ctl set boot.dir="$work/full/boot" >/dev/null && ctl server reload >/dev/null
  head -c 600000 /dev/urandom > "$work/600k"
  code=$(dcurl -T "$work/600k" -o "$work/resp" -w '%{http_code}' "$http_url/0004f2000301-app.log")
  ok $([ "$code" = 507 ] && cmp -s "$work/full/boot/0004f2000301-app.log" "$work/keep"; echo $?) \
    "tmpfs full during an upload: 507 ($code), previous file unchanged"
  diag "response: $(head -c 200 "$work/resp")"
  left=$(find "$work/full/boot" -name '.*' | wc -l)
  ok $(is "$left" 0) "… no temporary left on the full disk ($left)"
  code=$(dcurl -o /dev/null -w '%{http_code}' "$http_url/sip.cfg")
  ok $(is "$code" 200) "… and files on the full disk are still served ($code)"
  # Export onto the full disk.
  code=0
  ctl bundle export --without-key "$work/full/site.ppbundle" > "$work/export.out" 2>&1 || code=$?
  ok $([ "$code" != 0 ] && [ ! -e "$work/full/site.ppbundle" ]; echo $?) \
    "bundle export onto a full disk fails (exit $code) and leaves no partial bundle"
  diag "export said: $(head -c 200 "$work/export.out")"
  ok $(grep -qi 'not enough space' "$work/export.out" && ! grep -q 'changed while' "$work/export.out"; echo $?) \
    "… and the error names the cause (not enough space)"
  ok $(find "$work/full" -maxdepth 1 -name '*ppbundle*' | grep -q .; [ $? != 0 ]; echo $?) "… and no temporary bundle on the disk"
  ctl set boot.dir=boot >/dev/null && ctl server reload >/dev/null
  umount "$work/full"; extra_cleanup=
else
  skip "tmpfs disk-full cases need root (RLIMIT_FSIZE cases above ran)"
fi

# --- export under RLIMIT_FSIZE (works unprivileged) ------------------------
head -c 100 /dev/urandom > "$work/old.ppbundle"
cp "$work/old.ppbundle" "$work/old.copy"
code=0
prlimit --fsize=50000 -- "$PHONEPROVCTL" --site "$site" bundle export --without-key "$work/old.ppbundle" > "$work/export.out" 2>&1 || code=$?
ok $([ "$code" != 0 ] && cmp -s "$work/old.ppbundle" "$work/old.copy"; echo $?) \
  "bundle export hitting RLIMIT_FSIZE fails (exit $code) and the existing file is unchanged"
diag "export said: $(head -c 200 "$work/export.out")"
ok $([ "$code" -lt 128 ]; echo $?) "… with an error instead of death by SIGXFSZ (exit $code)"
ok $(grep -qi 'file size limit' "$work/export.out" && ! grep -q 'changed while' "$work/export.out"; echo $?) \
  "… and the error names the cause (file size limit)"
stray=$(find "$work" -maxdepth 1 -name '.old.ppbundle*' -o -maxdepth 1 -name 'old.ppbundle.*' | wc -l)
ok $(is "$stray" 0) "… and no temporary bundle is left ($stray)"

# --- unreadable and vanishing boot files ------------------------------------
mkfifo "$site/boot/fifo.cfg"
mkdir "$site/boot/dir.cfg"
ln -s "$site/boot/nowhere" "$site/boot/dangling.cfg"
ln -s dangling2.cfg "$site/boot/loop.cfg"; ln -s loop.cfg "$site/boot/dangling2.cfg"
for f in dir.cfg dangling.cfg loop.cfg; do
  code=$(dcurl --max-time 5 -o /dev/null -w '%{http_code}' "$http_url/$f")
  ok $(one_of "$code" 403 404) "GET of $f refused quickly ($code)"
done
# Last: open() of a FIFO blocks until a writer comes, and it runs on a
# worker's main loop.
code=$(dcurl --max-time 5 -o /dev/null -w '%{http_code}' "$http_url/fifo.cfg")
ok $(one_of "$code" 403 404) "GET of a FIFO in the boot directory refused quickly ($code)"
# Unblock the stuck worker, if any, so the rest can run.
( exec 3>"$site/boot/fifo.cfg" ) &
sleep 0.5
kill $! 2>/dev/null
echo private > "$site/boot/private.cfg"; chmod 000 "$site/boot/private.cfg"
if [ "$(id -u)" != 0 ]; then
  code=$(dcurl -o /dev/null -w '%{http_code}' "$http_url/private.cfg")
  ok $(one_of "$code" 403 404 500) "GET of a mode-000 file refused ($code)"
else
  skip "mode-000 file: root reads everything"
fi
code=$(dcurl -o /dev/null -w '%{http_code}' "$http_url/sip.cfg")
ok $([ "$code" = 200 ] && [ "$(daemon_alive)" = 0 ]; echo $?) "the daemon still serves after unreadable files ($code)"
# A file truncated while a phone downloads it over HTTPS (an admin's cp
# over the firmware): the daemon must survive (a file served from a mapping
# dies of SIGBUS here), and the phone must get a short body of the old
# version, never a mix of old and new.
head -c 50000000 /dev/urandom > "$site/boot/big.ld"
cp "$site/boot/big.ld" "$work/big.old"
pcurl phone1 --limit-rate 2M -o "$work/big.got" "$https_url/big.ld" &
cp=$!
sleep 2
: > "$site/boot/big.ld"
wait $cp
rc=$?
sleep 0.3
alive=$(daemon_alive)
ok $(is "$alive" 0) "a served file truncated during an HTTPS download: the daemon survives"
got=$(wc -c < "$work/big.got")
ok $([ "$rc" = 18 ] && [ "$got" -lt 50000000 ] && cmp -s -n "$got" "$work/big.got" "$work/big.old"; echo $?) \
  "… the download ends short (curl $rc after $got bytes), all of it the old version"
ok $(grep -q 'Stopped sending .*big.ld' "$daemon_log" && grep -q 'GET /big.ld 0 .* aborted' "$site/logs/access.log"; echo $?) \
  "… the daemon log says why and the access log marks the request aborted"
if [ "$alive" != 0 ]; then wait "$daemon_pid" 2>/dev/null; diag "daemon exit status $? (135 = SIGBUS)"; daemon_pid=; start_daemon; fi
# Rewritten in place with the same length (cat new > file): the ETag and
# length announced no longer hold, so the transfer must stop, not mix.
# (Larger than what loopback's socket buffers take in at once, ~20 MB.)
head -c 50000000 /dev/urandom > "$site/boot/big2.ld"
cp "$site/boot/big2.ld" "$work/big2.old"
head -c 50000000 /dev/urandom > "$work/big2.new"
dcurl --limit-rate 2M -o "$work/big2.got" "$http_url/big2.ld" &
cp=$!
sleep 2
cat "$work/big2.new" > "$site/boot/big2.ld"
wait $cp
rc=$?
got=$(wc -c < "$work/big2.got")
ok $([ "$rc" = 18 ] && cmp -s -n "$got" "$work/big2.got" "$work/big2.old"; echo $?) \
  "a file rewritten in place during an HTTP download: the download ends short (curl $rc, $got bytes), no mix"
code=$(dcurl -o "$work/big2.again" -w '%{http_code}' "$http_url/big2.ld")
ok $([ "$code" = 200 ] && cmp -s "$work/big2.again" "$work/big2.new"; echo $?) "… and the next download gets the new version ($code)"
ok $(! grep -q -e CRITICAL -e 'runtime error' -e AddressSanitizer "$daemon_log"; echo $?) "no CRITICAL or sanitizer report in the daemon log"
finish
