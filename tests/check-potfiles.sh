#!/bin/sh
# Fails when a source or .ui file with translatable strings is missing from
# po/POTFILES.in, or when POTFILES.in lists a file that does not exist.
set -eu
top=${1:-$(dirname "$0")/..}
cd "$top"
status=0
for f in $(grep -rlE '(^|[^A-Za-z0-9_])(N?_|C_|NC_|g_dngettext|ngettext)\(' --include='*.c' src) \
         $(grep -rl 'translatable="yes"' --include='*.ui' ui 2>/dev/null); do
  if ! grep -qxF "$f" po/POTFILES.in; then
    echo "not ok: $f has translatable strings but is not in po/POTFILES.in"
    status=1
  fi
done
while read -r f; do
  case "$f" in ''|'#'*) continue ;; esac
  if [ ! -f "$f" ]; then
    echo "not ok: po/POTFILES.in lists $f, which does not exist"
    status=1
  fi
done < po/POTFILES.in
if ! LC_ALL=C sort -c po/POTFILES.in 2>/dev/null; then
  echo "not ok: po/POTFILES.in is not sorted"
  status=1
fi
[ $status -eq 0 ] && echo "ok: po/POTFILES.in is complete"
exit $status
