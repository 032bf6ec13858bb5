"""Choose chapter 11's CO2 forecaster on a validation period, never on the test years.

Chapter 11 holds out 1998-2001 (the last 48 months) as its test period. Its
LSTM has four settings a reader could tune: the hidden size, the window
length of the training sequences, the peak learning rate and the number of
epochs. This script picks them without looking at 1998-2001: it carves a
*validation* period out of the end of the training years,

* fit on 1958-03 .. 1993-12 (the first ``len(co2) - 96`` months),
* validate on 1994-01 .. 1997-12 (the next 48 months),

trains every configuration of a small grid with several seeds, and scores
each run on the validation months exactly as the chapter scores the test
months: the mean absolute error (ppmv) of the one-step forecasts (each month
from the true months before it) and of the 48-month forecast (all of
1994-1997 from December 1993, each predicted change fed back in).

The chosen configuration is the one with the lowest mean, over seeds, of the
two validation MAEs averaged: ``(val_mae_1 + val_mae_48) / 2``. Chapter 11
loads the CSV, picks the row the same way, retrains that configuration on all
of 1958-1997 and only then looks at the test years.

The grid (36 configurations x 3 seeds, 108 trainings) takes far longer than
the chapter's budget of 180 s, so it lives here and its output,
``lstm_tutorial/datasets/co2_validation_grid.csv``, ships with the package.
``tests/test_ch11_validation_grid.py`` reruns one row and checks it matches.

    python scripts/co2_validation_grid.py            # the whole grid -> the CSV
    python scripts/co2_validation_grid.py --jobs 2   # two worker processes

The model and its training are the chapter's: ``Forecaster``,
``scaled_changes``, ``train_forecaster`` and ``forecasts`` are the functions
chapter 11 defines (there ``train_forecaster`` also moves a progress bar);
the chapter reruns the chosen row itself and asserts it matches this file.
Every run uses one thread and deterministic algorithms, so it is repeatable
on one machine; another CPU may round differently in the last bits.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import torch

from lstm_tutorial import data

ROOT = Path(__file__).resolve().parent.parent
CSV_PATH = ROOT / "lstm_tutorial" / "datasets" / "co2_validation_grid.csv"

N_TEST = 48  # 1998-2001: the chapter's test months, never used here
N_VALID = 48  # 1994-1997: the validation months, the last of the training years

HIDDEN = (16, 32, 64)
WINDOW = (24, 48)
LR = (3e-3, 1e-2, 3e-2)
EPOCHS = (150, 300)
SEEDS = (0, 1, 2)
FIELDS = ("hidden", "window", "lr", "epochs", "seed", "val_mae_1", "val_mae_48")


class Forecaster(torch.nn.Module):
    """One LSTM layer and, at every step, one linear output neuron (a change)."""

    def __init__(self, hidden: int = 32):
        super().__init__()
        self.lstm = torch.nn.LSTM(1, hidden)
        self.out = torch.nn.Linear(hidden, 1)

    def forward(self, x, state=None):  # x: (T, B, 1) or (T, 1)
        hs, state = self.lstm(x, state)
        return self.out(hs), state


def scaled_changes(series: np.ndarray, n_fit: int) -> tuple[np.ndarray, float, float]:
    """Monthly changes ``d[j] = series[j + 1] - series[j]`` scaled by the first ``n_fit`` months only.

    Returns ``z`` of shape (N - 1,), and the ``mu`` and ``sd`` of the changes
    inside the fitting months, so ``d = z * sd + mu``.
    """
    d = np.diff(series)  # (N - 1,)
    mu, sd = float(d[: n_fit - 1].mean()), float(d[: n_fit - 1].std())
    return (d - mu) / sd, mu, sd


def train_forecaster(z_fit: np.ndarray, hidden: int, window: int, lr: float, epochs: int, seed: int) -> Forecaster:
    """Train on every window of ``z_fit`` at once (full batch), Adam with a one-cycle schedule."""
    torch.manual_seed(seed)
    model = Forecaster(hidden)
    inputs, targets = data.forecast_windows(z_fit, length=window)  # (window, W, 1) each
    X = torch.tensor(inputs, dtype=torch.float32)
    Y = torch.tensor(targets, dtype=torch.float32)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs)
    for _ in range(epochs):
        pred, _ = model(X)
        loss = torch.nn.functional.mse_loss(pred, Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return model


def forecasts(
    model: Forecaster, series: np.ndarray, z: np.ndarray, mu: float, sd: float, start: int, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """Forecast ``series[start : start + horizon]`` one step ahead and all at once from ``series[start - 1]``."""
    months = np.arange(start, start + horizon)
    zt = torch.tensor(z[: start + horizon - 1], dtype=torch.float32)[:, None]  # (T, 1), unbatched
    with torch.no_grad():
        pred, _ = model(zt)  # pred[j] predicts z[j + 1] = the change into month j + 2
        d_hat = pred[:, 0].numpy() * sd + mu
        one_step = series[months - 1] + d_hat[months - 2]  # (horizon,)
        pred, state = model(zt[: start - 1])  # the changes up to month start - 1 only
        level, recursive = series[start - 1], []
        for _ in range(horizon):
            step = pred[-1:]  # (1, 1): the predicted next change, scaled
            level = level + step.item() * sd + mu
            recursive.append(level)
            pred, state = model(step, state)  # fed back in as the next input
    return one_step, np.array(recursive)


def validation_row(hidden: int, window: int, lr: float, epochs: int, seed: int) -> dict[str, float | int]:
    """Train one configuration on 1958-1993 and score it on 1994-1997 (one CSV row)."""
    torch.set_num_threads(1)  # one thread: the same numbers run after run
    torch.use_deterministic_algorithms(True)
    _, co2 = data.load_co2()
    series = co2[:-N_TEST]  # 1958-1997: the test years are not even loaded into the fit
    n_fit = len(series) - N_VALID  # 1958-03 .. 1993-12
    z, mu, sd = scaled_changes(series, n_fit)
    model = train_forecaster(z[: n_fit - 1], hidden, window, lr, epochs, seed)
    one_step, recursive = forecasts(model, series, z, mu, sd, n_fit, N_VALID)
    truth = series[n_fit:]
    return {
        "hidden": hidden,
        "window": window,
        "lr": lr,
        "epochs": epochs,
        "seed": seed,
        "val_mae_1": round(float(np.abs(one_step - truth).mean()), 6),
        "val_mae_48": round(float(np.abs(recursive - truth).mean()), 6),
    }


def _run(config: tuple[int, int, float, int, int]) -> dict[str, float | int]:
    return validation_row(*config)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CSV_PATH, help="CSV to write (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes, one thread each")
    args = parser.parse_args(argv)
    configs = list(itertools.product(HIDDEN, WINDOW, LR, EPOCHS, SEEDS))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(args.jobs, mp_context=get_context("spawn")) as pool, args.out.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for k, row in enumerate(pool.map(_run, configs), 1):  # in grid order, written as they come
            writer.writerow(row)
            f.flush()
            print(f"{k}/{len(configs)}", row, flush=True)
    print(f"wrote {len(configs)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
