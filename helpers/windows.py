"""Cut a series into LSTM windows, and split it in time without leaking the future.

Introduced in notebook 01; reused by notebook 03 (``tf.data``) and later ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from helpers.validate import (
    as_series,
    check_columns,
    exact_fraction,
    require_finite,
    require_flag,
    require_int,
    require_number,
    require_numeric,
)


def count_windows(length: int, timesteps: int, *, horizon: int = 1, stride: int = 1) -> int:
    """How many windows fit: ``count_windows(10, 3)`` -> 7 (inputs 0-2 -> target 3, ..., 6-8 -> 9)."""
    for arg, value, low in (
        ("length", length, 0),
        ("timesteps", timesteps, 1),
        ("horizon", horizon, 1),
        ("stride", stride, 1),
    ):
        require_int(arg, value, low)
    span = timesteps + horizon
    return 0 if length < span else (length - span) // stride + 1


def make_windows(
    series: np.ndarray,
    timesteps: int,
    *,
    horizon: int = 1,
    stride: int = 1,
    target_columns: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Turn a ``(T, F)`` series into inputs ``(N, timesteps, F)`` and targets ``(N, n_targets)``.

    Window ``i`` holds rows ``i*stride ... i*stride + timesteps - 1``; its target is the row
    ``horizon`` steps after the window's last row (columns ``target_columns``, default all).
    A 1-D series is read as one feature. The inputs are a read-only *view* of ``series``
    (no copy); call ``.copy()`` before changing them.

    >>> x, y = make_windows(np.arange(10), timesteps=3)
    >>> x.shape, y.shape, x[0, :, 0].tolist(), y[0].tolist()
    ((7, 3, 1), (7, 1), [0, 1, 2], [3])
    """
    series = as_series(series)
    n = count_windows(len(series), timesteps, horizon=horizon, stride=stride)
    if n == 0:
        raise ValueError(
            f"series: {len(series)} steps are too short for one window of timesteps={timesteps} "
            f"plus horizon={horizon} ({timesteps + horizon} steps). Use a longer series or "
            f"smaller timesteps/horizon."
        )
    cols = check_columns(target_columns, series.shape[1])
    # sliding_window_view(axis=0) gives (T - timesteps + 1, F, timesteps): a view, no copy.
    x = sliding_window_view(series, timesteps, axis=0).transpose(0, 2, 1)[::stride][:n]  # shape: (N, timesteps, F)
    y = series[timesteps - 1 + horizon :: stride][:n][:, cols]  # shape: (N, n_targets)
    return x, y


