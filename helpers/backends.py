"""The same Keras code on every Keras 3 backend: run a function in a process of its own backend.

Introduced in notebook 07 (``07_backends.ipynb``). One Python process has one Keras backend, fixed
by ``KERAS_BACKEND`` before the first ``import keras``. So a notebook running TensorFlow cannot
try JAX or PyTorch itself: :func:`run` sends a small, self-contained function to a worker process
started with the backend you name, calls it there, and returns its result as plain Python values
(numbers, strings, lists, dicts). :func:`compare` does that on several backends.

- :data:`BACKENDS`, :func:`available`, :func:`installed`: which backends this environment can run.
- :func:`run`, :func:`compare`: call a function on one backend, or on several, and get its result.
- :func:`error_text`: an exception as ``"Type: first line of the message"``, for a probe to return.
- :func:`show`: print a probe's source, so the notebook shows exactly what ran.
- The probes (``probe_*``): the experiments of notebook 07 and of ``make backends``. Each one
  imports what it needs, builds tiny models with weights drawn from a seeded NumPy generator (so
  every backend computes with the same numbers) and returns plain values.
- :func:`matrix`, :func:`markdown_table`: every probe on every installed backend, as one table
  (``python -m helpers.backends`` / ``make backends``).

A worker stays alive between calls (importing a backend takes seconds), and each call starts with
``keras.utils.clear_session()`` and the same seed. This module imports neither Keras nor a backend.

>>> compare(probe_versions, ["tensorflow", "jax"])  # doctest: +SKIP
{'tensorflow': {'backend': 'tensorflow', ...}, 'jax': {'backend': 'jax', ...}}
"""

from __future__ import annotations

import atexit
import collections
import datetime
import importlib.util
import inspect
import json
import os
import platform
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterable
from typing import Any

from helpers.validate import require_int, require_number

#: The Keras 3 backends, by the name ``KERAS_BACKEND`` takes.
BACKENDS = ("tensorflow", "jax", "torch")
#: The package each backend needs (``jax`` also needs ``jaxlib``).
PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
#: What to run when a backend is missing.
INSTALL = {
    "tensorflow": "pip install -e .  (the course's pinned environment: make env)",
    "jax": "pip install -e .  (jax and jaxlib are pinned in pyproject.toml)",
    "torch": "pip install -e '.[torch]'  (several GB on Linux x86_64 unless the CPU wheel is used), "
    "in this environment or another one; then make backends BACKENDS_PYTHON=path/to/that/python",
}
#: Environment of every worker: quiet TensorFlow start-up (no oneDNN banner), no Python warnings on
#: stderr, and JAX on the CPU (the course's numbers are measured there; a GPU would change them).
QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "JAX_PLATFORMS": "cpu",
    "PYTHONWARNINGS": "ignore",
}
#: Two CPU devices for JAX (``keras.distribution`` on a laptop); must be set before JAX starts.
TWO_CPU_DEVICES = {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
#: Extra environment per backend when ``run`` gets no ``env``: JAX workers see two CPU devices, so
#: ``keras.distribution`` can be tried; a model that is not distributed still runs on the first one.
DEFAULT_ENV = {"jax": TWO_CPU_DEVICES}

_MARK = "@@backends-result@@"


class BackendError(RuntimeError):
    """A function raised in the worker, or the worker died; carries the backend and the error."""

    def __init__(self, backend: str, error: str, detail: str = "") -> None:
        self.backend, self.error, self.detail = backend, error, detail
        super().__init__(f"on the {backend} backend: {error}" + (f"\n{detail}" if detail else ""))


# --------------------------------------------------------------------------------------------
# which backends are here


def _require_backend(backend: Any, argument: str = "backend") -> str:
    if not isinstance(backend, str):
        raise TypeError(
            f"{argument}: expected a backend name, one of {BACKENDS}, got {backend!r} ({type(backend).__name__})."
        )
    if backend not in BACKENDS:
        hint = " (Keras calls it 'torch')" if backend.lower() in ("pytorch", "torch") else ""
        raise ValueError(
            f"{argument}: unknown backend {backend!r}{hint}. Expected one of {BACKENDS}, "
            f"the values KERAS_BACKEND accepts."
        )
    return backend


def available(backend: str) -> bool:
    """Is ``backend``'s package installed in this environment (without importing it)?

    >>> available("tensorflow")  # doctest: +SKIP
    True
    """
    _require_backend(backend)
    return importlib.util.find_spec(PACKAGES[backend]) is not None


def installed() -> tuple[str, ...]:
    """The backends this environment can run, in :data:`BACKENDS` order."""
    return tuple(b for b in BACKENDS if available(b))


# --------------------------------------------------------------------------------------------
# running a function in a worker


def error_text(err: BaseException, limit: int = 240) -> str:
    """An exception as ``"Type: message"`` on one line, without Keras' "where" and "arguments" lines.

    >>> error_text(ValueError("Batch sizes differ.\\n- Expected: 4\\n- Received: 1\\nArguments received..."))
    'ValueError: Batch sizes differ. - Expected: 4 - Received: 1'
    """
    if not isinstance(err, BaseException):
        raise TypeError(f"err: expected an exception, got {err!r} ({type(err).__name__}).")
    limit = require_int("limit", limit, 4, "limit=240")
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    # Keras' "Exception encountered when calling X.call()." says where, the next line says what.
    lines = [ln for ln in lines if not ln.startswith("Exception encountered when calling")]
    kept = []
    for ln in lines:  # Keras continues a message on "- Expected ..." lines
        if ln.startswith("Arguments received") or (kept and not ln.startswith("-")):
            break
        kept.append(ln)
    text = " ".join(kept).replace("\x1b[1m", "").replace("\x1b[0m", "")
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _source(fn: Any) -> tuple[str, str]:
    if not callable(fn) or not inspect.isfunction(fn):
        raise TypeError(f"fn: expected a function defined with `def`, got {fn!r} ({type(fn).__name__}).")
    if fn.__name__ == "<lambda>":
        raise TypeError("fn: a lambda cannot be sent to another process; define it with `def name(...):`.")
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError) as err:
        raise TypeError(
            f"fn: cannot read the source of {fn.__name__!r} ({err}); define it in a file or a notebook cell with `def`."
        ) from None
    return source, fn.__name__


