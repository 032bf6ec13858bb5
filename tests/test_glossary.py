"""The glossary stays tidy while every chapter adds terms to it.

``book/glossary.md`` holds one Sphinx ``{glossary}`` block. Each entry is a term
line ``English — 中文`` followed by an indented definition that links the
chapters introducing it. These tests keep the entries in alphabetical order,
bilingual, unique and linked, and check that every ``{term}`` reference in the
chapters names an entry (the strict build finds that too, but only after a
full build).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
GLOSSARY = BOOK / "glossary.md"


def entries() -> list[tuple[str, str]]:
    """``(term line, definition)`` for every entry of the glossary block."""
    text = GLOSSARY.read_text(encoding="utf-8")
    body = text.split("```{glossary}\n", 1)[1].split("\n```", 1)[0]
    out: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if not line.strip() or line.startswith(":"):
            continue
        if line.startswith(" "):
            assert out, f"definition line before any term: {line!r}"
            out[-1][1].append(line.strip())
        else:
            out.append((line.strip(), []))
    return [(term, " ".join(lines)) for term, lines in out]


def english_key(term: str) -> str:
    """'Forget-gate bias — 遗忘门偏置' -> 'forget gate bias': the sort key."""
    english = term.split(" — ")[0].lower().replace("-", " ")
    return re.sub(r"[^a-z0-9 ]", "", english)


def test_there_are_entries_and_each_has_a_definition():
    found = entries()
    assert len(found) >= 10
    for term, definition in found:
        assert len(definition.split()) >= 5, f"{term}: definition too short: {definition!r}"


def test_every_term_is_english_then_chinese():
    for term, _ in entries():
        english, sep, chinese = term.partition(" — ")
        assert sep and english.strip(), f"{term!r}: expected 'English — 中文'"
        assert re.search(r"[\u4e00-\u9fff]", chinese), f"{term!r}: no Chinese name after ' — '"


def test_entries_are_alphabetical_and_unique():
    keys = [english_key(term) for term, _ in entries()]
    assert len(set(keys)) == len(keys), f"duplicate terms: {sorted(k for k in keys if keys.count(k) > 1)}"
    assert keys == sorted(keys), (
        "glossary entries out of alphabetical order; first misplaced: "
        + next(k for k, s in zip(keys, sorted(keys)) if k != s)
    )


def test_every_entry_links_an_existing_chapter():
    chapters = {p.stem for p in BOOK.glob("*.md")}
    for term, definition in entries():
        links = re.findall(r"\{doc\}`([^`<]+)`", definition)
        assert links, f"{term}: no {{doc}} link to the chapter that introduces it"
        for link in links:
            assert link in chapters, f"{term}: links {link!r}, which is not a page in book/"


@pytest.mark.parametrize("page", sorted(BOOK.glob("[0-9][0-9]-*.md")), ids=lambda p: p.name)
def test_term_references_name_an_entry(page: Path):
    terms = {term.lower() for term, _ in entries()}
    text = page.read_text(encoding="utf-8")
    for ref in re.findall(r"\{term\}`([^`]+)`", text):
        target = re.search(r"<([^>]+)>\s*$", ref)
        name = (target.group(1) if target else ref).strip().lower()
        assert name in terms, f"{page.name}: {{term}}`{ref}` names no glossary entry"
