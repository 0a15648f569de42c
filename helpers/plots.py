"""Every figure of the course, and the only module that imports matplotlib.

Introduced in notebook 01 (:func:`plot_batch_on_series`); notebook 02 adds :func:`plot_layout`
(stateful layouts), notebook 04 :func:`plot_masks` (padding masks).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from helpers.distribute import per_replica_batch_sizes
from helpers.padding import as_mask_list, mask_stats
from helpers.stateful import StatefulBatches, step_index
from helpers.validate import as_series, require_choice, require_flag, require_int
from helpers.windows import count_windows


def plot_batch_on_series(
    series: np.ndarray,
    timesteps: int,
    *,
    batch_size: int = 4,
    stride: int = 1,
    start: int = 0,
    feature_names: tuple[str, ...] | None = None,
    horizon: int = 1,
    feature: int = 0,
):
    """Draw a batch of windows over the series it came from, and the batch as a 3D block.

    Left: the series (column ``feature``) with each window of the batch shaded and its target
    marked. Right: the batch as it reaches the LSTM, one panel row per batch row, timesteps
    left to right and features top to bottom. Returns the figure.
    """
    series = as_series(series)
    batch_size = require_int("batch_size", batch_size, 1, "batch_size=4")
    start = require_int("start", start, 0, "start=0")
    n = count_windows(len(series), timesteps, horizon=horizon, stride=stride)
    if start + batch_size > n:
        raise ValueError(
            f"start + batch_size = {start + batch_size} windows, but the series gives only {n} "
            f"windows of timesteps={timesteps}; lower start or batch_size."
        )
    if feature_names is not None and (
        isinstance(feature_names, str)
        or not isinstance(feature_names, Sequence)
        or not all(isinstance(n, str) for n in feature_names)
    ):
        raise TypeError(
            f"feature_names: expected one name per feature such as ('open', 'close'), got {feature_names!r:.60}."
        )
    names = feature_names or tuple(f"f{j}" for j in range(series.shape[1]))
    if len(names) != series.shape[1]:
        raise ValueError(f"feature_names: got {len(names)} names for {series.shape[1]} features.")
    feature = require_int("feature", feature, 0, maximum=series.shape[1] - 1)
    line = series[:, feature]

    fig = plt.figure(figsize=(11, 4.2))
    grid = fig.add_gridspec(batch_size, 2, width_ratios=(1.3, 1), wspace=0.25, hspace=0.5)
    ax = fig.add_subplot(grid[:, 0])
    first = start * stride
    last = (start + batch_size - 1) * stride + timesteps - 1 + horizon
    lo, hi = max(0, first - timesteps), min(len(series), last + timesteps)
    steps = np.arange(lo, hi)
    ax.plot(steps, line[lo:hi], color="0.3", lw=1.2, label=names[feature])
    colors = plt.cm.tab10(np.arange(batch_size) % 10)
    span = np.ptp(line[lo:hi]) or 1.0
    for b in range(batch_size):
        s = (start + b) * stride
        y0 = line[lo:hi].min() - (b + 1) * 0.08 * span
        ax.plot([s, s + timesteps - 1], [y0, y0], color=colors[b], lw=5, solid_capstyle="butt")
        t = s + timesteps - 1 + horizon
        ax.plot(t, line[t], "o", color=colors[b], ms=6)
        ax.text(s + timesteps, y0, f" batch row {b}", va="center", fontsize=8, color=colors[b])
    ax.set_title(f"{batch_size} windows of timesteps={timesteps} cut from the series (dots: targets)")
    ax.set_xlabel("time step in the series")
    ax.set_ylabel(names[feature])

    block = np.stack([series[(start + b) * stride : (start + b) * stride + timesteps] for b in range(batch_size)])
    scaled = (block - block.min(axis=(0, 1))) / (np.ptp(block, axis=(0, 1)) + 1e-12)  # per feature, for colour
    for b in range(batch_size):
        sub = fig.add_subplot(grid[b, 1])
        sub.imshow(scaled[b].T, aspect="auto", cmap="viridis", vmin=0, vmax=1)
        sub.set_yticks(range(len(names)), names if len(names) <= 6 else [""] * len(names), fontsize=7)
        sub.set_xticks([])
        sub.grid(False)
        sub.set_ylabel(f"row {b}", rotation=0, ha="right", va="center", fontsize=8, color=colors[b])
        if b == 0:
            sub.set_title(
                f"the batch: shape (batch={batch_size}, timesteps={timesteps}, features={len(names)})", fontsize=10
            )
    sub.set_xlabel("timesteps →  (each row: features ↓)")
    return fig


# ----------------------------------------------------------------------------------------------
# Training, pipelines, devices (notebooks 01, 03, 06); the explorables' pictures (helpers.explore)
# ----------------------------------------------------------------------------------------------


def plot_loss_curves(history: Any, *, title: str | None = None, ylabel: str = "loss (MSE)", log: bool = False):
    """Train and validation loss per epoch, the best validation epoch marked (notebook 01, section 8).

    ``history`` is what ``model.fit`` returns (a ``keras.callbacks.History``) or its ``.history``
    dict: ``"loss"`` per epoch and, optionally, ``"val_loss"`` of the same length. Returns the figure.

    >>> fig = plot_loss_curves({"loss": [0.45, 0.04, 0.03], "val_loss": [1.06, 0.9, 0.68]})
    >>> [line.get_label() for line in fig.axes[0].get_lines()][:2]
    ['train', 'validation']
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError(
            f"history: expected what model.fit returns (a History) or its .history dict, got "
            f"{type(history).__name__}. Fix: history = model.fit(...); plot_loss_curves(history)."
        )
    if "loss" not in logs:
        raise ValueError(f"history: has no 'loss' (keys: {sorted(logs)}). Fix: pass model.fit(...)'s return value.")
    log = require_flag("log", log)
    curves = {"train": _epoch_values("history['loss']", logs["loss"])}
    if "val_loss" in logs:
        curves["validation"] = _epoch_values("history['val_loss']", logs["val_loss"])
        if len(curves["validation"]) != len(curves["train"]):
            raise ValueError(
                f"history: {len(curves['train'])} training losses but {len(curves['validation'])} "
                f"validation losses; expected one of each per epoch."
            )
    if log and any((v <= 0).any() for v in curves.values()):
        raise ValueError("log: a log scale needs losses > 0, and some are <= 0. Fix: log=False.")
    epochs = np.arange(1, len(curves["train"]) + 1)
    fig, ax = plt.subplots(figsize=(7, 3.4))
    for (name, values), style in zip(curves.items(), ("-o", "-s"), strict=False):
        ax.plot(epochs, values, style, ms=4, label=name)
    if "validation" in curves:
        best = int(np.argmin(curves["validation"]))
        ax.plot(
            epochs[best],
            curves["validation"][best],
            "*",
            ms=14,
            color="C1",
            mec="0.2",
            label=f"lowest validation loss: epoch {epochs[best]}",
        )
    ax.set_xticks(epochs if len(epochs) <= 20 else ax.get_xticks())
    ax.set_xlim(0.5, len(epochs) + 0.5)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.set_title(title or "loss per epoch: training (on the batches) and validation (after each epoch)")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_timings(timings: Mapping[str, Any], *, spread: str = "minmax", unit: str = "s", title: str | None = None):
    """Grouped bars of repeated timings, with their spread as error bars (notebook 03, section 5).

    ``timings`` maps a group (e.g. a pipeline) to its repeated measurements, or to a mapping of bar
    name to repeats: ``{"plain": {"epoch 1": [0.58], "later epochs": [0.55, 0.56]}, ...}``. Each bar is
    the median of its repeats; the error bar spans min to max (``spread="minmax"``) or the first to
    the third quartile (``"quartiles"``). Returns the figure.

    >>> fig = plot_timings({"plain": [0.55, 0.58, 0.57], "cache": [0.57, 0.06, 0.06]})
    >>> [round(float(p.get_height()), 2) for p in fig.axes[0].patches]
    [0.57, 0.06]
    """
    spread = require_choice(
        "spread", spread, ("minmax", "quartiles"), meaning="the error bar spans min-max or the quartiles"
    )
    if isinstance(timings, Mapping) and not timings:
        raise ValueError("timings: got an empty dict; expected at least one group {group: [seconds, ...]}.")
    if not isinstance(timings, Mapping):
        raise TypeError(
            f"timings: expected a non-empty dict {{group: [seconds, ...]}} or {{group: {{bar: "
            f"[seconds, ...]}}}}, got {timings!r:.80}."
        )
    nested = {str(g): (dict(v) if isinstance(v, Mapping) else {"": v}) for g, v in timings.items()}
    bar_names = list(dict.fromkeys(name for bars in nested.values() for name in bars))
    fig, ax = plt.subplots(figsize=(1.6 + 1.1 * len(nested) * max(1, len(bar_names)) ** 0.5, 3.6))
    width = 0.8 / len(bar_names)
    for j, name in enumerate(bar_names):
        xs, heights, low, high = [], [], [], []
        for g, (group, bars) in enumerate(nested.items()):
            if name not in bars:
                continue
            values = _epoch_values(f"timings[{group!r}]" + (f"[{name!r}]" if name else ""), bars[name])
            if (values < 0).any():
                raise ValueError(f"timings[{group!r}]: times must be >= 0, got {values.min()}.")
            lo, mid, hi = (
                np.percentile(values, (25, 50, 75))
                if spread == "quartiles"
                else (values.min(), np.median(values), values.max())
            )
            xs.append(g + (j - (len(bar_names) - 1) / 2) * width)
            heights.append(mid)
            low.append(mid - lo)
            high.append(hi - mid)
        ax.bar(
            xs,
            heights,
            width * 0.92,
            yerr=[low, high],
            capsize=3,
            label=name or None,
            color=f"C{j}",
            error_kw={"ecolor": "0.25", "lw": 1},
        )
    ax.set_xticks(range(len(nested)), list(nested))
    ax.set_ylabel(f"time ({unit})")
    what = "min to max" if spread == "minmax" else "quartiles"
    ax.set_title(title or f"median of the repeats; error bars: {what}")
    if len(bar_names) > 1 or bar_names[0]:
        ax.legend()
    fig.tight_layout()
    return fig


