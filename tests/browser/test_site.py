"""Every page of the built website, in a real browser (headless Chromium, no network).

The pages are discovered from the test build (`make test-site`), so a new chapter
is tested as soon as it is in _toc.yml. For each page: it loads without console
errors, uncaught exceptions or failed requests; its math is typeset by MathJax
with no TeX error; every image loads and has a real text alternative (not a file
name); headings go h1 > h2 > h3 without skipping a level; widgets saved in the
notebook are rendered; nothing is wider than the window. A full-page screenshot
of a page that fails lands in _build/screenshots/ (for people to look at); with
``LSTM_TUTORIAL_SCREENSHOTS=1`` every page's does. Not by default: a full-page
screenshot of a long chapter took longer than all its checks together (chapter 8:
57 s against 13 s on the shared 2-core machine, 2026-12-01).

On every page with kernel-free sliders (`lstm_tutorial.explorer`), each slider
is moved to several values and the numbers the browser shows (and the curves it
draws) are compared with the package's own functions to 1e-6. Every ipywidgets
slider a chapter's notebook shows has its kernel-free twin on the chapter's page,
and the ipywidgets cells themselves are not on the page. No page shows a progress
bar stuck at 0%, no code cell ends in a row of `glue(...)` calls, and a page opened
from the disk (file://, no server, no network) typesets its math.
"""

from __future__ import annotations

import json
import math
import os
import re
from html import unescape
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import SCREENSHOTS, TEST_SITE, PageLog
from page_language import EXPLORER_JS, chinese_font_problems, cjk_families, content_pages, explorer_word_problems

from lstm_tutorial import numpy as lt
from lstm_tutorial.demos import forget_from_weights_demo, memory_comparison_demo, output_demo, rnn_memory_demo
from lstm_tutorial.explorer import WIDGET_TWINS


def cell_values_from_gates(c_prev: float, f: float, i: float, c_tilde: float, o: float) -> dict:
    """The package's numbers for gates set by hand: ``demos.output_demo`` without ``tanh_c``."""
    return {k: v for k, v in output_demo(o, f, i, c_tilde, c_prev).items() if k != "tanh_c"}

# Pages of the site, both editions (zh/: the Chinese one): every HTML file outside Sphinx's own folders (_static, ...).
PAGES = sorted(
    p.relative_to(TEST_SITE).as_posix()
    for p in TEST_SITE.rglob("*.html")
    if not any(part.startswith("_") for part in p.relative_to(TEST_SITE).parts)  # zh/_static too
) if TEST_SITE.is_dir() else []  # fmt: skip
NO_SITE = pytest.param(None, marks=pytest.mark.skip(reason="no test site: run `make test-site`"))
ZH_TEXT_PAGES = {p for p in content_pages(TEST_SITE) if p.startswith("zh/")} if TEST_SITE.is_dir() else set()
SLIDER = re.compile(r"<input\b[^>]*\bdata-var=")  # a real slider, not one quoted in a docstring
EXPLORER_PAGES = [p for p in PAGES if SLIDER.search((TEST_SITE / p).read_text(encoding="utf-8"))]
TOLERANCE = 1e-6
FILE_NAME = re.compile(r"(^|/)[^/\s]+\.(png|jpe?g|gif|svg|webp)$|_images/", re.I)

WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'

# Everything the checks need, read from the page once it has settled.
REPORT_JS = """() => {
  const text = (e) => (e.textContent || "").replace(/\\s+/g, " ").replace(/#$/, "").trim().slice(0, 80);
  const visible = (e) => e.getClientRects().length > 0;
  const article = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
  const math = [...document.querySelectorAll(".math")];
  return {
    title: document.title,
    math: math.length,
    unrendered: math.filter((e) => !e.querySelector("mjx-container")).map(text),
    tex_errors: [...document.querySelectorAll("mjx-merror")].map(
      (e) => e.getAttribute("data-mjx-error") || text(e)),
    images: [...document.images].map((img) => ({
      src: img.getAttribute("src"), alt: img.getAttribute("alt"),
      complete: img.complete, width: img.naturalWidth,
      in_widget: !!img.closest(".widget-subarea")})),
    headings: [...article.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(visible).map(
      (h) => [Number(h.tagName[1]), text(h)]),
    code_cells: [...document.querySelectorAll(".cell_input div.highlight")].length,
    code_cells_without_copy: [...document.querySelectorAll(".cell_input div.highlight")].filter(
      (e) => !e.querySelector("button.copybtn")).length,
    widgets: [...document.querySelectorAll('%(widget)s')].length,
    widgets_unrendered: [...document.querySelectorAll('%(widget)s')].filter((s) => {
      const prev = s.previousElementSibling;
      return !(prev && prev.classList.contains("widget-subarea") && prev.children.length);
    }).length,
    scroll_width: document.documentElement.scrollWidth,
    client_width: document.documentElement.clientWidth,
  };
}""" % {"widget": WIDGET_VIEW}  # noqa: UP031 (JavaScript braces)


