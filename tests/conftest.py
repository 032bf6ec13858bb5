"""Fixtures shared by the unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def one_torch_thread() -> Iterator[None]:
    """Tiny models train on one torch thread: thread start-up costs more than the arithmetic, above all
    on a busy machine. A module opts in with ``pytestmark = pytest.mark.usefixtures("one_torch_thread")``."""
    import torch  # here, not at the top: most test modules never load torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
