import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from helpers import plots, stateful


def test_plot_batch_on_series_draws_series_and_batch():
    fig = plots.plot_batch_on_series(
        np.arange(60.0).reshape(30, 2), timesteps=5, batch_size=3, feature_names=("a", "b")
    )
    assert len(fig.axes) == 1 + 3
    assert "(batch=3, timesteps=5, features=2)" in fig.axes[1].get_title()


@pytest.mark.parametrize(
    "kwargs,words",
    [
        ({"batch_size": 0}, "batch_size: expected an int >= 1"),
        ({"start": -1}, "start: expected an int >= 0"),
        ({"batch_size": 30}, "gives only"),
        ({"feature_names": ("a",)}, "feature_names: got 1 names for 2 features"),
        ({"feature": 2}, "feature: expected an int from 0 to 1"),
    ],
)
def test_plot_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        plots.plot_batch_on_series(np.zeros((30, 2)), timesteps=5, **kwargs)


def test_plot_layout_draws_three_panels():
    b = stateful.split_streams(np.arange(25.0), batch_size=2, timesteps=4)
    fig = plots.plot_layout(b, series=np.arange(25.0))
    assert len(fig.axes) == 3
    fig2 = plots.plot_layout(np.arange(40).reshape(2, 4, 5), row_labels=list("abcd"))
    assert len(fig2.axes) == 2
    with pytest.raises(ValueError, match="row_labels: got 1 labels for 2 batch rows"):
        plots.plot_layout(b, row_labels=["a"])
    fig4 = plots.plot_layout(b, series=np.arange(25.0), ylabel="close, USD per share")
    assert fig4.axes[0].get_ylabel() == "close, USD per share"
    with pytest.raises(TypeError, match="ylabel: expected a string"):
        plots.plot_layout(b, series=np.arange(25.0), ylabel=3)
    # one colour code for every panel: the chunks of row i are drawn in row i's colour
    fig3 = plots.plot_layout(np.arange(2000).reshape(10, 10, 20))  # too many chunks to number
    assert len(fig3.axes) == 2  # no colour bar for batches
    bars = fig3.axes[0].patches
    row_colours = {tuple(np.round(p.get_facecolor()[:3], 3)) for p in bars[:10]}  # row 0's ten chunks
    assert len(row_colours) == 1
    plt.close("all")


def test_plot_masks_draws_one_panel_per_strategy():
    masks = {
        "global": [np.array([[True, False, False], [True, True, True]])],
        "per batch": [np.array([[True]]), np.array([[True, True, True]])],
    }
    fig = plots.plot_masks(masks, title="demo")
    assert len(fig.axes) == 2
    assert "padding 33.3%" in fig.axes[0].get_title() and "2 batches, padding 0.0%" in fig.axes[1].get_title()
    image = fig.axes[1].images[0].get_array()
    assert image.tolist() == [[2, 0, 0], [2, 2, 2]]  # real=2, padding=1, not in batch=0
    single = plots.plot_masks([np.array([[True, False]])])
    assert len(single.axes) == 1
    with pytest.raises(ValueError, match="panels: expected at least one"):
        plots.plot_masks({})


def test_plots_is_the_only_module_that_imports_matplotlib():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "helpers"
    importers = sorted(
        p.name for p in root.rglob("*.py") if "import matplotlib" in p.read_text() or "from matplotlib" in p.read_text()
    )
    # session sets the rcParams of a course notebook; data reads matplotlib's sample data (cbook)
    assert set(importers) <= {"plots.py", "session.py", "data.py", "explore.py"}, importers
