"""Sliders that work on the static website: small HTML/JavaScript explorers.

``from lstm_tutorial.explorer import cell_explorer, gate_explorer``

An ipywidgets slider needs a running kernel: on the built book it moves but
recomputes nothing. The explorers here are plain HTML with a few lines of
inline JavaScript, returned as a notebook output. The output is stored in the
``.ipynb``, so the book's pages show it, and the sliders recompute in the
reader's browser with no kernel and no server:

* ``cell_explorer(part)``: sliders for ``C_{t-1}``, ``f_t``, ``i_t``,
  ``C~_t``, ``o_t``; the browser computes ``C_t = f_t C_{t-1} + i_t C~_t`` and
  ``h_t = o_t tanh(C_t)``, prints them and writes them into the cell diagram
  of ``lstm_tutorial.diagram`` (drawn by matplotlib, embedded as inline SVG).
* ``gate_explorer()``: one slider for a gate's pre-activation ``z``; the
  browser shows ``sigmoid(z)``, the fraction the gate keeps, on the sigmoid
  curve and as a bar.
* ``forget_weights_explorer()``: sliders for the forget gate's two weights,
  its bias and its inputs; the browser computes ``z``, ``f_t = sigmoid(z)``
  and the kept memory, and writes them into the cell diagram.
* ``rnn_memory_explorer()`` and ``memory_comparison_explorer()``: sliders
  for the recurrent weight (or the LSTM's forget bias) and the length ``T``;
  the browser runs the one-neuron RNN (and the hand-set LSTM) over the two
  sequences of ``demos.rnn_memory_demo`` (their inputs are embedded) and
  draws ``h_t`` and ``|dh_t/dx_1|``.

``WIDGET_TWINS`` names the explorer that stands in for each ipywidgets slider
of ``lstm_tutorial.widgets`` on the website (the book hides the ipywidgets
cells there; the notebooks keep them).

The initial numbers come from the package (``demos.output_demo``,
``lt.sigmoid``, ``demos.forget_from_weights_demo``, ``demos.rnn_memory_demo``,
``demos.memory_comparison_demo``); the JavaScript repeats only the few lines
of arithmetic each one needs (``tests/browser/test_explorer_browser.py`` and
``tests/browser/test_site.py`` check both agree to 1e-6). The
module also holds ``Explorer`` (the returned HTML; not exported: readers never build one), ``PARTS``, ``SLIDERS`` and
``DEFAULT_SLIDERS`` (what ``cell_explorer`` accepts) and ``LANGS`` (what ``lang`` accepts).

Everything a test or a reader's script needs is in the DOM: each slider is an
``<input type="range" data-var="f">``, each result an element with
``data-out="c"`` / ``"h"`` / ``"sigmoid"`` whose ``data-value`` holds the full
precision, and each number in the diagram a ``<g data-diagram-value="c">``
with the same ``data-value``. Ids are prefixed with the explorer's ``uid``,
so several explorers can share a page.

Two languages in one output: every word an explorer shows (slider labels,
readouts, chart labels, the diagram's caption) is in its HTML twice, in
elements marked ``data-lang="en"`` and ``data-lang="zh"`` (the tables
``_TEXT`` and ``_ZH_CAPTION``; the Chinese uses the glossary's Chinese
names). The explorer's style shows the language of CSS's ``:lang(zh)``: Chinese
where the page's ``<html lang>`` is ``zh`` or ``zh-...`` (the Chinese edition's
pages say ``zh-CN``), else English; the script gives the figure its
description (``aria-label``) in the same language. So the Chinese pages,
which show the English notebooks' stored outputs, label the sliders in
Chinese, and numbers and sliders are the same in both. ``lang="zh"`` (or
``"en"``) fixes one explorer's language whatever the page says (it sets the
explorer's own ``lang`` attribute), and ``set_language`` does it for every
explorer made after it: the Chinese notebooks' hidden first cell calls
``set_language("zh")``, so an explorer a reader runs in Jupyter, whose page is
English, speaks Chinese.

What it leaves out: no external scripts, no CDN, no styling framework; no
weights (the gates are set by hand, as in chapters 3-5); one unit of the cell.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from html import escape
from typing import Any

import matplotlib as mpl
import matplotlib.style
import numpy as np
from matplotlib.figure import Figure

from lstm_tutorial import _validate as V
from lstm_tutorial import numpy as lt
from lstm_tutorial.demos import (
    forget_from_weights_demo,
    memory_comparison_demo,
    memory_lstm_params,
    output_demo,
    rnn_memory_demo,
)
from lstm_tutorial.diagram import draw_lstm_cell

__all__ = [
    "DEFAULT_SLIDERS",
    "LANGS",
    "PARTS",
    "SLIDERS",
    "WIDGET_TWINS",
    "cell_explorer",
    "forget_weights_explorer",
    "gate_explorer",
    "memory_comparison_explorer",
    "rnn_memory_explorer",
]

#: Values of ``part`` (the part of the cell the diagram highlights).
PARTS: tuple[str, ...] = ("forget", "input", "output", "cell")

#: Every slider of ``cell_explorer``, name -> (min, max), the ranges of the
#: quantities (gates are sigmoid outputs, the candidate a tanh output).
SLIDERS: dict[str, tuple[float, float]] = {
    "c_prev": (-2.0, 2.0),
    "f": (0.0, 1.0),
    "i": (0.0, 1.0),
    "c_tilde": (-1.0, 1.0),
    "o": (0.0, 1.0),
}

#: Sliders shown by default for each part, the ones that part reads.
DEFAULT_SLIDERS: dict[str, tuple[str, ...]] = {
    "forget": ("c_prev", "f"),
    "input": ("c_prev", "f", "i", "c_tilde"),
    "output": ("c_prev", "f", "i", "c_tilde", "o"),
    "cell": ("c_prev", "f", "i", "c_tilde", "o"),
}

#: The kernel-free twin of each ipywidgets slider of ``lstm_tutorial.widgets``:
#: widget function -> explorer function (its ``data-lstm-explorer`` kind is the
#: name without ``_explorer``). A chapter that shows the widget shows the twin.
WIDGET_TWINS: dict[str, str] = {
    "rnn_memory_widget": "rnn_memory_explorer",
    "gate_widget": "gate_explorer",
    "forget_widget": "cell_explorer",
    "forget_from_weights_widget": "forget_weights_explorer",
    "input_widget": "cell_explorer",
    "output_widget": "cell_explorer",
    "memory_comparison_widget": "memory_comparison_explorer",
}

_STEP = 0.01  # the cell and gate sliders move by hundredths
_Z_RANGE = (-6.0, 6.0)  # gate_explorer's pre-activation

# HTML for the symbols (C~ is C + U+0303 COMBINING TILDE, as in the book's text).
_SYM = {
    "c_prev": "<i>C</i><sub><i>t</i>\u22121</sub>",
    "f": "<i>f</i><sub><i>t</i></sub>",
    "i": "<i>i</i><sub><i>t</i></sub>",
    "c_tilde": "<i>C\u0303</i><sub><i>t</i></sub>",
    "o": "<i>o</i><sub><i>t</i></sub>",
    "c": "<i>C</i><sub><i>t</i></sub>",
    "h": "<i>h</i><sub><i>t</i></sub>",
}
#: The languages an explorer's words come in (its ``lang`` argument), English and Chinese.
LANGS: tuple[str, ...] = ("en", "zh")
_HTML_LANG = {"en": "en", "zh": "zh-CN"}  # the lang attribute a forced language sets

# Every word an explorer shows or says, one table per language with the same keys (the Chinese
# uses the glossary's Chinese names, book/glossary.md; tests/test_explorer.py checks both). A
# value is an HTML fragment; {c_prev}, {h_prev}, {x}, {b_f}, {w_h}, {T} are the symbols (_SYM,
# or their SVG form), so that each language puts them where its word order wants them.
_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "c_prev": "old memory {c_prev}",
        "f": "forget gate {f}",
        "i": "input gate {i}",
        "c_tilde": "candidate {c_tilde}",
        "o": "output gate {o}",
        "z": "pre-activation {z}",
        "keeps": ": the gate keeps ",
        "keeps_after": "% of what passes through it.",
        "kept": "kept",
        "w_h_weight": "weight on {h_prev}",
        "w_x_weight": "weight on {x}",
        "bias": "bias {b_f}",
        "h_prev": "hidden state {h_prev}",
        "x": "input {x}",
        "forgotten": " (forgotten: ",
        "forgotten_after": ")",
        "w_h": "recurrent weight {w_h}",
        "T": "length {T}",
        "forget_bias": "forget bias {b_f}",
        "gap": "gap ",
        "influence": "influence ",
        "then_influence": "; influence ",
        "step": "step ",
        "hidden_state": "hidden state ",
        "log_scale": " (log scale)",
        "solid": "solid: LSTM",
        "dashed": "dashed: RNN",
        "part:forget": "the forget part",
        "part:input": "the input part",
        "part:output": "the output part",
        "part:cell": "the whole cell",
        # The diagram in words, for screen readers (the aria-label of the figure).
        "alt:cell": (
            "Diagram of one LSTM cell. Three inputs enter on the left: the long-term memory C(t-1) along "
            "the top, the hidden state h(t-1) and the input x(t) at the bottom, joined into [h(t-1), x(t)]. "
            "That vector feeds four neurons: the forget gate f(t), the input gate i(t) and the output gate "
            "o(t), all sigmoid, and the candidate memory C~(t), tanh. Along the top, C(t-1) is multiplied by "
            "f(t), then i(t) times C~(t) is added, giving the new memory C(t), which leaves on the right. "
            "C(t) also goes through tanh and is multiplied by o(t), giving the new hidden state h(t), which "
            "leaves on the right at the bottom."
        ),
        "alt:highlight": " Highlighted: {part}; the rest is faded.",
        "alt:follow": " The numbers in the diagram follow the sliders above it.",
        "alt:follow_weights": " The numbers in the diagram (x(t), h(t-1), C(t-1), f(t) and C(t)) follow the "
                              "sliders above it.",
        "alt:gate": "The sigmoid curve for z from \u22126 to 6: near 0 for very negative z, 0.5 at z = 0, near 1 "
                    "for large z. A dot marks the current z; the bar below is filled to the fraction the gate keeps.",
        "alt:rnn_memory": "Two line charts over the steps t = 1 to T. Left: the hidden state h_t of the RNN for "
                          "sequence A (x_1 = +1, blue) and sequence B (x_1 = -1, orange). Right: the influence of "
                          "x_1 on h_t on a log scale. Both follow the sliders above them.",
        "alt:memory_comparison": "Two line charts over the steps t = 1 to T. Left: the hidden state h_t of the "
                                 "LSTM (solid) and the RNN (dashed) for sequence A (x_1 = +1, blue) and sequence B "
                                 "(x_1 = -1, orange). Right: the influence of x_1 on h_t for the LSTM (solid) and "
                                 "the RNN (dashed) on a log scale. Both follow the sliders above.",
    },
    "zh": {
        "c_prev": "旧的长期记忆 {c_prev}",
        "f": "遗忘门 {f}",
        "i": "输入门 {i}",
        "c_tilde": "长期记忆候选 {c_tilde}",
        "o": "输出门 {o}",
        "z": "预激活值 {z}",
        "keeps": "：流经门的信号有 ",
        "keeps_after": "% 通过。",
        "kept": "保留",
        "w_h_weight": "{h_prev} 的权重",
        "w_x_weight": "{x} 的权重",
        "bias": "偏置 {b_f}",
        "h_prev": "隐藏状态 {h_prev}",
        "x": "输入 {x}",
        "forgotten": "（被遗忘：",
        "forgotten_after": "）",
        "w_h": "循环权重 {w_h}",
        "T": "序列长度 {T}",
        "forget_bias": "遗忘门偏置 {b_f}",
        "gap": "差距 ",
        "influence": "影响 ",
        "then_influence": "；影响 ",
        "step": "时间步 ",
        "hidden_state": "隐藏状态 ",
        "log_scale": "（对数坐标）",
        "solid": "实线：LSTM",
        "dashed": "虚线：RNN",
        "part:forget": "遗忘部分",
        "part:input": "输入部分",
        "part:output": "输出部分",
        "part:cell": "整个单元",
        "alt:cell": (
            "一个 LSTM 单元的示意图。三个输入从左边进入：上方是长期记忆 C(t-1)，下方是隐藏状态 h(t-1) 和输入 x(t)，"
            "二者拼接成 [h(t-1), x(t)]。这个向量送进四个神经元：遗忘门 f(t)、输入门 i(t) 和输出门 o(t) 都用 sigmoid，"
            "长期记忆候选 C~(t) 用 tanh。沿着上方，C(t-1) 先乘以 f(t)，再加上 i(t) 乘 C~(t)，得到新的长期记忆 C(t)，"
            "从右边离开。C(t) 还要经过 tanh 再乘以 o(t)，得到新的隐藏状态 h(t)，从右下方离开。"
        ),
        "alt:highlight": "突出显示的是{part}，其余部分变淡。",
        "alt:follow": "图中的数随上方的滑块变化。",
        "alt:follow_weights": "图中的数（x(t)、h(t-1)、C(t-1)、f(t) 和 C(t)）随上方的滑块变化。",
        "alt:gate": "z 从 \u22126 到 6 的 sigmoid 曲线：z 很负时接近 0，z = 0 时为 0.5，z 很大时接近 1。"
                    "圆点标出当前的 z；下方的条按门保留的比例填满。",
        "alt:rnn_memory": "两幅折线图，横轴是时间步 t = 1 到 T。左图：RNN 对序列 A（x_1 = +1，蓝色）和序列 B"
                          "（x_1 = -1，橙色）的隐藏状态 h_t。右图：x_1 对 h_t 的影响，纵轴为对数坐标。两幅图都随上方的滑块变化。",
        "alt:memory_comparison": "两幅折线图，横轴是时间步 t = 1 到 T。左图：LSTM（实线）和 RNN（虚线）对序列 A"
                                 "（x_1 = +1，蓝色）和序列 B（x_1 = -1，橙色）的隐藏状态 h_t。右图：x_1 对 h_t 的影响，"
                                 "LSTM 为实线，RNN 为虚线，纵轴为对数坐标。两幅图都随上方的滑块变化。",
    },
}

# The diagram's caption (drawn by matplotlib in English, lstm_tutorial.diagram) in Chinese, as SVG
# text: the explorer puts it beside the English one, and the page's language shows one of them.
_IT = '<tspan font-style="italic">{}</tspan>'
_SUB = '<tspan font-style="italic" baseline-shift="sub" font-size="7">{}</tspan>'
_S = {k: _IT.format(base) + _SUB.format(sub) for k, (base, sub) in {
    "f": ("f", "t"), "i": ("i", "t"), "o": ("o", "t"), "c": ("C", "t"), "h": ("h", "t"), "x": ("x", "t"),
    "c_prev": ("C", "t\u22121"), "h_prev": ("h", "t\u22121"), "c_tilde": ("C\u0303", "t")}.items()}
_ZH_CAPTION = {
    "forget": "遗忘部分：遗忘门 {f} 保留旧的长期记忆的 {f} × {c_prev}".format(**_S),
    "input": "输入部分：输入门 {i} 把长期记忆候选的一部分加进来，{c} = {f} {c_prev} + {i} {c_tilde}".format(**_S),
    "output": "输出部分：输出门 {o} 输出长期记忆的一部分，{h} = {o} × tanh({c})".format(**_S),
    "cell": "整个单元：三个输入（{c_prev}, {h_prev}, {x}），两个输出（{c}, {h}）".format(**_S),
}


def _words(key: str, tag: str = "span", **symbols: str) -> str:
    """``_TEXT[lang][key]`` in every language, each in its own element marked ``data-lang``.

    The explorer's style hides the languages the page is not in (``_style``).
    """
    return "".join(f'<{tag} data-lang="{lang}">{_TEXT[lang][key].format(**symbols)}</{tag}>' for lang in LANGS)


def _alt_attrs(key: str, **parts: str) -> str:
    """The figure's ``aria-label`` in English, and its Chinese in ``data-aria-label-zh`` (the script swaps it in)."""
    texts = {}
    for lang in LANGS:
        t = _TEXT[lang]
        texts[lang] = "".join(t[k].format(part=t[f"part:{parts['part']}"] if "part" in parts else "")
                              for k in key.split("+"))
    return f'aria-label="{escape(texts["en"])}" data-aria-label-zh="{escape(texts["zh"])}"'


