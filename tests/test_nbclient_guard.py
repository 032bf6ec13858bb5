"""scripts/nbclient_guard.py and scripts/execute_notebook.py: a kernel's reply is noticed even when a poll's
wake-up is lost, and the caller's timeout still holds."""

from __future__ import annotations

import asyncio
import queue
import time

import pytest
from script_module import script_module


@pytest.fixture(scope="module")
def guard():
    with script_module("nbclient_guard") as module:
        yield module


class LostWakeUp:
    """A shell channel whose first poll never wakes: the reply arrives while it waits, and only a fresh poll sees it.

    That is what was caught live: nbclient's single ``get_msg(timeout=None)`` would wait for ever.
    """

    def __init__(self, reply_after_s: float = 0.05):
        self.timeouts: list[float | None] = []
        self.arrives = time.monotonic() + reply_after_s

    async def get_msg(self, timeout: float | None = None) -> dict:
        self.timeouts.append(timeout)
        if len(self.timeouts) > 1 and time.monotonic() >= self.arrives:
            return {"msg_type": "execute_reply"}  # a new poll looks at the socket at once
        if timeout is None:
            await asyncio.sleep(3600)  # the lost wake-up: nothing ends this wait but a timeout
        await asyncio.sleep(timeout)
        raise queue.Empty


def test_a_reply_whose_wake_up_was_lost_is_noticed_by_the_next_slice(guard):
    channel = LostWakeUp()
    get_msg = guard.in_slices(channel.get_msg, slice_s=0.1)
    t0 = time.monotonic()
    assert asyncio.run(get_msg(timeout=None)) == {"msg_type": "execute_reply"}
    assert time.monotonic() - t0 < 1.0  # one slice, not the hour the first poll would have waited
    assert channel.timeouts == [0.1, 0.1]


def test_the_callers_timeout_still_ends_the_wait(guard):
    channel = LostWakeUp(reply_after_s=3600)  # no reply at all
    get_msg = guard.in_slices(channel.get_msg, slice_s=0.1)
    t0 = time.monotonic()
    with pytest.raises(queue.Empty):
        asyncio.run(get_msg(timeout=0.35))
    waited = time.monotonic() - t0
    assert 0.35 <= waited < 1.0
    assert len(channel.timeouts) == 4 and max(channel.timeouts) <= 0.1  # 0.1, 0.1, 0.1 and what was left
    assert channel.timeouts[-1] == pytest.approx(0.05, abs=0.04)


def test_execute_notebook_runs_jupytext_with_the_guard(guard, tmp_path, monkeypatch):
    """The jupytext path: nbconvert's ExecutePreprocessor (sync setup_kernel) gets its shell polls sliced."""
    nbformat = pytest.importorskip("nbformat")
    wrapped: list[str] = []
    original = guard.in_slices

    def counting_in_slices(get_msg, slice_s=guard.SLICE_S):
        wrapped.append(type(get_msg.__self__).__name__)  # the kernel client's shell channel
        return original(get_msg, slice_s)

    monkeypatch.setattr(guard, "in_slices", counting_in_slices)
    page = tmp_path / "page.md"
    page.write_text("---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
                    "kernelspec:\n  display_name: Python 3 (ipykernel)\n  language: python\n  name: python3\n"
                    "---\n\n```{code-cell} ipython3\nprint(6 * 7)\n```\n")
    with script_module("execute_notebook") as execute_notebook:
        assert execute_notebook.main([str(page)]) == 0
    nb = nbformat.read(tmp_path / "page.ipynb", as_version=4)
    assert nb.cells[0].outputs[0]["text"] == "42\n"
    assert wrapped == ["AsyncZMQSocketChannel"]
