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


@pytest.mark.parametrize("x,code,severity", [
    (np.zeros((8, 20), np.float32), "missing-feature-axis", "warning"),
    (np.zeros((8, 20, 1, 1), np.float32), "extra-trailing-axis", "warning"),
    (np.zeros((20,), np.float32), "ndim", "error"),
    (np.zeros((8, 20, 3), np.float32), "features", "error"),
    (np.zeros((8, 7, 1), np.float32), "timesteps", "error"),
    (np.zeros((8, 20, 1), np.int64), "dtype", "warning"),
    (np.array([[[np.nan]] * 20] * 2, np.float32), "nonfinite", "error"),
    ([np.zeros((3, 1)), np.zeros((5, 1))], "ragged", "error"),
    (tf.ragged.constant([[[1.0], [2.0]], [[3.0]]], ragged_rank=1), "ragged", "error"),
])
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
    assert "targets-nonfinite" in dg.diagnose(model, np.zeros((2, 20, 1), np.float32), np.array([[1.0], [np.nan]])).codes


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
    assert "predict() returns 8 rows instead of 5" in str(dg.diagnose(model, np.zeros((5, 20, 1), np.float32),
                                                                      batch_size=4))
    # two or more left over: Keras raises
    with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible shapes"):
        lstm_model(batch=4, stateful=True).predict(np.zeros((7, 20, 1), np.float32), batch_size=4, verbose=0)
    assert "fail with 'Incompatible shapes'" in str(dg.diagnose(model, np.zeros((7, 20, 1), np.float32),
                                                                batch_size=4))


def test_stateful_inside_bidirectional_is_found():
    # a stateful layer without a static batch cannot even be built...
    with pytest.raises(ValueError, match="batch size must be static"):
        keras.Sequential([keras.Input(shape=(5, 1)), keras.layers.Bidirectional(keras.layers.LSTM(2, stateful=True))])
    # ...and inside a Bidirectional wrapper it is still found
    model = keras.Sequential([keras.Input(batch_shape=(2, 5, 1)),
                              keras.layers.Bidirectional(keras.layers.LSTM(2, stateful=True), name="bi")])
    assert "stateful-batch-size" in dg.diagnose(model, np.zeros((4, 5, 1), np.float32)).codes


def test_mask_value_inside_real_data():
    model = lstm_model(timesteps=5, masking=0.0)
    x = np.array([[1, 0, 2, 0, 0], [0, 0, 3, 4, 5]], np.float32)[..., None]   # row 0: a real 0 at step 1
    d = dg.diagnose(model, x)
    assert d.codes == ["mask-collision"] and "1 step(s)" in str(d) and "[0]" in str(d)
    clean = np.array([[1, 2, 0, 0, 0], [0, 0, 3, 4, 5]], np.float32)[..., None]
    assert dg.diagnose(model, clean).ok


def test_mask_zero_collision_in_ids_and_float_ids():
    model = keras.Sequential([keras.Input(shape=(4,), dtype="int32"), keras.layers.Embedding(10, 2, mask_zero=True),
                              keras.layers.LSTM(2)])
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
