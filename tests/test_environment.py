"""Versions: pyproject.toml holds the direct pins, uv.lock every package exactly (for Python
3.11-3.13 on Linux, macOS arm64 and Windows). These tests check that the two agree, that the
files conda and Binder install from are the lock, and that the running environment *is* the
lock: no package missing, none extra, none at another version (a stale .venv prints different
output). `make lock` regenerates uv.lock and requirements-lock.txt; `make env` re-syncs."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
LOCK = tomllib.loads((ROOT / "uv.lock").read_text())
NAME = canonicalize_name(PROJECT["name"])
#: The extras the dev environment (make lab/test, CI, Binder) installs: all but these.
NOT_IN_DEV_ENV = {"torch"}
DEV_EXTRAS = sorted(set(PROJECT["optional-dependencies"]) - NOT_IN_DEV_ENV)
#: Interpreters and platforms the lock must serve (the pyenv versions of this machine, for 3.12/3.13).
PYTHONS = ["3.11.7", "3.12.1", "3.13.0"]
PLATFORMS = {  # marker values, and the wheel platform tags that fit them
    "linux-x86_64": (
        {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix"},
        re.compile(r"^(manylinux.*_x86_64|linux_x86_64|any)$"),
    ),
    "macos-arm64": (
        {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64", "os_name": "posix"},
        re.compile(r"^(macosx_.*_(arm64|universal2)|any)$"),
    ),
    "windows-amd64": (
        {"sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64", "os_name": "nt"},
        re.compile(r"^(win_amd64|any)$"),
    ),
}


def pins(specs: list[str]) -> dict[str, str]:
    """{name: version} of the exact (==) requirements in ``specs``."""
    out = {}
    for spec in specs:
        req = Requirement(spec)
        exact = [s.version for s in req.specifier if s.operator == "=="]
        if exact:
            out[canonicalize_name(req.name)] = exact[0]
    return out


def package(name: str) -> list[dict]:
    return [p for p in LOCK["package"] if p["name"] == canonicalize_name(name)]


def closure(env: dict | None, extras: list[str]) -> dict[str, str]:
    """{name: version} that the lock installs for the course with ``extras``, in the marker
    environment ``env`` (None: every environment, markers ignored)."""
    found: dict[str, str] = {}
    todo = [(NAME, None, ["__main__", *extras])]
    while todo:
        name, version, wanted = todo.pop()
        candidates = [p for p in package(name) if version in (None, p["version"])]
        assert len(candidates) == 1 or env is None, f"uv.lock: {name} is ambiguous here: {candidates}"
        for pkg in candidates:
            first = pkg["name"] not in found
            found[pkg["name"]] = pkg["version"]
            groups = (["__main__"] if first else []) + [e for e in wanted if e != "__main__"]
            for group in groups:
                deps = (
                    pkg.get("dependencies", [])
                    if group == "__main__"
                    else pkg.get("optional-dependencies", {}).get(group, [])
                )
                for dep in deps:
                    if env is not None and "marker" in dep and not Marker(dep["marker"]).evaluate(env):
                        continue
                    todo.append((dep["name"], dep.get("version"), ["__main__", *dep.get("extra", [])]))
    return found


def marker_env(python: str, platform: str) -> dict[str, str]:
    env = default_environment()
    env.update(
        PLATFORMS[platform][0],
        python_version=".".join(python.split(".")[:2]),
        python_full_version=python,
        implementation_name="cpython",
        platform_python_implementation="CPython",
    )
    return env


def fits(pkg: dict, python: str, platform: str) -> bool:
    """True if ``pkg`` has a wheel (or an sdist) for that interpreter and platform."""
    if "sdist" in pkg or ("source" in pkg and "editable" in pkg["source"]):
        return True
    cp = "cp" + "".join(python.split(".")[:2])
    for wheel in pkg.get("wheels", []):
        for tag in parse_wheel_filename(wheel["url"].rsplit("/", 1)[1])[3]:
            python_ok = tag.interpreter in (cp, "py3", "py2.py3") or tag.interpreter.startswith("py3")
            abi_ok = tag.abi in (cp, "abi3", "none")
            if tag.abi == "abi3":
                python_ok = tag.interpreter.startswith("cp3") and int(tag.interpreter[3:]) <= int(cp[3:])
            if python_ok and abi_ok and PLATFORMS[platform][1].match(tag.platform):
                return True
    return False


# ---- pyproject.toml: what `pip install lstm-batching` brings (Colab) --------------------------


def test_package_pins_the_backend_exactly_and_ranges_what_colab_has_loaded():
    direct = {canonicalize_name(Requirement(s).name): Requirement(s) for s in PROJECT["dependencies"]}
    assert pins(PROJECT["dependencies"])["tensorflow"] == "2.21.0"
    assert pins(PROJECT["dependencies"])["keras"] == "3.15.1"
    for name in ("numpy", "matplotlib"):
        assert name in direct and name not in pins(PROJECT["dependencies"]), (
            f"{name} must be a compatible range, so pip on Colab keeps the one already imported"
        )
    assert not {"jupyterlab", "ipykernel", "ipython", "jupyter-client", "rich"} & set(direct), (
        "the Jupyter side belongs in the 'lab' extra"
    )
    assert {"jupyterlab", "ipykernel", "ipython", "jupyter-client", "rich"} <= set(
        pins(PROJECT["optional-dependencies"]["lab"])
    )
    assert pins(PROJECT["optional-dependencies"]["test"])["nbval"] == "0.11.0"


def test_package_installs_on_python_3_11_to_3_13():
    assert PROJECT["requires-python"] == ">=3.11,<3.14"
    assert LOCK["requires-python"].replace(" ", "") == PROJECT["requires-python"]


# ---- uv.lock agrees with pyproject.toml -------------------------------------------------------


def test_lock_was_made_from_this_pyproject():
    """Same requirements as pyproject.toml (else `make lock`); uv sync --locked checks it too."""

    def norm(reqs):
        return sorted(str(Requirement(r)).replace(" ", "").lower().replace("_", "-") for r in reqs)

    root = package(NAME)[0]
    locked = [
        (d["name"] + d.get("specifier", "") + (f"; {d['marker']}" if "marker" in d else ""))
        for d in root["metadata"]["requires-dist"]
    ]
    wanted = list(PROJECT["dependencies"]) + [
        f"{r}; extra == '{extra}'" for extra, reqs in PROJECT["optional-dependencies"].items() for r in reqs
    ]
    extras = [f"[{','.join(d['extras'])}]" for d in root["metadata"]["requires-dist"] if "extras" in d]
    assert not extras, "extras on direct dependencies: extend norm()"
    assert norm(locked) == norm(wanted), "uv.lock is stale: run `make lock`"
    constraints = PYPROJECT.get("tool", {}).get("uv", {}).get("constraint-dependencies", [])
    assert norm(c["name"] + c.get("specifier", "") for c in LOCK.get("manifest", {}).get("constraints", [])) == norm(
        constraints
    ), "uv.lock is stale: run `make lock`"


def test_every_exact_pin_of_pyproject_is_the_locked_version():
    constraints = PYPROJECT.get("tool", {}).get("uv", {}).get("constraint-dependencies", [])
    wanted = pins(PROJECT["dependencies"]) | pins(constraints)
    for reqs in PROJECT["optional-dependencies"].values():
        wanted |= pins(reqs)
    wrong = {
        name: (version, [p["version"] for p in package(name)])
        for name, version in wanted.items()
        if [p["version"] for p in package(name)] != [version]
    }
    assert not wrong, f"pinned != locked {wrong}: run `make lock`"


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("python", PYTHONS)
def test_lock_installs_on_every_python_and_platform(python, platform):
    """Every package of the dev environment has a wheel (or an sdist) there."""
    env = marker_env(python, platform)
    chosen = closure(env, DEV_EXTRAS)
    assert {"tensorflow", "keras", "jupyterlab", "pytest"} <= set(chosen)
    missing = [
        f"{n}=={v}"
        for n, v in chosen.items()
        if not fits(next(p for p in package(n) if p["version"] == v), python, platform)
    ]
    assert not missing, f"no wheel for Python {python} on {platform}: {missing}"


# ---- what conda and Binder install ------------------------------------------------------------


def read_export() -> dict[str, tuple[str, set[str]]]:
    """requirements-lock.txt as {name: (version, hashes)}."""
    text = (ROOT / "requirements-lock.txt").read_text().replace("\\\n", " ")
    out = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("--hash") else line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line)
        assert match, f"requirements-lock.txt: unexpected line {line[:80]!r} (no -e ., no ranges)"
        out[canonicalize_name(match.group(1))] = (match.group(2), set(re.findall(r"--hash=(\S+)", line)))
    return out


def test_requirements_lock_txt_is_the_lock():
    """The hashed export that environment.yml installs: same packages, versions and hashes."""
    export = read_export()
    locked = closure(None, DEV_EXTRAS)
    locked.pop(NAME)
    assert set(export) == set(locked), (
        f"requirements-lock.txt differs from uv.lock ({set(export) ^ set(locked)}): run `make lock`"
    )
    for name, (version, hashes) in export.items():
        pkg = next((p for p in package(name) if p["version"] == version), None)
        assert pkg, f"requirements-lock.txt: {name}=={version} is not in uv.lock: run `make lock`"
        files = pkg.get("wheels", []) + ([pkg["sdist"]] if "sdist" in pkg else [])
        assert hashes and hashes == {f["hash"] for f in files}, f"{name}: hashes differ: run `make lock`"


def test_environment_yml_installs_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps, "conda/Binder: Python 3.11, the version the outputs were made with"
    assert "pip" in deps, "list pip itself, or conda warns"
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pip_section == ["-r requirements-lock.txt"], (
        "environment.yml's pip section must install the hashed lock export and nothing else"
    )


def test_binder_installs_the_course_and_quiets_jupyterlab():
    """repo2docker: environment.yml, then postBuild installs the package itself (no dependency:
    they all come from the lock) and JupyterLab's settings overrides."""
    assert not (ROOT / "binder").exists(), "a binder/ folder makes repo2docker ignore the root files"
    assert not (ROOT / "requirements.txt").exists(), "repo2docker ignores requirements.txt beside environment.yml"
    post = (ROOT / "postBuild").read_text()
    assert post.startswith("#!/bin/bash") and (ROOT / "postBuild").stat().st_mode & 0o111, "postBuild: executable"
    assert "pip install --no-deps -e ." in post
    overrides = re.search(r"(config/jupyterlab/overrides\.json)", post)
    assert overrides and (ROOT / overrides.group(1)).is_file()
    assert "share/jupyter/lab/settings" in post


