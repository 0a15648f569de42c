import numpy as np
import pytest

pytest.importorskip("keras")

from helpers.exercises import nb02


def test_row_steps_pending_right_wrong():
    assert "not answered yet" in str(nb02.check_row_steps(...))
    assert nb02.check_row_steps([20, 21, 22, 23]).ok
    assert nb02.check_row_steps(np.array([20, 21, 22, 23])).ok
    wrong = nb02.check_row_steps([8, 9, 10, 11])  # row 0 of batch 2
    assert not wrong.ok and "stream 1" in str(wrong)
    assert "expected a list of 4 step numbers, got int" in str(nb02.check_row_steps(20))


def test_stream_layout_pending_right_wrong():
    seqs = nb02.SEQUENCES
    assert "not answered yet" in str(nb02.check_stream_layout(...))
    right = seqs.reshape(10, 10, 20, 1).transpose(1, 0, 2, 3)
    assert nb02.check_stream_layout(right).ok
    assert nb02.check_stream_layout(right[:, ::-1]).ok, "any row order that continues itself is right"
    sliced = seqs.reshape(10, 10, 20, 1)  # the classic mistake: 10 consecutive per batch
    report = nb02.check_stream_layout(sliced)
    assert not report.ok and "skips 180 steps" in str(report)
    assert "has 3 axes (100, 20, 1)" in str(nb02.check_stream_layout(seqs))
    assert "axis 0 (n_batches) is 20, expected 10" in str(nb02.check_stream_layout(seqs.reshape(20, 5, 20, 1)))
    repeated = right.copy()
    repeated[1] = repeated[0]
    assert "exactly once" in str(nb02.check_stream_layout(repeated))


def test_timesteps_for_lag_pending_right_wrong():
    assert "not answered yet" in str(nb02.check_timesteps_for_lag(...))
    assert nb02.check_timesteps_for_lag(13).ok
    wrong = nb02.check_timesteps_for_lag(12)
    assert not wrong.ok and "T - 1" in str(wrong)
