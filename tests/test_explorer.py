"""Tests of the kernel-free explorers' HTML (no browser; tests/browser drives them).

The HTML is parsed with the standard library's parser and checked for what a
reader and the website need: one labelled slider per requested quantity, the
diagram as inline SVG, ids unique across explorers on one page, the same
output on every run (nbval compares stored outputs), initial numbers equal to
the package's, nothing loaded from outside, and clear errors for bad input.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from lstm_tutorial import explorer
from lstm_tutorial import numpy as lt
from lstm_tutorial.demos import forget_from_weights_demo, memory_comparison_demo, output_demo, rnn_memory_demo
from lstm_tutorial.explorer import DEFAULT_SLIDERS, PARTS, SLIDERS, cell_explorer, gate_explorer

VALUE_KEYS = ("c_prev", "f", "i", "c_tilde", "o", "c", "h")


def _attr(name: str) -> str:
    """Keyword to attribute name: data_out -> data-out, for_ -> for."""
    return name.rstrip("_").replace("_", "-")


class Tree(HTMLParser):
    """Every tag as (tag, attrs) (end tags as "/tag"), and the text right after each."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_after: dict[int, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self.tags.append(("/" + tag, {}))  # text after an end tag belongs to no start tag

    def handle_data(self, data):
        k = len(self.tags) - 1
        self.text_after[k] = self.text_after.get(k, "") + data

    def find(self, tag=None, **attrs):
        out = []
        for k, (t, a) in enumerate(self.tags):
            if tag is not None and t != tag:
                continue
            if all(a.get(_attr(name)) == v if v is not True else _attr(name) in a
                   for name, v in attrs.items()):
                out.append((k, a))
        return out

    def text(self, k: int) -> str:
        return self.text_after.get(k, "")


def book_number(v: float, digits: int) -> str:
    """The book's way to print a number: fixed decimals, no '-0.00', a true minus."""
    s = f"{v:.{digits}f}"
    if float(s) == 0:
        s = s.lstrip("-")
    return s.replace("-", "\u2212")


def test_book_number_rounds_like_python():
    # the rule the JavaScript must copy (checked in the browser test)
    assert book_number(0.125, 2) == "0.12"
    assert book_number(0.375, 2) == "0.38"
    assert book_number(-0.001, 2) == "0.00"
    assert book_number(-0.5, 4) == "\u22120.5000"


@pytest.mark.parametrize("part", PARTS)
def test_default_sliders_one_range_input_each(part):
    tree = Tree(cell_explorer(part, uid="x").data)
    inputs = tree.find("input", type="range")
    assert [a["data-var"] for _, a in inputs] == list(DEFAULT_SLIDERS[part])
    for _, a in inputs:
        lo, hi = SLIDERS[a["data-var"]]
        assert (float(a["min"]), float(a["max"]), float(a["step"])) == (lo, hi, 0.01)
        labels = tree.find("label", for_=a["id"])
        assert len(labels) == 1, f"slider {a['id']} has no label"


def test_requested_sliders_in_given_order():
    tree = Tree(cell_explorer("forget", sliders=["o", "c_tilde", "f"], uid="x").data)
    assert [a["data-var"] for _, a in tree.find("input", type="range")] == ["o", "c_tilde", "f"]


@pytest.mark.parametrize("part", PARTS)
def test_svg_diagram_and_accessibility(part):
    html = cell_explorer(part, uid="x").data
    tree = Tree(html)
    assert len(tree.find("svg")) == 1
    figs = tree.find("div", role="img")
    assert len(figs) == 1
    label = figs[0][1]["aria-label"]
    assert label.startswith("Diagram of one LSTM cell.") and "Highlighted: the " in label
    assert tree.find(aria_live="polite"), "the results must be announced"
    # the value boxes of the diagram, one per value, each with one number to rewrite
    keys = [a["data-diagram-value"] for _, a in tree.find("g", data_diagram_value=True)]
    assert sorted(keys) == sorted(VALUE_KEYS)
    assert len(tree.find("tspan", data_num=True)) == len(VALUE_KEYS)
    assert len(html.encode()) < 60_000, f"{len(html.encode())} bytes"


