"""Build ``tf.data`` pipelines of LSTM windows, with input checks, and measure what they cost.

Introduced in notebook 03 (stateless batching with ``tf.data``). The windows themselves come
from :mod:`helpers.windows` (notebook 01); this module only feeds them to Keras:

- :func:`from_arrays`: ``(x, y)`` arrays -> a batched (optionally shuffled) ``tf.data.Dataset``.
- :func:`from_series`: a ``(T, F)`` series -> windows (``windows.make_windows``) -> :func:`from_arrays`.
- :func:`steps_per_epoch`, :func:`batch_sizes`: how many updates an epoch makes, and of what size.
- :class:`EpochLog`: a Keras callback recording seconds and updates per epoch.
- :class:`SimulatedLoad`: a ``Dataset.map`` step that sleeps (a stand-in for reading a file)
  and counts its calls, to show what ``cache``, ``prefetch`` and parallel ``map`` change.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Sequence

import keras
import numpy as np
import tensorflow as tf

from helpers import shapes, windows
from helpers.validate import require_finite, require_flag, require_int, require_number, require_numeric


def from_arrays(x: Any, y: Any, *, batch_size: int = 32, shuffle: bool = False, seed: int | None = None,
                drop_remainder: bool = False) -> tf.data.Dataset:
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
    x = np.asarray(x, dtype=np.float32)                                  # shape: (N, timesteps, features)
    y = _check_targets(y, x)                                             # shape: (N, ...) float32
    if drop_remainder and batch_size > len(x):
        raise ValueError(f"batch_size: {batch_size} is larger than the {len(x)} windows in x, and "
                         f"drop_remainder=True drops that one incomplete batch, so the dataset would be empty. "
                         f"Use batch_size <= {len(x)} or drop_remainder=False.")
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


def from_series(series: Any, timesteps: int, *, horizon: int = 1, stride: int = 1,
                target_columns: Sequence[int] | None = None, batch_size: int = 32, shuffle: bool = False,
                seed: int | None = None, drop_remainder: bool = False) -> tf.data.Dataset:
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
        raise TypeError(f"series: dtype is {series.dtype}; an LSTM computes in floating point. "
                        f"Fix: series.astype('float32') (after scaling it, e.g. windows.chronological_split).")
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
    return n_samples // batch_size if drop_remainder else -(-n_samples // batch_size)   # integers: exact at any size


def batch_sizes(dataset: tf.data.Dataset) -> list[int]:
    """The size of every batch in one pass over ``dataset`` (elements ``x`` or ``(x, y, ...)``)."""
    if not isinstance(dataset, tf.data.Dataset):
        raise TypeError(f"dataset: expected a tf.data.Dataset, got {type(dataset).__name__}. "
                        f"Build one with tf.data.Dataset.from_tensor_slices((x, y)).batch(32).")
    first = dataset.element_spec[0] if isinstance(dataset.element_spec, tuple) else dataset.element_spec
    if not isinstance(first, tf.TensorSpec) or first.shape.rank in (None, 0):
        raise ValueError(f"dataset: its elements are {dataset.element_spec}, not batches; "
                         f"call .batch(batch_size) first.")
    if dataset.cardinality() == tf.data.INFINITE_CARDINALITY:
        raise ValueError("dataset: it repeats forever (.repeat() without a count), so counting its batches would "
                         "never end. Fix: pass the dataset before .repeat(), or dataset.take(n).")
    sizes = dataset.map(lambda *parts: tf.shape(parts[0])[0])
    return [int(n) for n in sizes.as_numpy_iterator()]


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
        self._lock = threading.Lock()   # parallel map calls it from several threads

    def _work(self, x):
        time.sleep(self.delay)
        with self._lock:
            self.calls += 1
        return x

    def __call__(self, x, *rest):
        out = tf.numpy_function(self._work, [x], x.dtype, stateful=True)
        out.set_shape(x.shape)          # numpy_function forgets the static shape; give it back
        return (out, *rest) if rest else out


def _check_targets(y: Any, x: np.ndarray) -> np.ndarray:
    if isinstance(y, tf.data.Dataset) or not hasattr(y, "__len__") and not hasattr(y, "shape"):
        raise TypeError(f"y: expected a NumPy array of targets, got {type(y).__name__}.")
    try:
        y = np.asarray(y)
    except ValueError as err:
        raise TypeError(f"y: could not become one array ({err}); give every target the same shape.") from None
    require_numeric("y", y)
    if y.ndim not in (1, 2, 3):
        raise ValueError(f"y: shape {y.shape} has {y.ndim} axes; expected (N,) or (N, targets) for one target "
                         f"per window, or (N, timesteps, targets) for a target at every step.")
    if len(y) != len(x):
        raise ValueError(f"y: {len(y)} targets for {len(x)} windows in x; they must pair up one to one. "
                         f"Build both from the same windowing call (windows.make_windows), or cut the longer "
                         f"one: x[:n], y[:n].")
    if y.ndim == 3 and y.shape[1] != x.shape[1]:
        raise ValueError(f"y: sequence targets {y.shape} have {y.shape[1]} steps but the windows in x have "
                         f"{x.shape[1]}; a target per step needs the same number of timesteps.")
    require_finite("y", y, fix="Drop or fill them before windowing.")
    return y.astype(np.float32)

