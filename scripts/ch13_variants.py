"""Chapter 13's measurements: which parts of the LSTM matter, on two tasks, at one budget per variant.

    nice -n 10 python scripts/ch13_variants.py          # writes lstm_tutorial/datasets/ch13_variants.csv
    python scripts/ch13_variants.py --out other.csv

Every variant of ``lstm_tutorial.variants.VARIANTS`` is trained on both tasks
with seeds 0, 1 and 2. What is held equal, per task: the recipe (optimiser,
learning rate, schedule, steps, batches, data) and, nearly, the number of
parameters in the recurrent cell: each variant gets the hidden size whose cell
has the parameter count closest to the book's LSTM's
(``variants.matched_hidden_size``), so a cell with fewer gates gets more
units. Nothing is tuned per variant: every variant runs the recipe that suits
the book's LSTM (chapter 9's tuned setting, chapter 11's recipe). That is the
comparison's limit, and the chapter says so.

Task "memory": chapter 9's first-step task (``data.first_step_task``: a bit at
step 1, noise after it, the bit asked for at step T). The book's LSTM has 16
units (1,216 cell parameters); one sigmoid output neuron reads h_T;
8,000 training sequences (seed 1), 1,000 test sequences (seed 2); 800 Adam
updates (lr 0.01) on minibatches of 32, gradient norm clipped to 1; forget
bias 3 (chapter 9's tuned LSTM setting; the GRU's update-gate bias z, its
"keep" gate, gets the same; the RNN and the LSTM without forget gate have
none). For each seed T climbs 10, 20, 40, 80, 160 (``LADDER``) and stops at
the first length whose test accuracy is below 0.95: the seed's reach is the
bracket [longest learned, first failed), or "at least 160" when every length
was learned. This is coarser than chapter 9's bisection (where the tuned LSTM
learned 70-100). The first version of the ladder stopped at 40, where every
gated cell learned every length; ``--extend`` added the rungs 80 and 160 to
the existing file (each run is independent of the others, so that equals a
run from scratch).

Task "numbers": next-word prediction on human numbers (``data.human_numbers``,
split 80/20 into a training and a validation stream, 16-token windows,
batches of 64, state carried across batches, truncated BPTT, as in chapter
11), with one recurrent layer after an embedding of 64 numbers and a softmax
over the 30 tokens. The book's LSTM has 64 units (33,024 cell parameters).
AdamW (betas 0.9, 0.99, weight decay 0.01), one-cycle schedule peaking at
lr 0.01 (chapter 11's LSTM recipe), 10 epochs. Each row holds the final
validation accuracy.

Each row of the CSV is one training run: task, variant, seed, T (memory only),
hidden size, cell and total parameters, the held-out accuracy and mean loss,
the mean training loss of the last 50 updates, and the CPU seconds (the only
column that is not reproducible). Floats are written in full (``repr``), so a
rerun matches its row on the same library versions; ``tests/test_ch13_variants.py``
reruns the cheapest row. Everything runs in float32 on one thread.

Budget: 27 runs on human numbers (about 8 s of CPU each) and at most 135 on
the memory task (a run costs about 0.3 s of CPU per step of T: 3 s at T = 10,
25 s at 80, 45 s at 160); about 30 minutes of CPU on one core of the machine
the book was measured on, one process, one thread.
What is left out: per-variant tuning, more seeds, longer training, deeper
stacks, Greff et al.'s other tasks (speech, handwriting, music).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sweep_common import human_numbers_batches, report_written, write_rows

from lstm_tutorial import data
from lstm_tutorial import variants as va
from lstm_tutorial.train import _init_output

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "lstm_tutorial" / "datasets" / "ch13_variants.csv"

SEEDS = (0, 1, 2)
LEARNED = 0.95

# the memory task (chapter 9's)
MEM_H, MEM_D, MEM_STEPS, MEM_BATCH, MEM_LR, MEM_CLIP, MEM_FORGET_BIAS = 16, 2, 800, 32, 0.01, 1.0, 3.0
MEM_TRAIN, MEM_TEST = (8000, 1), (1000, 2)  # (sequences, data seed)
LADDER = (10, 20, 40, 80, 160)

# human numbers (chapter 11's)
NUM_H, NUM_E, NUM_SEQ, NUM_BATCH, NUM_LR, NUM_EPOCHS, NUM_WD = 64, 64, 16, 64, 0.01, 10, 0.01

FIELDS = ("task", "variant", "seed", "T", "hidden_size", "cell_params", "total_params",
          "accuracy", "loss", "train_loss", "cpu_seconds")


def hidden_size(task: str, variant: str) -> int:
    """The variant's hidden size on a task: cell parameters closest to the book's LSTM's."""
    H, D = (MEM_H, MEM_D) if task == "memory" else (NUM_H, NUM_E)
    budget = va.count_parameters(va.init_variant_params("lstm", D, H))
    return va.matched_hidden_size(variant, D, budget)