_UID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_COUNTER = itertools.count(1)  # makes default uids unique within one kernel session

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_FONT_FALLBACK = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, Arial, sans-serif"


class Explorer:
    """A finished explorer: HTML that Jupyter displays (``_repr_html_``).

    Attributes
    ----------
    data : str
        The HTML (as ``IPython.display.HTML.data``).
    uid : str
        Id of the explorer's outer ``<div>``, prefix of every id inside.
    """

    def __init__(self, html: str, uid: str, kind: str) -> None:
        self.data = html
        self.uid = uid
        self._kind = kind

    def _repr_html_(self) -> str:
        return self.data

    def __repr__(self) -> str:  # shown where HTML is not: no memory address, so nbval stays stable
        return f"<{self._kind} explorer {self.uid}: open the page in a browser to use the sliders>"


# --------------------------------------------------------------------------
# Formatting (the JavaScript `fmt` below is the same rule)
# --------------------------------------------------------------------------


def _fmt(v: float, digits: int) -> str:
    """``v`` with ``digits`` decimals, never ``-0.00``, with a true minus sign.

    The rule of ``lstm_tutorial.diagram``'s numbers, for any number of digits.
    """
    s = f"{v:.{digits}f}"
    if float(s) == 0.0:
        s = s.lstrip("-")
    return s.replace("-", "\u2212")


# subtle: Python rounds an exact tie (0.125 -> "0.12") to even, toFixed away
# from zero ("0.13"). Ties at d decimals are exactly the doubles odd / 2**(d+1).
_JS_FMT = r"""
  function fmt(x, d) {
    var y = x * Math.pow(2, d + 1), s;
    if (Number.isInteger(y) && Math.abs(y % 2) === 1) {
      var lo = Math.floor(x * Math.pow(10, d));
      s = ((lo % 2 === 0 ? lo : lo + 1) / Math.pow(10, d)).toFixed(d);
    } else {
      s = x.toFixed(d);
    }
    if (Number(s) === 0) { s = s.replace("-", ""); }
    return s.replace("-", "\u2212");
  }
  function show(root, v) {
    var els = root.querySelectorAll("[data-show]");
    for (var k = 0; k < els.length; k++) {
      var e = els[k];
      var x = v[e.getAttribute("data-show")], s = fmt(x, Number(e.getAttribute("data-digits")));
      e.textContent = e.hasAttribute("data-paren") && s.charAt(0) === "\u2212" ? "(" + s + ")" : s;
    }
    els = root.querySelectorAll("[data-out]");
    for (k = 0; k < els.length; k++) {
      var key = els[k].getAttribute("data-out");
      els[k].setAttribute("data-value", String(v[key]));
    }
  }
  function read(root, v) {
    var inputs = root.querySelectorAll("input[data-var]");
    for (var k = 0; k < inputs.length; k++) {
      v[inputs[k].getAttribute("data-var")] = parseFloat(inputs[k].value);
    }
    return inputs;
  }
"""


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------


