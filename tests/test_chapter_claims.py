"""Every "Taught in chapter N" is true: the chapters a public name's docstring names use that name.

For each public function and class of each ``lstm_tutorial`` module, the
sentence of its docstring that starts with "Taught in" or "Used in" names one
or more chapters ("chapter 3", "chapters 2-5", "chapters 8 and 9", "...; the
PyTorch version in chapter 10"). Each chapter named must use the name in its
MyST source ``book/NN-*.md``: in a code cell, an inline code span or role, or
a ``:pyobject:`` include, not merely in prose (``candidate`` is also an
English word). Text in parentheses is a gloss ("chapter 1 (option 1: ...)")
and names no chapter.

A public name whose docstring names no chapter must be one that
``shared/CONTRACT.md`` (the public API kept for readers) names, and say so;
anything else that no chapter uses should not be public.
"""

from __future__ import annotations

import importlib
import inspect
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

# The names of the package's public contract (the project's CONTRACT.md, kept
# outside the repository): checks outside these tests call them, so they stay
# public even where no chapter uses them.
CONTRACT_NAMES = {
    "LSTMParams", "RNNParams", "sigmoid", "tanh", "init_rnn_params", "rnn_cell", "rnn", "init_lstm_params",
    "forget_gate", "input_gate", "candidate", "output_gate", "lstm_cell", "lstm", "output_neuron",
    "lstm_forward", "lstm_backward", "rnn_forward", "rnn_backward",
    "to_torch_lstm", "from_torch_lstm", "to_torch_rnn", "from_torch_rnn",
}  # fmt: skip
CONTRACT = ROOT.parent / "shared" / "CONTRACT.md"

_CLAIM = re.compile(r"\b(?:Taught|Used) in chapters? [^.]*(?:\.(?=\s|$)|$)", re.M)
_CHAPTERS = re.compile(r"\bchapters?\s+(\d+(?:\s*[-–]\s*\d+)?(?:\s*(?:,|,?\s*and)\s*\d+(?:\s*[-–]\s*\d+)?)*)")


def _modules() -> list[str]:
    return sorted(
        f"lstm_tutorial.{p.stem}" for p in (ROOT / "lstm_tutorial").glob("*.py") if not p.stem.startswith("_")
    )


def _public(module_name: str) -> list[tuple[str, object]]:
    """``(name, object)`` of the module's public functions and classes (its ``__all__`` when it has one)."""
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, o in vars(module).items() if getattr(o, "__module__", None) == module_name]
    return [
        (n, getattr(module, n))
        for n in names
        if not n.startswith("_") and (inspect.isfunction(getattr(module, n)) or inspect.isclass(getattr(module, n)))
    ]


def chapters_claimed(doc: str) -> list[int]:
    """Chapter numbers named by the docstring's "Taught in ..."/"Used in ..." sentences."""
    found: list[int] = []
    for sentence in _CLAIM.findall(doc):
        sentence = re.sub(r"\([^()]*\)", "", " ".join(sentence.split()))  # a gloss names no chapter
        for group in _CHAPTERS.findall(sentence):
            for part in re.split(r",|\band\b", group):
                ends = [int(x) for x in re.findall(r"\d+", part)]
                found += list(range(ends[0], ends[-1] + 1)) if ends else []
    return sorted(set(found))


@cache
def chapter_code(n: int) -> str:
    """The code of chapter ``n``'s MyST source: code cells, inline code and roles, ``:pyobject:`` lines."""
    (path,) = BOOK.glob(f"{n:02d}-*.md")
    text = path.read_text()
    blocks = re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", text, re.S | re.M)
    spans = re.findall(r"`[^`\n]+`", text)
    includes = re.findall(r"^:pyobject:.*$", text, re.M)
    return "\n".join(blocks + spans + includes)


def uses(n: int, name: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(name)}(?!\w)", chapter_code(n)) is not None


def test_claims_are_parsed_as_written():
    assert chapters_claimed("Sum.\n\nTaught in chapter 3.\n\nParameters\n----------") == [3]
    assert chapters_claimed("Taught in chapters 2-5; the PyTorch version in chapter 10.") == [2, 3, 4, 5, 10]
    assert chapters_claimed("Taught in chapter 1 (option 1: predict now) and chapter 6.") == [1, 6]
    assert chapters_claimed("Used in chapters 1, 3, 4, 6 and 9.") == [1, 3, 4, 6, 9]
    assert chapters_claimed("Used in chapters 8 and 9.") == [8, 9]
    assert chapters_claimed("A helper; no chapter.") == []


def _cases() -> list[tuple[str, str, object]]:
    seen: set[int] = set()
    cases = []
    for module_name in _modules():
        for name, obj in _public(module_name):
            if id(obj) in seen:  # LSTMParams is exported by both backends: one docstring
                continue
            seen.add(id(obj))
            cases.append((module_name, name, obj))
    return cases


CASES = _cases()


def test_every_module_has_public_names_to_check():
    modules = {m for m, _, _ in CASES}
    assert {"lstm_tutorial.numpy", "lstm_tutorial.torch", "lstm_tutorial.train"} <= modules
    assert len(CASES) > 50


# Claims found false when this test was written, in modules whose owners are fixing them (issue 12 §6);
# an entry goes as soon as its claim is true.
@pytest.mark.parametrize("module_name,name,obj", CASES, ids=[f"{m.split('.')[-1]}.{n}" for m, n, _ in CASES])
def test_taught_in_chapter_n_is_true(module_name, name, obj):
    doc = inspect.getdoc(obj) or ""
    claimed = chapters_claimed(doc)
    if not claimed:
        assert name in CONTRACT_NAMES, (
            f"{module_name}.{name}: its docstring names no chapter ('Taught in chapter N.') and the contract "
            "does not name it: a public name no chapter uses should go"
        )
        assert "contract" in doc, f"{module_name}.{name}: in no chapter; its docstring should say the contract keeps it"
        return
    missing = [n for n in claimed if not uses(n, name)]
    assert not missing, f"{module_name}.{name} claims chapter(s) {claimed}, but chapter(s) {missing} never use it"


@pytest.mark.skipif(not CONTRACT.exists(), reason="the project's CONTRACT.md is not next to this checkout")
def test_the_contract_names_are_those_of_contract_md():
    text = CONTRACT.read_text()
    assert all(re.search(rf"`{re.escape(n)}\b", text) for n in CONTRACT_NAMES)
