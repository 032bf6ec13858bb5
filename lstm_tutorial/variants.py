"""LSTM variants, the GRU and the plain RNN in one cell, for chapter 13's comparison.

``from lstm_tutorial import variants``

What is here: one recurrent cell that runs any of ``VARIANTS``, written in the
book's notation (every gate acts on ``[h_{t-1}, x_t]``, gate order f, i, C~,
o), over PyTorch tensors so that autograd does the backward pass:

==========================  ==============================================================
``"lstm"``                  the book's LSTM (the package's ``lstm``, value for value)
``"no_forget"``             f_t = 1: the 1997 LSTM, whose memory only adds
``"no_input"``              i_t = 1: every candidate is written in full
``"no_output"``             o_t = 1: h_t = tanh(C_t)
``"coupled"``               i_t = 1 - f_t: what is forgotten is replaced
``"peephole"``              f_t and i_t also see C_{t-1}, o_t sees C_t (diagonal weights)
``"no_output_activation"``  h_t = o_t * C_t, no tanh
``"gru"``                   the gated recurrent unit, exactly as ``torch.nn.GRU``
``"rnn"``                   the plain RNN of chapter 1
==========================  ==============================================================

Parameters are a ``dict`` of tensors named as in the book (``W_f``, ``b_f``,
...; ``p_f, p_i, p_o`` for the peepholes; ``W_r, W_z, W_n, b_r, b_z, b_n,
b_nh`` for the GRU; ``W_h, W_x, b_h`` for the RNN), so a variant that drops a
gate simply has no weights for it and its parameter count says so.
``init_variant_params`` draws them; ``variant_cell`` runs one step and
``variant_sequence`` a whole sequence; ``count_parameters`` and
``matched_hidden_size`` size the variants to a common parameter budget;
``from_torch_gru`` reads a ``torch.nn.GRU`` in this notation.

Choices, and why:

* torch with autograd, not NumPy with a hand-written backward: nine backward
  passes by hand would bury the comparison; the tests check every variant's
  gradient against finite differences in float64 instead.
* Peepholes are diagonal (one weight per unit, ``p_f * C_{t-1}``), as Gers and
  Schmidhuber (2000) and Greff et al. (2017) have them: a unit's gates see its
  own memory cell only.
* The GRU keeps ``torch.nn.GRU``'s two biases of the candidate (``b_n`` added
  outside the reset gate, ``b_nh`` inside it), so the two agree exactly; its
  reset gate multiplies ``W_nh h_{t-1} + b_nh`` (torch's and cuDNN's form),
  not ``h_{t-1}`` before the product (Cho et al. 2014's form).

What is left out: a NumPy backward pass for the variants, layers of several
cells, dropout and other regularisers, and torch.nn modules (the training
script wraps the parameters itself).

Shapes are time-major as everywhere in the package: a sequence is ``(T, B, D)``
or, unbatched, ``(T, D)``; one step ``(B, D)`` or ``(D,)``. The state is a pair
``(h, C)`` for the LSTM variants and the hidden state ``h`` alone for the GRU
and the RNN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from lstm_tutorial import _validate as V
from lstm_tutorial import numpy as _np_backend

__all__ = [
    "VARIANTS",
    "count_parameters",
    "from_torch_gru",
    "init_variant_params",
    "matched_hidden_size",
    "variant_cell",
    "variant_sequence",
]

#: The names ``variant_cell`` and ``init_variant_params`` accept, the book's LSTM first.
VARIANTS = ("lstm", "no_forget", "no_input", "no_output", "coupled", "peephole", "no_output_activation", "gru", "rnn")

# The gates each variant computes from [h_{t-1}, x_t], in the book's order (GRU: torch's order r, z, n).
_GATES = {
    "lstm": ("f", "i", "c", "o"),
    "no_forget": ("i", "c", "o"),
    "no_input": ("f", "c", "o"),
    "no_output": ("f", "i", "c"),
    "coupled": ("f", "c", "o"),
    "peephole": ("f", "i", "c", "o"),
    "no_output_activation": ("f", "i", "c", "o"),
    "gru": ("r", "z", "n"),
}
_LSTM_FAMILY = tuple(v for v in VARIANTS if v not in ("gru", "rnn"))


def _keys(variant: str) -> tuple[str, ...]:
    """The names of a variant's parameters, weights first."""
    if variant == "rnn":
        return ("W_h", "W_x", "b_h")
    gates = _GATES[variant]
    keys = tuple("W_" + g for g in gates) + tuple("b_" + g for g in gates)
    if variant == "peephole":
        keys += ("p_f", "p_i", "p_o")
    if variant == "gru":
        keys += ("b_nh",)
    return keys


