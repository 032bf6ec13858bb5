"""The book's sliders: pure functions, and thin ipywidgets wrappers around them.

Each ``*_demo`` function is pure (numbers in, a dict of arrays out) and is
unit-tested without a front end; each ``*_widget`` function only wires
sliders to a demo and a plot helper. ipywidgets is imported lazily, so the
pure functions work without it (``pip install lstm-tutorial[widgets]``).

What is left out: the kernel-free sliders of the website (plain HTML/JS).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstm_tutorial import numpy as lt
from lstm_tutorial import plot
from lstm_tutorial.diagram import VALUE_KEYS, _scalar, cell_values_from_gates, draw_lstm_cell

__all__ = [
    "INPUT_KEYS",
    "OUTPUT_KEYS",
    "forget_demo",
    "forget_from_weights_demo",
    "forget_from_weights_widget",
    "forget_widget",
    "gate_demo",
    "gate_widget",
    "input_demo",
    "input_widget",
    "memory_comparison_demo",
    "memory_comparison_widget",
    "memory_lstm_params",
    "output_demo",
    "output_widget",
    "rnn_memory_demo",
    "rnn_memory_widget",
]


def rnn_memory_demo(w_h: float, T: int, *, w_x: float = 1.0, b_h: float = 0.0, seed: int = 0) -> dict[str, np.ndarray]:
    """Two sequences that differ only in ``x_1``, through the one-neuron RNN of chapter 1.

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
        Seed of the later inputs.

    Returns
    -------
    dict
        ``xs`` (T,), ``h_a`` (T,), ``h_b`` (T,), ``gap`` = ``|h_a - h_b|`` (T,),
        ``influence`` = ``|dh_t/dx_1|`` along sequence A (T,).

    Taught in chapter 1.
    """
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T: expected an int >= 1, got {T!r}")
    params = lt.RNNParams(np.array([[float(w_h)]]), np.array([[float(w_x)]]), np.array([float(b_h)]))
    rest = np.random.default_rng(seed).normal(0.0, 0.5, size=(T, 1))  # (T, 1)
    xs_a, xs_b = rest.copy(), rest.copy()
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


def rnn_memory_widget(w_h: float = 0.9, T: int = 20) -> Any:
    """Sliders for the recurrent weight and the sequence length over ``rnn_memory_demo``.

    Returns an ``ipywidgets.interactive``; display it in Jupyter. Two panels:
    ``h_t`` of both sequences, and ``|dh_t/dx_1|`` on a log scale.

    Taught in chapter 1.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def show(w_h: float, T: int) -> None:
        d = rnn_memory_demo(w_h, T)
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.4), layout="constrained")
        plot.plot_sequences({"A: $x_1=+1$": d["h_a"], "B: $x_1=-1$": d["h_b"]}, ax=ax1, title=f"$w_h = {w_h:.2f}$")
        plot.plot_influence({"RNN": np.maximum(d["influence"], 1e-300)}, ax=ax2, ylabel=r"$|\partial h_t/\partial x_1|$")
        plt.show()
        print(f"gap |h_T(A) - h_T(B)| at T={T}: {d['gap'][-1]:.2e}")

    return widgets.interactive(
        show,
        w_h=widgets.FloatSlider(value=w_h, min=0.0, max=2.0, step=0.05, description="w_h"),
        T=widgets.IntSlider(value=T, min=2, max=60, step=1, description="T"),
    )



# --------------------------------------------------------------------------
# Chapters 2 and 3: what a gate does, and the forget part
# --------------------------------------------------------------------------


def gate_demo(z: float, signal: float = 1.0) -> dict[str, float]:
    """What a gate does with its pre-activation ``z``: the fraction it lets through.

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

    Taught in chapter 2.
    """
    z, signal = _scalar("z", z), _scalar("signal", signal)
    fraction = float(lt.sigmoid(z))
    return {"z": z, "fraction": fraction, "signal": signal, "kept": fraction * signal,
            "dropped": (1.0 - fraction) * signal}


