"""The explorers keep their slider keys inside JupyterLab.

JupyterLab reads arrow keys, Home/End and Page Up/Down bubbling out of an
output as notebook shortcuts (select another cell, collapse a heading), so a
focused explorer slider never got them. Each explorer's script stops exactly
those keys at its root ``<div>`` and lets every other key bubble on (Shift+Enter
runs the cell). ``tests/browser/test_jupyterlab.py`` checks it in JupyterLab.
"""

from __future__ import annotations

import json
import re

import pytest

from lstm_tutorial.explorer import cell_explorer, gate_explorer

SLIDER_KEYS = {"ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"}


@pytest.mark.parametrize(
    "make", [lambda: gate_explorer(uid="kx"), lambda: cell_explorer("output", uid="kx")], ids=["gate", "cell"]
)
def test_slider_keys_stop_at_the_root(make) -> None:
    html = make()._repr_html_()
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    assert 'var root = document.getElementById("kx");' in script
    m = re.search(r"var SLIDER_KEYS = (\[.*?\]);", script)
    assert m, "no SLIDER_KEYS list in the explorer's script"
    keys = json.loads(m.group(1))
    assert set(keys) == SLIDER_KEYS and len(keys) == len(SLIDER_KEYS)
    handler = re.search(r'root\.addEventListener\("keydown", function \(e\) \{(.*?)\}\);', script, re.S)
    assert handler, "no keydown listener on the explorer's root"
    body = handler.group(1)
    assert "SLIDER_KEYS.indexOf(e.key) >= 0" in body and "e.stopPropagation()" in body
    # the slider must still move (no preventDefault) and Enter (Shift+Enter runs the cell) must pass
    assert "preventDefault" not in body and "Enter" not in keys


def test_one_listener_per_explorer() -> None:
    html = gate_explorer(uid="ka")._repr_html_() + cell_explorer("forget", uid="kb")._repr_html_()
    assert len(re.findall(r'root\.addEventListener\("keydown"', html)) == 2
