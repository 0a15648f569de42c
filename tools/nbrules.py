"""The notebook rules shared by the tests, the tools and the benchmarks (one copy of each rule).

- A cell that fails on purpose carries the cell tag ``raises-exception``. JupyterLab's Run All,
  nbclient (``jupyter execute``) and nbval all honour that tag and carry on past the error; the old
  ``# NBVAL_RAISES_EXCEPTION`` comment is honoured by nbval alone, so it is not used.
- A solution cell is tagged ``solution`` and ``hide-cell`` (the site's toggle) and is stored with
  both its source and its output collapsed (JupyterLab), so no answer shows before it is asked for.
- Run All semantics live in one runner, :func:`run_all` (make execute, make runall, make compat and
  the notebook benchmark use it): the first error of a cell not tagged ``raises-exception`` stops it.
- Stored stream output is what a terminal would show: progress bars' ``\\b``/``\\r`` rewrites are
  replaced by their final text (only in cells whose output nbval ignores).
"""

from __future__ import annotations

import re
from pathlib import Path

RAISES_TAG = "raises-exception"
OLD_RAISES_MARKER = "NBVAL_RAISES_EXCEPTION"
IGNORE_MARKER = "NBVAL_IGNORE_OUTPUT"
SOLUTION_TAGS = ("solution", "hide-cell")
#: Kernels run as nbval runs them (no capture of C-level output), so outputs match what nbval sees.
KERNEL_ARGS = ["--IPKernelApp.capture_fd_output=False", "--IPKernelApp.log_level=ERROR"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")

#: Absolute paths of any machine (checkout, home, temp, site-packages, Windows user folders).
MACHINE_PATH = re.compile(
    r"(?:/(?:work|root|home|Users|tmp|private|var/folders|opt|usr/lib|usr/local)/"
    r"|site-packages|dist-packages|\.venv|[A-Za-z]:\\\\|\\Users\\|AppData)"
)


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def raises_on_purpose(cell) -> bool:
    """True for a code cell tagged ``raises-exception``."""
    return cell.get("cell_type") == "code" and RAISES_TAG in tags(cell)


def has_marker(cell, marker: str) -> bool:
    return any(line.strip().lstrip("#").strip() == marker for line in cell.get("source", "").splitlines())


def ignores_output(cell) -> bool:
    return has_marker(cell, IGNORE_MARKER) or "nbval-ignore-output" in tags(cell)


def is_solution(cell) -> bool:
    return cell.get("cell_type") == "code" and "solution" in tags(cell)


def render_terminal(text: str) -> str:
    """What a terminal shows for ``text``: backspaces removed, each line from its last ``\\r`` on.

    >>> render_terminal("1/3 [=>  ]\\b\\b\\b\\b\\b\\b\\b\\b\\b\\b\\r3/3 [===]\\n")
    '3/3 [===]\\n'
    """
    lines = []
    for line in text.replace("\b", "").split("\n"):
        parts = [p for p in line.split("\r") if p]
        lines.append(parts[-1].rstrip() if parts else "")
    return "\n".join(lines)


def clean_outputs(outputs: list) -> list:
    """Merge consecutive stream outputs of one name and render them as a terminal would."""
    merged: list = []
    for out in outputs:
        if (
            out.get("output_type") == "stream"
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == out.get("name")
        ):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(out)
    for out in merged:
        if out.get("output_type") == "stream":
            out["text"] = render_terminal(out["text"])
    return merged


class RunAllStopped(Exception):
    """Run All stopped before the last cell: ``ran`` of ``total`` code cells ran; ``message`` is the error."""

    def __init__(self, ran: int, total: int, message: str):
        super().__init__(f"Run All stops at code cell {ran} of {total}: {message}")
        self.ran, self.total, self.message = ran, total, message


def run_all(nb, workdir: Path, timeout: int = 600, record_timing: bool = False) -> tuple[int, int]:
    """Execute ``nb`` in place, from a fresh kernel, as JupyterLab's Run All and ``jupyter execute`` do.

    Outputs and execution counts are cleared first. Returns (code cells run, code cells); raises
    :class:`RunAllStopped` when an error in a cell not tagged ``raises-exception`` stops the run.
    ``record_timing`` leaves each cell's start and end in ``cell.metadata.execution`` (read them
    with :func:`cell_seconds`; :mod:`execute_notebooks` removes them before saving).
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    code = [c for c in nb.cells if c.get("cell_type") == "code"]
    for cell in code:
        cell.outputs, cell.execution_count = [], None
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=record_timing,
        allow_errors=False,
        extra_arguments=KERNEL_ARGS,
        resources={"metadata": {"path": str(workdir)}},
    )
    try:
        client.execute()
    except CellExecutionError as err:
        lines = [ln for ln in ANSI.sub("", str(err)).strip().splitlines() if ln.strip()]
        ran = sum(c.execution_count is not None for c in code)
        raise RunAllStopped(ran, len(code), (lines[-1] if lines else "error")[:300]) from None
    return sum(c.execution_count is not None for c in code), len(code)


def cell_seconds(cell) -> float | None:
    """Wall seconds a cell ran for, from the timing ``run_all(..., record_timing=True)`` recorded."""
    from datetime import datetime

    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    return (
        datetime.fromisoformat(end.replace("Z", "+00:00")) - datetime.fromisoformat(start.replace("Z", "+00:00"))
    ).total_seconds()


def shows_progress(cell) -> bool:
    """Whether a cell shows the learner something while it runs: a Keras progress bar, or lines
    printed as it goes (one status line per epoch), rather than one answer at the end."""
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    return "\u2501" in text or "Epoch " in text or text.count("\n") >= 3
