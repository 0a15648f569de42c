import re

import matplotlib
import numpy as np
import pytest

from helpers import padding, validate

matplotlib.use("Agg")


def seqs_of(lengths, features=1, start=1.0):
    """Float sequences of these lengths whose values are never 0 (so padding with 0 is unambiguous)."""
    return [np.arange(start, start + n * features, dtype=np.float32).reshape(n, features) for n in lengths]


# --------------------------------------------------------------------------- check_sequences / pad


def test_check_sequences_accepts_ids_and_features():
    ids = validate.as_sequence_list([[1, 2, 3], [4]])
    assert [s.shape for s in ids] == [(3,), (1,)]
    feats = validate.as_sequence_list(seqs_of([2, 5], features=3))
    assert [s.shape for s in feats] == [(2, 3), (5, 3)]
    assert padding.lengths([[1, 2, 3], [4]]).tolist() == [3, 1]
    assert padding.lengths(np.zeros((4, 7, 2))).tolist() == [7] * 4  # a rectangular array: one row each


@pytest.mark.parametrize(
    "sequences,err,words",
    [
        ([], ValueError, "sequences: got an empty list"),
        ([[1, 2], []], ValueError, "sequences[1]: is empty (shape (0,))"),
        (
            [np.zeros((3, 2)), np.zeros((4, 3))],
            ValueError,
            "sequences[1]: has 3 features (shape (4, 3)) but sequences[0] has 2",
        ),
        ([np.zeros((3, 2)), np.zeros(4)], ValueError, "sequences[1]: shape (4,) has 1 axes but sequences[0] has 2"),
        ([["a", "b"]], TypeError, "sequences[0]: expected numbers (integers or floats), got dtype <U1"),
        (["some text"], TypeError, "sequences[0]: got the string 'some text'"),
        ([np.array([True, False])], TypeError, "got dtype bool"),
        ([np.zeros((2, 3, 1))], ValueError, "sequences[0]: shape (2, 3, 1) has 3 axes"),
        ([[1.0, np.nan]], ValueError, "sequences[0]: 1 values are NaN, infinite or too large for float32"),
        ("12345", TypeError, "sequences: expected a list of sequences"),
        (42, TypeError, "sequences: expected a list of sequences (arrays or lists of numbers), got int"),
        ([[[1.0], [1.0, 2.0]]], ValueError, "sequences[0]: cannot become an array"),
    ],
)
def test_bad_sequences_are_explained(sequences, err, words):
    with pytest.raises(err, match=re.escape(words)):
        validate.as_sequence_list(sequences)


def test_pad_keeps_floats_where_pad_sequences_truncates_them():
    keras = pytest.importorskip("keras")
    floats = [[0.4, 1.7, 2.9], [3.6]]
    default = keras.utils.pad_sequences(floats, padding="post")
    assert default.dtype == np.int32 and default.tolist() == [[0, 1, 2], [3, 0, 0]]  # the silent trap
    ours = padding.pad(floats)
    assert ours.dtype == np.float32 and np.allclose(ours, [[0.4, 1.7, 2.9], [3.6, 0, 0]])
    assert padding.pad([[1, 2, 3], [4]]).dtype == np.int32


def test_pad_matches_keras_for_every_mode():
    keras = pytest.importorskip("keras")
    seqs = seqs_of([3, 5, 1], features=2)
    for mode in ("pre", "post"):
        for trunc in ("pre", "post"):
            ours = padding.pad(seqs, maxlen=4, padding=mode, truncating=trunc, value=-1.0)
            theirs = keras.utils.pad_sequences(
                seqs, maxlen=4, padding=mode, truncating=trunc, value=-1.0, dtype="float32"
            )
            assert ours.shape == (3, 4, 2)
            np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(
    "kwargs,words",
    [
        ({"padding": "left"}, "padding: expected 'pre' or 'post' ('post' at the end, 'pre' at the start), got 'left'"),
        ({"truncating": "end"}, "truncating: expected 'pre' or 'post'"),
        ({"maxlen": 0}, "maxlen: expected an int >= 1"),
    ],
)
def test_pad_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        padding.pad([[1.0, 2.0]], **kwargs)


