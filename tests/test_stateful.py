import numpy as np
import pytest

from helpers import stateful

# ---------------------------------------------------------------- layout: one series -> B streams


def test_split_streams_tiny_example_matches_the_docstring():
    b = stateful.split_streams(np.arange(25), batch_size=2, timesteps=4)
    assert b.x.shape == (3, 2, 4, 1) and b.y.shape == (3, 2, 4, 1)
    assert b.x[..., 0].tolist() == [
        [[0, 1, 2, 3], [12, 13, 14, 15]],
        [[4, 5, 6, 7], [16, 17, 18, 19]],
        [[8, 9, 10, 11], [20, 21, 22, 23]],
    ]
    np.testing.assert_array_equal(b.y, b.x + 1)
    assert (b.n_batches, b.batch_size, b.timesteps, b.dropped) == (3, 2, 4, 0)
    assert stateful.check_continuity(b).ok
    assert "dropped nothing" in repr(b) and "(n_batches=3, batch=2, timesteps=4, features=1)" in repr(b)


def test_split_streams_says_what_it_drops_and_where():
    start = stateful.split_streams(np.arange(30), batch_size=2, timesteps=4)  # 25 of 30 fit
    assert start.dropped == 5 and start.x[0, 0, 0, 0] == 5 and start.y[-1, -1, -1, 0] == 29
    assert "dropped 5 at the start" in start.note
    end = stateful.split_streams(np.arange(30), batch_size=2, timesteps=4, drop="end")
    assert end.dropped == 5 and end.x[0, 0, 0, 0] == 0 and end.y[-1, -1, -1, 0] == 24
    assert "dropped 5 at the end" in end.note


def test_split_streams_horizon_targets_and_features():
    series = np.arange(60.0).reshape(30, 2)  # column 1 = column 0 + 1
    b = stateful.split_streams(series, batch_size=2, timesteps=3, horizon=2, target_columns=[0])
    assert b.x.shape == (4, 2, 3, 2) and b.y.shape == (4, 2, 3, 1)
    np.testing.assert_array_equal(b.y[..., 0], series[b.index + 2, 0])
    assert b.y_last.shape == (4, 2, 1)
    np.testing.assert_array_equal(b.y_last, b.y[:, :, -1])


def test_for_fit_keeps_batches_together_in_order():
    b = stateful.split_streams(np.arange(49), batch_size=3, timesteps=4)
    x, y = b.for_fit()
    assert x.shape == (12, 4, 1) and y.shape == (12, 4, 1)
    for k in range(b.n_batches):  # fit(batch_size=3, shuffle=False) takes samples 3k..3k+2
        np.testing.assert_array_equal(x[3 * k : 3 * k + 3], b.x[k])
    _, y_last = b.for_fit(last_only=True)
    assert y_last.shape == (12, 1)


@pytest.mark.parametrize(
    "kwargs,err,words",
    [
        (
            {"batch_size": 2, "timesteps": 30},
            ValueError,
            "series: 25 steps are too short for one chunk of timesteps=30",
        ),
        ({"batch_size": 7, "timesteps": 4}, ValueError, "batch_size: 7 rows cannot be filled"),
        ({"batch_size": 7, "timesteps": 4}, ValueError, "use batch_size <= 6"),
        ({"batch_size": 0, "timesteps": 4}, ValueError, "batch_size: expected an int >= 1"),
        ({"batch_size": 2.0, "timesteps": 4}, TypeError, "batch_size: expected an int"),
        ({"batch_size": 2, "timesteps": True}, TypeError, "timesteps: expected an int"),
        ({"batch_size": 2, "timesteps": 4, "horizon": 0}, ValueError, "horizon: expected an int >= 1"),
        ({"batch_size": 2, "timesteps": 4, "drop": "middle"}, ValueError, "drop: expected 'start'"),
        ({"batch_size": 2, "timesteps": 4, "target_columns": [3]}, ValueError, "target_columns"),
    ],
)
def test_split_streams_bad_arguments(kwargs, err, words):
    with pytest.raises(err) as info:
        stateful.split_streams(np.arange(25.0), **kwargs)
    assert words in str(info.value)


@pytest.mark.parametrize(
    "series,err,words",
    [
        (np.array([1.0, np.nan, 3.0] * 10), ValueError, "series: 10 values are NaN, infinite or too large for float32"),
        (np.zeros((4, 10, 1)), ValueError, "series: expected shape (T,) or (T, F)"),
        ("abc", TypeError, "series: expected a NumPy array"),
    ],
)
def test_split_streams_bad_series(series, err, words):
    with pytest.raises(err) as info:
        stateful.split_streams(series, batch_size=2, timesteps=3)
    assert words in str(info.value)


# ---------------------------------------------------------------- layout: several series, one per row


