"""Self-checks for exercises: compare a learner's answer and explain, in words, what is off.

Introduced in notebook 01. An exercise stub assigns ``...`` (Ellipsis) to the answer; the
check then says "not answered yet" instead of failing, so stored outputs stay deterministic.
Every check returns a :class:`Report`, which displays as its message in a notebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Report:
    """The result of a check: ``ok`` plus readable lines. Displays as its text in Jupyter."""

    ok: bool
    title: str
    lines: tuple[str, ...] = field(default=())
    pending: bool = False       # an exercise not answered yet: neither right nor wrong

    def __str__(self) -> str:
        mark = "⏳" if self.pending else "✅" if self.ok else "❌"
        return "\n".join([f"{mark} {self.title}", *[f"   {line}" for line in self.lines]])

    __repr__ = __str__

    def _repr_pretty_(self, p, cycle):  # IPython display
        p.text(str(self))

    def __bool__(self) -> bool:
        return self.ok

    def as_solution(self) -> "Report":
        """The report a *solution* cell shows: that it passes, never the answer itself.

        Run All executes solution cells too, and JupyterLab then shows their output, so a solution
        must not print its answer ("correct (1013)"). A solution that fails its own check is a bug
        in the course, so it raises.

        >>> check_value("Exercise 1 (windows)", 1013, 1013).as_solution()
        ✅ Exercise 1 (windows): the solution passes its check (open the cell to read it).
        """
        label = self.title.partition(":")[0]
        if not self.ok:
            raise AssertionError(f"{label}: the solution fails its own check: {self.title}")
        return Report(True, f"{label}: the solution passes its check (open the cell to read it).")


def pending(label: str) -> Report:
    """The report for an exercise whose answer is still ``...``."""
    return Report(False, f"{label}: not answered yet.",
                  ("Replace the `...` in the exercise cell with your answer, run it, then run this check again.",),
                  pending=True)


def _is_pending(answer: Any) -> bool:
    return answer is Ellipsis


def check_value(label: str, answer: Any, expected: Any, *, hint: str = "") -> Report:
    """Check a scalar or tuple answer for equality (numbers compared with a small tolerance)."""
    if _is_pending(answer):
        return pending(label)
    if isinstance(expected, (int, float, np.integer, np.floating)) and not isinstance(expected, bool):
        if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
            return Report(False, f"{label}: expected a number, got {answer!r} ({type(answer).__name__}).",
                          (hint,) if hint else ())
        same = bool(np.isclose(float(answer), float(expected), rtol=1e-6, atol=1e-9))
    else:
        same = _normalise(answer) == _normalise(expected)
    if same:
        return Report(True, f"{label}: correct ({answer!r}).")
    return Report(False, f"{label}: {answer!r} is not right yet.", (hint,) if hint else ())


def check_shape(label: str, answer: Any, expected: tuple[int | None, ...], *,
                names: tuple[str, ...] = ("batch", "timesteps", "features"), hint: str = "") -> Report:
    """Check an array (or a shape tuple) against an expected shape and name the axis that differs.

    ``None`` in ``expected`` accepts any length on that axis.
    """
    if _is_pending(answer):
        return pending(label)
    shape = tuple(answer) if isinstance(answer, (tuple, list)) and all(
        isinstance(n, (int, np.integer)) for n in answer) else getattr(answer, "shape", None)
    if shape is None:
        return Report(False, f"{label}: expected an array or a shape tuple, got {type(answer).__name__}.")
    shape = tuple(int(n) for n in shape)
    if len(shape) != len(expected):
        return Report(False, f"{label}: your answer has {len(shape)} axes {shape}, the task needs "
                             f"{len(expected)}: ({', '.join(names[:len(expected)])}).",
                      (hint,) if hint else ())
    wrong = [f"axis {i} ({names[i] if i < len(names) else '?'}) is {got}, expected {want}"
             for i, (got, want) in enumerate(zip(shape, expected)) if want is not None and got != want]
    if wrong:
        return Report(False, f"{label}: shape {shape} is not right yet.", (*wrong, *((hint,) if hint else ())))
    return Report(True, f"{label}: correct, shape {shape}.")


def check_array(label: str, answer: Any, expected: np.ndarray, *, atol: float = 1e-6, hint: str = "") -> Report:
    """Check an array's shape and then its values; report how many values differ and the first one."""
    if _is_pending(answer):
        return pending(label)
    expected = np.asarray(expected)
    shape_report = check_shape(label, np.asarray(answer), expected.shape,
                               names=("axis 0", "axis 1", "axis 2", "axis 3"), hint=hint)
    if not shape_report.ok:
        return shape_report
    answer = np.asarray(answer, dtype=float)
    close = np.isclose(answer, expected.astype(float), atol=atol, rtol=0)
    if close.all():
        return Report(True, f"{label}: correct, all {close.size} values match.")
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    return Report(False, f"{label}: {int((~close).sum())} of {close.size} values differ.",
                  (f"first at index {first}: yours {answer[first]:.4g}, expected {expected[first]:.4g}",
                   *((hint,) if hint else ())))


def _normalise(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_normalise(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str):
        return value.strip().lower()
    return value
