"""Self-checks for the exercises of notebook 07 (the same batching on every Keras 3 backend)."""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.exercises.checks import check_value, exercise
from helpers.report import Report

#: Exercise 1: the ways of running a stateful model that notebook 07 measured.
CALLS = ("model(x)", "predict", "predict_on_batch", "evaluate", "train_on_batch", "fit")
#: ... and the ones that carry the state on the JAX backend (Keras 3.15.1, measured).
JAX_CARRIES = frozenset({"model(x)"})
#: Exercise 2: (samples, batch size) pairs to judge, with DataParallel on 2 devices. An even batch
#: size alone is not enough: the classic wrong answer {(50, 6), (51, 6), (48, 10), (49, 8)} forgets
#: the last batch, which an odd number of samples always leaves odd.
PAIRS, DEVICES = ((50, 6), (51, 6), (48, 10), (49, 8), (50, 7)), 2


def data_parallel_trains(n_samples: int, batch_size: int, devices: int = DEVICES) -> bool:
    """Does ``fit`` run under ``keras.distribution.DataParallel`` (JAX) with this batch size?

    Every batch, the last one included, is split into ``devices`` equal pieces, so the batch size
    and the size of the last batch must both be multiples of ``devices`` (measured in notebook 07).
    That is the same as: the batch size and the number of samples are multiples of ``devices``.

    >>> data_parallel_trains(20, 8), data_parallel_trains(17, 8), data_parallel_trains(17, 16)
    (True, False, False)
    """
    last = n_samples % batch_size
    return batch_size % devices == 0 and last % devices == 0


@exercise("Exercise 1 (stateful calls on JAX)")
def check_jax_calls(answer: Any, *, label: str) -> Report:
    """Exercise 1: which calls carry a stateful LSTM's state on the JAX backend?"""
    if isinstance(answer, str):
        answer = {answer}
    if not isinstance(answer, (set, frozenset, list, tuple)) or not all(isinstance(a, str) for a in answer):
        return Report(False, f"{label}: expected a set of names such as {{'predict', 'fit'}}, got {answer!r}.")
    unknown = sorted(set(answer) - set(CALLS))
    if unknown:
        return Report(False, f"{label}: {unknown} is not one of the calls measured: {', '.join(CALLS)}.")
    chosen = set(answer)
    if chosen == JAX_CARRIES:
        return Report(True, f"{label}: correct ({sorted(chosen)}).")
    if chosen == set(CALLS):
        hint = "That is TensorFlow (and PyTorch). Look at the JAX column of section 3.1: most rows stay at 0.0."
    elif not chosen:
        hint = "One way does carry it: the eager call that runs outside any compiled function."
    elif chosen - JAX_CARRIES:
        hint = (
            f"{sorted(chosen - JAX_CARRIES)} run a compiled, stateless function on JAX: the state it "
            f"computes is dropped, so the state variables stay at 0.0."
        )
    else:
        hint = "Check the table of section 3.1 again."
    return Report(False, f"{label}: {sorted(chosen)} is not right yet.", (hint,))


def _pair(item: Any) -> tuple[int, int] | None:
    if (
        isinstance(item, (tuple, list))
        and len(item) == 2
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in item)
    ):
        return int(item[0]), int(item[1])
    return None


@exercise("Exercise 2 (samples and batch sizes on two devices)")
def check_batch_sizes(answer: Any, *, label: str) -> Report:
    """Exercise 2: which (samples, batch size) pairs let fit run under DataParallel on 2 devices?"""
    if _pair(answer) is not None:  # a single pair
        answer = {tuple(answer)}
    pairs = [_pair(a) for a in answer] if isinstance(answer, (set, frozenset, list, tuple)) else [None]
    if None in pairs:
        return Report(
            False,
            f"{label}: expected a set of (samples, batch size) pairs such as {{(50, 6), (51, 6)}}, got {answer!r}.",
        )
    chosen = set(pairs)
    unknown = sorted(chosen - set(PAIRS))
    if unknown:
        return Report(False, f"{label}: choose among {list(PAIRS)}; {unknown[0]} is not one.")
    expected = {p for p in PAIRS if data_parallel_trains(*p)}
    wrong, missed = sorted(chosen - expected), sorted(expected - chosen)
    odd_batch = [(n, b) for n, b in wrong if b % DEVICES]
    odd_last = [(n, b) for n, b in wrong if not b % DEVICES]
    if odd_batch:
        n, b = odd_batch[0]
        hint = f"{(n, b)}: a batch of {b} cannot be cut into {DEVICES} equal pieces, so fit raises IndivisibleError."
    elif odd_last:
        n, b = odd_last[0]
        hint = (
            f"{(n, b)}: each batch of {b} splits in {DEVICES}, but {n} = {n // b} x {b} + {n % b} leaves a last "
            f"batch of {n % b}, which does not: IndivisibleError at the end of the epoch. With an even batch "
            f"size the last batch is odd whenever the number of samples is: {n} samples fail with any batch "
            f"size. Trim to {n - n % DEVICES} samples (stateful.trim_to_multiple(x, y, batch_size={DEVICES})) or "
            f"use drop_remainder=True."
        )
    elif missed:
        n, b = missed[0]
        hint = (
            f"{(n, b)} works: {n} = {n // b} x {b} + {n % b}, and a last batch of {n % b} splits into "
            f"{DEVICES} equal pieces too."
            if n % b
            else f"{(n, b)} works: {n} = {n // b} x {b}, every batch is full and even."
        )
    else:
        hint = "Check each batch size and the size of the last batch it leaves."
    return check_value(label, sorted(chosen), sorted(expected), hint=hint)


@exercise("Exercise 3 (explicit state passing)")
def check_carried_state(answer: Any, *, label: str) -> Report:
    """Exercise 3: ``(chunked, whole)`` outputs from explicit state passing; they must be equal."""
    if isinstance(answer, dict):
        answer = (answer.get("chunked"), answer.get("whole"))
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return Report(False, f"{label}: expected what my_chunks returns, (chunked, whole), got {answer!r}.")
    try:
        chunked, whole = (np.asarray(a, dtype="float64") for a in answer)
    except (TypeError, ValueError):
        return Report(False, f"{label}: chunked and whole should be arrays of numbers, got {answer!r}.")
    if chunked.shape != whole.shape or chunked.ndim != 3:
        return Report(
            False,
            f"{label}: chunked has shape {chunked.shape} and whole {whole.shape}; both should be "
            f"(batch, timesteps, units), the LSTM's outputs. Concatenate the chunks' outputs on "
            f"axis 1 (time).",
        )
    gaps = np.abs(chunked - whole).max(axis=(0, 2))  # per timestep
    if gaps.max() < 1e-5:
        return Report(True, f"{label}: correct (the chunks add up to the whole sequence).")
    first_bad = int(np.argmax(gaps >= 1e-5))
    if first_bad == 0:
        hint = "Already the first step differs: the first chunk must start from a zero state, like the whole run."
    else:
        hint = (
            f"The outputs agree up to step {first_bad - 1} and differ from step {first_bad}: the next chunk "
            f"did not start from the h and c the previous chunk returned. Pass them as its initial state."
        )
    return Report(False, f"{label}: the chunks do not add up to the whole sequence yet.", (hint,))
