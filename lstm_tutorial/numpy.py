"""The NumPy backend: the RNN and the LSTM of the book, with an explicit backward pass.

``from lstm_tutorial import numpy as lt``

What is here
------------
* ``sigmoid``/``tanh`` that never overflow;
* the plain RNN of chapter 1: ``rnn_cell``, ``rnn``, ``rnn_forward``/``rnn_backward``;
* the LSTM of chapters 2-6, one function per part of the article:
  ``forget_gate``, ``input_gate``, ``candidate``, ``output_gate``, then
  ``lstm_cell`` (one step) and ``lstm`` (a whole sequence);
* ``lstm_forward``/``lstm_backward``: backpropagation through time written out
  step by step (chapter 8), with a cache of named per-step arrays;
* ``output_neuron`` (the article's sigmoid output neuron), seeded initialisers,
  and the finite-difference helpers ``numerical_gradient``/``relative_error``.

What is left out
----------------
Multi-layer and bidirectional stacks, dropout, peephole connections and GPUs:
the book builds one layer and hands the reader to ``torch.nn.LSTM``
(chapter 10) for the rest.

Shapes are time-major, as in ``torch.nn.LSTM``: a sequence is ``(T, B, D)`` or,
unbatched, ``(T, D)``; one step is ``(B, D)`` or ``(D,)``. Outputs keep the
caller's batching. Results take the dtype of the inputs (float32 stays float32;
mixing float32 and float64 computes in float64).

Speed (``benchmarks/bench_lstm.py`` measures it): the sequence functions
stack the four gates into one ``(4H, H + D)`` matrix, project the inputs of all
steps with one matrix product, do one matrix product and one tanh over all four
gates per step, and write into preallocated arrays. The single-step functions
(``forget_gate`` ... ``lstm_cell``) are the readable version the chapters
teach; the tests check that both agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from lstm_tutorial import _validate as V
from lstm_tutorial._params import LSTMParams, RNNParams

__all__ = [
    "LSTMCache",
    "LSTMParams",
    "RNNCache",
    "RNNParams",
    "candidate",
    "forget_gate",
    "init_lstm_params",
    "init_rnn_params",
    "input_influence",
    "input_gate",
    "lstm",
    "lstm_backward",
    "lstm_cell",
    "lstm_forward",
    "numerical_gradient",
    "output_gate",
    "output_neuron",
    "relative_error",
    "rnn",
    "rnn_backward",
    "rnn_cell",
    "rnn_forward",
    "sigmoid",
    "tanh",
]

Array = np.ndarray

# --------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------


def sigmoid(z: Any) -> Array:
    """Logistic function ``1 / (1 + exp(-z))``, computed without overflow.

    Uses the identity ``sigmoid(z) = (1 + tanh(z / 2)) / 2``: ``tanh`` saturates
    at +-1 instead of overflowing, so ``sigmoid(-1000)`` is 0 and
    ``sigmoid(1000)`` is 1 with no warning (``1 / (1 + np.exp(1000))`` warns).

    Parameters
    ----------
    z : array_like
        Pre-activation, any shape.

    Returns
    -------
    ndarray
        Same shape as ``z``, values in [0, 1]; float32 stays float32.

    Taught in chapter 1 (the output neuron) and chapter 2 (gates).
    """
    z = _as_float("z", z)
    # subtle: not in place, because for a 0-d z (a plain number) np.multiply
    # returns a NumPy scalar, which cannot be an ``out=`` argument.
    return (np.tanh(z * 0.5) + 1.0) * 0.5


def tanh(z: Any) -> Array:
    """Hyperbolic tangent, elementwise; never overflows (``tanh(1000)`` is 1).

    Parameters
    ----------
    z : array_like
        Pre-activation, any shape.

    Returns
    -------
    ndarray
        Same shape as ``z``, values in [-1, 1].

    Taught in chapter 1.
    """
    return np.tanh(_as_float("z", z))


# --------------------------------------------------------------------------
# Validation (once per call, never once per step)
# --------------------------------------------------------------------------


def _is_float(a: Array) -> bool:
    return a.dtype in (np.float32, np.float64)


def _all_finite(a: Array) -> bool:
    return bool(np.isfinite(a).all())


def _as_float(name: str, a: Any) -> Array:
    """Accept float arrays and Python numbers/lists; reject integer and object arrays."""
    if not isinstance(a, np.ndarray):
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, float, list, tuple, np.number)):
            raise TypeError(f"{name}: expected a NumPy array or a number, got {type(a).__name__}")
        try:  # a NumPy float scalar keeps its precision (np.float32 stays float32)
            a = np.asarray(a) if isinstance(a, np.floating) else np.asarray(a, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name}: cannot be read as a float array ({err})") from None
    V.check_array(name, a, np.ndarray, _is_float, _all_finite)
    return a


def _check_params(params: Any, kind: str) -> tuple[int, int]:
    if kind == "lstm":
        H, D = V.lstm_param_sizes(params, LSTMParams)
    else:
        H, D = V.rnn_param_sizes(params, RNNParams)
    for name, a in zip(params._fields, params):
        V.check_array(f"params.{name}", a, np.ndarray, _is_float, _all_finite)
    return H, D


def _dtype(*arrays: Any) -> np.dtype:
    return np.result_type(*arrays)


def _zeros_or(name: str, a: Any, batch: int | None, H: int, why: str, dtype: np.dtype) -> Array:
    if a is None:  # zeros in the dtype of the inputs, so float32 stays float32
        return np.zeros(V.state_shape(batch, H), dtype)
    a = _as_float(name, a)
    V.check_state_shape(name, a.shape, batch, H, why)
    return a


def _step_inputs(x: Any, h_prev: Any, params: Any, kind: str) -> tuple[Array, Array, int]:
    """Validate one step's ``x`` and ``h_prev``; return them and the hidden size."""
    H, D = _check_params(params, kind)
    x = _as_float("x", x)
    batch = V.step_dims("x", x.shape, D)
    h_prev = _as_float("h_prev", h_prev)
    V.check_state_shape("h_prev", h_prev.shape, batch, H, "hidden_size, batched like x")
    return x, h_prev, H


