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
  CDN on the published site, the vendored copy on the test site).
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

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


def setup(app: Any) -> dict[str, Any]:
    # late, so that the scripts other extensions add to this page are already there
    app.connect("html-page-context", _fix_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
