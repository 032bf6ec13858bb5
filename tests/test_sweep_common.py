"""scripts/sweep_common.py: what the sweep scripts share (their reruns are tested in the chapters' test modules)."""

from __future__ import annotations

import time

import pytest
from script_module import script_module

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def common():
    with script_module("sweep_common") as module:
        yield module


def test_one_deterministic_thread_restores_the_callers_settings(common):
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    with pytest.raises(RuntimeError, match="inside"), common.one_deterministic_thread():
        assert torch.get_num_threads() == 1 and torch.are_deterministic_algorithms_enabled()
        raise RuntimeError("a run that fails inside the block")
    assert (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()) == (threads, deterministic)


def test_report_written_counts_the_runs_made_now(common, capsys):
    rows = [{"cpu_seconds": 90.0}, {"cpu_seconds": 30.0}]
    common.report_written(rows, "out.csv", time.time())
    common.report_written(rows, "out.csv", time.time(), ran=rows[1:])
    first, second = capsys.readouterr().err.splitlines()
    assert first.startswith("wrote 2 runs to out.csv: 2.0 min of CPU time, ")
    assert second.startswith("wrote 2 runs to out.csv, 1 of them run now: 0.5 min of CPU time, ")
