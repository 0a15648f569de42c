"""Self-checks of notebook 07's exercises: each one pending, right, and wrong (with a useful hint)."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.exercises import nb07


@pytest.mark.parametrize("answer,ok,words", [
    ({"model(x)"}, True, "correct"),
    ("model(x)", True, "correct"),
    (["model(x)"], True, "correct"),
    (set(nb07.CALLS), False, "That is TensorFlow"),
    (set(), False, "One way does carry it"),
    ({"model(x)", "predict"}, False, "['predict'] run a compiled, stateless function"),
    ({"fit"}, False, "state variables stay at 0.0"),
    ({"call"}, False, "not one of the calls measured"),
    (3, False, "expected a set of names"),
])
def test_jax_calls_check(answer, ok, words):
    report = nb07.check_jax_calls(answer)
    assert report.ok is ok and words in str(report)


def test_jax_calls_pending():
    assert nb07.check_jax_calls(...).pending


def test_data_parallel_rule_matches_the_measurements():
    assert nb07.data_parallel_trains(20, 8)          # batches 8, 8, 4: measured to train
    assert not nb07.data_parallel_trains(17, 8)      # last batch of 1: IndivisibleError
    assert not nb07.data_parallel_trains(8, 7)       # a batch of 7: IndivisibleError
    assert nb07.data_parallel_trains(16, 8)


@pytest.mark.parametrize("answer,ok,words", [
    ({6, 8, 10}, True, "correct"),
    ([np.int64(10), 8, 6], True, "correct"),
    ({8, 10}, False, "6 works: 50 = 8 x 6 + 2"),
    ({6, 10}, False, "8 works"),
    ({6, 7, 8, 10}, False, "A batch of 7 cannot be cut into 2 equal pieces"),
    ({6, 8, 9, 10}, False, "A batch of 9"),
    ({6, 8, 10, 12}, False, "choose among"),
    ({"6"}, False, "expected a set of whole numbers"),
    (True, False, "expected a set of whole numbers"),
])
def test_batch_sizes_check(answer, ok, words):
    report = nb07.check_batch_sizes(answer)
    assert report.ok is ok and words in str(report)


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
    assert "expected what my_chunks returns" in str(nb07.check_carried_state(chunked))
    assert "arrays of numbers" in str(nb07.check_carried_state((["a"], ["b"])))