# Visible outputs that show a progress bar stopped at 0%: tqdm's widget ("epochs: 0%", drawn from the
# saved widget state) or its text form ("epochs:   0%|          | 0/10"). "50%" or "0.0%" do not count.
FROZEN_BARS_JS = r"""() => [...document.querySelectorAll(".cell_output")]
  .filter((e) => e.getClientRects().length > 0).map((e) => e.innerText)
  .filter((t) => /(^|[^\d.])0%(\||\s|$)/m.test(t)).map((t) => t.replace(/\s+/g, " ").slice(0, 80))"""


ALL_SCREENSHOTS = os.environ.get("LSTM_TUTORIAL_SCREENSHOTS") == "1"


def screenshot_name(path: str) -> str:
    return path.removesuffix(".html").replace("/", "__") + ".png"


def settle(page: Any, url: str) -> None:
    """Open ``url`` and wait until MathJax has typeset and saved widgets are drawn."""
    page.goto(url, wait_until="load")
    if page.locator(".math").count():
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20_000)
        page.evaluate("() => MathJax.startup.promise.then(() => true)")
    if page.locator(WIDGET_VIEW).count():
        page.wait_for_function(
            """(sel) => [...document.querySelectorAll(sel)].every((s) => {
                 const prev = s.previousElementSibling;
                 return prev && prev.classList.contains("widget-subarea") && prev.children.length;
               })""",
            arg=WIDGET_VIEW,
            timeout=20_000,
        )
    # Then every image and font loaded. Not Playwright's "networkidle": with the test's request
    # routing (conftest.page) chapter 8 never reached it, though every request had finished
    # (checked request by request; without routing it is idle in 9 s), on this build and the old one.
    page.wait_for_function(
        """() => document.readyState === "complete" && document.fonts.status === "loaded"
                 && [...document.images].every((img) => img.complete)""",
        timeout=60_000,
    )


def heading_problems(headings: list[list[Any]]) -> list[str]:
    problems = []
    levels = [level for level, _ in headings]
    if levels.count(1) != 1:
        problems.append(f"expected exactly one h1, found {levels.count(1)}: {[t for lv, t in headings if lv == 1]}")
    if levels and levels[0] != 1:
        problems.append(f"first heading is h{levels[0]} ({headings[0][1]!r}), not h1")
    for (a, _), (b, text) in zip(headings, headings[1:]):
        if b > a + 1:
            problems.append(f"h{a} followed by h{b} ({text!r}): a level is skipped")
    return problems


def image_problems(images: list[dict[str, Any]]) -> list[str]:
    """Every image loads and has a text alternative that is not its file name.

    Exception: the figures inside a saved ipywidgets output, which the widget
    manager draws without alt text (nothing in the notebook can set it); the
    chapters show the same figure, with alt text, in the cell before the widget.
    """
    problems = []
    for img in images:
        src = img["src"] if len(img["src"] or "") < 100 else img["src"][:60] + "..."
        if not img["complete"] or img["width"] == 0:
            problems.append(f"image does not load: {src}")
        if img["in_widget"]:
            continue
        alt = (img["alt"] or "").strip()
        if not alt:
            problems.append(f"image without alt text: {src}")
        elif FILE_NAME.search(alt):
            problems.append(f"image whose alt text is a file name ({alt[:60]!r}): {src}")
    return problems


