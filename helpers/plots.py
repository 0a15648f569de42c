"""Every figure of the course, and the only module that imports matplotlib.

Introduced in notebook 01 (:func:`plot_batch_on_series`); notebook 02 adds :func:`plot_layout`
(stateful layouts), notebook 04 :func:`plot_masks` (padding masks).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from helpers.padding import as_mask_list, mask_stats
from helpers.stateful import StatefulBatches, step_index
from helpers.validate import as_series, require_int
from helpers.windows import count_windows


def plot_batch_on_series(series: np.ndarray, timesteps: int, *, batch_size: int = 4, stride: int = 1,
                         start: int = 0, feature_names: tuple[str, ...] | None = None, horizon: int = 1,
                         feature: int = 0):
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
        raise ValueError(f"start + batch_size = {start + batch_size} windows, but the series gives only {n} "
                         f"windows of timesteps={timesteps}; lower start or batch_size.")
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

    block = np.stack([series[(start + b) * stride:(start + b) * stride + timesteps] for b in range(batch_size)])
    scaled = (block - block.min(axis=(0, 1))) / (np.ptp(block, axis=(0, 1)) + 1e-12)   # per feature, for colour
    for b in range(batch_size):
        sub = fig.add_subplot(grid[b, 1])
        sub.imshow(scaled[b].T, aspect="auto", cmap="viridis", vmin=0, vmax=1)
        sub.set_yticks(range(len(names)), names if len(names) <= 6 else [""] * len(names), fontsize=7)
        sub.set_xticks([])
        sub.grid(False)
        sub.set_ylabel(f"row {b}", rotation=0, ha="right", va="center", fontsize=8, color=colors[b])
        if b == 0:
            sub.set_title(f"the batch: shape (batch={batch_size}, timesteps={timesteps}, features={len(names)})",
                          fontsize=10)
    sub.set_xlabel("timesteps →  (each row: features ↓)")
    return fig


# --------------------------------------------------------------------------- notebook 02: stateful layouts

def plot_layout(layout: StatefulBatches | np.ndarray, *, series: np.ndarray | Sequence[np.ndarray] | None = None,
                row_labels: Sequence[str] | None = None, title: str | None = None, ylabel: str | None = None):
    """Where each batch row reads, and what each row's state sees in order.

    Top (if ``series`` is given): the source series, each stretch coloured by the batch row
    that reads it. Left: one line per batch row; each chunk is a bar placed at the steps it
    covers in its series, in the row's colour (as in the other panels; the shade alternates from
    batch to batch), labelled with its batch number ``k`` where there is room. Right: the step each row's
    state sees, in feeding order: a straight staircase means the row continues itself; jumps
    back or forward mean the state carries over into unrelated data. ``ylabel`` names the top
    panel's values with their unit (e.g. ``"close, USD per share"``). Returns the figure.
    """
    index = step_index(layout)
    n_batches, batch, timesteps = index.shape
    row_series = layout.row_series if isinstance(layout, StatefulBatches) else (0,) * batch
    labels = list(row_labels) if row_labels is not None else [f"row {i}" for i in range(batch)]
    if len(labels) != batch:
        raise ValueError(f"row_labels: got {len(labels)} labels for {batch} batch rows; give one per row.")
    if ylabel is not None and not isinstance(ylabel, str):
        raise TypeError(f"ylabel: expected a string such as 'close, USD per share', got {ylabel!r} "
                        f"({type(ylabel).__name__}). Fix: pass the name and unit as text, or leave it out.")
    colors = plt.cm.tab10(np.arange(batch) % 10)

    top = series is not None
    fig = plt.figure(figsize=(11, 5.2 if top else 3.6))
    grid = fig.add_gridspec(2 if top else 1, 2, width_ratios=(1.6, 1), height_ratios=(1, 1.3) if top else (1,),
                            hspace=0.45, wspace=0.34)
    if top:
        ax0 = fig.add_subplot(grid[0, :])
        sources = [np.asarray(s, dtype=float).reshape(len(s), -1)[:, 0] for s in
                   (series if isinstance(series, (list, tuple)) else [series])]
        if len(sources) > 1:       # several series: scale each to 0..1 so they share an axis
            sources = [(src - src.min()) / (np.ptp(src) or 1.0) for src in sources]
        for src in sources:        # grey first: the steps no row reads stay grey
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
    chunk_px = timesteps / span * 540                   # the panel is about 540 pixels wide
    label_chunks = chunk_px >= 6 * len(str(n_batches - 1)) + 2   # room for the batch number?
    for i in range(batch):
        for k in range(n_batches):
            lo, hi = index[k, i].min(), index[k, i].max()
            # colour = the row (as in the other panels); the shade alternates from one batch to the next
            ax1.barh(i, hi - lo + 1, left=lo - 0.5, height=0.6, color=colors[i], alpha=1.0 if k % 2 == 0 else 0.55,
                     edgecolor="white", lw=0.5)
            if label_chunks:
                ax1.text((lo + hi) / 2, i, str(k), ha="center", va="center", fontsize=7, color="white")
    ax1.set_yticks(range(batch), labels, fontsize=8)
    ax1.invert_yaxis()
    ax1.set_xlabel("step in its series" + (" (numbers: batch k that feeds this chunk)" if label_chunks
                                           else " (shade alternates from batch to batch)"))
    ax1.set_title(title or f"{n_batches} batches x {batch} rows x {timesteps} timesteps", fontsize=10)

    ax2 = fig.add_subplot(grid[-1, 1])
    order = np.arange(n_batches * timesteps)
    for i in range(batch):
        ax2.plot(order, index[:, i, :].ravel(), color=colors[i], lw=1.4, marker="." if n_batches * timesteps <= 60
                 else None, ms=3, label=labels[i])
    for k in range(1, n_batches):
        ax2.axvline(k * timesteps - 0.5, color="0.7", lw=0.7, ls=":", zorder=0)
    ax2.set_xlabel("order in which the row's state sees them")
    ax2.set_ylabel("step in its series")
    ax2.set_title("what each row's state sees (dotted: batch boundaries)", fontsize=10)
    return fig


# --------------------------------------------------------------------------- notebook 04: masks

MASK_COLORS = ListedColormap(["white", "#f4a259", "#264653"])   # not computed, padding, real step


def plot_masks(panels: Mapping[str, Sequence[np.ndarray]] | Sequence[np.ndarray], *, title: str | None = None):
    """Draw masks as heat-maps: one panel per strategy, one row per sequence, one column per step.

    ``panels`` maps a strategy name to its list of batch masks (from :func:`batch_masks`), or is
    one list of masks. Dark: a real step; orange: padding the LSTM still runs through (but the
    mask makes it skip); white: steps the batch does not contain at all. Thin lines separate
    batches. Returns the figure.
    """
    if not isinstance(panels, Mapping):
        panels = {"": panels}
    if not panels:
        raise ValueError("panels: expected at least one list of masks, got none.")
    panels = {name: as_mask_list(masks) for name, masks in panels.items()}
    width = max(m.shape[1] for masks in panels.values() for m in masks)
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels) + 0.6, 4.2), squeeze=False,
                             sharey=True)
    for ax, (name, masks) in zip(axes[0], panels.items()):
        rows = [np.pad(m.astype(int) + 1, ((0, 0), (0, width - m.shape[1]))) for m in masks]
        image = np.concatenate(rows)                                   # shape: (sequences, width)
        ax.imshow(image, aspect="auto", cmap=MASK_COLORS, vmin=0, vmax=2, interpolation="nearest")
        for edge in np.cumsum([m.shape[0] for m in masks])[:-1]:
            ax.axhline(edge - 0.5, color="0.2", lw=0.6)
        stats = mask_stats(masks, strategy=name)
        ax.set_title(f"{name}\n{stats.batches} batches, padding {stats.fraction:.1%}" if name else
                     f"padding {stats.fraction:.1%}", fontsize=10)
        ax.set_xlabel("timestep")
        ax.grid(False)
    axes[0, 0].set_ylabel("sequence (in batch order)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=MASK_COLORS(i), ec="0.5") for i in (2, 1, 0)]
    fig.legend(handles, ["real step", "padding (masked)", "not in the batch"], loc="lower center", ncol=3,
               frameon=False, fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
