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
from lstm_tutorial.demos import output_demo
from lstm_tutorial.explorer import cell_explorer, gate_explorer


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
    """The test page, loaded; fails the test on any console error or uncaught exception."""
    pg = browser.new_page(viewport={"width": 900, "height": 1200})
    errors: list[str] = []
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
    assert page.evaluate("document.querySelectorAll('[data-lstm-explorer]').length") == len(CELLS) + 2
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map((e) => e.id)")
    assert len(ids) == len(set(ids)), "duplicate ids on the page"
