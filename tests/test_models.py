import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

keras = pytest.importorskip("keras")

from helpers import models, stateful  # noqa: E402  (imports Keras: after the TF environment is set by conftest)


def small_model(batch=2, timesteps=3, features=1, *, units=3, return_sequences=True, name="m"):
    return keras.Sequential(
        [
            keras.Input(batch_shape=(batch, timesteps, features)),
            keras.layers.LSTM(units, stateful=True, return_sequences=return_sequences, name="lstm"),
            keras.layers.Dense(1, name="out"),
        ],
        name=name,
    )


def nested_model(batch=2):
    inp = keras.Input(batch_shape=(batch, None, 2))
    h = keras.layers.Bidirectional(keras.layers.LSTM(2, stateful=True, return_sequences=True), name="bi")(inp)
    inner = keras.Sequential(
        [
            keras.Input(batch_shape=(batch, None, 4)),
            keras.layers.GRU(2, stateful=True, return_sequences=True, name="gru"),
        ],
        name="inner",
    )
    out = keras.layers.TimeDistributed(keras.layers.Dense(1), name="td")(inner(h))
    return keras.Model(inp, out, name="nested")


def test_reset_all_finds_nested_and_bidirectional_layers():
    model = nested_model()
    model(np.ones((2, 4, 2), np.float32))
    assert [layer.name for layer in models.stateful_layers(model)] == ["bi", "gru"]
    assert models.state_size(model) > 0
    assert models.reset_all(model) == ["bi", "gru"]
    assert models.state_size(model) == 0.0
    assert set(models.states(model)) == {"bi", "gru"} and len(models.states(model)["bi"]) == 4


def test_reset_all_refuses_what_has_no_state():
    stateless = keras.Sequential([keras.Input(shape=(3, 1)), keras.layers.LSTM(2)], name="plain")
    with pytest.raises(ValueError, match="model: 'plain' has no stateful layer"):
        models.reset_all(stateless)
    with pytest.raises(TypeError, match="model: expected a Keras model or layer, got str"):
        models.reset_all("model")


def test_fit_does_not_reset_but_the_callback_does():
    x = np.random.default_rng(0).normal(size=(4, 3, 1)).astype(np.float32)
    model = small_model()
    model.compile(optimizer="sgd", loss="mse")
    log = models.StateLog()
    model.fit(x, x, batch_size=2, shuffle=False, epochs=2, verbose=0, callbacks=[log])
    assert log.at_begin[0] == 0.0 and log.at_begin[1] > 0, "fit carries the state into the next epoch"
    log, reset = models.StateLog(), models.ResetStates()
    model.fit(x, x, batch_size=2, shuffle=False, epochs=2, verbose=0, callbacks=[reset, log])
    assert log.at_begin == [0.0, 0.0] and log.at_end[0] > 0 and reset.resets == 2


def test_reset_every_n_batches():
    x = np.ones((8, 3, 1), np.float32)  # 4 batches of 2: reset before batches 0 and 2
    model = small_model()
    model.compile(optimizer="sgd", loss="mse")
    reset = models.ResetStates(every_batches=2)
    model.fit(x, x, batch_size=2, shuffle=False, epochs=1, verbose=0, callbacks=[reset])
    assert reset.resets == 2
    with pytest.raises(ValueError, match="every_batches: expected an int >= 1"):
        models.ResetStates(every_batches=0)


def test_inference_twin_other_batch_size_same_weights():
    model = small_model(batch=4, timesteps=3)
    twin = models.inference_twin(model, batch_size=1)
    assert twin.input_shape == (1, None, 1)
    assert [layer.stateful for layer in models.stateful_layers(twin)] == [True]
    for a, b in zip(model.get_weights(), twin.get_weights(), strict=False):
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(1).normal(size=(4, 3, 1)).astype(np.float32)
    np.testing.assert_allclose(twin(x[2:3]).numpy(), model(x).numpy()[2:3], atol=1e-6)
    stateless = models.inference_twin(model, batch_size=None, stateless=True)
    assert stateless.input_shape == (None, None, 1) and models.stateful_layers(stateless) == []
    fixed = models.inference_twin(model, batch_size=2, timesteps=3)
    assert fixed.input_shape == (2, 3, 1)