def plot_replica_split(
    global_batch: int,
    n_replicas: int,
    n_samples: int,
    *,
    drop_remainder: bool = False,
    max_rows: int = 8,
    title: str | None = None,
):
    """How each global batch, the last partial one too, is cut into per-replica pieces (notebook 06, section 3).

    One bar per step (a global batch), cut into one piece per replica with its number of samples,
    from :func:`helpers.distribute.per_replica_batch_sizes`. With more than ``max_rows`` steps, the
    first ``max_rows - 1`` and the last are drawn. Returns the figure.

    >>> fig = plot_replica_split(64, 2, 70)
    >>> [int(p.get_width()) for p in fig.axes[0].patches]
    [32, 32, 3, 3]
    """
    steps = per_replica_batch_sizes(global_batch, n_samples, n_replicas, drop_remainder=drop_remainder)
    max_rows = require_int("max_rows", max_rows, 2)
    if not steps:
        raise ValueError(
            f"n_samples: {n_samples} samples make no full global batch of {global_batch} with "
            f"drop_remainder=True, so there is nothing to draw. Fix: drop_remainder=False."
        )
    shown = list(range(len(steps))) if len(steps) <= max_rows else [*range(max_rows - 1), len(steps) - 1]
    skipped = len(steps) - len(shown)
    # rows top to bottom; the steps left out get a row of their own (a note), just before the last step
    rows = [*range(len(shown) - 1), len(shown) if skipped else len(shown) - 1]
    fig, ax = plt.subplots(figsize=(8, 0.9 + 0.45 * (rows[-1] + 1)))
    colors = plt.cm.tab10(np.arange(n_replicas) % 10)
    for row, step in zip(rows, shown, strict=True):
        left = 0
        for r, size in enumerate(steps[step]):
            ax.barh(
                row,
                size,
                left=left,
                color=colors[r],
                edgecolor="white",
                height=0.7,
                label=f"replica {r}" if row == 0 else None,
            )
            ax.text(
                left + size / 2 if size else left,
                row,
                str(size),
                ha="center" if size else "left",
                va="center",
                fontsize=8,
                color="white" if size else "firebrick",
            )
            left += size
    labels = [f"step {s}" + (" (last)" if s == len(steps) - 1 and sum(steps[s]) < global_batch else "") for s in shown]
    ax.set_yticks(rows, labels)
    if skipped:
        ax.text(
            global_batch / 2,
            len(shown) - 1,
            f"... {skipped} more steps like these ...",
            ha="center",
            va="center",
            fontsize=9,
            color="0.3",
        )
    ax.invert_yaxis()
    ax.set_xlim(0, global_batch * 1.02)
    ax.set_xlabel("samples of the global batch")
    ax.set_title(
        title or f"{n_samples} samples, global batch {global_batch}, {n_replicas} replicas: {len(steps)} steps"
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def plot_window_layout(layout: Any, *, series: np.ndarray | None = None, title: str | None = None):
    """Which steps each window reads, where its target is, and which batch it falls into.

    ``layout`` is a :class:`helpers.explore.WindowLayout`; ``series``, if given, is drawn above
    (its first feature). One bar per window (colour: its batch; grey and hatched: dropped by
    ``drop_remainder``), a dot at its target. Returns the figure.
    """
    _require_layout(layout, "WindowLayout", "explore.window_layout(...)", ("starts", "targets", "batch", "n_batches"))
    fig = plt.figure(figsize=(10, 4.6 if series is not None else 3.6))
    grid = fig.add_gridspec(2 if series is not None else 1, 1, height_ratios=(1, 1.6) if series is not None else (1,))
    ax = fig.add_subplot(grid[-1])
    if series is not None:
        top = fig.add_subplot(grid[0], sharex=ax)
        values = as_series(series)[:, 0]
        top.plot(np.arange(len(values)), values, color="0.3", lw=1.2)
        top.set_ylabel("series")
        top.tick_params(labelbottom=False)
    colors = plt.cm.tab10(np.arange(max(layout.n_batches, 1)) % 10)
    for w, (start, target, batch) in enumerate(zip(layout.starts, layout.targets, layout.batch, strict=True)):
        kept = batch >= 0
        ax.barh(
            w,
            layout.timesteps,
            left=start - 0.5,
            height=0.7,
            color=colors[batch] if kept else "0.85",
            hatch=None if kept else "//",
            edgecolor="0.5" if not kept else "none",
        )
        ax.plot(target, w, "o", ms=4, color=colors[batch] if kept else "0.5")
    ax.set_xlim(-0.5, layout.n_steps - 0.5)
    ax.set_ylim(layout.n_windows - 0.5, -0.5)
    ax.set_xlabel("time step in the series (bar: the window's inputs, dot: its target)")
    ax.set_ylabel("window")
    if 0 < layout.n_batches <= 12:
        handles = [plt.Rectangle((0, 0), 1, 1, color=colors[b]) for b in range(layout.n_batches)]
        labels = [f"batch {b}" for b in range(layout.n_batches)]
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    fig.axes[-1 if series is not None else 0].set_title(title or layout.summary.splitlines()[0], fontsize=10)
    fig.tight_layout()
    return fig


def plot_stream_layout(layout: Any, *, title: str | None = None):
    """Which stretch of the series each row of each batch reads, and where a row does not continue.

    ``layout`` is a :class:`helpers.explore.StreamLayout`. Left: one bar per (batch, row) chunk at the
    steps it reads, numbered by batch. Right: the step each row's state sees, in feeding order. Red
    crosses mark a row whose next batch does not start right after where it stopped. Returns the figure.
    """
    _require_layout(layout, "StreamLayout", "explore.stream_layout(...)", ("index", "jumps", "breaks", "n_batches"))
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(11, 0.9 + 0.5 * max(layout.batch_size, 4)), gridspec_kw={"width_ratios": (1.6, 1)}
    )
    colors = plt.cm.tab10(np.arange(layout.n_batches) % 10)
    for k in range(layout.n_batches):
        for i in range(layout.batch_size):
            start = int(layout.index[k, i, 0])
            left.barh(i, layout.timesteps, left=start, height=0.7, color=colors[k], edgecolor="white", lw=0.5)
            if layout.n_batches * layout.batch_size <= 120:
                left.text(start + layout.timesteps / 2, i, str(k), ha="center", va="center", fontsize=7, color="white")
    feed = np.arange(layout.n_batches * layout.timesteps)
    for i in range(layout.batch_size):
        right.plot(feed, layout.index[:, i, :].ravel(), lw=1.2, label=f"row {i}" if i < 10 else None)
    for k, i in layout.breaks:
        left.plot(layout.index[k + 1, i, 0], i, "x", color="red", ms=9, mew=2)
        right.plot((k + 1) * layout.timesteps, layout.index[k + 1, i, 0], "x", color="red", ms=9, mew=2)
    left.set_xlim(0, layout.n_steps)
    left.set_ylim(layout.batch_size - 0.5, -0.5)
    left.set_xlabel("time step in the series (number: the batch that feeds it)")
    left.set_ylabel("batch row")
    right.set_xlabel("position in the row's feed (batch x timesteps)")
    right.set_ylabel("step the state sees")
    verdict = (
        "continuous: every row goes on where it stopped"
        if layout.continuous
        else f"broken: {len(layout.breaks)} of {layout.jumps.size} hand-overs do not continue (red x)"
    )
    left.set_title(
        title
        or f"layout '{layout.layout}': {layout.n_batches} batches of shape "
        f"({layout.batch_size}, {layout.timesteps}, features)",
        fontsize=10,
    )
    right.set_title(verdict, fontsize=10, color="0.1" if layout.continuous else "firebrick")
    fig.tight_layout()
    return fig


def close(fig) -> None:
    """Close a figure made here (the explorables draw a new one on every change and close the old)."""
    if not isinstance(fig, Figure):  # plt.close(None) would close whatever figure is current
        raise TypeError(
            f"fig: expected a matplotlib Figure (what the plot_* functions return), got {type(fig).__name__}."
        )
    plt.close(fig)


def _require_layout(layout: Any, kind: str, make: str, fields: tuple[str, ...]) -> None:
    if not all(hasattr(layout, f) for f in fields):
        raise TypeError(f"layout: expected a helpers.explore.{kind} (from {make}), got {type(layout).__name__}.")


def _epoch_values(name: str, values: Any) -> np.ndarray:
    if isinstance(values, (str, bytes, Mapping)) or not hasattr(values, "__len__"):
        raise TypeError(f"{name}: expected a list of numbers, got {values!r:.60} ({type(values).__name__}).")
    try:
        out = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a list of numbers, got {values!r:.60}.") from None
    if out.ndim != 1 or out.size == 0:
        raise ValueError(f"{name}: expected a non-empty 1-D list of numbers, got shape {out.shape}.")
    if not np.isfinite(out).all():
        raise ValueError(
            f"{name}: contains NaN or infinity at position {int(np.argmin(np.isfinite(out)))}; "
            f"a diverged run has no curve to draw. Fix: plot the epochs before it diverged."
        )
    return out


