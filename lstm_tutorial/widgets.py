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

__all__ = ["rnn_memory_demo", "rnn_memory_widget"]


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
