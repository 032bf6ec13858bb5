"""The reader notebooks in a real JupyterLab, driven by headless Chromium.

A JupyterLab server (the version requirements.txt pins) is started on
127.0.0.1, on a free port, with a token and its own temporary config, data,
runtime, settings and workspace folders, on a temporary copy of the reader
notebooks of chapters 3 and 6 (notebooks/book/; a copy, so autosave never
touches the committed files). For each chapter Playwright opens the notebook as
a reader does and checks:

* before running: no raw MyST (``{py:``, ``{glue``, ``:::{``, ```` ```{ ````, ...)
  in the rendered Markdown, every exercise solution folded (a closed
  ``<details>``; its code cells collapsed), a glued number in its sentence;
* Run All (``notebook:run-all-cells``, what the Run menu calls), then every
  code cell executed in order in one fresh kernel;
* every ipywidgets slider moved with the keyboard (Arrow keys on the focused
  handle) and with the mouse (a drag of the handle): the output printed by the
  kernel must become exactly what the widget's own function prints for the
  values the sliders show, computed here with the package (the displayed
  rounding), and for chapter 3's first widget the kept memory f * C_{t-1}
  against ``demos.forget_demo``;
* every kernel-free explorer slider moved with the keyboard (Arrow keys, Home,
  End: the notebook's active cell must not change, so JupyterLab did not take
  the keys) and with the mouse (a click on the track): every number the explorer
  shows must equal the package's to 1e-6 (its ``data-value``) and to the
  displayed digits (its text).

The server is stopped in the fixture's teardown, failure or not.

How to see it fail when a slider stops updating: set ``LSTM_TUTORIAL_JLAB_PATH``
to a folder holding a copy of ``lstm_tutorial`` with a planted break (it goes
first on the server's and kernel's PYTHONPATH), e.g. ``show`` of
``forget_widget`` ignoring ``f``, or an explorer script that no longer listens
to ``input``; the test then fails naming the slider and the stale number.

Needs Debian's chromium and Playwright (skipped without them, as the other
browser tests); JupyterLab comes from requirements.txt.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lstm_tutorial import numpy as lt
from lstm_tutorial.demos import (
    forget_demo,
    forget_from_weights_demo,
    memory_comparison_demo,
    output_demo,
    rnn_memory_demo,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
READERS = ROOT / "notebooks" / "book"
CHAPTERS = ["03-forget-part", "06-looping-through-time"]
RAW_MYST = ("{py:", "{glue", ":::{", "```{", "{term}", "{doc}", "{ref}", ":label:")
TOLERANCE = 1e-6
SCREENSHOTS = ROOT / "_build" / "screenshots" / "jupyterlab"  # chapter 3 as a reader sees it, when asked:
ALL_SCREENSHOTS = os.environ.get("LSTM_TUTORIAL_SCREENSHOTS") == "1"  # as test_site.py's screenshots
TIMEOUT_MS = 120_000  # one wait (the server, Run All): a loaded 2-core machine is slow


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (server and kernels), SIGKILL after 15 s."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(15)


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[dict[str, Any]]:
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (requirements.txt)")
    tmp: Path = tmp_path_factory.mktemp("jupyterlab")
    root = tmp / "notebooks"
    root.mkdir()
    for name in CHAPTERS:
        shutil.copy(READERS / f"{name}.ipynb", root)
    env = dict(os.environ)
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
                     ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib")]:
        (tmp / sub).mkdir()
        env[var] = str(tmp / sub)
    if os.environ.get("LSTM_TUTORIAL_JLAB_PATH"):  # a planted break, to see the test fail (module docstring)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [os.environ["LSTM_TUTORIAL_JLAB_PATH"], env.get("PYTHONPATH")]))
    # no news or update checks (they would ask the network)
    apputils = tmp / "settings" / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True)
    (apputils / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false",
                                                                           "checkForUpdates": False}))
    # every cell rendered at once (the default windowing renders cells as they scroll into view)
    tracker = tmp / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True",
           "--ServerApp.terminals_enabled=False", "--LabApp.extension_manager=readonly",
           "--LabApp.expose_app_in_browser=True"]  # window.jupyterapp: Run All through the app's own command
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with {proc.returncode}:\n{(tmp / 'server.log').read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer within the timeout")
                time.sleep(0.3)
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "root": root, "log": tmp / "server.log"}
    finally:
        _stop(proc)
        log.close()


# --------------------------------------------------------------------------
# What the package says
# --------------------------------------------------------------------------


def expected_outputs(kind: str, values: dict[str, float]) -> dict[str, float]:
    """The numbers an explorer of ``kind`` must show for the values its sliders (and fixed gates) hold."""
    if kind == "cell":
        d = output_demo(*(values[k] for k in ("o", "f", "i", "c_tilde", "c_prev")))
        return {"c": d["c"], "h": d["h"]}
    if kind == "gate":
        s = float(lt.sigmoid(np.float64(values["z"])))
        return {"sigmoid": s, "percent": 100 * s}
    if kind == "forget_weights":
        d = forget_from_weights_demo(*(values[k] for k in ("w_h", "w_x", "b", "h_prev", "x", "c_prev")))
        return {k: d[k] for k in ("z", "f", "kept", "forgotten")} | {"c": d["kept"]}
    if kind == "rnn_memory":
        d = rnn_memory_demo(values["w_h"], round(values["T"]))
        return {"h_a_T": d["h_a"][-1], "h_b_T": d["h_b"][-1], "gap_T": d["gap"][-1], "influence_T": d["influence"][-1]}
    if kind == "memory_comparison":
        d = memory_comparison_demo(values["forget_bias"], round(values["T"]))
        keys = ("rnn_gap", "lstm_gap", "rnn_influence", "lstm_influence")
        return {"f": d["lstm_f"][0]} | {f"{k}_T": d[k][-1] for k in keys}
    raise AssertionError(f"explorer kind {kind!r} has no formula here: teach tests/browser/test_jupyterlab.py")


def agrees(got: float, want: float, key: str) -> bool:
    """To 1e-6; a gap or an influence (tiny numbers) also to a relative 1e-6."""
    if not abs(got - want) <= TOLERANCE:
        return False
    if "influence" in key or "gap" in key:
        return abs(got - want) <= TOLERANCE * abs(want) + (1e-15 if "gap" in key else 1e-300)
    return True


def widget_printout(function: str, values: dict[str, float]) -> str:
    """What ``lstm_tutorial.widgets.<function>``'s interactive prints for ``values`` (by its description)."""
    return _widget_printout(function, tuple(sorted(values.items())))


