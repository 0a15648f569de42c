"""Each notebook's execution time from a fresh kernel, as CI runs it (a copy; nothing is written)."""

import sys
import time
from pathlib import Path

import nbformat
from run import Row

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbrules  # noqa: E402  (tools/ holds the one Run All runner)


def run(progress):
    rows, total = [], 0.0
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        progress(f"notebook {path.name}")
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        nbrules.run_all(nb, path.parent)  # Run All semantics, as make execute and CI run it
        seconds = time.perf_counter() - start
        total += seconds
        rows.append(Row("notebook run time (fresh kernel)", path.stem, seconds, compare=False))
    rows.append(Row("notebook run time (fresh kernel)", "all notebooks", total, compare=False))
    return rows
