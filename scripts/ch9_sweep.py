"""Chapter 9's runs that a page should not train live: its first grid, and the fair test of a plain RNN against an LSTM.

    python scripts/ch9_sweep.py              # writes lstm_tutorial/datasets/ch9_sweep.csv
    python scripts/ch9_sweep.py --stages grid   # reruns the grid only, keeping the file's other rows
    python scripts/ch9_sweep.py --jobs 1     # in this process (default 2 workers: one per core)
    python scripts/ch9_sweep.py --out other.csv

Every run is chapter 9's ``run``: ``lstm_tutorial.train.first_step_experiment``,
with its defaults, the chapter's budget: the first-step task (a bit at step 1,
noise after it, the bit asked for at step T), 8,000 training sequences
(``first_step_task(8000, T, seed=1)``), 16 hidden units, one sigmoid output
neuron on h_T, 800 Adam updates on minibatches of 32, gradient norm clipped to
1, NumPy backend, one BLAS thread. Only the start (``init_model``), the
learning rate, the seed and the held-out sequences change from run to run. A
run *learns* T when its held-out accuracy is at least 0.95.

Stage "grid" (seed 0, test sequences ``first_step_task(1000, T, seed=2)``):
the chapter's first experiments, the plain RNN and the LSTM with forget bias
0, 1 and 3 (default start, learning rate 0.003) at T = 5, 10, 20, 50 and 100.
The chapter reads their accuracies from the CSV and trains again only the
three networks at T = 100 that it looks inside, checking them against their
rows.

The fair test runs in two stages, "tune" and "reach" (``--stages fair``).

Stage 1, tuning (seed 0, validation sequences ``first_step_task(1000, T, seed=3)``):
nine RNN settings (initialisation x learning rate) and nine LSTM settings
(forget bias x learning rate), each trained at T = 20, 40 and 80. A
setting's score is its mean validation accuracy over the three lengths (ties:
the lower mean validation loss). The best RNN and the best LSTM go on.

Stage 2, reach (seeds 1, 2 and 3, test sequences ``first_step_task(1000, T, seed=2)``):
the two tuned settings, and the chapter's first settings (RNN with the default
initialisation and LSTM with forget bias 1, both at learning rate 0.003) for
reference. For each seed, T climbs 10, 20, 40, 80, 160 until a run fails
(below 0.95; if T = 10 fails, T = 5 is tried), then bisects between the
longest T learned and the shortest T failed until they are within 25% of
each other. The bracket [learned, failed) is that seed's measured reach.

Each row of the CSV is one training run: which stage, the setting, the seed,
T, the held-out split, its accuracy and mean loss (binary cross-entropy), the
mean training loss of the last 50 updates, and the CPU seconds the run took
(the only column that is not reproducible). Floats are written in full
(``repr``), so a rerun of any row matches it bit for bit on the same
library versions; ``tests/test_ch9_sweep.py`` reruns the cheapest row.

With ``--stages``, only the stages named are run; the rows of the others are
copied from the CSV at ``--out``.

What is left out: more seeds, longer training, larger networks, other tasks.
Everything here is the chapter's single task and single budget.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import multiprocessing
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from sweep_common import report_written, write_rows
from threadpoolctl import threadpool_limits

from lstm_tutorial import train as tr

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "lstm_tutorial" / "datasets" / "ch9_sweep.csv"

H = 16  # hidden units; the rest of the budget is first_step_experiment's defaults
HELD_OUT_SEED = {"test": 2, "validation": 3}  # seeds of first_step_task's held-out sequences
LEARNED = 0.95  # a run "learns" T at this held-out accuracy or above

LRS = (0.001, 0.003, 0.01)
RNN_INITS = ("uniform", "orthogonal", "identity")
FORGET_BIASES = (1.0, 3.0, 5.0)
TUNE_LENGTHS = (20, 40, 80)
TUNE_SEED = 0
REACH_SEEDS = (1, 2, 3)
LADDER = (10, 20, 40, 80, 160)
GRID_LENGTHS = (5, 10, 20, 50, 100)
GRID_SEED = 0
RESOLUTION = 1.25  # bisect until failed / learned <= this

FIELDS = ("stage", "model", "kind", "init", "forget_bias", "lr", "seed", "T", "split",
          "accuracy", "loss", "train_loss", "cpu_seconds")


class Setting(NamedTuple):
    """One point of the search: which cell, how it starts, how fast it learns."""

    kind: str  # "rnn" or "lstm"
    init: str  # "uniform" (the package's default), "orthogonal" or "identity" (RNN only)
    forget_bias: float | None  # LSTM only
    lr: float

    @property
    def label(self) -> str:
        if self.kind == "rnn":
            return f"RNN, {self.init}, lr {self.lr:g}"
        return f"LSTM, b_f = {self.forget_bias:g}, lr {self.lr:g}"


RNN_GRID = tuple(Setting("rnn", init, None, lr) for init in RNN_INITS for lr in LRS)
LSTM_GRID = tuple(Setting("lstm", "uniform", fb, lr) for fb in FORGET_BIASES for lr in LRS)
FIRST_SETTINGS = (Setting("rnn", "uniform", None, 0.003), Setting("lstm", "uniform", 1.0, 0.003))
GRID_SETTINGS = (FIRST_SETTINGS[0],) + tuple(Setting("lstm", "uniform", fb, 0.003) for fb in (0.0, 1.0, 3.0))


def init_model(setting: Setting, seed: int, input_size: int = 2, hidden_size: int = H) -> dict[str, Any]:
    """The classifier of ``tr.init_classifier``, with the RNN's recurrent weights replaced if asked.

    ``"orthogonal"``: ``W_h`` is the Q of a QR factorisation of a standard
    normal ``(H, H)`` matrix drawn from ``np.random.default_rng([seed, 2])``
    (signs fixed so the draw is unique), and ``b_h = 0``; every singular value
    of ``W_h`` is 1. ``"identity"``: ``W_h = I`` and ``b_h = 0`` (Le et al.
    2015's IRNN start, here with the package's tanh instead of ReLU). ``W_x``
    keeps the package's uniform draw.
    """
    model = tr.init_classifier(setting.kind, input_size, hidden_size, seed=seed, forget_bias=setting.forget_bias)
    cell = model["cell"]
    if setting.init == "orthogonal":
        gauss = np.random.default_rng([seed, 2]).standard_normal((hidden_size, hidden_size))  # (H, H)
        q, r = np.linalg.qr(gauss)
        cell.W_h[:] = q * np.sign(np.diag(r))  # (H, H), orthogonal
        cell.b_h[:] = 0.0
    elif setting.init == "identity":
        cell.W_h[:] = np.eye(hidden_size)  # (H, H)
        cell.b_h[:] = 0.0
    elif setting.init != "uniform":
        raise ValueError(f"init: expected 'uniform', 'orthogonal' or 'identity', got {setting.init!r}")
    return model


def run_one(setting: Setting, T: int, seed: int, split: str, stage: str = "") -> dict[str, Any]:
    """Train one model at length T and score it on held-out sequences: one row of the CSV."""
    start = time.process_time()
    with threadpool_limits(limits=1, user_api="blas"):
        model = init_model(setting, seed)
        history, accuracy, loss = tr.first_step_experiment(
            model, T, held_out_seed=HELD_OUT_SEED[split], lr=setting.lr, seed=seed)
    return {
        "stage": stage, "model": setting.label, "kind": setting.kind, "init": setting.init,
        "forget_bias": "" if setting.forget_bias is None else setting.forget_bias, "lr": setting.lr,
        "seed": seed, "T": T, "split": split, "accuracy": accuracy, "loss": loss,
        "train_loss": float(np.mean(history["loss"][-50:])),
        "cpu_seconds": round(time.process_time() - start, 2),
    }


def _tune_job(job: tuple[Setting, int]) -> dict[str, Any]:
    setting, T = job
    return run_one(setting, T, TUNE_SEED, "validation", stage="tune")


def _grid_job(job: tuple[Setting, int]) -> dict[str, Any]:
    setting, T = job
    return run_one(setting, T, GRID_SEED, "test", stage="grid")


def best_setting(rows: Iterable[dict[str, Any]], grid: Sequence[Setting]) -> Setting:
    """The setting of ``grid`` with the highest mean validation accuracy (ties: lowest mean loss)."""
    rows = list(rows)

    def score(s: Setting) -> tuple[float, float]:
        mine = [r for r in rows if r["model"] == s.label]
        if len(mine) != len(TUNE_LENGTHS):
            raise ValueError(f"rows: expected {len(TUNE_LENGTHS)} tuning runs of {s.label!r}, got {len(mine)}")
        return (-float(np.mean([r["accuracy"] for r in mine])), float(np.mean([r["loss"] for r in mine])))

    return min(grid, key=score)


def climb(learns: Callable[[int], bool]) -> tuple[int, int | None]:
    """The search for one seed's reach: ``(learned, failed)``, calling ``learns(T)`` for each length tried.

    T climbs ``LADDER`` until a length fails (if the first fails, T = 5 is
    tried), then bisects between the longest length learned and the shortest
    failed until ``failed / learned <= RESOLUTION``. ``failed`` is None if
    every rung was learned; ``learned`` is 0 if nothing was.
    """
    learned, failed = 0, None
    for T in LADDER:
        if not learns(T):
            failed = T
            break
        learned = T
    if failed == LADDER[0]:
        learned = 5 if learns(5) else 0
    while failed is not None and learned > 0 and failed / learned > RESOLUTION and failed - learned > 1:
        mid = (learned + failed) // 2
        if learns(mid):
            learned = mid
        else:
            failed = mid
    return learned, failed


def reach_chain(job: tuple[Setting, int]) -> list[dict[str, Any]]:
    """Train and score every length that ``climb`` tries for one setting and seed: the rows, in order."""
    setting, seed = job
    rows: list[dict[str, Any]] = []

    def learns(T: int) -> bool:
        rows.append(run_one(setting, T, seed, "test", stage="reach"))
        return rows[-1]["accuracy"] >= LEARNED

    climb(learns)
    return rows


def bracket(rows: Iterable[dict[str, Any]]) -> tuple[int, int | None]:
    """``(learned, failed)`` of one seed's reach rows: the shortest T failed and the longest shorter T learned.

    ``failed`` is None when every length tried was learned; ``learned`` is 0
    when every length tried failed.
    """
    ok = {int(r["T"]): float(r["accuracy"]) >= LEARNED for r in rows}
    failed = min((T for T, good in ok.items() if not good), default=None)
    learned = max((T for T, good in ok.items() if good and (failed is None or T < failed)), default=0)
    return learned, failed


def read_rows(path: Path | str = OUT) -> list[dict[str, Any]]:
    """The CSV's rows with numbers as numbers (``forget_bias`` None for the RNN)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["forget_bias"] = float(r["forget_bias"]) if r["forget_bias"] else None
        for key in ("lr", "accuracy", "loss", "train_loss", "cpu_seconds"):
            r[key] = float(r[key])
        for key in ("seed", "T"):
            r[key] = int(r[key])
    return rows


