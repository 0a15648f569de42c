import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import diagnose as dg


def lstm_model(timesteps=20, features=1, batch=None, stateful=False, masking=None):
    first = keras.Input(batch_shape=(batch, timesteps, features)) if batch else keras.Input(shape=(timesteps, features))
    layers = [first]
    if masking is not None:
        layers.append(keras.layers.Masking(mask_value=masking))
    layers += [keras.layers.LSTM(3, stateful=stateful, name="lstm"), keras.layers.Dense(1)]
    model = keras.Sequential(layers)
    model.compile(loss="mse")
    return model


def test_clean_input_has_no_findings():
    d = dg.diagnose(lstm_model(), np.zeros((8, 20, 1), np.float32), np.zeros((8, 1)))
    assert d.ok and d.codes == [] and str(d).startswith("✅")
    assert d.expected == (None, 20, 1) and d.received == (8, 20, 1)


@pytest.mark.parametrize(
    "x,code,severity",
    [
        (np.zeros((8, 20), np.float32), "missing-feature-axis", "warning"),
        (np.zeros((8, 20, 1, 1), np.float32), "extra-trailing-axis", "warning"),
        (np.zeros((20,), np.float32), "ndim", "error"),
        (np.zeros((8, 20, 3), np.float32), "features", "error"),
        (np.zeros((8, 7, 1), np.float32), "timesteps", "error"),
        (np.zeros((8, 20, 1), np.int64), "dtype", "warning"),
        (np.array([[[np.nan]] * 20] * 2, np.float32), "nonfinite", "error"),
        ([np.zeros((3, 1)), np.zeros((5, 1))], "ragged", "error"),
        (tf.ragged.constant([[[1.0], [2.0]], [[3.0]]], ragged_rank=1), "ragged", "error"),
    ],
)
def test_each_mismatch_is_found(x, code, severity):
    d = dg.diagnose(lstm_model(), x)
    assert code in d.codes, str(d)
    assert d.findings[d.codes.index(code)].severity == severity
    assert not d.ok


def test_swapped_axes_hint():
    d = dg.diagnose(lstm_model(timesteps=20, features=6), np.zeros((4, 6, 20), np.float32))
    assert "Did you swap timesteps and features?" in str(d)


def test_targets_checked():
    model = lstm_model()
    assert "targets-length" in dg.diagnose(model, np.zeros((8, 20, 1), np.float32), np.zeros((7, 1))).codes
    nan_targets = np.array([[1.0], [np.nan]])
    assert "targets-nonfinite" in dg.diagnose(model, np.zeros((2, 20, 1), np.float32), nan_targets).codes


def test_stateful_checks_batch_size_and_remainder():
    model = lstm_model(batch=4, stateful=True)
    x = np.zeros((10, 20, 1), np.float32)
    d = dg.diagnose(model, x)
    assert {"stateful-batch-size", "stateful-remainder"} <= set(d.codes)
    assert "last batch has 2, so fit(), evaluate() and predict() fail" in str(d)
    assert dg.diagnose(model, x[:8], batch_size=4).ok
    assert "stateful-batch-size" in dg.diagnose(model, x[:8], batch_size=8).codes


def test_remainder_findings_match_what_keras_really_does():
    model = lstm_model(batch=4, stateful=True)
    # one sample left over: broadcast silently, extra rows
    assert model.predict(np.zeros((5, 20, 1), np.float32), batch_size=4, verbose=0).shape[0] == 8
    assert "predict() returns 8 rows instead of 5" in str(
        dg.diagnose(model, np.zeros((5, 20, 1), np.float32), batch_size=4)
    )
    # two or more left over: Keras raises
    with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible shapes"):
        lstm_model(batch=4, stateful=True).predict(np.zeros((7, 20, 1), np.float32), batch_size=4, verbose=0)
    assert "fail with 'Incompatible shapes'" in str(dg.diagnose(model, np.zeros((7, 20, 1), np.float32), batch_size=4))


def test_stateful_inside_bidirectional_is_found():
    # a stateful layer without a static batch cannot even be built...
    with pytest.raises(ValueError, match="batch size must be static"):
        keras.Sequential([keras.Input(shape=(5, 1)), keras.layers.Bidirectional(keras.layers.LSTM(2, stateful=True))])
    # ...and inside a Bidirectional wrapper it is still found
    model = keras.Sequential(
        [keras.Input(batch_shape=(2, 5, 1)), keras.layers.Bidirectional(keras.layers.LSTM(2, stateful=True), name="bi")]
    )
    assert "stateful-batch-size" in dg.diagnose(model, np.zeros((4, 5, 1), np.float32)).codes


