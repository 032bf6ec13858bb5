"""The NumPy backend: the RNN and the LSTM of the book, with an explicit backward pass.

``from lstm_tutorial import numpy as lt``

What is here:

* ``sigmoid``/``tanh``: elementwise, with no overflow warning and full relative
  precision (``sigmoid(-40)`` is 4.25e-18, not 0);
* the plain RNN of chapter 1: ``init_rnn_params``, ``rnn_cell``, ``rnn``, and
  ``rnn_forward``/``rnn_backward`` (its backpropagation through time, chapter 8);
* the LSTM of chapters 2-6, one function per part of the article:
  ``forget_gate``, ``input_gate``, ``candidate``, ``output_gate``, then
  ``lstm_cell`` (one step) and ``lstm`` (a whole sequence), with ``init_lstm_params``;
* ``lstm_forward``/``lstm_backward``: the same equations over a sequence
  (chapter 6) and their backpropagation through time (chapter 8), with a cache
  (``LSTMCache``, ``RNNCache``) of named per-step arrays that the cache owns;
* ``output_neuron``, the article's sigmoid output neuron;
* ``input_influence``: how strongly an input still moves later hidden states,
  and ``gradient_by_distance``: how strongly the last step still feels an
  input or a state k steps back (the measurement behind vanishing gradients);
* ``numerical_gradient``/``relative_error``, re-exported from
  ``lstm_tutorial.gradcheck``: the finite-difference checks of chapter 8.

What is left out:

Multi-layer and bidirectional stacks, dropout, peephole connections and GPUs:
the book builds one layer and hands the reader to ``torch.nn.LSTM``
(chapter 10) for the rest.

Shapes are time-major, as in ``torch.nn.LSTM``: a sequence is ``(T, B, D)`` or,
unbatched, ``(T, D)``; one step is ``(B, D)`` or ``(D,)``. Outputs keep the
caller's batching. Results take the dtype of the inputs (float32 stays float32;
mixing float32 and float64 computes in float64).

What a ``*_forward`` function returns belongs to the caller; what its backward
pass needs belongs to the cache: the cache holds its own read-only copies, so
editing ``hs``, the inputs or the parameters between the two passes cannot
change the gradients, and an edit of the cache raises.

Speed comes from whole-sequence products, not from tricks inside the loop: the
four parts' weights are stacked (order f, i, C~, o), the inputs of all steps
are projected with one matrix product before the loop, and after the backward
loop one product each gives the weight gradients and the input gradients over
all steps. ``benchmarks/bench_lstm.py`` measures it (``book/speed.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from lstm_tutorial import _validate as V
from lstm_tutorial._params import LSTMParams, RNNParams
from lstm_tutorial.gradcheck import numerical_gradient, relative_error

__all__ = [
    "LSTMCache",
    "LSTMParams",
    "RNNCache",
    "RNNParams",
    "candidate",
    "forget_gate",
    "gradient_by_distance",
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

# subtle: every public function below that computes runs under this. With huge
# (finite) inputs, exp(-z) overflows to inf for z below about -709 (-88 in
# float32), and 1 / (1 + inf) = 0 is sigmoid's right value; a sum of numbers
# near 1e308 overflows to inf, and tanh(inf) = 1. NumPy would warn each time;
# torch saturates silently, and so do we (and a result too small for a float
# is 0, silently, as NumPy does by default). Invalid results (inf - inf) still warn.
_saturating = np.errstate(over="ignore", under="ignore")

# --------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------


def _sigmoid(z: Array) -> Array:
    """``1 / (1 + exp(-z))`` on a checked array; callers run under ``_saturating``.

    subtle: this form keeps full relative precision for negative z, where the
    result is tiny: ``sigmoid(-40)`` is 4.25e-18 to every digit. The identity
    ``(1 + tanh(z / 2)) / 2`` loses them (35% off at z = -37, exactly 0 from -38 on).
    """
    return 1.0 / (1.0 + np.exp(-z))


@_saturating
def sigmoid(z: Any) -> Array:
    """Logistic function ``1 / (1 + exp(-z))``, elementwise.

    Taught in chapter 1 (the output neuron) and chapter 2 (gates).

    Never warns: ``sigmoid(-1000)`` is 0 and ``sigmoid(1000)`` is 1, as in
    torch. Precise on both sides, down to the smallest positive float:
    ``sigmoid(-40)`` is 4.25e-18 and ``sigmoid(-700)`` is 9.86e-305.

    Parameters
    ----------
    z : array_like
        Pre-activation, any shape.

    Returns
    -------
    ndarray
        Same shape as ``z``, values in [0, 1]; float32 stays float32.
    """
    return _sigmoid(V.as_float_array("z", z))


def tanh(z: Any) -> Array:
    """Hyperbolic tangent, elementwise; never overflows (``tanh(1000)`` is 1).

    Taught in chapter 1.

    Parameters
    ----------
    z : array_like
        Pre-activation, any shape.

    Returns
    -------
    ndarray
        Same shape as ``z``, values in [-1, 1].
    """
    return np.tanh(V.as_float_array("z", z))


# --------------------------------------------------------------------------
# Arguments: every check is a call into _validate, once per call
# --------------------------------------------------------------------------


def _param_sizes(params: Any, kind: str) -> tuple[int, int]:
    """``(H, D)`` of an LSTMParams (kind "lstm") or RNNParams, every field checked."""
    if kind == "lstm":
        H, D = V.lstm_param_sizes(params, LSTMParams)
    else:
        H, D = V.rnn_param_sizes(params, RNNParams)
    for name, a in zip(params._fields, params):
        V.as_float_array(f"params.{name}", a)
    return H, D


def _state(name: str, a: Any, batch: int | None, H: int, dtype: np.dtype) -> Array:
    """A checked initial state, or zeros (in the inputs' dtype) for None."""
    if a is None:
        return np.zeros(V.state_shape(batch, H), dtype)
    a = V.as_float_array(name, a)
    V.check_state_shape(name, a.shape, batch, H, "hidden_size, batched like xs")
    return a


def _step_inputs(x: Any, h_prev: Any, params: Any, kind: str, h_name: str = "h_prev") -> tuple[Array, Array, int]:
    """Checked ``x`` and ``h_prev`` of one step (``h_name``: the caller's name for it), and the hidden size."""
    H, D = _param_sizes(params, kind)
    x = V.as_float_array("x", x)
    batch = V.step_dims("x", x.shape, D)
    h_prev = V.as_float_array(h_name, h_prev)
    V.check_state_shape(h_name, h_prev.shape, batch, H, "hidden_size, batched like x")
    return x, h_prev, H


def _grad_like(name: str, g: Any, like: Array) -> Array:
    """A checked gradient with the shape of ``like``."""
    g = V.as_float_array(name, g)
    if g.shape != like.shape:
        raise V.shape_error(name, V.fmt(like.shape), g.shape)
    return g


def _owned(a: Array, dtype: np.dtype) -> Array:
    """A read-only copy of ``a`` in ``dtype``: the cache's own, so no edit of ``a`` reaches it."""
    a = np.array(a, dtype=dtype)  # always a copy
    a.flags.writeable = False
    return a


def _frozen(*arrays: Array) -> list[Array]:
    """Make arrays the forward pass computed read-only: from now on they belong to the cache."""
    for a in arrays:
        a.flags.writeable = False
    return list(arrays)


def _batched(a: Array, batched: bool) -> Array:
    """View an array with a batch axis of 1 added when the caller's data has none."""
    return a if batched else a[..., None, :]


def _unbatched(a: Array, batched: bool) -> Array:
    """Back to the caller's batching: drop the batch axis ``_batched`` added."""
    return a if batched else a[..., 0, :]


# --------------------------------------------------------------------------
# Initialisation
# --------------------------------------------------------------------------


def _uniform_init(input_size: Any, hidden_size: Any, seed: Any) -> tuple[np.random.Generator, float, int, int]:
    D = V.check_int("input_size", input_size, minimum=1)
    H = V.check_int("hidden_size", hidden_size, minimum=1)
    rng = np.random.default_rng(V.check_int("seed", seed, minimum=0))
    return rng, 1.0 / np.sqrt(H), D, H


def init_rnn_params(input_size: int, hidden_size: int, seed: int = 0) -> RNNParams:
    """Random RNN parameters, each entry uniform in ``[-1/sqrt(H), 1/sqrt(H)]`` (float64).

    Taught in chapter 8; chapter 7's exercise uses it too.

    The bound is ``torch.nn.RNN``'s: it keeps each pre-activation's variance
    roughly independent of ``H``, so tanh starts in its sloped part. One
    difference: torch has two bias vectors (``bias_ih``, ``bias_hh``), each
    uniform in that range, and adds them, so its effective bias is the sum of
    two uniform draws (a triangular distribution on ``[-2/sqrt(H), 2/sqrt(H)]``);
    here ``b_h`` is one draw, uniform in ``[-1/sqrt(H), 1/sqrt(H)]``. Draw
    order: ``W_h``, ``W_x``, ``b_h`` from ``np.random.default_rng(seed)``; the
    same seed always gives the same parameters.

    Parameters
    ----------
    input_size : int
        Number of input features D, at least 1.
    hidden_size : int
        Number of hidden units H, at least 1.
    seed : int, default 0
        Seed of the random generator, at least 0.

    Returns
    -------
    RNNParams
        ``W_h (H, H)``, ``W_x (H, D)``, ``b_h (H,)``.
    """
    rng, k, D, H = _uniform_init(input_size, hidden_size, seed)
    return RNNParams(
        W_h=rng.uniform(-k, k, (H, H)),  # (H, H)
        W_x=rng.uniform(-k, k, (H, D)),  # (H, D)
        b_h=rng.uniform(-k, k, H),  # (H,)
    )


def init_lstm_params(
    input_size: int, hidden_size: int, seed: int = 0, *, forget_bias: float | None = None
) -> LSTMParams:
    """Random LSTM parameters, each entry uniform in ``[-1/sqrt(H), 1/sqrt(H)]`` (float64).

    Taught in chapter 2.

    The weights follow ``torch.nn.LSTM``'s scheme exactly (see
    ``init_rnn_params`` for why that bound). The biases do not: torch has two
    bias vectors per gate and adds them, so its effective bias is triangular on
    ``[-2/sqrt(H), 2/sqrt(H)]``; here each bias is one uniform draw in
    ``[-1/sqrt(H), 1/sqrt(H)]``. Draw order: ``W_f, W_i, W_c, W_o, b_f, b_i,
    b_c, b_o`` from ``np.random.default_rng(seed)``.

    Parameters
    ----------
    input_size : int
        Number of input features D, at least 1.
    hidden_size : int
        Number of hidden units H, at least 1.
    seed : int, default 0
        Seed of the random generator, at least 0.
    forget_bias : float, optional
        If given, every entry of ``b_f`` is set to this value after drawing
        (nothing else changes). With small weights the forget gate then starts
        near ``sigmoid(forget_bias)``: 0.73 for a bias of 1 (Gers et al. 2000;
        Jozefowicz et al. 2015), so each step keeps about 73% of the memory
        and a gradient along ``C_t`` shrinks by that factor per step. That
        helps early training over a few steps, not over long ones: chapter 9
        measures that a bias of 1 fails beyond about 20 steps, and which bias
        reaches further.

    Returns
    -------
    LSTMParams
        Weights ``(H, H + D)``, biases ``(H,)``.
    """
    rng, k, D, H = _uniform_init(input_size, hidden_size, seed)
    Ws = [rng.uniform(-k, k, (H, H + D)) for _ in range(4)]  # 4 x (H, H + D): W_f, W_i, W_c, W_o
    bs = [rng.uniform(-k, k, H) for _ in range(4)]  # 4 x (H,): b_f, b_i, b_c, b_o
    if forget_bias is not None:
        bs[0] = np.full(H, V.check_float("forget_bias", forget_bias))  # (H,)
    return LSTMParams(*Ws, *bs)


# --------------------------------------------------------------------------
# The plain RNN (chapter 1)
# --------------------------------------------------------------------------


@_saturating
def rnn_cell(x: Any, h_prev: Any, params: RNNParams) -> Array:
    """One step of the plain RNN: ``h_t = tanh(W_h h_{t-1} + W_x x_t + b_h)``.

    Taught in chapter 1.

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
    """
    x, h_prev, _ = _step_inputs(x, h_prev, params, "rnn")
    return np.tanh(h_prev @ params.W_h.T + x @ params.W_x.T + params.b_h)  # (B, H)


class RNNCache(NamedTuple):
    """What ``rnn_forward`` keeps for ``rnn_backward``: plain named arrays, read-only.

    Taught in chapter 8.

    Every array is the cache's own (a copy, or one the forward pass made), so
    nothing the caller edits afterwards reaches the backward pass.

    Attributes
    ----------
    xs : ndarray, shape (T, B, D) or (T, D)
        The inputs.
    h0 : ndarray, shape (B, H) or (H,)
        The initial hidden state.
    h : ndarray, shape (T, B, H) or (T, H)
        Every hidden state ``h_1 ... h_T`` (equal to the ``hs`` returned, not the same array).
    params : RNNParams
        The parameters.
    """

    xs: Array
    h0: Array
    h: Array
    params: RNNParams


def _rnn_inputs(xs: Any, h0: Any, params: Any) -> tuple[Array, Array, RNNParams, bool]:
    """Checked inputs as the cache's own read-only copies in one dtype, batched: ``(xs, h0, params, batched)``."""
    H, D = _param_sizes(params, "rnn")
    xs = V.as_float_array("xs", xs)
    T, batch = V.sequence_dims("xs", xs.shape, D)
    h0 = _state("h0", h0, batch, H, np.result_type(xs, *params))
    dtype = np.result_type(xs, h0, *params)
    b = batch is not None
    own = RNNParams(*(_owned(a, dtype) for a in params))
    return _batched(_owned(xs, dtype), b), _batched(_owned(h0, dtype), b), own, b


@_saturating
def rnn_forward(xs: Any, h0: Any, params: RNNParams) -> tuple[Array, Array, RNNCache]:
    """Run the plain RNN over a sequence and keep what the backward pass needs.

    Taught in chapter 8 (chapter 1's RNN over a sequence, with the cache its backward pass needs).

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
        The last hidden state (equal to ``hs[-1]``, a separate array).
    cache : RNNCache
        Read-only copies of what the backward pass needs.

    Notes
    -----
    Equations::

        h_t = tanh(W_h h_{t-1} + W_x x_t + b_h)
    """
    xs, h0, params, b = _rnn_inputs(xs, h0, params)  # (T, B, D), (B, H): the cache's own copies
    T, B, D = xs.shape
    W_h, W_x, b_h = params  # (H, H), (H, D), (H,)
    H = b_h.shape[0]
    # What x_t and the bias add to every step's pre-activation, all steps at once: one (T*B, D) @ (D, H) product.
    x_part = (xs.reshape(T * B, D) @ W_x.T + b_h).reshape(T, B, H)  # (T, B, H): W_x x_t + b_h
    h_prev = h0  # (B, H)
    steps = []
    for t in range(T):
        h = np.tanh(h_prev @ W_h.T + x_part[t])  # (B, H): h_t = tanh(W_h h_{t-1} + W_x x_t + b_h)
        steps.append(h)
        h_prev = h
    (h,) = _frozen(np.stack(steps))  # (T, B, H)
    cache = RNNCache(_unbatched(xs, b), _unbatched(h0, b), _unbatched(h, b), params)
    hs = _unbatched(h, b).copy()  # the caller's, not the cache's
    return hs, hs[-1].copy(), cache


def rnn(xs: Any, h0: Any, params: RNNParams) -> tuple[Array, Array]:
    """Run the plain RNN over a sequence: ``(hs, h_n)``; ``h0=None`` means zeros.

    Taught in chapter 1.

    Parameters
    ----------
    xs : ndarray, shape (T, B, D) or (T, D)
    h0 : ndarray, shape (B, H) or (H,), or None
    params : RNNParams

    Returns
    -------
    hs : ndarray, shape (T, B, H) or (T, H)
    h_n : ndarray, shape (B, H) or (H,)
    """
    hs, h_n, _ = rnn_forward(xs, h0, params)
    return hs, h_n


@_saturating
def rnn_backward(dhs: Any, cache: RNNCache, dh_n: Any = None) -> tuple[RNNParams, Array, Array]:
    """Backpropagation through time for the plain RNN.

    Taught in chapter 8.

    Parameters
    ----------
    dhs : ndarray, shape of ``hs``
        Gradient of the loss with respect to every hidden output.
    cache : RNNCache
        From ``rnn_forward``; it is only read, so the backward pass can run twice.
    dh_n : ndarray, shape of ``h_n``, optional
        Extra gradient arriving at the final hidden state.

    Returns
    -------
    grads : RNNParams
        ``dW_h``, ``dW_x``, ``db_h``.
    dxs : ndarray, shape of ``xs``
    dh0 : ndarray, shape of ``h0``

    Notes
    -----
    Equations (``z_t`` the pre-activation)::

        dh_t  = dhs_t + W_h^T dz_{t+1}
        dz_t  = dh_t * (1 - h_t^2)
        dW_h  = sum_t dz_t h_{t-1}^T,  dW_x = sum_t dz_t x_t^T,  db_h = sum_t dz_t

    Each step multiplies the gradient by ``W_h^T`` and a tanh slope below 1:
    over many steps it shrinks geometrically (chapter 1 measures it).
    """
    if not isinstance(cache, RNNCache):
        raise TypeError(f"cache: expected the RNNCache from rnn_forward, got {type(cache).__name__}")
    dhs = _grad_like("dhs", dhs, cache.h)
    b = cache.xs.ndim == 3
    xs, h0, h, dhs = (_batched(a, b) for a in (cache.xs, cache.h0, cache.h, dhs))  # (T, B, .), (B, H)
    W_h, W_x, _ = cache.params  # (H, H), (H, D)
    T, B, D = xs.shape
    H = h.shape[-1]
    dtype = np.result_type(h, dhs)
    dh_next = np.zeros((B, H), dtype) if dh_n is None else _batched(_grad_like("dh_n", dh_n, cache.h[-1]), b)
    h_prev = np.concatenate([h0[None], h[:-1]])  # (T, B, H): h_{t-1} at every step
    tanh_slope = 1.0 - h * h  # (T, B, H): tanh' = 1 - h_t^2 at every step
    dz = np.empty((T, B, H), dtype)  # (T, B, H): gradient at each pre-activation
    for t in reversed(range(T)):
        dh = dhs[t] + dh_next  # (B, H): from the output at t and from step t+1
        dz[t] = dh * tanh_slope[t]  # (B, H): through tanh
        dh_next = dz[t] @ W_h  # (B, H): back to h_{t-1}
    # Weight and input gradients: one matrix product each over all steps and samples.
    dz_all = dz.reshape(T * B, H)  # (T*B, H)
    dW_h = dz_all.T @ h_prev.reshape(T * B, H)  # (H, H)
    dW_x = dz_all.T @ xs.reshape(T * B, D)  # (H, D)
    db_h = dz_all.sum(axis=0)  # (H,)
    dxs = (dz_all @ W_x).reshape(T, B, D)  # (T, B, D)
    return RNNParams(dW_h, dW_x, db_h), _unbatched(dxs, b), _unbatched(dh_next, b)


# --------------------------------------------------------------------------
# The LSTM, one part at a time (chapters 2-5)
# --------------------------------------------------------------------------


def _hx(x: Array, h_prev: Array) -> Array:
    """The article's concatenation ``[h_{t-1}, x_t]``: hidden part first."""
    return np.concatenate([h_prev, x], axis=-1)  # (B, H + D)


def _gate(hx: Array, W: Array, b: Array, activation: Callable[[Array], Array]) -> Array:
    """One part's layer of neurons: ``activation(W [h_{t-1}, x_t] + b)``.

    ``hx`` is ``[h_{t-1}, x_t]``, one row per sequence, so ``hx @ W.T`` is
    ``W [h_{t-1}, x_t]`` for every row at once. The activation is ``_sigmoid``
    for the three gates and ``np.tanh`` for the candidate memory.
    """
    return activation(hx @ W.T + b)  # (B, H)


@_saturating
def forget_gate(x: Any, h_prev: Any, params: LSTMParams) -> Array:
    """The forget part's gate: ``f_t = sigmoid(W_f [h_{t-1}, x_t] + b_f)``.

    Taught in chapter 3.

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
    """
    x, h_prev, _ = _step_inputs(x, h_prev, params, "lstm")
    return _gate(_hx(x, h_prev), params.W_f, params.b_f, _sigmoid)  # (B, H)


@_saturating
def input_gate(x: Any, h_prev: Any, params: LSTMParams) -> Array:
    """The input part's gate: ``i_t = sigmoid(W_i [h_{t-1}, x_t] + b_i)``.

    Taught in chapter 4.

    ``i_t`` is the fraction of the candidate ``C~_t`` written into memory.

    Parameters
    ----------
    x : ndarray, shape (B, D) or (D,)
    h_prev : ndarray, shape (B, H) or (H,)
    params : LSTMParams

    Returns
    -------
    ndarray, shape (B, H) or (H,), values in (0, 1)
    """
    x, h_prev, _ = _step_inputs(x, h_prev, params, "lstm")
    return _gate(_hx(x, h_prev), params.W_i, params.b_i, _sigmoid)  # (B, H)


@_saturating
def candidate(x: Any, h_prev: Any, params: LSTMParams) -> Array:
    """The candidate long-term memory: ``C~_t = tanh(W_c [h_{t-1}, x_t] + b_c)``.

    Taught in chapter 4.

    Parameters
    ----------
    x : ndarray, shape (B, D) or (D,)
    h_prev : ndarray, shape (B, H) or (H,)
    params : LSTMParams

    Returns
    -------
    ndarray, shape (B, H) or (H,), values in (-1, 1)
    """
    x, h_prev, _ = _step_inputs(x, h_prev, params, "lstm")
    return _gate(_hx(x, h_prev), params.W_c, params.b_c, np.tanh)  # (B, H)


@_saturating
def output_gate(x: Any, h_prev: Any, params: LSTMParams) -> Array:
    """The output part's gate: ``o_t = sigmoid(W_o [h_{t-1}, x_t] + b_o)``.

    Taught in chapter 5.

    ``o_t`` is the fraction of ``tanh(C_t)`` shown as the hidden state ``h_t``.

    Parameters
    ----------
    x : ndarray, shape (B, D) or (D,)
    h_prev : ndarray, shape (B, H) or (H,)
    params : LSTMParams

    Returns
    -------
    ndarray, shape (B, H) or (H,), values in (0, 1)
    """
    x, h_prev, _ = _step_inputs(x, h_prev, params, "lstm")
    return _gate(_hx(x, h_prev), params.W_o, params.b_o, _sigmoid)  # (B, H)


@_saturating
def lstm_cell(x: Any, state: Any, params: LSTMParams) -> tuple[Array, Array]:
    """One LSTM step, built from the article's three parts.

    Taught in chapter 2; used again in chapters 4 and 5.

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

    Notes
    -----
    Equations::

        f_t  = sigmoid(W_f [h_{t-1}, x_t] + b_f)      forget part
        i_t  = sigmoid(W_i [h_{t-1}, x_t] + b_i)      input part
        C~_t = tanh   (W_c [h_{t-1}, x_t] + b_c)
        C_t  = f_t * C_{t-1} + i_t * C~_t
        o_t  = sigmoid(W_o [h_{t-1}, x_t] + b_o)      output part
        h_t  = o_t * tanh(C_t)
    """
    h_prev, c_prev = V.unpack_state(state)
    x, h_prev, H = _step_inputs(x, h_prev, params, "lstm", "state[0] (h_prev)")
    c_prev = V.as_float_array("state[1] (c_prev)", c_prev)
    V.check_state_shape("state[1] (c_prev)", c_prev.shape, h_prev.shape[0] if h_prev.ndim == 2 else None, H, "like h_prev")
    hx = _hx(x, h_prev)  # [h_{t-1}, x_t]  (B, H + D)
    f = _gate(hx, params.W_f, params.b_f, _sigmoid)  # forget part  (B, H)
    i = _gate(hx, params.W_i, params.b_i, _sigmoid)  # input part   (B, H)
    c_tilde = _gate(hx, params.W_c, params.b_c, np.tanh)  # candidate memory  (B, H)
    c = f * c_prev + i * c_tilde  # new long-term memory  (B, H)
    o = _gate(hx, params.W_o, params.b_o, _sigmoid)  # output part  (B, H)
    h = o * np.tanh(c)  # new hidden state  (B, H)
    return h, c


# --------------------------------------------------------------------------
# The LSTM over a sequence, and backpropagation through time (chapters 6 and 8)
# --------------------------------------------------------------------------


class LSTMCache(NamedTuple):
    """What ``lstm_forward`` keeps for ``lstm_backward``: plain named arrays, read-only.

    Taught in chapter 8.

    Nothing is hidden on an object: a reader can plot ``cache.f`` (every
    forget gate at every step) or check ``cache.c[t]`` against the formulas.
    Every array is the cache's own (a copy, or one the forward pass made) and
    read-only, so nothing the caller edits reaches the backward pass.

    Attributes
    ----------
    xs : ndarray, shape (T, B, D) or (T, D)
        The inputs.
    h0, c0 : ndarray, shape (B, H) or (H,)
        The initial state.
    params : LSTMParams
        The parameters.
    f, i, c_tilde, o : ndarray, shape (T, B, H) or (T, H)
        Forget gate, input gate, candidate memory and output gate at every step.
    c : ndarray, shape (T, B, H) or (T, H)
        Long-term memory ``C_t`` at every step.
    tanh_c : ndarray, shape (T, B, H) or (T, H)
        ``tanh(C_t)``, kept for the backward pass.
    h : ndarray, shape (T, B, H) or (T, H)
        Hidden state ``h_t`` at every step (equal to the ``hs`` returned, not the same array).
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


def _lstm_inputs(xs: Any, state: Any, params: Any) -> tuple[Array, Array, Array, LSTMParams, bool]:
    """Checked inputs as the cache's own read-only copies in one dtype, batched: ``(xs, h0, c0, params, batched)``."""
    H, D = _param_sizes(params, "lstm")
    xs = V.as_float_array("xs", xs)
    T, batch = V.sequence_dims("xs", xs.shape, D)
    h0, c0 = (None, None) if state is None else V.unpack_state(state)
    zeros_dtype = np.result_type(xs, *params)  # float32 inputs and params get float32 zeros
    h0 = _state("state[0] (h0)", h0, batch, H, zeros_dtype)
    c0 = _state("state[1] (c0)", c0, batch, H, zeros_dtype)
    dtype = np.result_type(xs, h0, c0, *params)
    b = batch is not None
    own = LSTMParams(*(_owned(a, dtype) for a in params))
    return *(_batched(_owned(a, dtype), b) for a in (xs, h0, c0)), own, b


def _stacked(params: LSTMParams) -> tuple[Array, Array, Array]:
    """The four parts' weights stacked in the article's order f, i, C~, o: ``(W_h, W_x, b)``.

    Row block k of ``W = [W_f; W_i; W_c; W_o]`` belongs to part k, so one
    product ``W [h_{t-1}, x_t]`` gives the four pre-activations side by side:
    columns ``[:H]`` for f, ``[H:2H]`` for i, ``[2H:3H]`` for C~, ``[3H:]`` for o.
    """
    H = params.hidden_size
    W = np.concatenate([params.W_f, params.W_i, params.W_c, params.W_o])  # (4H, H + D)
    b = np.concatenate([params.b_f, params.b_i, params.b_c, params.b_o])  # (4H,)
    return W[:, :H], W[:, H:], b  # (4H, H), (4H, D), (4H,)


@_saturating
def lstm_forward(xs: Any, state: Any, params: LSTMParams) -> tuple[Array, tuple[Array, Array], LSTMCache]:
    """Run the LSTM over a sequence and keep every part's value for the backward pass.

    Taught in chapter 6; the cache is used in chapter 8.

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
        Named per-step arrays (gates, memories, hidden states), read-only copies.

    Notes
    -----
    Each step is ``lstm_cell``'s six equations (the tests check they agree),
    with the four parts' weights stacked into one ``(4H, H + D)`` matrix in the
    order f, i, C~, o. The share of the inputs and biases, ``W_x x_t + b``, of
    every step comes from one product before the loop; inside it, one product adds ``W_h h_{t-1}``,
    and one sigmoid call covers the three gates (at the book's small sizes a
    NumPy call costs more than its arithmetic, so one call is cheaper than three).
    """
    xs, h0, c0, params, b = _lstm_inputs(xs, state, params)  # (T, B, D), (B, H), (B, H): the cache's own copies
    T, B, D = xs.shape
    H = params.hidden_size
    W_h, W_x, bias = _stacked(params)  # (4H, H), (4H, D), (4H,)
    # What x_t and the bias add to every step's pre-activations, all steps at once: one (T*B, D) @ (D, 4H) product.
    x_part = (xs.reshape(T * B, D) @ W_x.T + bias).reshape(T, B, 4 * H)  # (T, B, 4H)
    f, i, c_tilde, o, c, tanh_c, h = (np.empty((T, B, H), xs.dtype) for _ in range(7))  # every step's values
    h_prev, c_prev = h0, c0  # (B, H)
    for t in range(T):
        z = x_part[t] + h_prev @ W_h.T  # (B, 4H): W [h_{t-1}, x_t] + b for f, i, C~, o side by side
        sigmoid_z = _sigmoid(z)  # (B, 4H): one sigmoid call for the three gates' blocks (C~'s goes unused)
        f[t] = sigmoid_z[:, :H]  # forget part  (B, H)
        i[t] = sigmoid_z[:, H : 2 * H]  # input part  (B, H)
        c_tilde[t] = np.tanh(z[:, 2 * H : 3 * H])  # candidate memory  (B, H)
        o[t] = sigmoid_z[:, 3 * H :]  # output part  (B, H)
        c[t] = f[t] * c_prev + i[t] * c_tilde[t]  # new long-term memory C_t  (B, H)
        tanh_c[t] = np.tanh(c[t])  # (B, H)
        h[t] = o[t] * tanh_c[t]  # new hidden state h_t  (B, H)
        h_prev, c_prev = h[t], c[t]
    per_step = _frozen(f, i, c_tilde, o, c, tanh_c, h)  # (T, B, H) each, now the cache's
    cache = LSTMCache(*(_unbatched(a, b) for a in (xs, h0, c0)), params, *(_unbatched(a, b) for a in per_step))
    hs = cache.h.copy()  # the caller's, not the cache's
    return hs, (hs[-1].copy(), cache.c[-1].copy()), cache


def lstm(xs: Any, state: Any, params: LSTMParams) -> tuple[Array, tuple[Array, Array]]:
    """Run the LSTM over a sequence: ``(hs, (h_n, c_n))``; ``state=None`` means zeros.

    Taught in chapter 6.

    Parameters
    ----------
    xs : ndarray, shape (T, B, D) or (T, D)
    state : pair ``(h0, c0)`` of ndarray, each (B, H) or (H,), or None
    params : LSTMParams

    Returns
    -------
    hs : ndarray, shape (T, B, H) or (T, H)
    (h_n, c_n) : pair of ndarray, each (B, H) or (H,)
    """
    hs, state_n, _ = lstm_forward(xs, state, params)
    return hs, state_n


def _final_state_grads(dstate: Any, cache: LSTMCache, b: bool, dtype: np.dtype) -> tuple[Array, Array]:
    """``(dh_n, dc_n)`` as batched ``(B, H)`` arrays: zeros when ``dstate`` is None."""
    if dstate is None:
        zeros = np.zeros(_batched(cache.h0, b).shape, dtype)  # (B, H)
        return zeros, zeros
    dh_n, dc_n = V.unpack_state(dstate, "dstate")
    dh_n = _grad_like("dstate[0] (dh_n)", dh_n, cache.h[-1])
    dc_n = _grad_like("dstate[1] (dc_n)", dc_n, cache.c[-1])
    return _batched(dh_n, b), _batched(dc_n, b)


@_saturating
def lstm_backward(dhs: Any, cache: LSTMCache, dstate: Any = None) -> tuple[LSTMParams, Array, tuple[Array, Array]]:
    """Backpropagation through time for the LSTM, one step at a time.

    Taught in chapter 8.

    Parameters
    ----------
    dhs : ndarray, shape of ``hs``
        Gradient of the loss with respect to every hidden output ``h_t``.
    cache : LSTMCache
        From ``lstm_forward``; it is only read, so the backward pass can run twice.
    dstate : pair ``(dh_n, dc_n)``, optional
        Extra gradient arriving at the final hidden state and memory.

    Returns
    -------
    grads : LSTMParams
        ``dW_f, dW_i, dW_c, dW_o, db_f, db_i, db_c, db_o``.
    dxs : ndarray, shape of ``xs``
    (dh0, dc0) : pair of ndarray, shapes of ``h0`` and ``c0``

    Notes
    -----
    Equations, from step T back to 1 (``z_g`` is part g's pre-activation;
    ``W_{g,h}``, ``W_{g,x}`` the columns of ``W_g`` for ``h_{t-1}`` and ``x_t``)::

        dh_t   = dhs_t + sum_g W_{g,h}^T dz_g(t+1)
        do_t   = dh_t * tanh(C_t)
        dC_t   = dh_t * o_t * (1 - tanh(C_t)^2) + dC_{t+1} * f_{t+1}
        df_t   = dC_t * C_{t-1}     di_t = dC_t * C~_t     dC~_t = dC_t * i_t
        dz_f   = df_t f_t (1 - f_t)   dz_i = di_t i_t (1 - i_t)   dz_c = dC~_t (1 - C~_t^2)   dz_o = do_t o_t (1 - o_t)
        dW_g   = sum_t dz_g [h_{t-1}, x_t]^T    db_g = sum_t dz_g    dx_t = sum_g W_{g,x}^T dz_g
    """
    if not isinstance(cache, LSTMCache):
        raise TypeError(f"cache: expected the LSTMCache from lstm_forward, got {type(cache).__name__}")
    dhs = _grad_like("dhs", dhs, cache.h)
    b = cache.xs.ndim == 3
    xs, h0, c0 = (_batched(a, b) for a in (cache.xs, cache.h0, cache.c0))  # (T, B, D), (B, H), (B, H)
    f, i, c_tilde, o, c, tanh_c, h, dhs = (_batched(a, b) for a in (*cache[4:], dhs))  # (T, B, H) each
    (T, B, D), H = xs.shape, h.shape[-1]
    dtype = np.result_type(h, dhs)
    dh_next, dc_next = _final_state_grads(dstate, cache, b, dtype)  # (B, H) each
    W_h, W_x, _ = _stacked(cache.params)  # (4H, H), (4H, D)
    c_prev = np.concatenate([c0[None], c[:-1]])  # (T, B, H): C_{t-1} at every step
    # The activations' slopes at every step at once: sigmoid' = s (1 - s), tanh' = 1 - tanh^2.
    f_slope, i_slope, o_slope = f * (1.0 - f), i * (1.0 - i), o * (1.0 - o)  # (T, B, H) each
    c_tilde_slope = 1.0 - c_tilde * c_tilde  # (T, B, H)
    tanh_c_slope = 1.0 - tanh_c * tanh_c  # (T, B, H)
    dz = np.empty((T, B, 4 * H), dtype)  # gradient at the pre-activations, order f, i, C~, o
    dz_f, dz_i, dz_c, dz_o = (dz[..., k * H : (k + 1) * H] for k in range(4))  # views into dz, (T, B, H) each
    for t in reversed(range(T)):
        dh = dhs[t] + dh_next  # (B, H): from the output at t and from step t+1
        # BPTT 1/6 (chapter 8): output part, h_t = o_t * tanh(C_t)
        do = dh * tanh_c[t]  # (B, H)
        # BPTT 2/6: into the memory C_t, from h_t and from step t+1
        dc = dh * o[t] * tanh_c_slope[t] + dc_next  # (B, H)
        # BPTT 3/6: forget and input parts, C_t = f_t * C_{t-1} + i_t * C~_t
        df = dc * c_prev[t]  # (B, H)
        di = dc * c_tilde[t]  # (B, H)
        dc_tilde = dc * i[t]  # (B, H)
        # BPTT 4/6: back to the previous memory C_{t-1}
        dc_next = dc * f[t]  # (B, H): the memory path, times f_t and nothing else
        # BPTT 5/6: through the activations to the pre-activations z
        dz_f[t] = df * f_slope[t]  # (B, H)
        dz_i[t] = di * i_slope[t]  # (B, H)
        dz_c[t] = dc_tilde * c_tilde_slope[t]  # (B, H)
        dz_o[t] = do * o_slope[t]  # (B, H)
        # BPTT 6/6: back to the previous hidden state h_{t-1}, through every part
        dh_next = dz[t] @ W_h  # (B, H)
    # Weight gradients: matrix products over all steps and samples at once.
    h_prev = np.concatenate([h0[None], h[:-1]]).reshape(T * B, H)  # h_{t-1} of every step and sample, a row each
    dz_all = dz.reshape(T * B, 4 * H)  # dz of every step and sample, a row each
    dW = np.concatenate([dz_all.T @ h_prev, dz_all.T @ xs.reshape(T * B, D)], axis=1)  # (4H, H + D): h's, x's columns
    db = dz.sum(axis=(0, 1))  # (4H,)
    dxs = (dz_all @ W_x).reshape(T, B, D)  # (T, B, D)
    dW_f, dW_i, dW_c, dW_o = (dW[k * H : (k + 1) * H] for k in range(4))  # (H, H + D) each
    grads = LSTMParams(dW_f, dW_i, dW_c, dW_o, *(db[k * H : (k + 1) * H] for k in range(4)))  # db_f ... db_o: (H,)
    return grads, _unbatched(dxs, b), (_unbatched(dh_next, b), _unbatched(dc_next, b))


# --------------------------------------------------------------------------
# The output neuron (chapters 1 and 6)
# --------------------------------------------------------------------------


@_saturating
def output_neuron(h: Any, W_y: Any, b_y: Any) -> Array:
    """The article's output neuron: ``y^_t = sigmoid(W_y h_t + b_y)``.

    Taught in chapter 1 (option 1: predict now) and chapter 6.

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
    ndarray, shape (..., K), values in [0, 1]
    """
    h, W_y, b_y = V.as_float_array("h", h), V.as_float_array("W_y", W_y), V.as_float_array("b_y", b_y)
    if h.ndim < 1:
        raise V.shape_error("h", "(..., hidden)", h.shape)
    if W_y.ndim != 2 or W_y.shape[1] != h.shape[-1]:
        raise V.shape_error("W_y", f"(outputs, {h.shape[-1]}) to match h's last axis", W_y.shape)
    if b_y.shape != (W_y.shape[0],):
        raise V.shape_error("b_y", V.fmt((W_y.shape[0],)), b_y.shape)
    return _sigmoid(h @ W_y.T + b_y)  # (..., K)


# --------------------------------------------------------------------------
# Measuring memory (chapters 1, 6, 8 and 9)
# --------------------------------------------------------------------------


def input_influence(xs: Any, state: Any, params: LSTMParams | RNNParams, step: int = 0) -> Array:
    """How strongly the input at ``step`` still moves each later hidden state.

    Taught in chapter 1; used again in chapter 6.

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


def gradient_by_distance(params: LSTMParams | RNNParams, xs: Any, wrt: str = "input") -> Array:
    """How strongly the last step still depends on what happened k steps earlier.

    Taught in chapters 8 and 9 (the memory path against the recurrent weight).

    Entry ``k`` is the norm of a gradient that crosses ``k`` steps backwards,
    averaged over the sequences of the batch:

    * ``wrt="input"``: ``|d(sum of h_T) / d x_{T-k}|``, for every ``k`` from one
      backward pass (the loss of a last-step prediction reads ``h_T`` only,
      so this is the path its gradient takes to each input); the same
      gradient as ``input_influence``, seen from the last step;
    * ``wrt="state"``: the recurrent path itself: ``|d(sum of C_T) / d C_{T-k}|``
      for an LSTM (the long-term memory), ``|d(sum of h_T) / d h_{T-k}|`` for an
      RNN. Entry 0 is ``sqrt(H)`` (a state's derivative with respect to itself
      is the identity). For the LSTM the last k steps are rerun from the state
      ``(h_{T-k}, C_{T-k})`` with ``h_{T-k}`` held fixed: every road through
      ``h_{T-k+1} ... h_{T-1}`` is followed, but not the first step's detour
      through ``h_{T-k}`` (so at k = 1 the result is exactly
      the norm of ``f_T``). Costs T forward and backward passes.

    Parameters
    ----------
    params : LSTMParams or RNNParams
        Chooses the model.
    xs : ndarray, shape (T, B, D) or (T, D)
    wrt : {"input", "state"}

    Returns
    -------
    ndarray, shape (T,)
        Indexed by the distance ``k = T - t`` (0 is the last step).
    """
    if isinstance(params, (LSTMParams, RNNParams)):
        is_lstm = isinstance(params, LSTMParams)
        _, D = _param_sizes(params, "lstm" if is_lstm else "rnn")
    else:
        raise TypeError(f"params: expected LSTMParams or RNNParams, got {type(params).__name__}")
    xs = V.as_float_array("xs", xs)
    if V.sequence_dims("xs", xs.shape, D)[1] is None:  # unbatched (T, D): one sequence
        xs = xs[:, None, :]  # (T, 1, D)
    wrt = V.check_choice("wrt", wrt, ("input", "state"))
    hs, _, cache = lstm_forward(xs, None, params) if is_lstm else rnn_forward(xs, None, params)  # (T, B, H)
    T, B, H = hs.shape
    if wrt == "input":
        dhs = np.zeros_like(hs)  # (T, B, H)
        dhs[-1] = 1.0  # d(sum of h_T)
        dxs = (lstm_backward(dhs, cache) if is_lstm else rnn_backward(dhs, cache))[1]  # (T, B, D)
        return np.linalg.norm(dxs, axis=2).mean(axis=1)[::-1].copy()  # (T,) by distance
    out = np.empty(T)
    out[0] = np.sqrt(H)
    ones = np.ones((B, H))  # (B, H)
    for k in range(1, T):
        t = T - k  # 1-based step of the state we differentiate with respect to
        rest = xs[t:]  # steps t+1 .. T, (k, B, D)
        if is_lstm:
            state = (cache.h[t - 1], cache.c[t - 1])  # (h_t, C_t)
            hs_k, _, c_k = lstm_forward(rest, state, params)
            d_state = lstm_backward(np.zeros_like(hs_k), c_k, dstate=(np.zeros((B, H)), ones))[2][1]  # (B, H)
        else:
            hs_k, _, c_k = rnn_forward(rest, cache.h[t - 1], params)
            d_state = rnn_backward(np.zeros_like(hs_k), c_k, dh_n=ones)[2]  # (B, H)
        out[k] = float(np.linalg.norm(d_state, axis=1).mean())  # mean norm over the batch
    return out