@functools.lru_cache(maxsize=256)
def _widget_printout(function: str, items: tuple[tuple[str, float], ...]) -> str:
    values = dict(items)
    import matplotlib

    matplotlib.use("Agg", force=True)  # its figure is drawn and dropped here
    import matplotlib.pyplot as plt

    widgets = importlib.import_module("lstm_tutorial.widgets")
    w = getattr(widgets, function)()
    names = list(inspect.signature(w.f).parameters)
    kwargs = {}
    for name, control in zip(names, w.kwargs_widgets):
        v = values[control.description]
        kwargs[name] = int(round(v)) if isinstance(control.value, int) else v
    out = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(out):
        warnings.simplefilter("ignore")
        w.f(**kwargs)
    plt.close("all")
    return out.getvalue().strip()


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------

ACTIVE_CELL_JS = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
    .findIndex((c) => c.classList.contains('jp-mod-active'))"""

# the execution count of every code cell of the open notebook, from JupyterLab's own model
COUNTS_JS = """() => { const cells = window.jupyterapp.shell.currentWidget.content.model.cells, counts = [];
    for (let k = 0; k < cells.length; k++) {
      const c = cells.get(k); if (c.type === 'code') { counts.push(c.executionCount); } }
    return counts; }"""

STATIC_JS = """() => {
  const md = [...document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')];
  const details = [...document.querySelectorAll('.jp-RenderedMarkdown details')];
  return {
    markdown: md.length,
    text: md.map((e) => e.textContent).join('\\n'),
    details: details.length,
    open: details.filter((d) => d.open).length,
    summaries: details.map((d) => d.querySelector('summary') ? d.querySelector('summary').textContent.trim() : ''),
    hidden_body_visible: details.filter((d) => [...d.children].some(
      (c) => c.tagName !== 'SUMMARY' && c.checkVisibility())).length,
    input_placeholders: document.querySelectorAll('.jp-CodeCell .jp-InputPlaceholder').length,
    math: document.querySelectorAll('.jp-RenderedMarkdown mjx-container, .jp-RenderedMarkdown .MathJax').length,
  };
}"""

EXPLORER_JS = """(root) => {
  const out = {};
  for (const el of root.querySelectorAll('[data-out]')) {
    out[el.dataset.out] = [el.dataset.value, el.textContent, el.dataset.digits || null];
  }
  const values = JSON.parse(root.getAttribute('data-values') || '{}');
  const sliders = {};
  for (const el of root.querySelectorAll('input[type=range][data-var]')) {
    sliders[el.dataset.var] = [parseFloat(el.value), parseFloat(el.min), parseFloat(el.max), parseFloat(el.step)];
    values[el.dataset.var] = parseFloat(el.value);
  }
  return {kind: root.dataset.lstmExplorer, id: root.id, out, values, sliders};
}"""

WIDGET_JS = """(box) => {
  const values = {};
  for (const s of box.querySelectorAll('.widget-slider')) {
    const label = s.querySelector('.widget-label'), readout = s.querySelector('.widget-readout');
    // d3-format (the readout) writes a true minus
    values[label.textContent.trim()] = parseFloat((readout.textContent.trim() || readout.value).replace('\u2212', '-'));
  }
  const out = box.querySelector('.widget-output');
  return {values, printed: out ? out.innerText : ''};
}"""


def number_shown(text: str) -> float:
    return float(text.strip().strip("()").replace("\u2212", "-").rstrip("%"))


def check_explorer(page: Any, root: Any, what: str) -> dict:
    """The numbers explorer ``root`` shows equal the package's (1e-6; and to the shown digits)."""
    state = root.evaluate(EXPLORER_JS)
    want = expected_outputs(state["kind"], state["values"])
    compared = 0
    for key, (value, text, digits) in state["out"].items():
        if key not in want:
            continue
        compared += 1
        assert agrees(float(value), want[key], key), (
            f"{what}: explorer {state['id']} ({state['kind']}) shows {key} = {value}, the package says {want[key]!r} "
            f"for {state['values']}")
        if digits is not None:
            assert abs(number_shown(text) - want[key]) <= 0.5 * 10 ** -int(digits) + 1e-12, (
                f"{what}: explorer {state['id']} prints {key} as {text!r}, the package says {want[key]!r}")
    assert compared, f"{what}: explorer {state['id']} shows none of {sorted(want)}"
    return state


def wait_for_printout(page: Any, box: Any, function: str, what: str, timeout_s: float = 30.0) -> dict:
    """Wait until the widget's output is what the package prints for the values its sliders show."""
    deadline = time.monotonic() + timeout_s
    while True:
        state = box.evaluate(WIDGET_JS)
        ready = state["values"] and all(v == v for v in state["values"].values())  # no NaN (a readout mid-edit)
        want = widget_printout(function, state["values"]) if ready else None
        if want and want in state["printed"]:
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: {function} shows {state['printed']!r} for {state['values']}; "
                                 f"the package prints {want!r}")
        page.wait_for_timeout(250)


