import numpy as np

from helpers import data, windows
from helpers.exercises import nb01


def test_nb01_checks_pending_right_wrong():
    assert "not answered yet" in str(nb01.check_window_count(..., length=10, timesteps=3, horizon=1))
    assert nb01.check_window_count(7, length=10, timesteps=3, horizon=1).ok
    assert not nb01.check_window_count(8, length=10, timesteps=3, horizon=1).ok
    right = nb01.weekly_windows()
    assert right.shape == (209, 5, 2) and nb01.check_weekly_windows(right).ok
    assert "axis 0" in str(nb01.check_weekly_windows(np.zeros((1043, 5, 2))))
    assert nb01.check_input_spec((None, 3)).ok and not nb01.check_input_spec((32, None, 3)).ok


def test_nb01_exercise_2_rejects_the_classic_wrong_answers_with_a_reason():
    right = nb01.weekly_windows()
    values = data.daily_stock().values
    zeros = nb01.check_weekly_windows(np.zeros_like(right))  # the right shape, no data
    assert not zeros.ok and "not values of the series" in str(zeros)
    columns = nb01.check_weekly_windows(windows.make_windows(values[:, [1, 3]], 5, stride=5)[0])
    assert not columns.ok and "'high' and 'close'" in str(columns)
    swapped = nb01.check_weekly_windows(right[:, :, ::-1])
    assert not swapped.ok and "'close' and 'open'" in str(swapped)
    shifted = nb01.check_weekly_windows(windows.make_windows(values[1:, [0, 3]], 5, stride=5)[0])
    assert not shifted.ok and "other days" in str(shifted)
    shape_only = nb01.check_weekly_windows((209, 5, 2))
    assert not shape_only.ok and "not its shape" in str(shape_only)
    assert nb01.check_weekly_windows(...).pending
