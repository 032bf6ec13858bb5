"""Plot helpers for the book's figures (matplotlib).

Every helper takes ``ax=None`` (a new figure is made when it is None), labels
its axes, returns the Axes, never calls ``plt.show()`` and changes no global
setting. The LSTM cell diagram lives in ``lstm_tutorial.diagram``.

What is left out: styling themes and interactive backends; the book's
sliders are in ``lstm_tutorial.widgets``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

__all__ = ["plot_activation", "plot_influence", "plot_sequences"]


def _axes(ax: Axes | None, figsize: tuple[float, float] = (6.4, 3.6)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _steps(n: int) -> np.ndarray:
    return np.arange(1, n + 1)  # the book counts steps from 1, like the article


def plot_influence(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    log: bool = True,
    ylabel: str = r"influence of $x_1$ on $h_t$:  $|\partial h_t / \partial x_1|$",
    title: str | None = None,
) -> Axes:
    """Plot how much the first input still moves ``h_t``, one line per model.

    Parameters
    ----------
    curves : mapping of label -> sequence of shape (T,)
        Values ``|dh_t/dx_1|`` for t = 1..T, e.g. from ``input_influence``.
    ax : Axes, optional
    log : bool, default True
        Logarithmic y axis: a geometric fade is a straight line.
    ylabel, title : str, optional

    Returns
    -------
    Axes

    Used in chapters 1, 6 and 9.
    """
    if not curves:
        raise ValueError("curves: expected at least one label -> values entry, got none")
    ax = _axes(ax)
    for label, values in curves.items():
        v = np.asarray(values, dtype=float)
        if v.ndim != 1:
            raise ValueError(f"curves[{label!r}]: expected shape (T,), got {v.shape}")
        ax.plot(_steps(v.size), v, marker="o", markersize=3, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("time step $t$")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def plot_sequences(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    ylabel: str = "$h_t$",
    title: str | None = None,
) -> Axes:
    """Plot several per-step series (hidden states, predictions) against the step t = 1..T.

    Parameters
    ----------
    curves : mapping of label -> sequence of shape (T,)
    ax : Axes, optional
    ylabel, title : str, optional

    Returns
    -------
    Axes

    Used in chapters 1 and 6.
    """
    if not curves:
        raise ValueError("curves: expected at least one label -> values entry, got none")
    ax = _axes(ax)
    for label, values in curves.items():
        v = np.asarray(values, dtype=float)
        if v.ndim != 1:
            raise ValueError(f"curves[{label!r}]: expected shape (T,), got {v.shape}")
        ax.plot(_steps(v.size), v, marker="o", markersize=3, label=label)
    ax.set_xlabel("time step $t$")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def plot_activation(
    name: str = "sigmoid",
    ax: Axes | None = None,
    *,
    z: float | None = None,
    zlim: tuple[float, float] = (-6.0, 6.0),
) -> Axes:
    """Draw ``sigmoid`` or ``tanh`` and, if ``z`` is given, mark the point ``(z, act(z))``.

    Parameters
    ----------
    name : {"sigmoid", "tanh"}
    ax : Axes, optional
    z : float, optional
        A pre-activation to mark, with its value written beside it.
    zlim : (float, float)
        Range of the horizontal axis.

    Returns
    -------
    Axes

    Used in chapters 1 and 2 (a gate turns a pre-activation into a fraction).
    """
    from lstm_tutorial import numpy as lt

    funcs: dict[str, Any] = {"sigmoid": lt.sigmoid, "tanh": lt.tanh}
    if name not in funcs:
        raise ValueError(f"name: expected 'sigmoid' or 'tanh', got {name!r}")
    ax = _axes(ax, (5.0, 3.2))
    zs = np.linspace(*zlim, 241)
    ax.plot(zs, funcs[name](zs), color="tab:purple" if name == "sigmoid" else "tab:orange", label=name)
    for level in (0.0, 1.0) if name == "sigmoid" else (-1.0, 1.0):
        ax.axhline(level, color="grey", lw=0.8, ls="--")
    if z is not None:
        a = float(funcs[name](np.array(float(z))))
        ax.plot([z], [a], "o", color="black")
        ax.annotate(f"{name}({float(z):.2f}) = {a:.3f}", (z, a), textcoords="offset points", xytext=(8, -14))
    ax.set_xlabel("pre-activation $z$")
    ax.set_ylabel(f"{name}$(z)$")
    ax.grid(True, alpha=0.3)
    return ax
