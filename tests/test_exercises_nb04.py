import numpy as np

from helpers.exercises import nb04

MONTH_LENGTHS = [19, 20, 20, 21, 22, 23, 21, 19]


def test_padded_floats_pending_right_wrong():
    assert "not answered yet" in str(nb04.check_padded_floats(...))
    right = np.array([[1.5, 2.5], [3.5, 0.0], [4.5, 5.5]], dtype=np.float32)
    assert nb04.check_padded_floats(right).ok
    truncated_to_int = right.astype(np.int32)
    report = nb04.check_padded_floats(truncated_to_int)
    assert not report.ok and "dtype='float32'" in str(report)
    kept_the_start = np.array([[0.5, 1.5], [3.5, 0.0], [4.5, 5.5]], dtype=np.float32)
    report = nb04.check_padded_floats(kept_the_start)
    assert not report.ok and "truncating='pre'" in str(report)
    assert "axes" in str(nb04.check_padded_floats(np.zeros(3)))


def test_padding_fraction_pending_right_wrong():
    assert "not answered yet" in str(nb04.check_padding_fraction(...))
    assert nb04.check_padding_fraction(10 / 38).ok
    assert nb04.check_padding_fraction(0.263).ok  # rounded to 3 digits is fine
    assert "global padding" in str(nb04.check_padding_fraction(26 / 54))
    assert "divided by the real steps" in str(nb04.check_padding_fraction(10 / 28))
    assert not nb04.check_padding_fraction(0.5).ok
    assert "expected a number" in str(nb04.check_padding_fraction("a lot"))


def test_zero_padding_boundaries_pending_right_wrong():
    assert "not answered yet" in str(nb04.check_zero_padding_boundaries(..., MONTH_LENGTHS))
    assert nb04.check_zero_padding_boundaries([20, 21, 22, 23], MONTH_LENGTHS).ok
    assert nb04.check_zero_padding_boundaries(range(20, 30), MONTH_LENGTHS).ok  # extra empty buckets are fine
    wrong = nb04.check_zero_padding_boundaries([20, 22], MONTH_LENGTHS)
    assert not wrong.ok and "[20, 21]" in str(wrong) and "[22, 23]" in str(wrong)
    invalid = nb04.check_zero_padding_boundaries([23, 20], MONTH_LENGTHS)
    assert not invalid.ok and "strictly increasing" in str(invalid)
    assert not nb04.check_zero_padding_boundaries(21, MONTH_LENGTHS).ok


def test_padding_fraction_says_the_precision_wanted():
    r = nb04.check_padding_fraction(0.26)
    assert not r.ok and "at least 3 decimals" in str(r)
    assert nb04.check_padding_fraction((38 - 28) / 38).ok
