"""helpers.backends: input checks, error texts, the worker protocol, and two probes held to the facts.

The worker tests start real TensorFlow and JAX processes (a few seconds each, once per session);
notebook 07 runs every probe, and strict nbval compares what they print.
"""

from __future__ import annotations

import datetime
import os
import signal

import numpy as np
import pytest

from helpers import backends

# ---------------------------------------------------------------- names and availability


def test_backend_names_are_checked():
    with pytest.raises(ValueError, match=r"backend: unknown backend 'pytorch' \(Keras calls it 'torch'\)"):
        backends.available("pytorch")
    with pytest.raises(ValueError, match="Expected one of"):
        backends.available("theano")
    with pytest.raises(TypeError, match=r"backend: expected a backend name.*got 3 \(int\)"):
        backends.available(3)


def test_the_course_environment_has_tensorflow_and_jax():
    assert backends.available("tensorflow") and backends.available("jax")
    assert backends.installed()[:2] == ("tensorflow", "jax")
    assert isinstance(backends.available("torch"), bool)


# ---------------------------------------------------------------- error_text


def test_error_text_keeps_the_message_without_keras_where_and_arguments():
    keras_like = ValueError(
        "Exception encountered when calling LSTM.call().\n\n\x1b[1mIf an RNN is stateful, the batch size must match.\n"
        "- Expected batch size: 4\n- Received batch size: 1\x1b[0m\n\nArguments received by LSTM.call():\n  • x=..."
    )
    assert backends.error_text(keras_like) == (
        "ValueError: If an RNN is stateful, the batch size must match. "
        "- Expected batch size: 4 - Received batch size: 1"
    )


def test_error_text_stops_at_the_first_paragraph_and_shortens():
    assert backends.error_text(RuntimeError("first line\nsecond thought")) == "RuntimeError: first line"
    long = backends.error_text(ValueError("x" * 500), limit=50)
    assert len(long) == len("ValueError: ") + 50 and long.endswith("...")
    assert backends.error_text(KeyError()) == "KeyError"


def test_error_text_refuses_what_is_not_an_exception():
    with pytest.raises(TypeError, match="err: expected an exception"):
        backends.error_text("ValueError: oops")


# ---------------------------------------------------------------- checks made before any process starts


def module_level(n):
    return n


def test_run_needs_a_function_with_source():
    with pytest.raises(TypeError, match="a lambda cannot be sent"):
        backends.run(lambda: 1, "jax")
    with pytest.raises(TypeError, match="fn: expected a function defined with `def`"):
        backends.run(len, "jax")
    with pytest.raises(TypeError, match="fn: expected a function"):
        backends.run("probe_versions", "jax")


def test_run_checks_arguments_and_options():
    with pytest.raises(TypeError, match=r"^arr: arguments sent to another process must be plain values.*ndarray"):
        backends.run(module_level, "jax", arr=np.zeros(3))
    with pytest.raises(TypeError, match="env: expected a dict of strings"):
        backends.run(module_level, "jax", env={"XLA_FLAGS": 2}, n=1)
    with pytest.raises(ValueError, match=r"timeout: expected a number such as 60 \(seconds\) with 0 < x, got 0"):
        backends.run(module_level, "jax", timeout=0, n=1)
    with pytest.raises(ValueError, match="unknown backend"):
        backends.run(module_level, "mxnet", n=1)


@pytest.mark.skipif(backends.available("torch"), reason="torch is installed here")
def test_run_on_a_missing_backend_says_how_to_install_it():
    with pytest.raises(ModuleNotFoundError, match=r"'torch' is not installed.*pip install -e '\.\[torch\]'"):
        backends.run(module_level, "torch", n=1)
    with pytest.raises(ModuleNotFoundError, match="not installed"):
        backends.compare(module_level, ["jax", "torch"], n=1)


def test_compare_wants_a_list_of_backends():
    with pytest.raises(TypeError, match="got the string 'jax'"):
        backends.compare(module_level, "jax", n=1)
    with pytest.raises(ValueError, match="at least one backend"):
        backends.compare(module_level, [], n=1)
    with pytest.raises(ValueError, match="backends: unknown backend"):
        backends.compare(module_level, ["tensorflow", "tf"], n=1)
    with pytest.raises(TypeError, match="got the string"):
        backends.start("jax")


def test_show_prints_the_source_sent(capsys):
    backends.show(module_level)
    assert capsys.readouterr().out == "def module_level(n):\n    return n\n"


def test_results_are_made_plain():
    plain = backends._to_plain({"a": np.float32(0.5), "b": (np.arange(2), [np.int64(3)]), 1: None})
    assert plain == {"a": 0.5, "b": [[0, 1], [3]], "1": None}
    with pytest.raises(TypeError, match="returned a object; return plain values"):
        backends._to_plain(object())


def test_short_keeps_both_ends():
    text = "ValueError: " + "x" * 200 + " Expected batch size: 4"
    short = backends._short(text, 60)
    assert len(short) == 60 and short.startswith("ValueError:") and short.endswith("batch size: 4")
    assert backends._short("short", 60) == "short"


def test_markdown_table_has_date_versions_and_escaped_cells():
    table = {"check a": {"tensorflow": "1", "jax": "x | y"}}
    text = backends.markdown_table(table, when=datetime.date(2026, 11, 30))
    assert text.startswith("Measured 2026-11-30 with `make backends`")
    assert "| check | tensorflow | jax |" in text and "| check a | 1 | x \\| y |" in text
    with pytest.raises(ValueError, match="table: expected the result of matrix"):
        backends.markdown_table({})


# ---------------------------------------------------------------- real workers


def describe(n):
    import os

    import keras
    import numpy as np

    return {"backend": keras.config.backend(), "double": np.array([n, 2 * n]), "pid": os.getpid()}


