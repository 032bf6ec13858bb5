"""Sphinx extension for the book's API page (book/api.md): tidy docstrings before napoleon.

The package's numpydoc docstrings end with a line such as "Taught in chapter 3."
after their last section (Returns, Raises, ...). numpydoc has no place for free
text there, so napoleon would render that sentence as one more returned value or
exception. This hook, run before napoleon, moves prose that follows a field
section up to the end of the description, and turns section titles napoleon
does not know ("What is here", "What it leaves out" in module docstrings) into
rubrics, so they do not become headings of the page. A module constant's
``#:`` comment that contains a colon ("Sliders shown by default: what each part
reads") would be split by napoleon into a type and a description; it is kept
whole. It also skips the
"Alias for field number N" entries of NamedTuple fields (their docstring lists them).

Nothing here changes the package; it only shapes what the API page shows.
"""

from __future__ import annotations

import re
from typing import Any

# Sections whose body is a list of "name : type" / "type" entries (numpydoc).
FIELD_SECTIONS = {
    "parameters", "params", "other parameters", "returns", "return", "yields", "yield",
    "raises", "raise", "warns", "warn", "attributes", "receives", "keyword arguments",
}  # fmt: skip
# Every section title napoleon understands (free-text sections included).
KNOWN_SECTIONS = FIELD_SECTIONS | {
    "notes", "note", "examples", "example", "references", "see also", "warning", "warnings",
    "methods", "todo", "args", "arguments", "attention", "caution", "danger", "error", "hint",
    "important", "tip",
}  # fmt: skip
_UNDERLINE = re.compile(r"^([-=~^\"'`])\1{2,}\s*$")


def _headers(lines: list[str]) -> list[int]:
    """Indices of section titles: an unindented line followed by an underline."""
    return [
        i
        for i in range(len(lines) - 1)
        if lines[i].strip() and not lines[i][0].isspace() and _UNDERLINE.match(lines[i + 1])
    ]


def _is_prose(paragraph: list[str]) -> bool:
    """An unindented paragraph inside a field section that is a sentence, not an entry."""
    if len(paragraph) > 1:  # an entry is one line ("name : type"), its description is indented
        return True
    line = paragraph[0].rstrip()
    return line.endswith((".", "::"))


def tidy_docstring(lines: list[str]) -> list[str]:
    """Return ``lines`` with unknown section titles as rubrics and stray prose moved up."""
    out = list(lines)
    for i in _headers(out):
        if out[i].strip().lower() not in KNOWN_SECTIONS:
            out[i : i + 2] = [f".. rubric:: {out[i].strip()}", ""]
    headers = _headers(out)
    if not headers:
        return out
    preamble, moved, sections = out[: headers[0]], [], []
    for k, start in enumerate(headers):
        end = headers[k + 1] if k + 1 < len(headers) else len(out)
        body = out[start:end]
        if out[start].strip().lower() in FIELD_SECTIONS:
            j = 2
            while j < len(body):
                starts_paragraph = body[j].strip() and not body[j][0].isspace() and not body[j - 1].strip()
                if starts_paragraph:
                    n = j
                    while n < len(body) and body[n].strip() and not body[n][0].isspace():
                        n += 1
                    if _is_prose(body[j:n]):
                        moved += [""] + body[j:]
                        body = body[:j]
                        break
                j += 1
        sections.append(body)
    if not moved:
        return out
    while preamble and not preamble[-1].strip():
        preamble.pop()
    while moved and not moved[-1].strip():
        moved.pop()
    result = preamble + moved + [""]
    for body in sections:
        result += body
        if body and body[-1].strip():
            result.append("")
    return result


def _process_docstring(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    lines[:] = tidy_docstring(lines)
    if what in ("data", "attribute") and lines and re.search(r"(?<!:):(?!:)", lines[0]):
        # napoleon reads "type: description" on an attribute's first line; an empty type keeps it whole
        lines[0] = ": " + lines[0]


def _skip_member(app: Any, what: str, name: str, obj: Any, skip: bool, options: Any) -> bool | None:
    doc = getattr(obj, "__doc__", None) or ""
    if what == "class" and doc.startswith("Alias for field number"):
        return True  # a NamedTuple field: the class docstring's Attributes list describes it
    return None


def setup(app: Any) -> dict[str, Any]:
    # napoleon converts docstrings at the default priority (500): run before it.
    app.connect("autodoc-process-docstring", _process_docstring, priority=400)
    app.connect("autodoc-skip-member", _skip_member)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
