"""Look inside and rebuild Keras models: layers, state, resets, inference twins, layer shapes.

Introduced in notebook 01 (:func:`layer_shapes`) and notebook 02 (stateful LSTMs on Keras 3):

- :func:`walk_layers`: every layer of a model, nested models, wrappers and Bidirectional halves
  included; the one walker of the package (``diagnose`` and the state functions use it).
- :func:`stateful_layers`, :func:`reset_all` (Keras 3 models have no ``reset_states()``),
  :func:`states`, :func:`state_size`.
- :class:`ResetStates`, :class:`ResetForValidation`, :class:`StateLog`: callbacks for ``fit``.
- :func:`reset_rows` and its callback :class:`ResetRows`: reset some batch rows, keep the others
  (Keras resets a whole layer only; notebook 02 section 5.3).
- :func:`inference_twin`: the same model with another batch size (or stateless), same weights.
- :func:`predict_chunks`: feed a stateful model its batches in order (a ``StatefulBatches``).
- :func:`layer_shapes`: each layer's output shape with named axes.

Import it after ``helpers.session.start()``: it imports Keras.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keras
import numpy as np

from helpers.shapes import describe
from helpers.stateful import PackedBatches, StatefulBatches
from helpers.validate import require_bool_matrix, require_finite, require_flag, require_int, require_numeric


def walk_layers(model: Any, *, halves: bool = True) -> list:
    """Every layer inside ``model``, depth first, the model itself excluded.

    Follows nested models (``.layers``), wrappers such as ``TimeDistributed`` (``.layer``) and,
    with ``halves=True``, the forward and backward layers of a ``Bidirectional``.

    >>> m = keras.Sequential([keras.Input((3, 1)), keras.layers.Bidirectional(keras.layers.LSTM(2))])
    >>> [type(layer).__name__ for layer in walk_layers(m)]
    ['Bidirectional', 'LSTM', 'LSTM']
    """
    return list(_walk(_require_layer(model), require_flag("halves", halves)))


def _walk(layer: Any, halves: bool) -> Iterator:
    for sub in getattr(layer, "layers", None) or ():
        yield sub
        yield from _walk(sub, halves)
    if isinstance(layer, keras.layers.Bidirectional):
        inner = (layer.forward_layer, layer.backward_layer) if halves else ()
    else:
        inner = (getattr(layer, "layer", None),)
    for sub in inner:
        if isinstance(sub, keras.layers.Layer) and sub is not layer:
            yield sub
            yield from _walk(sub, halves)


def _require_layer(model: Any) -> Any:
    if not isinstance(model, keras.layers.Layer):
        raise TypeError(f"model: expected a Keras model or layer, got {type(model).__name__}.")
    return model


# ----------------------------------------------------------------------------------------------
# State: find, reset, measure
# ----------------------------------------------------------------------------------------------


def is_stateful(layer: Any) -> bool:
    """True for a recurrent layer (RNN/LSTM/GRU or Bidirectional) built with ``stateful=True``."""
    if not isinstance(layer, keras.layers.Layer):
        raise TypeError(f"layer: expected a Keras layer or model, got {type(layer).__name__}.")
    return isinstance(layer, (keras.layers.RNN, keras.layers.Bidirectional)) and bool(layer.stateful)


def stateful_layers(model: Any) -> list:
    """Every stateful recurrent layer in ``model``: nested models and wrappers searched, Bidirectional as one."""
    return [layer for layer in [_require_layer(model), *walk_layers(model, halves=False)] if is_stateful(layer)]


def reset_all(model: Any) -> list[str]:
    """Zero the state of every stateful layer (the Keras 2 ``model.reset_states()``); returns their names.

    Keras 3 models have no ``reset_states()``; each stateful layer has ``reset_state()``.
    Nested models and Bidirectional layers are included.
    """
    layers = stateful_layers(model)
    if not layers:
        raise ValueError(
            f"model: {getattr(model, 'name', model)!r} has no stateful layer (no RNN/LSTM/GRU/Bidirectional "
            f"with stateful=True), so there is no state to reset. A stateless model already starts every "
            f"batch from zeros; drop the reset, or build the layer with stateful=True and "
            f"keras.Input(batch_shape=(B, T, F))."
        )
    for layer in layers:
        layer.reset_state()
    return [layer.name for layer in layers]


def states(model: Any) -> dict[str, list[np.ndarray]]:
    """The current state arrays of each stateful layer, by layer name (``[]`` before the first call)."""
    out = {}
    for layer in stateful_layers(model):
        values = layer.states or ()
        out[layer.name] = [np.array(v.numpy()) for v in values]
    return out


def state_size(model: Any) -> float:
    """The largest absolute value in any state of the model: 0.0 right after a reset."""
    values = [np.abs(v).max() for vs in states(model).values() for v in vs]
    return float(max(values)) if values else 0.0


class ResetStates(keras.callbacks.Callback):
    """Reset every stateful layer at the start of each epoch (and, optionally, every ``every_batches`` batches).

    ``fit`` never resets a stateful model by itself (measured in notebook 02). Use
    ``every_batches=n_batches`` when each sequence spans ``n_batches`` batches and several
    sequences follow each other in one epoch.
    """

    def __init__(self, every_batches: int | None = None):
        super().__init__()
        if every_batches is not None:
            require_int("every_batches", every_batches, 1)
        self.every_batches = every_batches
        self.resets = 0

    def on_epoch_begin(self, epoch, logs=None):
        reset_all(self.model)
        self.resets += 1

    def on_train_batch_begin(self, batch, logs=None):
        if self.every_batches and batch > 0 and batch % self.every_batches == 0:
            reset_all(self.model)
            self.resets += 1


class ResetForValidation(keras.callbacks.Callback):
    """Validate from a zero state, then give training its state back.

    ``fit(..., validation_data=...)`` runs validation from wherever training left the state
    (measured in notebook 02). This callback saves every stateful layer's state when validation
    begins, resets it, and restores the saved state when validation ends, so the validation loss
    does not depend on the training data and training continues exactly where it stopped.
    ``.found`` records :func:`state_size` at each validation start, before the reset.
    """

    def __init__(self):
        super().__init__()
        self.found: list[float] = []
        self._saved: list[tuple[Any, list[np.ndarray]]] = []

    def on_test_begin(self, logs=None):
        self.found.append(state_size(self.model))
        self._saved = [(layer, [v.numpy() for v in (layer.states or ())]) for layer in _state_holders(self.model)]
        reset_all(self.model)

    def on_test_end(self, logs=None):
        for layer, values in self._saved:
            for variable, value in zip(layer.states, values, strict=False):
                variable.assign(value)
        self._saved = []


def _state_holders(model: Any) -> list:
    """The layers whose ``.states`` hold state: each stateful RNN, both halves of a Bidirectional."""
    holders = []
    for layer in stateful_layers(model):
        if isinstance(layer, keras.layers.Bidirectional):
            holders += [layer.forward_layer, layer.backward_layer]
        else:
            holders.append(layer)
    return holders


class StateLog(keras.callbacks.Callback):
    """Record :func:`state_size` when each epoch begins and ends (``.at_begin``, ``.at_end``)."""

    def __init__(self):
        super().__init__()
        self.at_begin: list[float] = []
        self.at_end: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self.at_begin.append(state_size(self.model))

    def on_epoch_end(self, epoch, logs=None):
        self.at_end.append(state_size(self.model))


def reset_rows(model: Any, rows: Any) -> int:
    """Zero the state of the batch rows ``rows`` in every stateful layer; the other rows keep theirs.

    Introduced in notebook 02 (section 5.3). Keras resets a whole layer (``layer.reset_state()``),
    never one row: this is the per-row reset for rows that start a new series while the others carry
    on. Returns how many rows were reset.

    >>> m = keras.Sequential([keras.Input(batch_shape=(3, 2, 1)), keras.layers.LSTM(2, stateful=True)])
    >>> _ = m(np.ones((3, 2, 1), "float32")); reset_rows(m, [1])
    1
    >>> [bool((h != 0).any()) for h in states(m)[m.layers[0].name][0]]
    [True, False, True]
    """
    layers = _state_holders(model)
    if not layers:
        raise ValueError(
            f"model: {getattr(model, 'name', model)!r} has no stateful layer, so there is no row state "
            f"to reset. Fix: build the layer with stateful=True and keras.Input(batch_shape=...)."
        )
    arr = np.asarray(rows)
    if arr.ndim == 1 and arr.size == 0:
        arr = arr.astype(int)  # [] : nothing to reset
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        fix = " Fix: np.flatnonzero(mask) turns a mask into row numbers." if arr.dtype == bool else ""
        raise TypeError(
            f"rows: expected a 1-D list of row numbers such as [0, 2], got {rows!r} "
            f"(dtype {arr.dtype}, shape {arr.shape}).{fix}"
        )
    declared = _model_batch_size(model) if isinstance(model, keras.Model) else None
    if declared is not None and arr.size and (arr.min() < 0 or arr.max() >= declared):
        raise ValueError(f"rows: {arr.tolist()} must lie in 0..{declared - 1}: the model's batch size is {declared}.")
    for layer in layers:
        if not layer.states:  # not called yet: every row is still zero
            continue
        batch = int(layer.states[0].shape[0])
        if arr.size and (arr.min() < 0 or arr.max() >= batch):
            raise ValueError(f"rows: {arr.tolist()} must lie in 0..{batch - 1}: the model's batch size is {batch}.")
        for variable in layer.states:
            value = np.array(variable.numpy())
            value[arr] = 0.0
            variable.assign(value)
    return int(arr.size)


class ResetRows(keras.callbacks.Callback):
    """Before batch ``k`` of every epoch, reset the rows ``i`` where ``starts[k, i]`` (a new series begins).

    Introduced in notebook 02 (section 5.3). ``starts`` is a bool array ``(n_batches, batch)``, or a
    :class:`~helpers.stateful.PackedBatches` (its ``.starts``). ``.resets`` counts the rows reset.
    A batch beyond the schedule raises: the data and the schedule do not match.
    """

    def __init__(self, starts: Any):
        super().__init__()
        if isinstance(starts, PackedBatches):
            starts = starts.starts
        self.starts = require_bool_matrix(
            "starts",
            starts,
            axes="(n_batches, batch)",
            fix="Fix: pass PackedBatches, or its .starts (stateful.pack_series).",
            empty="expected at least one batch of one row.",
        )
        self.resets = 0

    def on_train_batch_begin(self, batch, logs=None):
        if batch >= len(self.starts):
            raise ValueError(
                f"starts: the schedule has {len(self.starts)} batches but fit is at batch {batch}. "
                f"Fix: fit exactly the batches the schedule was made for (batch_size=B, shuffle=False)."
            )
        self.resets += reset_rows(self.model, np.flatnonzero(self.starts[batch]))


# ----------------------------------------------------------------------------------------------
# Another batch size: the inference twin
# ----------------------------------------------------------------------------------------------


def inference_twin(
    model: Any, batch_size: int | None = 1, *, timesteps: int | None = None, stateless: bool = False
) -> keras.Model:
    """The same architecture with another batch size (and any length), holding a copy of the weights.

    A stateful model accepts only its own batch size. To forecast one series step by step,
    build ``inference_twin(model, batch_size=1)`` (input ``(1, None, F)``) and feed it. With
    ``stateless=True`` every recurrent layer is rebuilt with ``stateful=False`` (then
    ``batch_size=None`` is allowed): the reference to compare a stateful model against.
    The twin's state starts at zero; weights are copied, states are not.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model: expected a Keras model (Sequential or functional), got {type(model).__name__}.")
    stateless = require_flag("stateless", stateless)
    if batch_size is None:
        if not stateless:
            raise ValueError(
                "batch_size: None is only possible with stateless=True; a stateful layer needs a "
                "fixed batch size. Fix: pass batch_size=1 (one series at a time) or stateless=True."
            )
    else:
        require_int("batch_size", batch_size, 1)
    if timesteps is not None:
        require_int("timesteps", timesteps, 1)
    if not model.built or not model.weights:
        raise ValueError(
            f"model: {model.name!r} has no weights yet; build it with keras.Input(batch_shape=...) "
            f"first, then make the twin."
        )
    config = model.get_config()
    found_input = _patch_config(config, batch_size, timesteps, stateless)
    if not found_input:
        raise ValueError(
            f"model: {model.name!r} has no keras.Input in its config, so its batch size cannot be "
            f"changed. Fix: start the model with keras.Input(batch_shape=(B, T, F))."
        )
    twin = model.__class__.from_config(config)
    twin.set_weights(model.get_weights())
    return twin


