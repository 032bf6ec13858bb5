"""The Chinese edition (zh/): complete in its list, current with the English pages, one name per term.

How the edition is made is in zh/README.md and zh/edition.py: each Chinese page
is assembled from the English page (code cells, outputs, metadata) and its
translation (zh/translations/<name>.md: the Markdown, the alt text), every entry
of which records the hash of the English cell it translates.

What is checked here:

* every translation is current: no English cell changed since it was
  translated (stale), none is new (untranslated), no entry lost its cell
  (orphan); and the checker does find each of the three (a changed copy);
* every English page has its Chinese page, except those in ``EXPECTED_MISSING``,
  the one list of pages not translated yet; the Chinese table of contents is the
  English one in the same order, less exactly those pages;
* the assembled pages in zh/book/ are what zh/edition.py makes now, and a Chinese
  notebook's code cells, outputs and metadata are the English notebook's except
  the replaced alt text, so nbval's check of the English notebooks covers them;
* the translation keeps every computed number ({glue:text} role), every API link
  and every directive label of the English cell, and is in Chinese;
* the glossary's Chinese names: a page uses the Chinese name of every term its
  English page uses, and no second name for it (zh/terms.toml lists them);
  {term} roles show the Chinese name.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path

import nbformat
import pytest
import tomllib
import yaml
from test_glossary import entries as glossary_entries

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("zh_edition", ROOT / "zh" / "edition.py")
edition = importlib.util.module_from_spec(_spec)
sys.modules["zh_edition"] = edition
_spec.loader.exec_module(edition)

# The English pages (docnames of _toc.yml) that have no Chinese page yet. A page leaves this list
# when its translation lands (zh/translations/, zh/_toc.yml); the edition is complete when it is empty.
EXPECTED_MISSING: list[str] = []

CJK = re.compile(r"[\u3400-\u9fff]")
PAGES = edition.translated_pages()


def toc_docs(toc: Path) -> list[str]:
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    out = [data["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                out.append(node["file"])
            for key, value in node.items():
                if key != "root":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in data.items() if k != "root"})
    return out


# ---------------------------------------------------------------------------
# Stale translations
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_translation_is_current(name: str) -> None:
    _, _, pairing = edition.assemble(name)
    problems = pairing.problems(edition.TRANSLATIONS / f"{name}.md")
    assert not problems, "\n".join(problems)


def test_the_stale_check_finds_changed_new_and_removed_cells() -> None:
    """A changed English Markdown cell and code cell are stale, a new cell untranslated, a removed one orphaned."""
    units = edition.english_units(edition.english_page("01-why-rnns-forget"))
    # a translation that is current with today's English chapter 1
    entries = [edition.Entry(u.index, u.kind, u.key, "译文", line=10 * u.index) for u in units]
    assert edition.pair(units, entries).problems(Path("t.md")) == []
    md = next(u for u in units if u.kind == "markdown" and u.index > 5)
    code = next(u for u in units if u.kind == "code" and u.metadata.get("mystnb"))
    changed = [
        edition.Unit(u.index, u.kind, u.source + " Changed.", u.metadata) if u is md else
        edition.Unit(u.index, u.kind, u.source, {**u.metadata, "mystnb": {"image": {"alt": "new alt"}}})
        if u is code else u
        for u in units
    ]
    pairing = edition.pair(changed, entries)
    assert sorted(u.index for u, _ in pairing.stale) == sorted([md.index, code.index])
    assert not pairing.untranslated and not pairing.orphans
    problems = pairing.problems(Path("t.md"))
    assert any(p.startswith(f"t.md:{10 * md.index}: stale") and f"cell {md.index} " in p for p in problems), problems
    new = edition.Unit(99, "markdown", "A new paragraph.")
    inserted = edition.pair(units[:4] + [new] + units[4:], entries)
    assert inserted.untranslated == [new] and not inserted.stale and not inserted.orphans
    removed = edition.pair(units[:4] + units[5:], entries)
    assert [e.index for e in removed.orphans] == [units[4].index] and not removed.stale
    # a Markdown cell replaced by a code cell: the old entry is an orphan, the new cell untranslated
    swapped = units[:3] + [edition.Unit(3, "code", "x = 1")] + units[4:]
    pairing = edition.pair(swapped, entries)
    assert [e.index for e in pairing.orphans] == [3] and [u.source for u in pairing.untranslated] == ["x = 1"]


def test_a_stale_entry_is_still_used_and_plain_pages_split_at_headings() -> None:
    blocks = edition.split_blocks("# T\n\ntext\n\n```{code-block}\n# not a heading\n```\n\n## A\n\nmore\n")
    assert blocks == ["# T\n\ntext\n\n```{code-block}\n# not a heading\n```", "## A\n\nmore"]
    units = [edition.Unit(0, "markdown", "# T"), edition.Unit(1, "markdown", "## A, changed")]
    entries = [edition.Entry(0, "markdown", units[0].key, "# 标题"),
               edition.Entry(1, "markdown", edition.unit_hash("markdown", "## A"), "## 甲")]
    pairing = edition.pair(units, entries)
    assert [e.body for _, e in pairing.pairs] == ["# 标题", "## 甲"] and len(pairing.stale) == 1


# ---------------------------------------------------------------------------
# Every page, and the assembled pages
# ---------------------------------------------------------------------------


def test_every_english_page_has_its_chinese_page_or_is_expected_missing() -> None:
    english = toc_docs(ROOT / "_toc.yml")
    chinese = toc_docs(ROOT / "zh" / "_toc.yml")
    assert len(set(EXPECTED_MISSING)) == len(EXPECTED_MISSING)
    assert not set(chinese) - set(english), f"Chinese pages with no English page: {set(chinese) - set(english)}"
    missing = [d for d in english if d not in chinese]
    assert sorted(missing) == sorted(EXPECTED_MISSING), (
        f"translated now, remove from EXPECTED_MISSING: {sorted(set(EXPECTED_MISSING) - set(missing))}; "
        f"missing but not listed: {sorted(set(missing) - set(EXPECTED_MISSING))}"
    )
    assert chinese == [d for d in english if d in chinese], "zh/_toc.yml must keep the English order"
    assert sorted(f"book/{n}" for n in PAGES) == sorted(chinese), (
        "every page of zh/_toc.yml has a translation in zh/translations/ and every translation is in zh/_toc.yml"
    )


@pytest.mark.parametrize("name", PAGES)
def test_assembled_page_is_current(name: str) -> None:
    filename, content, _ = edition.assemble(name)
    committed = edition.ZH_BOOK / filename
    assert committed.is_file(), f"{committed.relative_to(ROOT)} is missing: run `python zh/edition.py build`"
    assert committed.read_text(encoding="utf-8") == edition.render(content), (
        f"{committed.relative_to(ROOT)} is not what zh/edition.py assembles from {edition.english_page(name).name} "
        "and its translation now: run `python zh/edition.py build` and commit it"
    )


def _without_replaced_strings(meta: dict, other: dict) -> dict:
    """``meta`` with every string that differs from ``other``'s at the same place set to None."""
    out = copy.deepcopy(meta)
    for key, value in out.items():
        if isinstance(value, dict) and isinstance(other.get(key), dict):
            out[key] = _without_replaced_strings(value, other[key])
        elif isinstance(value, str) and isinstance(other.get(key), str) and value != other[key]:
            out[key] = None
    return out


