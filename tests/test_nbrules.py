"""The shared notebook rules: the one Run All runner, and progress output stored as a terminal shows it."""

from __future__ import annotations

import nbformat
import pytest

from tools import nbrules


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for source, tags in cells:
        cell = nbformat.v4.new_code_cell(source)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


def test_run_all_goes_past_a_tagged_error_and_stops_at_an_untagged_one(tmp_path):
    nb = notebook(("1/0", ["raises-exception"]), ("x = 1", None), ("int('a')", None), ("print('never')", None))
    with pytest.raises(nbrules.RunAllStopped, match=r"code cell 3 of 4: ValueError: invalid literal") as err:
        nbrules.run_all(nb, tmp_path)
    assert (err.value.ran, err.value.total) == (3, 4)
    assert nb.cells[3].execution_count is None and nb.cells[0].outputs[0].ename == "ZeroDivisionError"


def test_run_all_clears_old_outputs_and_counts_every_cell(tmp_path):
    nb = notebook(("print('a')", None), ("print('b')", None))
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="stale")]
    assert nbrules.run_all(nb, tmp_path) == (2, 2)
    assert [c.outputs[0].text for c in nb.cells] == ["a\n", "b\n"]


def test_render_terminal_keeps_what_a_progress_bar_shows_last():
    text = "Epoch 1/2\n1/3 [=>  ]\b\b\b\b\b\b\b\b\b\b\r3/3 [===] loss 0.1\nEpoch 2/2\n"
    assert nbrules.render_terminal(text) == "Epoch 1/2\n3/3 [===] loss 0.1\nEpoch 2/2\n"
    merged = nbrules.clean_outputs(
        [
            {"output_type": "stream", "name": "stdout", "text": "1/3\r"},
            {"output_type": "stream", "name": "stdout", "text": "3/3\n"},
        ]
    )
    assert merged == [{"output_type": "stream", "name": "stdout", "text": "3/3\n"}]


def test_cell_seconds_reads_the_recorded_timing():
    cell = {
        "metadata": {
            "execution": {
                "iopub.execute_input": "2026-11-30T08:00:00.250Z",
                "shell.execute_reply": "2026-11-30T08:00:04.000Z",
            }
        }
    }
    assert nbrules.cell_seconds(cell) == 3.75
    assert nbrules.cell_seconds({"metadata": {}}) is None


@pytest.mark.parametrize(
    "text,shown",
    [
        ("Epoch 1/3\n\x1b[1m4/4\x1b[0m \x1b[32m\u2501\u2501\u2501\u2501\x1b[0m - loss: 0.1\n", True),  # Keras bar
        ("epoch 1 loss 0.31\nepoch 2 loss 0.22\nepoch 3 loss 0.19\n", True),  # status lines
        ("final loss 0.19\n", False),  # one answer
    ],
)
def test_shows_progress(text, shown):
    cell = {"outputs": [{"output_type": "stream", "name": "stdout", "text": text}]}
    assert nbrules.shows_progress(cell) is shown
