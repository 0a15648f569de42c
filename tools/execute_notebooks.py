"""Re-execute notebooks in place from a fresh kernel: the only way committed outputs are made.

Usage: python tools/execute_notebooks.py notebooks/01_*.ipynb [...]   (make execute NB=...)

- Runs each notebook top to bottom in a new kernel of this environment, with the notebook's
  folder as working directory (as nbval does), so execution counts are 1..n.
- A cell marked ``# NBVAL_RAISES_EXCEPTION`` is tagged ``raises-exception`` while it runs (so
  execution continues past it) and must raise; any other cell that raises stops the run. The tag
  is removed before saving: nbval reads the comment, and warns when both are present.
- Runs the kernel as nbval does (no capture of C-level output), so stored outputs are what
  nbval will see.
- Prints each notebook's wall time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

MARKER = "NBVAL_RAISES_EXCEPTION"
TAG = "raises-exception"


def marked_to_raise(cell) -> bool:
    return any(line.strip().lstrip("#").strip() == MARKER for line in cell.source.splitlines())


def execute(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.setdefault("tags", [])
        if marked_to_raise(cell) and TAG not in tags:
            tags.append(TAG)
        if not marked_to_raise(cell) and TAG in tags:
            tags.remove(TAG)
        if not tags:
            del cell.metadata["tags"]
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    start = time.perf_counter()
    # capture_fd_output=False: like nbval's kernel, so C++ lines written to fd 1/2 are never stored.
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   extra_arguments=["--IPKernelApp.capture_fd_output=False", "--IPKernelApp.log_level=ERROR"],
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        raised = any(o.output_type == "error" for o in cell.outputs)
        if marked_to_raise(cell) and not raised:
            raise SystemExit(f"{path}: code cell {i + 1} is marked {MARKER} but did not raise.")
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if TAG in tags:
            tags.remove(TAG)
        if "tags" in cell.metadata and not tags:
            del cell.metadata["tags"]
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted(Path("notebooks").glob("*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"executing {path} ...", flush=True)
        print(f"  done in {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
