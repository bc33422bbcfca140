#!/usr/bin/env bash
# Bundles the code editor (src/codemirror.js and the CodeMirror packages it imports) into one minified ES
# module, dist/codemirror.js, which the page loads when it shows the editor (index.html copies it into the
# page). Trunk runs this before every build (a pre_build hook in Trunk.toml); idempotent: the bundle is
# written only when it is missing or older than its sources, so trunk serve's watcher sees no change.
# The packages are installed by ./.ci/setup-tools.sh (npm ci, pinned by package-lock.json).
set -euo pipefail
cd "$(dirname "$0")"
out=dist/codemirror.js
esbuild=node_modules/.bin/esbuild
if [ ! -x "$esbuild" ] || ! cmp -s package-lock.json node_modules/.installed-lock; then
  echo "frontend/editor: its packages are missing or differ from package-lock.json: run ./.ci/setup-tools.sh" >&2
  exit 1
fi
if [ -f "$out" ] && [ -z "$(find src package-lock.json build.sh -newer "$out" -print -quit)" ]; then
  exit 0
fi
mkdir -p dist
"$esbuild" src/codemirror.js --bundle --format=esm --minify --target=es2020 --legal-comments=eof \
  --log-level=warning --outfile="$out.tmp"
mv "$out.tmp" "$out"
echo "frontend/editor: built $out ($(wc -c <"$out") bytes)"
