"""The Chinese edition (中文版): assemble its pages from the English ones and find stale translations.

A Chinese page is never edited directly. It is assembled from two sources:

* the English page (``book/NN-name.ipynb`` for a chapter, ``book/name.md`` for a
  plain page), which gives every code cell with its outputs, tags and metadata;
* its translation, ``zh/translations/<name>.md``, which gives the Chinese
  Markdown and the Chinese alt text, one *entry* per English unit.

The units of an English notebook are its cells; the units of a plain page are
its blocks, split before each heading. Every entry starts with a marker naming
the English unit it translates and the hash of that unit as it was when it was
translated::

    <!-- en 3 markdown 5f0c2d9a81b4 -->
    ## 只有一个隐藏神经元的网络
    ...
    <!-- en 4 code 0e5a7716c3f2 -->
    <!-- en 16 code 9b1f4e22d07a -->
    mystnb:
      image:
        alt: "对数坐标的折线图……"

A code entry has no code: the code cell, its outputs and its metadata come from
the English notebook. Its body, when there is one, is YAML that replaces string
values the English cell's metadata already has (the alt text); nothing else can
be changed. The hash of a code unit covers its source and its ``mystnb``
metadata, so a changed code cell or English alt text makes the entry stale too
(the prose around a cell describes what it computes). The number after ``en`` is
the unit's position when it was translated, for people; pairing uses the hashes.

A code entry that draws a figure can also give the figure's words in Chinese,
English text to Chinese text, under ``figure-text``::

    <!-- en 16 code 9b1f4e22d07a -->
    figure-text:
      "time step $t$": "时间步 $t$"
    mystnb: ...

``python zh/edition.py build --figures`` executes the assembled notebook with a
hidden first cell (``PRELUDE``) that registers the CJK font (Debian's
``fonts-wqy-microhei``) in matplotlib and swaps every figure text for its
Chinese before the figure is drawn (tick labels given as strings too); a figure
text with English words and no translation stops the run (in a reader's Jupyter
it is left in English). Only the PNG images of that run are kept: every
other output stays the English notebook's, so what nbval checked is what the
Chinese page shows. A Chinese figure records the hash of the English cell and
of its ``figure-text``; when either changes, the figure is stale (the English
image is shown, and the test fails until ``build --figures`` runs again).

Entries are paired with the English units by aligning the two hash sequences
(difflib). A unit whose hash differs from its entry's is *stale*; an English unit
with no entry is *untranslated*; an entry whose unit is gone is an *orphan*. A
stale entry is still used (better than nothing, and the test fails until
someone revises it and runs ``stamp``); an untranslated Markdown unit is shown
in English.

Commands (run from the repository root)::

    python zh/edition.py status            # every translated page: stale, untranslated, orphan
    python zh/edition.py build              # write zh/book/ from book/ and zh/translations/, then the
                                            # reader notebooks notebooks/zh/book/ (scripts/reader_notebooks.py)
    python zh/edition.py build --figures    # the same, and draw the Chinese figures again (runs the notebooks)
    python zh/edition.py build --figures --only 02-inside-the-cell
                                            # draw the stale figures of that page only
    python zh/edition.py new book/02-inside-the-cell.ipynb
                                            # a translation skeleton, English text to replace
    python zh/edition.py stamp zh/translations/01-why-rnns-forget.md
                                            # after revising stale entries: record today's hashes
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
ZH = ROOT / "zh"
TRANSLATIONS = ZH / "translations"
ZH_BOOK = ZH / "book"
EN_BOOK = ROOT / "book"

MARKER = re.compile(r"^<!-- en (\d+) (markdown|code) ([0-9a-f]{12})( todo)? -->\s*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})")
HEADING = re.compile(r"^#{1,6} ")


@dataclass(frozen=True)
class Unit:
    """One English cell (notebook) or block (plain page)."""

    index: int
    kind: str  # "markdown" or "code"
    source: str
    metadata: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        return unit_hash(self.kind, self.source, self.metadata)

    @property
    def label(self) -> str:
        first = next((line for line in self.source.splitlines() if line.strip()), "")
        return f"{self.kind} cell {self.index} ({first[:60]!r})"


@dataclass
class Entry:
    """One entry of a translation file."""

    index: int  # the English unit's position when it was translated
    kind: str
    key: str
    body: str
    todo: bool = False
    line: int = 0  # line number of the marker in the translation file


@dataclass
class Pairing:
    """What the alignment of a page's units and entries found."""

    pairs: list[tuple[Unit, Entry | None]]  # one per English unit, in order
    stale: list[tuple[Unit, Entry]]
    untranslated: list[Unit]
    orphans: list[Entry]
    stale_figures: list[Unit] = field(default_factory=list)

    def problems(self, translation: Path) -> list[str]:
        name = _rel(translation)
        out = [
            f"{name}:{e.line}: stale: English {u.label} changed since it was translated "
            f"(entry for cell {e.index}, hash {e.key}, now {u.key}); revise it, then `python zh/edition.py stamp {name}`"
            for u, e in self.stale
        ]
        out += [f"{name}: untranslated: English {u.label} has no translation" for u in self.untranslated]
        out += [f"{name}:{e.line}: orphan: entry for {e.kind} cell {e.index} (hash {e.key}) matches no English cell"
                for e in self.orphans]
        out += [f"{name}: stale figure: the Chinese figure of English {u.label} was drawn from another version of the "
                "cell or its figure-text: run `python zh/edition.py build --figures`" for u in self.stale_figures]
        return out


