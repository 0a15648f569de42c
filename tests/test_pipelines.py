import re

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from helpers import padding, pipelines, windows  # noqa: E402


def arrays(n=100, timesteps=20, features=1):
    x = np.arange(n * timesteps * features, dtype=np.float32).reshape(n, timesteps, features)
    return x, np.arange(n, dtype=np.float32)[:, None]


def collect(ds):
    xs, ys = zip(*[(a.numpy(), b.numpy()) for a, b in ds], strict=False)
    return np.concatenate(xs), np.concatenate(ys)


def test_classic_recipe_gives_32_32_32_4_and_a_none_batch_axis():
    ds = pipelines.from_arrays(*arrays())
    assert pipelines.batch_sizes(ds) == [32, 32, 32, 4]
    assert ds.element_spec[0].shape.as_list() == [None, 20, 1]
    assert ds.element_spec[1].shape.as_list() == [None, 1]
    assert ds.element_spec[0].dtype == tf.float32


def test_drop_remainder_drops_the_last_batch_and_makes_the_batch_axis_static():
    ds = pipelines.from_arrays(*arrays(), drop_remainder=True)
    assert pipelines.batch_sizes(ds) == [32, 32, 32]
    assert ds.element_spec[0].shape.as_list() == [32, 20, 1]


def test_unshuffled_keeps_the_order_and_values():
    x, y = arrays()
    xs, ys = collect(pipelines.from_arrays(x, y, batch_size=7))
    np.testing.assert_array_equal(xs, x)
    np.testing.assert_array_equal(ys, y)