def sample_windows(
    series: np.ndarray,
    timesteps: int,
    *,
    horizon: int = 1,
    width: int = 1,
    stride: int = 1,
    sampling_rate: int = 1,
    target_columns: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``(N, timesteps, F)`` and multi-step targets ``(N, width, n_targets)`` from a ``(T, F)`` series.

    The two arguments of ``keras.utils.timeseries_dataset_from_array`` that :func:`make_windows` lacks
    (notebook 03, section 4.2): ``sampling_rate`` and a target of ``width`` consecutive values.
    Window ``i`` reads rows ``i*stride + sampling_rate*t`` for ``t = 0 .. timesteps-1``; with its last
    input row ``L``, its targets are rows ``L + horizon .. L + horizon + width - 1``.
    ``width=1, sampling_rate=1`` gives :func:`make_windows`' windows, with a target axis of length 1.
    Unlike :func:`make_windows`, the inputs are a copy.

    >>> x, y = sample_windows(np.arange(12), 3, width=2, sampling_rate=2)
    >>> x.shape, y.shape, x[0, :, 0].tolist(), y[0, :, 0].tolist()
    ((6, 3, 1), (6, 2, 1), [0, 2, 4], [5, 6])
    """
    series = as_series(series)
    for arg, value in (
        ("timesteps", timesteps),
        ("horizon", horizon),
        ("width", width),
        ("stride", stride),
        ("sampling_rate", sampling_rate),
    ):
        require_int(arg, value, 1)
    cols = check_columns(target_columns, series.shape[1])
    reach = (timesteps - 1) * sampling_rate + horizon + width  # rows one window and its targets span
    if len(series) < reach:
        raise ValueError(
            f"series: {len(series)} steps are too short for one window: (timesteps - 1) * sampling_rate "
            f"+ horizon + width = ({timesteps} - 1) * {sampling_rate} + {horizon} + {width} = {reach} "
            f"steps. Fix: a longer series, or smaller timesteps, sampling_rate, horizon or width."
        )
    n = (len(series) - reach) // stride + 1
    starts = stride * np.arange(n)[:, np.newaxis]  # shape: (N, 1)
    x = series[starts + sampling_rate * np.arange(timesteps)]  # shape: (N, timesteps, F)
    last = starts + (timesteps - 1) * sampling_rate  # shape: (N, 1): each window's last input row
    y = series[last + horizon + np.arange(width)][..., cols]  # shape: (N, width, n_targets)
    return x, y


@dataclass(frozen=True)
class Split:
    """A chronological train/validation/test split, scaled with training statistics only."""

    train: np.ndarray  # shape: (T_train, F)
    val: np.ndarray  # shape: (T_val, F)
    test: np.ndarray  # shape: (T_test, F)
    mean: np.ndarray  # shape: (F,), from train only
    std: np.ndarray  # shape: (F,), from train only

    def __repr__(self) -> str:
        return (
            f"Split(train={len(self.train)}, val={len(self.val)}, test={len(self.test)} steps; "
            f"mean/std from train only)"
        )

    def unscale(self, values: np.ndarray, columns: Sequence[int] | None = None) -> np.ndarray:
        """Back to original units; ``columns`` says which features ``values``' last axis holds."""
        cols = check_columns(columns, len(self.mean), name="columns")
        if not isinstance(values, (np.ndarray, list, tuple, np.number, float, int)) or isinstance(values, bool):
            raise TypeError(
                f"values: expected an array of scaled values (e.g. model.predict(...)), got {type(values).__name__}."
            )
        values = np.asarray(values)
        require_numeric("values", values, fix="Fix: pass the model's predictions as a float array.")
        require_finite("values", values, fix="A NaN prediction usually means training diverged.")
        if len(cols) > 1 and (values.ndim == 0 or values.shape[-1] != len(cols)):
            raise ValueError(
                f"values: shape {values.shape} does not end in {len(cols)} columns, one per feature of "
                f"the split ({cols}), so the scaling would broadcast silently. Fix: pass columns=[...] "
                f"naming the features values holds, e.g. columns=[3] for one predicted column."
            )
        return values * self.std[cols] + self.mean[cols]


def chronological_split(series: np.ndarray, *, train: float = 0.7, val: float = 0.15, scale: bool = True) -> Split:
    """Split in time order (train, then val, then test) and standardise with train statistics.

    Nothing from the validation or test period leaks into training: not their values, not
    their mean or spread. Build windows on each part separately so none spans a boundary.

    Counts are exact: ``train=0.7`` means 7/10 as written (:func:`helpers.validate.exact_fraction`), so
    the training part has ``floor(T * 7 / 10)`` steps (63 of 90, where ``90 * 0.7`` is 62.99999999999999
    in floating point); validation ``floor(T * val)`` likewise; test the rest.
    """
    series = as_series(series)
    require_number("train", train, minimum=0, maximum=1, strict=True, example="0.7")
    require_number("val", val, minimum=0, maximum=1, strict=True, example="0.15")
    fractions = {"train": exact_fraction(train, name="train"), "val": exact_fraction(val, name="val")}  # 0.7 is 7/10
    train, val = float(train), float(val)
    scale = require_flag("scale", scale)
    if sum(fractions.values()) >= 1:
        raise ValueError(
            f"val: train + val = {train + val:g} leaves nothing for test; keep it below 1 (e.g. train=0.7, val=0.15)."
        )
    # exact: 90 * 0.7 is 62.99999999999999 in floating point, and 63 steps are meant
    n_train, n_val = (math.floor(len(series) * f) for f in fractions.values())
    if min(n_train, n_val, len(series) - n_train - n_val) < 2:
        raise ValueError(
            f"series: {len(series)} steps give a part with fewer than 2 steps at train={train}, "
            f"val={val}; use a longer series or other fractions."
        )
    parts = series[:n_train], series[n_train : n_train + n_val], series[n_train + n_val :]
    mean, std = parts[0].mean(axis=0), parts[0].std(axis=0)
    if scale:
        if (std == 0).any():
            raise ValueError(
                f"series: feature(s) {np.flatnonzero(std == 0).tolist()} are constant in the "
                f"training part, so they cannot be standardised; drop them or pass scale=False."
            )
        parts = tuple(((p - mean) / std).astype(np.float32) for p in parts)
    else:
        mean, std = np.zeros_like(mean), np.ones_like(std)
    return Split(*parts, mean=mean, std=std)
