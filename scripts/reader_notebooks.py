"""Reader notebooks: the executed chapters with Markdown that every front end renders.

``python scripts/reader_notebooks.py`` writes ``notebooks/book/NN-name.ipynb``
from each executed chapter ``book/NN-name.ipynb``; ``--check`` only says which
are out of date (``tests/test_reader_notebooks.py`` fails on those).

JupyterLab, Colab, VS Code and GitHub render CommonMark with ``$math$``, not
MyST: there a chapter showed ``{py:func}`` roles, ``:::{note}`` fences and
``:label:`` lines as text, lost every ``{glue:text}`` number and showed the
exercise solutions open. Here each Markdown cell is rewritten, nothing else:

* ``{glue:text}`key:fmt``` -> the value glued under ``key`` in this notebook's
  outputs, formatted by myst-nb's own ``format_plain_text`` (as on the website);
* ``{py:func}`` / ``{py:class}`` / ``{py:mod}`` / ``{py:meth}`` -> inline code
  linked to the API page of the website, ``{term}`` -> a link to the glossary
  entry, ``{ref}`` -> a link to the labelled section or exercise on the website
  ("Exercise N" when untitled, numbered through the book as the website does),
  ``{doc}`` -> the sibling reader notebook (a chapter) or the website page;
* ``:::{note}`` / ``:::{admonition}`` -> a blockquote with a bold title;
  ``{exercise}`` -> a blockquote "**Exercise N**"; a solution -> ``<details>``
  (folded) in its Markdown cells, and its code cells open with their source and
  outputs collapsed (``metadata.jupyter.source_hidden`` / ``outputs_hidden``,
  which JupyterLab and VS Code honour; the code itself is unchanged);
* ``{literalinclude}`` -> a fenced Python block with the lines Sphinx includes
  (Sphinx's own ``LiteralIncludeReader``); ``(label)=`` lines are dropped.

Math is already ``$...$`` / ``$$...$$`` (the dollarmath and amsmath
extensions). Code cells, outputs and the saved widget state are copied as they
are; the ``jupytext`` metadata is dropped so that the copy is not paired with
a ``.md``.

Why ``notebooks/book/``: the website's Binder and Colab buttons open
``<repository.path_to_book>/<page>.ipynb`` (sphinx-book-theme joins the two)
and every chapter page is ``book/NN-name``, so with ``path_to_book: notebooks``
in ``_config.yml`` the buttons open these files.

The Chinese edition (``zh/``, see ``zh/README.md``) gets the same: each
assembled Chinese chapter ``zh/book/NN-name.ipynb`` gives
``notebooks/zh/book/NN-name.ipynb`` (``path_to_book: notebooks/zh`` in
``zh/_config.yml``), with the website's Chinese words for the titles the
script writes (Sphinx's and sphinx-exercise's ``zh_CN`` catalogs: 备注, 练习,
解答 ...), links to the Chinese website pages (``<site>/zh/book/...``) where
the Chinese edition has the page and to the English ones otherwise (the API
reference and the glossary until they are translated), and ``{doc}`` links to
an untranslated chapter opening its English reader notebook.
``--edition en|zh`` writes one edition (``zh/edition.py build`` runs ``zh``).

What it leaves out: the ``{exercise}`` / ``{solution}`` directive forms other
than the ones the book uses (``solution-start`` / ``solution-end``); nested
admonitions; MyST's ``{{ substitution }}`` syntax (the book has none).
"""

from __future__ import annotations

import argparse
import copy
import gettext
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
OUT = ROOT / "notebooks" / "book"
ZH_BOOK = ROOT / "zh" / "book"
ZH_OUT = ROOT / "notebooks" / "zh" / "book"
_PYPROJECT_URL = re.compile(r'^Documentation\s*=\s*"([^"]+)"', re.M)
WEBSITE = _PYPROJECT_URL.search((ROOT / "pyproject.toml").read_text(encoding="utf-8")).group(1).rstrip("/") + "/"
ADMONITIONS = ("note", "tip", "important", "warning", "caution", "attention", "hint", "seealso")

