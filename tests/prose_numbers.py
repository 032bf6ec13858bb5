"""Find the numbers a chapter's prose states, so a test can check none is typed in by hand.

The book promises that every result a reader sees in the text is computed by a
cell and glued into the prose (``{glue:text}`name:.3f```). This module reads a
MyST chapter (``book/NN-*.md``) and lists the numbers its prose states that are
*not* glued, with the line they are on. ``tests/test_prose_numbers.py`` then
requires every one of them to be explained by a rule below or by an entry of
``tests/prose_numbers_allowed.toml`` that says why the number is no result
(an input the text sets, a count of things, a citation).

What is scanned
---------------
* Markdown prose, including admonitions, exercises, solutions, table cells and
  headings; every number written with digits (``0.73``, ``1,912``, ``8.1e-3``,
  ``19``, ``40%``).
* Inside math (``$...$``, ``$$...$$``): only what looks like a *result*: a
  number after ``\\approx`` or ``\\sim``, a power of ten (``10^{-17}``), and a
  decimal with two or more digits after the point. Small numbers inside
  formulas (``t-1``, ``2\\pi``, ``W_h = 1``) are notation or inputs.

What is not scanned
-------------------
Code cells, fenced blocks, inline code, the targets of roles and links, the
option lines of directives (``:label:``, ``:class:``), HTML comments and the
front matter.

Rules that explain a number without an allow-list entry
-------------------------------------------------------
* a chapter, section, figure, equation or exercise number ("chapter 9", "chapters 3-5");
* a year between 1950 and 2030 (citations: "Gers et al. 2000");
* 0 and 1 (the ends of a gate's range: "between 0 and 1");
* a number that a code cell of the same chapter writes as a literal: the
  text is quoting an input the code sets (``T = 30`` in code, "30 steps" in prose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ProseNumber", "code_literals", "prose_numbers", "split_chapter"]

# A number written with digits: 1,912 / 0.73 / 8.1e-3 / 40 / .5 ; a leading minus is kept.
NUMBER = re.compile(
    r"(?<![\w.])(?:[-−])?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+−]?\d+)?(?!\.\d)(?!(?!s\b)[\w])|(?<![\w.])\.\d+(?![\w])"
)
REFERENCE = re.compile(
    r"(?i)\b(?:chapters?|ch\.|sections?|figures?|fig\.|equations?|eq\.|exercises?|parts?|steps? [a-z]+ of chapter)"
    r"\s*(?:\d+(?:\s*(?:[-–—,]|and|to|&)\s*)?)+"
)
ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")
INLINE_CODE = re.compile(r"``.+?``|`[^`\n]+`")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
DIRECTIVE_OPTION = re.compile(r"^\s*:[\w-]+:.*$", re.M)
HTML_TAG = re.compile(r"<[^>\n]+>")
# Inline math may wrap onto the next line, never across a blank line.
INLINE_MATH = r"(?<![\\$])\$(?:[^$\n]|\n(?!\s*\n))+?\$"

# Inside math: results only.
MATH_RESULT = re.compile(
    r"\\(?:approx|sim|simeq)\s*(?:[-−])?\d[\d.,]*(?:\s*\\times\s*10\^\{?[-−]?\d+\}?)?"
    r"|\d+(?:\.\d+)?\s*\\times\s*10\^\{?[-−]?\d+\}?"
    r"|10\^\{[-−]?\d+\}"
    r"|(?<![\w.^_{])\d+\.\d{2,}"
)


@dataclass(frozen=True)
class ProseNumber:
    """One number stated by a chapter's prose."""

    line: int  # 1-based line of the .md file
    text: str  # the number as written, e.g. "0.73" or "10^{-17}"
    context: str  # the source line, stripped
    in_math: bool


