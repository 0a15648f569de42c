"""The argument contract: a wrong type is a TypeError, a wrong value a ValueError, and the message
starts with the argument's name. One table for the validators, then a table of the same mistake
made against every module that takes that argument."""

import re

import numpy as np
import pytest

from helpers import validate as v

BIG = float(np.finfo(np.float32).max) * 10


@pytest.mark.parametrize(
    "call,err,start",
    [
        (lambda: v.require_int("n", 2.0, 1), TypeError, "n: expected an int >= 1, got 2.0 (float)"),
        (lambda: v.require_int("n", np.float64(2), 1), TypeError, "n: expected an int >= 1"),
        (lambda: v.require_int("n", "3", 1), TypeError, "n: expected an int >= 1, got '3' (str)"),
        (lambda: v.require_int("n", True, 1), TypeError, "n: expected an int >= 1, got True (bool)"),
        (lambda: v.require_int("n", np.bool_(True), 1), TypeError, "n: expected an int >= 1"),
        (lambda: v.require_int("n", None, 1), TypeError, "n: expected an int >= 1, got None"),
        (lambda: v.require_int("n", 0, 1), ValueError, "n: expected an int >= 1, got 0"),
        (lambda: v.require_int("n", 5, 0, maximum=4), ValueError, "n: expected an int from 0 to 4, got 5"),
        (lambda: v.require_number("r", "0.1"), TypeError, "r: expected a number, got '0.1'"),
        (lambda: v.require_number("r", True), TypeError, "r: expected a number"),
        (lambda: v.require_number("r", float("nan")), ValueError, "r: expected a number, got nan"),
        (
            lambda: v.require_number("r", 1.0, minimum=0, maximum=1, strict=True),
            ValueError,
            "r: expected a number with 0 < x < 1, got 1.0",
        ),
        (lambda: v.require_flag("shuffle", "no"), TypeError, "shuffle: expected True or False, got 'no' (str)"),
        (lambda: v.require_flag("shuffle", 1), TypeError, "shuffle: expected True or False, got 1 (int)"),
        (lambda: v.require_flag("shuffle", None), TypeError, "shuffle: expected True or False, got None"),
        (
            lambda: v.require_choice("drop", 1, ("start", "end")),
            TypeError,
            "drop: expected the string 'start' or 'end'",
        ),
        (
            lambda: v.require_choice("drop", "middle", ("start", "end")),
            ValueError,
            "drop: expected 'start' or 'end', got 'middle'",
        ),
        (
            lambda: v.require_int_list("b", 20, minimum=1),
            TypeError,
            "b: expected a list of ints such as [20, 22], got 20",
        ),
        (lambda: v.require_int_list("b", "20", minimum=1), TypeError, "b: expected a list of ints"),
        (lambda: v.require_int_list("b", [], minimum=1), ValueError, "b: got an empty list"),
        (lambda: v.require_int_list("b", [20, 2.5], minimum=1), TypeError, "b: expected ints, got 2.5 (float)"),
        (lambda: v.require_int_list("b", [20, 0], minimum=1), ValueError, "b: expected ints >= 1, got 0"),
        (lambda: v.require_finite("y", [1.0, np.inf]), ValueError, "y: 1 values are NaN, infinite or too large"),
        (
            lambda: v.require_finite("y", [1.0, BIG]),
            ValueError,
            "y: 1 values are NaN, infinite or too large for float32",
        ),
        (lambda: v.as_series({"a": 1}), TypeError, "series: expected a NumPy array of shape (T,) or (T, F), got dict"),
        (lambda: v.as_series(np.zeros((2, 3, 4))), ValueError, "series: expected shape (T,) or (T, F), got (2, 3, 4)"),
        (lambda: v.as_series(np.zeros((4, 0))), ValueError, "series: shape (4, 0) has an empty axis"),
        (lambda: v.as_series(np.zeros(0)), ValueError, "series: shape (0, 1) has an empty axis"),
        (lambda: v.as_series(np.array(["a", "b"])), TypeError, "series: expected numbers (integers or floats), got"),
        (lambda: v.as_series(np.array([True, False])), TypeError, "series: expected numbers"),
        (lambda: v.as_series(np.array([1.0, np.nan])), ValueError, "series: 1 values are NaN"),
        (lambda: v.as_series(np.array([1.0, BIG])), ValueError, "series: 1 values are NaN, infinite or too large"),
        (lambda: v.check_columns(3, 4), TypeError, "target_columns: expected a list of column indices such as [3]"),
        (lambda: v.check_columns([1.0], 4), TypeError, "target_columns: expected a list of column indices"),
        (
            lambda: v.check_columns([4], 4),
            ValueError,
            "target_columns: [4] must be a non-empty list of indices in 0..3",
        ),
        (lambda: v.check_columns([], 4), ValueError, "target_columns: [] must be a non-empty list"),
        (lambda: v.as_sequence_list("abc"), TypeError, "sequences: expected a list of sequences"),
        (lambda: v.as_sequence_list([]), ValueError, "sequences: got an empty list"),
        (lambda: v.as_sequence_list([[1, 2], []]), ValueError, "sequences[1]: is empty"),
        (lambda: v.as_sequence_list([np.zeros((2, 0))]), ValueError, "sequences[0]: is empty"),
        (lambda: v.as_sequence_list([["a"]]), TypeError, "sequences[0]: expected numbers"),
        (lambda: v.as_sequence_list([[1.0, np.nan]]), ValueError, "sequences[0]: 1 values are NaN"),
        (lambda: v.as_sequence_list([np.zeros((2, 1)), np.zeros((2, 2))]), ValueError, "sequences[1]: has 2 features"),
        (
            lambda: v.as_sequence_list([np.zeros(3), np.zeros(2)], series=True, equal_lengths=True),
            ValueError,
            "sequences: the series have different lengths [3, 2]",
        ),
        (
            lambda: v.as_sequence_list(np.zeros((3, 4)), name="series", series=True),
            ValueError,
            "series: got one 2-D array of shape (3, 4); it is ambiguous",
        ),
    ],
)
def test_validators_refuse_with_the_right_type_and_message(call, err, start):
    with pytest.raises(err) as info:
        call()
    assert type(info.value) is err
    assert str(info.value).startswith(start), str(info.value)


