"""Cut a series into LSTM windows, and split it in time without leaking the future.

Introduced in notebook 01; reused by notebook 03 (``tf.data``) and later ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def count_windows(length: int, timesteps: int, *, horizon: int = 1, stride: int = 1) -> int:
    """How many windows fit: ``count_windows(10, 3)`` -> 7 (inputs 0-2 -> target 3, ..., 6-8 -> 9)."""
    for arg, value, low in (("length", length, 0), ("timesteps", timesteps, 1),
                            ("horizon", horizon, 1), ("stride", stride, 1)):
        require_int(arg, value, low)
    span = timesteps + horizon
    return 0 if length < span else (length - span) // stride + 1


def make_windows(series: np.ndarray, timesteps: int, *, horizon: int = 1, stride: int = 1,
                 target_columns: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
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
        raise ValueError(f"series: {len(series)} steps are too short for one window of timesteps={timesteps} "
                         f"plus horizon={horizon} ({timesteps + horizon} steps). Use a longer series or "
                         f"smaller timesteps/horizon.")
    cols = check_columns(target_columns, series.shape[1])
    # sliding_window_view(axis=0) gives (T - timesteps + 1, F, timesteps): a view, no copy.
    x = sliding_window_view(series, timesteps, axis=0).transpose(0, 2, 1)[::stride][:n]  # shape: (N, timesteps, F)
    y = series[timesteps - 1 + horizon::stride][:n][:, cols]                            # shape: (N, n_targets)
    return x, y


@dataclass(frozen=True)
class Split:
    """A chronological train/validation/test split, scaled with training statistics only."""

    train: np.ndarray   # shape: (T_train, F)
    val: np.ndarray     # shape: (T_val, F)
    test: np.ndarray    # shape: (T_test, F)
    mean: np.ndarray    # shape: (F,), from train only
    std: np.ndarray     # shape: (F,), from train only

    def __repr__(self) -> str:
        return (f"Split(train={len(self.train)}, val={len(self.val)}, test={len(self.test)} steps; "
                f"mean/std from train only)")

    def unscale(self, values: np.ndarray, columns: Sequence[int] | None = None) -> np.ndarray:
        """Back to original units; ``columns`` says which features ``values``' last axis holds."""
        cols = check_columns(columns, len(self.mean))
        return np.asarray(values) * self.std[cols] + self.mean[cols]


def chronological_split(series: np.ndarray, *, train: float = 0.7, val: float = 0.15,
                        scale: bool = True) -> Split:
    """Split in time order (train, then val, then test) and standardise with train statistics.

    Nothing from the validation or test period leaks into training: not their values, not
    their mean or spread. Build windows on each part separately so none spans a boundary.
    """
    series = as_series(series)
    for arg, frac in (("train", train), ("val", val)):
        if isinstance(frac, bool) or not isinstance(frac, (int, float)) or not 0 < frac < 1:
            raise ValueError(f"{arg}: expected a fraction between 0 and 1, got {frac!r}.")
    if train + val >= 1:
        raise ValueError(f"train + val = {train + val:g} leaves nothing for test; keep it below 1 (e.g. 0.7 + 0.15).")
    n_train, n_val = int(len(series) * train), int(len(series) * val)
    if min(n_train, n_val, len(series) - n_train - n_val) < 2:
        raise ValueError(f"series: {len(series)} steps give a part with fewer than 2 steps at train={train}, "
                         f"val={val}; use a longer series or other fractions.")
    parts = series[:n_train], series[n_train:n_train + n_val], series[n_train + n_val:]
    mean, std = parts[0].mean(axis=0), parts[0].std(axis=0)
    if scale:
        if (std == 0).any():
            raise ValueError(f"series: feature(s) {np.flatnonzero(std == 0).tolist()} are constant in the "
                             f"training part, so they cannot be standardised; drop them or pass scale=False.")
        parts = tuple(((p - mean) / std).astype(np.float32) for p in parts)
    else:
        mean, std = np.zeros_like(mean), np.ones_like(std)
    return Split(*parts, mean=mean, std=std)


def as_series(series: np.ndarray) -> np.ndarray:
    """Check a series and return it as ``(T, F)`` (a 1-D series becomes one feature).

    Shared by the helpers that take a series (windows, plots, stateful): numbers only, 1 or 2
    axes, no NaN/inf; each problem raises with a message that names ``series``.
    """
    if not isinstance(series, np.ndarray):
        if isinstance(series, (list, tuple, range)):
            series = np.asarray(series)
        else:
            raise TypeError(f"series: expected a NumPy array of shape (T,) or (T, F), got {type(series).__name__}.")
    if series.ndim == 1:
        series = series[:, np.newaxis]
    if series.ndim != 2:
        raise ValueError(f"series: expected shape (T,) or (T, F), got {series.shape} ({series.ndim} axes). "
                         f"Windowing makes the batch axis; pass one series, not windows.")
    if not (np.issubdtype(series.dtype, np.floating) or np.issubdtype(series.dtype, np.integer)):
        raise TypeError(f"series: expected numbers, got dtype {series.dtype}.")
    if np.issubdtype(series.dtype, np.floating) and not np.isfinite(series).all():
        bad = np.argwhere(~np.isfinite(series))[0].tolist()
        raise ValueError(f"series: contains NaN or infinite values (first at row {bad[0]}, column {bad[1]}); "
                         f"drop or fill them before windowing, or every window touching them is poisoned.")
    return series


def check_columns(columns: Sequence[int] | None, n_features: int) -> list[int]:
    """Validate ``target_columns`` against ``n_features``; ``None`` means all columns."""
    if columns is None:
        return list(range(n_features))
    if isinstance(columns, (int, np.integer)) or not all(isinstance(c, (int, np.integer)) for c in columns):
        raise TypeError(f"target_columns: expected a list of column indices such as [3], got {columns!r}.")
    out = [int(c) for c in columns]
    if not out or any(not 0 <= c < n_features for c in out):
        raise ValueError(f"target_columns: {out} must be a non-empty list of indices in 0..{n_features - 1}.")
    return out


def require_int(arg: str, value, low: int, example: str | None = None) -> None:
    """Raise unless ``value`` is an int (not a bool) >= ``low``; the message names ``arg`` and the fix.

    The one integer check of the helpers package (windows, stateful, datasets, distribute, plots).
    """
    such_as = f" such as {example}" if example else ""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{arg}: expected an int >= {low}{such_as}, got {value!r} ({type(value).__name__}). "
                        f"Fix: {arg}=int(...).")
    if value < low:
        raise ValueError(f"{arg}: expected an int >= {low}{such_as}, got {value}.")
