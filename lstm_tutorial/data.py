"""Data sets and task generators of the book, shipped with the package.

``from lstm_tutorial import data``

What is here:

* ``first_step_task``: the long-range memory task of chapters 8 to 10
  (remember the first step's bit across ``T - 1`` noisy steps);
* the human numbers text of chapter 11 and its token pipeline:
  ``number_to_words``, ``human_numbers``, ``human_numbers_vocab``,
  ``encode_tokens``, ``decode_tokens``, ``split_stream`` and
  ``language_model_batches`` (time-major batches whose state carries over);
* a real time series, chapter 11's Mauna Loa CO2 (``load_co2``, file
  ``CO2_FILE``), and ``forecast_windows`` to cut a series into
  one-step-ahead training windows;
* chapter 12's character corpus, the package's own source code frozen in a
  file (``load_char_corpus``, file ``CHAR_CORPUS_FILE``), and ``char_vocab``.

What is left out:

Downloads: generators are seeded functions, and the real data sets are small
files inside ``lstm_tutorial/datasets/`` whose source and licence are stated
in the docstring of their loader. Tokenisers, padding and data loaders of
other libraries: the book's streams are short enough for plain arrays.
"""

from __future__ import annotations

import numpy as np

from lstm_tutorial import _validate as V

__all__ = [
    "CHAR_CORPUS_FILE",
    "CO2_FILE",
    "char_vocab",
    "decode_tokens",
    "encode_tokens",
    "first_step_task",
    "forecast_windows",
    "human_numbers",
    "human_numbers_vocab",
    "language_model_batches",
    "load_char_corpus",
    "load_co2",
    "number_to_words",
    "split_stream",
]


# --------------------------------------------------------------------------
# The long-range memory task (chapters 8 and 9)
# --------------------------------------------------------------------------


