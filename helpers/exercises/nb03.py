"""Self-checks for the exercises of notebook 03 (stateless batching with tf.data)."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from helpers import pipelines, windows
from helpers.exercises.checks import check_value, exercise
from helpers.report import Report

#: Exercise 1: the training windows of notebook 03 and the batch size asked about.
N_TRAIN, BATCH = 712, 50
#: Exercise 2: the validation batch size.
VAL_BATCH = 64
#: Exercise 3: the window length and the horizon.
TIMESTEPS, HORIZON = 10, 5
#: Exercise 4: the steps to order, and the right order.
STEPS = ("map", "cache", "shuffle", "batch", "prefetch")


@exercise("Exercise 1 (steps per epoch)")
def check_steps(answer, *, label: str) -> Report:
    """Exercise 1: updates per epoch for 712 windows at batch 50, without and with drop_remainder."""
    expected = (
        pipelines.steps_per_epoch(N_TRAIN, BATCH),
        pipelines.steps_per_epoch(N_TRAIN, BATCH, drop_remainder=True),
    )
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return Report(False, f"{label}: expected two numbers (keep_last, drop_last), got {answer!r}.")
    hints = {
        (expected[1], expected[1]): "Without drop_remainder the last, smaller batch (712 - 14*50 = 12 windows) "
        "is a step of its own.",
        (expected[0], expected[0]): "drop_remainder=True throws the incomplete last batch away.",
        (N_TRAIN / BATCH, N_TRAIN / BATCH): "Steps are whole batches: round up (keep) or down (drop).",
    }
    got = tuple(answer)
    return check_value(
        label, got, expected, hint=hints.get(got, "Keep the last batch: ceil(712 / 50). Drop it: 712 // 50.")
    )


@exercise("Exercise 2 (validation dataset)")
def check_validation_dataset(answer: Any, x_val: np.ndarray, y_val: np.ndarray, *, label: str) -> Report:
    """Exercise 2: the validation windows batched by 64, in time order, none dropped."""
    if not isinstance(answer, tf.data.Dataset):
        return Report(
            False,
            f"{label}: expected a tf.data.Dataset, got {type(answer).__name__}.",
            ("pipelines.from_arrays(x_val, y_val, batch_size=...) returns one.",),
        )
    spec = answer.element_spec
    if not isinstance(spec, tuple) or len(spec) != 2:
        return Report(
            False,
            f"{label}: each element should be an (x, y) pair, got {spec}.",
            ("Slice both arrays together: from_tensor_slices((x_val, y_val)).",),
        )
    if spec[0].shape.rank != 3:
        return Report(
            False,
            f"{label}: x has shape {spec[0].shape} per element, not (batch, timesteps, features).",
            ("Batch the dataset: .batch(64).",),
        )
    if answer.cardinality() == tf.data.INFINITE_CARDINALITY:
        return Report(
            False,
            f"{label}: the dataset repeats forever.",
            ("Keras repeats the validation data by itself each epoch: leave out .repeat().",),
        )
    expected = [len(x_val[i : i + VAL_BATCH]) for i in range(0, len(x_val), VAL_BATCH)]
    sizes = pipelines.batch_sizes(answer)
    if sizes != expected:
        if sizes == expected[:-1] or sizes == [VAL_BATCH] * (len(x_val) // VAL_BATCH):
            return Report(
                False,
                f"{label}: batches {sizes}: the last {expected[-1]} windows were dropped.",
                ("Validation must score every window: keep drop_remainder=False.",),
            )
        return Report(
            False,
            f"{label}: batch sizes {sizes}, expected {expected}.",
            (f"Use batch_size={VAL_BATCH} on all {len(x_val)} validation windows.",),
        )
    xs = np.concatenate([x.numpy() for x, _ in answer])
    ys = np.concatenate([y.numpy() for _, y in answer])
    if np.array_equal(xs, x_val.astype(np.float32)) and np.array_equal(ys, y_val.astype(np.float32)):
        return Report(True, f"{label}: correct, batches {sizes}, in time order.")
    if np.array_equal(np.sort(xs, axis=0), np.sort(x_val.astype(np.float32), axis=0)):
        return Report(
            False,
            f"{label}: the right windows, but shuffled.",
            (
                "Never shuffle validation or test data: the loss is the same, but predictions no "
                "longer line up with dates and targets. Use shuffle=False.",
            ),
        )
    return Report(
        False,
        f"{label}: the values are not the validation windows.",
        ("Build it from x_val and y_val (windows of split.val).",),
    )


@exercise("Exercise 3 (horizon 5 with timeseries_dataset_from_array)")
def check_horizon_dataset(answer: Any, series: np.ndarray, *, label: str) -> Report:
    """Exercise 3: windows of 10 days whose target is the value 5 days after the window's last day."""
    if not isinstance(answer, tf.data.Dataset):
        return Report(False, f"{label}: expected a tf.data.Dataset, got {type(answer).__name__}.")
    try:
        xs = np.concatenate([x.numpy() for x, _ in answer])
        ys = np.concatenate([y.numpy() for _, y in answer])
    except (ValueError, TypeError):
        return Report(False, f"{label}: elements should be batched (x, y) pairs, got {answer.element_spec}.")
    x_ok, y_ok = windows.make_windows(series, TIMESTEPS, horizon=HORIZON)
    if xs.ndim == 2 and x_ok.shape[-1] == 1:
        xs = xs[..., np.newaxis]
    ys = ys.reshape(len(ys), -1)
    if xs.shape[1:] != x_ok.shape[1:]:
        return Report(
            False,
            f"{label}: windows of shape {xs.shape[1:]}, expected {x_ok.shape[1:]} (timesteps, features).",
            (f"sequence_length={TIMESTEPS}.",),
        )
    if not np.array_equal(xs[: len(x_ok)], x_ok[: len(xs)].astype(xs.dtype)):
        return Report(
            False,
            f"{label}: the input windows are not series[i : i + {TIMESTEPS}].",
            ("Pass the series itself as data.",),
        )
    if len(xs) == len(x_ok) and np.allclose(ys, y_ok):
        return Report(
            True,
            f"{label}: correct, {len(xs)} windows, target = the value {HORIZON} steps after the window's last step.",
        )
    n = min(len(xs), len(x_ok))
    for h in range(1, 3 * HORIZON):
        _x_h, y_h = windows.make_windows(series, TIMESTEPS, horizon=h)
        m = min(n, len(y_h))
        if np.allclose(ys[:m], y_h[:m]) and h != HORIZON:
            return Report(
                False,
                f"{label}: your targets are {h} step(s) after each window, not {HORIZON}.",
                (
                    f"targets[i] belongs to the window starting at i, and that window's last step is "
                    f"i + {TIMESTEPS - 1}: start targets at series[{TIMESTEPS} + {HORIZON} - 1:].",
                ),
            )
    if np.allclose(ys[:n], y_ok[:n]):
        return Report(
            False,
            f"{label}: {len(xs)} windows, expected {len(x_ok)}.",
            (f"targets=series[{TIMESTEPS + HORIZON - 1}:] and data=series: Keras stops when the targets run out.",),
        )
    return Report(False, f"{label}: the targets do not match series[i + {TIMESTEPS} + {HORIZON} - 1].")


