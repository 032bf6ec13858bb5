"""The book's diagrams: the LSTM cell that every chapter draws, and a cell unrolled over time.

``from lstm_tutorial.diagram import draw_lstm_cell, draw_unrolled``

What it holds:

* ``draw_lstm_cell``: one LSTM cell in the article's layout. The long-term
  memory line ``C_{t-1} -> C_t`` along the top, with the multiply node of the
  forget part (``f_t``) and the add node of the input part (``i_t * C~_t``);
  ``h_{t-1}`` and ``x_t`` entering at the bottom left, joined into
  ``[h_{t-1}, x_t]``, which feeds the four neurons ``f_t``, ``i_t``, ``o_t``
  (sigmoid, the article's "purple unit") and ``C~_t`` (tanh); the output part
  ``h_t = o_t * tanh(C_t)`` leaving to the right, optionally into the output
  neuron ``y^_t``. ``highlight`` picks one part (``HIGHLIGHTS``): its
  components stay strong, the rest fade, and a caption names the part.
  ``values`` writes numbers next to the symbols (keys ``VALUE_KEYS``, e.g.
  from ``lstm_tutorial.demos.cell_values``). Every artist carries a ``gid``
  (``"label:f"``, ``"value:f"``, ``"gate:f"``, ``"node:add"``, ``"caption"``,
  ...), so tests and readers can find it.
* ``draw_unrolled``: the same cell copied once per time step, with the
  states passed along (chapters 6 and 8).

What it leaves out:

One unit only: for hidden size > 1 the values are rejected (pick a unit with
``values[k][unit]``); no weights or biases are drawn (they live inside the
neurons); no peepholes, no batch. The cell's layout is made for an Axes about
8 x 4.5 inches: fonts are in points, so a much smaller Axes crowds the labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path
from matplotlib.text import Text

from lstm_tutorial import _validate as V

__all__ = ["HIGHLIGHTS", "VALUE_KEYS", "draw_lstm_cell", "draw_unrolled"]

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

def _check_values(values: Mapping[str, Any] | None) -> dict[str, float]:
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise TypeError(f"values: expected a mapping such as a dict, got {type(values).__name__}")
    for key in values:
        V.check_choice("values key", key, VALUE_KEYS)
    return {key: V.check_scalar(f"values[{key!r}]", v) for key, v in values.items()}


def _fmt(v: float) -> str:
    """Two decimals, and never ``-0.00``."""
    s = f"{v:.2f}"
    return "0.00" if s == "-0.00" else s


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



def _draw_memory_line(p: _Painter) -> None:
    """The cell's frame, and the long-term memory line along the top with its multiply and add."""
    x0, y0, x1, y1 = _FRAME
    frame = FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=0.4",
                           fc=_FRAME_FILL, ec=_FRAME_EDGE, lw=1.2, zorder=0)
    p.ax.add_patch(frame)
    frame.set_gid("frame")  # part of every highlight: never faded
    xf, xc, ym = _X["f"], _X["c_tilde"], _Y_MEM
    mem = dict(color=_MEMORY, lw=2.6)
    p.line([(_X_IN, ym), (xf - _R, ym)], "c_prev", "line:c_prev", **mem)
    p.node("mul_f", (xf, ym), "mul")
    p.line([(xf + _R, ym), (xc - _R, ym)], "mem_mid", "line:mem_mid", **mem)
    p.node("add", (xc, ym), "add")
    p.line([(xc + _R, ym), (_X_H, ym)], "mem_branch", "line:mem_branch", arrow=False, **mem)
    p.line([(_X_H, ym), (_X_OUT, ym)], "c", "line:c", **mem)
    p.dot((_X_H, ym), "mem_branch", "dot:c", color=_MEMORY)


def _draw_inputs_and_neurons(p: _Painter) -> None:
    """``h_{t-1}`` and ``x_t`` joined into ``[h_{t-1}, x_t]``, which feeds the four neurons."""
    xf, xc, xo, yb = _X["f"], _X["c_tilde"], _X["o"], _Y_BUS
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
        p.line([(_X[key], yb), (_X[key], _Y_GATE - _GATE_H / 2)], key, f"line:in_{key}")
    for key, kind in (("f", "sigmoid"), ("i", "sigmoid"), ("c_tilde", "tanh"), ("o", "sigmoid")):
        p.gate(key, _X[key], _Y_GATE, kind)


def _draw_parts(p: _Painter) -> None:
    """What the neurons feed: the forget multiply, ``i_t * C~_t``, and ``h_t = o_t * tanh(C_t)``."""
    xf, xi, xc, xo = _X["f"], _X["i"], _X["c_tilde"], _X["o"]
    ym, g_top = _Y_MEM, _Y_GATE + _GATE_H / 2
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
    p.ax.add_patch(ell)
    p._own(ell, "node:tanh_c", "tanh_c")
    p.text((_X_H, _Y_TANH), r"$\tanh$", "tanh_c", "symbol:tanh_c", fontsize=_FS_SYMBOL, color="#8a4500")
    p.line([(_X_H, _Y_TANH - tanh_h / 2), (_X_H, _Y_MUL_H + _R)], "tanh_c", "line:tanh_c")
    p.line([(xo, g_top), (xo, _Y_MUL_H), (_X_H - _R, _Y_MUL_H)], "o", "line:o")
    p.node("mul_h", (_X_H, _Y_MUL_H), "mul")
    p.line([(_X_H, _Y_MUL_H - _R), (_X_H, _Y_BUS), (_X_OUT, _Y_BUS)], "h", "line:h")


