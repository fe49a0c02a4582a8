#!/bin/sh
# Generated Apache/nginx configurations and bundles against real engines
# (issue 6): the real apache2 and nginx, started on loopback ports with the
# configurations phoneprov generates, serve the phone simulator's boot
# (Apache: HTTP digest + HTTPS mutual TLS; nginx: the HTTPS part) and refuse
# phones without (trusted) certificates; a bundle exported and imported
# elsewhere serves the simulator identically with phoneprovd.
#
# Needs PHONEPROVCTL, PHONEPROVD, MAKE_PKI, optionally PHONESIM.
set -u
n=0
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/pp-engines-test.XXXXXX")
pids=
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
diag() { echo "# $*"; }
finish() { echo "1..$n"; [ "$failed" -eq 0 ]; exit $?; }
bail() { echo "Bail out! $*"; exit 1; }

for t in apache2 nginx curl certtool openssl; do
  command -v "$t" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
  command -v "$t" >/dev/null 2>&1 || { echo "1..0 # SKIP $t is not installed"; exit 0; }
done
[ -x "${PHONEPROVCTL:-}" ] || bail "PHONEPROVCTL is not set"
if [ -n "${PHONESIM:-}" ] && [ -x "$PHONESIM" ]; then have_sim=1; else have_sim=0; diag "phone simulator not built yet: its checks are skipped"; fi

