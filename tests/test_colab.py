"""Every chapter runs in Colab: its first code cell installs the package there, with the extras it imports.

Colab opens a chapter's .ipynb (the launch button on its page) in a bare
environment; the first code cell installs the package from the repository the
book's _config.yml names, only when it runs inside Colab, and is tagged
remove-cell so the website does not show it. The extras it asks for
(``lstm-tutorial[torch,widgets]``) are those of the modules the chapter's code
imports, directly or through the package: a chapter that needs torch gets it,
and none installs what it never imports.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]-*.ipynb"))
REPOSITORY = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_first_code_cell_installs_the_package_in_colab(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    src = first.source
    assert "remove-cell" in first.metadata.get("tags", []), f"{path.name}: first code cell is not tagged remove-cell"
    assert re.search(r'if\s+"google\.colab"\s+in\s+sys\.modules\s*:', src), f"{path.name}: install is not Colab-only"
    m = re.search(r"%pip install\b[^\n]*?\"lstm-tutorial(\[[\w,]+\])? @ git\+(\S+?)\"", src)
    assert m, f"{path.name}: first code cell does not pip-install lstm-tutorial from git:\n{src}"
    assert m.group(2).rstrip("/") == REPOSITORY, f"{path.name}: installs from {m.group(2)}, the book is {REPOSITORY}"


# --------------------------------------------------------------------------
# The extras each chapter's install cell asks for (pyproject's optional dependencies)
# --------------------------------------------------------------------------

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
EXTRAS: dict[str, list[str]] = PYPROJECT["project"]["optional-dependencies"]
# The module each extra brings, by its distribution's name (torch -> torch, ipywidgets -> ipywidgets).
EXTRA_OF_MODULE = {re.match(r"[A-Za-z0-9_.\-]+", req).group(0): extra for extra, reqs in EXTRAS.items() for req in reqs}
# Modules that need an extra without naming it: tqdm.notebook draws its bar with ipywidgets (an
# ImportError without them); tqdm.auto uses that bar where ipywidgets are installed and falls back
# to a text bar where not, so a chapter with tqdm.auto bars may ask for [widgets] but need not.
NEEDS = {"tqdm.notebook": "widgets"}
MAY_USE = {"tqdm.auto": "widgets", "tqdm.autonotebook": "widgets"}
PACKAGE = ROOT / "lstm_tutorial"


def _imported(source: str, lazy: bool) -> set[str]:
    """Modules ``source`` imports: ``a.b`` for ``import a.b`` and ``from a.b import c``, and ``a.b.c`` too
    (``c`` may be a module). ``lazy``: also the imports inside functions, not only the module's own."""
    tree = ast.parse(source)
    nodes = ast.walk(tree) if lazy else iter(tree.body)
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return out


def _package_closure(modules: set[str]) -> set[str]:
    """``modules`` and every module the package's modules among them import when loaded (module level)."""
    seen, todo = set(modules), list(modules)
    while todo:
        name = todo.pop()
        path = PACKAGE / (name.removeprefix("lstm_tutorial.") + ".py")
        if name.startswith("lstm_tutorial.") and path.is_file():
            for m in _imported(path.read_text(), lazy=False) - seen:
                seen.add(m)
                todo.append(m)
    return seen


def chapter_modules(path: Path) -> set[str]:
    """Every module a chapter's code imports, directly or through the package.

    The package modules a chapter imports itself count with the imports inside their functions (the
    chapter calls those functions: ``lstm_tutorial.widgets`` imports ipywidgets in each widget); the
    modules they import in turn count with their module-level imports only (``_validate`` imports torch
    only inside the check of torch tensors, which the NumPy backend never calls).
    """
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(
        re.sub(r"(?m)^(\s*)[%!].*$", r"\1pass", c.source) for c in nb.cells if c.cell_type == "code"
    )  # IPython magics become `pass`
    direct = _imported(code, lazy=True)
    lazy: set[str] = set()
    for name in direct:
        path_ = PACKAGE / (name.removeprefix("lstm_tutorial.") + ".py")
        if name.startswith("lstm_tutorial.") and path_.is_file():
            lazy |= _imported(path_.read_text(), lazy=True)
    return _package_closure(direct | lazy)


def _installed_extras(path: Path) -> set[str]:
    first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    m = re.search(r"\"lstm-tutorial(?:\[([\w,]+)\])? @ git\+", first.source)
    assert m, f"{path.name}: no pip install of lstm-tutorial in the first code cell"
    return set(m.group(1).split(",")) if m.group(1) else set()


def test_extras_map_to_modules() -> None:
    """Each extra of pyproject.toml is found by the module it brings (torch, ipywidgets)."""
    assert set(EXTRA_OF_MODULE.values()) == set(EXTRAS) == {"torch", "widgets"}, EXTRA_OF_MODULE
    assert {"torch", "ipywidgets"} <= set(EXTRA_OF_MODULE)


def test_the_import_scan_sees_lazy_and_indirect_imports() -> None:
    """The scan below can fail: it finds ipywidgets behind lstm_tutorial.widgets and torch behind distributed."""
    assert "ipywidgets" in _package_closure(_imported((PACKAGE / "widgets.py").read_text(), lazy=True))
    assert "torch" in _package_closure({"lstm_tutorial.distributed"})
    assert "tqdm.auto" in _package_closure({"lstm_tutorial.train"})
    assert "torch" not in _package_closure({"lstm_tutorial.numpy"})  # _validate imports it lazily only


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_colab_installs_the_extras_the_chapter_imports(path: Path) -> None:
    modules = chapter_modules(path)
    needed = {EXTRA_OF_MODULE[m.split(".")[0]] for m in modules if m.split(".")[0] in EXTRA_OF_MODULE}
    needed |= {NEEDS[m] for m in modules if m in NEEDS}
    optional = {MAY_USE[m] for m in modules if m in MAY_USE}
    installed = _installed_extras(path)
    assert needed <= installed, f"{path.name} imports modules of the extras {sorted(needed - installed)}; Colab installs {sorted(installed)}"
    assert installed <= needed | optional, f"{path.name}: Colab installs extras {sorted(installed - needed - optional)} it never imports"