def _draw_output_neuron(p: _Painter) -> None:
    """The output neuron ``y^_t = sigmoid(W_y h_t + b_y)``, outside the cell."""
    g_top = _Y_GATE + _GATE_H / 2
    p.dot((_X_YHAT, _Y_BUS), "y", "dot:y")
    p.line([(_X_YHAT, _Y_BUS), (_X_YHAT, _Y_GATE - _GATE_H / 2)], "y", "line:y_in")
    p.gate("y", _X_YHAT, _Y_GATE, "sigmoid")
    p.line([(_X_YHAT, g_top), (_X_YHAT, g_top + 0.75)], "y", "line:y")


def _draw_labels(p: _Painter, vals: dict[str, float], show_output: bool) -> None:
    """Every symbol, and beside it its value when ``vals`` has one (``f_t = 0.73``)."""
    ym, yb = _Y_MEM, _Y_BUS
    labels: dict[str, tuple[tuple[float, float], str, dict[str, Any]]] = {
        "c_prev": ((_X_IN - 0.1, ym), "below_left", dict(ha="right")),
        "h_prev": ((_X_IN - 0.1, yb), "below_left", dict(ha="right")),
        "x": ((_X_JOIN, 0.38), "right", {}),
        "f": ((_X["f"] + 0.14, 6.1), "right", dict(ha="left")),
        "i": ((_X["i"] + 0.14, 4.75), "right", dict(ha="left")),
        "c_tilde": ((_X["c_tilde"] + 0.14, 4.75), "right", dict(ha="left")),
        "o": ((_X["o"] + 0.14, 4.55), "right", dict(ha="left")),
        "c": ((_X_OUT + 0.1, ym), "below_right", dict(ha="left")),
        "h": ((_X_OUT + 0.1, yb), "below_right", dict(ha="left")),
    }
    if show_output:
        labels["y"] = ((_X_YHAT, _Y_GATE + _GATE_H / 2 + 0.95), "right", dict(va="bottom"))
    for key, (xy, side, kw) in labels.items():
        lab = p.label(key, xy, key, **kw)
        if key in vals:
            p.value(key, lab, vals[key], side, key)


def _finish_cell(p: _Painter, highlight: str | None, title: str) -> None:
    """The caption of the highlighted part, the fading of the rest, the title and the limits."""
    if highlight is not None:
        p.text((sum(_XLIM) / 2, 8.4), _CAPTION[highlight], None, "caption", fontsize=_FS_CAPTION,
               color="#212121")
    p.fade(highlight)
    if title:
        p.ax.set_title(title, fontsize=_FS_LABEL)
    p.ax.set_xlim(*_XLIM)
    p.ax.set_ylim(*_YLIM)
    p.ax.set_aspect("equal")
    p.ax.set_axis_off()


def draw_lstm_cell(
    ax: Axes | None = None,
    highlight: str | None = None,
    values: Mapping[str, Any] | None = None,
    *,
    title: str | None = None,
    show_output: bool | None = None,
) -> Axes:
    """Draw one LSTM cell in the article's notation, optionally with one part highlighted.

    Taught in chapter 2 (the whole cell); chapters 3-5 draw one part each.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw (not cleared); a new 8 x 4.5 inch figure if None.
    highlight : {None, "forget", "input", "output", "cell", "memory"}
        Part in strong colour, the rest faded, with a caption naming the part.
        ``"cell"`` highlights all of it, ``"memory"`` the line ``C_{t-1} -> C_t``.
    values : mapping, optional
        Numbers written next to their symbols, keys among ``VALUE_KEYS``; each
        a float or a 1-element array, shown with 2 decimals (``f_t = 0.73``).
    title : str, optional
        Axes title; None gives "LSTM cell", ``""`` gives none.
    show_output : bool, optional
        Draw the output neuron ``y^_t`` fed by ``h_t``; None: when ``values`` has ``"y"``.

    Returns
    -------
    matplotlib Axes
        Axis off, equal aspect; every text and shape has a ``gid`` (``"label:f"``,
        ``"value:f"``, ``"gate:f"``, ``"node:add"``, ``"caption"``, ``"frame"``, ...).

    Raises
    ------
    TypeError
        ``highlight`` not a str, ``values`` not a mapping, a value not a number.
    ValueError
        Unknown ``highlight`` or key, a value that is NaN, infinite or has more
        than one element, a ``"y"`` value with ``show_output=False``.
    """
    if highlight is not None:
        V.check_choice("highlight", highlight, HIGHLIGHTS)
    vals = _check_values(values)
    if show_output is None:
        show_output = "y" in vals
    if "y" in vals and not show_output:
        raise ValueError("values: has a 'y' but show_output=False hides the output neuron y^_t")
    if ax is None:
        _, ax = plt.subplots(figsize=_FIGSIZE, layout="constrained")
    p = _Painter(ax)
    _draw_memory_line(p)
    _draw_inputs_and_neurons(p)
    _draw_parts(p)
    if show_output:
        _draw_output_neuron(p)
    _draw_labels(p, vals, show_output)
    _finish_cell(p, highlight, "LSTM cell" if title is None else title)
    return ax


