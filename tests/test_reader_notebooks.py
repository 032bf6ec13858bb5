"""The reader notebooks (notebooks/book/, and notebooks/zh/book/ for the Chinese edition) are the chapters,
with Markdown that every front end renders.

``scripts/reader_notebooks.py`` writes them from the executed chapters. These
tests fail when a committed reader notebook is out of date (regenerate and
compare), when raw MyST is left in its Markdown, when a code cell, an output or
the widget state differs from the chapter's, and when a plain CommonMark +
``$math$`` renderer (markdown-it-py, standing in for Colab) would show roles,
miss a glued number or show a solution unfolded. The Chinese chapters
(``zh/book/``) are checked the same way, in Chinese words (练习, 解答, 备注), with
links to the Chinese website where it has the page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from script_module import script_module

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]-*.ipynb"))
READERS = ROOT / "notebooks" / "book"
ZH_CHAPTERS = sorted((ROOT / "zh" / "book").glob("[0-9][0-9]-*.ipynb"))
ZH_READERS = ROOT / "notebooks" / "zh" / "book"
# (chapter, its reader notebook) of both editions
PAIRS = [(p, READERS / p.name) for p in CHAPTERS] + [(p, ZH_READERS / p.name) for p in ZH_CHAPTERS]


def _id(pair: tuple[Path, Path]) -> str:
    return ("zh-" if pair[1].parent == ZH_READERS else "") + pair[0].stem[:2]
# what a reader must never see: MyST roles and directives, directive options, targets
RAW_MYST = re.compile(r"\{py:|\{glue|:::\{|```\{|\{(?:term|doc|ref|numref|eq)\}`|^:(?:label|class):|^\([\w-]+\)=\s*$", re.M)


@pytest.fixture(scope="module")
def rn():
    with script_module("reader_notebooks") as module:
        yield module


@pytest.fixture(scope="module")
def book(rn):
    return rn.Book(CHAPTERS)


@pytest.fixture(scope="module")
def zh_book(rn, book):
    return rn.Book(ZH_CHAPTERS, rn.zh_edition(), fallback=book)


def _markdown(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def test_one_reader_notebook_per_chapter() -> None:
    assert CHAPTERS, "no chapters found"
    assert sorted(p.name for p in READERS.glob("*.ipynb")) == [p.name for p in CHAPTERS]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem[:2])
def test_reader_notebook_is_up_to_date(rn, book, path: Path) -> None:
    committed = (READERS / path.name).read_text(encoding="utf-8")
    assert committed == rn.render(path, book), (
        f"notebooks/book/{path.name} is out of date with book/{path.name}: run `python scripts/reader_notebooks.py`"
    )


def test_one_reader_notebook_per_chinese_chapter() -> None:
    assert ZH_CHAPTERS, "no Chinese chapters found in zh/book/"
    assert sorted(p.name for p in ZH_READERS.glob("*.ipynb")) == [p.name for p in ZH_CHAPTERS]


@pytest.mark.parametrize("path", ZH_CHAPTERS, ids=lambda p: "zh-" + p.stem[:2])
def test_chinese_reader_notebook_is_up_to_date(rn, zh_book, path: Path) -> None:
    committed = (ZH_READERS / path.name).read_text(encoding="utf-8")
    assert committed == rn.render(path, zh_book), (
        f"notebooks/zh/book/{path.name} is out of date with zh/book/{path.name}: run `python zh/edition.py build` "
        "(or `python scripts/reader_notebooks.py --edition zh`)"
    )


@pytest.mark.parametrize("config, edition", [("_config.yml", "en"), ("zh/_config.yml", "zh")])
def test_launch_buttons_path_is_the_reader_notebooks(config: str, edition: str) -> None:
    """sphinx-book-theme's Binder and Colab links open <path_to_book>/<page name>.ipynb; every chapter page
    is book/NN-name, so path_to_book must be the folder above the edition's reader notebooks."""
    path_to_book = yaml.safe_load((ROOT / config).read_text(encoding="utf-8"))["repository"]["path_to_book"]
    chapters, readers = (CHAPTERS, READERS) if edition == "en" else (ZH_CHAPTERS, ZH_READERS)
    assert (ROOT / path_to_book / "book") == readers, f"{config}: path_to_book {path_to_book!r}"
    for p in chapters:
        assert (ROOT / path_to_book / "book" / p.name).is_file()


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_no_raw_myst_in_reader_markdown(pair: tuple[Path, Path]) -> None:
    path, reader = pair
    nb = nbformat.read(reader, as_version=4)
    found = [m.group(0) for src in _markdown(nb) for m in RAW_MYST.finditer(src)]
    assert not found, f"{path.name}: raw MyST left in the Markdown: {found[:10]}"


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_code_outputs_and_widget_state_unchanged(pair: tuple[Path, Path]) -> None:
    path, reader_path = pair
    chapter = nbformat.read(path, as_version=4)
    reader = nbformat.read(reader_path, as_version=4)
    assert [c.cell_type for c in reader.cells] == [c.cell_type for c in chapter.cells]
    for a, b in zip(chapter.cells, reader.cells):
        if a.cell_type == "code":
            assert (b.source, b.outputs, b.execution_count) == (a.source, a.outputs, a.execution_count)
            assert b.metadata.get("tags") == a.metadata.get("tags")
    assert reader.metadata.get("widgets") == chapter.metadata.get("widgets")
    assert "jupytext" not in reader.metadata, "a reader notebook must not be paired with a .md by jupytext"


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_every_solution_folded(pair: tuple[Path, Path]) -> None:
    """As many folded solutions as the chapter has; the solutions' code cells start collapsed."""
    path, reader_path = pair
    source = "\n".join(_markdown(nbformat.read(path, as_version=4)))
    n_solutions = source.count("```{solution-start}")
    reader = nbformat.read(reader_path, as_version=4)
    md = "\n".join(_markdown(reader))
    summary = r"练习 \d+ 的解答" if reader_path.parent == ZH_READERS else r"Solution to Exercise \d+"
    assert len(re.findall(r"<details>\n<summary>" + summary + "</summary>", md)) == n_solutions
    assert md.count("<details>") == md.count("</details>")
    assert "<details open" not in md
    in_solution = [c for c in reader.cells if c.cell_type == "code" and c.metadata.get("jupyter")]
    for cell in in_solution:
        assert cell.metadata.jupyter == {"source_hidden": True, "outputs_hidden": True}
    if n_solutions:
        assert in_solution, f"{path.name}: no solution code cell collapsed"


