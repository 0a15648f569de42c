"""Tests of helpers.distribute (notebook 06).

Logical devices can be configured only once per process, before TensorFlow initialises them,
so everything that splits the CPU runs in a fresh subprocess; the rest runs here.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import distribute

ROOT = Path(__file__).resolve().parents[1]


def run_script(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
    )


def last_json(done: subprocess.CompletedProcess) -> dict:
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- per_replica_batch_sizes (pure)


def test_per_replica_batch_sizes_examples_from_the_notebook():
    assert distribute.per_replica_batch_sizes(64, 70, 2) == [(32, 32), (3, 3)]
    assert distribute.per_replica_batch_sizes(64, 67, 2) == [(32, 32), (2, 1)]
    assert distribute.per_replica_batch_sizes(64, 65, 2) == [(32, 32), (1, 0)]
    assert distribute.per_replica_batch_sizes(64, 64, 3) == [(22, 22, 20)]
    assert distribute.per_replica_batch_sizes(64, 712, 2)[-1] == (4, 4)
    assert distribute.per_replica_batch_sizes(64, 712, 2, drop_remainder=True)[-1] == (32, 32)
    assert distribute.per_replica_batch_sizes(64, 10, 2, drop_remainder=True) == []
    assert distribute.per_replica_batch_sizes(5, 5, 1) == [(5,)]


@settings(max_examples=200, deadline=None)
@given(
    global_batch=st.integers(1, 300), n_samples=st.integers(1, 2000), n_replicas=st.integers(1, 9), drop=st.booleans()
)
def test_per_replica_batch_sizes_properties(global_batch, n_samples, n_replicas, drop):
    steps = distribute.per_replica_batch_sizes(global_batch, n_samples, n_replicas, drop_remainder=drop)
    expected_steps = n_samples // global_batch if drop else math.ceil(n_samples / global_batch)
    assert len(steps) == expected_steps
    for k, sizes in enumerate(steps):
        assert len(sizes) == n_replicas
        want = min(global_batch, n_samples - k * global_batch)
        assert sum(sizes) == want  # nothing lost, nothing repeated
        assert list(sizes) == sorted(sizes, reverse=True)  # replica 0 is served first
        assert sizes[0] == math.ceil(want / n_replicas)  # consecutive pieces of ceil(r / n)


@pytest.mark.parametrize(
    "kwargs,error,words",
    [
        ({"global_batch": 0}, ValueError, "global_batch: expected an int >= 1"),
        ({"global_batch": 64.0}, TypeError, "global_batch: expected an int >= 1 such as 64, got 64.0"),
        ({"global_batch": True}, TypeError, "global_batch: expected an int"),
        ({"n_samples": 0}, ValueError, "n_samples: expected an int >= 1"),
        ({"n_samples": "712"}, TypeError, "n_samples: expected an int >= 1 such as 712, got '712'"),
        ({"n_replicas": 0}, ValueError, "n_replicas: expected an int >= 1 such as strategy.num_replicas_in_sync"),
        ({"drop_remainder": "yes"}, TypeError, "drop_remainder: expected True or False, got 'yes'"),
    ],
)
def test_per_replica_batch_sizes_rejects_bad_input(kwargs, error, words):
    args = {"global_batch": 64, "n_samples": 712, "n_replicas": 2, **kwargs}
    drop = args.pop("drop_remainder", False)
    with pytest.raises(error, match=words):
        distribute.per_replica_batch_sizes(**args, drop_remainder=drop)


# ---------------------------------------------------------------- per_replica_batch (pure)


def test_per_replica_batch_divides_evenly():
    assert distribute.per_replica_batch(64, 2) == 32
    assert distribute.per_replica_batch(16, 2) == 8
    assert distribute.per_replica_batch(np.int64(24), 3) == 8


def test_per_replica_batch_refuses_uneven_and_suggests_multiples():
    with pytest.raises(
        ValueError,
        match=r"global_batch: 64 does not split evenly over 3 replicas "
        r"\(64 / 3 = 21.33\)\. Use a multiple of 3, e.g\. 63, 66",
    ):
        distribute.per_replica_batch(64, 3)
    with pytest.raises(ValueError, match=r"Use a multiple of 2, e.g\. 2,"):
        distribute.per_replica_batch(1, 2)
    with pytest.raises(TypeError, match="n_replicas: expected an int"):
        distribute.per_replica_batch(64, 2.0)


# ---------------------------------------------------------------- scale_learning_rate (pure)


def test_scale_learning_rate_rules():
    assert distribute.scale_learning_rate(0.01, 32, 64) == pytest.approx(0.02)
    assert distribute.scale_learning_rate(0.01, 32, 256) == pytest.approx(0.08)
    assert distribute.scale_learning_rate(0.01, 64, 32) == pytest.approx(0.005)
    assert distribute.scale_learning_rate(0.01, 32, 128, rule="sqrt") == pytest.approx(0.02)
    assert distribute.scale_learning_rate(1, 32, 32) == 1.0
    assert isinstance(distribute.scale_learning_rate(np.float32(0.5), 1, 2), float)


@pytest.mark.parametrize(
    "args,kwargs,error,words",
    [
        (("0.01", 32, 64), {}, TypeError, "base_lr: expected a number such as 0.01 with 0 < x, got '0.01'"),
        ((True, 32, 64), {}, TypeError, "base_lr: expected a number"),
        ((0.0, 32, 64), {}, ValueError, "base_lr: expected a number such as 0.01 with 0 < x, got 0.0"),
        ((-0.1, 32, 64), {}, ValueError, "got -0.1"),
        ((float("nan"), 32, 64), {}, ValueError, "got nan"),
        ((float("inf"), 32, 64), {}, ValueError, "got inf"),
        ((0.01, 0, 64), {}, ValueError, "base_batch: expected an int >= 1"),
        ((0.01, 32, 6.4), {}, TypeError, "global_batch: expected an int"),
        ((0.01, 32, 64), {"rule": "cubic"}, ValueError, "rule: expected 'linear' or 'sqrt', got 'cubic'"),
    ],
)
def test_scale_learning_rate_rejects_bad_input(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        distribute.scale_learning_rate(*args, **kwargs)


# ---------------------------------------------------------------- in this process (no device split)


def test_split_cpu_checks_its_argument_before_touching_tensorflow():
    with pytest.raises(ValueError, match="n_devices: expected an int >= 1"):
        distribute.split_cpu(0)
    with pytest.raises(TypeError, match="n_devices: expected an int >= 1 such as 2, got '2'"):
        distribute.split_cpu("2")


def test_describe_and_measure_reject_non_strategies():
    import tensorflow as tf

    with pytest.raises(TypeError, match="strategy: expected a tf.distribute.Strategy .* got str"):
        distribute.describe_strategy("mirrored")
    with pytest.raises(TypeError, match="strategy: expected a tf.distribute.Strategy"):
        distribute.measured_batch_sizes(None, tf.data.Dataset.range(3).batch(2))
    with pytest.raises(
        TypeError, match="dataset: expected a batched tf.data.Dataset .* or a distributed dataset, got ndarray"
    ):
        distribute.measured_batch_sizes(tf.distribute.get_strategy(), np.zeros((4, 2)))


def test_default_strategy_is_one_replica():
    import tensorflow as tf

    strategy = tf.distribute.get_strategy()
    assert distribute.describe_strategy(strategy).startswith("default strategy")
    ds = tf.data.Dataset.from_tensor_slices((np.zeros((5, 3, 1)), np.zeros((5, 1)))).batch(2)
    assert (
        distribute.measured_batch_sizes(strategy, ds)
        == [(2,), (2,), (1,)]
        == distribute.per_replica_batch_sizes(2, 5, 1)
    )


def test_probe_records_batches_without_a_strategy():
    import keras
    import tensorflow as tf

    probe = distribute.BatchSizeProbe(name="probe")
    model = keras.Sequential([keras.Input((4, 1)), probe, keras.layers.LSTM(2), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert probe.steps() == []  # building the model records nothing
    x, y = np.zeros((10, 4, 1), "float32"), np.zeros((10, 1), "float32")
    model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(4), epochs=2, verbose=0, shuffle=False)
    assert probe.steps() == [(4,), (4,), (2,)] * 2
    probe.clear()
    model.predict(x, batch_size=3, verbose=0)
    assert probe.steps() == [(3,), (3,), (3,), (1,)]
    assert model.predict(x[:2], verbose=0).shape == (2, 1)


# ---------------------------------------------------------------- subprocesses: real logical devices

SPLIT_AND_COMPARE = """
import json
from helpers import session
session.start()
from helpers import distribute
import keras, numpy as np, tensorflow as tf
N = {n}
names = distribute.split_cpu(N)
again = distribute.split_cpu(N)                 # same number afterwards: harmless
try:
    distribute.split_cpu(N + 1)
    too_late = None
