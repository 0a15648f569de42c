"""Speed benchmarks, printed as one table of ratios (``make bench``). Never part of the tests.

Each ``bench/bench_<topic>.py`` defines ``run(progress) -> list[Row]``; every row of a group is
measured in the same run and compared with the group's baseline row (ratio = value / baseline).
"""

from __future__ import annotations

import importlib.util
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from helpers.session import QUIET_ENV, silence_fd2

for _name, _value in QUIET_ENV.items():  # before TensorFlow is imported, as helpers.session.start() does
    os.environ.setdefault(_name, _value)

with silence_fd2():  # TensorFlow's GPU probe writes to fd 2 on machines without a GPU
    import tensorflow  # noqa: F401


@dataclass
class Row:
    group: str  # what is compared, e.g. "windowing 1,000,000 steps"
    case: str  # this variant, e.g. "helpers.windows.make_windows"
    value: float  # seconds (or another unit)
    baseline: bool = False
    unit: str = "s"
    compare: bool = True  # False: a plain measurement, no ratio (e.g. each notebook's run time)


def timeit(fn, repeat: int = 3) -> float:
    """Best of ``repeat`` wall-clock runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def progress(message: str) -> None:
    print(f"  … {message}", flush=True)


def main() -> int:
    here = Path(__file__).parent
    rows: list[Row] = []
    only = sys.argv[1:]  # e.g. `python bench/run.py windows pipeline` runs only those modules
    for path in sorted(here.glob("bench_*.py")):
        if only and path.stem.removeprefix("bench_") not in only:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        progress(f"{path.stem}")
        rows.extend(module.run(progress))
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    gw = max([len("benchmark"), *(len(r.group) for r in rows)])
    cw = max([len("case"), *(len(r.case) for r in rows)])
    print(f"| {'benchmark':<{gw}} | {'case':<{cw}} | {'value':>10} | {'ratio':>9} |")
    print(f"|{'-' * (gw + 2)}|{'-' * (cw + 2)}|{'-' * 12}|{'-' * 11}|")
    for group in dict.fromkeys(r.group for r in rows):
        members = [r for r in rows if r.group == group]
        base = next((r for r in members if r.baseline), members[0])
        for r in members:
            value = f"{r.value:.4f} {r.unit}" if r.unit == "s" else f"{r.value:.3f} {r.unit}"
            if r.compare and base.value:
                x = r.value / base.value
                ratio = f"{x:,.0f}x" if x >= 100 else f"{x:.2f}x"
            else:
                ratio = "—"
            print(f"| {group:<{gw}} | {r.case:<{cw}} | {value:>10} | {ratio:>9} |")
    print("\nratio = value / the group's baseline (the first row of each group): below 1 is faster/smaller.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