def test_mask_value_inside_real_data():
    model = lstm_model(timesteps=5, masking=0.0)
    x = np.array([[1, 0, 2, 0, 0], [0, 0, 3, 4, 5]], np.float32)[..., None]  # row 0: a real 0 at step 1
    d = dg.diagnose(model, x)
    assert d.codes == ["mask-collision"] and "1 step(s)" in str(d) and "[0]" in str(d)
    clean = np.array([[1, 2, 0, 0, 0], [0, 0, 3, 4, 5]], np.float32)[..., None]
    assert dg.diagnose(model, clean).ok


def test_mask_zero_collision_in_ids_and_float_ids():
    model = keras.Sequential(
        [keras.Input(shape=(4,), dtype="int32"), keras.layers.Embedding(10, 2, mask_zero=True), keras.layers.LSTM(2)]
    )
    assert dg.diagnose(model, np.array([[3, 0, 4, 0]])).codes == ["mask-collision"]
    assert dg.diagnose(model, np.array([[3, 4, 0, 0]])).ok
    assert "dtype" in dg.diagnose(model, np.array([[3.0, 4.0, 0.0, 0.0]])).codes


def test_bad_arguments():
    with pytest.raises(TypeError, match="model: expected a keras Model"):
        dg.diagnose("model", np.zeros((1, 2, 3)))
    with pytest.raises(ValueError, match="batch_size: expected an int >= 1"):
        dg.diagnose(lstm_model(), np.zeros((1, 20, 1)), batch_size=0)
    with pytest.raises(TypeError, match="batch_size: expected an int >= 1"):
        dg.diagnose(lstm_model(), np.zeros((1, 20, 1)), batch_size=2.0)
    with pytest.raises(TypeError, match="x: expected a NumPy array"):
        dg.diagnose(lstm_model(), "data")


def test_explain_error_drops_paths_and_graph_noise():
    model = lstm_model(batch=4, stateful=True)
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        model.fit(np.zeros((6, 20, 1), np.float32), np.zeros((6, 1)), batch_size=4, verbose=0)
    text = dg.explain_error(info.value)
    # which op fails first varies run to run: the loss ([2,1] vs. [4,1]) or the LSTM gates ([2,12] vs. [4,12])
    assert re.fullmatch(r"InvalidArgumentError: Incompatible shapes: \[2,\d+\] vs\. \[4,\d+\]", text), text
    with pytest.raises(TypeError, match="err: expected an exception"):
        dg.explain_error("oops")


def test_attempt_reports_works_raises_and_warns():
    assert dg.attempt(lambda: 1) == "works"
    assert dg.attempt(lambda: int("x")).startswith("raises ValueError: invalid literal")
    warned = dg.attempt(lambda: keras.layers.LSTM(2, input_shape=(3, 1)))
    assert warned.startswith("works, warns: UserWarning: Do not pass an `input_shape`")
    with pytest.raises(TypeError, match="fn: expected a function"):
        dg.attempt(3)


def test_extra_trailing_axis_message_matches_keras():
    # fit() and predict() both drop the extra axis silently (measured): the message must not say predict fails
    model = lstm_model()
    x4 = np.zeros((4, 20, 1, 1), np.float32)
    assert model.predict(x4, verbose=0).shape == (4, 1)
    text = str(dg.diagnose(model, x4))
    assert "fit() and predict() silently drop it" in text and "predict() fails" not in text


def test_remainder_advice_when_fewer_samples_than_one_batch():
    model = lstm_model(batch=4, stateful=True)
    for n in (1, 2, 3):
        text = str(dg.diagnose(model, np.zeros((n, 20, 1), np.float32), batch_size=4))
        assert "Trim to 0" not in text
        assert "not even one full batch" in text and f"batch_size={n}" in text
    assert "Trim to 4 samples" in str(dg.diagnose(model, np.zeros((6, 20, 1), np.float32), batch_size=4))


# ---------------------------------------------------------------------------------------------
# Issue 14: the mistakes learners make, as one table. Each wrong pair gets its finding; each correct
# pair gets none. The models are tiny real Keras models; the tests below the table show what Keras
# itself does with the silent ones (it trains without a word).
# ---------------------------------------------------------------------------------------------

T = 5


