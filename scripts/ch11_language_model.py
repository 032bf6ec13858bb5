"""Chapter 11's next-word comparison on human numbers: a 2-layer RNN and a 2-layer LSTM, five seeds each.

Chapter 11 repeats the setting of Howard and Gugger's chapter 12 (*Deep
Learning for Coders with fastai and PyTorch*): human numbers, the first four
fifths of the stream for training, sequences of 16 tokens in batches of 64
whose state carries from batch to batch, 15 epochs of one-cycle AdamW, peak
learning rate 0.003 for the RNN and 0.01 for the LSTM. Ten trainings take
about two minutes of CPU time, more than the chapter's page may spend, so
this script runs them with the chapter's own code (``lstm_tutorial.nextword``:
``NextWord``, ``fit``, ``accuracy``, ``detach``) and writes one row per
(setting, seed) to ``lstm_tutorial/datasets/ch11_language_model.csv``:

``setting`` (RNN or LSTM), ``kind`` (``rnn`` or ``lstm``), the peak ``lr``,
``seed``, ``epochs``, the validation accuracy after every epoch (``curve``,
space-separated, each float as Python's ``repr`` writes it, so it reads back
exactly), the ``final_accuracy`` (the curve's last value) and ``cpu_seconds``
(the only column a rerun does not reproduce).

    python scripts/ch11_language_model.py            # every run -> the CSV (about 2 minutes)
    python scripts/ch11_language_model.py --out /tmp/lm.csv

Every run uses one thread and deterministic algorithms, as the chapter does,
so it is repeatable on one machine (another CPU may round differently in the
last bits). The chapter reads the file for its table and figure, trains the
best LSTM seed again and asserts that its curve equals the file's row;
``tests/test_ch11_language_model.py`` checks the file holds every run.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sweep_common import human_numbers_batches, one_deterministic_thread, report_written, write_rows

from lstm_tutorial import nextword

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "lstm_tutorial" / "datasets" / "ch11_language_model.csv"

SETTINGS = {"RNN": ("rnn", 3e-3), "LSTM": ("lstm", 1e-2)}  # name: (kind, peak learning rate), the book's
SEEDS = range(5)
EPOCHS = 15
SEQ_LEN, BATCH = 16, 64
FIELDS = ("setting", "kind", "lr", "seed", "epochs", "curve", "final_accuracy", "cpu_seconds")


def run_one(setting: str, seed: int, epochs: int = EPOCHS) -> dict[str, Any]:
    """Train one setting for one seed on one CPU thread, deterministically: one row of the CSV."""
    kind, lr = SETTINGS[setting]
    start = time.process_time()
    with one_deterministic_thread():
        xs_train, ys_train, xs_valid, ys_valid, vocab_size = human_numbers_batches(SEQ_LEN, BATCH)
        _, history = nextword.fit(kind, vocab_size, xs_train, ys_train, xs_valid, ys_valid,
                                  lr=lr, seed=seed, epochs=epochs)
    return {
        "setting": setting, "kind": kind, "lr": lr, "seed": seed, "epochs": epochs,
        "curve": " ".join(repr(a) for a in history), "final_accuracy": repr(history[-1]),
        "cpu_seconds": round(time.process_time() - start, 2),
    }  # fmt: skip


def read_rows(path: Path | str = OUT) -> list[dict[str, Any]]:
    """The CSV's rows with numbers as numbers and ``curve`` as a list of floats."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["lr"], r["final_accuracy"], r["cpu_seconds"] = float(r["lr"]), float(r["final_accuracy"]), float(r["cpu_seconds"])
        r["seed"], r["epochs"] = int(r["seed"]), int(r["epochs"])
        r["curve"] = [float(a) for a in r["curve"].split()]
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"CSV to write (default {OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    started = time.time()
    rows = []
    for setting in SETTINGS:
        for seed in SEEDS:
            row = run_one(setting, seed)
            rows.append(row)
            print(f"{setting:4s} seed {seed}  final accuracy {float(row['final_accuracy']):.4f}  "
                  f"({row['cpu_seconds']:.1f} s)", file=sys.stderr, flush=True)
    write_rows(rows, args.out, FIELDS)
    report_written(rows, args.out, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