def setting_of(row: dict[str, Any]) -> Setting:
    """The ``Setting`` that produced a row of the CSV."""
    fb = row["forget_bias"]
    return Setting(row["kind"], row["init"], None if fb in (None, "") else float(fb), float(row["lr"]))


def _as_written(row: dict[str, Any]) -> dict[str, Any]:
    """A row of ``read_rows`` as ``run_one`` returned it (``forget_bias`` "" for the RNN), to write again."""
    return {**row, "forget_bias": "" if row["forget_bias"] is None else row["forget_bias"]}


def _log(row: dict[str, Any]) -> None:
    print(f"{row['stage']:5s} {row['model']:28s} seed {row['seed']} T = {row['T']:3d}  "
          f"accuracy {row['accuracy']:.3f}  ({row['cpu_seconds']:.1f} s)", file=sys.stderr, flush=True)


def _grid(pool: Any) -> list[dict[str, Any]]:
    """Stage "grid": every setting of ``GRID_SETTINGS`` at every length of ``GRID_LENGTHS``."""
    jobs = sorted(((s, T) for s in GRID_SETTINGS for T in GRID_LENGTHS),
                  key=lambda j: -j[1] * (4 if j[0].kind == "lstm" else 1))  # longest first
    rows = []
    for row in pool.imap_unordered(_grid_job, jobs):
        _log(row)
        rows.append(row)
    order = {s.label: k for k, s in enumerate(GRID_SETTINGS)}
    return sorted(rows, key=lambda r: (order[r["model"]], r["T"]))


