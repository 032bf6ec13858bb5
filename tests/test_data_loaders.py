"""Tests of the chapter 11 data: human numbers (words, tokens, batches) and the shipped CO2 series.

Words are checked against numbers written out independently here (not with
the function under test), batches against the stream they were cut from, and
the CO2 loader against the CSV file read by the standard library, found
through ``importlib.resources`` as an installed package would find it.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

import numpy as np
import pytest

from lstm_tutorial import data

# --------------------------------------------------------------------------
# number_to_words
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "one"),
        (9, "nine"),
        (10, "ten"),
        (13, "thirteen"),
        (19, "nineteen"),
        (20, "twenty"),
        (21, "twenty one"),
        (40, "forty"),
        (99, "ninety nine"),
        (100, "one hundred"),
        (101, "one hundred one"),
        (110, "one hundred ten"),
        (115, "one hundred fifteen"),
        (342, "three hundred forty two"),
        (1000, "one thousand"),
        (1001, "one thousand one"),
        (2019, "two thousand nineteen"),
        (8000, "eight thousand"),
        (9999, "nine thousand nine hundred ninety nine"),
        (12_345, "twelve thousand three hundred forty five"),
        (999_999, "nine hundred ninety nine thousand nine hundred ninety nine"),
    ],
)
def test_number_to_words(n: int, words: str) -> None:
    assert data.number_to_words(n) == words


def test_number_to_words_never_repeats_and_uses_29_words() -> None:
    seen = {data.number_to_words(n) for n in range(1, 10_000)}
    assert len(seen) == 9999  # a different sentence for every number
    vocab = {w for s in seen for w in s.split(" ")}
    assert len(vocab) == 29 and "and" not in vocab and "zero" not in vocab


@pytest.mark.parametrize("bad", [0, -1, 1_000_000])
def test_number_to_words_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError, match=r"^n: expected an int in \[1, 999999\]"):
        data.number_to_words(bad)


@pytest.mark.parametrize("bad", [1.0, "1", True, None])
def test_number_to_words_not_an_int(bad: object) -> None:
    with pytest.raises(TypeError, match="^n: expected an int"):
        data.number_to_words(bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# human_numbers, vocabulary, encoding
# --------------------------------------------------------------------------


def test_human_numbers_stream() -> None:
    tokens = data.human_numbers()
    assert tokens[:7] == ["one", ".", "two", ".", "three", ".", "four"]
    assert tokens[-7:] == [".", "nine", "thousand", "nine", "hundred", "ninety", "nine"]
    assert tokens.count(".") == 9998  # one separator between two of the 9,999 numbers
    # Howard and Gugger's files (1..7,999 and 8,001..9,999) have 63,095 tokens;
    # with 8,000 ("eight thousand" and a separator) the stream has 3 more.
    assert len(tokens) == 63_095 + 3
    assert data.human_numbers() == tokens  # deterministic


def test_human_numbers_small_and_custom_separator() -> None:
    assert data.human_numbers(4, sep="|") == ["one", "|", "two", "|", "three"]
    with pytest.raises(ValueError, match="^sep:"):
        data.human_numbers(4, sep="a b")
    with pytest.raises(ValueError, match="^stop:"):
        data.human_numbers(1)


def test_vocab_order_of_first_appearance() -> None:
    vocab = data.human_numbers_vocab()
    assert len(vocab) == 30 and len(set(vocab)) == 30
    assert vocab[:4] == ["one", ".", "two", "three"]
    assert vocab[-2:] == ["hundred", "thousand"]
    assert data.human_numbers_vocab(["b", "a", "b", "c"]) == ["b", "a", "c"]


def test_encode_decode_round_trip() -> None:
    tokens = data.human_numbers(200)
    vocab = data.human_numbers_vocab(tokens)
    ids = data.encode_tokens(tokens, vocab)
    assert ids.dtype == np.int64 and ids.shape == (len(tokens),)
    assert ids[:4].tolist() == [0, 1, 2, 1]  # one . two .
    assert data.decode_tokens(ids, vocab) == tokens
    with pytest.raises(ValueError, match="'eleven' is not in vocab"):
        data.encode_tokens(["one", "eleven"], ["one", "two"])
    with pytest.raises(ValueError, match=r"^ids: expected values in \[0, 1\]"):
        data.decode_tokens(np.array([0, 2]), ["one", "two"])
    with pytest.raises(TypeError, match="^ids: expected an integer array, got dtype float64"):
        data.decode_tokens(np.array([0.0, 1.0]), ["one", "two"])
    with pytest.raises(ValueError, match=r"^ids: expected shape \(N,\), got \(1, 2\)"):
        data.decode_tokens(np.array([[0, 1]]), ["one", "two"])
    assert data.decode_tokens([], ["one"]) == [] and data.decode_tokens([1, 0], ["a", "b"]) == ["b", "a"]


# --------------------------------------------------------------------------
# split_stream and language_model_batches
# --------------------------------------------------------------------------


def test_split_stream_at_whole_sequences() -> None:
    ids = np.arange(1001)  # 62 sequences of 16 tokens (with their targets)
    train, valid = data.split_stream(ids, 0.8, 16)
    cut = int(0.8 * 62) * 16
    assert train.tolist() == list(range(cut + 1)) and valid.tolist() == list(range(cut, 1001))
    assert train[-1] == valid[0]  # one shared token: last target, first input
    with pytest.raises(ValueError, match="^train_fraction"):
        data.split_stream(ids, 1.0)
    with pytest.raises(TypeError, match="^ids: expected an integer array"):
        data.split_stream(ids.astype(float))


@pytest.mark.parametrize(("T", "B"), [(16, 64), (5, 3), (1, 1), (7, 1)])
def test_language_model_batches_layout(T: int, B: int) -> None:
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 30, size=2000)
    xs, ys = data.language_model_batches(ids, T, B)
    m = ((ids.size - 1) // T) // B
    assert xs.shape == ys.shape == (m, T, B) and xs.dtype == np.int64
    part = m * T  # tokens per column
    for j in (0, B - 1):
        stream = np.concatenate([xs[k, :, j] for k in range(m)])  # column j across batches
        np.testing.assert_array_equal(stream, ids[j * part : (j + 1) * part])
        targets = np.concatenate([ys[k, :, j] for k in range(m)])
        np.testing.assert_array_equal(targets, ids[j * part + 1 : (j + 1) * part + 1])


def test_language_model_batches_on_human_numbers() -> None:
    tokens = data.human_numbers()
    vocab = data.human_numbers_vocab(tokens)
    train, valid = data.split_stream(data.encode_tokens(tokens, vocab), 0.8, 16)
    xs, ys = data.language_model_batches(train, 16, 64)
    assert xs.shape == (49, 16, 64)  # as in Howard and Gugger's chapter: 49 training batches
    assert data.decode_tokens(xs[0, :, 0], vocab)[:5] == ["one", ".", "two", ".", "three"]
    # column 0 of batch 1 goes on where column 0 of batch 0 stopped
    assert data.decode_tokens(xs[1, :1, 0], vocab) == data.decode_tokens(ys[0, -1:, 0], vocab)
    assert data.language_model_batches(valid, 16, 64)[0].shape == (12, 16, 64)


def test_language_model_batches_bad_input() -> None:
    with pytest.raises(ValueError, match="too few for one batch"):
        data.language_model_batches(np.arange(10), 16, 64)
    with pytest.raises(ValueError, match="^seq_len"):
        data.language_model_batches(np.arange(100), 0, 2)
    with pytest.raises(TypeError, match="^batch_size"):
        data.language_model_batches(np.arange(100), 4, 2.0)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# load_co2 and forecast_windows
# --------------------------------------------------------------------------


def _csv_rows() -> list[tuple[str, str]]:
    """The shipped file, read through the installed package with the csv module."""
    text = resources.files("lstm_tutorial").joinpath("datasets", data.CO2_FILE).read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == ["date", "co2"]
    return [(d, v) for d, v in reader]


def test_co2_file_ships_with_the_package() -> None:
    rows = _csv_rows()
    assert len(rows) == 2284
    assert rows[0] == ("19580329", "316.1") and rows[-1] == ("20011229", "371.5")
    assert sum(v == "" for _, v in rows) == 59
    readme = resources.files("lstm_tutorial").joinpath("datasets", "README.md").read_text(encoding="utf-8")
    assert data.CO2_FILE in readme and "public domain" in readme


def test_load_co2_weekly_matches_the_file() -> None:
    rows = _csv_rows()
    dates, co2 = data.load_co2("weekly", fill=False)
    assert dates.dtype == np.dtype("datetime64[D]") and co2.dtype == np.float64
    assert dates.shape == co2.shape == (2284,)
    assert dates[0] == np.datetime64("1958-03-29") and dates[-1] == np.datetime64("2001-12-29")
    assert set(np.diff(dates).astype(int)) == {7}  # one row per week, no gap in the dates
    missing = np.array([v == "" for _, v in rows])
    np.testing.assert_array_equal(np.isnan(co2), missing)
    np.testing.assert_array_equal(co2[~missing], [float(v) for _, v in rows if v])


def test_load_co2_fill_interpolates_in_time() -> None:
    dates, raw = data.load_co2("weekly", fill=False)
    _, filled = data.load_co2("weekly")
    assert not np.isnan(filled).any()
    ok = ~np.isnan(raw)
    np.testing.assert_array_equal(filled[ok], raw[ok])
    k = int(np.flatnonzero(~ok)[0])  # first missing week: between its known neighbours
    lo, hi = k - 1, k + 1 + int(np.argmax(ok[k + 1 :]))
    w = (dates[k] - dates[lo]) / (dates[hi] - dates[lo])
    assert filled[k] == pytest.approx((1 - w) * raw[lo] + w * raw[hi])


def test_load_co2_monthly_is_the_mean_of_each_months_weeks() -> None:
    wdates, weekly = data.load_co2("weekly")
    dates, co2 = data.load_co2()
    assert dates.shape == co2.shape == (526,)  # March 1958 .. December 2001
    assert dates[0] == np.datetime64("1958-03-01") and dates[-1] == np.datetime64("2001-12-01")
    for k in (0, 100, 525):
        in_month = wdates.astype("datetime64[M]") == dates[k].astype("datetime64[M]")
        assert co2[k] == pytest.approx(weekly[in_month].mean())
    # the series has its well-known shape: about +1.5 ppmv a year and a yearly swing of several ppmv
    growth = (co2[-12:].mean() - co2[10:22].mean()) / ((len(co2) - 22) / 12)
    assert 1.0 < growth < 2.0
    assert 4.0 < np.ptp(co2[-12:]) < 9.0


def test_load_co2_bad_arguments() -> None:
    with pytest.raises(ValueError, match="^freq"):
        data.load_co2("daily")
    with pytest.raises(ValueError, match="^fill"):
        data.load_co2("monthly", fill=False)


@pytest.mark.parametrize(("N", "T", "stride"), [(30, 5, 1), (30, 5, 3), (2, 1, 1), (10, 9, 1)])
def test_forecast_windows_shapes_and_values(N: int, T: int, stride: int) -> None:
    series = np.arange(N, dtype=float) ** 2
    inputs, targets = data.forecast_windows(series, T, stride)
    W = (N - T - 1) // stride + 1
    assert inputs.shape == targets.shape == (T, W, 1)
    for w in (0, W - 1):
        s = w * stride
        np.testing.assert_array_equal(inputs[:, w, 0], series[s : s + T])
        np.testing.assert_array_equal(targets[:, w, 0], series[s + 1 : s + T + 1])


def test_forecast_windows_features_and_errors() -> None:
    series = np.arange(20.0).reshape(10, 2)
    inputs, targets = data.forecast_windows(series, 4)
    assert inputs.shape == (4, 6, 2)
    np.testing.assert_array_equal(targets[0, 0], series[1])
    with pytest.raises(ValueError, match=r"^length: expected an int in \[1, 9\]"):
        data.forecast_windows(series, 10)
    with pytest.raises(ValueError, match="^series: contains NaN"):
        data.forecast_windows(np.array([1.0, np.nan, 2.0]), 1)
    with pytest.raises(TypeError, match="^series: expected a floating-point array"):
        data.forecast_windows(np.arange(5), 2)
    with pytest.raises(ValueError, match=r"^series: expected shape \(N,\) or \(N, D\) with N >= 2, got \(1,\)"):
        data.forecast_windows(np.zeros(1), 1)


# --------------------------------------------------------------------------
# Edge cases of the token streams (issue 12, section 4)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("ids", [np.array([], dtype=np.int64), np.array([3])], ids=["empty", "one-token"])
def test_language_model_batches_rejects_a_stream_without_one_batch(ids: np.ndarray) -> None:
    with pytest.raises(ValueError, match=rf"^ids: {ids.size} tokens are too few for one batch of 2 sequences of 3"):
        data.language_model_batches(ids, 3, 2)


def test_split_stream_rejects_an_empty_stream() -> None:
    with pytest.raises(ValueError, match="^ids: 0 tokens are too few"):
        data.split_stream(np.array([], dtype=np.int64), 0.5, 2)


@pytest.mark.parametrize("call", ["split_stream", "language_model_batches"])
def test_token_ids_must_not_be_negative_as_decode_tokens_requires(call: str) -> None:
    ids = np.arange(40) % 5
    ids[7] = -1
    fn = getattr(data, call)
    with pytest.raises(ValueError, match=r"^ids: expected values >= 0, got min -1"):
        fn(ids, seq_len=2)
    with pytest.raises(ValueError, match=r"^ids: expected values in \[0, 4\], got min -1"):
        data.decode_tokens(ids, ["a", "b", "c", "d", "e"])  # the same rule, with a vocabulary's upper bound
