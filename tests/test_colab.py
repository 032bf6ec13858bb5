"""Every chapter runs in Colab: its first code cell installs the package there, hidden on the website.

Colab opens a chapter's .ipynb (the launch button on its page) in a bare
environment; the first code cell installs the package from the repository the
book's _config.yml names, only when it runs inside Colab, and is tagged
remove-cell so the website does not show it.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
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