NOTEBOOK_PAGES = [n for n in PAGES if edition.english_page(n).suffix == ".ipynb"]


def _without_images(outputs: list) -> list:
    out = copy.deepcopy(outputs)
    for o in out:
        o.get("data", {}).pop("image/png", None)
    return out


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_chinese_notebook_has_the_english_code_and_outputs(name: str) -> None:
    """So nbval, which re-runs the English notebook, checks the Chinese one.

    Only the Markdown, the alt text and the figures' images differ; the Chinese notebook adds one hidden
    first cell, the figure-text prelude that zh/edition.py writes.
    """
    english = nbformat.read(edition.english_page(name), as_version=4)
    chinese = nbformat.read(edition.ZH_BOOK / f"{name}.ipynb", as_version=4)
    prelude, cells = chinese.cells[0], chinese.cells[1:]
    assert prelude.metadata.get(edition.FIGURE_KEY) == "prelude" and prelude.metadata.tags == ["remove-cell"]
    assert prelude.source.startswith(edition.PRELUDE.split("%(")[0])
    assert [c.cell_type for c in cells] == [c.cell_type for c in english.cells]
    assert chinese.metadata.get("widgets") == english.metadata.get("widgets")
    assert chinese.metadata.kernelspec == english.metadata.kernelspec
    for k, (en, zh) in enumerate(zip(english.cells, cells)):
        if en.cell_type != "code":
            continue
        assert zh.source == en.source, f"code cell {k}: source differs"
        assert _without_images(zh.outputs) == _without_images(en.outputs), f"code cell {k}: outputs differ"
        assert len(edition._images(zh)) == len(edition._images(en)), f"code cell {k}: not the same figures"
        assert zh.execution_count == en.execution_count, f"code cell {k}: execution count differs"
        zh_meta = {key: v for key, v in zh.metadata.items() if key != edition.FIGURE_KEY}
        assert _without_replaced_strings(zh_meta, dict(en.metadata)) == _without_replaced_strings(
            dict(en.metadata), zh_meta), f"code cell {k}: metadata differs beyond replaced strings"
        alt = en.metadata.get("mystnb", {}).get("image", {}).get("alt")
        if alt:
            zh_alt = zh.metadata["mystnb"]["image"]["alt"]
            assert CJK.search(zh_alt) and zh_alt != alt, f"code cell {k}: the figure's alt text is not in Chinese"


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_chinese_figures_were_drawn_in_chinese(name: str) -> None:
    """Every figure of the page has its words translated (figure-text) and was drawn again from them."""
    _, nb, pairing = edition.assemble(name)
    english = nbformat.read(edition.english_page(name), as_version=4)
    for k, (en, zh) in enumerate(zip(english.cells, nb.cells[1:])):
        if en.cell_type == "code" and edition._images(en):
            assert zh.metadata.get(edition.FIGURE_KEY), f"code cell {k}: figure without a recorded hash"
            if zh.metadata[edition.FIGURE_KEY] not in {u.key for u in pairing.stale_figures}:
                assert edition._images(zh) != edition._images(en), f"code cell {k}: the English figure is shown"
    assert not pairing.stale_figures


