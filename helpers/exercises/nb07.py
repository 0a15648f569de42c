"""Self-checks for the exercises of notebook 07 (the same batching on every Keras 3 backend)."""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.checks import Report, check_value, pending

#: Exercise 1: the ways of running a stateful model that notebook 07 measured.
CALLS = ("model(x)", "predict", "predict_on_batch", "evaluate", "train_on_batch", "fit")
#: ... and the ones that carry the state on the JAX backend (Keras 3.15.1, measured).
JAX_CARRIES = frozenset({"model(x)"})
#: Exercise 2: samples and the batch sizes to choose from, with DataParallel on 2 devices.
N_SAMPLES, CANDIDATES, DEVICES = 50, (6, 7, 8, 9, 10), 2


def data_parallel_trains(n_samples: int, batch_size: int, devices: int = DEVICES) -> bool:
    """Does ``fit`` run under ``keras.distribution.DataParallel`` (JAX) with this batch size?

    Every batch, the last one included, is split into ``devices`` equal pieces, so the batch size
    and the size of the last batch must both be multiples of ``devices`` (measured in notebook 07).

    >>> data_parallel_trains(20, 8), data_parallel_trains(17, 8)
    (True, False)
    """
    last = n_samples % batch_size
    return batch_size % devices == 0 and last % devices == 0


def check_jax_calls(answer: Any) -> Report:
    """Exercise 1: which calls carry a stateful LSTM's state on the JAX backend?"""
    label = "Exercise 1 (stateful calls on JAX)"
    if answer is Ellipsis:
        return pending(label)
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
        hint = (f"{sorted(chosen - JAX_CARRIES)} run a compiled, stateless function on JAX: the state it "
                f"computes is dropped, so the state variables stay at 0.0.")
    else:
        hint = "Check the table of section 3.1 again."
    return Report(False, f"{label}: {sorted(chosen)} is not right yet.", (hint,))


def check_batch_sizes(answer: Any) -> Report:
    """Exercise 2: which of 6..10 let fit run on 50 samples under DataParallel on 2 devices?"""
    label = "Exercise 2 (batch sizes on two devices)"
    if answer is Ellipsis:
        return pending(label)
    if isinstance(answer, (int, np.integer)) and not isinstance(answer, bool):
        answer = {answer}
    if not isinstance(answer, (set, frozenset, list, tuple)) or not all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in answer):
        return Report(False, f"{label}: expected a set of whole numbers such as {{6, 7}}, got {answer!r}.")
    chosen = {int(a) for a in answer}
    if chosen - set(CANDIDATES):
        return Report(False, f"{label}: choose among {CANDIDATES}; {sorted(chosen - set(CANDIDATES))} is not one.")
    expected = {b for b in CANDIDATES if data_parallel_trains(N_SAMPLES, b)}
    odd = sorted(b for b in chosen if b % DEVICES)
    missed = sorted(expected - chosen)
    if odd:
        hint = f"A batch of {odd[0]} cannot be cut into {DEVICES} equal pieces: fit raises IndivisibleError."
    elif missed:
        b = missed[0]
        hint = (f"{b} works: {N_SAMPLES} = {N_SAMPLES // b} x {b} + {N_SAMPLES % b}, and a last batch of "
                f"{N_SAMPLES % b} splits into {DEVICES} equal pieces too." if N_SAMPLES % b else
                f"{b} works: {N_SAMPLES} = {N_SAMPLES // b} x {b}, every batch is full and even.")
    else:
        hint = "Check each batch size and the size of the last batch it leaves."
    return check_value(label, sorted(chosen), sorted(expected), hint=hint)


def check_carried_state(answer: Any) -> Report:
    """Exercise 3: ``(chunked, whole)`` outputs from explicit state passing; they must be equal."""
    label = "Exercise 3 (explicit state passing)"
    if answer is Ellipsis:
        return pending(label)
    if isinstance(answer, dict):
        answer = (answer.get("chunked"), answer.get("whole"))
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return Report(False, f"{label}: expected what my_chunks returns, (chunked, whole), got {answer!r}.")
    try:
        chunked, whole = (np.asarray(a, dtype="float64") for a in answer)
    except (TypeError, ValueError):
        return Report(False, f"{label}: chunked and whole should be arrays of numbers, got {answer!r}.")
    if chunked.shape != whole.shape or chunked.ndim != 3:
        return Report(False, f"{label}: chunked has shape {chunked.shape} and whole {whole.shape}; both should be "
                             f"(batch, timesteps, 1). Concatenate the chunks' outputs on axis 1 (time).")
    gaps = np.abs(chunked - whole).max(axis=(0, 2))                            # per timestep
    if gaps.max() < 1e-5:
        return Report(True, f"{label}: correct (the chunks add up to the whole sequence).")
    first_bad = int(np.argmax(gaps >= 1e-5))
    if first_bad == 0:
        hint = "Already the first step differs: the first chunk must start from a zero state, like the whole run."
    else:
        hint = (f"The outputs agree up to step {first_bad - 1} and differ from step {first_bad}: the next chunk "
                f"did not start from the h and c the previous chunk returned. Pass them as its initial state.")
    return Report(False, f"{label}: the chunks do not add up to the whole sequence yet.", (hint,))
