"""Name the axes of an array and check LSTM input strictly, explaining every problem in words.

Introduced in notebook 01. Keras 3 quietly adds a missing last axis of size 1 and quietly
drops an extra one, so some shape mistakes never raise; :func:`check_lstm_input` catches them.
The rules live once, in :func:`input_findings`; ``diagnose`` (notebook 05) reports the same findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from helpers.report import ERROR, WARNING, Finding, Report
from helpers.validate import require_flag, require_int

_FLOAT32_MAX = float(np.finfo(np.float32).max)

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
    if names is not None and (
        isinstance(names, str) or not isinstance(names, Sequence) or not all(isinstance(n, str) for n in names)
    ):
        raise TypeError(
            f"names: expected one name per axis such as ('batch', 'timesteps', 'features'), got {names!r:.60}."
        )
    if names is None:
        if len(shape) not in DEFAULT_NAMES:
            raise ValueError(
                f"names: an array with {len(shape)} axes {shape} has no default axis names; "
                f"pass names=(...) with {len(shape)} names."
            )
        names = DEFAULT_NAMES[len(shape)]
    if len(names) != len(shape):
        raise ValueError(
            f"names: got {len(names)} names {tuple(names)} for {len(shape)} axes {shape}; give one name per axis."
        )
    return "(" + ", ".join(f"{n}={s}" for n, s in zip(names, shape, strict=True)) + ")"


#: Findings whose cause is a wrong *type* of data (text, objects, ragged lists): TypeError in check_lstm_input.
TYPE_CODES = ("ragged", "dtype")


def input_findings(
    x: Any, *, timesteps: int | None = None, features: int | None = None, ids: bool = False, name: str = "x"
) -> list[Finding]:
    """Every problem of ``x`` as LSTM input, as :class:`~helpers.report.Finding` objects; ``[]`` if none.

    The one rule set of the package for "is this valid LSTM input?": :func:`check_lstm_input` raises
    the first finding, ``diagnose`` lists them all next to its model-side findings. ``timesteps``
    and ``features`` are what the model expects (``None``: any); ``ids=True`` expects
    ``(batch, timesteps)`` integer ids for an ``Embedding``. Codes: ``ragged``, ``ndim``,
    ``missing-feature-axis`` and ``extra-trailing-axis`` (warnings: Keras 3 fixes the shape
    silently), ``empty``, ``features``, ``timesteps``, ``dtype`` (a warning when Keras casts
    silently), ``nonfinite``.

    >>> [f.code for f in input_findings(np.zeros((8, 20)), features=1)]
    ['missing-feature-axis']
    """
    for arg, value in (("timesteps", timesteps), ("features", features)):
        if value is not None:
            require_int(arg, value, 1, f"{arg}=1 (or None: any)")
    ids = require_flag("ids", ids)
    findings: list[Finding] = []
    add = lambda sev, code, msg: findings.append(Finding(sev, code, msg))  # noqa: E731
    lengths = _ragged_lengths(x)
    if lengths is not None:
        add(
            ERROR,
            "ragged",
            f"{name}: a list of sequences with different lengths {lengths[:8]}"
            f"{'...' if len(lengths) > 8 else ''} cannot become one array, and Keras does not "
            f"accept ragged tensors in RNN layers. Pad them first: keras.utils.pad_sequences(..., "
            f"dtype='float32', padding='post'), then mask the padding.",
        )
        return findings
    if isinstance(x, (list, tuple)):
        x = np.asarray(x)
    if not hasattr(x, "shape") or not hasattr(x, "dtype"):
        raise TypeError(f"{name}: expected a NumPy array, a tensor or a list of sequences, got {type(x).__name__}.")
    shape, dtype = tuple(int(d) for d in x.shape), np.dtype(getattr(x.dtype, "as_numpy_dtype", x.dtype))
    want = 2 if ids else 3
    axes = "(batch, timesteps) of integer ids" if ids else "(batch, timesteps, features)"
    if len(shape) == 2 and not ids:
        if features == 1 and timesteps in (None, shape[1]):
            add(
                WARNING,
                "missing-feature-axis",
                f"{name}: shape {shape} has 2 axes, an LSTM needs 3 (batch, timesteps, features). Your model "
                f"expects 1 feature, so this looks like (batch={shape[0]}, timesteps={shape[1]}) without the feature "
                f"axis. Keras 3 adds it silently; be explicit: x[..., np.newaxis].",
            )
        elif features is not None and timesteps == shape[1] == features:
            add(
                ERROR,
                "ndim",
                f"{name}: shape {shape} has 2 axes, an LSTM needs 3 (batch, timesteps, features), and the model "
                f"expects {timesteps} timesteps of {features} features, so the missing axis is ambiguous. If it is "
                f"{shape[0]} windows of one feature: x[..., np.newaxis] -> ({shape[0]}, {shape[1]}, 1), and the "
                f"windows need all {features} feature columns. If it is {shape[0]} samples of {features} features "
                f"without the time axis: cut windows over time (windows.make_windows), or give each sample one step "
                f"(timesteps=1): np.expand_dims(x, 1) -> ({shape[0]}, 1, {shape[1]}).",
            )
        elif features is not None and timesteps == shape[1]:
            add(
                ERROR,
                "ndim",
                f"{name}: shape {shape} has 2 axes, an LSTM needs 3 (batch, timesteps, features). It looks like "
                f"(batch={shape[0]}, timesteps={shape[1]}) without the feature axis, and the model expects "
                f"{features} features per step: build the windows from all {features} feature columns, "
                f"shape ({shape[0]}, {shape[1]}, {features}).",
            )
        elif features is not None and shape[1] == features:
            add(
                ERROR,
                "ndim",
                f"{name}: shape {shape} has 2 axes, an LSTM needs 3 (batch, timesteps, features), and its last "
                f"axis has the model's {features} features. If it is one sequence of {shape[0]} steps: "
                f"x[np.newaxis] -> (1, {shape[0]}, {shape[1]}). If it is {shape[0]} samples without the time axis: "
                f"cut windows over time (windows.make_windows), or give each sample one step (timesteps=1): "
                f"x[:, np.newaxis, :] -> ({shape[0]}, 1, {shape[1]}), the same as np.expand_dims(x, 1).",
            )
        else:
            add(
                ERROR,
                "ndim",
                f"{name}: shape {shape} has 2 axes, an LSTM needs 3 (batch, timesteps, features). If it is one "
                f"sequence of {shape[0]} steps with {shape[1]} features: x[np.newaxis] -> (1, {shape[0]}, "
                f"{shape[1]}). If it is {shape[0]} sequences with one feature: x[..., np.newaxis] -> "
                f"({shape[0]}, {shape[1]}, 1).",
            )
    elif len(shape) == want + 1 and shape[-1] == 1:
        add(
            WARNING,
            "extra-trailing-axis",
            f"{name}: shape {shape} has an extra trailing axis of size 1 ({len(shape)} axes; the model needs {want}). "
            f"Keras 3's fit() and predict() silently drop it, so the mistake goes unnoticed (and the next correctly "
            f"shaped fit() on the "
            f"same model can fail with 'Cannot take the length of shape with unknown rank'); it often comes from "
            f"np.expand_dims on data that already had its feature axis. Fix: np.squeeze(x, axis=-1).",
        )
    elif len(shape) != want:
        add(ERROR, "ndim", f"{name}: shape {shape} has {len(shape)} axes; the model needs {want}: {axes}.")
    else:
        if 0 in shape:
            add(
                ERROR,
                "empty",
                f"{name}: {describe(shape) if not ids else shape} has an empty axis; every batch "
                f"needs at least one sample, one step and one feature.",
            )
        if not ids and features is not None and shape[2] != features:
            hint = " Did you swap timesteps and features? Try np.swapaxes(x, 1, 2)." if shape[1] == features else ""
            add(
                ERROR,
                "features",
                f"{name}: {describe(shape)} has {shape[2]} features, the model expects {features}. "
                f"Select the right columns, or rebuild the model with keras.Input(shape=(T, "
                f"{shape[2]})).{hint}",
            )
        if timesteps is not None and shape[1] != timesteps:
            add(
                ERROR,
                "timesteps",
                f"{name}: {describe(shape)} has {shape[1]} timesteps, the model expects "
                f"{timesteps}. "
                f"A Sequential model may run anyway, silently. Rebuild the windows with "
                f"timesteps={timesteps}, or declare keras.Input(shape=(None, F)) for any length.",
            )
    kind = dtype.kind
    if kind in "OUSV":
        add(
            ERROR,
            "dtype",
            f"{name}: dtype is {dtype}; a model needs numbers. Objects usually mean sequences of "
            f"different lengths (pad them, keras.utils.pad_sequences); text must become integer ids.",
        )
    elif not ids and kind in "iub":
        add(
            WARNING,
            "dtype",
            f"{name}: dtype is {dtype}; an LSTM computes in floating point and Keras casts "
            f"silently. If these are measurements use x.astype('float32'); if they are token ids, "
            f"the model needs an Embedding layer first.",
        )
    elif ids and kind == "f":
        add(
            WARNING,
            "dtype",
            f"{name}: dtype is {dtype}, but the model starts with an Embedding, which expects "
            f"integer ids. Did float data go to the wrong model, or did pad_sequences(dtype="
            f"'float32') turn ids into floats?",
        )
    if kind == "f":
        values = np.asarray(x)
        huge = np.abs(np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)) > _FLOAT32_MAX  # inf once float32
        bad = ~np.isfinite(values) | huge
        if bad.any():
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            what = (
                "NaN, infinite or too large for float32 (inf once Keras casts them)"
                if huge.any()
                else "NaN or infinite"
            )
            add(
                ERROR,
                "nonfinite",
                f"{name}: {int(bad.sum())} values are {what} (first at index {first}); "
                f"one NaN makes every loss NaN. Drop or fill them before windowing.",
            )
    return findings


def check_lstm_input(x: Any, *, timesteps: int | None = None, features: int | None = None, name: str = "x") -> Report:
    """Check that ``x`` is valid LSTM input ``(batch, timesteps, features)``; raise if not.

    Strict: the first of :func:`input_findings` raises, the silent traps (warnings: an axis Keras
    adds or drops, integers Keras casts) included. ``TypeError`` for data of the wrong type
    (text, objects, integers, ragged lists), ``ValueError`` for a wrong shape or value. Returns a
    :class:`~helpers.report.Report` that displays the named shape when all is well.
    """
    findings = input_findings(x, timesteps=timesteps, features=features, name=name)
    if findings:
        first = findings[0]
        raise (TypeError if first.code in TYPE_CODES else ValueError)(first.message)
    shape, dtype = tuple(x.shape) if hasattr(x, "shape") else np.shape(x), np.asarray(x).dtype
    return Report(True, f"{name} is valid LSTM input: {describe(shape)}, {dtype}, all values finite.")


def _ragged_lengths(x: Any) -> list | None:
    """The lengths of a ragged list / RaggedTensor / object array of sequences; ``None`` if ``x`` is rectangular."""
    if hasattr(x, "to_tensor") and hasattr(x, "row_lengths"):  # tf.RaggedTensor
        return [int(n) for n in x.row_lengths()]
    if isinstance(x, (list, tuple)):
        try:
            arr = np.asarray(x)
        except ValueError:
            return [len(s) if hasattr(s, "__len__") else None for s in x]
        return [len(s) for s in x] if arr.dtype == object else None
    if str(getattr(x, "dtype", "")) == "object" and getattr(x, "ndim", 0) == 1:
        return [len(s) if hasattr(s, "__len__") else None for s in x]
    return None


def _shape_of(x: Any) -> tuple:
    if isinstance(x, tuple):
        return x
    shape = getattr(x, "shape", None)
    if shape is None:
        raise TypeError(f"x: expected an array, a tensor or a shape tuple, got {type(x).__name__}.")
    return tuple(None if s is None else int(s) for s in shape)