# Unprivileged engines: as root, run them as nobody over files nobody owns
# (Apache refuses to serve as root; nginx workers would drop to nobody).
as_engine() { if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; else "$@"; fi; }
spawn_engine() { # log command…: starts it in the background, its pid in $last_pid
  log=$1; shift
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$@" > "$log" 2>&1 &
  else
    "$@" > "$log" 2>&1 &
  fi
  last_pid=$!   # setpriv execs the engine: this is the engine's pid
  pids="$pids $last_pid"
}
give_engine() { if [ "$(id -u)" -eq 0 ]; then chown -R nobody:nogroup "$@"; chmod 755 "$work"; fi; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { # port pid: bounded wait for a listener
  i=0
  while [ $i -lt 100 ]; do
    curl -s -o /dev/null -m 2 "http://127.0.0.1:$1/" 2>/dev/null
    [ $? -ne 7 ] && return 0   # 7: connection refused
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; pids=$(echo " $pids " | sed "s/ $1 / /"); }
wait_free() { # port: Apache's children may hold the socket a moment longer
  i=0
  while [ $i -lt 100 ]; do
    curl -s -o /dev/null -m 2 "http://127.0.0.1:$1/" 2>/dev/null
    [ $? -eq 7 ] && return 0
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
stop_engine() { stop "$1"; shift; for p in "$@"; do wait_free "$p"; done; }

# ---- a site with the look-alike Polycom PKI --------------------------------
pki=$work/pki
site=$work/site
"$MAKE_PKI" "$pki" >/dev/null 2>&1 || bail "could not create the test PKI"
ctl() { "$PHONEPROVCTL" --site "$site" "$@"; }
http_port=$(free_port); https_port=$(free_port); nginx_port=$(free_port)
ctl init >/dev/null || bail "phoneprovctl init failed"
ctl set http.address=127.0.0.1 https.address=127.0.0.1 http.port="$http_port" https.port="$https_port" \
  site.hostname=localhost || bail "phoneprovctl set failed"
ctl account add phone --password 'Secr3t-pass' >/dev/null
cp "$pki/server.key" "$pki/server.crt" "$site/pki/server/"
cat "$pki/server.crt" "$pki/siteca.crt" > "$site/pki/server/chain.pem"
cp "$pki/root.crt" "$site/pki/trust/root.pem"
cp "$pki/policy.crt" "$site/pki/trust/policy.pem"
cp "$pki/issuing.crt" "$site/pki/trust/issuing.pem"
cp "$pki/issuing.crl" "$site/pki/trust/issuing.crl"
boot=$site/boot
cat > "$boot/000000000000.cfg" <<'CFG'
<?xml version="1.0" standalone="yes"?>
<APPLICATION APP_FILE_PATH="sip.ld" CONFIG_FILES="phone1.cfg, sip.cfg" MISC_FILES="" LOG_FILE_DIRECTORY="" OVERRIDES_DIRECTORY="" CONTACTS_DIRECTORY="" LICENSE_DIRECTORY=""/>
CFG
echo '<?xml version="1.0"?><sip/>' > "$boot/sip.cfg"
echo '<?xml version="1.0"?><phone1/>' > "$boot/phone1.cfg"
head -c 300000 /dev/urandom > "$boot/sip.ld"
echo '<?xml version="1.0"?><directory/>' > "$boot/000000000000-directory.xml"

cacert=$pki/siteca.crt
dcurl() { curl -s -g --digest -u 'phone:Secr3t-pass' "$@"; }
mcurl() { curl -s -g --cacert "$cacert" --cert "$pki/phone1.crt" --key "$pki/phone1.key" "$@"; }
sim() { # extra phonesim args; prints "method path status bytes" per step
  "$PHONESIM" --cacert "$cacert" --cert "$pki/phone1.crt" --key "$pki/phone1.key" --user phone \
    --password 'Secr3t-pass' --mac 0004f2000001 "$@" > "$work/sim.out" 2>&1
  rc=$?
  sed -n 's#^\(not ok\|ok\) [0-9]* \([A-Z]*\) [a-z]*://[^/]*\(/[^ ]*\) \([0-9]*\) \([0-9]*\) .*#\1 \2 \3 \4 \5#p' "$work/sim.out"
  return $rc
}

# Checks shared by Apache and nginx on an HTTPS port.
check_https() { # engine port
  u=https://127.0.0.1:$2
  body=$(mcurl "$u/sip.cfg")
  ok $([ "$body" = '<?xml version="1.0"?><sip/>' ]; echo $?) "$1: a phone with a trusted device certificate gets sip.cfg"
  code=$(curl -s -g --cacert "$cacert" -o /dev/null -w '%{http_code}' "$u/sip.cfg")
  case "$code" in 000|400|403) r=0 ;; *) r=1 ;; esac
  ok $r "$1: a phone without a certificate is refused ($code)"
  code=$(curl -s -g --cacert "$cacert" --cert "$pki/untrusted.crt" --key "$pki/untrusted.key" -o /dev/null -w '%{http_code}' "$u/sip.cfg")
  case "$code" in 000|400|403) r=0 ;; *) r=1 ;; esac
  ok $r "$1: a phone whose certificate chains to another root is refused ($code)"
  echo "app log from $1" > "$work/upload.txt"
  code=$(mcurl -T "$work/upload.txt" -o /dev/null -w '%{http_code}' "$u/0004f2000001-app.log")
  ok $(case "$code" in 200|201|204) echo 0 ;; *) echo 1 ;; esac) "$1: PUT of <MAC>-app.log is accepted ($code)"
  ok $(cmp -s "$work/upload.txt" "$boot/0004f2000001-app.log"; echo $?) "$1: the upload landed in the boot folder"
  code=$(mcurl -T "$work/upload.txt" -o /dev/null -w '%{http_code}' "$u/sip.ld")
  ok $([ "$code" = 403 ] || [ "$code" = 405 ]; echo $?) "$1: PUT outside the upload patterns is refused ($code)"
  code=$(mcurl -X DELETE -o /dev/null -w '%{http_code}' "$u/0004f2000001-app.log")
  ok $([ "$code" = 403 ] || [ "$code" = 405 ]; echo $?) "$1: DELETE is refused ($code)"
  if [ $have_sim -eq 1 ]; then
    sim --sequence app --https "$u" >/dev/null
    ok $? "$1: the phone simulator's application sequence passes over mutual TLS"
    grep -v '^ok' "$work/sim.out" | sed 's/^/# /'
    sim --sequence app --https "$u" --tls-max 1.0 --ciphers "$uc4" >/dev/null
    ok $? "$1: an old phone (TLS 1.0, UC Software 4.0 cipher list) passes with the compatible profile"
  else
    skip "$1: phone simulator not built"
  fi
}
# What UC Software 4.0.x phones offer (DESIGN.md §5).
uc4='ALL:!aNULL:!eNULL:!DSS:!SEED:!ECDSA:!IDEA:!MEDIUM:!LOW:!EXP:!DH:!AECDH:!PSK:!SRP:!MD5:!RC4:@SECLEVEL=0'