def test_exercises_numbered_through_the_book(book) -> None:
    """The website numbers exercises through the book (chapter 3's first is Exercise 7 with six before it)."""
    numbers = list(book.exercises.values())
    assert numbers == list(range(1, len(numbers) + 1))
    total = sum(p.with_suffix(".md").read_text(encoding="utf-8").count("```{exercise}") for p in CHAPTERS)
    assert len(numbers) == total
    first_ch3 = sum(p.with_suffix(".md").read_text(encoding="utf-8").count("```{exercise}") for p in CHAPTERS[:2]) + 1
    assert book.exercises["ex-forget-half-life"] == first_ch3


def test_chapter_3_text(book, rn) -> None:
    """Glued values formatted by their spec, roles as links, the note as a blockquote."""
    nb = nbformat.read(CHAPTERS[2], as_version=4)
    assert CHAPTERS[2].name == "03-forget-part.ipynb"
    glue = rn.glue_values(nb)
    f_hand = float(glue["f_hand"])
    md = "\n".join(_markdown(nbformat.read(READERS / CHAPTERS[2].name, as_version=4)))
    assert f"The gate keeps {f_hand:.1%} of the memory" in md
    assert f"the cell carries\n{float(glue['kept_hand']):.4f} forward" in md
    api = rn.WEBSITE + "book/api.html#"
    assert f"[`lt.forget_gate`]({api}lstm_tutorial.numpy.forget_gate)" in md
    assert f"[`cell_explorer()`]({api}lstm_tutorial.explorer.cell_explorer)" in md
    assert f"[forget part]({rn.WEBSITE}book/glossary.html#term-Forget-part)" in md
    assert "> **In this chapter**\n>\n> - compute the **forget gate**" in md  # the admonition
    assert "```python\n@_saturating\ndef forget_gate(" in md  # the literalinclude, as Sphinx includes it


