"""Colab, simulated (make colab-sim; CI runs it): a fresh Python 3.13 with only the notebooks.

Colab gives a learner a Python (3.12 or 3.13) with a Jupyter kernel and no course package. The
notebook's first code cell must then install the course in one step and go on, with no restart.
Here: a new Python 3.13 virtual environment with only what a kernel needs (ipykernel, nbclient),
notebook 00 copied alone into an empty folder, and ``LSTM_BATCHING_PACKAGE`` pointing the install
block at a wheel built from this checkout (Colab installs from the repository URL instead). The run
must reach notebook 00's "Ready" line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = os.environ.get("COLAB_PYTHON", "3.13")


def interpreter(version: str) -> str | None:
    """python3.X on PATH, else from pyenv (how these machines provide 3.12 and 3.13)."""
    for cmd in (
        [f"python{version}", "-c", "import sys; print(sys.executable)"],
        ["pyenv", "which", f"python{version}"],
    ):
        env = dict(os.environ, PYENV_VERSION=next((v for v in _pyenv_versions() if v.startswith(version)), ""))
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip().splitlines()[-1]
    return None


def _pyenv_versions() -> list[str]:
    try:
        out = subprocess.run(["pyenv", "versions", "--bare"], capture_output=True, text=True, timeout=30)
    except OSError:
        return []
    return out.stdout.split()


def run(cmd, **kw):
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


EXECUTE = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
for cell in nb.cells:
    if cell.cell_type == "code":
        cell.outputs = []
NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=False).execute()
nbformat.write(nb, sys.argv[1])
"""


@pytest.mark.colab
def test_notebook_00_installs_the_course_and_reaches_ready(tmp_path):
    python = interpreter(PYTHON)
    if python is None:
        pytest.fail(f"Python {PYTHON} not found (PATH or pyenv): set COLAB_PYTHON to another 3.12/3.13")
    start = time.perf_counter()
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, ROOT])
    wheel = next(dist.glob("lstm_batching-*.whl"))
    venv = tmp_path / "colab"
    run([python, "-m", "venv", venv])
    vpy = venv / "bin" / "python"
    run([vpy, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "ipykernel", "nbclient", "nbformat"])
    work = tmp_path / "content"  # Colab's working folder: the notebook and nothing else
    work.mkdir()
    notebook = work / "00_setup_check.ipynb"
    shutil.copy(ROOT / "notebooks" / notebook.name, notebook)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(LSTM_BATCHING_PACKAGE=str(wheel), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    run([vpy, "-c", EXECUTE, notebook], cwd=work, env=env, timeout=1800)
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    texts = [
        "".join(o.get("text", "") or o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    ]
    assert any("Ready: you can start notebook 01." in t for t in texts), f"no Ready line in:\n{texts}"
    version = run([vpy, "-c", "import sys; print(sys.version.split()[0])"]).stdout.strip()
    print(f"Colab simulation on Python {version}: notebook 00 reached Ready in {time.perf_counter() - start:.0f} s")
