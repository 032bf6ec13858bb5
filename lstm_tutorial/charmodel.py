"""A character-level language model in plain NumPy, and tools to open it up (chapter 12).

``from lstm_tutorial import charmodel``

What is here:

* ``char_loss_and_grad``: one chunk of text through the cell (one-hot
  inputs), a softmax output layer over the characters, the cross-entropy of
  the next character, and the backward pass through time; the final state is
  returned so the next chunk can start from it;
* ``train_char_model``: truncated backpropagation through time over a long
  text, the state carried from one chunk to the next, with the package's
  ``Adam`` and gradient clipping and a tqdm bar;
* ``char_model_trace`` and ``bits_per_char``: read a text one character at a
  time and record every state, every gate and the probability given to each
  next character; ``sample_chars``: let the model write, with a temperature;
* ``load_char_model``: the LSTM and the RNN trained by
  ``scripts/train_char_model.py``, shipped as ``.npz`` files;
* ``ngram_bits_per_char``: the baseline, an n-gram model with add-k smoothing;
  ``witten_bell_probs`` and ``witten_bell_bits_per_char``: the same counts
  with interpolated Witten-Bell smoothing (each order backs onto the shorter
  context), the stronger baseline;
* ``code_features``: what a reader can name at each character of Python
  source (inside a string, inside a comment, indentation, bracket depth,
  position in the line); ``unit_correlations`` to find the units that track
  them, ``gate_saturation`` (Karpathy, Johnson and Fei-Fei 2015) and
  ``colour_text_html`` to show one unit's value on the text itself.

A model is the dict of ``train.init_classifier(kind, V, H, output_size=V)``:
``{"cell": LSTMParams or RNNParams, "W_y": (V, H), "b_y": (V,)}``, with V
characters in the vocabulary; the input at each step is the one-hot vector of
the current character (D = V) and the output layer gives the logits of the
next one. A state is ``(h, c)`` for an LSTM and ``h`` for an RNN.

What is left out:

Embeddings, several layers, dropout, minibatches in random order and GPUs:
``torch.nn.LSTM`` does all of that (chapter 10). The n-gram baselines
are add-k and interpolated Witten-Bell (no Kneser-Ney).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from lstm_tutorial import _validate as V
from lstm_tutorial import data
from lstm_tutorial import numpy as lt
from lstm_tutorial import train as tr
from lstm_tutorial._params import LSTMParams, RNNParams

__all__ = [
    "bits_per_char",
    "char_loss_and_grad",
    "char_model_trace",
    "code_features",
    "colour_text_html",
    "gate_saturation",
    "load_char_model",
    "ngram_bits_per_char",
    "sample_chars",
    "train_char_model",
    "unit_correlations",
    "witten_bell_bits_per_char",
    "witten_bell_probs",
]

Array = np.ndarray
LN2 = math.log(2.0)

# --------------------------------------------------------------------------
# Checks shared by the public functions
# --------------------------------------------------------------------------


def _model(model: Any) -> tuple[bool, int, int]:
    """``(is_lstm, V, H)`` of a checked character model; the input size must equal the vocabulary size."""
    cell, W_y, _ = tr._check_model(model)
    is_lstm = isinstance(cell, LSTMParams)
    H = W_y.shape[1]
    D = cell.W_f.shape[1] - H if is_lstm else cell.W_x.shape[1]
    if D != W_y.shape[0]:
        raise ValueError(
            f"model: a character model reads one-hot characters and predicts the next one, so the cell's "
            f"input size must equal the number of outputs; got input {D}, outputs {W_y.shape[0]}"
        )
    return is_lstm, W_y.shape[0], H


def _ids(name: str, ids: Any, V_: int, ndim: int, min_len: int = 1) -> Array:
    a = V.as_int_array(name, ids, ndim=ndim, minimum=0, maximum=V_ - 1).astype(np.int64, copy=False)
    if a.shape[0] < min_len or (ndim == 2 and a.shape[1] < 1):
        want = f"at least {min_len} characters" if ndim == 1 else "(T, B) with T, B >= 1"
        raise ValueError(f"{name}: expected {want}, got shape {V.fmt(a.shape)}")
    return a


def _one_hot(ids: Array, V_: int) -> Array:
    """``(...)`` integer ids to ``(..., V)`` one-hot rows (float64)."""
    return np.eye(V_)[ids]  # (..., V)


def _zero_state(is_lstm: bool, B: int, H: int) -> Any:
    zeros = np.zeros((B, H))
    return (zeros, zeros.copy()) if is_lstm else zeros


# --------------------------------------------------------------------------
# Loss and training: truncated backpropagation through time
# --------------------------------------------------------------------------


def char_loss_and_grad(model: Mapping[str, Any], xs: Any, ys: Any, state: Any = None) -> tuple[float, dict[str, Any], Any]:
    """Cross-entropy of the next character over one chunk of text, its gradients, and the final state.

    Taught in chapter 12.

    Parameters
    ----------
    model : dict
        ``{"cell", "W_y", "b_y"}`` from ``train.init_classifier(kind, V, H, output_size=V)``.
    xs : ndarray, shape (T, B), int
        Character ids read at each step (B streams side by side).
    ys : ndarray, shape (T, B), int
        The character that follows each one: the targets.
    state : optional
        Where each stream stopped in the previous chunk: ``(h, c)`` of shapes
        (B, H) for an LSTM, ``h`` (B, H) for an RNN; None means zeros.

    Returns
    -------
    loss : float
        Mean of ``-ln p(y_t)`` over the T * B predictions, in nats (divide by
        ln 2 for bits per character).
    grads : dict
        Same structure as ``model``.
    state : the final state, same form as ``state``
        Plain arrays: passing them to the next chunk carries the memory over,
        while the gradient stops here (truncated backpropagation through time).

    Notes
    -----
    Equations::

        x_t = onehot(chars_t),   h_t = cell(x_t, state_{t-1})
        z_t = W_y h_t + b_y,     p_t = softmax(z_t)
        loss = -(1 / T B) sum ln p_t[y_t]
    """
    is_lstm, V_, H = _model(model)
    xs = _ids("xs", xs, V_, 2)
    ys = _ids("ys", ys, V_, 2)
    if ys.shape != xs.shape:
        raise V.shape_error("ys", f"{V.fmt(xs.shape)} like xs", ys.shape)
    x = _one_hot(xs, V_)  # (T, B, V): one-hot input at every step
    if is_lstm:
        hs, state_n, cache = lt.lstm_forward(x, state, model["cell"])  # (T, B, H)
    else:
        hs, state_n, cache = lt.rnn_forward(x, state, model["cell"])  # (T, B, H)
    z = hs @ model["W_y"].T + model["b_y"]  # (T, B, V): logits of the next character
    loss, dz = tr._softmax_cross_entropy(z, ys)  # dz: (T, B, V)
    dW_y, db_y, dhs = tr._output_backward(dz, hs, model["W_y"])  # (V, H), (V,), (T, B, H)
    if is_lstm:
        dcell = lt.lstm_backward(dhs, cache)[0]
    else:
        dcell = lt.rnn_backward(dhs, cache)[0]
    return loss, {"cell": dcell, "W_y": dW_y, "b_y": db_y}, state_n


def train_char_model(
    model: dict[str, Any],
    train_ids: Any,
    *,
    steps: int,
    seq_len: int = 64,
    batch_size: int = 32,
    lr: float = 3e-3,
    max_norm: float = 1.0,
    valid_ids: Any = None,
    eval_every: int | None = None,
    progress: bool = True,
    desc: str | None = None,
    blas_threads: int | None = 1,
) -> dict[str, list[float]]:
    """Train a character model by truncated backpropagation through time, the state carried over.

    Taught in chapter 12.

    The training text is cut by ``data.language_model_batches`` into
    ``batch_size`` contiguous streams read side by side, ``seq_len``
    characters at a time. Each update reads the next chunk of every stream
    from where the previous chunk left it (the final state is passed on; the
    gradient stops at the chunk boundary), computes ``char_loss_and_grad``,
    clips the global gradient norm to ``max_norm`` and takes an Adam step.
    After the last chunk the streams start again from a zero state. No random
    numbers are drawn: the run is fixed by the model's initial values.

    Parameters
    ----------
    model : dict
        From ``train.init_classifier(kind, V, H, output_size=V)``; updated in place.
    train_ids : ndarray, shape (N,), int
        The training text as character ids.
    steps : int
        Number of updates.
    seq_len : int, default 64
        Characters per chunk (the truncation length of backpropagation through time).
    batch_size : int, default 32
        Streams read side by side.
    lr : float, default 3e-3
        Adam's learning rate.
    max_norm : float, default 1.0
        Clip the global gradient norm to this.
    valid_ids : ndarray, shape (M,), int, optional
        Held-out text: ``bits_per_char`` on it every ``eval_every`` steps and after the last.
    eval_every : int, optional
        Default: only after the last step.
    progress : bool, default True
        Show a tqdm bar.
    desc : str, optional
        Label of the bar.
    blas_threads : int or None, default 1
        BLAS threads during the loop (see ``train.train``); None leaves them alone.

    Returns
    -------
    dict of lists
        ``"loss"`` (nats per character, every step), ``"grad_norm"`` (before
        clipping); with ``valid_ids``: ``"eval_step"`` and ``"valid_bpc"``.
    """
    _, V_, _ = _model(model)
    ids = _ids("train_ids", train_ids, V_, 1, 2)
    steps = V.check_int("steps", steps, 1)
    seq_len = V.check_int("seq_len", seq_len, 1)
    batch_size = V.check_int("batch_size", batch_size, 1)
    lr = V.check_float("lr", lr, 0, open_min=True)
    max_norm = V.check_float("max_norm", max_norm, 0, open_min=True)
    if valid_ids is not None:
        valid_ids = _ids("valid_ids", valid_ids, V_, 1, 2)
    eval_every, progress, desc, blas_threads = V.check_loop_options(eval_every, progress, desc, blas_threads)
    xs_all, ys_all = data.language_model_batches(ids, seq_len, batch_size)  # (m, T, B) each
    opt = tr.Adam(model, lr=lr)
    history: dict[str, list[float]] = {"loss": [], "grad_norm": []}
    state = None
    bar = tqdm(range(1, steps + 1), desc=desc, disable=not progress, leave=True)
    with tr._blas_threads(blas_threads):
        for step in bar:
            k = (step - 1) % xs_all.shape[0]
            if k == 0:
                state = None  # back to the start of the streams: a fresh memory
            loss, grads, state = char_loss_and_grad(model, xs_all[k], ys_all[k], state)
            gs, norm = tr._clip(tr._matching_leaves(grads, opt._named), max_norm)
            opt._update(gs)
            history["loss"].append(loss)
            history["grad_norm"].append(norm)
            if valid_ids is not None and ((eval_every and step % eval_every == 0) or step == steps):
                history.setdefault("eval_step", []).append(step)
                history.setdefault("valid_bpc", []).append(_bits(model, valid_ids))
            if step % 10 == 0 or step == steps:
                bar.set_postfix(bpc=f"{np.mean(history['loss'][-10:]) / LN2:.3f}", refresh=False)
    bar.close()
    return history


# --------------------------------------------------------------------------
# Reading a text: states, gates and the probability of each next character
# --------------------------------------------------------------------------


def _trace(model: Mapping[str, Any], ids: Array, keep: bool, chunk: int = 512) -> dict[str, Array]:
    """``char_model_trace`` on checked arguments."""
    is_lstm, V_, H = _model(model)
    names = ("h", "c", "f", "i", "c_tilde", "o") if is_lstm else ("h",)
    kept: dict[str, list[Array]] = {n: [] for n in names}
    log2_p = []
    state = _zero_state(is_lstm, 1, H)
    for start in range(0, ids.size - 1, chunk):
        xs = ids[start : start + chunk]  # (T,)
        ys = ids[start + 1 : start + chunk + 1]  # (T',), T' = T except at the very end
        x = _one_hot(xs[: ys.size, None], V_)  # (T', 1, V)
        if is_lstm:
            hs, state, cache = lt.lstm_forward(x, state, model["cell"])  # (T', 1, H)
        else:
            hs, state, cache = lt.rnn_forward(x, state, model["cell"])
        z = hs[:, 0] @ model["W_y"].T + model["b_y"]  # (T', V)
        shifted = z - z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (T', V)
        log2_p.append(log_p[np.arange(ys.size), ys] / LN2)  # (T',)
        if keep:
            for n in names:
                kept[n].append(np.asarray(getattr(cache, n))[:, 0].astype(np.float32))  # (T', H)
    out = {"log2_p": np.concatenate(log2_p)}
    if keep:
        out.update({n: np.concatenate(v) for n, v in kept.items()})
    return out


def char_model_trace(model: Mapping[str, Any], ids: Any, *, states: bool = True) -> dict[str, Array]:
    """Read a text one character at a time from a zero state and record what the model does.

    Taught in chapter 12.

    Parameters
    ----------
    model : dict
        A character model (``{"cell", "W_y", "b_y"}``).
    ids : ndarray, shape (N,), int
        The text as character ids, N >= 2.
    states : bool, default True
        Also return the states and gates (float32); False keeps only ``log2_p``.

    Returns
    -------
    dict of ndarray
        ``"log2_p"`` (N - 1,): log2 of the probability given to character
        ``k + 1`` after reading characters ``0 .. k``. With ``states``:
        ``"h"`` (N - 1, H), the hidden state after reading character ``k``,
        and for an LSTM also ``"c"`` (the memory C_t), ``"f"``, ``"i"``,
        ``"c_tilde"``, ``"o"``, each (N - 1, H).
    """
    _, V_, _ = _model(model)
    ids = _ids("ids", ids, V_, 1, 2)
    return _trace(model, ids, V.check_bool("states", states))


def _bits(model: Mapping[str, Any], ids: Array) -> float:
    return float(-_trace(model, ids, keep=False)["log2_p"].mean())


def bits_per_char(model: Mapping[str, Any], ids: Any) -> float:
    """Bits per character of a text: the mean of ``-log2 p(next character)``, read from a zero state.

    Taught in chapter 12.

    Parameters
    ----------
    model : dict
        A character model.
    ids : ndarray, shape (N,), int
        N >= 2 character ids; N - 1 predictions are scored.

    Returns
    -------
    float
        ``-(1 / (N - 1)) sum_k log2 p(ids[k + 1] | ids[0 .. k])``. A model that
        knows nothing scores ``log2 V``; lower is better.
    """
    _, V_, _ = _model(model)
    return _bits(model, _ids("ids", ids, V_, 1, 2))


def sample_chars(
    model: Mapping[str, Any],
    vocab: list[str],
    n: int,
    *,
    prime: str = "\n",
    temperature: float = 1.0,
    seed: int = 0,
) -> str:
    """Let the model write: read ``prime``, then draw ``n`` characters one at a time.

    Taught in chapter 12.

    Each next character is drawn from ``softmax(z / temperature)``: a
    temperature below 1 sharpens the distribution (safer, more repetitive
    text), above 1 flattens it (more surprising, more mistakes).

    Parameters
    ----------
    model : dict
        A character model.
    vocab : list of str
        Its characters (``data.char_vocab``), one per output.
    n : int
        Characters to write, at least 1.
    prime : str, default "\\n"
        Text read first (at least one character, each in ``vocab``).
    temperature : float, default 1.0
        Positive.
    seed : int, default 0
        Seed of the draws.

    Returns
    -------
    str
        The ``n`` characters written (without the prime).
    """
    is_lstm, V_, H = _model(model)
    vocab = V.check_str_list("vocab", vocab)
    if len(vocab) != V_:
        raise ValueError(f"vocab: expected {V_} characters, one per output of the model, got {len(vocab)}")
    n = V.check_int("n", n, 1)
    prime = V.check_text("prime", prime)
    temperature = V.check_float("temperature", temperature, 0, open_min=True)
    missing = sorted(set(prime) - set(vocab))
    if missing:
        raise ValueError(f"prime: characters not in vocab: {missing!r}")
    prime_ids = data.encode_tokens(list(prime), vocab)
    rng = np.random.default_rng(V.check_int("seed", seed, 0))
    cell = model["cell"]
    state = _zero_state(is_lstm, 1, H)
    x = _one_hot(prime_ids[:, None], V_)  # (P, 1, V)
    hs, state = lt.lstm(x, state, cell) if is_lstm else lt.rnn(x, state, cell)
    h = hs[-1]  # (1, H)
    out = []
    for _ in range(n):
        z = (h @ model["W_y"].T + model["b_y"])[0] / temperature  # (V,)
        p = np.exp(z - z.max())
        k = int(rng.choice(V_, p=p / p.sum()))
        out.append(vocab[k])
        x_t = _one_hot(np.array([k]), V_)  # (1, V)
        if is_lstm:
            h, c = lt.lstm_cell(x_t, state, cell)
            state = (h, c)
        else:
            h = state = lt.rnn_cell(x_t, state, cell)
    return "".join(out)


def load_char_model(kind: str = "lstm") -> tuple[dict[str, Any], dict[str, Any]]:
    """The character model trained by ``scripts/train_char_model.py``, shipped with the package.

    Taught in chapter 12.

    The files ``lstm_tutorial/datasets/char_lstm.npz`` and ``char_rnn.npz``
    are read with ``allow_pickle=False``. Both models read the corpus of
    ``data.load_char_corpus()`` with the vocabulary ``data.char_vocab`` of
    the whole file; the script's docstring gives the settings.

    Parameters
    ----------
    kind : {"lstm", "rnn"}, default "lstm"

    Returns
    -------
    model : dict
        ``{"cell": LSTMParams or RNNParams, "W_y": (V, H), "b_y": (V,)}`` in
        float64 (stored as float32).
    record : dict
        The settings (``"hidden"``, ``"steps"``, ``"seq_len"``,
        ``"batch_size"``, ``"lr"``, ``"max_norm"``, ``"seed"``), ``"loss"``
        (steps,), the training loss of every update in nats per character,
        ``"eval_step"`` and ``"valid_bpc"``: the held-out curve, and
        ``"cpu_seconds"``.
    """
    from importlib import resources

    kind = V.check_choice("kind", kind, ("lstm", "rnn"))
    path = resources.files("lstm_tutorial").joinpath("datasets", f"char_{kind}.npz")
    with path.open("rb") as fh, np.load(fh, allow_pickle=False) as z:
        fields = LSTMParams._fields if kind == "lstm" else RNNParams._fields
        cls = LSTMParams if kind == "lstm" else RNNParams
        cell = cls(*(z[f"cell_{name}"].astype(np.float64) for name in fields))
        model = {"cell": cell, "W_y": z["W_y"].astype(np.float64), "b_y": z["b_y"].astype(np.float64)}
        record: dict[str, Any] = {k: z[k].item() for k in ("hidden", "steps", "seq_len", "batch_size", "lr", "max_norm", "seed", "cpu_seconds")}
        record.update({k: z[k].copy() for k in ("loss", "eval_step", "valid_bpc")})
    return model, record


# --------------------------------------------------------------------------
# The baseline: n-gram models with add-k smoothing
# --------------------------------------------------------------------------


def _scored_text(train_ids: Any, valid_ids: Any, n: int, vocab_size: int) -> tuple[Array, Array, Array]:
    """Checked training ids ``a (N,)``, held-out ids ``b (M,)``, and ``joined``: the last ``n - 1``
    training characters followed by ``b``, so every held-out character has its full context."""
    a = _ids("train_ids", train_ids, vocab_size, 1, n)
    b = _ids("valid_ids", valid_ids, vocab_size, 1, 1)
    joined = np.concatenate([a[a.size - (n - 1) :] if n > 1 else a[:0], b])  # (n - 1 + M,)
    return a, b, joined


def ngram_bits_per_char(train_ids: Any, valid_ids: Any, n: int, k: float, vocab_size: int) -> float:
    """Bits per character of an n-gram model with add-k smoothing, fitted on one text and scored on another.

    Taught in chapter 12.

    The model predicts each character from the ``n - 1`` before it:
    ``p(c | context) = (count(context, c) + k) / (count(context) + k V)``,
    with the counts taken from the training text. ``n = 1`` ignores the
    context (character frequencies). The first characters of the validation
    text take their context from the end of the training text, as the
    validation text follows it.

    Parameters
    ----------
    train_ids : ndarray, shape (N,), int
        Training text, N >= n.
    valid_ids : ndarray, shape (M,), int
        Held-out text, M >= 1: all M characters are scored.
    n : int
        Order, 1 to 8.
    k : float
        Pseudo-count added to every count, positive.
    vocab_size : int
        V; every id must be below it.

    Returns
    -------
    float
        Mean of ``-log2 p(c | context)`` over the validation characters.
    """
    vocab_size = V.check_int("vocab_size", vocab_size, 1)
    n = V.check_int("n", n, 1, 8)
    k = V.check_float("k", k, 0, open_min=True)
    a, b, joined = _scored_text(train_ids, valid_ids, n, vocab_size)
    if vocab_size ** n >= 2**62:
        raise ValueError(f"n: {vocab_size}^{n} contexts do not fit in int64 keys")

    def keys(stream: Array, first: int) -> tuple[Array, Array]:
        """Context code and full n-gram code for each position ``first ..`` of ``stream``."""
        ctx = np.zeros(stream.size - first, np.int64)
        for j in range(n - 1, 0, -1):  # characters first - j .. first - 1 before each position
            ctx = ctx * vocab_size + stream[first - j : stream.size - j]
        return ctx, ctx * vocab_size + stream[first:]

    ctx_tr, full_tr = keys(a, n - 1)  # (N - n + 1,)
    ctx_va, full_va = keys(joined, n - 1)  # (M,)

    def counts(train_keys: Array, query: Array) -> Array:
        uniq, cnt = np.unique(train_keys, return_counts=True)
        pos = np.clip(np.searchsorted(uniq, query), 0, max(uniq.size - 1, 0))
        return np.where(uniq[pos] == query, cnt[pos], 0)

    p = (counts(full_tr, full_va) + k) / (counts(ctx_tr, ctx_va) + k * vocab_size)  # (M,)
    return float(-np.log2(p).mean())


def _witten_bell_p(train: Array, contexts: Array, chars: Array, n: int, vocab_size: int) -> Array:
    """Interpolated Witten-Bell probability of ``chars`` after ``contexts`` (M, n - 1), counts from ``train``."""
    p = np.full(chars.size, 1.0 / vocab_size)  # order 0: every character alike
    for m in range(n):  # context length m = 0 .. n - 1, shortest first
        ctx_tr = np.zeros(train.size - m, np.int64)
        ctx_q = np.zeros(chars.size, np.int64)
        for j in range(m, 0, -1):  # the j-th character before each position
            ctx_tr = ctx_tr * vocab_size + train[m - j : train.size - j]
            ctx_q = ctx_q * vocab_size + contexts[:, n - 1 - j]
        full_tr = ctx_tr * vocab_size + train[m:]
        uniq_full, cnt_full = np.unique(full_tr, return_counts=True)
        uniq_ctx, cnt_ctx = np.unique(ctx_tr, return_counts=True)
        types = np.unique(uniq_full // vocab_size, return_counts=True)[1]  # distinct followers of each context
        full_q = ctx_q * vocab_size + chars

        def lookup(uniq: Array, values: Array, query: Array) -> Array:
            pos = np.clip(np.searchsorted(uniq, query), 0, uniq.size - 1)
            return np.where(uniq[pos] == query, values[pos], 0)

        c_full = lookup(uniq_full, cnt_full, full_q)
        c_ctx = lookup(uniq_ctx, cnt_ctx, ctx_q)
        u = lookup(uniq_ctx, types, ctx_q)
        p = np.where(c_ctx > 0, (c_full + u * p) / np.maximum(c_ctx + u, 1), p)
    return p


def witten_bell_probs(train_ids: Any, context: Any, n: int, vocab_size: int) -> Array:
    """Next-character probabilities of an interpolated Witten-Bell n-gram model after one context.

    Taught in chapter 12.

    With ``c(h, x)`` the count of character x after context h in the
    training text, ``c(h)`` the count of h and ``u(h)`` the number of
    distinct characters seen after h, each order mixes its counts with the
    next shorter context's probability:
    ``p_m(x | h) = (c(h, x) + u(h) p_{m-1}(x | h')) / (c(h) + u(h))``,
    where h' drops the oldest character of h; a context never seen keeps
    ``p_{m-1}``, and order 0 is uniform, ``1 / V``. There is no free
    parameter to tune.

    Parameters
    ----------
    train_ids : ndarray, shape (N,), int
        Training text, N >= n.
    context : ndarray, shape (n - 1,), int
        The n - 1 characters before the one predicted, oldest first.
    n : int
        Order, 1 to 8.
    vocab_size : int
        V; every id must be below it.

    Returns
    -------
    ndarray, shape (V,)
        ``p(x | context)`` for every character x; sums to 1.
    """
    vocab_size = V.check_int("vocab_size", vocab_size, 1)
    n = V.check_int("n", n, 1, 8)
    a = _ids("train_ids", train_ids, vocab_size, 1, n)
    ctx = _ids("context", context, vocab_size, 1, n - 1) if n > 1 else np.zeros(0, np.int64)
    if ctx.size != n - 1 or np.size(context) != n - 1:
        raise ValueError(f"context: expected {n - 1} characters for n = {n}, got {np.size(context)}")
    chars = np.arange(vocab_size)
    return _witten_bell_p(a, np.tile(ctx, (vocab_size, 1)), chars, n, vocab_size)


def witten_bell_bits_per_char(train_ids: Any, valid_ids: Any, n: int, vocab_size: int) -> float:
    """Bits per character of an interpolated Witten-Bell n-gram model, fitted on one text and scored on another.

    Taught in chapter 12.

    The smoothing of ``witten_bell_probs``; as in ``ngram_bits_per_char``,
    the first characters of the validation text take their context from the
    end of the training text.

    Parameters
    ----------
    train_ids : ndarray, shape (N,), int
        Training text, N >= n.
    valid_ids : ndarray, shape (M,), int
        Held-out text, M >= 1: all M characters are scored.
    n : int
        Order, 1 to 8.
    vocab_size : int
        V; every id must be below it.

    Returns
    -------
    float
        Mean of ``-log2 p(c | context)`` over the validation characters.
    """
    vocab_size = V.check_int("vocab_size", vocab_size, 1)
    n = V.check_int("n", n, 1, 8)
    a, b, joined = _scored_text(train_ids, valid_ids, n, vocab_size)
    contexts = np.stack([joined[j : j + b.size] for j in range(n - 1)], axis=1) if n > 1 else np.zeros((b.size, 0), np.int64)
    return float(-np.log2(_witten_bell_p(a, contexts, b, n, vocab_size)).mean())


# --------------------------------------------------------------------------
# Looking inside: what a reader can name in Python source, and the units that track it
# --------------------------------------------------------------------------


def code_features(text: str) -> dict[str, Array]:
    """What a reader can name at every character of Python source, as numbers.

    Taught in chapter 12.

    A small scanner reads the text once, left to right, and records the
    situation *after* each character (what a model knows once it has read it):

    * ``"in_string"``: 1 inside a string literal ('...', "...", or a
      triple-quoted docstring), the quotes that open and close it included; else 0;
    * ``"in_comment"``: 1 from a ``#`` outside a string to the end of its line;
    * ``"indent"``: the number of leading spaces of the current line;
    * ``"bracket_depth"``: open ``(``, ``[``, ``{`` minus closed ones, outside
      strings and comments;
    * ``"line_position"``: characters since the last newline (0 at a newline).

    Parameters
    ----------
    text : str
        Non-empty.

    Returns
    -------
    dict of str -> ndarray, each shape (len(text),), float64
    """
    text = V.check_text("text", text)
    N = len(text)
    names = ("in_string", "in_comment", "indent", "bracket_depth", "line_position")
    out = {name: np.zeros(N) for name in names}
    quote = ""  # the delimiter of the string we are in: ', ", ''' or """
    comment, depth, pos, indent, leading = False, 0, 0, 0, True
    k = 0
    while k < N:
        ch = text[k]
        width, in_string = 1, bool(quote)
        if ch == "\n":
            comment, pos, indent, leading = False, -1, 0, True
            if len(quote) == 1:  # an unterminated one-line string ends with its line
                quote = ""
        elif quote:
            if ch == "\\":
                width = 2  # an escaped character stays inside the string
            elif text.startswith(quote, k):
                width, quote = len(quote), ""
        elif comment:
            pass
        elif ch == "#":
            comment = True
        elif ch in "'\"":
            quote = ch * 3 if text.startswith(ch * 3, k) else ch
            width, in_string = len(quote), True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(depth - 1, 0)
        for j in range(k, min(k + width, N)):
            if text[j] != " ":
                leading = False if text[j] != "\n" else leading
            elif leading:
                indent += 1
            pos += 1
            out["in_string"][j] = in_string
            out["in_comment"][j] = comment
            out["indent"][j] = indent
            out["bracket_depth"][j] = depth
            out["line_position"][j] = pos
        k += width
    return out


def unit_correlations(values: Any, feature: Any) -> Array:
    """Pearson correlation of every unit's value with one feature, over the same characters.

    Taught in chapter 12.

    Parameters
    ----------
    values : ndarray, shape (N, H)
        One column per unit, e.g. ``char_model_trace(...)["c"]``.
    feature : ndarray, shape (N,)
        E.g. ``code_features(text)["in_string"]``, aligned with ``values``.

    Returns
    -------
    ndarray, shape (H,)
        ``r`` of each unit, in [-1, 1]; 0 for a unit (or a feature) that never changes.
    """
    X = V.as_float_array("values", values).astype(np.float64)
    y = V.as_float_array("feature", feature).astype(np.float64)
    if X.ndim != 2 or X.shape[0] < 2:
        raise V.shape_error("values", "(N, H) with N >= 2", X.shape)
    if y.shape != X.shape[:1]:
        raise V.shape_error("feature", f"({X.shape[0]},) like values' rows", y.shape)
    Xc = X - X.mean(axis=0)  # (N, H)
    yc = y - y.mean()  # (N,)
    denom = np.sqrt((Xc * Xc).sum(axis=0) * (yc @ yc))  # (H,)
    return np.divide(yc @ Xc, denom, out=np.zeros(X.shape[1]), where=denom > 0)


def gate_saturation(gate: Any, low: float = 0.1, high: float = 0.9) -> tuple[Array, Array]:
    """How often each unit's gate is nearly shut or nearly open.

    Taught in chapter 12.

    Karpathy, Johnson and Fei-Fei (2015) call a gate *left-saturated* at a
    step when its value is below 0.1 and *right-saturated* when it is above
    0.9, and plot the two fractions of every unit against each other.

    Parameters
    ----------
    gate : ndarray, shape (N, H)
        One gate's values in [0, 1] at N steps, e.g. ``trace["f"]``.
    low, high : float, default 0.1 and 0.9
        The thresholds, ``0 <= low < high <= 1``.

    Returns
    -------
    left : ndarray, shape (H,)
        Fraction of steps with the gate below ``low``.
    right : ndarray, shape (H,)
        Fraction of steps with the gate above ``high``.
    """
    g = V.as_float_array("gate", gate)
    if g.ndim != 2 or g.shape[0] < 1:
        raise V.shape_error("gate", "(N, H) with N >= 1", g.shape)
    V.check_values_in("gate", g, 0, 1)
    low = V.check_float("low", low, 0, 1)
    high = V.check_float("high", high, 0, 1)
    if not low < high:
        raise ValueError(f"high: expected a number above low={low}, got {high}")
    return (g < low).mean(axis=0), (g > high).mean(axis=0)


def colour_text_html(text: str, values: Any, *, limit: float | None = None) -> str:
    """Text coloured character by character by one unit's value, as self-contained HTML.

    Taught in chapter 12.

    Each character sits in a ``<span>`` with an inline background colour:
    red for positive values, blue for negative ones, white near 0, at full
    strength at ``+-limit``. Only inline styles: the HTML shows the same in
    Jupyter (``IPython.display.HTML``) and on a static web page, with no
    kernel, no script and no style sheet. Newlines are kept (``white-space: pre``).

    Parameters
    ----------
    text : str
        N characters.
    values : ndarray, shape (N,)
        One number per character, e.g. a unit's ``c`` after reading it.
    limit : float, optional
        The value shown at full colour; default: the largest ``|value|``.

    Returns
    -------
    str
        A ``<pre>`` element.
    """
    text = V.check_text("text", text, allow_empty=True)
    v = V.as_float_array("values", values)
    if v.shape != (len(text),):
        raise V.shape_error("values", f"({len(text)},), one per character of text", v.shape)
    if limit is None:
        limit = float(np.abs(v).max(initial=0.0)) or 1.0
    limit = V.check_float("limit", limit, 0, open_min=True)
    s = np.clip(v / limit, -1.0, 1.0)  # (N,)
    spans = []
    for ch, x in zip(text, s.tolist()):
        fade = round(255 * (1.0 - abs(x)))  # 255 is white
        rgb = f"255,{fade},{fade}" if x > 0 else f"{fade},{fade},255"
        shown = html.escape(ch) if ch != "\n" else "\n"
        spans.append(f'<span style="background-color:rgb({rgb})">{shown}</span>')
    style = "font-family:monospace;font-size:12px;line-height:1.25;white-space:pre;color:#000;background:#fff;padding:4px"
    return f'<pre style="{style}">' + "".join(spans) + "</pre>"
