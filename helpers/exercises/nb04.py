"""Self-checks for the exercises of notebook 04 (variable-length sequences: padding and masking)."""

from __future__ import annotations

import numpy as np

from helpers import padding, pipelines
from helpers.exercises.checks import check_array, exercise
from helpers.report import Report

EX1_SEQUENCES = ([0.5, 1.5, 2.5], [3.5], [4.5, 5.5])
EX2_LENGTHS = (3, 9, 4, 8, 2, 2)
EX2_BATCH = 2


@exercise("Exercise 1 (pad floats)")
def check_padded_floats(answer, *, label: str) -> Report:
    """Exercise 1: ``EX1_SEQUENCES`` padded at the end to 2 steps, keeping each sequence's last values."""
    expected = np.array([[1.5, 2.5], [3.5, 0.0], [4.5, 5.5]], dtype=np.float32)
    arr = np.asarray(answer)
    if arr.shape == expected.shape and not np.issubdtype(arr.dtype, np.floating):
        return Report(
            False,
            f"{label}: the values became {arr.dtype} ({arr.tolist()}).",
            (
                "keras.utils.pad_sequences defaults to dtype='int32' and truncates 1.5 to 1 without a "
                "warning. Pass dtype='float32'.",
            ),
        )
    return check_array(
        label,
        answer,
        expected,
        hint="maxlen=2 keeps 2 steps; truncating='pre' drops the *oldest* steps, padding='post' adds zeros at the end.",
    )


@exercise("Exercise 2 (padding fraction)")
def check_padding_fraction(answer, *, label: str) -> Report:
    """Exercise 2: padding fraction of ``EX2_LENGTHS`` in consecutive batches of ``EX2_BATCH``."""
    stats = padding.padding_stats(list(EX2_LENGTHS), batch_size=EX2_BATCH)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Report(False, f"{label}: expected a number between 0 and 1, got {answer!r}.")
    if abs(value - stats.fraction) < 5e-4:
        return Report(
            True,
            f"{label}: correct, {stats.padding_steps} of {stats.total_steps} steps are padding ({stats.fraction:.3f}).",
        )
    if abs(value - stats.fraction) < 0.01:
        return Report(
            False,
            f"{label}: {value:g} is close, but not precise enough: give at least 3 decimals "
            f"(within 0.0005 of the fraction), or the fraction itself, e.g. (38 - 28) / 38.",
            ("Count the steps exactly: each batch is padded to its own longest sequence.",),
        )
    glob = padding.padding_stats(list(EX2_LENGTHS))
    hints = [
        "Each batch is padded to its own longest sequence: batches (3, 9), (4, 8), (2, 2).",
        "fraction = padding steps / all steps computed (real + padding).",
    ]
    if abs(value - glob.fraction) < 5e-4:
        hints.insert(0, "That is the fraction for global padding (everything padded to 9).")
    elif abs(value - stats.padding_steps / stats.real_steps) < 5e-4:
        hints.insert(0, "You divided by the real steps; divide by all steps (real + padding).")
    return Report(False, f"{label}: {value:.4g} is not right yet.", tuple(hints))


@exercise("Exercise 3 (bucket boundaries)")
def check_zero_padding_boundaries(answer, lengths, *, label: str) -> Report:
    """Exercise 3: bucket boundaries that make bucketing of these ``lengths`` add no padding at all."""
    n = np.asarray(lengths)
    try:
        bounds, _ = pipelines.check_buckets(answer, [1] * (len(list(answer)) + 1))
    except (TypeError, ValueError) as err:
        return Report(False, f"{label}: these boundaries are not valid.", (str(err),))
    bucket = np.searchsorted(bounds, n, side="right")  # as TF: bucket i holds bounds[i-1] <= length < bounds[i]
    mixed = [sorted(set(n[bucket == b].tolist())) for b in np.unique(bucket)]
    mixed = [m for m in mixed if len(m) > 1]
    if mixed:
        return Report(
            False,
            f"{label}: some buckets still mix lengths, so their batches need padding.",
            (
                f"lengths sharing a bucket: {mixed}",
                "A boundary is the exclusive upper end of a bucket: [20, 21] puts 19 in [0, 20) and 20 in "
                "[20, 21). Give each length its own bucket.",
            ),
        )
    return Report(
        True, f"{label}: correct, every bucket holds one length ({len(bounds) + 1} buckets), so no batch needs padding."
    )
