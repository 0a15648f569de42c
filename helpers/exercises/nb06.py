"""Self-checks for the exercises of notebook 06 (batch size when training is spread over devices)."""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers import distribute
from helpers.exercises.checks import check_value, exercise
from helpers.report import Report

#: Exercise 1: the training windows of notebook 06, the global batch and the number of replicas
#: (66, a multiple of 3: Keras' fit needs an evenly split first batch, see section 5).
N_TRAIN, GLOBAL_BATCH, REPLICAS = 712, 66, 3
#: Exercise 2: a single-device recipe moved to 8 GPUs, keeping the per-replica batch.
BASE_BATCH, BASE_LR, GPUS = 32, 0.01, 8
#: Exercise 3: independent streams for a stateful LSTM, spread over 2 replicas.
STREAMS, STATEFUL_REPLICAS = 16, 2


def _pair(label: str, answer: Any, what: str) -> Report | None:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return Report(False, f"{label}: expected two values {what}, got {answer!r}.")
    return None


@exercise("Exercise 1 (per-replica batch sizes)")
def check_split(answer: Any, *, label: str) -> Report:
    """Exercise 1: the per-replica sizes of a full step and of the last step (712 windows, 66, 3 replicas)."""
    wrong = _pair(label, answer, "(sizes of a full step, sizes of the last step)")
    if wrong is not None:
        return wrong
    steps = distribute.per_replica_batch_sizes(GLOBAL_BATCH, N_TRAIN, REPLICAS)
    expected = (steps[0], steps[-1])
    try:
        full, last = tuple(int(v) for v in answer[0]), tuple(int(v) for v in answer[1])
    except (TypeError, ValueError):
        return Report(
            False,
            f"{label}: each of the two values should be a tuple of {REPLICAS} whole numbers, "
            f"one per replica, e.g. (1, 2, 3); got {answer!r}.",
        )
    last_size = N_TRAIN - (len(steps) - 1) * GLOBAL_BATCH
    if len(full) != REPLICAS or len(last) != REPLICAS:
        hint = f"There are {REPLICAS} replicas, so each step gives {REPLICAS} sizes."
    elif sum(full) != GLOBAL_BATCH:
        hint = f"A full step shares the global batch of {GLOBAL_BATCH} among the replicas: the sizes add up to it."
    elif sum(last) != last_size:
        hint = f"The last step holds what is left: {N_TRAIN} - {len(steps) - 1} x {GLOBAL_BATCH} = {last_size} windows."
    else:
        hint = (
            f"As measured in section 3: each batch of r windows is cut into consecutive pieces of "
            f"ceil(r / {REPLICAS}), replica 0 first; the last replica gets what is left (not an even split)."
        )
    return check_value(label, (full, last), expected, hint=hint)


@exercise("Exercise 2 (global batch and learning rate)")
def check_scaled_setup(answer: Any, *, label: str) -> Report:
    """Exercise 2: (global batch, learning rate) for 8 GPUs at 32 per GPU, from batch 32 and lr 0.01."""
    wrong = _pair(label, answer, "(global batch, learning rate)")
    if wrong is not None:
        return wrong
    global_batch = BASE_BATCH * GPUS
    expected_lr = distribute.scale_learning_rate(BASE_LR, BASE_BATCH, global_batch)
    batch, lr = answer
    numbers = (int, float, np.integer, np.floating)
    if not all(isinstance(v, numbers) and not isinstance(v, bool) for v in (batch, lr)):
        return Report(False, f"{label}: expected two numbers (global batch, learning rate), got {answer!r}.")
    if batch == BASE_BATCH:
        hint = f"Each of the {GPUS} GPUs still gets {BASE_BATCH} windows, so one step consumes {GPUS} x {BASE_BATCH}."
    elif batch == global_batch and lr == BASE_LR:
        hint = (
            f"The global batch is right. With the same learning rate each epoch makes {GPUS} times fewer "
            f"updates: the linear rule multiplies the rate by global / base batch."
        )
    else:
        hint = "Global batch = per-replica batch x replicas; learning rate = base rate x global batch / base batch."
    report = check_value(label, batch, global_batch, hint=hint)
    if not report.ok:
        return Report(False, f"{label}: {answer!r} is not right yet.", report.lines)
    report = check_value(label, lr, expected_lr, hint=hint)
    if not report.ok:
        return Report(False, f"{label}: {answer!r} is not right yet.", report.lines)
    return Report(True, f"{label}: correct ({batch}, {lr!r}).")


@exercise("Exercise 3 (stateful batch sizes)")
def check_stateful_batches(answer: Any, *, label: str) -> Report:
    """Exercise 3: (batch in keras.Input(batch_shape=...), batch of the dataset) for 16 streams on 2 replicas."""
    wrong = _pair(label, answer, "(batch in keras.Input(batch_shape=...), batch of the dataset)")
    if wrong is not None:
        return wrong
    expected = (distribute.per_replica_batch(STREAMS, STATEFUL_REPLICAS), STREAMS)
    layer_batch, data_batch = answer
    if layer_batch == STREAMS:
        hint = (
            f"The layer runs on each replica and sees only that replica's piece of the batch, so its state "
            f"has room for {STREAMS} / {STATEFUL_REPLICAS} streams (section 7: 'Expected batch size')."
        )
    elif data_batch != STREAMS:
        hint = (
            f"One global batch must hold one chunk of every stream, so the dataset is batched with "
            f"{STREAMS} (and drop_remainder=True)."
        )
    else:
        hint = "The Input declares the per-replica batch; the dataset uses the global batch."
    return check_value(label, tuple(answer), expected, hint=hint)
