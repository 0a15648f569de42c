"""Start a course notebook: quiet TensorFlow before it loads, seed everything, print versions.

Introduced in notebook 00. Every notebook's first code cell is::

    from helpers import session
    session.start()
"""

from __future__ import annotations

import contextlib
import io
import os
import platform
import sys

from helpers import data
from helpers.report import Report
from helpers.validate import require_int

#: Environment set before TensorFlow is imported. Level 3 hides the C++ start-up lines
#: (CUDA probing, CPU features); only ``TF_ENABLE_ONEDNN_OPTS=0`` removes the oneDNN banner.
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def start(seed: int = 42) -> None:
    """Quiet TensorFlow, seed Python/NumPy/TensorFlow, set plot defaults and print versions.

    In Jupyter it also shortens tracebacks to the error line (``%xmode Minimal``).

    Must run before anything imports TensorFlow, because TensorFlow reads its logging
    settings only once, when it is loaded.

    >>> start(seed=42)  # doctest: +SKIP
    TensorFlow 2.21.0 | Keras 3.15.1 | NumPy 2.4.6 | seed 42
    """
    seed = require_int("seed", seed, 0, "seed=42")
    if "tensorflow" in sys.modules and os.environ.get("TF_CPP_MIN_LOG_LEVEL") != QUIET_ENV["TF_CPP_MIN_LOG_LEVEL"]:
        raise RuntimeError(
            "session.start() must run before TensorFlow is imported, but tensorflow is already "
            "loaded, so its start-up log lines can no longer be silenced. Fix: restart the kernel "
            "and make `from helpers import session; session.start()` the first code you run."
        )
    os.environ.update(QUIET_ENV)
    with silence_fd2():
        import tensorflow as tf
    import keras
    import matplotlib
    import numpy as np

    _short_tracebacks()
    tf.get_logger().setLevel("ERROR")
    keras.utils.set_random_seed(seed)
    matplotlib.rcParams.update(
        {
            "figure.figsize": (9, 3.5),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | NumPy {np.__version__} | seed {seed}")


def _short_tracebacks() -> None:
    """In IPython/Jupyter, show an error as its last line only (``%xmode Minimal``).

    A deliberate error then reads as the one line the text talks about, with no frames of Keras
    internals and no paths of this machine. ``%xmode Context`` brings the full traceback back.
    Outside IPython (a plain script) nothing changes.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        with contextlib.redirect_stdout(io.StringIO()):  # the magic prints "Exception reporting mode"
            shell.run_line_magic("xmode", "Minimal")


@contextlib.contextmanager
def silence_fd2():
    """Send file descriptor 2 to /dev/null while TensorFlow loads its C++ runtime.

    The ``tensorflow`` wheel probes for CUDA when it is imported and, on a machine without a
    GPU, writes "Could not find cuda drivers ..." straight to fd 2, whatever
    ``TF_CPP_MIN_LOG_LEVEL`` says (verified with TF 2.21.0). Python errors are not affected:
    they are raised as usual once the original stderr is back.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def check_environment() -> Report:
    """One verdict for a workshop participant: are versions, sample data and TensorFlow OK?

    Compares every installed package with the exact pin this course declares, finds the
    matplotlib sample data, and runs one LSTM forward pass. Introduced in notebook 00.
    """
    from importlib import metadata

    from packaging.requirements import Requirement

    problems, lines = [], []
    if not (3, 11) <= sys.version_info[:2] <= (3, 13):
        problems.append(f"Python is {platform.python_version()}, the course supports 3.11 to 3.13.")
    else:
        lines.append("Python version supported (3.11 to 3.13)")
    try:
        requirements = [Requirement(r) for r in metadata.requires("lstm-batching") or []]
    except metadata.PackageNotFoundError:
        requirements = []
        problems.append(
            "the course package is not installed: run `make lab` in the course folder "
            "(on Colab: run the first code cell of the notebook)."
        )
    # The package's own dependencies (no extras): what every notebook imports.
    requirements = [r for r in requirements if not r.marker or r.marker.evaluate({"extra": ""})]
    for req in requirements:
        try:
            installed = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            problems.append(f"{req.name} is missing, the course needs {req.name}{req.specifier}: re-run `make lab`.")
            continue
        if not req.specifier.contains(installed, prereleases=True):
            problems.append(
                f"{req.name} {installed} installed, the course needs {req.name}{req.specifier}: re-run `make lab`."
            )
    lines.append(f"{len(requirements)} required packages checked")

    try:
        lines.append(
            f"sample data: {len(data.daily_stock().values)} trading days, "
            f"{len(data.monthly_prices(['IBM']).values)} months"
        )
    except (OSError, ValueError) as err:
        problems.append(f"matplotlib sample data not found ({err}); reinstall matplotlib.")

    import keras
    import numpy as np

    layer = keras.layers.LSTM(2)
    out = layer(np.zeros((1, 3, 1), dtype="float32"))  # shape: (batch=1, timesteps=3, features=1)
    if tuple(out.shape) != (1, 2):
        problems.append(f"an LSTM forward pass returned shape {tuple(out.shape)}, expected (1, 2).")
    else:
        lines.append("an LSTM forward pass works")
    if problems:
        return Report(False, "Not ready yet: fix the items below, then re-run this notebook.", tuple(problems))
    return Report(True, "Ready: you can start notebook 01.", tuple(lines))