def _check_uid(uid: str | None, kind: str, args: dict[str, Any]) -> str:
    if uid is None:
        digest = hashlib.sha1(json.dumps(args, sort_keys=True).encode()).hexdigest()[:8]
        return f"lstm-{kind}-{digest}-{next(_COUNTER)}"
    if not isinstance(uid, str):
        raise TypeError(f"uid: expected a str (an HTML id), got {type(uid).__name__}")
    if not _UID_RE.match(uid):
        raise ValueError(
            f"uid: expected letters, digits, '-' or '_', starting with a letter (an HTML id), got {uid!r}"
        )
    return uid


def _check_on_grid(name: str, v: float, step: float = _STEP) -> None:
    """A slider value must sit on the slider's grid, or the browser would move it."""
    if abs(v / step - round(v / step)) > 1e-9:
        raise ValueError(
            f"{name}: the slider moves by {step:g}, so its initial value must be a multiple of it; got {v!r}"
        )


_LANG: list[str | None] = [None]  # set_language's choice; None: the page's language


def set_language(lang: str | None) -> None:
    """Make every explorer made from now on speak ``lang``, whatever the page's language.

    The Chinese notebooks' hidden first cell calls ``set_language("zh")``, so
    that an explorer a reader runs in Jupyter (whose page says English) is
    labelled in Chinese. ``None`` (the start) leaves it to the page: Chinese
    on a page whose ``lang`` is ``zh`` or ``zh-...``, else English. An
    explorer's own ``lang`` argument wins over this. Not exported: no chapter
    uses it; it serves the Chinese edition's notebooks (``zh/edition.py``).

    Parameters
    ----------
    lang : {"en", "zh"} or None

    Raises
    ------
    TypeError
        ``lang`` neither a str nor None.
    ValueError
        ``lang`` not one of ``LANGS``.
    """
    if lang is not None:
        V.check_choice("lang", lang, LANGS)
    _LANG[0] = lang


def _check_lang(lang: str | None) -> str | None:
    if lang is None:
        return _LANG[0]
    V.check_choice("lang", lang, LANGS)
    return lang


def _lang_attr(lang: str | None) -> str:
    """`` lang="zh-CN"`` for a forced language (the explorer's words follow its own lang), else nothing."""
    return "" if lang is None else f' lang="{_HTML_LANG[lang]}"'


def _check_sliders(part: str, sliders: Sequence[str] | None) -> tuple[str, ...]:
    if sliders is None:
        return DEFAULT_SLIDERS[part]
    return V.check_choices("sliders", sliders, tuple(SLIDERS))


# --------------------------------------------------------------------------
# The cell diagram as inline SVG
# --------------------------------------------------------------------------


def _svg_text(highlight: str, values: dict[str, float]) -> str:
    """The diagram drawn by ``draw_lstm_cell``, as deterministic SVG text."""
    # subtle: the default style, so a chapter's plt.style.use(...) cannot change
    # the explorer; fixed hashsalt and no date, so the SVG is the same every run
    # (nbval compares the stored output); texts stay <text> for the JavaScript.
    rc = {"svg.fonttype": "none", "svg.hashsalt": "lstm-tutorial-explorer"}
    with matplotlib.style.context("default"), mpl.rc_context(rc):
        fig = Figure(figsize=(8.0, 4.5), layout="constrained")
        ax = fig.add_subplot()
        draw_lstm_cell(ax=ax, highlight=highlight, values=values, title="")
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight", pad_inches=0.03)
    return buf.getvalue()


_NUM = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _numbers(d: str) -> list[float]:
    return [float(t) for t in _NUM.findall(d)]


def _round(m: re.Match[str]) -> str:
    s = f"{float(m.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _is_blank(s: str | None) -> bool:
    # subtle: not str.strip(), which would also take the no-break spaces of mathtext
    return s is not None and not s.strip(" \t\r\n")


def _number_glyphs(spans: list[ET.Element], key: str) -> list[ET.Element]:
    """The ``<tspan>`` glyphs of the number after ``=`` in a mathtext value box, left to right.

    subtle: this reads how matplotlib writes mathtext to SVG (one ``<tspan x=...>``
    per glyph, the plain-text ``= 0.50`` in one style); if that changes, say so.
    """
    eq = [s for s in spans if s.text == "="]
    if len(eq) != 1 or eq[0].get("x") is None or any(s.get("x") is None for s in spans):
        raise RuntimeError(
            f"explorer: matplotlib's SVG of the value box {key!r} no longer has one '=' glyph and an x "
            f"position on every glyph (got {[s.text for s in spans]}); its mathtext output changed, so "
            "the explorer cannot find the number to update (see explorer._value_number)"
        )
    x_eq = float(eq[0].get("x"))
    digits = [s for s in spans if s.get("style") == eq[0].get("style") and float(s.get("x")) > x_eq
              and s.text not in ("\xa0", " ")]
    if not digits:
        raise RuntimeError(
            f"explorer: matplotlib's SVG of the value box {key!r} has no glyphs after '=' in the style "
            "of '='; its mathtext output changed, so the explorer cannot find the number to update"
        )
    return digits


def _value_number(g: ET.Element, key: str) -> None:
    """Mark the number inside the value box ``g`` (``<tspan data-num=key>``).

    Two shapes come out of matplotlib: plain text ``= 0.50`` (one ``<text>``),
    and mathtext ``$C_t$ = 0.50`` (one ``<tspan>`` per glyph). Either way the
    number ends up as a single ``<tspan>`` that the JavaScript rewrites.
    """
    text = g.find(f".//{{{_SVG_NS}}}text")
    if text is None:
        raise RuntimeError(f"explorer: no text in the diagram's value box {key!r}")
    spans = text.findall(f"{{{_SVG_NS}}}tspan")
    if not spans:  # plain "= 0.50"
        prefix, _, num = (text.text or "").rpartition(" ")
        text.text = prefix + " "
        span = ET.SubElement(text, f"{{{_SVG_NS}}}tspan")
        span.text = num
    else:  # mathtext: the glyphs after "=" in its style are the number
        digits = _number_glyphs(spans, key)
        span = digits[0]
        span.text = "".join(s.text for s in digits)
        for s in digits[1:]:
            text.remove(s)
    span.set("data-num", key)


def _caption_in_chinese(root: ET.Element, uid: str, highlight: str) -> None:
    """Mark matplotlib's (English) caption ``data-lang="en"`` and put the Chinese one beside it.

    The Chinese caption is one SVG ``<text>`` centred where the English one is
    (its glyphs' span), so that the page's language shows either in the same place.
    """
    caption = root.find(f".//*[@id='{uid}-caption']")
    parent = next((el for el in root.iter() if caption in list(el)), None)
    moved = caption.find(f"{{{_SVG_NS}}}g") if caption is not None else None
    spans = caption.findall(f".//{{{_SVG_NS}}}tspan") if caption is not None else []
    shift = re.fullmatch(r"translate\(([-\d.e]+) ([-\d.e]+)\)", moved.get("transform", "")) if moved is not None else None
    if parent is None or shift is None or not spans or any(t.get("x") is None for t in spans):
        raise RuntimeError(
            f"explorer: matplotlib's SVG of the diagram's caption ({highlight!r}) is no longer one translated "
            "<g> of <tspan x=...> glyphs; its text output changed, so the explorer cannot place the Chinese caption"
        )
    xs = [float(t.get("x")) for t in spans]
    # the last glyph's advance is about the average one's
    centre = float(shift[1]) + (min(xs) + max(xs) + (max(xs) - min(xs)) / max(len(xs) - 1, 1)) / 2
    y = float(shift[2]) + float(spans[0].get("y", "0"))
    caption.set("data-lang", "en")
    zh = ET.fromstring(
        f'<g xmlns="{_SVG_NS}" data-lang="zh"><text x="{centre:.2f}" y="{y:.2f}" text-anchor="middle" '
        f'style="font-size: 10px; fill: #212121">{_ZH_CAPTION[highlight]}</text></g>'
    )
    parent.insert(list(parent).index(caption) + 1, zh)


def _diagram_svg(uid: str, highlight: str, values: dict[str, float]) -> str:
    """Inline SVG of the diagram, ids prefixed with ``uid``, value boxes marked for the JavaScript."""
    root = ET.fromstring(_svg_text(highlight, values))
    for el in root.iter():  # drop pretty-printing whitespace (about a fifth of the size)
        if _is_blank(el.text):
            el.text = None
        if _is_blank(el.tail):
            el.tail = None
    meta = root.find(f"{{{_SVG_NS}}}metadata")
    if meta is not None:
        root.remove(meta)

    # Unique ids on the page: prefix every id, and every reference to one.
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    ref = re.compile(r"url\(#([^)]+)\)")
    for el in root.iter():
        if el.get("id"):
            el.set("id", f"{uid}-{el.get('id')}")
        for name, val in list(el.attrib.items()):
            if "url(#" in val:
                el.set(name, ref.sub(lambda m: f"url(#{uid}-{m.group(1)})" if m.group(1) in ids else m.group(0), val))
        href = el.attrib.pop(_XLINK_HREF, None)  # the HTML parser knows plain href only
        if href is not None:
            el.set("href", f"#{uid}-{href[1:]}" if href[1:] in ids else href)
        # One font rule for the whole SVG (below) instead of one per glyph: a third of the size,
        # and mathtext's glyphs, which name DejaVu Sans only, get fallbacks.
        style = el.get("style")
        if style and "font-family" in style:
            el.set("style", "; ".join(p for p in style.split("; ") if not p.startswith("font-family:")))
        if el.get("d"):  # 1/100 pt is plenty
            el.set("d", _NUM.sub(_round, " ".join(el.get("d").split())))
        # subtle: a <style> inside inline SVG applies to the whole page; scope matplotlib's "*{...}"
        if el.tag == f"{{{_SVG_NS}}}style" and el.text:
            el.text = re.sub(r"(^|\})\s*\*", rf"\1#{uid}-svg *", el.text)
            el.text += f"\n#{uid}-svg text {{font-family: {_FONT_FALLBACK}}}"

    for key in values:
        g = root.find(f".//*[@id='{uid}-value:{key}']")
        if g is None:
            raise RuntimeError(f"explorer: the diagram has no value box 'value:{key}'")
        g.set("data-diagram-value", key)
        g.set("data-value", repr(values[key]))
        _value_number(g, key)
        box = g.find(f".//{{{_SVG_NS}}}path")
        if box is None or not box.get("d"):
            raise RuntimeError(f"explorer: the diagram's value box 'value:{key}' has no <path> frame in matplotlib's SVG")
        xs, ys = _numbers(box.get("d"))[0::2], _numbers(box.get("d"))[1::2]
        # the path starts at (x0 + r, y1): its rounding radius is that offset
        g.set("data-box", f"{min(ys):.6g} {max(ys):.6g} {xs[0] - min(xs):.6g}")
    _caption_in_chinese(root, uid, highlight)

    root.set("id", f"{uid}-svg")
    for a in ("width", "height"):
        root.attrib.pop(a, None)
    root.set("style", "display:block;width:100%;height:auto")
    root.set("aria-hidden", "true")
    root.set("focusable", "false")
    # subtle: ET's default_namespace rejects plain attribute names (Python < 3.13); write
    # local tag names and one xmlns by hand instead.
    for el in root.iter():
        el.tag = el.tag.rpartition("}")[2]
    root.set("xmlns", _SVG_NS)
    return ET.tostring(root, encoding="unicode")