@pytest.mark.parametrize(
    "kwargs,words",
    [
        ({"maxlen": 2.5}, "maxlen: expected an int >= 1"),
        ({"value": "0"}, "value: expected a number such as 0.0"),
    ],
)
def test_pad_wrong_types(kwargs, words):
    with pytest.raises(TypeError, match=re.escape(words)):
        padding.pad([[1.0, 2.0]], **kwargs)


def test_pad_refuses_a_fractional_padding_id():
    with pytest.raises(ValueError, match="value: 0.5 is not an integer"):
        padding.pad([[1, 2], [3]], value=0.5)


# --------------------------------------------------------------------------- masks


def test_step_mask_follows_the_keras_rules():
    keras = pytest.importorskip("keras")
    x = np.array([[[1.0, 0.0], [0.0, 0.0], [0.0, 2.0], [0.0, 0.0]]], dtype=np.float32)
    ours = padding.step_mask(x)
    assert ours.tolist() == [[True, False, True, False]]
    np.testing.assert_array_equal(ours, np.asarray(keras.layers.Masking(0.0).compute_mask(x)))
    ids = np.array([[1, 2, 0, 0], [3, 0, 0, 0]])
    emb = keras.layers.Embedding(10, 4, mask_zero=True)
    np.testing.assert_array_equal(padding.step_mask(ids), np.asarray(emb.compute_mask(ids)))
    assert padding.step_mask(np.full((1, 2, 1), -5.0), mask_value=-5.0).tolist() == [[False, False]]
    with pytest.raises(ValueError, match=re.escape("x: shape (3,) has 1 axes")):
        padding.step_mask(np.zeros(3))


def test_collisions_count_real_steps_equal_to_the_mask_value():
    assert padding.collisions([[[0.0], [1.5]], [[2.0]]]) == 1
    assert padding.collisions([np.array([[0.0, 1.0], [0.0, 0.0]])]) == 1  # only when all features match
    assert padding.collisions([[[0.0], [1.5]]], mask_value=-1.0) == 0
    assert padding.collisions([[3, 0, 2]]) == 1  # an id 0 inside a sequence


def test_cudnn_mask_report():
    post = padding.step_mask(padding.pad(seqs_of([3, 1, 2]), padding="post"))
    assert padding.check_cudnn_mask(post).ok
    pre = padding.step_mask(padding.pad(seqs_of([3, 1, 2]), padding="pre"))
    report = padding.check_cudnn_mask(pre)
    assert not report.ok and "rows [1, 2] are not right-padded" in str(report)
    holes = np.array([[True, False, True], [False, False, False]])
    text = str(padding.check_cudnn_mask(holes))
    assert "rows [0] are not right-padded" in text and "rows [1] are fully padded" in text
    assert "use_cudnn=False" in text
    with pytest.raises(TypeError, match="expected a boolean"):
        padding.check_cudnn_mask(np.zeros((2, 3)))


def test_unpadded_outputs_runs_each_sequence_at_its_own_length():
    calls = []

    def last_step(batch):  # a "model" that returns each row's last step
        calls.append(batch.shape)
        return batch[:, -1]

    seqs = seqs_of([2, 3, 2, 1], features=2)
    out = padding.unpadded_outputs(last_step, seqs)
    np.testing.assert_array_equal(out, np.stack([s[-1] for s in seqs]))
    assert sorted(calls) == [(1, 1, 2), (1, 3, 2), (2, 2, 2)]  # one call per distinct length
    with pytest.raises(TypeError, match="model: expected a Keras model"):
        padding.unpadded_outputs("model", seqs)


def test_masked_lstm_reproduces_unpadded_outputs_and_unmasked_does_not():
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    seqs = seqs_of([2, 5, 3], features=1, start=0.1)
    seqs = [s / 10 for s in seqs]
    init = keras.initializers.RandomNormal(stddev=0.5, seed=1)  # non-zero biases
    lstm = keras.layers.LSTM(4, bias_initializer=init)
    inputs = keras.Input((None, 1))
    masked = keras.Model(inputs, lstm(keras.layers.Masking()(inputs)))
    unmasked = keras.Model(inputs, lstm(inputs))
    x = padding.pad(seqs)
    reference = padding.unpadded_outputs(masked, seqs)
    assert reference.shape == (3, 4)
    assert np.abs(masked(x).numpy() - reference).max() < 1e-5
    assert np.abs(unmasked(x).numpy() - reference).max() > 1e-3


