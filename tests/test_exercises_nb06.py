"""Self-checks of notebook 06's exercises: each one pending, right, and wrong (with a useful hint)."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.exercises import nb06


def test_split_check():
    assert "not answered yet" in str(nb06.check_split(...))
    assert not nb06.check_split(...).ok
    right = nb06.check_split(((22, 22, 22), (18, 18, 16)))
    assert right.ok and "correct" in str(right)
    assert nb06.check_split([[22, 22, 22], [np.int64(18), 18, 16]]).ok
    even = nb06.check_split(((22, 22, 22), (18, 17, 17)))
    assert not even.ok and "ceil(r / 3)" in str(even) and "not an even split" in str(even)
    assert "712 - 10 x 66 = 52" in str(nb06.check_split(((22, 22, 22), (22, 22, 22))))
    assert "add up to it" in str(nb06.check_split(((32, 32, 32), (18, 18, 16))))
    assert "3 replicas" in str(nb06.check_split(((33, 33), (26, 26))))
    assert "expected two values" in str(nb06.check_split((22, 22, 22)))
    assert "tuple of 3 whole numbers" in str(nb06.check_split((22, 18)))


def test_scaled_setup_check():
    assert "not answered yet" in str(nb06.check_scaled_setup(...))
    assert nb06.check_scaled_setup((256, 0.08)).ok
    assert nb06.check_scaled_setup([256, 0.01 * 8]).ok
    same_lr = nb06.check_scaled_setup((256, 0.01))
    assert not same_lr.ok and "8 times fewer" in str(same_lr)
    per_gpu = nb06.check_scaled_setup((32, 0.01))
    assert not per_gpu.ok and "8 x 32" in str(per_gpu)
    assert not nb06.check_scaled_setup((256, 0.02)).ok
    assert "expected two values" in str(nb06.check_scaled_setup(0.08))
    assert "expected two numbers" in str(nb06.check_scaled_setup(("256", 0.08)))


@pytest.mark.parametrize(
    "answer,ok,words",
    [
        ((8, 16), True, "correct"),
        ((16, 16), False, "sees only that replica's piece"),
        ((8, 8), False, "batched with 16"),
        ((4, 16), False, "per-replica batch"),
        (8, False, "expected two values"),
    ],
)
def test_stateful_batches_check(answer, ok, words):
    report = nb06.check_stateful_batches(answer)
    assert report.ok is ok and words in str(report)


def test_stateful_batches_pending():
    report = nb06.check_stateful_batches(...)
    assert report.pending and "not answered yet" in str(report)


def test_hints_point_to_the_sections_that_teach_the_rule():
    split_hint = str(nb06.check_split(((22, 22, 22), (18, 17, 17))))
    assert "section 3" in split_hint and "section 2" not in split_hint
    stateful_hint = str(nb06.check_stateful_batches((16, 16)))
    assert "section 7" in stateful_hint and "section 5" not in stateful_hint
