#!/usr/bin/env bash
# Installs what the tests need beyond the build tools. Idempotent: every step checks first.
#   - Debian's chromium (the browser tests drive /usr/bin/chromium; nothing downloads a browser of its own)
#   - a Chinese font (fonts-wqy-microhei, 1.6 MB), so that screenshots show the seeds' Chinese, not boxes
#   - Debian's redis-server, which the cluster executor's tests start on ports of their own
#   - playwright-core from npm, pinned by tests/e2e/package-lock.json
#   - the seed's Python modules (requests, tqdm), pinned by tests/python/requirements.txt
#   - cargo-public-api, for the snapshot of futurelab's public API (.ci/check-public-api.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[setup-test] %s\n' "$*"; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian's ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm ci only when the installed packages do not match the lock file.
./.ci/npm-ci.sh tests/e2e playwright-core
# pip only when the pinned versions are not all there already.
if ! python3 - tests/python/requirements.txt <<'PY'
import sys
from importlib.metadata import version, PackageNotFoundError
pins = [l.split('#')[0].strip() for l in open(sys.argv[1])]
try:
    sys.exit(any(version(n) != v for n, v in (p.split('==') for p in pins if p)))
except PackageNotFoundError:
    sys.exit(1)
PY
then
  say "installing the seed's Python modules (pip)"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    -r tests/python/requirements.txt
fi
# cargo-public-api reads nightly's rustdoc JSON; 0.52.0 reads this machine's nightly (format 57).
PUBLIC_API_VERSION=0.52.0
if ! cargo public-api --version 2>/dev/null | grep -q " $PUBLIC_API_VERSION$"; then
  say "installing cargo-public-api $PUBLIC_API_VERSION (about 2 minutes on 2 cores)"
  cargo install cargo-public-api --version "$PUBLIC_API_VERSION" --locked --quiet
fi
say "test tools ready: $(/usr/bin/chromium --version 2>/dev/null), playwright-core $(node -p "require('./tests/e2e/node_modules/playwright-core/package.json').version")"
