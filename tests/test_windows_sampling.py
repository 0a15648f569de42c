"""windows.sample_windows: multi-step targets and sampling_rate (notebook 03, section 4.2)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import windows


def test_docstring_example():
    x, y = windows.sample_windows(np.arange(12), 3, width=2, sampling_rate=2)
    assert x.shape == (6, 3, 1) and y.shape == (6, 2, 1)
    assert x[0, :, 0].tolist() == [0, 2, 4] and y[0, :, 0].tolist() == [5, 6]
    assert x[-1, :, 0].tolist() == [5, 7, 9] and y[-1, :, 0].tolist() == [10, 11]  # the last row of the series


def naive(series, timesteps, horizon, width, stride, rate):
    xs, ys = [], []
    start = 0
    while start + (timesteps - 1) * rate + horizon + width - 1 < len(series):
        last = start + (timesteps - 1) * rate
        xs.append([series[start + rate * t] for t in range(timesteps)])
        ys.append([series[last + horizon + k] for k in range(width)])
        start += stride
    return np.array(xs), np.array(ys)


@settings(max_examples=80, deadline=None)
@given(
    length=st.integers(2, 50),
    features=st.integers(1, 3),
    timesteps=st.integers(1, 6),
    horizon=st.integers(1, 4),
    width=st.integers(1, 4),
    stride=st.integers(1, 4),
    rate=st.integers(1, 4),
)
def test_matches_a_plain_loop(length, features, timesteps, horizon, width, stride, rate):
    series = np.arange(length * features, dtype=float).reshape(length, features)
    xn, yn = naive(series, timesteps, horizon, width, stride, rate)
    if len(xn) == 0:
        with pytest.raises(ValueError, match="too short"):
            windows.sample_windows(series, timesteps, horizon=horizon, width=width, stride=stride, sampling_rate=rate)
        return
    x, y = windows.sample_windows(series, timesteps, horizon=horizon, width=width, stride=stride, sampling_rate=rate)
    assert x.shape == (len(xn), timesteps, features) and y.shape == (len(xn), width, features)
    np.testing.assert_array_equal(x, xn)
    np.testing.assert_array_equal(y, yn)


@pytest.mark.parametrize("timesteps, horizon, stride", [(3, 1, 1), (5, 3, 2), (1, 1, 4)])
def test_width_1_rate_1_is_make_windows(timesteps, horizon, stride):
    series = np.arange(60.0).reshape(30, 2)
    x, y = windows.sample_windows(series, timesteps, horizon=horizon, stride=stride)
    xm, ym = windows.make_windows(series, timesteps, horizon=horizon, stride=stride)
    np.testing.assert_array_equal(x, xm)
    np.testing.assert_array_equal(y[:, 0], ym)
    assert len(x) == windows.count_windows(30, timesteps, horizon=horizon, stride=stride)


def test_target_columns_and_a_copy():
    series = np.arange(30.0).reshape(10, 3)
    x, y = windows.sample_windows(series, 2, width=3, target_columns=[2])
    assert x.shape == (6, 2, 3) and y.shape == (6, 3, 1)
    assert y[0, :, 0].tolist() == [8.0, 11.0, 14.0]  # column 2 of rows 2, 3, 4
    assert not np.shares_memory(x, series)


@pytest.mark.parametrize(
    "timesteps, horizon, width, stride, rate",
    [
        (3, 1, 1, 1, 1),
        (5, 3, 1, 2, 1),
        (3, 1, 1, 1, 2),
        (4, 2, 1, 3, 3),
        (4, 1, 3, 1, 1),
        (2, 3, 4, 2, 1),
        (3, 2, 2, 1, 3),
    ],
)
def test_matches_keras_timeseries_dataset_from_array(timesteps, horizon, width, stride, rate):
    keras = pytest.importorskip("keras")
    series = np.arange(40)
    span = (timesteps - 1) * rate + 1  # rows one window's inputs span
    # one long Keras window of inputs + gap + targets at rate 1, or the targets array for width 1
    if width == 1:
        ds = keras.utils.timeseries_dataset_from_array(
            series,
            series[span - 1 + horizon :],
            sequence_length=timesteps,
            sequence_stride=stride,
            sampling_rate=rate,
            batch_size=None,
        )
        pairs = [(xk, yk[np.newaxis]) for xk, yk in ds.as_numpy_iterator()]
    else:
        ds = keras.utils.timeseries_dataset_from_array(
            series, None, sequence_length=span - 1 + horizon + width, sequence_stride=stride, batch_size=None
        )
        pairs = [(w[:span:rate], w[span - 1 + horizon :]) for w in ds.as_numpy_iterator()]
    x, y = windows.sample_windows(series, timesteps, horizon=horizon, width=width, stride=stride, sampling_rate=rate)
    assert len(x) == len(pairs)
    np.testing.assert_array_equal(x[..., 0], np.stack([p[0] for p in pairs]))
    np.testing.assert_array_equal(y[..., 0], np.stack([p[1] for p in pairs]))


@pytest.mark.parametrize("arg", ["timesteps", "horizon", "width", "stride", "sampling_rate"])
def test_bad_counts_name_the_argument(arg):
    kwargs = {"horizon": 1, "width": 1, "stride": 1, "sampling_rate": 1}
    call = {"timesteps": 3, **kwargs}
    with pytest.raises(ValueError, match=arg):
        windows.sample_windows(np.arange(20), **{**call, arg: 0})
    with pytest.raises(TypeError, match=arg):
        windows.sample_windows(np.arange(20), **{**call, arg: 2.0})


def test_too_short_says_how_many_steps():
    with pytest.raises(ValueError, match=r"series: 10 steps are too short.*= 12 steps"):
        windows.sample_windows(np.arange(10), 4, horizon=3, width=3, sampling_rate=2)  # (4 - 1) * 2 + 3 + 3


def test_bad_series_and_columns():
    with pytest.raises(TypeError):
        windows.sample_windows("abc", 2)
    with pytest.raises(ValueError, match="target_columns"):
        windows.sample_windows(np.arange(20.0).reshape(10, 2), 2, target_columns=[2])
