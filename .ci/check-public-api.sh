#!/usr/bin/env bash
# The public API of the crate `futurelab` (every feature on, natively), compared with the snapshot
# checked in at core/public-api.txt: a change to the public surface fails here until someone makes it on
# purpose and updates the snapshot in the same commit:
#   .ci/check-public-api.sh --update
# Impls that come from std's blanket impls are left out (they follow from the rest); derived and auto
# trait impls stay (dropping `Send` from a type breaks its users as surely as removing a method).
set -euo pipefail
cd "$(dirname "$0")/.."
snapshot=core/public-api.txt
if ! cargo public-api --version >/dev/null 2>&1; then
  echo "check-public-api: cargo-public-api is missing: ./.ci/setup-test-tools.sh installs it" >&2
  exit 1
fi
current=$(mktemp)
log=$(mktemp)
trap 'rm -f "$current" "$log"' EXIT
if ! cargo public-api --package futurelab --all-features --omit blanket-impls --color never \
  --target-dir target/public-api >"$current" 2>"$log"; then
  cat "$log" >&2
  exit 1
fi
if [ "${1:-}" = "--update" ]; then
  cp "$current" "$snapshot"
  echo "check-public-api: $snapshot updated ($(wc -l <"$snapshot") lines)"
  exit 0
fi
if ! diff -u "$snapshot" "$current"; then
  echo "check-public-api: futurelab's public API differs from $snapshot (above: - snapshot, + now)." >&2
  echo "If the change is on purpose, run .ci/check-public-api.sh --update and commit the snapshot with it." >&2
  exit 1
fi
echo "check-public-api: futurelab's public API matches $snapshot ($(wc -l <"$snapshot") lines)"
