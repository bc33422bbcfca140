# futurelab: the two commands are `make run` and `make test`; everything else is a step of theirs.
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -euo pipefail -c

ADDR ?= 127.0.0.1:8080
# The wasm build: nightly, std rebuilt with atomics (for threads), trunk never downloading anything, and
# the release page shrunk by npm's wasm-opt (tools/wasm-opt, found first on PATH: Debian's is too old).
WASM_ENV := RUSTUP_TOOLCHAIN=nightly CARGO_UNSTABLE_BUILD_STD=panic_abort,std TRUNK_SKIP_VERSION_CHECK=true TRUNK_OFFLINE=true PATH="$(CURDIR)/tools/wasm-opt/node_modules/.bin:$$PATH"

.PHONY: run test setup setup-test frontend fetch-wasm-deps lint test-rust test-e2e dev site bench fuzz clean

## make run: install what is missing, build the page (release), then the binary that carries it; serve at http://$(ADDR)
run: setup frontend
	cargo build --release -p futurelab-server
	./target/release/futurelab serve --addr $(ADDR)

## make test: install what the tests need, then the checks and every test (cargo and browser); non-zero on any failure
test: setup setup-test frontend lint test-rust test-e2e

setup:
	./.ci/setup-tools.sh

setup-test:
	./.ci/setup-test-tools.sh

# trunk runs cargo offline, so the crates (build-std's included) are fetched first; a no-op when present.
fetch-wasm-deps:
	$(WASM_ENV) cargo fetch --target wasm32-unknown-unknown --quiet

# The page's files are named relative to it (--public-url ./), so the same build serves from futurelab
# serve's root and from a static host's folder (https://someone.github.io/futurelab/).
frontend: fetch-wasm-deps
	$(WASM_ENV) trunk build --release --dist dist --public-url ./

# Formatting, clippy with warnings denied (natively, and on wasm32 for what the page builds), the
# docs with warnings denied, the default build's contents, and futurelab's public API against its
# snapshot (core/public-api.txt). All incremental.
lint: fetch-wasm-deps
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	$(WASM_ENV) cargo clippy -p futurelab --lib --target wasm32-unknown-unknown --quiet -- -D warnings
	$(WASM_ENV) cargo clippy -p futurelab-programs --lib --target wasm32-unknown-unknown --quiet -- -D warnings
	$(WASM_ENV) cargo clippy -p futurelab-seeds --lib --target wasm32-unknown-unknown --quiet -- -D warnings
	$(WASM_ENV) cargo clippy -p futurelab-web --target wasm32-unknown-unknown --quiet -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc -p futurelab -p futurelab-programs -p futurelab-seeds --no-deps --quiet
	./.ci/check-default-build.sh
	./.ci/check-public-api.sh

# Every crate natively, the page's included (its models and parsers are plain Rust); the doctests too.
test-rust:
	cargo test --workspace
	# The crate's examples (the README's, and one per lesson) run to their end.
	for example in loiter flags_as_completed embedding process_pools is_prime_processes pool_apply_async; do \
	  cargo run --quiet -p futurelab --features process --example $$example > /dev/null; \
	done
	# The loom models of the executor (core/src/executor/loom_models.rs), in a target folder of their own.
	RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p futurelab --lib --release loom_models
	./.ci/check-no-workers.sh

test-e2e:
	cargo build -p futurelab-server
	cd tests/e2e && npm test

## make site: the playground as a static site in site/, for any static host (no server, no headers)
site: setup frontend
	cargo build --release -p futurelab-server
	rm -rf site
	./target/release/futurelab site site

## make dev: trunk serve with live reload (frontend work), the page at http://127.0.0.1:8080, with a
## futurelab server on 127.0.0.1:8081 that trunk proxies the API routes to (Trunk.toml); Ctrl-C stops both
dev: setup fetch-wasm-deps
	cargo build -p futurelab-server
	./target/debug/futurelab serve --addr 127.0.0.1:8081 --allow-origin http://127.0.0.1:8080 --log warn &
	server=$$!
	trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null' EXIT
	$(WASM_ENV) trunk serve

## make bench: the figures of core/, backend/ and frontend/BENCHMARKS.md (timing: not part of `make test`)
bench: setup setup-test frontend
	cargo bench -p futurelab --features process
	cargo bench -p futurelab-server --bench run_child
	python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r core/bench-cluster/requirements.txt
	core/bench-cluster/run.sh 2000
	core/programs/bench/run.sh 3
	backend/bench/http.sh 10
	cargo build -p futurelab-server
	node tests/e2e/bench/playground.mjs
	# The engine in the page (wasm, one Web Worker) against the native engine (core/programs/BENCHMARKS.md).
	cargo build --release -p futurelab-server
	node tests/e2e/bench/engine.mjs 3

## make fuzz: the fuzzers, far longer than make test runs them: hostile programs, each in a run process of
## its own on a real server, hostile requests, hostile sources, and random expressions against python3
## (a random seed each time). `make fuzz STRICT=1` also fails on a run that the engine did not end
## itself (a stack overflow, a panic: engine faults to fix).
FUZZ_CASES ?= 2000
fuzz:
	cargo build -p futurelab-server
	PROPTEST_CASES=$(FUZZ_CASES) $(if $(STRICT),FUTURELAB_FUZZ_STRICT=1) cargo test -p futurelab-server --test hostile_programs --test hostile_requests -- --nocapture
	PROPTEST_CASES=$(FUZZ_CASES) cargo test -p futurelab-programs --test hostile_sources
	PROPTEST_CASES=$$(( $(FUZZ_CASES) / 10 )) PROPTEST_RNG_SEED=$$RANDOM cargo test --release -p futurelab-programs --test differential_fuzz

clean:
	cargo clean
	rm -rf dist site tests/e2e/artifacts
