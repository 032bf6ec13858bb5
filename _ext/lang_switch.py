"""Sphinx extension: a link on every page to the same page in the book's other language.

The English edition is built into ``_build/html`` and the Chinese one into
``_build/html/zh`` (see ``zh/README.md``). Each build is told which edition it
is and where the other one lives::

    lang_switch_this: en               # or zh
    lang_switch_other_toc: zh/_toc.yml # the other edition's table of contents (relative to the source folder)
    lang_switch_other_root: "zh/"      # the other edition's root, relative to this edition's root

At the top of every page's body it writes a small link
(``<a class="lang-switch-link">``): to the other edition's page of the same name
when the other edition's table of contents has it, else to the other edition's
first page, with a title saying that this page is not translated yet. The link
is relative, so the site also works from ``file://``. It also adds a
``<link rel="alternate" hreflang=...>`` for a page that has its counterpart.
tests/browser/test_zh_site.py checks that every link resolves in the built site.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path
from typing import Any

import yaml

EDITIONS = {
    # this edition -> (the other's hreflang, link text, title when the page exists, title when it does not)
    "en": ("zh-CN", "中文", "阅读本页的中文版", "本页尚未译成中文：打开中文版的首页"),
    "zh": ("en", "English", "Read this page in English", "Open the English edition's first page"),
}


def toc_docnames(toc: Path) -> tuple[str, list[str]]:
    """``(root, every docname)`` of a Jupyter Book 1 ``_toc.yml``."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    names = [data["root"]]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "file" in node:
                names.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in data.items() if k != "root"})
    return data["root"], names


def switch_target(docname: str, other_root: str, other_docs: list[str], other_first: str) -> tuple[str, bool]:
    """``(relative href, whether the other edition has this page)`` for the page ``docname``."""
    up = "../" * docname.count("/")
    exists = docname in other_docs
    return f"{up}{other_root}{docname if exists else other_first}.html", exists


def _add_switch(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if "body" not in context or doctree is None:
        return
    this = app.config.lang_switch_this
    hreflang, text, title_yes, title_no = EDITIONS[this]
    first, docs = toc_docnames(Path(app.srcdir) / app.config.lang_switch_other_toc)
    href, exists = switch_target(pagename, app.config.lang_switch_other_root, docs, first)
    title = title_yes if exists else title_no
    link = (
        f'<div class="lang-switch" style="text-align: right; font-size: 0.9em">'
        f'<a class="lang-switch-link" href="{html.escape(href)}" hreflang="{hreflang}" lang="{hreflang}" '
        f'title="{html.escape(title)}" data-counterpart="{"yes" if exists else "no"}">{text}</a></div>\n'
    )
    context["body"] = link + context["body"]
    if exists:
        context["metatags"] = context.get("metatags", "") + (
            f'\n<link rel="alternate" hreflang="{hreflang}" href="{html.escape(href)}" />'
        )


def _other_toc_changed(app: Any, env: Any, added: Any, changed: Any, removed: Any) -> list[str]:
    """Every page again when the other edition's table of contents changed: their switches may point elsewhere
    (an incremental build otherwise keeps a page's old switch, e.g. "not translated" after it was)."""
    path = Path(app.srcdir) / app.config.lang_switch_other_toc
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    if getattr(env, "lang_switch_other_toc_digest", None) == digest:
        return []
    env.lang_switch_other_toc_digest = digest
    return sorted(env.found_docs)


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("lang_switch_this", "en", "html", types=[str])
    app.add_config_value("lang_switch_other_toc", "zh/_toc.yml", "html", types=[str])
    app.add_config_value("lang_switch_other_root", "zh/", "html", types=[str])
    app.connect("html-page-context", _add_switch)
    app.connect("env-get-outdated", _other_toc_changed)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
