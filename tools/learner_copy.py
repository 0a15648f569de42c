"""Learners' own copies of the notebooks (make lab, make restore).

JupyterLab autosaves whatever is open. If learners opened ``notebooks/`` itself, their runs and edits
would land in the committed files, and ``git pull`` would conflict in the middle of a workshop. So
``make lab`` opens ``my-notebooks/`` (ignored by git), filled from ``notebooks/``:

- ``fill``: copy every notebook that is not there yet; never overwrite a learner's file.
- ``restore``: bring one notebook back to the original; the learner's version is kept beside it
  as ``NN_name.mine-YYYYmmdd-HHMMSS.ipynb``.

Usage: python tools/learner_copy.py fill [DEST]
       python tools/learner_copy.py restore NAME.ipynb [DEST]
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks"
DEST = ROOT / "my-notebooks"


def fill(dest: Path = DEST, source: Path = SOURCE) -> list[str]:
    """Copy the notebooks missing from ``dest``; return their names. Existing files are left alone."""
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for nb in sorted(source.glob("*.ipynb")):
        target = dest / nb.name
        if not target.exists():
            shutil.copy2(nb, target)
            copied.append(nb.name)
    return copied


def restore(name: str, dest: Path = DEST, source: Path = SOURCE) -> Path | None:
    """Put the original of notebook ``name`` back in ``dest``; return where the learner's copy went."""
    original = source / Path(name).name
    if not original.is_file() or original.suffix != ".ipynb":
        choices = ", ".join(p.name for p in sorted(source.glob("*.ipynb")))
        raise ValueError(
            f"NB: {name!r} is not a notebook in {source.name}/. Expected one of: {choices}. "
            f"Example: make restore NB=01_the_3d_input_tensor.ipynb"
        )
    dest.mkdir(parents=True, exist_ok=True)
    target, kept = dest / original.name, None
    if target.exists():
        kept = dest / f"{original.stem}.mine-{time.strftime('%Y%m%d-%H%M%S')}.ipynb"
        n = 1
        while kept.exists():
            kept, n = dest / f"{original.stem}.mine-{time.strftime('%Y%m%d-%H%M%S')}-{n}.ipynb", n + 1
        target.rename(kept)
    shutil.copy2(original, target)
    return kept


def main(argv: list[str]) -> int:
    if argv[:1] == ["fill"] and len(argv) <= 2:
        dest = Path(argv[1]) if len(argv) == 2 else DEST
        for name in fill(dest):
            print(f"copied {name} to {dest.name}/")
        return 0
    if argv[:1] == ["restore"] and len(argv) in (2, 3):
        dest = Path(argv[2]) if len(argv) == 3 else DEST
        try:
            kept = restore(argv[1], dest)
        except ValueError as err:
            print(err, file=sys.stderr)
            return 2
        if kept:
            print(f"your version is kept as {dest.name}/{kept.name}")
        print(f"restored {dest.name}/{Path(argv[1]).name} from notebooks/")
        return 0
    print(__doc__.strip().splitlines()[-2:], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
