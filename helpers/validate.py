"""The argument contract of the helpers package: one place for every input check.

Used by every module since notebook 01. One rule everywhere: a wrong *type* raises ``TypeError``,
a wrong *value* raises ``ValueError``, and the message names the argument, says what came in,
what was expected and how to fix it. NumPy scalars count as what they hold (``np.int64(3)`` is
an int, ``np.True_`` a flag); ``bool`` is never an int.

>>> require_int("batch_size", np.int64(32), minimum=1)
32
>>> require_int("batch_size", 2.0, minimum=1)
Traceback (most recent call last):
...
TypeError: batch_size: expected an int >= 1, got 2.0 (float). Fix: batch_size=int(...).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def require_int(name: str, value: Any, minimum: int | None = None, example: str | None = None, *,
                maximum: int | None = None) -> int:
    """Return ``value`` as an ``int``; raise unless it is an int (Python or NumPy, never a bool) in range.

    ``TypeError`` for a float, a string or a bool; ``ValueError`` below ``minimum`` or above ``maximum``.
    """
    such_as = f" such as {example}" if example else ""
    if minimum is not None and maximum is not None:
        wanted = f"an int from {minimum} to {maximum}{such_as}"
    elif minimum is not None:
        wanted = f"an int >= {minimum}{such_as}"
    elif maximum is not None:
        wanted = f"an int <= {maximum}{such_as}"
    else:
        wanted = f"an int{such_as}"
    if not _is_int(value):
        raise TypeError(f"{name}: expected {wanted}, got {value!r} ({type(value).__name__}). Fix: {name}=int(...).")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name}: expected {wanted}, got {value}.")
    return value


def require_number(name: str, value: Any, *, minimum: float | None = None, maximum: float | None = None,
                   strict: bool = False, example: str | None = None) -> float:
    """Return ``value`` as a finite ``float``: ``TypeError`` unless a number (not a bool), ``ValueError`` out of range.

    ``strict=True`` excludes the bounds themselves (``0 < value < 1`` for a fraction).
    """
    such_as = f" such as {example}" if example else ""
    low, high = ("<", "<") if strict else ("<=", "<=")
    bounds = " ".join(filter(None, [f"{minimum} {low}" if minimum is not None else "", "x",
                                    f"{high} {maximum}" if maximum is not None else ""]))
    wanted = f"a number{such_as}" + (f" with {bounds}" if bounds != "x" else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected {wanted}, got {value!r} ({type(value).__name__}).")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name}: expected {wanted}, got {value!r}; NaN or infinity is never a valid {name}.")
    too_low = minimum is not None and (out <= minimum if strict else out < minimum)
    too_high = maximum is not None and (out >= maximum if strict else out > maximum)
    if too_low or too_high:
        raise ValueError(f"{name}: expected {wanted}, got {value!r}.")
    return out


def require_flag(name: str, value: Any) -> bool:
    """Return ``value`` as a ``bool``; ``TypeError`` for anything but ``True``/``False`` (``np.bool_`` included).

    ``"no"``, ``1`` and ``None`` are refused: a string is always true, so it would silently mean ``True``.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {value!r} ({type(value).__name__}). "
                        f"Fix: {name}=True or {name}=False.")
    return bool(value)


def require_choice(name: str, value: Any, choices: Sequence[str], *, meaning: str = "") -> str:
    """Return ``value`` if it is one of the strings ``choices``; ``TypeError`` if not a string, else ``ValueError``.

    ``meaning`` (e.g. ``"'start' drops the oldest steps, 'end' the newest"``) is added to the message.
    """
    listed = " or ".join(repr(c) for c in choices)
    extra = f" ({meaning})" if meaning else ""
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected the string {listed}{extra}, got {value!r} ({type(value).__name__}). "
                        f"Fix: {name}={choices[0]!r}.")
    if value not in choices:
        raise ValueError(f"{name}: expected {listed}{extra}, got {value!r}. Fix: {name}={choices[0]!r}.")
    return value


