import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

keras = pytest.importorskip("keras")

from helpers import stateful  # noqa: E402  (imports Keras: after the TF environment is set by conftest)


# ---------------------------------------------------------------- layout: one series -> B streams

def test_split_streams_tiny_example_matches_the_docstring():
    b = stateful.split_streams(np.arange(25), batch_size=2, timesteps=4)
    assert b.x.shape == (3, 2, 4, 1) and b.y.shape == (3, 2, 4, 1)
    assert b.x[..., 0].tolist() == [[[0, 1, 2, 3], [12, 13, 14, 15]], [[4, 5, 6, 7], [16, 17, 18, 19]],
                                    [[8, 9, 10, 11], [20, 21, 22, 23]]]
    np.testing.assert_array_equal(b.y, b.x + 1)
    assert (b.n_batches, b.batch_size, b.timesteps, b.dropped) == (3, 2, 4, 0)
    assert stateful.check_continuity(b).ok
    assert "dropped nothing" in repr(b) and "(n_batches=3, batch=2, timesteps=4, features=1)" in repr(b)


def test_split_streams_says_what_it_drops_and_where():
    start = stateful.split_streams(np.arange(30), batch_size=2, timesteps=4)   # 25 of 30 fit
    assert start.dropped == 5 and start.x[0, 0, 0, 0] == 5 and start.y[-1, -1, -1, 0] == 29
    assert "dropped 5 at the start" in start.note
    end = stateful.split_streams(np.arange(30), batch_size=2, timesteps=4, drop="end")
    assert end.dropped == 5 and end.x[0, 0, 0, 0] == 0 and end.y[-1, -1, -1, 0] == 24
    assert "dropped 5 at the end" in end.note


def test_split_streams_horizon_targets_and_features():
    series = np.arange(60.0).reshape(30, 2)        # column 1 = column 0 + 1
    b = stateful.split_streams(series, batch_size=2, timesteps=3, horizon=2, target_columns=[0])
    assert b.x.shape == (4, 2, 3, 2) and b.y.shape == (4, 2, 3, 1)
    np.testing.assert_array_equal(b.y[..., 0], series[b.index + 2, 0])
    assert b.y_last.shape == (4, 2, 1)
    np.testing.assert_array_equal(b.y_last, b.y[:, :, -1])


def test_for_fit_keeps_batches_together_in_order():
    b = stateful.split_streams(np.arange(49), batch_size=3, timesteps=4)
    x, y = b.for_fit()
    assert x.shape == (12, 4, 1) and y.shape == (12, 4, 1)
    for k in range(b.n_batches):          # fit(batch_size=3, shuffle=False) takes samples 3k..3k+2
        np.testing.assert_array_equal(x[3 * k:3 * k + 3], b.x[k])
    _, y_last = b.for_fit(last_only=True)
    assert y_last.shape == (12, 1)


@pytest.mark.parametrize("kwargs,err,words", [
    ({"batch_size": 2, "timesteps": 30}, ValueError, "series: 25 steps are too short for one chunk of timesteps=30"),
    ({"batch_size": 7, "timesteps": 4}, ValueError, "batch_size: 7 rows cannot be filled"),
    ({"batch_size": 7, "timesteps": 4}, ValueError, "use batch_size <= 6"),
    ({"batch_size": 0, "timesteps": 4}, ValueError, "batch_size: expected an int >= 1"),
    ({"batch_size": 2.0, "timesteps": 4}, TypeError, "batch_size: expected an int"),
    ({"batch_size": 2, "timesteps": True}, TypeError, "timesteps: expected an int"),
    ({"batch_size": 2, "timesteps": 4, "horizon": 0}, ValueError, "horizon: expected an int >= 1"),
    ({"batch_size": 2, "timesteps": 4, "drop": "middle"}, ValueError, "drop: expected 'start'"),
    ({"batch_size": 2, "timesteps": 4, "target_columns": [3]}, ValueError, "target_columns"),
])
def test_split_streams_bad_arguments(kwargs, err, words):
    with pytest.raises(err) as info:
        stateful.split_streams(np.arange(25.0), **kwargs)
    assert words in str(info.value)