# ---- Apache, both sites, from "phoneprovctl export apache" ---------------
apache_dir=$work/apache
ctl export apache "$apache_dir" >/dev/null
ok $? "phoneprovctl export apache writes a configuration"
give_engine "$site" "$apache_dir"
out=$(as_engine apache2 -t -f "$apache_dir/httpd.conf" 2>&1)
ok $? "apache2 -t accepts it: $(echo "$out" | tr '\n' ' ')"
spawn_engine "$work/apache.out" apache2 -f "$apache_dir/httpd.conf" -DFOREGROUND
apid=$last_pid
if wait_port "$http_port" "$apid" && wait_port "$https_port" "$apid"; then
  u=http://127.0.0.1:$http_port
  code=$(curl -s -o /dev/null -w '%{http_code}' "$u/sip.cfg")
  ok $([ "$code" = 401 ]; echo $?) "apache HTTP: anonymous GET is challenged ($code)"
  hdr=$(curl -s -D - -o /dev/null "$u/sip.cfg" | tr -d '\r' | grep -i '^WWW-Authenticate')
  echo "$hdr" | grep -q 'realm="phoneprov"' && echo "$hdr" | grep -qi 'qop="auth"'
  ok $? "apache HTTP: the digest challenge has the site's realm and qop=auth"
  body=$(dcurl "$u/sip.cfg")
  ok $([ "$body" = '<?xml version="1.0"?><sip/>' ]; echo $?) "apache HTTP: the phone account (same htdigest file) gets sip.cfg"
  code=$(curl -s -o /dev/null -w '%{http_code}' --digest -u phone:wrong "$u/sip.cfg")
  ok $([ "$code" = 401 ]; echo $?) "apache HTTP: a wrong password is refused ($code)"
  code=$(dcurl -T "$work/pki/root.crt" -o /dev/null -w '%{http_code}' "$u/0004f2000001-boot.log")
  ok $(case "$code" in 200|201|204) echo 0 ;; *) echo 1 ;; esac) "apache HTTP: PUT of <MAC>-boot.log is accepted ($code)"
  code=$(dcurl -T "$work/pki/root.crt" -o /dev/null -w '%{http_code}' "$u/000000000000.cfg")
  ok $([ "$code" = 403 ] || [ "$code" = 405 ]; echo $?) "apache HTTP: PUT over the master configuration is refused ($code)"
  if [ $have_sim -eq 1 ]; then
    sim --sequence boot --http "$u" > "$work/apache-boot.txt"
    ok $? "apache HTTP: the phone simulator's bootROM sequence passes (digest)"
    grep -v '^ok' "$work/sim.out" | sed 's/^/# /'
  else
    skip "apache HTTP: phone simulator not built"
  fi
  check_https apache "$https_port"
  code=$(curl -s -g --cacert "$cacert" --cert "$pki/revoked.crt" --key "$pki/revoked.key" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$https_port/sip.cfg")
  case "$code" in 000|400|403) r=0 ;; *) r=1 ;; esac
  ok $r "apache: a phone whose certificate the issuing CA revoked is refused ($code)"
else
  ok 1 "apache started: $(cat "$work/apache.out" "$site/logs/apache-error.log" 2>/dev/null | tail -5 | tr '\n' ' ')"
fi
stop_engine "$apid" "$http_port" "$https_port"

