"""Explorables: drag timesteps, stride, batch size or bucket boundaries and watch the batches change.

Introduced in notebooks 01 (windows), 02 (stateful streams) and 04 (buckets). Each explorable has
three parts, so that it can be tested and still works without widgets:

- a pure function that computes the layout from the slider values and returns plain data
  (:func:`window_layout`, :func:`stream_layout`, :func:`bucket_layout`; no figure, no widget);
- a picture of that layout in :mod:`helpers.plots`;
- ``explore_*``: sliders (ipywidgets) that recompute and redraw on every change, or, with
  ``interactive=False`` (or where no widget front-end runs), the static figure of the values given.

The stored notebooks call ``explore_*(interactive=False)``: a fixed figure that GitHub, the site and
strict nbval can show and compare. A learner runs ``explore_*()`` to get the sliders.

Import it after ``helpers.session.start()``: it imports TensorFlow (through :mod:`helpers.pipelines`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers import data, padding, pipelines, plots, stateful
from helpers.validate import as_series, require_choice, require_flag, require_int, require_int_list

LAYOUTS = ("streams", "consecutive")


# ----------------------------------------------------------------------------------------------
# Notebook 01: windows and batches
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowLayout:
    """Where each window of a series starts, where its target is, and which batch it falls into.

    Window ``w`` reads steps ``starts[w] ... starts[w] + timesteps - 1`` and predicts step
    ``targets[w]``; it goes to batch ``batch[w]`` (``-1``: dropped with ``drop_remainder=True``).
    """

    n_steps: int
    timesteps: int
    stride: int
    horizon: int
    batch_size: int
    n_features: int
    starts: np.ndarray  # shape: (n_windows,)
    targets: np.ndarray  # shape: (n_windows,)
    batch: np.ndarray  # shape: (n_windows,), -1 for a dropped window

    @property
    def n_windows(self) -> int:
        return len(self.starts)

    @property
    def n_batches(self) -> int:
        return int(self.batch.max()) + 1 if (self.batch >= 0).any() else 0

    @property
    def batch_shapes(self) -> list[tuple[int, int, int]]:
        """``(batch, timesteps, features)`` of each batch, in order."""
        rows = np.bincount(self.batch[self.batch >= 0], minlength=self.n_batches)
        return [(int(r), self.timesteps, self.n_features) for r in rows]

    @property
    def unused_tail(self) -> int:
        """Steps after the last target: no window reads them."""
        return self.n_steps - 1 - int(self.targets[-1])

    @property
    def summary(self) -> str:
        shapes = sorted(set(self.batch_shapes), key=self.batch_shapes.index)
        counts = ", ".join(f"{self.batch_shapes.count(s)} x {s}" for s in shapes) or "none"
        dropped = int((self.batch < 0).sum())
        return (
            f"{self.n_steps} steps -> {self.n_windows} windows (timesteps={self.timesteps}, stride={self.stride}, "
            f"horizon={self.horizon}) -> {self.n_batches} batches\n"
            f"batch shapes (batch, timesteps, features): {counts}\n"
            f"{dropped} windows dropped by drop_remainder; {self.unused_tail} steps after the last target unused"
        )


def window_layout(
    n_steps: int,
    timesteps: int,
    stride: int = 1,
    horizon: int = 1,
    batch_size: int = 4,
    *,
    n_features: int = 1,
    drop_remainder: bool = False,
) -> WindowLayout:
    """The windows of ``windows.make_windows`` (and ``timeseries_dataset_from_array``), batched in order.

    >>> lay = window_layout(12, timesteps=3, stride=2, batch_size=2)
    >>> lay.starts.tolist(), lay.targets.tolist(), lay.batch.tolist(), lay.batch_shapes
    ([0, 2, 4, 6, 8], [3, 5, 7, 9, 11], [0, 0, 1, 1, 2], [(2, 3, 1), (2, 3, 1), (1, 3, 1)])
    """
    n_steps = require_int("n_steps", n_steps, 1)
    timesteps = require_int("timesteps", timesteps, 1)
    stride = require_int("stride", stride, 1)
    horizon = require_int("horizon", horizon, 1)
    batch_size = require_int("batch_size", batch_size, 1)
    n_features = require_int("n_features", n_features, 1)
    drop_remainder = require_flag("drop_remainder", drop_remainder)
    if n_steps < timesteps + horizon:
        raise ValueError(
            f"n_steps: {n_steps} steps are too short for one window of timesteps={timesteps} plus "
            f"horizon={horizon} ({timesteps + horizon} steps). Fix: a smaller timesteps or horizon, or a longer series."
        )
    starts = np.arange(0, n_steps - timesteps - horizon + 1, stride)
    batch = np.arange(len(starts)) // batch_size
    if drop_remainder:
        full = len(starts) // batch_size
        batch = np.where(batch < full, batch, -1)
    return WindowLayout(
        n_steps, timesteps, stride, horizon, batch_size, n_features, starts, starts + timesteps - 1 + horizon, batch
    )


def explore_windows(
    series: np.ndarray | None = None,
    *,
    timesteps: int = 10,
    stride: int = 5,
    horizon: int = 1,
    batch_size: int = 4,
    drop_remainder: bool = False,
    interactive: bool | None = None,
):
    """Sliders for timesteps, stride, horizon and batch size over a short series (notebook 01).

    ``series`` defaults to the first 60 daily closes of ``data.daily_stock()``. Returns an
    :class:`Explorable` (displays as the sliders and the figure) or, with ``interactive=False`` or
    without a widget front-end, prints the summary and returns the static figure.
    """
    series = _default_close(60) if series is None else as_series(series)  # shape: (T, F)

    def compute(timesteps, stride, horizon, batch_size, drop_remainder):
        return window_layout(
            len(series),
            timesteps,
            stride,
            horizon,
            batch_size,
            n_features=series.shape[1],
            drop_remainder=drop_remainder,
        )

    def draw(layout):
        return plots.plot_window_layout(layout, series=series)

    values = {
        "timesteps": timesteps,
        "stride": stride,
        "horizon": horizon,
        "batch_size": batch_size,
        "drop_remainder": drop_remainder,
    }
    return _explore(
        compute,
        draw,
        values,
        interactive,
        sliders={
            "timesteps": (1, max(30, timesteps)),
            "stride": (1, max(15, stride)),
            "horizon": (1, max(10, horizon)),
            "batch_size": (1, max(16, batch_size)),
        },
        example="explore_windows(timesteps=5, stride=2)",
    )


# ----------------------------------------------------------------------------------------------
# Notebook 02: one long series as stateful streams
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamLayout:
    """Which steps each row of each batch reads, and where a row does not continue.

    ``index[k, i, t]`` is the step of the series that row ``i`` of batch ``k`` reads at ``t``;
    ``jumps`` is :func:`helpers.stateful.continuity` of it (1 = continues); ``breaks`` lists the
    ``(k, i)`` whose batch ``k + 1`` does not continue.
    """

    layout: str
    n_steps: int
    n_features: int
    horizon: int
    dropped: int
    index: np.ndarray  # shape: (n_batches, batch, timesteps)
    jumps: np.ndarray  # shape: (n_batches - 1, batch)
    breaks: np.ndarray  # shape: (n_breaks, 2): (batch k, row i)

    @property
    def n_batches(self) -> int:
        return self.index.shape[0]

    @property
    def batch_size(self) -> int:
        return self.index.shape[1]

    @property
    def timesteps(self) -> int:
        return self.index.shape[2]

    @property
    def continuous(self) -> bool:
        return len(self.breaks) == 0

    @property
    def summary(self) -> str:
        verdict = (
            "continuous: row i of every batch goes on where row i of the previous batch stopped"
            if self.continuous
            else f"BROKEN: {len(self.breaks)} of {self.jumps.size} hand-overs do not continue, "
            f"e.g. row {self.breaks[0][1]}: batch {self.breaks[0][0]} ends at step "
            f"{self.index[self.breaks[0][0], self.breaks[0][1], -1]}, the next starts at step "
            f"{self.index[self.breaks[0][0] + 1, self.breaks[0][1], 0]}"
        )
        return (
            f"layout '{self.layout}': {self.n_steps} steps -> {self.n_batches} batches of shape "
            f"(batch={self.batch_size}, timesteps={self.timesteps}, features={self.n_features}); "
            f"{self.dropped} steps dropped at the start\n{verdict}"
        )


def stream_layout(
    n_steps: int, batch_size: int, timesteps: int, *, layout: str = "streams", horizon: int = 1, n_features: int = 1
) -> StreamLayout:
    """Lay one series of ``n_steps`` out for a stateful LSTM, the right way or the naive way.

    ``"streams"``: :func:`helpers.stateful.split_streams`, row ``i`` is one contiguous stream.
    ``"consecutive"``: the naive recipe, consecutive chunks of ``timesteps`` steps, ``batch_size``
    of them per batch, so row ``i`` of the next batch reads a chunk far from where row ``i`` stopped
    (continuous only when ``batch_size`` is 1). Both use the same steps.

    >>> stream_layout(25, batch_size=2, timesteps=4).index[:, :, 0].tolist()   # first step of each chunk
    [[0, 12], [4, 16], [8, 20]]
    >>> stream_layout(25, batch_size=2, timesteps=4, layout="consecutive").index[:, :, 0].tolist()
    [[0, 4], [8, 12], [16, 20]]
    """
    n_steps = require_int("n_steps", n_steps, 1)
    n_features = require_int("n_features", n_features, 1)
    layout = require_choice("layout", layout, LAYOUTS, meaning="'consecutive' is the naive chunk-after-chunk recipe")
    streams = stateful.split_streams(np.arange(n_steps), batch_size, timesteps, horizon=horizon)
    index = streams.index  # shape: (n_batches, batch, timesteps)
    if layout == "consecutive":
        n_batches = streams.n_batches
        chunk = np.arange(n_batches * batch_size).reshape(n_batches, batch_size, 1)  # chunk k*B + i
        index = streams.dropped + chunk * timesteps + np.arange(timesteps)  # shape: (n_batches, batch, timesteps)
    jumps = stateful.continuity(index)
    return StreamLayout(layout, n_steps, n_features, horizon, streams.dropped, index, jumps, np.argwhere(jumps != 1))


def explore_streams(
    series: np.ndarray | None = None,
    *,
    batch_size: int = 4,
    timesteps: int = 20,
    layout: str = "streams",
    interactive: bool | None = None,
):
    """Sliders for batch size and timesteps, and the layout choice, over one long series (notebook 02).

    ``series`` defaults to the 1,047 daily closes of ``data.daily_stock()``; only its length matters
    to the layout. Returns an :class:`Explorable`, or prints the summary and returns the static figure.
    """
    series = _default_close(None) if series is None else as_series(series)  # shape: (T, F)

    def compute(batch_size, timesteps, layout):
        return stream_layout(len(series), batch_size, timesteps, layout=layout, n_features=series.shape[1])

    values = {"batch_size": batch_size, "timesteps": timesteps, "layout": layout}
    return _explore(
        compute,
        plots.plot_stream_layout,
        values,
        interactive,
        sliders={"batch_size": (1, max(16, batch_size)), "timesteps": (1, max(100, timesteps))},
        choices={"layout": LAYOUTS},
        example="explore_streams(batch_size=8, layout='consecutive')",
    )


# ----------------------------------------------------------------------------------------------
# Notebook 04: padding per strategy, bucket boundaries
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BucketLayout:
    """The masks of every batch under three strategies, and their padding (notebook 04).

    ``masks[strategy]`` is a list of boolean ``(batch, width)`` arrays, True on real steps, for
    ``"global padding"`` (every batch as wide as the longest sequence), ``"padded_batch"`` (each
    batch as wide as its own longest) and ``"bucketing"`` (``bucket_by_sequence_length`` with
    ``boundaries``: a bucket's batch leaves when full, partial ones at the end, bucket by bucket).
    """

    lengths: np.ndarray  # shape: (n_sequences,)
    boundaries: tuple[int, ...]
    batch_size: int
    masks: dict[str, list[np.ndarray]]
    stats: dict[str, padding.PaddingStats]

    @property
    def summary(self) -> str:
        buckets = "[" + ", ".join(map(str, self.boundaries)) + "]"
        lines = [f"{len(self.lengths)} sequences, batch size {self.batch_size}, bucket boundaries {buckets}"]
        lines += [
            f"{name:<15} {s.batches:>3} batches, padding fraction {s.fraction:.1%}" for name, s in self.stats.items()
        ]
        return "\n".join(lines)


def bucket_layout(lengths: Any, boundaries: Any = (), batch_size: int = 8) -> BucketLayout:
    """Masks and padding fractions of global padding, ``padded_batch`` and bucketing, from the lengths alone.

    ``boundaries`` are exclusive upper ends, as in ``Dataset.bucket_by_sequence_length`` (``[21]``:
    buckets ``[0, 21)`` and ``[21, inf)``); an empty list is one bucket. Sequences are taken in order.

    >>> lay = bucket_layout([2, 5, 3, 5], boundaries=[4], batch_size=2)
    >>> [m.sum(axis=1).tolist() for m in lay.masks["bucketing"]], round(lay.stats["bucketing"].fraction, 3)
    ([[2, 3], [5, 5]], 0.062)
    """
    padding.padding_stats(lengths)  # checks the lengths: a non-empty list of ints >= 1
    n = np.asarray(lengths, dtype=np.int64)
    batch_size = require_int("batch_size", batch_size, 1)
    if isinstance(boundaries, (list, tuple, np.ndarray)) and len(boundaries) == 0:
        bounds: list[int] = []
    else:
        bounds = require_int_list("boundaries", boundaries, minimum=1)
        bounds, _ = pipelines.check_buckets(bounds, [batch_size] * (len(bounds) + 1))
    groups = [np.arange(s, min(s + batch_size, len(n))) for s in range(0, len(n), batch_size)]
    masks = {
        "global padding": [_mask(n[g], int(n.max())) for g in groups],
        "padded_batch": [_mask(n[g], int(n[g].max())) for g in groups],
        "bucketing": [_mask(n[g], int(n[g].max())) for g in _buckets(n, bounds, batch_size)],
    }
    stats = {name: padding.mask_stats(m, strategy=name) for name, m in masks.items()}
    return BucketLayout(n, tuple(bounds), batch_size, masks, stats)


def month_lengths() -> np.ndarray:
    """Trading days of the 49 full months of the daily stock, as notebook 04 builds them (19-23 each)."""
    stock = data.daily_stock(["close"])
    daily = data.Series("GOOG daily", stock.values[1:], stock.dates[1:], ("close",))  # returns start on day 2
    months, _ = data.split_by_month(daily)
    return padding.lengths(months[1:-1])  # the partial first and last months dropped


def explore_buckets(
    lengths: Any = None,
    *,
    boundaries: Any = (20, 21, 22, 23),
    batch_size: int = 8,
    interactive: bool | None = None,
):
    """Bucket boundaries and batch size over the month lengths; the masks redrawn (notebook 04).

    ``lengths`` defaults to :func:`month_lengths`. Returns an :class:`Explorable`, or prints the
    padding fractions and returns the static figure.
    """
    lengths = month_lengths() if lengths is None else lengths

    def compute(boundaries, batch_size):
        return bucket_layout(lengths, boundaries, batch_size)

    def draw(layout):
        title = f"batches of {layout.batch_size}; bucket boundaries {list(layout.boundaries)}"
        return plots.plot_masks(layout.masks, title=title)

    values = {"boundaries": boundaries, "batch_size": batch_size}
    return _explore(
        compute,
        draw,
        values,
        interactive,
        sliders={"batch_size": (1, max(32, batch_size))},
        example="explore_buckets(boundaries=[21], batch_size=4)",
    )


# ----------------------------------------------------------------------------------------------
# The widget: sliders -> pure function -> figure
# ----------------------------------------------------------------------------------------------


class Explorable:
    """Controls and a figure that redraws on every change; shows as a widget in Jupyter.

    ``controls`` maps an argument name to its widget (set ``.value`` to move it), ``layout`` is the
    pure function's last result, ``text`` the printed summary (or why the values do not work),
    ``figure`` the last figure drawn and ``widget`` the whole box.
    """

    def __init__(self, compute: Callable, draw: Callable, controls: dict, widgets: Any):
        self.compute, self.draw, self.controls = compute, draw, controls
        self.layout: Any = None
        self.figure: Any = None
        self.text = ""
        self._label = widgets.HTML()
        self._output = widgets.Output()
        self.widget = widgets.VBox([widgets.HBox(list(controls.values())), self._label, self._output])
        for control in controls.values():
            control.observe(self.redraw, names="value")
        self.redraw()

    def redraw(self, change: Any = None) -> None:
        """Recompute from the controls' values and draw again (called on every change)."""
        try:
            self.layout = self.compute(**{name: c.value for name, c in self.controls.items()})
        except (TypeError, ValueError) as err:  # e.g. a window longer than the series: say so, keep the sliders
            self.layout, self.text = None, f"not possible: {err}"
            self._label.value = f"<pre style='color: firebrick'>{html.escape(self.text)}</pre>"
            if _in_kernel():
                self._output.clear_output()
            return
        self.text = self.layout.summary
        self._label.value = f"<pre>{html.escape(self.text)}</pre>"
        figure = self.draw(self.layout)
        plots.close(figure)  # shown in the output area below, not again by the notebook
        if _in_kernel():
            self._output.clear_output(wait=True)
            with self._output:
                from IPython.display import display

                display(figure)
        self.figure = figure

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)  # the widget, and a text for front-ends without widgets
        bundle["text/plain"] = (
            f"{self.text}\n(Sliders need a front-end that shows widgets: Jupyter, Colab or VS Code. "
            f"Here, pass interactive=False and change the arguments instead.)"
        )
        return bundle