def forget_demo(f: float, c_prev: float) -> dict[str, float]:
    """The forget part with the gate set by hand: how much of ``C_{t-1}`` is kept.

    With the input part switched off (``i_t = 0``, chapter 4) the new memory
    is only what the forget gate keeps::

        kept      = f_t * C_{t-1}          (= C_t when i_t = 0)
        forgotten = C_{t-1} - kept

    Computed by ``diagram.cell_values_from_gates`` (the cell's own update).

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

    Taught in chapter 3.
    """
    v = cell_values_from_gates(c_prev, f, 0.0, 0.0, 1.0)  # input part off: C_t = f_t * C_{t-1}
    return {"f": v["f"], "c_prev": v["c_prev"], "kept": v["c"], "forgotten": v["c_prev"] - v["c"]}


def forget_from_weights_demo(
    w_h: float, w_x: float, b: float, h_prev: float, x: float, c_prev: float
) -> dict[str, float]:
    """Where ``f_t`` comes from: the forget gate of a one-neuron cell, from its weights.

    ``W_f = [[w_h, w_x]]`` (shape (1, 2): the ``h_{t-1}`` column first, then
    the ``x_t`` column) and ``b_f = [b]``::

        z   = w_h * h_{t-1} + w_x * x_t + b     (the pre-activation, shown)
        f_t = sigmoid(z)                        (computed by lt.forget_gate)

    then ``forget_demo(f_t, c_prev)``.

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

    Taught in chapter 3.
    """
    v = {name: _scalar(name, val) for name, val in
         (("w_h", w_h), ("w_x", w_x), ("b", b), ("h_prev", h_prev), ("x", x), ("c_prev", c_prev))}
    zeros_w, zeros_b = np.zeros((1, 2)), np.zeros(1)  # the other parts play no role here
    params = lt.LSTMParams(np.array([[v["w_h"], v["w_x"]]]), zeros_w, zeros_w, zeros_w,  # W_f (1, 2)
                           np.array([v["b"]]), zeros_b, zeros_b, zeros_b)  # b_f (1,)
    v["z"] = v["w_h"] * v["h_prev"] + v["w_x"] * v["x"] + v["b"]
    v["f"] = float(lt.forget_gate(np.array([v["x"]]), np.array([v["h_prev"]]), params)[0])
    kept = forget_demo(v["f"], v["c_prev"])
    v["kept"], v["forgotten"] = kept["kept"], kept["forgotten"]
    return v


