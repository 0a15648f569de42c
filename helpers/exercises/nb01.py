"""Self-checks for the exercises of notebook 01 (the 3D input tensor)."""

from __future__ import annotations

import numpy as np

from helpers import data, windows
from helpers.exercises.checks import check_shape, check_value, exercise
from helpers.report import Report


def check_window_count(answer, *, length: int, timesteps: int, horizon: int) -> Report:
    """Exercise 1: how many windows does a series of ``length`` steps give?"""
    expected = windows.count_windows(length, timesteps, horizon=horizon)
    return check_value(
        "Exercise 1 (number of windows)",
        answer,
        expected,
        hint=f"A window needs timesteps + horizon = {timesteps + horizon} steps; the first starts "
        f"at step 0, the last must end {horizon} step(s) before the series does.",
    )


def weekly_windows() -> np.ndarray:
    """The answer of exercise 2: weekly windows of (open, close), stride 5, horizon 1."""
    stock = data.daily_stock()
    return windows.make_windows(stock.values[:, [0, 3]], timesteps=5, stride=5)[0]


@exercise("Exercise 2 (weekly windows)")
def check_weekly_windows(answer, *, label: str) -> Report:
    """Exercise 2: 5 trading days of (open, close) as input, 1,047 days, stride 5, horizon 1.

    The values are compared, not only the shape, and the classic wrong answers get a reason:
    an array of zeros (or any placeholder) of the right shape, the wrong two columns, windows
    or windows of other days.
    """
    expected = weekly_windows()
    hint = "Use windows.make_windows(series, timesteps=5, stride=5) on the two columns open (0) and close (3)."
    if isinstance(answer, tuple) and all(isinstance(n, (int, np.integer)) for n in answer):
        return Report(
            False,
            f"{label}: assign the array itself, not its shape {answer!r}: the check compares every value.",
            (hint,),
        )
    shape_report = check_shape(label, answer, expected.shape, hint=hint)
    if not shape_report.ok:
        return shape_report
    answer = np.asarray(answer, dtype=float)
    if np.allclose(answer, expected):
        return Report(True, f"{label}: correct, {expected.shape[0]} weekly windows of 5 days x (open, close).")
    stock = data.daily_stock()
    values = stock.values.astype(float)
    for i in range(values.shape[1]):
        for j in range(values.shape[1]):
            if (i, j) != (0, 3) and np.allclose(answer, windows.make_windows(values[:, [i, j]], 5, stride=5)[0]):
                return Report(
                    False,
                    f"{label}: these are weekly windows of the columns {stock.features[i]!r} and "
                    f"{stock.features[j]!r}; the task asks for 'open' and 'close' (columns 0 and 3).",
                    (hint,),
                )
    if not np.isin(np.round(answer, 2), np.round(values, 2)).mean() > 0.99:
        return Report(
            False,
            f"{label}: the shape {expected.shape} is right, but the values are not values of the "
            f"series (zeros, random numbers or scaled data?).",
            (hint,),
        )
    return Report(
        False,
        f"{label}: the shape is right but the windows hold other days than days 0-4, 5-9, 10-14, ... "
        f"of open and close.",
        (hint,),
    )


# The name the notebook used before the check compared values.
check_weekly_shape = check_weekly_windows


def check_input_spec(answer) -> Report:
    """Exercise 3: the ``keras.Input`` shape for sequences of any length with 3 features."""
    return check_value(
        "Exercise 3 (Input shape)",
        answer,
        (None, 3),
        hint="The batch axis is never part of shape=...; the timesteps axis can be None.",
    )
