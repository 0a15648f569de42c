"""Hygiene of the committed notebooks (the conventions in docs/AUTHORING.md, enforced).

nbval checks that stored outputs equal a fresh run; these tests check that the notebooks
are shaped for learners and were saved from one clean run.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tools import launch, nbrules

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")
MAX_TRACEBACK_LINES = 25
# Notebook 00 is a set-up check, not a lesson: it has no exercises.
NO_EXERCISES = {"00"}


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def output_text(out) -> str:
    """Everything a reader sees of one output: text, error line and traceback, non-image data."""
    if "text" in out:
        return out["text"]
    if out.get("output_type") == "error":
        return "\n".join([out.get("ename", "") + ": " + out.get("evalue", ""), *out.get("traceback", [])])
    return "\n".join(str(v) for k, v in out.get("data", {}).items() if not k.startswith("image/"))


def test_there_are_notebooks_numbered_from_00_without_gaps():
    assert NOTEBOOKS, "no notebooks found in notebooks/"
    numbers = []
    for path in NOTEBOOKS:
        match = NAME.match(path.name)
        assert match, f"{path.name}: name must be NN_lowercase_slug.ipynb"
        numbers.append(int(match.group(1)))
    assert numbers == list(range(len(numbers))), f"notebook numbers must run 00, 01, ... without gaps: {numbers}"


def test_notebooks_folder_holds_only_notebooks():
    extra = [
        p.name for p in (ROOT / "notebooks").iterdir() if p.suffix != ".ipynb" and p.name not in {".ipynb_checkpoints"}
    ]
    assert not extra, f"notebooks/ should hold only notebooks, found {extra}"


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def nb(request):
    notebook = nbformat.read(request.param, as_version=4)
    nbformat.validate(notebook)
    notebook.path = request.param
    return notebook


def test_opens_with_title_overview_objectives_prerequisites_and_time(nb):
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "first cell: a markdown title '# ...'"
    head = first.source.lower()
    for needed in ("what you will learn", "prerequisites", "time"):
        assert needed in head, f"{nb.path.name}: the first cell must mention {needed!r}"
    assert re.search(r"\d+\s*min", head), f"{nb.path.name}: the first cell must give a time estimate in minutes"


def test_ends_with_key_points_and_next_step(nb):
    text = markdown(nb).lower()
    assert "## key points" in text, f"{nb.path.name}: needs a '## Key points' section"
    assert "## next" in text, f"{nb.path.name}: needs a '## Next' section pointing to the following notebook"
    if nb.path.name[:2] not in NO_EXERCISES:
        assert "## exercises" in text, f"{nb.path.name}: needs an '## Exercises' section"


def test_exercises_have_self_checks_and_hidden_solutions(nb):
    if nb.path.name[:2] in NO_EXERCISES:
        return
    cells = code_cells(nb)
    checks = [c for c in cells if "exercises." in c.source and "check_" in c.source]
    solutions = [c for c in cells if nbrules.is_solution(c)]
    assert checks, f"{nb.path.name}: exercises need self-check calls (helpers.exercises...check_...)"
    assert solutions, f"{nb.path.name}: exercise solutions must be code cells tagged 'solution'"
    for cell in solutions:
        where = f"{nb.path.name}: solution cell {cell.source.splitlines()[:2]}"
        hidden = cell.metadata.get("jupyter", {})
        # Neither the code nor its output (e.g. "correct (1013)") may show before the learner opens it.
        assert hidden.get("source_hidden") and hidden.get("outputs_hidden"), (
            f"{where}: store it collapsed (metadata.jupyter.source_hidden and outputs_hidden): make execute does"
        )
        assert set(nbrules.SOLUTION_TAGS) <= set(nbrules.tags(cell)), (
            f"{where}: needs the tags {nbrules.SOLUTION_TAGS} (hide-cell is the site's toggle)"
        )
        assert cell.source.lstrip().startswith("# Solution"), f"{where}: solution cells start with '# Solution'"
        # Run All executes solutions and JupyterLab then shows their output: it must not give the answer.
        shown = "".join(output_text(o) for o in cell.outputs)
        assert (
            cell.source.rstrip().endswith(".as_solution()") and "passes its check" in shown and len(cell.outputs) == 1
        ), f"{where}: end with exercises.check_...(...).as_solution() and print nothing else"


def test_first_code_cell_installs_if_needed_then_starts_the_session(nb):
    first = code_cells(nb)[0].source
    assert first.startswith(launch.install_block()), (
        f"{nb.path.name}: the first code cell must open with the install block: "
        f"run `python tools/launch.py {nb.path.name}`"
    )
    assert "session.start(" in first, f"{nb.path.name}: first code cell must call helpers.session.start()"
    before = first.split("session.start(")[0]
    assert "tensorflow" not in before and "keras" not in before, (
        f"{nb.path.name}: import TensorFlow/Keras only after session.start()"
    )


def test_title_is_followed_by_launch_links_from_the_one_repository_url(nb):
    head = nb.cells[0].source.split("\n")
    assert launch.launch_line(nb.path.name) in head[:4], (
        f"{nb.path.name}: the line under the title must be the launch links: run `python tools/launch.py`"
    )


def test_saved_from_one_fresh_run(nb):
    counts = [c.execution_count for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{nb.path.name}: execution counts {counts} are not 1..n: "
        f"re-run with `make execute NB={nb.path.relative_to(ROOT)}`"
    )


def test_errors_exactly_in_cells_tagged_raises_exception(nb):
    """Run All (JupyterLab, jupyter execute) goes past an error only in a cell tagged raises-exception."""
    for i, cell in enumerate(code_cells(nb), 1):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not nbrules.has_marker(cell, nbrules.OLD_RAISES_MARKER), (
            f"{nb.path.name}: code cell {i} uses the {nbrules.OLD_RAISES_MARKER} comment, "
            "which JupyterLab ignores: tag it"
        )
        if nbrules.raises_on_purpose(cell):
            assert errors, f"{nb.path.name}: code cell {i} is tagged {nbrules.RAISES_TAG} but stores no error"
        else:
            assert not errors, (
                f"{nb.path.name}: code cell {i} stores a {errors[0].ename} but is not tagged: Run All stops there"
            )


def test_stored_errors_are_short(nb):
    for i, cell in enumerate(code_cells(nb), 1):
        for out in cell.outputs:
            if out.output_type == "error":
                lines = "\n".join(out.traceback).splitlines()
                assert len(lines) <= MAX_TRACEBACK_LINES, (
                    f"{nb.path.name}: code cell {i} stores a {len(lines)}-line traceback "
                    "(session.start() sets %xmode Minimal)"
                )


def test_no_stderr_no_machine_paths_no_progress_debris(nb):
    for i, cell in enumerate(code_cells(nb), 1):
        for out in cell.outputs:
            assert out.get("name") != "stderr", (
                f"{nb.path.name}: code cell {i} printed to stderr: {out.get('text', '')[:120]!r}"
            )
            text = output_text(out)
            found = nbrules.MACHINE_PATH.search(text)
            assert not found, f"{nb.path.name}: code cell {i} output contains a machine path ({found.group(0)!r})"
            assert "\b" not in text and "\r" not in text, (
                f"{nb.path.name}: code cell {i} stores progress-bar debris (\\b or \\r): re-run `make execute`"
            )


HELPER_NAME = re.compile(r"\bhelpers\.([a-z_]+)\.([A-Za-z_]\w*)")


def test_helpers_named_in_the_text_exist(nb):
    """`helpers.module.name` in a notebook's text must be real: a move between modules leaves no stale name."""
    import importlib

    for module, name in sorted(set(HELPER_NAME.findall(markdown(nb)))):
        try:
            found = hasattr(importlib.import_module(f"helpers.{module}"), name)
        except ImportError:
            found = False
        assert found, f"{nb.path.name}: the text names helpers.{module}.{name}, which does not exist"


