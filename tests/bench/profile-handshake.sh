#!/bin/bash
# Instruction counts per phone and per TLS connection, phoneprovd against
# nginx, under valgrind --tool=callgrind (repeatable on a busy machine, unlike
# wall-clock numbers). Uses the sites run-bench.sh left in its work dir.
#
#   tests/bench/profile-handshake.sh [--mode ecdsa] [--phones 100] [--resume]
#                                    [--keepalive REQUESTS]
#
# --keepalive: each phone makes REQUESTS small GETs on one connection (the
# keep-alive scenario) and the cost is also shown per request.
#
# Prints the totals and the inclusive cost of the functions that matter, and
# keeps the callgrind files (callgrind_annotate --inclusive=yes FILE).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build-bench}
if [ -d /dev/shm/phoneprov-bench ]; then work=${BENCH_WORK:-/dev/shm/phoneprov-bench}; else work=${BENCH_WORK:-/tmp/phoneprov-bench}; fi
phoneprovd=${PHONEPROVD:-$build/src/daemon/phoneprovd}
mode=ecdsa
phones=100
resume=""
keepalive=0
while [ $# -gt 0 ]; do
  case $1 in
    --mode) mode=$2; shift ;;
    --phones) phones=$2; shift ;;
    --resume) resume=--resume ;;
    --keepalive) keepalive=$2; shift ;;
    *) echo "profile-handshake.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

pki=$work/pki
devices=$pki/devices-ecdsa
run=$work/run/$mode
[ -d "$run/phoneprovd/site" ] && [ -d "$run/nginx/conf" ] || {
  echo "profile-handshake.sh: run tests/bench/run-bench.sh --modes $mode first (it leaves the sites in $work)" >&2; exit 1; }
out=$work/profile; mkdir -p "$out"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; true' EXIT

wait_up () {
  local port=$1
  for _ in $(seq 120); do
    curl -s -o /dev/null --cacert "$pki/site/ca.crt" --cert "$devices/0004f2000000.crt" \
      --key "$devices/0004f2000000.key" "https://127.0.0.1:$port/sip.cfg" && return 0
    sleep 0.5
  done
  return 1
}

profile () {
  local name=$1 port=$2; shift 2
  rm -f "$out/callgrind.$name".*
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$name.%p" "$@" > "$out/$name.log" 2>&1 &
  pid=$!
  wait_up "$port"
  local scen=(--scenario boot)
  [ "$keepalive" -gt 0 ] && scen=(--scenario keepalive --requests "$keepalive")
  "$build/tests/bench/pp-bench" --url "https://127.0.0.1:$port" --cacert "$pki/site/ca.crt" \
    --devices "$devices" --phones "$phones" --concurrency 10 --timeout 300 $resume "${scen[@]}" | tee "$out/$name.bench"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 120); do
    kill -0 "$pid" 2>/dev/null || break
    # Under valgrind a signal waits for the next system call to return:
    # a connection wakes a server sleeping in epoll_wait.
    curl -s -o /dev/null -m 1 "http://127.0.0.1:$port/" 2>/dev/null || true
    sleep 0.5
  done
  # A server still up after a minute (nginx under valgrind once ignored
  # TERM) would block "wait" forever; its profile is lost then.
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
  local f conns total
  # No "ls | head" under pipefail: head closing the pipe early made the
  # whole script exit with 141 (SIGPIPE).
  f=""
  for c in "$out/callgrind.$name".*; do if [ -z "$f" ] || [ "$c" -nt "$f" ]; then f=$c; fi; done
  conns=$(sed -n 's/.* connections=\([0-9]*\).*/\1/p' "$out/$name.bench")
  total=$(callgrind_annotate --auto=no "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  if [ -z "$total" ] || [ -z "$conns" ]; then
    echo "== $name: no profile ($f is empty: the server did not exit cleanly)"
    return 0
  fi
  echo "== $name: $total instructions, $phones phones, $conns connections:" \
       "$((total / phones)) per phone, $((total / conns)) per connection ($f)"
  if [ "$keepalive" -gt 0 ]; then
    echo "   $((total / (phones * keepalive))) per request ($((phones * keepalive)) requests)"
  fi
  # awk, not head: it reads to the end, so callgrind_annotate and grep never
  # see a closed pipe.
  callgrind_annotate --auto=no --inclusive=yes "$f" 2>/dev/null |
    grep -E 'gnutls_handshake|SSL_do_handshake|verify_peer|trust_list_verify_crt2|X509_verify_cert|rsa_pkcs1_verify|RSA_verify|ecdsa_verify|ECDSA_verify|ecdsa_sign|ECDSA_do_sign|ecc_mul_a |ecc_mul_g |check_issuer|rdn_get2|x509_crt_import|d2i_X509|soup_server_accept_iostream|on_request_finished|log_request|pp_events_emit|pp_request_handshake_event|ngx_http_process_request ' |
    awk 'n < 24 { print substr($0, 1, 150); n++ }' || true
}

port=$("$build/src/cli/phoneprovctl" --site "$run/phoneprovd/site" get https.port)
profile phoneprovd "$port" "$phoneprovd" --site "$run/phoneprovd/site"
nport=$(sed -n 's/.*listen 127.0.0.1:\([0-9]*\) ssl.*/\1/p;T;q' "$run/nginx/conf/phoneprov-https.conf")
profile nginx "$nport" nginx -e "$out/nginx-early.log" -p "$run/nginx" -c "$run/nginx/conf/nginx.conf" \
  -g 'daemon off; master_process off;'
