"""Windowing a 1,000,000-step series: the helper (a strided view) against a Python loop and Keras."""

import numpy as np
from run import Row, timeit

from helpers import windows

STEPS, TIMESTEPS = 1_000_000, 20


def python_loop(series):
    xs, ys = [], []
    for i in range(len(series) - TIMESTEPS):
        xs.append(series[i : i + TIMESTEPS])
        ys.append(series[i + TIMESTEPS])
    return np.stack(xs), np.stack(ys)


def keras_materialised(series):
    import keras

    ds = keras.utils.timeseries_dataset_from_array(
        series[:-1], series[TIMESTEPS:], sequence_length=TIMESTEPS, batch_size=8192
    )
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in ds], strict=False)
    return np.concatenate(xs), np.concatenate(ys)


def run(progress):
    series = np.random.default_rng(0).normal(size=(STEPS, 1)).astype(np.float32)  # shape: (T, 1)
    group = f"windowing {STEPS:,} steps, T={TIMESTEPS}"
    helper = lambda: windows.make_windows(series, TIMESTEPS)  # noqa: E731
    x_h, y_h = helper()
    x_k, y_k = keras_materialised(series)
    assert np.array_equal(x_h, x_k) and np.array_equal(y_h, y_k), "helper and Keras windows differ"
    rows = []
    progress("windowing: helper (view)")
    rows.append(Row(group, "helpers.windows.make_windows (view)", timeit(helper), baseline=True))
    progress("windowing: helper + copy")
    rows.append(
        Row(group, "make_windows + np.ascontiguousarray (copy)", timeit(lambda: np.ascontiguousarray(helper()[0])))
    )
    progress("windowing: Python loop")
    rows.append(Row(group, "plain Python loop + np.stack", timeit(lambda: python_loop(series), repeat=1)))
    progress("windowing: keras.utils.timeseries_dataset_from_array")
    rows.append(
        Row(group, "keras timeseries_dataset_from_array -> numpy", timeit(lambda: keras_materialised(series), repeat=1))
    )
    return rows
