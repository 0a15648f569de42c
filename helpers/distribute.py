"""Batch size when training is spread over devices: logical CPUs, per-replica batches, learning rates.

Introduced in notebook 06 (``06_batch_size_across_devices.ipynb``). Under a ``tf.distribute``
strategy the batch you give the dataset (or ``fit(batch_size=...)``) is the **global** batch;
each replica receives a piece of it. This module names those rules and checks their input:

- :func:`split_cpu`: one physical CPU seen as N logical devices, so ``MirroredStrategy`` can be
  tried on a laptop. Only possible before TensorFlow initialises its devices.
- :func:`describe_strategy`: a short, deterministic description (a strategy's repr holds an address).
- :func:`per_replica_batch_sizes`: how each global batch, the last partial one included, is cut
  among the replicas, exactly as ``strategy.experimental_distribute_dataset`` does it on one
  machine (TF 2.21, measured: see ``tests/test_distribute.py``).
- :func:`measured_batch_sizes`: the same, measured on a real (distributed) dataset.
- :func:`per_replica_batch`: the per-replica batch when every replica must get the same size
  (the first batch of ``fit``, stateful layers, TPUs); refuses a global batch that does not divide evenly.
- :func:`scale_learning_rate`: the linear (or square-root) scaling rule for a larger global batch.
- :class:`BatchSizeProbe`: a pass-through layer that records the batch each replica really sees.

TensorFlow and Keras are imported inside the functions that need them (and on first use of
:class:`BatchSizeProbe`), not at the top: the batch arithmetic (:func:`per_replica_batch_sizes`,
:func:`per_replica_batch`, :func:`scale_learning_rate`) is pure Python, and :mod:`helpers.plots`
imports it without loading TensorFlow. Call ``helpers.session.start()`` first all the same.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from helpers.validate import (
    MAX_BATCHES,
    bounded,
    require_batched,
    require_choice,
    require_flag,
    require_int,
    require_number,
)

#: The most steps :func:`per_replica_batch_sizes` lists (one tuple per step).
MAX_STEPS = 1_000_000

RULES = ("linear", "sqrt")


def split_cpu(n_devices: int = 2) -> tuple[str, ...]:
    """See the machine's CPU as ``n_devices`` logical devices; return their names.

    Must run before TensorFlow initialises its devices (before the first tensor, model or
    dataset is created): call it in the first code cell, right after ``session.start()``.
    Calling it again with the same ``n_devices`` afterwards is harmless (it returns the names);
    asking for another number then raises ``RuntimeError`` telling you to restart the kernel.

    >>> split_cpu(2)  # doctest: +SKIP
    ('/device:CPU:0', '/device:CPU:1')
    """
    require_int("n_devices", n_devices, 1, "2")
    import tensorflow as tf

    cpus = tf.config.list_physical_devices("CPU")
    try:
        tf.config.set_logical_device_configuration(
            cpus[0], [tf.config.LogicalDeviceConfiguration() for _ in range(n_devices)]
        )
    except RuntimeError:
        current = tf.config.list_logical_devices("CPU")
        if len(current) == n_devices:
            return tuple(d.name for d in current)
        raise RuntimeError(
            f"n_devices: cannot split the CPU into {n_devices} logical devices: TensorFlow has already "
            f"initialised its devices (it sees {len(current)} logical CPU(s)), and they are fixed for the "
            f"life of the process. Fix: restart the kernel and call distribute.split_cpu({n_devices}) in "
            f"the first code cell, right after session.start(), before any tensor, model or dataset "
            f"is created."
        ) from None
    return tuple(d.name for d in tf.config.list_logical_devices("CPU"))


def describe_strategy(strategy: Any) -> str:
    """``'MirroredStrategy: 2 replicas in sync on CPU:0, CPU:1'`` (the repr holds a memory address)."""
    import tensorflow as tf

    if not isinstance(strategy, tf.distribute.Strategy):
        raise TypeError(
            f"strategy: expected a tf.distribute.Strategy such as "
            f"tf.distribute.MirroredStrategy(), got {type(strategy).__name__}."
        )
    try:
        devices = [d.split("device:")[-1] for d in strategy.extended.worker_devices]
    except RuntimeError:  # the default strategy, active outside any strategy.scope()
        return "default strategy (no tf.distribute): 1 replica on the default device"
    n = strategy.num_replicas_in_sync
    return f"{type(strategy).__name__}: {n} replica{'s' if n != 1 else ''} in sync on {', '.join(devices)}"


def per_replica_batch_sizes(
    global_batch: int, n_samples: int, n_replicas: int, *, drop_remainder: bool = False
) -> list[tuple[int, ...]]:
    """How many samples each replica gets at each step, the last partial batch included.

    The dataset is batched with ``global_batch``; each batch of ``r`` samples (``global_batch``,
    or fewer at the end) is cut into consecutive pieces of ``ceil(r / n_replicas)``, replica 0
    first, so the last replicas may get fewer samples, or none. This is what
    ``strategy.experimental_distribute_dataset`` does with ``MirroredStrategy`` on one machine
    in TF 2.21 (measured; the more even split that the docstring of TF's internal
    ``batch_sizes_for_worker`` describes is not what happens here). Keras 3.15's ``fit`` also
    needs the *first* batch to split into equal pieces (it averages the first distributed batch
    to build the model), so choose a global batch that is a multiple of the number of replicas
    (:func:`per_replica_batch`); uneven *last* batches train fine.

    >>> per_replica_batch_sizes(64, 70, 2)
    [(32, 32), (3, 3)]
    >>> per_replica_batch_sizes(64, 65, 2)        # replica 1 gets an empty batch
    [(32, 32), (1, 0)]
    >>> per_replica_batch_sizes(64, 64, 3)
    [(22, 22, 20)]
    """
    global_batch = require_int("global_batch", global_batch, 1, "64")
    n_samples = require_int("n_samples", n_samples, 1, "712")
    n_replicas = require_int("n_replicas", n_replicas, 1, "strategy.num_replicas_in_sync")
    drop_remainder = require_flag("drop_remainder", drop_remainder)
    full, last = divmod(n_samples, global_batch)  # integers: exact at any size
    if full + bool(last) > MAX_STEPS:
        raise ValueError(
            f"n_samples: {n_samples} samples in global batches of {global_batch} make "
            f"{full + bool(last):,} steps, too many to list (at most {MAX_STEPS:,}). Every full batch "
            f"is split the same way: ask for global_batch + the remainder, e.g. "
            f"per_replica_batch_sizes({global_batch}, {global_batch + last}, {n_replicas})."
        )

    def split(size: int) -> tuple[int, ...]:
        piece = -(-size // n_replicas)  # integer ceil: exact at any size
        return tuple(max(0, min(piece, size - r * piece)) for r in range(n_replicas))

    return [split(global_batch)] * full + ([split(last)] if last and not drop_remainder else [])


def measured_batch_sizes(strategy: Any, dataset: Any, *, max_batches: int = MAX_BATCHES) -> list[tuple[int, ...]]:
    """Count the rows each replica really gets at each step.

    ``dataset`` is a batched ``tf.data.Dataset`` (distributed here with
    ``strategy.experimental_distribute_dataset``) or an already distributed dataset (e.g. from
    ``strategy.distribute_datasets_from_function``). Elements may be tensors or ``(x, y)``
    tuples; the first component is counted.

    A dataset that repeats forever or is not batched is refused; at most ``max_batches`` steps are read.

    >>> measured_batch_sizes(strategy, tf.data.Dataset.range(70).batch(64))  # doctest: +SKIP
    [(32, 32), (3, 3)]
    """
    import tensorflow as tf

    if not isinstance(strategy, tf.distribute.Strategy):
        raise TypeError(f"strategy: expected a tf.distribute.Strategy, got {type(strategy).__name__}.")
    if isinstance(dataset, tf.data.Dataset):
        require_batched("dataset", dataset, doing="measuring its batches")
        dataset = strategy.experimental_distribute_dataset(dataset)
    elif not isinstance(dataset, tf.distribute.DistributedDataset):
        raise TypeError(
            f"dataset: expected a batched tf.data.Dataset (e.g. "
            f"tf.data.Dataset.from_tensor_slices((x, y)).batch(64)) or a distributed dataset, "
            f"got {type(dataset).__name__}."
        )
    sizes = []
    for element in bounded("dataset", dataset, max_batches):
        first = tf.nest.flatten(element)[0]
        sizes.append(tuple(int(part.shape[0]) for part in strategy.experimental_local_results(first)))
    return sizes


def per_replica_batch(global_batch: int, n_replicas: int) -> int:
    """The batch every replica gets when it must be the same on all of them.

    Keras' ``fit`` under a strategy needs the first batch to split evenly; stateful layers
    (their state has a fixed batch size) and TPUs (fixed shapes) need every batch to, so batch
    the dataset with ``drop_remainder=True`` too. Like ``tf.distribute.InputContext.get_per_replica_batch_size``,
    but the error says what to use instead.

    >>> per_replica_batch(64, 2)
    32
    """
    global_batch = require_int("global_batch", global_batch, 1, "64")
    n_replicas = require_int("n_replicas", n_replicas, 1, "strategy.num_replicas_in_sync")
    if global_batch % n_replicas:
        lower = global_batch // n_replicas * n_replicas
        options = ", ".join(str(v) for v in (lower, lower + n_replicas) if v > 0)
        raise ValueError(
            f"global_batch: {global_batch} does not split evenly over {n_replicas} replicas "
            f"({global_batch} / {n_replicas} = {global_batch / n_replicas:.2f}). Use a multiple "
            f"of {n_replicas}, e.g. {options}, or set the per-replica batch and multiply it by "
            f"strategy.num_replicas_in_sync."
        )
    return global_batch // n_replicas


def scale_learning_rate(base_lr: float, base_batch: int, global_batch: int, *, rule: str = "linear") -> float:
    """The learning rate for ``global_batch``, given one that worked at ``base_batch``.

    ``rule="linear"`` (Goyal et al., 2017, *Accurate, Large Minibatch SGD*): multiply the
    learning rate by ``global_batch / base_batch``, because each step now averages the gradient
    of that many times more samples and an epoch has that many times fewer steps. For large
    factors they warm the rate up over the first epochs. ``rule="sqrt"`` multiplies by the
    square root instead, a gentler choice some use with adaptive optimizers such as Adam.
    Either is a starting point to tune from, not a guarantee.

    >>> scale_learning_rate(0.01, base_batch=32, global_batch=64)
    0.02
    """
    base_lr = require_number("base_lr", base_lr, minimum=0, strict=True, example="0.01")
    base_batch = require_int("base_batch", base_batch, 1, "32")
    global_batch = require_int("global_batch", global_batch, 1, "64")
    require_choice("rule", rule, tuple(RULES))
    factor = global_batch / base_batch
    return float(base_lr) * (factor if rule == "linear" else math.sqrt(factor))


def _batch_size_probe() -> type:
    """Define :class:`BatchSizeProbe` (a Keras layer) the first time it is used: Keras loads only then."""
    import keras
    import tensorflow as tf

    class BatchSizeProbe(keras.layers.Layer):
        """A pass-through layer that records the batch size each replica really receives.

        Put it right after ``keras.Input``; after ``fit``/``predict``, ``probe.steps()`` lists, per
        step, one size per replica, e.g. ``[(32, 32), ..., (4, 4)]``. It records through
        ``tf.py_function``, which runs each time the compiled step runs (not while it is traced), so
        it needs no ``run_eagerly``; it cannot be XLA-compiled (``supports_jit = False``).
        For teaching and debugging only.
        """

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_jit = False
            self._records: list[tuple[int, int]] = []

        def call(self, inputs):
            context = tf.distribute.get_replica_context()
            replica = 0 if context is None else context.replica_id_in_sync_group
            tf.py_function(self._record, [replica, tf.shape(inputs)[0]], Tout=[])
            return inputs

        def _record(self, replica, size) -> None:
            self._records.append((int(replica), int(size)))

        def compute_output_shape(self, input_shape):
            return input_shape

        def steps(self) -> list[tuple[int, ...]]:
            """One tuple per step: the batch size replica 0, 1, ... received."""
            per_replica = defaultdict(list)
            for replica, size in list(self._records):
                per_replica[replica].append(size)
            if not per_replica:
                return []
            replicas = sorted(per_replica)
            n_steps = min(len(per_replica[r]) for r in replicas)
            return [tuple(per_replica[r][k] for r in replicas) for k in range(n_steps)]

        def clear(self) -> None:
            """Forget what was recorded (before the next ``fit``)."""
            self._records.clear()

    BatchSizeProbe.__module__, BatchSizeProbe.__qualname__ = __name__, "BatchSizeProbe"
    return BatchSizeProbe


def __getattr__(name: str) -> Any:
    if name == "BatchSizeProbe":  # PEP 562: the class exists once something asks for it
        globals()[name] = cls = _batch_size_probe()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
