"""The notebook pairing check: every chapter's MyST source and executed .ipynb agree.

Each chapter is ``book/NN-name.md`` (what people edit) paired with
``book/NN-name.ipynb`` (executed, with outputs; what nbval re-runs and the
book renders). If someone edits the .md and forgets ``make notebooks-execute``,
nbval would silently check stale outputs; these tests catch it.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
SOURCES = sorted(BOOK.glob("[0-9][0-9]-*.md"))


def test_there_are_chapters() -> None:
    assert SOURCES, f"no chapter sources found in {BOOK}"


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.name)
def test_pair_in_sync(md: Path) -> None:
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.exists(), f"{md.name} has no executed twin {ipynb.name}: run `make notebooks-execute`"
    text = jupytext.read(md)
    nb = nbformat.read(ipynb, as_version=4)
    src = [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in text.cells]
    run = [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]
    assert len(src) == len(run), f"{md.name}: {len(src)} cells but {ipynb.name} has {len(run)}: regenerate it"
    for k, (a, b) in enumerate(zip(src, run)):
        assert a == b, f"{md.name}: cell {k} differs from {ipynb.name}: regenerate it with `make notebooks-execute`"


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.name)
def test_every_code_cell_executed(md: Path) -> None:
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{md.name}: no code cells"
    counts = [c.execution_count for c in code]
    assert all(isinstance(n, int) for n in counts), f"{md.name}: unexecuted code cells (execution_count {counts})"
    assert counts == list(range(1, len(code) + 1)), f"{md.name}: cells were not run top to bottom in one go: {counts}"
    for k, c in enumerate(code):
        raised = any(o.get("output_type") == "error" for o in c.get("outputs", []))
        assert not raised or "raises-exception" in c.metadata.get("tags", []), (
            f"{md.name}: code cell {k} raised an error without the raises-exception tag"
        )
