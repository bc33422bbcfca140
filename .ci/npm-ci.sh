#!/usr/bin/env bash
# `npm ci` in DIR only when its installed packages do not match its package-lock.json (a copy of the lock
# file it last installed from is kept as node_modules/.installed-lock). Usage: .ci/npm-ci.sh DIR WHAT
# (WHAT: the words said while installing). The setup scripts use it for every npm folder of the project.
set -euo pipefail
dir=$1
lock=$dir/package-lock.json
stamp=$dir/node_modules/.installed-lock
if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
  printf '[setup] installing %s (npm ci in %s)\n' "$2" "$dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$lock" "$stamp"
fi