def test_nothing_from_outside_and_scoped_styles():
    html = cell_explorer("cell", uid="x").data + gate_explorer(uid="y").data
    assert not re.search(r"<script[^>]*\bsrc=|<link\b|<img\b|@import|https?://(?!www\.w3\.org/2000/svg)", html)
    # a <style> in inline HTML applies to the whole page: every rule must start with the explorer's id
    for css in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S):
        for selector in re.findall(r"(?:^|\})\s*([^{}]+)\{", css):
            for sel in selector.split(","):
                assert sel.strip().startswith(("#x", "#y")), f"unscoped CSS rule {sel.strip()!r}"


def ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]*)"', html)


def test_ids_unique_across_two_explorers_on_a_page():
    a, b = cell_explorer("input"), cell_explorer("input")  # default uids
    g1, g2 = gate_explorer(), gate_explorer()
    assert len({a.uid, b.uid, g1.uid, g2.uid}) == 4
    all_ids = ids(a.data) + ids(b.data) + ids(g1.data) + ids(g2.data)
    assert len(all_ids) > 50
    assert len(all_ids) == len(set(all_ids)), "duplicate ids on the page"
    for e in (a, b):
        assert all(i.startswith(e.uid) for i in ids(e.data))
        # every reference inside the SVG points to an id of the same explorer
        for ref in re.findall(r"url\(#([^)]+)\)|href=\"#([^\"]+)\"", e.data):
            assert "".join(ref) in ids(e.data)


def test_same_output_every_run():
    kw = dict(sliders=("f", "o"), c_prev=-1.2, f=0.3, i=0.9, c_tilde=-0.4, o=0.7)
    assert cell_explorer("output", uid="same", **kw).data == cell_explorer("output", uid="same", **kw).data
    assert gate_explorer(z=1.5, uid="g").data == gate_explorer(z=1.5, uid="g").data
    # default uids differ only by the counter, and the rest of the HTML is identical
    a, b = cell_explorer("output", **kw), cell_explorer("output", **kw)
    assert a.uid != b.uid
    assert a.uid.rsplit("-", 1)[0] == b.uid.rsplit("-", 1)[0]
    assert a.data.replace(a.uid, "U") == b.data.replace(b.uid, "U")
    assert "0x" not in repr(a) and a.uid in repr(a)
    assert a._repr_html_() == a.data


@pytest.mark.parametrize("seed", range(4))
def test_initial_values_are_the_package_values(seed):
    rng = np.random.default_rng(seed)
    kw = {
        "c_prev": round(float(rng.uniform(-2, 2)), 2),
        "f": round(float(rng.uniform(0, 1)), 2),
        "i": round(float(rng.uniform(0, 1)), 2),
        "c_tilde": round(float(rng.uniform(-1, 1)), 2),
        "o": round(float(rng.uniform(0, 1)), 2),
    }
    want = output_demo(kw["o"], kw["f"], kw["i"], kw["c_tilde"], kw["c_prev"])
    tree = Tree(cell_explorer("cell", uid="x", **kw).data)
    for key in ("c", "h"):
        ((k, a),) = tree.find(data_out=key)
        assert float(a["data-value"]) == want[key]  # repr round-trips exactly
        assert tree.text(k) == book_number(want[key], 4)
    for _, a in tree.find("g", data_diagram_value=True):
        assert float(a["data-value"]) == want[a["data-diagram-value"]]
    for k, a in tree.find("tspan", data_num=True):
        assert tree.text(k) == book_number(want[a["data-num"]], 2)
    for _, a in tree.find("input", type="range"):
        assert float(a["value"]) == kw[a["data-var"]]
    # the arithmetic the JavaScript repeats, here with the package's tanh
    np.testing.assert_allclose(want["h"], kw["o"] * lt.tanh(want["c"]), rtol=0, atol=1e-15)


def test_gate_initial_value_is_the_package_sigmoid():
    for z in (-6.0, -1.37, 0.0, 2.5, 6.0):
        tree = Tree(gate_explorer(z=z, uid="g").data)
        ((k, a),) = tree.find(data_out="sigmoid")
        assert float(a["data-value"]) == float(lt.sigmoid(z))
        assert tree.text(k) == book_number(float(lt.sigmoid(z)), 4)
        ((_, inp),) = tree.find("input", type="range")
        assert (inp["data-var"], float(inp["value"]), inp["min"], inp["max"]) == ("z", z, "-6", "6")
        assert tree.find("label", for_=inp["id"])
        ((_, dot),) = tree.find("circle", data_mark="dot")
        assert float(dot["cx"]) == pytest.approx(60 + (z + 6) / 12 * 460, abs=1e-3)


