"""Variable-length sequences: check them, pad them, batch them by length, measure the padding.

Introduced in notebook 04 (variable-length sequences: padding, masking, per-batch padding and
bucketing). The padding and batching are done by Keras and ``tf.data``
(``keras.utils.pad_sequences``, ``Dataset.padded_batch``, ``Dataset.bucket_by_sequence_length``);
this module checks their input, names the concepts and measures what each choice costs:

- :func:`lengths`: the steps of each sequence in a list of ``(T_i,)`` or ``(T_i, F)`` arrays (checked by
  :func:`helpers.validate.as_sequence_list`).
- :func:`pad`: ``keras.utils.pad_sequences`` with the dtype taken from the data (never the
  silent ``int32`` default on float series).
- :func:`step_mask`, :func:`collisions`: the mask ``Masking``/``mask_zero`` computes, and how many
  *real* steps it would hide because they equal the mask value.
- :func:`unpadded_outputs`: a model's output for each sequence at its own length (the reference
  a masked, padded batch must reproduce).
- ``tf.data`` pipelines of sequences (``to_dataset``, ``bucket_dataset``) live in
  :mod:`helpers.pipelines`.
- :func:`padding_stats`, :func:`batch_masks`, :func:`mask_stats`: the padding fraction
  (padding steps / all steps), computed from lengths or measured on the batches a dataset yields.
- :func:`check_cudnn_mask`: would cuDNN (GPU) accept this mask?
- :func:`as_mask_list`: masks checked; their picture is :func:`helpers.plots.plot_masks`.

TensorFlow is imported inside the functions that need it, so importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers.report import Report
from helpers.validate import (
    MAX_BATCHES,
    as_sequence_list,
    bounded,
    require_batched,
    require_bool_matrix,
    require_choice,
    require_fill_value,
    require_int,
    require_int32,
    require_number,
    require_numeric,
    require_text,
)

PADDING_MODES = ("pre", "post")


# --------------------------------------------------------------------------- checking and padding


def lengths(sequences: Any) -> np.ndarray:
    """The number of steps of each sequence: ``lengths([[1, 2, 3], [4]])`` -> ``array([3, 1])``."""
    return np.array([len(s) for s in as_sequence_list(sequences)], dtype=np.int64)


def pad(
    sequences: Any, *, maxlen: int | None = None, padding: str = "post", truncating: str = "pre", value: float = 0.0
) -> np.ndarray:
    """``keras.utils.pad_sequences`` with the dtype of the data and post padding by default.

    ``keras.utils.pad_sequences`` defaults to ``dtype='int32'`` and turns ``[0.4, 1.7]`` into
    ``[0, 1]`` without a word; here floats stay ``float32`` and integer ids stay ``int32``.
    Only the *padding* side differs from Keras ("post", which cuDNN needs); ``truncating`` keeps
    Keras' default "pre": with ``maxlen`` a longer sequence loses its oldest steps and keeps the
    newest ones, the ones closest to what a model predicts.
    Returns ``(N, maxlen)`` for ``(T_i,)`` sequences and ``(N, maxlen, F)`` for ``(T_i, F)``.

    >>> pad([[1, 2, 3], [4]]).tolist()
    [[1, 2, 3], [4, 0, 0]]
    >>> pad([[1, 2, 3], [4]], maxlen=2).tolist()     # truncating="pre": keeps the newest steps
    [[2, 3], [4, 0]]
    """
    seqs = as_sequence_list(sequences)
    for arg, mode in (("padding", padding), ("truncating", truncating)):
        require_choice(arg, mode, PADDING_MODES, meaning="'post' at the end, 'pre' at the start")
    if maxlen is not None:
        maxlen = require_int("maxlen", maxlen, 1, "maxlen=20 (or None: the longest sequence)")
    floats = any(np.issubdtype(s.dtype, np.floating) for s in seqs)
    value = require_fill_value("value", value, ids=not floats)  # survives the cast to int32 / float32
    if not floats:
        require_int32("sequences", np.concatenate(seqs))
    import keras

    return keras.utils.pad_sequences(
        seqs, maxlen=maxlen, dtype="float32" if floats else "int32", padding=padding, truncating=truncating, value=value
    )


def step_mask(x: Any, mask_value: float = 0.0) -> np.ndarray:
    """The mask Keras computes: True for a real step, False for a step it will skip.

    For ``(batch, timesteps, features)`` a step is skipped only when *every* feature equals
    ``mask_value`` (the rule of ``keras.layers.Masking``); for ``(batch, timesteps)`` integer
    ids, when the id equals ``mask_value`` (the rule of ``Embedding(mask_zero=True)`` for 0).

    >>> step_mask(np.array([[[1., 0.], [0., 0.], [0., 2.]]])).tolist()
    [[True, False, True]]
    """
    mask_value = require_number("mask_value", mask_value, example="0.0")
    if not isinstance(x, (np.ndarray, list, tuple)) and not hasattr(x, "numpy"):
        raise TypeError(f"x: expected a padded batch (an array or a tensor), got {type(x).__name__}.")
    x = np.asarray(x)
    require_numeric("x", x, fix="Fix: pad numbers (padding.pad) before computing their mask.")
    if x.ndim in (2, 3) and 0 in x.shape:
        raise ValueError(
            f"x: shape {x.shape} has an empty axis; expected at least one sample, one step and one feature."
        )
    if x.ndim == 3:
        return np.any(x != mask_value, axis=-1)
    if x.ndim == 2:
        return x != mask_value
    raise ValueError(
        f"x: shape {x.shape} has {x.ndim} axes; expected (batch, timesteps, features) or (batch, timesteps) of ids."
    )


def collisions(sequences: Any, mask_value: float = 0.0) -> int:
    """How many *real* steps the mask would hide, because all their features equal ``mask_value``.

    Anything above 0 means the model silently skips real data. Fix: pad with a value the data
    never takes (and mask that value), or add a feature that is 1 on every real step.

    >>> collisions([[[0.0], [1.5]], [[2.0]]])
    1
    """
    seqs = as_sequence_list(sequences)
    return int(sum((~step_mask(s.reshape(1, len(s), -1), mask_value)).sum() for s in seqs))


def unpadded_outputs(model: Any, sequences: Any) -> np.ndarray:
    """What ``model`` outputs for each sequence at its own length, without any padding.

    The reference a padded, masked batch must reproduce. Sequences of equal length run together
    as one batch (rows of a batch never interact), so this needs one call per distinct length,
    not one per sequence. Returns ``(N, ...)`` in the order of ``sequences``.
    """
    seqs = as_sequence_list(sequences)
    if not callable(model):
        raise TypeError(f"model: expected a Keras model (or any callable on a batch), got {type(model).__name__}.")
    n = np.array([len(s) for s in seqs])
    out: list[Any] = [None] * len(seqs)
    shapes: dict[tuple, int] = {}
    for length in np.unique(n):
        rows = np.flatnonzero(n == length)
        batch = np.stack([seqs[i] for i in rows])  # shape: (rows, length[, features])
        if np.issubdtype(batch.dtype, np.floating):
            batch = batch.astype(np.float32)
        for i, value in zip(rows, np.asarray(model(batch)), strict=False):
            out[i] = value
            shapes.setdefault(value.shape, int(length))
    if len(shapes) > 1:
        raise ValueError(
            f"model: its output has a different shape for each length ({shapes}: output shape -> "
            f"sequence length), so they cannot be stacked into one array. A return_sequences=True "
            f"model outputs one row per step; compare the last step ([:, -1]) or each sequence "
            f"separately."
        )
    return np.stack(out)


# --------------------------------------------------------------------------- measuring the padding


@dataclass(frozen=True)
class PaddingStats:
    """How much of a padded dataset is padding: ``fraction = padding steps / all steps``."""

    strategy: str
    sequences: int
    real_steps: int
    total_steps: int
    batches: int | None = None

    @property
    def padding_steps(self) -> int:
        return self.total_steps - self.real_steps

    @property
    def fraction(self) -> float:
        return self.padding_steps / self.total_steps

    def __str__(self) -> str:
        batches = "" if self.batches is None else f" in {self.batches} batches"
        return (
            f"{self.strategy}: {self.sequences} sequences{batches}, {self.total_steps:,} steps computed, "
            f"{self.padding_steps:,} of them padding ({self.fraction:.1%})"
        )

    __repr__ = __str__


def padding_stats(lengths: Any, *, batch_size: int | None = None, strategy: str | None = None) -> PaddingStats:
    """Padding fraction computed from the lengths alone.

    ``batch_size=None``: global padding, every sequence padded to the longest of all (what
    ``pad_sequences`` does). With ``batch_size``: consecutive batches in the given order, each
    padded to its own longest sequence (what ``Dataset.padded_batch`` does).

    >>> padding_stats([2, 4, 3, 3]).fraction, padding_stats([2, 4, 3, 3], batch_size=2).fraction
    (0.25, 0.14285714285714285)
    """
    n = _lengths_array(lengths)
    if strategy is not None:
        require_text("strategy", strategy, example="'bucketing'")
    if batch_size is None:
        total, batches = len(n) * int(n.max()), None
        strategy = strategy or "global padding"
    else:
        batch_size = require_int("batch_size", batch_size, 1, "batch_size=32 (or None: global padding)")
        starts = np.arange(0, len(n), batch_size)
        widths = np.maximum.reduceat(n, starts)  # longest sequence of each batch
        sizes = np.diff(np.r_[starts, len(n)])  # rows in each batch
        total, batches = int((widths * sizes).sum()), len(starts)
        strategy = strategy or f"per-batch padding (batch {batch_size})"
    return PaddingStats(strategy, len(n), int(n.sum()), total, batches)


def batch_masks(dataset: Any, *, mask_value: float = 0.0, max_batches: int = MAX_BATCHES) -> list[np.ndarray]:
    """The mask of every batch a dataset yields, as ``(batch, timesteps)`` boolean arrays.

    Uses the same rule as the model (:func:`step_mask`), so it shows what the LSTM will skip.
    Elements may be ``x`` or ``(x, y)``; ``x`` is ``(batch, timesteps[, features])`` (a list of such
    batches works too). A dataset that repeats forever or is not batched is refused; one whose length
    tf.data cannot tell (after ``filter``) is read to its end, but at most ``max_batches`` batches.
    """
    mask_value = require_number("mask_value", mask_value, example="0.0")
    if isinstance(dataset, (list, tuple)):  # the batches themselves, already in hand
        pass
    elif not hasattr(dataset, "element_spec") or not hasattr(dataset, "cardinality"):
        raise TypeError(
            f"dataset: expected a batched tf.data.Dataset (e.g. from padded_batch or bucket_dataset) or "
            f"a list of batches, got {type(dataset).__name__}. For one padded array use step_mask(x)."
        )
    else:
        require_batched("dataset", dataset, doing="reading its masks")
    masks = []
    for element in bounded("dataset", dataset, max_batches):
        x = element[0] if isinstance(element, (tuple, list)) else element
        x = np.asarray(x)
        if x.ndim not in (2, 3):
            raise ValueError(
                f"dataset: a batch has shape {x.shape}; expected (batch, timesteps[, features]). "
                f"Is the dataset batched (padded_batch / bucket_dataset)?"
            )
        masks.append(step_mask(x, mask_value))
    if not masks:
        raise ValueError("dataset: yielded no batches; expected at least one.")
    return masks


def mask_stats(masks: Sequence[np.ndarray], *, strategy: str) -> PaddingStats:
    """Padding fraction measured on the masks of the batches (from :func:`batch_masks`)."""
    require_text("strategy", strategy, example="'bucketing'")
    masks = as_mask_list(masks)
    return PaddingStats(
        strategy,
        sum(m.shape[0] for m in masks),
        int(sum(m.sum() for m in masks)),
        int(sum(m.size for m in masks)),
        len(masks),
    )


def check_cudnn_mask(mask: Any) -> Report:
    """Would cuDNN (an LSTM on a GPU) accept this mask? It needs every row right-padded
    (real steps first, then only padding) and no row fully padded. Returns a Report, never raises
    on a bad mask: on a CPU any mask works; on a GPU, Keras 3 fails on such a mask unless the
    layer has ``use_cudnn=False``.
    """
    if isinstance(mask, (list, tuple)):
        mask = np.asarray(mask)
    if not isinstance(mask, np.ndarray) or mask.ndim != 2:
        raise TypeError(
            f"mask: expected one boolean (batch, timesteps) array, got {type(mask).__name__}"
            f"{f' of shape {mask.shape}' if hasattr(mask, 'shape') else ''}. Fix: padding.step_mask(x)."
        )
    mask = as_mask_list([mask], name="mask")[0]
    n_real = mask.sum(axis=1)
    right = np.arange(mask.shape[1])[None, :] < n_real[:, None]  # what a right-padded mask looks like
    not_right = np.flatnonzero((mask != right).any(axis=1)).tolist()
    empty = np.flatnonzero(n_real == 0).tolist()
    lines = []
    if not_right:
        lines.append(f"rows {not_right} are not right-padded (padding before or between real steps)")
    if empty:
        lines.append(f"rows {empty} are fully padded (no real step)")
    if lines:
        lines.append("On a GPU: pad with padding='post' and drop empty sequences, or LSTM(..., use_cudnn=False).")
        return Report(False, f"cuDNN would reject this mask ({mask.shape[0]} rows)", tuple(lines))
    return Report(True, f"cuDNN accepts this mask: all {mask.shape[0]} rows right-padded, none empty")


# --------------------------------------------------------------------------- internals


# --------------------------------------------------------------------------- internals


def _lengths_array(values: Any) -> np.ndarray:
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, (list, tuple, range, np.ndarray)):
        raise TypeError(
            f"lengths: expected a non-empty 1-D list of integer lengths such as [19, 23, 21], got "
            f"{type(values).__name__}. Fix: padding.lengths(sequences)."
        )
    try:
        n = np.asarray(values)
    except ValueError:
        n = np.asarray([], dtype=object)
    if n.ndim != 1 or n.size == 0:
        raise ValueError(
            f"lengths: expected a non-empty 1-D list of integer lengths such as [19, 23, 21], got "
            f"{values!r:.80}. Fix: padding.lengths(sequences)."
        )
    if not np.issubdtype(n.dtype, np.integer):
        raise TypeError(
            f"lengths: expected a non-empty 1-D list of integer lengths such as [19, 23, 21], got "
            f"{values!r:.80}. Fix: padding.lengths(sequences)."
        )
    if (n < 1).any():
        raise ValueError(f"lengths: every length must be >= 1, got {int(n.min())} at index {int(np.argmin(n))}.")
    return n.astype(np.int64)


def as_mask_list(masks: Any, *, name: str = "masks") -> list[np.ndarray]:
    """Check a list of boolean ``(batch, timesteps)`` masks (one 2-D mask is a list of one)."""
    if isinstance(masks, np.ndarray) and masks.ndim == 2:
        masks = [masks]
    if not isinstance(masks, (list, tuple)):
        raise TypeError(
            f"{name}: expected a list of boolean (batch, timesteps) arrays, got {type(masks).__name__}. "
            f"Fix: padding.batch_masks(dataset), or [padding.step_mask(x)]."
        )
    out = []
    for i, m in enumerate(masks):
        item = name if name == "mask" else f"{name}[{i}]"
        m = require_bool_matrix(
            item,
            m,
            axes="(batch, timesteps)",
            fix="Fix: padding.step_mask(x) or padding.batch_masks(dataset).",
            empty="a mask needs at least one row and one step.",
        )
        out.append(m)
    if not out:
        raise ValueError(f"{name}: got none; expected at least one (batch, timesteps) mask.")
    return out
