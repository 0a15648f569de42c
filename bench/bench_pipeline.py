"""Epoch time of a tf.data pipeline (notebook 03): plain against parallel map, cache and cache + prefetch.

One small LSTM trains on the 712 training windows of the daily log volume (T=20, batch 32). Each
window passes through ``helpers.pipelines.SimulatedLoad`` (0.5 ms, a stand-in for reading a file).
A steady-state epoch is the best (as in ``run.timeit``) of epochs 2..EPOCHS, since epoch 1 fills
the cache; the cache's first epoch is a row of its own. The map's call count is asserted, so a
cache that silently stopped working would fail the benchmark. A second group has no costly step
at all: caching and prefetching windows that are already in memory buys about nothing, and the
table says so (epochs of ~0.1 s, alternated over a few rounds to damp noise).

A third group measures only the map (no model): one pass over the 712 windows through the 0.5 ms
load, plain, with ``num_parallel_calls`` AUTOTUNE or 8, and with a private thread pool of 8 threads
(``tf.data.Options().threading.private_threadpool_size``). The default pool has one thread per core,
so more parallel calls alone stay near the core count; a load that waits (this one sleeps) scales
with a larger pool. Median of PASSES alternated passes per case (the notebook quotes it as a range)."""

import numpy as np
from run import Row

from helpers import data, pipelines, windows

DELAY, EPOCHS, TIMESTEPS, BATCH, ROUNDS, PASSES = 0.0005, 5, 20, 32, 3, 7


def _windows():
    split = windows.chronological_split(np.log(data.daily_stock(["volume"]).values))
    return windows.make_windows(split.train, TIMESTEPS)  # shape: (712, 20, 1), (712, 1)


def _model():
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(TIMESTEPS, 1)), keras.layers.LSTM(16), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _epochs(model, dataset) -> list[float]:
    log = pipelines.EpochLog()
    model.fit(dataset, epochs=EPOCHS, shuffle=False, verbose=0, callbacks=[log])
    assert log.updates == [pipelines.steps_per_epoch(712, BATCH)] * EPOCHS
    return log.seconds


def run(progress):
    import tensorflow as tf

    x, y = _windows()
    base = tf.data.Dataset.from_tensor_slices((x, y))
    n, auto = len(x), tf.data.AUTOTUNE
    model = _model()
    model.fit(pipelines.from_arrays(x, y), epochs=1, shuffle=False, verbose=0)  # build the graph once

    def pipeline(kind: str, load):
        ds = base.map(load, num_parallel_calls=auto) if "parallel" in kind else base.map(load) if load else base
        ds = ds.cache() if "cache" in kind else ds
        ds = ds.shuffle(n, seed=0).batch(BATCH)
        return ds.prefetch(auto) if "prefetch" in kind else ds

    rows = []
    group = f"epoch, {DELAY * 1000:g} ms load per window"
    for kind, label in (
        ("plain", "plain: map -> shuffle -> batch"),
        ("parallel", "map(num_parallel_calls=AUTOTUNE)"),
        ("cache", "map -> cache (steady state)"),
        ("parallel cache prefetch", "parallel map -> cache -> ... -> prefetch"),
    ):
        progress(f"pipeline: {kind}")
        load = pipelines.SimulatedLoad(DELAY)
        seconds = _epochs(model, pipeline(kind, load))
        expected_calls = n if "cache" in kind else n * EPOCHS
        assert load.calls == expected_calls, f"{kind}: the map ran {load.calls} times, expected {expected_calls}"
        rows.append(Row(group, label, min(seconds[1:]), baseline=kind == "plain"))
        if kind == "cache":
            rows.append(Row(group, "map -> cache, first epoch (fills the cache)", seconds[0]))

    # Epochs of ~0.1 s are at the noise level of a busy machine: alternate the two pipelines for a few
    # rounds and keep the best epoch of each.
    group = f"epoch, {n} windows in memory"
    cases = {
        "plain": ("in memory: shuffle -> batch", pipeline("plain", None)),
        "cache prefetch": ("in memory + cache + prefetch", pipeline("cache prefetch", None)),
    }
    best = dict.fromkeys(cases, float("inf"))
    for round_ in range(ROUNDS):
        for kind, (_, ds) in cases.items():
            progress(f"pipeline, in memory: {kind} (round {round_ + 1}/{ROUNDS})")
            best[kind] = min(best[kind], *_epochs(model, ds)[1:])
    rows += [Row(group, label, best[kind], baseline=kind == "plain") for kind, (label, _) in cases.items()]
    rows += _thread_pool(base, progress)
    return rows


def _thread_pool(base, progress) -> list:
    """One pass through the map only: how far parallel calls go on the default and a private pool."""
    import time

    import tensorflow as tf

    def mapped(calls, pool=None):
        ds = base.map(pipelines.SimulatedLoad(DELAY), num_parallel_calls=calls).batch(BATCH)
        if pool:
            options = tf.data.Options()
            options.threading.private_threadpool_size = pool
            ds = ds.with_options(options)
        return ds

    cases = {
        "plain": ("map, one call at a time", lambda: mapped(None)),
        "autotune": ("map(num_parallel_calls=AUTOTUNE), default pool", lambda: mapped(tf.data.AUTOTUNE)),
        "eight": ("map(num_parallel_calls=8), default pool", lambda: mapped(8)),
        "pool": ("map(num_parallel_calls=8), private pool of 8", lambda: mapped(8, 8)),
    }
    seconds = {kind: [] for kind in cases}
    for pass_ in range(PASSES):
        for kind, (_, make) in cases.items():
            progress(f"pipeline, map only: {kind} (pass {pass_ + 1}/{PASSES})")
            ds = make()
            start = time.perf_counter()
            for _ in ds:
                pass
            seconds[kind].append(time.perf_counter() - start)
    group = f"one pass, {DELAY * 1000:g} ms load per window (median of {PASSES})"
    return [
        Row(group, label, float(np.median(seconds[kind])), baseline=kind == "plain")
        for kind, (label, _) in cases.items()
    ]
