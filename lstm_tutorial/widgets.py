"""The book's ipywidgets sliders: thin wrappers that wire sliders to a pure function and a figure.

``from lstm_tutorial.widgets import forget_widget``

Each ``*_widget`` function returns an ``ipywidgets.interactive`` over one pure
function of ``lstm_tutorial.demos`` (which the tests check without a front end)
and one figure of ``lstm_tutorial.diagram`` or ``lstm_tutorial.plot``:

* chapter 1: ``rnn_memory_widget``;
* chapter 2: ``gate_widget``;
* chapter 3: ``forget_widget``, ``forget_from_weights_widget``;
* chapter 4: ``input_widget``;
* chapter 5: ``output_widget``;
* chapter 6: ``memory_comparison_widget``.

ipywidgets is imported lazily (``pip install lstm-tutorial[widgets]``). What it
leaves out: the sliders of the static website, which need no kernel
(``lstm_tutorial.explorer``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstm_tutorial import plot
from lstm_tutorial.demos import (  # the pure functions each widget wraps
    forget_demo,
    forget_from_weights_demo,
    gate_demo,
    input_demo,
    memory_comparison_demo,
    output_demo,
    rnn_memory_demo,
)
from lstm_tutorial.diagram import VALUE_KEYS, draw_lstm_cell

__all__ = [
    "forget_from_weights_widget",
    "forget_widget",
    "gate_widget",
    "input_widget",
    "memory_comparison_widget",
    "output_widget",
    "rnn_memory_widget",
]


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


# Each gate slider: its label, range and step.
_GATE_SLIDERS: dict[str, tuple[str, float, float, float]] = {
    "o": ("o_t", 0.0, 1.0, 0.05),
    "f": ("f_t", 0.0, 1.0, 0.05),
    "i": ("i_t", 0.0, 1.0, 0.05),
    "c_tilde": ("C~_t", -1.0, 1.0, 0.05),
    "c_prev": ("C_{t-1}", -2.0, 2.0, 0.1),
}


def _gate_widget(demo: Any, highlight: str, **start: float) -> Any:
    """An ``interactive`` with one slider per argument of ``demo`` (set to ``start``) that
    redraws the cell diagram and prints ``demo``'s values."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def show(**kw: float) -> None:
        d = demo(**kw)
        shown = {k: d[k] for k in VALUE_KEYS if k in d}
        draw_lstm_cell(highlight=highlight, values=shown, title="")
        plt.show()
        for k, v in d.items():  # the same lines as the checked cell below the widget
            print(f"{k:>7} = {v:.3f}")

    sliders = {}
    for name, value in start.items():
        label, lo, hi, step = _GATE_SLIDERS[name]
        sliders[name] = widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=label,
                                            continuous_update=False)
    return widgets.interactive(show, **sliders)


def input_widget(f: float = 0.5, i: float = 0.5, c_tilde: float = 0.5, c_prev: float = 0.8) -> Any:
    """Sliders for ``f_t, i_t, C~_t, C_{t-1}`` over ``input_demo``, with the diagram.

    Returns an ``ipywidgets.interactive``; display it in Jupyter. Each move
    redraws ``draw_lstm_cell(highlight="input")`` with the new numbers and
    prints ``input_demo``'s values.

    Taught in chapter 4.
    """
    return _gate_widget(input_demo, "input", f=f, i=i, c_tilde=c_tilde, c_prev=c_prev)


def output_widget(o: float = 0.5, f: float = 0.5, i: float = 0.5, c_tilde: float = 0.5,
                  c_prev: float = 0.8) -> Any:
    """Sliders for ``o_t`` (and ``f_t, i_t, C~_t, C_{t-1}``, which set ``C_t``) over ``output_demo``.

    Returns an ``ipywidgets.interactive``; display it in Jupyter. Each move
    redraws ``draw_lstm_cell(highlight="output")`` with the new numbers and
    prints ``output_demo``'s values.

    Taught in chapter 5.
    """
    return _gate_widget(output_demo, "output", o=o, f=f, i=i, c_tilde=c_tilde, c_prev=c_prev)


# --------------------------------------------------------------------------
# Chapter 6: which network remembers x_1, the RNN or the LSTM?
# --------------------------------------------------------------------------


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
