"""The machine a measurement ran on, for the project's measuring scripts.

``benchmarks/bench_lstm.py`` and ``scripts/notebook_budget.py`` print this
beside their timings, so a table says where its numbers come from. Not part
of the reader's API (the module is private); it lives in the package only so
that both scripts can import it without path tricks.
"""

from __future__ import annotations

import platform


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo`` (Linux), else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