@pytest.mark.parametrize("series,err,words", [
    (np.array([1.0, np.nan, 3.0] * 10), ValueError, "series: 10 values are NaN, infinite or too large for float32"),
    (np.zeros((4, 10, 1)), ValueError, "series: expected shape (T,) or (T, F)"),
    ("abc", TypeError, "series: expected a NumPy array"),
])
def test_split_streams_bad_series(series, err, words):
    with pytest.raises(err) as info:
        stateful.split_streams(series, batch_size=2, timesteps=3)
    assert words in str(info.value)


# ---------------------------------------------------------------- layout: several series, one per row

def test_stack_series_one_row_per_series():
    b = stateful.stack_series([np.arange(9), 100 + np.arange(9)], timesteps=4)
    assert b.x[..., 0].tolist() == [[[0, 1, 2, 3], [100, 101, 102, 103]], [[4, 5, 6, 7], [104, 105, 106, 107]]]
    assert b.row_series == (0, 1) and b.batch_size == 2 and b.dropped == 0
    np.testing.assert_array_equal(b.y, b.x + 1)
    assert stateful.check_continuity(b).ok and "2 series of 9 steps, one per row" in b.note


def test_stack_series_accepts_a_3d_array_and_drops_oldest():
    arr = np.arange(3 * 20 * 2, dtype=float).reshape(3, 20, 2)
    b = stateful.stack_series(arr, timesteps=6, batch_size=3)
    assert b.x.shape == (3, 3, 6, 2) and b.dropped == 1
    np.testing.assert_array_equal(b.x[0, 2, 0], arr[2, 1])
    np.testing.assert_array_equal(b.y[-1, 1, -1], arr[1, -1])


@pytest.mark.parametrize("series,kwargs,err,words", [
    (np.zeros((30, 4)), {}, ValueError, "series: got one 2-D array of shape (30, 4); it is ambiguous"),
    (np.zeros((30, 4)), {}, ValueError, "list(series.T)"),
    ([np.zeros(30), np.zeros(29)], {}, ValueError, "different lengths [30, 29]"),
    ([np.zeros((30, 1)), np.zeros((30, 2))], {}, ValueError, "series[1]: has 2 features (shape (30, 2)) but series[0] has 1"),
    ([np.zeros(30), np.r_[np.zeros(29), np.nan]], {}, ValueError, "series[1]: 1 values are NaN, infinite or too large for float32"),
    ([np.zeros(30)] * 3, {"batch_size": 4}, ValueError, "batch_size: 4 rows cannot be filled by 3 series"),
    ([np.zeros(30)] * 3, {"batch_size": 4}, ValueError, "split_streams()"),
    ([np.zeros(4)] * 3, {}, ValueError, "series: 4 steps are too short"),
    ([], {}, ValueError, "series: got an empty list"),
    ("abc", {}, TypeError, "series: expected a list of sequences"),
    (np.zeros(30), {}, ValueError, "series: expected a list of (T, F) arrays"),
])
def test_stack_series_bad_input(series, kwargs, err, words):
    with pytest.raises(err) as info:
        stateful.stack_series(series, timesteps=4, **kwargs)
    assert words in str(info.value)


# ---------------------------------------------------------------- continuity

def test_continuity_of_the_classic_wrong_layouts():
    consecutive = np.arange(2000).reshape(10, 10, 20)            # 100 sequences, sliced 10 at a time
    report = stateful.check_continuity(consecutive)
    assert not report.ok and "90 of 90" in str(report) and "skips 180 steps" in str(report)
    overlapping = np.lib.stride_tricks.sliding_window_view(np.arange(60), 20)[:40].reshape(4, 10, 20)
    assert "goes back 10 steps" in str(stateful.check_continuity(overlapping))
    fixed = consecutive.reshape(100, 20).reshape(10, 10, 20).transpose(1, 0, 2)
    assert stateful.check_continuity(fixed).ok
    assert (stateful.continuity(fixed) == 1).all() and stateful.continuity(fixed).shape == (9, 10)
    assert stateful.check_continuity(np.arange(6).reshape(1, 2, 3)).ok   # one batch: nothing to hand over
    with pytest.raises(ValueError, match=r"index: expected shape \(n_batches, batch, timesteps\)"):
        stateful.continuity(np.arange(6))


