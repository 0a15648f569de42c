"""Self-checks for the exercises of notebook 02 (stateful LSTMs: fixed batch size, layout, resets)."""

from __future__ import annotations

import numpy as np

from helpers import stateful
from helpers.exercises.checks import check_shape, check_value, exercise
from helpers.report import Report

#: Exercise 2's data: 100 consecutive sequences of 20 steps cut from one series of 2,000 steps;
#: every value is its own step number, so a layout can be checked for continuity.
SEQUENCES = np.arange(2000).reshape(100, 20, 1)  # shape: (sequences=100, timesteps=20, features=1)


def check_row_steps(answer) -> Report:
    """Exercise 1: the steps of ``np.arange(37)`` that row 1 of batch 2 reads (3 streams, timesteps=4)."""
    expected = stateful.split_streams(np.arange(37), batch_size=3, timesteps=4).index[2, 1].tolist()
    if answer is not Ellipsis and not isinstance(answer, (list, tuple, np.ndarray)):
        return Report(
            False, f"Exercise 1 (row 1 of batch 2): expected a list of 4 step numbers, got {type(answer).__name__}."
        )
    if isinstance(answer, np.ndarray):
        answer = answer.ravel().tolist()
    return check_value(
        "Exercise 1 (row 1 of batch 2)",
        answer,
        expected,
        hint="Each of the 3 streams is one contiguous stretch of n_batches x 4 steps; row 1 "
        "always reads stream 1, and batch 2 is its third chunk of 4.",
    )


@exercise("Exercise 2 (continuous layout)")
def check_stream_layout(answer, *, label: str) -> Report:
    """Exercise 2: ``SEQUENCES`` re-ordered as ``(10 batches, 10 rows, 20, 1)`` that continue row by row."""
    shape_report = check_shape(
        label,
        answer,
        (10, 10, 20, 1),
        names=("n_batches", "batch", "timesteps", "features"),
        hint="Reshape to (rows, batches, 20, 1) first, then swap the first two axes.",
    )
    if not shape_report.ok:
        return shape_report
    answer = np.asarray(answer)
    starts = sorted(int(v) for v in answer[:, :, 0, 0].ravel())
    if starts != list(range(0, 2000, 20)):
        return Report(
            False,
            f"{label}: the batches do not hold each of the 100 sequences exactly once.",
            ("Only re-order whole sequences; do not change or repeat them.",),
        )
    report = stateful.check_continuity(answer)
    if not report.ok:
        return Report(
            False,
            f"{label}: {report.title}",
            (
                *report.lines,
                "Row i of batch k+1 must be the sequence right after row i of batch k: "
                "give each row 10 consecutive sequences.",
            ),
        )
    return Report(True, f"{label}: correct, every row continues itself across all 10 batches.")


def check_timesteps_for_lag(answer) -> Report:
    """Exercise 3: the smallest ``timesteps`` whose gradients connect a step with the step 12 before it."""
    return check_value(
        "Exercise 3 (timesteps for a 12-month lag)",
        answer,
        13,
        hint="Within a chunk of T steps, the last output can send gradients back T - 1 steps "
        "(to the chunk's first step) and no further.",
    )
