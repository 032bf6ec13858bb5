"""The kernel-free explorers, driven in headless Chromium: does the JavaScript agree with the package?

A test page made of the helpers' HTML (several explorers, so ids and scopes
must not collide) is served over http://127.0.0.1; Playwright moves sliders
the way a page does (set the value, dispatch ``input``) and with the keyboard,
then reads the printed ``C_t``/``h_t``, the numbers in the diagram and the
gate's ``sigmoid(z)``, and compares them with ``lstm_tutorial.numpy`` to 1e-6.
Every test also fails on a console error or an uncaught exception.

Needs Debian's chromium (/usr/bin/chromium) and ``pip install playwright``
(never ``playwright install``: the system browser is used); skipped without them.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from lstm_tutorial import numpy as lt
from lstm_tutorial.demos import forget_from_weights_demo, memory_comparison_demo, output_demo, rnn_memory_demo
from lstm_tutorial.explorer import (
    cell_explorer,
    forget_weights_explorer,
    gate_explorer,
    memory_comparison_explorer,
    rnn_memory_explorer,
)


def cell_values_from_gates(c_prev: float, f: float, i: float, c_tilde: float, o: float) -> dict:
    """The package's numbers for gates set by hand: ``demos.output_demo`` without ``tanh_c``."""
    return {k: v for k, v in output_demo(o, f, i, c_tilde, c_prev).items() if k != "tanh_c"}

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

if not os.path.exists(CHROMIUM):
    pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install playwright)")

GATES = ("c_prev", "f", "i", "c_tilde", "o")

# Explorers on the test page: (uid, part, sliders, initial values)
CELLS = [
    ("forget", "forget", None, dict(c_prev=0.8, f=0.5)),
    ("input", "input", None, dict(c_prev=-0.35, c_tilde=-0.8)),
    ("all", "cell", None, dict(c_prev=1.2, f=0.9, i=0.1, c_tilde=0.3, o=0.6)),
    ("two", "output", ("o", "c_prev"), dict(f=0.73, i=0.31, c_tilde=-0.12)),  # fixed gates off the slider grid
]

# Slider settings to try on explorer "all": extremes, signs, a rounding tie (C_t = 0.125 prints "0.12",
# as Python does, where JavaScript's toFixed says "0.13"), a large |C_t|.
SETTINGS = [
    dict(c_prev=0.25, f=0.5, i=0.0, c_tilde=0.0, o=1.0),
    dict(c_prev=-2.0, f=1.0, i=1.0, c_tilde=-1.0, o=1.0),
    dict(c_prev=2.0, f=1.0, i=1.0, c_tilde=1.0, o=0.01),
    dict(c_prev=0.0, f=0.0, i=0.0, c_tilde=0.0, o=0.0),
    dict(c_prev=-0.37, f=0.83, i=0.29, c_tilde=0.91, o=0.47),
    dict(c_prev=1.99, f=0.07, i=0.64, c_tilde=-0.58, o=0.99),
]


def book_number(v: float, digits: int) -> str:
    """How the book prints a number: fixed decimals, no '-0.00', a true minus."""
    s = f"{v:.{digits}f}"
    if float(s) == 0:
        s = s.lstrip("-")
    return s.replace("-", "\u2212")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The test page, served over HTTP on a free port of 127.0.0.1."""
    root: Path = tmp_path_factory.mktemp("explorer-site")
    parts = [cell_explorer(part, sliders=sl, uid=uid, **kw).data for uid, part, sl, kw in CELLS]
    parts.append(gate_explorer(z=1.5, uid="gate").data)
    parts.append(cell_explorer("input").data)  # a default uid next to the others
    parts.append(forget_weights_explorer(uid="weights").data)
    parts.append(rnn_memory_explorer(uid="rnnmem").data)
    parts.append(memory_comparison_explorer(uid="memcmp").data)
    body = "".join(f"<h2>Explorer {k}</h2><p>Prose.</p>{p}" for k, p in enumerate(parts))
    head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>explorers</title>'
    head += '<link rel="icon" href="data:,"></head>'  # no favicon request (a 404 is a console error)
    (root / "index.html").write_text(f"{head}<body style='max-width:700px'>{body}</body></html>", "utf-8")
    (root / "blank.html").write_text(f"{head}<body></body></html>", "utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, site):
    """The test page, loaded; fails the test on any console error, uncaught exception or request
    that leaves the page's own server."""
    pg = browser.new_page(viewport={"width": 900, "height": 1200})
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith((site + "/", "data:", "blob:", "about:")):
            r.continue_()
        else:
            errors.append(f"request to another host (blocked): {r.request.url}")
            r.abort()

    pg.route("**/*", route)
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(f"{site}/index.html")
    yield pg
    pg.close()
    assert not errors, f"console errors: {errors}"


