#!/bin/sh
# Run every libFuzzer harness of a -Dfuzzing=true build for a fixed time and
# fail on the first crash, leak, sanitizer report or property failure.
#
#   tests/fuzz/run-fuzzers.sh BUILDDIR [SECONDS] [HARNESS…]
#
# Seeds come from tests/fuzz/corpus/<name>/ and are never modified: new
# inputs go to a scratch corpus. A crashing input is kept in
# $FUZZ_ARTIFACTS (default: a temporary folder, printed) for reproduction:
#   BUILDDIR/tests/fuzz/fuzz-<name> CRASH-FILE
set -eu

builddir=${1:?usage: run-fuzzers.sh BUILDDIR [SECONDS] [HARNESS…]}
seconds=${2:-30}
[ $# -ge 2 ] && shift 2 || shift $#
src=$(cd "$(dirname "$0")" && pwd)
artifacts=${FUZZ_ARTIFACTS:-$(mktemp -d "${TMPDIR:-/tmp}/pp-fuzz-artifacts.XXXXXX")}
mkdir -p "$artifacts"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/pp-fuzz-corpus.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ $# -eq 0 ]; then
  set -- $(cd "$src/corpus" && ls)
fi

failed=""
for name in "$@"; do
  exe="$builddir/tests/fuzz/fuzz-$name"
  if [ ! -x "$exe" ]; then
    echo "fuzz: $name: $exe is not built (configure with CC=clang -Dfuzzing=true)" >&2
    failed="$failed $name"
    continue
  fi
  mkdir -p "$scratch/$name"
  log="$scratch/$name.log"
  # A hard timeout over -max_total_time: a hang inside one input is a failure too.
  if timeout $((seconds + 60)) "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
       "$scratch/$name" "$src/corpus/$name" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "fuzz: $name: ok, ${runs:-?} runs in ${seconds}s, $cov"
  else
    echo "fuzz: $name: FAILED (exit $?); last lines of its log:" >&2
    tail -40 "$log" >&2
    failed="$failed $name"
  fi
done

if [ -n "$failed" ]; then
  echo "fuzz: failed:$failed (inputs in $artifacts)" >&2
  exit 1
fi
rmdir "$artifacts" 2>/dev/null || true
