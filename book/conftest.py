"""nbval guard: a cell whose reply never came fails, naming the notebook and the cell.

nbval waits for a cell's ``execute_reply`` on the kernel's shell channel for
``--nbval-cell-timeout`` seconds. If that reply is late or lost while the
cell's outputs did arrive on IOPub, nbval interrupts the (idle) kernel, reads
the outputs, compares them and lets the cell pass: the run just stalls for the
whole timeout and goes on, and nothing says where. This hook turns that case
into a failure that says which notebook, which cell and how long it waited.
See the comment at ``NBVAL`` in the Makefile for what is known of the cause.
"""

from __future__ import annotations

import time

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    notebook = getattr(item, "parent", None)
    if not hasattr(notebook, "timed_out"):  # not an nbval cell
        return (yield)
    # nbval never resets the flag: once a cell timed out it marks every later cell xfail. So only a
    # flag raised during this cell counts, and nbval's own handling of later cells stays as it is.
    already = notebook.timed_out
    start = time.monotonic()
    result = yield
    if notebook.timed_out and not already:
        timeout = float(item.config.getoption("nbval_cell_timeout"))
        pytest.fail(
            f"{item.nodeid}: no reply from the kernel within {timeout:g} s (--nbval-cell-timeout); "
            f"the cell's outputs arrived and match, so the kernel stalled after running it "
            f"({time.monotonic() - start:.0f} s lost; see the note at NBVAL in the Makefile)",
            pytrace=False,
        )
    return result