def gate_widget(z: float = 0.0) -> Any:
    """A slider for a gate's pre-activation ``z`` over ``gate_demo``.

    Shows the sigmoid curve with ``(z, sigmoid(z))`` marked and prints the
    fraction kept of a signal of 1. Returns an ``ipywidgets.interactive``.

    Taught in chapter 2.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def show(z: float) -> None:
        d = gate_demo(z)
        plot.plot_activation("sigmoid", z=d["z"])
        plt.show()
        print(f"z = {d['z']:+.2f}  ->  gate = sigmoid(z) = {d['fraction']:.3f}: "
              f"keeps {d['kept']:.3f} of a signal of 1, drops {d['dropped']:.3f}")

    return widgets.interactive(show, z=widgets.FloatSlider(value=z, min=-6.0, max=6.0, step=0.1,
                                                           description="z"))


def _forget_figure(values: dict[str, float], title: str) -> None:
    """The forget part of the cell diagram with ``values`` written in, shown now."""
    import matplotlib.pyplot as plt

    draw_lstm_cell(highlight="forget", values=values, title=title)
    plt.show()


def forget_widget(f: float = 0.5, c_prev: float = 0.8) -> Any:
    """Sliders for ``f_t`` and ``C_{t-1}`` over ``forget_demo``; the diagram redraws.

    Returns an ``ipywidgets.interactive``.

    Taught in chapter 3.
    """
    import ipywidgets as widgets

    def show(f: float, c_prev: float) -> None:
        d = forget_demo(f, c_prev)
        _forget_figure({"c_prev": d["c_prev"], "f": d["f"], "c": d["kept"]},
                       "Input part off ($i_t = 0$): $C_t = f_t \\times C_{t-1}$")
        print(f"kept f * C = {d['f']:.2f} * {d['c_prev']:.2f} = {d['kept']:.3f}, "
              f"forgotten {d['forgotten']:.3f}")

    slider = dict(step=0.01, continuous_update=False)
    return widgets.interactive(
        show,
        f=widgets.FloatSlider(value=f, min=0.0, max=1.0, description="f_t", **slider),
        c_prev=widgets.FloatSlider(value=c_prev, min=-2.0, max=2.0, description="C_{t-1}", **slider),
    )


def forget_from_weights_widget(
    w_h: float = 1.0, w_x: float = 1.5, b: float = 0.0, h_prev: float = 0.5, x: float = 1.0,
    c_prev: float = 0.8,
) -> Any:
    """Sliders for the forget gate's weights, bias and inputs over ``forget_from_weights_demo``.

    The diagram (forget part) redraws with ``h_{t-1}, x_t, C_{t-1}, f_t`` and
    ``C_t = f_t C_{t-1}`` (input part off); the pre-activation is printed.
    Returns an ``ipywidgets.interactive``.

    Taught in chapter 3.
    """
    import ipywidgets as widgets

    def show(w_h: float, w_x: float, b: float, h_prev: float, x: float, c_prev: float) -> None:
        d = forget_from_weights_demo(w_h, w_x, b, h_prev, x, c_prev)
        _forget_figure({k: d[k] for k in ("x", "h_prev", "c_prev", "f")} | {"c": d["kept"]},
                       "Input part off ($i_t = 0$): $C_t = f_t \\times C_{t-1}$")
        print(f"z = ({d['w_h']:.2f})({d['h_prev']:.2f}) + ({d['w_x']:.2f})({d['x']:.2f}) + ({d['b']:.2f})"
              f" = {d['z']:.3f};  f = sigmoid(z) = {d['f']:.3f};  kept {d['kept']:.3f}")

    def slider(value: float, lo: float, hi: float, name: str) -> Any:
        return widgets.FloatSlider(value=value, min=lo, max=hi, step=0.05, description=name,
                                   continuous_update=False)

    return widgets.interactive(
        show,
        w_h=slider(w_h, -4.0, 4.0, "w_f (h)"),
        w_x=slider(w_x, -4.0, 4.0, "w_f (x)"),
        b=slider(b, -6.0, 6.0, "b_f"),
        h_prev=slider(h_prev, -1.0, 1.0, "h_{t-1}"),
        x=slider(x, -2.0, 2.0, "x_t"),
        c_prev=slider(c_prev, -2.0, 2.0, "C_{t-1}"),
    )


# --------------------------------------------------------------------------
# Chapters 4 and 5: the input part and the output part, with gates set by hand
# --------------------------------------------------------------------------

#: Keys of ``input_demo``'s result, in the order the input part computes them.
INPUT_KEYS: tuple[str, ...] = ("c_prev", "f", "i", "c_tilde", "kept", "added", "c")

#: Keys of ``output_demo``'s result, in the order the cell computes them.
OUTPUT_KEYS: tuple[str, ...] = ("c_prev", "f", "i", "c_tilde", "c", "o", "tanh_c", "h")


def input_demo(f: float, i: float, c_tilde: float, c_prev: float) -> dict[str, float]:
    """The new long-term memory from gate values set by hand, split into its two terms.

    ::

        kept  = f_t * C_{t-1}          what the forget part keeps
        added = i_t * C~_t             what the input part writes
        C_t   = kept + added

    ``C_t`` comes from ``diagram.cell_values_from_gates`` (the same function
    the diagram's numbers come from); ``kept`` and ``added`` are its two terms.

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

    Taught in chapter 4.
    """
    v = cell_values_from_gates(c_prev, f, i, c_tilde, o=1.0)  # o does not touch C_t
    kept = v["f"] * v["c_prev"]  # forget part's share
    added = v["i"] * v["c_tilde"]  # input part's share
    return {"c_prev": v["c_prev"], "f": v["f"], "i": v["i"], "c_tilde": v["c_tilde"],
            "kept": kept, "added": added, "c": v["c"]}


def output_demo(o: float, f: float, i: float, c_tilde: float, c_prev: float) -> dict[str, float]:
    """The new hidden state from gate values set by hand.

    ::

        C_t = f_t * C_{t-1} + i_t * C~_t     forget and input parts
        h_t = o_t * tanh(C_t)                output part

    Built on ``diagram.cell_values_from_gates``; ``tanh_c`` is the NumPy
    backend's ``tanh(C_t)``, the value that ``o_t`` scales.

    Parameters
    ----------
    o : float in [0, 1]
        Output gate ``o_t``.
    f, i : float in [0, 1]
        Forget and input gates (they set ``C_t``).
    c_tilde : float in [-1, 1]
        Candidate memory ``C~_t``.
    c_prev : float
        Old long-term memory ``C_{t-1}``.

    Returns
    -------
    dict of str to float
        Keys ``OUTPUT_KEYS``: ``"c_prev", "f", "i", "c_tilde", "c", "o", "tanh_c", "h"``.

    Raises
    ------
    ValueError
        A value that is NaN, infinite, out of its range or not a single number.
    TypeError
        A value that is not a number.

    Taught in chapter 5.
    """
    v = cell_values_from_gates(c_prev, f, i, c_tilde, o)
    v["tanh_c"] = float(lt.tanh(np.array(v["c"])))  # what o_t scales
    return {k: v[k] for k in OUTPUT_KEYS}


def _gate_widget(demo: Any, highlight: str, sliders: dict[str, Any]) -> Any:
    """An ``interactive`` that redraws the cell diagram and prints ``demo``'s values."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def show(**kw: float) -> None:
        d = demo(**kw)
        shown = {k: d[k] for k in VALUE_KEYS if k in d}
        draw_lstm_cell(highlight=highlight, values=shown, title="")
        plt.show()
        for k, v in d.items():  # the same lines as the checked cell below the widget
            print(f"{k:>7} = {v:.3f}")

    return widgets.interactive(show, **sliders)


def _slider(name: str, value: float, lo: float, hi: float, step: float = 0.05) -> Any:
    import ipywidgets as widgets

    label = {"c_prev": "C_{t-1}", "c_tilde": "C~_t", "f": "f_t", "i": "i_t", "o": "o_t"}[name]
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=label,
                               continuous_update=False)


