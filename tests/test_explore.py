"""Tests of helpers.explore (the explorables of notebooks 01, 02, 04) and of the pictures added for them.

The pure layouts are held against an independent computation (Keras' and tf.data's own batching,
``windows.make_windows``, ``stateful.split_streams``); the widgets are driven by setting slider
values and reading back what they print and draw.
"""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from helpers import distribute, explore, padding, pipelines, plots, stateful, windows


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------------------------------------- windows (01)


@pytest.mark.parametrize(
    ("n_steps", "timesteps", "stride", "horizon", "batch_size"),
    [(60, 10, 5, 1, 4), (60, 10, 1, 1, 16), (30, 3, 4, 5, 2), (12, 11, 1, 1, 1), (47, 6, 7, 3, 3)],
)
def test_window_layout_matches_timeseries_dataset_from_array(n_steps, timesteps, stride, horizon, batch_size):
    lay = explore.window_layout(n_steps, timesteps, stride, horizon, batch_size)
    steps = np.arange(n_steps)
    ds = keras.utils.timeseries_dataset_from_array(
        steps,
        steps[timesteps - 1 + horizon :],
        sequence_length=timesteps,
        sequence_stride=stride,
        batch_size=batch_size,
        shuffle=False,
    )
    batches = [(x.numpy(), y.numpy()) for x, y in ds]
    assert lay.n_batches == len(batches)
    assert lay.batch_shapes == [(*x.shape, 1) for x, _ in batches]  # Keras gives (batch, timesteps) for 1-D data
    assert lay.starts.tolist() == np.concatenate([x[:, 0] for x, _ in batches]).tolist()
    assert lay.targets.tolist() == np.concatenate([y for _, y in batches]).tolist()
    assert lay.batch.tolist() == [k for k, (x, _) in enumerate(batches) for _ in range(len(x))]


@settings(max_examples=60, deadline=None)
@given(
    n_steps=st.integers(2, 120),
    timesteps=st.integers(1, 30),
    stride=st.integers(1, 12),
    horizon=st.integers(1, 8),
    batch_size=st.integers(1, 20),
    drop=st.booleans(),
)
def test_window_layout_matches_make_windows(n_steps, timesteps, stride, horizon, batch_size, drop):
    if n_steps < timesteps + horizon:
        with pytest.raises(ValueError, match=r"n_steps: .* too short"):
            explore.window_layout(n_steps, timesteps, stride, horizon, batch_size)
        return
    lay = explore.window_layout(n_steps, timesteps, stride, horizon, batch_size, drop_remainder=drop)
    x, y = windows.make_windows(np.arange(n_steps), timesteps, horizon=horizon, stride=stride)
    assert lay.n_windows == len(x) == windows.count_windows(n_steps, timesteps, horizon=horizon, stride=stride)
    assert lay.starts.tolist() == x[:, 0, 0].tolist()
    assert lay.targets.tolist() == y[:, 0].tolist()
    assert lay.unused_tail == n_steps - 1 - int(y[-1, 0])
    full, rest = divmod(len(x), batch_size)
    assert lay.n_batches == full + (0 if drop or not rest else 1)
    assert sum(rows for rows, _, _ in lay.batch_shapes) == len(x) - (rest if drop else 0)
    assert (lay.batch == -1).sum() == (rest if drop else 0)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"timesteps": 2.0}, TypeError, "timesteps: expected an int"),
        ({"stride": 0}, ValueError, "stride: expected an int >= 1"),
        ({"batch_size": True}, TypeError, "batch_size"),
        ({"horizon": "1"}, TypeError, "horizon"),
        ({"drop_remainder": "no"}, TypeError, "drop_remainder: expected True or False"),
        ({"timesteps": 60}, ValueError, "n_steps: 60 steps are too short"),
    ],
)
def test_window_layout_refuses_bad_input(kwargs, error, match):
    args = {"n_steps": 60, "timesteps": 10, "stride": 5, "horizon": 1, "batch_size": 4, **kwargs}
    with pytest.raises(error, match=match):
        explore.window_layout(**args)


