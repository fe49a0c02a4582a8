#!/bin/sh
# Set up phoneprov on Debian 12: install the packages it needs (only those
# missing), configure and build. Then, with --run, start the wizard on the
# default site; with --test, run the whole test suite.
#
#   build-aux/setup.sh            install what is missing, configure, build
#   build-aux/setup.sh --run      … then run the wizard (extra args go to it)
#   build-aux/setup.sh --test     … then run every test suite
#
# Environment: BUILDDIR (default: build), MESON_ARGS (extra configure args).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$top/build}
mode=build
case "${1:-}" in
  --run) mode=run; shift ;;
  --test) mode=test; shift ;;
  --build|'') ;;
  -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
  *) echo "setup.sh: unknown option $1 (use --run, --test or --help)" >&2; exit 2 ;;
esac

# Build and test dependencies (Debian 12 package names).
packages="build-essential meson ninja-build pkg-config gettext
libglib2.0-dev libglib2.0-dev-bin libgtk-3-dev libgnutls28-dev nettle-dev libgmp-dev gnutls-bin
libsoup-3.0-dev glib-networking libjson-glib-dev libarchive-dev
libcurl4-openssl-dev openssl curl xvfb xauth desktop-file-utils
appstream-util apache2 nginx clang libclang-rt-14-dev imagemagick
at-spi2-core dbus-x11 python3-gi gir1.2-atspi-2.0 valgrind iproute2
fonts-dejavu-core adwaita-icon-theme"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup.sh: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
  else
    echo "setup.sh: these Debian packages are missing:$missing" >&2
    echo "Install them with:  sudo apt-get install$missing" >&2
    echo "then run this script again." >&2
    exit 1
  fi
fi

if [ ! -f "$builddir/build.ninja" ]; then
  # shellcheck disable=SC2086
  meson setup "$builddir" "$top" ${MESON_ARGS:-}
fi
ninja -C "$builddir"

export GSETTINGS_SCHEMA_DIR="$builddir/data"
export PHONEPROVD="$builddir/src/daemon/phoneprovd"

case $mode in
  run)
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "setup.sh: built, but there is no display to show the wizard on." >&2
      echo "Run this from a desktop session, or use phoneprovctl and phoneprovd headless (see README)." >&2
      exit 1
    fi
    exec "$builddir/src/wizard/phoneprov" "$@"
    ;;
  test)
    exec meson test -C "$builddir" --print-errorlogs --no-suite slow --no-suite bench --num-processes 2 "$@"
    ;;
esac