# --------------------------------------------------------------------------
# HTML pieces
# --------------------------------------------------------------------------


def _style(uid: str) -> str:
    u = f"#{uid}"
    return f"""<style>
{u} {{ border: 1px solid #cfd8dc; border-radius: 6px; padding: 0.6em 0.8em; margin: 1em 0;
  background: #fff; color: #212121; font-size: 0.95rem; line-height: 1.5; max-width: 46rem; }}
{u} .lx-row {{ display: flex; align-items: center; gap: 0.6em; margin: 0.15em 0; }}
{u} .lx-row label {{ flex: 0 0 10.5em; margin: 0; font-weight: normal; }}
{u} .lx-row input[type=range] {{ flex: 1 1 auto; min-width: 6em; margin: 0; accent-color: #7e57c2; }}
{u} .lx-val {{ flex: 0 0 3.6em; text-align: right; font-variant-numeric: tabular-nums; }}
{u} .lx-out {{ margin: 0.5em 0 0.3em 0; font-variant-numeric: tabular-nums; }}
{u} .lx-out div {{ margin: 0.1em 0; }}
{u} .lx-out b {{ color: #1f4e79; }}
{u} .lx-fig {{ margin: 0.3em 0 0 0; }}
{u} sub {{ font-size: 70%; }}
{u}:not(:lang(zh)) [data-lang="zh"], {u}:lang(zh) [data-lang="en"] {{ display: none; }}
</style>"""


def _slider(uid: str, var: str, value: float, lo: float, hi: float, label: str, step: float = _STEP,
            digits: int = 2) -> str:
    shown = int(value) if digits == 0 else value  # T: value="20", not "20.0"
    return (
        f'<div class="lx-row"><label for="{uid}-{var}">{label}</label>'
        f'<input type="range" id="{uid}-{var}" data-var="{var}" min="{lo:g}" max="{hi:g}" '
        f'step="{step:g}" value="{shown!r}">'
        f'<span class="lx-val" data-show="{var}" data-digits="{digits}">{_fmt(value, digits)}</span></div>'
    )


def _show(key: str, values: dict[str, float], digits: int = 2, paren: bool = True) -> str:
    """A number the JavaScript rewrites; with ``paren``, in parentheses when negative (``0.50 × (−0.35)``)."""
    s = _fmt(values[key], digits)
    if paren and s[0] == "\u2212":
        return f'<span data-show="{key}" data-digits="{digits}" data-paren>({s})</span>'
    return f'<span data-show="{key}" data-digits="{digits}"{" data-paren" if paren else ""}>{s}</span>'


_JS_DIAGRAM = r"""
  var svg = root.querySelector("svg");
  function fit(g) {
    // Fit the rounded box to its text, as the browser's font sets it.
    var text = g.querySelector("text"), path = g.querySelector("path"), bb;
    try { bb = text.getBBox(); } catch (e) { return; }
    var gm = g.getCTM(), tm = text.getCTM();
    if (!bb.width || !gm || !tm) { return; }  // not rendered (e.g. in a closed dropdown)
    var m = gm.inverse().multiply(tm), p = svg.createSVGPoint();
    p.x = bb.x; p.y = bb.y; var a = p.matrixTransform(m);
    p.x = bb.x + bb.width; var b = p.matrixTransform(m);
    var box = g.getAttribute("data-box").split(" ").map(Number);
    var y0 = box[0], y1 = box[1], r = box[2], x0 = Math.min(a.x, b.x) - r, x1 = Math.max(a.x, b.x) + r;
    path.setAttribute("d", "M" + (x0 + r) + " " + y1 + "L" + (x1 - r) + " " + y1 + "Q" + x1 + " " + y1 +
      " " + x1 + " " + (y1 - r) + "L" + x1 + " " + (y0 + r) + "Q" + x1 + " " + y0 + " " + (x1 - r) + " " +
      y0 + "L" + (x0 + r) + " " + y0 + "Q" + x0 + " " + y0 + " " + x0 + " " + (y0 + r) + "L" + x0 + " " +
      (y1 - r) + "Q" + x0 + " " + y1 + " " + (x0 + r) + " " + y1 + "Z");
  }
  function diagram(v) {
    var gs = root.querySelectorAll("[data-diagram-value]");
    for (var k = 0; k < gs.length; k++) {
      var key = gs[k].getAttribute("data-diagram-value");
      gs[k].setAttribute("data-value", String(v[key]));
      gs[k].querySelector("[data-num]").textContent = fmt(v[key], 2);
      fit(gs[k]);
    }
  }
  function fitAll() {
    var gs = root.querySelectorAll("[data-diagram-value]");
    for (var k = 0; k < gs.length; k++) { fit(gs[k]); }
  }
"""

_JS_CELL = _JS_DIAGRAM + r"""
  var fixed = JSON.parse(root.getAttribute("data-values"));
  function update() {
    var v = {}, key;
    for (key in fixed) { v[key] = fixed[key]; }
    read(root, v);
    v.c = v.f * v.c_prev + v.i * v.c_tilde;  // forget part + input part
    v.h = v.o * Math.tanh(v.c);  // output part
    show(root, v);
    diagram(v);
  }
  var inputs = read(root, {});
  for (var k = 0; k < inputs.length; k++) { inputs[k].addEventListener("input", update); }
  fitAll();
"""

_JS_GATE = r"""
  var X0 = 60, X1 = 520, Y0 = 160, Y1 = 30;  // plot area of the SVG (z in [-6, 6], sigmoid in [0, 1])
  function update() {
    var v = {};
    read(root, v);
    v.sigmoid = (Math.tanh(v.z * 0.5) + 1) * 0.5;  // as lstm_tutorial.numpy.sigmoid
    v.percent = 100 * v.sigmoid;
    show(root, v);
    var px = X0 + (v.z + 6) / 12 * (X1 - X0), py = Y0 + v.sigmoid * (Y1 - Y0);
    var dot = root.querySelector("[data-mark=dot]");
    dot.setAttribute("cx", px); dot.setAttribute("cy", py);
    var gv = root.querySelector("[data-mark=vguide]"), gh = root.querySelector("[data-mark=hguide]");
    gv.setAttribute("x1", px); gv.setAttribute("x2", px); gv.setAttribute("y2", py);
    gh.setAttribute("y1", py); gh.setAttribute("y2", py); gh.setAttribute("x2", px);
    root.querySelector("[data-mark=bar]").setAttribute("width", v.sigmoid * (X1 - X0));
  }
  var inputs = read(root, {});
  for (var k = 0; k < inputs.length; k++) { inputs[k].addEventListener("input", update); }
"""


# Keys a focused slider uses (move, jump to an end, move by a page). JupyterLab reads them as notebook
# shortcuts (select another cell, collapse a heading) when they bubble out of an output, so each explorer
# stops them at its root; everything else bubbles on, Shift+Enter (run the cell) included.
_SLIDER_KEYS: tuple[str, ...] = ("ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown")
_JS_KEYS = (
    f"  var SLIDER_KEYS = {json.dumps(list(_SLIDER_KEYS))};\n"
    '  root.addEventListener("keydown", function (e) {\n'
    "    if (SLIDER_KEYS.indexOf(e.key) >= 0) { e.stopPropagation(); }\n"
    "  });\n"
)


# The language rule is CSS's :lang(zh) (the explorer's own lang attribute, else the page's): the style
# shows the words of that language; the script gives the figure the description in the same language.
_JS_LANG = (
    '  if (root.matches(":lang(zh)")) {\n'
    '    var described = root.querySelectorAll("[data-aria-label-zh]");\n'
    "    for (var n = 0; n < described.length; n++) {\n"
    '      described[n].setAttribute("aria-label", described[n].getAttribute("data-aria-label-zh"));\n'
    "    }\n"
    "  }\n"
)


def _script(uid: str, body: str) -> str:
    # One closure per explorer: nothing leaks into the page's global scope.
    return (
        '<script>(function () {\n  "use strict";\n'
        f"  var root = document.getElementById({json.dumps(uid)});\n  if (!root) {{ return; }}\n"
        f"{_JS_KEYS}{_JS_LANG}{_JS_FMT}{body}}})();</script>"
    )


# --------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------