# ---- nginx, the HTTPS site, from "phoneprovctl export nginx" -------------
nginx_dir=$work/nginx
ctl set https.port="$nginx_port"
ctl export nginx "$nginx_dir" >/dev/null
ok $? "phoneprovctl export nginx writes a configuration"
grep -q 'ssl_verify_client on;' "$nginx_dir/phoneprov-https.conf" && grep -q 'dav_methods PUT;' "$nginx_dir/phoneprov-https.conf"
ok $? "nginx configuration requires client certificates and limits PUT to the upload patterns"
! grep -q '^ *ssl_crl' "$nginx_dir/phoneprov-https.conf" && grep -q 'CRLs are not used here' "$nginx_dir/phoneprov-https.conf"
ok $? "nginx gets no partial CRL set (it would refuse every phone), and says so"
give_engine "$site" "$nginx_dir"
out=$(as_engine nginx -t -c "$nginx_dir/nginx.conf" 2>&1)
ok $? "nginx -t accepts it: $(echo "$out" | tr '\n' ' ')"
spawn_engine "$work/nginx.out" nginx -c "$nginx_dir/nginx.conf" -g 'daemon off;'
npid=$last_pid
if wait_port "$nginx_port" "$npid"; then
  check_https nginx "$nginx_port"
else
  ok 1 "nginx started: $(tail -5 "$work/nginx.out" | tr '\n' ' ')"
fi
stop_engine "$npid" "$nginx_port" "$https_port"
ctl set https.port="$https_port"

# ---- https.bind-mac: each phone only its own <MAC> files, like phoneprovd --
bind_checks() { # engine port
  u=https://127.0.0.1:$2
  got=""
  for f in 0004f2000001-phone.cfg 0004f2000002-phone.cfg 000000000000.cfg sip.cfg; do
    got="$got $(mcurl -o /dev/null -w '%{http_code}' "$u/$f")"
  done
  for f in 0004f2000001-app.log 0004f2000002-app.log x-app.log; do
    c=$(mcurl -T "$work/upload.txt" -o /dev/null -w '%{http_code}' "$u/$f")
    case "$c" in 200|201|204) c=put-ok ;; esac   # created or replaced
    got="$got $c"
  done
  want=" 200 403 200 200 put-ok 403 403"
  ok $([ "$got" = "$want" ]; echo $?) "$1 with https.bind-mac: own files yes, another phone's no, shared files read-only (got$got)"
}
echo mine > "$boot/0004f2000001-phone.cfg"
echo theirs > "$boot/0004f2000002-phone.cfg"
ctl set https.bind-mac=true
ctl export apache "$work/apache-bind" >/dev/null && ctl export nginx "$work/nginx-bind" >/dev/null
give_engine "$site" "$work/apache-bind" "$work/nginx-bind"
spawn_engine "$work/apache-bind.out" apache2 -f "$work/apache-bind/httpd.conf" -DFOREGROUND
apid=$last_pid
if wait_port "$https_port" "$apid"; then bind_checks apache "$https_port"; else ok 1 "apache started with bind-mac"; fi
stop_engine "$apid" "$http_port" "$https_port"
spawn_engine "$work/nginx-bind.out" nginx -c "$work/nginx-bind/nginx.conf" -g 'daemon off;'
npid=$last_pid
if wait_port "$https_port" "$npid"; then bind_checks nginx "$https_port"; else ok 1 "nginx started with bind-mac"; fi
stop_engine "$npid" "$https_port"
if [ -x "${PHONEPROVD:-}" ]; then
  "$PHONEPROVD" --site "$site" > "$work/daemon.log" 2>&1 &
  dpid=$!; pids="$pids $dpid"
  if wait_port "$https_port" "$dpid" && kill -0 "$dpid"; then bind_checks phoneprovd "$https_port"; else skip "phoneprovd with bind-mac did not start"; fi
  stop_engine "$dpid" "$http_port" "$https_port"
fi
rm -f "$boot/0004f2000001-phone.cfg" "$boot/0004f2000002-phone.cfg" "$boot/"*.log
ctl set https.bind-mac=false

