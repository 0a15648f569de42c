"""Self-checks of notebook 07's exercises: each one pending, right, and wrong (with a useful hint)."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.exercises import nb07


@pytest.mark.parametrize(
    "answer,ok,words",
    [
        ({"model(x)"}, True, "correct"),
        ("model(x)", True, "correct"),
        (["model(x)"], True, "correct"),
        (set(nb07.CALLS), False, "That is TensorFlow"),
        (set(), False, "One way does carry it"),
        ({"model(x)", "predict"}, False, "['predict'] run a compiled, stateless function"),
        ({"fit"}, False, "state variables stay at 0.0"),
        ({"call"}, False, "not one of the calls measured"),
        (3, False, "expected a set of names"),
    ],
)
def test_jax_calls_check(answer, ok, words):
    report = nb07.check_jax_calls(answer)
    assert report.ok is ok and words in str(report)


def test_jax_calls_pending():
    assert nb07.check_jax_calls(...).pending


def test_data_parallel_rule_matches_the_measurements():
    assert nb07.data_parallel_trains(20, 8)  # batches 8, 8, 4: measured to train
    assert not nb07.data_parallel_trains(17, 8)  # last batch of 1: IndivisibleError
    assert not nb07.data_parallel_trains(8, 7)  # a batch of 7: IndivisibleError
    assert not nb07.data_parallel_trains(17, 6)  # last batch of 5: measured
    assert not nb07.data_parallel_trains(17, 16)  # last batch of 1: measured
    assert nb07.data_parallel_trains(50, 6)  # last batch of 2: measured to train
    assert nb07.data_parallel_trains(16, 8)


def test_data_parallel_rule_is_even_samples_and_even_batch():
    for n in range(1, 60):
        for b in range(1, 20):
            assert nb07.data_parallel_trains(n, b) == (n % 2 == 0 and b % 2 == 0), (n, b)
    assert not any(nb07.data_parallel_trains(17, b) for b in range(1, 18))  # 17 fails with any batch size


CLASSIC_MISTAKE = {(50, 6), (51, 6), (48, 10), (49, 8)}  # even batch, last batch forgotten


@pytest.mark.parametrize(
    "answer,ok,words",
    [
        ({(50, 6), (48, 10)}, True, "correct"),
        ([[48, 10], (np.int64(50), 6)], True, "correct"),
        (CLASSIC_MISTAKE, False, "(49, 8): each batch of 8 splits in 2, but 49 = 6 x 8 + 1 leaves a last batch of 1"),
        (CLASSIC_MISTAKE, False, "49 samples fail with any batch size. Trim to 48"),
        ({(50, 6), (48, 10), (51, 6)}, False, "51 = 8 x 6 + 3 leaves a last batch of 3"),
        ({(50, 6), (48, 10), (50, 7)}, False, "(50, 7): a batch of 7 cannot be cut into 2 equal pieces"),
        (set(nb07.PAIRS), False, "(50, 7): a batch of 7"),
        ({(50, 6)}, False, "(48, 10) works: 48 = 4 x 10 + 8, and a last batch of 8 splits"),
        ((50, 6), False, "(48, 10) works"),
        ({(48, 10)}, False, "(50, 6) works"),
        ({(20, 8)}, False, "choose among"),
        ({6, 8, 10}, False, "expected a set of (samples, batch size) pairs"),
        ({("50", 6)}, False, "expected a set of (samples, batch size) pairs"),
        (True, False, "expected a set of (samples, batch size) pairs"),
    ],
)
def test_batch_sizes_check(answer, ok, words):
    report = nb07.check_batch_sizes(answer)
    assert report.ok is ok and words in str(report), str(report)


def test_the_classic_mistake_is_what_an_even_batch_alone_gives():
    assert {(n, b) for n, b in nb07.PAIRS if b % 2 == 0} == CLASSIC_MISTAKE
    assert not nb07.check_batch_sizes(CLASSIC_MISTAKE).ok


def test_batch_sizes_pending():
    assert nb07.check_batch_sizes(...).pending


def outputs(carried: bool):
    """Outputs of 3 chunks of 2 steps: right when the state is carried, else chunks 2-3 differ."""
    whole = np.linspace(0.1, 1.2, 12).reshape(2, 6, 1)
    chunked = whole.copy()
    if not carried:
        chunked[:, 2:] -= 0.3
    return chunked, whole


def test_carried_state_check():
    assert nb07.check_carried_state(...).pending
    right = nb07.check_carried_state(outputs(True))
    assert right.ok and "add up to the whole sequence" in str(right)
    assert nb07.check_carried_state({"chunked": outputs(True)[0].tolist(), "whole": outputs(True)[1]}).ok
    reset = nb07.check_carried_state(outputs(False))
    assert not reset.ok and "agree up to step 1 and differ from step 2" in str(reset)
    chunked, whole = outputs(True)
    assert "Already the first step differs" in str(nb07.check_carried_state((chunked + 1, whole)))
    assert "shape (2, 4, 1)" in str(nb07.check_carried_state((chunked[:, :4], whole)))
    assert "(batch, timesteps, units)" in str(nb07.check_carried_state((chunked[:, :4], whole)))
    assert "expected what my_chunks returns" in str(nb07.check_carried_state(chunked))
    assert "arrays of numbers" in str(nb07.check_carried_state((["a"], ["b"])))