def _cell_html(uid: str, part: str, shown: tuple[str, ...], values: dict[str, float], lang: str | None) -> str:
    """The cell explorer's HTML: sliders, the two printed equations, the diagram, the script."""
    rows = "".join(
        _slider(uid, s, values[s], *SLIDERS[s], _words(s, **_SYM)) for s in shown
    )
    c_line = (
        f"{_SYM['c']} = {_SYM['f']} \u00d7 {_SYM['c_prev']} + {_SYM['i']} \u00d7 {_SYM['c_tilde']} = "
        f"{_show('f', values)} \u00d7 {_show('c_prev', values)} + {_show('i', values)} \u00d7 "
        f"{_show('c_tilde', values)} = "
        f'<b data-out="c" data-value="{values["c"]!r}" data-show="c" data-digits="4">{_fmt(values["c"], 4)}</b>'
    )
    h_line = (
        f"{_SYM['h']} = {_SYM['o']} \u00d7 tanh({_SYM['c']}) = {_show('o', values)} \u00d7 "
        f"tanh({_show('c', values, 4, paren=False)}) = "
        f'<b data-out="h" data-value="{values["h"]!r}" data-show="h" data-digits="4">{_fmt(values["h"], 4)}</b>'
    )
    fixed = {k: values[k] for k in SLIDERS}
    return (
        f'<div id="{uid}" class="lstm-explorer" data-lstm-explorer="cell" data-part="{part}"{_lang_attr(lang)} '
        f"data-values='{json.dumps(fixed)}'>"
        f"{_style(uid)}"
        f"{rows}"
        f'<div class="lx-out" aria-live="polite"><div>{c_line}</div><div>{h_line}</div></div>'
        f'<div class="lx-fig" role="img" {_alt_attrs("alt:cell+alt:highlight+alt:follow", part=part)}>'
        f"{_diagram_svg(uid, part, values)}</div>"
        f"{_script(uid, _JS_CELL)}</div>"
    )


def cell_explorer(
    part: str,
    *,
    sliders: Sequence[str] | None = None,
    c_prev: float = 0.8,
    f: float = 0.5,
    i: float = 0.5,
    c_tilde: float = 0.5,
    o: float = 0.5,
    uid: str | None = None,
    lang: str | None = None,
) -> Explorer:
    """Kernel-free sliders over one LSTM cell, with the cell diagram.

    Used in chapters 3-5, one part each.

    Moving a slider recomputes, in the reader's browser::

        C_t = f_t * C_{t-1} + i_t * C~_t
        h_t = o_t * tanh(C_t)

    and updates the printed ``C_t`` and ``h_t`` and the numbers in the
    diagram (``draw_lstm_cell(highlight=part)``, embedded as inline SVG).
    The initial numbers are ``demos.output_demo(o, f, i, c_tilde, c_prev)``.

    Parameters
    ----------
    part : {"forget", "input", "output", "cell"}
        The part of the cell the diagram highlights.
    sliders : sequence of str, optional
        Which quantities get a slider, among ``"c_prev"`` (range [-2, 2]),
        ``"f"``, ``"i"``, ``"o"`` ([0, 1]) and ``"c_tilde"`` ([-1, 1]); the
        others stay at their given value. Default: what ``part`` reads
        (forget: ``c_prev, f``; input: ``+ i, c_tilde``; output and cell: all).
    c_prev, f, i, c_tilde, o : float
        Initial values. A value with a slider must be a multiple of 0.01
        (the slider's step).
    uid : str, optional
        Id of the explorer on the page (letters, digits, ``-``, ``_``) and
        prefix of every id inside it. Default: derived from the arguments and
        a counter, the same on every run of a notebook.
    lang : {"en", "zh"}, optional
        The language of the explorer's words (labels, readouts, the figure's
        description). Default: what ``set_language`` set, else the page's
        (Chinese on a page whose ``lang`` is ``zh`` or ``zh-...``, else English).

    Returns
    -------
    Explorer
        Displayed as HTML by Jupyter (``_repr_html_``); ``.data`` is the HTML.

    Raises
    ------
    TypeError
        ``part``, ``uid`` or ``lang`` not a str, ``sliders`` not a sequence of
        str, a value that is not a number.
    ValueError
        Unknown ``part`` or ``lang``, unknown or repeated ``sliders``, a value
        out of its range or off the slider's grid, a malformed ``uid``.
    """
    V.check_choice("part", part, PARTS)
    shown = _check_sliders(part, sliders)
    given = {"c_prev": c_prev, "f": f, "i": i, "c_tilde": c_tilde, "o": o}
    given = {k: V.check_scalar(k, v, *SLIDERS[k]) for k, v in given.items()}  # the sliders' ranges
    for s in shown:
        _check_on_grid(s, given[s])
    values = {k: v for k, v in output_demo(**given).items() if k != "tanh_c"}  # the package's numbers
    uid = _check_uid(uid, "cell", {"part": part, "sliders": list(shown), **given})
    return Explorer(_cell_html(uid, part, shown, values, _check_lang(lang)), uid, "cell")


def _gate_svg(uid: str, z: float, s: float) -> str:
    """Sigmoid curve, a dot at (z, sigmoid(z)), and a bar filled to sigmoid(z)."""
    x0, x1, y0, y1 = 60, 520, 160, 30  # the JavaScript's X0, X1, Y0, Y1

    def px(zz: float) -> float:
        return x0 + (zz + 6) / 12 * (x1 - x0)

    def py(ss: float) -> float:
        return y0 + ss * (y1 - y0)

    zs = [-6 + k * 0.1 for k in range(121)]
    ss = lt.sigmoid(zs)  # (121,)
    pts = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(zs, ss))
    grid = "".join(
        f'<line x1="{x0}" x2="{x1}" y1="{py(t):g}" y2="{py(t):g}" stroke="#e0e0e0"/>'
        f'<text x="{x0 - 8}" y="{py(t) + 4:g}" text-anchor="end">{t:g}</text>'
        for t in (0, 0.5, 1)
    )
    ticks = "".join(
        f'<text x="{px(t):g}" y="{y0 + 17}" text-anchor="middle">{_fmt(t, 0)}</text>' for t in range(-6, 7, 2)
    )
    return (
        f'<svg id="{uid}-svg" viewBox="0 0 560 222" style="display:block;width:100%;height:auto;max-width:40rem" '
        'aria-hidden="true" focusable="false" font-family="sans-serif" font-size="13" fill="#37474f">'
        f"{grid}{ticks}"
        f'<line x1="{x0}" x2="{x1}" y1="{y0}" y2="{y0}" stroke="#90a4ae"/>'
        f'<text x="{x1 + 12}" y="{y0 + 5}" font-style="italic">z</text>'
        f'<text x="{x0}" y="{y1 - 14}" text-anchor="middle">\u03c3(<tspan font-style="italic">z</tspan>)</text>'
        f'<polyline points="{pts}" fill="none" stroke="#7e57c2" stroke-width="2.5"/>'
        f'<line data-mark="vguide" x1="{px(z):.3f}" x2="{px(z):.3f}" y1="{y0}" y2="{py(s):.3f}" '
        'stroke="#7e57c2" stroke-dasharray="4 3"/>'
        f'<line data-mark="hguide" x1="{x0}" x2="{px(z):.3f}" y1="{py(s):.3f}" y2="{py(s):.3f}" '
        'stroke="#7e57c2" stroke-dasharray="4 3"/>'
        f'<circle data-mark="dot" cx="{px(z):.3f}" cy="{py(s):.3f}" r="6" fill="#7e57c2" stroke="#fff"/>'
        f'<text x="{x0 - 8}" y="{y0 + 48}" text-anchor="end">{_words("kept", "tspan")}</text>'
        f'<rect x="{x0}" y="{y0 + 34}" width="{x1 - x0}" height="18" rx="3" fill="#eceff1"/>'
        f'<rect data-mark="bar" x="{x0}" y="{y0 + 34}" width="{s * (x1 - x0):.3f}" height="18" rx="3" '
        'fill="#7e57c2"/>'
        "</svg>"
    )


def gate_explorer(*, z: float = 0.0, uid: str | None = None, lang: str | None = None) -> Explorer:
    """Kernel-free slider for a gate's pre-activation ``z``: how much the gate keeps.

    Used in chapter 2 (gates).

    A gate is a sigmoid neuron; its output ``sigmoid(z)`` in (0, 1) is the
    fraction of a signal it lets through. The browser recomputes it as the
    slider moves (``z`` in [-6, 6], step 0.01), prints it (also as a
    percentage), moves a dot along the sigmoid curve and fills a bar.

    Parameters
    ----------
    z : float
        Initial pre-activation, in [-6, 6] and a multiple of 0.01.
    uid : str, optional
        Id of the explorer on the page; see ``cell_explorer``.
    lang : {"en", "zh"}, optional
        The language of its words; see ``cell_explorer``.

    Returns
    -------
    Explorer
        Displayed as HTML by Jupyter; ``.data`` is the HTML.

    Raises
    ------
    TypeError
        ``z`` not a number, ``uid`` or ``lang`` not a str.
    ValueError
        ``z`` out of range, NaN or off the slider's grid; a malformed ``uid``; an unknown ``lang``.
    """
    zv = V.check_scalar("z", z, *_Z_RANGE)
    _check_on_grid("z", zv)
    uid = _check_uid(uid, "gate", {"z": zv})
    lang = _check_lang(lang)
    s = float(lt.sigmoid(zv))
    p = 100 * s
    html = (
        f'<div id="{uid}" class="lstm-explorer" data-lstm-explorer="gate"{_lang_attr(lang)}>'
        f"{_style(uid)}"
        f"{_slider(uid, 'z', zv, *_Z_RANGE, _words('z', z='<i>z</i>'))}"
        f'<div class="lx-out" aria-live="polite">\u03c3({_show("z", {"z": zv}, paren=False)}) = '
        f'<b data-out="sigmoid" data-value="{s!r}" data-show="sigmoid" data-digits="4">{_fmt(s, 4)}</b>'
        f'{_words("keeps")}<span data-out="percent" data-value="{p!r}" data-show="percent" data-digits="1">'
        f'{_fmt(p, 1)}</span>{_words("keeps_after")}</div>'
        f'<div class="lx-fig" role="img" {_alt_attrs("alt:gate")}>{_gate_svg(uid, zv, s)}</div>'
        f"{_script(uid, _JS_GATE)}</div>"
    )
    return Explorer(html, uid, "gate")