def fails():
    raise ValueError("bad shape\n- Expected: 4\nArguments received by X")


def returns_an_object():
    return object()


def sleeps(seconds):
    import time

    time.sleep(seconds)
    return seconds


def seeded():
    import keras

    return float(keras.random.uniform((1,))[0])


@pytest.mark.slow
def test_run_calls_the_function_in_a_process_of_that_backend():
    first = backends.run(describe, "jax", n=21)
    assert first["backend"] == "jax" and first["double"] == [21, 42] and first["pid"] != os.getpid()
    assert backends.run(describe, "jax", n=1)["pid"] == first["pid"]  # the worker stays alive
    both = backends.compare(describe, ["tensorflow", "jax"], n=2)
    assert [r["backend"] for r in both.values()] == ["tensorflow", "jax"]


@pytest.mark.slow
def test_each_call_starts_from_the_same_seed():
    assert backends.run(seeded, "jax") == backends.run(seeded, "jax")


@pytest.mark.slow
def test_errors_in_the_worker_come_back_as_backend_errors():
    with pytest.raises(backends.BackendError, match=r"on the jax backend: ValueError: bad shape - Expected: 4$"):
        backends.run(fails, "jax")
    with pytest.raises(backends.BackendError, match="return plain values"):
        backends.run(returns_an_object, "jax")
    assert backends.run(describe, "jax", n=3)["double"] == [3, 6]  # the worker goes on


@pytest.mark.slow
def test_compare_collects_every_reply_before_raising():
    with pytest.raises(backends.BackendError, match="tensorflow backend: ValueError"):
        backends.compare(fails, ["tensorflow", "jax"])
    assert backends.run(describe, "jax", n=4)["double"] == [4, 8]  # no stale reply left


@pytest.mark.slow
def test_a_slow_function_times_out_and_a_new_worker_follows():
    with pytest.raises(TimeoutError, match=r"sleeps on the jax backend did not finish within 0\.5 s"):
        backends.run(sleeps, "jax", timeout=0.5, seconds=30)
    assert backends.run(sleeps, "jax", seconds=0) == 0


def exits(code):
    import os

    os._exit(code)


@pytest.mark.slow
def test_a_worker_that_dies_during_a_call_is_reported_then_replaced():
    pid = backends.run(describe, "jax", n=0)["pid"]
    with pytest.raises(backends.BackendError, match=r"on the jax backend: the worker process ended \(exit code 3\)"):
        backends.run(exits, "jax", code=3)
    assert backends.run(describe, "jax", n=0)["pid"] != pid


@pytest.mark.slow
def test_a_worker_killed_between_calls_is_replaced():
    pid = backends.run(describe, "jax", n=0)["pid"]
    os.kill(pid, signal.SIGKILL)
    worker = next(w for w in backends._WORKERS.values() if w.proc.pid == pid)
    worker.proc.wait(timeout=10)
    assert backends.run(describe, "jax", n=0)["pid"] != pid


@pytest.mark.slow
def test_probe_partial_batch_facts():
    partial = backends.compare(backends.probe_partial_batch, ["tensorflow", "jax"], n_samples=5, batch=4)
    assert partial["tensorflow"] == {"rows": 8, "outcome": "returned 8 rows for 5 samples", "broadcast": True}
    assert partial["jax"]["rows"] is None and partial["jax"]["broadcast"] is None
    assert partial["jax"]["outcome"].endswith("Expected batch size: 4 - Received batch size: 1")
    # TensorFlow broadcasts one leftover sample, but 2 leftover samples fail inside the graph
    two_left = backends.run(backends.probe_partial_batch, "tensorflow", n_samples=6, batch=4)
    assert two_left == {
        "rows": None,
        "outcome": "InvalidArgumentError: Incompatible shapes: [2,8] vs. [4,8]",
        "broadcast": None,
    }


@pytest.mark.slow
def test_probe_jax_state_cause_facts():
    cause = backends.run(backends.probe_jax_state_cause, "jax")
    assert cause == {
        "state_tracked": False,
        "non_trainable": ["seed_generator_state"],
        "run_eagerly": {"predict": 0.0, "fit": 0.0},
        "after_reset_equals_from_s1": True,
        "after_reset_equals_from_zero": False,
        "custom_train_step": 0.0,
    }
    with pytest.raises(backends.BackendError, match="run it on 'jax', not 'tensorflow'"):
        backends.run(backends.probe_jax_state_cause, "tensorflow")


@pytest.mark.slow
def test_probe_tf_data_fit_says_what_each_run_was():
    traced = backends.compare(backends.probe_tf_data_fit, ["tensorflow", "jax"], widths=[3, 5], epochs=2)
    assert traced["tensorflow"]["runs"] == [None] and traced["tensorflow"]["traces"] == 1
    assert traced["jax"]["runs"] == ["shape inference", 3, 5] and traced["jax"]["traces"] == 3


@pytest.mark.slow
def test_jax_workers_see_two_cpu_devices():
    def count_devices():
        import jax

        return len(jax.devices())

    assert backends.run(count_devices, "jax") == 2


def test_main_prints_and_writes_the_table(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(backends, "matrix", lambda names: {"check": {b: "ok" for b in names}})
    monkeypatch.setattr(backends, "available", lambda b: b != "torch")
    out = tmp_path / "sub" / "backends.md"
    assert backends._main(["--out", str(out), "--backends", "jax", "torch"]) == 0
    printed = capsys.readouterr().out
    assert "| check | ok | ok |" in printed and out.read_text().startswith("Measured ")
    assert "Not installed here: torch. torch: pip install -e '.[torch]'" in printed
    assert "make backends BACKENDS_PYTHON=path/to/that/python" in printed