def _rel(path: Path) -> str:
    """``path`` relative to the repository when it is inside it (messages and metadata)."""
    return path.relative_to(ROOT).as_posix() if path.is_absolute() and path.is_relative_to(ROOT) else str(path)


def unit_hash(kind: str, source: str, metadata: dict | None = None) -> str:
    """12 hex digits of SHA-256 over what a translation depends on: the text, and a code cell's ``mystnb``."""
    text = kind + "\n" + source.strip()
    if kind == "code":
        text += "\n" + json.dumps((metadata or {}).get("mystnb", {}), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------------------
# English pages
# ---------------------------------------------------------------------------


def english_page(name: str) -> Path:
    """``book/<name>.ipynb`` for a chapter, else ``book/<name>.md``."""
    nb = EN_BOOK / f"{name}.ipynb"
    return nb if nb.is_file() else EN_BOOK / f"{name}.md"


def split_blocks(text: str) -> list[str]:
    """A plain MyST page cut before every heading that is not inside a fenced block."""
    blocks: list[list[str]] = [[]]
    fence: str | None = None
    for line in text.splitlines():
        m = FENCE.match(line)
        if fence is None and HEADING.match(line) and any(s.strip() for s in blocks[-1]):
            blocks.append([])
        if m:
            mark = m.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence) and not line.strip()[len(mark):].strip():
                fence = None
        blocks[-1].append(line)
    return ["\n".join(b).strip() for b in blocks if "\n".join(b).strip()]


def english_units(page: Path) -> list[Unit]:
    if page.suffix == ".ipynb":
        nb = nbformat.read(page, as_version=4)
        return [Unit(k, c.cell_type, c.source, dict(c.metadata)) for k, c in enumerate(nb.cells)
                if c.cell_type in ("markdown", "code")]
    return [Unit(k, "markdown", block) for k, block in enumerate(split_blocks(page.read_text(encoding="utf-8")))]


# ---------------------------------------------------------------------------
# Translation files
# ---------------------------------------------------------------------------


