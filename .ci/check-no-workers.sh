#!/usr/bin/env bash
# After the test suite: no futurelab worker process may be left running (a pool that leaked one, or an
# orphan whose parent died). Workers carry FUTURELAB_PROCESS_WORKER in their environment.
set -euo pipefail
left=()
for environ in /proc/[0-9]*/environ; do
  pid=${environ#/proc/}; pid=${pid%/environ}
  if { tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -q '^FUTURELAB_PROCESS_WORKER='; then
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)
    [ "$state" = Z ] || [ "$state" = gone ] || left+=("$pid ($({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null))")
  fi
done
# Nor a run's own process (`futurelab run-child`, which the server starts for each run), nor a run's
# control group.
for pid in $(pgrep -f ' run-child$' || true); do
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)
  [ "$state" = Z ] || [ "$state" = gone ] || left+=("$pid ($({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null))")
done
# A group that still holds a process is a leak; an empty one is what a server killed mid-run leaves
# (the next server removes it, as this does).
for group in /sys/fs/cgroup/futurelab-* /sys/fs/cgroup/memory/futurelab-* /sys/fs/cgroup/pids/futurelab-*; do
  [ -d "$group" ] || continue
  if [ -s "$group/cgroup.procs" ]; then
    left+=("control group $group, holding $(tr '\n' ' ' <"$group/cgroup.procs")")
  else
    rmdir "$group" 2>/dev/null || true
  fi
done
# Nor a cluster worker or a redis-server that a cluster test started (on a free loopback port; the
# machine's own Redis, on 6379 if the package started one, is not the tests').
for pid in $(pgrep -f 'futurelab-worker --redis' || true) $(pgrep -f '^redis-server 127\.0\.0\.1:' | grep -v "^$(pgrep -f '^redis-server 127\.0\.0\.1:6379$' || echo none)$" || true); do
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)
  [ "$state" = Z ] || [ "$state" = gone ] || left+=("$pid ($({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null))")
done
if [ ${#left[@]} -gt 0 ]; then
  printf 'worker processes left after the tests:\n' >&2
  printf '  %s\n' "${left[@]}" >&2
  exit 1
fi
echo "[check] no worker processes (nor run processes, their control groups, cluster workers, test redis-servers) left"
