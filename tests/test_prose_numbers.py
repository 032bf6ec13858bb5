"""Every result number in the chapters' prose is computed by a cell and glued, never typed in.

``prose_numbers`` (tests/prose_numbers.py) lists the numbers a chapter's prose
states outside glue roles; each must be explained by an entry of
``tests/prose_numbers_allowed.toml``, which says why it is no computed result
(an input the text sets, a count, a citation). When this test fails on a new
number, glue it from the cell that computes it (``lstm_tutorial.notebook.glue``
and ``{glue:text}`name:.3f```), or add an entry with an honest reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib
from prose_numbers import chapter_files, prose_numbers

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
ALLOWED = Path(__file__).with_name("prose_numbers_allowed.toml")
CHAPTERS = chapter_files(BOOK)


def _allow_list() -> list[dict[str, str]]:
    entries = tomllib.loads(ALLOWED.read_text(encoding="utf-8"))["allow"]
    for e in entries:
        assert set(e) == {"file", "number", "context", "why"}, f"allow-list entry with other keys: {e}"
        assert len(e["why"].split()) >= 3, f"allow-list entry without a real reason: {e}"
    return entries


def unexplained(name: str, source: str, allow: list[dict[str, str]]) -> tuple[list[str], set[int]]:
    """Numbers of ``source`` no allow-list entry explains, and the indices of the entries used."""
    used: set[int] = set()
    bad = []
    for n in prose_numbers(source):
        hits = [
            k
            for k, e in enumerate(allow)
            if e["file"] == name and e["number"] == n.text.replace("\n", " ") and e["context"] in " ".join(n.context.split())
        ]
        if hits:
            used.update(hits)
        else:
            bad.append(f"{name}:{n.line}: {n.text!r} in: {n.context}")
    return bad, used


def test_chapters_are_found() -> None:
    assert len(CHAPTERS) >= 11


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_prose_number_is_glued_or_explained(path: Path) -> None:
    bad, _ = unexplained(path.name, path.read_text(encoding="utf-8"), _allow_list())
    assert not bad, "numbers typed into the prose that no cell computes:\n" + "\n".join(bad)


def test_no_stale_allow_list_entry() -> None:
    allow = _allow_list()
    used: set[int] = set()
    for path in CHAPTERS:
        used |= unexplained(path.name, path.read_text(encoding="utf-8"), allow)[1]
    stale = [allow[k] for k in range(len(allow)) if k not in used]
    assert not stale, f"allow-list entries that match nothing any more (remove them): {stale}"


# --- the scanner itself: it must catch a planted hand-typed result ---------------

PLANT_INTO = BOOK / "03-forget-part.md"


def _with_paragraph(paragraph: str) -> str:
    return PLANT_INTO.read_text(encoding="utf-8") + "\n\n" + paragraph + "\n"


@pytest.mark.parametrize(
    "paragraph, number",
    [
        ("After training, the forget gate keeps 0.731 of the memory.", "0.731"),
        ("The LSTM reaches 97% accuracy on the held-out sequences.", "97"),
        ("It was trained on 2,284 sequences.", "2,284"),
        ("So the gradient is $0.73^{19} \\approx 0.003$ of its start.", "\\approx 0.003"),
        ("The error is about $3 \\times 10^{-8}$ here.", "3 \\times 10^{-8}"),
        (":::{note}\nThe gap is 1.2e-9 at the end.\n:::", "1.2e-9"),
    ],
)
def test_a_planted_hand_typed_result_is_caught(paragraph: str, number: str) -> None:
    bad, _ = unexplained(PLANT_INTO.name, _with_paragraph(paragraph), _allow_list())
    assert any(repr(number) in b for b in bad), bad


@pytest.mark.parametrize(
    "paragraph",
    [
        "After training, the forget gate keeps {glue:text}`f_kept:.3f` of the memory.",
        "Chapters 3-5 and chapter 9 show it (Gers et al. 2000).",
        "A gate's value lies between 0 and 1.",
        "We take $w_h = 3$ and $t - 2$ steps.",
        "The cell `h = o * np.tanh(c + 0.731)` is code, not prose.",
    ],
)
def test_glued_values_references_and_notation_pass(paragraph: str) -> None:
    clean, _ = unexplained(PLANT_INTO.name, PLANT_INTO.read_text(encoding="utf-8"), _allow_list())
    bad, _ = unexplained(PLANT_INTO.name, _with_paragraph(paragraph), _allow_list())
    assert bad == clean