def set_slider(page, uid: str, var: str, value: float) -> str:
    """Move a slider as a script would; returns the value the input reports."""
    return page.evaluate(
        """([uid, v, x]) => {
            const el = document.querySelector(`#${uid} input[data-var="${v}"]`);
            el.value = String(x);
            el.dispatchEvent(new Event("input", {bubbles: true}));
            return el.value;
        }""",
        [uid, var, value],
    )


def read(page, uid: str) -> dict:
    """Everything the explorer shows: printed results, diagram numbers, slider readouts, box fits."""
    return page.evaluate(
        """(uid) => {
            const root = document.getElementById(uid), out = {}, diagram = {}, shown = {}, fits = {};
            for (const el of root.querySelectorAll("[data-out]")) {
                out[el.dataset.out] = [el.dataset.value, el.textContent];
            }
            for (const g of root.querySelectorAll("[data-diagram-value]")) {
                const key = g.dataset.diagramValue, t = g.querySelector("text").getBoundingClientRect();
                const b = g.querySelector("path").getBoundingClientRect();
                diagram[key] = [g.dataset.value, g.querySelector("[data-num]").textContent];
                fits[key] = b.left <= t.left + 0.5 && t.right <= b.right + 0.5;
            }
            for (const el of root.querySelectorAll(".lx-row [data-show]")) { shown[el.dataset.show] = el.textContent; }
            return {out, diagram, shown, fits};
        }""",
        uid,
    )


def check_cell(page, uid: str, gates: dict) -> None:
    """What explorer ``uid`` shows equals the package's numbers for ``gates``."""
    want = cell_values_from_gates(**gates)
    got = read(page, uid)
    for key in ("c", "h"):
        value, text = got["out"][key]
        assert float(value) == pytest.approx(want[key], abs=1e-6), (uid, key, gates)
        assert text == book_number(want[key], 4), (uid, key, gates)
        assert text == book_number(float(value), 4)  # the JavaScript's own rounding, for any value
    # h_t = o_t tanh(C_t) with the package's tanh, from the browser's C_t
    np.testing.assert_allclose(float(got["out"]["h"][0]), gates["o"] * lt.tanh(float(got["out"]["c"][0])), atol=1e-6)
    assert sorted(got["diagram"]) == sorted(want)
    for key, (value, text) in got["diagram"].items():
        assert float(value) == pytest.approx(want[key], abs=1e-6), (uid, key, gates)
        assert text == book_number(want[key], 2), (uid, key, gates)
        assert got["fits"][key], f"{uid}: the value box of {key} does not contain its text"
    for key, text in got["shown"].items():
        assert text == book_number(gates[key], 2)


@pytest.mark.parametrize(("uid", "part", "sliders", "kw"), CELLS)
def test_initial_page_shows_the_package_values(page, uid, part, sliders, kw):
    gates = {"c_prev": 0.8, "f": 0.5, "i": 0.5, "c_tilde": 0.5, "o": 0.5, **kw}
    check_cell(page, uid, gates)
    got = read(page, uid)
    want = cell_values_from_gates(**gates)
    assert float(got["out"]["c"][0]) == want["c"] and float(got["out"]["h"][0]) == want["h"]  # exactly


def test_sliders_recompute_like_the_package(page):
    gates = dict(c_prev=1.2, f=0.9, i=0.1, c_tilde=0.3, o=0.6)
    for setting in SETTINGS:
        for var, value in setting.items():
            reported = set_slider(page, "all", var, value)
            assert float(reported) == value, f"the browser moved {var} to {reported}, not {value}"
        gates.update(setting)
        check_cell(page, "all", gates)


def test_sliders_of_one_explorer_leave_the_others_alone(page):
    before = {uid: read(page, uid) for uid in ("forget", "input", "two")}
    set_slider(page, "input", "c_prev", -1.5)
    set_slider(page, "input", "i", 0.95)
    check_cell(page, "input", dict(c_prev=-1.5, f=0.5, i=0.95, c_tilde=-0.8, o=0.5))
    assert read(page, "forget") == before["forget"]
    assert read(page, "two") == before["two"]


def test_fixed_values_off_the_grid_stay_exact(page):
    # explorer "two" has sliders for o and c_prev only; f, i, C~ keep 0.73, 0.31, -0.12
    set_slider(page, "two", "o", 0.25)
    set_slider(page, "two", "c_prev", -0.6)
    check_cell(page, "two", dict(c_prev=-0.6, f=0.73, i=0.31, c_tilde=-0.12, o=0.25))


