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
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

_FLOAT32_MAX = float(np.finfo(np.float32).max)
_INT32 = np.iinfo(np.int32)
#: ``tf.data`` cardinalities (``tf.data.INFINITE_CARDINALITY``, ``tf.data.UNKNOWN_CARDINALITY``), without importing TF.
INFINITE, UNKNOWN = -1, -2
#: How many batches a scan of a dataset of UNKNOWN length reads before it stops and says so.
MAX_BATCHES = 100_000


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def require_int(
    name: str, value: Any, minimum: int | None = None, example: str | None = None, *, maximum: int | None = None
) -> int:
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


def require_number(
    name: str,
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict: bool = False,
    example: str | None = None,
) -> float:
    """Return ``value`` as a finite ``float``: ``TypeError`` unless a number (not a bool), ``ValueError`` out of range.

    ``strict=True`` excludes the bounds themselves (``0 < value < 1`` for a fraction).
    """
    such_as = f" such as {example}" if example else ""
    low, high = ("<", "<") if strict else ("<=", "<=")
    bounds = " ".join(
        filter(
            None,
            [
                f"{minimum} {low}" if minimum is not None else "",
                "x",
                f"{high} {maximum}" if maximum is not None else "",
            ],
        )
    )
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
        raise TypeError(
            f"{name}: expected True or False, got {value!r} ({type(value).__name__}). Fix: {name}=True or {name}=False."
        )
    return bool(value)