# ---------------------------------------------------------------- models

def small_model(batch=2, timesteps=3, features=1, *, units=3, return_sequences=True, name="m"):
    return keras.Sequential([
        keras.Input(batch_shape=(batch, timesteps, features)),
        keras.layers.LSTM(units, stateful=True, return_sequences=return_sequences, name="lstm"),
        keras.layers.Dense(1, name="out"),
    ], name=name)


def nested_model(batch=2):
    inp = keras.Input(batch_shape=(batch, None, 2))
    h = keras.layers.Bidirectional(keras.layers.LSTM(2, stateful=True, return_sequences=True), name="bi")(inp)
    inner = keras.Sequential([keras.Input(batch_shape=(batch, None, 4)),
                              keras.layers.GRU(2, stateful=True, return_sequences=True, name="gru")], name="inner")
    out = keras.layers.TimeDistributed(keras.layers.Dense(1), name="td")(inner(h))
    return keras.Model(inp, out, name="nested")


def test_reset_all_finds_nested_and_bidirectional_layers():
    model = nested_model()
    model(np.ones((2, 4, 2), np.float32))
    assert [layer.name for layer in stateful.stateful_layers(model)] == ["bi", "gru"]
    assert stateful.state_size(model) > 0
    assert stateful.reset_all(model) == ["bi", "gru"]
    assert stateful.state_size(model) == 0.0
    assert set(stateful.states(model)) == {"bi", "gru"} and len(stateful.states(model)["bi"]) == 4


def test_reset_all_refuses_what_has_no_state():
    stateless = keras.Sequential([keras.Input(shape=(3, 1)), keras.layers.LSTM(2)], name="plain")
    with pytest.raises(ValueError, match="model: 'plain' has no stateful layer"):
        stateful.reset_all(stateless)
    with pytest.raises(TypeError, match="model: expected a Keras model or layer, got str"):
        stateful.reset_all("model")


def test_fit_does_not_reset_but_the_callback_does():
    x = np.random.default_rng(0).normal(size=(4, 3, 1)).astype(np.float32)
    model = small_model()
    model.compile(optimizer="sgd", loss="mse")
    log = stateful.StateLog()
    model.fit(x, x, batch_size=2, shuffle=False, epochs=2, verbose=0, callbacks=[log])
    assert log.at_begin[0] == 0.0 and log.at_begin[1] > 0, "fit carries the state into the next epoch"
    log, reset = stateful.StateLog(), stateful.ResetStates()
    model.fit(x, x, batch_size=2, shuffle=False, epochs=2, verbose=0, callbacks=[reset, log])
    assert log.at_begin == [0.0, 0.0] and log.at_end[0] > 0 and reset.resets == 2


def test_reset_every_n_batches():
    x = np.ones((8, 3, 1), np.float32)          # 4 batches of 2: reset before batches 0 and 2
    model = small_model()
    model.compile(optimizer="sgd", loss="mse")
    reset = stateful.ResetStates(every_batches=2)
    model.fit(x, x, batch_size=2, shuffle=False, epochs=1, verbose=0, callbacks=[reset])
    assert reset.resets == 2
    with pytest.raises(ValueError, match="every_batches: expected an int >= 1"):
        stateful.ResetStates(every_batches=0)


def test_inference_twin_other_batch_size_same_weights():
    model = small_model(batch=4, timesteps=3)
    twin = stateful.inference_twin(model, batch_size=1)
    assert twin.input_shape == (1, None, 1)
    assert [layer.stateful for layer in stateful.stateful_layers(twin)] == [True]
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(1).normal(size=(4, 3, 1)).astype(np.float32)
    np.testing.assert_allclose(twin(x[2:3]).numpy(), model(x).numpy()[2:3], atol=1e-6)
    stateless = stateful.inference_twin(model, batch_size=None, stateless=True)
    assert stateless.input_shape == (None, None, 1) and stateful.stateful_layers(stateless) == []
    fixed = stateful.inference_twin(model, batch_size=2, timesteps=3)
    assert fixed.input_shape == (2, 3, 1)