def _plain(kwargs: dict) -> str:
    for name, value in kwargs.items():
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name}: arguments sent to another process must be plain values (numbers, "
                f"strings, lists, dicts), got {type(value).__name__}."
            ) from None
    return json.dumps(kwargs)


class _Worker:
    """One long-lived ``python -m helpers.backends --worker`` process with one backend."""

    def __init__(self, backend: str, env: dict[str, str]) -> None:
        self.backend = backend
        full_env = {**os.environ, **QUIET_ENV, **env, "KERAS_BACKEND": backend}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "helpers.backends", "--worker"],
            env=full_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.stderr: collections.deque[str] = collections.deque(maxlen=40)
        self.replies: collections.deque[str] = collections.deque()
        self.ready = threading.Condition()
        threading.Thread(target=self._drain, args=(self.proc.stderr, self.stderr), daemon=True).start()
        threading.Thread(target=self._read, daemon=True).start()

    def _drain(self, stream, sink) -> None:
        for line in stream:
            sink.append(line.rstrip("\n"))

    def _read(self) -> None:
        for line in self.proc.stdout:
            if line.startswith(_MARK):
                with self.ready:
                    self.replies.append(line[len(_MARK) :])
                    self.ready.notify_all()
        with self.ready:
            self.replies.append("")  # end of file: the worker died
            self.ready.notify_all()

    def call(self, source: str, name: str, kwargs_json: str, timeout: float) -> Any:
        self.send(source, name, kwargs_json)
        return self.receive(name, timeout)

    def send(self, source: str, name: str, kwargs_json: str) -> None:
        request = json.dumps({"source": source, "name": name, "kwargs": kwargs_json})
        try:
            self.proc.stdin.write(request + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            with self.ready:
                self.replies.append("")

    def receive(self, name: str, timeout: float) -> Any:
        with self.ready:
            if not self.ready.wait_for(lambda: self.replies, timeout=timeout):
                self.close()
                raise TimeoutError(
                    f"{name} on the {self.backend} backend did not finish within {timeout:g} s; "
                    f"the worker was stopped. Use smaller data or pass timeout=..."
                )
            reply = self.replies.popleft()
        if not reply:
            self.close()
            tail = "\n".join(list(self.stderr)[-8:])
            raise BackendError(
                self.backend,
                f"the worker process ended (exit code {self.proc.poll()})",
                f"its last lines on stderr:\n{tail}" if tail else "",
            )
        reply = json.loads(reply)
        if "error" in reply:
            raise BackendError(self.backend, reply["error"])
        return reply["result"]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


_WORKERS: dict[tuple[str, tuple], _Worker] = {}


def run(fn: Callable, backend: str, *, env: dict[str, str] | None = None, timeout: float = 120, **kwargs: Any) -> Any:
    """Call ``fn(**kwargs)`` in a process whose Keras backend is ``backend``; return its result.

    ``fn`` must be self-contained: it imports what it uses (``import keras`` inside it gives that
    process's backend) and returns plain values (NumPy numbers and arrays are converted). Before
    each call the worker runs ``keras.utils.clear_session()`` and seeds everything with 42. An
    exception raised by ``fn`` is raised here as :class:`BackendError` with ``"Type: message"``.
    ``env`` adds environment variables; workers with different ``env`` are different processes.

    >>> def double(n):
    ...     import keras
    ...     return {"backend": keras.config.backend(), "value": 2 * n}
    >>> run(double, "jax", n=21)  # doctest: +SKIP
    {'backend': 'jax', 'value': 42}
    """
    _require_backend(backend)
    source, name = _source(fn)
    if env is not None and (
        not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())
    ):
        raise TypeError(f"env: expected a dict of strings such as {TWO_CPU_DEVICES}, got {env!r}.")
    timeout = require_number("timeout", timeout, minimum=0, strict=True, example="60 (seconds)")
    kwargs_json = _plain(kwargs)
    if not available(backend):
        raise ModuleNotFoundError(
            f"backend: {backend!r} is not installed in this environment. Install it: {INSTALL[backend]}"
        )
    return _worker(backend, env).call(source, name, kwargs_json, timeout)


def _worker(backend: str, env: dict[str, str] | None) -> _Worker:
    env = DEFAULT_ENV.get(backend, {}) if env is None else env
    key = (backend, tuple(sorted(env.items())))
    worker = _WORKERS.get(key)
    if worker is None or not worker.alive():
        worker = _WORKERS[key] = _Worker(backend, env)
    return worker