def input_widget(f: float = 0.5, i: float = 0.5, c_tilde: float = 0.5, c_prev: float = 0.8) -> Any:
    """Sliders for ``f_t, i_t, C~_t, C_{t-1}`` over ``input_demo``, with the diagram.

    Returns an ``ipywidgets.interactive``; display it in Jupyter. Each move
    redraws ``draw_lstm_cell(highlight="input")`` with the new numbers and
    prints ``input_demo``'s values.

    Taught in chapter 4.
    """
    return _gate_widget(input_demo, "input", {
        "f": _slider("f", f, 0.0, 1.0),
        "i": _slider("i", i, 0.0, 1.0),
        "c_tilde": _slider("c_tilde", c_tilde, -1.0, 1.0),
        "c_prev": _slider("c_prev", c_prev, -2.0, 2.0, 0.1),
    })


def output_widget(o: float = 0.5, f: float = 0.5, i: float = 0.5, c_tilde: float = 0.5,
                  c_prev: float = 0.8) -> Any:
    """Sliders for ``o_t`` (and ``f_t, i_t, C~_t, C_{t-1}``, which set ``C_t``) over ``output_demo``.

    Returns an ``ipywidgets.interactive``; display it in Jupyter. Each move
    redraws ``draw_lstm_cell(highlight="output")`` with the new numbers and
    prints ``output_demo``'s values.

    Taught in chapter 5.
    """
    return _gate_widget(output_demo, "output", {
        "o": _slider("o", o, 0.0, 1.0),
        "f": _slider("f", f, 0.0, 1.0),
        "i": _slider("i", i, 0.0, 1.0),
        "c_tilde": _slider("c_tilde", c_tilde, -1.0, 1.0),
        "c_prev": _slider("c_prev", c_prev, -2.0, 2.0, 0.1),
    })


# --------------------------------------------------------------------------
# Chapter 6: which network remembers x_1, the RNN or the LSTM?
# --------------------------------------------------------------------------


