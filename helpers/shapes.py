"""Name the axes of an array and check LSTM input strictly, explaining every problem in words.

Introduced in notebook 01. Keras 3 quietly adds a missing last axis of size 1 and quietly
drops an extra one, so some shape mistakes never raise; :func:`check_lstm_input` catches them.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from helpers.report import Report
from helpers.validate import require_int

DEFAULT_NAMES = {
    1: ("timesteps",),
    2: ("timesteps", "features"),
    3: ("batch", "timesteps", "features"),
    4: ("n_batches", "batch", "timesteps", "features"),
}


def describe(x: Any, names: Sequence[str] | None = None) -> str:
    """Name each axis: ``describe(np.zeros((32, 20, 6)))`` -> ``'(batch=32, timesteps=20, features=6)'``.

    Works on anything with a ``.shape`` (NumPy, TensorFlow, Keras tensors; ``None`` axes print
    as ``None``) or on a shape tuple.
    """
    shape = _shape_of(x)
    if names is None:
        if len(shape) not in DEFAULT_NAMES:
            raise ValueError(f"names: an array with {len(shape)} axes {shape} has no default axis names; "
                             f"pass names=(...) with {len(shape)} names.")
        names = DEFAULT_NAMES[len(shape)]
    if len(names) != len(shape):
        raise ValueError(f"names: got {len(names)} names {tuple(names)} for {len(shape)} axes {shape}; "
                         f"give one name per axis.")
    return "(" + ", ".join(f"{n}={s}" for n, s in zip(names, shape)) + ")"


def check_lstm_input(x: Any, *, timesteps: int | None = None, features: int | None = None,
                     name: str = "x") -> Report:
    """Check that ``x`` is valid LSTM input ``(batch, timesteps, features)``; raise if not.

    ``timesteps``/``features`` are what the model expects (``None``: any). Returns a
    :class:`~helpers.report.Report` that displays the named shape when all is well; raises
    ``ValueError``/``TypeError`` explaining what is wrong and how to fix it otherwise.
    """
    for arg, value in (("timesteps", timesteps), ("features", features)):
        if value is not None:
            require_int(arg, value, 1, f"{arg}=1 (or None: any)")
    if isinstance(x, (list, tuple)):
        try:
            x = np.asarray(x)
        except ValueError as err:
            raise TypeError(f"{name}: a Python list of sequences with different lengths cannot become one "
                            f"array ({err}). Pad them first: keras.utils.pad_sequences(..., dtype='float32', "
                            f"padding='post'), then mask the padding.") from None
    if not hasattr(x, "shape") or not hasattr(x, "dtype"):
        raise TypeError(f"{name}: expected a NumPy array or tensor, got {type(x).__name__}.")
    shape, dtype = tuple(x.shape), np.dtype(getattr(x.dtype, "as_numpy_dtype", x.dtype))

    if dtype == object:
        raise TypeError(f"{name}: dtype is object, which usually means sequences of different lengths. "
                        f"Pad them to one length (keras.utils.pad_sequences) and mask the padding.")
    if len(shape) == 2:
        if features == 1:
            raise ValueError(
                f"{name}: shape {shape} has 2 axes, an LSTM needs 3 (batch, timesteps, features). "
                f"Your model expects 1 feature, so this looks like (batch={shape[0]}, timesteps={shape[1]}) "
                f"without the feature axis. Keras 3 would add it silently; be explicit: x[..., np.newaxis].")
        raise ValueError(
            f"{name}: shape {shape} has 2 axes, an LSTM needs 3 (batch, timesteps, features). "
            f"If it is one sequence of {shape[0]} steps with {shape[1]} features: x[np.newaxis] -> "
            f"(1, {shape[0]}, {shape[1]}). If it is {shape[0]} sequences with one feature: "
            f"x[..., np.newaxis] -> ({shape[0]}, {shape[1]}, 1).")
    if len(shape) == 4 and shape[-1] == 1:
        raise ValueError(
            f"{name}: shape {shape} has an extra trailing axis of size 1 (4 axes; an LSTM needs 3). "
            f"Keras 3 silently drops it, so the mistake goes unnoticed; it often comes from "
            f"np.expand_dims on data that already had its feature axis. Fix: np.squeeze(x, axis=-1).")
    if len(shape) != 3:
        raise ValueError(f"{name}: shape {shape} has {len(shape)} axes; an LSTM needs 3: "
                         f"(batch, timesteps, features).")
    if features is not None and shape[2] != features:
        hint = (" Did you swap timesteps and features? Try np.swapaxes(x, 1, 2)."
                if shape[1] == features else "")
        raise ValueError(f"{name}: {describe(shape)} has {shape[2]} features, the model expects {features}. "
                         f"Select the right columns or rebuild the model with Input(shape=(T, {shape[2]})).{hint}")
    if timesteps is not None and shape[1] != timesteps:
        raise ValueError(f"{name}: {describe(shape)} has {shape[1]} timesteps, the model expects {timesteps}. "
                         f"Rebuild the windows with timesteps={timesteps}, or use Input(shape=(None, F)) "
                         f"to accept any length.")
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"{name}: dtype is {dtype}; an LSTM computes in floating point. "
                        f"Fix: x.astype('float32') (and check that integer values were not meant as ids "
                        f"for an Embedding layer).")
    values = np.asarray(x)
    bad = ~np.isfinite(values)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name}: {int(bad.sum())} values are NaN or infinite (first at index {first}); "
                         f"one NaN makes every loss NaN. Drop or fill them before windowing.")
    return Report(True, f"{name} is valid LSTM input: {describe(shape)}, {dtype}, all values finite.")


def _shape_of(x: Any) -> tuple:
    if isinstance(x, tuple):
        return x
    shape = getattr(x, "shape", None)
    if shape is None:
        raise TypeError(f"x: expected an array, a tensor or a shape tuple, got {type(x).__name__}.")
    return tuple(None if s is None else int(s) for s in shape)