def compare(
    fn: Callable, backends: Iterable[str] = ("tensorflow", "jax"), *, timeout: float = 120, **kwargs: Any
) -> dict[str, Any]:
    """``{backend: run(fn, backend, **kwargs)}`` for each backend, in the order given.

    The backends' workers run ``fn`` at the same time, each in its own process.
    """
    if isinstance(backends, str):
        raise TypeError(
            f"backends: expected a list of backend names such as ['tensorflow', 'jax'], got the string {backends!r}."
        )
    names = [_require_backend(b, "backends") for b in backends]
    if not names:
        raise ValueError("backends: expected at least one backend name, got none.")
    source, name = _source(fn)
    kwargs_json = _plain(kwargs)
    timeout = require_number("timeout", timeout, minimum=0, strict=True, example="60 (seconds)")
    for b in names:
        if not available(b):
            raise ModuleNotFoundError(f"backends: {b!r} is not installed in this environment. Install it: {INSTALL[b]}")
    workers = {b: _worker(b, None) for b in names}  # started together: their imports overlap
    for worker in workers.values():
        worker.send(source, name, kwargs_json)  # every backend works at the same time
    results, failure = {}, None
    for b, worker in workers.items():  # collect every reply, so none is left queued
        try:
            results[b] = worker.receive(name, timeout)
        except (BackendError, TimeoutError) as err:
            failure = failure or err
    if failure is not None:
        raise failure
    return results


def start(backends: Iterable[str] = ("tensorflow", "jax")) -> tuple[str, ...]:
    """Start a worker for each backend now (each imports its backend, seconds); return the names.

    Optional: :func:`run` starts a worker when it first needs one. Starting several at once lets
    their imports overlap. Backends that are not installed are skipped.
    """
    if isinstance(backends, str):
        raise TypeError(f"backends: expected a list of backend names, got the string {backends!r}.")
    names = tuple(_require_backend(b, "backends") for b in backends)
    for b in names:
        if available(b):
            _worker(b, None)
    return tuple(b for b in names if available(b))


def shutdown() -> None:
    """Stop every worker (they also stop when this process ends)."""
    for worker in _WORKERS.values():
        worker.close()
    _WORKERS.clear()


atexit.register(shutdown)


def show(fn: Callable) -> None:
    """Print a function's source: what :func:`run` sends to the worker."""
    print(_source(fn)[0].rstrip())


def _to_plain(value: Any) -> Any:
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(
        f"the function returned a {type(value).__name__}; return plain values (numbers, "
        f"strings, lists, dicts, NumPy arrays) so they can cross to the notebook's process."
    )


def _worker_main() -> None:
    """Read one request per line from stdin, call the function, write its result to stdout."""
    out = sys.stdout
    sys.stdout = sys.stderr  # what the function prints must not mix with replies
    import warnings

    warnings.simplefilter("ignore")
    import keras

    while True:
        line = sys.stdin.readline()
        if not line:
            return
        request = json.loads(line)
        try:
            keras.utils.clear_session()
            keras.utils.set_random_seed(42)
            namespace: dict[str, Any] = {"__name__": "__backends_worker__"}
            exec(compile(request["source"], f"<{request['name']}>", "exec"), namespace)
            result = _to_plain(namespace[request["name"]](**json.loads(request["kwargs"])))
            reply = {"result": result}
        except Exception as err:
            reply = {"error": error_text(err, limit=400)}
        out.write(_MARK + json.dumps(reply) + "\n")
        out.flush()


# --------------------------------------------------------------------------------------------
# probes: the experiments of notebook 07 (each one is sent whole to a worker)


def seeded_weights(model: Any, seed: int = 0, scale: float = 0.5) -> None:
    """Give every weight of ``model`` values drawn from ``numpy.random.default_rng(seed)``.

    Backends draw different initial weights from the same Keras seed; with these, every backend
    computes with the same numbers, so their results can be compared.
    """
    import numpy as np

    if not hasattr(model, "get_weights") or not hasattr(model, "set_weights"):
        raise TypeError(f"model: expected a Keras model, got {type(model).__name__}.")
    seed = require_int("seed", seed, 0, "seed=0")
    scale = require_number("scale", scale, minimum=0, strict=True, example="0.5")
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-scale, scale, size=w.shape).astype("float32") for w in model.get_weights()])


def probe_versions() -> dict:
    """The backend of this process and the versions of Keras and the backend's library."""
    from importlib.metadata import version

    import keras

    backend = keras.config.backend()
    return {
        "backend": backend,
        "keras": version("keras"),
        "library": backend,
        "library_version": version(backend).split("+")[0],
    }


def probe_same_contract(seed: int = 0) -> dict:
    """(batch, timesteps, features), pad_sequences and Masking, with the same weights everywhere."""
    import keras
    import numpy as np

    from helpers.backends import seeded_weights

    lines = [[0.1, 0.2, 0.3], [0.4, 0.5], [0.6, 0.7, 0.8, 0.9]]  # 3 sequences of 3, 2, 4 steps
    x = keras.utils.pad_sequences(lines, padding="post", dtype="float32")[..., None]  # shape: (3, 4, 1)
    model = keras.Sequential(
        [
            keras.Input(shape=(None, 1)),  # shape: (batch, timesteps=any, features=1)
            keras.layers.Masking(mask_value=0.0),  # padded steps are skipped
            keras.layers.LSTM(3),  # shape: (batch, 3)
            keras.layers.Dense(1),  # shape: (batch, 1)
        ]
    )
    seeded_weights(model, seed)
    padded = np.asarray(model.predict(x, verbose=0))  # shape: (3, 1)
    alone = np.concatenate(
        [np.asarray(model.predict(np.array(s, "float32")[None, :, None], verbose=0)) for s in lines]
    )  # each line without padding
    return {
        "x_shape": x.shape,
        "output_shape": padded.shape,
        "outputs": padded.ravel(),
        "padded_vs_alone": float(np.abs(padded - alone).max()),
    }