def test_validators_accept_numpy_scalars_and_return_plain_values():
    assert v.require_int("n", np.int64(3), 1) == 3 and type(v.require_int("n", np.int32(3), 1)) is int
    assert v.require_flag("f", np.bool_(True)) is True
    assert v.require_number("r", np.float32(0.5)) == 0.5
    assert v.require_int_list("b", [np.int64(20), 22], minimum=1) == [20, 22]
    assert v.check_columns([np.int64(1)], 3) == [1]
    assert v.as_series(range(4)).shape == (4, 1)
    assert [s.shape for s in v.as_sequence_list(np.zeros((2, 5, 3)), series=True)] == [(5, 3), (5, 3)]


# The same mistake, made against every module that takes the argument: the same exception type.
def _windows():
    from helpers import windows

    return windows


def _padding():
    from helpers import padding

    return padding


def _plots():
    from helpers import plots

    return plots


def _shapes():
    from helpers import shapes

    return shapes


SERIES = np.arange(40.0)


@pytest.mark.parametrize(
    "call,err,name",
    [
        (lambda: _windows().make_windows(SERIES, timesteps=2.0), TypeError, "timesteps"),
        (lambda: _windows().make_windows(SERIES, timesteps=np.int64(3)), None, None),
        (lambda: _windows().count_windows(10, 0), ValueError, "timesteps"),
        (lambda: _padding().padding_stats([1, 2], batch_size=2.0), TypeError, "batch_size"),
        (lambda: _padding().padding_stats([1, 2], batch_size=0), ValueError, "batch_size"),
        (lambda: _padding().pad([[1.0]], maxlen=2.0), TypeError, "maxlen"),
        (lambda: _padding().pad([[1.0]], maxlen=0), ValueError, "maxlen"),
        (lambda: _plots().plot_batch_on_series(SERIES, 5, batch_size=2.0), TypeError, "batch_size"),
        (lambda: _plots().plot_batch_on_series(SERIES, 5, batch_size=0), ValueError, "batch_size"),
        (lambda: _shapes().check_lstm_input(np.zeros((1, 2, 3)), features=0), ValueError, "features"),
        (lambda: _shapes().check_lstm_input(np.zeros((1, 2, 3)), features=3.0), TypeError, "features"),
        (lambda: _windows().chronological_split(SERIES, train="0.7"), TypeError, "train"),
        (lambda: _windows().chronological_split(SERIES, scale="no"), TypeError, "scale"),
    ],
)
def test_one_mistake_one_exception_type_in_every_module(call, err, name):
    if err is None:
        call()
        return
    with pytest.raises(err, match=f"^{re.escape(name)}: "):
        call()


