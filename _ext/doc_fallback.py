"""Sphinx extension for the Chinese edition: a ``{doc}`` link to a page it does not have opens the English page.

The Chinese edition (``zh/``) is built while its chapters are still being
translated, with ``only_build_toc_files``: a page that links a chapter the
edition does not have yet (``{doc}`13-variants``` in the glossary, say) would
fail the strict build with "unknown document". intersphinx cannot help as it
is, because it looks the target up as written ("13-variants"), and the English
inventory names the page by its full docname ("book/13-variants"). This
handler, run after intersphinx found nothing, joins the target with the linking
page's folder as Sphinx does for local ``{doc}`` links and asks intersphinx again,
so the link goes to the English page (with its English title when the role
gives none). A page that the edition has is resolved locally, before this runs.
"""

from __future__ import annotations

from typing import Any

from sphinx.ext.intersphinx import missing_reference
from sphinx.util import docname_join


def _english_doc(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    if node.get("refdomain") != "std" or node.get("reftype") != "doc" or ":" in node.get("reftarget", ""):
        return None
    joined = node.deepcopy()
    joined["reftarget"] = docname_join(node["refdoc"], node["reftarget"])
    return missing_reference(app, env, joined, contnode)


def setup(app: Any) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.intersphinx")
    # after intersphinx's own handler (priority 500), which tries the target as written
    app.connect("missing-reference", _english_doc, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