# --------------------------------------------------------------------------
# Initialisation
# --------------------------------------------------------------------------


def _check_sizes(input_size: Any, hidden_size: Any) -> None:
    for name, n in (("input_size", input_size), ("hidden_size", hidden_size)):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"{name}: expected an int, got {type(n).__name__}")
        if n < 1:
            raise ValueError(f"{name}: expected a positive int, got {n}")


def init_rnn_params(input_size: int, hidden_size: int, seed: int = 0) -> RNNParams:
    """Random RNN parameters, uniform in ``[-1/sqrt(H), 1/sqrt(H)]`` (float64).

    This is ``torch.nn.RNN``'s default scheme, so a model built here starts
    where a PyTorch reader's would. The bound keeps each pre-activation's
    variance roughly independent of ``H``, so tanh starts in its sloped part.
    Draw order: ``W_h``, ``W_x``, ``b_h`` from ``np.random.default_rng(seed)``;
    the same seed always gives the same parameters.

    Parameters
    ----------
    input_size : int
        Number of input features D.
    hidden_size : int
        Number of hidden units H.
    seed : int, default 0
        Seed of the random generator.

    Returns
    -------
    RNNParams
        ``W_h (H, H)``, ``W_x (H, D)``, ``b_h (H,)``.

    Taught in chapter 1.
    """
    _check_sizes(input_size, hidden_size)
    rng = np.random.default_rng(seed)
    k = 1.0 / math.sqrt(hidden_size)
    return RNNParams(
        W_h=rng.uniform(-k, k, (hidden_size, hidden_size)),  # (H, H)
        W_x=rng.uniform(-k, k, (hidden_size, input_size)),  # (H, D)
        b_h=rng.uniform(-k, k, hidden_size),  # (H,)
    )


def init_lstm_params(
    input_size: int, hidden_size: int, seed: int = 0, *, forget_bias: float | None = None
) -> LSTMParams:
    """Random LSTM parameters, uniform in ``[-1/sqrt(H), 1/sqrt(H)]`` (float64).

    Same scheme as ``torch.nn.LSTM`` (see ``init_rnn_params`` for why). Draw
    order: ``W_f, W_i, W_c, W_o, b_f, b_i, b_c, b_o`` from
    ``np.random.default_rng(seed)``.

    Parameters
    ----------
    input_size : int
        Number of input features D.
    hidden_size : int
        Number of hidden units H.
    seed : int, default 0
        Seed of the random generator.
    forget_bias : float, optional
        If given, every entry of ``b_f`` is set to this value after drawing.
        A forget bias of 1 starts the forget gate near ``sigmoid(1) = 0.73``,
        so the memory is kept by default and gradients along ``C_t`` survive
        early training (Gers et al. 2000; Jozefowicz et al. 2015). Chapter 9
        measures the difference.

    Returns
    -------
    LSTMParams
        Weights ``(H, H + D)``, biases ``(H,)``.

    Taught in chapter 2.
    """
    _check_sizes(input_size, hidden_size)
    rng = np.random.default_rng(seed)
    k = 1.0 / math.sqrt(hidden_size)
    H, D = hidden_size, input_size
    Ws = [rng.uniform(-k, k, (H, H + D)) for _ in range(4)]  # 4 x (H, H + D)
    bs = [rng.uniform(-k, k, H) for _ in range(4)]  # 4 x (H,)
    if forget_bias is not None:
        bs[0] = np.full(H, float(forget_bias))
    return LSTMParams(*Ws, *bs)


# --------------------------------------------------------------------------
# The plain RNN (chapter 1)
# --------------------------------------------------------------------------


def rnn_cell(x: Any, h_prev: Any, params: RNNParams) -> Array:
    """One step of the plain RNN: ``h_t = tanh(W_h h_{t-1} + W_x x_t + b_h)``.

    Parameters
    ----------
    x : ndarray, shape (B, D) or (D,)
        Input at this step.
    h_prev : ndarray, shape (B, H) or (H,)
        Hidden state of the previous step, batched like ``x``.
    params : RNNParams

    Returns
    -------
    ndarray, shape (B, H) or (H,)
        The new hidden state ``h_t``.

    Taught in chapter 1.
    """
    x, h_prev, _ = _step_inputs(x, h_prev, params, "rnn")
    return np.tanh(h_prev @ params.W_h.T + x @ params.W_x.T + params.b_h)  # (B, H)


