"""Launch links and the install cell, built from the one repository URL the course keeps.

The URL lives in ``pyproject.toml`` (``[project.urls] Repository``). From it come:
- each notebook's launch line (Colab, Binder) under its title, and the README table's links;
- the install block at the top of each notebook's first code cell, which installs the course
  package where it is missing (Colab), and does nothing where it is installed.

Usage: python tools/launch.py notebooks/*.ipynb    (make execute runs it first; tests check it)
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
LAUNCH_LINE = re.compile(r"^\[Open in Colab\]\(.*$", re.M)
INSTALL_END = "# --- end of install block ---"


def repository() -> str:
    """The repository URL from pyproject.toml, e.g. https://github.com/owner/name."""
    url = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)/?", url)
    if not match:
        raise ValueError(f"[project.urls] Repository: expected https://github.com/OWNER/NAME, got {url!r}")
    return f"https://github.com/{match.group(1)}/{match.group(2)}"


def links(notebook: str, branch: str = "main") -> dict[str, str]:
    """Colab and Binder addresses that open ``notebook`` (a file name in notebooks/)."""
    slug = repository().removeprefix("https://github.com/")
    return {
        "colab": f"https://colab.research.google.com/github/{slug}/blob/{branch}/notebooks/{notebook}",
        "binder": f"https://mybinder.org/v2/gh/{slug}/{branch}?urlpath=lab/tree/notebooks/{notebook}",
    }


def launch_line(notebook: str) -> str:
    url = links(notebook)
    return f"[Open in Colab]({url['colab']}) · [Launch on Binder]({url['binder']})"


def install_block() -> str:
    """Code that installs the course package when ``helpers`` is missing (Colab), else nothing.

    ``LSTM_BATCHING_PACKAGE`` points the install elsewhere (a local wheel: the Colab simulation).
    """
    return (
        "# On Colab (or any Python without the course) this installs the course package once;\n"
        "# where the course is installed (make lab, Binder) it does nothing.\n"
        "import importlib.util\n"
        "import os\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if importlib.util.find_spec("helpers") is None:\n'
        f'    default = "lstm-batching @ git+{repository()}"\n'
        '    package = os.environ.get("LSTM_BATCHING_PACKAGE", default)\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", package], check=True)\n'
        "    importlib.invalidate_caches()\n"
        f"{INSTALL_END}\n"
    )


def stamp(nb, notebook: str) -> bool:
    """Put the launch line under the title and the install block atop the first code cell."""
    changed = False
    head = nb.cells[0]
    lines = head.source.split("\n")
    wanted = launch_line(notebook)
    if LAUNCH_LINE.search(head.source):
        new = LAUNCH_LINE.sub(lambda _: wanted, head.source, count=1)
    else:
        new = "\n".join([lines[0], "", wanted, *lines[1:]])
    if new != head.source:
        head.source, changed = new, True
    first = next(c for c in nb.cells if c.cell_type == "code")
    body = first.source.split(INSTALL_END + "\n", 1)[-1] if INSTALL_END in first.source else first.source
    source = install_block() + "\n" + body.lstrip("\n")
    if source != first.source:
        first.source, changed = source, True
    return changed


def main(argv: list[str]) -> int:
    for name in argv:
        path = Path(name)
        nb = nbformat.read(path, as_version=4)
        if stamp(nb, path.name):
            nbformat.write(nb, path)
            print(f"stamped {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