# --------------------------------------------------------------------------
# Chapter 3: the forget gate from its weights
# --------------------------------------------------------------------------

_WEIGHT_STEP = 0.05  # the step of forget_from_weights_widget's sliders
#: The sliders of forget_weights_explorer, name -> (min, max, key of its label in _TEXT), with the ranges of
#: forget_from_weights_widget.
_WEIGHT_SLIDERS: dict[str, tuple[float, float, str]] = {
    "w_h": (-4.0, 4.0, "w_h_weight"),
    "w_x": (-4.0, 4.0, "w_x_weight"),
    "b": (-6.0, 6.0, "bias"),
    "h_prev": (-1.0, 1.0, "h_prev"),
    "x": (-2.0, 2.0, "x"),
    "c_prev": (-2.0, 2.0, "c_prev"),
}
# The symbols its labels name (the label is _TEXT[lang][key] with these filled in).
_WEIGHT_SYM = {"h_prev": "<i>h</i><sub><i>t</i>\u22121</sub>", "x": "<i>x</i><sub><i>t</i></sub>",
               "b_f": "<i>b</i><sub><i>f</i></sub>", "c_prev": _SYM["c_prev"]}

_JS_FORGET_WEIGHTS = _JS_DIAGRAM + r"""
  function update() {
    var v = {};
    read(root, v);
    v.z = v.w_h * v.h_prev + v.w_x * v.x + v.b;  // the pre-activation
    v.f = (Math.tanh(v.z * 0.5) + 1) * 0.5;  // f_t = sigmoid(z), as lstm_tutorial.numpy.sigmoid
    v.kept = v.f * v.c_prev;  // C_t with the input part off
    v.forgotten = v.c_prev - v.kept;
    v.c = v.kept;
    show(root, v);
    diagram(v);
  }
  var inputs = read(root, {});
  for (var k = 0; k < inputs.length; k++) { inputs[k].addEventListener("input", update); }
  fitAll();
"""


def forget_weights_explorer(
    *,
    w_h: float = 1.0,
    w_x: float = 1.5,
    b: float = 0.0,
    h_prev: float = 0.5,
    x: float = 1.0,
    c_prev: float = 0.8,
    uid: str | None = None,
    lang: str | None = None,
) -> Explorer:
    """Kernel-free sliders for the forget gate's weights, bias and inputs, with the cell diagram.

    Used in chapter 3, as the website's twin of the ipywidgets sliders of ``forget_from_weights_widget``.

    Moving a slider recomputes, in the reader's browser::

        z   = w_h * h_{t-1} + w_x * x_t + b_f
        f_t = sigmoid(z)
        C_t = f_t * C_{t-1}          (input part off), forgotten C_{t-1} - C_t

    prints them and writes ``x_t, h_{t-1}, C_{t-1}, f_t, C_t`` into the
    forget part of the cell diagram. The initial numbers are
    ``demos.forget_from_weights_demo(w_h, w_x, b, h_prev, x, c_prev)``.

    Parameters
    ----------
    w_h, w_x : float
        The gate's weights on ``h_{t-1}`` and ``x_t``, in [-4, 4].
    b : float
        Its bias ``b_f``, in [-6, 6].
    h_prev : float
        ``h_{t-1}``, in [-1, 1].
    x : float
        ``x_t``, in [-2, 2].
    c_prev : float
        ``C_{t-1}``, in [-2, 2].
        Every value must be a multiple of 0.05 (the sliders' step).
    uid : str, optional
        Id of the explorer on the page; see ``cell_explorer``.
    lang : {"en", "zh"}, optional
        The language of its words; see ``cell_explorer``.

    Returns
    -------
    Explorer
        Displayed as HTML by Jupyter; ``.data`` is the HTML.

    Raises
    ------
    TypeError
        A value that is not a number, ``uid`` or ``lang`` not a str.
    ValueError
        A value out of its range, NaN or off the sliders' grid; a malformed ``uid``; an unknown ``lang``.
    """
    given = {"w_h": w_h, "w_x": w_x, "b": b, "h_prev": h_prev, "x": x, "c_prev": c_prev}
    given = {k: V.check_scalar(k, v, *_WEIGHT_SLIDERS[k][:2]) for k, v in given.items()}
    for k, v in given.items():
        _check_on_grid(k, v, _WEIGHT_STEP)
    d = forget_from_weights_demo(**given)  # the package's numbers
    uid = _check_uid(uid, "forget_weights", given)
    lang = _check_lang(lang)
    rows = "".join(_slider(uid, k, given[k], lo, hi, _words(label, **_WEIGHT_SYM), _WEIGHT_STEP)
                   for k, (lo, hi, label) in _WEIGHT_SLIDERS.items())

    def out(key: str, digits: int = 4) -> str:
        return f'<b data-out="{key}" data-value="{d[key]!r}" data-show="{key}" data-digits="{digits}">' \
               f"{_fmt(d[key], digits)}</b>"

    z_line = (
        f"<i>z</i> = {_show('w_h', d)} \u00d7 {_show('h_prev', d)} + {_show('w_x', d)} \u00d7 {_show('x', d)}"
        f" + {_show('b', d)} = {out('z')}"
    )
    f_line = f"{_SYM['f']} = \u03c3(<i>z</i>) = {out('f')}"
    c_line = (
        f"{_SYM['c']} = {_SYM['f']} \u00d7 {_SYM['c_prev']} = {out('kept')}"
        f"{_words('forgotten')}{out('forgotten')}{_words('forgotten_after')}"
    )
    values = {"x": d["x"], "h_prev": d["h_prev"], "c_prev": d["c_prev"], "f": d["f"], "c": d["kept"]}
    html = (
        f'<div id="{uid}" class="lstm-explorer" data-lstm-explorer="forget_weights"{_lang_attr(lang)}>'
        f"{_style(uid)}{rows}"
        f'<div class="lx-out" aria-live="polite"><div>{z_line}</div><div>{f_line}</div><div>{c_line}</div></div>'
        f'<div class="lx-fig" role="img" {_alt_attrs("alt:cell+alt:highlight+alt:follow_weights", part="forget")}>'
        f'{_diagram_svg(uid, "forget", values)}</div>'
        f"{_script(uid, _JS_FORGET_WEIGHTS)}</div>"
    )
    return Explorer(html, uid, "forget_weights")


# --------------------------------------------------------------------------
# Chapters 1 and 6: the two sequences through the RNN and the hand-set LSTM
# --------------------------------------------------------------------------

_T_RANGE = (2, 60)  # the sequence-length slider of rnn_memory_widget and memory_comparison_widget
_FLOOR = 1e-300  # influences are drawn on a log scale, clipped here (as the widgets do)
# Chart geometry, shared with the JavaScript (the X and Y of _JS_CHART).
_PANELS = {"left": (58.0, 358.0), "right": (458.0, 758.0)}
_Y_TOP, _Y_BOTTOM = 22.0, 192.0
_COLOURS = {"a": "#1f77b4", "b": "#ff7f0e"}
_H_LABEL = _words("hidden_state", "tspan") + '<tspan font-style="italic">h</tspan><tspan font-style="italic" ' \
    'baseline-shift="sub" font-size="9">t</tspan>'

_JS_CHART = r"""
  var X = {left: [58, 358], right: [458, 758]}, YT = 22, YB = 192, FLOOR = 1e-300;
  var xs = JSON.parse(root.getAttribute("data-xs"));  // sequence A's inputs, x_1 = +1 (B has -1)
  function sigmoid(z) { return (Math.tanh(z * 0.5) + 1) * 0.5; }  // as lstm_tutorial.numpy.sigmoid
  function rnn(wh, T, x1) {  // the one-neuron RNN of chapter 1 (w_x = 1, b_h = 0)
    var h = 0, hs = [];
    for (var t = 0; t < T; t++) { h = Math.tanh(wh * h + (t === 0 ? x1 : xs[t])); hs.push(h); }
    return hs;
  }
  function rnnInfluence(wh, hs) {  // |dh_t/dx_1| = (1 - h_1^2) * prod_{k=2..t} w_h (1 - h_k^2)
    var d = 1 - hs[0] * hs[0], out = [Math.abs(d)];
    for (var t = 1; t < hs.length; t++) { d = d * wh * (1 - hs[t] * hs[t]); out.push(Math.abs(d)); }
    return out;
  }
  function logRange(series) {  // whole decades around every value (clipped at FLOOR)
    var lo = Infinity, hi = -Infinity;
    for (var s = 0; s < series.length; s++) {
      for (var t = 0; t < series[s].length; t++) {
        var l = Math.log10(Math.max(series[s][t], FLOOR));
        lo = Math.min(lo, l); hi = Math.max(hi, l);
      }
    }
    lo = Math.floor(lo); hi = Math.ceil(hi);
    return [lo, Math.max(hi, lo + 1)];
  }
  function fmtExp(x, d) {  // Python's f"{x:.{d}e}", with a true minus
    var s = x.toExponential(d), m = s.split("e"), e = Number(m[1]);
    s = m[0] + "e" + (e < 0 ? "-" : "+") + (Math.abs(e) < 10 ? "0" : "") + Math.abs(e);
    return s.replace(/-/g, "\u2212");
  }
  function draw(v, T, range) {
    var lines = root.querySelectorAll("[data-line]");
    for (var k = 0; k < lines.length; k++) {
      var key = lines[k].getAttribute("data-line"), panel = lines[k].getAttribute("data-panel");
      var ys = v[key], x = X[panel], pts = [];
      for (var t = 0; t < T; t++) {
        var px = x[0] + t / (T - 1) * (x[1] - x[0]), frac;
        if (panel === "left") { frac = (ys[t] + 1) / 2; }
        else { frac = (Math.log10(Math.max(ys[t], FLOOR)) - range[0]) / (range[1] - range[0]); }
        pts.push(px.toFixed(2) + "," + (YB - frac * (YB - YT)).toFixed(2));
      }
      lines[k].setAttribute("points", pts.join(" "));
      lines[k].setAttribute("data-values", JSON.stringify(ys.slice(0, T)));
    }
    var ticks = root.querySelectorAll("[data-tick]");
    for (k = 0; k < ticks.length; k++) {
      var which = ticks[k].getAttribute("data-tick");
      ticks[k].textContent = which === "T" ? String(T) : ("1e" + range[which === "lo" ? 0 : 1]).replace("-", "\u2212");
    }
    var exps = root.querySelectorAll("[data-exp]");
    for (k = 0; k < exps.length; k++) {
      exps[k].textContent = fmtExp(v[exps[k].getAttribute("data-out")], Number(exps[k].getAttribute("data-exp")));
    }
  }
  function last(a) { return a[a.length - 1]; }
"""

