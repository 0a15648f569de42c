"""Every ``tf.data`` pipeline of the course: build it with input checks, and measure what it costs.

Introduced in notebook 03 (stateless batching with ``tf.data``); the sequence pipelines in
notebook 04. The windows themselves come from :mod:`helpers.windows` (notebook 01), the padding
rules from :mod:`helpers.padding`; this module only feeds them to Keras:

- :func:`from_arrays`: ``(x, y)`` arrays -> a batched (optionally shuffled) ``tf.data.Dataset``.
- :func:`from_series`: a ``(T, F)`` series -> windows (``windows.make_windows``) -> :func:`from_arrays`.
- :func:`steps_per_epoch`, :func:`batch_sizes`: how many updates an epoch makes, and of what size.
- :class:`EpochLog`: a Keras callback recording seconds and updates per epoch.
- :class:`SimulatedLoad`: a ``Dataset.map`` step that sleeps (a stand-in for reading a file)
  and counts its calls, to show what ``cache``, ``prefetch`` and parallel ``map`` change.
- :func:`to_dataset`, :func:`bucket_dataset`, :func:`check_buckets`: variable-length sequences,
  unbatched and bucketed by length, with ``(x, y)`` elements handled (notebook 04).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from helpers import shapes, windows
from helpers.padding import lengths
from helpers.validate import (
    MAX_BATCHES,
    as_sequence_list,
    bounded,
    require_batched,
    require_fill_value,
    require_finite,
    require_flag,
    require_int,
    require_int32,
    require_int_list,
    require_number,
    require_numeric,
)


def from_arrays(
    x: Any,
    y: Any,
    *,
    batch_size: int = 32,
    shuffle: bool = False,
    seed: int | None = None,
    drop_remainder: bool = False,
) -> tf.data.Dataset:
    """Batch windows ``x`` (N, timesteps, features) and targets ``y`` (N, ...) into a Dataset.

    The pipeline is ``from_tensor_slices -> [shuffle] -> batch -> prefetch``. ``shuffle=True``
    shuffles with a buffer that holds every window (a full shuffle), reshuffled each epoch;
    pass ``seed`` to make the order reproducible. Never shuffle validation or test data.
    Values are cast to float32. ``model.fit(ds, shuffle=False)``: the Dataset does the shuffling.

    >>> ds = from_arrays(np.zeros((100, 20, 1)), np.zeros((100, 1)), batch_size=32)
    >>> batch_sizes(ds)
    [32, 32, 32, 4]
    """
    shuffle = require_flag("shuffle", shuffle)
    drop_remainder = require_flag("drop_remainder", drop_remainder)
    if seed is not None:
        require_int("seed", seed, 0, "seed=0")
    batch_size = require_int("batch_size", batch_size, 1, "batch_size=32")
    shapes.check_lstm_input(x, name="x")
    x = np.asarray(x, dtype=np.float32)  # shape: (N, timesteps, features)
    y = _check_targets(y, x)  # shape: (N, ...) float32
    if drop_remainder and batch_size > len(x):
        raise ValueError(
            f"batch_size: {batch_size} is larger than the {len(x)} windows in x, and "
            f"drop_remainder=True drops that one incomplete batch, so the dataset would be empty. "
            f"Use batch_size <= {len(x)} or drop_remainder=False."
        )
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


def from_series(
    series: Any,
    timesteps: int,
    *,
    horizon: int = 1,
    stride: int = 1,
    target_columns: Sequence[int] | None = None,
    batch_size: int = 32,
    shuffle: bool = False,
    seed: int | None = None,
    drop_remainder: bool = False,
) -> tf.data.Dataset:
    """Cut ``series`` (T, F) into windows with :func:`helpers.windows.make_windows`, then :func:`from_arrays`.

    Window ``i`` is rows ``i .. i+timesteps-1``; its target is the row ``horizon`` steps after.
    Build one dataset per part of a chronological split (``windows.chronological_split``), and
    shuffle only the training one.

    >>> ds = from_series(np.arange(10.0), timesteps=3, batch_size=4)
    >>> batch_sizes(ds), ds.element_spec[0].shape.as_list()
    ([4, 3], [None, 3, 1])
    """
    if isinstance(series, (list, tuple, range)):
        series = np.asarray(series)
    if isinstance(series, np.ndarray) and np.issubdtype(series.dtype, np.integer):
        raise TypeError(
            f"series: dtype is {series.dtype}; an LSTM computes in floating point. "
            f"Fix: series.astype('float32') (after scaling it, e.g. windows.chronological_split)."
        )
    x, y = windows.make_windows(series, timesteps, horizon=horizon, stride=stride, target_columns=target_columns)
    return from_arrays(x, y, batch_size=batch_size, shuffle=shuffle, seed=seed, drop_remainder=drop_remainder)


def steps_per_epoch(n_samples: int, batch_size: int, *, drop_remainder: bool = False) -> int:
    """Batches (= weight updates) in one epoch: ``steps_per_epoch(100, 32)`` -> 4 (32, 32, 32, 4).

    With ``drop_remainder=True`` the incomplete last batch is dropped: ``steps_per_epoch(100, 32,
    drop_remainder=True)`` -> 3, and 4 windows are never seen.
    """
    n_samples = require_int("n_samples", n_samples, 0, "n_samples=len(x)")
    batch_size = require_int("batch_size", batch_size, 1, "batch_size=32")
    drop_remainder = require_flag("drop_remainder", drop_remainder)
    return n_samples // batch_size if drop_remainder else -(-n_samples // batch_size)  # integers: exact at any size


def batch_sizes(dataset: tf.data.Dataset, *, max_batches: int = MAX_BATCHES) -> list[int]:
    """The size of every batch in one pass over ``dataset`` (elements ``x`` or ``(x, y, ...)``).

    Refuses a dataset that repeats forever or is not batched (:func:`helpers.validate.require_batched`);
    one whose length tf.data cannot tell (after ``filter``) is read to its end, but at most
    ``max_batches`` batches, so a ``.repeat().filter(...)`` never hangs.
    """
    if not isinstance(dataset, tf.data.Dataset):
        raise TypeError(
            f"dataset: expected a tf.data.Dataset, got {type(dataset).__name__}. "
            f"Build one with tf.data.Dataset.from_tensor_slices((x, y)).batch(32)."
        )
    require_batched("dataset", dataset, doing="counting its batches")
    sizes = dataset.map(lambda *parts: tf.shape(tf.nest.flatten(parts)[0])[0])
    return [int(n) for n in bounded("dataset", sizes.as_numpy_iterator(), max_batches)]


class EpochLog(keras.callbacks.Callback):
    """Record, for every epoch of ``fit``, its wall time (``seconds``) and its updates (``updates``).

    ``updates`` counts the training batches Keras really ran: it equals
    :func:`steps_per_epoch` exactly, while ``seconds`` depends on the machine.
    """

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []
        self.updates: list[int] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        self.updates.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.updates[-1] += 1

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


class SimulatedLoad:
    """A ``Dataset.map`` step that takes ``delay`` seconds per element and counts its calls.

    It stands in for a costly per-window step (reading a file, decoding, feature engineering):
    the values pass through unchanged. ``calls`` says how often it really ran, so a cached
    pipeline can be told from one that repeats the work every epoch.

    >>> load = SimulatedLoad(0.001)
    >>> ds = tf.data.Dataset.from_tensor_slices((np.zeros((4, 3, 1), np.float32), np.zeros((4, 1))))
    >>> _ = list(ds.map(load).cache().repeat(3)); load.calls
    4
    """

    def __init__(self, delay: float = 0.001):
        self.delay = require_number("delay", delay, minimum=0, maximum=1, example="0.001 seconds per element")
        self.calls = 0
        self._lock = threading.Lock()  # parallel map calls it from several threads

    def _work(self, x):
        time.sleep(self.delay)
        with self._lock:
            self.calls += 1
        return x

    def __call__(self, x, *rest):
        out = tf.numpy_function(self._work, [x], x.dtype, stateful=True)
        out.set_shape(x.shape)  # numpy_function forgets the static shape; give it back
        return (out, *rest) if rest else out


def _check_targets(y: Any, x: np.ndarray) -> np.ndarray:
    if isinstance(y, tf.data.Dataset) or (not hasattr(y, "__len__") and not hasattr(y, "shape")):
        raise TypeError(f"y: expected a NumPy array of targets, got {type(y).__name__}.")
    try:
        y = np.asarray(y)
    except ValueError as err:
        raise TypeError(f"y: could not become one array ({err}); give every target the same shape.") from None
    require_numeric("y", y)
    if y.ndim not in (1, 2, 3):
        raise ValueError(
            f"y: shape {y.shape} has {y.ndim} axes; expected (N,) or (N, targets) for one target "
            f"per window, or (N, timesteps, targets) for a target at every step."
        )
    if len(y) != len(x):
        raise ValueError(
            f"y: {len(y)} targets for {len(x)} windows in x; they must pair up one to one. "
            f"Build both from the same windowing call (windows.make_windows), or cut the longer "
            f"one: x[:n], y[:n]."
        )
    if y.ndim == 3 and y.shape[1] != x.shape[1]:
        raise ValueError(
            f"y: sequence targets {y.shape} have {y.shape[1]} steps but the windows in x have "
            f"{x.shape[1]}; a target per step needs the same number of timesteps."
        )
    require_finite("y", y, fix="Drop or fill them before windowing.")
    return y.astype(np.float32)


# --------------------------------------------------------------------------- sequences of different lengths


def to_dataset(sequences: Any, targets: Any = None):
    """An unbatched ``tf.data.Dataset`` with one variable-length sequence per element.

    Elements are ``x`` of shape ``(T_i, F)`` (or ``(T_i,)`` for ids), or ``(x, y)`` when
    ``targets`` is given: one target per sequence (``targets[i]`` of any fixed shape) or one
    target *sequence* per sequence (``targets[i]`` with ``T_i`` steps, for
    ``return_sequences=True`` models). Floats become ``float32``, integer ids ``int32`` (as with
    ``pad_sequences``). Batch it with ``.padded_batch(...)`` or :func:`bucket_dataset`. Built
    from a ragged tensor, without a Python generator.
    """
    seqs = as_sequence_list(sequences)
    xs = _ragged(seqs)
    if targets is None:
        return tf.data.Dataset.from_tensor_slices(xs).map(tf.convert_to_tensor)
    ys = _targets(targets, seqs)
    return tf.data.Dataset.from_tensor_slices((xs, ys)).map(
        lambda x, y: (tf.convert_to_tensor(x), tf.convert_to_tensor(y))
    )


def check_buckets(
    boundaries: Any, batch_sizes: Any, *, max_length: int | None = None, pad_to_bucket_boundary: bool = False
) -> tuple[list[int], list[int]]:
    """Check ``bucket_by_sequence_length`` arguments; return them as lists of ints.

    Boundaries are exclusive upper limits, strictly increasing: ``[20, 22]`` makes the buckets
    ``[0, 20)``, ``[20, 22)`` and ``[22, inf)``, so ``batch_sizes`` needs one more entry than
    ``boundaries``. With ``pad_to_bucket_boundary=True`` every length must be below the last
    boundary (TensorFlow would otherwise fail in the middle of an epoch).
    """
    b = require_int_list("boundaries", boundaries, minimum=1)
    s = require_int_list("batch_sizes", batch_sizes, minimum=1)
    if max_length is not None:
        max_length = require_int("max_length", max_length, 1, "max_length=max(lengths)")
    pad_to_bucket_boundary = require_flag("pad_to_bucket_boundary", pad_to_bucket_boundary)
    if any(later <= earlier for earlier, later in itertools.pairwise(b)):
        raise ValueError(
            f"boundaries: {b} must be strictly increasing (each is the exclusive upper end of a "
            f"bucket), e.g. [20, 22]. Fix: sorted(set(boundaries))."
        )
    if len(s) != len(b) + 1:
        raise ValueError(
            f"batch_sizes: got {len(s)} sizes {s} for {len(b)} boundaries {b}; expected "
            f"{len(b) + 1}: one per bucket, the last one for lengths >= {b[-1]}. "
            f"Fix: e.g. batch_sizes={[s[0]] * (len(b) + 1)}."
        )
    if pad_to_bucket_boundary and max_length is not None and max_length >= b[-1]:
        raise ValueError(
            f"boundaries: with pad_to_bucket_boundary=True every length must be < the last "
            f"boundary {b[-1]}, but the longest sequence has {max_length} steps. Fix: add a "
            f"boundary above {max_length} (e.g. {max_length + 1}) or pad_to_bucket_boundary=False."
        )
    return b, s


def bucket_dataset(
    data: Any,
    targets: Any = None,
    *,
    boundaries: Sequence[int],
    batch_sizes: Sequence[int],
    padding_value: float = 0.0,
    pad_to_bucket_boundary: bool = False,
    drop_remainder: bool = False,
):
    """Group sequences of similar length into batches, each padded to its own longest sequence.

    ``data`` is a list of sequences (with optional ``targets``, as in :func:`to_dataset`) or an
    unbatched ``tf.data.Dataset`` whose elements are ``x`` or ``(x, y)``. Calls
    ``Dataset.bucket_by_sequence_length`` with a length function of the right arity (in TF 2.21
    it receives two arguments for ``(x, y)`` elements) and pads ``x`` with ``padding_value``
    (variable-length targets with 0). Order: a bucket's batch leaves when the bucket is full;
    partial batches leave at the end of the data. The number of batches is computed from the
    lengths and declared (``assert_cardinality``): without it ``len(ds)`` fails and Keras 3.15
    warns "Your input ran out of data" after every epoch.

    >>> ds = bucket_dataset([[1], [1, 2], [1, 2, 3], [1, 2, 3, 4, 5]], boundaries=[3], batch_sizes=[2, 2])
    >>> [b.numpy().tolist() for b in ds]  # doctest: +SKIP
    [[[1, 0], [1, 2]], [[1, 2, 3, 0, 0], [1, 2, 3, 4, 5]]]
    """
    if isinstance(data, tf.data.Dataset):
        if targets is not None:
            raise TypeError(
                "targets: pass targets only with a list of sequences; a Dataset already carries its (x, y) elements."
            )
        ds = data
    else:
        ds = to_dataset(data, targets)
    spec = ds.element_spec
    paired = isinstance(spec, tuple)
    if paired and len(spec) != 2:
        raise TypeError(f"data: expected elements x or (x, y), got a tuple of {len(spec)} components.")
    x_spec = spec[0] if paired else spec
    if not isinstance(x_spec, tf.TensorSpec) or x_spec.shape.rank is None or x_spec.shape.rank < 1:
        raise TypeError(
            f"data: elements must be one unbatched sequence each, (T,) or (T, F); got {x_spec}. "
            f"Fix: call bucket_dataset before .batch()/.padded_batch(), e.g. on to_dataset(...)."
        )
    if x_spec.shape.rank > 2:
        raise ValueError(
            f"data: elements have shape {x_spec.shape}, which looks batched; expected one sequence "
            f"(T,) or (T, F) per element. Fix: .unbatch() first, or build with to_dataset(...)."
        )
    if paired:

        def length(x, y):  # TF 2.21 unpacks (x, y) into two arguments
            return tf.shape(x)[0]
    else:

        def length(x):
            return tf.shape(x)[0]

    if not isinstance(data, tf.data.Dataset):
        n = lengths(data)
    elif ds.cardinality() >= 0:  # finite and known: read the lengths once
        n = np.fromiter(ds.map(length).as_numpy_iterator(), dtype=np.int64)
    else:
        n = None
    b, s = check_buckets(
        boundaries,
        batch_sizes,
        max_length=None if n is None or not len(n) else int(n.max()),
        pad_to_bucket_boundary=pad_to_bucket_boundary,
    )
    padding_value = require_fill_value("padding_value", padding_value, ids=x_spec.dtype.is_integer)
    pad_to_bucket_boundary = require_flag("pad_to_bucket_boundary", pad_to_bucket_boundary)
    drop_remainder = require_flag("drop_remainder", drop_remainder)
    pad_x = tf.constant(padding_value, dtype=x_spec.dtype)
    pad_values = (pad_x, tf.constant(0, dtype=spec[1].dtype)) if paired else pad_x
    out = ds.bucket_by_sequence_length(
        length,
        bucket_boundaries=b,
        bucket_batch_sizes=s,
        padding_values=pad_values,
        pad_to_bucket_boundary=pad_to_bucket_boundary,
        drop_remainder=drop_remainder,
    )
    if n is None:
        return out
    # Bucketing hides the number of batches from tf.data (cardinality UNKNOWN), and Keras 3.15 then warns
    # "Your input ran out of data" after every epoch. The count is exact: ceil (or floor) of size per bucket.
    per_bucket = np.bincount(np.searchsorted(b, n, side="right"), minlength=len(s))
    sizes = np.array(s)
    batches = (per_bucket // sizes) if drop_remainder else -(-per_bucket // sizes)
    return out.apply(tf.data.experimental.assert_cardinality(int(batches.sum())))


def _ragged(seqs: list[np.ndarray]):
    values = np.concatenate(seqs)
    if np.issubdtype(values.dtype, np.floating):
        values = values.astype(np.float32)
    else:  # ids as int32, like pad_sequences: a Python int padding value (-1) then matches the dtype
        require_int32("sequences", values)
        values = values.astype(np.int32)
    return tf.RaggedTensor.from_row_lengths(values, np.array([len(s) for s in seqs], dtype=np.int64))


def _targets(targets: Any, seqs: list[np.ndarray]):
    """Targets: one fixed-shape target per sequence, or one target sequence as long as each input."""
    if isinstance(targets, (str, bytes)) or not hasattr(targets, "__len__"):
        raise TypeError(
            f"targets: expected one target per sequence (an array or a list), got {type(targets).__name__}."
        )
    if len(targets) != len(seqs):
        raise ValueError(
            f"targets: got {len(targets)} targets for {len(seqs)} sequences; expected one per "
            f"sequence, in the same order."
        )
    try:
        ys = np.asarray(targets)
    except ValueError:  # rows of different lengths: target sequences
        ys = np.asarray([], dtype=object)
    if ys.dtype != object:  # one fixed-shape target per sequence
        require_numeric("targets", ys)
        require_finite("targets", ys, fix="Drop those sequences or fill their targets.")
        return ys.astype(np.float32) if np.issubdtype(ys.dtype, np.floating) else ys
    ys = as_sequence_list(list(targets), name="targets")
    bad = [i for i, (t, s) in enumerate(zip(ys, seqs, strict=False)) if len(t) != len(s)]
    if bad:
        i = bad[0]
        raise ValueError(
            f"targets[{i}]: has {len(ys[i])} steps but sequences[{i}] has {len(seqs[i])}; target "
            f"sequences must be as long as their inputs (or give one fixed-shape target per sequence)."
        )
    return _ragged(ys)