def test_shuffle_is_full_seeded_and_reshuffled_each_epoch():
    x, y = arrays()
    ds = pipelines.from_arrays(x, y, shuffle=True, seed=0)
    (x1, y1), (_x2, y2) = collect(ds), collect(ds)
    assert not np.array_equal(y1, y) and not np.array_equal(y1, y2), "shuffled, and differently each epoch"
    assert sorted(y1[:, 0].tolist()) == y[:, 0].tolist(), "every window exactly once"
    np.testing.assert_array_equal(x1[:, 0, 0] // 20, y1[:, 0])  # x and y stay paired
    # the buffer holds every window: the first batch draws from the whole epoch, not its start
    assert y1[:32].max() > 50
    (_x3, y3) = collect(pipelines.from_arrays(x, y, shuffle=True, seed=0))
    np.testing.assert_array_equal(y3, y1)  # same seed, same first epoch


def test_float64_and_1d_targets_are_accepted_and_cast():
    x, y = arrays()
    ds = pipelines.from_arrays(x.astype(np.float64), y[:, 0].astype(np.int64))
    assert ds.element_spec[0].dtype == tf.float32 and ds.element_spec[1].shape.as_list() == [None]


def test_sequence_targets_are_accepted():
    x, _ = arrays()
    ds = pipelines.from_arrays(x, x + 1)
    assert ds.element_spec[1].shape.as_list() == [None, 20, 1]


def test_from_series_reuses_make_windows():
    series = np.arange(60, dtype=np.float32).reshape(30, 2)
    ds = pipelines.from_series(series, 5, horizon=2, target_columns=[1], batch_size=4)
    xw, yw = windows.make_windows(series, 5, horizon=2, target_columns=[1])
    xs, ys = collect(ds)
    np.testing.assert_array_equal(xs, xw)
    np.testing.assert_array_equal(ys, yw)
    assert pipelines.batch_sizes(ds) == [4] * 6 == [4] * (windows.count_windows(30, 5, horizon=2) // 4)


def test_from_series_matches_keras_timeseries_dataset_from_array():
    series = np.random.default_rng(0).normal(size=(50, 1)).astype(np.float32)
    t, h = 6, 3
    ours = collect(pipelines.from_series(series, t, horizon=h, batch_size=8))
    theirs = collect(
        keras.utils.timeseries_dataset_from_array(series, series[t + h - 1 :], sequence_length=t, batch_size=8)
    )
    n = len(ours[0])
    np.testing.assert_array_equal(ours[0], theirs[0][:n])
    np.testing.assert_array_equal(ours[1], theirs[1][:n])


def test_a_model_fits_the_dataset_with_the_right_number_of_updates():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(20, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    log = pipelines.EpochLog()
    x, y = arrays()
    history = model.fit(
        pipelines.from_arrays(x / 2000, y / 100, shuffle=True, seed=1),
        epochs=2,
        shuffle=False,
        verbose=0,
        callbacks=[log],
    )
    assert log.updates == [4, 4] == [pipelines.steps_per_epoch(100, 32)] * 2
    assert len(log.seconds) == 2 and all(s > 0 for s in log.seconds)
    assert np.isfinite(history.history["loss"]).all()


@pytest.mark.parametrize(
    "n,b,drop,steps",
    [
        (100, 32, False, 4),
        (100, 32, True, 3),
        (712, 50, False, 15),
        (712, 50, True, 14),
        (64, 32, True, 2),
        (0, 8, False, 0),
        (5, 8, False, 1),
        (5, 8, True, 0),
    ],
)
def test_steps_per_epoch(n, b, drop, steps):
    assert pipelines.steps_per_epoch(n, b, drop_remainder=drop) == steps
    if n:
        assert len(pipelines.from_arrays(*arrays(n), batch_size=b, drop_remainder=False)) == pipelines.steps_per_epoch(
            n, b
        )


def test_simulated_load_counts_calls_and_cache_runs_it_once():
    x, y = arrays(10)
    load = pipelines.SimulatedLoad(0.0)
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    _ = list(ds.map(load).repeat(3))
    assert load.calls == 30
    load.calls = 0
    cached = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE).cache()
    for _ in range(3):
        xs = np.stack([a.numpy() for a, _ in cached])
    assert load.calls == 10
    np.testing.assert_array_equal(xs, x)
    assert ds.map(load).element_spec[0].shape.as_list() == [20, 1], "static shape kept"
    single = tf.data.Dataset.from_tensor_slices(x).map(load)
    assert single.element_spec.shape.as_list() == [20, 1]


# --- bad input: each message names the argument, what came in, what was expected, the fix ---------------


@pytest.mark.parametrize(
    "x,y,err,words",
    [
        (np.zeros((100, 20, 1)), np.zeros((99, 1)), ValueError, "y: 99 targets for 100 windows in x"),
        (np.zeros((100, 20)), np.zeros((100, 1)), ValueError, "x: shape (100, 20) has 2 axes"),
        (np.zeros((100, 20, 1, 1)), np.zeros((100, 1)), ValueError, "x: shape (100, 20, 1, 1) has an extra trailing"),
        (np.zeros(100), np.zeros(100), ValueError, "x: shape (100,) has 1 axes"),
        (np.full((3, 2, 1), np.nan), np.zeros(3), ValueError, "x: 6 values are NaN or infinite"),
        (
            np.zeros((3, 2, 1)),
            np.array([0.0, np.nan, 1.0]),
            ValueError,
            "y: 1 values are NaN, infinite or too large for float32 (first at index (1,))",
        ),
        (np.zeros((3, 2, 1)), np.zeros((3, 1, 1, 1)), ValueError, "y: shape (3, 1, 1, 1) has 4 axes"),
        (np.zeros((3, 2, 1)), np.zeros((3, 5, 1)), ValueError, "y: sequence targets (3, 5, 1) have 5 steps"),
        (np.zeros((3, 2, 1)), np.float32(1.0), ValueError, "y: shape () has 0 axes"),
        (np.zeros((3, 2, 1)), 1.0, TypeError, "y: expected a NumPy array of targets, got float"),
        (np.zeros((3, 2, 1)), np.array(["a", "b", "c"]), TypeError, "y: expected numbers"),
        (np.zeros((3, 2, 1), int), np.zeros(3), TypeError, "x: dtype is int64"),
        ("windows", np.zeros(3), TypeError, "x: expected a NumPy array"),
    ],
)
def test_bad_arrays_are_explained(x, y, err, words):
    with pytest.raises(err) as info:
        pipelines.from_arrays(x, y)
    assert words in str(info.value)


def test_mismatched_lengths_message_says_how_to_fix():
    with pytest.raises(ValueError) as info:
        pipelines.from_arrays(np.zeros((100, 20, 1)), np.zeros((99, 1)))
    assert "windows.make_windows" in str(info.value) and "x[:n], y[:n]" in str(info.value)


def test_a_dataset_is_not_an_array():
    ds = tf.data.Dataset.from_tensor_slices(np.zeros((3, 2, 1)))
    with pytest.raises(TypeError, match="x: expected a NumPy array, a tensor or a list of sequences, got"):
        pipelines.from_arrays(ds, np.zeros(3))
    with pytest.raises(TypeError, match="y: expected a NumPy array of targets, got"):
        pipelines.from_arrays(np.zeros((3, 2, 1)), ds)


@pytest.mark.parametrize(
    "kwargs,err,words",
    [
        ({"batch_size": 0}, ValueError, "batch_size: expected an int >= 1 such as batch_size=32, got 0"),
        ({"batch_size": -4}, ValueError, "batch_size: expected an int >= 1"),
        (
            {"batch_size": 32.0},
            TypeError,
            "batch_size: expected an int >= 1 such as batch_size=32, got 32.0 (float). Fix: batch_size=int(...)",
        ),
        ({"batch_size": "32"}, TypeError, "got '32' (str)"),
        ({"batch_size": True}, TypeError, "got True (bool)"),
        ({"batch_size": None}, TypeError, "got None (NoneType)"),
        ({"batch_size": 200, "drop_remainder": True}, ValueError, "the dataset would be empty"),
        ({"shuffle": "yes"}, TypeError, "shuffle: expected True or False, got 'yes'"),
        ({"drop_remainder": 1}, TypeError, "drop_remainder: expected True or False"),
        ({"shuffle": True, "seed": -1}, ValueError, "seed: expected an int >= 0"),
        ({"shuffle": True, "seed": 1.5}, TypeError, "seed: expected an int"),
    ],
)
def test_bad_options_are_explained(kwargs, err, words):
    with pytest.raises(err) as info:
        pipelines.from_arrays(*arrays(), **kwargs)
    assert words in str(info.value)


def test_numpy_ints_and_bools_are_fine():
    ds = pipelines.from_arrays(*arrays(), batch_size=np.int64(50), drop_remainder=np.bool_(True))
    assert pipelines.batch_sizes(ds) == [50, 50]


@pytest.mark.parametrize(
    "series,kwargs,err,words",
    [
        (np.arange(10), {"timesteps": 3}, TypeError, "series: dtype is int64"),
        (
            np.array([1.0, np.nan, 3.0, 4.0]),
            {"timesteps": 2},
            ValueError,
            "series: 1 values are NaN, infinite or too large for float32",
        ),
        (np.zeros((2, 3, 4)), {"timesteps": 2}, ValueError, "series: expected shape (T,) or (T, F)"),
        (np.zeros(10), {"timesteps": 20}, ValueError, "series: 10 steps are too short"),
        (np.zeros(10), {"timesteps": 0}, ValueError, "timesteps: expected an int >= 1"),
        (np.zeros(10), {"timesteps": 3, "batch_size": 0}, ValueError, "batch_size: expected an int >= 1"),
    ],
)
def test_bad_series_are_explained(series, kwargs, err, words):
    with pytest.raises(err) as info:
        pipelines.from_series(series, **kwargs)
    assert words in str(info.value)


@pytest.mark.parametrize(
    "args,err,words",
    [
        ((100, 0), ValueError, "batch_size: expected an int >= 1"),
        ((100, 2.5), TypeError, "batch_size: expected an int"),
        ((-1, 32), ValueError, "n_samples: expected an int >= 0"),
        ((100.0, 32), TypeError, "n_samples: expected an int"),
    ],
)
def test_bad_steps_per_epoch(args, err, words):
    with pytest.raises(err, match=words):
        pipelines.steps_per_epoch(*args)


def test_batch_sizes_needs_a_batched_dataset():
    with pytest.raises(TypeError, match="dataset: expected a tf.data.Dataset, got ndarray"):
        pipelines.batch_sizes(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"not batches; call \.batch\(batch_size\) first"):
        pipelines.batch_sizes(tf.data.Dataset.range(5))
    assert pipelines.batch_sizes(tf.data.Dataset.range(5).batch(2)) == [2, 2, 1]


@pytest.mark.parametrize("delay,err", [(-0.1, ValueError), (2, ValueError), ("fast", TypeError), (True, TypeError)])
def test_simulated_load_bad_delay(delay, err):
    with pytest.raises(err, match="delay: expected a number such as 0.001 seconds per element"):
        pipelines.SimulatedLoad(delay)


# --------------------------------------------------------------------------- sequences of different lengths


def seqs_of(lengths, features=1, start=1.0):
    """Float sequences of these lengths whose values are never 0 (so padding with 0 is unambiguous)."""
    return [np.arange(start, start + n * features, dtype=np.float32).reshape(n, features) for n in lengths]


@settings(max_examples=40, deadline=None)
@given(lengths=st.lists(st.integers(1, 30), min_size=1, max_size=40), batch_size=st.integers(1, 8))
def test_padded_batch_measures_what_padding_stats_computes(lengths, batch_size):
    ds = pipelines.to_dataset(seqs_of(lengths)).padded_batch(batch_size)
    measured = padding.mask_stats(padding.batch_masks(ds), strategy="padded_batch")
    computed = padding.padding_stats(lengths, batch_size=batch_size)
    assert (measured.real_steps, measured.total_steps, measured.batches) == (
        computed.real_steps,
        computed.total_steps,
        computed.batches,
    )


def test_to_dataset_elements_and_targets():
    seqs = seqs_of([2, 3])
    ds = pipelines.to_dataset(seqs)
    assert [tuple(x.shape) for x in ds] == [(2, 1), (3, 1)]
    ds = pipelines.to_dataset(seqs, [0.5, 1.5])
    (_x0, _y0), (x1, y1) = list(ds)
    assert tuple(x1.shape) == (3, 1) and float(y1) == 1.5
    per_step = pipelines.to_dataset(seqs, [s * 10 for s in seqs])  # target sequences
    assert [tuple(y.shape) for _, y in per_step] == [(2, 1), (3, 1)]
    ids = pipelines.to_dataset([[1, 2, 3], [4]])
    assert [x.numpy().tolist() for x in ids] == [[1, 2, 3], [4]]
    assert ids.element_spec.dtype.name == "int32"  # so padding_values=-1 matches
    assert [b.numpy().tolist() for b in ids.padded_batch(2, padding_values=-1)] == [[[1, 2, 3], [4, -1, -1]]]
    with pytest.raises(ValueError, match="do not fit int32"):
        pipelines.to_dataset([[1, 2**40]])


@pytest.mark.parametrize(
    "targets,err,words",
    [
        ([1.0], ValueError, "targets: got 1 targets for 2 sequences"),
        ("ab", TypeError, "targets: expected one target per sequence"),
        ([np.zeros((2, 1)), np.zeros((4, 1))], ValueError, "targets[1]: has 4 steps but sequences[1] has 3"),
        (np.array(["a", "b"]), TypeError, "targets: expected numbers (integers or floats), got dtype <U1"),
    ],
)
def test_to_dataset_bad_targets(targets, err, words):
    with pytest.raises(err, match=re.escape(words)):
        pipelines.to_dataset(seqs_of([2, 3]), targets)


def test_bucket_dataset_tiny_example_from_the_tf_docs():
    ds = pipelines.bucket_dataset([[1], [1, 2], [1, 2, 3], [1, 2, 3, 4, 5]], boundaries=[3], batch_sizes=[2, 2])
    assert [b.numpy().tolist() for b in ds] == [[[1, 0], [1, 2]], [[1, 2, 3, 0, 0], [1, 2, 3, 4, 5]]]
    assert len(ds) == 2  # cardinality is known


def test_bucket_dataset_handles_x_y_and_padding_values():
    seqs = seqs_of([1, 2, 3, 5, 4, 2])
    ds = pipelines.bucket_dataset(seqs, np.arange(6.0), boundaries=[3], batch_sizes=[2, 2], padding_value=-1.0)
    batches = [(x.numpy()[..., 0].tolist(), y.numpy().tolist()) for x, y in ds]
    assert batches[0] == ([[1.0, -1.0], [1.0, 2.0]], [0.0, 1.0])
    assert sorted(y for _, ys in batches for y in ys) == list(range(6))  # nothing lost
    assert len(ds) == len(batches) == 4
    per_step = pipelines.bucket_dataset(seqs, [s * 10 for s in seqs], boundaries=[3], batch_sizes=[2, 2])
    _x, y = next(iter(per_step))
    assert y.numpy()[..., 0].tolist() == [[10.0, 0.0], [10.0, 20.0]]


def test_bucket_dataset_accepts_a_dataset_and_keras_can_fit_it_without_warnings():
    keras = pytest.importorskip("keras")
    import warnings

    seqs = seqs_of([3, 4, 5, 6, 7, 8])
    ds = pipelines.bucket_dataset(pipelines.to_dataset(seqs, np.zeros(6)), boundaries=[5], batch_sizes=[2, 2])
    assert len(ds) == 3
    model = keras.Sequential(
        [keras.Input((None, 1)), keras.layers.Masking(), keras.layers.LSTM(2), keras.layers.Dense(1)]
    )
    model.compile("sgd", "mse")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Keras 3.15 warns on datasets of unknown cardinality
        model.fit(ds, epochs=2, verbose=0, shuffle=False)


def test_bucket_dataset_drop_remainder_and_pad_to_boundary():
    seqs = seqs_of([1, 2, 2, 3, 4])
    ds = pipelines.bucket_dataset(seqs, boundaries=[3, 5], batch_sizes=[2, 2, 2], drop_remainder=True)
    assert [tuple(b.shape) for b in ds] == [(2, 2, 1), (2, 4, 1)] and len(ds) == 2  # the lone 3rd short one is dropped
    ds = pipelines.bucket_dataset(seqs, boundaries=[3, 5], batch_sizes=[2, 2, 2], pad_to_bucket_boundary=True)
    assert sorted(b.shape[1] for b in ds) == [2, 2, 4]


@settings(max_examples=30, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 12), min_size=1, max_size=30),
    boundaries=st.lists(st.integers(2, 12), min_size=1, max_size=4, unique=True),
    size=st.integers(1, 5),
    drop=st.booleans(),
)
def test_bucket_dataset_declares_the_true_number_of_batches(lengths, boundaries, size, drop):
    boundaries = sorted(boundaries)
    ds = pipelines.bucket_dataset(
        seqs_of(lengths), boundaries=boundaries, batch_sizes=[size] * (len(boundaries) + 1), drop_remainder=drop
    )
    batches = list(ds)
    assert len(ds) == len(batches)
    for b in batches:  # every batch holds lengths from one bucket only
        n = padding.step_mask(b.numpy()).sum(axis=1)
        assert len(set(np.searchsorted(boundaries, n, side="right"))) == 1


