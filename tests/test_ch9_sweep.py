"""Chapter 9's sweep: the shipped CSV is what ``scripts/ch9_sweep.py`` computes.

Rerunning the whole sweep takes many minutes, so the test reruns the cheapest
row of each stage (grid, tune, reach) and requires the same numbers, bit for bit up to 1e-12, as the
CSV's rows. The other tests check that the CSV holds the whole search the
script describes: every setting at every tuning length, the reach of the
settings the tuning chose, and, for each seed, exactly the lengths that the
script's ladder-and-bisection visits given the accuracies it recorded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from script_module import script_module

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sweep():
    with script_module("ch9_sweep") as module:
        yield module


@pytest.fixture(scope="module")
def rows(sweep):
    return sweep.read_rows()


@pytest.mark.parametrize("stage", ["grid", "tune", "reach"])
def test_the_cheapest_run_of_each_stage_reruns_to_its_csv_row(sweep, rows, stage):
    rows = [r for r in rows if r["stage"] == stage]
    cost = [r["T"] * (4 if r["kind"] == "lstm" else 1) for r in rows]
    row = rows[int(np.argmin(cost))]
    again = sweep.run_one(sweep.setting_of(row), row["T"], row["seed"], row["split"], stage=row["stage"])
    assert again["model"] == row["model"]
    assert again["accuracy"] == row["accuracy"]
    np.testing.assert_allclose([again["loss"], again["train_loss"]], [row["loss"], row["train_loss"]],
                               rtol=1e-12, atol=0)


def test_the_grid_holds_every_first_setting_at_every_length(sweep, rows):
    grid = [r for r in rows if r["stage"] == "grid"]
    assert {(r["seed"], r["split"]) for r in grid} == {(sweep.GRID_SEED, "test")}
    got = sorted((r["model"], r["T"]) for r in grid)
    assert got == sorted((s.label, T) for s in sweep.GRID_SETTINGS for T in sweep.GRID_LENGTHS)
    for r in grid:
        assert sweep.setting_of(r) in sweep.GRID_SETTINGS and sweep.setting_of(r).label == r["model"]
    labels = {s.label for s in sweep.GRID_SETTINGS}
    assert labels == {"RNN, uniform, lr 0.003"} | {f"LSTM, b_f = {b}, lr 0.003" for b in (0, 1, 3)}
    assert [r["stage"] for r in rows] == sorted((r["stage"] for r in rows), key=["grid", "tune", "reach"].index)


def test_a_stage_run_alone_keeps_the_other_rows(sweep, rows, tmp_path, monkeypatch):
    """``--stages grid`` rewrites the grid's rows and copies the others byte for byte."""
    out = tmp_path / "sweep.csv"
    out.write_bytes(sweep.OUT.read_bytes())
    cheap = [s for s in sweep.GRID_SETTINGS if s.kind == "rnn"]
    monkeypatch.setattr(sweep, "GRID_SETTINGS", tuple(cheap))
    monkeypatch.setattr(sweep, "GRID_LENGTHS", (5,))
    assert sweep.main(["--stages", "grid", "--jobs", "1", "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    before = sweep.OUT.read_text(encoding="utf-8").splitlines()
    assert lines[0] == before[0]
    assert lines[2:] == [line for line in before[1:] if not line.startswith("grid,")]  # tune and reach, unchanged
    (again,) = [r for r in sweep.read_rows(out) if r["stage"] == "grid"]
    (row,) = [r for r in rows if r["stage"] == "grid" and r["kind"] == "rnn" and r["T"] == 5]
    assert {k: again[k] for k in ("model", "seed", "T", "split", "accuracy")} == {
        k: row[k] for k in ("model", "seed", "T", "split", "accuracy")}
    np.testing.assert_allclose([again["loss"], again["train_loss"]], [row["loss"], row["train_loss"]],
                               rtol=1e-12, atol=0)


def test_every_setting_was_tuned_at_every_length(sweep, rows):
    tune = [r for r in rows if r["stage"] == "tune"]
    assert {r["seed"] for r in tune} == {sweep.TUNE_SEED} and {r["split"] for r in tune} == {"validation"}
    got = sorted((r["model"], r["T"]) for r in tune)
    assert got == sorted((s.label, T) for s in sweep.RNN_GRID + sweep.LSTM_GRID for T in sweep.TUNE_LENGTHS)
    for r in tune:
        assert sweep.setting_of(r).label == r["model"]  # the columns say which setting ran
    assert len(sweep.RNN_GRID) == len(sweep.LSTM_GRID)  # the same size of search for both


def test_reach_was_measured_for_the_tuned_and_the_first_settings(sweep, rows):
    tune = [r for r in rows if r["stage"] == "tune"]
    chosen = {sweep.best_setting(tune, sweep.RNN_GRID).label, sweep.best_setting(tune, sweep.LSTM_GRID).label}
    reach = [r for r in rows if r["stage"] == "reach"]
    assert {r["model"] for r in reach} == chosen | {s.label for s in sweep.FIRST_SETTINGS}
    assert {r["split"] for r in reach} == {"test"}
    for model in {r["model"] for r in reach}:
        assert {r["seed"] for r in reach if r["model"] == model} == set(sweep.REACH_SEEDS)


def test_each_seed_visits_exactly_the_lengths_of_the_search(sweep, rows):
    reach = [r for r in rows if r["stage"] == "reach"]
    for model, seed in {(r["model"], r["seed"]) for r in reach}:
        mine = [r for r in reach if r["model"] == model and r["seed"] == seed]
        accuracy = {r["T"]: r["accuracy"] for r in mine}
        assert len(accuracy) == len(mine), f"{model}, seed {seed}: a length was run twice"
        visited = []

        def learns(T, visited=visited, accuracy=accuracy):
            visited.append(T)
            return accuracy[T] >= sweep.LEARNED

        result = sweep.climb(learns)
        assert sorted(visited) == sorted(accuracy), f"{model}, seed {seed}"
        assert result == sweep.bracket(mine)


def test_bracket_and_climb_on_made_up_accuracies(sweep):
    def learns_below(limit):
        return lambda T: T < limit

    assert sweep.climb(learns_below(57)) == (50, 60)  # 40 ok, 80 fails; 60 fails, 50 ok: within 25%
    assert sweep.climb(learns_below(1000)) == (160, None)
    assert sweep.climb(learns_below(7)) == (6, 7)  # 10 fails, 5 ok, then 7, 6
    assert sweep.climb(learns_below(3)) == (0, 10)  # 10 and 5 fail
    rows = [{"T": 10, "accuracy": 1.0}, {"T": 20, "accuracy": 0.5}, {"T": 15, "accuracy": 0.96}]
    assert sweep.bracket(rows) == (15, 20)
    assert sweep.bracket([{"T": 10, "accuracy": 0.5}]) == (0, 10)
