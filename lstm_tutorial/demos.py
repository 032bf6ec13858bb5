"""The pure functions under the book's sliders: numbers in, numbers out, nothing drawn.

``from lstm_tutorial.demos import cell_values, forget_demo``

Each function takes what a slider sets and returns a dict of the numbers the
chapter shows. ``lstm_tutorial.widgets`` wires ipywidgets sliders to them,
``lstm_tutorial.explorer`` takes its first numbers from them, and the tests
check them with no front end. What it holds, by chapter:

* chapter 1: ``rnn_memory_demo``, two sequences through one RNN neuron;
* chapter 2: ``gate_demo``, the fraction a gate lets through, and
  ``cell_values``, every number of one LSTM step for the cell diagram;
* chapter 3: ``forget_demo`` and ``forget_from_weights_demo``;
* chapter 4: ``input_demo`` (its keys: ``INPUT_KEYS``);
* chapter 5: ``output_demo`` (its keys: ``OUTPUT_KEYS``);
* chapter 6: ``memory_lstm_params``, a one-unit LSTM set by hand, and
  ``memory_comparison_demo``, which runs it beside chapter 1's RNN.

What it leaves out: sliders and figures (``widgets``, ``diagram``, ``plot``),
and hidden sizes above 1 (a slider moves one unit).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstm_tutorial import _validate as V
from lstm_tutorial import numpy as lt

__all__ = [
    "INPUT_KEYS",
    "OUTPUT_KEYS",
    "cell_values",
    "forget_demo",
    "forget_from_weights_demo",
    "gate_demo",
    "input_demo",
    "memory_comparison_demo",
    "memory_lstm_params",
    "output_demo",
    "rnn_memory_demo",
]

#: Keys of ``input_demo``'s result, in the order the input part computes them.
INPUT_KEYS: tuple[str, ...] = ("c_prev", "f", "i", "c_tilde", "kept", "added", "c")

#: Keys of ``output_demo``'s result, in the order the cell computes them.
OUTPUT_KEYS: tuple[str, ...] = ("c_prev", "f", "i", "c_tilde", "c", "o", "tanh_c", "h")

# The range of each value a reader sets by hand: gates are sigmoid outputs,
# the candidate a tanh output, the old memory any number.
_RANGE: dict[str, tuple[float | None, float | None]] = {
    "c_prev": (None, None),
    "f": (0.0, 1.0),
    "i": (0.0, 1.0),
    "c_tilde": (-1.0, 1.0),
    "o": (0.0, 1.0),
}


def _numbers(**given: Any) -> dict[str, float]:
    """Check each argument is one finite number (in its range when ``_RANGE`` has one)."""
    return {name: V.check_scalar(name, v, *_RANGE.get(name, (None, None))) for name, v in given.items()}


def _from_gates(c_prev: float, f: float, i: float, c_tilde: float, o: float) -> dict[str, float]:
    """The cell's two outputs from checked gate values: the article's two lines."""
    c = f * c_prev + i * c_tilde  # forget part + input part
    h = o * float(lt.tanh(c))  # output part
    return {"c_prev": c_prev, "f": f, "i": i, "c_tilde": c_tilde, "o": o, "c": c, "h": h}


# --------------------------------------------------------------------------
# Chapter 1: does one RNN neuron remember x_1?
# --------------------------------------------------------------------------


def _rnn_memory(w_h: float, T: int, w_x: float, b_h: float, seed: int) -> dict[str, np.ndarray]:
    params = lt.RNNParams(np.array([[w_h]]), np.array([[w_x]]), np.array([b_h]))
    rest = np.random.default_rng(seed).normal(0.0, 0.5, size=(T, 1))  # (T, 1)
    xs_a, xs_b = rest.copy(), rest.copy()  # (T, 1) each
    xs_a[0], xs_b[0] = 1.0, -1.0
    h_a = lt.rnn(xs_a, None, params)[0][:, 0]  # (T,)
    h_b = lt.rnn(xs_b, None, params)[0][:, 0]  # (T,)
    return {
        "xs": xs_a[:, 0],
        "h_a": h_a,
        "h_b": h_b,
        "gap": np.abs(h_a - h_b),
        "influence": lt.input_influence(xs_a, None, params, step=0),
    }


def rnn_memory_demo(w_h: float, T: int, *, w_x: float = 1.0, b_h: float = 0.0, seed: int = 0) -> dict[str, np.ndarray]:
    """Two sequences that differ only in ``x_1``, through the one-neuron RNN of chapter 1.

    Taught in chapter 1.

    Sequence A starts with ``x_1 = +1``, sequence B with ``x_1 = -1``; the
    later inputs are the same small random numbers (seeded) for both. If the
    network remembered ``x_1``, ``h_t`` of A and B would stay apart.

    Parameters
    ----------
    w_h : float
        The recurrent weight (how much of ``h_{t-1}`` is passed on).
    T : int
        Sequence length, >= 1.
    w_x, b_h : float
        Input weight and bias of the hidden neuron.
    seed : int
        Seed of the later inputs, >= 0.

    Returns
    -------
    dict
        ``xs`` (T,), ``h_a`` (T,), ``h_b`` (T,), ``gap`` = ``|h_a - h_b|`` (T,),
        ``influence`` = ``|dh_t/dx_1|`` along sequence A (T,).

    Raises
    ------
    TypeError
        A weight that is not a number, ``T`` or ``seed`` not an int.
    ValueError
        A weight that is NaN or infinite, ``T < 1``, ``seed < 0``.
    """
    v = _numbers(w_h=w_h, w_x=w_x, b_h=b_h)
    return _rnn_memory(v["w_h"], V.check_int("T", T, 1), v["w_x"], v["b_h"], V.check_int("seed", seed, 0))


# --------------------------------------------------------------------------
# Chapters 2-5: a gate, and the three parts of the cell with gates set by hand
# --------------------------------------------------------------------------


def gate_demo(z: float, signal: float = 1.0) -> dict[str, float]:
    """What a gate does with its pre-activation ``z``: the fraction it lets through.

    Taught in chapter 2.

    A gate is a sigmoid neuron; its output ``sigmoid(z)`` is read as the
    fraction of a signal that passes (1 keeps all of it, 0.5 half, 0 nothing)::

        fraction = sigmoid(z)
        kept     = fraction * signal
        dropped  = (1 - fraction) * signal

    Parameters
    ----------
    z : float
        The gate's pre-activation (weighted sum of its inputs plus bias).
    signal : float, default 1.0
        A number the gate acts on, e.g. one entry of the long-term memory.

    Returns
    -------
    dict of str to float
        ``z``, ``fraction``, ``signal``, ``kept``, ``dropped``.

    Raises
    ------
    TypeError, ValueError
        If ``z`` or ``signal`` is not one finite number.
    """
    v = _numbers(z=z, signal=signal)
    fraction = float(lt.sigmoid(v["z"]))
    return {"z": v["z"], "fraction": fraction, "signal": v["signal"], "kept": fraction * v["signal"],
            "dropped": (1.0 - fraction) * v["signal"]}


def cell_values(
    x: Any, h_prev: Any, c_prev: Any, params: lt.LSTMParams, *, W_y: Any = None, b_y: Any = None
) -> dict[str, float]:
    """Every quantity of one LSTM step, ready for ``diagram.draw_lstm_cell(values=...)``.

    Used in chapters 2-5 and 7, under the cell diagram.

    Computed with the NumPy backend's own functions (``forget_gate``,
    ``input_gate``, ``candidate``, ``output_gate``, ``lstm_cell`` and, if
    ``W_y`` is given, ``output_neuron``), for the article's single neurons:
    hidden size 1 and input size 1.

    Parameters
    ----------
    x, h_prev, c_prev : float or ndarray of shape (1,)
        The input ``x_t``, the hidden state ``h_{t-1}`` and the long-term
        memory ``C_{t-1}``.
    params : LSTMParams
        Hidden size 1, input size 1 (``W_* (1, 2)``, ``b_* (1,)``).
    W_y : ndarray, shape (1, 1), optional
        Weight of the output neuron; with ``b_y`` adds the key ``"y"``.
    b_y : ndarray, shape (1,), optional
        Bias of the output neuron.

    Returns
    -------
    dict of str to float
        Keys ``"x", "h_prev", "c_prev", "f", "i", "c_tilde", "o", "c", "h"``
        (and ``"y"`` when ``W_y`` and ``b_y`` are given).

    Raises
    ------
    TypeError
        ``params`` not an LSTMParams, an input that is not a number.
    ValueError
        If the hidden or input size is not 1, ``W_y`` without ``b_y`` (or the
        reverse), or an input is not one finite number.
    """
    if V.lstm_param_sizes(params, lt.LSTMParams) != (1, 1):
        raise V.shape_error(
            "params.W_f", "(1, 2): the diagram shows the article's single neurons, hidden size 1 and input "
            "size 1", np.shape(params.W_f),
        )
    if (W_y is None) != (b_y is None):
        raise ValueError("W_y, b_y: give both (the output neuron) or neither")
    vals = _numbers(x=x, h_prev=h_prev, c_prev=c_prev)
    x1, h1, c1 = (np.array([vals[k]]) for k in ("x", "h_prev", "c_prev"))  # (1,) each
    vals["f"] = float(lt.forget_gate(x1, h1, params)[0])
    vals["i"] = float(lt.input_gate(x1, h1, params)[0])
    vals["c_tilde"] = float(lt.candidate(x1, h1, params)[0])
    vals["o"] = float(lt.output_gate(x1, h1, params)[0])
    h, c = lt.lstm_cell(x1, (h1, c1), params)  # (1,), (1,)
    vals["c"], vals["h"] = float(c[0]), float(h[0])
    if W_y is not None:
        if np.shape(W_y) != (1, 1):
            raise V.shape_error("W_y", "(1, 1) (one output neuron)", np.shape(W_y))
        vals["y"] = float(lt.output_neuron(h, W_y, b_y)[0])
    return vals


def _forget(f: float, c_prev: float) -> dict[str, float]:
    kept = _from_gates(c_prev, f, 0.0, 0.0, 1.0)["c"]  # input part off: C_t = f_t * C_{t-1}
    return {"f": f, "c_prev": c_prev, "kept": kept, "forgotten": c_prev - kept}


def forget_demo(f: float, c_prev: float) -> dict[str, float]:
    """The forget part with the gate set by hand: how much of ``C_{t-1}`` is kept.

    Taught in chapter 3.

    With the input part switched off (``i_t = 0``, chapter 4) the new memory
    is only what the forget gate keeps::

        kept      = f_t * C_{t-1}          (= C_t when i_t = 0)
        forgotten = C_{t-1} - kept

    Parameters
    ----------
    f : float in [0, 1]
        The forget gate ``f_t``.
    c_prev : float
        The old long-term memory ``C_{t-1}`` (one unit).

    Returns
    -------
    dict of str to float
        ``f``, ``c_prev``, ``kept``, ``forgotten``.

    Raises
    ------
    TypeError, ValueError
        If a value is not one finite number, or ``f`` is outside [0, 1].
    """
    v = _numbers(f=f, c_prev=c_prev)
    return _forget(v["f"], v["c_prev"])


def forget_from_weights_demo(
    w_h: float, w_x: float, b: float, h_prev: float, x: float, c_prev: float
) -> dict[str, float]:
    """Where ``f_t`` comes from: the forget gate of a one-neuron cell, from its weights.

    Taught in chapter 3.

    ``W_f = [[w_h, w_x]]`` (shape (1, 2): the ``h_{t-1}`` column first, then
    the ``x_t`` column) and ``b_f = [b]``::

        z   = w_h * h_{t-1} + w_x * x_t + b     (the pre-activation, shown)
        f_t = sigmoid(z)                        (computed by lt.forget_gate)

    then what ``forget_demo(f_t, c_prev)`` keeps and forgets.

    Parameters
    ----------
    w_h, w_x : float
        The forget gate's weights for ``h_{t-1}`` and for ``x_t``.
    b : float
        Its bias ``b_f``.
    h_prev, x : float
        The previous hidden state and the input (one unit each).
    c_prev : float
        The old long-term memory ``C_{t-1}``.

    Returns
    -------
    dict of str to float
        The six inputs under their names, ``z``, ``f``, ``kept``, ``forgotten``.

    Raises
    ------
    TypeError, ValueError
        If a value is not one finite number.
    """
    v = _numbers(w_h=w_h, w_x=w_x, b=b, h_prev=h_prev, x=x, c_prev=c_prev)
    zeros_w, zeros_b = np.zeros((1, 2)), np.zeros(1)  # the other parts play no role here
    params = lt.LSTMParams(np.array([[v["w_h"], v["w_x"]]]), zeros_w, zeros_w, zeros_w,  # W_f (1, 2)
                           np.array([v["b"]]), zeros_b, zeros_b, zeros_b)  # b_f (1,)
    v["z"] = v["w_h"] * v["h_prev"] + v["w_x"] * v["x"] + v["b"]
    v["f"] = float(lt.forget_gate(np.array([v["x"]]), np.array([v["h_prev"]]), params)[0])
    kept = _forget(v["f"], v["c_prev"])
    v["kept"], v["forgotten"] = kept["kept"], kept["forgotten"]
    return v


def input_demo(f: float, i: float, c_tilde: float, c_prev: float) -> dict[str, float]:
    """The new long-term memory from gate values set by hand, split into its two terms.

    Taught in chapter 4.

    ::

        kept  = f_t * C_{t-1}          what the forget part keeps
        added = i_t * C~_t             what the input part writes
        C_t   = kept + added

    Parameters
    ----------
    f : float in [0, 1]
        Forget gate ``f_t``.
    i : float in [0, 1]
        Input gate ``i_t``.
    c_tilde : float in [-1, 1]
        Candidate memory ``C~_t``.
    c_prev : float
        Old long-term memory ``C_{t-1}``.

    Returns
    -------
    dict of str to float
        Keys ``INPUT_KEYS``: ``"c_prev", "f", "i", "c_tilde", "kept", "added", "c"``.

    Raises
    ------
    ValueError
        A value that is NaN, infinite, out of its range or not a single number.
    TypeError
        A value that is not a number.
    """
    g = _numbers(f=f, i=i, c_tilde=c_tilde, c_prev=c_prev)
    v = _from_gates(g["c_prev"], g["f"], g["i"], g["c_tilde"], o=1.0)  # o does not touch C_t
    kept = v["f"] * v["c_prev"]  # forget part's share
    added = v["i"] * v["c_tilde"]  # input part's share
    return {"c_prev": v["c_prev"], "f": v["f"], "i": v["i"], "c_tilde": v["c_tilde"],
            "kept": kept, "added": added, "c": v["c"]}


def output_demo(o: float, f: float, i: float, c_tilde: float, c_prev: float) -> dict[str, float]:
    """The new hidden state from gate values set by hand.

    Taught in chapter 5.

    ::

        C_t = f_t * C_{t-1} + i_t * C~_t     forget and input parts
        h_t = o_t * tanh(C_t)                output part

    ``tanh_c`` is the NumPy backend's ``tanh(C_t)``, the value that ``o_t`` scales.

    Parameters
    ----------
    o : float in [0, 1]
        Output gate ``o_t``.
    f, i, c_tilde, c_prev : float
        Forget and input gates in [0, 1], candidate memory ``C~_t`` in [-1, 1]
        and old memory ``C_{t-1}``: they set ``C_t`` (see ``input_demo``).

    Returns
    -------
    dict of str to float
        Keys ``OUTPUT_KEYS``: ``"c_prev", "f", "i", "c_tilde", "c", "o", "tanh_c", "h"``.

    Raises
    ------
    TypeError, ValueError
        As ``input_demo``: a value that is not a number, or NaN, infinite, out
        of its range or not a single number.
    """
    g = _numbers(o=o, f=f, i=i, c_tilde=c_tilde, c_prev=c_prev)
    v = _from_gates(g["c_prev"], g["f"], g["i"], g["c_tilde"], g["o"])
    v["tanh_c"] = float(lt.tanh(np.array(v["c"])))  # what o_t scales
    return {k: v[k] for k in OUTPUT_KEYS}


# --------------------------------------------------------------------------
# Chapter 6: which network remembers x_1, the RNN or the LSTM?
# --------------------------------------------------------------------------


def memory_lstm_params(
    forget_bias: float = 5.0,
    *,
    input_bias: float = 0.0,
    output_bias: float = 2.0,
    w_c: float = 1.0,
) -> lt.LSTMParams:
    """A one-unit LSTM set by hand so that its memory is easy to follow.

    Taught in chapter 6.

    Every gate ignores ``h_{t-1}`` and ``x_t`` (weights 0) and is set by its
    bias alone; only the candidate reads the input::

        f_t  = sigmoid(forget_bias)      the same at every step
        i_t  = sigmoid(input_bias)
        C~_t = tanh(w_c x_t)
        o_t  = sigmoid(output_bias)

    So ``C_t = f C_{t-1} + i tanh(w_c x_t)``: a leaky sum of the inputs in
    which the first input is still there after t steps, multiplied by
    ``f^(t-1)``. A large forget bias makes ``f`` close to 1.

    Parameters
    ----------
    forget_bias, input_bias, output_bias : float
        Biases of the three gates.
    w_c : float
        Weight of the input in the candidate.

    Returns
    -------
    LSTMParams
        Hidden size 1, input size 1: weights (1, 2), biases (1,), float64.
    """
    v = _numbers(forget_bias=forget_bias, input_bias=input_bias, output_bias=output_bias, w_c=w_c)  # checked floats
    b_f = np.array([v["forget_bias"]])  # (1,)
    b_i = np.array([v["input_bias"]])  # (1,)
    b_o = np.array([v["output_bias"]])  # (1,)
    W_c = np.array([[0.0, v["w_c"]]])  # (1, 2): [on h_{t-1}, on x_t]
    return lt.LSTMParams(
        W_f=np.zeros((1, 2)), W_i=np.zeros((1, 2)), W_c=W_c, W_o=np.zeros((1, 2)),
        b_f=b_f, b_i=b_i, b_c=np.zeros(1), b_o=b_o,
    )


def memory_comparison_demo(
    forget_bias: float, T: int, *, w_h: float = 0.9, seed: int = 0
) -> dict[str, np.ndarray]:
    """The same two sequences through chapter 1's RNN and a hand-set one-unit LSTM.

    Taught in chapter 6.

    The sequences are those of ``rnn_memory_demo`` (same seed): A starts with
    ``x_1 = +1``, B with ``x_1 = -1``, the later inputs are shared. The RNN
    is chapter 1's one neuron with recurrent weight ``w_h`` (``w_x = 1``,
    ``b_h = 0``); the LSTM is ``memory_lstm_params(forget_bias)``.

    Parameters
    ----------
    forget_bias : float
        Bias of the LSTM's forget gate: ``f = sigmoid(forget_bias)``.
    T : int
        Sequence length, >= 1.
    w_h : float, default 0.9
        The RNN's recurrent weight.
    seed : int, default 0
        Seed of the later inputs, >= 0.

    Returns
    -------
    dict of str to ndarray, each of shape (T,)
        ``xs`` (sequence A); for the RNN ``rnn_h_a``, ``rnn_h_b``, ``rnn_gap``
        = ``|h_t(A) - h_t(B)|``, ``rnn_influence`` = ``|dh_t/dx_1|`` along A;
        for the LSTM the same names with ``lstm_`` and also ``lstm_c_a``,
        ``lstm_c_b``, ``lstm_c_gap`` (the long-term memories) and ``lstm_f``
        (the forget gate along A).
    """
    v = _numbers(forget_bias=forget_bias, w_h=w_h)
    rnn = _rnn_memory(v["w_h"], V.check_int("T", T, 1), 1.0, 0.0, V.check_int("seed", seed, 0))
    xs_a = rnn["xs"][:, None].copy()  # (T, 1)
    xs_b = xs_a.copy()  # (T, 1)
    xs_b[0] = -1.0
    params = memory_lstm_params(v["forget_bias"])
    h_a, _, cache_a = lt.lstm_forward(xs_a, None, params)  # (T, 1)
    h_b, _, cache_b = lt.lstm_forward(xs_b, None, params)  # (T, 1)
    out = {"xs": rnn["xs"]} | {f"rnn_{k}": rnn[k] for k in ("h_a", "h_b", "gap", "influence")}
    return out | {
        "lstm_h_a": h_a[:, 0],
        "lstm_h_b": h_b[:, 0],
        "lstm_gap": np.abs(h_a - h_b)[:, 0],
        "lstm_c_a": cache_a.c[:, 0].copy(),
        "lstm_c_b": cache_b.c[:, 0].copy(),
        "lstm_c_gap": np.abs(cache_a.c - cache_b.c)[:, 0],
        "lstm_f": cache_a.f[:, 0].copy(),
        "lstm_influence": lt.input_influence(xs_a, None, params, step=0),
    }
