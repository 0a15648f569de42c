"""The result vocabulary of the helpers package: :class:`Report` (a verdict) and :class:`Finding`.

Introduced in notebook 00 (``session.check_environment``) and 01 (exercise checks). A check
that *judges* something (an environment, a layout, a mask, an answer) returns a :class:`Report`,
which displays as its text in a notebook; a rule that can find several problems at once
(``shapes.input_findings``, ``diagnose``) returns :class:`Finding` objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from helpers.validate import require_flag, require_text

#: Severities of a :class:`Finding`: an error (Keras raises, or the result is wrong) or a warning
#: (accepted, but probably not meant).
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    """One problem found by a rule: its severity, a short code (``"ndim"``, ``"features"``) and the message."""

    severity: str  # ERROR: Keras raises or the result is wrong; WARNING: accepted, but probably not meant
    code: str  # a short id, e.g. "ndim", "features", "stateful-remainder"
    message: str  # what is wrong and how to fix it

    def __post_init__(self):
        if self.severity not in (ERROR, WARNING):
            raise ValueError(f"severity: expected {ERROR!r} or {WARNING!r}, got {self.severity!r}.")
        require_text("code", self.code, example="'ndim'")
        require_text("message", self.message, example="'x: ... Fix: ...'")


@dataclass(frozen=True)
class Report:
    """The result of a check: ``ok`` plus readable lines. Displays as its text in Jupyter.

    >>> Report(True, "all good")
    ✅ all good
    """

    ok: bool
    title: str
    lines: tuple[str, ...] = field(default=())
    pending: bool = False  # an exercise not answered yet: neither right nor wrong

    def __post_init__(self):
        object.__setattr__(self, "ok", require_flag("ok", self.ok))  # np.bool_ -> bool
        object.__setattr__(self, "pending", require_flag("pending", self.pending))
        require_text("title", self.title, example="'all good'")
        if isinstance(self.lines, str) or not isinstance(self.lines, (list, tuple)):
            raise TypeError(
                f"lines: expected a tuple of strings, one per line, got {type(self.lines).__name__}. "
                f"Fix: lines=(text,)."
            )
        for i, line in enumerate(self.lines):
            require_text(f"lines[{i}]", line)
        object.__setattr__(self, "lines", tuple(self.lines))

    def __str__(self) -> str:
        mark = "⏳" if self.pending else "✅" if self.ok else "❌"
        return "\n".join([f"{mark} {self.title}", *[f"   {line}" for line in self.lines]])

    __repr__ = __str__

    def _repr_pretty_(self, p, cycle):  # IPython display
        p.text(str(self))

    def __bool__(self) -> bool:
        return self.ok

    def as_solution(self) -> Report:
        """The report a *solution* cell shows: that it passes, never the answer itself.

        Run All executes solution cells too, and JupyterLab then shows their output, so a solution
        must not print its answer ("correct (1013)"). A solution that fails its own check is a bug
        in the course, so it raises.

        >>> Report(True, "Exercise 1 (windows): correct (1013).").as_solution()
        ✅ Exercise 1 (windows): the solution passes its check (open the cell to read it).
        """
        label = self.title.partition(":")[0]
        if not self.ok:
            raise AssertionError(f"{label}: the solution fails its own check: {self.title}")
        return Report(True, f"{label}: the solution passes its check (open the cell to read it).")


def pending(label: str) -> Report:
    """The report for an exercise whose answer is still ``...``.

    >>> pending("Exercise 1").pending
    True
    """
    require_text("label", label, example="'Exercise 1 (windows)'")
    return Report(
        False,
        f"{label}: not answered yet.",
        ("Replace the `...` in the exercise cell with your answer, run it, then run this check again.",),
        pending=True,
    )