ROLE = re.compile(r"\{(?P<role>[a-z]+(?::[a-z]+)?)\}`(?P<text>[^`]+)`")
ROLE_OR_CODE = re.compile(ROLE.pattern + r"|(?P<code>`[^`\n]*`)")
FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[a-zA-Z-]+)\}\s*(?P<arg>.*)$")
LABEL_LINE = re.compile(r"^\((?P<label>[A-Za-z0-9_-]+)\)=\s*$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
MD_SPECIAL = re.compile(r"([\\`*_\[\]<>$|~#])")


@dataclass(frozen=True)
class Edition:
    """One language of the book: where its chapters are, where their reader notebooks go, its words."""

    name: str
    source: Path  # the chapter notebooks (book/, zh/book/)
    out: Path  # their reader notebooks
    website: str  # the edition's site root, ending in "/"
    exercise: str  # "Exercise {n}"
    subtitle: str  # " ({})": an exercise's title after its number
    solution: str  # "Solution to Exercise {n}"
    continued: str  # appended to the summary of a solution that runs over more cells
    admonitions: dict[str, str] = field(default_factory=dict)  # directive name -> its title

    def chapters(self) -> list[Path]:
        """The executed chapter notebooks, in book order."""
        return sorted(self.source.glob("[0-9][0-9]-*.ipynb"))

    def has_page(self, doc: str) -> bool:
        return any((self.source / f"{doc}{ext}").is_file() for ext in (".md", ".ipynb"))


def _zh_admonitions() -> dict[str, str]:
    """The titles the Chinese website shows (Sphinx's zh_CN catalog: note -> 备注, ...)."""
    import sphinx

    catalog = gettext.translation("sphinx", Path(sphinx.__file__).parent / "locale", languages=["zh_CN"])
    english = {name: "See also" if name == "seealso" else name.capitalize() for name in ADMONITIONS}
    return {name: catalog.gettext(english[name]) for name in ADMONITIONS}


def _zh_exercise_words() -> tuple[str, str]:
    """sphinx-exercise's zh_CN words for "Exercise" and "Solution to" (练习, 解答)."""
    import json

    import sphinx_exercise

    jsons = Path(sphinx_exercise.__file__).parent / "translations" / "jsons"
    words = []
    for name in ("Exercise", "Solution"):
        entries = json.loads((jsons / f"{name}.json").read_text(encoding="utf-8"))
        words.append(next(e["text"] for e in entries if e["symbol"] == "zh_CN"))
    return words[0], words[1]


EN = Edition(
    "en", BOOK, OUT, WEBSITE, "Exercise {n}", " ({})", "Solution to Exercise {n}", " (continued)",
    {name: name.capitalize() for name in ADMONITIONS},
)


def zh_edition() -> Edition:
    """The Chinese edition (built into the English site's ``zh/`` folder)."""
    exercise, solution = _zh_exercise_words()
    return Edition(
        "zh", ZH_BOOK, ZH_OUT, WEBSITE + "zh/", exercise + " {n}", "（{}）",
        exercise + " {n} 的" + solution, "（续）", _zh_admonitions(),
    )


def chapters() -> list[Path]:
    """The executed chapter notebooks, in book order."""
    return EN.chapters()


def _literal_eval_format(text: str, fmt_spec: str) -> str:
    from myst_nb.core.variables import format_plain_text

    return format_plain_text(text, fmt_spec)


def glue_values(nb: Any) -> dict[str, str]:
    """``key -> text/plain`` of every myst-nb glue output in the notebook."""
    values: dict[str, str] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            data = out.get("data", {})
            values[meta["name"]] = data[meta["mime_prefix"] + "text/plain"]
    return values


def _split_title(text: str) -> tuple[str | None, str]:
    """``"title <target>"`` -> (title, target); ``"target"`` -> (None, target)."""
    m = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>", text)
    if m and m.group(1):
        return m.group(1), m.group(2)
    return None, text


def _md_escape(text: str) -> str:
    return MD_SPECIAL.sub(r"\\\1", text)


class Book:
    """What the roles need from the whole book: titles, labels, exercise numbers."""

    def __init__(self, paths: list[Path], edition: Edition = EN, fallback: Book | None = None) -> None:
        self.edition = edition
        self.fallback = fallback  # the English book, for what this edition has not translated
        self.titles: dict[str, str] = {}  # "03-forget-part" -> "The forget part"
        self.labels: dict[str, tuple[str, str]] = {}  # label -> (docname, text shown)
        self.exercises: dict[str, int] = {}  # exercise label -> number in the book
        n = 0
        for path in paths:
            doc = path.stem
            nb = nbformat.read(path, as_version=4)
            pending: list[str] = []
            for cell in nb.cells:
                if cell.cell_type != "markdown":
                    continue
                lines = cell.source.splitlines()
                for k, line in enumerate(lines):
                    if (m := LABEL_LINE.match(line)) is not None:
                        pending.append(m.group("label"))
                    elif (m := HEADING.match(line)) is not None:
                        if m.group(1) == "#" and doc not in self.titles:
                            self.titles[doc] = m.group(2)
                        for label in pending:
                            self.labels[label] = (doc, m.group(2))
                        pending = []
                    elif (m := FENCE_OPEN.match(line)) and m.group("name") == "exercise":
                        n += 1
                        for opt in lines[k + 1 :]:
                            if not opt.startswith(":"):
                                break
                            if opt.startswith(":label:"):
                                label = opt.split(":", 2)[2].strip()
                                self.exercises[label] = n
                                self.labels[label] = (doc, edition.exercise.format(n=n))

    def page_url(self, doc: str) -> str:
        """The page on this edition's website, or on the English one when this edition lacks it."""
        if self.fallback is not None and not self.edition.has_page(doc):
            return self.fallback.page_url(doc)
        return f"{self.edition.website}book/{doc}.html"

    def doc_link(self, target: str) -> str:
        """A chapter opens its sibling reader notebook (the English one when untranslated); any other page
        its website page."""
        doc = target.removeprefix("/").removeprefix("book/")
        if doc in self.titles:
            return f"{doc}.ipynb"
        if self.fallback is not None and doc in self.fallback.titles:
            return Path(os.path.relpath(self.fallback.edition.out / f"{doc}.ipynb", self.edition.out)).as_posix()
        return self.page_url(doc)

    def label(self, target: str) -> tuple[str, str] | None:
        """(website URL, text shown) of a labelled section or exercise, this edition's first."""
        for book in (self, self.fallback):
            if book is not None and target in book.labels:
                doc, shown = book.labels[target]
                return f"{book.page_url(doc)}#{target}", shown
        return None

    def title(self, doc: str) -> str:
        if doc in self.titles or self.fallback is None:
            return self.titles.get(doc, doc)
        return self.fallback.title(doc)


class Converter:
    """Rewrites the Markdown cells of one chapter."""

    def __init__(self, book: Book, nb: Any) -> None:
        self.book = book
        self.glue = glue_values(nb)
        self.in_solution: str | None = None  # the exercise label of an open solution
        words = book.edition
        self.empty_continued = re.compile(
            r"<details>\n<summary>[^<\n]*" + re.escape(words.continued) + r"</summary>\n+</details>\n*"
        )

    # -- roles ---------------------------------------------------------------------------
    def role(self, m: re.Match[str]) -> str:
        role, text = m.group("role"), m.group("text")
        if role == "glue:text":
            key, fmt = text.rsplit(":", 1) if ":" in text else (text, "s")  # as myst-nb splits it
            if key not in self.glue:
                raise KeyError(f"{{glue:text}} `{text}`: no glued value {key!r} in this notebook")
            return _md_escape(_literal_eval_format(self.glue[key], fmt))
        title, target = _split_title(text)
        if role.startswith("py:"):
            shown_tilde = target.startswith("~")
            target = target.lstrip("~")
            if title is None:
                title = target.rsplit(".", 1)[-1] if shown_tilde else target
                if role in ("py:func", "py:meth"):
                    title += "()"
            anchor = f"module-{target}" if role == "py:mod" else target
            return f"[`{title}`]({self.book.page_url('api')}#{anchor})"
        if role == "term":
            from sphinx.util.nodes import _make_id

            shown = title if title is not None else target
            return f"[{shown}]({self.book.page_url('glossary')}#{_make_id('term-' + target)})"
        if role in ("ref", "numref"):
            found = self.book.label(target)
            if found is None:
                raise KeyError(f"{{{role}}} `{text}`: no label {target!r} in the chapters")
            url, shown = found
            return f"[{title if title is not None else shown}]({url})"
        if role == "doc":
            doc = target.removeprefix("/").removeprefix("book/")
            shown = title if title is not None else self.book.title(doc)
            return f"[{shown}]({self.book.doc_link(doc)})"
        raise ValueError(f"role {{{role}}} is not converted (in `{text}`)")

    def inline(self, text: str) -> str:
        # left to right, a role or an inline code span; code spans (`...`) keep their text as written
        return ROLE_OR_CODE.sub(lambda m: self.role(m) if m.group("role") else m.group(0), text)

    # -- blocks --------------------------------------------------------------------------
    def markdown(self, source: str) -> str:
        """One Markdown cell: directives and roles to CommonMark (+ ``$math$``, ``<details>``)."""
        lines = source.splitlines()
        out: list[str] = []
        if self.in_solution is not None:
            out += self._details_open(self.in_solution, continued=True)
        plain: list[str] = []  # lines outside directives; roles may run over a line break

        def flush() -> None:
            if plain:
                out.extend(self.inline("\n".join(plain)).split("\n"))
                plain.clear()

        k = 0
        while k < len(lines):
            line = lines[k]
            if LABEL_LINE.match(line):
                k += 1
                if k < len(lines) and not lines[k].strip() and plain and not plain[-1].strip():
                    k += 1
                continue
            m = FENCE_OPEN.match(line)
            if m is None:
                plain.append(line)
                k += 1
                continue
            flush()
            fence, name, arg = m.group("fence"), m.group("name"), m.group("arg").strip()
            end = next((j for j in range(k + 1, len(lines)) if lines[j].strip() == fence), None)
            if end is None:
                raise ValueError(f"unclosed {fence}{{{name}}} fence")
            options, body = _options_and_body(lines[k + 1 : end])
            k = end + 1
            if name in ADMONITIONS or name == "admonition":
                title = arg if name == "admonition" else self.book.edition.admonitions[name] + (f": {arg}" if arg else "")
                out += _blockquote(f"**{self.inline(title)}**", self.inline("\n".join(body)).split("\n"))
            elif name == "exercise":
                number = self.book.exercises[options["label"]]
                words = self.book.edition
                head = f"**{words.exercise.format(n=number)}**" + (words.subtitle.format(self.inline(arg)) if arg else "")
                out += _blockquote(head, self.inline("\n".join(body)).split("\n"))
            elif name == "solution-start":
                self.in_solution = arg
                out += self._details_open(arg, continued=False)
                plain.extend(body)
            elif name == "solution-end":
                if self.in_solution is None:
                    raise ValueError("solution-end without solution-start")
                _strip_trailing_blank(out)
                out += ["", "</details>"]
                self.in_solution = None
            elif name == "literalinclude":
                out += _literalinclude(self.book.edition.source, arg, options)
            else:
                raise ValueError(f"directive {{{name}}} is not converted")
        flush()
        if self.in_solution is not None:
            _strip_trailing_blank(out)
            out += ["", "</details>"]
        _strip_trailing_blank(out)
        text = "\n".join(out).strip("\n")
        text = self.empty_continued.sub("", text)  # a cell that only closes a solution adds no empty fold
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")

    def _details_open(self, label: str, continued: bool) -> list[str]:
        number = self.book.exercises[label]
        words = self.book.edition
        more = words.continued if continued else ""
        return ["<details>", f"<summary>{words.solution.format(n=number)}{more}</summary>", ""]


def _strip_trailing_blank(lines: list[str]) -> None:
    while lines and not lines[-1].strip():
        lines.pop()


def _blockquote(head: str, body: list[str]) -> list[str]:
    while body and not body[0].strip():
        body = body[1:]
    _strip_trailing_blank(body)
    return [f"> {head}", ">"] + [f"> {b}" if b.strip() else ">" for b in body] + [""]


def _options_and_body(lines: list[str]) -> tuple[dict[str, Any], list[str]]:
    """A directive's ``:key: value`` lines (values read as YAML scalars, as MyST does) and its body."""
    options: dict[str, Any] = {}
    k = 0
    while k < len(lines) and (m := re.match(r"^:([\w-]+):\s*(.*)$", lines[k])):
        value = m.group(2).strip()
        options[m.group(1)] = yaml.safe_load(value) if value else None
        k += 1
    return options, lines[k:]


def _literalinclude(source: Path, arg: str, options: dict[str, Any]) -> list[str]:
    from sphinx.directives.code import LiteralIncludeReader

    opts = {k: v for k, v in options.items() if k != "language"}
    for key in ("start-at", "start-after", "end-at", "end-before", "pyobject"):
        if key in opts:
            opts[key] = str(opts[key])
    path = (source / arg).resolve()
    config = SimpleNamespace(source_encoding="utf-8-sig")
    text, _ = LiteralIncludeReader(str(path), opts, config).read()  # type: ignore[arg-type]
    language = options.get("language") or ("python" if path.suffix == ".py" else "")
    return [f"```{language}", *text.rstrip("\n").splitlines(), "```", ""]


def reader_notebook(path: Path, book: Book) -> Any:
    """The reader notebook of one executed chapter (a new nbformat notebook)."""
    nb = nbformat.read(path, as_version=4)
    conv = Converter(book, nb)
    reader = copy.deepcopy(nb)
    reader.metadata.pop("jupytext", None)
    reader.metadata["lstm_tutorial"] = {
        "generated_from": f"{book.edition.source.relative_to(ROOT).as_posix()}/{path.name}",
        "by": "scripts/reader_notebooks.py (edit the chapter's .md, not this file)",
    }
    for cell in reader.cells:
        if cell.cell_type == "markdown":
            cell.source = conv.markdown(cell.source)
        elif cell.cell_type == "code" and conv.in_solution is not None:
            cell.metadata.setdefault("jupyter", {}).update(source_hidden=True, outputs_hidden=True)
    if conv.in_solution is not None:
        raise ValueError(f"{path.name}: solution of {conv.in_solution} never ends")
    return reader


def render(path: Path, book: Book) -> str:
    """The reader notebook's file text (what is committed)."""
    return nbformat.writes(reader_notebook(path, book)) + "\n"


def write(edition: Edition, check: bool) -> list[Path]:
    """Write (or with ``check`` only list) the edition's reader notebooks that are out of date."""
    paths = edition.chapters()
    book = Book(paths, edition, fallback=None if edition is EN else Book(EN.chapters()))
    stale = []
    for path in paths:
        text = render(path, book)
        target = edition.out / path.name
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(target.relative_to(ROOT))
        if not check:
            edition.out.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only list the reader notebooks that are out of date")
    parser.add_argument("--edition", choices=("en", "zh"), action="append",
                        help="only this edition (default: both; English notebooks/book/, Chinese notebooks/zh/book/)")
    args = parser.parse_args(argv)
    editions = [EN, zh_edition()]
    stale = [name for e in editions if e.name in (args.edition or ("en", "zh")) for name in write(e, args.check)]
    for name in stale:
        print(("out of date: " if args.check else "wrote ") + str(name))
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
