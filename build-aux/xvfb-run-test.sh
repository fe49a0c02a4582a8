#!/bin/sh
# Run a command under its own Xvfb server (like gnome-control-center's
# x11session): picks a free display itself, so tests can run in parallel and
# need no X server from the caller. Usage: xvfb-run-test.sh COMMAND [ARGS…]
set -eu
tmp=$(mktemp -d)
trap 'kill "$xvfb_pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp -noreset 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
i=0
while [ ! -s "$tmp/display" ]; do
  i=$((i + 1))
  if [ "$i" -gt 100 ]; then
    echo "Xvfb did not start:" >&2
    cat "$tmp/xvfb.log" >&2
    exit 1
  fi
  sleep 0.1
done
DISPLAY=":$(cat "$tmp/display")"
export DISPLAY
# No accessibility bus unless a test asks for one.
: "${NO_AT_BRIDGE:=1}"
export NO_AT_BRIDGE
"$@"
