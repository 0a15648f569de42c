import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from helpers import pipelines  # noqa: E402
from helpers.exercises import nb03  # noqa: E402


def val_windows(n=137):
    x = np.arange(n * 20, dtype=np.float32).reshape(n, 20, 1)
    return x, np.arange(n, dtype=np.float32)[:, None]


SERIES = np.random.default_rng(0).normal(size=(60, 1)).astype(np.float32)


def test_steps_pending_right_wrong():
    assert "not answered yet" in str(nb03.check_steps(...))
    assert nb03.check_steps((15, 14)).ok and nb03.check_steps([15, 14]).ok
    assert "last, smaller batch" in str(nb03.check_steps((14, 14)))
    assert "throws the incomplete last batch away" in str(nb03.check_steps((15, 15)))
    assert "whole batches" in str(nb03.check_steps((14.24, 14.24)))
    assert not nb03.check_steps((14, 15)).ok
    assert "expected two numbers" in str(nb03.check_steps(15))


def test_validation_dataset_pending_right_wrong():
    x, y = val_windows()
    assert "not answered yet" in str(nb03.check_validation_dataset(..., x, y))
    right = nb03.check_validation_dataset(pipelines.from_arrays(x, y, batch_size=64), x, y)
    assert right.ok and "[64, 64, 9]" in str(right)
    shuffled = nb03.check_validation_dataset(pipelines.from_arrays(x, y, batch_size=64, shuffle=True, seed=0), x, y)
    assert not shuffled.ok and "shuffled" in str(shuffled)
    dropped = nb03.check_validation_dataset(pipelines.from_arrays(x, y, batch_size=64, drop_remainder=True), x, y)
    assert not dropped.ok and "the last 9 windows were dropped" in str(dropped)
    wrong_size = nb03.check_validation_dataset(pipelines.from_arrays(x, y, batch_size=32), x, y)
    assert not wrong_size.ok and "expected [64, 64, 9]" in str(wrong_size)
    other = nb03.check_validation_dataset(pipelines.from_arrays(x + 1, y, batch_size=64), x, y)
    assert not other.ok and "not the validation windows" in str(other)
    assert "expected a tf.data.Dataset" in str(nb03.check_validation_dataset(x, x, y))
    unbatched = tf.data.Dataset.from_tensor_slices((x, y))
    assert ".batch(64)" in str(nb03.check_validation_dataset(unbatched, x, y))
    only_x = tf.data.Dataset.from_tensor_slices(x).batch(64)
    assert "(x, y) pair" in str(nb03.check_validation_dataset(only_x, x, y))


def keras_windows(targets_start, series=SERIES):
    return keras.utils.timeseries_dataset_from_array(series, series[targets_start:], sequence_length=10, batch_size=16)


def test_horizon_dataset_pending_right_wrong():
    assert "not answered yet" in str(nb03.check_horizon_dataset(..., SERIES))
    right = nb03.check_horizon_dataset(keras_windows(14), SERIES)
    assert right.ok and "46 windows" in str(right)
    assert nb03.check_horizon_dataset(pipelines.from_series(SERIES, 10, horizon=5), SERIES).ok
    one_off = nb03.check_horizon_dataset(keras_windows(15), SERIES)
    assert not one_off.ok and "6 step(s) after each window, not 5" in str(one_off)
    next_day = nb03.check_horizon_dataset(keras_windows(10), SERIES)
    assert not next_day.ok and "1 step(s) after" in str(next_day)
    too_few = pipelines.from_series(SERIES, 10, horizon=5).take(1)
    assert "windows, expected 46" in str(nb03.check_horizon_dataset(too_few, SERIES))
    wrong_len = keras.utils.timeseries_dataset_from_array(SERIES, SERIES[14:], sequence_length=5)
    assert "expected (10, 1)" in str(nb03.check_horizon_dataset(wrong_len, SERIES))
    assert "expected a tf.data.Dataset" in str(nb03.check_horizon_dataset([1, 2], SERIES))


def test_horizon_dataset_accepts_a_1d_series():
    flat = SERIES[:, 0]
    ds = keras.utils.timeseries_dataset_from_array(flat, flat[14:], sequence_length=10, batch_size=16)
    assert nb03.check_horizon_dataset(ds, SERIES).ok


def test_pipeline_order_pending_right_wrong():
    assert "not answered yet" in str(nb03.check_pipeline_order(...))
    assert nb03.check_pipeline_order(["map", "cache", "shuffle", "batch", "prefetch"]).ok
    assert nb03.check_pipeline_order(("Map", "cache ", "shuffle", "batch", "PREFETCH")).ok
    frozen = nb03.check_pipeline_order(["map", "shuffle", "cache", "batch", "prefetch"])
    assert not frozen.ok and "replays it" in str(frozen)
    batched_first = nb03.check_pipeline_order(["map", "cache", "batch", "shuffle", "prefetch"])
    assert "shuffles whole batches" in str(batched_first)
    raw_cache = nb03.check_pipeline_order(["cache", "map", "shuffle", "batch", "prefetch"])
    assert "map still runs every epoch" in str(raw_cache)
    early_prefetch = nb03.check_pipeline_order(["map", "cache", "shuffle", "prefetch", "batch"])
    assert "very end" in str(early_prefetch)
    assert "exactly once" in str(nb03.check_pipeline_order(["map", "batch"]))
    assert "list of step names" in str(nb03.check_pipeline_order("map cache shuffle batch prefetch"))


def test_validation_check_reports_a_repeated_dataset_instead_of_hanging():
    x, y = np.zeros((10, 3, 1), np.float32), np.zeros((10, 1), np.float32)
    report = nb03.check_validation_dataset(pipelines.from_arrays(x, y, batch_size=64).repeat(), x, y)
    assert not report.ok and "repeats forever" in str(report)
