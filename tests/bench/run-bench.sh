#!/bin/bash
# The boot-storm benchmark (issue 8): starts phoneprovd, nginx and Apache on
# loopback with the same certificates and boot files, runs every scenario
# against each in alternation, and prints medians, ratios and peak RSS.
#
#   tests/bench/run-bench.sh [options]
#     --build DIR        meson build dir configured with -Dbench=true (build-bench)
#     --work DIR         cache + scratch dir (default /dev/shm/phoneprov-bench)
#     --rounds N         alternations per scenario (default 3)
#     --modes "M …"      server key / resumption modes: ecdsa rsa ecdsa+resume
#                        rsa+resume (default "ecdsa rsa ecdsa+resume")
#     --scenarios "S …"  boot firmware keepalive (default all three)
#     --servers "S …"    phoneprovd nginx apache (default all three)
#     --phones N         boot-storm phones (2000); --concurrency C (200)
#     --device-key rsa   RSA-2048 device keys (default ecdsa; use fewer phones)
#     --tls-max 1.3      let phones use TLS 1.3 (default 1.2, like real phones)
#     --smoke            20 phones, one round, boot only, phoneprovd only
#     --out FILE         also write the raw results (TSV) here
#     --own-configs      nginx/Apache from engines.sh instead of phoneprovctl export
#     --nice N           run servers and load generator at this nice level (e.g. -5
#                        on a shared machine, so other work disturbs less)
#     --set "KEY=VALUE …"  extra site.conf settings for phoneprovd's site (e.g.
#                        server.workers=1), to compare its own settings
#
# Only loopback is used. Every server started here is stopped on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build-bench}
# tmpfs when there is one: other work on the machine then cannot stall the
# servers' file writes (uploads, logs) behind its disk I/O.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then work=${BENCH_WORK:-/dev/shm/phoneprov-bench}; else work=${BENCH_WORK:-/tmp/phoneprov-bench}; fi
rounds=3
modes="ecdsa rsa ecdsa+resume"
scenarios="boot firmware keepalive"
servers="phoneprovd nginx apache"
phones=2000
concurrency=200
device_key=ecdsa
tls_max=1.2
out=""
own_configs=0
nice_level=0
extra_set=""
port_base=${BENCH_PORT:-28440}
fw_phones=50
ka_phones=100
ka_requests=200
ka_concurrency=50

while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$(cd "$2" && pwd); shift ;;
    --work) work=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --modes) modes=$2; shift ;;
    --scenarios) scenarios=$2; shift ;;
    --servers) servers=$2; shift ;;
    --phones) phones=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --device-key) device_key=$2; shift ;;
    --tls-max) tls_max=$2; shift ;;
    --out) out=$2; shift ;;
    --own-configs) own_configs=1 ;;
    --nice) nice_level=$2; shift ;;
    --set) extra_set=$2; shift ;;
    --smoke) rounds=1; modes=ecdsa; scenarios=boot; servers=phoneprovd; phones=20
             concurrency=10; fw_phones=2; ka_phones=2 ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "run-bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

bench=$build/tests/bench/pp-bench
mkpki=$build/tests/bench/pp-bench-pki
phoneprovd=${PHONEPROVD:-$build/src/daemon/phoneprovd}
ctl=${PHONEPROVCTL:-$build/src/cli/phoneprovctl}
for f in "$bench" "$mkpki" "$ctl" "$phoneprovd"; do
  [ -x "$f" ] || { echo "run-bench.sh: $f is missing; build with meson setup build-bench -Dbench=true && ninja -C build-bench" >&2; exit 1; }
done

# shellcheck source=engines.sh
. "$here/engines.sh"

mkdir -p "$work"
work=$(cd "$work" && pwd)
pki=$work/pki
results=$work/results.tsv
: > "$results"

# ---- scheduling ---------------------------------------------------------------
# With sched_autogroup (Debian's default) CPU is shared fairly between
# sessions first, and nice only counts inside one. Each server and the load
# generator therefore run in a session of their own (setsid), all at the same
# autogroup nice: otherwise a server that calls setsid() itself (Apache does,
# even in the foreground) gets a whole share to itself while the others split
# one with the load generator.
# (An array, not a function: a function run with & would be a subshell
# whose PID is not the server's.)
in_group=(setsid sh -c 'echo "$0" > /proc/self/autogroup 2>/dev/null || true; exec nice -n "$0" "$@"')