def test_conversion_rules(book, rn) -> None:
    """Each rule on a made-up cell, so a broken rule fails here with a readable message."""
    nb = nbformat.v4.new_notebook()
    out = nbformat.v4.new_output(
        "display_data",
        data={"application/papermill.record/text/plain": "0.123456"},
        metadata={"scrapbook": {"mime_prefix": "application/papermill.record/", "name": "x"}},
    )
    nb.cells = [nbformat.v4.new_code_cell("glue('x', 0.123456)", outputs=[out])]
    conv = rn.Converter(book, nb)
    assert conv.markdown("f = {glue:text}`x:.2f`, {glue:text}`x:.1%`, {glue:text}`x`") == "f = 0.12, 12.3%, 0.123456"
    assert conv.markdown("see {doc}`chapter 4 <04-input-part>`") == "see [chapter 4](04-input-part.ipynb)"
    assert conv.markdown("{doc}`04-input-part`") == "[The input part](04-input-part.ipynb)"
    assert conv.markdown("{ref}`ex-loop-flag`").startswith(f"[Exercise {book.exercises['ex-loop-flag']}](")
    assert conv.markdown("{ref}`below <fair-test>`") == f"[below]({rn.WEBSITE}book/09-long-range-memory.html#fair-test)"
    assert conv.markdown("{py:mod}`lstm_tutorial.train`").endswith("api.html#module-lstm_tutorial.train)")
    assert conv.markdown("code `{py:func}` stays") == "code `{py:func}` stays"
    assert conv.markdown("(fair-test)=\n## A heading") == "## A heading"
    assert conv.markdown(":::{admonition} In this chapter\n:class: tip\n- one\n:::") == (
        "> **In this chapter**\n>\n> - one"
    )
    with pytest.raises(KeyError, match="no glued value 'y'"):
        conv.markdown("{glue:text}`y:.2f`")
    with pytest.raises(ValueError, match="is not converted"):
        conv.markdown("```{figure} x.png\n```")