class Net(torch.nn.Module):
    """A variant's cell between an optional embedding and a linear read-out."""

    def __init__(self, variant: str, input_size: int, hidden: int, outputs: int, seed: int,
                 vocab: int | None = None, forget_bias: float | None = None) -> None:
        super().__init__()
        self.variant = variant
        self.cell = torch.nn.ParameterDict({
            k: torch.nn.Parameter(t) for k, t in
            va.init_variant_params(variant, input_size, hidden, seed, forget_bias=forget_bias).items()})
        W_y, b_y = _init_output(hidden, outputs, seed)
        self.W_y = torch.nn.Parameter(torch.tensor(W_y, dtype=torch.float32))  # (K, H)
        self.b_y = torch.nn.Parameter(torch.tensor(b_y, dtype=torch.float32))  # (K,)
        self.embed = None
        if vocab is not None:
            gen = torch.Generator().manual_seed(seed)
            self.embed = torch.nn.Parameter(torch.randn(vocab, input_size, generator=gen))  # (V, E), as nn.Embedding

    def forward(self, xs: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        if self.embed is not None:
            xs = self.embed[xs]  # (T, B) ids -> (T, B, E)
        hs, state = va.variant_sequence(self.variant, xs, state, dict(self.cell))  # (T, B, H)
        return torch.nn.functional.linear(hs, self.W_y, self.b_y), state  # (T, B, K)


def _count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _detach(state: Any) -> Any:
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def run_memory(variant: str, seed: int, T: int) -> dict[str, Any]:
    """Train one variant on the first-step task at length T; score it on the test sequences."""
    start = time.process_time()
    torch.manual_seed(seed)
    H = hidden_size("memory", variant)
    fb = None if variant in ("no_forget", "rnn") else MEM_FORGET_BIAS
    net = Net(variant, MEM_D, H, 1, seed, forget_bias=fb)
    xs, ys = (torch.tensor(a, dtype=torch.float32) for a in data.first_step_task(MEM_TRAIN[0], T, seed=MEM_TRAIN[1]))
    xt, yt = (torch.tensor(a, dtype=torch.float32) for a in data.first_step_task(MEM_TEST[0], T, seed=MEM_TEST[1]))
    opt = torch.optim.Adam(net.parameters(), lr=MEM_LR)
    gen = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(MEM_STEPS):
        idx = torch.randint(0, xs.shape[1], (MEM_BATCH,), generator=gen)
        logits, _ = net(xs[:, idx])  # (T, B, 1)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits[-1, :, 0], ys[idx])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), MEM_CLIP)
        opt.step()
        losses.append(loss.item())
    with torch.no_grad():
        z = net(xt)[0][-1, :, 0]  # (n,)
        test_loss = torch.nn.functional.binary_cross_entropy_with_logits(z, yt).item()
        acc = ((z > 0).float() == yt).float().mean().item()
    return {"task": "memory", "variant": variant, "seed": seed, "T": T, "hidden_size": H,
            "cell_params": va.count_parameters(dict(net.cell)), "total_params": _count(net),
            "accuracy": float(acc), "loss": float(test_loss), "train_loss": float(np.mean(losses[-50:])),
            "cpu_seconds": round(time.process_time() - start, 2)}


def run_numbers(variant: str, seed: int, epochs: int = NUM_EPOCHS) -> dict[str, Any]:
    """Train one variant on human numbers; its validation accuracy after the last epoch."""
    start = time.process_time()
    torch.manual_seed(seed)
    xs, ys, xv, yv, n_vocab = (torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in human_numbers_batches(NUM_SEQ, NUM_BATCH))
    H = hidden_size("numbers", variant)
    net = Net(variant, NUM_E, H, n_vocab, seed, vocab=n_vocab)
    opt = torch.optim.AdamW(net.parameters(), lr=NUM_LR, betas=(0.9, 0.99), weight_decay=NUM_WD)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=NUM_LR, total_steps=epochs * len(xs),
                                                pct_start=0.25, final_div_factor=1e5)
    losses = []
    for _ in range(epochs):
        state = None
        for x, y in zip(xs, ys):
            logits, state = net(x, state)  # (T, B, V)
            state = _detach(state)  # truncated BPTT: the memory goes on, the gradient stops
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, n_vocab), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
    right, total_loss, state = 0, 0.0, None
    with torch.no_grad():
        for x, y in zip(xv, yv):
            logits, state = net(x, state)
            right += int((logits.argmax(-1) == y).sum())
            total_loss += torch.nn.functional.cross_entropy(logits.reshape(-1, n_vocab), y.reshape(-1),
                                                            reduction="sum").item()
    return {"task": "numbers", "variant": variant, "seed": seed, "T": "", "hidden_size": H,
            "cell_params": va.count_parameters(dict(net.cell)), "total_params": _count(net),
            "accuracy": right / yv.numel(), "loss": total_loss / yv.numel(),
            "train_loss": float(np.mean(losses[-50:])), "cpu_seconds": round(time.process_time() - start, 2)}


