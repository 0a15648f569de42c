"""make compat: does the course still work on the newest releases? Report only.

Usage: make compat                              (newest releases of everything on the package index)
       make compat KERAS=3.16.0 TF=2.22.0       (those versions, the rest newest)
       make compat PIN="numpy==2.5.0"           (any other package; NB=notebooks/01_*.ipynb for one)

1. Builds a scratch environment in build/compat/venv with uv: this package with its ``lab`` and
   ``test`` extras, every exact pin of pyproject.toml lifted (uv ``--overrides``), so each package
   comes at its newest release allowed by the others, or at the version named.
2. Runs every notebook as a learner's Run All does (nbclient, ``allow_errors=False``: the first error
   in a cell not tagged ``raises-exception`` stops the notebook), from a fresh kernel of that
   environment, on a copy in build/compat/notebooks/ (the notebooks themselves are never written).
3. Compares each code cell's outputs with the stored ones (as nbval does: images aside; cells whose
   output nbval ignores are skipped) and prints which notebooks break, which cells print something
   different (new stderr included) and the first lines of each difference.

Exit status: 0 when every notebook runs and prints what it stored, 1 otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / "build" / "compat"
EXTRAS = "lab,test"
DIFF_LINES = 8
# As tools/execute_notebooks.py (make execute) runs the kernel, so outputs are comparable.


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(spec: str) -> str:
    return canonical(re.match(r"\s*([A-Za-z0-9_.\-]+)", spec).group(1))


def direct_dependencies() -> list[str]:
    """Names of the packages pyproject.toml lists for the environment compat builds."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in EXTRAS.split(","):
        specs += project["optional-dependencies"].get(extra, [])
    return sorted({requirement_name(s) for s in specs})


def overrides(named: dict[str, str]) -> list[str]:
    """One override per direct dependency: unpinned (newest), or ``==`` the version named."""
    unknown = sorted(set(named) - set(direct_dependencies()))
    lines = [f"{name}=={named[name]}" if name in named else name for name in direct_dependencies()]
    return lines + [f"{name}=={named[name]}" for name in unknown]


def locked_versions() -> dict[str, set[str]]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    out: dict[str, set[str]] = {}
    for pkg in lock["package"]:
        out.setdefault(pkg["name"], set()).add(pkg["version"])
    return out


def build(uv: str, python: str, named: dict[str, str]) -> tuple[Path, dict[str, str]]:
    venv = SCRATCH / "venv"
    SCRATCH.mkdir(parents=True, exist_ok=True)
    (SCRATCH / "overrides.txt").write_text("\n".join(overrides(named)) + "\n")
    run = dict(check=True, cwd=ROOT)
    subprocess.run([uv, "venv", "--quiet", "--clear", "--no-python-downloads", "--python", python, str(venv)], **run)
    py = str(venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))
    print(f"installing the newest releases into {venv.relative_to(ROOT)} ...", flush=True)
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--python",
            py,
            "--overrides",
            str(SCRATCH / "overrides.txt"),
            "-e",
            f".[{EXTRAS}]",
        ],
        **run,
    )
    freeze = subprocess.run([uv, "pip", "freeze", "--python", py], capture_output=True, text=True, **run).stdout
    versions = {canonical(n): v for n, v in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", freeze, re.M)}
    return Path(py), versions


# ---- run in the scratch environment -----------------------------------------------------------


def texts(outputs: list) -> list[str]:
    """The outputs of one cell as nbval compares them: streams merged, images left out."""
    sys.path.insert(0, str(ROOT / "tools"))
    import nbrules

    out = []
    for o in nbrules.clean_outputs([json.loads(json.dumps(o)) for o in outputs]):
        kind = o.get("output_type")
        if kind == "stream":
            out.append(f"[{o['name']}]\n{o['text']}")
        elif kind in ("execute_result", "display_data"):
            for mime, value in sorted(o.get("data", {}).items()):
                if not mime.startswith("image/"):
                    out.append(f"[{mime}]\n{value if isinstance(value, str) else ''.join(value)}")
        elif kind == "error":
            out.append(f"[error]\n{o['ename']}: {o['evalue']}")
    return out


def run_notebook(path: Path, workdir: Path) -> dict:
    """Run All on a copy of ``path``; returns what broke and which cells differ."""
    import nbformat

    sys.path.insert(0, str(ROOT / "tools"))
    import nbrules

    stored = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    result: dict = {"notebook": path.stem, "broke": None, "differs": [], "cells": 0}
    try:
        nbrules.run_all(nb, workdir)
    except nbrules.RunAllStopped as err:
        result["broke"] = err.message
    except Exception as err:  # a dead kernel, a timeout: the notebook breaks all the same
        result["broke"] = f"{type(err).__name__}: {err}"[:300]
    code = [(old, new) for old, new in zip(stored.cells, nb.cells, strict=True) if new.cell_type == "code"]
    result["cells"] = len(code)
    result["ran"] = sum(new.execution_count is not None for _, new in code)
    for number, (old, new) in enumerate(code, 1):
        if new.execution_count is None:
            break
        if nbrules.ignores_output(old):
            continue
        before, after = texts(old.outputs), texts(new.outputs)
        if before != after:
            first = next((line for line in new.source.splitlines() if line.strip() and not line.startswith("#")), "")
            diff = list(
                difflib.unified_diff(
                    "\n".join(before).splitlines(), "\n".join(after).splitlines(), "stored", "now", n=0, lineterm=""
                )
            )[2:]
            result["differs"].append(
                {
                    "cell": number,
                    "source": first[:70],
                    "diff": diff,
                    "stderr": any(a.startswith("[stderr]") for a in after if a not in before),
                }
            )
    return result


def run_all(paths: list[Path], out: Path) -> None:
    """Inside the scratch environment: run each notebook, write the results as JSON."""
    import sys as _sys

    # The kernel is this environment's Python, whatever kernel specs the machine has.
    kernels = Path(tempfile.mkdtemp(prefix="compat-kernels-"))
    (kernels / "kernels" / "python3").mkdir(parents=True)
    (kernels / "kernels" / "python3" / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [_sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (compat)",
                "language": "python",
            }
        )
    )
    os.environ["JUPYTER_PATH"] = str(kernels)
    workdir = SCRATCH / "notebooks"
    shutil.rmtree(workdir, ignore_errors=True)
    shutil.copytree(ROOT / "notebooks", workdir)
    results = []
    for path in paths:
        print(f"  running {path.name} ...", flush=True)
        results.append(run_notebook(path, workdir))
        out.write_text(json.dumps(results))
    shutil.rmtree(kernels, ignore_errors=True)


