import numpy as np
import pytest

from helpers.exercises import checks


def test_pending_answer_is_not_an_error():
    r = checks.check_value("Ex", ..., 3)
    assert not r.ok and r.pending and "not answered yet" in str(r) and str(r).startswith("⏳")


def test_value_right_wrong_and_not_a_number():
    assert checks.check_value("Ex", 3, 3).ok
    assert checks.check_value("Ex", np.int64(3), 3).ok
    wrong = checks.check_value("Ex", 4, 3, hint="count again")
    assert not wrong.ok and "count again" in str(wrong) and str(wrong).startswith("❌")
    assert "expected a number" in str(checks.check_value("Ex", "three", 3))
    assert "expected a number" in str(checks.check_value("Ex", "3", 3)), "a string is not a number"
    assert "expected a number" in str(checks.check_value("Ex", True, 1))


def test_value_tuples_and_strings_normalised():
    assert checks.check_value("Ex", [None, 3], (None, 3)).ok
    assert checks.check_value("Ex", " Features ", "features").ok


def test_shape_names_the_wrong_axis():
    r = checks.check_shape("Ex", np.zeros((4, 5, 2)), (4, 5, 3))
    assert not r.ok and "axis 2 (features) is 2, expected 3" in str(r)
    assert "has 2 axes" in str(checks.check_shape("Ex", (4, 5), (4, 5, 3)))
    assert checks.check_shape("Ex", (4, 5, 3), (None, 5, 3)).ok
    assert "expected an array" in str(checks.check_shape("Ex", "shape", (1,)))


def test_array_reports_first_difference():
    r = checks.check_array("Ex", [1.0, 2.0, 9.0], np.array([1.0, 2.0, 3.0]))
    assert not r.ok and "1 of 3 values differ" in str(r) and "index (2,)" in str(r)
    assert checks.check_array("Ex", [1, 2, 3], np.array([1.0, 2.0, 3.0])).ok


def test_as_solution_hides_the_answer_and_refuses_a_wrong_solution():
    right = checks.check_value("Exercise 1 (windows)", 1013, 1013)
    shown = str(right.as_solution())
    assert "1013" not in shown and "passes its check" in shown
    wrong = checks.check_value("Exercise 1 (windows)", 1014, 1013)
    with pytest.raises(AssertionError, match="the solution fails its own check"):
        wrong.as_solution()


def test_exercise_decorator_answers_pending_and_passes_the_label():
    @checks.exercise("Exercise 7 (demo)")
    def check_demo(answer, extra, *, label):
        return checks.check_value(label, answer + extra, 5)

    assert check_demo(..., 1).pending and "Exercise 7 (demo): not answered yet." in str(check_demo(..., 1))
    assert check_demo(4, 1).ok and check_demo(4, 1).title.startswith("Exercise 7 (demo): correct")
    assert not check_demo(3, 1).ok
