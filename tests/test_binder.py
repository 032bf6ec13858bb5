"""Binder runs the chapters with what the book was tested with.

binder/requirements.txt is what mybinder.org installs for a reader; the book's
own checks run with requirements.txt. tests/test_packaging.py checks that
every Binder pin has the version requirements.txt pins (torch as its "+cpu"
build). These tests check the other direction: every package a chapter
imports (directly or through lstm_tutorial, found as tests/test_colab.py finds
the extras) and every dependency of the package that requirements.txt pins is
pinned in Binder too, at the same version, so no chapter runs in Binder on a
version the book was never tested with.
"""

from __future__ import annotations

import importlib.metadata as md
import re
from pathlib import Path

import pytest
from test_colab import CHAPTERS, PYPROJECT, chapter_modules

ROOT = Path(__file__).resolve().parents[1]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line.split("#", 1)[0].strip())
        if m:
            pins[_norm(m.group(1))] = m.group(2)
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


BOOK_PINS = _pins(ROOT / "requirements.txt")
BINDER_PINS = _pins(ROOT / "binder" / "requirements.txt")
DISTRIBUTIONS = {module: [_norm(d) for d in dists] for module, dists in md.packages_distributions().items()}


def _same_version(name: str) -> None:
    assert name in BINDER_PINS, f"binder/requirements.txt does not pin {name} (requirements.txt: {BOOK_PINS[name]})"
    expected = BOOK_PINS[name] + ("+cpu" if name == "torch" else "")
    assert BINDER_PINS[name] == expected, f"{name}: Binder pins {BINDER_PINS[name]}, the book is tested with {expected}"


def test_the_package_dependencies_are_pinned_alike() -> None:
    """Every dependency of lstm-tutorial and of its extras that the book pins, Binder pins at that version."""
    project = PYPROJECT["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    names = {_norm(re.match(r"[A-Za-z0-9_.\-]+", r).group(0)) for r in reqs}
    assert {"numpy", "matplotlib", "tqdm", "threadpoolctl", "torch", "ipywidgets"} <= names
    for name in sorted(names):
        assert name in BOOK_PINS, f"requirements.txt does not pin {name}, a dependency of the package"
        _same_version(name)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_what_a_chapter_imports_is_pinned_alike(path: Path) -> None:
    tops = {m.split(".")[0] for m in chapter_modules(path)}
    third_party = {d for t in tops for d in DISTRIBUTIONS.get(t, []) if d != "lstm-tutorial"}
    assert {"numpy"} <= third_party, f"{path.name}: the import scan found {sorted(third_party)}"
    for name in sorted(third_party & set(BOOK_PINS)):
        _same_version(name)