def _seq_head(units=1):
    """LSTM(return_sequences=True) -> Dense(units): output (batch, T, units)."""
    return keras.Sequential(
        [keras.Input((T, 1)), keras.layers.LSTM(2, return_sequences=True), keras.layers.Dense(units)]
    )


def _dense_head(units=1, loss="mse"):
    model = keras.Sequential([keras.Input((T, 1)), keras.layers.LSTM(2), keras.layers.Dense(units)])
    model.compile(loss=loss)
    return model


def _two_inputs():
    """An LSTM over a window (input 'window') and 3 static features (input 'static')."""
    window, static = keras.Input((T, 1), name="window"), keras.Input((3,), name="static")
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([keras.layers.LSTM(2)(window), static]))
    return keras.Model([window, static], out)


def _ids_and_window():
    """Token ids through an Embedding (input 'ids') and a float window (input 'window')."""
    ids, window = keras.Input((4,), dtype="int32", name="ids"), keras.Input((T, 1), name="window")
    a = keras.layers.LSTM(2)(keras.layers.Embedding(10, 2, mask_zero=True)(ids))
    b = keras.layers.LSTM(2)(window)
    return keras.Model([ids, window], keras.layers.Dense(1)(keras.layers.Concatenate()([a, b])))


def _embedding(mask_zero=True):
    return keras.Sequential(
        [keras.Input((4,), dtype="int32"), keras.layers.Embedding(10, 2, mask_zero=mask_zero), keras.layers.LSTM(2)]
    )


def _masked(mask_value=0.0, timesteps=T):
    return keras.Sequential(
        [
            keras.Input((timesteps, 1)),
            keras.layers.Masking(mask_value=mask_value),
            keras.layers.LSTM(2),
            keras.layers.Dense(1),
        ]
    )


def _stateful(batch=2):
    return keras.Sequential(
        [keras.Input(batch_shape=(batch, T, 1)), keras.layers.LSTM(2, stateful=True), keras.layers.Dense(1)]
    )


def _ds(x, y=None, batch=4):
    return tf.data.Dataset.from_tensor_slices(x if y is None else (x, y)).batch(batch)


Z = np.zeros((16, T, 1), np.float32)
POST = np.array([[1, 2, 3, 0, 0], [1, 2, 3, 4, 5], [4, 5, 0, 0, 0]], np.float32)[..., None]  # post-padded
FIRST_IS_MASK = np.array([[0, 2, 3, 0, 0], [1, 2, 3, 4, 5], [4, 5, 0, 0, 0]], np.float32)[..., None]
PRE = np.array([[0, 0, 1, 2, 3], [1, 2, 3, 4, 5], [0, 0, 0, 4, 5]], np.float32)[..., None]  # pre-padded