@pytest.mark.parametrize("path", PAGES or [NO_SITE])
def test_page(path: str, page: Any, page_log: PageLog, site_url: str) -> None:
    settle(page, site_url + path)
    report = page.evaluate(REPORT_JS)
    report["frozen_bars"] = page.evaluate(FROZEN_BARS_JS)

    problems = [f"math not typeset: {t!r}" for t in report["unrendered"]]
    problems += [f"TeX error: {t!r}" for t in report["tex_errors"]]
    problems += image_problems(report["images"])
    problems += heading_problems(report["headings"])
    if report["widgets_unrendered"]:
        problems.append(f"{report['widgets_unrendered']} of {report['widgets']} saved widgets not rendered")
    if report["code_cells_without_copy"]:
        problems.append(f"{report['code_cells_without_copy']} of {report['code_cells']} code cells have no copy button")
    problems += [f"progress bar shown at 0%: {t!r}" for t in report["frozen_bars"]]
    if path in ZH_TEXT_PAGES:  # a page of the Chinese edition built from a source (not search, index)
        families = cjk_families()
        assert families, "fontconfig lists no font for Chinese: `make chromium` installs fonts-wqy-microhei"
        problems += chinese_font_problems(page, path, families)  # drawn with a CJK font (page_language.py)
    if report["scroll_width"] > report["client_width"] + 1:
        problems.append(f"page is wider than the window: {report['scroll_width']} > {report['client_width']} px")
    if path in EXPLORER_PAGES:  # in the same load: every slider moved, every number against the package
        problems += explorer_slider_problems(page, path)
    problems = page_log.problems() + problems  # console errors and requests, the sliders' included
    if problems or ALL_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / screenshot_name(path), full_page=True, timeout=120_000)  # api: long
    assert not problems, f"{path} ({report['title']}):\n  " + "\n  ".join(problems)


NOTEBOOK_PAGES = [p for p in PAGES if (TEST_SITE / "_sources" / p).with_suffix(".ipynb").is_file()]


