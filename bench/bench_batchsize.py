"""Epoch time by batch size (notebook 03, section 6): the same 8-unit LSTM on the 712 training windows
of the daily log volume, batch sizes 8, 32, 128 and 712. Each case: the median of the steady-state
epochs (2..EPOCHS) of one fit, alternated over ROUNDS rounds, the best round kept. The notebook's
claims about seconds (a full-batch epoch costs far less than 89 updates of 8; batch 128 takes less time
per epoch than batch 32) are quoted from this table, never timed in a test."""

import numpy as np
from run import Row

from helpers import data, pipelines, windows

EPOCHS, ROUNDS, TIMESTEPS = 4, 3, 20
BATCHES = (8, 32, 128, 712)


def run(progress):
    import keras

    split = windows.chronological_split(np.log(data.daily_stock(["volume"]).values))
    x, y = windows.make_windows(split.train, TIMESTEPS)  # shape: (712, 20, 1), (712, 1)
    keras.utils.set_random_seed(1)
    models = {}
    for batch in BATCHES:
        model = keras.Sequential([keras.Input(shape=(TIMESTEPS, 1)), keras.layers.LSTM(8), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        models[batch] = (model, pipelines.from_arrays(x, y, batch_size=batch, shuffle=True, seed=0))
    best = dict.fromkeys(BATCHES, float("inf"))
    for round_ in range(ROUNDS):
        for batch, (model, ds) in models.items():
            progress(f"batch size {batch} (round {round_ + 1}/{ROUNDS})")
            log = pipelines.EpochLog()
            model.fit(ds, epochs=EPOCHS, shuffle=False, verbose=0, callbacks=[log])
            best[batch] = min(best[batch], float(np.median(log.seconds[1:])))
    group = f"epoch s, 712 windows, LSTM(8) (median of epochs 2-{EPOCHS}, best of {ROUNDS} rounds)"
    return [
        Row(
            group, f"batch {batch} ({pipelines.steps_per_epoch(712, batch)} updates)", best[batch], baseline=batch == 32
        )
        for batch in BATCHES
    ]
