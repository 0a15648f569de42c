"""Where `make test`'s time goes, and what two pytest-xdist workers buy (``make bench-suite``).

A benchmark, never a test: it runs each part of `make test` (lint, unit tests and doctests, strict
nbval) with one process (WORKERS=0) and with two workers (WORKERS=2, the default of `make test`),
``--repeat`` times each, and prints the wall time of every run, then the slowest test items of the
one-process runs. Takes about 10 minutes on 2 cores per repeat; run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DURATION = re.compile(r"^\s*(\d+\.\d+)s (call|setup|teardown)\s+(\S+)", re.M)


def timed(target: str, workers: int | None, durations: bool) -> tuple[float, str]:
    """Run ``make <target>``; returns (wall seconds, output)."""
    cmd = ["make", "--no-print-directory", target]
    if workers is not None:
        cmd.append(f"WORKERS={workers}")
    env = dict(os.environ)
    if durations:
        env["PYTEST_ADDOPTS"] = "--durations=12"
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"make {target} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds, proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each variant (default 1)")
    args = parser.parse_args()
    subprocess.run(["make", "--no-print-directory", "env"], cwd=ROOT, check=True, capture_output=True)
    runs: dict[tuple[str, str], list[float]] = {}
    slowest: dict[str, str] = {}
    for _ in range(args.repeat):
        seconds, _out = timed("lint", None, False)
        runs.setdefault(("lint", "-"), []).append(seconds)
        for target in ("unit", "nbval"):
            for workers in (0, 2):
                print(f"  … make {target} WORKERS={workers}", flush=True)
                seconds, out = timed(target, workers, durations=workers == 0)
                runs.setdefault((target, f"WORKERS={workers}"), []).append(seconds)
                if workers == 0:
                    slowest[target] = "\n".join(
                        f"    {float(s):6.1f} s  {phase:<8} {item}" for s, phase, item in DURATION.findall(out)
                    )
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    print("| part  | run       | wall s (each run)      |")
    print("|-------|-----------|------------------------|")
    for (target, how), values in runs.items():
        print(f"| {target:<5} | {how:<9} | {', '.join(f'{v:.0f}' for v in values):<22} |")
    for target, text in slowest.items():
        print(f"\nslowest items of make {target} (one process):\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
