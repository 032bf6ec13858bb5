"""Small notebook conveniences for the book's pages.

``glue`` stores a computed number under a name, so the prose can quote it
(``{glue:text}`name:.3f```) instead of typing it in. It uses myst-nb's glue
when myst-nb is installed (the book build) and does nothing visible elsewhere
(Colab, a plain Jupyter), so every chapter runs in both.
"""

from __future__ import annotations

from typing import Any

__all__ = ["glue"]


def glue(name: str, value: Any, display: bool = False) -> None:
    """Store ``value`` under ``name`` for the page's prose.

    Used in chapters 1-11, for every number the prose quotes.

    Returns None, so a ``glue(...)`` call on a cell's last line adds no output.

    Parameters
    ----------
    name : str
        Key used in the prose, e.g. ``{glue:text}`h1:.4f```.
    value : any
        Usually a Python float (convert NumPy scalars with ``float``).
    display : bool, default False
        Also show the value in the cell's output.
    """
    try:
        from myst_nb import glue as _glue
    except ImportError:  # no book tooling: keep the value, show it only if asked
        if display:
            from IPython.display import display as _display

            _display(value)
        return
    _glue(name, value, display=display)