class RNNCache(NamedTuple):
    """What ``rnn_forward`` keeps for ``rnn_backward``: plain named arrays.

    Attributes
    ----------
    xs : ndarray, shape (T, B, D) or (T, D)
    h0 : ndarray, shape (B, H) or (H,)
    h : ndarray, shape (T, B, H) or (T, H)
        Every hidden state ``h_1 ... h_T`` (the same array ``rnn_forward`` returns).
    params : RNNParams
    """

    xs: Array
    h0: Array
    h: Array
    params: RNNParams


def _batched(a: Array, batched: bool) -> Array:
    """View a caller's array with a batch axis of 1 added when it has none."""
    return a if batched else a[..., None, :]


def rnn_forward(xs: Any, h0: Any, params: RNNParams) -> tuple[Array, Array, RNNCache]:
    """Run the plain RNN over a sequence and keep what the backward pass needs.

    Parameters
    ----------
    xs : ndarray, shape (T, B, D) or (T, D)
    h0 : ndarray, shape (B, H) or (H,), or None for zeros
    params : RNNParams

    Returns
    -------
    hs : ndarray, shape (T, B, H) or (T, H)
        Hidden state at every step.
    h_n : ndarray, shape (B, H) or (H,)
        The last hidden state (``hs[-1]``).
    cache : RNNCache

    Equations::

        h_t = tanh(W_h h_{t-1} + W_x x_t + b_h)

    Taught in chapter 1; backward in chapter 8.
    """
    H, D = _check_params(params, "rnn")
    xs = _as_float("xs", xs)
    T, batch = V.sequence_dims("xs", xs.shape, D)
    h0 = _zeros_or("h0", h0, batch, H, "hidden_size, batched like xs", _dtype(xs, *params))
    dtype = _dtype(xs, h0, *params)
    b = batch is not None
    X = _batched(xs, b).astype(dtype, copy=False)  # (T, B, D)
    B = X.shape[1]
    W_hT = np.ascontiguousarray(params.W_h.T, dtype=dtype)  # (H, H)
    # All input projections at once: one (T*B, D) @ (D, H) product.
    Hs = (X.reshape(T * B, D) @ params.W_x.T.astype(dtype, copy=False)).reshape(T, B, H)  # (T, B, H)
    Hs += params.b_h.astype(dtype, copy=False)
    h = _batched(h0, b).astype(dtype, copy=False)  # (B, H)
    tmp = np.empty((B, H), dtype)
    for t in range(T):
        np.matmul(h, W_hT, out=tmp)  # (B, H)
        Hs[t] += tmp
        np.tanh(Hs[t], out=Hs[t])
        h = Hs[t]
    hs = Hs if b else Hs[:, 0, :]  # caller's batching
    return hs, hs[-1], RNNCache(xs, h0, hs, params)


def rnn(xs: Any, h0: Any, params: RNNParams) -> tuple[Array, Array]:
    """Run the plain RNN over a sequence: ``(hs, h_n)``; ``h0=None`` means zeros.

    Parameters
    ----------
    xs : ndarray, shape (T, B, D) or (T, D)
    h0 : ndarray, shape (B, H) or (H,), or None
    params : RNNParams

    Returns
    -------
    hs : ndarray, shape (T, B, H) or (T, H)
    h_n : ndarray, shape (B, H) or (H,)

    Taught in chapter 1.
    """
    hs, h_n, _ = rnn_forward(xs, h0, params)
    return hs, h_n


def _check_grad(name: str, g: Any, like: Array) -> Array:
    g = _as_float(name, g)
    if g.shape != like.shape:
        raise V.shape_error(name, V.fmt(like.shape), g.shape)
    return g


def rnn_backward(
    dhs: Any, cache: RNNCache, dh_n: Any = None
) -> tuple[RNNParams, Array, Array]:
    """Backpropagation through time for the plain RNN.

    Parameters
    ----------
    dhs : ndarray, shape of ``hs``
        Gradient of the loss with respect to every hidden output.
    cache : RNNCache
        From ``rnn_forward``.
    dh_n : ndarray, shape of ``h_n``, optional
        Extra gradient arriving at the final hidden state.

    Returns
    -------
    grads : RNNParams
        ``dW_h``, ``dW_x``, ``db_h``.
    dxs : ndarray, shape of ``xs``
    dh0 : ndarray, shape of ``h0``

    Equations (``z_t`` the pre-activation)::

        dh_t  = dhs_t + W_h^T dz_{t+1}
        dz_t  = dh_t * (1 - h_t^2)
        dW_h  = sum_t dz_t h_{t-1}^T,  dW_x = sum_t dz_t x_t^T,  db_h = sum_t dz_t

    Each step multiplies the gradient by ``W_h^T`` and a tanh slope below 1:
    over many steps it shrinks geometrically (chapter 1 measures it).

    Taught in chapter 8.
    """
    if not isinstance(cache, RNNCache):
        raise TypeError(f"cache: expected the RNNCache from rnn_forward, got {type(cache).__name__}")
    dhs = _check_grad("dhs", dhs, cache.h)
    xs, h0, hs, params = cache
    b = xs.ndim == 3
    T, H, D = hs.shape[0], params.hidden_size, params.input_size
    dtype = _dtype(hs, dhs)
    X, Hs, dH = _batched(xs, b), _batched(hs, b), _batched(dhs, b)  # (T, B, .)
    H0 = _batched(h0, b)  # (B, H)
    B = X.shape[1]
    dh_next = np.zeros((B, H), dtype) if dh_n is None else _batched(_check_grad("dh_n", dh_n, hs[-1]), b).astype(dtype)
    W_h = params.W_h.astype(dtype, copy=False)  # (H, H)
    dZ = np.empty((T, B, H), dtype)  # gradient at each pre-activation
    for t in range(T - 1, -1, -1):
        dz = dZ[t]
        np.add(dH[t], dh_next, out=dz)  # dh_t
        dz *= 1.0 - Hs[t] * Hs[t]  # through tanh
        dh_next = dz @ W_h  # (B, H)
    # Weight gradients: one matrix product each over all steps and samples.
    Zf = dZ.reshape(T * B, H)  # (T*B, H)
    dW_x = Zf.T @ X.reshape(T * B, D)  # (H, D)
    dW_h = dZ[0].T @ H0  # (H, H)
    if T > 1:
        dW_h += Zf[B:].T @ Hs[:-1].reshape((T - 1) * B, H)
    db_h = Zf.sum(axis=0)  # (H,)
    dxs = (Zf @ params.W_x.astype(dtype, copy=False)).reshape(T, B, D)  # (T, B, D)
    if not b:
        dxs, dh_next = dxs[:, 0, :], dh_next[0]
    return RNNParams(dW_h, dW_x, db_h), dxs, dh_next