def _fair(pool: Any) -> list[dict[str, Any]]:
    """Stages "tune" and "reach": the search, then the reach of the chosen and the first settings."""
    tune_jobs = sorted(((s, T) for s in RNN_GRID + LSTM_GRID for T in TUNE_LENGTHS),
                       key=lambda j: -j[1] * (4 if j[0].kind == "lstm" else 1))  # longest first
    tune_rows = []
    for row in pool.imap_unordered(_tune_job, tune_jobs):
        _log(row)
        tune_rows.append(row)
    chosen = [best_setting(tune_rows, RNN_GRID), best_setting(tune_rows, LSTM_GRID)]
    print(f"tuned: {chosen[0].label}; {chosen[1].label}", file=sys.stderr, flush=True)
    settings = chosen + [s for s in FIRST_SETTINGS if s not in chosen]
    chains = sorted(((s, seed) for s in settings for seed in REACH_SEEDS), key=lambda j: j[0].kind != "lstm")
    reach_rows = []
    for rows in pool.imap_unordered(reach_chain, chains):
        for row in rows:
            _log(row)
        reach_rows.extend(rows)
    order = {s.label: k for k, s in enumerate(RNN_GRID + LSTM_GRID)}
    tune_rows.sort(key=lambda r: (order[r["model"]], r["T"]))
    reach_rows.sort(key=lambda r: (order[r["model"]], r["seed"], r["T"]))
    return tune_rows + reach_rows


