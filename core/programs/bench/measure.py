#!/usr/bin/env python3
"""Time the engine's benchmark programs under python3 and under `futurelab run`, taking turns.

Each measurement is one whole process (time.perf_counter), from just before it is started to just
after it has been reaped with os.wait4.
For each program the two interpreters take turns (python3, futurelab, python3, futurelab, ...),
`--runs` times each; the table shows the median wall time of each and their ratio, and checks that
both printed the same standard output.

The memory measurement runs memory/list_ints.py and memory/empty.py through the maxrss launcher
(maxrss.c) and reports their peak resident memory (ru_maxrss, as /proc/PID/status's VmHWM).

A run that exits with an error is recorded as "fails: <the error's first line>" (for a traceback:
its exception line) and is not repeated. A run slower than --repeat-limit seconds is not repeated
either (its single time is the figure, marked "1 run"). Used by run.sh; see core/programs/BENCHMARKS.md.
"""

import argparse
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# The table's order (issue #25's list); any other program in programs/ follows, by name.
ORDER = ["fib", "loop_sum", "is_prime", "method_calls", "strings", "dicts", "listcomp", "nbody",
         "scheduler", "generators", "asyncio_tasks"]


class Run:
    def __init__(self, seconds, cpu, maxrss_kb, code, stdout, stderr, timed_out):
        self.seconds = seconds
        self.cpu = cpu  # user + system CPU seconds, every thread and reaped child
        self.maxrss_kb = maxrss_kb
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out

    @property
    def ok(self):
        return self.code == 0 and not self.timed_out


def run_once(cmd, timeout, launcher=None):
    """Run `cmd` to its end: its wall time, peak RSS (KB), exit code, stdout and stderr.

    With `launcher` (the maxrss program that run.sh builds from maxrss.c), the peak RSS is the one the
    launcher reports, which does not start from this python3 process's own; without it, ru_maxrss from
    our wait4, good for timing runs only."""
    rss_file = None
    if launcher:
        fd, rss_file = tempfile.mkstemp(prefix="bench-maxrss-")
        os.close(fd)
        cmd = [launcher, rss_file] + list(cmd)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        timed_out = []

        def kill():
            timed_out.append(True)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=True)
        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        maxrss = usage.ru_maxrss
        if rss_file:
            text = Path(rss_file).read_text().strip()
            os.unlink(rss_file)
            maxrss = int(text) if text else 0
        return Run(seconds, usage.ru_utime + usage.ru_stime, maxrss, proc.returncode,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   bool(timed_out))


def first_error_line(run, timeout):
    """The error's first line: a traceback's exception line, else the first line of stderr that is not
    futurelab's own closing note ("... ran for 0.01 s", "... ended with an uncaught exception")."""
    if run.timed_out:
        return f"timeout (killed after {timeout:g} s)"
    # Name the program by its file name, not its absolute path (futurelab's parse errors start with it).
    stderr = run.stderr.replace(str(HERE / "programs") + "/", "").replace(str(HERE / "memory") + "/", "")
    lines = [l for l in stderr.splitlines() if l.strip()]
    lines = [l for l in lines
             if not (l.startswith("futurelab: ") and (" ran for " in l or l.endswith("uncaught exception")))]
    lines = [l[len("futurelab: "):] if l.startswith("futurelab: ") else l for l in lines]
    for i, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            for after in lines[i + 1:]:
                if not after.startswith((" ", "\t")):
                    return after.strip()
    if lines:
        return lines[0].strip()
    return f"exit code {run.code}, nothing on stderr"


class Side:
    """One interpreter's runs of one program."""

    def __init__(self, name, cmd, launcher=None):
        self.name = name
        self.cmd = cmd
        self.launcher = launcher
        self.runs = []
        self.done = False  # failed, or too slow to repeat

    def step(self, timeout, repeat_limit):
        if self.done:
            return
        run = run_once(self.cmd, timeout, self.launcher)
        self.runs.append(run)
        if not run.ok or run.seconds > repeat_limit:
            self.done = True

    @property
    def failed(self):
        return bool(self.runs) and not self.runs[-1].ok

    def median(self):
        return statistics.median(r.seconds for r in self.runs)

    def median_cpu(self):
        return statistics.median(r.cpu for r in self.runs)

    def median_rss_kb(self):
        return statistics.median(r.maxrss_kb for r in self.runs)


def measure(name, path, runs, futurelab, timeout, repeat_limit):
    py = Side("python3", ["python3", str(path)])
    fl = Side("futurelab", [futurelab, "run", str(path), "--timestamps", "none"])
    for _ in range(runs):
        py.step(timeout, repeat_limit)
        fl.step(timeout, repeat_limit)
        print(f"  {name}: python3 {py.runs[-1].seconds:.3f} s, futurelab {fl.runs[-1].seconds:.3f} s",
              file=sys.stderr, flush=True)
    return py, fl


