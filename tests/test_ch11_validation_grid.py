"""Chapter 11's validation grid: the shipped CSV is what scripts/co2_validation_grid.py computes.

Chapter 11 chooses its CO2 forecaster's settings from ``lstm_tutorial/datasets/co2_validation_grid.csv``
without rerunning the grid (too slow for the page). These tests check that the file
holds the whole grid, and rerun one row of it, with the test years 1998-2001
replaced by nonsense, to show the row is reproduced and never saw the test years.
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "co2_validation_grid.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("co2_validation_grid", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


grid = _load_script()


def _rows() -> list[dict[str, str]]:
    with grid.CSV_PATH.open(newline="") as f:
        return list(csv.DictReader(f))


def _key(row: dict) -> tuple[int, int, float, int, int]:
    return int(row["hidden"]), int(row["window"]), float(row["lr"]), int(row["epochs"]), int(row["seed"])


def test_csv_holds_every_run_of_the_grid_once() -> None:
    rows = _rows()
    assert rows, f"{grid.CSV_PATH} is empty"
    assert tuple(rows[0]) == grid.FIELDS
    expected = set(itertools.product(grid.HIDDEN, grid.WINDOW, grid.LR, grid.EPOCHS, grid.SEEDS))
    keys = [_key(r) for r in rows]
    assert len(keys) == len(set(keys)), "a run appears twice"
    assert set(keys) == expected, f"missing {sorted(expected - set(keys))[:3]}, extra {sorted(set(keys) - expected)[:3]}"
    maes = np.array([[float(r["val_mae_1"]), float(r["val_mae_48"])] for r in rows])
    assert np.all(np.isfinite(maes)) and np.all(maes > 0)


def test_one_row_reruns_to_the_same_numbers_without_the_test_years(monkeypatch: pytest.MonkeyPatch) -> None:
    dates, co2 = grid.data.load_co2()

    def load_without_test_years(*args, **kwargs):
        spoiled = co2.copy()
        spoiled[-grid.N_TEST :] = 1e6  # 1998-2001: nothing a forecaster could learn from
        return dates, spoiled

    monkeypatch.setattr(grid.data, "load_co2", load_without_test_years)
    config = (min(grid.HIDDEN), min(grid.WINDOW), grid.LR[0], min(grid.EPOCHS), grid.SEEDS[0])  # the cheapest run
    stored = next(r for r in _rows() if _key(r) == config)
    rerun = grid.validation_row(*config)
    np.testing.assert_allclose(
        [rerun["val_mae_1"], rerun["val_mae_48"]],
        [float(stored["val_mae_1"]), float(stored["val_mae_48"])],
        atol=1e-4,
        err_msg=f"{config}: rerun differs from {grid.CSV_PATH.name}; regenerate it with {SCRIPT.name}",
    )


def test_the_rerun_would_notice_a_wrong_row() -> None:
    """The comparison above can fail: a row from another seed differs by far more than its tolerance."""
    rows = {_key(r): r for r in _rows()}
    a = rows[(min(grid.HIDDEN), min(grid.WINDOW), grid.LR[0], min(grid.EPOCHS), grid.SEEDS[0])]
    b = rows[(min(grid.HIDDEN), min(grid.WINDOW), grid.LR[0], min(grid.EPOCHS), grid.SEEDS[1])]
    gap = abs(float(a["val_mae_48"]) - float(b["val_mae_48"]))
    assert gap > 1e-2, f"seeds 0 and 1 give nearly the same validation MAE ({gap}): the check would be weak"
