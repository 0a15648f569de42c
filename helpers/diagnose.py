"""Diagnose a model and a batch *before* training: every mismatch, in plain words.

Introduced in notebook 05 (troubleshooting). ``diagnose(model, x, y)`` returns a
:class:`Diagnosis` (its ``findings`` can be tested; it prints readably in a notebook). It
explains most errors of the gallery before Keras raises them, and the silent traps Keras
never reports (an axis added or dropped, extra ``predict`` rows, a mask value inside real data,
targets that broadcast against the output, token ids beyond an ``Embedding``).

``x`` is what ``fit`` takes: an array, a list or dict of arrays for a model with several inputs
(keyed by the ``keras.Input`` names), or a batched ``tf.data.Dataset`` of ``x`` or ``(x, y)``
(its first batch is checked; nothing else is read).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers import models, shapes
from helpers.padding import step_mask
from helpers.report import ERROR, WARNING, Finding
from helpers.validate import require_batched, require_int


@dataclass(frozen=True)
class Diagnosis:
    expected: tuple  # the model's input shape, batch axis included (None = any)
    received: tuple  # the data's shape
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
        lines = [
            f"{'❌' if any(f.severity == ERROR for f in self.findings) else '⚠️'} "
            f"{len(self.findings)} problem(s): {head}"
        ]
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
        raise TypeError(
            f"model: expected a keras Model built from keras.Input(...), got {type(model).__name__}. "
            f"Start the model with keras.Input(shape=(timesteps, features))."
        )
    if batch_size is not None:
        batch_size = require_int("batch_size", batch_size, 1, "batch_size=32 (or None)")
    findings: list[Finding] = []
    add = lambda sev, code, msg: findings.append(Finding(sev, code, msg))  # noqa: E731
    from_dataset = _is_dataset(x)
    if from_dataset:
        if y is not None:
            raise TypeError(
                "y: a tf.data.Dataset carries its own targets as (x, y) elements; call "
                "diagnose(model, dataset) without y."
            )
        x, y, batch_size = _first_batch(x, batch_size, add)
    expected_all = [tuple(None if d is None else int(d) for d in t.shape) for t in inputs]
    layers = models.walk_layers(model, halves=False)  # the one walk over the model
    stateful = [layer for layer in [model, *layers] if models.is_stateful(layer)]
    embeddings = _by_input(model, layers, "Embedding")  # input position -> the Embedding it feeds
    maskings = _by_input(model, layers, "Masking")

    parts = _split_inputs(model, x, add)  # [(name, array-like)], one per model input
    if parts is None:  # several inputs given wrongly: said why
        return Diagnosis(tuple(expected_all), ("?",), tuple(findings))
    shapes_seen, arrays = [], []
    for i, (name, part) in enumerate(parts):
        expected = expected_all[i]
        embedding = embeddings.get(i)
        # the LSTM-input rules are shapes.input_findings: the same wording and severity as check_lstm_input
        declared = {
            "timesteps": expected[1] if len(expected) > 1 else None,
            "features": expected[2] if len(expected) == 3 else None,
            "ids": embedding is not None,
        }
        if len(inputs) == 1:
            findings += shapes.input_findings(part, **declared)
        elif len(expected) == 3 or embedding is not None:  # an LSTM (or Embedding) input of several
            findings += shapes.input_findings(part, **declared, name=name)
        arr, shape = _as_array(part, name)
        if arr is None:  # ragged: nothing else can be checked
            return Diagnosis(
                expected_all[0] if len(inputs) == 1 else tuple(expected_all), ("list", *shape), tuple(findings)
            )
        if (
            len(inputs) > 1
            and len(expected) != 3
            and embedding is None
            and (
                len(shape) != len(expected)
                or any(e not in (None, d) for e, d in zip(expected[1:], shape[1:], strict=False))
            )
        ):
            add(
                ERROR,
                "shape",
                f"{name}: shape {shape}, but the model's input {inputs[i].name!r} expects {expected} "
                f"(None: any size). Give it arrays of that shape, in the order of model.inputs.",
            )
        if embedding is not None:
            _check_ids(arr, name, embedding, add)
        shapes_seen.append(shape)
        arrays.append(arr)
    n_samples = [s[0] if s else None for s in shapes_seen]
    if len(set(n_samples)) > 1:
        add(
            ERROR,
            "inputs-length",
            f"the inputs have different numbers of samples {n_samples}; every input needs one row per sample.",
        )
    shape = shapes_seen[0] if len(inputs) == 1 else tuple(shapes_seen)
    n = n_samples[0]
    if y is not None:
        _check_targets(model, y, n, add)
    if stateful and n is not None:
        _check_stateful(stateful, expected_all[0], (n,), batch_size, add, from_dataset=from_dataset)
    for i, arr in enumerate(arrays):
        _check_mask_collisions(arr, maskings.get(i), embeddings.get(i), add, name=parts[i][0])
    return Diagnosis(expected_all[0] if len(inputs) == 1 else tuple(expected_all), shape, tuple(findings))


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
        if (
            not s
            or s.startswith(
                ("File ", "Detected at node", "Graph execution error", "Arguments received", "•", "[[{{node")
            )
            or s.startswith("Exception encountered when calling")
        ):
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
        except Exception as err:
            return "raises " + explain_error(err)
    if caught:
        return "works, warns: " + " | ".join(f"{w.category.__name__}: {w.message}" for w in caught)
    return "works"


# ---------------------------------------------------------------------------------------------


def _is_dataset(x: Any) -> bool:
    return hasattr(x, "element_spec") and hasattr(x, "cardinality") and hasattr(x, "take")


def _numpy(value: Any) -> Any:
    """Tensors (nested in tuples, lists, dicts) as NumPy arrays."""
    if isinstance(value, dict):
        return {k: _numpy(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_numpy(v) for v in value)
    return np.asarray(value)


def _first_batch(dataset: Any, batch_size: int | None, add) -> tuple[Any, Any, int | None]:
    """The first batch of a dataset as ``(x, y, its batch size)``; refused unbatched or empty, warned endless."""
    n = require_batched("x", dataset, doing="reading it") if int(dataset.cardinality()) != -1 else -1
    if n == -1:
        add(
            WARNING,
            "dataset-infinite",
            "x: the dataset repeats forever (.repeat() without a count): fit() then never ends an epoch unless "
            "you pass steps_per_epoch=... (and validation_steps=... for validation data). Only its first batch "
            "is checked here.",
        )
        require_batched("x", dataset.take(1), doing="reading it")
    element = next(iter(dataset.take(1)), None)
    if element is None:
        raise ValueError(
            "x: the dataset yielded no batch; expected at least one. Is it filtered or taken empty "
            "(.take(0), a too large batch with drop_remainder=True)?"
        )
    element = _numpy(element)
    x, y = (element[0], element[1] if len(element) > 1 else None) if isinstance(element, tuple) else (element, None)
    first = x
    while isinstance(first, (tuple, list, dict)):
        first = next(iter(first.values())) if isinstance(first, dict) else first[0]
    size = int(first.shape[0])
    if batch_size is not None and batch_size != size:
        add(
            WARNING,
            "dataset-batch-size",
            f"batch_size={batch_size}, but the dataset's batches hold {size} samples: "
            f"fit() takes the batch size from the dataset and ignores batch_size.",
        )
    return x, y, size


def _split_inputs(model, x: Any, add) -> list[tuple[str, Any]] | None:
    """One ``(name, data)`` per model input, from an array, a list/tuple of arrays or a dict by input name."""
    inputs = model.inputs
    names = [getattr(t, "name", f"input_{i}") for i, t in enumerate(inputs)]
    if isinstance(x, dict):
        unknown, missing = sorted(set(x) - set(names)), [n for n in names if n not in x]
        if unknown or missing:
            add(
                ERROR,
                "input-names",
                f"x: a dict must be keyed by the names of the model's keras.Input layers {names}; "
                + (f"unknown key(s) {unknown}" if unknown else "")
                + ("; " if unknown and missing else "")
                + (f"missing {missing}" if missing else "")
                + ". Fix: keras.Input(..., name='...') and the same keys.",
            )
            return None
        return [(f"x[{n!r}]", x[n]) for n in names]
    if len(inputs) == 1:
        return [("x", x)]
    if not isinstance(x, (list, tuple)):
        add(
            ERROR,
            "inputs",
            f"x: the model has {len(inputs)} inputs {names}, but x is one "
            f"{type(x).__name__}. Pass a list with one array per input, in this order, or a dict "
            f"keyed by these names.",
        )
        return None
    if len(x) != len(inputs):
        add(
            ERROR,
            "inputs",
            f"x: the model has {len(inputs)} inputs {names}, but x is a list of {len(x)}. Pass one "
            f"array per input, in this order, or a dict keyed by these names.",
        )
        return None
    return [(f"x[{i}]", part) for i, part in enumerate(x)]


def _as_array(x, name="x"):
    if isinstance(x, (list, tuple)):
        lengths = [len(s) if hasattr(s, "__len__") else None for s in x]
        try:
            arr = np.asarray(x)
        except ValueError:
            return None, lengths
        if arr.dtype == object:
            return None, lengths
        return arr, tuple(arr.shape)
    if hasattr(x, "to_tensor") and hasattr(x, "row_lengths"):  # tf.RaggedTensor
        return None, [int(n) for n in x.row_lengths()]
    if not hasattr(x, "shape"):
        raise TypeError(f"{name}: expected a NumPy array, a tensor or a list of sequences, got {type(x).__name__}.")
    if getattr(getattr(x, "dtype", None), "kind", None) == "O":  # an object array (ragged rows)
        return None, [len(s) for s in x]
    return np.asarray(x), tuple(int(d) for d in x.shape)


def _by_input(model, layers, cls_name) -> dict[int, Any]:
    """Input position -> the first ``cls_name`` layer that reads it (one input: the first anywhere)."""
    if len(model.inputs) == 1:
        layer = _first_named(layers, cls_name)
        return {} if layer is None else {0: layer}
    found: dict[int, Any] = {}
    for layer in layers:
        if type(layer).__name__ != cls_name:
            continue
        try:
            source = layer.input
        except (AttributeError, ValueError):  # a layer used twice has no single input
            continue
        for i, tensor in enumerate(model.inputs):
            if source is tensor:
                found.setdefault(i, layer)
    return found


def _check_ids(arr: np.ndarray, name: str, embedding, add) -> None:
    if arr.size == 0 or arr.dtype.kind not in "iuf" or not np.isfinite(arr).all():
        return
    low, high, size = arr.min(), arr.max(), int(embedding.input_dim)
    if low < 0 or high >= size:
        bad = int(((arr < 0) | (arr >= size)).sum())
        add(
            ERROR,
            "ids-range",
            f"{name}: {bad} id(s) outside 0..{size - 1} (from {low:g} to {high:g}), but Embedding "
            f"{embedding.name!r} has input_dim={size}. On a CPU Keras raises 'indices[...] = {high:g} is not in "
            f"[0, {size})'; on a GPU the lookup silently returns zeros, and a negative id is never reported. Fix: "
            f"input_dim=max_id + 1, or map unknown words to one out-of-vocabulary id.",
        )


def _check_targets(model, y: Any, n: int | None, add) -> None:
    y_arr, y_shape = _as_array(y, "y")
    if y_arr is None or n is None or not y_shape or y_shape[0] != n:
        got = y_shape[0] if y_arr is not None and y_shape else "?"
        add(ERROR, "targets-length", f"x has {n} samples but y has {got}; every input window needs exactly one target.")
        return
    if y_arr.dtype.kind not in "iuf":
        add(ERROR, "targets-dtype", f"y: dtype is {y_arr.dtype}; targets must be numbers.")
        return
    if y_arr.dtype.kind == "f":
        huge = np.abs(np.nan_to_num(y_arr, nan=0.0, posinf=0.0, neginf=0.0)) > float(np.finfo(np.float32).max)
        if not np.isfinite(y_arr).all() or huge.any():
            bad = int((~np.isfinite(y_arr) | huge).sum())
            add(
                ERROR,
                "targets-nonfinite",
                f"y has {bad} NaN/inf values (or values too large for float32); the loss "
                f"becomes NaN. Drop those samples.",
            )
    outputs = getattr(model, "outputs", None) or []
    if len(outputs) != 1:
        return
    out = tuple(None if d is None else int(d) for d in outputs[0].shape)  # e.g. (None, 1) or (None, T, 1)
    loss = str(getattr(model, "loss", "") or "")
    sparse = "sparse" in loss.lower()
    width = out[-1]
    if len(out) == 3 and len(y_shape) <= 2:
        got = y_shape[1] if len(y_shape) == 2 else 1
        add(
            ERROR,
            "targets-shape",
            f"y: shape {y_shape} has one target per sample, but the model outputs one per step {out} (its last "
            f"recurrent layer has return_sequences=True). Keras silently compares every step with the sample's "
            f"target. Fix: return_sequences=False on the last LSTM, or give y one target per step, shape "
            f"({n}, {out[1] if out[1] is not None else 'T'}, {width if not sparse else got}).",
        )
    elif len(out) == 2 and len(y_shape) == 3:
        add(
            ERROR,
            "targets-shape",
            f"y: shape {y_shape} has a target per step, but the model outputs one per sample {out}. Fix: "
            f"return_sequences=True on the last LSTM (and a Dense per step), or keep only each window's last "
            f"target: y[:, -1].",
        )
    elif len(out) == len(y_shape) and len(out) in (2, 3) and not sparse and width is not None and y_shape[-1] != width:
        silent = 1 in (y_shape[-1], width)
        add(
            ERROR,
            "targets-shape",
            f"y: {y_shape[-1]} target(s) per {'step' if len(out) == 3 else 'sample'} {y_shape}, but the model "
            f"outputs {width} {out}. "
            + (
                "Keras broadcasts one against the other silently and trains on the wrong comparison. "
                if silent
                else "fit() fails with incompatible shapes. "
            )
            + f"Fix: Dense({y_shape[-1]}) as the last layer, or select the target column(s) the model predicts.",
        )
    elif len(out) == 2 and len(y_shape) == 1 and not sparse and width not in (None, 1):
        add(
            ERROR,
            "targets-shape",
            f"y: shape {y_shape} has one value per sample, but the model outputs {width} {out}; Keras broadcasts the "
            f"one target against all {width} outputs silently. Fix: Dense(1) as the last layer, or targets of shape "
            f"({n}, {width}).",
        )
    elif len(out) == 3 and len(y_shape) == 3 and out[1] is not None and y_shape[1] != out[1]:
        add(
            ERROR,
            "targets-shape",
            f"y: {y_shape[1]} steps of targets {y_shape}, but the model outputs {out[1]} "
            f"steps {out}. Fix: one target per input step.",
        )


def _first_named(layers, cls_name):
    return next((layer for layer in layers if type(layer).__name__ == cls_name), None)


def _check_stateful(stateful, expected, shape, batch_size, add, *, from_dataset=False):
    if not stateful:
        return
    names = ", ".join(sorted({layer.name for layer in stateful}))
    fixed = expected[0]
    if fixed is None:
        add(
            ERROR,
            "stateful-batch",
            f"stateful layer(s) {names} need a fixed batch size, but the model's batch axis "
            f"is open. Declare keras.Input(batch_shape=(B, T, F)).",
        )
        return
    n = shape[0]
    if from_dataset:  # every batch of a dataset is fed as it is: it must hold exactly `fixed` rows
        if n != fixed:
            add(
                ERROR,
                "stateful-batch-size",
                f"the dataset's first batch holds {n} samples but the stateful model was built for {fixed}; batch "
                f"it with .batch({fixed}, drop_remainder=True), or build an inference twin for another batch size.",
            )
        return
    if batch_size is None:
        add(
            ERROR,
            "stateful-batch-size",
            f"stateful layer(s) {names} run with batch size {fixed}; pass batch_size={fixed} to fit/evaluate/predict. "
            f"The default (32) makes Keras 3 fail with 'Incompatible shapes' or 'enters the loop with shape'.",
        )
    elif batch_size != fixed:
        add(
            ERROR,
            "stateful-batch-size",
            f"batch_size={batch_size} but the stateful model was built for {fixed}; "
            f"use batch_size={fixed}, or build an inference twin for another batch size.",
        )
    left = n % fixed
    fix = (
        f"Trim to {n - left} samples or use drop_remainder=True."
        if n >= fixed
        else f"There is not even one full batch: give it {fixed} samples (one per state row), or, for fewer "
        f"series, build a twin with models.inference_twin(model, batch_size={n})."
    )
    if left == 1:
        add(
            ERROR,
            "stateful-remainder",
            f"{n} samples is not a multiple of the batch size {fixed}: the last batch has 1 sample, which Keras "
            f"silently broadcasts against the {fixed}-row state: predict() returns {-(-n // fixed) * fixed} rows "
            f"instead of {n}, and fit()/evaluate() use copies of it. {fix}",
        )
    elif left:
        add(
            ERROR,
            "stateful-remainder",
            f"{n} samples is not a multiple of the batch size {fixed}: the last batch has {left}, so fit(), "
            f"evaluate() and predict() fail with 'Incompatible shapes'. {fix}",
        )


def _check_mask_collisions(x, masking, embedding, add, *, name="x"):
    if x.ndim < 2 or x.dtype.kind not in "iuf" or 0 in x.shape:
        return
    if masking is not None and x.ndim == 3:
        value = masking.mask_value
    elif embedding is not None and getattr(embedding, "mask_zero", False) and x.ndim == 2:
        value = 0
    else:
        return
    masked = ~step_mask(x, value)  # shape: (batch, timesteps)
    real = ~masked
    # a masked step with real steps on both sides is not padding: it is data that will be skipped
    before = np.maximum.accumulate(real, axis=1)
    after = np.maximum.accumulate(real[:, ::-1], axis=1)[:, ::-1]
    inside = masked & before & after
    if inside.any():
        rows = np.flatnonzero(inside.any(axis=1))
        add(
            ERROR,
            "mask-collision",
            f"{int(inside.sum())} step(s) inside real data equal the mask value {value!r} (in sample(s) "
            f"{rows[:5].tolist()}{'...' if len(rows) > 5 else ''}); the model will skip them as if they were padding. "
            f"Pad with a value that cannot occur (e.g. mask_value=-1.0 on standardised data), or shift ids by 1.",
        )
    # pad_sequences pads one side only: masked steps at the *other* end are real data equal to the mask value
    lead = np.argmax(real, axis=1)  # masked steps before the first real one
    trail = np.argmax(real[:, ::-1], axis=1)  # masked steps after the last real one
    some = real.any(axis=1)
    lead, trail = np.where(some, lead, 0), np.where(some, trail, 0)
    end_only, start_only = int(((trail > 0) & (lead == 0)).sum()), int(((lead > 0) & (trail == 0)).sum())
    post, pre = end_only > start_only, start_only > end_only  # the side most rows are padded on
    wrong = (lead > 0) if post else (trail > 0) if pre else (lead > 0) & (trail > 0)
    if wrong.any():
        rows = np.flatnonzero(wrong)
        side, other = ("first", "end") if post else ("last", "start") if pre else ("first or last", "one end")
        add(
            WARNING,
            "mask-edge",
            f"{name}: sample(s) {rows[:5].tolist()}{'...' if len(rows) > 5 else ''} have their {side} step(s) equal to "
            f"the mask value {value!r}, but the padding of this batch is at the {other} (pad_sequences pads one side "
            f"only): those are real steps, and the model will skip them as if they were padding. Pad with a value "
            f"that cannot occur (e.g. mask_value=-1.0 on standardised data), or shift ids by 1.",
        )