WRONG = {  # name: (model, x, y, kwargs, the finding it must get)
    "(16, 1) target for a return_sequences head": (_seq_head, Z, np.zeros((16, 1)), {}, "targets-shape"),
    "(16, 2) target for Dense(1)": (_dense_head, Z, np.zeros((16, 2)), {}, "targets-shape"),
    "(16,) target for Dense(3)": (lambda: _dense_head(3), Z, np.zeros(16), {}, "targets-shape"),
    "(16, 3, 1) target for a (16, 5, 1) output": (_seq_head, Z, np.zeros((16, 3, 1)), {}, "targets-shape"),
    "per-step target for a per-sample output": (_dense_head, Z, np.zeros((16, T, 1)), {}, "targets-shape"),
    "two inputs, three arrays": (_two_inputs, [Z, np.zeros((16, 3)), Z], None, {}, "inputs"),
    "two inputs, one array": (_two_inputs, Z, None, {}, "inputs"),
    "two inputs, dict with a wrong name": (
        _two_inputs,
        {"window": Z, "features": np.zeros((16, 3))},
        None,
        {},
        "input-names",
    ),
    "two inputs, wrong features in the window": (
        _two_inputs,
        [np.zeros((16, T, 2)), np.zeros((16, 3))],
        None,
        {},
        "features",
    ),
    "two inputs, different sample counts": (_two_inputs, [Z, np.zeros((8, 3))], None, {}, "inputs-length"),
    "dataset with the wrong features": (
        _dense_head,
        _ds(np.zeros((8, T, 2), np.float32), np.zeros((8, 1))),
        None,
        {},
        "features",
    ),
    "dataset with (B, 2) targets for Dense(1)": (_dense_head, _ds(Z, np.zeros((16, 2))), None, {}, "targets-shape"),
    "dataset that repeats forever": (_dense_head, _ds(Z, np.zeros((16, 1))).repeat(), None, {}, "dataset-infinite"),
    "stateful model, dataset batch 4 for batch_shape 2": (
        _stateful,
        _ds(Z, np.zeros((16, 1))),
        None,
        {},
        "stateful-batch-size",
    ),
    "token id 12 for Embedding(10)": (_embedding, np.array([[1, 2, 3, 12]]), None, {}, "ids-range"),
    "token id -1": (_embedding, np.array([[1, 2, 3, -1]]), None, {}, "ids-range"),
    "id 10 in the ids input of a dict": (
        _ids_and_window,
        {"ids": np.array([[1, 10, 0, 0]]), "window": Z[:1]},
        None,
        {},
        "ids-range",
    ),
    "mask value at the first step of a post-padded batch": (_masked, FIRST_IS_MASK, None, {}, "mask-edge"),
    "mask value at the last step of a pre-padded batch": (
        _masked,
        np.concatenate([PRE, [[[1], [2], [3], [4], [0]]]]),
        None,
        {},
        "mask-edge",
    ),
    "masked at both ends": (_masked, np.array([[[0], [1], [2], [0], [0]]], np.float32), None, {}, "mask-edge"),
    "id 0 first in a post-padded id batch": (_embedding, np.array([[0, 3, 4, 0], [5, 6, 0, 0]]), None, {}, "mask-edge"),
    "2-D (samples, features) without the time axis": (
        lambda: keras.Sequential([keras.Input((T, 3)), keras.layers.LSTM(2)]),
        np.zeros((16, 3), np.float32),
        None,
        {},
        "ndim",
    ),
}

CORRECT = {  # name: (model, x, y, kwargs)
    "windows and one target each": (_dense_head, Z, np.zeros((16, 1)), {}),
    "1-D targets for Dense(1)": (_dense_head, Z, np.zeros(16), {}),
    "three targets for Dense(3)": (lambda: _dense_head(3), Z, np.zeros((16, 3)), {}),
    "class ids for a sparse softmax": (
        lambda: _dense_head(4, "sparse_categorical_crossentropy"),
        Z,
        np.arange(16) % 4,
        {},
    ),
    "a target per step for a return_sequences head": (_seq_head, Z, np.zeros((16, T, 1)), {}),
    "two inputs as a list": (_two_inputs, [Z, np.zeros((16, 3))], np.zeros((16, 1)), {}),
    "two inputs as a dict": (_two_inputs, {"static": np.zeros((16, 3)), "window": Z}, np.zeros((16, 1)), {}),
    "ids and a window as a dict": (_ids_and_window, {"ids": np.array([[1, 9, 0, 0]]), "window": Z[:1]}, None, {}),
    "a batched dataset of (x, y)": (_dense_head, _ds(Z, np.zeros((16, 1))), None, {}),
    "a batched dataset of x only": (_dense_head, _ds(Z), None, {}),
    "a dataset of the course's pipelines": (_dense_head, None, None, {"pipeline": True}),
    "a stateful model and a dataset of its batch": (_stateful, _ds(Z, np.zeros((16, 1)), batch=2), None, {}),
    "a stateful model, whole batches": (_stateful, Z, np.zeros((16, 1)), {"batch_size": 2}),
    "ids inside the vocabulary, post-padded": (_embedding, np.array([[3, 4, 0, 0], [5, 6, 7, 9]]), None, {}),
    "a post-padded float batch": (_masked, POST, None, {}),
    "a pre-padded float batch": (_masked, PRE, None, {}),
    "a padded dataset with Masking": (lambda: _masked(timesteps=None), None, None, {"padded": True}),
}


def _case_x(kwargs):
    from helpers import pipelines

    if kwargs.pop("pipeline", False):
        return pipelines.from_arrays(Z, np.zeros((16, 1)), batch_size=4)
    if kwargs.pop("padded", False):
        seqs = [np.arange(1, n + 1, dtype=np.float32)[:, None] for n in (3, 5, 2, 4)]
        return pipelines.to_dataset(seqs, np.zeros(4)).padded_batch(2)
    raise AssertionError("no x")


@pytest.mark.parametrize("name", list(WRONG))
def test_each_learner_mistake_gets_its_finding(name):
    make, x, y, kwargs, code = WRONG[name]
    d = dg.diagnose(make(), x, y, **kwargs)
    assert code in d.codes, str(d)