STAGES = {"grid": ("grid",), "fair": ("tune", "reach")}  # --stages name -> the CSV's stage column


class _InProcess:
    """``--jobs 1``: the pool's one method, running every job here, in order."""

    def imap_unordered(self, fn: Callable[[Any], Any], jobs: Iterable[Any]) -> Iterable[Any]:
        return map(fn, jobs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"CSV to write (default {OUT.relative_to(ROOT)})")
    parser.add_argument("--stages", nargs="+", choices=tuple(STAGES), default=list(STAGES),
                        help="stages to run (default all); the other stages' rows are kept from --out")
    args = parser.parse_args(argv)
    started = time.time()
    new: dict[str, list[dict[str, Any]]] = {}
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters: no BLAS threads inherited through fork
    with contextlib.nullcontext(_InProcess()) if args.jobs == 1 else ctx.Pool(args.jobs) as pool:
        if "grid" in args.stages:
            new["grid"] = _grid(pool)
        if "fair" in args.stages:
            new["fair"] = _fair(pool)
    kept = {}
    if set(STAGES) - set(args.stages) and args.out.exists():
        old = read_rows(args.out)
        for name in set(STAGES) - set(args.stages):
            kept[name] = [_as_written(r) for r in old if r["stage"] in STAGES[name]]
    rows = [r for name in STAGES for r in new.get(name, kept.get(name, []))]  # the chapter's order
    write_rows(rows, args.out, FIELDS)
    ran = [r for part in new.values() for r in part]
    report_written(rows, args.out, started, ran)
    return 0


if __name__ == "__main__":
    sys.exit(main())