def probe_stateful(seed: int = 0) -> dict:
    """Does a stateful LSTM carry its state through each way of running the model?"""
    import keras
    import numpy as np

    from helpers.backends import seeded_weights

    B, T, CHUNKS = 2, 3, 2  # 2 streams, 2 chunks of 3 steps
    series = np.random.default_rng(seed).normal(size=(B, T * CHUNKS, 1)).astype("float32")
    chunks = [series[:, k * T : (k + 1) * T] for k in range(CHUNKS)]  # each shape: (2, 3, 1)

    def lstm_model(**input_kw):
        return keras.Sequential(
            [
                keras.Input(**input_kw),
                keras.layers.LSTM(
                    4,
                    stateful="batch_shape" in input_kw,
                    use_cudnn=False,  # see 3.2
                    return_sequences=True,
                    name="lstm",
                ),
                keras.layers.Dense(1),
            ]
        )

    model = lstm_model(batch_shape=(B, T, 1))  # stateful, batch of 2
    seeded_weights(model, seed)
    whole = lstm_model(shape=(T * CHUNKS, 1))  # stateless, the whole series
    whole.set_weights(model.get_weights())
    lstm = model.get_layer("lstm")

    def state():  # largest |h| in the state
        return float(np.abs(keras.ops.convert_to_numpy(lstm.states[0])).max())

    reference = np.asarray(whole.predict(series, verbose=0))
    lstm.reset_state()
    by_predict = np.concatenate([np.asarray(model.predict(c, batch_size=B, verbose=0)) for c in chunks], axis=1)
    lstm.reset_state()
    by_call = np.concatenate([keras.ops.convert_to_numpy(model(c)) for c in chunks], axis=1)
    lstm.reset_state()
    first = np.asarray(model.predict(chunks[0], batch_size=B, verbose=0))
    second = np.asarray(model.predict(chunks[0], batch_size=B, verbose=0))

    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")  # lr 0: weights stay put
    y = np.zeros((B, T, 1), "float32")
    calls = {
        "model(x)": lambda: model(chunks[0]),
        "predict": lambda: model.predict(chunks[0], batch_size=B, verbose=0),
        "predict_on_batch": lambda: model.predict_on_batch(chunks[0]),
        "evaluate": lambda: model.evaluate(chunks[0], y, batch_size=B, verbose=0),
        "train_on_batch": lambda: model.train_on_batch(chunks[0], y),
        "fit": lambda: model.fit(chunks[0], y, batch_size=B, epochs=1, shuffle=False, verbose=0),
    }
    state_after = {}
    for name, call in calls.items():
        lstm.reset_state()
        call()
        state_after[name] = round(state(), 4)
    return {
        "state_after": state_after,
        "predict_twice_identical": bool(np.array_equal(first, second)),
        "chunks_by_predict_vs_whole": float(np.abs(by_predict - reference).max()),
        "chunks_by_call_vs_whole": float(np.abs(by_call - reference).max()),
    }


def probe_jax_state_cause(seed: int = 0) -> dict:
    """Why JAX drops a stateful LSTM's state (JAX only): tracking, run_eagerly, the read side, a custom step."""
    import jax
    import keras
    import numpy as np

    from helpers.backends import seeded_weights

    if keras.config.backend() != "jax":
        raise RuntimeError(f"this probe looks inside the JAX backend; run it on 'jax', not {keras.config.backend()!r}.")
    B, T = 2, 3
    x = np.random.default_rng(seed).normal(size=(B, T, 1)).astype("float32")  # shape: (2, 3, 1)
    y = np.zeros((B, 1), "float32")

    def stateful_model(cls=keras.Sequential):
        model = cls(
            [
                keras.Input(batch_shape=(B, T, 1)),
                keras.layers.LSTM(3, stateful=True, use_cudnn=False, name="lstm"),
                keras.layers.Dense(1),
            ]
        )
        seeded_weights(model, seed)
        return model, model.get_layer("lstm")

    def largest(lstm):  # largest |h| in the state
        return round(float(np.abs(keras.ops.convert_to_numpy(lstm.states[0])).max()), 4)

    # 1. What goes in and out of a stateless call: the tracked variables. Is the RNN state among them?
    model, lstm = stateful_model()
    tracked = {id(v) for v in model.trainable_variables + model.non_trainable_variables}
    state_tracked = any(id(v) in tracked for v in lstm.states)
    non_trainable = [v.name for v in model.non_trainable_variables]

    # 2. Without compilation (run_eagerly=True) the new state is dropped all the same.
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse", run_eagerly=True)
    eager = {}
    for name, call in {
        "predict": lambda: model.predict(x, batch_size=B, verbose=0),
        "fit": lambda: model.fit(x, y, batch_size=B, epochs=1, shuffle=False, verbose=0),
    }.items():
        lstm.reset_state()
        call()
        eager[name] = largest(lstm)

    # 3. The read side: the compiled predict reads the state as a constant, fixed when it was compiled.
    model, lstm = stateful_model()  # nothing compiled yet
    model(x)  # a direct call: the state is now s1
    s1 = [keras.ops.convert_to_numpy(v) for v in lstm.states]
    from_s1 = keras.ops.convert_to_numpy(model(x))  # what a run from s1 gives
    lstm.reset_state()
    from_zero = keras.ops.convert_to_numpy(model(x))  # what a run from zeros gives
    for v, value in zip(lstm.states, s1, strict=False):
        v.assign(value)  # the state set to s1 by hand
    model.predict(x, batch_size=B, verbose=0)  # the first predict compiles
    lstm.reset_state()  # the state is zero again ...
    after_reset = np.asarray(model.predict(x, batch_size=B, verbose=0))  # ... but predict still uses s1

    # 4. A custom train_step in the usual JAX pattern (stateless_call inside jax.value_and_grad).
    class CustomStep(keras.Sequential):
        def train_step(self, state, data):
            trainable, non_trainable, optimizer_vars, metrics_vars = state
            xb, yb = data

            def loss_fn(trainable, non_trainable):
                y_pred, non_trainable = self.stateless_call(trainable, non_trainable, xb, training=True)
                return keras.ops.mean((y_pred - yb) ** 2), non_trainable

            (loss, non_trainable), grads = jax.value_and_grad(loss_fn, has_aux=True)(trainable, non_trainable)
            trainable, optimizer_vars = self.optimizer.stateless_apply(optimizer_vars, grads, trainable)
            return {"loss": loss}, (trainable, non_trainable, optimizer_vars, metrics_vars)

    custom, custom_lstm = stateful_model(CustomStep)
    custom.compile(optimizer=keras.optimizers.SGD(0.01))
    custom.fit(x, y, batch_size=B, epochs=1, shuffle=False, verbose=0)
    return {
        "state_tracked": state_tracked,
        "non_trainable": non_trainable,
        "run_eagerly": eager,
        "after_reset_equals_from_s1": bool(np.allclose(after_reset, from_s1, atol=1e-6)),
        "after_reset_equals_from_zero": bool(np.allclose(after_reset, from_zero, atol=1e-6)),
        "custom_train_step": largest(custom_lstm),
    }


