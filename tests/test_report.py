import pytest

from helpers.report import ERROR, WARNING, Finding, Report, pending


def test_report_displays_as_text_in_ipython():
    from IPython.lib.pretty import pretty

    r = Report(True, "fine", ("detail",))
    assert pretty(r) == str(r) == "✅ fine\n   detail"
    assert str(Report(False, "bad")) == "❌ bad" and not Report(False, "bad")


def test_pending_is_neither_right_nor_wrong():
    r = pending("Ex")
    assert not r.ok and r.pending and str(r).startswith("⏳ Ex: not answered yet.")


def test_as_solution_hides_the_answer_and_refuses_a_wrong_solution():
    shown = str(Report(True, "Exercise 1 (windows): correct (1013).").as_solution())
    assert "1013" not in shown and "passes its check" in shown
    with pytest.raises(AssertionError, match="the solution fails its own check"):
        Report(False, "Exercise 1 (windows): 1014 is not right yet.").as_solution()


def test_finding_holds_severity_code_and_message():
    f = Finding(ERROR, "ndim", "x has 2 axes")
    assert (f.severity, f.code, f.message) == ("error", "ndim", "x has 2 axes") and WARNING == "warning"
