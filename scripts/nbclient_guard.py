"""Wait for a kernel's replies in one-second slices: a guard against a lost wake-up in nbclient's asyncio client.

Caught live on 2026-12-02 (notes at NBVAL in the Makefile): ``jupytext --execute`` of chapter 4 stopped for
ten minutes after a cell the kernel had finished. nbclient waited for the cell's ``execute_reply`` in one
``await shell_channel.get_msg(timeout=...)`` (no timeout at all under jupytext), while the reply sat in the
shell socket (``zmq.EVENTS`` had POLLIN) and the asyncio poll never woke for it.

pyzmq's asyncio poll looks at the socket's state when it starts (it reads ``zmq.EVENTS`` and takes a message
that is already there) and again when its timeout fires. So a wait cut into one-second polls notices a
reply whose wake-up was lost within a second, and a wait that is not lost costs nothing more: a reply wakes
the poll as before. The deadline is the caller's: ``get_msg(timeout=600)`` still raises ``queue.Empty``
after 600 s.

Used by this repository's nbclient users: ``scripts/notebook_budget.py``, ``zh/edition.py --figures`` and
``scripts/execute_notebook.py`` (jupytext's ``--execute`` with the guard). nbval's client is the blocking
one (``zmq_poll``), a different path: ``book/conftest.py`` bounds its stalls instead.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Awaitable, Callable
from typing import Any

from jupyter_core.utils import run_sync
from nbclient import NotebookClient

SLICE_S = 1.0  # the longest one poll of the shell channel waits

GetMsg = Callable[..., Awaitable[dict[str, Any]]]


def in_slices(get_msg: GetMsg, slice_s: float = SLICE_S) -> GetMsg:
    """``get_msg`` (an async channel's) that polls at most ``slice_s`` at a time, up to the caller's timeout."""

    async def get_msg_in_slices(timeout: float | None = None, **kwargs: Any) -> dict[str, Any]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = slice_s if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await get_msg(timeout=min(slice_s, left), **kwargs)
            except queue.Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return get_msg_in_slices


class SlicedShellPolls:
    """Mixin for an nbclient ``NotebookClient`` (or nbconvert's ``ExecutePreprocessor``): see the module."""

    async def async_start_new_kernel_client(self) -> Any:
        kc = await super().async_start_new_kernel_client()  # type: ignore[misc]
        kc.shell_channel.get_msg = in_slices(kc.shell_channel.get_msg)
        return kc

    # nbclient binds the synchronous name to its own coroutine; the sync setup_kernel() calls this one
    start_new_kernel_client = run_sync(async_start_new_kernel_client)


class GuardedNotebookClient(SlicedShellPolls, NotebookClient):
    """``nbclient.NotebookClient`` whose waits for ``execute_reply`` are cut into one-second polls."""
