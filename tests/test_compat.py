"""tools/compat.py (make compat): the pins it lifts and the report it prints. The real run (a
scratch environment, every notebook) takes minutes and the network: `make compat`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("compat", ROOT / "tools" / "compat.py")
compat = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compat)


def test_every_direct_pin_is_lifted_unless_named():
    lines = compat.overrides({"keras": "3.16.0", "tensorflow": "2.22.0", "optree": "0.20.0"})
    assert "keras==3.16.0" in lines and "tensorflow==2.22.0" in lines
    assert "numpy" in lines and "jupyterlab" in lines and "pytest" in lines  # newest
    assert "optree==0.20.0" in lines, "a named package that is not a direct dependency is pinned too"
    assert not [line for line in lines if "==" in line and line.split("==")[0] not in ("keras", "tensorflow", "optree")]


def test_report_names_what_breaks_and_the_first_lines_of_each_difference():
    results = [
        {"notebook": "00_setup_check", "broke": None, "differs": [], "cells": 6, "ran": 6},
        {
            "notebook": "01_x",
            "broke": None,
            "cells": 30,
            "ran": 30,
            "differs": [
                {
                    "cell": 7,
                    "source": "model.summary()",
                    "stderr": True,
                    "diff": ["@@ -1 +1 @@", "-old line", "+new line"] + [f"+more {i}" for i in range(20)],
                }
            ],
        },
        {"notebook": "02_y", "broke": "ValueError: boom", "differs": [], "cells": 40, "ran": 12},
    ]
    text = compat.report(results, {"keras": "9.9.9", "tensorflow": "2.21.0"}, "3.11.7", {"keras": "9.9.9"})
    assert "named: keras==9.9.9" in text
    assert "00_setup_check: runs; all 6 code cells print what is stored" in text
    assert "01_x: runs; 1 of 30 code cells print something different" in text
    assert "cell 7 (model.summary())  [new stderr]" in text and "-old line" in text
    assert "more diff lines" in text, "long differences are cut"
    assert "02_y: BREAKS at code cell 12 of 40: ValueError: boom" in text
    assert "keras 3.15.1 -> 9.9.9" in text, "versions that moved from uv.lock are listed"
    assert text.rstrip().endswith("1 break, 1 run but print something different, 1 as stored")