def test_a_changed_figure_text_makes_the_figure_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = NOTEBOOK_PAGES[0]
    text = (edition.TRANSLATIONS / f"{name}.md").read_text(encoding="utf-8")
    assert "figure-text:\n" in text
    (tmp_path / f"{name}.md").write_text(text.replace("figure-text:\n", 'figure-text:\n  "x y z": "甲"\n', 1),
                                         encoding="utf-8")
    monkeypatch.setattr(edition, "TRANSLATIONS", tmp_path)
    _, nb, pairing = edition.assemble(name)
    assert len(pairing.stale_figures) == 1 and "stale figure" in pairing.problems(tmp_path / "t.md")[-1]
    english = nbformat.read(edition.english_page(name), as_version=4)
    stale = next(k for k, c in enumerate(english.cells) if c.cell_type == "code" and k == pairing.stale_figures[0].index)
    assert edition._images(nb.cells[1 + stale]) == edition._images(english.cells[stale]), "a stale figure shows the English"
    # written out as it is (a `build` that draws another page's figures only), it stays stale
    monkeypatch.setattr(edition, "ZH_BOOK", tmp_path)
    (tmp_path / edition.english_page(name).name).write_text(edition.render(nb), encoding="utf-8")
    assert len(edition.assemble(name)[2].stale_figures) == 1, "the English image under the new hash passed as drawn"


def test_metadata_overrides_cannot_add_or_change_structure() -> None:
    english = {"mystnb": {"image": {"alt": "A chart."}}, "tags": ["x"]}
    assert edition.merge_metadata(english, {"mystnb": {"image": {"alt": "图"}}}, "t") == {
        "mystnb": {"image": {"alt": "图"}}, "tags": ["x"]}
    with pytest.raises(ValueError, match="not in the English"):
        edition.merge_metadata(english, {"mystnb": {"image": {"width": "50%"}}}, "t")
    with pytest.raises(ValueError, match="only string values"):
        edition.merge_metadata(english, {"tags": ["y"]}, "t")


# ---------------------------------------------------------------------------
# What a translation must keep, and its language
# ---------------------------------------------------------------------------

GLUE = re.compile(r"\{glue(?::text)?\}`([^`]+)`")
API_ROLE = re.compile(r"\{py:(?:func|class|mod)\}`(?:[^`<]*<)?~?([^`>]+)>?`")
LABEL = re.compile(r"^:label: (\S+)|^`{3,}\{([\w-]+)\}", re.M)
ENGLISH_WORDS = re.compile(r"\b[A-Za-z]{3,}\b")


