"""Self-checks for the exercises of notebook 05 (troubleshooting)."""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.diagnose import diagnose
from helpers.exercises.checks import exercise
from helpers.report import Report, pending

QUIZ = {1: "b", 2: "a", 3: "c", 4: "a", 5: "b"}
EXPLANATIONS = {
    1: "the batch size is part of the model: keras.Input(batch_shape=(B, T, F)).",
    2: "9 samples = 2 batches of 4 + 1; a last batch of exactly 1 is broadcast to 4 rows: 12 rows "
    "(with 2 or 3 left over Keras raises instead).",
    3: "a timestep is masked only when every feature equals mask_value, whoever put it there; single zeros are kept.",
    4: "Keras 3 models have no reset_states(); reset each stateful layer (helpers.models.reset_all).",
    5: "the silent fix hides the upstream mistake (often np.expand_dims on data that had its feature axis).",
}


@exercise("Exercise 1 (fix the batch)")
def check_fixed_batch(answer: Any, model, broken: Any = None, *, label: str) -> Report:
    """Exercise 1: the repaired batch must pass ``diagnose`` and hold the same numbers in the right place.

    With ``broken`` (the batch the learner was given) the values are compared too: a ``reshape``
    to ``(16, 20, 3)`` passes ``diagnose`` (the shape is right) but re-cuts the numbers instead of
    swapping the axes, so every step mixes values of different features. That is rejected with
    its reason.
    """
    found = diagnose(model, answer)
    if not found.ok:
        return Report(False, f"{label}: diagnose still finds {found.codes}.", tuple(f.message for f in found.findings))
    if found.received[0] != 16:
        return Report(False, f"{label}: keep all 16 samples; yours has {found.received[0]}.")
    if broken is not None:
        broken = np.asarray(broken)
        expected = np.swapaxes(broken, 1, 2)
        answer = np.asarray(answer)
        if not np.array_equal(answer, expected):
            if np.array_equal(answer, broken.reshape(expected.shape)):
                return Report(
                    False,
                    f"{label}: the shape is right, but reshape does not swap axes: it keeps the "
                    f"numbers in memory order and cuts them into new (20, 3) blocks, so a 'step' "
                    f"now holds values of different features and timesteps.",
                    ("Swap the two axes instead: np.swapaxes(x, 1, 2) (or x.transpose(0, 2, 1)).",),
                )
            return Report(
                False,
                f"{label}: the shape is right, but the values are not broken_batch's numbers with "
                f"its axes 1 and 2 swapped (x[i, t, f] must equal broken_batch[i, f, t]).",
                ("np.swapaxes(x, 1, 2) swaps timesteps and features and keeps every number.",),
            )
    return Report(True, f"{label}: correct, diagnose finds no problems in {found.received}.")


def check_quiz(answers: Any) -> Report:
    """The quiz: a dict {question number: letter}; explains every wrong answer."""
    label = "Quiz"
    if not isinstance(answers, dict):
        return Report(False, f"{label}: expected a dict like {{1: 'a', 2: 'c', ...}}, got {type(answers).__name__}.")
    if all(v is Ellipsis for v in answers.values()):
        return pending(label)
    keys = {}
    for key, value in answers.items():
        number = int(key) if isinstance(key, str) and key.strip().isdigit() else key
        keys[number] = value
    unknown = sorted(str(k) for k in keys if k not in QUIZ)
    lines, right = [], 0
    for q, correct in QUIZ.items():
        given = keys.get(q, Ellipsis)
        if given is Ellipsis:
            lines.append(f"question {q}: not answered yet")
        elif str(given).strip().lower() == correct:
            right += 1
        else:
            lines.append(f"question {q}: {given!r} is not right: {EXPLANATIONS[q]}")
    if unknown:
        lines.append(
            f"keys {', '.join(unknown)} are not question numbers: use the numbers 1 to {len(QUIZ)} as keys, "
            f"e.g. {{1: 'a', 2: 'c'}}."
        )
    return Report(right == len(QUIZ), f"{label}: {right} of {len(QUIZ)} right.", tuple(lines))
