#!/usr/bin/env bash
# Installs what the tests need beyond the build tools. Idempotent: every step checks first.
#   - Debian's chromium (the browser tests drive /usr/bin/chromium; nothing downloads a browser of its own)
#   - playwright-core from npm, pinned by tests/e2e/package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[setup-test] %s\n' "$*"; }

if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

# npm ci only when the installed packages do not match the lock file.
lock=tests/e2e/package-lock.json
stamp=tests/e2e/node_modules/.installed-lock
if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
  say "installing playwright-core (npm ci)"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
  cp "$lock" "$stamp"
fi
say "test tools ready: $(/usr/bin/chromium --version 2>/dev/null), playwright-core $(node -p "require('./tests/e2e/node_modules/playwright-core/package.json').version")"