def widget_functions(nb: dict) -> list[str]:
    """The ipywidgets functions the notebook's code cells display, in order."""
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            found += re.findall(r"^(\w+_widget)\(", "".join(cell["source"]), re.M)
    return found


@pytest.fixture
def lab_page(browser: Any, lab: dict) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # nothing leaves 127.0.0.1
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
        (lab["url"], "data:", "blob:", "about:")) else r.abort())
    yield page
    page.close()
    assert not errors, f"uncaught exceptions in JupyterLab: {errors}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_reader_notebook_in_jupyterlab(lab: dict, lab_page: Any, chapter: str) -> None:
    page = lab_page
    nb = json.loads((READERS / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    n_cells = len(nb["cells"])
    n_hidden = sum(1 for c in nb["cells"] if c["metadata"].get("jupyter", {}).get("source_hidden"))
    n_solutions = "".join("".join(c["source"]) for c in nb["cells"]).count("<summary>Solution to Exercise")
    n_solutions -= "".join("".join(c["source"]) for c in nb["cells"]).count("(continued)</summary>")

    # ?reset: a fresh workspace, so the notebook of the previous test is not reopened beside this one
    page.goto(f"{lab['url']}/lab/tree/{chapter}.ipynb?reset&token={lab['token']}")
    page.wait_for_function(f"() => document.querySelectorAll('.jp-Notebook .jp-Cell').length >= {n_cells}",
                           timeout=TIMEOUT_MS)
    page.wait_for_function("() => !!window.jupyterapp", timeout=TIMEOUT_MS)

    # -- the text, before anything runs ------------------------------------------------
    page.wait_for_function("() => document.querySelectorAll('.jp-RenderedMarkdown mjx-container').length > 0",
                           timeout=TIMEOUT_MS)
    static = page.evaluate(STATIC_JS)
    assert static["markdown"] == sum(c["cell_type"] == "markdown" for c in nb["cells"])
    raw = [r for r in RAW_MYST if r in static["text"]]
    assert not raw, f"{chapter}: raw MyST visible in JupyterLab: {raw}"
    assert static["math"] > 0, f"{chapter}: no math typeset"
    assert static["open"] == 0 and static["hidden_body_visible"] == 0, f"{chapter}: a solution is unfolded"
    assert sum(s.startswith("Solution to Exercise") and "continued" not in s for s in static["summaries"]) \
        == n_solutions > 0, f"{chapter}: folded solutions {static['summaries']}, {n_solutions} in the notebook"
    assert static["input_placeholders"] >= n_hidden > 0, f"{chapter}: solution code cells not collapsed"
    if chapter.startswith("03"):
        glued = [o for c in nb["cells"] for o in c.get("outputs", [])
                 if o.get("metadata", {}).get("scrapbook", {}).get("name") == "f_hand"]
        f_hand = float(glued[0]["data"]["application/papermill.record/text/plain"])
        assert f"The gate keeps {f_hand:.1%} of the memory" in static["text"]
    if chapter.startswith("03") and ALL_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{chapter}-opened.png"))
        for name, text in (("glued", "The gate keeps"), ("note", "These sliders"), ("exercises", "Exercise 7")):
            cell = page.locator(".jp-MarkdownCell", has_text=text).first
            if cell.count():
                cell.scroll_into_view_if_needed()
                page.screenshot(path=str(SCREENSHOTS / f"{chapter}-{name}.png"))

    # -- Run All -----------------------------------------------------------------------
    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
        const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
        return !!k && k.status === 'idle' && k.connectionStatus === 'connected'; }""", timeout=TIMEOUT_MS)
    t0 = time.monotonic()
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    n_code = sum(c["cell_type"] == "code" for c in nb["cells"])
    deadline = t0 + TIMEOUT_MS / 1000
    while True:  # every code cell executed, in order, by one fresh kernel (1, 2, ..., n), and the kernel idle
        counts = page.evaluate(COUNTS_JS)
        idle = page.evaluate("() => { const i = document.querySelector('.jp-Notebook-ExecutionIndicator');"
                             " return !i || i.getAttribute('data-status') === 'idle'; }")
        if idle and counts == list(range(1, n_code + 1)):
            break
        assert time.monotonic() < deadline, f"{chapter}: Run All did not finish: execution counts {counts}"
        page.wait_for_timeout(500)
    run_all_s = time.monotonic() - t0
    errors = page.evaluate("() => [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type=\"application/"
                           "vnd.jupyter.stderr\"]')].map((e) => e.innerText).filter((t) => /Error|Traceback/.test(t))")
    assert not errors, f"{chapter}: errors in the outputs after Run All: {errors[:3]}"
    print(f"{chapter}: Run All {run_all_s:.1f} s")

    # -- ipywidgets sliders --------------------------------------------------------------
    functions = widget_functions(nb)
    boxes = page.locator(".widget-interact")
    page.wait_for_function(f"() => document.querySelectorAll('.widget-interact').length >= {len(functions)}",
                           timeout=TIMEOUT_MS)
    assert boxes.count() == len(functions), f"{chapter}: {boxes.count()} widgets shown, {functions} displayed"
    moved = 0
    for k, function in enumerate(functions):
        box = boxes.nth(k)
        box.scroll_into_view_if_needed()
        wait_for_printout(page, box, function, f"{function} at the start")
        sliders = box.locator(".widget-slider")
        for j in range(sliders.count()):
            slider = sliders.nth(j)
            label = slider.locator(".widget-label").inner_text().strip()
            handle = slider.locator(".noUi-handle")
            before = box.evaluate(WIDGET_JS)["values"][label]
            # keyboard: one step right (or left at the right end); each step makes the kernel redraw a figure
            handle.focus()
            key = "ArrowRight" if before < float(handle.get_attribute("aria-valuemax") or 1e9) else "ArrowLeft"
            page.keyboard.press(key)
            state = wait_for_printout(page, box, function, f"{function}: {label} moved with {key}")
            assert state["values"][label] != before, f"{function}: {key} did not move {label}"
            # mouse: drag the handle a quarter of the track
            track = slider.locator(".noUi-target").bounding_box()
            hb = handle.bounding_box()
            x0, y0 = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
            dx = track["width"] / 4 * (-1 if x0 > track["x"] + track["width"] / 2 else 1)
            before = state["values"][label]
            # two moves, not many: every move the slider reports sends the kernel a redraw to work through
            page.mouse.move(x0, y0)
            page.mouse.down()
            page.mouse.move(x0 + dx / 2, y0)
            page.mouse.move(x0 + dx, y0)
            page.mouse.up()
            state = wait_for_printout(page, box, function, f"{function}: {label} dragged with the mouse")
            assert state["values"][label] != before, f"{function}: the mouse did not move {label}"
            moved += 1
        if function == "forget_widget":  # the kept memory against the package's demo, independently
            state = box.evaluate(WIDGET_JS)
            d = forget_demo(state["values"]["f_t"], state["values"]["C_{t-1}"])
            m = re.search(r"= (-?\d+\.\d{3}), forgotten (-?\d+\.\d{3})", state["printed"])
            assert m and abs(float(m.group(1)) - d["kept"]) <= 5e-4 + 1e-12, (state, d)
            assert abs(float(m.group(2)) - d["forgotten"]) <= 5e-4 + 1e-12, (state, d)
    assert moved > 0 or not functions

    # -- kernel-free explorers -----------------------------------------------------------
    roots = page.locator(".jp-OutputArea-output [data-lstm-explorer]")
    n_explorers = roots.count()
    assert n_explorers == sum("_explorer(" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"), (
        f"{chapter}: {n_explorers} explorers shown")
    for e in range(n_explorers):
        root = roots.nth(e)
        root.scroll_into_view_if_needed()
        check_explorer(page, root, "at the start")
        ranges = root.locator("input[type=range][data-var]")
        for j in range(ranges.count()):
            rng = ranges.nth(j)
            var = rng.get_attribute("data-var")
            lo, hi = float(rng.get_attribute("min")), float(rng.get_attribute("max"))
            # mouse: a click a quarter of the way along the track
            box = rng.bounding_box()
            rng.click(position={"x": box["width"] * 0.25, "y": box["height"] / 2})
            state = check_explorer(page, root, f"{var} clicked")
            clicked = state["values"][var]
            assert lo < clicked < (lo + hi) / 2, f"{var}: a click at a quarter of the track set {clicked}"
            # keyboard: the cell that holds the explorer stays the active cell (JupyterLab did not take the keys)
            active = page.evaluate(ACTIVE_CELL_JS)
            step = state["sliders"][var][3]
            for key, want in (("ArrowRight", clicked + step), ("ArrowUp", clicked + 2 * step),
                              ("ArrowDown", clicked + step), ("ArrowLeft", clicked), ("End", hi), ("Home", lo),
                              ("PageUp", None)):
                page.keyboard.press(key)
                state = check_explorer(page, root, f"{var} after {key}")
                if want is not None:
                    assert state["values"][var] == pytest.approx(want, abs=1e-9), (
                        f"{chapter}: {key} on explorer slider {var} gave {state['values'][var]}, not {want}")
                assert page.evaluate(ACTIVE_CELL_JS) == active, (
                    f"{chapter}: {key} on explorer slider {var} moved the notebook's active cell")
            assert state["values"][var] > lo, f"{var}: PageUp did not move the slider"
    if chapter.startswith("03") and ALL_SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / f"{chapter}-after.png"))