# --------------------------------------------------------------------------
# The LSTM, one part at a time (chapters 2-5)
# --------------------------------------------------------------------------


def _hx(x: Array, h_prev: Array) -> Array:
    """The article's concatenation ``[h_{t-1}, x_t]``: hidden part first."""
    return np.concatenate([h_prev, x], axis=-1)  # (B, H + D)


def _forget(hx: Array, p: LSTMParams) -> Array:
    return sigmoid(hx @ p.W_f.T + p.b_f)


def _input(hx: Array, p: LSTMParams) -> Array:
    return sigmoid(hx @ p.W_i.T + p.b_i)


def _candidate(hx: Array, p: LSTMParams) -> Array:
    return np.tanh(hx @ p.W_c.T + p.b_c)


def _output(hx: Array, p: LSTMParams) -> Array:
    return sigmoid(hx @ p.W_o.T + p.b_o)


def forget_gate(x: Any, h_prev: Any, params: LSTMParams) -> Array:
    """The forget part's gate: ``f_t = sigmoid(W_f [h_{t-1}, x_t] + b_f)``.

    ``f_t`` is the fraction of each entry of the long-term memory ``C_{t-1}``
    that is kept: 1 keeps all of it, 0 wipes it.

    Parameters
    ----------
    x : ndarray, shape (B, D) or (D,)
    h_prev : ndarray, shape (B, H) or (H,)
    params : LSTMParams

    Returns
    -------
    ndarray, shape (B, H) or (H,), values in (0, 1)

    Taught in chapter 3.
    """
    x, h_prev, _ = _step_inputs(x, h_prev, params, "lstm")
    return _forget(_hx(x, h_prev), params)


def input_gate(x: Any, h_prev: Any, params: LSTMParams) -> Array:
    """The input part's gate: ``i_t = sigmoid(W_i [h_{t-1}, x_t] + b_i)``.

    ``i_t`` is the fraction of the candidate ``C~_t`` written into memory.

    Parameters
    ----------
    x : ndarray, shape (B, D) or (D,)
    h_prev : ndarray, shape (B, H) or (H,)
    params : LSTMParams

    Returns
    -------
    ndarray, shape (B, H) or (H,), values in (0, 1)

    Taught in chapter 4.
    """
    x, h_prev, _ = _step_inputs(x, h_prev, params, "lstm")
    return _input(_hx(x, h_prev), params)


def candidate(x: Any, h_prev: Any, params: LSTMParams) -> Array:
    """The candidate long-term memory: ``C~_t = tanh(W_c [h_{t-1}, x_t] + b_c)``.

    Parameters
    ----------
    x : ndarray, shape (B, D) or (D,)
    h_prev : ndarray, shape (B, H) or (H,)
    params : LSTMParams

    Returns
    -------
    ndarray, shape (B, H) or (H,), values in (-1, 1)

    Taught in chapter 4.
    """
    x, h_prev, _ = _step_inputs(x, h_prev, params, "lstm")
    return _candidate(_hx(x, h_prev), params)


def output_gate(x: Any, h_prev: Any, params: LSTMParams) -> Array:
    """The output part's gate: ``o_t = sigmoid(W_o [h_{t-1}, x_t] + b_o)``.

    ``o_t`` is the fraction of ``tanh(C_t)`` shown as the hidden state ``h_t``.

    Parameters
    ----------
    x : ndarray, shape (B, D) or (D,)
    h_prev : ndarray, shape (B, H) or (H,)
    params : LSTMParams

    Returns
    -------
    ndarray, shape (B, H) or (H,), values in (0, 1)

    Taught in chapter 5.
    """
    x, h_prev, _ = _step_inputs(x, h_prev, params, "lstm")
    return _output(_hx(x, h_prev), params)


