"""The Chinese edition in the built website (``zh/`` beside the English pages), and the language switch.

``test_site.py`` already opens every page of the site, the Chinese ones included
(they are found in the build): console errors, failed requests, math, images and
alt text, headings, widgets, copy buttons, width, explorer sliders against the
package. This file adds what only the two editions have:

* the language switch (``_ext/lang_switch.py``) on every page of both editions:
  its link resolves to a page of the built site, the same page in the other
  language when that exists, else the other edition's first page, and never
  pretends a page exists (``data-counterpart``);
* that the checks of ``page_language.py`` can fail: ``test_site.py`` runs them
  on every page it opens (on every Chinese page, the Chinese text is drawn with
  a CJK font; on every page with explorers, their words are in the page's
  language), in the same page load, since loading a page is the slowest part;
* the Binder and Colab links of a Chinese chapter open its reader notebook
  ``notebooks/zh/book/*.ipynb`` (Markdown that JupyterLab and Colab render,
  written by ``scripts/reader_notebooks.py``), which is in the repository;
* the Chinese figures' font: the hidden first cell of every Chinese notebook
  (``zh/edition.py``'s ``PRELUDE``) makes matplotlib draw Chinese words with
  ``fonts-wqy-microhei`` (no glyph missing) and refuses an untranslated figure
  text. It lives here because ``make chromium``, which runs before these tests,
  installs that font.
"""

from __future__ import annotations

import importlib.util
import os
import posixpath
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TEST_SITE
from page_language import cjk_glyph_problems, content_pages, explorer_word_problems

SWITCH = re.compile(r'<a class="lang-switch-link" href="([^"]+)"[^>]*data-counterpart="(yes|no)"')


PAGES = content_pages(TEST_SITE) if TEST_SITE.is_dir() else []
ZH_PAGES = [p for p in PAGES if p.startswith("zh/")]
NO_SITE = pytest.param(None, marks=pytest.mark.skip(reason="no built site with a Chinese edition: run `make book`"))


def counterpart(path: str) -> str:
    return path.removeprefix("zh/") if path.startswith("zh/") else "zh/" + path


def test_both_editions_were_built() -> None:
    if not PAGES:
        pytest.skip("no built site: run `make book`")
    assert ZH_PAGES, f"no Chinese pages under {TEST_SITE / 'zh'}: `make book` builds the Chinese edition there"
    assert any(not p.startswith("zh/") for p in PAGES)


@pytest.mark.parametrize("path", PAGES or [NO_SITE])
def test_language_switch_opens_the_same_page_in_the_other_language(path: str) -> None:
    html = (TEST_SITE / path).read_text(encoding="utf-8")
    links = SWITCH.findall(html)
    assert len(links) == 1, f"{path}: expected one language switch, found {len(links)}"
    href, says = links[0]
    target = posixpath.normpath(posixpath.join(posixpath.dirname(path), href))
    assert (TEST_SITE / target).is_file(), f"{path}: the language switch opens {href} ({target}), which is not in the site"
    other = counterpart(path)
    if (TEST_SITE / other).is_file():
        assert says == "yes" and target == other, f"{path}: the switch opens {target}, not the same page {other}"
    else:
        first = "zh/book/intro.html" if not path.startswith("zh/") else "book/intro.html"
        assert says == "no" and target == first, (
            f"{path}: {other} does not exist; the switch must open {first} and say so, it opens {target} ({says})"
        )


@pytest.mark.parametrize("path", [p for p in ZH_PAGES if (TEST_SITE / "zh" / "_sources" / p[3:]).with_suffix(
    ".ipynb").is_file()] or [NO_SITE])
