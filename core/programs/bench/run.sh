#!/usr/bin/env bash
# The engine's speed benchmark: each program of core/programs/bench/programs/ under python3 and under
# `futurelab run FILE --timestamps none`, taking turns, N times each; prints a Markdown table (median
# wall times, ratio, geometric mean), the peak memory of a list of 1,000,000 ints, the machine and the
# load. The figures are recorded in core/programs/BENCHMARKS.md.
#
#   core/programs/bench/run.sh            # every program, 3 runs each
#   core/programs/bench/run.sh 5          # 5 runs each
#   core/programs/bench/run.sh 3 fib nbody   # some programs only (no memory measurement then)
#
# Environment: BENCH_TIMEOUT (seconds before a run is killed, default 600), BENCH_REPEAT_LIMIT (a run
# slower than this is not repeated, default 30), FUTURELAB_BIN (a futurelab binary to measure instead of
# building this tree's: e.g. one built from `git archive HEAD` while the working tree is mid-edit).
set -euo pipefail

runs="${1:-3}"
if [[ $# -gt 0 ]]; then shift; fi
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [RUNS] [PROGRAM...]   (RUNS: a positive number, default 3)" >&2
    exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"

if [[ -n "${FUTURELAB_BIN:-}" ]]; then
    bin="$FUTURELAB_BIN"
    built="the given binary FUTURELAB_BIN=$bin"
else
    cargo build --release -p futurelab-server
    bin="${CARGO_TARGET_DIR:-$root/target}/release/futurelab"
    built="$bin, release build of this tree"
    if git rev-parse --git-dir >/dev/null 2>&1; then
        built="$built at $(git rev-parse --short HEAD)"
        if ! git diff --quiet HEAD -- core/programs backend; then
            built="$built (with uncommitted changes in core/programs or backend)"
        fi
    fi
fi

# The memory measurement's launcher (see maxrss.c), built where cargo builds.
memory=()
if [[ $# -gt 0 ]]; then
    memory=(--no-memory)
else
    launcher="${CARGO_TARGET_DIR:-$root/target}/bench-maxrss"
    cc -O2 -o "$launcher" "$here/maxrss.c"
    memory=(--maxrss "$launcher")
fi

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
status=0
python3 "$here/measure.py" --runs "$runs" --futurelab "$bin" \
    --timeout "${BENCH_TIMEOUT:-600}" --repeat-limit "${BENCH_REPEAT_LIMIT:-30}" \
    "${memory[@]}" "$@" || status=$?
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(uname -sr);" \
     "load average (1, 5, 15 min) $load_before before, $load_after after."
echo "futurelab: $built."
echo "Command: ${FUTURELAB_BIN:+FUTURELAB_BIN=$FUTURELAB_BIN }core/programs/bench/run.sh $runs${*:+ $*}"
exit "$status"
