import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import windows


def test_tiny_example_matches_the_docstring():
    x, y = windows.make_windows(np.arange(10), timesteps=3)
    assert x.shape == (7, 3, 1) and y.shape == (7, 1)
    assert x[:, :, 0].tolist()[0] == [0, 1, 2] and y[:, 0].tolist() == [3, 4, 5, 6, 7, 8, 9]


def test_windows_are_a_read_only_view():
    series = np.arange(20.0).reshape(10, 2)
    x, _ = windows.make_windows(series, timesteps=4)
    assert np.shares_memory(x, series) and not x.flags.writeable


def naive(series, timesteps, horizon, stride):
    series = series.reshape(len(series), -1)
    xs, ys = [], []
    i = 0
    while i + timesteps - 1 + horizon < len(series):
        xs.append(series[i : i + timesteps])
        ys.append(series[i + timesteps - 1 + horizon])
        i += stride
    return np.array(xs), np.array(ys)


@settings(max_examples=60, deadline=None)
@given(
    length=st.integers(2, 60),
    features=st.integers(1, 4),
    timesteps=st.integers(1, 12),
    horizon=st.integers(1, 5),
    stride=st.integers(1, 5),
)
def test_matches_a_plain_loop(length, features, timesteps, horizon, stride):
    series = np.arange(length * features, dtype=float).reshape(length, features)
    n = windows.count_windows(length, timesteps, horizon=horizon, stride=stride)
    if n == 0:
        with pytest.raises(ValueError, match="too short"):
            windows.make_windows(series, timesteps, horizon=horizon, stride=stride)
        return
    x, y = windows.make_windows(series, timesteps, horizon=horizon, stride=stride)
    xn, yn = naive(series, timesteps, horizon, stride)
    assert x.shape == (n, timesteps, features) == xn.shape
    np.testing.assert_array_equal(x, xn)
    np.testing.assert_array_equal(y, yn)


def test_matches_keras_timeseries_dataset_from_array():
    keras = pytest.importorskip("keras")
    series = np.arange(50, dtype=np.float32).reshape(25, 2)
    x, y = windows.make_windows(series, timesteps=4, horizon=1)
    ds = keras.utils.timeseries_dataset_from_array(series[:-1], series[4:], sequence_length=4, batch_size=100)
    xk, yk = next(iter(ds))
    np.testing.assert_array_equal(x, xk.numpy())
    np.testing.assert_array_equal(y, yk.numpy())


def test_target_columns():
    series = np.arange(30).reshape(10, 3)
    _, y = windows.make_windows(series, 2, target_columns=[2])
    assert y.shape == (8, 1) and y[0, 0] == series[2, 2]


@pytest.mark.parametrize(
    "kwargs,err,words",
    [
        ({"timesteps": 0}, ValueError, "timesteps: expected an int >= 1"),
        ({"timesteps": 2.5}, TypeError, "timesteps: expected an int"),
        ({"timesteps": True}, TypeError, "timesteps: expected an int"),
        ({"timesteps": 3, "horizon": 0}, ValueError, "horizon"),
        ({"timesteps": 3, "stride": 0}, ValueError, "stride"),
        ({"timesteps": 10}, ValueError, "too short"),
        ({"timesteps": 2, "target_columns": 0}, TypeError, "list of column indices"),
        ({"timesteps": 2, "target_columns": [5]}, ValueError, "indices in 0..1"),
    ],
)
def test_bad_arguments(kwargs, err, words):
    with pytest.raises(err, match=words.replace("(", r"\(").replace(".", r"\.")):
        windows.make_windows(np.zeros((10, 2)), **kwargs)


@pytest.mark.parametrize(
    "series,err,words",
    [
        (np.zeros((2, 3, 4)), ValueError, "expected shape (T,) or (T, F)"),
        (
            np.array([1.0, np.nan, 3.0]),
            ValueError,
            "1 values are NaN, infinite or too large for float32 (first at index (1, 0))",
        ),
        (np.array(["a", "b"]), TypeError, "expected numbers"),
        ({"a": 1}, TypeError, "expected a NumPy array"),
    ],
)
def test_bad_series(series, err, words):
    with pytest.raises(err) as info:
        windows.make_windows(series, 1)
    assert words in str(info.value) and str(info.value).startswith("series:")


def test_count_windows():
    assert windows.count_windows(10, 3) == 7
    assert windows.count_windows(4, 3) == 1 and windows.count_windows(3, 3) == 0
    assert windows.count_windows(1047, 20, horizon=1, stride=5) == 206


def test_chronological_split_uses_train_statistics_only():
    series = np.arange(100, dtype=float).reshape(50, 2)
    split = windows.chronological_split(series, train=0.6, val=0.2)
    assert (len(split.train), len(split.val), len(split.test)) == (30, 10, 10)
    np.testing.assert_allclose(split.mean, series[:30].mean(axis=0))
    np.testing.assert_allclose(split.train.mean(axis=0), 0, atol=1e-6)
    assert split.val.mean() > 1, "later values are not centred with their own statistics"
    np.testing.assert_allclose(split.unscale(split.test), series[40:], rtol=1e-5)
    np.testing.assert_allclose(split.unscale(split.test[:, [1]], columns=[1]), series[40:, [1]], rtol=1e-5)
    assert "train=30" in repr(split)


def test_split_unscaled_and_errors():
    series = np.arange(20.0)
    raw = windows.chronological_split(series, scale=False)
    np.testing.assert_array_equal(raw.train[:, 0], series[:14])
    with pytest.raises(ValueError, match="train: expected a number such as 0.7 with 0 < x < 1"):
        windows.chronological_split(series, train=1.2)
    with pytest.raises(ValueError, match="leaves nothing for test"):
        windows.chronological_split(series, train=0.7, val=0.3)
    with pytest.raises(ValueError, match="fewer than 2 steps"):
        windows.chronological_split(np.arange(5.0))
    with pytest.raises(ValueError, match="constant in the training part"):
        windows.chronological_split(np.ones((20, 1)))
