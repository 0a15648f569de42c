import subprocess
import sys
from pathlib import Path

import pytest


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"}
    )


@pytest.mark.slow
def test_start_is_silent_on_stderr_prints_versions_and_seeds_keras():
    # Two fresh processes (each imports TensorFlow: seconds, so one test checks all three facts).
    code = "from helpers import session; session.start(7); import keras; print(float(keras.random.normal((1,))[0]))"
    first, second = run_python(code), run_python(code)
    assert first.returncode == 0, first.stderr
    assert first.stderr == "", f"TensorFlow start-up noise leaked: {first.stderr[:300]}"
    assert "TensorFlow 2.21.0 | Keras 3.15.1" in first.stdout and "seed 7" in first.stdout
    assert first.stdout == second.stdout, "the same seed must give the same random numbers in a fresh process"


@pytest.mark.slow
def test_start_shortens_tracebacks_in_ipython_to_the_error_line():
    ipython = str(Path(sys.executable).with_name("ipython"))
    done = subprocess.run(
        [
            ipython,
            "--colors=nocolor",
            "-c",
            "from helpers import session; session.start(); import numpy as np; np.arange(6).reshape(4, 2)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    out = done.stdout + done.stderr
    assert "ValueError: cannot reshape array of size 6 into shape (4,2)" in out
    assert "Traceback" not in out and "File " not in out and "site-packages" not in out, out
    assert "Exception reporting mode" not in out, "the xmode magic's own message must not be printed"


@pytest.mark.slow
def test_start_refuses_when_tensorflow_is_already_loaded():
    done = run_python("import tensorflow; from helpers import session; session.start()")
    assert done.returncode != 0 and "must run before TensorFlow is imported" in done.stderr


def test_start_rejects_bad_seed():
    from helpers import session

    with pytest.raises(TypeError, match="seed: expected an int"):
        session.start("42")
    with pytest.raises(ValueError, match="seed: expected an int >= 0"):
        session.start(-1)


def test_check_environment_says_ready_here():
    from helpers import session

    report = session.check_environment()
    assert report.ok, str(report)
    assert "Ready" in str(report) and "1047 trading days, 390 months" in str(report)


def test_quiet_env_and_silence_fd2_are_public():
    import os

    from helpers import session

    assert session.QUIET_ENV == {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
    saved = os.dup(2)
    try:
        with session.silence_fd2():
            os.write(2, b"this goes nowhere\n")
        assert os.fstat(2).st_ino == os.fstat(saved).st_ino  # fd 2 is back
    finally:
        os.close(saved)
