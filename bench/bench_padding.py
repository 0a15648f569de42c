"""Variable-length batches (notebook 04): padding fraction and epoch time of global padding,
per-batch padding (``padded_batch``) and bucketing, on the months of the stock data and on a
seeded long-tailed length distribution. Ratios are against global padding, measured in one run.
"""

import numpy as np
from run import Row, timeit

from helpers import data, padding, pipelines

MONTH_BATCH, TAIL_BATCH, TAIL_N = 8, 64, 512
TAIL_BOUNDARIES = [16, 24, 32, 48, 64, 96, 128]


def month_sequences():
    stock = data.daily_stock(["close", "volume"])
    values = np.log(stock.values)  # shape: (1047, 2)
    values = (values - values.mean(axis=0)) / values.std(axis=0)
    months, _ = data.split_by_month(data.Series("GOOG", values.astype("float32"), stock.dates, ("close", "volume")))
    months = months[1:-1]  # full months only: 19-23 days
    return months, np.array([m[:, 0].std() for m in months], dtype="float32")


def tail_sequences():
    return data.long_tail_sequences(n=TAIL_N, seed=4)  # the data of notebook 04


def strategies(seqs, y, batch, boundaries):
    import tensorflow as tf

    return {
        "global padding (pad_sequences + batch)": tf.data.Dataset.from_tensor_slices((padding.pad(seqs), y)).batch(
            batch
        ),
        "per-batch padding (padded_batch)": pipelines.to_dataset(seqs, y).padded_batch(batch),
        "bucketing (bucket_by_sequence_length)": pipelines.bucket_dataset(
            seqs, y, boundaries=boundaries, batch_sizes=[batch] * (len(boundaries) + 1)
        ),
    }


def run(progress):
    import keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None, 2))  # shape: (batch, timesteps, 2)
    h = keras.layers.Masking()(inputs)
    h = keras.layers.LSTM(16)(h)  # shape: (batch, 16)
    model = keras.Model(inputs, keras.layers.Dense(1)(h))  # shape: (batch, 1)
    model.compile(optimizer="adam", loss="mse")

    rows = []
    months, month_y = month_sequences()
    tail, tail_y = tail_sequences()
    for label, seqs, y, batch, boundaries in [
        (f"months {len(months)}, batch {MONTH_BATCH}", months, month_y, MONTH_BATCH, [20, 21, 22, 23]),
        (f"long tail {TAIL_N}, batch {TAIL_BATCH}", tail, tail_y, TAIL_BATCH, TAIL_BOUNDARIES),
    ]:
        datasets = strategies(seqs, y, batch, boundaries)
        fractions, times = [], []
        for name, ds in datasets.items():
            progress(f"padding: {label}, {name}")
            stats = padding.mask_stats(padding.batch_masks(ds), strategy=name)
            fractions.append(Row(f"padding %, {label}", name, 100 * stats.fraction, unit="%"))
            times.append(Row(f"epoch s, {label}", name, epoch_seconds(model, ds)))
        # Grouping into buckets costs tf.data time every epoch; cached batches show the LSTM's share alone.
        progress(f"padding: {label}, bucketing cached")
        times.append(
            Row(
                f"epoch s, {label}",
                "bucketing, batches cached (.cache())",
                epoch_seconds(model, datasets["bucketing (bucket_by_sequence_length)"].cache()),
            )
        )
        fractions[0].baseline = times[0].baseline = True
        rows += fractions + times
    return rows


def epoch_seconds(model, ds) -> float:
    model.fit(ds, epochs=1, verbose=0, shuffle=False)  # warm-up: traces new shapes
    return timeit(lambda: model.fit(ds, epochs=1, verbose=0, shuffle=False), repeat=3)
