"""Self-checks for the exercises of notebook 01 (the 3D input tensor)."""

from __future__ import annotations

from helpers import windows
from helpers.checks import Report, check_shape, check_value


def check_window_count(answer, *, length: int, timesteps: int, horizon: int) -> Report:
    """Exercise 1: how many windows does a series of ``length`` steps give?"""
    expected = windows.count_windows(length, timesteps, horizon=horizon)
    return check_value("Exercise 1 (number of windows)", answer, expected,
                       hint=f"A window needs timesteps + horizon = {timesteps + horizon} steps; the first starts "
                            f"at step 0, the last must end {horizon} step(s) before the series does.")


def check_weekly_shape(answer) -> Report:
    """Exercise 2: 5 trading days of (open, close) as input, 1,047 days, stride 5, horizon 1."""
    expected = (windows.count_windows(1047, 5, horizon=1, stride=5), 5, 2)
    return check_shape("Exercise 2 (weekly windows)", answer, expected,
                       hint="Use windows.make_windows(series, timesteps=5, stride=5) on the two columns.")


def check_input_spec(answer) -> Report:
    """Exercise 3: the ``keras.Input`` shape for sequences of any length with 3 features."""
    return check_value("Exercise 3 (Input shape)", answer, (None, 3),
                       hint="The batch axis is never part of shape=...; the timesteps axis can be None.")
