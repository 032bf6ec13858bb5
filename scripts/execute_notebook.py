"""``jupytext --to ipynb --execute``, with the kernel's replies awaited in one-second slices.

    cd book && ../.venv/bin/python ../scripts/execute_notebook.py 04-forget-part.md

The arguments are jupytext's, and ``--to ipynb --execute`` is added when absent: the one command that
regenerates a chapter's paired notebook (``make notebooks-execute`` runs it for every chapter). The only
difference from the plain command is the guard of ``scripts/nbclient_guard.py``: jupytext runs nbconvert's
``ExecutePreprocessor`` with no timeout, and a lost wake-up there (caught once, chapter 4, 2026-12-02) waits
for ever; with the guard the reply is noticed within a second.
"""

from __future__ import annotations

import sys

import nbconvert.preprocessors
from jupytext.cli import jupytext
from nbclient_guard import SlicedShellPolls


class GuardedExecutePreprocessor(SlicedShellPolls, nbconvert.preprocessors.ExecutePreprocessor):
    """nbconvert's ExecutePreprocessor with the guard (jupytext imports it by name when it executes)."""


def main(argv: list[str]) -> int:
    args = list(argv)
    if "--execute" not in args:
        args.insert(0, "--execute")
    if "--to" not in args:
        args[:0] = ["--to", "ipynb"]
    nbconvert.preprocessors.ExecutePreprocessor = GuardedExecutePreprocessor
    return jupytext(args) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