_JS_RNN_MEMORY = _JS_CHART + r"""
  function update() {
    var v = {};
    read(root, v);
    var T = Math.round(v.T);
    v.h_a = rnn(v.w_h, T, 1); v.h_b = rnn(v.w_h, T, -1);
    v.influence = rnnInfluence(v.w_h, v.h_a);
    v.h_a_T = last(v.h_a); v.h_b_T = last(v.h_b);
    v.gap_T = Math.abs(v.h_a_T - v.h_b_T); v.influence_T = last(v.influence);
    show(root, v);
    draw(v, T, logRange([v.influence]));
  }
  var inputs = read(root, {});
  for (var k = 0; k < inputs.length; k++) { inputs[k].addEventListener("input", update); }
"""

_JS_MEMORY_COMPARISON = _JS_CHART + r"""
  var p = JSON.parse(root.getAttribute("data-lstm"));  // the hand-set LSTM's other constants
  function lstm(bf, T, x1) {  // gates set by their biases alone; the candidate reads x_t
    var f = sigmoid(bf), i = sigmoid(p.input_bias), o = sigmoid(p.output_bias), c = 0, hs = [], cs = [];
    for (var t = 0; t < T; t++) {
      c = f * c + i * Math.tanh(p.w_c * (t === 0 ? x1 : xs[t]));
      cs.push(c); hs.push(o * Math.tanh(c));
    }
    return {h: hs, c: cs, f: f, i: i, o: o};
  }
  function update() {
    var v = {};
    read(root, v);
    var T = Math.round(v.T), a = lstm(v.forget_bias, T, 1), b = lstm(v.forget_bias, T, -1);
    v.rnn_h_a = rnn(p.w_h, T, 1); v.rnn_h_b = rnn(p.w_h, T, -1);
    v.rnn_influence = rnnInfluence(p.w_h, v.rnn_h_a);
    v.lstm_h_a = a.h; v.lstm_h_b = b.h; v.f = a.f;
    // dh_t/dx_1 = o (1 - tanh(C_t)^2) f^(t-1) i w_c (1 - tanh(w_c x_1)^2): only the memory line carries x_1
    var dc = a.i * p.w_c * (1 - Math.pow(Math.tanh(p.w_c), 2));
    v.lstm_influence = [];
    for (var t = 0; t < T; t++) {
      var tc = Math.tanh(a.c[t]);
      v.lstm_influence.push(Math.abs(a.o * (1 - tc * tc) * dc));
      dc = dc * a.f;
    }
    v.rnn_gap_T = Math.abs(last(v.rnn_h_a) - last(v.rnn_h_b));
    v.lstm_gap_T = Math.abs(last(a.h) - last(b.h));
    v.rnn_influence_T = last(v.rnn_influence); v.lstm_influence_T = last(v.lstm_influence);
    show(root, v);
    draw(v, T, logRange([v.rnn_influence, v.lstm_influence]));
  }
  var inputs = read(root, {});
  for (var k = 0; k < inputs.length; k++) { inputs[k].addEventListener("input", update); }
"""


def _log_range(series: list[np.ndarray]) -> tuple[int, int]:
    """Whole decades around every value (clipped at 1e-300): the JavaScript's ``logRange``."""
    logs = np.log10(np.maximum(np.concatenate(series), _FLOOR))
    lo, hi = math.floor(logs.min()), math.ceil(logs.max())
    return lo, max(hi, lo + 1)


def _fmt_exp(v: float, digits: int = 2) -> str:
    return f"{v:.{digits}e}".replace("-", "\u2212")


def _exp_out(key: str, v: float) -> str:
    """A number the JavaScript rewrites in exponent form (``1.23e−05``)."""
    return f'<b data-out="{key}" data-value="{v!r}" data-exp="2">{_fmt_exp(v)}</b>'