# ---- the running environment is the lock ------------------------------------------------------


def test_running_environment_equals_the_lock():
    """Exactly the locked packages at the locked versions, for this interpreter and platform:
    what `make env` (uv sync --locked) builds on a fresh clone. The torch extra may be added."""
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    base = closure(default_environment(), DEV_EXTRAS)
    with_torch = closure(default_environment(), DEV_EXTRAS + sorted(NOT_IN_DEV_ENV))
    extra = {n: v for n, v in installed.items() if n not in base}
    if extra and set(extra) <= set(with_torch):
        base = with_torch
    wrong = {n: (installed.get(n), v) for n, v in base.items() if installed.get(n) != v}
    # pip is left in an environment first made by `python -m venv` (uv's own venvs have none).
    extra = {n: v for n, v in installed.items() if n not in base and n != "pip"}
    hint = "run `make env` (it syncs to uv.lock)"
    assert not wrong, f"installed != locked (installed, locked) {wrong}: {hint}"
    assert not extra, f"installed but not in uv.lock {extra}: {hint}"
    assert sys.version_info[:2] >= (3, 11)


def test_pre_commit_runs_the_pinned_ruff():
    """The pre-commit hook and `make lint` must agree: the hook's ruff is the test extra's pin."""
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    (ruff_repo,) = [r for r in config["repos"] if r["repo"].endswith("/ruff-pre-commit")]
    assert ruff_repo["rev"] == "v" + pins(PROJECT["optional-dependencies"]["test"])["ruff"]