def probe_stateful_fit(use_cudnn: Any = "auto", seed: int = 0) -> dict:
    """Train a stateful LSTM with fit; report what happened and the state afterwards."""
    import keras
    import numpy as np

    from helpers.backends import error_text, seeded_weights

    B, T = 2, 3
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2 * B, T, 1)).astype("float32")  # 2 batches of 2 streams
    y = rng.normal(size=(2 * B, 1)).astype("float32")
    model = keras.Sequential(
        [
            keras.Input(batch_shape=(B, T, 1)),
            keras.layers.LSTM(4, stateful=True, use_cudnn=use_cudnn, name="lstm"),
            keras.layers.Dense(1),
        ]
    )
    seeded_weights(model, seed)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    try:
        history = model.fit(x, y, batch_size=B, epochs=2, shuffle=False, verbose=0)
        outcome = f"trained, loss {history.history['loss'][-1]:.4f}"
    except Exception as err:
        outcome = error_text(err)
    h = keras.ops.convert_to_numpy(model.get_layer("lstm").states[0])
    return {"use_cudnn": use_cudnn, "outcome": outcome, "state_after": round(float(np.abs(h).max()), 4)}


def probe_partial_batch(n_samples: int = 5, batch: int = 4, seed: int = 0) -> dict:
    """predict on a stateful model when the last batch is smaller than the declared batch.

    When predict returns, ``broadcast`` says whether its extra rows are the last sample run from
    every row of the state (the sample broadcast over the batch), replayed with direct calls.
    """
    import keras
    import numpy as np

    from helpers.backends import error_text, seeded_weights

    model = keras.Sequential(
        [
            keras.Input(batch_shape=(batch, 3, 1)),
            keras.layers.LSTM(2, stateful=True, use_cudnn=False, name="lstm"),
            keras.layers.Dense(1),
        ]
    )
    seeded_weights(model, seed)
    x = np.random.default_rng(seed).normal(size=(n_samples, 3, 1)).astype("float32")  # shape: (n_samples, 3, 1)
    broadcast = None
    try:
        out = np.asarray(model.predict(x, batch_size=batch, verbose=0))
        rows = len(out)
        outcome = f"returned {rows} rows for {n_samples} samples"
    except Exception as err:
        rows, outcome = None, error_text(err)
        why = [ln.strip() for ln in str(err).splitlines() if ln.strip().startswith("Incompatible shapes")]
        if why:  # TensorFlow: the graph's reason
            outcome = f"{type(err).__name__}: {why[0]}"
    full = n_samples - n_samples % batch  # samples in full batches
    if rows is not None and n_samples % batch == 1:  # replay it with direct calls
        model.get_layer("lstm").reset_state()
        for start in range(0, full, batch):
            model(x[start : start + batch])  # the full batches move the state
        last = keras.ops.convert_to_numpy(model(np.repeat(x[full:], batch, axis=0)))  # the last sample in every row
        broadcast = bool(np.allclose(out[full:], last, atol=1e-6))
    return {"rows": rows, "outcome": outcome, "broadcast": broadcast}