def _explore(compute, draw, values, interactive, *, sliders, choices=None, example):
    if interactive is not None:
        interactive = require_flag("interactive", interactive)
    widgets = _widgets() if interactive is not False else None
    if interactive and widgets is None:
        raise ModuleNotFoundError(
            "interactive=True needs ipywidgets. Fix: pip install ipywidgets==8.1.9, or "
            "interactive=False for the static figure."
        )
    if widgets is None or (interactive is None and not _in_kernel()):
        layout = compute(**values)  # the arguments' errors surface here, as house-style errors
        print(layout.summary)
        if interactive is None:
            print(f"(no widgets here: change the arguments to explore, e.g. {example})")
        return draw(layout)
    compute(**values)  # refuse bad starting values before building sliders
    controls = {}
    for name, value in values.items():
        if name in sliders:
            low, high = sliders[name]
            controls[name] = widgets.IntSlider(
                value=value, min=low, max=high, description=name, continuous_update=False
            )
        elif name in (choices or {}):
            controls[name] = widgets.ToggleButtons(options=list(choices[name]), value=value, description=name)
        elif isinstance(value, bool):
            controls[name] = widgets.Checkbox(value=value, description=name)
        else:  # a list of ints: bucket boundaries
            controls[name] = widgets.IntsInput(value=list(value), min=1, description=name)
    return Explorable(compute, draw, controls, widgets)


def _widgets():
    try:
        import ipywidgets
    except ImportError:
        return None
    return ipywidgets


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (a front-end that can show widgets), False in a script or a test."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _default_close(days: int | None) -> np.ndarray:
    close = data.daily_stock(["close"]).values  # shape: (1047, 1)
    return close if days is None else close[:days]


def _mask(lengths: np.ndarray, width: int) -> np.ndarray:
    return np.arange(width) < lengths[:, None]  # shape: (batch, width), True on real steps


def _buckets(n: np.ndarray, boundaries: list[int], batch_size: int) -> list[np.ndarray]:
    """The batches of ``bucket_by_sequence_length``: a bucket's batch leaves when full, the rest at the end."""
    keys = np.searchsorted(boundaries, n, side="right")  # bucket of each sequence
    open_: dict[int, list[int]] = {}
    out = []
    for i, key in enumerate(keys.tolist()):
        open_.setdefault(key, []).append(i)
        if len(open_[key]) == batch_size:
            out.append(np.array(open_.pop(key)))
    out += [np.array(open_[key]) for key in sorted(open_)]
    return out
