#!/usr/bin/env bash
# Installs the build toolchain that `make run` needs. Idempotent: every step checks first and skips what is there.
#   - nightly's rust-src and wasm32 target (threads in wasm need std rebuilt with atomics)
#   - trunk 0.21.14 (0.22 needs a newer rustc than this machine's stable)
#   - wasm-bindgen-cli at exactly the version of the wasm-bindgen crate pinned in Cargo.toml
#   - wasm-opt for the release page: npm's binaryen, pinned by tools/wasm-opt/package-lock.json
#   - the code editor's packages (CodeMirror, esbuild), pinned by frontend/editor/package-lock.json; trunk
#     bundles them before each build (frontend/editor/build.sh, a hook in Trunk.toml)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# The one place the wasm-bindgen version lives is the workspace Cargo.toml (pinned with `=`).
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "setup: cannot read the wasm-bindgen pin from Cargo.toml" >&2; exit 1; }

say() { printf '[setup] %s\n' "$*"; }

if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
  say "adding rust-src to nightly"; rustup component add rust-src --toolchain nightly
fi
if ! rustup target list --toolchain nightly --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "adding wasm32-unknown-unknown to nightly"; rustup target add wasm32-unknown-unknown --toolchain nightly
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 10 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\b"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # No --locked: the registry mirror here lacks one crate version its lock file names.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
# npm ci only when the installed packages do not match the lock file.
./.ci/npm-ci.sh tools/wasm-opt "wasm-opt (npm's binaryen)"
./.ci/npm-ci.sh frontend/editor "the code editor's packages (CodeMirror, esbuild)"
say "build tools ready: $(trunk --version), $(wasm-bindgen --version), $(tools/wasm-opt/node_modules/.bin/wasm-opt --version)"