def test_stack_series_one_row_per_series():
    b = stateful.stack_series([np.arange(9), 100 + np.arange(9)], timesteps=4)
    assert b.x[..., 0].tolist() == [[[0, 1, 2, 3], [100, 101, 102, 103]], [[4, 5, 6, 7], [104, 105, 106, 107]]]
    assert b.row_series == (0, 1) and b.batch_size == 2 and b.dropped == 0
    np.testing.assert_array_equal(b.y, b.x + 1)
    assert stateful.check_continuity(b).ok and "2 series of 9 steps, one per row" in b.note


def test_stack_series_accepts_a_3d_array_and_drops_oldest():
    arr = np.arange(3 * 20 * 2, dtype=float).reshape(3, 20, 2)
    b = stateful.stack_series(arr, timesteps=6, batch_size=3)
    assert b.x.shape == (3, 3, 6, 2) and b.dropped == 1
    np.testing.assert_array_equal(b.x[0, 2, 0], arr[2, 1])
    np.testing.assert_array_equal(b.y[-1, 1, -1], arr[1, -1])


@pytest.mark.parametrize(
    "series,kwargs,err,words",
    [
        (np.zeros((30, 4)), {}, ValueError, "series: got one 2-D array of shape (30, 4); it is ambiguous"),
        (np.zeros((30, 4)), {}, ValueError, "list(series.T)"),
        ([np.zeros(30), np.zeros(29)], {}, ValueError, "different lengths [30, 29]"),
        (
            [np.zeros((30, 1)), np.zeros((30, 2))],
            {},
            ValueError,
            "series[1]: has 2 features (shape (30, 2)) but series[0] has 1",
        ),
        (
            [np.zeros(30), np.r_[np.zeros(29), np.nan]],
            {},
            ValueError,
            "series[1]: 1 values are NaN, infinite or too large for float32",
        ),
        ([np.zeros(30)] * 3, {"batch_size": 4}, ValueError, "batch_size: 4 rows cannot be filled by 3 series"),
        ([np.zeros(30)] * 3, {"batch_size": 4}, ValueError, "split_streams()"),
        ([np.zeros(4)] * 3, {}, ValueError, "series: 4 steps are too short"),
        ([], {}, ValueError, "series: got an empty list"),
        ("abc", {}, TypeError, "series: expected a list of sequences"),
        (np.zeros(30), {}, ValueError, "series: expected a list of (T, F) arrays"),
    ],
)
def test_stack_series_bad_input(series, kwargs, err, words):
    with pytest.raises(err) as info:
        stateful.stack_series(series, timesteps=4, **kwargs)
    assert words in str(info.value)


# ---------------------------------------------------------------- continuity


def test_continuity_of_the_classic_wrong_layouts():
    consecutive = np.arange(2000).reshape(10, 10, 20)  # 100 sequences, sliced 10 at a time
    report = stateful.check_continuity(consecutive)
    assert not report.ok and "90 of 90" in str(report) and "skips 180 steps" in str(report)
    overlapping = np.lib.stride_tricks.sliding_window_view(np.arange(60), 20)[:40].reshape(4, 10, 20)
    assert "goes back 10 steps" in str(stateful.check_continuity(overlapping))
    fixed = consecutive.reshape(100, 20).reshape(10, 10, 20).transpose(1, 0, 2)
    assert stateful.check_continuity(fixed).ok
    assert (stateful.continuity(fixed) == 1).all() and stateful.continuity(fixed).shape == (9, 10)
    assert stateful.check_continuity(np.arange(6).reshape(1, 2, 3)).ok  # one batch: nothing to hand over
    with pytest.raises(ValueError, match=r"index: expected shape \(n_batches, batch, timesteps\)"):
        stateful.continuity(np.arange(6))


def test_trim_to_multiple():
    x, y = np.arange(23), np.arange(23) * 10
    xt, yt = stateful.trim_to_multiple(x, y, batch_size=10)
    assert xt.tolist() == list(range(20)) and yt[-1] == 190
    (newest,) = stateful.trim_to_multiple(x, batch_size=10, keep="end")
    assert newest.tolist() == list(range(3, 23))
    with pytest.raises(ValueError, match="arrays: 23 samples are fewer than one batch of batch_size=30"):
        stateful.trim_to_multiple(x, batch_size=30)
    with pytest.raises(ValueError, match=r"arrays: first axes differ \[23, 22\]"):
        stateful.trim_to_multiple(x, y[:-1], batch_size=10)
    with pytest.raises(ValueError, match="keep: expected 'start'"):
        stateful.trim_to_multiple(x, batch_size=10, keep="middle")
    with pytest.raises(ValueError, match="arrays: pass at least one array"):
        stateful.trim_to_multiple(batch_size=10)
    with pytest.raises(TypeError, match="batch_size: expected an int"):
        stateful.trim_to_multiple(x, batch_size="10")


def test_continuity_needs_step_numbers_not_data():
    with pytest.raises(ValueError, match="index: expected step numbers"):
        stateful.continuity(np.full((2, 2, 3), 0.5))
    with pytest.raises(ValueError, match="index: expected step numbers"):
        stateful.check_continuity(np.array([[[np.nan]]]))
