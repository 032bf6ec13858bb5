"""What the sweep scripts share: chapter 11's batches of human numbers, torch held to one deterministic thread
for a run, and writing a sweep's rows as CSV with a summary line.

Imported by ``ch9_sweep.py``, ``ch11_language_model.py``, ``ch13_regularisation.py`` and
``ch13_variants.py`` (run as ``python scripts/<name>.py``, which puts this folder on ``sys.path``;
``tests/script_module.py`` does the same for the tests).
"""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from lstm_tutorial import data


def human_numbers_batches(seq_len: int, batch_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """``xs_train, ys_train, xs_valid, ys_valid, vocab_size``: chapter 11's human numbers, split and batched.

    The first 80% of the token stream trains, the rest validates, cut where a
    sequence of ``seq_len`` tokens ends; each part becomes ``(n, seq_len,
    batch_size)`` inputs and next-token targets (chapter 11 builds the same
    batches step by step).
    """
    tokens = data.human_numbers()
    vocab = data.human_numbers_vocab(tokens)
    ids = data.encode_tokens(tokens, vocab)
    train_ids, valid_ids = data.split_stream(ids, train_fraction=0.8, seq_len=seq_len)
    xs_train, ys_train = data.language_model_batches(train_ids, seq_len, batch_size)  # (49, 16, 64) for 16, 64
    xs_valid, ys_valid = data.language_model_batches(valid_ids, seq_len, batch_size)  # (12, 16, 64)
    return xs_train, ys_train, xs_valid, ys_valid, len(vocab)


def csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row as the CSV keeps it: Python floats by ``repr`` (every digit, so a rerun can be compared exactly)."""
    return {k: repr(v) if isinstance(v, float) and k != "cpu_seconds" else v for k, v in row.items()}


def write_rows(rows: Iterable[dict[str, Any]], path: Path, fields: Sequence[str]) -> None:
    """Write a sweep's rows to ``path`` with a header line, in the order given."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_row(r) for r in rows)


@contextmanager
def one_deterministic_thread() -> Iterator[None]:
    """torch on one thread with deterministic algorithms inside the block (the same numbers run after run); the
    caller's settings are restored after it."""
    import torch  # here, not at the top: ch9_sweep.py uses NumPy only

    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


def report_written(rows: Sequence[dict[str, Any]], path: Path, started: float,
                   ran: Sequence[dict[str, Any]] | None = None) -> None:
    """Say on stderr how many rows went to ``path`` and the CPU time of the runs (``ran``, default all rows)."""
    now = "" if ran is None else f", {len(ran)} of them run now"
    cpu = sum(r["cpu_seconds"] for r in (rows if ran is None else ran))
    print(f"wrote {len(rows)} runs to {path}{now}: {cpu / 60:.1f} min of CPU time, "
          f"{(time.time() - started) / 60:.1f} min wall", file=sys.stderr)
