#!/bin/sh
# Regenerate the guide's screenshots: help/screenshots/en and …/de.
#   help/regenerate.sh BUILDDIR [OUTDIR]
# (also `ninja -C BUILDDIR help-screenshots`). Runs `phoneprov --screenshots`
# under its own Xvfb, once per language. German comes from po/de.po,
# compiled here so a stale .mo in the build tree cannot sneak in.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: help/regenerate.sh BUILDDIR [OUTDIR]}" && pwd)
out=${2:-$src/help/screenshots}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

export GSETTINGS_SCHEMA_DIR="$build/data"
export PHONEPROVD="$build/src/daemon/phoneprovd"
# The genuine Polycom CA certificates (never shipped) for the trust page.
: "${PHONEPROV_SHARED:=$src/../shared}"
export PHONEPROV_SHARED
if [ ! -d "$PHONEPROV_SHARED/fixtures/polycom-pki" ]; then
  echo "warning: $PHONEPROV_SHARED/fixtures/polycom-pki is missing; the trust page will show no genuine Polycom certificates" >&2
fi

langs=en
if [ -f "$src/po/de.po" ]; then
  mkdir -p "$tmp/locale/de/LC_MESSAGES"
  msgfmt -o "$tmp/locale/de/LC_MESSAGES/phoneprov.mo" "$src/po/de.po"
  langs="en de"
fi
export PHONEPROV_LOCALEDIR="$tmp/locale"

mkdir -p "$out"
for lang in $langs; do
  rm -rf "$out/$lang.new"
  # Start in the C locale: the program picks its language itself from
  # --locale (GLib decides once, at its first lookup, whether library code
  # translates at all, and would decide "no" under a C.UTF-8 session before
  # the German catalog is bound).
  env -u LANG -u LANGUAGE LC_ALL=C \
  "$src/build-aux/xvfb-run-test.sh" "$build/src/wizard/phoneprov" \
    --screenshots "$out/$lang.new" --locale "$lang" >/dev/null
  rm -rf "$out/$lang"
  mv "$out/$lang.new" "$out/$lang"
  echo "$out/$lang: $(ls "$out/$lang"/*.png | wc -l) screenshots"
done
