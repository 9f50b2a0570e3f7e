"""Every performance figure of the project, in one command.

    .venv/bin/python benchmarks/run_all.py            # every bench_*.py, then the load test
    .venv/bin/python benchmarks/run_all.py --long     # the load test in its long form (60 s)
    .venv/bin/python benchmarks/run_all.py -k limits  # only the benchmarks whose name has "limits"

Runs each ``benchmarks/bench_*.py`` (whichever exist: they are found, not
listed) and ``scripts/loadtest.py`` in its own process, one after the other so
that they do not compete for the two cores, shows each one's output, and ends
with a summary of every line that states a ratio or a target. Each figure is
a ratio against a baseline measured in the same run (PERFORMANCE.md: trust
ratios on these shared machines, not times).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
# A line states a figure when it gives a ratio ("ratio 0.47", "× 5.52", "832× health")
# or a target; "1024×1024" is a size, not a ratio.
FIGURE = re.compile(r"ratio|target|MISSED|saturat|\d× |× \d", re.I)


def run(name: str, argv: list[str], timeout: float) -> tuple[int, list[str], float]:
    print(f"\n=== {name} ===", flush=True)
    start = time.perf_counter()
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    try:
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
        lines = (done.stdout + done.stderr).rstrip().splitlines()
        code = done.returncode
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        lines = [*out.rstrip().splitlines(), f"(stopped after {timeout:g} s)"]
        code = -1
    for line in lines:
        print("  " + line)
    return code, lines, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", default="", help="only the benchmarks whose name contains this")
    parser.add_argument("--long", action="store_true",
                        help="the load test's long form: 64 clients, 60 s mixed")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per benchmark")
    args = parser.parse_args()

    jobs = [(path.stem, [sys.executable, str(path)])
            for path in sorted(HERE.glob("bench_*.py"))]
    load = ["--clients", "64", "--duration", "60", "--baseline", "10"] if args.long else [
        "--clients", "64", "--duration", "15", "--baseline", "5"]
    jobs.append(("loadtest", [sys.executable, str(ROOT / "scripts" / "loadtest.py"), *load]))
    jobs = [(name, argv) for name, argv in jobs if args.k in name]

    summary: list[str] = []
    failed: list[str] = []
    for name, argv in jobs:
        code, lines, seconds = run(name, argv, args.timeout)
        if code != 0:
            failed.append(f"{name} (exit {code})")
        summary.extend(f"{name}: {line.strip()}" for line in lines if FIGURE.search(line))
        summary.append(f"{name}: took {seconds:.0f} s")
    print("\n=== summary: every ratio and target ===")
    for line in summary:
        print("  " + line)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