def _shapes(variant: str, H: int, D: int) -> dict[str, tuple[int, ...]]:
    if variant == "rnn":
        return {"W_h": (H, H), "W_x": (H, D), "b_h": (H,)}
    return {k: ((H, H + D) if k.startswith("W_") else (H,)) for k in _keys(variant)}


def _check_variant(variant: Any) -> str:
    return V.check_choice("variant", variant, VARIANTS)


def _check_params(variant: str, params: Any) -> tuple[int, int]:
    """``(H, D)`` of a variant's parameter dict: its keys, each tensor's shape, one dtype and device."""
    if not isinstance(params, dict):
        raise TypeError(f"params: expected a dict of tensors for variant {variant!r}, got {type(params).__name__}")
    keys = _keys(variant)
    V.check_keys("params", params, keys, f"variant {variant!r}")
    for k in keys:
        V.as_float_tensor(f"params[{k!r}]", params[k])
        V.check_same_kind(f"params[{k!r}]", params[k], f"params[{keys[0]!r}]", params[keys[0]])
    W = params[keys[0]]  # W_h of the RNN, the first gate's W of the others
    if W.ndim != 2 or W.shape[0] < 1 or (variant != "rnn" and W.shape[1] <= W.shape[0]):
        want = "(hidden, hidden)" if variant == "rnn" else "(hidden, hidden + input) with input >= 1"
        raise V.shape_error(f"params[{keys[0]!r}]", want, W.shape)
    H = W.shape[0]
    if variant == "rnn":
        D = params["W_x"].shape[-1] if params["W_x"].ndim == 2 else 0
    else:
        D = W.shape[1] - H
    for k, s in _shapes(variant, H, max(D, 1)).items():
        if tuple(params[k].shape) != s:
            raise V.shape_error(f"params[{k!r}]", V.fmt(s), params[k].shape)
    return H, D