def lstm_cell(x: Any, state: Any, params: LSTMParams) -> tuple[Array, Array]:
    """One LSTM step, built from the article's three parts.

    Parameters
    ----------
    x : ndarray, shape (B, D) or (D,)
        Input ``x_t``.
    state : pair of ndarray, each shape (B, H) or (H,)
        ``(h_prev, c_prev)``: the previous hidden state and long-term memory.
    params : LSTMParams

    Returns
    -------
    h : ndarray, shape (B, H) or (H,)
        New hidden state ``h_t``.
    c : ndarray, shape (B, H) or (H,)
        New long-term memory ``C_t``.

    Equations::

        f_t  = sigmoid(W_f [h_{t-1}, x_t] + b_f)      forget part
        i_t  = sigmoid(W_i [h_{t-1}, x_t] + b_i)      input part
        C~_t = tanh   (W_c [h_{t-1}, x_t] + b_c)
        C_t  = f_t * C_{t-1} + i_t * C~_t
        o_t  = sigmoid(W_o [h_{t-1}, x_t] + b_o)      output part
        h_t  = o_t * tanh(C_t)

    Taught in chapters 2-5.
    """
    h_prev, c_prev = V.unpack_state(state)
    x, h_prev, H = _step_inputs(x, h_prev, params, "lstm")
    c_prev = _as_float("state[1] (c_prev)", c_prev)
    V.check_state_shape("state[1] (c_prev)", c_prev.shape, h_prev.shape[0] if h_prev.ndim == 2 else None, H, "like h_prev")
    hx = _hx(x, h_prev)  # (B, H + D)
    f = _forget(hx, params)  # forget part      (B, H)
    i = _input(hx, params)  # input part       (B, H)
    c_tilde = _candidate(hx, params)  # (B, H)
    c = f * c_prev + i * c_tilde  # new long-term memory (B, H)
    o = _output(hx, params)  # output part      (B, H)
    h = o * np.tanh(c)  # new hidden state (B, H)
    return h, c


# --------------------------------------------------------------------------
# The LSTM over a sequence, fused (chapters 6 and 8)
# --------------------------------------------------------------------------


class LSTMCache(NamedTuple):
    """What ``lstm_forward`` keeps for ``lstm_backward``: plain named arrays.

    Nothing is hidden on an object: a reader can plot ``cache.f`` (every
    forget gate at every step) or check ``cache.c[t]`` against the formulas.

    Attributes
    ----------
    xs : ndarray, shape (T, B, D) or (T, D)
        The inputs.
    h0, c0 : ndarray, shape (B, H) or (H,)
        The initial state.
    params : LSTMParams
    f, i, c_tilde, o : ndarray, shape (T, B, H) or (T, H)
        Forget gate, input gate, candidate memory and output gate at every
        step (views into ``gates``).
    c : ndarray, shape (T, B, H) or (T, H)
        Long-term memory ``C_t`` at every step.
    tanh_c : ndarray, shape (T, B, H) or (T, H)
        ``tanh(C_t)``, kept for the backward pass.
    h : ndarray, shape (T, B, H) or (T, H)
        Hidden state ``h_t`` at every step (the ``hs`` that ``lstm_forward`` returns).
    gates : ndarray, shape (T, B, 4H)
        The four gates side by side in the order ``f, i, o, c_tilde`` (the
        three sigmoid gates first, so one in-place sigmoid covers them); B is
        1 for unbatched input.
    """

    xs: Array
    h0: Array
    c0: Array
    params: LSTMParams
    f: Array
    i: Array
    c_tilde: Array
    o: Array
    c: Array
    tanh_c: Array
    h: Array
    gates: Array


def _fused(params: LSTMParams, dtype: np.dtype) -> tuple[Array, Array, Array]:
    """Stack the gates in the order f, i, o, c~: ``(W_h part, W_x part, bias)``."""
    W = np.concatenate([params.W_f, params.W_i, params.W_o, params.W_c], axis=0).astype(dtype, copy=False)  # (4H, H + D)
    b = np.concatenate([params.b_f, params.b_i, params.b_o, params.b_c]).astype(dtype, copy=False)  # (4H,)
    H = params.hidden_size
    return W[:, :H], W[:, H:], b  # (4H, H), (4H, D), (4H,)


