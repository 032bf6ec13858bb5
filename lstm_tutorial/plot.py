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
from matplotlib.patches import Circle, FancyBboxPatch

__all__ = [
    "GATE_PARTS",
    "plot_accuracy_vs_length",
    "plot_activation",
    "plot_forecast",
    "plot_gate_heatmap",
    "plot_gradient_by_distance",
    "plot_influence",
    "plot_learning_curves",
    "plot_loss",
    "plot_sequences",
    "plot_unrolled",
]


def _axes(ax: Axes | None, figsize: tuple[float, float] = (6.4, 3.6)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _finish(ax: Axes, xlabel: str, ylabel: str, title: str | None) -> Axes:
    """The common last touches of a line plot: axis labels, a light grid, the legend, the title."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def _curves(curves: Mapping[str, Sequence[float]], axis: str = "T", min_len: int = 0) -> list[tuple[str, np.ndarray]]:
    """Validate a label -> 1-D series mapping; return ``(label, float array)`` pairs.

    ``axis`` names the series' length in messages (T steps, E epochs);
    ``min_len`` is the shortest series accepted.
    """
    if not curves:
        raise ValueError("curves: expected at least one label -> values entry, got none")
    want = f"({axis},)" + (f" with {axis} >= {min_len}" if min_len else "")
    out = []
    for label, values in curves.items():
        v = np.asarray(values, dtype=float)
        if v.ndim != 1 or v.size < min_len:
            raise ValueError(f"curves[{label!r}]: expected shape {want}, got {v.shape}")
        out.append((label, v))
    return out


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
    series = _curves(curves)
    ax = _axes(ax)
    for label, v in series:
        ax.plot(_steps(v.size), v, marker="o", markersize=3, label=label)
    if log:
        ax.set_yscale("log")
    return _finish(ax, "time step $t$", ylabel, title)


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
    series = _curves(curves)
    ax = _axes(ax)
    for label, v in series:
        ax.plot(_steps(v.size), v, marker="o", markersize=3, label=label)
    return _finish(ax, "time step $t$", ylabel, title)


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


# --------------------------------------------------------------------------
# Chapter 6: the cell unrolled over time, and its gates as a heatmap
# --------------------------------------------------------------------------

#: Parts of an ``LSTMCache`` that ``plot_gate_heatmap`` can show, with their symbols.
GATE_PARTS: dict[str, str] = {
    "x": "$x_t$",
    "f": "$f_t$",
    "i": "$i_t$",
    "o": "$o_t$",
    "c_tilde": r"$\tilde{C}_t$",
    "c": "$C_t$",
    "h": "$h_t$",
}


def plot_gate_heatmap(
    cache: Any,
    ax: Axes | None = None,
    *,
    sample: int = 0,
    parts: Sequence[str] = ("f", "i", "o"),
    annotate: bool = False,
    title: str | None = None,
) -> Axes:
    """Show the gates (and memories) of every unit at every step as a heatmap.

    One row per part and unit (``f_t`` of unit 1, unit 2, ..., then ``i_t`` ...),
    one column per time step t = 1..T, and a colourbar. When only the sigmoid
    gates ``f, i, o`` are shown the colours run from 0 (closed) to 1 (open);
    with ``x``, ``c_tilde``, ``c`` or ``h`` they run over a symmetric range
    around 0. The part ``"x"`` shows the inputs (one row per input feature),
    so a gate can be read against what the cell was given.

    Parameters
    ----------
    cache : LSTMCache
        The third value of ``lstm_forward``; its arrays have shape
        (T, B, H) or, unbatched, (T, H).
    ax : Axes, optional
    sample : int, default 0
        Which sequence of the batch to show (must be 0 for unbatched input).
    parts : sequence of str, default ("f", "i", "o")
        Any of ``"x", "f", "i", "o", "c_tilde", "c", "h"``, drawn top to bottom.
    annotate : bool, default False
        Write each value (2 decimals) in its cell: for small T and H.
    title : str, optional

    Returns
    -------
    Axes
        The heatmap's Axes (the colourbar gets an Axes of its own,
        ``ax.images[0].colorbar``).

    Raises
    ------
    TypeError
        ``cache`` is not an LSTMCache, or ``sample`` is not an int.
    ValueError
        Unknown or repeated part, no parts, ``sample`` out of range.

    Taught in chapter 6.
    """
    from lstm_tutorial import numpy as lt

    if not isinstance(cache, lt.LSTMCache):
        raise TypeError(f"cache: expected an LSTMCache (the third value of lstm_forward), got {type(cache).__name__}")
    if isinstance(parts, str):
        parts = (parts,)
    parts = tuple(parts)
    if not parts:
        raise ValueError(f"parts: expected at least one of {tuple(GATE_PARTS)}, got none")
    for p in parts:
        if p not in GATE_PARTS:
            raise ValueError(f"parts: expected names among {tuple(GATE_PARTS)}, got {p!r}")
    if len(set(parts)) != len(parts):
        raise ValueError(f"parts: each part at most once, got {parts}")
    if isinstance(sample, bool) or not isinstance(sample, (int, np.integer)):
        raise TypeError(f"sample: expected an int, got {type(sample).__name__}")
    shape = np.shape(cache.f)
    batch = shape[1] if len(shape) == 3 else None
    if batch is None and sample != 0:
        raise ValueError(f"sample: the cache is unbatched (f of shape {shape}), so only sample=0 exists; got {sample}")
    if batch is not None and not 0 <= sample < batch:
        raise ValueError(f"sample: expected an int in [0, {batch}) for f of shape {shape}, got {sample}")

    def rows_of(name: str) -> np.ndarray:
        a = np.asarray(getattr(cache, "xs" if name == "x" else name), dtype=float)
        return (a[:, sample, :] if batch is not None else a).T  # (H, T), or (D, T) for "x"

    blocks = [rows_of(p) for p in parts]
    data = np.concatenate(blocks, axis=0)  # (rows, T)
    H, T = shape[-1], shape[0]
    labels = [
        GATE_PARTS[p] + ((" feature " if p == "x" else " unit ") + str(k + 1) if len(b) > 1 else "")
        for p, b in zip(parts, blocks) for k in range(len(b))
    ]
    if set(parts) <= {"f", "i", "o"}:
        vmin, vmax, cmap, clabel = 0.0, 1.0, "viridis", "gate value (0 closed, 1 open)"
    else:
        v = max(1.0, float(np.max(np.abs(data))))
        vmin, vmax, cmap, clabel = -v, v, "RdBu_r", "value"

    width = 2.5 + (0.4 if annotate else 0.25) * T  # annotated cells need room for '-0.00'
    ax = _axes(ax, (min(10.0, width), 1.2 + 0.26 * data.shape[0]))
    im = ax.imshow(
        data, aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest",
        extent=(0.5, T + 0.5, data.shape[0] - 0.5, -0.5),
    )
    ax.figure.colorbar(im, ax=ax, label=clabel)
    ax.set_yticks(np.arange(data.shape[0]), labels)
    if T <= 30:
        ax.set_xticks(_steps(T))
    for edge in np.cumsum([len(b) for b in blocks])[:-1]:  # white lines between the parts
        ax.axhline(edge - 0.5, color="white", lw=2)
    if annotate:
        for r in range(data.shape[0]):
            for t in range(T):
                val = data[r, t]
                dark = im.cmap(im.norm(val))[:3]
                light = sum(dark) / 3 > 0.5
                ax.text(t + 1, r, f"{val:.2f}".replace("-", "\u2212"), ha="center", va="center",
                        fontsize=8, color="black" if light else "white")
    ax.set_xlabel("time step $t$")
    ax.set_ylabel("part of the cell" if H == 1 else "part, unit")
    if title:
        ax.set_title(title)
    return ax


def plot_unrolled(
    T: int = 3,
    ax: Axes | None = None,
    *,
    kind: str = "lstm",
    outputs: bool = True,
) -> Axes:
    """Draw a recurrent cell unrolled over T steps: the same cell, copied once per step.

    Each copy takes ``x_t`` from below; ``h_t`` (and, for the LSTM, the
    long-term memory ``C_t`` along the top) goes on to the next copy, and,
    with ``outputs``, up into an output neuron ``y^_t``. The run starts from
    ``h_0`` (and ``C_0``).

    Parameters
    ----------
    T : int, default 3
        Number of steps drawn, 1 to 8.
    ax : Axes, optional
    kind : {"lstm", "rnn"}
        ``"rnn"`` draws no memory line.
    outputs : bool, default True
        Draw an output neuron above every step.

    Returns
    -------
    Axes
        Axis off, equal aspect. Texts carry gids: ``"cell:<t>"``, ``"x:<t>"``,
        ``"h:<t>"``, ``"c:<t>"`` (t = 0..T for the states) and ``"y:<t>"``.

    Raises
    ------
    ValueError
        ``T`` not an int in [1, 8], or unknown ``kind``.

    Taught in chapter 6.
    """
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or not 1 <= T <= 8:
        raise ValueError(f"T: expected an int from 1 to 8 (steps to draw), got {T!r}")
    if kind not in ("lstm", "rnn"):
        raise ValueError(f"kind: expected 'lstm' or 'rnn', got {kind!r}")
    lstm = kind == "lstm"
    ax = _axes(ax, (1.0 + 2.1 * T, 3.6 if outputs else 2.6))
    cell_colour, mem_colour, h_colour = "#dbe8f6", "tab:red", "tab:blue"
    step, half, top = 3.0, 0.9, 1.6  # distance between copies, half width, box height
    y_c, y_h = 1.3, 0.3  # heights of the memory and hidden-state lines
    arrow = {"arrowstyle": "-|>", "mutation_scale": 12, "lw": 1.6}

    def line(x0: float, y0: float, x1: float, y1: float, color: str) -> None:
        ax.annotate("", (x1, y1), (x0, y0), arrowprops={**arrow, "color": color})

    def state_labels(t: int, x_mid: float) -> None:
        ax.text(x_mid, y_h - 0.12, f"$h_{{{t}}}$", ha="center", va="top", color=h_colour, fontsize=11, gid=f"h:{t}")
        if lstm:
            ax.text(x_mid, y_c + 0.1, f"$C_{{{t}}}$", ha="center", va="bottom", color=mem_colour, fontsize=11,
                    gid=f"c:{t}")

    name = "LSTM\ncell" if lstm else "RNN\ncell"
    for t in range(1, T + 1):
        cx = step * t
        ax.add_patch(FancyBboxPatch((cx - half, 0.0), 2 * half, top, boxstyle="round,pad=0.05",
                                    facecolor=cell_colour, edgecolor="black", lw=1.2))
        ax.text(cx, top / 2, name, ha="center", va="center", fontsize=10, gid=f"cell:{t}")
        line(cx, -0.9, cx, -0.05, "black")
        ax.text(cx, -1.0, f"$x_{{{t}}}$", ha="center", va="top", fontsize=11, gid=f"x:{t}")
        x_from = cx - step + half if t > 1 else cx - step + 1.1
        line(x_from, y_h, cx - half - 0.05, y_h, h_colour)
        if lstm:
            line(x_from, y_c, cx - half - 0.05, y_c, mem_colour)
        state_labels(t - 1, (x_from + cx - half) / 2)
        if outputs:
            ax.add_patch(Circle((cx, top + 1.1), 0.32, facecolor="#e6dcf2", edgecolor="black", lw=1.2))
            line(cx, top + 0.05, cx, top + 0.76, h_colour)
            ax.text(cx, top + 1.1, r"$\hat{y}_{" + str(t) + "}$", ha="center", va="center", fontsize=11,
                    gid=f"y:{t}")
    x_end = step * T + half
    line(x_end + 0.05, y_h, x_end + 1.2, y_h, h_colour)
    if lstm:
        line(x_end + 0.05, y_c, x_end + 1.2, y_c, mem_colour)
    state_labels(T, x_end + 0.65)
    ax.set_xlim(step - 2.1, x_end + 1.4)
    ax.set_ylim(-1.5, top + 1.6 if outputs else top + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_learning_curves(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    ylabel: str = "validation accuracy",
    references: Mapping[str, float] | None = None,
    title: str | None = None,
) -> Axes:
    """Plot a metric after every epoch, one line per model, with optional reference levels.

    Parameters
    ----------
    curves : mapping of label -> sequence of shape (E,)
        The metric after epochs 1..E (the lengths may differ).
    ax : Axes, optional
    ylabel : str
    references : mapping of label -> float, optional
        Horizontal dashed lines, e.g. a published result to compare with.
    title : str, optional

    Returns
    -------
    Axes

    Used in chapter 11.
    """
    series = _curves(curves, "E", min_len=1)
    ax = _axes(ax)
    for label, v in series:
        ax.plot(_steps(v.size), v, marker="o", markersize=3, label=label)
    for k, (label, level) in enumerate((references or {}).items()):
        ax.axhline(float(level), color=f"C{k + len(curves)}", ls="--", lw=1, label=label)
    return _finish(ax, "epoch", ylabel, title)


def plot_forecast(
    t: Sequence[Any],
    truth: Sequence[float],
    forecasts: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    ylabel: str = "value",
    title: str | None = None,
) -> Axes:
    """Plot a series and forecasts of its held-out tail: the truth in black, each forecast in colour.

    The forecasts cover the last M points of the series; the held-out part is
    shaded and starts at the dotted line.

    Parameters
    ----------
    t : sequence of shape (N,)
        The time axis: numbers or ``datetime64`` dates.
    truth : sequence of shape (N,)
        The observed values (the history and the held-out tail).
    forecasts : mapping of label -> sequence of shape (M,)
        Forecasts of ``truth[-M:]``, all with the same M, 1 <= M <= N.
    ax : Axes, optional
    ylabel, title : str, optional

    Returns
    -------
    Axes

    Used in chapter 11.
    """
    t = np.asarray(t)
    y = np.asarray(truth, dtype=float)
    if t.ndim != 1 or y.shape != t.shape:
        raise ValueError(f"truth: expected shape (N,) like t {t.shape}, got {y.shape}")
    if not forecasts:
        raise ValueError("forecasts: expected at least one label -> values entry, got none")
    sizes = {label: np.shape(v) for label, v in forecasts.items()}
    M = next(iter(sizes.values()))[0] if len(next(iter(sizes.values()))) == 1 else 0
    for label, shape in sizes.items():
        if shape != (M,) or not 1 <= M <= y.size:
            raise ValueError(f"forecasts[{label!r}]: expected shape (M,) with one M in [1, {y.size}] for all, got {sizes}")
    ax = _axes(ax, (8.0, 3.6))
    tail = t[-M:]
    ax.axvspan(tail[0], tail[-1], color="grey", alpha=0.12, lw=0, label="held out")
    ax.axvline(tail[0], color="grey", ls=":", lw=1)
    ax.plot(t, y, color="black", lw=1.2, label="truth")
    for k, (label, values) in enumerate(forecasts.items()):
        ax.plot(tail, np.asarray(values, dtype=float), color=f"C{k}", lw=1.2, marker=".", markersize=4, label=label)
    return _finish(ax, "time", ylabel, title)


def plot_loss(
    history: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    key: str = "loss",
    smooth: int = 20,
    log: bool = False,
    label: str | None = None,
    title: str | None = None,
) -> Axes:
    """Plot a per-step training curve (e.g. the loss of ``train.train``) and its moving average.

    Parameters
    ----------
    history : mapping with a sequence of shape (steps,) under ``key``
        The dict returned by ``lstm_tutorial.train.train``.
    ax : Axes, optional
    key : str, default "loss"
        Which series to draw (``"grad_norm"`` shows gradient spikes).
    smooth : int, default 20
        Window of the moving average drawn over the raw, faint curve (1: raw only).
    log : bool, default False
        Logarithmic y axis.
    label, title : str, optional

    Returns
    -------
    Axes

    Used in chapters 8 and 9.
    """
    if key not in history:
        raise ValueError(f"history: has no series {key!r} (keys: {sorted(history)})")
    v = np.asarray(history[key], dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"history[{key!r}]: expected shape (steps,) with steps >= 1, got {v.shape}")
    if isinstance(smooth, bool) or not isinstance(smooth, int) or smooth < 1:
        raise ValueError(f"smooth: expected a positive int, got {smooth!r}")
    ax = _axes(ax)
    steps = _steps(v.size)
    line = ax.plot(steps, v, alpha=0.3 if smooth > 1 else 1.0, lw=1, label=None if smooth > 1 else label)[0]
    if smooth > 1 and v.size >= smooth:
        avg = np.convolve(v, np.ones(smooth) / smooth, mode="valid")  # (steps - smooth + 1,)
        ax.plot(steps[smooth - 1 :], avg, color=line.get_color(), lw=2, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("update")
    ax.set_ylabel(key.replace("_", " ") if smooth == 1 else f"{key.replace('_', ' ')} ({smooth}-step average)")
    ax.grid(True, alpha=0.3)
    if label:
        ax.legend()
    if title:
        ax.set_title(title)
    return ax


def plot_accuracy_vs_length(
    results: Mapping[str, Mapping[int, float]],
    ax: Axes | None = None,
    *,
    chance: float | None = 0.5,
    title: str | None = None,
) -> Axes:
    """Plot final accuracy against sequence length, one line per model.

    Parameters
    ----------
    results : mapping of label -> mapping of T -> accuracy
        E.g. ``{"RNN": {5: 1.0, 10: 0.98, ...}, "LSTM": {...}}``; accuracies in [0, 1].
    ax : Axes, optional
    chance : float or None, default 0.5
        Draw the chance level as a dashed line (None: no line).
    title : str, optional

    Returns
    -------
    Axes
        Logarithmic x axis (the lengths usually grow geometrically), labelled with the lengths.

    Used in chapter 9.
    """
    if not results:
        raise ValueError("results: expected at least one label -> {T: accuracy} entry, got none")
    ax = _axes(ax)
    lengths: set[int] = set()
    markers = "osD^v<>"
    for k, (label, by_T) in enumerate(results.items()):
        if not by_T:
            raise ValueError(f"results[{label!r}]: expected at least one T -> accuracy entry, got none")
        Ts = sorted(by_T)
        acc = np.array([by_T[T] for T in Ts], dtype=float)
        if np.any((acc < 0) | (acc > 1)) or min(Ts) < 1:
            raise ValueError(f"results[{label!r}]: expected lengths >= 1 and accuracies in [0, 1], got {dict(by_T)}")
        ax.plot(Ts, acc, marker=markers[k % len(markers)], label=label)
        lengths.update(Ts)
    if chance is not None:
        ax.axhline(chance, color="grey", ls="--", lw=1, label="chance")
    ax.set_xscale("log")
    ax.set_xticks(sorted(lengths))
    ax.set_xticklabels([str(T) for T in sorted(lengths)])
    ax.minorticks_off()
    ax.set_ylim(0.0, 1.05)
    return _finish(ax, "sequence length $T$ (the bit must survive $T - 1$ steps)", "held-out accuracy", title)


def plot_gradient_by_distance(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    ylabel: str = r"gradient norm $|\partial h_T / \partial x_{T-k}|$",
    log: bool = True,
    title: str | None = None,
) -> Axes:
    """Plot gradient norms against the distance ``k = T - t`` they travelled back, one line per model.

    Parameters
    ----------
    curves : mapping of label -> sequence of shape (T,)
        Entry k is the norm after crossing k steps, e.g. from
        ``lstm_tutorial.train.gradient_by_distance``.
    ax : Axes, optional
    ylabel : str
    log : bool, default True
        Logarithmic y axis: a geometric fade is a straight line.
    title : str, optional

    Returns
    -------
    Axes

    Used in chapters 8 and 9.
    """
    series = _curves(curves)
    ax = _axes(ax)
    for label, v in series:
        ax.plot(np.arange(v.size), v, marker="o", markersize=2, label=label)
    if log:
        ax.set_yscale("log")
    return _finish(ax, "distance $k = T - t$ (steps back from the last one)", ylabel, title)
