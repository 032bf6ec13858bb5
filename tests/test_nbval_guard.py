"""book/conftest.py: a cell whose kernel reply is lost fails under nbval, naming the notebook and the cell.

A lost reply is simulated: the plugin below lets the second cell's
``execute_reply`` arrive, then tells nbval it timed out, which is what nbval
sees when the reply never comes. Without the guard nbval lets that cell pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

LOSE_SECOND_REPLY = '''
import time
from queue import Empty

import nbval.kernel

_original = nbval.kernel.RunningKernel.await_reply
_cells = []


def await_reply(self, msg_id, timeout=None):
    _original(self, msg_id, timeout)
    if timeout == 7:  # a cell's wait (--nbval-cell-timeout=7), not the kernel start's
        _cells.append(msg_id)
        if len(_cells) == 2:
            # the case the guard is for: the reply is lost but the cell's outputs did come on IOPub.
            # Give them time to arrive: on a loaded machine nbval once read the outputs before they
            # came, and the cell failed as "execution failed" instead (a fresh clone's make test).
            time.sleep(2)
            raise Empty


nbval.kernel.RunningKernel.await_reply = await_reply
'''


def _run(tmp_path: Path, guard: bool) -> subprocess.CompletedProcess:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in ("x = 2", "print(x + 1)", "print(x + 2)")]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="4\n")]
    for n, cell in enumerate(nb.cells, start=1):
        cell.execution_count = n
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "nb.ipynb")
    (tmp_path / "lose_reply.py").write_text(LOSE_SECOND_REPLY)
    if guard:
        shutil.copy(ROOT / "book" / "conftest.py", tmp_path / "conftest.py")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", "-p", "lose_reply",
         "--nbval", "--nbval-current-env", "--nbval-cell-timeout=7", "nb.ipynb"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )  # fmt: skip


def test_a_lost_reply_fails_naming_the_notebook_and_cell(tmp_path):
    without = _run(tmp_path, guard=False)
    assert without.returncode == 0, without.stdout + without.stderr  # nbval alone: a silent pass
    with_guard = _run(tmp_path, guard=True)
    assert with_guard.returncode == 1, with_guard.stdout + with_guard.stderr
    assert "nb.ipynb::Cell 1: no reply from the kernel within 7 s" in with_guard.stdout
    # nbval's own handling of what follows a timeout is kept: it expects the next cells to fail
    assert "1 failed, 1 passed, 1 xpassed" in with_guard.stdout