def test_stored_outputs_need_no_widgets(nb):
    """An explorable's stored output is its static figure: GitHub, the site and nbval cannot show a
    widget, and a stored widget view is stale the moment the kernel stops."""
    for i, cell in enumerate(code_cells(nb), 1):
        for out in cell.outputs:
            assert "application/vnd.jupyter.widget-view+json" not in out.get("data", {}), (
                f"{nb.path.name}: code cell {i} stores a widget; store the static figure (see docs/AUTHORING.md)"
            )
    assert "widgets" not in nb.metadata, f"{nb.path.name}: widget state saved in the notebook metadata"


def test_code_follows_the_conventions(nb):
    for i, cell in enumerate(code_cells(nb), 1):
        src = cell.source
        where = f"{nb.path.name}: code cell {i}"
        assert "sys.path" not in src and "%run" not in src, f"{where}: import helpers as a package, no path hacks"
        assert not re.search(r"^\s*from \S+ import \*", src, re.M), f"{where}: no star imports"
        last = [ln for ln in src.rstrip().splitlines() if ln.strip() and not ln.strip().startswith("#")]
        assert not (last and last[-1].rstrip().endswith(";")), (
            f"{where}: a trailing ';' does not hide output under nbval; assign the result (_ = ...) instead"
        )
        # Keras 2 idioms only where they are shown failing: a cell marked to raise, or run via attempt(...)
        if not nbrules.raises_on_purpose(cell) and "attempt(" not in src:
            for old in ("input_shape=", "batch_input_shape=", ".reset_states()"):
                assert old not in src, f"{where}: Keras 2 idiom {old!r} outside a cell marked to raise"


def test_uses_the_course_kernel(nb):
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


def test_readme_learning_path_lists_exactly_the_notebooks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"notebooks/(\d\d_[a-z0-9_]+\.ipynb)", readme))
    assert listed == {p.name for p in NOTEBOOKS}, (
        f"README links {sorted(listed)} but notebooks/ has {[p.name for p in NOTEBOOKS]}"
    )


def test_readme_rows_carry_launch_links_from_the_one_repository_url():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        row = next((ln for ln in readme.splitlines() if f"](notebooks/{path.name})" in ln and ln.startswith("|")), "")
        url = launch.links(path.name)
        assert url["colab"] in row and url["binder"] in row, (
            f"README: the learning-path row of {path.name} needs its Colab and Binder links (tools/launch.py links())"
        )