_ORDER_RULES = (
    ("map", "cache", "cache before map stores raw elements, so the costly map still runs every epoch."),
    (
        "cache",
        "shuffle",
        "shuffle before cache: the cache stores the first epoch's order and replays it, so "
        "every epoch sees the same order.",
    ),
    (
        "shuffle",
        "batch",
        "batch before shuffle shuffles whole batches: the same neighbouring windows always share a batch.",
    ),
    (
        "batch",
        "prefetch",
        "prefetch belongs at the very end, so the whole pipeline prepares the next batch "
        "while the model trains on this one.",
    ),
)


@exercise("Exercise 4 (pipeline order)")
def check_pipeline_order(answer, *, label: str) -> Report:
    """Exercise 4: order map, cache, shuffle, batch and prefetch for a costly map and several epochs."""
    if not isinstance(answer, (tuple, list)) or not all(isinstance(s, str) for s in answer):
        return Report(False, f"{label}: expected a list of step names such as ['map', ...], got {answer!r}.")
    got = [s.strip().lower() for s in answer]
    if sorted(got) != sorted(STEPS):
        return Report(False, f"{label}: use each of {list(STEPS)} exactly once, got {got}.")
    if tuple(got) == STEPS:
        return Report(True, f"{label}: correct: {' -> '.join(got)}.")
    problems = [why for first, then, why in _ORDER_RULES if got.index(first) > got.index(then)]
    if got[-1] != "prefetch" and _ORDER_RULES[-1][2] not in problems:
        problems.append(_ORDER_RULES[-1][2])
    return Report(False, f"{label}: {' -> '.join(got)} is not right yet.", tuple(problems))