def split_chapter(source: str) -> tuple[list[tuple[int, str]], list[str]]:
    """Split a MyST notebook into prose lines ``(line number, text)`` and code-cell sources.

    Fenced blocks other than code cells (``literalinclude``, ``figure`` ...) are
    neither: their bodies are skipped. Colon fences (``:::{note}``) and
    exercise/solution directives hold prose, so their bodies are kept.
    """
    lines = source.split("\n")
    prose: list[tuple[int, str]] = []
    code: list[str] = []
    k = 0
    if lines and lines[0].strip() == "---":  # front matter
        k = 1
        while k < len(lines) and lines[k].strip() != "---":
            k += 1
        k += 1
    prose_fences = ("{exercise}", "{solution}", "{note}", "{tip}", "{admonition}", "{warning}", "{important}",
                    "{seealso}", "{hint}", "{caution}", "{attention}", "{dropdown}")
    while k < len(lines):
        line = lines[k]
        fence = re.match(r"^(\s*)(`{3,}|~{3,})(.*)$", line)
        if fence:
            ticks, info = fence.group(2), fence.group(3).strip()
            body: list[str] = []
            k += 1
            while k < len(lines) and not re.match(r"^\s*" + re.escape(ticks) + r"\s*$", lines[k]):
                body.append(lines[k])
                k += 1
            k += 1
            if info.startswith("{code-cell}"):
                code.append("\n".join(body))
            elif info.startswith(prose_fences):
                start = k - len(body) - 1
                prose.extend((start + j, b) for j, b in enumerate(body))
            continue
        prose.append((k + 1, line))
        k += 1
    return prose, code


def code_literals(code_cells: list[str]) -> set[str]:
    """Every numeric literal written in the code cells, normalised (``30``, ``0.5``, ``1e-3`` -> ``0.001``)."""
    out: set[str] = set()
    for cell in code_cells:
        for m in re.finditer(r"(?<![\w.])\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?", cell):
            out.add(_normal(m.group(0).replace("_", "")))
    return out


def _normal(text: str) -> str:
    t = text.replace(",", "").replace("−", "-")
    try:
        v = float(t)
    except ValueError:
        return t
    return repr(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def _strip_math(text: str) -> tuple[str, list[str]]:
    """Remove ``$$...$$`` and ``$...$`` from a paragraph; return the rest and the math pieces."""
    pieces: list[str] = []

    def keep(m: re.Match[str]) -> str:
        pieces.append(m.group(0))
        return " " * len(m.group(0))

    text = re.sub(r"\$\$.+?\$\$", keep, text, flags=re.S)
    text = re.sub(INLINE_MATH, keep, text)
    return text, pieces


def prose_numbers(source: str) -> list[ProseNumber]:
    """The numbers a chapter's prose states outside glue roles, code and notation."""
    prose, code = split_chapter(source)
    literals = code_literals(code)
    # Rebuild the prose as one text with its line numbers, so $$ blocks spanning lines are found.
    text = "\n".join(t for _, t in prose)
    line_of = [n for n, _ in prose]
    for pattern in (HTML_COMMENT, ROLE, INLINE_CODE, LINK_TARGET, DIRECTIVE_OPTION, HTML_TAG):
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    text = re.sub(r"^\s*\(\w[\w-]*\)=\s*$", "", text, flags=re.M)  # (label)= targets
    plain, _ = _strip_math(text)
    found: list[ProseNumber] = []

    def where(offset: int) -> tuple[int, str]:
        row = text.count("\n", 0, offset)
        return line_of[row], prose[row][1].strip()

    masked = REFERENCE.sub(lambda m: " " * len(m.group(0)), plain)
    for m in NUMBER.finditer(masked):
        token = m.group(0)
        value = _normal(token)
        if value in ("0", "1", "-0", "-1"):
            continue
        if re.fullmatch(r"(19[5-9]\d|20[0-2]\d|2030)", token):
            continue
        if value in literals:
            continue
        line, context = where(m.start())
        found.append(ProseNumber(line, token, context, in_math=False))
    for m in re.finditer(r"\$\$.+?\$\$|" + INLINE_MATH, text, flags=re.S):
        for r in MATH_RESULT.finditer(m.group(0)):
            token = r.group(0).strip()
            number = re.search(r"\d[\d.,]*", token)
            if number and _normal(number.group(0)) in literals and "10^" not in token:
                continue
            line, context = where(m.start() + r.start())
            found.append(ProseNumber(line, token, context, in_math=True))
    return found


def chapter_files(book: Path) -> list[Path]:
    """The chapters' MyST sources, ``book/NN-*.md``, in order."""
    return sorted(book.glob("[0-9][0-9]-*.md"))
