"""The PyTorch backend: the same RNN and LSTM as the NumPy backend, over tensors, with autograd.

``from lstm_tutorial import torch as lt``

What is here:

* the shared vocabulary of both backends, with the same signatures as
  ``lstm_tutorial.numpy``: ``sigmoid``/``tanh``, ``init_rnn_params``,
  ``rnn_cell``/``rnn``, ``init_lstm_params``, ``forget_gate``,
  ``input_gate``, ``candidate``, ``output_gate``, ``lstm_cell``, ``lstm``,
  ``output_neuron``, and the ``LSTMParams``/``RNNParams`` classes. They take
  and return ``torch.Tensor``s on whatever device and dtype the inputs have,
  and autograd differentiates them: there is no ``*_backward`` here,
  ``loss.backward()`` does chapter 8's work;
* the bridge to ``torch.nn``: ``to_torch_lstm``/``from_torch_lstm``
  (chapter 10) and ``to_torch_rnn``/``from_torch_rnn`` move parameters
  between the article's notation and ``torch.nn.LSTM``/``torch.nn.RNN``,
  exactly. Inside the package the gates are always in the article's order
  f, i, C~, o; torch's order i, f, g, o appears only in these converters, and
  ``to_torch_lstm`` explains it (and how other frameworks pack the gates).

Each function's "Taught in chapter N (NumPy backend)" names the chapter that
teaches it with ``lstm_tutorial.numpy``; chapter 10 uses ``lstm_cell``,
``lstm`` and the converters of this backend.

The ``torch.nn.Module`` with the article's parameter names, ``LSTMModel``,
lives in ``lstm_tutorial.torch_models`` (it imports this module; this module
does not import it).

What is left out: an explicit backward pass (the NumPy backend has it),
multi-layer or bidirectional stacks, dropout, peepholes, projections and
packed sequences: ``torch.nn.LSTM`` has all of them, and ``to_torch_lstm``
hands a reader over. No ``torch.compile``/TorchScript: the loop is plain
Python, readable and fast enough (``benchmarks/bench_lstm.py`` times it
against ``torch.nn.LSTM``).

Shapes are time-major, as in ``torch.nn.LSTM``: a sequence is ``(T, B, D)`` or,
unbatched, ``(T, D)``; one step is ``(B, D)`` or ``(D,)``. Outputs keep the
caller's batching, dtype and device. An empty batch (``B = 0``) is refused
with "the batch is empty", as in the NumPy backend (``torch.nn.LSTM`` would
accept it; here it is almost always a slicing mistake).

Bad input: TypeError for the wrong kind of thing (a NumPy array, an integer
tensor, a mismatched dtype or device), ValueError for a wrong value (a shape,
NaN or infinity), naming the caller's argument; the checks live in
``lstm_tutorial._validate``. Huge finite inputs (1e300) saturate silently, as
torch's own functions do.

Dtypes: unlike the NumPy backend, nothing is promoted. Every tensor of a call
must share the dtype and device of ``params``, or a ``TypeError`` names the
tensor, both dtypes and the fix. This is torch's own rule (``torch.nn.LSTM``
refuses a float64 input to a float32 module too, so code moves between the
two unchanged) and it keeps a float32 model from silently running in float64
because its data came from ``torch.from_numpy``. The initialisers return tensors of
``torch.get_default_dtype()`` (float32 unless changed), holding the NumPy
backend's values for the same seed rounded to that dtype.

Speed: ``lstm`` stacks the four gates into one ``(4H, H + D)`` matrix once per
call, in the article's order f, i, C~, o, projects the inputs of all steps
with one matrix product and does one ``(B, H) @ (H, 4H)`` product per step;
``rnn`` likewise. The single-step functions are the readable version the
chapters teach; the tests check that both agree, with the NumPy backend and
with ``torch.nn``, on values and on gradients.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from lstm_tutorial import _validate as V
from lstm_tutorial import numpy as _np_backend
from lstm_tutorial._params import LSTMParams, RNNParams

__all__ = [
    "LSTMParams",
    "RNNParams",
    "candidate",
    "forget_gate",
    "from_torch_lstm",
    "from_torch_rnn",
    "init_lstm_params",
    "init_rnn_params",
    "input_gate",
    "lstm",
    "lstm_cell",
    "output_gate",
    "output_neuron",
    "rnn",
    "rnn_cell",
    "sigmoid",
    "tanh",
    "to_torch_lstm",
    "to_torch_rnn",
]

# --------------------------------------------------------------------------
# Validation (once per call, never once per step)
# --------------------------------------------------------------------------


def _check_params(params: Any, kind: str, prefix: str = "params") -> tuple[int, int]:
    """``(hidden_size, input_size)``; messages call the parameters ``prefix`` (the caller's name for them)."""
    if kind == "lstm":
        H, D = V.lstm_param_sizes(params, LSTMParams, prefix)
    else:
        H, D = V.rnn_param_sizes(params, RNNParams, prefix)
    first = f"{prefix}.{params._fields[0]}"
    for name, a in zip(params._fields, params):
        V.as_float_tensor(f"{prefix}.{name}", a)
        V.check_same_kind(f"{prefix}.{name}", a, first, params[0])
    return H, D


def _input(name: str, a: Any, params: Any, prefix: str = "params") -> Tensor:
    """Validate a data tensor and check it matches the parameters' dtype and device."""
    a = V.as_float_tensor(name, a)
    V.check_same_kind(name, a, prefix, params[0])
    return a


def _zeros_or(
    name: str, a: Any, batch: int | None, H: int, why: str, like: Tensor, params: Any, prefix: str = "params"
) -> Tensor:
    if a is None:
        return like.new_zeros(V.state_shape(batch, H))
    a = _input(name, a, params, prefix)
    V.check_state_shape(name, a.shape, batch, H, why)
    return a


def _step_inputs(x: Any, h_prev: Any, params: Any, kind: str, h_name: str = "h_prev") -> tuple[Tensor, Tensor, int]:
    """Validate one step's ``x`` and ``h_prev`` (``h_name``: the caller's name for it); return them and H."""
    H, D = _check_params(params, kind)
    x = _input("x", x, params)
    batch = V.step_dims("x", x.shape, D)
    h_prev = _input(h_name, h_prev, params)
    V.check_state_shape(h_name, h_prev.shape, batch, H, "hidden_size, batched like x")
    return x, h_prev, H


def _batched(a: Tensor, batched: bool) -> Tensor:
    """View a caller's tensor with a batch axis of 1 added when it has none."""
    return a if batched else a.unsqueeze(-2)


# --------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------


def _as_z(z: Any) -> Tensor:
    """Tensors pass through; Python numbers and lists become tensors of the default dtype.

    subtle: a number is checked in float64 before it is rounded to the default
    dtype, so 1e300 (finite) saturates to 1 in float32 instead of being refused
    as the infinity that rounding makes of it.
    """
    if isinstance(z, (bool, np.ndarray)) or not isinstance(z, (int, float, list, tuple)):
        return V.as_float_tensor("z", z)
    z64 = V.as_float_array("z", z)  # float64; a ragged list is a TypeError, NaN a ValueError
    return torch.tensor(z64, dtype=torch.float64).to(torch.get_default_dtype())


def sigmoid(z: Any) -> Tensor:
    """Logistic function ``1 / (1 + exp(-z))``, elementwise, without overflow.

    Taught in chapters 1 and 2 (NumPy backend).

    ``torch.sigmoid`` never overflows: ``sigmoid(-1000)`` is 0 and
    ``sigmoid(1000)`` is 1, with no warning.

    Parameters
    ----------
    z : Tensor or number
        Pre-activation, any shape. Python numbers and lists become tensors of
        ``torch.get_default_dtype()``.

    Returns
    -------
    Tensor
        Same shape, dtype and device as ``z``, values in [0, 1].
    """
    return torch.sigmoid(_as_z(z))


def tanh(z: Any) -> Tensor:
    """Hyperbolic tangent, elementwise; never overflows (``tanh(1000)`` is 1).

    Taught in chapter 1 (NumPy backend).

    Parameters
    ----------
    z : Tensor or number
        Pre-activation, any shape.

    Returns
    -------
    Tensor
        Same shape, dtype and device as ``z``, values in [-1, 1].
    """
    return torch.tanh(_as_z(z))


# --------------------------------------------------------------------------
# Initialisation: the NumPy backend's draws, as tensors
# --------------------------------------------------------------------------


def _tensors(arrays: Any) -> list[Tensor]:
    dtype = torch.get_default_dtype()
    return [torch.tensor(a, dtype=dtype) for a in arrays]


def init_rnn_params(input_size: int, hidden_size: int, seed: int = 0) -> RNNParams:
    """Random RNN parameters, uniform in ``[-1/sqrt(H), 1/sqrt(H)]``, as tensors.

    Used in chapters 7 and 8 (NumPy backend).

    The values are those of ``lstm_tutorial.numpy.init_rnn_params`` for the
    same seed (drawn by ``np.random.default_rng(seed)``), converted to
    ``torch.get_default_dtype()`` (float32 unless changed) on the CPU. The
    tensors do not require gradients; for training, call
    ``p.requires_grad_()`` on each.

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
    """
    return RNNParams(*_tensors(_np_backend.init_rnn_params(input_size, hidden_size, seed)))


def init_lstm_params(
    input_size: int, hidden_size: int, seed: int = 0, *, forget_bias: float | None = None
) -> LSTMParams:
    """Random LSTM parameters, uniform in ``[-1/sqrt(H), 1/sqrt(H)]``, as tensors.

    Taught in chapter 2 (NumPy backend).

    The values are those of ``lstm_tutorial.numpy.init_lstm_params`` for the
    same seed, converted to ``torch.get_default_dtype()`` (float32 unless
    changed) on the CPU, so a reader can move between backends and keep the
    same starting point.

    Parameters
    ----------
    input_size : int
        Number of input features D.
    hidden_size : int
        Number of hidden units H.
    seed : int, default 0
        Seed of the random generator.
    forget_bias : float, optional
        If given, every entry of ``b_f`` is set to this value (chapter 9:
        a forget bias of 1 keeps the memory by default early in training).

    Returns
    -------
    LSTMParams
        Weights ``(H, H + D)``, biases ``(H,)``; no gradients required.
    """
    arrays = _np_backend.init_lstm_params(input_size, hidden_size, seed, forget_bias=forget_bias)
    return LSTMParams(*_tensors(arrays))


# --------------------------------------------------------------------------
# The plain RNN (chapter 1)
# --------------------------------------------------------------------------


def rnn_cell(x: Any, h_prev: Any, params: RNNParams) -> Tensor:
    """One step of the plain RNN: ``h_t = tanh(W_h h_{t-1} + W_x x_t + b_h)``.

    Taught in chapter 1 (NumPy backend).

    Parameters
    ----------
    x : Tensor, shape (B, D) or (D,)
        Input at this step.
    h_prev : Tensor, shape (B, H) or (H,)
        Hidden state of the previous step, batched like ``x``.
    params : RNNParams
        Tensors of one dtype and device, shared by ``x`` and ``h_prev``.

    Returns
    -------
    Tensor, shape (B, H) or (H,)
        The new hidden state ``h_t``.
    """
    x, h_prev, _ = _step_inputs(x, h_prev, params, "rnn")
    return torch.tanh(h_prev @ params.W_h.T + x @ params.W_x.T + params.b_h)  # (B, H)


def rnn(xs: Any, h0: Any, params: RNNParams) -> tuple[Tensor, Tensor]:
    """Run the plain RNN over a sequence: ``(hs, h_n)``; ``h0=None`` means zeros.

    Taught in chapter 1 (NumPy backend).

    Parameters
    ----------
    xs : Tensor, shape (T, B, D) or (T, D)
    h0 : Tensor, shape (B, H) or (H,), or None
    params : RNNParams

    Returns
    -------
    hs : Tensor, shape (T, B, H) or (T, H)
        Hidden state at every step.
    h_n : Tensor, shape (B, H) or (H,)
        The last hidden state (``hs[-1]``).

    Notes
    -----
    The input part ``W_x x_t + b_h`` of all T steps is one ``(T*B, D) @ (D, H)``
    product; each step adds one ``(B, H) @ (H, H)`` product.
    """
    H, D = _check_params(params, "rnn")
    xs = _input("xs", xs, params)
    T, batch = V.sequence_dims("xs", xs.shape, D)
    h0 = _zeros_or("h0", h0, batch, H, "hidden_size, batched like xs", xs, params)
    b = batch is not None
    X = _batched(xs, b)  # (T, B, D)
    B = X.shape[1]
    # All input projections at once: one (T*B, D) @ (D, H) product.
    Z_x = torch.addmm(params.b_h, X.reshape(T * B, D), params.W_x.T).view(T, B, H)  # (T, B, H)
    W_hT = params.W_h.T  # (H, H)
    h = _batched(h0, b)  # (B, H)
    hs = []
    # subtle: unbind once rather than index Z_x[t]: the backward of each
    # Z_x[t] would allocate a zero (T, B, H) gradient, T times over.
    for z_x in Z_x.unbind(0):
        h = torch.tanh(torch.addmm(z_x, h, W_hT))  # (B, H)
        hs.append(h)
    Hs = torch.stack(hs)  # (T, B, H)
    if not b:
        return Hs[:, 0], h[0]
    return Hs, h


# --------------------------------------------------------------------------
# The LSTM, one part at a time (chapters 2-5)
# --------------------------------------------------------------------------


def _hx(x: Tensor, h_prev: Tensor) -> Tensor:
    """The article's concatenation ``[h_{t-1}, x_t]``: hidden part first."""
    return torch.cat([h_prev, x], dim=-1)  # (B, H + D)


# Each part's activation: the candidate is a tanh neuron, the three gates are sigmoid neurons.
_ACTIVATION = {"f": torch.sigmoid, "i": torch.sigmoid, "c": torch.tanh, "o": torch.sigmoid}


def _gate(x: Any, h_prev: Any, params: LSTMParams, part: str) -> Tensor:
    """``act(W_<part> [h_{t-1}, x_t] + b_<part>)`` for ``part`` in f, i, c, o, arguments checked once."""
    x, h_prev, _ = _step_inputs(x, h_prev, params, "lstm")
    W, b = getattr(params, "W_" + part), getattr(params, "b_" + part)  # (H, H + D), (H,)
    return _ACTIVATION[part](_hx(x, h_prev) @ W.T + b)  # (B, H)


def forget_gate(x: Any, h_prev: Any, params: LSTMParams) -> Tensor:
    """The forget part's gate: ``f_t = sigmoid(W_f [h_{t-1}, x_t] + b_f)``.

    Taught in chapter 3 (NumPy backend).

    ``f_t`` is the fraction of each entry of the long-term memory ``C_{t-1}``
    that is kept: 1 keeps all of it, 0 wipes it.

    Parameters
    ----------
    x : Tensor, shape (B, D) or (D,)
    h_prev : Tensor, shape (B, H) or (H,)
    params : LSTMParams

    Returns
    -------
    Tensor, shape (B, H) or (H,), values in (0, 1)
    """
    return _gate(x, h_prev, params, "f")


def input_gate(x: Any, h_prev: Any, params: LSTMParams) -> Tensor:
    """The input part's gate: ``i_t = sigmoid(W_i [h_{t-1}, x_t] + b_i)``.

    Taught in chapter 4 (NumPy backend).

    ``i_t`` is the fraction of the candidate ``C~_t`` written into memory.

    Parameters
    ----------
    x : Tensor, shape (B, D) or (D,)
    h_prev : Tensor, shape (B, H) or (H,)
    params : LSTMParams

    Returns
    -------
    Tensor, shape (B, H) or (H,), values in (0, 1)
    """
    return _gate(x, h_prev, params, "i")


def candidate(x: Any, h_prev: Any, params: LSTMParams) -> Tensor:
    """The candidate long-term memory: ``C~_t = tanh(W_c [h_{t-1}, x_t] + b_c)``.

    Taught in chapter 4 (NumPy backend).

    Parameters
    ----------
    x : Tensor, shape (B, D) or (D,)
    h_prev : Tensor, shape (B, H) or (H,)
    params : LSTMParams

    Returns
    -------
    Tensor, shape (B, H) or (H,), values in (-1, 1)
    """
    return _gate(x, h_prev, params, "c")


def output_gate(x: Any, h_prev: Any, params: LSTMParams) -> Tensor:
    """The output part's gate: ``o_t = sigmoid(W_o [h_{t-1}, x_t] + b_o)``.

    Taught in chapter 5 (NumPy backend).

    ``o_t`` is the fraction of ``tanh(C_t)`` shown as the hidden state ``h_t``.

    Parameters
    ----------
    x : Tensor, shape (B, D) or (D,)
    h_prev : Tensor, shape (B, H) or (H,)
    params : LSTMParams

    Returns
    -------
    Tensor, shape (B, H) or (H,), values in (0, 1)
    """
    return _gate(x, h_prev, params, "o")


def lstm_cell(x: Any, state: Any, params: LSTMParams) -> tuple[Tensor, Tensor]:
    """One LSTM step, built from the article's three parts.

    Taught in chapter 2 (NumPy backend; chapters 4 and 5 use it again) and chapter 10 (this backend).

    Parameters
    ----------
    x : Tensor, shape (B, D) or (D,)
        Input ``x_t``.
    state : pair of Tensor, each shape (B, H) or (H,)
        ``(h_prev, c_prev)``: the previous hidden state and long-term memory.
    params : LSTMParams

    Returns
    -------
    h : Tensor, shape (B, H) or (H,)
        New hidden state ``h_t``.
    c : Tensor, shape (B, H) or (H,)
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
    c_prev = _input("state[1] (c_prev)", c_prev, params)
    V.check_state_shape(
        "state[1] (c_prev)", c_prev.shape, h_prev.shape[0] if h_prev.ndim == 2 else None, H, "like h_prev"
    )
    p = params
    hx = _hx(x, h_prev)  # (B, H + D)
    f = torch.sigmoid(hx @ p.W_f.T + p.b_f)  # forget part      (B, H)
    i = torch.sigmoid(hx @ p.W_i.T + p.b_i)  # input part       (B, H)
    c_tilde = torch.tanh(hx @ p.W_c.T + p.b_c)  # candidate     (B, H)
    c = f * c_prev + i * c_tilde  # new long-term memory        (B, H)
    o = torch.sigmoid(hx @ p.W_o.T + p.b_o)  # output part      (B, H)
    h = o * torch.tanh(c)  # new hidden state                   (B, H)
    return h, c


# --------------------------------------------------------------------------
# The LSTM over a sequence, fused (chapter 6)
# --------------------------------------------------------------------------


def _stacked(params: LSTMParams) -> tuple[Tensor, Tensor, Tensor]:
    """Stack the gates in the article's order f, i, C~, o: ``(W_h part, W_x part, bias)``.

    ``torch.cat`` is differentiable, so gradients flow back to each ``W_f``,
    ``W_i``, ... separately.
    """
    W = torch.cat([params.W_f, params.W_i, params.W_c, params.W_o], dim=0)  # (4H, H + D)
    b = torch.cat([params.b_f, params.b_i, params.b_c, params.b_o])  # (4H,)
    H = params.hidden_size
    return W[:, :H], W[:, H:], b  # (4H, H), (4H, D), (4H,)


def lstm(xs: Any, state: Any, params: LSTMParams) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """Run the LSTM over a sequence: ``(hs, (h_n, c_n))``; ``state=None`` means zeros.

    Taught in chapter 6 (NumPy backend) and chapter 10 (this backend).

    Parameters
    ----------
    xs : Tensor, shape (T, B, D) or (T, D)
    state : pair ``(h0, c0)`` of Tensor, each (B, H) or (H,), or None
    params : LSTMParams
        Tensors of one dtype and device, shared by ``xs`` and ``state``.

    Returns
    -------
    hs : Tensor, shape (T, B, H) or (T, H)
        Hidden state at every step.
    (h_n, c_n) : pair of Tensor, each (B, H) or (H,)
        Final hidden state and long-term memory.

    Notes
    -----
    Computes exactly ``lstm_cell`` step after step (the tests check it), but
    with the four gates stacked once per call (f, i, C~, o): the inputs of all T steps are
    projected by one ``(T*B, D) @ (D, 4H)`` product and each step adds one
    ``(B, H) @ (H, 4H)`` product. Autograd records every step, so
    ``hs.sum().backward()`` is backpropagation through time.
    """
    return _lstm(xs, state, params, "params")


def _lstm(xs: Any, state: Any, params: LSTMParams, prefix: str) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """``lstm``, with the parameters called ``prefix`` in error messages (``model`` for ``LSTMModel``)."""
    H, D = _check_params(params, "lstm", prefix)
    xs = _input("xs", xs, params, prefix)
    T, batch = V.sequence_dims("xs", xs.shape, D)
    if state is None:
        h0 = c0 = xs.new_zeros(V.state_shape(batch, H))
    else:
        h0, c0 = V.unpack_state(state)
        why = "hidden_size, batched like xs"
        h0 = _zeros_or("state[0] (h0)", h0, batch, H, why, xs, params, prefix)
        c0 = _zeros_or("state[1] (c0)", c0, batch, H, why, xs, params, prefix)
    b = batch is not None
    X = _batched(xs, b)  # (T, B, D)
    B = X.shape[1]
    Wh, Wx, bias = _stacked(params)
    # The input part of every gate at every step, bias included: one product.
    Z_x = torch.addmm(bias, X.reshape(T * B, D), Wx.T).view(T, B, 4 * H)  # (T, B, 4H)
    WhT = Wh.T  # (H, 4H)
    h, c = _batched(h0, b), _batched(c0, b)  # (B, H)
    hs = []
    # subtle: unbind once rather than index Z_x[t]: the backward of each
    # Z_x[t] would allocate a zero (T, B, 4H) gradient, T times over.
    for z_x in Z_x.unbind(0):
        z_f, z_i, z_c, z_o = torch.addmm(z_x, h, WhT).chunk(4, dim=1)  # pre-activations, (B, H) each
        f = torch.sigmoid(z_f)  # forget part                       (B, H)
        i = torch.sigmoid(z_i)  # input part                        (B, H)
        c_tilde = torch.tanh(z_c)  # candidate long-term memory     (B, H)
        o = torch.sigmoid(z_o)  # output part                       (B, H)
        c = f * c + i * c_tilde  # C_t = f_t * C_{t-1} + i_t * C~_t (B, H)
        h = o * torch.tanh(c)  # h_t = o_t * tanh(C_t)              (B, H)
        hs.append(h)
    Hs = torch.stack(hs)  # (T, B, H)
    if not b:
        return Hs[:, 0], (h[0], c[0])
    return Hs, (h, c)


# --------------------------------------------------------------------------
# The output neuron (chapters 1 and 6)
# --------------------------------------------------------------------------


def output_neuron(h: Any, W_y: Any, b_y: Any) -> Tensor:
    """The article's output neuron: ``y^_t = sigmoid(W_y h_t + b_y)``.

    Taught in chapters 1 and 6 (NumPy backend).

    Parameters
    ----------
    h : Tensor, shape (..., H)
        One hidden state, a batch, or a whole sequence ``(T, B, H)``: the
        neuron is applied at every step.
    W_y : Tensor, shape (K, H)
        Output weights (K = 1 for the article's single neuron).
    b_y : Tensor, shape (K,)

    Returns
    -------
    Tensor, shape (..., K), values in (0, 1)
    """
    h, W_y, b_y = V.as_float_tensor("h", h), V.as_float_tensor("W_y", W_y), V.as_float_tensor("b_y", b_y)
    if h.ndim < 1:
        raise V.shape_error("h", "(..., hidden)", h.shape)
    if W_y.ndim != 2 or W_y.shape[1] != h.shape[-1]:
        raise V.shape_error("W_y", f"(outputs, {h.shape[-1]}) to match h's last axis", W_y.shape)
    if tuple(b_y.shape) != (W_y.shape[0],):
        raise V.shape_error("b_y", V.fmt((W_y.shape[0],)), b_y.shape)
    V.check_same_kind("h", h, "W_y", W_y)
    V.check_same_kind("b_y", b_y, "W_y", W_y)
    return torch.sigmoid(h @ W_y.T + b_y)  # (..., K)


# --------------------------------------------------------------------------
# The bridge to torch.nn (chapter 10)
# --------------------------------------------------------------------------

# torch.nn.LSTM's row blocks, in its order: input, forget, cell (candidate), output.
_TORCH_GATES = ("i", "f", "c", "o")


def _param_tensors(params: Any, kind: str) -> Any:
    """NumPy arrays or tensors -> tensors of one dtype and device, checked like the backend's."""
    if isinstance(params, (LSTMParams, RNNParams)):  # anything else: _check_params names it
        params = params._make(
            torch.from_numpy(np.ascontiguousarray(V.as_float_array(f"params.{name}", a)))
            if isinstance(a, np.ndarray)
            else a
            for name, a in zip(params._fields, params)
        )
    _check_params(params, kind)
    return params


def _empty_module(cls: type, *args: Any, like: Tensor, **kwargs: Any) -> nn.Module:
    """Build a torch.nn module without touching torch's global random generator.

    subtle: ``nn.LSTM(...)`` draws random weights at construction, which would
    shift every later ``torch.rand`` of the reader's script. Built on the
    ``meta`` device, nothing is drawn; ``to_empty`` then allocates real storage.
    """
    module = cls(*args, dtype=like.dtype, device="meta", **kwargs)
    return module.to_empty(device=like.device)


def _numpy(t: Tensor) -> np.ndarray:
    t = t.detach().cpu()
    if t.dtype not in (torch.float32, torch.float64):
        t = t.double()  # float16/bfloat16: NumPy has no bfloat16
    return t.numpy()


def to_torch_lstm(params: LSTMParams) -> nn.LSTM:
    """A one-layer ``torch.nn.LSTM`` that computes exactly what ``lstm(xs, state, params)`` computes.

    Taught in chapter 10.

    Parameters
    ----------
    params : LSTMParams
        NumPy arrays (``lstm_tutorial.numpy``) or tensors (this backend).

    Returns
    -------
    torch.nn.LSTM
        ``num_layers=1``, ``batch_first=False`` (time-major, like the book),
        with the dtype of ``params`` (float64 NumPy parameters give a float64
        module; call ``.float()`` for float32) and, for tensors, their device.
        Building it leaves torch's random generator untouched.

    Notes
    -----
    **How torch packs the gates.** The article gives each gate its own weight
    ``W_f, W_i, W_c, W_o`` of shape ``(H, H + D)``, acting on the
    concatenation ``[h_{t-1}, x_t]`` (hidden part first), and one bias per
    gate. ``torch.nn.LSTM`` stores the same numbers differently:

    * the four gates are stacked as row blocks in the order **i, f, g, o**
      (input, forget, "cell" ``g`` = our candidate ``C~``, output);
    * the columns that multiply ``x_t`` and those that multiply ``h_{t-1}``
      live in two matrices, ``weight_ih_l0`` of shape ``(4H, D)`` and
      ``weight_hh_l0`` of shape ``(4H, H)``;
    * there are two biases, ``bias_ih_l0`` and ``bias_hh_l0`` of shape
      ``(4H,)``, that are simply added: only their sum matters (cuDNN's
      layout, which torch follows).

    So for the forget gate (rows ``H:2H``)::

        W_f = [weight_hh_l0[H:2H], weight_ih_l0[H:2H]]     columns: h part, then x part
        b_f = bias_ih_l0[H:2H] + bias_hh_l0[H:2H]

    and ``W_f [h, x] + b_f = weight_hh_f h + weight_ih_f x + bias_ih_f + bias_hh_f``.
    Here the whole sum goes into ``bias_ih_l0`` and ``bias_hh_l0`` is zero,
    so ``from_torch_lstm(to_torch_lstm(p))`` gives ``p`` back bit for bit.

    **How other frameworks order the gates.** Each row was checked in the
    source or reference documentation named in the last column (D inputs,
    H hidden units):

    ========================  =================  ==========================================  ====================================
    framework                 gate order         layout                                      where checked
    ========================  =================  ==========================================  ====================================
    this book                 f, i, C~, o        ``W_* (H, H + D)`` on ``[h, x]``,           ``lstm_tutorial._params``
                              (by name)          one bias per gate
    PyTorch ``nn.LSTM``       i, f, g, o         ``weight_ih (4H, D)``,                      ``torch.nn.LSTM`` documentation
                                                 ``weight_hh (4H, H)``, two biases
    Keras ``LSTMCell``        i, f, c, o         ``kernel (D, 4H)``,                         ``tensorflow/python/keras/layers/
                                                 ``recurrent_kernel (H, 4H)``, one bias;     recurrent.py``, ``LSTMCell.call``
                                                 gates are column blocks
    TensorFlow 1 LSTMCell     i, j, f, o         ``kernel (D + H, 4H)`` on ``[x, h]``        ``tensorflow/python/ops/
                              (j: candidate)     (input first); ``forget_bias=1`` added      rnn_cell_impl.py``, ``LSTMCell.call``
                                                 at run time, not stored
    TensorFlow ``BlockLSTM``  i, c, f, o         one fused ``w``, ``b``                      ``tf.raw_ops.BlockLSTM`` docs
                              (V2: i, f, c, o)                                               ("ICFO gate layout")
    MXNet Gluon ``LSTMCell``  i, f, c, o         ``i2h_weight (4H, D)``,                     ``python/mxnet/gluon/rnn/
                                                 ``h2h_weight (4H, H)``, two biases          rnn_cell.py``
    Flax ``LSTMCell``         i, f, g, o         one ``Dense`` per gate and source:          ``flax/linen/recurrent.py``
                                                 ``ii, if, ig, io`` on x (no bias),
                                                 ``hi, hf, hg, ho`` on h (with bias);
                                                 ``OptimizedLSTMCell`` concatenates them
    cuDNN                     i, f, c, o         ``linLayerID`` 0-3 on x, 4-7 on h,          cuDNN API reference (v7),
                              (c: new memory)    one bias each                               ``cudnnGetRNNLinLayerMatrixParams``
    ONNX ``LSTM``             i, o, f, c         ``W (dirs, 4H, D)``, ``R (dirs, 4H, H)``,   onnx.ai operator page (``W[iofc]``)
                                                 ``B (dirs, 8H)``: both biases
    ========================  =================  ==========================================  ====================================

    Moving weights between any two of them means reordering row (or column)
    blocks, maybe a transpose, splitting or joining ``[h, x]``, and summing or
    splitting biases. A mistake there still runs and even trains, only worse,
    which is why the tests compare values and gradients with ``torch.nn.LSTM``.
    """
    p = _param_tensors(params, "lstm")
    H, D = p.hidden_size, p.input_size
    module = _empty_module(nn.LSTM, D, H, num_layers=1, like=p.W_f)
    W = {"i": p.W_i, "f": p.W_f, "c": p.W_c, "o": p.W_o}
    b = {"i": p.b_i, "f": p.b_f, "c": p.b_c, "o": p.b_o}
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.cat([W[g][:, H:] for g in _TORCH_GATES]))  # x part (4H, D)
        module.weight_hh_l0.copy_(torch.cat([W[g][:, :H] for g in _TORCH_GATES]))  # h part (4H, H)
        module.bias_ih_l0.copy_(torch.cat([b[g] for g in _TORCH_GATES]))  # (4H,)
        module.bias_hh_l0.zero_()  # only the sum of the two biases matters
    return module


def _torch_weights(module: Any, cls: type, cell_cls: type, what: str) -> tuple[Tensor, Tensor, Tensor | None]:
    """``(weight_ih, weight_hh, bias_ih + bias_hh or None)`` of a one-layer module or a cell."""
    if isinstance(module, cls):
        if module.num_layers != 1 or module.bidirectional or getattr(module, "proj_size", 0):
            raise ValueError(
                f"module: expected a one-layer, one-direction {what} without projection, got num_layers="
                f"{module.num_layers}, bidirectional={module.bidirectional}, proj_size={getattr(module, 'proj_size', 0)}"
            )
        sfx = "_l0"
    elif isinstance(module, cell_cls):
        sfx = ""
    else:
        raise TypeError(
            f"module: expected a torch.nn.{cls.__name__} or torch.nn.{cell_cls.__name__}, got {type(module).__name__}"
        )
    w_ih, w_hh = getattr(module, "weight_ih" + sfx), getattr(module, "weight_hh" + sfx)
    bias = getattr(module, "bias_ih" + sfx) + getattr(module, "bias_hh" + sfx) if module.bias else None
    return w_ih.detach(), w_hh.detach(), None if bias is None else bias.detach()


def from_torch_lstm(module: nn.LSTM | nn.LSTMCell) -> LSTMParams:
    """The article's ``LSTMParams`` (NumPy arrays) of a one-layer ``torch.nn.LSTM``.

    Taught in chapter 10.

    The inverse of ``to_torch_lstm`` (see there for how torch packs the
    gates): the row blocks i, f, g, o of ``weight_hh_l0`` and ``weight_ih_l0``
    are put side by side as ``[h part, x part]``, and each gate's bias is
    ``bias_ih_l0 + bias_hh_l0``. A ``torch.nn.LSTMCell`` works too.

    Parameters
    ----------
    module : torch.nn.LSTM or torch.nn.LSTMCell
        One layer, one direction, no projection (``proj_size=0``); any
        ``batch_first`` (it does not change the parameters). ``bias=False``
        gives zero biases.

    Returns
    -------
    LSTMParams
        NumPy arrays of the module's dtype (float32 or float64), on the CPU,
        new memory (changing them does not change the module). Weights are
        copied exactly; each bias is the float sum of torch's two.
    """
    w_ih, w_hh, bias = _torch_weights(module, nn.LSTM, nn.LSTMCell, "nn.LSTM")
    H = module.hidden_size
    if bias is None:
        bias = w_ih.new_zeros(4 * H)
    rows = {g: slice(k * H, (k + 1) * H) for k, g in enumerate(_TORCH_GATES)}
    W = {g: _numpy(torch.cat([w_hh[r], w_ih[r]], dim=1)) for g, r in rows.items()}  # (H, H + D)
    b = {g: _numpy(bias[r].clone()) for g, r in rows.items()}  # (H,)
    return LSTMParams(W["f"], W["i"], W["c"], W["o"], b["f"], b["i"], b["c"], b["o"])


def to_torch_rnn(params: RNNParams) -> nn.RNN:
    """A one-layer tanh ``torch.nn.RNN`` that computes exactly what ``rnn(xs, h0, params)`` computes.

    In no chapter: the RNN twin of ``to_torch_lstm`` (chapter 10), kept for readers
    (the package's public contract names it).

    ``torch.nn.RNN`` computes ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``:
    ``weight_ih_l0`` is our ``W_x`` ``(H, D)``, ``weight_hh_l0`` is ``W_h``
    ``(H, H)``, and the two biases add up to ``b_h`` (here ``bias_ih_l0 = b_h``
    and ``bias_hh_l0 = 0``, so the round trip is exact).

    Parameters
    ----------
    params : RNNParams
        NumPy arrays or tensors.

    Returns
    -------
    torch.nn.RNN
        ``nonlinearity="tanh"``, ``num_layers=1``, time-major, with the dtype
        (and, for tensors, the device) of ``params``.
    """
    p = _param_tensors(params, "rnn")
    module = _empty_module(nn.RNN, p.input_size, p.hidden_size, num_layers=1, nonlinearity="tanh", like=p.W_h)
    with torch.no_grad():
        module.weight_ih_l0.copy_(p.W_x)  # (H, D)
        module.weight_hh_l0.copy_(p.W_h)  # (H, H)
        module.bias_ih_l0.copy_(p.b_h)  # (H,)
        module.bias_hh_l0.zero_()
    return module


def from_torch_rnn(module: nn.RNN | nn.RNNCell) -> RNNParams:
    """The article's ``RNNParams`` (NumPy arrays) of a one-layer tanh ``torch.nn.RNN``.

    In no chapter: the RNN twin of ``from_torch_lstm`` (chapter 10), kept for readers
    (the package's public contract names it).

    ``W_h = weight_hh_l0``, ``W_x = weight_ih_l0``, ``b_h = bias_ih_l0 + bias_hh_l0``;
    a tanh ``torch.nn.RNNCell`` works too.

    Parameters
    ----------
    module : torch.nn.RNN or torch.nn.RNNCell
        One layer, one direction, ``nonlinearity="tanh"``.

    Returns
    -------
    RNNParams
        NumPy arrays of the module's dtype, on the CPU, new memory.
    """
    w_ih, w_hh, bias = _torch_weights(module, nn.RNN, nn.RNNCell, "nn.RNN")
    if module.nonlinearity != "tanh":
        raise ValueError(f"module: expected nonlinearity='tanh' (the book's RNN), got {module.nonlinearity!r}")
    if bias is None:
        bias = w_ih.new_zeros(module.hidden_size)
    return RNNParams(_numpy(w_hh.clone()), _numpy(w_ih.clone()), _numpy(bias.clone()))