@pytest.mark.parametrize(
    "kwargs,err,words",
    [
        (
            {"boundaries": [22, 20], "batch_sizes": [2, 2, 2]},
            ValueError,
            "boundaries: [22, 20] must be strictly increasing",
        ),
        ({"boundaries": [20, 20], "batch_sizes": [2, 2, 2]}, ValueError, "must be strictly increasing"),
        (
            {"boundaries": [20], "batch_sizes": [2]},
            ValueError,
            "batch_sizes: got 1 sizes [2] for 1 boundaries [20]; expected 2",
        ),
        ({"boundaries": [20], "batch_sizes": [2, 0]}, ValueError, "batch_sizes: expected ints >= 1, got 0"),
        ({"boundaries": [], "batch_sizes": [2]}, ValueError, "boundaries: got an empty list"),
        ({"boundaries": [2.5], "batch_sizes": [2, 2]}, TypeError, "boundaries: expected ints, got 2.5"),
        (
            {"boundaries": 20, "batch_sizes": [2, 2]},
            TypeError,
            "boundaries: expected a list of ints such as [20, 22], got 20",
        ),
        (
            {"boundaries": [3], "batch_sizes": [2, 2], "pad_to_bucket_boundary": True},
            ValueError,
            "the longest sequence has 4 steps. Fix: add a boundary above 4",
        ),
    ],
)
def test_bucket_dataset_checks_its_arguments(kwargs, err, words):
    with pytest.raises(err, match=re.escape(words)):
        pipelines.bucket_dataset(seqs_of([1, 2, 4]), **kwargs)