def test_a_changed_chapter_makes_the_reader_notebook_stale(tmp_path: Path, rn, book) -> None:
    """The up-to-date test can fail: a glued value changed in a copy of chapter 3 changes the output."""
    nb = json.loads(CHAPTERS[2].read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            if o.get("metadata", {}).get("scrapbook", {}).get("name") == "f_hand":
                o["data"]["application/papermill.record/text/plain"] = "0.5"
    copy = tmp_path / CHAPTERS[2].name
    copy.write_text(json.dumps(nb), encoding="utf-8")
    changed = rn.render(copy, book)
    assert changed != (READERS / CHAPTERS[2].name).read_text(encoding="utf-8")
    assert "The gate keeps 50.0% of the memory" in changed


def _commonmark_html(nb) -> str:
    """What a CommonMark + $math$ renderer (Colab's kind) makes of the notebook's Markdown."""
    md = MarkdownIt("commonmark", {"html": True}).use(dollarmath_plugin)
    return "\n".join(md.render(src) for src in _markdown(nb))


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_commonmark_rendering(pair: tuple[Path, Path]) -> None:
    """No raw role or fence in the rendered text, math recognised, solutions in closed <details>."""
    path, reader_path = pair
    reader = nbformat.read(reader_path, as_version=4)
    html = _commonmark_html(reader)
    visible = re.sub(r"<[^>]+>", "", re.sub(r'<span class="math[^"]*">.*?</span>|<div class="math[^"]*">.*?</div>', "",
                                            html, flags=re.S))
    for raw in ("{py:", "{glue", ":::{", "```{", "{term}", "{doc}", "{ref}", ":label:"):
        assert raw not in visible, f"{reader_path}: {raw!r} visible in the CommonMark rendering"
    assert 'class="math inline"' in html
    assert html.count("<details>") == html.count("</details>") == html.count("<summary>")


def test_reader_notebooks_are_not_paired_by_jupytext() -> None:
    """Saving a reader notebook in a Jupyter with jupytext (Binder) must not write a MyST .md beside it:
    the nearest jupytext config is notebooks/jupytext.toml, which pairs nothing."""
    from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

    for readers in (READERS, ZH_READERS):
        found = find_jupytext_configuration_file(str(readers))
        assert Path(found) == ROOT / "notebooks" / "jupytext.toml"
        assert load_jupytext_configuration_file(found).formats == ["ipynb"]


def test_chinese_chapter_1_text(rn, zh_book) -> None:
    """Chinese words for what the script writes, glued values, links to the Chinese or the English website."""
    path = ZH_CHAPTERS[0]
    assert path.name == "01-why-rnns-forget.ipynb"
    glue = rn.glue_values(nbformat.read(path, as_version=4))
    md = "\n".join(_markdown(nbformat.read(ZH_READERS / path.name, as_version=4)))
    assert f"于是 $h_1$ = {float(glue['h1']):.4f}" in md
    assert "> **本章内容**\n>" in md  # the admonition's own (translated) title
    n = len(re.findall(r"```\{exercise\}", "\n".join(_markdown(nbformat.read(path, as_version=4)))))
    for k in range(1, n + 1):  # the Chinese site numbers its own exercises from 1
        assert f"> **练习 {k}**" in md and f"<summary>练习 {k} 的解答</summary>" in md
    assert "Exercise" not in md and "Solution to" not in md
    api = rn.WEBSITE + "zh/book/api.html#"  # the Chinese API page (its docstrings English), same anchors
    assert f"[`rnn_cell()`]({api}lstm_tutorial.numpy.rnn_cell)" in md
    # the glossary is translated: its Chinese page, with the English page's anchors (same term lines)
    assert f"[隐藏状态]({rn.WEBSITE}zh/book/glossary.html#term-Hidden-state)" in md


def test_chinese_conversion_rules(rn, zh_book) -> None:
    """Chinese titles, and links to the Chinese pages where the edition has them, English ones otherwise."""
    # a chapter the Chinese edition does not have yet (none once the edition is complete)
    untranslated = [p.stem for p in CHAPTERS if not zh_book.edition.has_page(p.stem)]
    nb = nbformat.v4.new_notebook()
    conv = rn.Converter(zh_book, nb)
    zh_site = rn.WEBSITE + "zh/book/"
    assert conv.markdown(":::{note}\n要点\n:::") == "> **备注**\n>\n> 要点"  # Sphinx's zh_CN word for Note
    assert conv.markdown(":::{warning}\n小心\n:::").startswith("> **警告**")
    assert conv.markdown("{doc}`01-why-rnns-forget`") == f"[{zh_book.titles['01-why-rnns-forget']}](01-why-rnns-forget.ipynb)"
    # a translated chapter: its Chinese reader notebook
    assert conv.markdown("{doc}`第 4 章 <04-input-part>`") == "[第 4 章](04-input-part.ipynb)"
    for name in untranslated[-1:]:  # an untranslated chapter: its English reader notebook
        assert conv.markdown(f"{{doc}}`那一章 <{name}>`") == f"[那一章](../../book/{name}.ipynb)"
        assert (ZH_READERS / f"../../book/{name}.ipynb").resolve().is_file()
    assert conv.markdown("{doc}`intro`") == f"[{zh_book.title('intro')}]({zh_site}intro.html)"
    assert conv.markdown("{ref}`ex-rnn-hand`") == f"[练习 1]({zh_site}01-why-rnns-forget.html#ex-rnn-hand)"
    english = rn.Book(CHAPTERS)
    # an exercise of a chapter not translated yet: the English page's link and number
    for label in [lab for lab in english.exercises if english.labels[lab][0] in untranslated][-1:]:
        number = english.exercises[label]
        assert conv.markdown(f"{{ref}}`{label}`") == (
            f"[Exercise {number}]({rn.WEBSITE}book/{english.labels[label][0]}.html#{label})"
        )
    start = ":::{solution-start} ex-rnn-hand\n:::\n解"
    assert conv.markdown(start) == "<details>\n<summary>练习 1 的解答</summary>\n\n解\n\n</details>"
    assert conv.markdown("续\n:::{solution-end}\n:::") == (
        "<details>\n<summary>练习 1 的解答（续）</summary>\n\n续\n\n</details>"
    )