def read_translation(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    body: list[str] = []
    for number, line in enumerate(lines, 1):
        m = MARKER.match(line)
        if m:
            if entries:
                entries[-1].body = "\n".join(body).strip()
            elif "".join(body).strip():
                raise ValueError(f"{path}:{number}: text before the first <!-- en ... --> marker")
            entries.append(Entry(int(m.group(1)), m.group(2), m.group(3), "", bool(m.group(4)), number))
            body = []
        else:
            body.append(line)
    if entries:
        entries[-1].body = "\n".join(body).strip()
    return entries


def write_translation(path: Path, entries: list[Entry]) -> None:
    chunks = []
    for e in entries:
        marker = f"<!-- en {e.index} {e.kind} {e.key}{' todo' if e.todo else ''} -->"
        chunks.append(marker + ("\n\n" + e.body if e.body else ""))
    path.write_text("\n\n".join(chunks) + "\n", encoding="utf-8")


def pair(units: list[Unit], entries: list[Entry]) -> Pairing:
    a = [f"{u.kind}:{u.key}" for u in units]
    b = [f"{e.kind}:{e.key}" for e in entries]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    pairs: list[tuple[Unit, Entry | None]] = []
    stale, untranslated, orphans = [], [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs += [(units[i], entries[j]) for i, j in zip(range(i1, i2), range(j1, j2))]
            continue
        # a changed stretch: pair what has the same kind, in order
        js = list(range(j1, j2))
        for i in range(i1, i2):
            j = next((j for j in js if entries[j].kind == units[i].kind), None)
            if j is None:
                pairs.append((units[i], None))
                untranslated.append(units[i])
            else:
                orphans += [entries[k] for k in js[: js.index(j)]]
                js = js[js.index(j) + 1 :]
                pairs.append((units[i], entries[j]))
                stale.append((units[i], entries[j]))
        orphans += [entries[k] for k in js]
    for u, e in pairs:
        if e is not None and e.todo and u not in untranslated:
            untranslated.append(u)
    return Pairing(pairs, stale, untranslated, orphans)


def merge_metadata(english: dict, override: dict, where: str) -> dict:
    """English metadata with some of its string values replaced (the alt text), nothing added."""
    out = copy.deepcopy(english)

    def walk(dst: dict, src: dict, path: str) -> None:
        for k, v in src.items():
            if k not in dst:
                raise ValueError(f"{where}: {path}{k} is not in the English cell's metadata (only overrides allowed)")
            if isinstance(v, dict) and isinstance(dst[k], dict):
                walk(dst[k], v, f"{path}{k}.")
            elif isinstance(v, str) and isinstance(dst[k], str):
                dst[k] = v
            else:
                raise ValueError(f"{where}: {path}{k}: only string values of the English metadata can be replaced")

    walk(out, override, "")
    return out


def code_override(entry: Entry | None, where: str) -> tuple[dict, dict[str, str]]:
    """``(metadata override, figure text)`` of a code entry."""
    if entry is None or not entry.body:
        return {}, {}
    data = yaml.safe_load(entry.body)
    if not isinstance(data, dict):
        raise ValueError(f"{where}: a code entry's body must be a YAML mapping (metadata overrides, figure-text)")
    figure_text = data.pop("figure-text", None) or {}
    if not isinstance(figure_text, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                     for k, v in figure_text.items()):
        raise ValueError(f"{where}: figure-text must map English text to Chinese text")
    return data, figure_text


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian's fonts-wqy-microhei
FIGURE_KEY = "lstm_tutorial_zh_figure"  # code-cell metadata: the hash the Chinese figure was drawn from

PRELUDE = """\
# 中文版: the figures' words in Chinese. This hidden cell is written by zh/edition.py; it
# registers a CJK font and swaps each figure text for its translation before drawing.
import functools
import os
import re
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.text import Text

if Path(%(font)r).is_file():  # Debian's fonts-wqy-microhei (binder/apt.txt)
    font_manager.fontManager.addfont(%(font)r)
    matplotlib.rcParams["font.sans-serif"] = ["WenQuanYi Micro Hei", *matplotlib.rcParams["font.sans-serif"]]
FIGURE_TEXT = %(table)s
_print_figure = FigureCanvasBase.print_figure


# `python zh/edition.py build --figures` sets this: there an English word left in a figure stops the run. In a
# reader's Jupyter it does not: a slider's figure whose words change with the slider keeps them in English.
STRICT = os.environ.get("LSTM_TUTORIAL_ZH_FIGURES") == "strict"


def _fixed_tick_labels(figure):
    # the dicts behind tick labels given as strings (set_yticks(ticks, labels)): drawn anew from them every time
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            func = getattr(axis.get_major_formatter(), "func", None)
            if isinstance(func, functools.partial) and func.args and isinstance(func.args[0], dict):
                yield func.args[0]


def _print_figure_in_chinese(self, *args, **kwargs):
    for labels in _fixed_tick_labels(self.figure):
        for where, words in labels.items():
            if isinstance(words, str) and words in FIGURE_TEXT:
                labels[where] = FIGURE_TEXT[words]
    for text in self.figure.findobj(Text):
        words = text.get_text()
        if words in FIGURE_TEXT:
            text.set_text(FIGURE_TEXT[words])
        elif STRICT and re.search(r"[A-Za-z]{2,}", re.sub(r"\\$[^$]*\\$", "", words)):
            raise KeyError(f"figure text without a Chinese translation (figure-text in zh/translations): {words!r}")
    return _print_figure(self, *args, **kwargs)


FigureCanvasBase.print_figure = _print_figure_in_chinese

# The kernel-free explorers carry their words in English and Chinese and show the page's language;
# Jupyter's page says English, so the explorers made here are told (lstm_tutorial.explorer).
from lstm_tutorial.explorer import set_language

set_language("zh")
"""


def figure_key(unit: Unit, figure_text: dict[str, str]) -> str:
    text = unit.key + json.dumps(figure_text, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def prelude_cell(table: dict[str, str]) -> nbformat.NotebookNode:
    source = PRELUDE % {"font": str(CJK_FONT), "table": json.dumps(table, ensure_ascii=False, indent=4)}
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["remove-cell"], FIGURE_KEY: "prelude"})
    cell.id = "zh-figure-text"  # fixed, so that the assembled notebook is the same every time
    return cell


def _images(cell: nbformat.NotebookNode) -> list[str]:
    return [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]


def _set_images(cell: nbformat.NotebookNode, images: list[str]) -> None:
    it = iter(images)
    for o in cell.get("outputs", []):
        if "image/png" in o.get("data", {}):
            o["data"]["image/png"] = next(it)


# ---------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------


def translated_pages() -> list[str]:
    return sorted(p.stem for p in TRANSLATIONS.glob("*.md"))


def assemble(name: str) -> tuple[str, str | nbformat.NotebookNode, Pairing]:
    """``(file name, content, pairing)`` of the Chinese page ``zh/book/<file name>``."""
    page = english_page(name)
    translation = TRANSLATIONS / f"{name}.md"
    units = english_units(page)
    pairing = pair(units, read_translation(translation))
    if page.suffix == ".md":
        blocks = [e.body if e is not None and not e.todo else u.source for u, e in pairing.pairs]
        return page.name, "\n\n".join(blocks) + "\n", pairing
    nb = nbformat.read(page, as_version=4)
    cells = [c for c in nb.cells if c.cell_type in ("markdown", "code")]
    assert len(cells) == len(units)
    # the Chinese figures drawn last time (build --figures), by the hash they were drawn from
    committed = ZH_BOOK / page.name
    drawn: dict[str, list[str]] = {}
    if committed.is_file():
        for c in nbformat.read(committed, as_version=4).cells:
            if c.cell_type == "code" and c.metadata.get(FIGURE_KEY, "prelude") != "prelude":
                drawn[c.metadata[FIGURE_KEY]] = _images(c)
    table: dict[str, str] = {}
    for cell, (unit, entry) in zip(cells, pairing.pairs):
        where = f"{_rel(translation)}:{entry.line if entry else '?'}"
        if cell.cell_type == "markdown" and entry is not None and not entry.todo:
            cell.source = entry.body
        elif cell.cell_type == "code":
            override, figure_text = code_override(entry, where)
            cell.metadata = merge_metadata(dict(cell.metadata), override, where)
            table.update(figure_text)
            if _images(cell):
                key = figure_key(unit, figure_text)
                cell.metadata[FIGURE_KEY] = key
                # a page written out with its figures stale (another page's `build`) recorded the new hash
                # over the English images: those are not drawn yet
                if key in drawn and len(drawn[key]) == len(_images(cell)) and drawn[key] != _images(cell):
                    _set_images(cell, drawn[key])
                else:
                    pairing.stale_figures.append(unit)
    nb.cells = [prelude_cell(table)] + cells
    # The Chinese notebook is not a jupytext pair: it has no .md twin.
    nb.metadata.pop("jupytext", None)
    nb.metadata.setdefault("language_info", {})
    nb.metadata["lstm_tutorial_translation"] = {
        "english": page.relative_to(ROOT).as_posix(),
        "translation": _rel(translation),
    }
    return page.name, nb, pairing


def render(content: str | nbformat.NotebookNode) -> str:
    if isinstance(content, str):
        return content
    return nbformat.writes(content) + "\n"


def draw_figures(nb: nbformat.NotebookNode, timeout: int = 600) -> None:
    """Run ``nb`` (in book/, like the English notebook) and keep only the images of that run."""
    if str(ROOT / "scripts") not in sys.path:  # once, however many pages draw their figures
        sys.path.insert(0, str(ROOT / "scripts"))
    from nbclient_guard import GuardedNotebookClient  # waits for each reply in one-second polls

    if not CJK_FONT.is_file():
        raise SystemExit(f"no CJK font at {CJK_FONT}: apt-get install fonts-wqy-microhei")
    run = copy.deepcopy(nb)
    os.environ["LSTM_TUTORIAL_ZH_FIGURES"] = "strict"  # the kernel inherits it: an untranslated figure text stops
    try:
        GuardedNotebookClient(run, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(EN_BOOK)}}).execute()
    finally:
        del os.environ["LSTM_TUTORIAL_ZH_FIGURES"]
    for cell, ran in zip(nb.cells, run.cells):
        if cell.cell_type == "code" and _images(cell):
            images = _images(ran)
            if len(images) != len(_images(cell)):
                raise RuntimeError(f"cell {ran.source[:40]!r}: {len(images)} images, the English one has "
                                   f"{len(_images(cell))}")
            _set_images(cell, images)


