import keras
import numpy as np

from helpers.exercises import nb05


def model():
    return keras.Sequential([keras.Input(shape=(20, 3)), keras.layers.LSTM(2), keras.layers.Dense(1)])


def test_fixed_batch_pending_right_and_wrong():
    m = model()
    broken = np.zeros((16, 3, 20), np.float32)
    assert nb05.check_fixed_batch(..., m).pending
    assert nb05.check_fixed_batch(np.swapaxes(broken, 1, 2), m).ok
    wrong = nb05.check_fixed_batch(broken, m)
    assert not wrong.ok and "features" in str(wrong)
    assert "keep all 16 samples" in str(nb05.check_fixed_batch(np.zeros((8, 20, 3), np.float32), m))


def test_quiz_explains_each_wrong_answer():
    assert nb05.check_quiz({q: ... for q in range(1, 6)}).pending
    assert nb05.check_quiz(dict(nb05.QUIZ)).ok
    r = nb05.check_quiz({1: "a", 2: "B", 3: "b", 4: "b"})
    assert not r.ok and "3 of 5 right" in str(r)
    assert "question 1: 'a' is not right" in str(r) and "question 5: not answered yet" in str(r)
    assert "expected a dict" in str(nb05.check_quiz(["b"] * 5))
