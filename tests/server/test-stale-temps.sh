#!/bin/sh
# Temporaries of atomic writes to the site itself (site.conf, pki/**,
# auth/**) that a crash left: phoneprovd removes them at start, and so does
# every phoneprovctl command that writes the site. Only unlocked files named
# like ours (".NAME.XXXXXX"), last written before the start; never through a
# link, never outside the site, never anything else.
. "${SERVER_TEST_LIB:-$(dirname "$0")/lib.sh}"

setup_site
ctl ca init --cn "Stale Temps CA" --key-type ecdsa-p256 >/dev/null || { echo "Bail out! ca init failed"; exit 1; }
holders=
cleanup_holders() { for p in $holders; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; holders=; }
trap 'cleanup_holders; cleanup' EXIT INT TERM

# A writer that holds FILE's lock as an atomic write does (the lock on the
# open file, kept by the process that exec()s sleep); waits until it holds.
hold() {
  sh -c 'exec 9>>"$1"; flock 9; exec sleep 60' sh "$1" &
  holders="$holders $!"
  last_holder=$!
  i=0
  while [ $i -lt 50 ] && flock -n "$1" true; do sleep 0.1; i=$((i + 1)); done
}
old() { : > "$1"; touch -d '-2 minutes' "$1"; }
snapshot() {
  (cd "$site" && find site.conf pki auth -type f ! -name '.*' -print0 | sort -z | xargs -0 sha256sum)
}

mkdir -p "$work/outside" "$site/logs"
echo secret > "$work/outside/target"
old "$work/outside/.target.AbC123"

# Leftovers of crashed writes: these go.
old "$site/.site.conf.Xk3v9Q"
old "$site/pki/ca/.ca.key.Qw12Er"
old "$site/pki/trust/.anchor.pem.Zz9yY8"
old "$site/auth/.htdigest.Pp0oO9"
# A writer killed with -9 while it held its temporary: its lock is gone.
old "$site/pki/server/.server.key.Kil9Ab"
hold "$site/pki/server/.server.key.Kil9Ab"
kill -9 "$last_holder"; wait "$last_holder" 2>/dev/null
# A write in progress in a live process: stays.
old "$site/.site.conf.Lck123"
hold "$site/.site.conf.Lck123"
lock_holder=$last_holder
# Not ours or not stale: these stay.
: > "$site/.site.conf.Fresh1"; touch -d '+1 hour' "$site/.site.conf.Fresh1"   # written after the start
old "$site/.site.conf.ab"          # not six characters of mkstemp
old "$site/.keep"
old "$site/notes.txt.AbC123"       # not hidden
old "$site/logs/.access.log.AbC123" # not a folder the site writes atomically
mkdir "$site/pki/.dir.AbC123"      # a folder of that shape
ln -s "$work/outside/target" "$site/pki/.link.AbC123"
ln -s "$work/outside" "$site/pki/linked"   # a link out of the site: not entered
before=$(snapshot)

start_daemon
gone() { [ ! -e "$1" ] && [ ! -L "$1" ]; }
there() { [ -e "$1" ] || [ -L "$1" ]; }
all_gone=0
for f in .site.conf.Xk3v9Q pki/ca/.ca.key.Qw12Er pki/trust/.anchor.pem.Zz9yY8 auth/.htdigest.Pp0oO9 \
  pki/server/.server.key.Kil9Ab; do
  gone "$site/$f" || { diag "still there: $f"; all_gone=1; }
done
ok $all_gone "phoneprovd removed the 5 unlocked stale temporaries (top, pki/ca, pki/trust, auth, one whose writer was killed -9)"
all_there=0
for f in .site.conf.Lck123 .site.conf.Fresh1 .site.conf.ab .keep notes.txt.AbC123 logs/.access.log.AbC123 \
  pki/.dir.AbC123 pki/.link.AbC123 pki/linked; do
  there "$site/$f" || { diag "removed: $f"; all_there=1; }
done
ok $all_there "the locked one, a fresh one, other names, logs/, a folder, links stay"
there "$work/outside/.target.AbC123" && [ "$(cat "$work/outside/target")" = secret ]
ok $? "nothing outside the site was touched (a link out of pki/ is not followed)"
[ "$(snapshot)" = "$before" ]
ok $? "site.conf, keys, certificates and accounts are unchanged"
grep -q "Removed 5 interrupted temporary files from the site directory" "$daemon_log" \
  && grep -q "Removed “$site/pki/ca/.ca.key.Qw12Er”, the temporary file" "$daemon_log"
ok $? "the daemon log names each removal and the count"
stop_daemon

# phoneprovctl: a command that only reads leaves them; one that writes the
# site removes them first, still not the locked one.
old "$site/.site.conf.Ctl456"
old "$site/pki/ca/.index.json.Ctl789"
ctl get http.port >/dev/null
there "$site/.site.conf.Ctl456" && there "$site/pki/ca/.index.json.Ctl789"
ok $? "phoneprovctl get (reads only) leaves them"
ctl set server.workers=1 2> "$work/set.err"
rc=$?
[ $rc -eq 0 ] && gone "$site/.site.conf.Ctl456" && gone "$site/pki/ca/.index.json.Ctl789" && there "$site/.site.conf.Lck123"
ok $? "phoneprovctl set removes them first, not the locked one"
grep -q "removed “$site/.site.conf.Ctl456”, the temporary file of a write to the site that was interrupted" "$work/set.err"
ok $? "and says so on stderr"
[ "$(ctl get server.workers)" = 1 ]
ok $? "the set itself was done"

kill "$lock_holder"; wait "$lock_holder" 2>/dev/null
ctl account add phone2 --password 'An0ther-pass' >/dev/null 2>&1
gone "$site/.site.conf.Lck123"
ok $? "once its writer is gone, the next writing command removes the formerly locked one"
finish