# ---- https.profile=modern: TLS 1.2+ only, on both engines -----------------
if [ $have_sim -eq 1 ]; then
  ctl set https.profile=modern
  ctl export apache "$work/apache-modern" >/dev/null && ctl export nginx "$work/nginx-modern" >/dev/null
  give_engine "$site" "$work/apache-modern" "$work/nginx-modern"
  for engine in apache nginx; do
    if [ $engine = apache ]; then
      spawn_engine "$work/modern.out" apache2 -f "$work/apache-modern/httpd.conf" -DFOREGROUND
    else
      spawn_engine "$work/modern.out" nginx -c "$work/nginx-modern/nginx.conf" -g 'daemon off;'
    fi
    epid=$last_pid
    if wait_port "$https_port" "$epid"; then
      sim --sequence app --https "https://127.0.0.1:$https_port" --tls-max 1.0 --ciphers "$uc4" >/dev/null
      old_rc=$?
      sim --sequence app --https "https://127.0.0.1:$https_port" >/dev/null
      new_rc=$?
      ok $([ $old_rc -ne 0 ] && [ $new_rc -eq 0 ]; echo $?) "$engine with the modern profile refuses TLS 1.0 and serves TLS 1.2+"
    else
      ok 1 "$engine started with the modern profile: $(tail -3 "$work/modern.out" | tr '\n' ' ')"
    fi
    stop_engine "$epid" "$http_port" "$https_port"
  done
  rm -f "$boot/"*.log "$boot/0004f2000001-"*
  ctl set https.profile=compatible
fi

# ---- a bundle, extracted with plain tar: relative configurations ---------
printf 'bundle pass phrase\n' > "$work/pass"
ctl bundle export "$work/site.tar.gz" --passphrase-file "$work/pass" > "$work/export.out"
ok $? "bundle export with the keys as PKCS#12"
tar tzf "$work/site.tar.gz" > "$work/members"
head -1 "$work/members" | grep -qx manifest.json && grep -qx README.md "$work/members" \
  && grep -qx engines/apache/httpd.conf "$work/members" && grep -qx engines/nginx/nginx.conf "$work/members" \
  && ! grep -q '\.key$' "$work/members" && ! grep -q '^logs/' "$work/members"
ok $? "the bundle starts with manifest.json, carries README.md and both engines, no raw keys, no logs"
raw=$work/raw
mkdir -p "$raw/logs" "$raw/run"
tar xzf "$work/site.tar.gz" -C "$raw"
openssl pkcs12 -in "$raw/pki/server/server.p12" -passin file:"$work/pass" -nocerts -noenc \
  -out "$raw/pki/server/server.key" 2>/dev/null
ok $? "openssl opens the bundle's server.p12 with the passphrase"
give_engine "$raw"
spawn_engine "$work/apache2.out" apache2 -d "$raw" -f engines/apache/httpd.conf -DFOREGROUND
apid=$last_pid
if wait_port "$https_port" "$apid"; then
  body=$(dcurl "http://127.0.0.1:$http_port/sip.cfg")
  ok $([ "$body" = '<?xml version="1.0"?><sip/>' ]; echo $?) "apache runs the extracted bundle's relative configuration (digest)"
  body=$(mcurl "https://127.0.0.1:$https_port/phone1.cfg")
  ok $([ "$body" = '<?xml version="1.0"?><phone1/>' ]; echo $?) "… and its HTTPS site (mutual TLS)"
else
  ok 1 "apache started from the extracted bundle: $(tail -5 "$work/apache2.out" "$raw/logs/apache-error.log" 2>/dev/null | tr '\n' ' ')"
fi
stop_engine "$apid" "$http_port" "$https_port"
spawn_engine "$work/nginx2.out" nginx -p "$raw/" -c engines/nginx/nginx.conf -g 'daemon off;'
npid=$last_pid
if wait_port "$https_port" "$npid"; then
  body=$(mcurl "https://127.0.0.1:$https_port/phone1.cfg")
  ok $([ "$body" = '<?xml version="1.0"?><phone1/>' ]; echo $?) "nginx runs the extracted bundle's relative configuration"
else
  ok 1 "nginx started from the extracted bundle: $(tail -5 "$work/nginx2.out" | tr '\n' ' ')"
fi
stop_engine "$npid" "$nginx_port" "$https_port"

