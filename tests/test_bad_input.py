"""Adversarial input against every public helper (issue 14): no silent answer, no hang, one contract.

Every refusal is checked three ways: the exception is exactly ``TypeError`` (a wrong type) or
``ValueError`` (a wrong value), its message names the argument, and it is raised by the helpers
package itself (not from inside NumPy, TensorFlow or Keras). A few inputs must be *accepted*
(NumPy scalars where a Python number is accepted) and give exact answers (integer arithmetic).
Tiny inputs, no training: the whole file runs in seconds.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
from helpers import (
    backends,
    data,
    diagnose,
    distribute,
    explore,
    models,
    padding,
    pipelines,
    plots,
    report,
    session,
    shapes,
    stateful,
    validate,
    windows,
)

HELPERS = Path(helpers.__file__).resolve().parent
BIG = float(np.finfo(np.float32).max) * 10  # finite in float64, inf after the cast to float32
SERIES = np.arange(40.0)
SERIES2 = np.stack([np.arange(40.0), np.arange(40.0) % 7], axis=1)
X = np.zeros((4, 5, 1), np.float32)
Y = np.zeros((4, 1), np.float32)


def _model(batch=None, stateful_=False):
    first = keras.Input(batch_shape=(batch, 3, 1)) if batch else keras.Input(shape=(3, 1))
    return keras.Sequential([first, keras.layers.LSTM(2, stateful=stateful_, name="lstm"), keras.layers.Dense(1)])


STATELESS = _model()
STATEFUL = _model(batch=2, stateful_=True)
WINDOWS_DS = tf.data.Dataset.from_tensor_slices((X, Y)).batch(2)
SEQ_DS = pipelines.to_dataset([np.zeros((3, 2), np.float32), np.zeros((2, 2), np.float32)])  # unbatched (T_i, 2)


def refuses(call, err, name):
    """``call()`` raises exactly ``err`` from helpers code, and the message names ``name``."""
    with pytest.raises(Exception) as info:  # the exact type is asserted below
        call()
    e = info.value
    assert type(e) is err, f"{type(e).__name__} instead of {err.__name__}: {e}"
    assert re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", str(e)), f"message does not name {name!r}: {e}"
    origin = Path(str(info.traceback[-1].path)).resolve()
    assert origin.is_relative_to(HELPERS), f"raised inside {origin}, not by the helpers: {e}"


# One row per bad input: (call, expected exception, argument the message must name).
CASES = {
    # ------------------------------------------------------------------ validate
    "require_int str": (lambda: validate.require_int("n", "3"), TypeError, "n"),
    "require_int np.float64": (lambda: validate.require_int("n", np.float64(3)), TypeError, "n"),
    "require_int np.bool_": (lambda: validate.require_int("n", np.bool_(True)), TypeError, "n"),
    "require_number None": (lambda: validate.require_number("lr", None), TypeError, "lr"),
    "require_number inf": (lambda: validate.require_number("lr", np.float32("inf")), ValueError, "lr"),
    "require_flag 'no'": (lambda: validate.require_flag("shuffle", "no"), TypeError, "shuffle"),
    "require_flag 1": (lambda: validate.require_flag("shuffle", 1), TypeError, "shuffle"),
    "require_flag None": (lambda: validate.require_flag("shuffle", None), TypeError, "shuffle"),
    "require_choice None": (lambda: validate.require_choice("drop", None, ("start",)), TypeError, "drop"),
    "require_int_list dict": (lambda: validate.require_int_list("b", {1: 2}, minimum=1), TypeError, "b"),
    "require_int_list None": (lambda: validate.require_int_list("b", None, minimum=1), TypeError, "b"),
    "require_finite overflow": (lambda: validate.require_finite("y", np.array([BIG])), ValueError, "y"),
    "require_finite -inf": (lambda: validate.require_finite("y", [1.0, -np.inf]), ValueError, "y"),
    "require_bool_matrix ints": (
        lambda: validate.require_bool_matrix("mask", np.ones((2, 3)), axes="(batch, timesteps)", fix="", empty=""),
        TypeError,
        "mask",
    ),
    "require_bool_matrix 1-D": (
        lambda: validate.require_bool_matrix("mask", [True, False], axes="(batch, timesteps)", fix="", empty=""),
        TypeError,
        "mask",
    ),
    "require_bool_matrix empty": (
        lambda: validate.require_bool_matrix(
            "mask", np.ones((0, 3), bool), axes="(batch, timesteps)", fix="", empty=""
        ),
        ValueError,
        "mask",
    ),
    "require_int32 2**40": (lambda: validate.require_int32("ids", np.array([2**40])), ValueError, "ids"),
    "require_int32 list": (lambda: validate.require_int32("ids", [2**40]), ValueError, "ids"),
    "require_numeric str": (lambda: validate.require_numeric("x", np.array(["a"])), TypeError, "x"),
    "require_numeric list": (lambda: validate.require_numeric("x", ["a"]), TypeError, "x"),
    "as_series None": (lambda: validate.as_series(None), TypeError, "series"),
    "as_series str": (lambda: validate.as_series("abc"), TypeError, "series"),
    "as_series list of str": (lambda: validate.as_series(["a", "b"]), TypeError, "series"),
    "as_series ragged list": (lambda: validate.as_series([[1.0], [1.0, 2.0]]), ValueError, "series"),
    "as_series (0, 3)": (lambda: validate.as_series(np.zeros((0, 3))), ValueError, "series"),
    "check_columns str": (lambda: validate.check_columns("0", 3), TypeError, "target_columns"),
    "check_columns -1": (lambda: validate.check_columns([-1], 3), ValueError, "target_columns"),
    "as_sequence_list None": (lambda: validate.as_sequence_list(None), TypeError, "sequences"),
    "as_sequence_list dict": (lambda: validate.as_sequence_list({"a": [1]}), TypeError, "sequences"),
    "as_sequence_list inf": (lambda: validate.as_sequence_list([[1.0, np.inf]]), ValueError, "sequences[0]"),
    "as_sequence_list overflow": (lambda: validate.as_sequence_list([[1.0, BIG]]), ValueError, "sequences[0]"),
    "require_text int": (lambda: validate.require_text("title", 3), TypeError, "title"),
    "require_fill_value str": (lambda: validate.require_fill_value("value", "0", ids=False), TypeError, "value"),
    "require_fill_value overflow": (lambda: validate.require_fill_value("value", BIG, ids=False), ValueError, "value"),
    "require_fill_value 2**31": (lambda: validate.require_fill_value("value", 2**31, ids=True), ValueError, "value"),
    "require_fill_value 0.5 id": (lambda: validate.require_fill_value("value", 0.5, ids=True), ValueError, "value"),
    "exact_fraction str": (lambda: validate.exact_fraction("0.7", name="train"), TypeError, "train"),
    "exact_fraction nan": (lambda: validate.exact_fraction(float("nan"), name="train"), ValueError, "train"),
    "require_dataset array": (lambda: validate.require_dataset("ds", X, doing="x"), TypeError, "ds"),
    "require_dataset repeat()": (
        lambda: validate.require_dataset("ds", WINDOWS_DS.repeat(), doing="x"),
        ValueError,
        "ds",
    ),
    "require_batched unbatched": (
        lambda: validate.require_batched("ds", WINDOWS_DS.unbatch(), doing="x"),
        ValueError,
        "ds",
    ),
    "require_batched scalars": (
        lambda: validate.require_batched("ds", tf.data.Dataset.range(3), doing="x"),
        ValueError,
        "ds",
    ),
    "bounded 0": (lambda: list(validate.bounded("ds", [1, 2], 0)), ValueError, "max_batches"),
    "bounded too many": (lambda: list(validate.bounded("ds", range(5), 3)), ValueError, "ds"),
    # ------------------------------------------------------------------ report
    "pending int": (lambda: report.pending(3), TypeError, "label"),
    "Finding severity": (lambda: report.Finding("fatal", "x", "m"), ValueError, "severity"),
    "Report ok str": (lambda: report.Report("yes", "t"), TypeError, "ok"),
    "Report title None": (lambda: report.Report(True, None), TypeError, "title"),
    "Report lines str": (lambda: report.Report(True, "t", "one line"), TypeError, "lines"),
    # ------------------------------------------------------------------ data
    "daily_stock str": (lambda: data.daily_stock("close"), TypeError, "features"),
    "daily_stock unknown": (lambda: data.daily_stock(["nope"]), ValueError, "features"),
    "daily_stock empty": (lambda: data.daily_stock([]), ValueError, "features"),
    "daily_stock int": (lambda: data.daily_stock([1]), TypeError, "features"),
    "daily_stock None item": (lambda: data.daily_stock(None).select(None), TypeError, "features"),
    "monthly missing int": (lambda: data.monthly_prices(["IBM"], missing=1), TypeError, "missing"),
    "monthly missing word": (lambda: data.monthly_prices(["IBM"], missing="drop"), ValueError, "missing"),
    "monthly tickers str": (lambda: data.monthly_prices("IBM"), TypeError, "tickers"),
    "monthly tickers unknown": (lambda: data.monthly_prices(["NOPE"]), ValueError, "tickers"),
    "split_by_month array": (lambda: data.split_by_month(SERIES), TypeError, "series"),
    "long_tail n 0": (lambda: data.long_tail_sequences(0), ValueError, "n"),
    "long_tail n True": (lambda: data.long_tail_sequences(True), TypeError, "n"),
    "long_tail seed str": (lambda: data.long_tail_sequences(3, seed="4"), TypeError, "seed"),
    "Series values None": (lambda: data.Series("s", None, np.array([], "datetime64[D]"), ()), TypeError, "values"),
    "Series column unknown": (lambda: data.daily_stock(["close"]).column("open"), ValueError, "feature"),
    "Series column int": (lambda: data.daily_stock(["close"]).column(0), TypeError, "feature"),
    # ------------------------------------------------------------------ windows
    "count_windows float": (lambda: windows.count_windows(10.0, 3), TypeError, "length"),
    "count_windows str": (lambda: windows.count_windows(10, "3"), TypeError, "timesteps"),
    "count_windows stride 0": (lambda: windows.count_windows(10, 3, stride=0), ValueError, "stride"),
    "make_windows list of str": (lambda: windows.make_windows(["a", "b", "c"], 1), TypeError, "series"),
    "make_windows dict": (lambda: windows.make_windows({"a": 1}, 1), TypeError, "series"),
    "make_windows None": (lambda: windows.make_windows(None, 1), TypeError, "series"),
    "make_windows (4, 0)": (lambda: windows.make_windows(np.zeros((4, 0)), 1), ValueError, "series"),
    "make_windows NaN": (lambda: windows.make_windows(np.array([1.0, np.nan, 2.0, 3.0]), 1), ValueError, "series"),
    "make_windows overflow": (lambda: windows.make_windows(np.array([1.0, BIG, 2.0, 3.0]), 1), ValueError, "series"),
    "make_windows horizon > series": (lambda: windows.make_windows(SERIES, 3, horizon=50), ValueError, "horizon"),
    "make_windows timesteps bool": (lambda: windows.make_windows(SERIES, True), TypeError, "timesteps"),
    "make_windows columns 5": (
        lambda: windows.make_windows(SERIES2, 3, target_columns=[5]),
        ValueError,
        "target_columns",
    ),
    "make_windows columns str": (
        lambda: windows.make_windows(SERIES2, 3, target_columns="1"),
        TypeError,
        "target_columns",
    ),
    "split train str": (lambda: windows.chronological_split(SERIES, train="0.7"), TypeError, "train"),
    "split train 1": (lambda: windows.chronological_split(SERIES, train=1.0), ValueError, "train"),
    "split val nan": (lambda: windows.chronological_split(SERIES, val=float("nan")), ValueError, "val"),
    "split scale 'no'": (lambda: windows.chronological_split(SERIES, scale="no"), TypeError, "scale"),
    "split scale 1": (lambda: windows.chronological_split(SERIES, scale=1), TypeError, "scale"),
    "split train + val": (lambda: windows.chronological_split(SERIES, train=0.6, val=0.4), ValueError, "val"),
    "split too short": (lambda: windows.chronological_split(np.arange(5.0)), ValueError, "series"),
    "unscale broadcast": (lambda: windows.chronological_split(SERIES2).unscale(np.zeros((5, 1))), ValueError, "values"),
    "unscale str": (lambda: windows.chronological_split(SERIES2).unscale("abc", columns=[0]), TypeError, "values"),
    "unscale None": (lambda: windows.chronological_split(SERIES2).unscale(None, columns=[0]), TypeError, "values"),
    "unscale columns 9": (
        lambda: windows.chronological_split(SERIES2).unscale(np.zeros(3), columns=[9]),
        ValueError,
        "columns",
    ),
    "unscale columns str": (
        lambda: windows.chronological_split(SERIES2).unscale(np.zeros(3), columns="0"),
        TypeError,
        "columns",
    ),
    "sample_windows None": (lambda: windows.sample_windows(None, 3), TypeError, "series"),
    "sample_windows width 0": (lambda: windows.sample_windows(SERIES, 3, width=0), ValueError, "width"),
    "sample_windows rate str": (
        lambda: windows.sample_windows(SERIES, 3, sampling_rate="2"),
        TypeError,
        "sampling_rate",
    ),
    "sample_windows too long": (lambda: windows.sample_windows(SERIES, 3, horizon=40), ValueError, "horizon"),
    "sample_windows NaN": (lambda: windows.sample_windows(np.r_[SERIES, np.nan], 3), ValueError, "series"),
    # ------------------------------------------------------------------ shapes
    "describe None": (lambda: shapes.describe(None), TypeError, "x"),
    "describe 5 axes": (lambda: shapes.describe(np.zeros((1, 1, 1, 1, 1))), ValueError, "names"),
    "describe names str": (lambda: shapes.describe((2, 3), names="ab"), TypeError, "names"),
    "describe names count": (lambda: shapes.describe((2, 3), names=("a",)), ValueError, "names"),
    "input_findings ids 'no'": (lambda: shapes.input_findings(X, ids="no"), TypeError, "ids"),
    "input_findings None": (lambda: shapes.input_findings(None), TypeError, "x"),
    "input_findings dict": (lambda: shapes.input_findings({"a": X}), TypeError, "x"),
    "check_lstm_input (4, 20, 0)": (lambda: shapes.check_lstm_input(np.zeros((4, 20, 0))), ValueError, "x"),
    "check_lstm_input (0, 20, 3)": (lambda: shapes.check_lstm_input(np.zeros((0, 20, 3))), ValueError, "x"),
    "check_lstm_input (4, 0, 3)": (lambda: shapes.check_lstm_input(np.zeros((4, 0, 3))), ValueError, "x"),
    "check_lstm_input NaN": (lambda: shapes.check_lstm_input(np.full((1, 2, 1), np.nan)), ValueError, "x"),
    "check_lstm_input overflow": (lambda: shapes.check_lstm_input(np.full((1, 2, 1), BIG)), ValueError, "x"),
    "check_lstm_input str": (lambda: shapes.check_lstm_input("abc"), TypeError, "x"),
    "check_lstm_input timesteps 0": (lambda: shapes.check_lstm_input(X, timesteps=0), ValueError, "timesteps"),
    "check_lstm_input features str": (lambda: shapes.check_lstm_input(X, features="1"), TypeError, "features"),
    "check_lstm_input dataset": (lambda: shapes.check_lstm_input(WINDOWS_DS), TypeError, "x"),
    # ------------------------------------------------------------------ stateful (data layout)
    "split_streams batch str": (lambda: stateful.split_streams(SERIES, "2", 3), TypeError, "batch_size"),
    "split_streams batch 0": (lambda: stateful.split_streams(SERIES, 0, 3), ValueError, "batch_size"),
    "split_streams horizon > stream": (lambda: stateful.split_streams(SERIES, 1, 3, horizon=45), ValueError, "horizon"),
    "split_streams drop 1": (lambda: stateful.split_streams(SERIES, 2, 3, drop=1), TypeError, "drop"),
    "split_streams NaN": (lambda: stateful.split_streams(np.r_[SERIES, np.nan], 2, 3), ValueError, "series"),
    "split_streams series list of str": (lambda: stateful.split_streams(["a"] * 9, 2, 3), TypeError, "series"),
    "for_fit last_only 'no'": (
        lambda: stateful.split_streams(SERIES, 2, 3).for_fit(last_only="no"),
        TypeError,
        "last_only",
    ),
    "stack_series dict": (lambda: stateful.stack_series({"a": SERIES}, 3), TypeError, "series"),
    "stack_series unequal": (lambda: stateful.stack_series([SERIES, SERIES[:20]], 3), ValueError, "series"),
    "stack_series batch 3": (
        lambda: stateful.stack_series([SERIES, SERIES], 3, batch_size=3),
        ValueError,
        "batch_size",
    ),
    "stack_series horizon > series": (
        lambda: stateful.stack_series([SERIES, SERIES], 3, horizon=40),
        ValueError,
        "horizon",
    ),
    "offset_streams -1": (lambda: stateful.offset_streams(SERIES, 2, 3, offset=-1), ValueError, "offset"),
    "offset_streams str": (lambda: stateful.offset_streams(SERIES, 2, 3, offset="1"), TypeError, "offset"),
    "offset_streams >= timesteps": (lambda: stateful.offset_streams(SERIES, 2, 3, offset=3), ValueError, "offset"),
    "offset_streams horizon": (
        lambda: stateful.offset_streams(SERIES, 2, 3, offset=1, horizon=45),
        ValueError,
        "horizon",
    ),
    "pack_series dict": (lambda: stateful.pack_series({"a": SERIES}, 1, 3), TypeError, "series"),
    "pack_series empty": (lambda: stateful.pack_series([], 1, 3), ValueError, "series"),
    "pack_series batch 3": (lambda: stateful.pack_series([SERIES, SERIES], 3, 3), ValueError, "batch_size"),
    "pack_series timesteps str": (lambda: stateful.pack_series([SERIES], 1, "3"), TypeError, "timesteps"),
    "pack_series short": (lambda: stateful.pack_series([SERIES, SERIES[:2]], 1, 3), ValueError, "series"),
    "pack_series NaN": (lambda: stateful.pack_series([np.r_[SERIES, np.nan]], 1, 3), ValueError, "series[0]"),
    "continuity None": (lambda: stateful.continuity(None), TypeError, "index"),
    "continuity str": (lambda: stateful.continuity("abc"), TypeError, "index"),
    "continuity 2-D": (lambda: stateful.continuity(np.zeros((2, 3))), ValueError, "index"),
    "continuity (2, 2, 0)": (lambda: stateful.continuity(np.zeros((2, 2, 0), int)), ValueError, "index"),
    "continuity (0, 2, 3)": (lambda: stateful.check_continuity(np.zeros((0, 2, 3), int)), ValueError, "index"),
    "continuity (2, 0, 3)": (lambda: stateful.check_continuity(np.zeros((2, 0, 3), int)), ValueError, "index"),
    "continuity bool": (lambda: stateful.check_continuity(np.zeros((2, 2, 3), bool)), TypeError, "index"),
    "continuity text": (lambda: stateful.check_continuity(np.full((2, 2, 3), "a")), TypeError, "index"),
    "continuity NaN": (lambda: stateful.check_continuity(np.full((2, 2, 3), np.nan)), ValueError, "index"),
    "step_index 0.5": (lambda: stateful.step_index(np.full((2, 2, 3), 0.5)), ValueError, "index"),
    "trim int": (lambda: stateful.trim_to_multiple(5, batch_size=2), TypeError, "arrays"),
    "trim None": (lambda: stateful.trim_to_multiple(None, batch_size=2), TypeError, "arrays"),
    "trim nothing": (lambda: stateful.trim_to_multiple(batch_size=2), ValueError, "arrays"),
    "trim keep 1": (lambda: stateful.trim_to_multiple(X, batch_size=2, keep=1), TypeError, "keep"),
    "trim batch 2.0": (lambda: stateful.trim_to_multiple(X, batch_size=2.0), TypeError, "batch_size"),
    "trim lengths differ": (lambda: stateful.trim_to_multiple(X, Y[:3], batch_size=2), ValueError, "arrays"),
    "trim fewer than a batch": (lambda: stateful.trim_to_multiple(X, batch_size=5), ValueError, "arrays"),
    # ------------------------------------------------------------------ padding
    "lengths None": (lambda: padding.lengths(None), TypeError, "sequences"),
    "lengths empty seq": (lambda: padding.lengths([[1], []]), ValueError, "sequences[1]"),
    "pad value nan": (lambda: padding.pad([[1.0]], value=float("nan")), ValueError, "value"),
    "pad value inf": (lambda: padding.pad([[1.0]], value=float("inf")), ValueError, "value"),
    "pad value overflows float32": (lambda: padding.pad([[1.0], [1.0, 2.0]], value=BIG), ValueError, "value"),
    "pad value beyond int32": (lambda: padding.pad([[1], [1, 2]], value=2**40), ValueError, "value"),
    "pad value 0.5 for ids": (lambda: padding.pad([[1], [1, 2]], value=0.5), ValueError, "value"),
    "pad value str": (lambda: padding.pad([[1.0]], value="0"), TypeError, "value"),
    "pad ids beyond int32": (lambda: padding.pad([[2**40], [1]]), ValueError, "sequences"),
    "pad padding None": (lambda: padding.pad([[1.0]], padding=None), TypeError, "padding"),
    "pad truncating 'left'": (lambda: padding.pad([[1.0]], truncating="left"), ValueError, "truncating"),
    "pad maxlen True": (lambda: padding.pad([[1.0]], maxlen=True), TypeError, "maxlen"),
    "pad NaN data": (lambda: padding.pad([[1.0, np.nan]]), ValueError, "sequences[0]"),
    "step_mask None": (lambda: padding.step_mask(None), TypeError, "x"),
    "step_mask str": (lambda: padding.step_mask("abc"), TypeError, "x"),
    "step_mask text array": (lambda: padding.step_mask(np.full((2, 3), "a")), TypeError, "x"),
    "step_mask 1-D": (lambda: padding.step_mask(np.zeros(3)), ValueError, "x"),
    "step_mask (2, 0, 1)": (lambda: padding.step_mask(np.zeros((2, 0, 1))), ValueError, "x"),
    "step_mask value str": (lambda: padding.step_mask(X, "0"), TypeError, "mask_value"),
    "step_mask value nan": (lambda: padding.step_mask(X, np.nan), ValueError, "mask_value"),
    "collisions value None": (lambda: padding.collisions([[1.0]], None), TypeError, "mask_value"),
    "unpadded model str": (lambda: padding.unpadded_outputs("model", [[1.0]]), TypeError, "model"),
    "unpadded ragged outputs": (
        lambda: padding.unpadded_outputs(lambda b: b, [[1.0], [1.0, 2.0]]),
        ValueError,
        "model",
    ),
    "padding_stats None": (lambda: padding.padding_stats(None), TypeError, "lengths"),
    "padding_stats str": (lambda: padding.padding_stats("123"), TypeError, "lengths"),
    "padding_stats empty": (lambda: padding.padding_stats([]), ValueError, "lengths"),
    "padding_stats 0": (lambda: padding.padding_stats([0, 2]), ValueError, "lengths"),
    "padding_stats float": (lambda: padding.padding_stats([1.5, 2]), TypeError, "lengths"),
    "padding_stats strategy int": (lambda: padding.padding_stats([1, 2], strategy=3), TypeError, "strategy"),
    "padding_stats batch 0": (lambda: padding.padding_stats([1, 2], batch_size=0), ValueError, "batch_size"),
    "batch_masks array": (lambda: padding.batch_masks(X), TypeError, "dataset"),
    "batch_masks list of 1-D": (lambda: padding.batch_masks([np.zeros(3)]), ValueError, "dataset"),
    "batch_masks dict": (lambda: padding.batch_masks({"x": X}), TypeError, "dataset"),
    "batch_masks repeat()": (lambda: padding.batch_masks(WINDOWS_DS.repeat()), ValueError, "dataset"),
    "batch_masks unknown length, endless": (
        lambda: padding.batch_masks(WINDOWS_DS.repeat().filter(lambda x, y: True), max_batches=50),
        ValueError,
        "dataset",
    ),
    "batch_masks unbatched windows": (lambda: padding.batch_masks(WINDOWS_DS.unbatch()), ValueError, "dataset"),
    "batch_masks unbatched sequences": (lambda: padding.batch_masks(SEQ_DS), ValueError, "dataset"),
    "batch_masks empty": (lambda: padding.batch_masks(WINDOWS_DS.take(0)), ValueError, "dataset"),
    "batch_masks value str": (lambda: padding.batch_masks(WINDOWS_DS, mask_value="0"), TypeError, "mask_value"),
    "mask_stats strategy None": (
        lambda: padding.mask_stats([np.ones((2, 3), bool)], strategy=None),
        TypeError,
        "strategy",
    ),
    "mask_stats empty mask": (
        lambda: padding.mask_stats([np.ones((0, 3), bool)], strategy="s"),
        ValueError,
        "masks[0]",
    ),
    "mask_stats float masks": (lambda: padding.mask_stats([np.ones((2, 3))], strategy="s"), TypeError, "masks[0]"),
    "mask_stats none": (lambda: padding.mask_stats([], strategy="s"), ValueError, "masks"),
    "check_cudnn_mask None": (lambda: padding.check_cudnn_mask(None), TypeError, "mask"),
    "check_cudnn_mask ints": (lambda: padding.check_cudnn_mask(np.ones((2, 3), int)), TypeError, "mask"),
    "check_cudnn_mask (2, 0)": (lambda: padding.check_cudnn_mask(np.ones((2, 0), bool)), ValueError, "mask"),
    "as_mask_list str": (lambda: padding.as_mask_list("abc"), TypeError, "masks"),
    # ------------------------------------------------------------------ pipelines
    "from_arrays x list of str": (lambda: pipelines.from_arrays([[["a"]]], Y[:1]), TypeError, "x"),
    "from_arrays x (4, 5, 0)": (lambda: pipelines.from_arrays(np.zeros((4, 5, 0)), Y), ValueError, "x"),
    "from_arrays x overflow": (lambda: pipelines.from_arrays(np.full((4, 5, 1), BIG), Y), ValueError, "x"),
    "from_arrays y NaN": (lambda: pipelines.from_arrays(X, np.full((4, 1), np.nan)), ValueError, "y"),
    "from_arrays y overflow": (lambda: pipelines.from_arrays(X, np.full((4, 1), BIG)), ValueError, "y"),
    "from_arrays y None": (lambda: pipelines.from_arrays(X, None), TypeError, "y"),
    "from_arrays y str": (lambda: pipelines.from_arrays(X, "abcd"), TypeError, "y"),
    "from_arrays y dict": (lambda: pipelines.from_arrays(X, {"a": Y}), TypeError, "y"),
    "from_arrays y short": (lambda: pipelines.from_arrays(X, Y[:3]), ValueError, "y"),
    "from_arrays batch True": (lambda: pipelines.from_arrays(X, Y, batch_size=True), TypeError, "batch_size"),
    "from_arrays shuffle 'no'": (lambda: pipelines.from_arrays(X, Y, shuffle="no"), TypeError, "shuffle"),
    "from_arrays seed -1": (lambda: pipelines.from_arrays(X, Y, seed=-1), ValueError, "seed"),
    "from_arrays drop 1": (lambda: pipelines.from_arrays(X, Y, drop_remainder=1), TypeError, "drop_remainder"),
    "from_arrays empty": (
        lambda: pipelines.from_arrays(np.zeros((4, 5, 1)), Y, batch_size=5, drop_remainder=True),
        ValueError,
        "batch_size",
    ),
    "from_series None": (lambda: pipelines.from_series(None, 3), TypeError, "series"),
    "from_series horizon": (lambda: pipelines.from_series(SERIES, 3, horizon=40), ValueError, "horizon"),
    "steps_per_epoch float": (lambda: pipelines.steps_per_epoch(100.0, 32), TypeError, "n_samples"),
    "steps_per_epoch batch 0": (lambda: pipelines.steps_per_epoch(100, 0), ValueError, "batch_size"),
    "steps_per_epoch drop None": (
        lambda: pipelines.steps_per_epoch(100, 32, drop_remainder=None),
        TypeError,
        "drop_remainder",
    ),
    "batch_sizes array": (lambda: pipelines.batch_sizes(X), TypeError, "dataset"),
    "batch_sizes repeat()": (lambda: pipelines.batch_sizes(WINDOWS_DS.repeat()), ValueError, "dataset"),
    "batch_sizes unknown length, endless": (
        lambda: pipelines.batch_sizes(WINDOWS_DS.repeat().filter(lambda x, y: True), max_batches=50),
        ValueError,
        "dataset",
    ),
    "batch_sizes unbatched": (lambda: pipelines.batch_sizes(WINDOWS_DS.unbatch()), ValueError, "dataset"),
    "batch_sizes max_batches 0": (lambda: pipelines.batch_sizes(WINDOWS_DS, max_batches=0), ValueError, "max_batches"),
    "SimulatedLoad str": (lambda: pipelines.SimulatedLoad("0.1"), TypeError, "delay"),
    "SimulatedLoad -1": (lambda: pipelines.SimulatedLoad(-1), ValueError, "delay"),
    "to_dataset targets str": (lambda: pipelines.to_dataset([[1.0]], "a"), TypeError, "targets"),
    "to_dataset targets NaN": (lambda: pipelines.to_dataset([[1.0]], [np.nan]), ValueError, "targets"),
    "to_dataset targets overflow": (lambda: pipelines.to_dataset([[1.0]], [BIG]), ValueError, "targets"),
    "to_dataset targets count": (lambda: pipelines.to_dataset([[1.0], [2.0]], [1.0]), ValueError, "targets"),
    "to_dataset ids beyond int32": (lambda: pipelines.to_dataset([[2**40]]), ValueError, "sequences"),
    "to_dataset None": (lambda: pipelines.to_dataset(None), TypeError, "sequences"),
    "check_buckets unsorted": (lambda: pipelines.check_buckets([20, 10], [1, 1, 1]), ValueError, "boundaries"),
    "check_buckets sizes count": (lambda: pipelines.check_buckets([20], [1]), ValueError, "batch_sizes"),
    "check_buckets sizes float": (lambda: pipelines.check_buckets([20], [1, 2.0]), TypeError, "batch_sizes"),
    "check_buckets max_length str": (
        lambda: pipelines.check_buckets([20], [1, 1], max_length="5"),
        TypeError,
        "max_length",
    ),
    "check_buckets flag 'no'": (
        lambda: pipelines.check_buckets([20], [1, 1], pad_to_bucket_boundary="no"),
        TypeError,
        "pad_to_bucket_boundary",
    ),
    "bucket_dataset padding nan": (
        lambda: pipelines.bucket_dataset([[1.0]], boundaries=[2], batch_sizes=[1, 1], padding_value=np.nan),
        ValueError,
        "padding_value",
    ),
    "bucket_dataset padding overflow": (
        lambda: pipelines.bucket_dataset([[1.0]], boundaries=[2], batch_sizes=[1, 1], padding_value=BIG),
        ValueError,
        "padding_value",
    ),
    "bucket_dataset padding beyond int32": (
        lambda: pipelines.bucket_dataset([[1]], boundaries=[2], batch_sizes=[1, 1], padding_value=2**40),
        ValueError,
        "padding_value",
    ),
    "bucket_dataset batched data": (
        lambda: pipelines.bucket_dataset(WINDOWS_DS.map(lambda x, y: x), boundaries=[2], batch_sizes=[1, 1]),
        ValueError,
        "data",
    ),
    "bucket_dataset drop 'no'": (
        lambda: pipelines.bucket_dataset([[1.0]], boundaries=[2], batch_sizes=[1, 1], drop_remainder="no"),
        TypeError,
        "drop_remainder",
    ),
    "bucket_dataset data None": (
        lambda: pipelines.bucket_dataset(None, boundaries=[2], batch_sizes=[1, 1]),
        TypeError,
        "sequences",
    ),
    # ------------------------------------------------------------------ models
    "walk_layers str": (lambda: models.walk_layers("model"), TypeError, "model"),
    "walk_layers halves 'no'": (lambda: models.walk_layers(STATELESS, halves="no"), TypeError, "halves"),
    "is_stateful str": (lambda: models.is_stateful("lstm"), TypeError, "layer"),
    "stateful_layers None": (lambda: models.stateful_layers(None), TypeError, "model"),
    "reset_all stateless": (lambda: models.reset_all(STATELESS), ValueError, "model"),
    "reset_all str": (lambda: models.reset_all("model"), TypeError, "model"),
    "states str": (lambda: models.states("model"), TypeError, "model"),
    "state_size None": (lambda: models.state_size(None), TypeError, "model"),
    "ResetStates 0": (lambda: models.ResetStates(0), ValueError, "every_batches"),
    "ResetStates str": (lambda: models.ResetStates("2"), TypeError, "every_batches"),
    "ResetStates True": (lambda: models.ResetStates(True), TypeError, "every_batches"),
    "reset_rows stateless": (lambda: models.reset_rows(STATELESS, [0]), ValueError, "model"),
    "reset_rows str model": (lambda: models.reset_rows("model", [0]), TypeError, "model"),
    "reset_rows floats": (lambda: models.reset_rows(STATEFUL, [0.5]), TypeError, "rows"),
    "reset_rows str": (lambda: models.reset_rows(STATEFUL, "0"), TypeError, "rows"),
    "reset_rows out of range": (lambda: models.reset_rows(STATEFUL, [5]), ValueError, "rows"),
    "ResetRows str": (lambda: models.ResetRows("abc"), TypeError, "starts"),
    "ResetRows floats": (lambda: models.ResetRows(np.zeros((2, 2))), TypeError, "starts"),
    "ResetRows empty": (lambda: models.ResetRows(np.zeros((0, 2), bool)), ValueError, "starts"),
    "inference_twin str": (lambda: models.inference_twin("model"), TypeError, "model"),
    "inference_twin batch 0": (lambda: models.inference_twin(STATEFUL, 0), ValueError, "batch_size"),
    "inference_twin batch 1.0": (lambda: models.inference_twin(STATEFUL, 1.0), TypeError, "batch_size"),
    "inference_twin None stateful": (lambda: models.inference_twin(STATEFUL, None), ValueError, "batch_size"),
    "inference_twin stateless 'no'": (lambda: models.inference_twin(STATEFUL, stateless="no"), TypeError, "stateless"),
    "inference_twin timesteps 0": (lambda: models.inference_twin(STATEFUL, timesteps=0), ValueError, "timesteps"),
    "predict_chunks str": (lambda: models.predict_chunks(STATEFUL, "abc"), TypeError, "x"),
    "predict_chunks None": (lambda: models.predict_chunks(STATEFUL, None), TypeError, "x"),
    "predict_chunks 3-D": (lambda: models.predict_chunks(STATEFUL, X), ValueError, "x"),
    "predict_chunks no batches": (lambda: models.predict_chunks(STATEFUL, np.zeros((0, 2, 3, 1))), ValueError, "x"),
    "predict_chunks (1, 2, 0, 1)": (lambda: models.predict_chunks(STATEFUL, np.zeros((1, 2, 0, 1))), ValueError, "x"),
    "predict_chunks NaN": (lambda: models.predict_chunks(STATEFUL, np.full((1, 2, 3, 1), np.nan)), ValueError, "x"),
    "predict_chunks wrong rows": (lambda: models.predict_chunks(STATEFUL, np.zeros((1, 3, 3, 1))), ValueError, "x"),
    "predict_chunks model str": (lambda: models.predict_chunks("m", np.zeros((1, 2, 3, 1))), TypeError, "model"),
    "predict_chunks reset 'no'": (
        lambda: models.predict_chunks(STATEFUL, np.zeros((1, 2, 3, 1)), reset="no"),
        TypeError,
        "reset",
    ),
    "layer_shapes str": (lambda: models.layer_shapes("model"), TypeError, "model"),
    # ------------------------------------------------------------------ diagnose
    "diagnose model str": (lambda: diagnose.diagnose("model", X), TypeError, "model"),
    "diagnose x None": (lambda: diagnose.diagnose(STATELESS, None), TypeError, "x"),
    "diagnose x str": (lambda: diagnose.diagnose(STATELESS, "abc"), TypeError, "x"),
    "diagnose batch 2.0": (lambda: diagnose.diagnose(STATELESS, X, batch_size=2.0), TypeError, "batch_size"),
    "diagnose batch 0": (lambda: diagnose.diagnose(STATELESS, X, batch_size=0), ValueError, "batch_size"),
    "diagnose unbatched": (lambda: diagnose.diagnose(STATELESS, WINDOWS_DS.unbatch()), ValueError, "x"),
    "diagnose empty dataset": (lambda: diagnose.diagnose(STATELESS, WINDOWS_DS.take(0)), ValueError, "x"),
    "diagnose y with a dataset": (lambda: diagnose.diagnose(STATELESS, WINDOWS_DS, Y), TypeError, "y"),
    "explain_error str": (lambda: diagnose.explain_error("oops"), TypeError, "err"),
    "attempt int": (lambda: diagnose.attempt(3), TypeError, "fn"),
    # ------------------------------------------------------------------ distribute
    "split_cpu 0": (lambda: distribute.split_cpu(0), ValueError, "n_devices"),
    "split_cpu str": (lambda: distribute.split_cpu("2"), TypeError, "n_devices"),
    "describe_strategy str": (lambda: distribute.describe_strategy("mirrored"), TypeError, "strategy"),
    "per_replica_batch_sizes float": (
        lambda: distribute.per_replica_batch_sizes(64.0, 70, 2),
        TypeError,
        "global_batch",
    ),
    "per_replica_batch_sizes 0 replicas": (
        lambda: distribute.per_replica_batch_sizes(64, 70, 0),
        ValueError,
        "n_replicas",
    ),
    "per_replica_batch_sizes drop 'no'": (
        lambda: distribute.per_replica_batch_sizes(64, 70, 2, drop_remainder="no"),
        TypeError,
        "drop_remainder",
    ),
    "per_replica_batch_sizes 2**40 samples": (
        lambda: distribute.per_replica_batch_sizes(1, 2**40, 2),
        ValueError,
        "n_samples",
    ),
    "per_replica_batch uneven": (lambda: distribute.per_replica_batch(64, 3), ValueError, "global_batch"),
    "per_replica_batch str": (lambda: distribute.per_replica_batch(64, "2"), TypeError, "n_replicas"),
    "scale_lr rule int": (lambda: distribute.scale_learning_rate(0.01, 32, 64, rule=1), TypeError, "rule"),
    "scale_lr rule word": (lambda: distribute.scale_learning_rate(0.01, 32, 64, rule="log"), ValueError, "rule"),
    "scale_lr inf": (lambda: distribute.scale_learning_rate(float("inf"), 32, 64), ValueError, "base_lr"),
    "scale_lr 0": (lambda: distribute.scale_learning_rate(0.0, 32, 64), ValueError, "base_lr"),
    "measured strategy str": (lambda: distribute.measured_batch_sizes("s", WINDOWS_DS), TypeError, "strategy"),
    "measured dataset array": (
        lambda: distribute.measured_batch_sizes(tf.distribute.get_strategy(), X),
        TypeError,
        "dataset",
    ),
    "measured repeat()": (
        lambda: distribute.measured_batch_sizes(tf.distribute.get_strategy(), WINDOWS_DS.repeat()),
        ValueError,
        "dataset",
    ),
    "measured unbatched": (
        lambda: distribute.measured_batch_sizes(tf.distribute.get_strategy(), WINDOWS_DS.unbatch()),
        ValueError,
        "dataset",
    ),
    # ------------------------------------------------------------------ plots
    "plot_batch series None": (lambda: plots.plot_batch_on_series(None, 3), TypeError, "series"),
    "plot_batch timesteps str": (lambda: plots.plot_batch_on_series(SERIES, "3"), TypeError, "timesteps"),
    "plot_batch start -1": (lambda: plots.plot_batch_on_series(SERIES, 3, start=-1), ValueError, "start"),
    "plot_batch names int": (
        lambda: plots.plot_batch_on_series(SERIES, 3, feature_names=3),
        TypeError,
        "feature_names",
    ),
    "plot_batch names str": (
        lambda: plots.plot_batch_on_series(SERIES, 3, feature_names="a"),
        TypeError,
        "feature_names",
    ),
    "plot_batch feature 1": (lambda: plots.plot_batch_on_series(SERIES, 3, feature=1), ValueError, "feature"),
    "plot_batch too many": (lambda: plots.plot_batch_on_series(SERIES, 3, batch_size=40), ValueError, "batch_size"),
    "plot_loss None": (lambda: plots.plot_loss_curves(None), TypeError, "history"),
    "plot_loss no loss": (lambda: plots.plot_loss_curves({"acc": [1.0]}), ValueError, "history"),
    "plot_loss NaN": (lambda: plots.plot_loss_curves({"loss": [1.0, np.nan]}), ValueError, "history['loss']"),
    "plot_loss empty": (lambda: plots.plot_loss_curves({"loss": []}), ValueError, "history['loss']"),
    "plot_loss log 1": (lambda: plots.plot_loss_curves({"loss": [1.0]}, log=1), TypeError, "log"),
    "plot_timings {}": (lambda: plots.plot_timings({}), ValueError, "timings"),
    "plot_timings list": (lambda: plots.plot_timings([0.1]), TypeError, "timings"),
    "plot_timings negative": (lambda: plots.plot_timings({"a": [-1.0]}), ValueError, "timings['a']"),
    "plot_timings spread": (lambda: plots.plot_timings({"a": [1.0]}, spread="sd"), ValueError, "spread"),
    "plot_replica max_rows 1": (lambda: plots.plot_replica_split(64, 2, 70, max_rows=1), ValueError, "max_rows"),
    "plot_replica n_replicas 0": (lambda: plots.plot_replica_split(64, 0, 70), ValueError, "n_replicas"),
    "plot_replica drop, nothing": (
        lambda: plots.plot_replica_split(64, 2, 10, drop_remainder=True),
        ValueError,
        "n_samples",
    ),
    "plot_window_layout str": (lambda: plots.plot_window_layout("layout"), TypeError, "layout"),
    "plot_stream_layout None": (lambda: plots.plot_stream_layout(None), TypeError, "layout"),
    "plot_layout None": (lambda: plots.plot_layout(None), TypeError, "layout"),
    "plot_layout labels int": (
        lambda: plots.plot_layout(stateful.split_streams(SERIES, 2, 3), row_labels=3),
        TypeError,
        "row_labels",
    ),
    "plot_layout labels count": (
        lambda: plots.plot_layout(stateful.split_streams(SERIES, 2, 3), row_labels=["a"]),
        ValueError,
        "row_labels",
    ),
    "plot_masks {}": (lambda: plots.plot_masks({}), ValueError, "panels"),
    "plot_masks str": (lambda: plots.plot_masks("abc"), TypeError, "panels"),
    "plot_masks float": (lambda: plots.plot_masks({"a": [np.ones((2, 3))]}), TypeError, "panels['a'][0]"),
    "close str": (lambda: plots.close("figure"), TypeError, "fig"),
    "close None": (lambda: plots.close(None), TypeError, "fig"),
    # ------------------------------------------------------------------ session
    "start seed str": (lambda: session.start("42"), TypeError, "seed"),
    "start seed -1": (lambda: session.start(-1), ValueError, "seed"),
    # ------------------------------------------------------------------ explore (argument checks)
    "window_layout str": (lambda: explore.window_layout("10", 3), TypeError, "n_steps"),
    "window_layout horizon": (lambda: explore.window_layout(10, 3, horizon=10), ValueError, "n_steps"),
    "window_layout drop 'no'": (lambda: explore.window_layout(10, 3, drop_remainder="no"), TypeError, "drop_remainder"),
    "explore_windows interactive 1": (lambda: explore.explore_windows(SERIES, interactive=1), TypeError, "interactive"),
    "stream_layout layout": (lambda: explore.stream_layout(30, 2, 3, layout="rows"), ValueError, "layout"),
    "stream_layout horizon": (lambda: explore.stream_layout(30, 2, 3, horizon=40), ValueError, "horizon"),
    "explore_streams interactive 'no'": (
        lambda: explore.explore_streams(SERIES, interactive="no"),
        TypeError,
        "interactive",
    ),
    "bucket_layout lengths str": (lambda: explore.bucket_layout("123"), TypeError, "lengths"),
    "bucket_layout boundaries str": (lambda: explore.bucket_layout([1, 2], "20"), TypeError, "boundaries"),
    "bucket_layout batch 0": (lambda: explore.bucket_layout([1, 2], [2], 0), ValueError, "batch_size"),
    "explore_buckets interactive None-ish": (
        lambda: explore.explore_buckets([1, 2], interactive=0),
        TypeError,
        "interactive",
    ),
    # ------------------------------------------------------------------ backends (argument checks only)
    "available int": (lambda: backends.available(3), TypeError, "backend"),
    "available pytorch": (lambda: backends.available("pytorch"), ValueError, "backend"),
    "error_text str": (lambda: backends.error_text("oops"), TypeError, "err"),
    "error_text limit 0": (lambda: backends.error_text(ValueError("x"), limit=0), ValueError, "limit"),
    "error_text limit str": (lambda: backends.error_text(ValueError("x"), limit="9"), TypeError, "limit"),
    "run lambda": (lambda: backends.run(lambda: 1, "tensorflow"), TypeError, "fn"),
    "run backend None": (lambda: backends.run(session.start, None), TypeError, "backend"),
    "run timeout 0": (lambda: backends.run(backends.probe_versions, "tensorflow", timeout=0), ValueError, "timeout"),
    "run env list": (lambda: backends.run(backends.probe_versions, "tensorflow", env=["A=1"]), TypeError, "env"),
    "compare str": (lambda: backends.compare(backends.probe_versions, "jax"), TypeError, "backends"),
    "compare empty": (lambda: backends.compare(backends.probe_versions, []), ValueError, "backends"),
    "start str": (lambda: backends.start("jax"), TypeError, "backends"),
    "show int": (lambda: backends.show(3), TypeError, "fn"),
    "seeded_weights str": (lambda: backends.seeded_weights("model"), TypeError, "model"),
    "seeded_weights seed str": (lambda: backends.seeded_weights(STATELESS, seed="0"), TypeError, "seed"),
    "seeded_weights scale 0": (lambda: backends.seeded_weights(STATELESS, scale=0), ValueError, "scale"),
    "matrix str": (lambda: backends.matrix("jax"), TypeError, "names"),
    "matrix unknown": (lambda: backends.matrix(["pytorch"]), ValueError, "names"),
    "markdown_table int": (lambda: backends.markdown_table(3), TypeError, "table"),
    "markdown_table empty": (lambda: backends.markdown_table({}), ValueError, "table"),
    "markdown_table when str": (
        lambda: backends.markdown_table({"a": {"jax": "ok"}}, when="2026-01-01"),
        TypeError,
        "when",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_by_name(name):
    call, err, arg = CASES[name]
    refuses(call, err, arg)


def test_every_public_function_has_a_bad_input_case():
    """Each public function or class of every helpers module appears in at least one case above."""
    import inspect

    source = inspect.getsource(inspect.getmodule(test_every_public_function_has_a_bad_input_case))
    modules = {
        "validate": validate,
        "report": report,
        "data": data,
        "windows": windows,
        "shapes": shapes,
        "stateful": stateful,
        "padding": padding,
        "pipelines": pipelines,
        "models": models,
        "diagnose": diagnose,
        "distribute": distribute,
        "plots": plots,
        "session": session,
    }
    no_arguments = {
        "session.check_environment",
        "session.silence_fd2",
        "pipelines.EpochLog",
        "models.StateLog",
        "models.ResetForValidation",
        "distribute.BatchSizeProbe",
        "report.ERROR",
        "report.WARNING",
        "diagnose.Diagnosis",
        "stateful.StatefulBatches",
        "windows.Split",
        "padding.PaddingStats",
        "data.Series",
        "report.Report",
        "report.Finding",
        "stateful.PackedBatches",
    }
    missing = []
    for mod_name, mod in modules.items():
        for name, obj in vars(mod).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) != mod.__name__ or f"{mod_name}.{name}" in no_arguments:
                continue
            if f"{mod_name}.{name}(" not in source:
                missing.append(f"{mod_name}.{name}")
    assert not missing, f"no adversarial case for {missing}"


# ---------------------------------------------------------------------------------------------- accepted inputs


def test_numpy_scalars_are_accepted_where_python_ones_are():
    x, _ = windows.make_windows(SERIES, np.int64(3), horizon=np.int32(1), stride=np.int64(2))
    assert x.shape == (19, 3, 1)
    assert windows.count_windows(np.int64(10), np.int8(3)) == 7
    split = windows.chronological_split(
        np.arange(90.0) % 7, train=np.float32(0.7), val=np.float64(0.15), scale=np.bool_(True)
    )
    assert len(split.train) == 63
    assert pipelines.steps_per_epoch(np.int64(100), np.int32(32), drop_remainder=np.bool_(True)) == 3
    assert padding.pad([[1.0], [1.0, 2.0]], maxlen=np.int64(2), value=np.float32(-1.0)).tolist() == [
        [1.0, -1.0],
        [1.0, 2.0],
    ]
    assert distribute.per_replica_batch_sizes(np.int64(64), np.int64(70), np.int8(2)) == [(32, 32), (3, 3)]
    assert distribute.scale_learning_rate(np.float32(0.5), np.int64(32), np.int64(64)) == 1.0
    assert stateful.split_streams(SERIES, np.int64(2), np.int64(3), horizon=np.int64(1)).batch_size == 2
    assert len(data.long_tail_sequences(np.int64(3), seed=np.int64(4))[0]) == 3
    assert diagnose.diagnose(STATELESS, np.zeros((4, 3, 1), np.float32), batch_size=np.int64(2)).ok
    assert models.inference_twin(STATEFUL, np.int64(1)).inputs[0].shape[0] == 1


def test_a_finite_dataset_of_unknown_length_is_read_to_its_end():
    ds = WINDOWS_DS.filter(lambda x, y: True)  # cardinality UNKNOWN, but finite
    assert ds.cardinality() == tf.data.UNKNOWN_CARDINALITY
    assert pipelines.batch_sizes(ds) == [2, 2]
    assert len(padding.batch_masks(ds)) == 2


def test_split_streams_counts_every_step_it_does_not_use():
    # a horizon longer than the inputs leaves a gap between inputs and targets: those steps are dropped too
    b = stateful.split_streams(np.arange(30.0), 1, 2, horizon=20)
    used = set(b.index.ravel().tolist()) | set((b.index + b.horizon).ravel().tolist())
    assert b.dropped == 30 - len(used) == 10
    assert "and 10 between the inputs and their targets" in b.note
    s = stateful.stack_series([np.arange(30.0), np.arange(30.0)], 2, horizon=20)
    used = set(s.index[:, 0].ravel().tolist()) | set((s.index[:, 0] + 20).ravel().tolist())
    assert s.dropped == 30 - len(used)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(2, 100),
    batch=st.integers(1, 6),
    timesteps=st.integers(1, 8),
    horizon=st.integers(1, 30),
    drop=st.sampled_from(["start", "end"]),
)
def test_split_streams_dropped_is_exact(n, batch, timesteps, horizon, drop):
    try:
        b = stateful.split_streams(np.arange(float(n)), batch, timesteps, horizon=horizon, drop=drop)
    except ValueError as err:
        assert str(err).startswith(("series:", "batch_size:", "horizon:")), str(err)
        return
    used = set(b.index.ravel().tolist()) | set((b.index + horizon).ravel().tolist())
    assert max(used) < n and b.dropped == n - len(used)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(3, 10**6), percent=st.integers(1, 98))
def test_split_counts_are_exact_decimal_fractions(n, percent):
    """``train=0.7`` means 7/10 exactly: ``floor(n * 7 / 10)`` steps, whatever float rounding says."""
    train = percent / 100
    val = min(0.01, (99 - percent) / 100)
    try:
        split = windows.chronological_split(np.arange(float(n)), train=train, val=val, scale=False)
    except ValueError:
        return
    assert len(split.train) == n * percent // 100
    assert len(split.val) == math.floor(n * Fraction(str(val)))


@settings(max_examples=100, deadline=None)
@given(n=st.integers(0, 2**62), b=st.integers(1, 2**40), drop=st.booleans())
def test_step_counts_are_integer_exact_at_any_size(n, b, drop):
    assert pipelines.steps_per_epoch(n, b, drop_remainder=drop) == (n // b if drop else -(-n // b))


@settings(max_examples=100, deadline=None)
@given(length=st.integers(0, 2**60), t=st.integers(1, 2**55), h=st.integers(1, 2**55), s=st.integers(1, 2**30))
def test_count_windows_is_integer_exact_at_any_size(length, t, h, s):
    expected = 0 if length < t + h else (length - t - h) // s + 1
    assert windows.count_windows(length, t, horizon=h, stride=s) == expected


@settings(max_examples=80, deadline=None)
@given(
    value=st.one_of(
        st.text(max_size=3), st.integers(), st.none(), st.floats(allow_nan=True), st.lists(st.booleans(), max_size=2)
    )
)
def test_no_flag_is_read_from_anything_but_a_bool(value):
    with pytest.raises(TypeError, match=r"^shuffle: expected True or False"):
        validate.require_flag("shuffle", value)


@settings(max_examples=80, deadline=None)
@given(
    value=st.one_of(
        st.integers(-(2**70), 2**70),
        st.sampled_from([np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64]).map(lambda t: t(7)),
    )
)
def test_every_integer_kind_is_an_int(value):
    assert validate.require_int("n", value) == int(value)


def test_plots_imports_distribute_without_loading_tensorflow():
    """``plots`` imports ``distribute.per_replica_batch_sizes`` at the top; ``distribute`` loads TF only when used."""
    import subprocess
    import sys

    code = (
        "import sys, helpers.plots, helpers.distribute as d; assert 'tensorflow' not in sys.modules; "
        "assert 'keras' not in sys.modules; assert d.per_replica_batch_sizes(64, 70, 2) == [(32, 32), (3, 3)]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
