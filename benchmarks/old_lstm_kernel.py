"""Yesterday's NumPy LSTM kernel, frozen: kept only so ``bench_lstm.py`` can time the readable core against it.

This is ``lstm_forward``/``lstm_backward`` of ``lstm_tutorial/numpy.py`` as they
were at commit 553f502, before the core was rewritten to read as the book's
equations (issue 12), with the helpers they call, copied verbatim. It is the
speed-tuned version: gates in a private f, i, o, C~ order, the rows of the
three sigmoid gates halved so one tanh covers all four, ``out=`` buffers
and in-place updates. Nothing in the package or the book imports it; do not
fix or tune it (that would move the baseline). Its cache shares memory with
what it returns (the bug issue 12 fixed): fine for timing, wrong for use.
"""

# ruff: noqa: E501
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from lstm_tutorial import _validate as V
from lstm_tutorial._params import LSTMParams, RNNParams

Array = np.ndarray

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



def _batched(a: Array, batched: bool) -> Array:
    """View a caller's array with a batch axis of 1 added when it has none."""
    return a if batched else a[..., None, :]



def _check_grad(name: str, g: Any, like: Array) -> Array:
    g = _as_float(name, g)
    if g.shape != like.shape:
        raise V.shape_error(name, V.fmt(like.shape), g.shape)
    return g



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
