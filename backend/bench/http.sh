#!/usr/bin/env bash
# HTTP figures for backend/BENCHMARKS.md, each beside its baseline in the same run, on loopback:
#   1. /is_prime/1,2,3,4,97,1000003 with 16 connections: futurelab serve versus the seed's
#      Flask + ProcessPoolExecutor app (backend/bench/seed_flask_process_pool.py).
#   2. /fanout with 50 connections: futurelab's p50 (target at most 320 ms), beside ?mode=sequential.
# Installs wrk (Debian) and Flask (pip, pinned) if missing. Usage: backend/bench/http.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
say() { printf '[bench] %s\n' "$*"; }

command -v wrk >/dev/null || { say "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
python3 -c "import flask" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check \
  --root-user-action=ignore -r backend/bench/requirements.txt

cargo build --release -q -p futurelab-server
dist=$(mktemp -d)
echo '<!doctype html><title>bench</title>' >"$dist/index.html"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$dist"; }
trap cleanup EXIT

target/release/futurelab serve --addr 127.0.0.1:18080 --dist "$dist" >/dev/null &
pids+=($!)
python3 backend/bench/seed_flask_process_pool.py 18081 >/dev/null 2>&1 &
pids+=($!)
for port in 18080 18081; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/is_prime/2" >/dev/null && break; sleep 0.1; done
done

path='/is_prime/1,2,3,4,97,1000003'
rps() { wrk -t2 -c16 -d"${secs}s" "http://127.0.0.1:$1$path" | awk '/Requests\/sec/ {print $2}'; }
say "wrk -t2 -c16 -d${secs}s http://127.0.0.1:PORT$path"
seed=$(rps 18081)
ours=$(rps 18080)
say "seed Flask + ProcessPoolExecutor: $seed requests/s"
say "futurelab serve:                  $ours requests/s"
say "ratio: $(python3 -c "print(f'{$ours / $seed:.1f}x')")"

p50() { wrk -t2 -c50 -d"${secs}s" --latency "http://127.0.0.1:18080/fanout$1" | awk '$1 == "50%" {print $2}'; }
say "wrk -t2 -c50 -d${secs}s --latency http://127.0.0.1:18080/fanout[?mode=sequential]"
say "/fanout p50:                 $(p50 '')"
say "/fanout?mode=sequential p50: $(p50 '?mode=sequential')"