except RuntimeError as err:
    too_late = str(err)
strategy = tf.distribute.MirroredStrategy(names)
mismatches, cases = [], 0
for n_samples in (1, 2, 3, 7, 65, 67, 70, 129):   # tiny, odd, one over a batch, uneven remainders
    for global_batch in (1, 3, 8, 64):
        for drop in (False, True):
            if drop and n_samples < global_batch:
                continue
            if global_batch == 1 and n_samples > 7:   # one step per sample: slow, and 1, 2, 3, 7 show it
                continue
            x = np.zeros((n_samples, 2, 1), "float32")
            ds = tf.data.Dataset.from_tensor_slices((x, x[:, 0])).batch(global_batch, drop_remainder=drop)
            real = distribute.measured_batch_sizes(strategy, ds)
            cases += 1
            if real != distribute.per_replica_batch_sizes(global_batch, n_samples, N, drop_remainder=drop):
                mismatches.append([n_samples, global_batch, drop, real[-2:]])
with strategy.scope():
    probe = distribute.BatchSizeProbe(name="probe")
    model = keras.Sequential([keras.Input((2, 1)), probe, keras.layers.LSTM(2), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
x, y = np.zeros((70, 2, 1), "float32"), np.zeros((70, 1), "float32")
model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(22 * N), epochs=1, verbose=0, shuffle=False)
fit_steps = probe.steps()
probe.clear()
model.fit(x, y, batch_size=11 * N, epochs=1, verbose=0, shuffle=False)
numpy_steps = probe.steps()
# Keras 3.15 builds the model from the first distributed batch, averaged over the replicas:
# a first global batch that does not split into equal pieces fails.
try:
    model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(22 * N + 1), epochs=1, verbose=0, shuffle=False)
    uneven_first = None