# --------------------------------------------------------------------------- notebook 02: stateful layouts


def plot_layout(
    layout: StatefulBatches | np.ndarray,
    *,
    series: np.ndarray | Sequence[np.ndarray] | None = None,
    row_labels: Sequence[str] | None = None,
    title: str | None = None,
    ylabel: str | None = None,
):
    """Where each batch row reads, and what each row's state sees in order.

    Top (if ``series`` is given): the source series, each stretch coloured by the batch row
    that reads it. Left: one line per batch row; each chunk is a bar placed at the steps it
    covers in its series, in the row's colour (as in the other panels; the shade alternates from
    batch to batch), labelled with its batch number ``k`` where there is room. Right: the step each row's
    state sees, in feeding order: a straight staircase means the row continues itself; jumps
    back or forward mean the state carries over into unrelated data. ``ylabel`` names the top
    panel's values with their unit (e.g. ``"close, USD per share"``). Returns the figure.
    """
    if not isinstance(layout, (StatefulBatches, np.ndarray, list, tuple)):
        raise TypeError(
            f"layout: expected a StatefulBatches (split_streams / stack_series) or batches of step "
            f"numbers (n_batches, batch, timesteps), got {type(layout).__name__}."
        )
    index = step_index(layout)
    n_batches, batch, timesteps = index.shape
    row_series = layout.row_series if isinstance(layout, StatefulBatches) else (0,) * batch
    if row_labels is not None and (isinstance(row_labels, str) or not isinstance(row_labels, Sequence)):
        raise TypeError(
            f"row_labels: expected one label per batch row such as ['IBM', 'AAPL'], got "
            f"{row_labels!r:.60} ({type(row_labels).__name__})."
        )
    labels = list(row_labels) if row_labels is not None else [f"row {i}" for i in range(batch)]
    if len(labels) != batch:
        raise ValueError(f"row_labels: got {len(labels)} labels for {batch} batch rows; give one per row.")
    if ylabel is not None and not isinstance(ylabel, str):
        raise TypeError(
            f"ylabel: expected a string such as 'close, USD per share', got {ylabel!r} "
            f"({type(ylabel).__name__}). Fix: pass the name and unit as text, or leave it out."
        )
    colors = plt.cm.tab10(np.arange(batch) % 10)

    top = series is not None
    fig = plt.figure(figsize=(11, 5.2 if top else 3.6))
    grid = fig.add_gridspec(
        2 if top else 1, 2, width_ratios=(1.6, 1), height_ratios=(1, 1.3) if top else (1,), hspace=0.45, wspace=0.34
    )
    if top:
        ax0 = fig.add_subplot(grid[0, :])
        sources = [
            np.asarray(s, dtype=float).reshape(len(s), -1)[:, 0]
            for s in (series if isinstance(series, (list, tuple)) else [series])
        ]
        if len(sources) > 1:  # several series: scale each to 0..1 so they share an axis
            sources = [(src - src.min()) / (np.ptp(src) or 1.0) for src in sources]
        for src in sources:  # grey first: the steps no row reads stay grey
            ax0.plot(np.arange(len(src)), src, color="0.8", lw=1)
        for i in range(batch):
            src = sources[row_series[i] % len(sources)]
            steps = index[:, i, :].ravel()
            ax0.plot(steps, src[steps], color=colors[i], lw=1.4, label=labels[i])
        ax0.set_xlabel("step in the series")
        ax0.set_ylabel(ylabel or ("value" if len(sources) == 1 else "scaled 0..1"))
        ax0.legend(fontsize=7, ncol=min(batch, 5), loc="upper left")
        ax0.set_title("the data each batch row reads (grey: dropped to fit whole chunks)", fontsize=10)

    ax1 = fig.add_subplot(grid[-1, 0])
    span = int(index.max() - index.min() + 1)
    chunk_px = timesteps / span * 540  # the panel is about 540 pixels wide
    label_chunks = chunk_px >= 6 * len(str(n_batches - 1)) + 2  # room for the batch number?
    for i in range(batch):
        for k in range(n_batches):
            lo, hi = index[k, i].min(), index[k, i].max()
            # colour = the row (as in the other panels); the shade alternates from one batch to the next
            ax1.barh(
                i,
                hi - lo + 1,
                left=lo - 0.5,
                height=0.6,
                color=colors[i],
                alpha=1.0 if k % 2 == 0 else 0.55,
                edgecolor="white",
                lw=0.5,
            )
            if label_chunks:
                ax1.text((lo + hi) / 2, i, str(k), ha="center", va="center", fontsize=7, color="white")
    ax1.set_yticks(range(batch), labels, fontsize=8)
    ax1.invert_yaxis()
    ax1.set_xlabel(
        "step in its series"
        + (" (numbers: batch k that feeds this chunk)" if label_chunks else " (shade alternates from batch to batch)")
    )
    ax1.set_title(title or f"{n_batches} batches x {batch} rows x {timesteps} timesteps", fontsize=10)

    ax2 = fig.add_subplot(grid[-1, 1])
    order = np.arange(n_batches * timesteps)
    for i in range(batch):
        ax2.plot(
            order,
            index[:, i, :].ravel(),
            color=colors[i],
            lw=1.4,
            marker="." if n_batches * timesteps <= 60 else None,
            ms=3,
            label=labels[i],
        )
    for k in range(1, n_batches):
        ax2.axvline(k * timesteps - 0.5, color="0.7", lw=0.7, ls=":", zorder=0)
    ax2.set_xlabel("order in which the row's state sees them")
    ax2.set_ylabel("step in its series")
    ax2.set_title("what each row's state sees (dotted: batch boundaries)", fontsize=10)
    return fig