def fmt_time(side, timeout, runs):
    if side.failed:
        return "fails: " + first_error_line(side.runs[-1], timeout).replace("|", "\\|")
    text = f"{side.median():.2f}"
    if len(side.runs) < runs:
        text += f" ({len(side.runs)} run{'s' if len(side.runs) > 1 else ''})"
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--futurelab", required=True, help="the futurelab binary")
    ap.add_argument("--timeout", type=float, default=600.0, help="kill a run after this many seconds")
    ap.add_argument("--repeat-limit", type=float, default=30.0,
                    help="a run slower than this many seconds is not repeated")
    ap.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    ap.add_argument("--maxrss", help="the launcher built from maxrss.c (needed for the memory measurement)")
    ap.add_argument("programs", nargs="*", help="program names (default: every programs/*.py)")
    args = ap.parse_args()

    found = {p.stem: p for p in sorted((HERE / "programs").glob("*.py"))}
    available = {n: found[n] for n in ORDER if n in found}
    available.update((n, p) for n, p in found.items() if n not in available)
    names = args.programs or list(available)
    unknown = [n for n in names if n not in available]
    if unknown:
        sys.exit(f"unknown program(s): {', '.join(unknown)}; there are: {', '.join(available)}")

    rows = []
    raw = []
    ratios = []
    cpu_ratios = []
    problems = []
    for name in names:
        py, fl = measure(name, available[name], args.runs, args.futurelab, args.timeout, args.repeat_limit)
        ratio = ""
        note = ""
        if py.failed:
            problems.append(f"python3 fails on {name}: {first_error_line(py.runs[-1], args.timeout)}")
            note = "python3 fails"
        elif not fl.failed:
            if py.runs[-1].stdout == fl.runs[-1].stdout:
                r = fl.median() / py.median()
                ratios.append(r)
                cpu_ratios.append(fl.median_cpu() / py.median_cpu())
                ratio = f"{r:.2f}x"
                note = "same output"
            else:
                ratio = f"({fl.median() / py.median():.2f}x)"
                note = "**outputs differ**"
                problems.append(f"{name}: outputs differ\n  python3:   {py.runs[-1].stdout!r}\n"
                                f"  futurelab: {fl.runs[-1].stdout!r}")
        rows.append(f"| `{name}` | {fmt_time(py, args.timeout, args.runs)} | {fmt_time(fl, args.timeout, args.runs)} | {ratio} | {note} |")
        raw.append(f"- `{name}`: python3 " + ", ".join(f"{r.seconds:.3f} ({r.cpu:.3f})" for r in py.runs)
                   + "; futurelab " + ", ".join(f"{r.seconds:.3f} ({r.cpu:.3f})" for r in fl.runs))

    print("| program | CPython s | futurelab s | ratio | output |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(row)
    if ratios:
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"| **geometric mean** ({len(ratios)} program{'s' if len(ratios) != 1 else ''} both ran) | | | **{geo:.2f}x** | |")
    print()
    print(f"Median of {args.runs} runs each, wall time of the whole process, python3 and futurelab taking turns.")
    print(f"python3: {subprocess.run(['python3', '--version'], capture_output=True, text=True).stdout.strip()}")
    print()
    if cpu_ratios:
        geo_cpu = math.exp(sum(math.log(r) for r in cpu_ratios) / len(cpu_ratios))
        print(f"On CPU time (user + system) instead of wall time, the same programs' geometric mean is"
              f" {geo_cpu:.2f}x (less sensitive to a busy machine; futurelab's helper threads count too).")
        print()
    print("Each run, wall seconds (CPU seconds):")
    print("\n".join(raw))

    if not args.no_memory and not args.maxrss:
        print("\n(memory not measured: no --maxrss launcher)")
    if not args.no_memory and args.maxrss:
        print()
        memory(args)

    if problems:
        print()
        print("Problems:")
        for p in problems:
            print("- " + p)
        return 1
    return 0


def memory(args):
    """Peak resident memory of a list of 1,000,000 ints, and of a program that makes no list."""
    progs = {
        "list of 1,000,000 ints": HERE / "memory" / "list_ints.py",
        "nothing (`print(0)`)": HERE / "memory" / "empty.py",
    }
    results = {}
    for label, path in progs.items():
        py = Side("python3", ["python3", str(path)], args.maxrss)
        fl = Side("futurelab", [args.futurelab, "run", str(path), "--timestamps", "none"], args.maxrss)
        for _ in range(args.runs):
            py.step(args.timeout, args.repeat_limit)
            fl.step(args.timeout, args.repeat_limit)
        results[label] = (py, fl)
    print("| peak resident memory (VmHWM) | CPython MB | futurelab MB | ratio |")
    print("|---|---|---|---|")
    for label, (py, fl) in results.items():
        if py.failed or fl.failed:
            cell = lambda s: ("fails: " + first_error_line(s.runs[-1], args.timeout)) if s.failed else f"{s.median_rss_kb() / 1024:.1f}"
            print(f"| {label} | {cell(py)} | {cell(fl)} | |")
        else:
            a, b = py.median_rss_kb() / 1024, fl.median_rss_kb() / 1024
            print(f"| {label} | {a:.1f} | {b:.1f} | {b / a:.2f}x |")
    (lp, lf), (ep, ef) = results.values()
    if not any(s.failed for s in (lp, lf, ep, ef)):
        a = (lp.median_rss_kb() - ep.median_rss_kb()) / 1024
        b = (lf.median_rss_kb() - ef.median_rss_kb()) / 1024
        print(f"| the list alone (the first row less the second) | {a:.1f} | {b:.1f} | {b / a:.2f}x |")
    print()
    print(f"Median of {args.runs} runs each: ru_maxrss from wait4 in a small C launcher (maxrss.c), the process's"
          " peak resident memory (as VmHWM), its children included.")


if __name__ == "__main__":
    sys.exit(main())