def require_int_list(name: str, values: Any, *, minimum: int) -> list[int]:
    """Return a non-empty list of ints ``>= minimum`` (e.g. bucket boundaries); the contract of :func:`require_int`."""
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, Iterable):
        raise TypeError(f"{name}: expected a list of ints such as [20, 22], got {values!r} ({type(values).__name__}).")
    values = list(values)
    if not values:
        raise ValueError(f"{name}: got an empty list; expected at least one int.")
    for v in values:
        if not _is_int(v):
            raise TypeError(f"{name}: expected ints, got {v!r} ({type(v).__name__}) in {values!r}. "
                            f"Fix: [int(v) for v in {name}].")
        if v < minimum:
            raise ValueError(f"{name}: expected ints >= {minimum}, got {v} in {values!r}.")
    return [int(v) for v in values]


def require_finite(name: str, values: Any, *, fix: str = "Drop or fill them first.") -> np.ndarray:
    """Return ``values`` as an array; ``ValueError`` naming how many are NaN/inf and where the first one is.

    Integer arrays are always finite. Floats beyond float32's range count as infinite: they
    become ``inf`` when Keras casts them to float32.
    """
    arr = np.asarray(values)
    if not np.issubdtype(arr.dtype, np.floating):
        return arr
    bad = ~np.isfinite(arr) | (np.abs(np.nan_to_num(arr, nan=0.0, posinf=0.0, neginf=0.0)) > _FLOAT32_MAX)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name}: {int(bad.sum())} values are NaN, infinite or too large for float32 (first at "
                         f"index {first}); one NaN makes every loss NaN. {fix}")
    return arr


def require_int32(name: str, values: np.ndarray) -> None:
    """``ValueError`` if integer ids would wrap around when cast to int32 (as ``pad_sequences`` and tf.data do)."""
    info = np.iinfo(np.int32)
    if values.size and np.issubdtype(values.dtype, np.integer) and (values.min() < info.min or values.max() > info.max):
        raise ValueError(f"{name}: integer values from {values.min()} to {values.max()} do not fit int32; "
                         f"ids must be below {info.max:,}. Fix: renumber the vocabulary from 1.")


def require_numeric(name: str, arr: np.ndarray, *, fix: str = "") -> None:
    """``TypeError`` unless ``arr`` holds integers or floats (bool, text and objects are refused)."""
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name}: expected numbers (integers or floats), got dtype {arr.dtype}."
                        + (f" {fix}" if fix else ""))


def as_series(series: Any, *, name: str = "series") -> np.ndarray:
    """Check a series and return it as ``(T, F)`` (a 1-D series becomes one feature).

    Numbers only, 1 or 2 axes, no empty axis, no NaN/inf, nothing beyond float32's range; each
    problem raises with a message that names ``series``.

    >>> as_series([1.0, 2.0, 3.0]).shape
    (3, 1)
    """
    if not isinstance(series, np.ndarray):
        if isinstance(series, (list, tuple, range)):
            try:
                series = np.asarray(series)
            except ValueError as err:
                raise ValueError(f"{name}: could not become one array ({err}); every step needs the same "
                                 f"number of features.") from None
        else:
            raise TypeError(f"{name}: expected a NumPy array of shape (T,) or (T, F), got {type(series).__name__}.")
    if series.ndim == 1:
        series = series[:, np.newaxis]
    if series.ndim != 2:
        raise ValueError(f"{name}: expected shape (T,) or (T, F), got {series.shape} ({series.ndim} axes). "
                         f"Windowing makes the batch axis; pass one series, not windows.")
    require_numeric(name, series, fix=f"Fix: {name}.astype('float32').")
    if 0 in series.shape:
        raise ValueError(f"{name}: shape {series.shape} has an empty axis; expected at least one step and one "
                         f"feature.")
    require_finite(name, series, fix="Drop or fill them before windowing, or every window touching them is poisoned.")
    return series


def check_columns(columns: Sequence[int] | None, n_features: int, *, name: str = "target_columns") -> list[int]:
    """Validate column indices against ``n_features``; ``None`` means all columns."""
    if columns is None:
        return list(range(n_features))
    if (_is_int(columns) or isinstance(columns, (str, bytes)) or not isinstance(columns, Iterable)
            or not all(_is_int(c) for c in columns)):
        raise TypeError(f"{name}: expected a list of column indices such as [3], got {columns!r}.")
    out = [int(c) for c in columns]
    if not out or any(not 0 <= c < n_features for c in out):
        raise ValueError(f"{name}: {out} must be a non-empty list of indices in 0..{n_features - 1}.")
    return out


