"""Sphinx extension: small fixes to the book's web pages, found by tests/browser/test_site.py.

* Jupyter Book 1 adds sphinx-thebe's inline configuration script twice, so every
  page threw "Identifier 'THEBE_JS_URL' has already been declared". Identical
  script entries are kept once.
* On pages with saved ipywidgets, the ipywidgets HTML manager (1.x, what myst-nb
  loads) typesets widget labels with the MathJax 2 API (``MathJax.Hub.Queue``)
  while the book loads MathJax 3: an uncaught TypeError. A few lines forward those
  calls to MathJax 3. The manager also fetches its icon fonts from a folder that
  RequireJS resolves against the page (404s): a RequireJS configuration, set before
  RequireJS loads, points that folder at the one the manager is loaded from (the
  site's own copy, _static/_vendor/html-manager).
* Code cells end in rows of ``glue(...)`` calls that hand numbers to the prose: the
  reader does not need them on the page (the notebook keeps them). The trailing
  ``glue`` calls of a code cell (and ``for`` loops of nothing but ``glue`` calls, and
  those that end the body of a last ``for``/``while``/``with`` block) are cut from the
  code shown; a cell of nothing but ``glue`` calls loses its code block.
"""

from __future__ import annotations

import ast
import json
import posixpath
from typing import Any

from docutils import nodes

# Read by RequireJS when it loads (a global `require` object is its configuration).
REQUIRE_CONFIG_JS = 'var require = {paths: {"@jupyter-widgets/html-manager/dist": %s}};'

MATHJAX_BRIDGE_JS = r"""(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (mj && !mj.Hub && mj.startup && String(mj.version || "").charAt(0) === "3") {
      mj.Hub = {Queue: function (job) {
        var el = job && job[2];
        mj.startup.promise.then(function () { return mj.typesetPromise(el ? [el] : undefined); })
          .catch(function (err) { console.warn("MathJax: a widget label was not typeset", err); });
      }};
    }
  });
})();"""


def _key(js: Any) -> tuple[str, tuple[tuple[str, str], ...]]:
    attributes = getattr(js, "attributes", None) or {}
    return str(getattr(js, "filename", js) or ""), tuple(sorted((k, str(v)) for k, v in attributes.items()))


def _fix_page(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    scripts = context.get("script_files")
    if scripts is None:
        return
    manager = next((str(js.filename) for js in scripts if "embed-amd.js" in str(getattr(js, "filename", ""))), None)
    if manager:
        url = manager if "://" in manager else context["pathto"](manager, resource=True)
        dist = posixpath.dirname(url.split("?")[0])
        # myst-nb adds RequireJS and then the manager at the default priority, 500
        app.add_js_file(None, body=REQUIRE_CONFIG_JS % json.dumps(dist), priority=499)
        app.add_js_file(None, body=MATHJAX_BRIDGE_JS, priority=900)
    seen, unique = set(), []
    for js in scripts:
        key = _key(js)
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique  # in place: Sphinx and other extensions hold this list


def _glue_only(stmt: ast.stmt) -> bool:
    """``glue(...)``, or a ``for`` loop of nothing but such calls."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        func = stmt.value.func
        return isinstance(func, ast.Name) and func.id == "glue"
    if isinstance(stmt, ast.For) and not stmt.orelse:
        return all(_glue_only(s) for s in stmt.body)
    return False


def _kept_end(body: list[ast.stmt]) -> int:
    """The last line to keep of ``body``: before its trailing ``glue`` calls, also those that end
    the body of a last ``for``/``while``/``with`` block; 0 when nothing is left."""
    n = len(body)
    while n and _glue_only(body[n - 1]):
        n -= 1
    if not n:
        return 0
    last = body[n - 1]
    if isinstance(last, (ast.For, ast.While, ast.With)) and not getattr(last, "orelse", None):
        inner = _kept_end(last.body)
        if inner:  # a block of nothing but glue calls is kept whole (a glue-only loop went above)
            return inner
    return last.end_lineno or 0


def without_trailing_glue(code: str) -> str | None:
    """``code`` without the ``glue`` calls that end it; None when none end it (or it is not Python).

    Also the ``glue`` calls that end the body of a last ``for``/``while``/``with``
    block. The comments and blank lines just before those calls go with them;
    "" when nothing else is left.
    """
    try:
        body = ast.parse(code).body
    except SyntaxError:  # IPython magics: shown as written
        return None
    if not body:
        return None
    end = _kept_end(body)
    if end == body[-1].end_lineno:
        return None
    keep = code.splitlines()[:end]
    while keep and (not keep[-1].strip() or keep[-1].lstrip().startswith("#")):
        keep.pop()
    return "\n".join(keep)


def _nb_element(node: nodes.Node, name: str) -> bool:
    return isinstance(node, nodes.Element) and node.get("nb_element") == name


def _hide_glue(app: Any, doctree: nodes.document) -> None:
    for source in list(doctree.findall(lambda n: _nb_element(n, "cell_code_source"))):
        for block in source.findall(nodes.literal_block):
            code = without_trailing_glue(block.astext())
            if code is None:
                continue
            if code:
                block.clear()
                block += nodes.Text(code)
                block.rawsource = code
            else:
                cell = source.parent
                cell.remove(source)
                if not any(_nb_element(c, "cell_code_output") for c in cell.children):
                    cell.parent.remove(cell)
            break


def setup(app: Any) -> dict[str, Any]:
    app.connect("doctree-read", _hide_glue)
    # late, so that the scripts other extensions add to this page are already there
    app.connect("html-page-context", _fix_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