def _patch_config(node, batch_size, timesteps, stateless) -> bool:
    found = False
    if isinstance(node, dict):
        node.pop("build_config", None)
        node.pop("build_input_shape", None)
        conf = node.get("config")
        if node.get("class_name") == "InputLayer" and isinstance(conf, dict) and conf.get("batch_shape"):
            shape = list(conf["batch_shape"])
            shape[0] = batch_size
            if len(shape) == 3:
                shape[1] = timesteps
            conf["batch_shape"] = tuple(shape)
            found = True
        if stateless and isinstance(conf, dict) and "stateful" in conf:
            conf["stateful"] = False
        for value in node.values():
            found = _patch_config(value, batch_size, timesteps, stateless) or found
    elif isinstance(node, list):
        for value in node:
            found = _patch_config(value, batch_size, timesteps, stateless) or found
    return found


def _model_batch_size(model: Any) -> int | None:
    """The static batch size a model was built with (``None`` if any size is accepted)."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"model: expected a Keras model, got {type(model).__name__}.")
    shapes = [tuple(t.shape) for t in model.inputs]
    return shapes[0][0] if shapes else None


def predict_chunks(model: Any, x: np.ndarray | StatefulBatches, *, reset: bool = True) -> np.ndarray:
    """Feed batches ``x[0], x[1], ...`` to a stateful model in order; return every output, stacked.

    ``x`` has shape ``(n_batches, B, timesteps, F)`` (or is a :class:`StatefulBatches`). The
    state is reset first (``reset=True``) and then carried from batch to batch, as in training.
    Returns ``(n_batches, B, ...)``: the model's output for each batch.
    """
    if isinstance(x, StatefulBatches):
        x = x.x
    if not isinstance(x, (np.ndarray, list, tuple)):
        raise TypeError(
            f"x: expected batches (n_batches, batch, timesteps, features) as an array or a "
            f"StatefulBatches, got {type(x).__name__}. Build them with split_streams() or stack_series()."
        )
    x = np.asarray(x)
    require_numeric("x", x, fix="Fix: x.astype('float32').")
    if x.ndim != 4:
        raise ValueError(
            f"x: expected batches of shape (n_batches, batch, timesteps, features), got {x.shape}. "
            f"Build them with split_streams() or stack_series()."
        )
    if 0 in x.shape:
        raise ValueError(
            f"x: shape {x.shape} (n_batches, batch, timesteps, features) has an empty axis; expected "
            f"at least one batch of one row, one step and one feature."
        )
    require_finite("x", x, fix="Fix: drop or fill them before laying out the batches.")
    expected = _model_batch_size(model)
    if expected is not None and x.shape[1] != expected:
        raise ValueError(
            f"x: batches have {x.shape[1]} rows but {model.name!r} was built for batch size "
            f"{expected}. Fix: lay the data out with batch_size={expected}, or use "
            f"inference_twin(model, batch_size={x.shape[1]})."
        )
    if require_flag("reset", reset):
        reset_all(model)
    return np.stack([keras.ops.convert_to_numpy(model(x[k].astype(np.float32), training=False)) for k in range(len(x))])


# ----------------------------------------------------------------------------------------------
# Shapes of the layers
# ----------------------------------------------------------------------------------------------


def layer_shapes(model) -> str:
    """A plain table of each layer's output shape with named axes and its parameter count.

    Unlike ``model.summary()`` its width does not depend on the terminal, so it prints the same
    everywhere. ``print(layer_shapes(model))``::

        layer        output shape                           params
        lstm         (batch=None, features=16)                1152
    """
    if not hasattr(model, "layers") or not hasattr(model, "inputs"):
        raise TypeError(
            f"model: expected a built keras Model (e.g. keras.Sequential([keras.Input(...), ...])), "
            f"got {type(model).__name__}."
        )
    if not model.inputs:
        raise ValueError(
            "model: it has no known input shape yet; start it with keras.Input(shape=(timesteps, "
            "features)) so every layer's output shape is known."
        )
    rows = [("input", describe(tuple(model.inputs[0].shape), _names(len(model.inputs[0].shape))), "")]
    for layer in model.layers:
        shape = tuple(layer.output.shape)
        rows.append((layer.name, describe(shape, _names(len(shape))), f"{layer.count_params():,}"))
    width = max(len(r[0]) for r in rows) + 2
    lines = [f"{'layer':<{width}}{'output shape':<44}{'params':>8}"]
    lines += [f"{n:<{width}}{s:<44}{p:>8}" for n, s, p in rows]
    lines.append(f"{'total':<{width}}{'':<44}{model.count_params():>8,}")
    return "\n".join(lines)


def _names(ndim: int) -> tuple[str, ...]:
    return {2: ("batch", "features"), 3: ("batch", "timesteps", "features")}.get(
        ndim, tuple(f"axis{i}" for i in range(ndim))
    )
