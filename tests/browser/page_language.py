"""What the browser tests check about a page's language, on a page they have already opened.

Used by ``test_site.py`` inside the page loads it makes anyway (one load per page
and test, the slowest part of the browser tests), and by ``test_zh_site.py``'s
checks that these checks can fail:

* ``chinese_font_problems``: on a Chinese page, the title and the first paragraph
  with Chinese text are drawn with a CJK font: Chromium's DevTools protocol
  (``CSS.getPlatformFontsForNode``) reports the fonts it actually used, and the
  glyphs of a font that fontconfig lists for Chinese (``fc-list :lang=zh``) must
  cover every CJK character there (no empty boxes);
* ``explorer_word_problems``: the kernel-free explorers (``lstm_tutorial.explorer``)
  carry their words in English and Chinese; the page's language chooses, so a
  Chinese page's sliders, readouts and figure descriptions are Chinese and an
  English page's English.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def content_pages(site: Path) -> list[str]:
    """Pages built from a source document (the ones with a copy in ``_sources/``), both editions."""
    pages = []
    for root in (site, site / "zh"):
        sources = root / "_sources"
        if not sources.is_dir():
            continue
        for src in sources.rglob("*"):
            if src.is_file():
                rel = src.relative_to(sources).as_posix()
                rel = re.sub(r"(\.ipynb|\.md)(\.txt)?$", "", rel)
                page = (root / rel).with_suffix(".html")
                if page.is_file():
                    pages.append(page.relative_to(site).as_posix())
    return sorted(set(pages))


def cjk_families() -> set[str]:
    """Font families that fontconfig says cover Chinese (every name of each, e.g. 'WenQuanYi Micro Hei')."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}


def fonts_used(page: Any, selector: str) -> tuple[str, list[dict[str, Any]]]:
    """The text of the first element matching ``selector`` and the platform fonts Chromium drew it with."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"no element {selector!r}"
    text = page.eval_on_selector(selector, "(e) => [...e.childNodes].filter((n) => n.nodeType === 3)"
                                 ".map((n) => n.textContent).join('')")
    return text, cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def cjk_glyph_problems(text: str, fonts: list[dict[str, Any]], families: set[str], where: str) -> list[str]:
    need = len(CJK.findall(text))
    drawn = sum(f["glyphCount"] for f in fonts if f["familyName"] in families or f["postScriptName"] in families)
    if need and drawn < need:
        used = ", ".join(f"{f['familyName']} ({f['glyphCount']} glyphs)" for f in fonts)
        return [f"{where}: {need} CJK characters but only {drawn} glyphs from a CJK font; fonts used: {used}"]
    return []




# The title and the first paragraph of the article with Chinese in its own text.
FIRST_CHINESE_PARAGRAPH = "article.bd-article p:not(.admonition-title)"


def chinese_font_problems(page: Any, path: str, families: set[str]) -> list[str]:
    """The CJK-font check of an opened Chinese page (``families``: ``cjk_families()``, not empty)."""
    page.evaluate("() => document.fonts.ready.then(() => true)")
    problems = []
    title, fonts = fonts_used(page, "article.bd-article h1")
    if not CJK.search(title):
        problems.append(f"{path}: the title {title!r} has no Chinese")
    problems += cjk_glyph_problems(title, fonts, families, f"{path} h1")
    found = page.evaluate(
        """(sel) => {
             const p = [...document.querySelectorAll(sel)].find((e) =>
               [...e.childNodes].some((n) => n.nodeType === 3 && /[\\u4e00-\\u9fff]/.test(n.textContent)));
             if (p) p.setAttribute("data-zh-font-check", "");
             return !!p;
           }""",
        FIRST_CHINESE_PARAGRAPH,
    )
    if not found:
        return [*problems, f"{path}: no paragraph with Chinese text"]
    text, fonts = fonts_used(page, "[data-zh-font-check]")
    return problems + cjk_glyph_problems(text, fonts, families, f"{path} first paragraph")


EXPLORER_JS = """() => [...document.querySelectorAll('[data-lstm-explorer]')].map((root) => ({
  id: root.id,
  labels: [...root.querySelectorAll('.lx-row label')].map((e) => e.innerText.trim()),
  shown: [...root.querySelectorAll('[data-lang]')].filter((e) => getComputedStyle(e).display !== 'none')
    .map((e) => e.getAttribute('data-lang')),
  description: (root.querySelector('.lx-fig') || {getAttribute: () => ''}).getAttribute('aria-label'),
}))"""
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")  # a word, not a symbol such as C_t-1 (drawn "Ct−1")


def explorer_word_problems(explorers: list[dict[str, Any]], zh: bool, where: str) -> list[str]:
    """What a reader of a Chinese (``zh``) or English page would see in the other language."""
    problems = [] if explorers else [f"{where}: no explorer on the page"]
    lang = "zh" if zh else "en"
    for e in explorers:
        w = f"{where} #{e['id']}"
        if not e["labels"]:
            problems.append(f"{w}: no slider labels")
        for label in e["labels"]:
            if zh and not (CJK.search(label) and not ENGLISH_WORD.search(label)):
                problems.append(f"{w}: slider label {label!r} is not Chinese")
            if not zh and (CJK.search(label) or not ENGLISH_WORD.search(label)):
                problems.append(f"{w}: slider label {label!r} is not English")
        if not e["shown"] or set(e["shown"]) != {lang}:
            problems.append(f"{w}: words shown in {sorted(set(e['shown']))}, expected only {lang!r}")
        if bool(CJK.search(e["description"] or "")) != zh:
            problems.append(f"{w}: the figure's description is not in {lang!r}: {e['description'][:60]!r}")
    return problems
