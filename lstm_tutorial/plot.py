"""Plot helpers for the book's figures of numbers (matplotlib).

``from lstm_tutorial import plot``

What it holds, by chapter:

* per-step lines, all drawn by one helper: ``plot_sequences`` (chapters 1,
  3, 4, 6, 9), ``plot_influence`` (1, 6), ``plot_gradient_by_distance`` (8, 9)
  and ``plot_learning_curves`` (11);
* ``plot_activation``: sigmoid or tanh with one point marked (2, 4);
* ``plot_gate_heatmap``: every gate at every step (6), its rows ``GATE_PARTS``;
* ``plot_loss`` (8, 9), ``plot_accuracy_vs_length`` and ``plot_reach`` (9), ``plot_forecast`` (11);
* ``plot_bits_per_char`` and ``plot_gate_saturation`` (12);
* ``plot_seed_spread``: one score per seed for each of several models (13).

Every helper takes ``ax=None`` (a new figure is made when it is None), labels
its axes, returns the Axes, never calls ``plt.show()`` and changes no global
setting. What is left out: diagrams (the LSTM cell, the unrolled network) are
in ``lstm_tutorial.diagram``; the sliders in ``lstm_tutorial.widgets``; styling
themes and interactive backends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from lstm_tutorial import _validate as V

__all__ = [
    "GATE_PARTS",
    "plot_accuracy_vs_length",
    "plot_activation",
    "plot_bits_per_char",
    "plot_forecast",
    "plot_gate_heatmap",
    "plot_gate_saturation",
    "plot_gradient_by_distance",
    "plot_influence",
    "plot_learning_curves",
    "plot_loss",
    "plot_reach",
    "plot_seed_spread",
    "plot_sequences",
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


def _curves(
    curves: Mapping[str, Sequence[float]], axis: str = "T", min_len: int = 0, name: str = "curves"
) -> list[tuple[str, np.ndarray]]:
    """Validate a label -> 1-D series mapping; return ``(label, float array)`` pairs.

    ``axis`` names the series' length in messages (T steps, E epochs);
    ``min_len`` is the shortest series accepted; ``name`` is the caller's name for the mapping.
    """
    if not isinstance(curves, Mapping):
        raise TypeError(f"{name}: expected a mapping of label -> values, got {type(curves).__name__}")
    if not curves:
        raise ValueError(f"{name}: expected at least one label -> values entry, got none")
    want = f"({axis},)" + (f" with {axis} >= {min_len}" if min_len else "")
    out = []
    for label, values in curves.items():
        v = V.as_float_array(f"{name}[{label!r}]", values)
        if v.ndim != 1 or v.size < min_len:
            raise V.shape_error(f"{name}[{label!r}]", want, v.shape)
        out.append((label, v))
    return out


def _steps(n: int) -> np.ndarray:
    return np.arange(1, n + 1)  # the book counts steps from 1, like the article


def _lines(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None,
    *,
    log: bool = False,
    axis: str = "T",
    min_len: int = 0,
    first_x: int = 1,
    markersize: float = 3,
) -> Axes:
    """The one line plot under four helpers: each series against x = first_x, first_x + 1, ..."""
    series = _curves(curves, axis, min_len)
    ax = _axes(ax)
    for label, v in series:
        ax.plot(np.arange(first_x, first_x + v.size), v, marker="o", markersize=markersize, label=label)
    if log:
        ax.set_yscale("log")
    return ax


def plot_influence(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    log: bool = True,
    ylabel: str = r"influence of $x_1$ on $h_t$:  $|\partial h_t / \partial x_1|$",
    title: str | None = None,
) -> Axes:
    """Plot how much the first input still moves ``h_t``, one line per model.

    Used in chapters 1 and 6.

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
    """
    return _finish(_lines(curves, ax, log=log), "time step $t$", ylabel, title)


def plot_sequences(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    ylabel: str = "$h_t$",
    title: str | None = None,
) -> Axes:
    """Plot several per-step series (hidden states, predictions) against the step t = 1..T.

    Used in chapters 1, 3, 4, 6 and 9.

    Parameters
    ----------
    curves : mapping of label -> sequence of shape (T,)
    ax : Axes, optional
    ylabel, title : str, optional

    Returns
    -------
    Axes
    """
    return _finish(_lines(curves, ax), "time step $t$", ylabel, title)


def plot_activation(
    name: str = "sigmoid",
    ax: Axes | None = None,
    *,
    z: float | None = None,
    zlim: tuple[float, float] = (-6.0, 6.0),
) -> Axes:
    """Draw ``sigmoid`` or ``tanh`` and, if ``z`` is given, mark the point ``(z, act(z))``.

    Taught in chapter 2 (a gate turns a pre-activation into a fraction); chapter 4 draws tanh.

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
    """
    from lstm_tutorial import numpy as lt

    funcs: dict[str, Any] = {"sigmoid": lt.sigmoid, "tanh": lt.tanh}
    V.check_choice("name", name, tuple(funcs))
    if z is not None:
        z = V.check_scalar("z", z)
    ax = _axes(ax, (5.0, 3.2))
    zs = np.linspace(*zlim, 241)
    ax.plot(zs, funcs[name](zs), color="tab:purple" if name == "sigmoid" else "tab:orange", label=name)
    for level in (0.0, 1.0) if name == "sigmoid" else (-1.0, 1.0):
        ax.axhline(level, color="grey", lw=0.8, ls="--")
    if z is not None:
        a = float(funcs[name](np.array(z)))
        ax.plot([z], [a], "o", color="black")
        ax.annotate(f"{name}({z:.2f}) = {a:.3f}", (z, a), textcoords="offset points", xytext=(8, -14))
    ax.set_xlabel("pre-activation $z$")
    ax.set_ylabel(f"{name}$(z)$")
    ax.grid(True, alpha=0.3)
    return ax


# --------------------------------------------------------------------------
# Chapter 6: the gates at every step, as a heatmap
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


def _heatmap_blocks(cache: Any, parts: Sequence[str] | str, sample: int) -> dict[str, np.ndarray]:
    """Check ``plot_gate_heatmap``'s arguments; return each part's rows for one sequence, (H, T) or (D, T)."""
    from lstm_tutorial import numpy as lt

    if not isinstance(cache, lt.LSTMCache):
        raise TypeError(f"cache: expected an LSTMCache (the third value of lstm_forward), got {type(cache).__name__}")
    parts = V.check_choices("parts", (parts,) if isinstance(parts, str) else parts, tuple(GATE_PARTS))
    shape = np.shape(cache.f)
    batch = shape[1] if len(shape) == 3 else None
    if batch is None and V.check_int("sample", sample) != 0:
        raise ValueError(f"sample: the cache is unbatched (f of shape {shape}), so only sample=0 exists; got {sample}")
    if batch is not None:
        V.check_int("sample", sample, 0, batch - 1)

    def rows_of(name: str) -> np.ndarray:
        a = np.asarray(getattr(cache, "xs" if name == "x" else name), dtype=float)
        return (a[:, sample, :] if batch is not None else a).T  # (H, T), or (D, T) for "x"

    return {p: rows_of(p) for p in parts}


def _annotate_cells(ax: Axes, im: Any, data: np.ndarray) -> None:
    """Write each value of the heatmap in its cell, dark on light colours and light on dark ones."""
    for (r, t), val in np.ndenumerate(data):
        light = sum(im.cmap(im.norm(val))[:3]) / 3 > 0.5
        ax.text(t + 1, r, f"{val:.2f}".replace("-", "\u2212"), ha="center", va="center",
                fontsize=8, color="black" if light else "white")


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

    Taught in chapter 6.

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
    """
    blocks = _heatmap_blocks(cache, parts, sample)  # one (H, T) block per part, (D, T) for "x"
    data = np.concatenate(list(blocks.values()), axis=0)  # (rows, T)
    H, T = np.shape(cache.f)[-1], data.shape[1]
    labels = [
        GATE_PARTS[p] + ((" feature " if p == "x" else " unit ") + str(k + 1) if len(b) > 1 else "")
        for p, b in blocks.items() for k in range(len(b))
    ]
    if set(blocks) <= {"f", "i", "o"}:
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
    for edge in np.cumsum([len(b) for b in blocks.values()])[:-1]:  # white lines between the parts
        ax.axhline(edge - 0.5, color="white", lw=2)
    if annotate:
        _annotate_cells(ax, im, data)
    ax.set_xlabel("time step $t$")
    ax.set_ylabel("part of the cell" if H == 1 else "part, unit")
    if title:
        ax.set_title(title)
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

    Used in chapters 11 and 13.

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
    """
    ax = _lines(curves, ax, axis="E", min_len=1)
    for k, (label, level) in enumerate((references or {}).items()):
        level = V.check_float(f"references[{label!r}]", level)
        ax.axhline(level, color=f"C{k + len(curves)}", ls="--", lw=1, label=label)
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

    Used in chapter 11.

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
    """
    t = np.asarray(t)
    y = V.as_float_array("truth", truth)
    if t.ndim != 1 or y.shape != t.shape:
        raise V.shape_error("truth", f"(N,) like t {V.fmt(t.shape)}", y.shape)
    if not forecasts:
        raise ValueError("forecasts: expected at least one label -> values entry, got none")
    sizes = {label: V.as_float_array(f"forecasts[{label!r}]", v).shape for label, v in forecasts.items()}
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
    """Plot a per-update training curve (e.g. the loss of ``train.train``) and its moving average.

    Used in chapters 8 and 9.

    Parameters
    ----------
    history : mapping with a sequence of shape (updates,) under ``key``
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
    """
    if not isinstance(history, Mapping):
        raise TypeError(f"history: expected a mapping such as the dict train.train returns, got {type(history).__name__}")
    if key not in history:
        raise ValueError(f"history: has no series {key!r} (keys: {sorted(history)})")
    v = V.as_float_array(f"history[{key!r}]", history[key])
    if v.ndim != 1 or v.size == 0:
        raise V.shape_error(f"history[{key!r}]", "(steps,) with steps >= 1", v.shape)
    smooth = V.check_int("smooth", smooth, 1)
    ax = _axes(ax)
    steps = _steps(v.size)
    averaged = 1 < smooth <= v.size
    line = ax.plot(steps, v, alpha=0.3 if averaged else 1.0, lw=1, label=None if averaged else label)[0]
    if averaged:
        avg = np.convolve(v, np.ones(smooth) / smooth, mode="valid")  # (steps - smooth + 1,)
        ax.plot(steps[smooth - 1 :], avg, color=line.get_color(), lw=2, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("update")
    name = key.replace("_", " ")
    ax.set_ylabel(f"{name} (mean of {smooth} updates)" if averaged else name)  # the bold curve's
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

    Used in chapter 9.

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
    """
    if not results:
        raise ValueError("results: expected at least one label -> {T: accuracy} entry, got none")
    ax = _axes(ax)
    lengths: set[int] = set()
    markers = "osD^v<>"
    for k, (label, by_T) in enumerate(results.items()):
        if not by_T:
            raise ValueError(f"results[{label!r}]: expected at least one T -> accuracy entry, got none")
        Ts = sorted(V.check_int(f"results[{label!r}]: length", T, 1) for T in by_T)
        acc = np.array([V.check_float(f"results[{label!r}][{T}]", by_T[T], 0.0, 1.0) for T in Ts])
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


def plot_reach(
    brackets: Mapping[str, Sequence[tuple[int, int | None]]],
    ax: Axes | None = None,
    *,
    title: str | None = None,
) -> Axes:
    """Plot how far each model's memory reached: one bracket per run, from the longest T learned to the shortest failed.

    Used in chapter 9.

    Parameters
    ----------
    brackets : mapping of label -> sequence of (learned, failed) pairs
        One pair per training seed: ``learned`` is the longest length the run
        learned (0 when it learned none it tried), ``failed`` the shortest
        length it failed, above ``learned`` (None when it learned every
        length it tried).
    ax : Axes, optional
    title : str, optional

    Returns
    -------
    Axes
        One row per label, top to bottom in the mapping's order, the runs of a
        row slightly apart; logarithmic x axis. A filled circle marks
        ``learned``, a cross ``failed``, a line joins them; a triangle
        pointing right marks a run that never failed.
    """
    if not isinstance(brackets, Mapping):
        raise TypeError(f"brackets: expected a mapping of label -> (learned, failed) pairs, got {type(brackets).__name__}")
    if not brackets:
        raise ValueError("brackets: expected at least one label -> [(learned, failed), ...] entry, got none")
    ax = _axes(ax)
    for k, (label, runs) in enumerate(brackets.items()):
        runs = list(runs)
        if not runs:
            raise ValueError(f"brackets[{label!r}]: expected at least one (learned, failed) pair, got none")
        for j, pair in enumerate(runs):
            name = f"brackets[{label!r}][{j}]"
            if len(pair) != 2:
                raise ValueError(f"{name}: expected a (learned, failed) pair, got {pair!r}")
            learned = V.check_int(f"{name}: learned", pair[0], 0)
            failed = None if pair[1] is None else V.check_int(f"{name}: failed", pair[1], learned + 1)
            if failed is None and learned < 1:
                raise ValueError(f"{name}: expected learned >= 1 when failed is None, got {pair!r}")
            y = -k - (j - (len(runs) - 1) / 2) * 0.12  # the runs of one row, slightly apart, first on top
            if learned > 0 and failed is not None:
                ax.plot([learned, failed], [y, y], color=f"C{k}", lw=1.5)
            if learned > 0:
                ax.plot(learned, y, marker="o" if failed is not None else ">", color=f"C{k}", ls="none")
            if failed is not None:
                ax.plot(failed, y, marker="x", color=f"C{k}", ls="none", mew=2)
    ax.plot([], [], "ko", label="longest $T$ learned")
    ax.plot([], [], "kx", mew=2, label="shortest $T$ failed")
    if any(pair[1] is None for runs in brackets.values() for pair in runs):
        ax.plot([], [], "k>", label="learned every $T$ tried")
    ax.set_xscale("log")
    lengths = [T for runs in brackets.values() for pair in runs for T in pair if T]
    ticks = [T for T in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if min(lengths) / 2 <= T <= max(lengths) * 2]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(T) for T in ticks])  # plain numbers, not powers of ten
    ax.minorticks_off()
    ax.set_yticks([-k for k in range(len(brackets))])
    ax.set_yticklabels(list(brackets))
    ax.set_ylim(-len(brackets) + 0.5, 0.5)
    return _finish(ax, "sequence length $T$ (the bit must survive $T - 1$ steps)", "", title)


def plot_seed_spread(
    scores: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    xlabel: str = "score",
    reference: float | None = None,
    reference_label: str = "reference",
    title: str | None = None,
) -> Axes:
    """Plot one score per training seed for each model: a dot per seed, a bar at the mean.

    Taught in chapter 13 (the variants' next-word accuracy, seed by seed).

    Parameters
    ----------
    scores : mapping of label -> sequence of float, each shape (n_seeds,)
        At least one score per label; the labels are drawn top to bottom in
        the mapping's order.
    ax : Axes, optional
    xlabel : str, default "score"
    reference : float, optional
        Drawn as a dashed vertical line (e.g. the book's LSTM's mean).
    reference_label : str, default "reference"
    title : str, optional

    Returns
    -------
    Axes
        One row per label: the seeds' scores as dots, their mean as a short
        vertical bar, the range joined by a thin line.
    """
    series = _curves(scores, axis="n_seeds", min_len=1, name="scores")
    if reference is not None:
        reference = V.check_float("reference", reference)
    ax = _axes(ax, figsize=(6.4, 0.45 * len(series) + 1.6))
    for k, (_label, v) in enumerate(series):
        y = -k
        ax.plot([v.min(), v.max()], [y, y], color=f"C{k % 10}", lw=1)
        ax.plot(v, np.full(v.size, y), "o", color=f"C{k % 10}", ms=5, alpha=0.8)
        ax.plot([v.mean()], [y], marker="|", color="k", ms=14, mew=2, ls="none")
    ax.plot([], [], "ko", ms=5, label="one seed")
    ax.plot([], [], "k|", ms=10, mew=2, label="mean over seeds")
    if reference is not None:
        ax.axvline(reference, color="0.4", ls="--", lw=1, label=reference_label)
    ax.set_yticks([-k for k in range(len(series))])
    ax.set_yticklabels([label for label, _ in series])
    ax.set_ylim(-len(series) - 0.6, 0.5)  # a band below the last row for the legend, which hides no seed
    _finish(ax, xlabel, "", title)
    ax.legend(loc="lower center", ncol=3, fontsize="small")
    return ax


def plot_gradient_by_distance(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    ylabel: str = r"gradient norm $|\partial h_T / \partial x_{T-k}|$",
    log: bool = True,
    title: str | None = None,
) -> Axes:
    """Plot gradient norms against the distance ``k = T - t`` they travelled back, one line per model.

    Used in chapters 8 and 9.

    Parameters
    ----------
    curves : mapping of label -> sequence of shape (T,)
        Entry k is the norm after crossing k steps, e.g. from
        ``lstm_tutorial.numpy.gradient_by_distance``.
    ax : Axes, optional
    ylabel : str
    log : bool, default True
        Logarithmic y axis: a geometric fade is a straight line.
    title : str, optional

    Returns
    -------
    Axes
    """
    ax = _lines(curves, ax, log=log, first_x=0, markersize=2)
    return _finish(ax, "distance $k = T - t$ (steps back from the last one)", ylabel, title)


def plot_bits_per_char(
    curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    ax: Axes | None = None,
    *,
    references: Mapping[str, float] | None = None,
    title: str | None = None,
) -> Axes:
    """Held-out bits per character against training updates, one line per model, with reference levels.

    Used in chapter 12.

    Parameters
    ----------
    curves : mapping of label -> (steps, bpc)
        ``steps`` (E,): the updates after which the model was measured;
        ``bpc`` (E,): its bits per character there.
    ax : Axes, optional
    references : mapping of label -> float, optional
        Horizontal dashed lines, e.g. the best n-gram model.
    title : str, optional

    Returns
    -------
    Axes
    """
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError("curves: expected a non-empty mapping of label -> (steps, bpc)")
    ax = _axes(ax)
    for label, pair in curves.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"curves[{label!r}]: expected a pair (steps, bpc)")
        x = V.as_float_array(f"curves[{label!r}][0]", np.asarray(pair[0], dtype=float))
        y = V.as_float_array(f"curves[{label!r}][1]", pair[1])
        if y.ndim != 1 or x.shape != y.shape or y.size < 1:
            raise V.shape_error(f"curves[{label!r}][1]", f"{V.fmt(x.shape)} like its steps", y.shape)
        ax.plot(x, y, marker="o", markersize=3, label=label)
    for k, (label, level) in enumerate((references or {}).items()):
        level = V.check_float(f"references[{label!r}]", level)
        ax.axhline(level, color=f"C{k + len(curves)}", ls="--", lw=1, label=label)
    return _finish(ax, "training updates", "held-out bits per character", title)


def plot_gate_saturation(
    left: Sequence[float],
    right: Sequence[float],
    ax: Axes | None = None,
    *,
    label: str | None = None,
    title: str | None = None,
) -> Axes:
    """One dot per unit: how often its gate is left-saturated (x) and right-saturated (y).

    Used in chapter 12.

    The plot of Karpathy, Johnson and Fei-Fei (2015): a dot near the y axis
    is a gate that is often above 0.9 and rarely below 0.1 (mostly open), one
    near the x axis mostly shut, one near the origin rarely saturated, and
    one on the diagonal ``x + y = 1`` always saturated (a switch).

    Parameters
    ----------
    left, right : sequence of shape (H,)
        From ``charmodel.gate_saturation``: fractions in [0, 1].
    ax : Axes, optional
    label : str, optional
        Legend entry (call several times on one Axes to compare models).
    title : str, optional

    Returns
    -------
    Axes
    """
    x = V.as_float_array("left", left)
    y = V.as_float_array("right", right)
    if x.ndim != 1 or x.size < 1:
        raise V.shape_error("left", "(H,)", x.shape)
    if y.shape != x.shape:
        raise V.shape_error("right", f"{V.fmt(x.shape)} like left", y.shape)
    V.check_values_in("left", x, 0, 1)
    V.check_values_in("right", y, 0, 1)
    ax = _axes(ax, figsize=(3.6, 3.6))
    ax.plot([0, 1], [1, 0], color="0.6", lw=0.8)
    ax.scatter(x, y, s=12, alpha=0.7, label=label)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel("fraction left-saturated (< 0.1)")
    ax.set_ylabel("fraction right-saturated (> 0.9)")
    ax.grid(True, alpha=0.3)
    if label:
        ax.legend()
    if title:
        ax.set_title(title)
    return ax