def test_inference_twin_of_a_nested_functional_model():
    model = nested_model(batch=3)
    twin = stateful.inference_twin(model, batch_size=1)
    assert twin.input_shape == (1, None, 2)
    assert [layer.name for layer in stateful.stateful_layers(twin)] == ["bi", "gru"]
    assert twin(np.ones((1, 5, 2), np.float32)).shape == (1, 5, 1)


@pytest.mark.parametrize("kwargs,err,words", [
    ({"batch_size": None}, ValueError, "batch_size: None is only possible with stateless=True"),
    ({"batch_size": 0}, ValueError, "batch_size: expected an int >= 1"),
    ({"timesteps": 0}, ValueError, "timesteps: expected an int >= 1"),
])
def test_inference_twin_bad_arguments(kwargs, err, words):
    with pytest.raises(err, match=words):
        stateful.inference_twin(small_model(), **kwargs)


def test_inference_twin_needs_a_built_model_with_an_input():
    with pytest.raises(TypeError, match="model: expected a Keras model"):
        stateful.inference_twin(keras.layers.LSTM(2))
    unbuilt = keras.Sequential([keras.layers.LSTM(2, stateful=True)], name="unbuilt")
    with pytest.raises(ValueError, match="model: 'unbuilt' has no weights yet"):
        stateful.inference_twin(unbuilt)


def test_predict_chunks_checks_the_batch_size():
    model = small_model(batch=2)
    out = stateful.predict_chunks(model, np.zeros((3, 2, 3, 1)))
    assert out.shape == (3, 2, 3, 1)
    with pytest.raises(ValueError, match="x: batches have 3 rows but 'm' was built for batch size 2"):
        stateful.predict_chunks(model, np.zeros((3, 3, 3, 1)))
    with pytest.raises(ValueError, match=r"x: expected batches of shape \(n_batches, batch"):
        stateful.predict_chunks(model, np.zeros((2, 3, 1)))


def test_trim_to_multiple():
    x, y = np.arange(23), np.arange(23) * 10
    xt, yt = stateful.trim_to_multiple(x, y, batch_size=10)
    assert xt.tolist() == list(range(20)) and yt[-1] == 190
    (newest,) = stateful.trim_to_multiple(x, batch_size=10, keep="end")
    assert newest.tolist() == list(range(3, 23))
    with pytest.raises(ValueError, match="arrays: 23 samples are fewer than one batch of batch_size=30"):
        stateful.trim_to_multiple(x, batch_size=30)
    with pytest.raises(ValueError, match=r"arrays: first axes differ \[23, 22\]"):
        stateful.trim_to_multiple(x, y[:-1], batch_size=10)
    with pytest.raises(ValueError, match="keep: expected 'start'"):
        stateful.trim_to_multiple(x, batch_size=10, keep="middle")
    with pytest.raises(ValueError, match="arrays: pass at least one array"):
        stateful.trim_to_multiple(batch_size=10)
    with pytest.raises(TypeError, match="batch_size: expected an int"):
        stateful.trim_to_multiple(x, batch_size="10")


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


def test_plot_layout_draws_three_panels():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    b = stateful.split_streams(np.arange(25.0), batch_size=2, timesteps=4)
    fig = stateful.plot_layout(b, series=np.arange(25.0))
    assert len(fig.axes) == 3
    fig2 = stateful.plot_layout(np.arange(40).reshape(2, 4, 5), row_labels=list("abcd"))
    assert len(fig2.axes) == 2
    with pytest.raises(ValueError, match="row_labels: got 1 labels for 2 batch rows"):
        stateful.plot_layout(b, row_labels=["a"])
    fig4 = stateful.plot_layout(b, series=np.arange(25.0), ylabel="close, USD per share")
    assert fig4.axes[0].get_ylabel() == "close, USD per share"
    with pytest.raises(TypeError, match="ylabel: expected a string"):
        stateful.plot_layout(b, series=np.arange(25.0), ylabel=3)
    # one colour code for every panel: the chunks of row i are drawn in row i's colour
    fig3 = stateful.plot_layout(np.arange(2000).reshape(10, 10, 20))      # too many chunks to number
    assert len(fig3.axes) == 2                                             # no colour bar for batches
    bars = fig3.axes[0].patches
    row_colours = {tuple(np.round(p.get_facecolor()[:3], 3)) for p in bars[:10]}   # row 0's ten chunks
    assert len(row_colours) == 1
    plt.close("all")