def _prose(text: str) -> str:
    """Markdown without code blocks, math, roles and directive options: what a reader reads as words."""
    text = re.sub(r"```(?:python|\{literalinclude\})[\s\S]*?```", " ", text)
    text = re.sub(r"\$\$[\s\S]*?\$\$|\$[^$\n]+\$", " ", text)
    # fence and option lines before inline code: a fence's backticks would pair with an inline code span's
    text = re.sub(r"^:\w[\w-]*:.*$|^`{3,}.*$|^:::.*$", " ", text, flags=re.M)
    return re.sub(r"\{[\w:-]+\}`[^`]*`|`[^`]*`", " ", text)


def _paired_markdown(name: str) -> list[tuple[edition.Unit, edition.Entry]]:
    _, _, pairing = edition.assemble(name)
    return [(u, e) for u, e in pairing.pairs if u.kind == "markdown" and e is not None and not e.todo]


@pytest.mark.parametrize("name", PAGES)
def test_translation_keeps_numbers_links_and_labels(name: str) -> None:
    problems = []
    for unit, entry in _paired_markdown(name):
        for what, pattern in (("glue role", GLUE), ("API link", API_ROLE), ("directive/label", LABEL)):
            en, zh = Counter(map(str, pattern.findall(unit.source))), Counter(map(str, pattern.findall(entry.body)))
            if en != zh:
                problems.append(f"line {entry.line} ({unit.label}): {what}s differ: English {sorted(en.elements())}, "
                                f"Chinese {sorted(zh.elements())}")
    assert not problems, f"zh/translations/{name}.md:\n" + "\n".join(problems)


def test_glue_check_catches_a_typed_number() -> None:
    en = "So $h_1$ = {glue:text}`h1:.4f`."
    assert Counter(GLUE.findall(en)) != Counter(GLUE.findall("于是 $h_1$ = 0.5370。"))
    assert Counter(API_ROLE.findall("{py:func}`lt.rnn <lstm_tutorial.numpy.rnn>`")) == Counter(
        API_ROLE.findall("{py:func}`lt.rnn <lstm_tutorial.numpy.rnn>` 把"))


@pytest.mark.parametrize("name", PAGES)
def test_translation_is_chinese(name: str) -> None:
    """Every Markdown entry whose English has words is written in Chinese (not left in English)."""
    english_left = [
        f"line {e.line} ({u.label})" for u, e in _paired_markdown(name)
        if len(ENGLISH_WORDS.findall(_prose(u.source))) >= 3 and not CJK.search(_prose(e.body))
    ]
    assert not english_left, f"zh/translations/{name}.md: not translated: {english_left}"


# ---------------------------------------------------------------------------
# The glossary's Chinese names
# ---------------------------------------------------------------------------


def glossary() -> list[tuple[str, str, str]]:
    """``(term line, English name, Chinese name)`` of every entry of book/glossary.md."""
    out = []
    for term, _ in glossary_entries():
        english, _, chinese = term.partition(" — ")
        out.append((term, english.strip(), chinese.strip()))
    return out


def second_names() -> dict[str, list[str]]:
    return tomllib.loads((ROOT / "zh" / "terms.toml").read_text(encoding="utf-8"))


def chinese_text(name: str) -> str:
    """Everything a reader of the Chinese page reads: its Markdown and its alt text."""
    _, content, _ = edition.assemble(name)
    if isinstance(content, str):
        return content
    parts = []
    for cell in content.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
        if cell.cell_type == "code" and alt:
            parts.append(alt)
    return "\n".join(parts)


def english_mentions(text: str, english: str) -> bool:
    """Whether ``text`` names the term ``english`` ('Recurrent neural network (RNN)' -> 'recurrent neural network').

    A parenthesis that starts with 'of' qualifies the name and stays in it: 'Variant (of the LSTM)' is named by
    'variant of the LSTM', not by chapter 11's variant of a baseline forecast.
    """
    base = re.sub(r"\s*\((of [^)]*)\)", r" \1", english)
    base = re.sub(r"\s*\([^)]*\)", "", base).lower().replace("-", " ")
    words = r"[\s-]+".join(map(re.escape, base.split()))
    return re.search(rf"(?<![\w-]){words}s?(?![\w-])", text.lower().replace("\n", " ")) is not None


def test_second_names_are_listed_under_glossary_names() -> None:
    names = {chinese for _, _, chinese in glossary()}
    for key, alternatives in second_names().items():
        assert key in names, f"zh/terms.toml: {key!r} is not a Chinese name in book/glossary.md"
        for alt in alternatives:
            assert alt not in names, f"zh/terms.toml: {alt!r}, a second name of {key!r}, is a glossary name itself"


