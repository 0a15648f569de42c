from helpers.exercises import nb01


def test_nb01_checks_pending_right_wrong():
    assert "not answered yet" in str(nb01.check_window_count(..., length=10, timesteps=3, horizon=1))
    assert nb01.check_window_count(7, length=10, timesteps=3, horizon=1).ok
    assert not nb01.check_window_count(8, length=10, timesteps=3, horizon=1).ok
    assert nb01.check_weekly_shape((209, 5, 2)).ok
    assert "axis 0" in str(nb01.check_weekly_shape((1043, 5, 2)))
    assert nb01.check_input_spec((None, 3)).ok and not nb01.check_input_spec((32, None, 3)).ok