def test_explore_windows_static_prints_and_draws(capsys):
    fig = explore.explore_windows(interactive=False)
    out = capsys.readouterr().out
    assert isinstance(fig, Figure)
    assert "60 steps -> 10 windows (timesteps=10, stride=5, horizon=1) -> 3 batches" in out
    assert "2 x (4, 10, 1), 1 x (2, 10, 1)" in out
    assert "no widgets here" not in out
    windows_ax = fig.axes[0]
    assert len(windows_ax.patches) == 10  # one bar per window
    assert [p.get_width() for p in windows_ax.patches] == [10] * 10
    assert [t.get_text() for t in windows_ax.get_legend().get_texts()] == ["batch 0", "batch 1", "batch 2"]


def test_explore_without_a_kernel_falls_back_to_the_static_figure(capsys):
    fig = explore.explore_windows(np.arange(30.0), timesteps=5, interactive=None)
    assert isinstance(fig, Figure)
    assert "no widgets here: change the arguments to explore" in capsys.readouterr().out


def test_explore_windows_widget_follows_the_sliders():
    ex = explore.explore_windows(interactive=True)
    assert isinstance(ex, explore.Explorable)
    assert set(ex.controls) == {"timesteps", "stride", "horizon", "batch_size", "drop_remainder"}
    assert ex.layout.n_windows == 10 and len(ex.figure.axes[0].patches) == 10
    ex.controls["timesteps"].value = 5
    ex.controls["stride"].value = 1
    expected = windows.count_windows(60, 5, stride=1)  # 55
    assert ex.layout.n_windows == expected and len(ex.figure.axes[0].patches) == expected
    assert f"60 steps -> {expected} windows (timesteps=5, stride=1, horizon=1) -> 14 batches" in ex.text
    assert "13 x (4, 5, 1), 1 x (3, 5, 1)" in ex.text
    ex.controls["drop_remainder"].value = True
    assert "12 x" not in ex.text and "13 x (4, 5, 1)" in ex.text and "3 windows dropped" in ex.text
    hatched = [p for p in ex.figure.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 3


def test_explorable_displays_as_the_widget_with_a_text_fallback():
    ex = explore.explore_windows(interactive=True)
    bundle = ex._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.widget.model_id
    assert bundle["text/plain"].startswith("60 steps -> 10 windows") and "interactive=False" in bundle["text/plain"]


def test_explore_windows_widget_says_when_values_do_not_fit():
    ex = explore.explore_windows(np.arange(20.0), timesteps=5, interactive=True)
    ex.controls["timesteps"].value = 19
    ex.controls["horizon"].value = 2
    assert ex.layout is None
    assert ex.text.startswith("not possible: n_steps: 20 steps are too short")
    ex.controls["horizon"].value = 1
    assert ex.layout.n_windows == 1


def test_explore_refuses_bad_arguments():
    with pytest.raises(TypeError, match="interactive: expected True or False"):
        explore.explore_windows(interactive="yes")
    with pytest.raises(TypeError, match="timesteps"):
        explore.explore_windows(timesteps=2.5, interactive=False)
    with pytest.raises(ValueError, match="series: "):
        explore.explore_windows(np.array([1.0, np.nan, 3.0]), interactive=False)
    with pytest.raises(ValueError, match="n_steps: 60 steps are too short"):  # before any slider is built
        explore.explore_windows(timesteps=60, interactive=True)


# ---------------------------------------------------------------------------------------------- streams (02)


@settings(max_examples=40, deadline=None)
@given(n_steps=st.integers(2, 400), batch_size=st.integers(1, 9), timesteps=st.integers(1, 30))
def test_stream_layouts(n_steps, batch_size, timesteps):
    try:
        reference = stateful.split_streams(np.arange(n_steps), batch_size, timesteps)
    except ValueError as err:
        with pytest.raises(ValueError, match=str(err)[:20]):
            explore.stream_layout(n_steps, batch_size, timesteps)
        return
    streams = explore.stream_layout(n_steps, batch_size, timesteps)
    naive = explore.stream_layout(n_steps, batch_size, timesteps, layout="consecutive")
    np.testing.assert_array_equal(streams.index, reference.index)
    assert streams.continuous and stateful.check_continuity(streams.index)
    # the naive recipe: chunk c = k * B + i holds steps dropped + c*T ... dropped + c*T + T - 1
    chunks = naive.index.reshape(-1, timesteps)
    np.testing.assert_array_equal(chunks, reference.dropped + np.arange(chunks.size).reshape(chunks.shape))
    assert sorted(naive.index.ravel()) == sorted(streams.index.ravel())  # the same steps, laid out differently
    broken = naive.n_batches > 1 and batch_size > 1
    assert naive.continuous is not broken
    assert len(naive.breaks) == (naive.jumps.size if broken else 0)
    assert bool(stateful.check_continuity(naive.index)) is not broken


def test_stream_layout_refuses_bad_input():
    with pytest.raises(ValueError, match="layout: expected 'streams' or 'consecutive'"):
        explore.stream_layout(100, 2, 5, layout="random")
    with pytest.raises(TypeError, match="layout"):
        explore.stream_layout(100, 2, 5, layout=None)
    with pytest.raises(TypeError, match="batch_size"):
        explore.stream_layout(100, 2.0, 5)
    with pytest.raises(ValueError, match="batch_size: 30 rows cannot be filled"):
        explore.stream_layout(100, 30, 5)


def test_explore_streams_static_and_widget(capsys):
    fig = explore.explore_streams(interactive=False)
    out = capsys.readouterr().out
    assert "layout 'streams': 1047 steps -> 13 batches of shape (batch=4, timesteps=20, features=1)" in out
    assert "continuous" in out
    assert len(fig.axes[0].patches) == 13 * 4  # one bar per (batch, row) chunk

    ex = explore.explore_streams(interactive=True)
    assert set(ex.controls) == {"batch_size", "timesteps", "layout"}
    crosses = [line for line in ex.figure.axes[0].get_lines() if line.get_marker() == "x"]
    assert ex.layout.continuous and crosses == []
    ex.controls["layout"].value = "consecutive"
    crosses = [line for line in ex.figure.axes[0].get_lines() if line.get_marker() == "x"]
    assert len(crosses) == len(ex.layout.breaks) == 12 * 4
    assert "BROKEN: 48 of 48 hand-overs do not continue" in ex.text
    ex.controls["batch_size"].value = 1  # one row: the naive layout is continuous
    assert ex.layout.continuous and ex.layout.batch_size == 1 and "continuous" in ex.text
    ex.controls["batch_size"].value = 16
    ex.controls["timesteps"].value = 100
    assert ex.layout is None and "batch_size: 16 rows cannot be filled" in ex.text


# ---------------------------------------------------------------------------------------------- buckets (04)


def test_month_lengths_are_notebook_04s():
    lengths = explore.month_lengths()
    values, counts = np.unique(lengths, return_counts=True)
    assert dict(zip(values.tolist(), counts.tolist(), strict=True)) == {19: 5, 20: 11, 21: 18, 22: 10, 23: 5}


def _tf_masks(lengths, boundaries, batch_size):
    sequences = [np.ones((n, 1), dtype="float32") for n in lengths]
    ds = pipelines.bucket_dataset(sequences, boundaries=boundaries, batch_sizes=[batch_size] * (len(boundaries) + 1))
    return padding.batch_masks(ds)


@pytest.mark.parametrize(("boundaries", "batch_size"), [([20, 21, 22, 23], 8), ([21], 8), ([22], 5), ([20, 23], 3)])
def test_bucket_layout_matches_tf_data_on_the_months(boundaries, batch_size):
    lengths = explore.month_lengths()
    lay = explore.bucket_layout(lengths, boundaries, batch_size)
    tf_masks = _tf_masks(lengths, boundaries, batch_size)
    assert len(lay.masks["bucketing"]) == len(tf_masks)
    for ours, theirs in zip(lay.masks["bucketing"], tf_masks, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert lay.stats["bucketing"] == padding.mask_stats(tf_masks, strategy="bucketing")


def test_bucket_layout_numbers_of_notebook_04():
    lay = explore.bucket_layout(explore.month_lengths(), [20, 21, 22, 23], 8)
    fractions = {name: round(s.fraction, 3) for name, s in lay.stats.items()}
    assert fractions == {"global padding": 0.088, "padded_batch": 0.066, "bucketing": 0.0}
    assert [s.batches for s in lay.stats.values()] == [7, 7, 9]


@settings(max_examples=40, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 40), min_size=1, max_size=60),
    boundaries=st.lists(st.integers(2, 40), max_size=4, unique=True).map(sorted),
    batch_size=st.integers(1, 12),
)
def test_bucket_layout_properties(lengths, boundaries, batch_size):
    lay = explore.bucket_layout(lengths, boundaries, batch_size)
    assert lay.stats["global padding"] == padding.padding_stats(lengths, strategy="global padding") or (
        lay.stats["global padding"].total_steps == padding.padding_stats(lengths).total_steps
    )
    assert lay.stats["padded_batch"].total_steps == padding.padding_stats(lengths, batch_size=batch_size).total_steps
    for masks in lay.masks.values():  # every sequence exactly once, with its own length of real steps
        assert sorted(np.concatenate([m.sum(axis=1) for m in masks]).tolist()) == sorted(lengths)
    bucket = np.searchsorted(boundaries, lengths, side="right")
    for m in lay.masks["bucketing"]:
        assert m.shape[0] <= batch_size and m[:, -1].any()  # as wide as its longest sequence
    assert len(lay.masks["bucketing"]) == sum(-(-c // batch_size) for c in np.bincount(bucket) if c)
    if not boundaries:
        assert lay.stats["bucketing"] == padding.mask_stats(lay.masks["padded_batch"], strategy="bucketing")


def test_bucket_layout_refuses_bad_input():
    with pytest.raises(ValueError, match=r"boundaries: .* strictly increasing"):
        explore.bucket_layout([19, 20, 21], [21, 20], 2)
    with pytest.raises(TypeError, match="boundaries: expected a list of ints"):
        explore.explore_buckets(boundaries=21, interactive=False)
    with pytest.raises(TypeError, match="boundaries: expected ints"):
        explore.bucket_layout([19, 20, 21], [20.5], 2)
    with pytest.raises(TypeError, match="lengths"):
        explore.bucket_layout([19.0, 20.0], [20], 2)
    with pytest.raises(ValueError, match="lengths: every length must be >= 1"):
        explore.bucket_layout([19, 0], [20], 2)
    with pytest.raises(ValueError, match="batch_size"):
        explore.bucket_layout([19, 20], [20], 0)


def test_explore_buckets_static_and_widget(capsys):
    fig = explore.explore_buckets(interactive=False)
    out = capsys.readouterr().out
    assert "padded_batch      7 batches, padding fraction 6.6%" in out
    assert [ax.get_title().splitlines()[-1] for ax in fig.axes] == [
        "7 batches, padding 8.8%",
        "7 batches, padding 6.6%",
        "9 batches, padding 0.0%",
    ]

    ex = explore.explore_buckets(interactive=True)
    assert set(ex.controls) == {"boundaries", "batch_size"}
    ex.controls["boundaries"].value = [21]
    expected = padding.mask_stats(_tf_masks(explore.month_lengths(), [21], 8), strategy="bucketing")
    assert ex.layout.stats["bucketing"] == expected
    assert f"bucketing       {expected.batches:>3} batches, padding fraction {expected.fraction:.1%}" in ex.text
    assert ex.figure.axes[2].get_title().endswith(f"padding {expected.fraction:.1%}")
    ex.controls["boundaries"].value = []  # one bucket: bucketing is padded_batch
    assert ex.layout.stats["bucketing"].total_steps == ex.layout.stats["padded_batch"].total_steps
    ex.controls["boundaries"].value = [22, 20]
    assert ex.layout is None and "strictly increasing" in ex.text


# ---------------------------------------------------------------------------------------------- pictures


def test_plot_loss_curves_from_a_history_and_a_dict():
    logs = {"loss": [0.45, 0.043, 0.029], "val_loss": [1.06, 0.9, 0.95]}
    history = keras.callbacks.History()
    history.history = logs
    for source in (history, logs):
        fig = plots.plot_loss_curves(source)
        lines = fig.axes[0].get_lines()
        assert [line.get_label() for line in lines] == ["train", "validation", "lowest validation loss: epoch 2"]
        assert lines[0].get_xdata().tolist() == [1, 2, 3]
        np.testing.assert_allclose(lines[1].get_ydata(), logs["val_loss"])
        assert lines[2].get_xdata().tolist() == [2]
    fig = plots.plot_loss_curves({"loss": [3.0, 2.0]}, log=True)
    assert len(fig.axes[0].get_lines()) == 1 and fig.axes[0].get_yscale() == "log"


@pytest.mark.parametrize(
    ("history", "kwargs", "error", "match"),
    [
        ([0.1, 0.2], {}, TypeError, "history: expected what model.fit returns"),
        ({"val_loss": [0.1]}, {}, ValueError, "history: has no 'loss'"),
        ({"loss": [0.1, np.nan]}, {}, ValueError, "history\\['loss'\\]: contains NaN"),
        ({"loss": [0.1, 0.2], "val_loss": [0.3]}, {}, ValueError, "2 training losses but 1 validation"),
        ({"loss": []}, {}, ValueError, "non-empty"),
        ({"loss": "0.1"}, {}, TypeError, "history\\['loss'\\]: expected a list of numbers"),
        ({"loss": [0.1]}, {"log": "yes"}, TypeError, "log: expected True or False"),
        ({"loss": [0.0, 0.1]}, {"log": True}, ValueError, "log: a log scale needs losses > 0"),
    ],
)
def test_plot_loss_curves_refuses_bad_input(history, kwargs, error, match):
    with pytest.raises(error, match=match):
        plots.plot_loss_curves(history, **kwargs)


def test_plot_timings_bars_medians_and_spread():
    timings = {"plain": [0.58, 0.55, 0.56], "cache": [0.57, 0.06, 0.07], "all three": [0.32, 0.14, 0.15]}
    nested = {name: {"epoch 1": s[:1], "later epochs": s[1:]} for name, s in timings.items()}
    fig = plots.plot_timings(nested)
    ax = fig.axes[0]
    assert len(ax.patches) == 6
    heights = [round(float(p.get_height()), 3) for p in ax.patches]
    assert heights == [0.58, 0.57, 0.32, 0.555, 0.065, 0.145]  # epoch-1 bars first, then the later epochs
    assert [t.get_text() for t in ax.get_xticklabels()] == ["plain", "cache", "all three"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["epoch 1", "later epochs"]
    later = [c for c in ax.containers if isinstance(c, BarContainer)][1]  # the second bar series and its error bars
    segments = later.errorbar.lines[2][0].get_segments()
    spans = [(round(float(s[0][1]), 3), round(float(s[1][1]), 3)) for s in segments]
    assert spans == [(0.55, 0.56), (0.06, 0.07), (0.14, 0.15)]

    fig = plots.plot_timings({"a": [1.0, 2.0, 3.0, 4.0, 100.0]}, spread="quartiles")
    seg = next(c for c in fig.axes[0].containers if isinstance(c, BarContainer)).errorbar.lines[2][0].get_segments()[0]
    assert (float(seg[0][1]), float(seg[1][1])) == (2.0, 4.0)
    assert fig.axes[0].get_legend() is None


@pytest.mark.parametrize(
    ("timings", "kwargs", "error", "match"),
    [
        ({}, {}, ValueError, "timings: got an empty dict"),
        ([0.1, 0.2], {}, TypeError, "timings: expected a non-empty dict"),
        ({"a": [0.1, -0.2]}, {}, ValueError, "times must be >= 0"),
        ({"a": [0.1, float("inf")]}, {}, ValueError, "NaN or infinity"),
        ({"a": {"epoch 1": "fast"}}, {}, TypeError, "timings\\['a'\\]\\['epoch 1'\\]: expected a list of numbers"),
        ({"a": [0.1]}, {"spread": "std"}, ValueError, "spread: expected 'minmax' or 'quartiles'"),
    ],
)
def test_plot_timings_refuses_bad_input(timings, kwargs, error, match):
    with pytest.raises(error, match=match):
        plots.plot_timings(timings, **kwargs)


@pytest.mark.parametrize(
    ("global_batch", "n_replicas", "n_samples"), [(64, 2, 70), (64, 3, 64), (64, 2, 65), (8, 3, 30)]
)
def test_plot_replica_split_draws_per_replica_batch_sizes(global_batch, n_replicas, n_samples):
    steps = distribute.per_replica_batch_sizes(global_batch, n_samples, n_replicas)
    fig = plots.plot_replica_split(global_batch, n_replicas, n_samples)
    ax = fig.axes[0]
    assert [int(p.get_width()) for p in ax.patches] == [size for step in steps for size in step]
    assert [int(p.get_x()) for p in ax.patches[:n_replicas]] == np.cumsum([0, *steps[0][:-1]]).tolist()
    assert len(ax.get_yticklabels()) == len(steps)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [f"replica {r}" for r in range(n_replicas)]
    assert ax.texts[-1].get_text() == str(steps[-1][-1])


def test_plot_replica_split_long_runs_and_last_batch():
    fig = plots.plot_replica_split(64, 2, 712, max_rows=4)  # 12 steps: 0, 1, 2 and the last
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["step 0", "step 1", "step 2", "step 11 (last)"]
    assert [int(p.get_width()) for p in fig.axes[0].patches][-2:] == [4, 4]
    assert "8 more steps like these" in fig.axes[0].texts[-1].get_text()
    ticks = fig.axes[0].get_yticks().tolist()
    assert ticks == [0, 1, 2, 4] and fig.axes[0].texts[-1].get_position()[1] == 3  # the note has a row of its own
    fig = plots.plot_replica_split(64, 2, 712, drop_remainder=True)
    assert len(fig.axes[0].get_yticklabels()) == 8 and "(last)" not in fig.axes[0].get_yticklabels()[-1].get_text()


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((64.0, 2, 70), {}, TypeError, "global_batch"),
        ((64, 0, 70), {}, ValueError, "n_replicas"),
        ((64, 2, 30), {"drop_remainder": True}, ValueError, "n_samples: 30 samples make no full global batch"),
        ((64, 2, 70), {"drop_remainder": "no"}, TypeError, "drop_remainder"),
        ((64, 2, 70), {"max_rows": 1}, ValueError, "max_rows"),
    ],
)
def test_plot_replica_split_refuses_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        plots.plot_replica_split(*args, **kwargs)


# ---------------------------------------------------------------------------------------------- stored notebooks


def test_stored_notebooks_hold_no_widget_and_call_explorables_statically():
    """Strict nbval and GitHub need fixed outputs: stored cells draw the static figure, never a widget."""
    import json
    import re
    from pathlib import Path

    for path in sorted(Path(__file__).parents[1].joinpath("notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            source = re.sub(r"#.*", "", "".join(cell["source"]))  # a call named in a comment is fine
            for call in re.findall(r"explore\.explore_\w+\((?:[^()]|\([^()]*\))*\)", source):
                assert "interactive=False" in call, (
                    f"{path.name} cell {i}: {call} stores a widget; add interactive=False"
                )
            for output in cell.get("outputs", []):
                assert "application/vnd.jupyter.widget-view+json" not in output.get("data", {}), (
                    f"{path.name} cell {i} stores a widget output; call explore_*(..., interactive=False) there"
                )
