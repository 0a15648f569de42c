"""Each notebook's execution time from a fresh kernel, as CI runs it (a copy; nothing is written)."""

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from run import Row

ROOT = Path(__file__).resolve().parents[1]


def run(progress):
    rows, total = [], 0.0
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        progress(f"notebook {path.name}")
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        # Run All semantics: cells tagged raises-exception may raise, any other error stops the run.
        NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                       extra_arguments=["--IPKernelApp.capture_fd_output=False", "--IPKernelApp.log_level=ERROR"],
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        seconds = time.perf_counter() - start
        total += seconds
        rows.append(Row("notebook run time (fresh kernel)", path.stem, seconds, compare=False))
    rows.append(Row("notebook run time (fresh kernel)", "all notebooks", total, compare=False))
    return rows
