#!/bin/bash
# Fails when the wizard changed and help/screenshots was not regenerated.
#
# It regenerates every screenshot into a temporary folder and compares each
# language's widgets.txt (per screenshot: the widget tree with every label,
# entry, switch and button text) with the committed one. Pixels are not
# compared: antialiasing and font versions differ between machines while
# the UI does not; any visible change to a page — a new control, a changed
# label, a different layout nesting — changes widgets.txt. The mutual-TLS
# self-test reports the TLS library's refusal reason, which varies from run
# to run; it is masked.
set -eu
src=${PHONEPROV_SOURCE_ROOT:?run through meson test}
build=${PHONEPROV_BUILD_ROOT:?run through meson test}
echo "1..2"

if [ ! -d "${PHONEPROV_SHARED:-/nonexistent}/fixtures/polycom-pki" ]; then
  echo "ok 1 # SKIP the shared Polycom fixtures are missing; the trust page would differ"
  echo "ok 2 # SKIP"
  exit 0
fi
# The demo site listens on 8080 and 8443 (fixed, so the pages show the same
# addresses on every machine). A demo daemon left over from an interrupted
# run is stopped; any other program on those ports means skip, not fail.
"${PHONEPROVCTL:-false}" --site /tmp/phoneprov-demo server stop >/dev/null 2>&1 || true
for port in 8080 8443; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "ok 1 # SKIP port $port is in use by another program; the demo site needs 8080 and 8443"
    echo "ok 2 # SKIP"
    exit 0
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Whether a scrolled window shows its scrollbar depends on when its content
# got its final size (machine load), not on what the page shows: leave
# scrollbars out of the comparison.
normalize() {
  awk '/^=== /{ section = $2 }
       /^[ \t]*GtkScrollbar[ \t]*$/ { next }
       section ~ /self-test/ && /TLS/ { gsub(/\(.*\)/, "(…)") }
       { print }' "$1"
}

"$src/help/regenerate.sh" "$build" "$tmp/shots" >"$tmp/log" 2>&1 || {
  echo "not ok 1 - the screenshot run failed"; sed 's/^/# /' "$tmp/log"; exit 1; }

status=0
msg=""
for dir in "$tmp"/shots/*/; do
  lang=$(basename "$dir")
  committed="$src/help/screenshots/$lang/widgets.txt"
  if [ ! -f "$committed" ]; then
    msg="$msg help/screenshots/$lang is missing;"
    status=1
    continue
  fi
  normalize "$committed" >"$tmp/old.txt"
  normalize "$dir/widgets.txt" >"$tmp/new.txt"
  if [ -f "$dir/site-report.html" ] && ! cmp -s "$dir/site-report.html" "$src/help/screenshots/$lang/site-report.html"; then
    msg="$msg the $lang site report differs;"
    status=1
  fi
  if ! diff -u "$tmp/old.txt" "$tmp/new.txt" >"$tmp/diff.txt"; then
    msg="$msg $lang differs;"
    head -60 "$tmp/diff.txt" | sed 's/^/# /'
    status=1
  fi
done
if [ $status -eq 0 ]; then
  echo "ok 1 - help/screenshots matches the current wizard"
else
  echo "not ok 1 - the wizard changed but help/screenshots did not:$msg run “ninja -C BUILDDIR help-screenshots” (help/regenerate.sh) and commit help/screenshots"
fi

# Every screenshot the guide shows exists, and every English one is shown.
refs=$(grep -o 'screenshots/[a-z]*/[0-9a-z-]*\.png' "$src/help/guide.md" | sort -u)
missing=""
for r in $refs; do
  [ -f "$src/help/$r" ] || missing="$missing $r"
done
for f in "$src"/help/screenshots/en/*.png; do
  r="screenshots/en/$(basename "$f")"
  echo "$refs" | grep -qxF "$r" || missing="$missing (not in guide.md: $r)"
done
if [ -z "$missing" ]; then
  echo "ok 2 - guide.md and help/screenshots agree"
else
  echo "not ok 2 - guide.md and help/screenshots disagree:$missing"
  status=1
fi
exit $status
