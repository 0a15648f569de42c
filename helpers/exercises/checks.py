"""Self-checks for exercises: compare a learner's answer and explain, in words, what is off.

Introduced in notebook 01; used by every ``helpers/exercises/nbNN.py``. An exercise stub assigns
``...`` (Ellipsis) to the answer; the check then says "not answered yet" instead of failing, so
stored outputs stay deterministic. Every check returns a :class:`~helpers.report.Report`, which
displays as its message in a notebook. A notebook's check is a function decorated with
:func:`exercise`, which answers ``...`` for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.report import Report, pending


def _is_pending(answer: Any) -> bool:
    return answer is Ellipsis


def exercise(label: str) -> Callable[[Callable[..., Report]], Callable[..., Report]]:
    """Turn ``check(answer, ..., *, label)`` into the learner's ``check(answer, ...)``; ``...`` gets :func:`pending`.

    The label is written once, here, and handed to the check (keyword ``label``) for its messages.

    >>> @exercise("Exercise 9 (demo)")
    ... def check_demo(answer, *, label):
    ...     return check_value(label, answer, 3)
    >>> print(check_demo(...).title, "|", check_demo(3).title)
    Exercise 9 (demo): not answered yet. | Exercise 9 (demo): correct (3).
    """

    def wrap(check: Callable[..., Report]) -> Callable[..., Report]:
        @functools.wraps(check)
        def checked(answer: Any, *args: Any, **kwargs: Any) -> Report:
            if _is_pending(answer):
                return pending(label)
            return check(answer, *args, label=label, **kwargs)

        return checked

    return wrap


def check_value(label: str, answer: Any, expected: Any, *, hint: str = "") -> Report:
    """Check a scalar or tuple answer for equality (numbers compared with a small tolerance)."""
    if _is_pending(answer):
        return pending(label)
    if isinstance(expected, (int, float, np.integer, np.floating)) and not isinstance(expected, bool):
        if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
            return Report(
                False, f"{label}: expected a number, got {answer!r} ({type(answer).__name__}).", (hint,) if hint else ()
            )
        same = bool(np.isclose(float(answer), float(expected), rtol=1e-6, atol=1e-9))
    else:
        same = _normalise(answer) == _normalise(expected)
    if same:
        return Report(True, f"{label}: correct ({answer!r}).")
    return Report(False, f"{label}: {answer!r} is not right yet.", (hint,) if hint else ())


def check_shape(
    label: str,
    answer: Any,
    expected: tuple[int | None, ...],
    *,
    names: tuple[str, ...] = ("batch", "timesteps", "features"),
    hint: str = "",
) -> Report:
    """Check an array (or a shape tuple) against an expected shape and name the axis that differs.

    ``None`` in ``expected`` accepts any length on that axis.
    """
    if _is_pending(answer):
        return pending(label)
    shape = (
        tuple(answer)
        if isinstance(answer, (tuple, list)) and all(isinstance(n, (int, np.integer)) for n in answer)
        else getattr(answer, "shape", None)
    )
    if shape is None:
        return Report(False, f"{label}: expected an array or a shape tuple, got {type(answer).__name__}.")
    shape = tuple(int(n) for n in shape)
    if len(shape) != len(expected):
        return Report(
            False,
            f"{label}: your answer has {len(shape)} axes {shape}, the task needs "
            f"{len(expected)}: ({', '.join(names[: len(expected)])}).",
            (hint,) if hint else (),
        )
    wrong = [
        f"axis {i} ({names[i] if i < len(names) else '?'}) is {got}, expected {want}"
        for i, (got, want) in enumerate(zip(shape, expected, strict=False))
        if want is not None and got != want
    ]
    if wrong:
        return Report(False, f"{label}: shape {shape} is not right yet.", (*wrong, *((hint,) if hint else ())))
    return Report(True, f"{label}: correct, shape {shape}.")


def check_array(label: str, answer: Any, expected: np.ndarray, *, atol: float = 1e-6, hint: str = "") -> Report:
    """Check an array's shape and then its values; report how many values differ and the first one."""
    if _is_pending(answer):
        return pending(label)
    expected = np.asarray(expected)
    shape_report = check_shape(
        label, np.asarray(answer), expected.shape, names=("axis 0", "axis 1", "axis 2", "axis 3"), hint=hint
    )
    if not shape_report.ok:
        return shape_report
    answer = np.asarray(answer, dtype=float)
    close = np.isclose(answer, expected.astype(float), atol=atol, rtol=0)
    if close.all():
        return Report(True, f"{label}: correct, all {close.size} values match.")
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    return Report(
        False,
        f"{label}: {int((~close).sum())} of {close.size} values differ.",
        (
            f"first at index {first}: yours {answer[first]:.4g}, expected {expected[first]:.4g}",
            *((hint,) if hint else ()),
        ),
    )


def _normalise(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_normalise(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str):
        return value.strip().lower()
    return value