@pytest.mark.parametrize("path", NOTEBOOK_PAGES or [NO_SITE])
def test_launch_buttons_open_the_paired_notebook(path: str) -> None:
    """Binder and Colab links on every notebook page, pointing at that page's .ipynb in the repository."""
    html = (TEST_SITE / path).read_text(encoding="utf-8")
    notebook = path.removesuffix(".html") + ".ipynb"
    binder = re.findall(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', html)
    colab = re.findall(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', html)
    assert binder and all(u.endswith("/" + notebook) for u in binder), f"Binder links on {path}: {binder}"
    assert colab and all(u.endswith("/" + notebook) for u in colab), f"Colab links on {path}: {colab}"


def test_pages_were_found(test_site: Path) -> None:
    """The site has the pages of the table of contents (guards against testing an empty folder)."""
    assert "index.html" in PAGES or "book/intro.html" in PAGES, PAGES
    assert any(re.match(r"book/\d\d-", p) for p in PAGES), f"no chapter pages in {test_site}: {PAGES}"


# ---------------------------------------------------------------------------
# Kernel-free sliders (lstm_tutorial.explorer)
# ---------------------------------------------------------------------------

STATE_JS = """(root) => ({
  kind: root.getAttribute("data-lstm-explorer"),
  fixed: JSON.parse(root.getAttribute("data-values") || "{}"),
  inputs: [...root.querySelectorAll("input[data-var]")].map((e) => ({
    var: e.getAttribute("data-var"), value: parseFloat(e.value),
    min: parseFloat(e.min), max: parseFloat(e.max), step: parseFloat(e.step) || 0.01})),
  outputs: [...root.querySelectorAll("[data-out]")].map((e) => ({
    key: e.getAttribute("data-out"), value: parseFloat(e.getAttribute("data-value")),
    text: e.textContent, digits: e.getAttribute("data-digits")})),
  diagram: [...root.querySelectorAll("[data-diagram-value]")].map((e) => ({
    key: e.getAttribute("data-diagram-value"), value: parseFloat(e.getAttribute("data-value"))})),
  lines: [...root.querySelectorAll("[data-line]")].map((e) => ({
    key: e.getAttribute("data-line"), values: JSON.parse(e.getAttribute("data-values"))})),
})"""


def expected_outputs(kind: str, values: dict[str, float]) -> dict[str, float]:
    """What the package computes for the values the sliders show."""
    if kind == "cell":
        v = cell_values_from_gates(**{k: values[k] for k in ("c_prev", "f", "i", "c_tilde", "o")})
        return {"c": v["c"], "h": v["h"]}
    if kind == "gate":
        s = float(lt.sigmoid(np.float64(values["z"])))
        return {"sigmoid": s, "percent": 100 * s}
    if kind == "forget_weights":
        d = forget_from_weights_demo(**{k: values[k] for k in ("w_h", "w_x", "b", "h_prev", "x", "c_prev")})
        return {k: d[k] for k in ("z", "f", "kept", "forgotten")} | {"c": d["kept"]}
    if kind == "rnn_memory":
        d = rnn_memory_demo(values["w_h"], round(values["T"]))
        return {"h_a_T": d["h_a"][-1], "h_b_T": d["h_b"][-1], "gap_T": d["gap"][-1],
                "influence_T": d["influence"][-1]} | {k: d[k] for k in ("h_a", "h_b", "influence")}
    if kind == "memory_comparison":
        d = memory_comparison_demo(values["forget_bias"], round(values["T"]))
        keys = ("rnn_gap", "lstm_gap", "rnn_influence", "lstm_influence")
        return ({"f": d["lstm_f"][0]} | {f"{k}_T": d[k][-1] for k in keys}
                | {k: d[k] for k in ("lstm_h_a", "lstm_h_b", "rnn_h_a", "rnn_h_b", "lstm_influence", "rnn_influence")})
    raise AssertionError(f"unknown explorer kind {kind!r}: teach tests/browser/test_site.py its formulas")


def slider_targets(lo: float, hi: float, step: float) -> list[float]:
    """Ends, middle and two uneven points of a slider, on its step grid."""
    n = round((hi - lo) / step)
    return sorted({lo + step * round(n * q) for q in (0.0, 0.13, 0.5, 0.77, 1.0)})


def number_shown(text: str) -> float:
    return float(text.strip().strip("()").replace("\u2212", "-"))


def agrees(got: float, want: float, key: str) -> bool:
    """To 1e-6; the influences (down to 1e-300) also to a relative 1e-6. A gap |h_T(A) - h_T(B)|
    is a difference of numbers that may agree to 14 digits: relative 1e-6 there, or 1e-15."""
    if not abs(got - want) <= TOLERANCE:
        return False
    if "influence" in key or "gap" in key:
        return abs(got - want) <= TOLERANCE * abs(want) + (1e-15 if "gap" in key else 1e-300)
    return True


# What each kind of explorer must print (the other expected values are in its diagram or curves).
PRINTED = {
    "cell": {"c", "h"},
    "gate": {"sigmoid", "percent"},
    "forget_weights": {"z", "f", "kept", "forgotten"},
    "rnn_memory": {"h_a_T", "h_b_T", "gap_T", "influence_T"},
    "memory_comparison": {"f", "rnn_gap_T", "lstm_gap_T", "rnn_influence_T", "lstm_influence_T"},
}


def check_state(state: dict[str, Any], where: str) -> list[str]:
    values = {**state["fixed"], **{i["var"]: i["value"] for i in state["inputs"]}}
    expected = expected_outputs(state["kind"], values)
    problems = []
    shown = {o["key"]: o for o in state["outputs"]}
    for key in PRINTED[state["kind"]]:
        if key not in shown:
            problems.append(f"{where}: no data-out={key!r}")
    for o in state["outputs"]:
        if o["key"] not in expected:
            problems.append(f"{where}: data-out {o['key']!r}, which the package has no value for")
            continue
        want = float(expected[o["key"]])
        if not agrees(o["value"], want, o["key"]):
            problems.append(f"{where}: data-out {o['key']} = {o['value']!r}, package gives {want!r}")
        if o["digits"] is not None:
            half_unit = 0.5 * 10 ** -int(o["digits"]) + 1e-12
            if not abs(number_shown(o["text"]) - want) <= half_unit:
                problems.append(f"{where}: {o['key']} displayed as {o['text']!r}, package gives {want!r}")
    for d in state["diagram"]:
        want = values.get(d["key"], expected.get(d["key"]))  # an input (x_t, h_t-1) or a result
        if want is None or not abs(d["value"] - want) <= TOLERANCE:
            problems.append(f"{where}: diagram {d['key']} = {d['value']!r}, package gives {want!r}")
    for line in state.get("lines", []):
        want = expected.get(line["key"])
        if want is None or len(line["values"]) != len(want):
            problems.append(f"{where}: curve {line['key']} has {len(line['values'])} points, package gives "
                            f"{None if want is None else len(want)}")
            continue
        bad = [t for t, (a, b) in enumerate(zip(line["values"], want)) if not agrees(a, float(b), line["key"])]
        if bad:
            problems.append(f"{where}: curve {line['key']} differs from the package at t = {bad[0] + 1}")
    return problems


def explorer_slider_problems(page: Any, path: str) -> list[str]:
    """Move every slider of every explorer on a settled page; what differs from the package.

    Called by test_page on each page of EXPLORER_PAGES, in the load it has already made (a second
    load of each explorer page cost 4-16 s, 14 pages in both editions)."""
    roots = page.locator("[data-lstm-explorer]")
    assert roots.count(), f"{path} has input[data-var] but no [data-lstm-explorer] root"
    stray = page.evaluate(
        "() => [...document.querySelectorAll('input[data-var]')].filter((e) => !e.closest('[data-lstm-explorer]')).length"
    )
    assert stray == 0, f"{path}: {stray} slider(s) outside an explorer root"
    # the explorers' words in the page's language, before a slider moves (page_language.py)
    problems, moves = explorer_word_problems(page.evaluate(EXPLORER_JS), path.startswith("zh/"), path), 0
    for r in range(roots.count()):
        root = roots.nth(r)
        start = root.evaluate(STATE_JS)
        problems += check_state(start, f"{path} explorer {r} ({start['kind']}) as loaded")
        for spec in start["inputs"]:
            slider = root.locator(f'input[data-var="{spec["var"]}"]')
            for target in slider_targets(spec["min"], spec["max"], spec["step"]):
                slider.fill(repr(round(target, 10)))
                state = root.evaluate(STATE_JS)
                moved = next(i["value"] for i in state["inputs"] if i["var"] == spec["var"])
                assert math.isclose(moved, target, abs_tol=1e-9), f"slider {spec['var']} did not move to {target}"
                problems += check_state(state, f"{path} explorer {r}, {spec['var']} = {moved:g}")
                moves += 1
    assert moves, f"{path}: no slider was moved"
    return problems[:40]


def test_explorer_pages_were_found() -> None:
    """test_page moves sliders on the chapters that have explorers (1-6, in both editions)."""
    if not TEST_SITE.is_dir():
        pytest.skip("no test site: run `make book`")
    chapters = {p for p in EXPLORER_PAGES if re.search(r"book/0[1-6]-", p)}
    assert len(chapters) >= 12 and any(p.startswith("zh/") for p in chapters), EXPLORER_PAGES


def test_explorer_state_check_catches_a_wrong_value() -> None:
    """The comparison above can fail: a value off by 1e-5 is reported."""
    fixed = {"c_prev": 0.5, "f": 0.9, "i": 0.2, "c_tilde": -0.3, "o": 0.7}
    good = cell_values_from_gates(**fixed)
    state = {
        "kind": "cell",
        "fixed": fixed,
        "inputs": [],
        "outputs": [
            {"key": "c", "value": good["c"], "text": f"{good['c']:.4f}", "digits": "4"},
            {"key": "h", "value": good["h"] + 1e-5, "text": f"{good['h']:.4f}", "digits": "4"},
        ],
        "diagram": [],
    }
    problems = check_state(state, "test")
    assert len(problems) == 1 and "data-out h" in problems[0], problems
    assert json.dumps(expected_outputs("gate", {"z": 0.0})) == json.dumps({"sigmoid": 0.5, "percent": 50.0})


# ---------------------------------------------------------------------------
# One working interaction per place; no frozen progress bars; no rows of glue calls
# ---------------------------------------------------------------------------

WIDGET_CALL = re.compile(r"\b(\w+_widget)\(")


def notebook_code(path: str) -> list[str]:
    """The code cells of the notebook a page was built from (the copy in _sources/)."""
    source = (TEST_SITE / "_sources" / path).with_suffix(".ipynb")
    cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def code_shown(path: str) -> list[str]:
    """The code of every code cell shown on a page, as text."""
    html = (TEST_SITE / path).read_text(encoding="utf-8")
    blocks = re.findall(r'<div class="cell_input[^"]*">.*?<pre>(.*?)</pre>', html, flags=re.S)
    return [unescape(re.sub(r"<[^>]+>", "", b)) for b in blocks]


WIDGET_PAGES = [p for p in NOTEBOOK_PAGES if any(WIDGET_CALL.search(c) for c in notebook_code(p))]


@pytest.mark.parametrize("path", WIDGET_PAGES or [NO_SITE])
def test_every_notebook_widget_has_its_twin_on_the_page_and_is_hidden(path: str) -> None:
    """An ipywidgets slider cannot recompute on the website: its cell is hidden there, and the
    kernel-free explorer that stands in for it (explorer.WIDGET_TWINS) is on the page. test_page
    moves its sliders (explorer_slider_problems)."""
    html = (TEST_SITE / path).read_text(encoding="utf-8")
    kinds = set(re.findall(r'data-lstm-explorer="(\w+)"', html))
    shown = "\n".join(code_shown(path))
    problems = []
    for widget in sorted({w for c in notebook_code(path) for w in WIDGET_CALL.findall(c)}):
        twin = WIDGET_TWINS.get(widget)
        if twin is None or twin.removesuffix("_explorer") not in kinds:
            problems.append(f"{widget} has no kernel-free twin on the page (explorers here: {sorted(kinds)})")
        if f"{widget}(" in shown:
            problems.append(f"the cell calling {widget}( is shown on the page (tag it remove-cell)")
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def test_widget_pages_were_found() -> None:
    """The twin test above has pages to look at (chapters 1-6 show ipywidgets sliders)."""
    if not TEST_SITE.is_dir():
        pytest.skip("no test site: run `make book`")
    assert len(WIDGET_PAGES) >= 6, WIDGET_PAGES


@pytest.mark.parametrize("path", NOTEBOOK_PAGES or [NO_SITE])
def test_no_code_cell_ends_in_glue_calls(path: str) -> None:
    """The glue(...) calls that hand numbers to the prose are bookkeeping: _ext/site_fixes.py takes
    them off the end of each code cell on the page (the notebook keeps them)."""
    ends = [c.rstrip().splitlines()[-1] for c in code_shown(path) if c.strip()]
    glued = [line for line in ends if re.match(r"\s*glue\(", line)]
    assert not glued, f"{path}: {len(glued)} code cell(s) end in glue(...): {glued[:3]}"


def test_frozen_bar_check_can_fail(page: Any) -> None:
    """The 0% check of test_page finds tqdm's text bar and its widget label, and not 50% or 100%."""
    page.set_content(
        '<div class="cell_output">epochs:   0%|          | 0/10 [00:00&lt;?, ?it/s]</div>'
        '<div class="cell_output"><span>training:\u20070%</span></div>'
        '<div class="cell_output">epochs: 100%|##########| 10/10, accuracy 50%, 10.0%</div>'
    )
    assert len(page.evaluate(FROZEN_BARS_JS)) == 2


def test_a_page_opened_from_the_disk_typesets_its_math(browser: Any, test_site: Path) -> None:
    """`make book`, then open the file: MathJax comes with the site, so the math is typeset with no
    server and no network (every request other than file:// is blocked and counted)."""
    context = browser.new_context()
    outside: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(("file://", "data:", "blob:", "about:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    try:
        pg = context.new_page()
        pg.goto((test_site / "book" / "02-inside-the-cell.html").as_uri(), wait_until="load")
        pg.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20_000)
        pg.evaluate("() => MathJax.startup.promise.then(() => true)")
        math, typeset = pg.evaluate(
            "() => [document.querySelectorAll('.math').length, "
            "[...document.querySelectorAll('.math')].filter((e) => e.querySelector('mjx-container')).length]")
    finally:
        context.close()
    assert math > 10 and typeset == math, f"{typeset} of {math} formulas typeset from file://"
    assert not outside, f"requests that left the disk: {outside[:5]}"
