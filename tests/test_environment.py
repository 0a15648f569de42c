"""One source of truth for versions: pyproject.toml. environment.yml must not drift from it,
and the running environment must be the pinned one (a stale .venv prints different output)."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins(specs):
    out = {}
    for spec in specs:
        name, op, version = re.match(r"^([A-Za-z0-9_.\-]+)\s*(==)?\s*(\S*)", spec).groups()
        assert op == "==", f"pyproject.toml: {spec!r} must be pinned exactly (==)"
        out[name.lower().replace("_", "-")] = version
    return out


def test_every_dependency_is_pinned_exactly():
    assert pins(PROJECT["dependencies"])["tensorflow"] == "2.21.0"
    assert pins(PROJECT["dependencies"])["keras"] == "3.15.1"
    assert pins(PROJECT["optional-dependencies"]["test"])["nbval"] == "0.11.0"


def test_environment_yml_installs_the_same_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps and PROJECT["requires-python"] == "==3.11.*"
    assert "pip" in deps, "list pip itself, or conda warns"
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pip_section == ["-e .[test]"], \
        "environment.yml's pip section must install this package with its test extra, and nothing else"


def test_running_environment_matches_the_pins():
    wanted = pins(PROJECT["dependencies"]) | pins(PROJECT["optional-dependencies"]["test"])
    wrong = {name: (metadata.version(name), want) for name, want in wanted.items()
             if metadata.version(name) != want}
    assert not wrong, f"installed != pinned {wrong}: run `make clean test` to rebuild .venv"