def build(figures: bool = False, only: set[str] | None = None) -> list[Path]:
    """Assemble every translated page; with ``figures``, draw the stale Chinese figures (of ``only``'s pages)."""
    ZH_BOOK.mkdir(exist_ok=True)
    written = []
    for name in translated_pages():
        filename, content, pairing = assemble(name)
        draw = figures and (only is None or name in only)
        if draw and pairing.stale_figures and not isinstance(content, str):
            print(f"drawing the Chinese figures of {filename} ...")
            draw_figures(content)
        out = ZH_BOOK / filename
        text = render(content)
        if not out.is_file() or out.read_text(encoding="utf-8") != text:
            out.write_text(text, encoding="utf-8")
            written.append(out)
    return written


def skeleton(page: Path) -> list[Entry]:
    """Entries for a new translation: the English text to replace, marked ``todo``; code entries empty."""
    out = []
    for u in english_units(page):
        alt = u.metadata.get("mystnb", {}).get("image", {}).get("alt") if u.kind == "code" else None
        body = u.source if u.kind == "markdown" else (
            yaml.safe_dump({"mystnb": {"image": {"alt": alt}}}, allow_unicode=True, width=100).strip() if alt else "")
        out.append(Entry(u.index, u.kind, u.key, body, todo=u.kind == "markdown" or bool(alt)))
    return out