def test_a_split_counts_steps_in_integers():
    from helpers import windows

    split = windows.chronological_split(np.arange(90.0) % 7, train=0.7, val=0.15, scale=False)
    assert len(split.train) == 63  # 90 * 0.7 is 62.99999999999999 in floating point


def test_unscale_refuses_a_broadcast_over_several_features():
    from helpers import windows

    series = np.stack([np.arange(100.0), np.arange(100.0) * 2 + 1], axis=1)
    split = windows.chronological_split(series)
    with pytest.raises(ValueError, match=r"^values: shape \(5, 1\) does not end in 2 columns"):
        split.unscale(np.zeros((5, 1)))
    assert split.unscale(np.zeros((5, 1)), columns=[1]).shape == (5, 1)


def test_exact_fraction_reads_a_float_as_written():
    from fractions import Fraction

    assert v.exact_fraction(0.7) == Fraction(7, 10) and v.exact_fraction(np.float32(0.7)) == Fraction(7, 10)
    assert int(90 * v.exact_fraction(0.7)) == 63 and int(90 * 0.7) == 62
    with pytest.raises(TypeError, match=r"^train: expected a number"):
        v.exact_fraction("0.7", name="train")


def test_fill_values_must_survive_the_cast():
    assert v.require_fill_value("value", np.float32(-1.0), ids=False) == -1.0
    assert v.require_fill_value("value", np.int64(0), ids=True) == 0 and v.require_fill_value("v", 2.0, ids=True) == 2
    with pytest.raises(ValueError, match=r"^value: .* beyond float32's range"):
        v.require_fill_value("value", BIG, ids=False)
    with pytest.raises(ValueError, match=r"^value: 2147483648 does not fit int32"):
        v.require_fill_value("value", 2**31, ids=True)


class _FakeDataset:
    """Just enough of a tf.data.Dataset: validate stays free of TensorFlow."""

    def __init__(self, n, cardinality):
        self.n, self._cardinality, self.element_spec = n, cardinality, None

    def cardinality(self):
        return self._cardinality

    def __iter__(self):
        return iter(range(self.n))


def test_datasets_that_never_end_are_refused_or_bounded():
    assert v.require_dataset("ds", _FakeDataset(3, 3), doing="x") == 3
    with pytest.raises(ValueError, match=r"^ds: it repeats forever .* so counting would never end. Fix: .*ds\.take"):
        v.require_dataset("ds", _FakeDataset(3, v.INFINITE), doing="counting")
    assert list(v.bounded("ds", _FakeDataset(3, v.UNKNOWN), 3)) == [0, 1, 2]  # exactly at the limit: fine
    with pytest.raises(ValueError, match=r"^ds: yielded more than max_batches=3 batches"):
        list(v.bounded("ds", _FakeDataset(10**9, v.UNKNOWN), 3))  # would never end: stops


def test_require_text():
    assert v.require_text("title", "ok") == "ok"
    with pytest.raises(TypeError, match=r"^title: expected a string"):
        v.require_text("title", None)