@pytest.mark.parametrize(
    ("kwargs", "arg"),
    [
        (dict(part="gate"), "part"),
        (dict(part="memory"), "part"),
        (dict(part="forget", sliders=["f", "x"]), "sliders"),
        (dict(part="forget", sliders=[]), "sliders"),
        (dict(part="forget", sliders=["f", "f"]), "sliders"),
        (dict(part="forget", f=1.5), "f"),
        (dict(part="forget", i=-0.1), "i"),
        (dict(part="forget", o=2.0), "o"),
        (dict(part="forget", c_tilde=-1.5), "c_tilde"),
        (dict(part="forget", c_prev=2.5), "c_prev"),
        (dict(part="forget", f=float("nan")), "f"),
        (dict(part="forget", f=0.333), "f"),  # off the slider's 0.01 grid
        (dict(part="forget", uid="1abc"), "uid"),
        (dict(part="forget", uid="a b"), "uid"),
        (dict(part="forget", uid='x"><script>'), "uid"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(kwargs, arg):
    with pytest.raises(ValueError, match=rf"^{arg}\b"):
        cell_explorer(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "arg"),
    [
        (dict(part=None), "part"),
        (dict(part="forget", sliders="f"), "sliders"),
        (dict(part="forget", sliders=[1]), "sliders"),
        (dict(part="forget", f="0.5"), "f"),
        (dict(part="forget", uid=7), "uid"),
    ],
)
def test_arguments_of_the_wrong_kind_raise_type_errors(kwargs, arg):
    with pytest.raises(TypeError, match=rf"^{arg}\b"):
        cell_explorer(**kwargs)


def test_off_grid_value_without_slider_is_fine():
    # i has no slider in the forget part: any value in range is shown as is
    tree = Tree(cell_explorer("forget", i=0.333, uid="x").data)
    ((k, a),) = tree.find(data_out="c")
    assert float(a["data-value"]) == output_demo(0.5, 0.5, 0.333, 0.5, 0.8)["c"]


@pytest.mark.parametrize(("z", "uid"), [(6.5, None), (-7.0, None), (0.005, None), (float("inf"), None), (0.0, "-x")])
def test_gate_bad_arguments(z, uid):
    arg = "uid" if uid else "z"
    with pytest.raises(ValueError, match=rf"^{arg}\b"):
        gate_explorer(z=z, uid=uid)


# --------------------------------------------------------------------------
# The SVG matplotlib writes: if its mathtext changes, say what changed
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "what"),
    [
        (lambda svg: svg.replace(">=</tspan>", ">\u2261</tspan>"), "one '=' glyph"),  # no '=' glyph any more
        (lambda svg: re.sub(r'(<tspan )x="[^"]*" ', r"\1", svg), "x position"),  # glyphs without positions
        (lambda svg: re.sub(r"(>=</tspan>)(.*?)(</text>)", r"\1\3", svg, flags=re.S), "no glyphs after '='"),
    ],
)
def test_a_change_in_matplotlibs_mathtext_svg_fails_with_a_clear_message(monkeypatch, change, what):
    real = explorer._svg_text
    monkeypatch.setattr(explorer, "_svg_text", lambda highlight, values: change(real(highlight, values)))
    with pytest.raises(RuntimeError, match=rf"explorer: matplotlib's SVG of the value box 'c_prev'.*{what}.*changed"):
        cell_explorer("forget", uid="x")


def test_value_boxes_without_a_frame_fail_with_a_clear_message(monkeypatch):
    real = explorer._svg_text
    monkeypatch.setattr(explorer, "_svg_text",
                        lambda highlight, values: re.sub(r'<path d="[^"]*"', "<path", real(highlight, values)))
    with pytest.raises(RuntimeError, match=r"value box 'value:\w+' has no <path> frame"):
        cell_explorer("forget", uid="x")


# --------------------------------------------------------------------------
# The twins of the other widgets (chapters 1, 3 and 6), and the rule that every widget has one
# --------------------------------------------------------------------------

WIDGET_CALL = re.compile(r"\b(\w+_widget)\(")