def lstm_forward(xs: Any, state: Any, params: LSTMParams) -> tuple[Array, tuple[Array, Array], LSTMCache]:
    """Run the LSTM over a sequence and keep every gate for the backward pass.

    Parameters
    ----------
    xs : ndarray, shape (T, B, D) or (T, D)
    state : pair ``(h0, c0)`` of ndarray, each (B, H) or (H,), or None for zeros
    params : LSTMParams

    Returns
    -------
    hs : ndarray, shape (T, B, H) or (T, H)
        Hidden state at every step.
    (h_n, c_n) : pair of ndarray, each (B, H) or (H,)
        Final hidden state and long-term memory.
    cache : LSTMCache
        Named per-step arrays (gates, memories, hidden states).

    Notes
    -----
    Computes exactly ``lstm_cell`` step after step (the tests check it), but
    with the four gates stacked: the inputs of all T steps are projected by
    one ``(T*B, D) @ (D, 4H)`` product, each step adds one
    ``(B, H) @ (H, 4H)`` product, and results go into preallocated arrays.

    Taught in chapter 6; the cache is used in chapter 8.
    """
    H, D = _check_params(params, "lstm")
    xs = _as_float("xs", xs)
    T, batch = V.sequence_dims("xs", xs.shape, D)
    zeros_dtype = _dtype(xs, *params)  # float32 inputs and params get float32 zeros
    if state is None:
        h0 = c0 = np.zeros(V.state_shape(batch, H), zeros_dtype)
    else:
        h0, c0 = V.unpack_state(state)
        h0 = _zeros_or("state[0] (h0)", h0, batch, H, "hidden_size, batched like xs", zeros_dtype)
        c0 = _zeros_or("state[1] (c0)", c0, batch, H, "hidden_size, batched like xs", zeros_dtype)
    dtype = _dtype(xs, h0, c0, *params)
    b = batch is not None
    X = _batched(xs, b).astype(dtype, copy=False)  # (T, B, D)
    B = X.shape[1]
    Wh, Wx, bias = _fused(params, dtype)
    # subtle: sigmoid(z) = (1 + tanh(z / 2)) / 2. Halving the rows of f, i, o in
    # W and b here (exact: a power of two) lets one tanh per step cover all four
    # gates; the results are bit for bit those of sigmoid(z).
    half = np.where(np.arange(4 * H) < 3 * H, 0.5, 1.0).astype(dtype)  # (4H,)
    WhT = np.ascontiguousarray(Wh.T) * half  # (H, 4H)

    gates = np.empty((T, B, 4 * H), dtype)  # pre-activations, then activations in place
    np.matmul(X.reshape(T * B, D), np.ascontiguousarray(Wx.T) * half, out=gates.reshape(T * B, 4 * H))
    gates += bias * half
    C = np.empty((T, B, H), dtype)  # C_t
    TC = np.empty((T, B, H), dtype)  # tanh(C_t)
    Hs = np.empty((T, B, H), dtype)  # h_t
    tmp = np.empty((B, 4 * H), dtype)
    ig = np.empty((B, H), dtype)
    h = _batched(h0, b).astype(dtype, copy=False)  # (B, H)
    c = _batched(c0, b).astype(dtype, copy=False)  # (B, H)
    for t in range(T):
        z, c_t, tanh_c_t, h_t = gates[t], C[t], TC[t], Hs[t]  # (B, 4H), (B, H) x 3
        np.matmul(h, WhT, out=tmp)
        z += tmp  # the four pre-activations (the rows of f, i, o were halved above)
        np.tanh(z, out=z)  # C~_t, and tanh(z / 2) for f, i, o
        s = z[:, : 3 * H]
        s *= 0.5
        s += 0.5  # f_t, i_t, o_t: sigmoid(z) = (1 + tanh(z / 2)) / 2
        f, i, o, g = z[:, :H], z[:, H : 2 * H], z[:, 2 * H : 3 * H], z[:, 3 * H :]  # g is C~_t
        np.multiply(f, c, out=c_t)  # forget part: f_t * C_{t-1}
        np.multiply(i, g, out=ig)  # input part:  i_t * C~_t
        c_t += ig
        np.tanh(c_t, out=tanh_c_t)
        np.multiply(o, tanh_c_t, out=h_t)  # output part: o_t * tanh(C_t)
        h, c = h_t, c_t

    def user(a: Array) -> Array:  # back to the caller's batching (a view)
        return a if b else a[:, 0, :]

    hs, cs = user(Hs), user(C)
    cache = LSTMCache(
        xs=xs, h0=h0, c0=c0, params=params,
        f=user(gates[..., :H]), i=user(gates[..., H : 2 * H]),
        c_tilde=user(gates[..., 3 * H :]), o=user(gates[..., 2 * H : 3 * H]),
        c=cs, tanh_c=user(TC), h=hs, gates=gates,
    )
    return hs, (hs[-1], cs[-1]), cache


def lstm(xs: Any, state: Any, params: LSTMParams) -> tuple[Array, tuple[Array, Array]]:
    """Run the LSTM over a sequence: ``(hs, (h_n, c_n))``; ``state=None`` means zeros.

    Parameters
    ----------
    xs : ndarray, shape (T, B, D) or (T, D)
    state : pair ``(h0, c0)`` of ndarray, each (B, H) or (H,), or None
    params : LSTMParams

    Returns
    -------
    hs : ndarray, shape (T, B, H) or (T, H)
    (h_n, c_n) : pair of ndarray, each (B, H) or (H,)

    Taught in chapter 6.
    """
    hs, state_n, _ = lstm_forward(xs, state, params)
    return hs, state_n