# --------------------------------------------------------------------------- padding statistics


def test_padding_stats_global_and_per_batch_by_hand():
    glob = padding.padding_stats([2, 4, 3, 3])
    assert (glob.real_steps, glob.total_steps, glob.padding_steps, glob.fraction) == (12, 16, 4, 0.25)
    per = padding.padding_stats([2, 4, 3, 3], batch_size=2)
    assert (per.total_steps, per.padding_steps, per.batches) == (14, 2, 2)
    odd = padding.padding_stats([5, 1, 2], batch_size=2)  # a last, smaller batch
    assert (odd.total_steps, odd.batches) == (12, 2)
    assert str(glob) == "global padding: 4 sequences, 16 steps computed, 4 of them padding (25.0%)"
    assert padding.padding_stats([7, 7, 7]).fraction == 0.0


@pytest.mark.parametrize(
    "lengths,kw,err,words",
    [
        ([], {}, ValueError, "lengths: expected a non-empty 1-D list of integer lengths"),
        ([2.5, 3], {}, TypeError, "lengths: expected a non-empty 1-D list of integer lengths"),
        ([[1, 2]], {}, ValueError, "lengths: expected a non-empty 1-D"),
        ([3, 0], {}, ValueError, "lengths: every length must be >= 1, got 0 at index 1"),
        ([3, 4], {"batch_size": 0}, ValueError, "batch_size: expected an int >= 1"),
    ],
)
def test_padding_stats_bad_input(lengths, kw, err, words):
    with pytest.raises(err, match=re.escape(words)):
        padding.padding_stats(lengths, **kw)


def test_batch_masks_and_mask_stats_errors():
    with pytest.raises(ValueError, match="Is the dataset batched"):
        padding.batch_masks([np.zeros(3)])
    with pytest.raises(ValueError, match="yielded no batches"):
        padding.batch_masks([])
    with pytest.raises(TypeError, match=re.escape("masks[0]: expected a boolean (batch, timesteps) array")):
        padding.mask_stats([np.ones((2, 3))], strategy="x")
    with pytest.raises(ValueError, match="masks: got none"):
        padding.mask_stats([], strategy="x")


def test_mask_helpers_name_a_wrong_argument_type():
    with pytest.raises(TypeError, match="dataset: expected a batched tf.data.Dataset"):
        padding.batch_masks(None)
    with pytest.raises(TypeError, match="masks: expected a list of boolean"):
        padding.as_mask_list(3)


def test_pad_truncates_like_keras_by_default():
    # maxlen keeps the newest steps, as keras.utils.pad_sequences does (truncating="pre"); only the padding side differs
    keras = pytest.importorskip("keras")
    seqs = [[1.0, 2.0, 3.0, 4.0], [5.0]]
    ours = padding.pad(seqs, maxlen=2)
    assert ours.tolist() == [[3.0, 4.0], [5.0, 0.0]]
    theirs = keras.utils.pad_sequences(seqs, maxlen=2, padding="post", dtype="float32")
    np.testing.assert_array_equal(ours, theirs)
    assert padding.pad(seqs, maxlen=2, truncating="post").tolist() == [[1.0, 2.0], [5.0, 0.0]]


@pytest.mark.parametrize("kwargs", [{"truncating": 1}, {"padding": None}, {"truncating": True}])
def test_pad_mode_of_wrong_type_is_a_type_error(kwargs):
    arg = next(iter(kwargs))
    with pytest.raises(TypeError, match=re.escape(f"{arg}: expected the string 'pre' or 'post'")) as info:
        padding.pad([[1.0, 2.0]], **kwargs)
    assert "Fix:" in str(info.value)


def test_pad_refuses_ids_that_would_wrap_around_in_int32():
    with pytest.raises(ValueError, match="sequences: integer values from 1 to 1099511627776 do not fit int32"):
        padding.pad([[1, 2**40]])


def test_batch_masks_refuses_an_infinite_dataset():
    tf = pytest.importorskip("tensorflow")
    ds = tf.data.Dataset.from_tensor_slices(np.ones((4, 3, 1), np.float32)).batch(2).repeat()
    with pytest.raises(ValueError, match="^dataset: it repeats forever"):
        padding.batch_masks(ds)