@pytest.mark.parametrize("name", list(CORRECT))
def test_a_correct_pair_gets_no_finding(name):
    make, x, y, kwargs = CORRECT[name]
    kwargs = dict(kwargs)
    if x is None:
        x = _case_x(kwargs)
    d = dg.diagnose(make(), x, y, **kwargs)
    assert d.ok, str(d)


def test_the_table_is_big_enough():
    assert len(WRONG) >= 18 and len(CORRECT) >= 8


def test_keras_trains_silently_on_targets_that_broadcast():
    """What the targets-shape finding is about: fit runs, with a wrong comparison, and says nothing."""
    seq = _seq_head()
    seq.compile(loss="mse")
    assert np.isfinite(seq.fit(Z, np.ones((16, 1)), epochs=1, verbose=0).history["loss"][0])
    dense = _dense_head()
    assert np.isfinite(dense.fit(Z, np.ones((16, 2)), epochs=1, verbose=0).history["loss"][0])
    assert "silently" in str(dg.diagnose(dense, Z, np.ones((16, 2))))


def test_keras_on_ids_beyond_the_embedding():
    """On a CPU, an id >= input_dim raises inside the lookup; a negative id passes without a word."""
    model = _embedding(mask_zero=False)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"not in \[0, 10\)"):
        model.predict(np.array([[1, 2, 3, 12]]), verbose=0)
    assert np.isfinite(model.predict(np.array([[1, 2, 3, -1]]), verbose=0)).all()


def test_keras_masks_real_data_equal_to_the_mask_value_at_the_edge():
    """The first step of row 0 is real data (0.0): the Masking layer skips it, so the output equals the one
    without that step: the mask-edge warning is about a real loss of data."""
    model = _masked()
    row = FIRST_IS_MASK[:1]
    without_first = np.concatenate([row[:, 1:], np.zeros((1, 1, 1), np.float32)], axis=1)
    np.testing.assert_allclose(model.predict(row, verbose=0), model.predict(without_first, verbose=0), atol=1e-6)
    d = dg.diagnose(model, FIRST_IS_MASK)
    assert d.codes == ["mask-edge"] and d.findings[0].severity == "warning" and "[0]" in str(d)


def test_several_inputs_are_checked_one_by_one():
    d = dg.diagnose(_two_inputs(), [np.zeros((16, T, 2)), np.zeros((16, 3))])
    assert d.expected == ((None, T, 1), (None, 3)) and d.received == ((16, T, 2), (16, 3))
    assert "x[0]:" in str(d) and "ragged" not in d.codes
    d = dg.diagnose(_two_inputs(), {"window": Z, "static": np.zeros((16, 4))})
    assert d.codes == ["shape"] and "'static'" in str(d), str(d)


def test_a_dataset_is_checked_on_its_first_batch_only():
    seen = []

    def gen():
        for i in range(1000):
            seen.append(i)
            yield np.zeros((T, 1), np.float32), np.zeros(1, np.float32)

    spec = (tf.TensorSpec((T, 1), tf.float32), tf.TensorSpec((1,), tf.float32))
    ds = tf.data.Dataset.from_generator(gen, output_signature=spec).batch(4)
    assert dg.diagnose(_dense_head(), ds).ok
    assert len(seen) < 50
    with pytest.raises(ValueError, match=r"^x: its elements have shape \(5, 1\)"):
        dg.diagnose(_dense_head(), ds.unbatch())
    with pytest.raises(TypeError, match=r"^y: a tf\.data\.Dataset carries its own targets"):
        dg.diagnose(_dense_head(), _ds(Z), np.zeros((16, 1)))


def test_the_2d_hint_adds_the_time_axis_not_the_feature_axis():
    model = keras.Sequential([keras.Input((T, 3)), keras.layers.LSTM(2)])
    text = str(dg.diagnose(model, np.zeros((16, 3), np.float32)))
    assert "x[:, np.newaxis, :] -> (16, 1, 3)" in text and "np.expand_dims(x, 1)" in text
    assert "x[..., np.newaxis] -> (16, 3, 1)" not in text
    # the same hint when any length is accepted
    open_length = keras.Sequential([keras.Input((None, 3)), keras.layers.LSTM(2)])
    assert "np.expand_dims(x, 1)" in str(dg.diagnose(open_length, np.zeros((16, 3), np.float32)))