def first_step_task(n: int, T: int, seed: int = 0, *, noise: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The long-range memory task: remember the first step's bit until the last step.

    Taught in chapter 9 (used for the small training run of chapter 8).

    Each of the ``n`` sequences has ``T`` steps and two input features,
    ``x_t = (value, marker)``. At step 1 the value is the label written as
    -1 (label 0) or +1 (label 1), and the marker is 1. Every later step is a
    distractor: a value drawn from ``N(0, noise^2)`` and a marker of 0. The
    model must output the label at step ``T``, so it has to carry one bit
    across ``T - 1`` steps of noise. Chance level is 50%.

    Parameters
    ----------
    n : int
        Number of sequences (the batch axis).
    T : int
        Sequence length; the bit must cross ``T - 1`` distractors.
    seed : int, default 0
        Seed of ``np.random.default_rng`` (an int >= 0): the same seed gives
        the same data.
    noise : float, default 1.0
        Standard deviation of the distractor values, finite and >= 0 (0 gives
        silent distractors).

    Returns
    -------
    xs : ndarray, shape (T, n, 2), float64
        Time-major inputs; ``xs[:, :, 0]`` is the value, ``xs[:, :, 1]`` the marker.
    labels : ndarray, shape (n,), float64
        The bits to predict at the last step, 0.0 or 1.0.
    """
    n = V.check_int("n", n, 1)
    T = V.check_int("T", T, 1)
    seed = V.check_int("seed", seed, 0)
    noise = V.check_float("noise", noise, 0)
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=n).astype(np.float64)  # (n,) the bit to remember
    xs = np.zeros((T, n, 2))  # (T, n, 2): value, marker
    xs[0, :, 0] = 2.0 * labels - 1.0  # step 1: the bit as -1 or +1 ...
    xs[0, :, 1] = 1.0  # ... flagged by the marker
    xs[1:, :, 0] = noise * rng.standard_normal((T - 1, n))  # distractors, marker 0
    return xs, labels


# --------------------------------------------------------------------------
# Human numbers (chapter 11): a tiny language for next-word prediction
# --------------------------------------------------------------------------

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _below_thousand(n: int) -> list[str]:
    words = []
    if n >= 100:
        words += [_ONES[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        words.append(_TENS[n // 10])
        n %= 10
    if n:
        words.append(_ONES[n])
    return words


def number_to_words(n: int) -> str:
    """Write a whole number from 1 to 999,999 in English words, as the human numbers data set does.

    Taught in chapter 11 (Applications).

    Lower case, words separated by single spaces, no "and" and no hyphens:
    ``21 -> "twenty one"``, ``105 -> "one hundred five"``,
    ``9999 -> "nine thousand nine hundred ninety nine"``. So a number is a
    short sentence over a vocabulary of 29 words.

    Parameters
    ----------
    n : int
        From 1 to 999,999.

    Returns
    -------
    str
    """
    n = V.check_int("n", n, 1, 999_999)
    words = []
    if n >= 1000:
        words += _below_thousand(n // 1000) + ["thousand"]
    return " ".join(words + _below_thousand(n % 1000))


def human_numbers(stop: int = 10_000, sep: str = ".") -> list[str]:
    """The human numbers text as tokens: the numbers 1 to ``stop - 1`` in words, ``sep`` between two numbers.

    Taught in chapter 11 (Applications).

    ``["one", ".", "two", ".", "three", ..., "nine", "thousand", "nine", "hundred", "ninety", "nine"]``.
    This is the data set that Howard and Gugger built for quick experiments
    with language models (*Deep Learning for Coders with fastai and PyTorch*,
    chapter 12), generated here by ``number_to_words`` instead of downloaded.
    Their two files hold 1 to 7,999 and 8,001 to 9,999 (8,000 is missing),
    63,095 tokens; with the default ``stop`` this gives every number from 1 to
    9,999: 63,098 tokens.

    Parameters
    ----------
    stop : int, default 10_000
        One past the last number (from 2 to 1,000,000).
    sep : str, default "."
        The separator token between two numbers (not after the last one).

    Returns
    -------
    list of str
        The tokens, in order; deterministic.
    """
    stop = V.check_int("stop", stop, 2, 1_000_000)
    if not isinstance(sep, str):
        raise TypeError(f"sep: expected a str, got {type(sep).__name__}")
    if not sep or " " in sep:
        raise ValueError(f"sep: expected a non-empty string without spaces, got {sep!r}")
    tokens: list[str] = []
    for n in range(1, stop):
        if tokens:
            tokens.append(sep)
        tokens += number_to_words(n).split(" ")
    return tokens


def human_numbers_vocab(tokens: list[str] | tuple[str, ...] | None = None) -> list[str]:
    """The distinct tokens in order of first appearance (the token with id ``k`` is ``vocab[k]``).

    Taught in chapter 11 (Applications).

    For the default ``human_numbers()`` text this is 30 tokens, starting
    ``["one", ".", "two", "three", ...]``: the 29 words and the separator,
    numbered as in Howard and Gugger's chapter.

    Parameters
    ----------
    tokens : list of str, optional
        A token stream; default ``human_numbers()``.

    Returns
    -------
    list of str
    """
    tokens = human_numbers() if tokens is None else V.check_str_list("tokens", tokens)
    return list(dict.fromkeys(tokens))


def encode_tokens(tokens: list[str] | tuple[str, ...], vocab: list[str] | tuple[str, ...]) -> np.ndarray:
    """Token strings to integer ids: ``ids[k] = vocab.index(tokens[k])``.

    Taught in chapter 11 (Applications).

    Parameters
    ----------
    tokens : list of str, length N
    vocab : list of str
        Distinct tokens, e.g. from ``human_numbers_vocab``.

    Returns
    -------
    ndarray, shape (N,), int64

    Raises
    ------
    ValueError
        If a token is not in ``vocab`` (the message names it).
    """
    tokens = V.check_str_list("tokens", tokens)
    index = {w: k for k, w in enumerate(V.check_str_list("vocab", vocab))}
    if len(index) != len(vocab):
        raise ValueError(f"vocab: expected distinct tokens, got {len(vocab)} tokens of which {len(index)} distinct")
    try:
        return np.array([index[w] for w in tokens], dtype=np.int64)  # (N,)
    except KeyError as err:
        raise ValueError(f"tokens: {err.args[0]!r} is not in vocab ({len(vocab)} tokens)") from None


def decode_tokens(ids: np.ndarray | list[int], vocab: list[str] | tuple[str, ...]) -> list[str]:
    """Integer ids back to token strings (the inverse of ``encode_tokens``).

    Taught in chapter 11 (Applications).

    Parameters
    ----------
    ids : ndarray or list of int, shape (N,)
        Token ids, each in ``0 .. len(vocab) - 1``.
    vocab : list of str

    Returns
    -------
    list of str, length N
    """
    vocab = V.check_str_list("vocab", vocab)
    a = V.as_int_array("ids", ids, ndim=1, minimum=0, maximum=len(vocab) - 1)
    return [vocab[k] for k in a.tolist()]


def split_stream(ids: np.ndarray, train_fraction: float = 0.8, seq_len: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Split a token stream into a training head and a validation tail, at a whole number of sequences.

    Taught in chapter 11 (Applications).

    The stream holds ``n = (len(ids) - 1) // seq_len`` sequences of ``seq_len``
    tokens (with the next token of each as target). The first
    ``int(train_fraction * n)`` sequences are for training, the rest for
    validation, as in Howard and Gugger's chapter (there 80%). The two parts
    share one token: the last target of the head is the first input of the tail.

    Parameters
    ----------
    ids : ndarray, shape (N,), int
        Token ids, each >= 0.
    train_fraction : float, default 0.8
        In (0, 1).
    seq_len : int, default 16

    Returns
    -------
    train_ids : ndarray, shape (cut + 1,)
    valid_ids : ndarray, shape (N - cut,)
        With ``cut = int(train_fraction * n) * seq_len``; views of ``ids``.
    """
    a = V.as_int_array("ids", ids, ndim=1, minimum=0)
    train_fraction = V.check_float("train_fraction", train_fraction, 0, 1, open_min=True, open_max=True)
    seq_len = V.check_int("seq_len", seq_len, 1)
    n = max(a.size - 1, 0) // seq_len
    cut = int(train_fraction * n) * seq_len
    if cut == 0 or cut >= a.size - 1:
        raise ValueError(f"ids: {a.size} tokens are too few to split into sequences of {seq_len} at {train_fraction}")
    return a[: cut + 1], a[cut:]


def language_model_batches(
    ids: np.ndarray, seq_len: int = 16, batch_size: int = 64
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a token stream into time-major batches for next-token prediction, the state carried across batches.

    Taught in chapter 11 (Applications).

    The stream is cut into ``batch_size`` contiguous parts, one per column of
    a batch, and each part into pieces of ``seq_len`` tokens; batch ``k``
    holds the ``k``-th piece of every part. So column ``j`` of batch ``k + 1``
    continues column ``j`` of batch ``k`` exactly where it stopped, and a
    model can pass its final state on from one batch to the next (detached:
    backpropagation through time stops at the batch boundary, the memory does
    not). This is the layout of Howard and Gugger's ``group_chunks``. The
    target of every input token is the token after it.

    Parameters
    ----------
    ids : ndarray, shape (N,), int
        The token stream, ids >= 0.
    seq_len : int, default 16
        Steps per batch (T).
    batch_size : int, default 64
        Parallel streams (B).

    Returns
    -------
    xs : ndarray, shape (n_batches, seq_len, batch_size), int64
        ``xs[k]`` is one time-major batch ``(T, B)``.
    ys : ndarray, shape (n_batches, seq_len, batch_size), int64
        ``ys[k, t, j]`` is the token after ``xs[k, t, j]`` in the stream.
        ``n_batches = ((N - 1) // seq_len) // batch_size``; the tokens that do
        not fill a whole batch at the end are dropped.

    Raises
    ------
    ValueError
        If the stream is too short for one batch (an empty stream included).
    """
    a = V.as_int_array("ids", ids, ndim=1, minimum=0).astype(np.int64, copy=False)
    seq_len = V.check_int("seq_len", seq_len, 1)
    batch_size = V.check_int("batch_size", batch_size, 1)
    m = (max(a.size - 1, 0) // seq_len) // batch_size  # batches (an empty stream has none, not -1)
    if m == 0:
        raise ValueError(
            f"ids: {a.size} tokens are too few for one batch of {batch_size} sequences of {seq_len} "
            f"(need at least {batch_size * seq_len + 1})"
        )
    n = batch_size * m * seq_len
    # part j (of batch_size) is the stream's j-th contiguous slice of m * seq_len tokens
    xs = a[:n].reshape(batch_size, m, seq_len).transpose(1, 2, 0)  # (m, T, B)
    ys = a[1 : n + 1].reshape(batch_size, m, seq_len).transpose(1, 2, 0)  # (m, T, B)
    return np.ascontiguousarray(xs), np.ascontiguousarray(ys)


# --------------------------------------------------------------------------
# A real time series (chapter 11): Mauna Loa CO2, shipped with the package
# --------------------------------------------------------------------------

CO2_FILE = "mauna_loa_co2_weekly.csv"


def load_co2(freq: str = "monthly", *, fill: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Atmospheric CO2 at Mauna Loa, Hawaii, March 1958 to December 2001 (shipped, no download).

    Taught in chapter 11 (Applications).

    The file ``lstm_tutorial/datasets/mauna_loa_co2_weekly.csv`` holds 2,284
    weekly averages (ppmv: parts per million by volume), 59 of them missing.
    Missing weeks are filled by linear interpolation in time between their
    neighbours (``fill=True``); ``freq="monthly"`` then averages the weeks of
    each calendar month (526 months). The series rises by about 1.5 ppmv a
    year and swings by about 6 ppmv over each year: a trend and a season.

    Source: C. D. Keeling and T. P. Whorf (2004), *Atmospheric CO2
    concentrations derived from flask air samples at sites in the SIO
    network*, in *Trends: A Compendium of Data on Global Change*, Carbon
    Dioxide Information Analysis Center, Oak Ridge National Laboratory, U.S.
    Department of Energy. The file is ``statsmodels/datasets/co2/co2.csv``
    of statsmodels 0.15.0, unchanged.

    Licence: public domain, as stated by statsmodels' dataset module
    (``COPYRIGHT = "This is public domain."``). See
    ``lstm_tutorial/datasets/README.md``.

    Parameters
    ----------
    freq : {"monthly", "weekly"}, default "monthly"
    fill : bool, default True
        Fill missing weeks by interpolation. With ``fill=False`` they stay
        NaN (``freq="weekly"`` only: a monthly mean needs every week).

    Returns
    -------
    dates : ndarray, shape (T,), datetime64[D]
        The week's date (weekly, every 7 days) or the first day of the month
        (monthly). T = 2284 weekly, 526 monthly.
    co2 : ndarray, shape (T,), float64
        CO2 concentration in ppmv.
    """
    from importlib import resources

    freq = V.check_choice("freq", freq, ("monthly", "weekly"))
    fill = V.check_bool("fill", fill)
    if not fill and freq == "monthly":
        raise ValueError("fill: monthly means need every week; use fill=True or freq='weekly'")
    text = resources.files("lstm_tutorial").joinpath("datasets", CO2_FILE).read_text(encoding="utf-8")
    rows = [line.split(",") for line in text.splitlines()[1:] if line.strip()]
    dates = np.array([f"{d[:4]}-{d[4:6]}-{d[6:8]}" for d, _ in rows], dtype="datetime64[D]")  # (T,)
    co2 = np.array([float(v) if v.strip() else np.nan for _, v in rows])  # (T,) NaN where missing
    if fill:
        days = dates.astype(np.int64)  # (T,) days since 1970
        ok = ~np.isnan(co2)
        co2 = np.interp(days, days[ok], co2[ok])  # (T,)
    if freq == "weekly":
        return dates, co2
    months = dates.astype("datetime64[M]")  # (T,)
    first, index = np.unique(months, return_inverse=True)  # (M,), (T,)
    monthly = np.bincount(index, weights=co2) / np.bincount(index)  # (M,) mean of each month's weeks
    return first.astype("datetime64[D]"), monthly


def forecast_windows(series: np.ndarray, length: int, stride: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into overlapping windows for one-step-ahead forecasting at every step.

    Taught in chapter 11 (Applications).

    Window ``w`` starts at ``s = w * stride``; its inputs are
    ``series[s], ..., series[s + length - 1]`` and its targets the values one
    step later, ``series[s + 1], ..., series[s + length]``: a model with an
    output neuron per step predicts the next value at every step.

    Parameters
    ----------
    series : ndarray, shape (N,) or (N, D)
        Float values, oldest first; a 1-D series gets one feature (D = 1).
    length : int
        Steps per window (T), at most ``N - 1``.
    stride : int, default 1
        Steps between the starts of two windows.

    Returns
    -------
    inputs : ndarray, shape (T, W, D)
        Time-major, ready for an LSTM: ``W = (N - T - 1) // stride + 1`` windows.
    targets : ndarray, shape (T, W, D)
        ``targets[t, w] = series[w * stride + t + 1]``.
    """
    s = V.as_float_array("series", series)  # NaN refused: fill the gaps first (load_co2 does)
    if s.ndim not in (1, 2) or s.shape[0] < 2:
        raise V.shape_error("series", "(N,) or (N, D) with N >= 2", s.shape)
    if s.ndim == 1:
        s = s[:, None]  # (N, 1)
    N = s.shape[0]
    length = V.check_int("length", length, 1, N - 1)
    stride = V.check_int("stride", stride, 1)
    starts = np.arange(0, N - length, stride)  # (W,)
    idx = starts[None, :] + np.arange(length)[:, None]  # (T, W)
    return s[idx], s[idx + 1]  # (T, W, D), (T, W, D)



# --------------------------------------------------------------------------
# A character corpus (chapter 12): the package's own source code
# --------------------------------------------------------------------------

CHAR_CORPUS_FILE = "char_corpus.txt"


def load_char_corpus(valid_fraction: float = 0.1) -> tuple[str, str]:
    """The package's own source code as one text, split into a training head and a validation tail.

    Taught in chapter 12 (An LSTM that writes).

    The file ``lstm_tutorial/datasets/char_corpus.txt`` holds the 16 Python
    modules of ``lstm_tutorial`` as they were at commit 70e08ca, in
    alphabetical order, each after a line ``# ==== lstm_tutorial/NAME.py ====``
    (265,005 characters, 98 distinct). It is frozen: editing the package does
    not move the split. Licence: MIT, like the package (see
    ``lstm_tutorial/datasets/README.md``).

    The split is by position, never shuffled: the first characters are for
    training, the last ``valid_fraction`` of them for validation, so the
    validation text is a stretch of code the model has never read.

    Parameters
    ----------
    valid_fraction : float, default 0.1
        In (0, 1): the share of characters in the validation tail.

    Returns
    -------
    train_text : str
        The first ``len(text) - round(valid_fraction * len(text))`` characters.
    valid_text : str
        The rest; ``train_text + valid_text`` is the whole file.
    """
    from importlib import resources

    valid_fraction = V.check_float("valid_fraction", valid_fraction, 0, 1, open_min=True, open_max=True)
    text = resources.files("lstm_tutorial").joinpath("datasets", CHAR_CORPUS_FILE).read_text(encoding="utf-8")
    cut = len(text) - round(valid_fraction * len(text))
    if cut <= 0 or cut >= len(text):
        raise ValueError(f"valid_fraction: {valid_fraction} leaves one part of the {len(text)} characters empty")
    return text[:cut], text[cut:]


def char_vocab(text: str) -> list[str]:
    """The distinct characters of ``text``, sorted by code point: character ``k`` has id ``k``.

    Taught in chapter 12 (An LSTM that writes).

    Encode with ``encode_tokens(list(text), vocab)`` and decode with
    ``"".join(decode_tokens(ids, vocab))``.

    Parameters
    ----------
    text : str
        Non-empty; for chapter 12 the whole corpus (training and validation
        parts together), so that every character of either part has an id.

    Returns
    -------
    list of str, length V
        One character each, sorted.
    """
    return sorted(set(V.check_text("text", text)))