def _init_uniform(shapes: dict[str, tuple[int, ...]], H: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    bound = 1.0 / np.sqrt(H)
    return {k: rng.uniform(-bound, bound, size=s) for k, s in shapes.items()}


def init_variant_params(
    variant: str,
    input_size: int,
    hidden_size: int,
    seed: int = 0,
    *,
    forget_bias: float | None = None,
    dtype: torch.dtype | None = None,
) -> dict[str, Tensor]:
    """Random parameters of one variant, uniform in ``[-1/sqrt(H), 1/sqrt(H)]``, as a dict of tensors.

    Taught in chapter 13.

    The LSTM variants take their gates' values from
    ``lstm_tutorial.numpy.init_lstm_params(input_size, hidden_size, seed)``
    and keep the gates they use, so ``"lstm"`` starts exactly where the
    package's LSTM does and a variant differs from it only in what it drops or
    adds. Peephole weights ``p_f, p_i, p_o`` are drawn from
    ``np.random.default_rng([seed, 3])``, the GRU's weights from
    ``np.random.default_rng([seed, 4])`` (the range ``torch.nn.GRU`` uses),
    the RNN's from ``lstm_tutorial.numpy.init_rnn_params``.

    Parameters
    ----------
    variant : str
        One of ``VARIANTS``.
    input_size : int
        Number of input features D.
    hidden_size : int
        Number of hidden units H.
    seed : int, default 0
    forget_bias : float, optional
        If given, every entry of ``b_f`` is set to it (chapter 9), and for the
        GRU every entry of ``b_z``: the GRU's ``z_t`` is the share of
        ``h_{t-1}`` kept, its forget gate. Ignored by ``"no_forget"`` and ``"rnn"``.
    dtype : torch.dtype, optional
        Default ``torch.get_default_dtype()``.

    Returns
    -------
    dict of str -> Tensor
        Weights ``W_* (H, H + D)`` acting on ``[h_{t-1}, x_t]`` and biases
        ``b_* (H,)`` (the RNN: ``W_h (H, H)``, ``W_x (H, D)``, ``b_h (H,)``);
        no gradients required.
    """
    variant = _check_variant(variant)
    D = V.check_int("input_size", input_size, 1)
    H = V.check_int("hidden_size", hidden_size, 1)
    seed = V.check_int("seed", seed, 0)
    if forget_bias is not None:
        forget_bias = V.check_float("forget_bias", forget_bias)
    if dtype is not None and not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise TypeError(f"dtype: expected a floating-point torch.dtype, got {dtype!r}")
    if variant == "rnn":
        arrays = dict(zip(("W_h", "W_x", "b_h"), _np_backend.init_rnn_params(D, H, seed)))
    elif variant == "gru":
        arrays = _init_uniform(_shapes("gru", H, D), H, np.random.default_rng([seed, 4]))
        if forget_bias is not None:
            arrays["b_z"] = np.full(H, forget_bias)
    else:
        lstm = _np_backend.init_lstm_params(D, H, seed, forget_bias=forget_bias)._asdict()
        arrays = {k: lstm[k] for k in _keys(variant) if k in lstm}
        if variant == "peephole":
            arrays.update(_init_uniform({k: (H,) for k in ("p_f", "p_i", "p_o")}, H, np.random.default_rng([seed, 3])))
    dtype = dtype or torch.get_default_dtype()
    return {k: torch.tensor(arrays[k], dtype=dtype) for k in _keys(variant)}


def count_parameters(params: dict[str, Tensor]) -> int:
    """Number of trainable numbers in a variant's parameters.

    Taught in chapter 13.

    Parameters
    ----------
    params : dict of str -> Tensor

    Returns
    -------
    int
    """
    if not isinstance(params, dict):
        raise TypeError(f"params: expected a dict of tensors, got {type(params).__name__}")
    return sum(int(V.as_float_tensor(f"params[{k!r}]", p).numel()) for k, p in params.items())


def _count(variant: str, D: int, H: int) -> int:
    return sum(int(np.prod(s)) for s in _shapes(variant, H, D).values())


def matched_hidden_size(variant: str, input_size: int, n_params: int) -> int:
    """The hidden size that gives ``variant`` the parameter count closest to ``n_params``.

    Taught in chapter 13: the variants are compared at (nearly) equal
    parameter counts, so a cell with fewer gates gets more units.

    Parameters
    ----------
    variant : str
        One of ``VARIANTS``.
    input_size : int
        Number of input features D.
    n_params : int
        The budget, e.g. ``count_parameters`` of the book's LSTM.

    Returns
    -------
    int
        ``H >= 1`` minimising ``|count(H) - n_params|`` (ties: the smaller H).
    """
    variant = _check_variant(variant)
    D = V.check_int("input_size", input_size, 1)
    n = V.check_int("n_params", n_params, 1)
    H = 1
    while _count(variant, D, H + 1) <= n:
        H += 1
    return H + 1 if abs(_count(variant, D, H + 1) - n) < abs(_count(variant, D, H) - n) else H


def _step(variant: str, zx: Tensor, h: Tensor, c: Tensor | None, p: dict[str, Tensor],
          Wh: Tensor, bh: Tensor | None) -> tuple[Tensor, Tensor | None]:
    """One step from the input's share ``zx`` of every gate's pre-activation, ``W_* [h, x] + b_*``.

    ``zx`` holds ``W_*x x_t + b_*`` of every gate, stacked in ``_GATES`` order
    (B, G*H); ``Wh`` the gates' hidden columns stacked (G*H, H).
    """
    if variant == "rnn":
        return torch.tanh(zx + h @ Wh.T), None  # h_t = tanh(W_h h_{t-1} + W_x x_t + b_h)    (B, H)
    zh = h @ Wh.T if bh is None else torch.addmm(bh, h, Wh.T)  # hidden share of every gate  (B, G*H)
    if variant == "gru":
        zx_r, zx_z, zx_n = zx.chunk(3, dim=1)
        zh_r, zh_z, zh_n = zh.chunk(3, dim=1)
        r = torch.sigmoid(zx_r + zh_r)  # reset gate                                  (B, H)
        z = torch.sigmoid(zx_z + zh_z)  # update gate: share of h_{t-1} kept          (B, H)
        n = torch.tanh(zx_n + r * zh_n)  # candidate, W_nh h_{t-1} + b_nh reset by r  (B, H)
        return (1 - z) * n + z * h, None  # h_t                                        (B, H)
    a = dict(zip(_GATES[variant], (zx + zh).chunk(len(_GATES[variant]), dim=1)))  # pre-activations (B, H) each
    if variant == "peephole":
        f = torch.sigmoid(a["f"] + p["p_f"] * c)  # f_t sees C_{t-1}              (B, H)
        i = torch.sigmoid(a["i"] + p["p_i"] * c)  # i_t sees C_{t-1}              (B, H)
    else:
        f = 1.0 if variant == "no_forget" else torch.sigmoid(a["f"])  # forget part   (B, H)
        if variant == "coupled":
            i = 1 - f  # input part: what is forgotten is replaced                     (B, H)
        else:
            i = 1.0 if variant == "no_input" else torch.sigmoid(a["i"])  # input part  (B, H)
    c_tilde = torch.tanh(a["c"])  # candidate long-term memory                     (B, H)
    c = f * c + i * c_tilde  # C_t = f_t * C_{t-1} + i_t * C~_t                       (B, H)
    if variant == "peephole":
        o = torch.sigmoid(a["o"] + p["p_o"] * c)  # o_t sees C_t                  (B, H)
    else:
        o = 1.0 if variant == "no_output" else torch.sigmoid(a["o"])  # output part  (B, H)
    h = o * (c if variant == "no_output_activation" else torch.tanh(c))  # h_t         (B, H)
    return h, c


def _stacked(variant: str, p: dict[str, Tensor], H: int) -> tuple[Tensor, Tensor, Tensor, Tensor | None]:
    """``(W_x part (G*H, D), W_h part (G*H, H), bias (G*H,), hidden bias or None)``, gates in ``_GATES`` order."""
    if variant == "rnn":
        return p["W_x"], p["W_h"], p["b_h"], None
    gates = _GATES[variant]
    W = torch.cat([p["W_" + g] for g in gates])  # (G*H, H + D)
    b = torch.cat([p["b_" + g] for g in gates])  # (G*H,)
    bh = None
    if variant == "gru":  # b_nh sits inside the reset gate's product; r and z have none there
        zeros = p["b_nh"].new_zeros(2 * H)
        bh = torch.cat([zeros, p["b_nh"]])  # (3H,)
    return W[:, H:], W[:, :H], b, bh


def _state(variant: str, state: Any, batch: int | None, H: int, like: Tensor, names: tuple[str, str]
           ) -> tuple[Tensor, Tensor | None]:
    """``(h, C)`` from the caller's state (C is None for the GRU and RNN); None means zeros."""
    lstm_like = variant in _LSTM_FAMILY
    if state is None:
        zeros = like.new_zeros(V.state_shape(batch, H))
        return zeros, (zeros if lstm_like else None)
    why = "hidden_size, batched like the input"
    if lstm_like:
        h, c = V.unpack_state(state, "state")
        h = V.as_float_tensor(names[0], h)
        c = V.as_float_tensor(names[1], c)
        for name, t in ((names[0], h), (names[1], c)):
            V.check_same_kind(name, t, "params", like)
            V.check_state_shape(name, t.shape, batch, H, why)
        return h, c
    if isinstance(state, (tuple, list)):
        raise TypeError(f"state: variant {variant!r} keeps one state h, expected a tensor, got a {type(state).__name__}")
    h = V.as_float_tensor("state", state)
    V.check_same_kind("state", h, "params", like)
    V.check_state_shape("state", h.shape, batch, H, why)
    return h, None


def _pack(variant: str, h: Tensor, c: Tensor | None) -> Any:
    return (h, c) if variant in _LSTM_FAMILY else h


def variant_cell(variant: str, x: Tensor, state: Any, params: dict[str, Tensor]) -> tuple[Tensor, Any]:
    """One step of a variant: ``(h_t, state_t)``.

    Taught in chapter 13.

    Parameters
    ----------
    variant : str
        One of ``VARIANTS``.
    x : Tensor, shape (B, D) or (D,)
        Input ``x_t``.
    state : pair of Tensor, or Tensor, or None
        ``(h_{t-1}, C_{t-1})``, each (B, H) or (H,), for the LSTM variants;
        ``h_{t-1}`` alone for ``"gru"`` and ``"rnn"``; None means zeros.
    params : dict of str -> Tensor
        As ``init_variant_params`` returns them.

    Returns
    -------
    h : Tensor, shape (B, H) or (H,)
        ``h_t``.
    state : pair of Tensor, or Tensor
        ``(h_t, C_t)`` for the LSTM variants, ``h_t`` for the GRU and RNN.

    Notes
    -----
    Equations (the book's LSTM, then what each variant changes)::

        f_t  = sigmoid(W_f [h_{t-1}, x_t] + b_f)       no_forget: f_t = 1
        i_t  = sigmoid(W_i [h_{t-1}, x_t] + b_i)       no_input: i_t = 1; coupled: i_t = 1 - f_t
        C~_t = tanh   (W_c [h_{t-1}, x_t] + b_c)
        C_t  = f_t * C_{t-1} + i_t * C~_t
        o_t  = sigmoid(W_o [h_{t-1}, x_t] + b_o)       no_output: o_t = 1
        h_t  = o_t * tanh(C_t)                         no_output_activation: h_t = o_t * C_t
        peephole: + p_f * C_{t-1} in f_t, + p_i * C_{t-1} in i_t, + p_o * C_t in o_t

        GRU: r_t = sigmoid(W_r [h_{t-1}, x_t] + b_r),  z_t = sigmoid(W_z [h_{t-1}, x_t] + b_z)
             n_t = tanh(W_nx x_t + b_n + r_t * (W_nh h_{t-1} + b_nh)),  h_t = (1 - z_t) * n_t + z_t * h_{t-1}
        RNN: h_t = tanh(W_h h_{t-1} + W_x x_t + b_h)
    """
    variant = _check_variant(variant)
    H, D = _check_params(variant, params)
    like = next(iter(params.values()))
    x = V.as_float_tensor("x", x)
    V.check_same_kind("x", x, "params", like)
    batch = V.step_dims("x", x.shape, D)
    h, c = _state(variant, state, batch, H, like, ("state[0] (h_prev)", "state[1] (c_prev)"))
    b = batch is not None
    Wx, Wh, bias, bh = _stacked(variant, params, H)
    zx = torch.addmm(bias, (x if b else x.unsqueeze(0)), Wx.T)  # (B, G*H)
    h, c = _step(variant, zx, h if b else h.unsqueeze(0), None if c is None else (c if b else c.unsqueeze(0)),
                 params, Wh, bh)
    if not b:
        h, c = h[0], (None if c is None else c[0])
    return h, _pack(variant, h, c)


def variant_sequence(variant: str, xs: Tensor, state: Any, params: dict[str, Tensor]) -> tuple[Tensor, Any]:
    """Run a variant over a sequence: ``(hs, state_n)``; ``state=None`` means zeros.

    Taught in chapter 13.

    Parameters
    ----------
    variant : str
        One of ``VARIANTS``.
    xs : Tensor, shape (T, B, D) or (T, D)
    state : pair of Tensor, or Tensor, or None
        As in ``variant_cell``.
    params : dict of str -> Tensor

    Returns
    -------
    hs : Tensor, shape (T, B, H) or (T, H)
        ``h_t`` at every step.
    state_n : pair of Tensor, or Tensor
        The final ``(h_T, C_T)`` (LSTM variants) or ``h_T`` (GRU, RNN).

    Notes
    -----
    The same steps as ``variant_cell``, with the inputs of all T steps
    projected by one matrix product. Autograd records every step, so
    ``hs.sum().backward()`` is backpropagation through time.
    """
    variant = _check_variant(variant)
    H, D = _check_params(variant, params)
    like = next(iter(params.values()))
    xs = V.as_float_tensor("xs", xs)
    V.check_same_kind("xs", xs, "params", like)
    T, batch = V.sequence_dims("xs", xs.shape, D)
    h, c = _state(variant, state, batch, H, like, ("state[0] (h0)", "state[1] (c0)"))
    b = batch is not None
    X = xs if b else xs.unsqueeze(1)  # (T, B, D)
    B = X.shape[1]
    h = h if b else h.unsqueeze(0)  # (B, H)
    c = c if (c is None or b) else c.unsqueeze(0)  # (B, H)
    Wx, Wh, bias, bh = _stacked(variant, params, H)
    Zx = torch.addmm(bias, X.reshape(T * B, D), Wx.T).view(T, B, -1)  # every step's input share  (T, B, G*H)
    hs = []
    for zx in Zx.unbind(0):
        h, c = _step(variant, zx, h, c, params, Wh, bh)
        hs.append(h)
    Hs = torch.stack(hs)  # (T, B, H)
    if not b:
        return Hs[:, 0], _pack(variant, h[0], None if c is None else c[0])
    return Hs, _pack(variant, h, c)


def from_torch_gru(module: nn.GRU | nn.GRUCell) -> dict[str, Tensor]:
    """The parameters of a one-layer ``torch.nn.GRU`` (or ``GRUCell``) in the book's notation, as copies.

    Taught in chapter 13.

    torch packs the GRU's three blocks in the order r, z, n into
    ``weight_ih_l0 (3H, D)`` and ``weight_hh_l0 (3H, H)``, with two biases
    ``bias_ih_l0`` and ``bias_hh_l0 (3H,)``. Here each block is one matrix on
    ``[h_{t-1}, x_t]`` (hidden columns first): ``W_r = [W_hr | W_ir]``,
    ``W_z = [W_hz | W_iz]``, ``W_n = [W_hn | W_in]``. The r and z biases add
    up (``b_r = b_ir + b_hr``); the candidate's two stay apart, since
    ``b_hn`` sits inside the reset gate's product: ``b_n = b_in``,
    ``b_nh = b_hn``.

    Parameters
    ----------
    module : torch.nn.GRU or torch.nn.GRUCell
        One layer, unidirectional, with biases.

    Returns
    -------
    dict of str -> Tensor
        ``W_r, W_z, W_n (H, H + D)``, ``b_r, b_z, b_n, b_nh (H,)``, detached copies.
    """
    if isinstance(module, nn.GRU):
        if module.num_layers != 1 or module.bidirectional or not module.bias or module.batch_first:
            raise ValueError("module: expected a one-layer, unidirectional, time-major nn.GRU with biases, "
                             f"got num_layers={module.num_layers}, bidirectional={module.bidirectional}, "
                             f"bias={module.bias}, batch_first={module.batch_first}")
        w_ih, w_hh, b_ih, b_hh = module.weight_ih_l0, module.weight_hh_l0, module.bias_ih_l0, module.bias_hh_l0
    elif isinstance(module, nn.GRUCell):
        if not module.bias:
            raise ValueError("module: expected an nn.GRUCell with biases, got bias=False")
        w_ih, w_hh, b_ih, b_hh = module.weight_ih, module.weight_hh, module.bias_ih, module.bias_hh
    else:
        raise TypeError(f"module: expected torch.nn.GRU or torch.nn.GRUCell, got {type(module).__name__}")
    with torch.no_grad():
        W = torch.cat([w_hh, w_ih], dim=1)  # (3H, H + D): [h, x] columns, blocks r, z, n
        W_r, W_z, W_n = (w.clone() for w in W.chunk(3))
        i_r, i_z, i_n = b_ih.chunk(3)
        h_r, h_z, h_n = b_hh.chunk(3)
        return {"W_r": W_r, "W_z": W_z, "W_n": W_n, "b_r": i_r + h_r, "b_z": i_z + h_z,
                "b_n": i_n.clone(), "b_nh": h_n.clone()}
