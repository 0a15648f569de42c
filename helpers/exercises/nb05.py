"""Self-checks for the exercises of notebook 05 (troubleshooting)."""

from __future__ import annotations

from typing import Any

from helpers.checks import Report, pending
from helpers.diagnose import diagnose

QUIZ = {1: "b", 2: "b", 3: "b", 4: "b", 5: "b"}
EXPLANATIONS = {
    1: "the batch size is part of the model: keras.Input(batch_shape=(B, T, F)).",
    2: "9 samples = 2 batches of 4 + 1; a last batch of exactly 1 is broadcast to 4 rows: 12 rows "
       "(with 2 or 3 left over Keras raises instead).",
    3: "a timestep is masked only when every feature equals mask_value; single zeros are kept.",
    4: "Keras 3 models have no reset_states(); reset each stateful layer (helpers.stateful.reset_all).",
    5: "the silent fix hides the upstream mistake (often np.expand_dims on data that had its feature axis).",
}


def check_fixed_batch(answer: Any, model) -> Report:
    """Exercise 1: the repaired batch must pass ``diagnose`` with no findings and keep all samples."""
    label = "Exercise 1 (fix the batch)"
    if answer is Ellipsis:
        return pending(label)
    found = diagnose(model, answer)
    if not found.ok:
        return Report(False, f"{label}: diagnose still finds {found.codes}.", tuple(f.message for f in found.findings))
    if found.received[0] != 16:
        return Report(False, f"{label}: keep all 16 samples; yours has {found.received[0]}.")
    return Report(True, f"{label}: correct, diagnose finds no problems in {found.received}.")


def check_quiz(answers: Any) -> Report:
    """The quiz: a dict {question number: letter}; explains every wrong answer."""
    label = "Quiz"
    if not isinstance(answers, dict):
        return Report(False, f"{label}: expected a dict like {{1: 'a', 2: 'c', ...}}, got {type(answers).__name__}.")
    if all(v is Ellipsis for v in answers.values()):
        return pending(label)
    lines, right = [], 0
    for q, correct in QUIZ.items():
        given = answers.get(q, Ellipsis)
        if given is Ellipsis:
            lines.append(f"question {q}: not answered yet")
        elif str(given).strip().lower() == correct:
            right += 1
        else:
            lines.append(f"question {q}: {given!r} is not right: {EXPLANATIONS[q]}")
    return Report(right == len(QUIZ), f"{label}: {right} of {len(QUIZ)} right.", tuple(lines))
