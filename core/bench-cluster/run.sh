#!/usr/bin/env bash
# The cluster figures of core/BENCHMARKS.md, in one run: a redis-server of its own on a free port, then
# for 1, 2 and 4 workers futurelab's cluster and local process pool (examples/cluster_throughput.rs)
# and Python's RQ (rq_throughput.py; `pip install -r core/bench-cluster/requirements.txt`) on the same
# Redis. TASKS defaults to 5000 (RQ's forking worker makes 2000 the practical size). `make bench` runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
tasks=${1:-5000}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" >/dev/null &
redis=$!
trap 'kill $redis; wait $redis 2>/dev/null; rm -rf "$dir"' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
url="redis://127.0.0.1:$port"
cargo build --quiet --release -p futurelab --features cluster --example cluster_throughput
for workers in 1 2 4; do
  target/release/examples/cluster_throughput "$url" "$workers" "$tasks"
  python3 core/bench-cluster/rq_throughput.py "$url" "$workers" "$tasks"
done