def probe_ragged_predict() -> dict:
    """predict over a tf.data pipeline whose batches are padded to different widths."""
    import keras
    import numpy as np
    import tensorflow as tf

    from helpers.backends import error_text

    lines = [np.ones((n, 1), "float32") for n in (2, 2, 5, 5)]  # widths 2 and 5 after padded_batch(2)
    ds = tf.data.Dataset.from_generator(lambda: iter(lines), output_signature=tf.TensorSpec((None, 1), tf.float32))
    ds = ds.padded_batch(2)
    model = keras.Sequential(
        [keras.Input(shape=(None, 1)), keras.layers.LSTM(2, return_sequences=True), keras.layers.Dense(1)]
    )
    try:
        out = model.predict(ds, verbose=0)
        outcome = f"{type(out).__name__} of shape {tuple(out.shape)}"
    except Exception as err:
        outcome = error_text(err)
    return {"outcome": outcome}


def probe_tf_data_fit(widths: list = (3, 5, 7), epochs: int = 2) -> dict:
    """fit on tf.data batches padded to different widths; count how often the model's Python code runs.

    ``runs`` says what each run was: ``"shape inference"`` (Keras' symbolic build before the first
    step), or the width of the batch it ran for (``None``: a trace for any width).
    """
    import traceback

    import keras
    import numpy as np
    import tensorflow as tf

    traces, runs = [0], []

    class CountTraces(keras.layers.Layer):  # its Python runs once per trace
        def call(self, x):
            traces[0] += 1
            building = any(f.name == "_symbolic_build" for f in traceback.extract_stack())
            runs.append("shape inference" if building else x.shape[1])
            return x

    lines = [np.ones((w, 1), "float32") for w in widths for _ in range(2)]  # 2 lines of each width
    ds = tf.data.Dataset.from_generator(lambda: iter(lines), output_signature=tf.TensorSpec((None, 1), tf.float32))
    ds = ds.map(lambda x: (x, tf.ones((1,)))).padded_batch(2)  # one width per batch
    model = keras.Sequential([keras.Input(shape=(None, 1)), CountTraces(), keras.layers.LSTM(2), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = traces[0]
    del runs[:]
    history = model.fit(ds, epochs=epochs, verbose=0)
    return {
        "widths": sorted({int(x.shape[1]) for x, _ in ds}),
        "epochs": epochs,
        "traces": traces[0] - before,
        "runs": runs,
        "loss": round(float(history.history["loss"][-1]), 4),
    }


def probe_explicit_state(seed: int = 0) -> dict:
    """Carry the state yourself: the state is an input and an output of the model."""
    import keras
    import numpy as np

    from helpers.backends import seeded_weights

    B, T, CHUNKS, UNITS = 2, 3, 2, 4
    series = np.random.default_rng(seed).normal(size=(B, T * CHUNKS, 1)).astype("float32")

    x_in = keras.Input(shape=(None, 1), name="chunk")  # shape: (batch, timesteps, 1)
    h_in = keras.Input(shape=(UNITS,), name="h")  # shape: (batch, 4)
    c_in = keras.Input(shape=(UNITS,), name="c")
    seq, h, c = keras.layers.LSTM(UNITS, return_sequences=True, return_state=True, name="lstm")(
        x_in, initial_state=[h_in, c_in]
    )
    y = keras.layers.Dense(1, name="out")(seq)  # shape: (batch, timesteps, 1)
    step = keras.Model([x_in, h_in, c_in], [y, h, c])
    seeded_weights(step, seed)

    h_now = c_now = np.zeros((B, UNITS), "float32")  # the state starts at zero
    outs = []
    for k in range(CHUNKS):
        y_k, h_now, c_now = step.predict([series[:, k * T : (k + 1) * T], h_now, c_now], verbose=0)
        outs.append(y_k)
    y_whole, _, _ = step.predict([series, np.zeros((B, UNITS), "float32"), np.zeros((B, UNITS), "float32")], verbose=0)
    gap = float(np.abs(np.concatenate(outs, axis=1) - y_whole).max())
    return {
        "chunks": CHUNKS,
        "gap_vs_whole": gap,
        "state_shape": list(np.shape(h_now)),
        "outputs": np.round(np.concatenate(outs, axis=1).ravel(), 4),
    }


def probe_explicit_state_training(seed: int = 0, epochs: int = 3) -> dict:
    """Train the explicit-state step model across chunks with fit: a loss on the output only."""
    import keras
    import numpy as np

    from helpers.backends import error_text, seeded_weights

    B, T, CHUNKS, UNITS = 2, 3, 2, 4
    rng = np.random.default_rng(seed)
    series = rng.normal(size=(B, T * CHUNKS, 1)).astype("float32")  # shape: (2, 6, 1)
    targets = np.roll(series, -1, axis=1)  # shape: (2, 6, 1), next value

    x_in, h_in, c_in = keras.Input(shape=(None, 1)), keras.Input(shape=(UNITS,)), keras.Input(shape=(UNITS,))
    seq, h, c = keras.layers.LSTM(UNITS, return_sequences=True, return_state=True)(x_in, initial_state=[h_in, c_in])
    step = keras.Model([x_in, h_in, c_in], [keras.layers.Dense(1)(seq), h, c])  # three outputs
    seeded_weights(step, seed)
    zeros = np.zeros((B, UNITS), "float32")
    try:  # one loss for three outputs?
        step.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        step.fit([series[:, :T], zeros, zeros], targets[:, :T], batch_size=B, verbose=0)
        naive = "trained"
    except Exception as err:
        naive = error_text(err, limit=120)
    seeded_weights(step, seed)
    step.compile(optimizer=keras.optimizers.Adam(0.01), loss=["mse", None, None])  # a loss on the output only
    losses = []
    for _ in range(epochs):
        h_now = c_now = zeros  # each pass starts from zero
        for k in range(CHUNKS):
            chunk, target = series[:, k * T : (k + 1) * T], targets[:, k * T : (k + 1) * T]
            history = step.fit([chunk, h_now, c_now], target, batch_size=B, epochs=1, shuffle=False, verbose=0)
            losses.append(round(float(history.history["loss"][0]), 4))
            _, h_now, c_now = step.predict([chunk, h_now, c_now], batch_size=B, verbose=0)  # the state it ends with
    return {"naive_loss_mse": naive, "losses": losses}


def probe_data_parallel(seed: int = 0) -> dict:
    """keras.distribution.DataParallel on the CPU seen as 2 devices (JAX; needs TWO_CPU_DEVICES)."""
    import keras
    import numpy as np

    from helpers.backends import error_text, seeded_weights

    devices = keras.distribution.list_devices("cpu")
    if len(devices) < 2:
        raise RuntimeError(
            f"expected 2 CPU devices, found {devices}: start the worker with "
            f"env=backends.TWO_CPU_DEVICES (XLA_FLAGS must be set before JAX starts)."
        )
    distribution = keras.distribution.DataParallel(devices=devices)
    layout = distribution.get_data_layout((8, 6, 1))  # how a global batch of 8 is laid out
    batch = keras.distribution.distribute_tensor(np.zeros((8, 6, 1), "float32"), layout)
    pieces = [list(shard.data.shape) for shard in batch.addressable_shards]  # the piece each device holds

    seen = []

    class SeenBatch(keras.layers.Layer):  # records the shape the model code sees
        def call(self, x):
            if isinstance(x.shape[0], int):  # not while Keras infers shapes
                seen.append(x.shape[0])
            return x

    def forecaster():
        return keras.Sequential([keras.Input(shape=(6, 1)), SeenBatch(), keras.layers.LSTM(4), keras.layers.Dense(1)])

    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(8, 6, 1)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")
    one_device = forecaster()  # built before any distribution
    seeded_weights(one_device, seed)
    one_device.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    start_weights = one_device.get_weights()
    loss_one = one_device.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0).history["loss"][0]

    with distribution.scope():  # built under the scope ...
        scoped = forecaster()
        scoped.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    try:  # ... fit outside it: nothing split
        scoped.fit(x[:7], y[:7], batch_size=7, epochs=1, shuffle=False, verbose=0)
        fit_outside_scope = "trained"
    except Exception as err:
        fit_outside_scope = error_text(err, limit=120)

    keras.distribution.set_distribution(distribution)  # from here on: 2 devices
    two_devices = forecaster()  # variables replicated on both
    two_devices.set_weights(start_weights)  # the same start
    two_devices.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    seen.clear()
    loss_two = two_devices.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0).history["loss"][0]
    seen_in_fit = sorted(set(seen))
    gap = max(
        float(np.abs(a - b).max()) for a, b in zip(one_device.get_weights(), two_devices.get_weights(), strict=False)
    )

    def attempt(n_samples, batch_size, model):
        xs, ys = rng.normal(size=(n_samples, 6, 1)).astype("float32"), np.zeros((n_samples, 1), "float32")
        try:
            model.fit(xs, ys, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
            return "trained"
        except Exception as err:
            text = str(err)  # keep the sentence that says why
            if "array axis" not in text:
                return error_text(err, limit=120)
            return f"{type(err).__name__}: " + text[text.find("array axis") :].split(" (full shape")[0]

    outcomes = {f"{n} samples, batch {b}": attempt(n, b, two_devices) for n, b in ((20, 8), (17, 8), (8, 7))}
    outcomes["20 samples, batch 8, same model again"] = attempt(20, 8, two_devices)  # after two failed fits

    def fresh():  # a new model for each attempt
        model = forecaster()
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        return model

    for n, b in ((17, 6), (17, 16), (50, 6)):  # 17 is odd: no batch size helps
        outcomes[f"{n} samples, batch {b}"] = attempt(n, b, fresh())
    keras.distribution.set_distribution(None)  # back to no distribution
    return {
        "devices": [str(d) for d in devices],
        "mesh": list(distribution.device_mesh.shape),
        "layout": [None if a is None else str(a) for a in layout.axes],
        "pieces": pieces,
        "seen_in_fit": seen_in_fit,
        "loss_one_device": round(float(loss_one), 4),
        "loss_two_devices": round(float(loss_two), 4),
        "weights_gap": gap,
        "outcomes": outcomes,
        "fit_outside_scope": fit_outside_scope,
    }


# --------------------------------------------------------------------------------------------
# the matrix: every probe on every installed backend (make backends)


def _short(text: str, limit: int = 100) -> str:
    """``text`` within ``limit`` characters, keeping its start and its end (where Keras puts the numbers)."""
    if len(text) <= limit:
        return text
    head = (limit - 5) * 2 // 5
    return text[:head].rstrip() + " ... " + text[-(limit - 5 - head) :].lstrip()


def _gap(value: float) -> str:
    return "0 (< 1e-6)" if value < 1e-6 else f"{value:.4f}"


#: The matrix's rows: (what was checked, probe, its keyword arguments, how to show its result).
MATRIX_ROWS: list[tuple[str, str, dict, Callable[[dict], str]]] = [
    ("backend library", "probe_versions", {}, lambda r: f"{r['library']} {r['library_version']}"),
    (
        "masked LSTM, same weights: outputs",
        "probe_same_contract",
        {},
        lambda r: " ".join(f"{v:.4f}" for v in r["outputs"]),
    ),
    ("masked padded batch vs each sequence alone", "probe_same_contract", {}, lambda r: _gap(r["padded_vs_alone"])),
    ("stateful: largest state after predict", "probe_stateful", {}, lambda r: f"{r['state_after']['predict']:.4f}"),
    ("stateful: largest state after fit", "probe_stateful", {}, lambda r: f"{r['state_after']['fit']:.4f}"),
    ("stateful: largest state after model(x)", "probe_stateful", {}, lambda r: f"{r['state_after']['model(x)']:.4f}"),
    (
        "stateful: two predicts on one batch identical",
        "probe_stateful",
        {},
        lambda r: "yes" if r["predict_twice_identical"] else "no",
    ),
    (
        "stateful: chunks via predict vs whole sequence",
        "probe_stateful",
        {},
        lambda r: _gap(r["chunks_by_predict_vs_whole"]),
    ),
    (
        "stateful fit, use_cudnn='auto'",
        "probe_stateful_fit",
        {"use_cudnn": "auto"},
        lambda r: _short(r["outcome"].split(": [")[0], 120) + f"; state {r['state_after']:.4f}",
    ),
    (
        "stateful fit, use_cudnn=False",
        "probe_stateful_fit",
        {"use_cudnn": False},
        lambda r: _short(r["outcome"].split(": [")[0], 120) + f"; state {r['state_after']:.4f}",
    ),
    (
        "stateful predict, 5 samples, batch 4",
        "probe_partial_batch",
        {"n_samples": 5, "batch": 4},
        lambda r: _short(r["outcome"]),
    ),
    ("predict over batches of widths 2 and 5", "probe_ragged_predict", {}, lambda r: _short(r["outcome"], 100)),
    (
        "fit on tf.data, widths 3/5/7, 2 epochs: runs of the model's Python code",
        "probe_tf_data_fit",
        {},
        lambda r: str(r["traces"]),
    ),
    ("explicit state passing: chunks vs whole sequence", "probe_explicit_state", {}, lambda r: _gap(r["gap_vs_whole"])),
    (
        "DataParallel on 2 CPUs: one step vs one device; batch 7",
        "probe_data_parallel",
        {},
        lambda r: f"weights {_gap(r['weights_gap'])}; {r['outcomes']['8 samples, batch 7'].split(':')[0]}",
    ),
]
#: Probes tried on some backends only (keras.distribution is implemented for JAX).
ONLY_ON = {"probe_data_parallel": ("jax",)}


def matrix(names: Iterable[str] | None = None) -> dict[str, dict[str, str]]:
    """Run every probe of :data:`MATRIX_ROWS` on each backend; ``{check: {backend: text}}``.

    ``names`` defaults to all of :data:`BACKENDS`; one not installed gets "not installed" in each row.
    """
    if isinstance(names, str):
        raise TypeError(
            f"names: expected a list of backend names such as ['tensorflow', 'jax'], got the string {names!r}."
        )
    names = list(BACKENDS if names is None else names)
    for b in names:
        _require_backend(b, "names")
    start(names)
    probes = {n: f for n, f in globals().items() if n.startswith("probe_")}
    cache: dict[tuple[str, str, str], Any] = {}
    table: dict[str, dict[str, str]] = {}
    for check, probe, kwargs, fmt in MATRIX_ROWS:
        row = table[check] = {}
        for b in names:
            if not available(b):
                row[b] = "not installed"
                continue
            if b not in ONLY_ON.get(probe, BACKENDS):
                row[b] = "not tried"
                continue
            key = (b, probe, json.dumps(kwargs, sort_keys=True))
            try:
                if key not in cache:
                    cache[key] = run(probes[probe], b, **kwargs)
                row[b] = fmt(cache[key])
            except (BackendError, TimeoutError) as err:
                row[b] = _short(f"probe failed: {err}")
    return table


def markdown_table(table: dict[str, dict[str, str]], when: datetime.date | None = None) -> str:
    """The matrix as a Markdown table, headed by the date, the machine and the versions."""
    if not isinstance(table, dict):
        raise TypeError(f"table: expected the dict that matrix() returns, got {type(table).__name__}.")
    if not table:
        raise ValueError("table: expected the result of matrix(), got an empty table.")
    if when is not None and not isinstance(when, datetime.date):
        raise TypeError(f"when: expected a datetime.date, got {when!r} ({type(when).__name__}).")
    names = list(next(iter(table.values())))
    when = when or datetime.date.today()
    head = (
        f"Measured {when.isoformat()} with `make backends` (helpers.backends.matrix) on "
        f"{platform.machine()} {platform.system()}, CPU only, Python {platform.python_version()}.\n\n"
    )
    lines = ["| check | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for check, row in table.items():
        cells = [row[b].replace("|", "\\|") for b in names]
        lines.append(f"| {check} | " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"


def _main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m helpers.backends", description="Run notebook 07's probes on every Keras backend installed here."
    )
    parser.add_argument("--out", help="also write the Markdown table to this file")
    parser.add_argument("--backends", nargs="*", default=list(BACKENDS), choices=BACKENDS)
    args = parser.parse_args(argv)
    text = markdown_table(matrix(args.backends))
    print(text)
    missing = [b for b in args.backends if not available(b)]
    if missing:
        print(f"Not installed here: {', '.join(missing)}. " + " ".join(f"{b}: {INSTALL[b]}." for b in missing))
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        _worker_main()
    else:
        sys.exit(_main(sys.argv[1:]))