def test_keyboard_moves_a_slider(page):
    slider = page.locator('#forget input[data-var="f"]')
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert slider.input_value() == "0.53"
    check_cell(page, "forget", dict(c_prev=0.8, f=0.53, i=0.5, c_tilde=0.5, o=0.5))
    # and the label names the slider for screen readers
    assert page.get_by_label("forget gate ft").first.get_attribute("data-var") == "f"


@pytest.mark.parametrize("z", [-6.0, -2.5, -0.01, 0.0, 0.01, 3.33, 6.0])
def test_gate_explorer_shows_the_package_sigmoid(page, z):
    reported = set_slider(page, "gate", "z", z)
    assert float(reported) == z
    got = page.evaluate(
        """() => {
            const root = document.getElementById("gate"), q = (s) => root.querySelector(s);
            const o = q('[data-out="sigmoid"]'), p = q('[data-out="percent"]');
            return {s: o.dataset.value, text: o.textContent, p: p.dataset.value, ptext: p.textContent,
                    shown: q('.lx-row [data-show="z"]').textContent,
                    cx: +q("[data-mark=dot]").getAttribute("cx"), cy: +q("[data-mark=dot]").getAttribute("cy"),
                    bar: +q("[data-mark=bar]").getAttribute("width")};
        }"""
    )
    s = float(lt.sigmoid(z))
    assert float(got["s"]) == pytest.approx(s, abs=1e-6)
    assert got["text"] == book_number(s, 4)
    assert float(got["p"]) == pytest.approx(100 * s, abs=1e-4)
    assert got["ptext"] == book_number(float(got["p"]), 1)
    assert got["shown"] == book_number(z, 2)
    # the dot sits on the curve at (z, sigmoid(z)); the bar is filled to sigmoid(z)
    assert got["cx"] == pytest.approx(60 + (z + 6) / 12 * 460, abs=1e-6)
    assert got["cy"] == pytest.approx(160 - 130 * s, abs=1e-6)
    assert got["bar"] == pytest.approx(460 * s, abs=1e-6)


def test_no_globals_leak(browser, site, page):
    blank = browser.new_page()
    blank.goto(f"{site}/blank.html")
    base = set(blank.evaluate("Object.keys(window)"))
    blank.close()
    extra = set(page.evaluate("Object.keys(window)")) - base
    assert not extra, f"the explorers left globals behind: {sorted(extra)}"
    assert page.evaluate("document.querySelectorAll('[data-lstm-explorer]').length") == len(CELLS) + 5
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map((e) => e.id)")
    assert len(ids) == len(set(ids)), "duplicate ids on the page"


# --------------------------------------------------------------------------
# The twins of forget_from_weights_widget, rnn_memory_widget and memory_comparison_widget
# --------------------------------------------------------------------------

READ_TWIN = """(uid) => {
    const root = document.getElementById(uid), out = {}, lines = {}, shown = {};
    for (const el of root.querySelectorAll("[data-out]")) { out[el.dataset.out] = [el.dataset.value, el.textContent]; }
    for (const el of root.querySelectorAll("[data-line]")) {
        lines[el.dataset.line] = [JSON.parse(el.getAttribute("data-values")), el.getAttribute("points").split(" ").length];
    }
    for (const el of root.querySelectorAll(".lx-row [data-show]")) { shown[el.dataset.show] = el.textContent; }
    const diagram = {};
    for (const g of root.querySelectorAll("[data-diagram-value]")) {
        diagram[g.dataset.diagramValue] = [g.dataset.value, g.querySelector("[data-num]").textContent];
    }
    const ticks = {};
    for (const el of root.querySelectorAll("[data-tick]")) { ticks[el.dataset.tick] = el.textContent; }
    return {out, lines, shown, diagram, ticks};
}"""


def close(got: float, want: float, floor: float = 1e-300) -> bool:
    """Equal to 1e-6, and also to a relative 1e-6 (the influences go down to 1e-300).

    ``floor``: an absolute error always allowed. A gap |h_T(A) - h_T(B)| is the
    difference of two numbers near 1 that may agree to 14 digits: there both
    sides' rounding (1e-16) is all that is left, so gaps get a floor of 1e-15.
    """
    return abs(got - want) <= 1e-6 and abs(got - want) <= 1e-6 * abs(want) + floor


def exp_text(v: float) -> str:
    return f"{v:.2e}".replace("-", "\u2212")


