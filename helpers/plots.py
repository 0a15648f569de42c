"""Pictures of the 3D input tensor. Introduced in notebook 01."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

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
