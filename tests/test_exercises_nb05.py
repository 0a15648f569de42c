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
    r = nb05.check_quiz({1: "a", 2: "A", 3: "c", 4: "a"})
    assert not r.ok and "3 of 5 right" in str(r)
    assert "question 1: 'a' is not right" in str(r) and "question 5: not answered yet" in str(r)
    assert "expected a dict" in str(nb05.check_quiz(["b"] * 5))


def test_fixed_batch_rejects_reshape_with_its_reason():
    m = model()
    broken = np.random.default_rng(5).normal(size=(16, 3, 20)).astype("float32")
    assert nb05.check_fixed_batch(np.swapaxes(broken, 1, 2), m, broken).ok
    reshaped = nb05.check_fixed_batch(broken.reshape(16, 20, 3), m, broken)
    assert not reshaped.ok and "reshape does not swap axes" in str(reshaped)
    zeros = nb05.check_fixed_batch(np.zeros((16, 20, 3), np.float32), m, broken)
    assert not zeros.ok and "axes 1 and 2 swapped" in str(zeros)


def test_quiz_answers_are_not_all_the_same_letter_and_string_keys_count():
    assert len(set(nb05.QUIZ.values())) > 1
    assert nb05.check_quiz({str(q): a for q, a in nb05.QUIZ.items()}).ok
    r = nb05.check_quiz({**nb05.QUIZ, "q6": "a"})
    assert "not question numbers" in str(r)
    assert "question 1: 'b' is not right" not in str(nb05.check_quiz(dict(nb05.QUIZ)))
