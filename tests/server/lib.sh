# Shared helpers for the server integration tests (POSIX sh, TAP output).
# Needs PHONEPROVD, PHONEPROVCTL, PHONESIM, MAKE_PKI from the test environment.
set -u
n=0
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/pp-server-test.XXXXXX")
site=$work/site
pki=$work/pki
daemon_pid=
daemon_log=$work/daemon.log

cleanup() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ok() { # condition-exit-status description
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
diag() { echo "# $*"; }
finish() { echo "1..$n"; [ "$failed" -eq 0 ]; exit $?; }

ctl() { "$PHONEPROVCTL" --site "$site" "$@"; }

# A site with the look-alike PKI, one phone account and boot files.
setup_site() {
  "$MAKE_PKI" "$pki" || { echo "Bail out! could not create the test PKI"; exit 1; }
  ctl init >/dev/null || { echo "Bail out! phoneprovctl init failed"; exit 1; }
  ctl set http.port=0 https.port=0 http.address=127.0.0.1 https.address=127.0.0.1 server.workers=2
  ctl account add phone --password 'Secr3t-pass' >/dev/null
  cp "$pki/server.key" "$pki/server.crt" "$site/pki/server/"
  cp "$pki/siteca.crt" "$site/pki/server/chain.pem"
  cp "$pki/root.crt" "$pki/policy.crt" "$pki/issuing.crt" "$pki/issuing.crl" "$site/pki/trust/"
  boot=$site/boot
  cat > "$boot/000000000000.cfg" <<'CFG'
<?xml version="1.0" standalone="yes"?>
<APPLICATION APP_FILE_PATH="sip.ld" CONFIG_FILES="phone1.cfg, sip.cfg" MISC_FILES="" LOG_FILE_DIRECTORY="" OVERRIDES_DIRECTORY="" CONTACTS_DIRECTORY="" LICENSE_DIRECTORY=""/>
CFG
  echo '<?xml version="1.0"?><sip/>' > "$boot/sip.cfg"
  echo '<?xml version="1.0"?><phone1/>' > "$boot/phone1.cfg"
  head -c 300000 /dev/urandom > "$boot/sip.ld"
  echo '<?xml version="1.0"?><directory/>' > "$boot/000000000000-directory.xml"
}

# Starts phoneprovd and sets $http_url, $https_url (bounded wait).
start_daemon() {
  "$PHONEPROVD" --site "$site" > "$daemon_log" 2>&1 &
  daemon_pid=$!
  i=0
  while [ $i -lt 100 ]; do
    if [ -S "$site/run/control.sock" ] && status=$(ctl server status --json 2>/dev/null); then
      http_url=$(printf '%s' "$status" | sed -n 's/.*"url" : "\(http:[^"]*\)".*/\1/p')
      https_url=$(printf '%s' "$status" | sed -n 's/.*"url" : "\(https:[^"]*\)".*/\1/p')
      return 0
    fi
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  echo "Bail out! phoneprovd did not start: $(cat "$daemon_log")"
  exit 1
}

stop_daemon() {
  kill "$daemon_pid" 2>/dev/null
  wait "$daemon_pid" 2>/dev/null
  daemon_pid=
}

# The events so far, one JSON object per line.
events() { ctl server events; }

# logs/access.log and events.jsonl are written through a buffer that goes
# out each second: wait (bounded) until events.jsonl holds the newest event.
logs_flushed() {
  last=$(ctl server events 2>/dev/null | tail -1 | sed -n 's/.*"seq":\([0-9]*\).*/\1/p')
  i=0
  while [ -n "$last" ] && [ $i -lt 50 ] && ! grep -q "\"seq\":$last[,}]" "$site/logs/events.jsonl" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
  done
}

# curl with the phone account over digest.
dcurl() { curl -s -g -m 60 --digest -u 'phone:Secr3t-pass' "$@"; }

# Sockets of the daemon a client has closed but the daemon has not (the
# libsoup 3.2 keep-alive leak, see src/server/pp-hangup.h). Waits a moment,
# since the daemon closes them from its main loop.
close_wait_count() {
  i=0
  while [ $i -lt 20 ]; do
    c=$(ss -tanp 2>/dev/null | grep "pid=$daemon_pid," | grep -c CLOSE-WAIT)
    [ "$c" = 0 ] && break
    i=$((i + 1)); sleep 0.1
  done
  echo "$c"
}