@pytest.mark.parametrize("name", PAGES)
def test_no_second_name_for_a_glossary_term(name: str) -> None:
    text = chinese_text(name)
    # the book's own names first (longest first), so 随时间反向传播 does not read as 时间反向传播
    for chinese in sorted((c for _, _, c in glossary()), key=len, reverse=True):
        text = text.replace(chinese, "\0")
    found = [f"{alt!r} (the book says {key!r})" for key, alts in second_names().items() for alt in alts if alt in text]
    assert not found, f"zh/translations/{name}.md uses a second name: {found}"


@pytest.mark.parametrize("name", PAGES)
def test_chinese_page_uses_the_glossary_name_of_every_term_its_english_page_uses(name: str) -> None:
    page = edition.english_page(name)
    units = edition.english_units(page)
    english = "\n".join(u.source for u in units if u.kind == "markdown")
    english += "\n" + "\n".join(u.metadata.get("mystnb", {}).get("image", {}).get("alt", "") for u in units)
    roles = {m.lower() for m in re.findall(r"\{term\}`[^`<]*<([^>]+)>`", english)}
    text = chinese_text(name)
    missing = [
        f"{term_english} -> {chinese}" for term, term_english, chinese in glossary()
        if (term.lower() in roles or english_mentions(_prose(english), term_english)) and chinese not in text
    ]
    assert not missing, f"zh/translations/{name}.md lacks the glossary's Chinese name of: {missing}"


@pytest.mark.parametrize("name", PAGES)
def test_term_roles_show_the_chinese_name(name: str) -> None:
    terms = {term.lower(): chinese for term, _, chinese in glossary()}
    for shown, target in re.findall(r"\{term\}`([^`<]*)<([^>]+)>`", chinese_text(name)):
        assert target.strip().lower() in terms, f"{{term}} role names no glossary entry: {target!r}"
        assert shown.strip() == terms[target.strip().lower()], (
            f"{{term}}`{shown}<{target}>` should show the glossary's Chinese name {terms[target.strip().lower()]!r}"
        )


def test_chinese_glossary_keeps_the_english_term_lines() -> None:
    """{term} roles resolve on the Chinese glossary (zh/README.md) only where its term lines are the English
    ones: a changed or missing line would send its roles to the English glossary through intersphinx, silently."""
    _, content, _ = edition.assemble("glossary")
    body = content.split("```{glossary}\n", 1)[1].split("\n```", 1)[0]
    lines = [line.strip() for line in body.splitlines() if line.strip() and not line.startswith((" ", ":"))]
    assert lines == [term for term, _ in glossary_entries()]


def test_the_term_checks_can_fail() -> None:
    assert english_mentions("the hidden states pass", "Hidden state")
    assert english_mentions("a recurrent neural network reads", "Recurrent neural network (RNN)")
    assert not english_mentions("forget, input and output parts", "Forget part")
    assert english_mentions("a variant of the LSTM", "Variant (of the LSTM)")
    assert not english_mentions("the mean-change variant of the seasonal random walk", "Variant (of the LSTM)")
    masked = "细胞状态和长期记忆".replace("长期记忆", "\0")
    assert any(alt in masked for alt in second_names()["长期记忆"])


def test_language_switch_targets() -> None:
    """_ext/lang_switch.py: the same page in the other edition when it has one, else its first page."""
    spec = importlib.util.spec_from_file_location("lang_switch", ROOT / "_ext" / "lang_switch.py")
    switch = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(switch)
    first, zh_docs = switch.toc_docnames(ROOT / "zh" / "_toc.yml")
    assert (first, zh_docs) == ("book/intro", toc_docs(ROOT / "zh" / "_toc.yml"))
    _, en_docs = switch.toc_docnames(ROOT / "_toc.yml")
    assert en_docs == toc_docs(ROOT / "_toc.yml")
    # from an English page (built at _build/html/book/X.html) to _build/html/zh/book/X.html, and back
    assert switch.switch_target("book/01-why-rnns-forget", "zh/", zh_docs, first) == (
        "../zh/book/01-why-rnns-forget.html", True)
    assert switch.switch_target("book/01-why-rnns-forget", "../", en_docs, "book/intro") == (
        "../../book/01-why-rnns-forget.html", True)
    # a page the other edition lacks (none today, EXPECTED_MISSING is empty): its first page, and says so
    missing = EXPECTED_MISSING[0] if EXPECTED_MISSING else "book/99-not-in-the-chinese-edition"
    assert missing not in zh_docs
    assert switch.switch_target(missing, "zh/", zh_docs, first) == ("../zh/book/intro.html", False)