def test_chinese_chapter_launch_buttons_open_its_reader_notebook(path: str) -> None:
    html = (TEST_SITE / path).read_text(encoding="utf-8")
    notebook = "notebooks/" + path.removesuffix(".html") + ".ipynb"  # zh/book/01-x.html -> notebooks/zh/book/01-x.ipynb
    assert (ROOT / notebook).is_file(), f"{path}: its reader notebook {notebook} is not in the repository"
    binder = re.findall(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', html)
    colab = re.findall(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', html)
    # Binder: ...?urlpath=lab/tree/<notebook>; Colab: .../blob/<branch>/<notebook>
    assert binder and all(u.endswith("/tree/" + notebook) for u in binder), f"Binder links on {path}: {binder}"
    assert colab and all(re.search(r"/blob/[^/]+/" + re.escape(notebook) + "$", u) for u in colab), (
        f"Colab links on {path}: {colab}"
    )


FIGURE_CHECK = """
import warnings
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.font_manager import FontProperties, findfont

fig, ax = plt.subplots()
ax.set_title("memory")
ax.set_xlabel("$t$")
with warnings.catch_warnings():
    warnings.simplefilter("error")  # matplotlib warns 'Glyph ... missing from font(s)' for an empty box
    fig.savefig(%(out)r)
assert ax.get_title() == "长期记忆 $C_t$", ax.get_title()
fig, ax = plt.subplots()
ax.set_yticks([0, 1], labels=["memory", "$h_t$"])  # tick labels given as strings are drawn anew from a dict
fig.savefig(%(out)r)
assert [t.get_text() for t in ax.get_yticklabels()] == ["长期记忆 $C_t$", "$h_t$"], ax.get_yticklabels()
print(findfont(FontProperties(family=["sans-serif"])))
fig, ax = plt.subplots()
ax.set_title("an untranslated title")
try:
    fig.savefig(%(out)r)
except KeyError as e:
    print("refused:", e)
STRICT = False  # as in a reader's Jupyter (no LSTM_TUTORIAL_ZH_FIGURES): the English words are drawn
fig.savefig(%(out)r)
print("drawn:", ax.get_title())
"""


def test_chinese_figures_are_drawn_with_a_cjk_font(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("zh_edition_fig", ROOT / "zh" / "edition.py")
    edition = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = edition  # its dataclasses look their module up there
    spec.loader.exec_module(edition)
    assert edition.CJK_FONT.is_file(), f"no {edition.CJK_FONT}: `make chromium` installs fonts-wqy-microhei"
    prelude = edition.PRELUDE % {"font": str(edition.CJK_FONT), "table": repr({"memory": "长期记忆 $C_t$"})}
    script = prelude + FIGURE_CHECK % {"out": str(tmp_path / "f.png")}
    # `build --figures` (strict): an English word left in a figure stops the run
    env = {**os.environ, "LSTM_TUTORIAL_ZH_FIGURES": "strict"}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    font, refused, drawn = run.stdout.strip().splitlines()[-3:]
    assert Path(font) == edition.CJK_FONT, f"matplotlib's sans-serif font is {font}, not the CJK font"
    assert refused.startswith("refused:") and "an untranslated title" in refused, run.stdout
    # a reader's Jupyter: a slider's figure whose words change with the slider is drawn, its words in English
    assert drawn == "drawn: an untranslated title", run.stdout


@pytest.mark.parametrize("path", ZH_PAGES or [NO_SITE])
def test_links_into_the_english_edition_resolve(path: str) -> None:
    """Until they are translated, {term} and {py:...} roles link to the English glossary and API pages."""
    html = (TEST_SITE / path).read_text(encoding="utf-8")
    problems = []
    for href in sorted(set(re.findall(r'href="([^"#:]*\.html)(?:#([^"]*))?"', html))):
        file, anchor = href
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), file))
        if target.startswith("zh/"):
            continue  # links inside this edition: the strict build checks them
        page = TEST_SITE / target
        if not page.is_file():
            problems.append(f"{file}: no {target}")
        elif anchor and f'id="{anchor}"' not in page.read_text(encoding="utf-8"):
            problems.append(f"{file}#{anchor}: no such anchor in {target}")
    assert not problems, f"{path}:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------
# The explorers' words in the page's language (lstm_tutorial.explorer)
# ---------------------------------------------------------------------------

def test_the_font_check_can_fail() -> None:
    fonts = [{"familyName": "DejaVu Sans", "postScriptName": "DejaVuSans", "glyphCount": 6}]
    assert cjk_glyph_problems("为什么 RNN", fonts, {"WenQuanYi Micro Hei"}, "t")
    fonts.append({"familyName": "WenQuanYi Micro Hei", "postScriptName": "WenQuanYiMicroHei", "glyphCount": 3})
    assert not cjk_glyph_problems("为什么 RNN", fonts, {"WenQuanYi Micro Hei"}, "t")


def test_the_explorer_word_check_can_fail() -> None:
    zh = [{"id": "x", "labels": ["遗忘门 ft"], "shown": ["zh"], "description": "示意图"}]
    assert not explorer_word_problems(zh, True, "t")
    assert explorer_word_problems(zh, False, "t")
    assert explorer_word_problems([{**zh[0], "labels": ["forget gate ft"]}], True, "t")
    assert explorer_word_problems([{**zh[0], "shown": ["zh", "en"]}], True, "t")
    assert explorer_word_problems([], True, "t")