# ---- import elsewhere: verified, keys back, engines for the new place ------
imported=$work/imported
"$PHONEPROVCTL" --site "$imported" bundle import "$work/site.tar.gz" --passphrase-file "$work/pass" > "$work/import.out" 2>&1
ok $? "bundle import into a new folder: $(head -1 "$work/import.out")"
openssl pkey -in "$site/pki/server/server.key" -pubout > "$work/pub1" 2>/dev/null
openssl pkey -in "$imported/pki/server/server.key" -pubout > "$work/pub2" 2>/dev/null
[ -s "$work/pub1" ] && cmp -s "$work/pub1" "$work/pub2" && [ "$(stat -c %a "$imported/pki/server/server.key")" = 600 ]
ok $? "the server key is back (same key), mode 0600"
grep -q "AuthUserFile \"$imported/auth/htdigest\"" "$imported/engines/apache/phoneprov-sites.conf"
ok $? "the imported site's Apache configuration points at the new place"
give_engine "$imported"
spawn_engine "$work/apache3.out" apache2 -f "$imported/engines/apache/httpd.conf" -DFOREGROUND
apid=$last_pid
if wait_port "$https_port" "$apid"; then
  if [ $have_sim -eq 1 ]; then
    sim --http "http://127.0.0.1:$http_port" --https "https://127.0.0.1:$https_port" >/dev/null
    ok $? "apache on the imported site passes the phone simulator (boot and application)"
  else
    body=$(mcurl "https://127.0.0.1:$https_port/phone1.cfg")
    ok $([ "$body" = '<?xml version="1.0"?><phone1/>' ]; echo $?) "apache serves the imported site"
  fi
else
  ok 1 "apache started on the imported site: $(tail -5 "$work/apache3.out" | tr '\n' ' ')"
fi
stop_engine "$apid" "$http_port" "$https_port"

# ---- phoneprovd serves the original and the imported site identically ----
daemon_run() { # site -> phonesim transcript in $work/<name>.sim
  "$PHONEPROVD" --site "$1" > "$work/daemon.log" 2>&1 &
  dpid=$!; pids="$pids $dpid"
  if ! wait_port "$https_port" "$dpid" || ! kill -0 "$dpid"; then stop "$dpid"; return 1; fi
  sim --http "http://127.0.0.1:$http_port" --https "https://127.0.0.1:$https_port" > "$2"
  rc=$?
  stop_engine "$dpid" "$http_port" "$https_port"
  return $rc
}
# Phone uploads from the engine runs above would change HEAD/PUT statuses.
rm -f "$imported/boot/"*.log "$site/boot/"*.log "$imported/boot/0004f2000001-"* "$site/boot/0004f2000001-"*
if [ $have_sim -eq 0 ] || [ ! -x "${PHONEPROVD:-}" ]; then
  skip "phoneprovd round trip: phone simulator or phoneprovd not built"
elif ! daemon_run "$site" "$work/original.sim"; then
  skip "phoneprovd round trip: phoneprovd does not serve this site yet ($(tail -2 "$work/daemon.log" | tr '\n' ' '))"
else
  daemon_run "$imported" "$work/imported.sim"
  rc=$?
  ok $([ $rc -eq 0 ] && [ -s "$work/original.sim" ] && diff "$work/original.sim" "$work/imported.sim" >&2; echo $?) \
    "phoneprovd serves the imported site to the phone simulator identically ($(wc -l < "$work/imported.sim") steps)"
fi