def test_inference_twin_of_a_nested_functional_model():
    model = nested_model(batch=3)
    twin = models.inference_twin(model, batch_size=1)
    assert twin.input_shape == (1, None, 2)
    assert [layer.name for layer in models.stateful_layers(twin)] == ["bi", "gru"]
    assert twin(np.ones((1, 5, 2), np.float32)).shape == (1, 5, 1)


@pytest.mark.parametrize(
    "kwargs,err,words",
    [
        ({"batch_size": None}, ValueError, "batch_size: None is only possible with stateless=True"),
        ({"batch_size": 0}, ValueError, "batch_size: expected an int >= 1"),
        ({"timesteps": 0}, ValueError, "timesteps: expected an int >= 1"),
    ],
)
def test_inference_twin_bad_arguments(kwargs, err, words):
    with pytest.raises(err, match=words):
        models.inference_twin(small_model(), **kwargs)


def test_inference_twin_needs_a_built_model_with_an_input():
    with pytest.raises(TypeError, match="model: expected a Keras model"):
        models.inference_twin(keras.layers.LSTM(2))
    unbuilt = keras.Sequential([keras.layers.LSTM(2, stateful=True)], name="unbuilt")
    with pytest.raises(ValueError, match="model: 'unbuilt' has no weights yet"):
        models.inference_twin(unbuilt)


def test_predict_chunks_checks_the_batch_size():
    model = small_model(batch=2)
    out = models.predict_chunks(model, np.zeros((3, 2, 3, 1)))
    assert out.shape == (3, 2, 3, 1)
    with pytest.raises(ValueError, match="x: batches have 3 rows but 'm' was built for batch size 2"):
        models.predict_chunks(model, np.zeros((3, 3, 3, 1)))
    with pytest.raises(ValueError, match=r"x: expected batches of shape \(n_batches, batch"):
        models.predict_chunks(model, np.zeros((2, 3, 1)))


def test_predict_with_a_partial_batch_really_misbehaves():
    """What notebook 02 shows: 1 leftover sample comes back as B rows; 2 leftovers fail in the graph."""
    tf = pytest.importorskip("tensorflow")
    model = small_model(batch=3)
    assert model.predict(np.zeros((4, 3, 1), np.float32), batch_size=3, verbose=0).shape == (6, 3, 1)
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        model.predict(np.zeros((5, 3, 1), np.float32), batch_size=3, verbose=0)
    assert "Incompatible shapes: [2," in str(info.value)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.zeros((4, 3, 1)), np.zeros((4, 3, 1)), batch_size=3, shuffle=False, verbose=0)
    assert len(history.history["loss"]) == 1, "fit trains on the broadcast leftover without a word"


# ---------------------------------------------------------------- the property the notebook proves


@settings(max_examples=6, deadline=None)
@given(
    batch=st.integers(1, 3),
    timesteps=st.integers(1, 4),
    features=st.integers(1, 2),
    extra=st.integers(0, 9),
    seed=st.integers(0, 2**16),
)
def test_chunked_stateful_equals_stateless_on_the_whole_sequence(batch, timesteps, features, extra, seed):
    """Fed row-continuous chunks, a stateful LSTM ends where a stateless one fed everything ends."""
    length = batch * timesteps * 2 + 1 + extra  # at least 2 batches; some steps dropped
    series = np.random.default_rng(seed).normal(size=(length, features)).astype(np.float32)
    layout = stateful.split_streams(series, batch, timesteps)
    keras.utils.set_random_seed(seed)
    model = small_model(batch, timesteps, features, units=2)
    chunked = models.predict_chunks(model, layout)  # (n_batches, B, T, 1)
    streams = layout.x.transpose(1, 0, 2, 3).reshape(batch, -1, features)  # (B, n_batches*T, F)
    whole = models.inference_twin(model, None, stateless=True)(streams).numpy()
    np.testing.assert_allclose(chunked.transpose(1, 0, 2, 3).reshape(batch, -1, 1), whole, atol=1e-5)


