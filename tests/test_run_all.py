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

from tools import nbrules

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.runall
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_run_all_reaches_the_last_cell(path):
    nb = nbformat.read(path, as_version=4)
    try:
        ran, total = nbrules.run_all(nb, path.parent)
    except nbrules.RunAllStopped as err:
        pytest.fail(f"{path.name}: {err}")
    assert ran == total, f"{path.name}: only {ran} of {total} code cells ran"
    for i, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), 1):
        raised = any(o.output_type == "error" for o in cell.outputs)
        assert raised == nbrules.raises_on_purpose(cell), (
            f"{path.name}: code cell {i} {'raised' if raised else 'did not raise'} but is "
            f"{'' if nbrules.raises_on_purpose(cell) else 'not '}tagged {nbrules.RAISES_TAG}"
        )
    print(f"{path.name}: cells run {ran}/{total}")