except tf.errors.InvalidArgumentError as err:
    uneven_first = err.message
from_fn = distribute.measured_batch_sizes(strategy, strategy.distribute_datasets_from_function(
    lambda context: tf.data.Dataset.range(70).batch(context.get_per_replica_batch_size(22 * N))))
print(json.dumps({{"from_fn": from_fn, "names": names, "again": again, "too_late": too_late, "cases": cases,
                  "mismatches": mismatches, "fit_steps": fit_steps, "numpy_steps": numpy_steps,
                  "uneven_first": uneven_first, "described": distribute.describe_strategy(strategy),
                  "expected_fit": distribute.per_replica_batch_sizes(22 * N, 70, N),
                  "expected_numpy": distribute.per_replica_batch_sizes(11 * N, 70, N)}}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("n", [2, 3])
def test_prediction_matches_what_mirrored_strategy_really_does(n):
    done = run_script(SPLIT_AND_COMPARE.format(n=n))
    result = last_json(done)
    assert done.stderr == "", f"MirroredStrategy printed to stderr: {done.stderr[:500]}"
    assert result["names"] == result["again"] == [f"/device:CPU:{i}" for i in range(n)]
    # 64 combinations, minus those with nothing left (10) and batch 1 over more than 7 samples (8)
    assert result["cases"] == 46 and result["mismatches"] == []
    assert result["fit_steps"] == [list(s) for s in result["expected_fit"]]
    assert result["numpy_steps"] == [list(s) for s in result["expected_numpy"]]
    # distribute_datasets_from_function: whole per-replica batches of 22, handed out in turn
    assert result["from_fn"] == ([[22, 22], [22, 4]] if n == 2 else [[22, 22, 22], [4, 0, 0]])
    assert result["fit_steps"][-1] == ([13, 13] if n == 2 else [2, 2, 0])  # uneven last steps train fine
    assert "Inputs to operation AddN of type AddN must have the same size and shape" in result["uneven_first"]
    assert f"Input 0: [23,2,1] != input {n - 1}: [{22 * n + 1 - 23 * (n - 1)},2,1]" in result["uneven_first"]
    cpus = ", ".join(f"CPU:{i}" for i in range(n))
    assert result["described"] == f"MirroredStrategy: {n} replicas in sync on {cpus}"
    assert result["too_late"].startswith(f"n_devices: cannot split the CPU into {n + 1} logical devices")
    assert f"it sees {n} logical CPU(s)" in result["too_late"] and "restart the kernel" in result["too_late"]


@pytest.mark.slow
def test_split_cpu_after_devices_are_initialised_says_restart():
    done = run_script("""
        from helpers import session
        session.start()
        import tensorflow as tf
        from helpers import distribute
        tf.constant(1.0) + 1.0                      # initialises the devices
        distribute.split_cpu(2)
    """)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("RuntimeError: n_devices: cannot split the CPU into 2 logical devices")
    assert "it sees 1 logical CPU(s)" in last and "restart the kernel" in last
    assert "right after session.start()" in last
