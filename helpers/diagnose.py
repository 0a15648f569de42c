"""Diagnose a model and a batch *before* training: every mismatch, in plain words.

Introduced in notebook 05 (troubleshooting). ``diagnose(model, x, y)`` returns a
:class:`Diagnosis` (its ``findings`` can be tested; it prints readably in a notebook). It
explains most errors of the gallery before Keras raises them, and the silent traps Keras
never reports (an axis added or dropped, extra ``predict`` rows, a mask value inside real data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from helpers import models, shapes
from helpers.padding import step_mask
from helpers.report import ERROR, Finding
from helpers.validate import require_int


@dataclass(frozen=True)
class Diagnosis:
    expected: tuple     # the model's input shape, batch axis included (None = any)
    received: tuple     # the data's shape
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def __str__(self) -> str:
        head = f"model expects {self.expected}, data is {self.received}"
        if self.ok:
            return f"✅ no problems found: {head}"
        lines = [f"{'❌' if any(f.severity == ERROR for f in self.findings) else '⚠️'} "
                 f"{len(self.findings)} problem(s): {head}"]
        lines += [f"  [{f.severity}] {f.code}: {f.message}" for f in self.findings]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def diagnose(model, x: Any, y: Any = None, *, batch_size: int | None = None) -> Diagnosis:
    """Check ``x`` (and ``y``) against ``model`` as ``fit(x, y, batch_size=...)`` would receive them.

    >>> diagnose(model, np.zeros((5, 20)))          # doctest: +SKIP
    ⚠️ 1 problem(s): model expects (None, 20, 1), data is (5, 20)
      [warning] missing-feature-axis: ...
    """
    inputs = getattr(model, "inputs", None)
    if not hasattr(model, "layers") or not inputs:
        raise TypeError(f"model: expected a keras Model built from keras.Input(...), got {type(model).__name__}. "
                        f"Start the model with keras.Input(shape=(timesteps, features)).")
    if batch_size is not None:
        batch_size = require_int("batch_size", batch_size, 1, "batch_size=32 (or None)")
    expected = tuple(None if d is None else int(d) for d in inputs[0].shape)
    findings: list[Finding] = []
    add = lambda sev, code, msg: findings.append(Finding(sev, code, msg))  # noqa: E731

    layers = models.walk_layers(model, halves=False)            # the one walk over the model
    embedding, masking = _first_named(layers, "Embedding"), _first_named(layers, "Masking")
    stateful = [layer for layer in [model, *layers] if models.is_stateful(layer)]
    # the LSTM-input rules are shapes.input_findings: the same wording and severity as check_lstm_input
    declared = {"timesteps": expected[1] if len(expected) > 1 else None,
                "features": expected[2] if len(expected) == 3 else None, "ids": embedding is not None}
    findings += shapes.input_findings(x, **declared)
    x, shape = _as_array(x)
    if x is None:                                                # ragged: nothing else can be checked
        return Diagnosis(expected, ("list",) + tuple(shape), tuple(findings))
    if y is not None:
        y_arr, y_shape = _as_array(y)
        if y_arr is None or y_shape[0] != shape[0]:
            add(ERROR, "targets-length", f"x has {shape[0]} samples but y has {y_shape[0] if y_arr is not None else '?'}; "
                                         f"every input window needs exactly one target.")
        elif np.issubdtype(y_arr.dtype, np.floating) and not np.isfinite(y_arr).all():
            add(ERROR, "targets-nonfinite", f"y has {int((~np.isfinite(y_arr)).sum())} NaN/inf values; the loss "
                                            f"becomes NaN. Drop those samples.")
    _check_stateful(stateful, expected, shape, batch_size, add)
    _check_mask_collisions(x, masking, embedding, add)
    return Diagnosis(expected, shape, tuple(findings))


def explain_error(err: BaseException) -> str:
    """The informative line(s) of a Keras/TensorFlow error, without file paths or graph node noise.

    ``InvalidArgumentError`` texts list the Python files of the call stack (paths that differ
    per machine) before the one line that matters, e.g. ``Incompatible shapes: [2,1] vs. [4,1]``.
    """
    if not isinstance(err, BaseException):
        raise TypeError(f"err: expected an exception, got {type(err).__name__}.")
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(err))
    keep = []
    for line in text.splitlines():
        s = line.strip()
        if (not s or s.startswith(("File ", "Detected at node", "Graph execution error", "Arguments received",
                                   "•", "[[{{node")) or s.startswith("Exception encountered when calling")):
            continue
        keep.append(re.sub(r"\s*\[\[\{\{node .*$|\s*\[Op:\S+\]$", "", s))
    return f"{type(err).__name__}: " + " ".join(keep).strip()


def attempt(fn: Callable[[], Any]) -> str:
    """Run ``fn`` and say what happened: ``"works"`` or ``"raises ValueError: ..."`` (paths removed).

    Python warnings raised on the way are reported too (``"works, warns: ..."``), not printed.
    """
    import warnings

    if not callable(fn):
        raise TypeError(f"fn: expected a function of no arguments (e.g. lambda: ...), got {type(fn).__name__}.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fn()
        except Exception as err:  # noqa: BLE001 - reporting any failure is the point
            return "raises " + explain_error(err)
    if caught:
        return "works, warns: " + " | ".join(f"{w.category.__name__}: {w.message}" for w in caught)
    return "works"


# ---------------------------------------------------------------------------------------------

def _as_array(x):
    if isinstance(x, (list, tuple)):
        lengths = [len(s) if hasattr(s, "__len__") else None for s in x]
        try:
            arr = np.asarray(x)
        except ValueError:
            return None, lengths
        if arr.dtype == object:
            return None, lengths
        return arr, tuple(arr.shape)
    if hasattr(x, "to_tensor") and hasattr(x, "row_lengths"):   # tf.RaggedTensor
        return None, [int(n) for n in x.row_lengths()]
    if not hasattr(x, "shape"):
        raise TypeError(f"x: expected a NumPy array, a tensor or a list of sequences, got {type(x).__name__}.")
    if getattr(x, "dtype", None) == object:
        return None, [len(s) for s in x]
    return np.asarray(x), tuple(int(d) for d in x.shape)


def _first_named(layers, cls_name):
    return next((layer for layer in layers if type(layer).__name__ == cls_name), None)


def _check_stateful(stateful, expected, shape, batch_size, add):
    if not stateful:
        return
    names = ", ".join(sorted({layer.name for layer in stateful}))
    fixed = expected[0]
    if fixed is None:
        add(ERROR, "stateful-batch", f"stateful layer(s) {names} need a fixed batch size, but the model's batch axis "
                                     f"is open. Declare keras.Input(batch_shape=(B, T, F)).")
        return
    n = shape[0]
    if batch_size is None:
        add(ERROR, "stateful-batch-size",
            f"stateful layer(s) {names} run with batch size {fixed}; pass batch_size={fixed} to fit/evaluate/predict. "
            f"The default (32) makes Keras 3 fail with 'Incompatible shapes' or 'enters the loop with shape'.")
    elif batch_size != fixed:
        add(ERROR, "stateful-batch-size", f"batch_size={batch_size} but the stateful model was built for {fixed}; "
                                          f"use batch_size={fixed}, or build an inference twin for another batch size.")
    left = n % fixed
    fix = (f"Trim to {n - left} samples or use drop_remainder=True." if n >= fixed else
           f"There is not even one full batch: give it {fixed} samples (one per state row), or, for fewer "
           f"series, build a twin with models.inference_twin(model, batch_size={n}).")
    if left == 1:
        add(ERROR, "stateful-remainder",
            f"{n} samples is not a multiple of the batch size {fixed}: the last batch has 1 sample, which Keras "
            f"silently broadcasts against the {fixed}-row state: predict() returns {-(-n // fixed) * fixed} rows "
            f"instead of {n}, and fit()/evaluate() use copies of it. {fix}")
    elif left:
        add(ERROR, "stateful-remainder",
            f"{n} samples is not a multiple of the batch size {fixed}: the last batch has {left}, so fit(), "
            f"evaluate() and predict() fail with 'Incompatible shapes'. {fix}")


def _check_mask_collisions(x, masking, embedding, add):
    if x.ndim < 2 or x.dtype.kind not in "iuf":
        return
    if masking is not None and x.ndim == 3:
        value = masking.mask_value
    elif embedding is not None and getattr(embedding, "mask_zero", False) and x.ndim == 2:
        value = 0
    else:
        return
    masked = ~step_mask(x, value)                                  # shape: (batch, timesteps)
    real = ~masked
    # a masked step with real steps on both sides is not padding: it is data that will be skipped
    before = np.maximum.accumulate(real, axis=1)
    after = np.maximum.accumulate(real[:, ::-1], axis=1)[:, ::-1]
    inside = masked & before & after
    if inside.any():
        rows = np.flatnonzero(inside.any(axis=1))
        add(ERROR, "mask-collision",
            f"{int(inside.sum())} step(s) inside real data equal the mask value {value!r} (in sample(s) "
            f"{rows[:5].tolist()}{'...' if len(rows) > 5 else ''}); the model will skip them as if they were padding. "
            f"Pad with a value that cannot occur (e.g. mask_value=-1.0 on standardised data), or shift ids by 1.")
