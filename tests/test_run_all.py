"""Every notebook runs to its last cell the way a learner runs it (make runall; CI runs it).

JupyterLab's "Run All" and "Restart Kernel and Run All Cells" stop at the first error of a cell
that is not tagged ``raises-exception``, and leave every cell below it unrun; `jupyter execute`
(nbclient) does the same. This executes each committed notebook that way, in a fresh kernel, and
asserts that every code cell ran. (Strict nbval, in `make test`, compares the outputs.)
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tools import nbrules

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.runall
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_run_all_reaches_the_last_cell(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(path.parent)}})
    code = [c for c in nb.cells if c.cell_type == "code"]
    try:
        client.execute()
    except CellExecutionError as err:
        ran = sum(c.execution_count is not None for c in code)
        pytest.fail(f"{path.name}: Run All stops at code cell {ran} of {len(code)}: "
                    f"{str(err).strip().splitlines()[-1][:200]}")
    ran = sum(c.execution_count is not None for c in code)
    assert ran == len(code), f"{path.name}: only {ran} of {len(code)} code cells ran"
    for i, cell in enumerate(code, 1):
        raised = any(o.output_type == "error" for o in cell.outputs)
        assert raised == nbrules.raises_on_purpose(cell), \
            f"{path.name}: code cell {i} {'raised' if raised else 'did not raise'} but is " \
            f"{'' if nbrules.raises_on_purpose(cell) else 'not '}tagged {nbrules.RAISES_TAG}"
    print(f"{path.name}: cells run {ran}/{len(code)}")
