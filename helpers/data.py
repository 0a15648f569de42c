"""Real time series from the sample data that matplotlib installs (no network needed).

Introduced in notebook 01 (daily stock) and notebook 02 (monthly prices).

- :func:`daily_stock`: 1,047 trading days (2004-08-19 to 2008-10-14) of one stock
  (matplotlib's ``goog.npz``), six features: open, high, low, close, volume, adj_close.
- :func:`monthly_prices`: monthly prices of 8 tickers and 2 indices, 1990-01 to 2022-06
  (``Stocks.csv``). The file also holds 133 empty rows and one stray row (2022-06-28, a copy
  of 2022-06-01); both are dropped and reported in ``notes``. Tickers listed later than 1990
  are blank before their listing: you choose what happens (``missing=``), NaN never passes silently.
- :func:`split_by_month`: a daily series cut into one variable-length sequence per month.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib import cbook

from helpers.validate import require_choice, require_int

DAILY_FEATURES = ("open", "high", "low", "close", "volume", "adj_close")
MONTHLY_TICKERS = ("IBM", "AAPL", "MSFT", "XRX", "AMZN", "DELL", "GOOGL", "ADBE", "^GSPC", "^IXIC")


@dataclass(frozen=True)
class Series:
    """A multivariate time series: ``values`` of shape ``(timesteps, features)`` plus labels."""

    name: str
    values: np.ndarray  # shape: (timesteps, features), float32
    dates: np.ndarray  # shape: (timesteps,), datetime64[D]
    features: tuple[str, ...]  # one name per column of values
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self):
        for arg, value in (("values", self.values), ("dates", self.dates)):
            if not isinstance(value, np.ndarray):
                raise TypeError(f"{arg}: expected a NumPy array, got {type(value).__name__}.")
        if self.values.ndim != 2 or self.values.shape[1] != len(self.features) or len(self.dates) != len(self.values):
            raise ValueError(
                f"Series {self.name!r}: values {self.values.shape}, {len(self.dates)} dates and "
                f"{len(self.features)} feature names do not agree."
            )

    def __repr__(self) -> str:
        return (
            f"Series({self.name!r}: {len(self.values)} timesteps {self.dates[0]}..{self.dates[-1]}, "
            f"{len(self.features)} features {list(self.features)})"
        )

    def column(self, feature: str) -> np.ndarray:
        """One feature as a ``(timesteps, 1)`` array, e.g. ``s.column("close")``."""
        return self.values[:, [self._index(feature, "feature")]]

    def select(self, features: Sequence[str]) -> Series:
        """A new Series with only these features, in this order."""
        features = _as_names("features", features)
        idx = [self._index(f, "features") for f in features]
        return Series(self.name, self.values[:, idx], self.dates, tuple(features), self.notes)

    def _index(self, feature: str, arg: str) -> int:
        if not isinstance(feature, str):
            raise TypeError(
                f"{arg}: expected a feature name such as 'close', got {feature!r} ({type(feature).__name__})."
            )
        if feature not in self.features:
            raise ValueError(f"{arg}: {feature!r} is not in this series; choose one of {list(self.features)}.")
        return self.features.index(feature)


def daily_stock(features: Sequence[str] | None = None) -> Series:
    """The daily stock series from matplotlib's ``goog.npz`` (1,047 trading days).

    >>> s = daily_stock(["close"]); s.values.shape
    (1047, 1)
    """
    with cbook.get_sample_data("goog.npz") as npz:
        table = npz["price_data"]
    values = np.stack([table[f].astype(np.float32) for f in DAILY_FEATURES], axis=1)
    series = Series("GOOG daily", values, table["date"].astype("datetime64[D]"), DAILY_FEATURES)
    return series if features is None else series.select(features)


def monthly_prices(tickers: Sequence[str] | None = None, *, missing: str = "raise") -> Series:
    """Monthly prices from matplotlib's ``Stocks.csv``, one column per ticker.

    ``missing`` decides what happens to months before a chosen ticker was listed:
    ``"raise"`` (default) refuses and says which ticker starts when; ``"trim"`` starts the
    series at the first month in which every chosen ticker has a price.

    >>> monthly_prices(["IBM", "AAPL"]).values.shape
    (390, 2)
    """
    require_choice(
        "missing",
        missing,
        ("raise", "trim"),
        meaning="'raise' refuses months without a price, 'trim' starts when every ticker is listed",
    )
    tickers = MONTHLY_TICKERS if tickers is None else _as_names("tickers", tickers)
    unknown = [t for t in tickers if t not in MONTHLY_TICKERS]
    if unknown:
        raise ValueError(f"tickers: {unknown} not in Stocks.csv; choose from {list(MONTHLY_TICKERS)}.")

    path = cbook.get_sample_data("Stocks.csv", asfileobj=False)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh) if r and not r[0].startswith("#")]
    header, rows = rows[0], rows[1:]
    dates = np.array([r[0] for r in rows], dtype="datetime64[D]")
    table = np.array([[float(v) if v else np.nan for v in r[1:]] for r in rows])
    cols = [header.index(t) - 1 for t in tickers]

    empty = np.isnan(table).all(axis=1)
    stray = ~empty & (dates != dates.astype("datetime64[M]").astype("datetime64[D]"))
    notes = [
        f"dropped {int(empty.sum())} empty rows",
        *[f"dropped stray row {d} (not a month start)" for d in dates[stray]],
    ]
    keep = ~empty & ~stray
    dates, values = dates[keep], table[keep][:, cols]

    nan = np.isnan(values)
    if nan.any():
        starts = {
            t: str(dates[np.argmax(~nan[:, j])].astype("datetime64[M]"))
            for j, t in enumerate(tickers)
            if nan[:, j].any()
        }
        if missing == "raise":
            detail = ", ".join(f"{t} from {s}" for t, s in starts.items())
            raise ValueError(
                f"tickers: some have no price in early months ({detail}); a model must never see NaN. "
                f"Fix: pass missing='trim' to start at the first month all of them are listed, "
                f"or leave these tickers out."
            )
        first = int(np.argmax(~nan.any(axis=1)))
        notes.append(
            f"trimmed to start {dates[first].astype('datetime64[M]')}: "
            + ", ".join(f"{t} listed from {s}" for t, s in starts.items())
        )
        dates, values = dates[first:], values[first:]
    return Series("Stocks monthly", values.astype(np.float32), dates, tuple(tickers), tuple(notes))


def split_by_month(series: Series) -> tuple[list[np.ndarray], np.ndarray]:
    """Cut a daily series into one sequence per calendar month.

    Returns ``(sequences, months)``: a list of ``(days_in_month, features)`` arrays (19-23
    trading days for the stock) and the month of each. Partial first/last months are kept.
    """
    if not isinstance(series, Series):
        raise TypeError(f"series: expected a helpers.data.Series (e.g. daily_stock()), got {type(series).__name__}.")
    months = series.dates.astype("datetime64[M]")
    edges = np.flatnonzero(months[1:] != months[:-1]) + 1
    return np.split(series.values, edges), months[np.r_[0, edges]]


def _as_names(arg: str, names: Sequence[str]) -> tuple[str, ...]:
    if (
        isinstance(names, str)
        or not isinstance(names, (list, tuple, np.ndarray))
        or not all(isinstance(n, str) for n in names)
    ):
        raise TypeError(f"{arg}: expected a list of names such as ['close'], got {names!r}.")
    if len(names) == 0:
        raise ValueError(f"{arg}: expected at least one name, got an empty list.")
    return tuple(names)


def long_tail_sequences(n: int = 512, seed: int = 4) -> tuple[list[np.ndarray], np.ndarray]:
    """``n`` random sequences whose lengths have a long tail, and one target per sequence.

    Introduced in notebook 04 (bucketing pays off on long-tailed lengths); also measured by
    ``bench/bench_padding.py``. Lengths are lognormal (mean 3.0, sigma 0.8 of the log, about 20
    steps typical), clipped to 5..300; every step has 2 features drawn from a standard normal; the
    target of a sequence is the standard deviation of its first feature. Seeded: the same ``seed``
    gives the same data everywhere.

    >>> seqs, y = long_tail_sequences(n=3)
    >>> [s.shape[1] for s in seqs], y.shape
    ([2, 2, 2], (3,))
    """
    n = require_int("n", n, 1, "n=512")
    seed = require_int("seed", seed, 0, "seed=4")
    rng = np.random.default_rng(seed)
    lengths = np.clip(rng.lognormal(mean=3.0, sigma=0.8, size=n).astype(int), 5, 300)
    sequences = [rng.normal(size=(t, 2)).astype("float32") for t in lengths]  # each: shape (T_i, 2)
    targets = np.array([s[:, 0].std() for s in sequences], dtype="float32")  # shape: (n,)
    return sequences, targets