def memory_chain(variant: str, seed: int) -> list[dict[str, Any]]:
    """Climb the ladder for one variant and seed; stop at the first length failed."""
    rows = []
    for T in LADDER:
        rows.append(run_memory(variant, seed, T))
        if rows[-1]["accuracy"] < LEARNED:
            break
    return rows


def reach(rows: Sequence[dict[str, Any]]) -> tuple[int, int | None]:
    """``(learned, failed)`` of one seed's memory rows: longest T learned below the first T failed."""
    ok = {int(r["T"]): float(r["accuracy"]) >= LEARNED for r in rows}
    failed = min((T for T, good in ok.items() if not good), default=None)
    learned = max((T for T, good in ok.items() if good and (failed is None or T < failed)), default=0)
    return learned, failed


def read_rows(path: Path | str = OUT) -> list[dict[str, Any]]:
    """The CSV's rows with numbers as numbers (``T`` None on human numbers)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["T"] = int(r["T"]) if r["T"] else None
        for key in ("seed", "hidden_size", "cell_params", "total_params"):
            r[key] = int(r[key])
        for key in ("accuracy", "loss", "train_loss", "cpu_seconds"):
            r[key] = float(r[key])
    return rows


def _log(row: dict[str, Any]) -> None:
    print(f"{row['task']:7s} {row['variant']:22s} seed {row['seed']} T = {row['T']!s:3s} H = {row['hidden_size']:3d} "
          f"accuracy {row['accuracy']:.3f}  ({row['cpu_seconds']:.1f} s)", file=sys.stderr, flush=True)


def _order(r: dict[str, Any]) -> tuple:
    """The order a run from scratch writes: task, seed, variant, T."""
    tasks = ["numbers", "memory"]
    return (tasks.index(r["task"]), r["seed"], list(va.VARIANTS).index(r["variant"]), r["T"] or 0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"CSV to write (default {OUT.relative_to(ROOT)})")
    parser.add_argument("--tasks", nargs="+", default=["numbers", "memory"], choices=["numbers", "memory"])
    parser.add_argument("--extend", action="store_true",
                        help="keep the --out file's rows and climb on where a memory chain learned its last rung "
                             "(after LADDER grew; every run is independent, so this equals a run from scratch)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    started = time.time()
    rows: list[dict[str, Any]] = []
    if args.extend:
        rows = read_rows(args.out)
        for r in rows:
            r["T"] = "" if r["T"] is None else r["T"]
        for seed in SEEDS:
            for variant in va.VARIANTS:
                chain = [r for r in rows if r["task"] == "memory" and r["variant"] == variant and r["seed"] == seed]
                for T in LADDER:
                    if chain and chain[-1]["accuracy"] < LEARNED:
                        break
                    if any(r["T"] == T for r in chain):
                        continue
                    chain.append(run_memory(variant, seed, T))
                    _log(chain[-1])
                    rows.append(chain[-1])
                    rows.sort(key=_order)
                    write_rows(rows, args.out, FIELDS)
        args.tasks = []
    for task in args.tasks:
        for seed in SEEDS:
            for variant in va.VARIANTS:
                new = [run_numbers(variant, seed)] if task == "numbers" else memory_chain(variant, seed)
                for row in new:
                    _log(row)
                rows.extend(new)
                write_rows(rows, args.out, FIELDS)  # after every run: a partial CSV survives an interruption
    report_written(rows, args.out, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