# ---------------------------------------------------------------- the property the notebook proves

@settings(max_examples=6, deadline=None)
@given(batch=st.integers(1, 3), timesteps=st.integers(1, 4), features=st.integers(1, 2),
       extra=st.integers(0, 9), seed=st.integers(0, 2 ** 16))
def test_chunked_stateful_equals_stateless_on_the_whole_sequence(batch, timesteps, features, extra, seed):
    """Fed row-continuous chunks, a stateful LSTM ends where a stateless one fed everything ends."""
    length = batch * timesteps * 2 + 1 + extra          # at least 2 batches; some steps dropped
    series = np.random.default_rng(seed).normal(size=(length, features)).astype(np.float32)
    layout = stateful.split_streams(series, batch, timesteps)
    keras.utils.set_random_seed(seed)
    model = small_model(batch, timesteps, features, units=2)
    chunked = stateful.predict_chunks(model, layout)                          # (n_batches, B, T, 1)
    streams = layout.x.transpose(1, 0, 2, 3).reshape(batch, -1, features)     # (B, n_batches*T, F)
    whole = stateful.inference_twin(model, None, stateless=True)(streams).numpy()
    np.testing.assert_allclose(chunked.transpose(1, 0, 2, 3).reshape(batch, -1, 1), whole, atol=1e-5)


def test_continuity_needs_step_numbers_not_data():
    with pytest.raises(ValueError, match="index: expected step numbers"):
        stateful.continuity(np.full((2, 2, 3), 0.5))
    with pytest.raises(ValueError, match="index: expected step numbers"):
        stateful.check_continuity(np.array([[[np.nan]]]))


def test_reset_for_validation_validates_from_zero_and_restores_the_training_state():
    import keras

    def model():
        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.Input(batch_shape=(2, 3, 1)), keras.layers.LSTM(4, stateful=True, name="lstm"),
                              keras.layers.Dense(1)])
        m.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")   # weights fixed: only the state moves
        return m

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 3, 1)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")
    xv, yv = rng.normal(size=(4, 3, 1)).astype("float32"), rng.normal(size=(4, 1)).astype("float32")
    plain = model()
    h_plain = plain.fit(x, y, batch_size=2, shuffle=False, epochs=1, verbose=0, validation_data=(xv, yv))
    fixed, callback = model(), stateful.ResetForValidation()
    h_fixed = fixed.fit(x, y, batch_size=2, shuffle=False, epochs=1, verbose=0, validation_data=(xv, yv),
                        callbacks=[callback])
    reference = model()
    stateful.reset_all(reference)
    from_zero = reference.evaluate(xv, yv, batch_size=2, verbose=0)
    assert callback.found[0] > 0                                    # validation began from the training state
    assert abs(h_fixed.history["val_loss"][0] - from_zero) < 1e-6   # with the callback: from zero
    assert abs(h_plain.history["val_loss"][0] - from_zero) > 1e-4   # without it: another number
    # the training state is back after validation: equal to the state after training alone
    trained_only = model()
    trained_only.fit(x, y, batch_size=2, shuffle=False, epochs=1, verbose=0)
    for a, b in zip(fixed.get_layer("lstm").states, trained_only.get_layer("lstm").states):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)


def test_reset_for_validation_handles_bidirectional_and_nested_models():
    import keras
    inner = keras.Sequential([keras.Input(batch_shape=(2, 3, 1)),
                              keras.layers.Bidirectional(keras.layers.LSTM(2, stateful=True), name="bi")], name="inner")
    outer = keras.Sequential([keras.Input(batch_shape=(2, 3, 1)), inner, keras.layers.Dense(1)])
    outer.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x = np.ones((4, 3, 1), np.float32)
    _ = outer.predict(x, batch_size=2, verbose=0)
    before = stateful.state_size(outer)
    callback = stateful.ResetForValidation()
    callback.set_model(outer)
    callback.on_test_begin()
    assert stateful.state_size(outer) == 0.0 and callback.found == [before] and before > 0
    callback.on_test_end()
    assert abs(stateful.state_size(outer) - before) < 1e-7