def test_bucket_dataset_bad_data():
    tf = pytest.importorskip("tensorflow")
    batched = pipelines.to_dataset(seqs_of([2, 3])).padded_batch(2)
    with pytest.raises(ValueError, match="looks batched"):
        pipelines.bucket_dataset(batched, boundaries=[3], batch_sizes=[2, 2])
    scalars = tf.data.Dataset.from_tensor_slices(np.arange(3.0))
    with pytest.raises(TypeError, match="one unbatched sequence each"):
        pipelines.bucket_dataset(scalars, boundaries=[3], batch_sizes=[2, 2])
    with pytest.raises(TypeError, match="targets: pass targets only with a list of sequences"):
        pipelines.bucket_dataset(pipelines.to_dataset(seqs_of([2])), [1.0], boundaries=[3], batch_sizes=[2, 2])
    with pytest.raises(ValueError, match="padding_value: 0.5 is not an integer"):
        pipelines.bucket_dataset([[1, 2], [3]], boundaries=[2], batch_sizes=[2, 2], padding_value=0.5)
    with pytest.raises(ValueError, match=re.escape("sequences[1]: is empty")):
        pipelines.bucket_dataset([[1.0], []], boundaries=[2], batch_sizes=[2, 2])


def test_batch_sizes_refuses_an_infinite_dataset():
    with pytest.raises(ValueError, match=r"^dataset: it repeats forever"):
        pipelines.batch_sizes(tf.data.Dataset.range(5).batch(2).repeat())


def test_batch_sizes_refuses_unbatched_windows():
    unbatched = tf.data.Dataset.from_tensor_slices((np.zeros((6, 20, 1), np.float32), np.zeros((6, 1))))
    with pytest.raises(ValueError, match=r"^dataset: its elements have shape \(20, 1\): one window"):
        pipelines.batch_sizes(unbatched)
    assert pipelines.batch_sizes(unbatched.batch(4, drop_remainder=True)) == [4]
