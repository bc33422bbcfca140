#!/usr/bin/env bash
# The default build of the futurelab crate is the executor alone (no features): it builds natively and
# for wasm32, with warnings denied, and its dependency tree has no HTTP client and no process support.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo clippy -p futurelab --lib --quiet -- -D warnings
tree=$(cargo tree -p futurelab -e normal --target all --prefix none)
if grep -E '^(ureq|reqwest|hyper|http|isahc|curl|surf|attohttpc|rustix|tempfile) ' <<<"$tree"; then
  echo "check-default-build: the default build of futurelab depends on the crates above" >&2
  exit 1
fi
RUSTUP_TOOLCHAIN=nightly CARGO_UNSTABLE_BUILD_STD=panic_abort,std \
  cargo check -p futurelab --lib --target wasm32-unknown-unknown --quiet
echo "check-default-build: futurelab's default build is the executor alone (native and wasm32; no HTTP client, no processes)"
