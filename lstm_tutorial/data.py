"""Data sets and task generators of the book, shipped with the package.

Nothing here downloads anything: generators are seeded functions, and the
real data sets are small files inside ``lstm_tutorial/datasets/`` whose source
and licence are stated in the docstring of their loader.
"""

from __future__ import annotations

__all__: list[str] = []