def _code_cells(md: str) -> str:
    return "\n".join(re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", md, flags=re.S))


def test_every_widget_of_the_package_has_a_twin():
    from lstm_tutorial import widgets

    assert set(explorer.WIDGET_TWINS) == set(widgets.__all__)
    for twin in explorer.WIDGET_TWINS.values():
        assert twin in explorer.__all__ and callable(getattr(explorer, twin))


@pytest.mark.parametrize("md", sorted((Path(__file__).parents[1] / "book").glob("[0-9][0-9]-*.md")), ids=lambda p: p.name)
def test_every_widget_in_a_chapter_has_its_twin_in_the_same_chapter(md):
    """A chapter that shows an ipywidgets slider (hidden on the website) shows its kernel-free twin."""
    code = _code_cells(md.read_text(encoding="utf-8"))
    for widget in WIDGET_CALL.findall(code):
        assert widget in explorer.WIDGET_TWINS, f"{md.name}: {widget} has no twin in explorer.WIDGET_TWINS"
        twin = explorer.WIDGET_TWINS[widget]
        assert re.search(rf"\b{twin}\(", code), f"{md.name} shows {widget}( but not its twin {twin}("


def test_the_twin_rule_can_fail():
    code = _code_cells("```{code-cell} ipython3\nrnn_memory_widget(w_h=0.9, T=20)\n```\n")
    assert WIDGET_CALL.findall(code) == ["rnn_memory_widget"]
    assert not re.search(rf"\b{explorer.WIDGET_TWINS['rnn_memory_widget']}\(", code)


def _outs(html: str) -> dict[str, tuple[float, str]]:
    tree = Tree(html)
    return {a["data-out"]: (float(a["data-value"]), tree.text(k)) for k, a in tree.find(data_out=True)}


def _sliders(html: str) -> dict[str, tuple[float, float, float, float]]:
    return {a["data-var"]: (float(a["value"]), float(a["min"]), float(a["max"]), float(a["step"]))
            for _, a in Tree(html).find("input", type="range")}


def test_forget_weights_explorer_starts_at_the_package_values():
    kw = dict(w_h=-1.25, w_x=2.5, b=0.35, h_prev=-0.6, x=1.45, c_prev=-1.1)
    html = explorer.forget_weights_explorer(uid="fw", **kw).data
    want = forget_from_weights_demo(**kw)
    outs = _outs(html)
    assert sorted(outs) == ["f", "forgotten", "kept", "z"]
    for key, (value, text) in outs.items():
        assert value == want[key] and text == book_number(want[key], 4)
    sliders = _sliders(html)
    assert {k: v[0] for k, v in sliders.items()} == kw
    assert sliders["b"][1:] == (-6.0, 6.0, 0.05) and sliders["w_h"][1:] == (-4.0, 4.0, 0.05)
    tree = Tree(html)
    for _, a in tree.find("input", type="range"):
        assert tree.find("label", for_=a["id"]), f"slider {a['id']} has no label"
    diagram = {a["data-diagram-value"]: float(a["data-value"]) for _, a in tree.find("g", data_diagram_value=True)}
    assert diagram == {"x": 1.45, "h_prev": -0.6, "c_prev": -1.1, "f": want["f"], "c": want["kept"]}


@pytest.mark.parametrize(("w_h", "T"), [(0.9, 20), (0.0, 2), (2.0, 60), (1.35, 33)])
def test_rnn_memory_explorer_starts_at_the_package_values(w_h, T):
    html = explorer.rnn_memory_explorer(w_h=w_h, T=T, uid="rm").data
    d = rnn_memory_demo(w_h, T)
    outs = _outs(html)
    assert outs["h_a_T"][0] == d["h_a"][-1] and outs["h_b_T"][0] == d["h_b"][-1]
    assert outs["gap_T"] == (d["gap"][-1], f"{d['gap'][-1]:.2e}".replace("-", "\u2212"))
    assert outs["influence_T"][0] == d["influence"][-1]
    lines = {a["data-line"]: json.loads(a["data-values"]) for _, a in Tree(html).find("polyline", data_line=True)}
    assert lines == {"h_a": d["h_a"].tolist(), "h_b": d["h_b"].tolist(), "influence": d["influence"].tolist()}
    # the embedded inputs: sequence A's for T = 60, of which every shorter T uses the start
    xs = json.loads(re.search(r'data-xs="([^"]*)"', html).group(1))
    assert len(xs) == 60 and xs[:T] == d["xs"].tolist()
    assert _sliders(html) == {"w_h": (w_h, 0.0, 2.0, 0.05), "T": (T, 2.0, 60.0, 1.0)}


@pytest.mark.parametrize(("b", "T"), [(5.0, 30), (-2.0, 2), (8.0, 60), (0.5, 17)])
def test_memory_comparison_explorer_starts_at_the_package_values(b, T):
    html = explorer.memory_comparison_explorer(forget_bias=b, T=T, uid="mc").data
    d = memory_comparison_demo(b, T)
    outs = _outs(html)
    assert outs["f"][0] == d["lstm_f"][0]
    for key in ("rnn_gap", "lstm_gap", "rnn_influence", "lstm_influence"):
        assert outs[f"{key}_T"][0] == d[key][-1]
    lines = {a["data-line"]: json.loads(a["data-values"]) for _, a in Tree(html).find("polyline", data_line=True)}
    assert lines == {k: d[k].tolist() for k in ("lstm_h_a", "lstm_h_b", "rnn_h_a", "rnn_h_b", "lstm_influence",
                                                "rnn_influence")}
    # the JavaScript's closed form of the LSTM's influence, here in NumPy: what the package's BPTT gives
    p = json.loads(re.search(r"data-lstm='([^']*)'", html).group(1))
    f, i, o = (float(lt.sigmoid(z)) for z in (b, p["input_bias"], p["output_bias"]))
    closed = o * (1 - np.tanh(d["lstm_c_a"]) ** 2) * f ** np.arange(T) * i * p["w_c"] * (1 - np.tanh(p["w_c"]) ** 2)
    np.testing.assert_allclose(closed, d["lstm_influence"], rtol=1e-12, atol=1e-300)
    assert _sliders(html) == {"forget_bias": (b, -2.0, 8.0, 0.5), "T": (T, 2.0, 60.0, 1.0)}


def test_new_explorers_load_nothing_and_repeat_exactly():
    for make in (explorer.forget_weights_explorer, explorer.rnn_memory_explorer, explorer.memory_comparison_explorer):
        html = make(uid="q").data
        assert html == make(uid="q").data
        assert not re.search(r"<script[^>]*\bsrc=|<link\b|<img\b|@import|https?://(?!www\.w3\.org/2000/svg)", html)
        assert all(i.startswith("q") for i in ids(html))


@pytest.mark.parametrize(
    ("make", "kwargs", "error", "arg"),
    [
        ("forget_weights_explorer", dict(b=6.5), ValueError, "b"),
        ("forget_weights_explorer", dict(w_h=0.33), ValueError, "w_h"),  # off the 0.05 grid
        ("forget_weights_explorer", dict(x="1"), TypeError, "x"),
        ("rnn_memory_explorer", dict(w_h=2.05), ValueError, "w_h"),
        ("rnn_memory_explorer", dict(T=1), ValueError, "T"),
        ("rnn_memory_explorer", dict(T=20.0), TypeError, "T"),
        ("memory_comparison_explorer", dict(forget_bias=0.25), ValueError, "forget_bias"),
        ("memory_comparison_explorer", dict(T=61), ValueError, "T"),
        ("memory_comparison_explorer", dict(uid="1x"), ValueError, "uid"),
    ],
)
def test_new_explorers_reject_bad_arguments(make, kwargs, error, arg):
    with pytest.raises(error, match=rf"^{arg}\b"):
        getattr(explorer, make)(**kwargs)


# ---------------------------------------------------------------------------
# The explorers' words in English and Chinese (issue 13)
# ---------------------------------------------------------------------------

ALL_EXPLORERS = {
    "cell_explorer:forget": lambda **kw: cell_explorer("forget", **kw),
    "cell_explorer:input": lambda **kw: cell_explorer("input", **kw),
    "cell_explorer:output": lambda **kw: cell_explorer("output", **kw),
    "cell_explorer:cell": lambda **kw: cell_explorer("cell", **kw),
    "gate_explorer": lambda **kw: explorer.gate_explorer(**kw),
    "forget_weights_explorer": lambda **kw: explorer.forget_weights_explorer(**kw),
    "rnn_memory_explorer": lambda **kw: explorer.rnn_memory_explorer(**kw),
    "memory_comparison_explorer": lambda **kw: explorer.memory_comparison_explorer(**kw),
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _lang_texts(html: str) -> dict[str, list[str]]:
    """The words of every element marked ``data-lang``, per language, in document order.

    Symbols (``<i>``, ``<sub>``, an SVG ``<tspan>`` in italic or shifted) are left out: ``C_t`` is no word.
    """
    out: dict[str, list[str]] = {"en": [], "zh": []}
    stack: list[tuple[str, str | None, bool]] = []  # (tag, language it marks, whether it is a symbol)
    for tag, attrs, text in _events(html):
        if tag.startswith("/"):
            stack.pop()
        elif tag:
            symbol = tag in ("i", "sub") or "font-style" in attrs or "baseline-shift" in attrs
            stack.append((tag, attrs.get("data-lang"), symbol))
            if attrs.get("data-lang"):
                out[attrs["data-lang"]].append("")
        if text and not any(symbol for _, _, symbol in stack):
            lang = next((lang for _, lang, _ in reversed(stack) if lang), None)
            if lang:
                out[lang][-1] += text
    return out


def _events(html: str) -> list[tuple[str, dict, str]]:
    """(tag or '/tag' or '', attrs, text) in order; void and self-closing tags open nothing."""
    events: list[tuple[str, dict, str]] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in ("input", "br", "path", "rect", "line", "circle", "polyline", "use", "stop"):
                events.append((tag, dict(attrs), ""))

        def handle_endtag(self, tag):
            if tag not in ("input", "br", "path", "rect", "line", "circle", "polyline", "use", "stop"):
                events.append(("/" + tag, {}, ""))

        def handle_data(self, data):
            events.append(("", {}, data))

    p = P(convert_charrefs=True)
    p.feed(html)
    return events


@pytest.mark.parametrize("name", list(ALL_EXPLORERS))
def test_every_word_comes_in_english_and_chinese(name):
    html = ALL_EXPLORERS[name](uid="q").data
    texts = _lang_texts(html)
    assert texts["en"], f"{name}: no words marked data-lang"
    assert len(texts["en"]) == len(texts["zh"]), f"{name}: {len(texts['en'])} English texts, {len(texts['zh'])} Chinese"
    for en, zh in zip(texts["en"], texts["zh"]):
        if not re.search(r"[A-Za-z]", en):  # punctuation: ")" is "）" in Chinese
            assert zh and zh != en, f"{name}: {en!r} has no Chinese punctuation"
            continue
        assert CJK.search(zh), f"{name}: {zh!r} (for {en!r}) has no Chinese"
        assert not re.search(r"\b(?!LSTM\b|RNN\b|tanh\b)[A-Za-z]{2,}", zh), f"{name}: English left in {zh!r}"
    # every slider's label has both, and the figure's description is given in both
    tree = Tree(html)
    for _, a in tree.find("label"):
        label = html.split(f'<label for="{a["for"]}">', 1)[1].split("</label>", 1)[0]
        assert 'data-lang="en"' in label and 'data-lang="zh"' in label, f"{name}: label {label!r}"
    for _, a in tree.find("div", class_="lx-fig"):
        assert not CJK.search(a["aria-label"]) and CJK.search(a["data-aria-label-zh"]), a
    # the style shows one language: the explorer's own (lang argument) or the page's
    assert re.search(r'#q:not\(:lang\(zh\)\) \[data-lang="zh"\], #q:lang\(zh\) \[data-lang="en"\] \{ display: none; \}',
                     html)
    assert 'root.matches(":lang(zh)")' in html and "data-aria-label-zh" in html  # the description follows


def test_both_tables_have_the_same_words_and_symbols():
    en, zh = explorer._TEXT["en"], explorer._TEXT["zh"]
    assert en.keys() == zh.keys()
    for key in en:
        fields = lambda s: sorted(re.findall(r"\{(\w+)\}", s))  # noqa: E731
        assert fields(en[key]) == fields(zh[key]), f"{key}: {en[key]!r} and {zh[key]!r} name different symbols"
        if re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", en[key])):
            assert CJK.search(zh[key]), f"_TEXT['zh'][{key!r}] = {zh[key]!r} is not Chinese"
    assert set(explorer._ZH_CAPTION) == set(PARTS)


def _glossary() -> list[tuple[str, str]]:
    """(English name, Chinese name) of every glossary entry (book/glossary.md)."""
    from test_glossary import entries

    return [(english.strip(), chinese.strip()) for english, _, chinese in
            (term.partition(" — ") for term, _ in entries())]


def _mentions(text: str, english: str) -> bool:
    base = re.sub(r"\s*\([^)]*\)", "", english).lower().replace("-", " ")
    words = r"[\s-]+".join(map(re.escape, base.split()))
    return re.search(rf"(?<![\w-]){words}s?(?![\w-])", text.lower()) is not None


def _chinese_words() -> dict[str, str]:
    return explorer._TEXT["zh"] | {f"caption:{k}": v for k, v in explorer._ZH_CAPTION.items()}


def test_chinese_words_use_the_glossary_names_and_no_second_name():
    import tomllib

    glossary = _glossary()
    second = tomllib.loads((Path(__file__).parents[1] / "zh" / "terms.toml").read_text(encoding="utf-8"))
    # the names the explorers must say: each English word's glossary term, and the gates' and memories' own
    must = {"c_prev": "长期记忆", "f": "遗忘门", "i": "输入门", "c_tilde": "长期记忆候选", "o": "输出门",
            "h_prev": "隐藏状态", "hidden_state": "隐藏状态", "forget_bias": "遗忘门偏置",
            "part:forget": "遗忘部分", "part:input": "输入部分", "part:output": "输出部分"}
    english_captions = {"forget": "forget part", "input": "input part candidate", "output": "output part"}
    for key, en in explorer._TEXT["en"].items():
        for term_en, term_zh in glossary:
            if _mentions(en, term_en):
                assert term_zh in explorer._TEXT["zh"][key], (
                    f"_TEXT['zh'][{key!r}] lacks {term_zh!r}, the glossary's name of {term_en!r} (English: {en!r})")
    for key, name in must.items():
        assert name in explorer._TEXT["zh"][key], f"_TEXT['zh'][{key!r}] should say {name!r}"
    for part, words in english_captions.items():
        for term_en, term_zh in glossary:
            if _mentions(words, term_en):
                assert term_zh in explorer._ZH_CAPTION[part], (part, term_zh)
    for key, text in _chinese_words().items():
        for chinese in sorted((c for _, c in glossary), key=len, reverse=True):  # the book's names first
            text = text.replace(chinese, "\0")
        found = [f"{alt!r} (the book says {name!r})" for name, alts in second.items() for alt in alts if alt in text]
        assert not found, f"explorer's Chinese {key!r} uses a second name: {found}"


def test_the_glossary_check_finds_a_second_name(monkeypatch):
    monkeypatch.setitem(explorer._TEXT["zh"], "c_tilde", "候选记忆 {c_tilde}")
    with pytest.raises(AssertionError, match="长期记忆候选|候选记忆"):
        test_chinese_words_use_the_glossary_names_and_no_second_name()


@pytest.mark.parametrize("name", list(ALL_EXPLORERS))
def test_lang_argument_sets_the_explorers_language(name):
    make = ALL_EXPLORERS[name]
    page, zh = make(uid="q").data, make(uid="q", lang="zh").data  # each draws its diagram: ~1 s
    assert not re.search(r'<div id="q"[^>]*\blang=', page)  # follows the page
    assert re.search(r'<div id="q"[^>]*\blang="zh-CN"', zh)
    assert re.search(r'<div id="q"[^>]*\blang="en"', make(uid="q", lang="en").data)
    # only the attribute differs: numbers and sliders are the same
    assert zh.replace(' lang="zh-CN"', "") == page
    with pytest.raises(ValueError, match=r"^lang\b"):
        make(lang="fr")
    with pytest.raises(TypeError, match=r"^lang\b"):
        make(lang=1)


def test_set_language_is_the_default_and_the_argument_wins():
    try:
        explorer.set_language("zh")
        assert ' lang="zh-CN"' in explorer.gate_explorer(uid="q").data
        assert ' lang="en"' in explorer.gate_explorer(uid="q", lang="en").data
        explorer.set_language(None)
        assert " lang=" not in explorer.gate_explorer(uid="q").data.split(">", 1)[0]
        with pytest.raises(ValueError, match=r"^lang\b"):
            explorer.set_language("zh_CN")
    finally:
        explorer.set_language(None)


@pytest.mark.parametrize("part", PARTS)
def test_chinese_caption_sits_where_the_english_one_is(part):
    html = cell_explorer(part, uid="q").data
    en = re.search(r'<g id="q-caption" data-lang="en"><g style="[^"]*" transform="translate\(([\d.]+) ([\d.]+)\)">', html)
    zh = re.search(r'<g data-lang="zh"><text x="([\d.]+)" y="([\d.]+)" text-anchor="middle"', html)
    assert en and zh, f"{part}: no English caption marked, or no Chinese caption beside it"
    assert float(zh[1]) > float(en[1]) and abs(float(zh[2]) - float(en[2])) < 5