# --------------------------------------------------------------------------
# The cell unrolled over time
# --------------------------------------------------------------------------


# Layout of the unrolled network, in data units.
_U_STEP, _U_HALF, _U_TOP = 3.0, 0.9, 1.6  # distance between copies, half width, box height
_U_Y_C, _U_Y_H = 1.3, 0.3  # heights of the memory and hidden-state lines
_U_H_COLOUR, _U_C_COLOUR = "tab:blue", "tab:red"


def _arrow(ax: Axes, x0: float, y0: float, x1: float, y1: float, color: str) -> None:
    ax.annotate("", (x1, y1), (x0, y0), arrowprops={"arrowstyle": "-|>", "mutation_scale": 12, "lw": 1.6,
                                                    "color": color})


def _unrolled_cell(ax: Axes, t: int, name: str, outputs: bool) -> None:
    """Copy t of the cell: its box, ``x_t`` from below and, with ``outputs``, ``y^_t`` above."""
    cx = _U_STEP * t
    ax.add_patch(FancyBboxPatch((cx - _U_HALF, 0.0), 2 * _U_HALF, _U_TOP, boxstyle="round,pad=0.05",
                                facecolor="#dbe8f6", edgecolor="black", lw=1.2))
    ax.text(cx, _U_TOP / 2, name, ha="center", va="center", fontsize=10, gid=f"cell:{t}")
    _arrow(ax, cx, -0.9, cx, -0.05, "black")
    ax.text(cx, -1.0, f"$x_{{{t}}}$", ha="center", va="top", fontsize=11, gid=f"x:{t}")
    if outputs:
        ax.add_patch(Circle((cx, _U_TOP + 1.1), 0.32, facecolor="#e6dcf2", edgecolor="black", lw=1.2))
        _arrow(ax, cx, _U_TOP + 0.05, cx, _U_TOP + 0.76, _U_H_COLOUR)
        ax.text(cx, _U_TOP + 1.1, r"$\hat{y}_{" + str(t) + "}$", ha="center", va="center", fontsize=11,
                gid=f"y:{t}")


def _pass_states(ax: Axes, x0: float, x1: float, t: int, lstm: bool) -> None:
    """The states of step t carried from ``x0`` to ``x1``: ``h_t`` (and ``C_t`` for the LSTM), labelled."""
    x_mid = (x0 + x1 + 0.05) / 2
    _arrow(ax, x0, _U_Y_H, x1, _U_Y_H, _U_H_COLOUR)
    if lstm:
        _arrow(ax, x0, _U_Y_C, x1, _U_Y_C, _U_C_COLOUR)
    ax.text(x_mid, _U_Y_H - 0.12, f"$h_{{{t}}}$", ha="center", va="top", color=_U_H_COLOUR, fontsize=11,
            gid=f"h:{t}")
    if lstm:
        ax.text(x_mid, _U_Y_C + 0.1, f"$C_{{{t}}}$", ha="center", va="bottom", color=_U_C_COLOUR, fontsize=11,
                gid=f"c:{t}")


def draw_unrolled(
    T: int = 3,
    ax: Axes | None = None,
    *,
    kind: str = "lstm",
    outputs: bool = True,
) -> Axes:
    """Draw a recurrent cell unrolled over T steps: the same cell, copied once per step.

    Taught in chapter 6; chapter 8 draws it again for backpropagation through time.

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
    TypeError
        ``T`` not an int, ``kind`` not a str.
    ValueError
        ``T`` outside [1, 8], or unknown ``kind``.
    """
    T = V.check_int("T", T, 1, 8)
    lstm = V.check_choice("kind", kind, ("lstm", "rnn")) == "lstm"
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 + 2.1 * T, 3.6 if outputs else 2.6), layout="constrained")
    for t in range(1, T + 1):
        cx = _U_STEP * t
        _unrolled_cell(ax, t, "LSTM\ncell" if lstm else "RNN\ncell", outputs)
        x_from = cx - _U_STEP + _U_HALF if t > 1 else cx - _U_STEP + 1.1
        _pass_states(ax, x_from, cx - _U_HALF - 0.05, t - 1, lstm)
    x_end = _U_STEP * T + _U_HALF
    _pass_states(ax, x_end + 0.05, x_end + 1.2, T, lstm)
    ax.set_xlim(_U_STEP - 2.1, x_end + 1.4)
    ax.set_ylim(-1.5, _U_TOP + 1.6 if outputs else _U_TOP + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
