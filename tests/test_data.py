import numpy as np
import pytest

from helpers import data


def test_daily_stock_has_six_float_features_and_dates():
    s = data.daily_stock()
    assert s.values.shape == (1047, 6) and s.values.dtype == np.float32
    assert s.features == data.DAILY_FEATURES
    assert str(s.dates[0]) == "2004-08-19" and str(s.dates[-1]) == "2008-10-14"
    assert np.isfinite(s.values).all()
    assert "1047 timesteps" in repr(s)


def test_select_and_column():
    s = data.daily_stock(["close", "volume"])
    assert s.values.shape == (1047, 2) and s.features == ("close", "volume")
    assert s.column("volume").shape == (1047, 1)
    with pytest.raises(ValueError, match="choose one of"):
        s.column("price")
    with pytest.raises(TypeError, match="list of names"):
        data.daily_stock("close")
    with pytest.raises(ValueError, match="at least one"):
        data.daily_stock([])


def test_monthly_prices_drops_empty_and_stray_rows_and_says_so():
    m = data.monthly_prices(["IBM", "AAPL"])
    assert m.values.shape == (390, 2)
    assert str(m.dates[0]) == "1990-01-01" and str(m.dates[-1]) == "2022-06-01"
    assert "dropped 133 empty rows" in m.notes
    assert any("2022-06-28" in n for n in m.notes)
    assert np.isfinite(m.values).all()
    months = m.dates.astype("datetime64[M]")
    assert (np.diff(months).astype(int) == 1).all(), "one row per consecutive month"


def test_not_yet_listed_tickers_never_become_nan_silently():
    with pytest.raises(ValueError, match=r"AMZN from 1997-06.*missing='trim'"):
        data.monthly_prices(["IBM", "AMZN"])
    m = data.monthly_prices(["IBM", "AMZN", "GOOGL"], missing="trim")
    assert str(m.dates[0]) == "2004-09-01" and np.isfinite(m.values).all()
    assert any("trimmed to start 2004-09" in n for n in m.notes)
    assert data.monthly_prices(missing="trim").values.shape[1] == 10


def test_monthly_bad_arguments():
    with pytest.raises(ValueError, match="not in Stocks.csv"):
        data.monthly_prices(["TSLA"])
    with pytest.raises(ValueError, match="'raise' or 'trim'"):
        data.monthly_prices(["IBM"], missing="fill")


def test_split_by_month_gives_19_to_23_trading_days():
    seqs, months = data.split_by_month(data.daily_stock(["close"]))
    assert len(seqs) == len(months) == 51
    full = [len(s) for s in seqs[1:-1]]
    assert min(full) == 19 and max(full) == 23
    assert sum(len(s) for s in seqs) == 1047
    with pytest.raises(TypeError, match="helpers.data.Series"):
        data.split_by_month(np.zeros((10, 1)))


def test_series_rejects_inconsistent_parts():
    with pytest.raises(ValueError, match="do not agree"):
        data.Series("x", np.zeros((3, 2)), np.arange(3).astype("datetime64[D]"), ("a",))


def test_long_tail_sequences_are_seeded_and_long_tailed():
    seqs, y = data.long_tail_sequences()
    again, _ = data.long_tail_sequences()
    lengths = np.array([len(s) for s in seqs])
    assert len(seqs) == 512 and y.shape == (512,) and all(s.shape[1] == 2 and s.dtype == np.float32 for s in seqs)
    assert all((a == b).all() for a, b in zip(seqs, again, strict=False))
    assert lengths.min() >= 5 and lengths.max() <= 300 and np.percentile(lengths, 90) > 2 * np.median(lengths)
    with pytest.raises(TypeError, match="n: expected an int >= 1"):
        data.long_tail_sequences(n=2.0)