# ---- a site made by phoneprovctl's PKI, RSA + ECDSA identities -------------
ec=$work/ec-site
ectl() { "$PHONEPROVCTL" --site "$ec" "$@"; }
if ectl init >/dev/null && ectl set http.address=127.0.0.1 https.address=127.0.0.1 http.port="$http_port" https.port="$https_port" \
   && ectl ca init --cn "Engines test CA" </dev/null >/dev/null && ectl csr new --cn localhost --ip 127.0.0.1 --ecdsa >/dev/null \
   && ectl ca sign </dev/null >/dev/null 2>&1; then
  cp "$pki/root.crt" "$pki/policy.crt" "$pki/issuing.crt" "$ec/pki/trust/"
  ectl export apache "$work/ec-apache" >/dev/null && ectl export nginx "$work/ec-nginx" >/dev/null
  give_engine "$ec" "$work/ec-apache" "$work/ec-nginx"
  for engine in apache nginx; do
    if [ $engine = apache ]; then
      spawn_engine "$work/ec.out" apache2 -f "$work/ec-apache/httpd.conf" -DFOREGROUND
    else
      spawn_engine "$work/ec.out" nginx -c "$work/ec-nginx/nginx.conf" -g 'daemon off;'
    fi
    epid=$last_pid
    if wait_port "$https_port" "$epid"; then
      got=""
      for c in ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-RSA-AES128-GCM-SHA256; do
        got="$got $(curl -s --cacert "$ec/pki/ca/ca.crt" --cert "$pki/phone1.crt" --key "$pki/phone1.key" --tls-max 1.2 \
                      --ciphers "$c" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$https_port/000000000000.cfg")"
      done
      ok $([ "$got" = " 404 404" ]; echo $?) "$engine offers the ECDSA identity beside RSA, each chosen per client (got$got)"
    else
      ok 1 "$engine started with RSA + ECDSA identities: $(tail -3 "$work/ec.out" | tr '\n' ' ')"
    fi
    stop_engine "$epid" "$http_port" "$https_port"
  done
else
  skip "RSA + ECDSA identities: phoneprovctl ca/csr commands failed"
fi

# ---- phoneprovd --bundle: a private runtime copy, gone after stop ----------
if [ $have_sim -eq 0 ] || [ ! -x "${PHONEPROVD:-}" ] || [ ! -s "$work/original.sim" ]; then
  skip "phoneprovd --bundle: phone simulator, phoneprovd or the original transcript missing"
else
  rm -f "$site/boot/"*.log "$site/boot/0004f2000001-"*
  ctl bundle export "$work/again.tar.gz" --passphrase-file "$work/pass" > /dev/null
  mkdir -m 700 "$work/xdg"
  XDG_RUNTIME_DIR=$work/xdg "$PHONEPROVD" --bundle "$work/again.tar.gz" --passphrase-file "$work/pass" > "$work/daemon.log" 2>&1 &
  dpid=$!; pids="$pids $dpid"
  if wait_port "$https_port" "$dpid" && kill -0 "$dpid"; then
    runtime=$(ls -d "$work/xdg/phoneprov/bundle-"*/site 2>/dev/null)
    ok $([ -n "$runtime" ] && [ "$(stat -c %a "$runtime")" = 700 ]; echo $?) "phoneprovd --bundle runs from a private runtime folder ($runtime)"
    sim --http "http://127.0.0.1:$http_port" --https "https://127.0.0.1:$https_port" > "$work/bundle.sim"
    rc=$?
    ok $([ $rc -eq 0 ] && diff "$work/original.sim" "$work/bundle.sim" >&2; echo $?) \
      "phoneprovd --bundle serves the phone simulator like the original site"
    stop_engine "$dpid" "$http_port" "$https_port"
    ok $([ -z "$(ls -A "$work/xdg/phoneprov" 2>/dev/null)" ]; echo $?) "the runtime copy is removed when phoneprovd stops"
  else
    ok 1 "phoneprovd --bundle started: $(tail -3 "$work/daemon.log" | tr '\n' ' ')"
  fi
  XDG_RUNTIME_DIR=$work/xdg "$PHONEPROVD" --bundle "$work/again.tar.gz" --passphrase-file "$work/pki/root.crt" > "$work/daemon.log" 2>&1
  rc=$?
  ok $([ $rc -ne 0 ] && grep -q 'passphrase' "$work/daemon.log" && [ -z "$(ls -A "$work/xdg/phoneprov" 2>/dev/null)" ]; echo $?) \
    "phoneprovd --bundle with a wrong passphrase stops with a clear message and leaves nothing behind"
fi

finish