def as_sequence_list(sequences: Any, *, name: str = "sequences", series: bool = False,
                     equal_lengths: bool = False) -> list[np.ndarray]:
    """Check a list of sequences and return them as NumPy arrays.

    Each sequence is ``(T_i,)`` (integer ids, or one feature) or ``(T_i, F)``; all have the same
    number of axes and the same ``F``; ``T_i >= 1``; numbers only, floats finite.
    ``series=True``: each becomes ``(T_i, F)`` (see :func:`as_series`), an array
    ``(n_series, T, F)`` is read as one series per row, and a 2-D array is refused as ambiguous.
    ``equal_lengths=True``: all ``T_i`` must be equal (one batch row per series).

    >>> [s.shape for s in as_sequence_list([[1, 2, 3], [4, 5]])]
    [(3,), (2,)]
    """
    if series and isinstance(sequences, np.ndarray) and sequences.dtype != object:
        if sequences.ndim == 2:
            raise ValueError(
                f"{name}: got one 2-D array of shape {sequences.shape}; it is ambiguous. If it holds "
                f"{sequences.shape[1]} series of one feature each (one per column), pass list({name}.T); if it "
                f"is one series with {sequences.shape[1]} features, use split_streams({name}, ...).")
        if sequences.ndim != 3:
            raise ValueError(f"{name}: expected a list of (T, F) arrays or an array (n_series, T, F), got an "
                             f"array of shape {sequences.shape}.")
    if isinstance(sequences, np.ndarray) and sequences.dtype != object:
        sequences = list(sequences)   # an already rectangular array: one row per sequence
    if isinstance(sequences, (str, bytes)) or not isinstance(sequences, (list, tuple, np.ndarray)):
        raise TypeError(f"{name}: expected a list of sequences (arrays or lists of numbers), got "
                        f"{type(sequences).__name__}. Fix: pass e.g. [np.array([...]), np.array([...])].")
    if len(sequences) == 0:
        raise ValueError(f"{name}: got an empty list; expected at least one sequence.")
    out: list[np.ndarray] = []
    for i, seq in enumerate(sequences):
        item = f"{name}[{i}]"
        if isinstance(seq, (str, bytes)):
            raise TypeError(f"{item}: got the string {seq!r}; expected numbers. Turn text into integer ids "
                            f"first (a vocabulary that maps each word to an id >= 1, keeping 0 for padding).")
        try:
            arr = np.asarray(seq)
        except ValueError as err:
            raise ValueError(f"{item}: cannot become an array ({err}); each sequence must be (T,) or "
                             f"(T, F) with the same F on every step.") from None
        require_numeric(item, arr, fix="Fix: convert it, e.g. np.asarray(seq, dtype='float32').")
        if arr.ndim not in (1, 2):
            raise ValueError(f"{item}: shape {arr.shape} has {arr.ndim} axes; one sequence must be (T,) or "
                             f"(T, F). A batch axis is added by padding, not per sequence.")
        if arr.shape[0] == 0 or 0 in arr.shape:
            raise ValueError(f"{item}: is empty (shape {arr.shape}); every sequence needs at least one "
                             f"step. Fix: drop empty sequences before padding, e.g. [s for s in seqs if len(s)].")
        require_finite(item, arr, fix="Fix: drop or fill them before padding.")
        if series and arr.ndim == 1:
            arr = arr[:, np.newaxis]
        if out and arr.ndim != out[0].ndim:
            raise ValueError(f"{item}: shape {arr.shape} has {arr.ndim} axes but {name}[0] has "
                             f"{out[0].ndim} {out[0].shape}; give all sequences the same layout, (T,) or (T, F).")
        if out and arr.ndim == 2 and arr.shape[1] != out[0].shape[1]:
            raise ValueError(f"{item}: has {arr.shape[1]} features (shape {arr.shape}) but {name}[0] has "
                             f"{out[0].shape[1]}; every sequence needs the same features. Select the same columns "
                             f"for all of them.")
        out.append(arr)
    if equal_lengths:
        lengths = [len(s) for s in out]
        if len(set(lengths)) > 1:
            raise ValueError(
                f"{name}: the series have different lengths {lengths}; one batch row per series needs equal "
                f"lengths. Fix: cut them to a common period (e.g. data.monthly_prices(..., missing='trim')), "
                f"or pad and mask them (notebook 04).")
    return out