# ---- the report -------------------------------------------------------------------------------


def report(results: list[dict], versions: dict[str, str], python: str, named: dict[str, str]) -> str:
    locked = locked_versions()
    key = ["tensorflow", "keras", "numpy", "matplotlib", "jax", "ipykernel", "jupyterlab", "rich"]
    lines = [
        f"make compat: Python {python}, "
        + (f"named: {', '.join(f'{k}=={v}' for k, v in sorted(named.items()))}, " if named else "")
        + "everything else at its newest release",
        "  " + ", ".join(f"{k} {versions[k]}" for k in key if k in versions),
    ]
    moved = [
        f"{n} {'/'.join(sorted(locked[n]))} -> {v}"
        for n, v in sorted(versions.items())
        if n in locked and v not in locked[n]
    ]
    new = sorted(n for n in versions if n not in locked and n != "lstm-batching")
    lines.append(f"  versions that differ from uv.lock ({len(moved)}): " + (", ".join(moved) or "none"))
    if new:
        lines.append(f"  packages not in uv.lock: {', '.join(new)}")
    lines.append("")
    broke = differ = 0
    for r in results:
        if r["broke"]:
            broke += 1
            lines.append(f"{r['notebook']}: BREAKS at code cell {r['ran']} of {r['cells']}: {r['broke']}")
        elif r["differs"]:
            differ += 1
            lines.append(
                f"{r['notebook']}: runs; {len(r['differs'])} of {r['cells']} code cells print something different"
            )
        else:
            lines.append(f"{r['notebook']}: runs; all {r['cells']} code cells print what is stored")
        for d in r["differs"]:
            lines.append(f"    cell {d['cell']} ({d['source']})" + ("  [new stderr]" if d["stderr"] else ""))
            shown = d["diff"][:DIFF_LINES]
            lines += [f"      {line[:150]}" for line in shown]
            if len(d["diff"]) > DIFF_LINES:
                lines.append(f"      ... {len(d['diff']) - DIFF_LINES} more diff lines")
    lines += [
        "",
        f"summary: {len(results)} notebooks; {broke} break, {differ} run but print something "
        f"different, {len(results) - broke - differ} as stored",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uv", default="uv")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--keras")
    parser.add_argument("--tf")
    parser.add_argument("--pin", action="append", default=[], help="NAME==VERSION, repeatable")
    parser.add_argument("--report", type=Path, default=SCRATCH / "report.txt")
    parser.add_argument("--run-in-env", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.run_in_env:
        run_all(paths, args.run_in_env)
        return 0
    named = {canonical(n): v for n, v in (p.split("==", 1) for p in args.pin)}
    if args.keras:
        named["keras"] = args.keras
    if args.tf:
        named["tensorflow"] = args.tf
    py, versions = build(args.uv, args.python, named)
    python = subprocess.run(
        [str(py), "-c", "import platform; print(platform.python_version())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    results_file = SCRATCH / "results.json"
    results_file.unlink(missing_ok=True)
    print(f"running {len(paths)} notebooks (Run All, fresh kernel each) ...", flush=True)
    subprocess.run(
        [str(py), str(Path(__file__).resolve()), "--run-in-env", str(results_file), *map(str, paths)],
        check=True,
        cwd=ROOT,
    )
    results = json.loads(results_file.read_text())
    text = report(results, versions, python, named)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text)
    print("\n" + text + f"(saved in {os.path.relpath(args.report, ROOT)})")
    return 0 if all(not r["broke"] and not r["differs"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
