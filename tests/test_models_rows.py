"""reset_rows and ResetRows (helpers.models), introduced in notebook 02 section 5.3."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from helpers import models, stateful  # noqa: E402  (imports Keras: after the TF environment is set by conftest)


def stateful_model(batch=3, timesteps=4, *, bidirectional=False):
    keras.utils.set_random_seed(0)
    lstm = keras.layers.LSTM(4, stateful=True, return_sequences=True, name="lstm")
    return keras.Sequential(
        [
            keras.Input(batch_shape=(batch, timesteps, 1)),  # shape: (3, 4, 1)
            keras.layers.Bidirectional(lstm, name="bi") if bidirectional else lstm,  # shape: (3, 4, 4 or 8)
            keras.layers.Dense(1, name="out"),  # shape: (3, 4, 1)
        ],
        name="rows",
    )


def row_sizes(model):
    """Largest |state| of each batch row over every state array of the model."""
    arrays = [v for vs in models.states(model).values() for v in vs]
    return np.max([np.abs(a).max(axis=1) for a in arrays], axis=0)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_reset_rows_zeroes_only_the_given_rows(bidirectional):
    model = stateful_model(bidirectional=bidirectional)
    model(np.ones((3, 4, 1), "float32"))
    assert (row_sizes(model) > 0).all()
    assert models.reset_rows(model, [1]) == 1
    sizes = row_sizes(model)
    assert sizes[1] == 0.0 and (sizes[[0, 2]] > 0).all()  # h and c, both directions
    assert models.reset_rows(model, np.array([0, 2])) == 2 and (row_sizes(model) == 0).all()
    assert models.reset_rows(model, []) == 0  # nothing to reset is fine


def test_reset_rows_refuses_bad_rows_and_models():
    model = stateful_model()
    model(np.ones((3, 4, 1), "float32"))
    with pytest.raises(ValueError, match=r"rows: \[3\] must lie in 0..2: the model's batch size is 3"):
        models.reset_rows(model, [3])
    with pytest.raises(ValueError, match="rows"):
        models.reset_rows(model, [-1])
    with pytest.raises(TypeError, match="rows: expected a 1-D list of row numbers"):
        models.reset_rows(model, [0.0, 1.0])
    with pytest.raises(TypeError, match=r"np\.flatnonzero"):
        models.reset_rows(model, np.array([True, False, True]))
    with pytest.raises(TypeError, match="rows"):
        models.reset_rows(model, 1)
    with pytest.raises(TypeError, match="rows"):
        models.reset_rows(model, "1")
    stateless = keras.Sequential([keras.Input(shape=(4, 1)), keras.layers.LSTM(2)], name="plain")
    with pytest.raises(ValueError, match="model: 'plain' has no stateful layer"):
        models.reset_rows(stateless, [0])
    with pytest.raises(TypeError, match="model"):
        models.reset_rows("a model", [0])


def test_reset_rows_callback_resets_where_each_series_starts():
    packed = stateful.pack_series([np.sin(np.arange(n) / 3.0) for n in (17, 9, 13, 5, 11)], batch_size=3, timesteps=4)
    model = stateful_model()
    model.compile(optimizer="sgd", loss="mse")
    resetter, seen = models.ResetRows(packed), []
    probe = keras.callbacks.LambdaCallback(on_train_batch_begin=lambda k, logs: seen.append(row_sizes(model)))
    x, y, w = packed.for_fit()
    model.fit(x, y, sample_weight=w, batch_size=3, shuffle=False, epochs=2, verbose=0, callbacks=[resetter, probe])
    seen = np.array(seen)  # shape: (2 * n_batches, 3)
    assert resetter.resets == 2 * packed.starts.sum()
    starts = np.concatenate([packed.starts, packed.starts])
    assert (seen[starts] == 0).all()  # every new series starts from zero
    assert (seen[1:][~starts[1:] & (np.concatenate([packed.owner, packed.owner])[1:] >= 0)] > 0).all()


def test_reset_rows_callback_refuses_a_bad_schedule():
    with pytest.raises(TypeError, match="starts: expected a boolean"):
        models.ResetRows(np.zeros((3, 2), int))
    with pytest.raises(TypeError, match="starts"):
        models.ResetRows(np.zeros(3, bool))
    model = stateful_model()
    model.compile(optimizer="sgd", loss="mse")
    short = models.ResetRows(np.ones((1, 3), bool))  # a schedule for 1 batch, fit runs 2
    with pytest.raises(ValueError, match="starts: the schedule has 1 batches but fit is at batch 1"):
        model.fit(np.zeros((6, 4, 1)), np.zeros((6, 4, 1)), batch_size=3, shuffle=False, verbose=0, callbacks=[short])