def test_reset_for_validation_validates_from_zero_and_restores_the_training_state():
    import keras

    def model():
        keras.utils.set_random_seed(0)
        m = keras.Sequential(
            [
                keras.Input(batch_shape=(2, 3, 1)),
                keras.layers.LSTM(4, stateful=True, name="lstm"),
                keras.layers.Dense(1),
            ]
        )
        m.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")  # weights fixed: only the state moves
        return m

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 3, 1)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")
    xv, yv = rng.normal(size=(4, 3, 1)).astype("float32"), rng.normal(size=(4, 1)).astype("float32")
    plain = model()
    h_plain = plain.fit(x, y, batch_size=2, shuffle=False, epochs=1, verbose=0, validation_data=(xv, yv))
    fixed, callback = model(), models.ResetForValidation()
    h_fixed = fixed.fit(
        x, y, batch_size=2, shuffle=False, epochs=1, verbose=0, validation_data=(xv, yv), callbacks=[callback]
    )
    reference = model()
    models.reset_all(reference)
    from_zero = reference.evaluate(xv, yv, batch_size=2, verbose=0)
    assert callback.found[0] > 0  # validation began from the training state
    assert abs(h_fixed.history["val_loss"][0] - from_zero) < 1e-6  # with the callback: from zero
    assert abs(h_plain.history["val_loss"][0] - from_zero) > 1e-4  # without it: another number
    # the training state is back after validation: equal to the state after training alone
    trained_only = model()
    trained_only.fit(x, y, batch_size=2, shuffle=False, epochs=1, verbose=0)
    for a, b in zip(fixed.get_layer("lstm").states, trained_only.get_layer("lstm").states, strict=False):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)


def test_reset_for_validation_handles_bidirectional_and_nested_models():
    import keras

    inner = keras.Sequential(
        [
            keras.Input(batch_shape=(2, 3, 1)),
            keras.layers.Bidirectional(keras.layers.LSTM(2, stateful=True), name="bi"),
        ],
        name="inner",
    )
    outer = keras.Sequential([keras.Input(batch_shape=(2, 3, 1)), inner, keras.layers.Dense(1)])
    outer.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x = np.ones((4, 3, 1), np.float32)
    _ = outer.predict(x, batch_size=2, verbose=0)
    before = models.state_size(outer)
    callback = models.ResetForValidation()
    callback.set_model(outer)
    callback.on_test_begin()
    assert models.state_size(outer) == 0.0 and callback.found == [before] and before > 0
    callback.on_test_end()
    assert abs(models.state_size(outer) - before) < 1e-7


def test_layer_shapes_table():
    model = keras.Sequential(
        [
            keras.Input(shape=(20, 1)),
            keras.layers.LSTM(8, return_sequences=True, name="seq"),
            keras.layers.LSTM(4, name="last"),
            keras.layers.Dense(1, name="out"),
        ]
    )
    table = models.layer_shapes(model)
    assert "(batch=None, timesteps=20, features=1)" in table.splitlines()[1]
    assert "seq" in table and "(batch=None, timesteps=20, features=8)" in table
    assert "(batch=None, features=4)" in table and table.splitlines()[-1].strip().endswith(f"{model.count_params():,}")
    with pytest.raises(TypeError, match="built keras Model"):
        models.layer_shapes("model")


def test_walk_layers_is_the_one_walker():
    inner = keras.Sequential(
        [keras.Input((3, 1)), keras.layers.TimeDistributed(keras.layers.Dense(2, name="td_dense"), name="td")],
        name="inner",
    )
    model = keras.Sequential(
        [keras.Input((3, 1)), inner, keras.layers.Bidirectional(keras.layers.LSTM(2, name="fw"), name="bi")],
        name="outer",
    )
    names = [layer.name for layer in models.walk_layers(model)]
    assert names[:3] == ["inner", "td", "td_dense"] and "bi" in names and len(names) == 6
    assert len(models.walk_layers(model, halves=False)) == 4
    with pytest.raises(TypeError, match="model: expected a Keras model or layer, got str"):
        models.walk_layers("model")
    with pytest.raises(TypeError, match="halves: expected True or False"):
        models.walk_layers(model, halves="no")