# ---- processes: every server we start is recorded and stopped on exit ----
pids=()
cleanup () {
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  pids=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tree_pids () {
  local p=$1 c
  echo "$p"
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done
}

# CPU ticks of a process tree, including reaped children (cutime, cstime).
tree_ticks () {
  local total=0 p f
  for p in $(tree_pids "$1"); do
    f=$(sed 's/^.*) //' /proc/"$p"/stat 2>/dev/null) || continue
    set -- $f
    total=$((total + ${12} + ${13} + ${14} + ${15}))
  done
  echo "$total"
}

# Peak resident set of a process tree in KiB (sum of VmHWM: shared pages of
# several processes are counted once per process).
tree_hwm () {
  local total=0 p v
  for p in $(tree_pids "$1"); do
    v=$(awk '/^VmHWM:/ {print $2}' /proc/"$p"/status 2>/dev/null) || continue
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# Peak anonymous memory of a process tree in KiB, sampled every 0.2 s until
# $2 exists (bounded: one hour). VmHWM also counts mapped file pages once per
# mapping, so a server that maps a 40 MiB firmware file for 50 clients shows
# 2 GB there while using 40 MB of page cache; RssAnon is the memory a boot
# storm really costs.
sample_anon () {
  local max=0 cur p v
  for _ in $(seq 18000); do
    [ -e "$2" ] && break
    cur=0
    for p in $(tree_pids "$1"); do
      v=$(awk '/^RssAnon:/ {print $2}' /proc/"$p"/status 2>/dev/null) || true
      cur=$((cur + ${v:-0}))
    done
    [ "$cur" -gt "$max" ] && max=$cur
    sleep 0.2
  done
  echo "$max"
}

# ---- material: certificates, boot files (cached in $work) -----------------
n_devices=$(( phones > fw_phones ? phones : fw_phones ))
n_devices=$(( n_devices > ka_phones ? n_devices : ka_phones ))
"$mkpki" --out "$pki" --devices "$n_devices" --device-key "$device_key" | tail -1
devices=$pki/devices-$device_key
trust=$pki/vendor/trust.pem

boot_template=$work/boot-template
if [ ! -f "$boot_template/.complete-$n_devices" ]; then
  rm -rf "$boot_template"; mkdir -p "$boot_template"
  # The firmware a phone loads (40 MiB, incompressible like the real one).
  head -c $((40 * 1024 * 1024)) /dev/urandom > "$boot_template/3111-44500-001.sip.ld"
  printf 'APP_FILE_PATH="3111-44500-001.sip.ld" CONFIG_FILES="sip.cfg, phone1.cfg"\n' > "$boot_template/000000000000.cfg"
  for f in sip.cfg phone1.cfg 000000000000-license.cfg 000000000000-directory.xml; do
    { echo '<?xml version="1.0" standalone="yes"?>'; echo "<!-- $f -->"
      for i in $(seq 60); do echo "<item n=\"$i\" voIpProt.server.$i.address=\"pbx.example.com\" />"; done
    } > "$boot_template/$f"
  done
  echo "5.9.7.3480" > "$boot_template/sip.ver"
  # Per-phone overrides, as phones upload them from their menu.
  for c in "$devices"/*.crt; do
    mac=$(basename "$c" .crt)
    printf '<PHONE_CONFIG><OVERRIDES up.backlight.idleIntensity="1" /></PHONE_CONFIG>\n' > "$boot_template/$mac-phone.cfg"
  done
  touch "$boot_template/.complete-$n_devices"
fi

# ---- servers ---------------------------------------------------------------
port_of () { case $1 in phoneprovd) echo $port_base ;; nginx) echo $((port_base + 1)) ;; apache) echo $((port_base + 2)) ;; esac; }
declare -A server_pid
failed_runs=0

# The site every server is configured from: a phoneprovd site directory with
# the benchmark's certificates and boot files. nginx and Apache run the
# configurations `phoneprovctl export nginx|apache` generates from it (or,
# with --own-configs, the minimal ones of engines.sh).
make_site () {
  local site=$1 port=$2 keytype=$3
  "$ctl" --site "$site" init > /dev/null
  "$ctl" --site "$site" set http.enabled=false https.address=127.0.0.1 "https.port=$port" \
     https.client-certs=required https.profile=modern > /dev/null
  # shellcheck disable=SC2086  # a list of KEY=VALUE words
  [ -z "$extra_set" ] || "$ctl" --site "$site" set $extra_set > /dev/null
  rm -rf "$site/boot"; cp -a "$boot_template" "$site/boot"
  install -m 0600 "$pki/site/server-$keytype.key" "$site/pki/server/server.key"
  install -m 0644 "$pki/site/server-$keytype.crt" "$site/pki/server/server.crt"
  install -m 0644 "$pki/site/chain-$keytype.pem" "$site/pki/server/chain.pem"
  install -m 0644 "$pki/site/ca.crt" "$site/pki/ca/ca.crt"
  for c in root policy issuing; do install -m 0644 "$pki/vendor/$c.crt" "$site/pki/trust/$c.pem"; done
}

start_phoneprovd () {
  local d=$1
  "${in_group[@]}" "$nice_level" "$phoneprovd" --site "$d/site" > "$d/phoneprovd.log" 2>&1 &
  server_pid[phoneprovd]=$!
  pids+=($!)
}

# Started as root, nginx and Apache drop to www-data, which must own the copy
# of the site they write uploads into.
as_www () { [ "$(id -u)" = 0 ] && chown -R www-data:www-data "$1"; return 0; }

start_nginx () {
  local d=$1 port=$2 keytype=$3 resume=$4 conf user=""
  if [ "$own_configs" = 1 ]; then
    bench_nginx_conf "$d" "$d/site/boot" "$port" "$d/site/pki/server/chain.pem" \
      "$d/site/pki/server/server.key" "$trust" "$resume"
    conf=$d/nginx.conf
  else
    "$ctl" --site "$d/site" export nginx "$d/conf" > /dev/null
    conf=$d/conf/nginx.conf
  fi
  as_www "$d"
  [ "$(id -u)" = 0 ] && user="user www-data www-data;"
  "${in_group[@]}" "$nice_level" nginx -e "$d/nginx-early.log" -p "$d" -c "$conf" -g "daemon off; $user" > "$d/stderr.log" 2>&1 &
  server_pid[nginx]=$!
  pids+=($!)
}

start_apache () {
  local d=$1 port=$2 keytype=$3 resume=$4 conf user=()
  if [ "$own_configs" = 1 ]; then
    bench_apache_conf "$d" "$d/site/boot" "$port" "$d/site/pki/server/chain.pem" \
      "$d/site/pki/server/server.key" "$trust" "$resume"
    conf=$d/apache.conf
  else
    "$ctl" --site "$d/site" export apache "$d/conf" > /dev/null
    conf=$d/conf/httpd.conf
  fi
  as_www "$d"
  [ "$(id -u)" = 0 ] && user=(-C 'User www-data' -C 'Group www-data')
  "${in_group[@]}" "$nice_level" apache2 "${user[@]}" -f "$conf" -DFOREGROUND > "$d/stderr.log" 2>&1 &
  server_pid[apache]=$!
  pids+=($!)
}

# Ready when one phone gets a file through mutual TLS (bounded: 10 s).
wait_ready () {
  local s=$1 port=$2 dev
  dev=$(ls "$devices" | head -1); dev=${dev%.crt}; dev=${dev%.key}
  for _ in $(seq 100); do
    if curl -sf -o /dev/null --cacert "$pki/site/ca.crt" --cert "$devices/$dev.crt" \
         --key "$devices/$dev.key" "https://127.0.0.1:$port/sip.cfg"; then
      return 0
    fi
    kill -0 "${server_pid[$s]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "run-bench.sh: $s did not come up on port $port; its logs are in $work/run" >&2
  return 1
}

start_server () {
  local s=$1 mode=$2 keytype=${2%%+*} resume=0 d port
  [[ $mode == *+resume ]] && resume=1
  d=$work/run/$mode/$s
  port=$(port_of "$s")
  if ss -Htln "sport = :$port" | grep -q .; then
    echo "run-bench.sh: port $port is in use; set BENCH_PORT to a free range" >&2
    return 1
  fi
  rm -rf "$d"; mkdir -p "$d"
  make_site "$d/site" "$port" "$keytype"
  "start_$s" "$d" "$port" "$keytype" "$resume"
  wait_ready "$s" "$port"
}

stop_server () {
  local s=$1 p=${server_pid[$1]:-}
  [ -n "$p" ] || return 0
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}

# ---- one measurement --------------------------------------------------------
run_one () {
  local mode=$1 scen=$2 round=$3 s=$4 resume="" port t0 t1 line args
  [[ $mode == *+resume ]] && resume=--resume
  port=$(port_of "$s")
  case $scen in
    boot) args=(--scenario boot --phones "$phones" --concurrency "$concurrency") ;;
    firmware) args=(--scenario firmware --phones "$fw_phones" --concurrency "$fw_phones") ;;
    keepalive) args=(--scenario keepalive --phones "$ka_phones" --concurrency "$ka_concurrency"
                     --requests "$ka_requests") ;;
  esac
  t0=$(tree_ticks "${server_pid[$s]}")
  rm -f "$work/sample.stop"
  sample_anon "${server_pid[$s]}" "$work/sample.stop" > "$work/sample.out" &
  local sampler=$!
  line=$("${in_group[@]}" "$nice_level" "$bench" --url "https://127.0.0.1:$port" --cacert "$pki/site/ca.crt" \
           --devices "$devices" --tls-max "$tls_max" $resume "${args[@]}" \
           2> >(sed "s/^/  [$s] /" >&2) | tee -a /dev/stderr | grep '^RESULT') || true
  t1=$(tree_ticks "${server_pid[$s]}")
  touch "$work/sample.stop"
  wait "$sampler" 2>/dev/null || true
  if [ -z "$line" ]; then
    echo "run-bench.sh: pp-bench produced no result against $s" >&2
    failed_runs=$((failed_runs + 1))
    return 0
  fi
  [[ $line == *" errors=0 "* ]] || failed_runs=$((failed_runs + 1))
  printf '%s\t%s\t%s\t%s\t%s server_cpu_s=%s rss_kb=%s anon_kb=%s load=%s\n' "$mode" "$scen" "$round" "$s" \
    "${line#RESULT }" "$(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.3f", t/hz}')" \
    "$(tree_hwm "${server_pid[$s]}")" "$(cat "$work/sample.out")" "$(cut -d' ' -f1 /proc/loadavg)" >> "$results"
}

echo "== phoneprov boot-storm benchmark: $(date -u '+%F %T UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== modes: $modes; scenarios: $scenarios; servers: $servers; rounds: $rounds; device keys: $device_key; TLS max $tls_max"
for mode in $modes; do
  echo "== mode $mode: starting $servers"
  up=""
  for s in $servers; do
    if start_server "$s" "$mode"; then up="$up $s"; else stop_server "$s"; fi
  done
  for scen in $scenarios; do
    # Firmware and keep-alive depend on the bulk cipher, not on the key or
    # resumption: measured in the first mode only.
    if [ "$scen" != boot ] && [ "$mode" != "${modes%% *}" ]; then continue; fi
    for round in $(seq "$rounds"); do
      for s in $up; do
        echo "-- $mode $scen round $round: $s"
        run_one "$mode" "$scen" "$round" "$s"
      done
    done
  done
  for s in $up; do stop_server "$s"; done
done

[ -n "$out" ] && cp "$results" "$out"
echo
python3 "$here/bench-table.py" "$results"
if [ "$failed_runs" -gt 0 ]; then
  echo "run-bench.sh: $failed_runs run(s) had failed phones or no result (see the errors column)" >&2
  exit 1
fi
