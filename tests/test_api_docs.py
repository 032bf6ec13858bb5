"""The API reference page: it covers every public module, and the docstring tidying it relies on works."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

from lstm_api import _process_docstring, tidy_docstring  # noqa: E402


def _package_modules() -> set[str]:
    """Public modules of the package: the committed ones (work in progress does not count), or all in a tarball."""
    proc = subprocess.run(["git", "ls-files", "lstm_tutorial/*.py"], cwd=ROOT, capture_output=True, text=True)
    paths = [Path(p) for p in proc.stdout.split()] if proc.returncode == 0 and proc.stdout.strip() else None
    if paths is None:
        paths = list((ROOT / "lstm_tutorial").glob("*.py"))
    return {f"lstm_tutorial.{p.stem}" for p in paths if p.parent.name == "lstm_tutorial" and not p.stem.startswith("_")}


def test_api_page_documents_every_public_module() -> None:
    page = (ROOT / "book" / "api.md").read_text()
    documented = set(re.findall(r"automodule:: (lstm_tutorial\.\w+)", page))
    public = _package_modules()
    missing = sorted(public - documented)
    assert not missing, f"add these modules to book/api.md: {missing}"
    unknown = sorted(documented - {f"lstm_tutorial.{p.stem}" for p in (ROOT / "lstm_tutorial").glob("*.py")})
    assert not unknown, f"book/api.md documents modules that do not exist: {unknown}"


def test_api_page_is_in_the_table_of_contents() -> None:
    toc = (ROOT / "_toc.yml").read_text()
    assert re.search(r"^\s*- file: book/api\s*$", toc, re.M), "book/api is not switched on in _toc.yml"


def test_prose_after_the_last_section_moves_into_the_description() -> None:
    doc = [
        "Forget part.",
        "",
        "Parameters",
        "----------",
        "x : ndarray, shape (B, D)",
        "    The input.",
        "",
        "Returns",
        "-------",
        "ndarray, shape (B, H), values in (0, 1)",
        "",
        "Taught in chapter 3.",
    ]
    out = tidy_docstring(doc)
    assert out.index("Taught in chapter 3.") < out.index("Parameters")
    assert out[out.index("Returns") + 2] == "ndarray, shape (B, H), values in (0, 1)"
    assert out.count("Taught in chapter 3.") == 1
    # entries are kept, in order
    assert [line for line in out if line.strip()] == [
        "Forget part.",
        "Taught in chapter 3.",
        "Parameters",
        "----------",
        "x : ndarray, shape (B, D)",
        "    The input.",
        "Returns",
        "-------",
        "ndarray, shape (B, H), values in (0, 1)",
    ]


def test_prose_with_a_literal_block_moves_whole() -> None:
    doc = [
        "Backward.",
        "",
        "Returns",
        "-------",
        "dxs : ndarray",
        "",
        "Equations, going back",
        "from step T::",
        "",
        "    dC_t = dh_t * o_t",
        "",
        "Taught in chapter 8.",
    ]
    out = tidy_docstring(doc)
    returns = out.index("Returns")
    assert out.index("Equations, going back") < returns
    assert out.index("    dC_t = dh_t * o_t") < returns
    assert out.index("Taught in chapter 8.") < returns
    assert "dxs : ndarray" in out[returns:]


def test_entries_and_free_text_sections_are_left_alone() -> None:
    doc = [
        "Summary.",
        "",
        "Raises",
        "------",
        "TypeError, ValueError",
        "    If a value is not a number.",
        "",
        "Notes",
        "-----",
        "Free text here is fine.",
    ]
    assert tidy_docstring(doc) == doc


def test_unknown_section_titles_become_rubrics() -> None:
    out = tidy_docstring(["Module.", "", "What is here", "------------", "* a function"])
    assert out == ["Module.", "", ".. rubric:: What is here", "", "* a function"]


def test_a_constant_comment_with_a_colon_stays_whole() -> None:
    lines = ["Sliders shown by default for each part: what that part reads."]
    _process_docstring(None, "data", "m.X", None, None, lines)
    assert lines == [": Sliders shown by default for each part: what that part reads."]
    lines = ["Allowed values of ``highlight``."]
    _process_docstring(None, "data", "m.Y", None, None, lines)
    assert lines == ["Allowed values of ``highlight``."]