def lstm_backward(
    dhs: Any, cache: LSTMCache, dstate: Any = None
) -> tuple[LSTMParams, Array, tuple[Array, Array]]:
    """Backpropagation through time for the LSTM, one step at a time.

    Parameters
    ----------
    dhs : ndarray, shape of ``hs``
        Gradient of the loss with respect to every hidden output ``h_t``.
    cache : LSTMCache
        From ``lstm_forward``.
    dstate : pair ``(dh_n, dc_n)``, optional
        Extra gradient arriving at the final hidden state and memory.

    Returns
    -------
    grads : LSTMParams
        ``dW_f, dW_i, dW_c, dW_o, db_f, db_i, db_c, db_o``.
    dxs : ndarray, shape of ``xs``
    (dh0, dc0) : pair of ndarray, shapes of ``h0`` and ``c0``

    Equations, going back from step T to 1 (``dh_t`` includes what flows
    back from step t+1, ``dC_t`` likewise)::

        do_t   = dh_t * tanh(C_t)
        dC_t   = dC_t + dh_t * o_t * (1 - tanh(C_t)^2)
        df_t   = dC_t * C_{t-1}     di_t = dC_t * C~_t     dC~_t = dC_t * i_t
        dC_{t-1} = dC_t * f_t        <- the memory path: times f_t, no weight, no tanh'
        dz     = [df*f(1-f), di*i(1-i), do*o(1-o), dC~*(1-C~^2)]
        dh_{t-1} = W_h^T dz,  dW += dz [h_{t-1}, x_t]^T,  db += dz

    Taught in chapter 8.
    """
    if not isinstance(cache, LSTMCache):
        raise TypeError(f"cache: expected the LSTMCache from lstm_forward, got {type(cache).__name__}")
    dhs = _check_grad("dhs", dhs, cache.h)
    b = cache.xs.ndim == 3
    params = cache.params
    T, H, D = cache.h.shape[0], params.hidden_size, params.input_size
    dtype = _dtype(cache.h, dhs)
    X, dH = _batched(cache.xs, b), _batched(dhs, b)  # (T, B, D), (T, B, H)
    C, TC, Hs = _batched(cache.c, b), _batched(cache.tanh_c, b), _batched(cache.h, b)  # (T, B, H)
    G = cache.gates  # (T, B, 4H)
    B = X.shape[1]
    # dh_next and dc_next are fresh arrays (zeros or astype's copy): the loop
    # overwrites them in place, so no step allocates a new array.
    if dstate is None:
        dh_next = np.zeros((B, H), dtype)
        dc_next = np.zeros((B, H), dtype)
    else:
        dh_n, dc_n = V.unpack_state(dstate, "dstate")
        dh_next = _batched(_check_grad("dstate[0] (dh_n)", dh_n, cache.h[-1]), b).astype(dtype)
        dc_next = _batched(_check_grad("dstate[1] (dc_n)", dc_n, cache.c[-1]), b).astype(dtype)
    Wh, Wx, _ = _fused(params, dtype)  # (4H, H), (4H, D)
    c0 = _batched(cache.c0, b)
    dZ = np.empty((T, B, 4 * H), dtype)  # gradient at each pre-activation, order f, i, o, c~
    dh = np.empty((B, H), dtype)
    dc = np.empty((B, H), dtype)
    slope = np.empty((B, 4 * H), dtype)  # each gate's activation slope
    for t in range(T - 1, -1, -1):
        g_t, dz, tanh_c_t = G[t], dZ[t], TC[t]  # (B, 4H), (B, 4H), (B, H)
        f, i, o, g = g_t[:, :H], g_t[:, H : 2 * H], g_t[:, 2 * H : 3 * H], g_t[:, 3 * H :]
        c_prev = C[t - 1] if t > 0 else c0  # (B, H)
        np.add(dH[t], dh_next, out=dh)  # dL/dh_t
        # BPTT 1/6 (chapter 8): output part, h_t = o_t * tanh(C_t)
        np.multiply(dh, tanh_c_t, out=dz[:, 2 * H : 3 * H])  # do_t
        # BPTT 2/6: into the memory C_t, from h_t and from step t+1
        # dC_t = dC_{t+1} * f_{t+1} (already in dc_next) + dh_t * o_t * (1 - tanh(C_t)^2)
        np.multiply(tanh_c_t, tanh_c_t, out=dc)
        np.subtract(1.0, dc, out=dc)
        dc *= o
        dc *= dh
        dc += dc_next
        # BPTT 3/6: forget and input parts, C_t = f_t * C_{t-1} + i_t * C~_t
        np.multiply(dc, c_prev, out=dz[:, :H])  # df_t
        np.multiply(dc, g, out=dz[:, H : 2 * H])  # di_t
        np.multiply(dc, i, out=dz[:, 3 * H :])  # dC~_t
        # BPTT 4/6: back to the previous memory C_{t-1}
        np.multiply(dc, f, out=dc_next)  # the memory path
        # BPTT 5/6: through the activations to the pre-activations z
        # Through the activations: sigmoid' = s (1 - s), tanh' = 1 - g^2.
        s, ds, dg = g_t[:, : 3 * H], slope[:, : 3 * H], slope[:, 3 * H :]
        np.subtract(1.0, s, out=ds)
        ds *= s
        np.multiply(g, g, out=dg)
        np.subtract(1.0, dg, out=dg)
        dz *= slope  # all four gates at once
        # BPTT 6/6: back to the previous hidden state h_{t-1}, through every gate
        np.matmul(dz, Wh, out=dh_next)  # (B, H)
    # Weight gradients: one matrix product each over all steps and samples.
    Zf = dZ.reshape(T * B, 4 * H)  # (T*B, 4H)
    dWx = Zf.T @ X.reshape(T * B, D)  # (4H, D)
    dWh = dZ[0].T @ _batched(cache.h0, b).astype(dtype, copy=False)  # (4H, H)
    if T > 1:
        dWh += Zf[B:].T @ Hs[:-1].reshape((T - 1) * B, H)
    db = Zf.sum(axis=0)  # (4H,)
    dxs = (Zf @ Wx).reshape(T, B, D)  # (T, B, D)
    dW = np.concatenate([dWh, dWx], axis=1)  # (4H, H + D), order f, i, o, c~
    part = {name: slice(k * H, (k + 1) * H) for k, name in enumerate("fioc")}
    grads = LSTMParams(
        dW[part["f"]], dW[part["i"]], dW[part["c"]], dW[part["o"]],
        db[part["f"]], db[part["i"]], db[part["c"]], db[part["o"]],
    )
    if not b:
        dxs, dh_next, dc_next = dxs[:, 0, :], dh_next[0], dc_next[0]
    return grads, dxs, (dh_next, dc_next)


# --------------------------------------------------------------------------
# The output neuron (chapters 1 and 6)
# --------------------------------------------------------------------------