# --------------------------------------------------------------------------- notebook 04: masks

MASK_COLORS = ListedColormap(["white", "#f4a259", "#264653"])  # not computed, padding, real step


def plot_masks(panels: Mapping[str, Sequence[np.ndarray]] | Sequence[np.ndarray], *, title: str | None = None):
    """Draw masks as heat-maps: one panel per strategy, one row per sequence, one column per step.

    ``panels`` maps a strategy name to its list of batch masks (from :func:`batch_masks`), or is
    one list of masks. Dark: a real step; orange: padding the LSTM still runs through (but the
    mask makes it skip); white: steps the batch does not contain at all. Thin lines separate
    batches. Returns the figure.
    """
    if isinstance(panels, (str, bytes)) or not isinstance(panels, (Mapping, list, tuple)):
        raise TypeError(
            f"panels: expected {{strategy: [masks]}} or a list of (batch, timesteps) boolean masks, got "
            f"{type(panels).__name__}. Fix: plot_masks({{'name': padding.batch_masks(dataset)}})."
        )
    if not isinstance(panels, Mapping):
        panels = {"": panels}
    if not panels:
        raise ValueError("panels: expected at least one list of masks, got none.")
    panels = {name: as_mask_list(masks, name=f"panels[{name!r}]") for name, masks in panels.items()}
    width = max(m.shape[1] for masks in panels.values() for m in masks)
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels) + 0.6, 4.2), squeeze=False, sharey=True)
    for ax, (name, masks) in zip(axes[0], panels.items(), strict=False):
        rows = [np.pad(m.astype(int) + 1, ((0, 0), (0, width - m.shape[1]))) for m in masks]
        image = np.concatenate(rows)  # shape: (sequences, width)
        ax.imshow(image, aspect="auto", cmap=MASK_COLORS, vmin=0, vmax=2, interpolation="nearest")
        for edge in np.cumsum([m.shape[0] for m in masks])[:-1]:
            ax.axhline(edge - 0.5, color="0.2", lw=0.6)
        stats = mask_stats(masks, strategy=name)
        ax.set_title(
            f"{name}\n{stats.batches} batches, padding {stats.fraction:.1%}"
            if name
            else f"padding {stats.fraction:.1%}",
            fontsize=10,
        )
        ax.set_xlabel("timestep")
        ax.grid(False)
    axes[0, 0].set_ylabel("sequence (in batch order)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=MASK_COLORS(i), ec="0.5") for i in (2, 1, 0)]
    fig.legend(
        handles,
        ["real step", "padding (masked)", "not in the batch"],
        loc="lower center",
        ncol=3,
        frameon=False,
        fontsize=9,
    )
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
