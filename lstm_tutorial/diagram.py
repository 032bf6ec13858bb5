"""The LSTM cell diagram that every chapter of the book draws.

``from lstm_tutorial.diagram import draw_lstm_cell, cell_values``

What it draws
-------------
One LSTM cell in the article's layout: the long-term memory line
``C_{t-1} -> C_t`` along the top, with the multiply node of the forget part
(``f_t``) and the add node of the input part (``i_t * C~_t``); the previous
hidden state ``h_{t-1}`` and the input ``x_t`` entering at the bottom left and
joined into ``[h_{t-1}, x_t]``, which feeds the four neurons ``f_t`` (sigmoid),
``i_t`` (sigmoid), ``C~_t`` (tanh) and ``o_t`` (sigmoid); the output part
``h_t = o_t * tanh(C_t)`` leaving to the right, optionally into the output
neuron ``y^_t``. Three inputs on the left, two outputs on the right. The
sigmoid gates (the article's "purple unit") share one colour, the tanh neuron
another.

``highlight`` picks one part (``"forget"``, ``"input"``, ``"output"``,
``"memory"`` or ``"cell"``): its components stay strong, the rest fade, and a
caption names the part. ``values`` writes numbers next to the symbols
(``f_t = 0.73``); ``cell_values`` computes them from parameters with the NumPy
backend, ``cell_values_from_gates`` from gate values a reader sets by hand
(the pure function under the book's gate sliders).

Every artist carries a ``gid`` (``"label:f"``, ``"value:f"``, ``"gate:f"``,
``"node:add"``, ``"caption"``, ...), so tests and readers can find it, and
``describe_lstm_cell`` returns the figure's alt text.

What it leaves out
------------------
One unit only: for hidden size > 1 the values are rejected (pick a unit with
``values[k][unit]``); no weights or biases are drawn (they live inside the
neurons); no unrolling over time, no peepholes, no batch. The layout is made
for an Axes about 8 x 4.5 inches: fonts are in points, so a much smaller Axes
crowds the labels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path
from matplotlib.text import Text

from lstm_tutorial import numpy as lt

__all__ = [
    "HIGHLIGHTS",
    "VALUE_KEYS",
    "cell_values",
    "cell_values_from_gates",
    "describe_lstm_cell",
    "draw_lstm_cell",
]

#: Allowed values of ``highlight`` (besides None).
HIGHLIGHTS: tuple[str, ...] = ("forget", "input", "output", "cell", "memory")

#: Allowed keys of ``values``, in the order the cell computes them.
VALUE_KEYS: tuple[str, ...] = ("x", "h_prev", "c_prev", "f", "i", "c_tilde", "o", "c", "h", "y")

# mathtext symbol of each value key (the book's table of symbols).
_SYMBOL = {
    "x": r"x_t",
    "h_prev": r"h_{t-1}",
    "c_prev": r"C_{t-1}",
    "f": r"f_t",
    "i": r"i_t",
    "c_tilde": r"\tilde{C}_t",
    "o": r"o_t",
    "c": r"C_t",
    "h": r"h_t",
    "y": r"\hat{y}_t",
}

_CAPTION = {
    "forget": r"Forget part: the gate $f_t$ keeps the fraction $f_t \times C_{t-1}$ of the old memory",
    "input": r"Input part: the gate $i_t$ adds a fraction of the candidate, "
    r"$C_t = f_t\, C_{t-1} + i_t\, \tilde{C}_t$",
    "output": r"Output part: the gate $o_t$ shows a fraction of the memory, $h_t = o_t \times \tanh(C_t)$",
    "memory": r"Long-term memory: $C_{t-1} \to C_t$, only a product and a sum, no weights",
    "cell": r"The whole cell: three inputs ($C_{t-1}, h_{t-1}, x_t$), two outputs ($C_t, h_t$)",
}

_PART_NAME = {
    "forget": "the forget part",
    "input": "the input part",
    "output": "the output part",
    "memory": "the long-term memory line",
    "cell": "the whole cell",
}

# Colours: sigmoid gates share the article's purple; tanh has its own colour.
_SIGMOID = "#7e57c2"
_TANH = "#e07b00"
_TANH_LIGHT = "#fde3c4"
_LINE = "#37474f"
_MEMORY = "#1f4e79"
_FRAME_FILL = "#f3f5f8"
_FRAME_EDGE = "#90a4ae"
_NODE_FILL = "#ffffff"
_FADED = 0.22  # share of its colour kept by what is not highlighted (the rest is white)

_FIGSIZE = (8.0, 4.5)
_XLIM = (-0.8, 17.2)
_YLIM = (0.0, 9.0)

# Layout, in data units (1 unit = 0.5 inch at the default size).
_Y_MEM = 7.0  # long-term memory line
_Y_BUS = 2.0  # [h_{t-1}, x_t] line and the h_t output
_Y_GATE = 3.7  # centre of the four neurons
_Y_MUL_I = 5.4  # i_t * C~_t
_Y_MUL_H = 5.0  # o_t * tanh(C_t)
_Y_TANH = 6.05  # tanh(C_t)
_X_IN = 1.45  # where the inputs enter (labels are to its left)
_X_JOIN = 3.0  # h_{t-1} meets x_t
_X = {"f": 4.0, "i": 5.9, "c_tilde": 7.95, "o": 10.15}
_X_H = 12.45  # the output part's column
_X_OUT = 15.15  # where the outputs end (labels are to its right)
_X_YHAT = 14.45  # output neuron column
_FRAME = (1.9, 1.0, 13.55, 7.8)  # x0, y0, x1, y1
_R = 0.27  # radius of the pointwise nodes
_GATE_W, _GATE_H = 1.0, 0.8

_FS_LABEL = 12
_FS_VALUE = 9.5
_FS_SYMBOL = 11
_FS_CAPTION = 10


# --------------------------------------------------------------------------
# Pure helpers
# --------------------------------------------------------------------------


def _scalar(name: str, v: Any) -> float:
    """A finite float from a number or a 1-element array; clear errors otherwise."""
    if isinstance(v, (bool, np.bool_, str, bytes)):
        raise TypeError(f"{name}: expected a float or a 1-element array, got {type(v).__name__}")
    try:
        a = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a float or a 1-element array, got {type(v).__name__}") from None
    if a.size != 1:
        raise ValueError(
            f"{name}: expected a float or a 1-element array (the diagram shows one unit of the cell), "
            f"got shape {tuple(a.shape)}; pick one unit, e.g. value[0]"
        )
    out = float(a.reshape(()))
    if math.isnan(out):
        raise ValueError(f"{name}: is NaN")
    if math.isinf(out):
        raise ValueError(f"{name}: is infinite ({out})")
    return out


def _check_values(values: Mapping[str, Any] | None) -> dict[str, float]:
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise TypeError(f"values: expected a mapping such as a dict, got {type(values).__name__}")
    out = {}
    for key, v in values.items():
        if key not in VALUE_KEYS:
            raise ValueError(f"values: unknown key {key!r}; allowed keys are {', '.join(VALUE_KEYS)}")
        out[key] = _scalar(f"values[{key!r}]", v)
    return out


def _check_highlight(highlight: str | None) -> None:
    if highlight is not None and (not isinstance(highlight, str) or highlight not in HIGHLIGHTS):
        raise ValueError(
            f"highlight: expected None or one of {', '.join(repr(h) for h in HIGHLIGHTS)}, got {highlight!r}"
        )


def _fmt(v: float) -> str:
    """Two decimals, and never ``-0.00``."""
    s = f"{v:.2f}"
    return "0.00" if s == "-0.00" else s


def cell_values(
    x: Any, h_prev: Any, c_prev: Any, params: lt.LSTMParams, *, W_y: Any = None, b_y: Any = None
) -> dict[str, float]:
    """Every quantity of one LSTM step, ready for ``draw_lstm_cell(values=...)``.

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
    ValueError
        If the hidden or input size is not 1, or an input is not one finite number.

    Used in chapters 2-5 under the cell diagram.
    """
    if not isinstance(params, lt.LSTMParams):
        raise TypeError(f"params: expected LSTMParams, got {type(params).__name__}")
    W = tuple(np.shape(params.W_f))
    if W != (1, 2):
        raise ValueError(
            "params: cell_values draws the article's single neurons, hidden size 1 and input size 1 "
            f"(W_f of shape (1, 2)); got W_f of shape {W}"
        )
    if (W_y is None) != (b_y is None):
        raise ValueError("W_y, b_y: give both (the output neuron) or neither")
    vals = {"x": _scalar("x", x), "h_prev": _scalar("h_prev", h_prev), "c_prev": _scalar("c_prev", c_prev)}
    x1, h1, c1 = (np.array([vals[k]]) for k in ("x", "h_prev", "c_prev"))  # (1,) each
    vals["f"] = float(lt.forget_gate(x1, h1, params)[0])
    vals["i"] = float(lt.input_gate(x1, h1, params)[0])
    vals["c_tilde"] = float(lt.candidate(x1, h1, params)[0])
    vals["o"] = float(lt.output_gate(x1, h1, params)[0])
    h, c = lt.lstm_cell(x1, (h1, c1), params)  # (1,), (1,)
    vals["c"], vals["h"] = float(c[0]), float(h[0])
    if W_y is not None:
        y = lt.output_neuron(h, W_y, b_y)  # (K,)
        if y.shape != (1,):
            raise ValueError(f"W_y: expected shape (1, 1) (one output neuron), got {tuple(np.shape(W_y))}")
        vals["y"] = float(y[0])
    return vals


def cell_values_from_gates(c_prev: float, f: float, i: float, c_tilde: float, o: float) -> dict[str, float]:
    """The cell's two outputs from gate values set by hand.

    The pure function under the book's gate sliders: the reader chooses the
    gates directly and sees what the cell does with them::

        C_t = f_t * C_{t-1} + i_t * C~_t
        h_t = o_t * tanh(C_t)

    Parameters
    ----------
    c_prev : float
        Old long-term memory ``C_{t-1}``.
    f, i, o : float in [0, 1]
        Forget, input and output gates (sigmoid outputs, so 0 and 1 are the
        limits: ``f=1, i=0`` keeps the memory exactly, ``f=0`` wipes it,
        ``o=0`` hides it from ``h_t``).
    c_tilde : float in [-1, 1]
        Candidate memory ``C~_t`` (a tanh output).

    Returns
    -------
    dict of str to float
        Keys ``"c_prev", "f", "i", "c_tilde", "o", "c", "h"``, ready for
        ``draw_lstm_cell(values=...)``.

    Raises
    ------
    ValueError
        If a value is NaN, infinite, or outside its range.

    Used in chapters 3-5 (the gate sliders).
    """
    v = {"c_prev": _scalar("c_prev", c_prev)}
    for name, val, lo, hi in (("f", f, 0.0, 1.0), ("i", i, 0.0, 1.0), ("c_tilde", c_tilde, -1.0, 1.0),
                              ("o", o, 0.0, 1.0)):
        v[name] = _scalar(name, val)
        if not lo <= v[name] <= hi:
            raise ValueError(f"{name}: expected a value in [{lo:g}, {hi:g}], got {v[name]}")
    v["c"] = v["f"] * v["c_prev"] + v["i"] * v["c_tilde"]  # forget part + input part
    v["h"] = v["o"] * float(lt.tanh(v["c"]))  # output part
    return v


def describe_lstm_cell(highlight: str | None = None, values: Mapping[str, Any] | None = None) -> str:
    """Alt text for ``draw_lstm_cell(highlight, values)``: the figure in words.

    Parameters
    ----------
    highlight : str or None
        As in ``draw_lstm_cell``.
    values : mapping, optional
        As in ``draw_lstm_cell``.

    Returns
    -------
    str
        Plain text (no LaTeX), for the ``:alt:`` of a book figure.
    """
    _check_highlight(highlight)
    vals = _check_values(values)
    text = (
        "Diagram of one LSTM cell. Three inputs enter on the left: the long-term memory C(t-1) along "
        "the top, the hidden state h(t-1) and the input x(t) at the bottom, joined into [h(t-1), x(t)]. "
        "That vector feeds four neurons: the forget gate f(t), the input gate i(t) and the output gate "
        "o(t), all sigmoid, and the candidate memory C~(t), tanh. Along the top, C(t-1) is multiplied by "
        "f(t), then i(t) times C~(t) is added, giving the new memory C(t), which leaves on the right. "
        "C(t) also goes through tanh and is multiplied by o(t), giving the new hidden state h(t), which "
        "leaves on the right at the bottom."
    )
    if "y" in vals:
        text += " h(t) also feeds the sigmoid output neuron y^(t)."
    if highlight is not None:
        text += f" Highlighted: {_PART_NAME[highlight]}; the rest is faded."
    if vals:
        plain = {"x": "x(t)", "h_prev": "h(t-1)", "c_prev": "C(t-1)", "f": "f(t)", "i": "i(t)",
                 "c_tilde": "C~(t)", "o": "o(t)", "c": "C(t)", "h": "h(t)", "y": "y^(t)"}
        text += " Values: " + ", ".join(f"{plain[k]} = {_fmt(vals[k])}" for k in VALUE_KEYS if k in vals) + "."
    return text


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------

# Which parts each component belongs to ("cell" means all of them). The
# shared inputs belong to the three gated parts: every gate reads [h_{t-1}, x_t].
_GATED = frozenset({"forget", "input", "output"})
_PARTS: dict[str, frozenset[str]] = {
    "c_prev": frozenset({"forget", "memory"}),  # C_{t-1} entering, up to the forget multiply
    "mul_f": frozenset({"forget", "memory"}),
    "mem_mid": frozenset({"forget", "input", "memory"}),  # f_t * C_{t-1} on its way to the sum
    "add": frozenset({"input", "memory"}),
    "mem_branch": frozenset({"input", "memory", "output"}),  # C_t up to where the output part reads it
    "c": frozenset({"input", "memory"}),  # C_t leaving
    "h_prev": _GATED,
    "x": _GATED,
    "hx": _GATED,  # the join and the [h_{t-1}, x_t] line up to the forget gate
    "bus_i": frozenset({"input", "output"}),  # ... on to the input neurons
    "bus_o": frozenset({"output"}),  # ... on to the output gate
    "f": frozenset({"forget"}),
    "i": frozenset({"input"}),
    "c_tilde": frozenset({"input"}),
    "mul_i": frozenset({"input"}),
    "o": frozenset({"output"}),
    "tanh_c": frozenset({"output"}),
    "mul_h": frozenset({"output"}),
    "h": frozenset({"output"}),
    "y": frozenset({"output"}),
}


class _Painter:
    """Draws into one Axes and remembers which part each artist belongs to."""

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        self.owned: list[tuple[Any, str]] = []  # (artist, component)

    def _own(self, artist: Any, gid: str, comp: str | None) -> Any:
        artist.set_gid(gid)
        if comp is not None:
            self.owned.append((artist, comp))
        return artist

    def line(self, pts: list[tuple[float, float]], comp: str, gid: str, *, arrow: bool = True,
             color: str = _LINE, lw: float = 1.6) -> FancyArrowPatch:
        path = Path(pts, [Path.MOVETO] + [Path.LINETO] * (len(pts) - 1))
        style = "-|>,head_length=0.55,head_width=0.3" if arrow else "-"
        a = FancyArrowPatch(path=path, arrowstyle=style, mutation_scale=12, lw=lw, color=color,
                            shrinkA=0, shrinkB=0, joinstyle="miter", capstyle="butt", zorder=1)
        self.ax.add_patch(a)
        return self._own(a, gid, comp)

    def dot(self, xy: tuple[float, float], comp: str, gid: str, color: str = _LINE) -> Circle:
        c = Circle(xy, 0.075, color=color, zorder=2)
        self.ax.add_patch(c)
        return self._own(c, gid, comp)

    def text(self, xy: tuple[float, float], s: str, comp: str | None, gid: str, **kw: Any) -> Text:
        kw.setdefault("fontsize", _FS_LABEL)
        kw.setdefault("ha", "center")
        kw.setdefault("va", "center")
        t = self.ax.text(xy[0], xy[1], s, zorder=5, **kw)
        return self._own(t, gid, comp)

    def gate(self, key: str, x: float, y: float, kind: str) -> None:
        """A neuron: a rounded box, purple for sigmoid, orange for tanh."""
        fill = _SIGMOID if kind == "sigmoid" else _TANH
        box = FancyBboxPatch((x - _GATE_W / 2, y - _GATE_H / 2), _GATE_W, _GATE_H,
                             boxstyle="round,pad=0,rounding_size=0.18", fc=fill, ec=fill, lw=1.2, zorder=3)
        self.ax.add_patch(box)
        self._own(box, f"gate:{key}", key)
        sym = r"$\sigma$" if kind == "sigmoid" else r"$\tanh$"
        self.text((x, y), sym, key, f"symbol:{key}", color="white", fontsize=_FS_SYMBOL + 2, fontweight="bold")

    def node(self, key: str, xy: tuple[float, float], op: str) -> None:
        """A pointwise operation: a small circle with x or +."""
        c = Circle(xy, _R, fc=_NODE_FILL, ec=_LINE, lw=1.4, zorder=3)
        self.ax.add_patch(c)
        self._own(c, f"node:{key}", key)
        sym = r"$\times$" if op == "mul" else r"$+$"
        self.text(xy, sym, key, f"symbol:{key}", fontsize=_FS_SYMBOL + 1)

    def label(self, key: str, xy: tuple[float, float], comp: str, **kw: Any) -> Text:
        return self.text(xy, f"${_SYMBOL[key]}$", comp, f"label:{key}", **kw)

    def value(self, key: str, label: Text, v: float, side: str, comp: str) -> Text:
        """The value beside its label, so that together they read ``f_t = 0.73``.

        ``side="right"``: ``= 0.73`` just right of the label. The ``below*``
        sides repeat the symbol (``C_{t-1} = 0.80``) under the label, centred,
        right-aligned or left-aligned with it.
        """
        num = _fmt(v).replace("-", "\u2212")  # a true minus sign
        if side == "right":
            s, kw = f"= {num}", dict(xy=(1.0, 0.5), xytext=(3, 0), ha="left", va="center")
        else:
            s = f"${_SYMBOL[key]}$ = {num}"
            x, ha = {"below": (0.5, "center"), "below_left": (1.0, "right"), "below_right": (0.0, "left")}[side]
            kw = dict(xy=(x, 0.0), xytext=(0, -3), ha=ha, va="top")
        t = self.ax.annotate(s, xycoords=label, textcoords="offset points", fontsize=_FS_VALUE,
                             color="#263238", zorder=5,
                             bbox=dict(boxstyle="round,pad=0.2", fc="#fff8e1", ec="#ffb300", lw=0.6), **kw)
        return self._own(t, f"value:{key}", comp)

    def fade(self, highlight: str | None) -> None:
        """Wash out every artist outside the highlighted part.

        subtle: blending colours toward white, not ``set_alpha``: with alpha,
        an arrowhead drawn over its own line and a dot drawn over the bus show
        darker overlaps.
        """
        if highlight is None or highlight == "cell":
            return
        for artist, comp in self.owned:
            if highlight in _PARTS[comp]:
                continue
            if isinstance(artist, Text):
                artist.set_color(_faded(artist.get_color()))
                box = artist.get_bbox_patch()
                if box is not None:
                    box.set_facecolor(_faded(box.get_facecolor()))
                    box.set_edgecolor(_faded(box.get_edgecolor()))
            else:
                artist.set_facecolor(_faded(artist.get_facecolor()))
                artist.set_edgecolor(_faded(artist.get_edgecolor()))


def _faded(color: Any) -> tuple[float, float, float, float]:
    """``color`` mixed with white, keeping ``_FADED`` of it; transparent stays transparent."""
    r, g, b, a = to_rgba(color)
    if a == 0.0:
        return (r, g, b, a)
    return (1 - _FADED * (1 - r), 1 - _FADED * (1 - g), 1 - _FADED * (1 - b), a)


def draw_lstm_cell(
    ax: Axes | None = None,
    highlight: str | None = None,
    values: Mapping[str, Any] | None = None,
    *,
    title: str | None = None,
    show_output: bool | None = None,
) -> Axes:
    """Draw one LSTM cell in the article's notation, optionally with one part highlighted.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw (it is not cleared: a widget clears it before redrawing);
        a new 8 x 4.5 inch figure if None. The layout is made for an Axes
        about that size (fonts are in points).
    highlight : {None, "forget", "input", "output", "cell", "memory"}
        Part to show in strong colour, everything else faded, with a caption
        naming the part. ``"cell"`` highlights all of it; ``"memory"`` the
        long-term memory line ``C_{t-1} -> C_t``.
    values : mapping, optional
        Numbers to write next to their symbols, any of the keys
        ``"x", "h_prev", "c_prev", "f", "i", "c_tilde", "o", "c", "h", "y"``
        (see ``cell_values`` and ``cell_values_from_gates``). Each value is a
        float or a 1-element array, shown with 2 decimals (``f_t = 0.73``).
        Arrays of more than one element are rejected: the diagram shows one
        unit, so pick it (``values[k][unit]``).
    title : str, optional
        Axes title; None gives "LSTM cell", ``""`` gives none. (The caption
        names the highlighted part; ``describe_lstm_cell`` gives alt text.)
    show_output : bool, optional
        Draw the output neuron ``y^_t`` fed by ``h_t``. None: only when
        ``values`` has a ``"y"``.

    Returns
    -------
    matplotlib Axes
        The Axes drawn into (axis off, equal aspect). Every text and shape
        has a ``gid``: ``"label:<key>"`` and ``"value:<key>"`` for the keys
        above, ``"gate:<f|i|c_tilde|o>"``, ``"node:<mul_f|add|mul_i|mul_h>"``,
        ``"caption"``, ``"frame"``, ...

    Raises
    ------
    ValueError
        Unknown ``highlight``; unknown key, NaN, infinity or more than one
        element in ``values``; a ``"y"`` value with ``show_output=False``.
    TypeError
        ``values`` not a mapping, or a value that is not a number.

    Examples
    --------
    >>> from lstm_tutorial import numpy as lt
    >>> params = lt.init_lstm_params(1, 1, seed=0)
    >>> ax = draw_lstm_cell(highlight="forget", values=cell_values(0.5, 0.1, -0.3, params))

    Drawn in chapter 2 (the whole cell) and chapters 3-5 (one part each);
    ``describe_lstm_cell`` gives its alt text.
    """
    _check_highlight(highlight)
    vals = _check_values(values)
    if show_output is None:
        show_output = "y" in vals
    if "y" in vals and not show_output:
        raise ValueError("values: has a 'y' but show_output=False hides the output neuron y^_t")
    if ax is None:
        _, ax = plt.subplots(figsize=_FIGSIZE, layout="constrained")
    p = _Painter(ax)
    xf, xi, xc, xo = _X["f"], _X["i"], _X["c_tilde"], _X["o"]
    ym, yb, yg = _Y_MEM, _Y_BUS, _Y_GATE
    g_top, g_bot = yg + _GATE_H / 2, yg - _GATE_H / 2

    # The cell's frame (part of every highlight: never faded).
    x0, y0, x1, y1 = _FRAME
    frame = FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=0.4",
                           fc=_FRAME_FILL, ec=_FRAME_EDGE, lw=1.2, zorder=0)
    ax.add_patch(frame)
    frame.set_gid("frame")

    # Long-term memory line along the top.
    mem = dict(color=_MEMORY, lw=2.6)
    p.line([(_X_IN, ym), (xf - _R, ym)], "c_prev", "line:c_prev", **mem)
    p.node("mul_f", (xf, ym), "mul")
    p.line([(xf + _R, ym), (xc - _R, ym)], "mem_mid", "line:mem_mid", **mem)
    p.node("add", (xc, ym), "add")
    p.line([(xc + _R, ym), (_X_H, ym)], "mem_branch", "line:mem_branch", arrow=False, **mem)
    p.line([(_X_H, ym), (_X_OUT, ym)], "c", "line:c", **mem)
    p.dot((_X_H, ym), "mem_branch", "dot:c", color=_MEMORY)

    # Hidden state and input, joined into [h_{t-1}, x_t].
    p.line([(_X_IN, yb), (_X_JOIN, yb)], "h_prev", "line:h_prev", arrow=False)
    p.line([(_X_JOIN, 0.62), (_X_JOIN, yb)], "x", "line:x", arrow=False)
    p.dot((_X_JOIN, yb), "hx", "dot:hx")
    p.line([(_X_JOIN, yb), (xf, yb)], "hx", "line:hx", arrow=False)
    p.line([(xf, yb), (xc, yb)], "bus_i", "line:bus_i", arrow=False)
    p.line([(xc, yb), (xo, yb)], "bus_o", "line:bus_o", arrow=False)
    p.text((_X_JOIN + 0.15, yb - 0.22), r"$[h_{t-1}, x_t]$", "hx", "label:hx", ha="left", va="top",
           fontsize=_FS_VALUE + 1, color=_LINE)
    for key, comp in (("f", "hx"), ("i", "bus_i"), ("c_tilde", "bus_i"), ("o", "bus_o")):
        p.dot((_X[key], yb), comp, f"dot:bus_{key}")
        p.line([(_X[key], yb), (_X[key], g_bot)], key, f"line:in_{key}")

    # The four neurons.
    p.gate("f", xf, yg, "sigmoid")
    p.gate("i", xi, yg, "sigmoid")
    p.gate("c_tilde", xc, yg, "tanh")
    p.gate("o", xo, yg, "sigmoid")

    # Forget part: f_t up to the multiply on the memory line.
    p.line([(xf, g_top), (xf, ym - _R)], "f", "line:f")
    # Input part: i_t * C~_t, then up to the sum.
    p.line([(xi, g_top), (xi, _Y_MUL_I), (xc - _R, _Y_MUL_I)], "i", "line:i")
    p.line([(xc, g_top), (xc, _Y_MUL_I - _R)], "c_tilde", "line:c_tilde")
    p.node("mul_i", (xc, _Y_MUL_I), "mul")
    p.line([(xc, _Y_MUL_I + _R), (xc, ym - _R)], "mul_i", "line:mul_i")
    # Output part: tanh(C_t) times o_t gives h_t.
    tanh_w, tanh_h = 1.05, 0.5
    p.line([(_X_H, ym), (_X_H, _Y_TANH + tanh_h / 2)], "tanh_c", "line:tanh_c_in", color=_MEMORY, lw=1.6)
    ell = Ellipse((_X_H, _Y_TANH), tanh_w, tanh_h, fc=_TANH_LIGHT, ec=_TANH, lw=1.4, zorder=3)
    ax.add_patch(ell)
    p._own(ell, "node:tanh_c", "tanh_c")
    p.text((_X_H, _Y_TANH), r"$\tanh$", "tanh_c", "symbol:tanh_c", fontsize=_FS_SYMBOL, color="#8a4500")
    p.line([(_X_H, _Y_TANH - tanh_h / 2), (_X_H, _Y_MUL_H + _R)], "tanh_c", "line:tanh_c")
    p.line([(xo, g_top), (xo, _Y_MUL_H), (_X_H - _R, _Y_MUL_H)], "o", "line:o")
    p.node("mul_h", (_X_H, _Y_MUL_H), "mul")
    p.line([(_X_H, _Y_MUL_H - _R), (_X_H, yb), (_X_OUT, yb)], "h", "line:h")

    # Optional output neuron y^_t = sigmoid(W_y h_t + b_y), outside the cell.
    if show_output:
        p.dot((_X_YHAT, yb), "y", "dot:y")
        p.line([(_X_YHAT, yb), (_X_YHAT, g_bot)], "y", "line:y_in")
        p.gate("y", _X_YHAT, yg, "sigmoid")
        p.line([(_X_YHAT, g_top), (_X_YHAT, g_top + 0.75)], "y", "line:y")

    # Labels (and values, which read "<symbol> = <value>").
    labels: dict[str, tuple[tuple[float, float], str, dict[str, Any]]] = {
        "c_prev": ((_X_IN - 0.1, ym), "below_left", dict(ha="right")),
        "h_prev": ((_X_IN - 0.1, yb), "below_left", dict(ha="right")),
        "x": ((_X_JOIN, 0.38), "right", {}),
        "f": ((xf + 0.14, 6.1), "right", dict(ha="left")),
        "i": ((xi + 0.14, 4.75), "right", dict(ha="left")),
        "c_tilde": ((xc + 0.14, 4.75), "right", dict(ha="left")),
        "o": ((xo + 0.14, 4.55), "right", dict(ha="left")),
        "c": ((_X_OUT + 0.1, ym), "below_right", dict(ha="left")),
        "h": ((_X_OUT + 0.1, yb), "below_right", dict(ha="left")),
    }
    if show_output:
        labels["y"] = ((_X_YHAT, g_top + 0.95), "right", dict(va="bottom"))
    for key, (xy, side, kw) in labels.items():
        lab = p.label(key, xy, key, **kw)
        if key in vals:
            p.value(key, lab, vals[key], side, key)

    if highlight is not None:
        p.text((sum(_XLIM) / 2, 8.4), _CAPTION[highlight], None, "caption", fontsize=_FS_CAPTION,
               color="#212121")
    p.fade(highlight)

    if title is None:
        title = "LSTM cell"
    if title:
        ax.set_title(title, fontsize=_FS_LABEL)
    ax.set_xlim(*_XLIM)
    ax.set_ylim(*_YLIM)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax
