"""Re-execute notebooks in place from a fresh kernel: the only way committed outputs are made.

Usage: python tools/execute_notebooks.py notebooks/01_*.ipynb [...]   (make execute NB=...)

- Runs each notebook top to bottom in a new kernel of this environment, with the notebook's
  folder as working directory (as nbval does), with the semantics of JupyterLab's Run All and of
  ``jupyter execute``: the first error in a cell *not* tagged ``raises-exception`` stops the run,
  and this tool then fails, naming the cell. A tagged cell that does not raise fails too.
- Before running, stamps the launch links and the install block (tools/launch.py).
- Every code cell must have run (execution counts 1..n); the tool prints "cells run: n/n".
- Runs the kernel as nbval does (no capture of C-level output), so stored outputs are what nbval
  will see.
- Stores clean outputs: in cells whose output nbval ignores (progress bars), streams are merged
  and stored as a terminal shows them (no ``\\b``/``\\r`` debris); solution cells are stored
  collapsed (source and output) with the ``solution`` and ``hide-cell`` tags.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import launch
import nbrules


def run_all(nb, path: Path, timeout: int = 600) -> tuple[float, int, int]:
    """Execute ``nb`` as Run All does. Returns (seconds, cells run, code cells)."""
    start = time.perf_counter()
    try:
        ran, total = nbrules.run_all(nb, path.parent, timeout, record_timing=True)
    except nbrules.RunAllStopped as err:
        hint = f"Fix the cell, or tag it '{nbrules.RAISES_TAG}' if it fails on purpose."
        raise SystemExit(f"{path}: {err}\n{hint}") from None
    return time.perf_counter() - start, ran, total


#: A cell that runs longer than this without showing progress is reported (issue: no silent waits).
SLOW_SECONDS = 3.0


def slow_cells(nb) -> list[str]:
    """Code cells that ran over SLOW_SECONDS, one line each, flagged when they show no progress."""
    lines = []
    for i, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), 1):
        seconds = nbrules.cell_seconds(cell)
        if seconds is not None and seconds > SLOW_SECONDS:
            first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
            flag = "shows progress" if nbrules.shows_progress(cell) else "SILENT while it runs"
            lines.append(f"  code cell {i}: {seconds:.1f} s, {flag}: {first}")
    return lines


def tidy(nb, path: Path) -> None:
    """Check the raise tags held, then store clean outputs and collapsed solutions."""
    for i, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), 1):
        raised = any(o.output_type == "error" for o in cell.outputs)
        if nbrules.raises_on_purpose(cell) and not raised:
            raise SystemExit(f"{path}: code cell {i} is tagged '{nbrules.RAISES_TAG}' but did not raise.")
        if nbrules.ignores_output(cell):
            cell.outputs = [nbformat.from_dict(o) for o in nbrules.clean_outputs([dict(o) for o in cell.outputs])]
        if nbrules.is_solution(cell):
            tags = cell.metadata.setdefault("tags", [])
            tags.extend(t for t in nbrules.SOLUTION_TAGS if t not in tags)
            cell.metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
        cell.metadata.pop("execution", None)


def execute(path: Path, timeout: int = 600) -> tuple[float, int, int]:
    nb = nbformat.read(path, as_version=4)
    old = [
        i
        for i, c in enumerate((c for c in nb.cells if c.cell_type == "code"), 1)
        if nbrules.has_marker(c, nbrules.OLD_RAISES_MARKER)
    ]
    if old:
        raise SystemExit(
            f"{path}: code cells {old} use the '# {nbrules.OLD_RAISES_MARKER}' comment, which "
            f"JupyterLab ignores; tag them '{nbrules.RAISES_TAG}' instead."
        )
    launch.stamp(nb, path.name)  # launch links and install block, from the one repository URL
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    seconds, ran, total = run_all(nb, path, timeout)
    slow = slow_cells(nb)
    if slow:
        print(f"{path.name}: cells over {SLOW_SECONDS:.0f} s", *slow, sep="\n")
    tidy(nb, path)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return seconds, ran, total


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted(Path("notebooks").glob("*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"executing {path} ...", flush=True)
        seconds, ran, total = execute(path)
        print(f"  done in {seconds:.1f} s, cells run: {ran}/{total}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