def stamp(translation: Path) -> list[str]:
    """Record the current English hashes for every paired entry; drop orphans; add todo entries for new units."""
    name = translation.stem
    units = english_units(english_page(name))
    pairing = pair(units, read_translation(translation))
    fresh = {e.index: e for e in skeleton(english_page(name))}
    entries, report = [], []
    for u, e in pairing.pairs:
        if e is None:
            entries.append(fresh[u.index])
            report.append(f"added a todo entry for {u.label}")
            continue
        if e.key != u.key:
            report.append(f"stamped {u.label}")
        entries.append(Entry(u.index, u.kind, u.key, e.body, e.todo))
    report += [f"dropped orphan entry for {e.kind} cell {e.index}" for e in pairing.orphans]
    write_translation(translation, entries)
    return report


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("status", "build", "new", "stamp"):
        print(__doc__)
        return 2
    command, args = argv[0], argv[1:]
    if command == "status":
        problems = []
        for name in translated_pages():
            problems += assemble(name)[2].problems(TRANSLATIONS / f"{name}.md")
        print("\n".join(problems) or f"{len(translated_pages())} translated pages, all up to date")
        return 1 if problems else 0
    if command == "build":
        # --only NAME (repeatable): draw the figures of these pages only (translators working side by side)
        only = {args[i + 1] for i, a in enumerate(args[:-1]) if a == "--only"} or None
        for path in build(figures="--figures" in args, only=only):
            print(f"wrote {path.relative_to(ROOT)}")
        # the Chinese reader notebooks (notebooks/zh/book/), which Binder, Colab and JupyterLab open
        script = ROOT / "scripts" / "reader_notebooks.py"
        return subprocess.run([sys.executable, str(script), "--edition", "zh"], check=False).returncode
    if command == "new":
        page = Path(args[0]).resolve()
        out = TRANSLATIONS / f"{page.stem}.md"
        if out.exists():
            print(f"{out.relative_to(ROOT)} exists", file=sys.stderr)
            return 1
        write_translation(out, skeleton(page))
        print(f"wrote {out.relative_to(ROOT)}: replace the English of every todo entry, drop ' todo' from its marker")
        return 0
    for line in stamp(Path(args[0]).resolve()):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
