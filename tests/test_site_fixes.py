"""_ext/site_fixes.py's rule for the rows of glue(...) calls that end code cells on the website."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
from site_fixes import without_trailing_glue  # noqa: E402 (the extension folder is not a package)


def test_trailing_glue_calls_and_their_comment_go():
    code = 'x = f(1)\nprint(x)\n\n# for the text\nglue("a", x)\nglue("b", 2 * x)\n'
    assert without_trailing_glue(code) == "x = f(1)\nprint(x)"


def test_a_loop_of_glue_calls_goes_and_a_call_over_several_lines():
    code = 'y = g(\n    2)\nfor k, v in d.items():\n    glue(k, v)\nglue(\n    "c",\n    y,\n)'
    assert without_trailing_glue(code) == "y = g(\n    2)"


def test_glue_calls_that_end_a_last_loop_go():
    code = "for s in seeds:\n    v = run(s)\n    print(v)\n    for k in v:\n        glue(k, v[k])\n    glue('x', 1)\n"
    assert without_trailing_glue(code) == "for s in seeds:\n    v = run(s)\n    print(v)"
    assert without_trailing_glue("with a:\n    b = 1\n    glue('b', b)") == "with a:\n    b = 1"


def test_a_cell_of_glue_calls_only_becomes_empty():
    assert without_trailing_glue('glue("a", 1)\nglue("b", 2)') == ""


@pytest.mark.parametrize(
    "code",
    [
        'glue("a", x)\nprint(x)',  # a glue call that does not end the cell stays
        "print(1)",
        "for k in d:\n    glue(k, d[k])\n    print(k)",  # the loop does more than glue
        "%timeit f()",  # IPython syntax: left as written
        "",
    ],
)
def test_nothing_to_cut(code):
    assert without_trailing_glue(code) is None