def _chart_svg(uid: str, lines: list[tuple[str, str, np.ndarray, str, bool]], legend: list[tuple[str, str, bool]],
               lo: int, hi: int, left_label: str) -> str:
    """Two panels: ``h_t`` in [-1, 1] (left) and ``|dh_t/dx_1|`` on a log scale (right), t = 1..T.

    ``lines``: (key, panel, values (T,), colour, dashed). The JavaScript's ``draw`` redraws them.
    """
    T = len(lines[0][2])

    def points(panel: str, ys: np.ndarray) -> str:
        x0, x1 = _PANELS[panel]
        if panel == "left":
            fracs = (ys + 1) / 2
        else:
            fracs = (np.log10(np.maximum(ys, _FLOOR)) - lo) / (hi - lo)
        return " ".join(f"{x0 + t / (T - 1) * (x1 - x0):.2f},{_Y_BOTTOM - f * (_Y_BOTTOM - _Y_TOP):.2f}"
                        for t, f in enumerate(fracs))

    parts = []
    for x0, x1 in _PANELS.values():
        parts.append(f'<rect x="{x0:g}" y="{_Y_TOP:g}" width="{x1 - x0:g}" height="{_Y_BOTTOM - _Y_TOP:g}" '
                     'fill="none" stroke="#90a4ae"/>')
        parts.append(f'<text x="{x0:g}" y="{_Y_BOTTOM + 16:g}" text-anchor="middle">1</text>')
        parts.append(f'<text x="{x1:g}" y="{_Y_BOTTOM + 16:g}" text-anchor="middle" data-tick="T">{T}</text>')
        parts.append(f'<text x="{(x0 + x1) / 2:g}" y="{_Y_BOTTOM + 30:g}" text-anchor="middle">'
                     f'{_words("step", "tspan")}<tspan font-style="italic">t</tspan></text>')
    x0 = _PANELS["left"][0]
    mid = (_Y_TOP + _Y_BOTTOM) / 2
    parts.append(f'<line x1="{x0:g}" x2="{_PANELS["left"][1]:g}" y1="{mid:g}" y2="{mid:g}" stroke="#e0e0e0"/>')
    for y, label in ((_Y_TOP, "1"), (mid, "0"), (_Y_BOTTOM, "\u22121")):
        parts.append(f'<text x="{x0 - 6:g}" y="{y + 4:g}" text-anchor="end">{label}</text>')
    parts.append(f'<text x="{(x0 + _PANELS["left"][1]) / 2:g}" y="14" text-anchor="middle">{left_label}</text>')
    r0, r1 = _PANELS["right"]
    parts.append(f'<text x="{r0 - 6:g}" y="{_Y_TOP + 4:g}" text-anchor="end" data-tick="hi">'
                 f'{f"1e{hi}".replace("-", chr(0x2212))}</text>')
    parts.append(f'<text x="{r0 - 6:g}" y="{_Y_BOTTOM + 4:g}" text-anchor="end" data-tick="lo">'
                 f'{f"1e{lo}".replace("-", chr(0x2212))}</text>')
    parts.append(f'<text x="{(r0 + r1) / 2:g}" y="14" text-anchor="middle">|\u2202<tspan font-style="italic">h'
                 '</tspan><tspan font-style="italic" baseline-shift="sub" font-size="9">t</tspan> / \u2202'
                 '<tspan font-style="italic">x</tspan><tspan baseline-shift="sub" font-size="9">1</tspan>|'
                 f'{_words("log_scale", "tspan")}</text>')
    for key, panel, ys, colour, dashed in lines:
        dash = ' stroke-dasharray="6 4" stroke-opacity="0.7"' if dashed else ""
        parts.append(f'<polyline data-line="{key}" data-panel="{panel}" data-values="{json.dumps(ys.tolist())}" '
                     f'points="{points(panel, ys)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
    for k, (label, colour, dashed) in enumerate(legend):
        y, x = _Y_BOTTOM + 48, 60 + 170 * k
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        parts.append(f'<line x1="{x}" x2="{x + 26}" y1="{y - 4:g}" y2="{y - 4:g}" stroke="{colour}" '
                     f'stroke-width="2"{dash}/><text x="{x + 32}" y="{y:g}">{label}</text>')
    height = _Y_BOTTOM + 58
    return (
        f'<svg id="{uid}-svg" viewBox="0 0 780 {height:g}" style="display:block;width:100%;height:auto" '
        'aria-hidden="true" focusable="false" font-family="sans-serif" font-size="12" fill="#37474f">'
        f'{"".join(parts)}</svg>'
    )


def _check_T(T: int) -> int:
    return V.check_int("T", T, *_T_RANGE)


def _xs_attr() -> str:
    """Sequence A's inputs for the longest T (``rnn_memory_demo``'s seeded draws; a shorter T uses a prefix)."""
    return json.dumps(rnn_memory_demo(0.0, _T_RANGE[1])["xs"].tolist())


def rnn_memory_explorer(*, w_h: float = 0.9, T: int = 20, uid: str | None = None,
                        lang: str | None = None) -> Explorer:
    """Kernel-free sliders for the RNN's recurrent weight and the length ``T``, with two plots.

    Used in chapter 1, as the website's twin of the ipywidgets sliders of ``rnn_memory_widget``.

    The browser runs chapter 1's one-neuron RNN, ``h_t = tanh(w_h h_{t-1} + x_t)``,
    over the two sequences of ``demos.rnn_memory_demo`` (A starts with
    ``x_1 = +1``, B with ``-1``, the rest shared; the inputs are embedded in
    the page), draws ``h_t`` of both (left) and ``|dh_t/dx_1| = |1 - h_1^2|
    prod_{k=2..t} |w_h (1 - h_k^2)|`` on a log scale (right, clipped at
    1e-300 as the widget does), and prints the gap and the influence at ``T``.

    Parameters
    ----------
    w_h : float
        Initial recurrent weight, in [0, 2] and a multiple of 0.05.
    T : int
        Initial sequence length, in [2, 60].
    uid : str, optional
        Id of the explorer on the page; see ``cell_explorer``.
    lang : {"en", "zh"}, optional
        The language of its words; see ``cell_explorer``.

    Returns
    -------
    Explorer
        Displayed as HTML by Jupyter; ``.data`` is the HTML.

    Raises
    ------
    TypeError
        ``w_h`` not a number, ``T`` not an int, ``uid`` or ``lang`` not a str.
    ValueError
        A value out of range or off the slider's grid; a malformed ``uid``; an unknown ``lang``.
    """
    wv = V.check_scalar("w_h", w_h, 0.0, 2.0)
    _check_on_grid("w_h", wv, 0.05)
    T = _check_T(T)
    uid = _check_uid(uid, "rnn_memory", {"w_h": wv, "T": T})
    lang = _check_lang(lang)
    d = rnn_memory_demo(wv, T)  # the package's numbers
    v = {"w_h": wv, "T": T, "h_a_T": float(d["h_a"][-1]), "h_b_T": float(d["h_b"][-1]),
         "gap_T": float(d["gap"][-1]), "influence_T": float(d["influence"][-1])}
    lo, hi = _log_range([d["influence"]])
    lines = [("h_a", "left", d["h_a"], _COLOURS["a"], False), ("h_b", "left", d["h_b"], _COLOURS["b"], False),
             ("influence", "right", d["influence"], "#2e7d32", False)]
    legend = [("A: <tspan font-style='italic'>x</tspan>\u2081 = +1", _COLOURS["a"], False),
              ("B: <tspan font-style='italic'>x</tspan>\u2081 = \u22121", _COLOURS["b"], False)]
    rows = (_slider(uid, "w_h", wv, 0.0, 2.0, _words("w_h", w_h="<i>w</i><sub><i>h</i></sub>"), 0.05)
            + _slider(uid, "T", T, *_T_RANGE, _words("T", T="<i>T</i>"), 1, digits=0))
    h_t = "<i>h</i><sub><i>T</i></sub>"
    out = (
        f"<div>{h_t}(A) = <span data-out='h_a_T' data-value='{v['h_a_T']!r}' data-show='h_a_T' data-digits='4'>"
        f"{_fmt(v['h_a_T'], 4)}</span>, {h_t}(B) = <span data-out='h_b_T' data-value='{v['h_b_T']!r}' "
        f"data-show='h_b_T' data-digits='4'>{_fmt(v['h_b_T'], 4)}</span></div>"
        f"<div>{_words('gap')}|{h_t}(A) \u2212 {h_t}(B)| = {_exp_out('gap_T', v['gap_T'])}{_words('then_influence')}"
        f"|\u2202{h_t}/\u2202<i>x</i><sub>1</sub>| = {_exp_out('influence_T', v['influence_T'])}</div>"
    )
    html = (
        f'<div id="{uid}" class="lstm-explorer" data-lstm-explorer="rnn_memory"{_lang_attr(lang)} '
        f'data-xs="{_xs_attr()}">'
        f"{_style(uid)}{rows}"
        f'<div class="lx-out" aria-live="polite">{out}</div>'
        f'<div class="lx-fig" role="img" {_alt_attrs("alt:rnn_memory")}>'
        f"{_chart_svg(uid, lines, legend, lo, hi, _H_LABEL)}</div>"
        f"{_script(uid, _JS_RNN_MEMORY)}</div>"
    )
    return Explorer(html, uid, "rnn_memory")


def memory_comparison_explorer(*, forget_bias: float = 5.0, T: int = 30, uid: str | None = None,
                               lang: str | None = None) -> Explorer:
    """Kernel-free sliders for the hand-set LSTM's forget bias and the length ``T``: RNN against LSTM.

    Used in chapter 6, as the website's twin of the ipywidgets sliders of ``memory_comparison_widget``.

    The browser runs chapter 1's RNN (``w_h = 0.9``) and the LSTM of
    ``demos.memory_lstm_params(forget_bias)`` over the two sequences of
    ``demos.memory_comparison_demo``. That LSTM's gates read only their
    biases, so ``C_t = f C_{t-1} + i tanh(x_t)``, ``h_t = o tanh(C_t)`` and
    ``|dh_t/dx_1| = o (1 - tanh(C_t)^2) f^(t-1) i (1 - tanh(x_1)^2)``. It
    draws ``h_t`` of both networks for both sequences (left) and both
    influences on a log scale (right), and prints ``f_t`` and the gaps and
    influences at ``T``.

    Parameters
    ----------
    forget_bias : float
        Initial forget bias, in [-2, 8] and a multiple of 0.5.
    T : int
        Initial sequence length, in [2, 60].
    uid : str, optional
        Id of the explorer on the page; see ``cell_explorer``.
    lang : {"en", "zh"}, optional
        The language of its words; see ``cell_explorer``.

    Returns
    -------
    Explorer
        Displayed as HTML by Jupyter; ``.data`` is the HTML.

    Raises
    ------
    TypeError
        ``forget_bias`` not a number, ``T`` not an int, ``uid`` or ``lang`` not a str.
    ValueError
        A value out of range or off the slider's grid; a malformed ``uid``; an unknown ``lang``.
    """
    bv = V.check_scalar("forget_bias", forget_bias, -2.0, 8.0)
    _check_on_grid("forget_bias", bv, 0.5)
    T = _check_T(T)
    uid = _check_uid(uid, "memory_comparison", {"forget_bias": bv, "T": T})
    lang = _check_lang(lang)
    d = memory_comparison_demo(bv, T)  # the package's numbers
    p = memory_lstm_params(bv)
    # the constants the JavaScript needs, read back from the package's LSTM (W_c's x_t column)
    consts = {"input_bias": float(p.b_i[0]), "output_bias": float(p.b_o[0]), "w_c": float(p.W_c[0, 1]),
              "w_h": float(memory_comparison_demo.__kwdefaults__["w_h"])}  # the RNN's recurrent weight
    v = {"forget_bias": bv, "T": T, "f": float(d["lstm_f"][0]),
         "rnn_gap_T": float(d["rnn_gap"][-1]), "lstm_gap_T": float(d["lstm_gap"][-1]),
         "rnn_influence_T": float(d["rnn_influence"][-1]), "lstm_influence_T": float(d["lstm_influence"][-1])}
    lo, hi = _log_range([d["rnn_influence"], d["lstm_influence"]])
    lines = [("lstm_h_a", "left", d["lstm_h_a"], _COLOURS["a"], False),
             ("lstm_h_b", "left", d["lstm_h_b"], _COLOURS["b"], False),
             ("rnn_h_a", "left", d["rnn_h_a"], _COLOURS["a"], True),
             ("rnn_h_b", "left", d["rnn_h_b"], _COLOURS["b"], True),
             ("lstm_influence", "right", d["lstm_influence"], "#6a1b9a", False),
             ("rnn_influence", "right", d["rnn_influence"], "#6a1b9a", True)]
    legend = [("A: <tspan font-style='italic'>x</tspan>\u2081 = +1", _COLOURS["a"], False),
              ("B: <tspan font-style='italic'>x</tspan>\u2081 = \u22121", _COLOURS["b"], False),
              (_words("solid", "tspan"), "#37474f", False), (_words("dashed", "tspan"), "#37474f", True)]
    rows = (_slider(uid, "forget_bias", bv, -2.0, 8.0, _words("forget_bias", b_f="<i>b</i><sub><i>f</i></sub>"), 0.5)
            + _slider(uid, "T", T, *_T_RANGE, _words("T", T="<i>T</i>"), 1, digits=0))
    h_t = "<i>h</i><sub><i>T</i></sub>"
    out = (
        f"<div>{_SYM['f']} = \u03c3(<i>b</i><sub><i>f</i></sub>) = <span data-out='f' data-value='{v['f']!r}' "
        f"data-show='f' data-digits='4'>{_fmt(v['f'], 4)}</span></div>"
        f"<div>{_words('gap')}|{h_t}(A) \u2212 {h_t}(B)|: RNN {_exp_out('rnn_gap_T', v['rnn_gap_T'])}, LSTM "
        f"{_exp_out('lstm_gap_T', v['lstm_gap_T'])}</div>"
        f"<div>{_words('influence')}|\u2202{h_t}/\u2202<i>x</i><sub>1</sub>|: RNN "
        f"{_exp_out('rnn_influence_T', v['rnn_influence_T'])}, LSTM "
        f"{_exp_out('lstm_influence_T', v['lstm_influence_T'])}</div>"
    )
    html = (
        f'<div id="{uid}" class="lstm-explorer" data-lstm-explorer="memory_comparison"{_lang_attr(lang)} '
        f'data-xs="{_xs_attr()}" '
        f"data-lstm='{json.dumps(consts)}'>"
        f"{_style(uid)}{rows}"
        f'<div class="lx-out" aria-live="polite">{out}</div>'
        f'<div class="lx-fig" role="img" {_alt_attrs("alt:memory_comparison")}>'
        f"{_chart_svg(uid, lines, legend, lo, hi, _H_LABEL)}</div>"
        f"{_script(uid, _JS_MEMORY_COMPARISON)}</div>"
    )
    return Explorer(html, uid, "memory_comparison")