def output_neuron(h: Any, W_y: Any, b_y: Any) -> Array:
    """The article's output neuron: ``y^_t = sigmoid(W_y h_t + b_y)``.

    Parameters
    ----------
    h : ndarray, shape (..., H)
        One hidden state, a batch, or a whole sequence ``(T, B, H)``: the
        neuron is applied at every step.
    W_y : ndarray, shape (K, H)
        Output weights (K = 1 for the article's single neuron).
    b_y : ndarray, shape (K,)

    Returns
    -------
    ndarray, shape (..., K), values in (0, 1)

    Taught in chapter 1 (option 1: predict now) and chapter 6.
    """
    h, W_y, b_y = _as_float("h", h), _as_float("W_y", W_y), _as_float("b_y", b_y)
    if h.ndim < 1:
        raise V.shape_error("h", "(..., hidden)", h.shape)
    if W_y.ndim != 2 or W_y.shape[1] != h.shape[-1]:
        raise V.shape_error("W_y", f"(outputs, {h.shape[-1]}) to match h's last axis", W_y.shape)
    if b_y.shape != (W_y.shape[0],):
        raise V.shape_error("b_y", V.fmt((W_y.shape[0],)), b_y.shape)
    return sigmoid(h @ W_y.T + b_y)  # (..., K)


# --------------------------------------------------------------------------
# Finite differences (every backward pass in the book is checked with these)
# --------------------------------------------------------------------------


def numerical_gradient(f: Callable[[], float], x: Array, eps: float = 1e-6) -> Array:
    """Central-difference gradient of a scalar function with respect to ``x``.

    ``dL/dx[k] ~ (f(x + eps e_k) - f(x - eps e_k)) / (2 eps)`` for every entry k.
    The error is O(eps^2); in float64, eps = 1e-6 gives about 1e-9 relative
    accuracy on the book's functions.

    Parameters
    ----------
    f : callable with no arguments, returning a float
        The loss. It must read ``x`` itself (a closure), because ``x`` is
        perturbed in place, one entry at a time, and restored afterwards.
    x : ndarray, float64
        The array to differentiate with respect to (a parameter, an input, a state).
    eps : float, default 1e-6

    Returns
    -------
    ndarray, shape of ``x``

    Used in the tests of every backward pass and in chapter 8.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            "x: expected a float64 ndarray (finite differences need double precision), "
            f"got {type(x).__name__}" + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else "")
        )
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x: must be contiguous, so it can be perturbed in place")
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + eps
        up = float(f())
        flat[k] = old - eps
        down = float(f())
        flat[k] = old
        gflat[k] = (up - down) / (2.0 * eps)
    return grad


def relative_error(a: Any, b: Any) -> float:
    """``max |a - b| / max(|a| + |b|)``: 0 for equal arrays, about 1 for unrelated ones.

    Scale-free, so one threshold (1e-6 in float64) fits every gradient
    in the book; returns 0.0 when both are all zeros.

    Used in the gradient checks of the tests and of chapter 8.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise V.shape_error("b", V.fmt(a.shape) + " like a", b.shape)
    scale = float(np.max(np.abs(a) + np.abs(b), initial=0.0))
    return 0.0 if scale == 0.0 else float(np.max(np.abs(a - b), initial=0.0)) / scale


# --------------------------------------------------------------------------
# Measuring memory (chapters 1, 6 and 9)
# --------------------------------------------------------------------------


def input_influence(xs: Any, state: Any, params: LSTMParams | RNNParams, step: int = 0) -> Array:
    """How strongly the input at ``step`` still moves each later hidden state.

    For every t, the size of the gradient ``d(sum of h_t) / d x_step``
    (its Euclidean norm over the batch and the input features), computed with
    the backward pass (``rnn_backward`` or ``lstm_backward``). For the book's
    one-neuron, unbatched models this is exactly ``|dh_t / dx_step|``.

    Parameters
    ----------
    xs : ndarray, shape (T, B, D) or (T, D)
    state : the initial state: ``h0`` for an RNN, ``(h0, c0)`` for an LSTM, or None
    params : RNNParams or LSTMParams
        Chooses the model.
    step : int, default 0
        Which input to follow (0 is ``x_1`` in the book's 1-based notation).

    Returns
    -------
    ndarray, shape (T,)
        Zero before ``step`` (the future cannot affect the past).

    Taught in chapter 1; used again in chapters 6 and 9.
    """
    if isinstance(params, RNNParams):
        hs, _, cache = rnn_forward(xs, state, params)
        backward: Callable[[Array], Array] = lambda d: rnn_backward(d, cache)[1]  # noqa: E731
    elif isinstance(params, LSTMParams):
        hs, _, cache = lstm_forward(xs, state, params)
        backward = lambda d: lstm_backward(d, cache)[1]  # noqa: E731
    else:
        raise TypeError(f"params: expected RNNParams or LSTMParams, got {type(params).__name__}")
    T = hs.shape[0]
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 0 <= step < T:
        raise ValueError(f"step: expected an int in [0, {T}) for xs of shape {V.fmt(np.shape(xs))}, got {step!r}")
    out = np.zeros(T)
    dhs = np.zeros_like(hs)
    for t in range(step, T):
        dhs[t] = 1.0
        out[t] = float(np.linalg.norm(backward(dhs)[step]))
        dhs[t] = 0.0
    return out
