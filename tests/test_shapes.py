import numpy as np
import pytest

from helpers import shapes


@pytest.mark.parametrize(
    "shape,text",
    [
        ((32, 20, 6), "(batch=32, timesteps=20, features=6)"),
        ((20, 6), "(timesteps=20, features=6)"),
        ((5,), "(timesteps=5)"),
        ((3, 4, 20, 1), "(n_batches=3, batch=4, timesteps=20, features=1)"),
    ],
)
def test_describe_names_axes(shape, text):
    assert shapes.describe(np.zeros(shape)) == text
    assert shapes.describe(shape) == text


def test_describe_custom_names_and_errors():
    assert shapes.describe((None, 20, 6)) == "(batch=None, timesteps=20, features=6)"
    assert shapes.describe((2, 3), names=("rows", "cols")) == "(rows=2, cols=3)"
    with pytest.raises(ValueError, match="one name per axis"):
        shapes.describe((2, 3), names=("a",))
    with pytest.raises(ValueError, match="no default axis names"):
        shapes.describe(np.zeros((1,) * 5))
    with pytest.raises(TypeError, match="expected an array"):
        shapes.describe("shape")


def test_valid_input_reports_named_shape():
    r = shapes.check_lstm_input(np.zeros((8, 20, 6), np.float32), timesteps=20, features=6)
    assert r.ok and "(batch=8, timesteps=20, features=6)" in str(r)


def test_tensor_input_is_accepted():
    tf = pytest.importorskip("tensorflow")
    assert shapes.check_lstm_input(tf.zeros((2, 3, 1)), features=1).ok


@pytest.mark.parametrize(
    "x,kw,err,words",
    [
        (np.zeros((5, 22)), {"features": 1}, ValueError, "without the feature axis"),
        (np.zeros((22, 6)), {"features": 6}, ValueError, "x[np.newaxis]"),
        (np.zeros((5, 22, 1, 1)), {}, ValueError, "extra trailing axis of size 1"),
        (np.zeros((5,)), {}, ValueError, "has 1 axes"),
        (np.zeros((5, 22, 3)), {"features": 6}, ValueError, "has 3 features, the model expects 6"),
        (np.zeros((5, 6, 22)), {"features": 6}, ValueError, "swap timesteps and features"),
        (np.zeros((5, 22, 1)), {"timesteps": 20}, ValueError, "has 22 timesteps, the model expects 20"),
        (np.zeros((5, 22, 1), int), {}, TypeError, "astype('float32')"),
        (np.array([[[np.nan]], [[1.0]]]), {}, ValueError, "NaN or infinite (first at index (0, 0, 0))"),
        ([np.zeros((3, 1)), np.zeros((4, 1))], {}, TypeError, "pad_sequences"),
        (
            np.array([np.zeros(3), np.zeros(4)], dtype=object),
            {},
            TypeError,
            "a list of sequences with different lengths",
        ),
        ("data", {}, TypeError, "expected a NumPy array"),
    ],
)
def test_bad_input_is_explained(x, kw, err, words):
    with pytest.raises(err) as info:
        shapes.check_lstm_input(x, **kw)
    assert words in str(info.value)
    assert str(info.value).startswith("x:"), "the message names the argument"


def test_bad_expectations_rejected():
    with pytest.raises(ValueError, match="features: expected an int >= 1"):
        shapes.check_lstm_input(np.zeros((1, 2, 3)), features=0)
    with pytest.raises(TypeError, match="features: expected an int >= 1"):
        shapes.check_lstm_input(np.zeros((1, 2, 3)), features=2.0)
    with pytest.raises(TypeError, match="timesteps"):
        shapes.check_lstm_input(np.zeros((1, 2, 3)), timesteps=True)


def test_keras_really_squeezes_the_extra_axis_silently():
    """The reason the helper exists: Keras 3 trains on (N, T, 1, 1) data without a word."""
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input(shape=(22, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    model.compile(loss="mse")
    history = model.fit(np.zeros((5, 22, 1, 1), np.float32), np.zeros((5, 1)), epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1


@pytest.mark.parametrize(
    "x,kw,codes",
    [
        (np.zeros((8, 20)), {"features": 1}, ["missing-feature-axis"]),
        (np.zeros((8, 20, 1, 1)), {}, ["extra-trailing-axis"]),
        (np.zeros((16, 20)), {"timesteps": 20, "features": 3}, ["ndim"]),
        (np.zeros((4, 20, 0)), {}, ["empty"]),
        (np.zeros((0, 20, 1)), {}, ["empty"]),
        (np.zeros((4, 6, 20)), {"timesteps": 20, "features": 6}, ["features", "timesteps"]),
        (np.zeros((4, 20, 1), dtype=int), {}, ["dtype"]),
        (np.full((2, 3, 1), np.nan), {}, ["nonfinite"]),
        ([np.zeros(3), np.zeros(4)], {}, ["ragged"]),
        (np.zeros((4, 20, 1), dtype=np.float32), {"timesteps": 20, "features": 1}, []),
    ],
)
def test_input_findings_are_the_one_rule_set(x, kw, codes):
    findings = shapes.input_findings(x, **kw)
    assert [f.code for f in findings] == codes
    if findings:  # check_lstm_input raises the first finding, word for word
        with pytest.raises((TypeError, ValueError)) as info:
            shapes.check_lstm_input(x, **kw)
        assert str(info.value) == findings[0].message
        assert isinstance(info.value, TypeError) == (findings[0].code in shapes.TYPE_CODES)


def test_diagnose_reports_the_same_input_findings():
    keras = pytest.importorskip("keras")
    from helpers.diagnose import diagnose

    model = keras.Sequential([keras.Input((20, 6)), keras.layers.LSTM(2)])
    x = np.zeros((4, 6, 20), dtype=np.float32)
    assert diagnose(model, x).findings == tuple(shapes.input_findings(x, timesteps=20, features=6))


def test_a_2d_batch_gets_the_hint_that_fits_it():
    def message(shape, **kw):
        return shapes.input_findings(np.zeros(shape), **kw)[0].message

    assert "x[:, np.newaxis, :] -> (22, 1, 6)" in message((22, 6), features=6)
    assert "build the windows from all 3 feature columns" in message((16, 20), timesteps=20, features=3)
    assert "x[..., np.newaxis] -> (16, 20, 1)" in message((16, 20))