def _finite(name: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a real number, got {type(v).__name__}")
    if not np.isfinite(v):
        raise ValueError(f"{name}: expected a finite number, got {v!r}")
    return float(v)


def memory_lstm_params(
    forget_bias: float = 5.0,
    *,
    input_bias: float = 0.0,
    output_bias: float = 2.0,
    w_c: float = 1.0,
) -> lt.LSTMParams:
    """A one-unit LSTM set by hand so that its memory is easy to follow.

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

    Taught in chapter 6.
    """
    b_f = np.array([_finite("forget_bias", forget_bias)])  # (1,)
    b_i = np.array([_finite("input_bias", input_bias)])  # (1,)
    b_o = np.array([_finite("output_bias", output_bias)])  # (1,)
    W_c = np.array([[0.0, _finite("w_c", w_c)]])  # (1, 2): [on h_{t-1}, on x_t]
    return lt.LSTMParams(
        W_f=np.zeros((1, 2)), W_i=np.zeros((1, 2)), W_c=W_c, W_o=np.zeros((1, 2)),
        b_f=b_f, b_i=b_i, b_c=np.zeros(1), b_o=b_o,
    )


def memory_comparison_demo(
    forget_bias: float, T: int, *, w_h: float = 0.9, seed: int = 0
) -> dict[str, np.ndarray]:
    """The same two sequences through chapter 1's RNN and a hand-set one-unit LSTM.

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
        Seed of the later inputs.

    Returns
    -------
    dict of str to ndarray, each of shape (T,)
        ``xs`` (sequence A); for the RNN ``rnn_h_a``, ``rnn_h_b``, ``rnn_gap``
        = ``|h_t(A) - h_t(B)|``, ``rnn_influence`` = ``|dh_t/dx_1|`` along A;
        for the LSTM the same names with ``lstm_`` and also ``lstm_c_a``,
        ``lstm_c_b``, ``lstm_c_gap`` (the long-term memories) and ``lstm_f``
        (the forget gate along A).

    Taught in chapter 6.
    """
    fb = _finite("forget_bias", forget_bias)
    rnn = rnn_memory_demo(w_h, T, seed=seed)  # checks T
    xs_a = rnn["xs"][:, None].copy()  # (T, 1)
    xs_b = xs_a.copy()  # (T, 1)
    xs_b[0] = -1.0
    params = memory_lstm_params(fb)
    h_a, _, cache_a = lt.lstm_forward(xs_a, None, params)  # (T, 1)
    h_b, _, cache_b = lt.lstm_forward(xs_b, None, params)  # (T, 1)
    return {
        "xs": rnn["xs"],
        "rnn_h_a": rnn["h_a"],
        "rnn_h_b": rnn["h_b"],
        "rnn_gap": rnn["gap"],
        "rnn_influence": rnn["influence"],
        "lstm_h_a": h_a[:, 0],
        "lstm_h_b": h_b[:, 0],
        "lstm_gap": np.abs(h_a - h_b)[:, 0],
        "lstm_c_a": cache_a.c[:, 0].copy(),
        "lstm_c_b": cache_b.c[:, 0].copy(),
        "lstm_c_gap": np.abs(cache_a.c - cache_b.c)[:, 0],
        "lstm_f": cache_a.f[:, 0].copy(),
        "lstm_influence": lt.input_influence(xs_a, None, params, step=0),
    }


def memory_comparison_widget(forget_bias: float = 5.0, T: int = 30) -> Any:
    """Sliders for the LSTM's forget bias and the length T over ``memory_comparison_demo``.

    Returns an ``ipywidgets.interactive``; display it in Jupyter. Two panels:
    ``h_t`` of both sequences for both networks, and ``|dh_t/dx_1|`` of both
    on a log scale.

    Taught in chapter 6.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def show(forget_bias: float, T: int) -> None:
        d = memory_comparison_demo(forget_bias, T)
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
        plot.plot_sequences(
            {"LSTM, A": d["lstm_h_a"], "LSTM, B": d["lstm_h_b"], "RNN, A": d["rnn_h_a"], "RNN, B": d["rnn_h_b"]},
            ax=ax1, title=f"forget bias {forget_bias:.1f}: $f_t$ = {d['lstm_f'][0]:.3f}",
        )
        # A blue and B orange in both networks; the RNN dashed and lighter
        for line, colour, dashed in zip(ax1.get_lines(), ["tab:blue", "tab:orange"] * 2, [False, False, True, True]):
            line.set_color(colour)
            if dashed:
                line.set_linestyle("--")
                line.set_alpha(0.6)
        ax1.legend(fontsize=8, ncols=2)
        plot.plot_influence(
            {"RNN": np.maximum(d["rnn_influence"], 1e-300), "LSTM": np.maximum(d["lstm_influence"], 1e-300)},
            ax=ax2, ylabel=r"$|\partial h_t/\partial x_1|$",
        )
        plt.show()
        print(f"gap |h_T(A) - h_T(B)| at T={T}: RNN {d['rnn_gap'][-1]:.2e}, LSTM {d['lstm_gap'][-1]:.2e}")

    return widgets.interactive(
        show,
        forget_bias=widgets.FloatSlider(value=forget_bias, min=-2.0, max=8.0, step=0.5, description="forget bias"),
        T=widgets.IntSlider(value=T, min=2, max=60, step=1, description="T"),
    )
