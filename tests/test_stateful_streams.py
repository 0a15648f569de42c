"""offset_streams and pack_series (helpers.stateful), introduced in notebook 02 sections 5.3 and 6."""

import numpy as np
import pytest

from helpers import stateful

# ---------------------------------------------------------------------------------------- offset_streams


@pytest.mark.parametrize("offset", [0, 1, 2, 3])
def test_offset_streams_moves_the_boundaries_and_stays_continuous(offset):
    layout = stateful.offset_streams(np.arange(40), batch_size=2, timesteps=4, offset=offset)
    assert layout.index[0, 0, 0] == offset  # the first chunk starts at the offset
    assert bool(stateful.check_continuity(layout))
    assert np.array_equal(layout.x[..., 0], layout.index)  # values are step numbers: index is exact
    assert np.array_equal(layout.y[..., 0], layout.index + 1)  # targets: the next step
    assert layout.length == 40 and layout.offset == offset
    used = layout.n_batches * layout.batch_size * layout.timesteps + layout.horizon
    assert layout.dropped == 40 - used  # offset + what did not fill a chunk


def test_offset_zero_is_split_streams_dropping_at_the_end():
    a = stateful.offset_streams(np.arange(41), batch_size=2, timesteps=4, offset=0)
    b = stateful.split_streams(np.arange(41), batch_size=2, timesteps=4, drop="end")
    assert np.array_equal(a.x, b.x) and np.array_equal(a.index, b.index) and a.dropped == b.dropped


def test_offset_streams_note_says_what_was_skipped():
    layout = stateful.offset_streams(np.arange(40), batch_size=2, timesteps=4, offset=3)
    assert "skipped the first 3 (offset), dropped 4 at the end" in layout.note


@pytest.mark.parametrize(
    "offset, error, words",
    [
        (4, ValueError, "offset: 4 must be smaller than timesteps=4"),
        (-1, ValueError, "offset: expected an int >= 0"),
        (1.0, TypeError, "offset: expected an int"),
        (True, TypeError, "offset: expected an int"),
        ("2", TypeError, "offset: expected an int"),
    ],
)
def test_offset_streams_refuses_a_bad_offset(offset, error, words):
    with pytest.raises(error, match=words):
        stateful.offset_streams(np.arange(40), batch_size=2, timesteps=4, offset=offset)


def test_offset_streams_refuses_bad_sizes_and_series():
    with pytest.raises(ValueError, match="batch_size"):
        stateful.offset_streams(np.arange(10), batch_size=4, timesteps=4, offset=1)
    with pytest.raises(TypeError, match="timesteps"):
        stateful.offset_streams(np.arange(10), batch_size=1, timesteps=2.5, offset=1)
    with pytest.raises(TypeError, match="series"):
        stateful.offset_streams("0123456789", batch_size=1, timesteps=2, offset=1)
    with pytest.raises(ValueError, match="series"):
        stateful.offset_streams(np.array([0.0, np.nan, 1.0, 2.0, 3.0]), batch_size=1, timesteps=2, offset=1)
    with pytest.raises(ValueError, match="offset: 2 skips the whole series"):
        stateful.offset_streams(np.arange(2), batch_size=1, timesteps=3, offset=2)


def test_a_random_offset_teaches_more_outputs_than_fixed_boundaries():
    T, L, rng = 8, 3, np.random.default_rng(0)
    series = np.arange(1001)

    def taught(layout):
        return set(layout.index[:, :, np.arange(T) >= L].ravel().tolist())

    fixed = taught(stateful.split_streams(series, 4, T))
    moving = set().union(
        *(taught(stateful.offset_streams(series, 4, T, offset=int(rng.integers(T)))) for _ in range(8))
    )
    assert len(fixed) / 1000 < (T - L) / T + 0.01 and len(moving) / 1000 > 0.9


# ---------------------------------------------------------------------------------------- pack_series


def test_pack_series_places_each_series_in_order_in_one_row():
    lengths = [37, 22, 54, 29, 45, 18, 33]
    series = [1000 * j + np.arange(n) for j, n in enumerate(lengths)]  # value = 1000 * series + step
    packed = stateful.pack_series(series, batch_size=3, timesteps=4)
    assert packed.starts.sum() == len(lengths) and packed.owner.max() == len(lengths) - 1
    assert packed.dropped == sum((n - 1) % 4 for n in lengths)
    for j, n in enumerate(lengths):
        k, i = np.argwhere(packed.owner == j).T
        assert len(set(i.tolist())) == 1 and np.array_equal(k, np.arange(k[0], k[0] + len(k)))  # one row, in order
        assert packed.starts[k[0], i[0]] and not packed.starts[k[1:], i[1:]].any()
        steps = packed.x[k, i, :, 0].ravel()
        assert np.array_equal(steps, 1000 * j + np.arange(n - 1 - len(steps), n - 1))  # the newest steps kept
        assert np.array_equal(packed.y[k, i, :, 0].ravel(), steps + 1)  # next-step targets
    assert np.array_equal(packed.weights > 0, np.repeat((packed.owner >= 0)[..., None], 4, axis=2))
    assert (packed.x[packed.owner < 0] == 0).all()


def test_pack_series_for_fit_flattens_batch_by_batch():
    packed = stateful.pack_series([np.arange(9.0), np.arange(5.0), np.arange(7.0)], batch_size=2, timesteps=2)
    x, y, w = packed.for_fit()
    n = packed.n_batches
    assert x.shape == (n * 2, 2, 1) and y.shape == (n * 2, 2, 1) and w.shape == (n * 2, 2)
    assert np.array_equal(x[2:4], packed.x[1]) and x.dtype == np.float32


def test_pack_series_keeps_features():
    packed = stateful.pack_series([np.ones((7, 3)), np.zeros((9, 3))], batch_size=2, timesteps=3)
    assert packed.x.shape[-1] == 3 and packed.y.shape[-1] == 3


@pytest.mark.parametrize(
    "series, batch_size, timesteps, error, words",
    [
        ("abc", 1, 2, TypeError, "series"),
        (np.arange(10), 1, 2, ValueError, "series: expected a list of \\(T, F\\) arrays"),  # one series, not a list
        ([], 1, 2, ValueError, "series: got an empty list"),
        ([np.arange(10), np.arange(2)], 1, 2, ValueError, "series: series 1 has 2 steps"),
        ([np.ones((5, 2)), np.ones((5, 3))], 1, 2, ValueError, "features"),
        ([np.arange(10), np.arange(10)], 3, 2, ValueError, "batch_size: 3 rows but only 2 series"),
        ([np.arange(10)], 0, 2, ValueError, "batch_size: expected an int >= 1"),
        ([np.arange(10)], 1, 2.0, TypeError, "timesteps: expected an int"),
        ([np.arange(10)], True, 2, TypeError, "batch_size"),
        ([np.array([1.0, np.inf, 2.0])], 1, 1, ValueError, "series\\[0\\]"),
    ],
)
def test_pack_series_refuses_bad_input(series, batch_size, timesteps, error, words):
    with pytest.raises(error, match=words):
        stateful.pack_series(series, batch_size=batch_size, timesteps=timesteps)