def twin_expected(uid: str, values: dict) -> tuple[dict, dict]:
    """The package's numbers for the sliders' values: (printed outputs, plotted series)."""
    if uid == "weights":
        d = forget_from_weights_demo(**values)
        return {k: d[k] for k in ("z", "f", "kept", "forgotten")}, {}
    if uid == "rnnmem":
        d = rnn_memory_demo(values["w_h"], int(values["T"]))
        outs = {"h_a_T": d["h_a"][-1], "h_b_T": d["h_b"][-1], "gap_T": d["gap"][-1], "influence_T": d["influence"][-1]}
        return outs, {k: d[k] for k in ("h_a", "h_b", "influence")}
    d = memory_comparison_demo(values["forget_bias"], int(values["T"]))
    outs = {"f": d["lstm_f"][0]} | {f"{k}_T": d[k][-1] for k in ("rnn_gap", "lstm_gap", "rnn_influence", "lstm_influence")}
    return outs, {k: d[k] for k in ("lstm_h_a", "lstm_h_b", "rnn_h_a", "rnn_h_b", "lstm_influence", "rnn_influence")}


def check_twin(page, uid: str, values: dict) -> None:
    got = page.evaluate(READ_TWIN, uid)
    outs, series = twin_expected(uid, values)
    assert sorted(got["out"]) == sorted(outs), (uid, sorted(got["out"]))
    for key, want in outs.items():
        value, text = got["out"][key]
        gap = key.endswith("gap_T")
        assert close(float(value), float(want), 1e-15 if gap else 1e-300), (uid, values, key, value, want)
        if gap:  # printed to 3 digits: within half a unit of the last, give or take the floor
            half_unit = 0.5 * 10.0 ** (int(text.split("e")[1].replace("\u2212", "-")) - 2)
            assert abs(float(text.replace("\u2212", "-")) - float(want)) <= half_unit + 1e-15, (uid, values, key, text)
        elif key.endswith("influence_T"):
            assert text == exp_text(float(want)), (uid, values, key, text)
        else:
            assert text == book_number(float(want), 4), (uid, values, key, text)
    assert sorted(got["lines"]) == sorted(series)
    for key, want in series.items():
        values_js, n_points = got["lines"][key]
        assert n_points == len(want) == int(values["T"]), (uid, key)
        floor = 1e-15 if "gap" in key else 1e-300
        bad = [(t, a, b) for t, (a, b) in enumerate(zip(values_js, want.tolist())) if not close(a, b, floor)]
        assert not bad, (uid, values, key, bad[:3])
    if uid == "weights":  # the diagram's numbers, as the package gives them
        d = forget_from_weights_demo(**values)
        want = {"x": d["x"], "h_prev": d["h_prev"], "c_prev": d["c_prev"], "f": d["f"], "c": d["kept"]}
        assert sorted(got["diagram"]) == sorted(want)
        for key, (value, text) in got["diagram"].items():
            assert close(float(value), want[key]) and text == book_number(want[key], 2), (key, value, text)
    else:
        assert got["ticks"]["T"] == str(int(values["T"]))
    for key, text in got["shown"].items():
        assert text == book_number(values[key], 0 if key == "T" else 2), (uid, key, text)


TWINS = {
    "weights": dict(w_h=1.0, w_x=1.5, b=0.0, h_prev=0.5, x=1.0, c_prev=0.8),
    "rnnmem": dict(w_h=0.9, T=20),
    "memcmp": dict(forget_bias=5.0, T=30),
}
# every slider of every twin: (min, max, step), as the widget it stands in for
TWIN_SLIDERS = {
    "weights": dict(w_h=(-4, 4, 0.05), w_x=(-4, 4, 0.05), b=(-6, 6, 0.05), h_prev=(-1, 1, 0.05), x=(-2, 2, 0.05),
                    c_prev=(-2, 2, 0.05)),
    "rnnmem": dict(w_h=(0, 2, 0.05), T=(2, 60, 1)),
    "memcmp": dict(forget_bias=(-2, 8, 0.5), T=(2, 60, 1)),
}


@pytest.mark.parametrize("uid", sorted(TWINS))
def test_twin_starts_at_the_package_values(page, uid):
    check_twin(page, uid, TWINS[uid])
    ranges = page.evaluate(
        "(uid) => Object.fromEntries([...document.querySelectorAll(`#${uid} input[data-var]`)].map("
        "(e) => [e.dataset.var, [+e.min, +e.max, +e.step]]))", uid)
    assert ranges == {k: list(v) for k, v in TWIN_SLIDERS[uid].items()}


@pytest.mark.parametrize("uid", sorted(TWINS))
def test_every_slider_of_the_twin_recomputes_like_the_package(page, uid):
    values = dict(TWINS[uid])
    for var, (lo, hi, step) in TWIN_SLIDERS[uid].items():
        n = round((hi - lo) / step)
        for q in (0.0, 0.13, 0.5, 0.77, 1.0):
            target = round(lo + step * round(n * q), 10)
            reported = set_slider(page, uid, var, target)
            assert float(reported) == target, f"{uid}: {var} moved to {reported}, not {target}"
            values[var] = target
            check_twin(page, uid, values)
        values[var] = TWINS[uid][var]  # back to the start before the next slider
        set_slider(page, uid, var, values[var])