def require_text(name: str, value: Any, *, example: str = "'...'") -> str:
    """Return ``value`` if it is a string (a label, a title, a strategy name); ``TypeError`` otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a string such as {example}, got {value!r:.60} ({type(value).__name__}).")
    return value


def require_fill_value(name: str, value: Any, *, ids: bool) -> float | int:
    """A padding (or mask) value that survives the cast Keras makes: int32 for ``ids``, float32 otherwise.

    ``TypeError`` unless a number; ``ValueError`` for NaN/inf, a fraction where ids are integers,
    an id beyond int32 (it would wrap around) or a float beyond float32 (it would become ``inf``).
    """
    out = require_number(name, value, example="0.0")
    if ids:
        if out != int(out):
            raise ValueError(
                f"{name}: {value!r} is not an integer, but the sequences hold integer ids; "
                f"pick an integer padding id (usually 0)."
            )
        if not _INT32.min <= int(out) <= _INT32.max:
            raise ValueError(
                f"{name}: {value!r} does not fit int32, the dtype of integer ids, and would wrap "
                f"around. Fix: an id from {_INT32.min} to {_INT32.max}, usually 0."
            )
        return int(out)
    if abs(out) > _FLOAT32_MAX:
        raise ValueError(
            f"{name}: {value!r} is beyond float32's range (+-{_FLOAT32_MAX:.3g}) and would become "
            f"infinite. Fix: a value the data never takes, such as 0.0 or -1.0."
        )
    return out


def exact_fraction(value: Any, *, name: str = "value") -> Fraction:
    """The fraction a float *as written* means: ``0.7`` is exactly 7/10 (its shortest repr), not 0.6999...

    ``n * 0.7`` is 62.99999999999999 for ``n = 90`` in floating point; ``floor(90 * exact_fraction(0.7))``
    is 63, the count meant. ``np.float32(0.7)`` prints as ``0.7`` too, so it means 7/10 as well.

    >>> exact_fraction(0.7), exact_fraction(np.float32(0.7))
    (Fraction(7, 10), Fraction(7, 10))
    """
    require_number(name, value)
    return Fraction(str(value))


def require_dataset(name: str, dataset: Any, *, doing: str) -> int:
    """``ValueError`` for a ``tf.data.Dataset`` that repeats forever; return its cardinality.

    ``doing`` says what would never end ("counting its batches"). Returns ``UNKNOWN`` (-2) when
    tf.data cannot tell (after ``filter``, ``bucket_by_sequence_length`` ...): scan it with
    :func:`bounded`. Duck-typed (anything with ``cardinality()``), so it imports no TensorFlow.
    """
    if not hasattr(dataset, "cardinality") or not hasattr(dataset, "element_spec"):
        raise TypeError(f"{name}: expected a tf.data.Dataset, got {type(dataset).__name__}.")
    n = int(dataset.cardinality())
    if n == INFINITE:
        raise ValueError(
            f"{name}: it repeats forever (.repeat() without a count), so {doing} would never end. "
            f"Fix: pass the dataset before .repeat(), or {name}.take(n)."
        )
    return n


def require_batched(name: str, dataset: Any, *, doing: str) -> int:
    """:func:`require_dataset`, and ``ValueError`` unless its elements are *batches*; return its cardinality.

    Read from ``element_spec`` (nothing is iterated): the first component of an element (``x`` of
    ``(x, y)``) must have a batch axis. Refused: scalars, 1-D elements of a fixed length ``(timesteps,)``,
    and float elements of 2 axes whose last axis is fixed, ``(timesteps, features)``: one window or
    one sequence each (``from_tensor_slices(x)`` or ``to_dataset`` before ``.batch``/``.padded_batch``),
    whose timesteps would otherwise be read as batch sizes.
    """
    n = require_dataset(name, dataset, doing=doing)
    spec = dataset.element_spec
    while isinstance(spec, (tuple, list, dict)) and spec:
        spec = next(iter(spec.values())) if isinstance(spec, dict) else spec[0]
    shape, dtype = getattr(spec, "shape", None), getattr(spec, "dtype", None)
    rank = getattr(shape, "rank", None)
    if rank is None or rank == 0:
        raise ValueError(
            f"{name}: its elements are {dataset.element_spec}, not batches; call .batch(batch_size) "
            f"first (.padded_batch for sequences of different lengths)."
        )
    dims = shape.as_list()
    if (rank == 1 and dims[0] is not None) or (
        rank == 2 and getattr(dtype, "is_floating", False) and dims[1] is not None
    ):
        what = "one window (timesteps, features) each" if rank == 2 else "one sequence (timesteps,) each"
        raise ValueError(
            f"{name}: its elements have shape {tuple(dims)}: {what}, not a batch of them (a batch of "
            f"LSTM input has 3 axes). Call .batch(batch_size) first (.padded_batch for sequences of "
            f"different lengths). If they already are batches of one-feature sequences, give them their "
            f"feature axis: .map(lambda x, *rest: (x[..., None], *rest))."
        )
    return n


def bounded(name: str, dataset: Any, max_batches: int) -> Iterator:
    """Iterate ``dataset`` (checked with :func:`require_dataset`), but stop with a ``ValueError`` after
    ``max_batches`` elements: a dataset of UNKNOWN length (e.g. ``.repeat().filter(...)``) may never end."""
    max_batches = require_int("max_batches", max_batches, 1, f"max_batches={MAX_BATCHES}")
    for i, element in enumerate(dataset):
        if i == max_batches:
            raise ValueError(
                f"{name}: yielded more than max_batches={max_batches} batches and tf.data does not know "
                f"its length (cardinality UNKNOWN, e.g. .repeat().filter(...)), so it may never end. "
                f"Fix: {name}.take(n), or a larger max_batches if it really is that long."
            )
        yield element


def require_choice(name: str, value: Any, choices: Sequence[str], *, meaning: str = "") -> str:
    """Return ``value`` if it is one of the strings ``choices``; ``TypeError`` if not a string, else ``ValueError``.

    ``meaning`` (e.g. ``"'start' drops the oldest steps, 'end' the newest"``) is added to the message.
    """
    listed = " or ".join(repr(c) for c in choices)
    extra = f" ({meaning})" if meaning else ""
    if not isinstance(value, str):
        raise TypeError(
            f"{name}: expected the string {listed}{extra}, got {value!r} ({type(value).__name__}). "
            f"Fix: {name}={choices[0]!r}."
        )
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
            raise TypeError(
                f"{name}: expected ints, got {v!r} ({type(v).__name__}) in {values!r}. Fix: [int(v) for v in {name}]."
            )
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
        raise ValueError(
            f"{name}: {int(bad.sum())} values are NaN, infinite or too large for float32 (first at "
            f"index {first}); one NaN makes every loss NaN. {fix}"
        )
    return arr


def require_bool_matrix(name: str, value: Any, *, axes: str, fix: str, empty: str) -> np.ndarray:
    """A non-empty boolean 2-D array (a mask, a reset schedule): TypeError for another dtype or rank,
    ValueError for an empty axis. ``axes`` names the two axes, ``fix`` says where a right one comes from,
    ``empty`` what the array needs at least.

    >>> require_bool_matrix("mask", [[True, False]], axes="(batch, timesteps)", fix="", empty="").shape
    (1, 2)
    """
    arr = np.asarray(value)
    if arr.dtype != bool or arr.ndim != 2:
        raise TypeError(f"{name}: expected a boolean {axes} array, got dtype {arr.dtype}, shape {arr.shape}. {fix}")
    if 0 in arr.shape:
        raise ValueError(f"{name}: shape {arr.shape} has an empty axis; {empty}")
    return arr


def require_int32(name: str, values: Any) -> None:
    """``ValueError`` if integer ids would wrap around when cast to int32 (as ``pad_sequences`` and tf.data do)."""
    info = _INT32
    values = np.asarray(values)
    if values.size and np.issubdtype(values.dtype, np.integer) and (values.min() < info.min or values.max() > info.max):
        raise ValueError(
            f"{name}: integer values from {values.min()} to {values.max()} do not fit int32; "
            f"ids must be below {info.max:,}. Fix: renumber the vocabulary from 1."
        )


def require_numeric(name: str, arr: Any, *, fix: str = "") -> None:
    """``TypeError`` unless ``arr`` holds integers or floats (bool, text and objects are refused)."""
    arr = np.asarray(arr) if isinstance(arr, (list, tuple)) else arr
    if not hasattr(arr, "dtype"):
        raise TypeError(f"{name}: expected an array of numbers, got {type(arr).__name__}." + (f" {fix}" if fix else ""))
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(
            f"{name}: expected numbers (integers or floats), got dtype {arr.dtype}." + (f" {fix}" if fix else "")
        )


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
                raise ValueError(
                    f"{name}: could not become one array ({err}); every step needs the same number of features."
                ) from None
        else:
            raise TypeError(f"{name}: expected a NumPy array of shape (T,) or (T, F), got {type(series).__name__}.")
    if series.ndim == 1:
        series = series[:, np.newaxis]
    if series.ndim != 2:
        raise ValueError(
            f"{name}: expected shape (T,) or (T, F), got {series.shape} ({series.ndim} axes). "
            f"Windowing makes the batch axis; pass one series, not windows."
        )
    require_numeric(name, series, fix=f"Fix: {name}.astype('float32').")
    if 0 in series.shape:
        raise ValueError(f"{name}: shape {series.shape} has an empty axis; expected at least one step and one feature.")
    require_finite(name, series, fix="Drop or fill them before windowing, or every window touching them is poisoned.")
    return series


def check_columns(columns: Sequence[int] | None, n_features: int, *, name: str = "target_columns") -> list[int]:
    """Validate column indices against ``n_features``; ``None`` means all columns."""
    if columns is None:
        return list(range(n_features))
    if (
        _is_int(columns)
        or isinstance(columns, (str, bytes))
        or not isinstance(columns, Iterable)
        or not all(_is_int(c) for c in columns)
    ):
        raise TypeError(f"{name}: expected a list of column indices such as [3], got {columns!r}.")
    out = [int(c) for c in columns]
    if not out or any(not 0 <= c < n_features for c in out):
        raise ValueError(f"{name}: {out} must be a non-empty list of indices in 0..{n_features - 1}.")
    return out


def as_sequence_list(
    sequences: Any, *, name: str = "sequences", series: bool = False, equal_lengths: bool = False
) -> list[np.ndarray]:
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
                f"is one series with {sequences.shape[1]} features, use split_streams({name}, ...)."
            )
        if sequences.ndim != 3:
            raise ValueError(
                f"{name}: expected a list of (T, F) arrays or an array (n_series, T, F), got an "
                f"array of shape {sequences.shape}."
            )
    if isinstance(sequences, np.ndarray) and sequences.dtype != object:
        sequences = list(sequences)  # an already rectangular array: one row per sequence
    if isinstance(sequences, (str, bytes)) or not isinstance(sequences, (list, tuple, np.ndarray)):
        raise TypeError(
            f"{name}: expected a list of sequences (arrays or lists of numbers), got "
            f"{type(sequences).__name__}. Fix: pass e.g. [np.array([...]), np.array([...])]."
        )
    if len(sequences) == 0:
        raise ValueError(f"{name}: got an empty list; expected at least one sequence.")
    out: list[np.ndarray] = []
    for i, seq in enumerate(sequences):
        item = f"{name}[{i}]"
        if isinstance(seq, (str, bytes)):
            raise TypeError(
                f"{item}: got the string {seq!r}; expected numbers. Turn text into integer ids "
                f"first (a vocabulary that maps each word to an id >= 1, keeping 0 for padding)."
            )
        try:
            arr = np.asarray(seq)
        except ValueError as err:
            raise ValueError(
                f"{item}: cannot become an array ({err}); each sequence must be (T,) or "
                f"(T, F) with the same F on every step."
            ) from None
        require_numeric(item, arr, fix="Fix: convert it, e.g. np.asarray(seq, dtype='float32').")
        if arr.ndim not in (1, 2):
            raise ValueError(
                f"{item}: shape {arr.shape} has {arr.ndim} axes; one sequence must be (T,) or "
                f"(T, F). A batch axis is added by padding, not per sequence."
            )
        if arr.shape[0] == 0 or 0 in arr.shape:
            raise ValueError(
                f"{item}: is empty (shape {arr.shape}); every sequence needs at least one "
                f"step. Fix: drop empty sequences before padding, e.g. [s for s in seqs if len(s)]."
            )
        require_finite(item, arr, fix="Fix: drop or fill them before padding.")
        if series and arr.ndim == 1:
            arr = arr[:, np.newaxis]
        if out and arr.ndim != out[0].ndim:
            raise ValueError(
                f"{item}: shape {arr.shape} has {arr.ndim} axes but {name}[0] has "
                f"{out[0].ndim} {out[0].shape}; give all sequences the same layout, (T,) or (T, F)."
            )
        if out and arr.ndim == 2 and arr.shape[1] != out[0].shape[1]:
            raise ValueError(
                f"{item}: has {arr.shape[1]} features (shape {arr.shape}) but {name}[0] has "
                f"{out[0].shape[1]}; every sequence needs the same features. Select the same columns "
                f"for all of them."
            )
        out.append(arr)
    if equal_lengths:
        lengths = [len(s) for s in out]
        if len(set(lengths)) > 1:
            raise ValueError(
                f"{name}: the series have different lengths {lengths}; one batch row per series needs equal "
                f"lengths. Fix: cut them to a common period (e.g. data.monthly_prices(..., missing='trim')), "
                f"or pad and mask them (notebook 04)."
            )
    return out
