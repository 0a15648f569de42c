"""Stateful LSTMs on Keras 3: batches that continue each other, state resets, inference twins.

Introduced in notebook 02 (``02_stateful_lstm.ipynb``). A stateful recurrent layer keeps the
state it reached on row ``i`` of one batch and starts row ``i`` of the next batch from it, so
row ``i`` of batch ``k + 1`` must continue row ``i`` of batch ``k``. This module builds that
layout and checks it:

- :func:`split_streams`: one long series cut into ``batch_size`` parallel streams.
- :func:`stack_series`: several series of equal length, one per batch row
  ("the number of stocks is the batch size").
- :func:`continuity` / :func:`check_continuity`: does each row continue where it stopped?
- :func:`trim_to_multiple`: whole batches only, for a stateful model's fixed batch size.
- :func:`step_index`: the step numbers of a layout (or of batches built from ``np.arange``).
- :func:`offset_streams`: :func:`split_streams` after skipping ``offset`` steps, so chunk boundaries move
  from epoch to epoch (d2l's random offset).
- :func:`pack_series`: series of unequal length packed one after another into the rows, with the
  per-row reset schedule and per-step weights (:class:`PackedBatches`).

Its picture is :func:`helpers.plots.plot_layout`.

The model side (reset, state, callbacks, inference twin, feeding the batches in order) lives in
:mod:`helpers.models`. This module is NumPy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from helpers.report import Report
from helpers.shapes import describe
from helpers.validate import as_sequence_list, as_series, check_columns, require_choice, require_flag, require_int

DROP_CHOICES = ("start", "end")


@dataclass(frozen=True)
class StatefulBatches:
    """Inputs and targets laid out for a stateful RNN: row ``i`` of batch ``k+1`` continues row ``i`` of batch ``k``.

    ``x[k]`` is the ``k``-th batch to feed. ``index[k, i, t]`` is the position, in its source
    series ``row_series[i]``, of input step ``x[k, i, t]``; the target ``y[k, i, t]`` is the
    value ``horizon`` steps later.
    """

    x: np.ndarray  # shape: (n_batches, batch, timesteps, features)
    y: np.ndarray  # shape: (n_batches, batch, timesteps, n_targets), one target per step
    index: np.ndarray  # shape: (n_batches, batch, timesteps), step of each input in its series
    row_series: tuple[int, ...]  # which source series each batch row reads
    length: int  # steps in each source series
    dropped: int  # steps of the source series used neither as input nor as target
    drop: str  # where they were dropped: "start" or "end"
    horizon: int
    kind: str = "streams"  # "streams": one series cut in rows; "series": one series per row
    offset: int = 0  # steps skipped at the start before the streams begin (offset_streams)

    @property
    def n_batches(self) -> int:
        return self.x.shape[0]

    @property
    def batch_size(self) -> int:
        return self.x.shape[1]

    @property
    def timesteps(self) -> int:
        return self.x.shape[2]

    @property
    def y_last(self) -> np.ndarray:
        """Targets of each chunk's last step only, for a model with ``return_sequences=False``."""
        return self.y[:, :, -1, :]  # shape: (n_batches, batch, n_targets)

    def for_fit(self, *, last_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Flatten to ``(n_batches * batch, timesteps, F)`` for ``fit(..., batch_size=B, shuffle=False)``.

        Samples ``k*B ... k*B + B - 1`` form batch ``k``, so ``fit`` slices them back into the
        same batches, in the same order, as long as ``batch_size=B`` and ``shuffle=False``.
        """
        x = self.x.reshape(-1, *self.x.shape[2:])  # shape: (n_batches * batch, timesteps, F)
        y = self.y_last if require_flag("last_only", last_only) else self.y
        return x, y.reshape(-1, *y.shape[2:])

    @property
    def note(self) -> str:
        """What was kept and what was dropped, in words."""
        where = "at the start (the oldest steps)" if self.drop == "start" else "at the end (the newest steps)"
        inputs = self.n_batches * self.timesteps * (self.batch_size if self.kind == "streams" else 1)
        gap = max(0, self.horizon - inputs)  # a horizon longer than all the inputs: the steps between are unused
        edge = self.dropped - self.offset - gap
        drop = f"dropped {edge} {where}" if edge else "dropped nothing"
        if self.offset:
            drop = f"skipped the first {self.offset} (offset), dropped {edge} {where}"
        if gap:
            drop += f", and {gap} between the inputs and their targets (horizon {self.horizon} > {inputs} input steps)"
        used = self.length - self.dropped
        if self.kind == "streams":
            return (
                f"1 series of {self.length} steps -> {self.batch_size} streams x {self.n_batches} batches x "
                f"{self.timesteps} timesteps + horizon {self.horizon} = {used} steps used; {drop}"
            )
        return (
            f"{self.batch_size} series of {self.length} steps, one per row -> {self.n_batches} batches x "
            f"{self.timesteps} timesteps + horizon {self.horizon} = {used} steps of each used; {drop}"
        )

    def __repr__(self) -> str:
        return (
            f"StatefulBatches(x={describe(self.x)}, "
            f"y={describe(self.y, ('n_batches', 'batch', 'timesteps', 'targets'))})\n  {self.note}"
        )


def split_streams(
    series: np.ndarray,
    batch_size: int,
    timesteps: int,
    *,
    horizon: int = 1,
    target_columns: Sequence[int] | None = None,
    drop: str = "start",
) -> StatefulBatches:
    """Cut ONE long series into ``batch_size`` parallel streams, each fed ``timesteps`` steps per batch.

    Stream ``i`` is one contiguous stretch of the series; batch row ``i`` always reads stream
    ``i``, so the state of row ``i`` sees consecutive steps. Steps that do not fill a whole
    chunk are dropped at ``drop`` ("start": the oldest, the default; "end": the newest) and
    reported in ``.dropped`` / ``.note``.

    >>> b = split_streams(np.arange(25), batch_size=2, timesteps=4)
    >>> b.x[:, :, :, 0].tolist()     # batch 0, batch 1, batch 2; row 0 then row 1
    [[[0, 1, 2, 3], [12, 13, 14, 15]], [[4, 5, 6, 7], [16, 17, 18, 19]], [[8, 9, 10, 11], [20, 21, 22, 23]]]
    """
    series = as_series(series)
    _check_sizes(batch_size=batch_size, timesteps=timesteps, horizon=horizon, drop=drop)
    cols = check_columns(target_columns, series.shape[1])
    length = len(series)
    if length - horizon < timesteps:
        raise ValueError(
            f"series: {length} steps are too short for one chunk of timesteps={timesteps} plus "
            f"horizon={horizon} ({timesteps + horizon} steps). Fix: use a longer series or a smaller "
            f"timesteps."
        )
    n_batches = (length - horizon) // (batch_size * timesteps)
    if n_batches == 0:
        most = (length - horizon) // timesteps
        raise ValueError(
            f"batch_size: {batch_size} rows cannot be filled: {batch_size} streams x timesteps={timesteps} "
            f"+ horizon={horizon} = {batch_size * timesteps + horizon} steps, but the series has {length}. "
            f"Fix: use batch_size <= {most}, a smaller timesteps, or a longer series."
        )
    used = batch_size * n_batches * timesteps + horizon
    offset = length - used if drop == "start" else 0
    span = n_batches * timesteps
    starts = offset + span * np.arange(batch_size)
    # dropped = steps neither input nor target: a horizon longer than all the inputs leaves a gap between them
    return _gather(
        [series],
        [0] * batch_size,
        starts,
        n_batches,
        timesteps,
        horizon,
        cols,
        length,
        length - used + max(0, horizon - batch_size * span),
        drop,
        "streams",
    )


def stack_series(
    series: Sequence[np.ndarray] | np.ndarray,
    timesteps: int,
    *,
    batch_size: int | None = None,
    horizon: int = 1,
    target_columns: Sequence[int] | None = None,
    drop: str = "start",
) -> StatefulBatches:
    """Lay out SEVERAL series of equal length, one per batch row: the number of series is the batch size.

    ``series`` is a list of ``(T,)`` or ``(T, F)`` arrays (e.g. one per stock) or one array of
    shape ``(n_series, T, F)``. Row ``i`` of every batch reads series ``i``, ``timesteps`` steps
    further each batch. ``batch_size``, if given, must equal the number of series (a check).

    >>> b = stack_series([np.arange(9), 100 + np.arange(9)], timesteps=4)
    >>> b.x[:, :, :, 0].tolist()
    [[[0, 1, 2, 3], [100, 101, 102, 103]], [[4, 5, 6, 7], [104, 105, 106, 107]]]
    """
    sources = as_sequence_list(series, name="series", series=True, equal_lengths=True)
    n = len(sources)
    if batch_size is not None:
        require_int("batch_size", batch_size, 1)
        if batch_size != n:
            raise ValueError(
                f"batch_size: {batch_size} rows cannot be filled by {n} series: here every batch row reads "
                f"one series, so batch_size must be {n}. Fix: pass batch_size={n} (or leave it out), or "
                f"pass exactly {batch_size} series; to cut one series into {batch_size} rows use "
                f"split_streams()."
            )
    _check_sizes(batch_size=n, timesteps=timesteps, horizon=horizon, drop=drop)
    cols = check_columns(target_columns, sources[0].shape[1])
    length = len(sources[0])
    n_batches = (length - horizon) // timesteps
    if n_batches == 0:
        raise ValueError(
            f"series: {length} steps are too short for one chunk of timesteps={timesteps} plus "
            f"horizon={horizon} ({timesteps + horizon} steps). Fix: use longer series or a smaller timesteps."
        )
    used = n_batches * timesteps + horizon
    offset = length - used if drop == "start" else 0
    return _gather(
        sources,
        list(range(n)),
        np.full(n, offset),
        n_batches,
        timesteps,
        horizon,
        cols,
        length,
        length - used + max(0, horizon - n_batches * timesteps),
        drop,
        "series",
    )


def _gather(sources, row_series, starts, n_batches, timesteps, horizon, cols, length, dropped, drop, kind):
    steps = np.arange(n_batches * timesteps).reshape(n_batches, 1, timesteps)
    index = steps + np.asarray(starts).reshape(1, -1, 1)  # shape: (n_batches, batch, timesteps)
    x = np.stack([sources[s][index[:, i]] for i, s in enumerate(row_series)], axis=1)
    y = np.stack([sources[s][index[:, i] + horizon][..., cols] for i, s in enumerate(row_series)], axis=1)
    return StatefulBatches(
        x=x,
        y=y,
        index=index,
        row_series=tuple(row_series),
        length=length,
        dropped=int(dropped),
        drop=drop,
        horizon=horizon,
        kind=kind,
    )


def _check_sizes(*, batch_size, timesteps, horizon, drop) -> None:
    require_int("batch_size", batch_size, 1)
    require_int("timesteps", timesteps, 1)
    require_int("horizon", horizon, 1)
    require_choice("drop", drop, DROP_CHOICES, meaning="'start' drops the oldest steps, 'end' the newest")


def continuity(index: np.ndarray | StatefulBatches) -> np.ndarray:
    """How far each row jumps between batches: ``index[k+1, i, 0] - index[k, i, -1]``.

    ``index`` holds, for each input step, its position in the series (``StatefulBatches.index``,
    or inputs built from ``np.arange`` so that values are positions). 1 everywhere means every
    row continues exactly where it stopped; anything else is a gap (> 1) or a repeat (< 1).
    Returns shape ``(n_batches - 1, batch)``.
    """
    index = step_index(index)
    return index[1:, :, 0] - index[:-1, :, -1]


def check_continuity(index: np.ndarray | StatefulBatches) -> Report:
    """A :class:`~helpers.report.Report`: does row ``i`` of each batch continue row ``i`` of the previous one?"""
    index = step_index(index)
    jumps = continuity(index)
    if jumps.size == 0:
        return Report(True, "only one batch: nothing to continue (the state is never carried over).")
    bad = np.argwhere(jumps != 1)
    if len(bad) == 0:
        return Report(
            True,
            f"continuous: in all {index.shape[0]} batches, each of the {index.shape[1]} rows "
            f"starts right after where it stopped.",
        )
    lines = []
    for k, i in bad[:3]:
        end, start = int(index[k, i, -1]), int(index[k + 1, i, 0])
        what = f"skips {start - end - 1} steps" if start > end + 1 else f"goes back {end + 1 - start} steps"
        lines.append(f"row {i}: batch {k} ends at step {end}, batch {k + 1} starts at step {start} ({what})")
    if len(bad) > 3:
        lines.append(f"... {len(bad) - 3} more")
    return Report(False, f"broken: {len(bad)} of {jumps.size} row-to-row hand-overs do not continue.", tuple(lines))


def step_index(index: np.ndarray | StatefulBatches) -> np.ndarray:
    """The position in its series of every input step, ``(n_batches, batch, timesteps)``, checked.

    ``index`` is a :class:`StatefulBatches` (its ``.index``) or batches built from ``np.arange``
    (values are step numbers; a trailing feature axis is dropped).
    """
    if isinstance(index, StatefulBatches):
        return index.index
    if not isinstance(index, (np.ndarray, list, tuple)):
        raise TypeError(
            f"index: expected a StatefulBatches or an array of step numbers (n_batches, batch, "
            f"timesteps), got {type(index).__name__}. Build the batches from np.arange(...)."
        )
    index = np.asarray(index)
    if index.dtype.kind not in "iuf":
        raise TypeError(
            f"index: expected step numbers (integers), got dtype {index.dtype}. Build the batches from "
            f"np.arange(...) (or use StatefulBatches.index)."
        )
    if index.ndim == 4 and index.shape[-1] >= 1:
        index = index[..., 0]
    if index.ndim != 3:
        raise ValueError(
            f"index: expected shape (n_batches, batch, timesteps) (or inputs with a feature axis), "
            f"got {index.shape}. Build the batches from np.arange(...) so values are step numbers."
        )
    if 0 in index.shape:
        raise ValueError(
            f"index: shape {index.shape} (n_batches, batch, timesteps) has an empty axis; expected at "
            f"least one batch of one row of one step."
        )
    if index.dtype.kind == "f" and not (np.isfinite(index).all() and (index == np.round(index)).all()):
        raise ValueError(
            f"index: expected step numbers (whole numbers), got dtype {index.dtype} with values such as "
            f"{index.ravel()[:3].tolist()}. Build the batches from np.arange(...) (or use "
            f"StatefulBatches.index), not from the real data."
        )
    return index


def trim_to_multiple(*arrays: np.ndarray, batch_size: int, keep: str = "start") -> tuple[np.ndarray, ...]:
    """Cut arrays (same first axis) to a whole number of batches of ``batch_size`` samples.

    ``predict``/``evaluate`` on a stateful model with a sample count that is not a multiple of
    its batch size either fails or silently returns extra rows (notebook 02); trim first.
    ``keep="start"`` (default) drops the incomplete last batch, like ``drop_remainder=True``,
    and keeps every sample in its batch row. ``keep="end"`` keeps the newest samples instead,
    which shifts every sample to another row: only for samples that do not continue each other.
    """
    require_int("batch_size", batch_size, 1)
    if not arrays:
        raise ValueError("arrays: pass at least one array to trim.")
    require_choice(
        "keep", keep, DROP_CHOICES, meaning="'start' drops the incomplete last batch, 'end' keeps the newest samples"
    )
    for i, a in enumerate(arrays):
        if not isinstance(a, (np.ndarray, list, tuple)):
            raise TypeError(
                f"arrays[{i}]: expected an array (inputs or targets), got {type(a).__name__}. "
                f"Fix: trim_to_multiple(x, y, batch_size=B)."
            )
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(
            f"arrays: first axes differ {[len(a) for a in arrays]}; pass inputs and targets that "
            f"match sample for sample."
        )
    if n < batch_size:
        raise ValueError(
            f"arrays: {n} samples are fewer than one batch of batch_size={batch_size}. Fix: use "
            f"inference_twin(model, batch_size={n}) or more samples."
        )
    m = n - n % batch_size
    return tuple(a[:m] if keep == "start" else a[n - m :] for a in arrays)


def offset_streams(
    series: np.ndarray, batch_size: int, timesteps: int, *, offset: int, horizon: int = 1
) -> StatefulBatches:
    """:func:`split_streams` after skipping the first ``offset`` steps: the chunk boundaries move by ``offset``.

    Introduced in notebook 02 (section 6). Draw ``offset`` anew each epoch (``rng.integers(timesteps)``)
    and no step sits at a chunk boundary in every epoch (d2l's random offset for sequential
    partitioning). ``.index`` still counts steps of the whole series; the steps that do not fill a
    whole chunk are dropped at the end, and ``.dropped`` counts them with the ``offset`` skipped ones.

    >>> b = offset_streams(np.arange(20), batch_size=2, timesteps=4, offset=3)
    >>> b.index[:, 0, 0].tolist(), b.dropped
    ([3, 7], 3)
    """
    series = as_series(series)
    require_int("timesteps", timesteps, 1)
    require_int("offset", offset, 0, example=f"rng.integers({timesteps})")
    if offset >= timesteps:
        raise ValueError(
            f"offset: {offset} must be smaller than timesteps={timesteps}; an offset of {offset} "
            f"moves the boundaries as {offset % timesteps} does and drops more data. "
            f"Fix: draw it with rng.integers({timesteps})."
        )
    if offset >= len(series):
        raise ValueError(f"offset: {offset} skips the whole series ({len(series)} steps). Fix: a smaller offset.")
    layout = split_streams(series[offset:], batch_size, timesteps, horizon=horizon, drop="end")
    return replace(
        layout, index=layout.index + offset, length=len(series), dropped=layout.dropped + offset, offset=offset
    )


@dataclass(frozen=True)
class PackedBatches:
    """Series of unequal length packed one after another into the batch rows of a stateful RNN.

    Introduced in notebook 02 (section 5.3). ``x[k, i]`` is chunk ``k`` of row ``i``; ``owner[k, i]``
    the series it belongs to (-1: padding); ``starts[k, i]`` is True where a new series begins, i.e.
    where row ``i`` must be reset before batch ``k`` (:class:`helpers.models.ResetRows`);
    ``weights[k, i, t]`` is 1.0 on real steps and 0.0 on padding (a per-step ``sample_weight``).
    """

    x: np.ndarray  # shape: (n_batches, batch, timesteps, features)
    y: np.ndarray  # shape: (n_batches, batch, timesteps, features): the next step
    weights: np.ndarray  # shape: (n_batches, batch, timesteps)
    owner: np.ndarray  # shape: (n_batches, batch), int
    starts: np.ndarray  # shape: (n_batches, batch), bool
    dropped: int  # steps dropped at the start of series to fill whole chunks

    @property
    def n_batches(self) -> int:
        return self.x.shape[0]

    def for_fit(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(x, y, sample_weight)`` flattened for ``fit(..., batch_size=B, shuffle=False)``."""
        n, b, t = self.weights.shape
        return self.x.reshape(n * b, t, -1), self.y.reshape(n * b, t, -1), self.weights.reshape(n * b, t)


def pack_series(series: Sequence[np.ndarray], batch_size: int, timesteps: int) -> PackedBatches:
    """Pack series of unequal length into ``batch_size`` rows: longest first, each into the shortest row so far.

    Introduced in notebook 02 (section 5.3). Each series is cut into chunks of ``timesteps`` inputs
    (targets: the next step); steps that do not fill a whole chunk are dropped at its start (the
    oldest) and counted in ``.dropped``. Rows that end early are filled with zero chunks of weight 0.

    >>> p = pack_series([np.arange(9), np.arange(5)], batch_size=2, timesteps=2)
    >>> p.owner.tolist(), p.starts.tolist(), p.dropped
    ([[0, 1], [0, 1], [0, -1], [0, -1]], [[True, True], [False, False], [False, False], [False, False]], 0)
    """
    arrays = [a.astype("float32") for a in as_sequence_list(series, name="series", series=True)]
    require_int("batch_size", batch_size, 1)
    require_int("timesteps", timesteps, 1)
    for j, a in enumerate(arrays):
        if len(a) < timesteps + 1:
            raise ValueError(
                f"series: series {j} has {len(a)} steps, fewer than one chunk of timesteps={timesteps} "
                f"plus its target ({timesteps + 1}). Fix: drop it, or use a smaller timesteps."
            )
    if len(arrays) < batch_size:
        raise ValueError(
            f"batch_size: {batch_size} rows but only {len(arrays)} series; rows would stay empty. "
            f"Fix: use batch_size <= {len(arrays)}."
        )
    chunks = [(len(a) - 1) // timesteps for a in arrays]
    rows: list[list[int]] = [[] for _ in range(batch_size)]
    for j in sorted(range(len(arrays)), key=lambda j: -chunks[j]):  # longest first, to the shortest row
        min(rows, key=lambda r: sum(chunks[i] for i in r)).append(j)
    n_batches = max(sum(chunks[i] for i in r) for r in rows)
    f = arrays[0].shape[1]
    x = np.zeros((n_batches, batch_size, timesteps, f), "float32")  # shape: (n_batches, B, T, F)
    y = np.zeros_like(x)
    weights = np.zeros((n_batches, batch_size, timesteps), "float32")  # shape: (n_batches, B, T)
    owner = np.full((n_batches, batch_size), -1)
    starts = np.zeros((n_batches, batch_size), bool)
    dropped = 0
    for i, row in enumerate(rows):
        k = 0
        for j in row:
            a, n = arrays[j], chunks[j]
            keep = a[len(a) - n * timesteps - 1 :]  # drop the oldest steps
            dropped += len(a) - len(keep)
            x[k : k + n, i] = keep[:-1].reshape(n, timesteps, f)
            y[k : k + n, i] = keep[1:].reshape(n, timesteps, f)
            weights[k : k + n, i] = 1.0
            owner[k : k + n, i] = j
            starts[k, i] = True
            k += n
    return PackedBatches(x, y, weights, owner, starts, dropped)
