"""The shipped character models are what ``scripts/train_char_model.py`` trains.

A full run takes 10 to 20 minutes, so the test reruns the script's first
updates of each model, with the script's own settings, and requires the
training losses stored in the shipped ``.npz`` for those updates (float64,
to 1e-9: the same library versions give the same numbers; only the order of
a matrix product's sums may differ between BLAS builds).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from script_module import script_module

from lstm_tutorial import charmodel

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def script():
    with script_module("train_char_model") as module:
        yield module


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_the_first_updates_reproduce_the_shipped_losses(script, kind):
    _, record = charmodel.load_char_model(kind)
    for key, value in script.SETTINGS.items():
        assert record[key] == value, key
    model, history, _ = script.run(kind, 4, valid=False, progress=False)
    np.testing.assert_allclose(history["loss"], record["loss"][:4], rtol=1e-9)
    assert record["loss"][-1] < record["loss"][0]


def test_the_script_writes_a_file_the_loader_reads(script, tmp_path):
    model, history, cpu = script.run("rnn", 2, progress=False, seed=5)
    path = tmp_path / "char_rnn.npz"
    script.save(path, "rnn", model, history, cpu, 2, seed=5)
    with np.load(path, allow_pickle=False) as z:
        assert str(z["kind"]) == "rnn" and z["loss"].shape == (2,) and z["cell_W_h"].dtype == np.float32
        assert int(z["seed"]) == 5
        np.testing.assert_array_equal(z["cell_W_h"], model["cell"].W_h.astype(np.float32))
    other, _, _ = script.run("rnn", 1, valid=False, progress=False)
    assert not np.array_equal(other["W_y"], model["W_y"])  # seed 0 starts elsewhere
    table = tmp_path / "seeds.csv"
    script.write_table(table, [path])
    header, row = table.read_text().splitlines()
    assert header == "kind,seed,steps,final_valid_bpc,best_valid_bpc"
    assert row == f"rnn,5,2,{history['valid_bpc'][-1]!r},{min(history['valid_bpc'])!r}"


def test_the_seeds_table_holds_the_shipped_runs():
    text = (ROOT / "lstm_tutorial" / "datasets" / "char_seeds.csv").read_text().splitlines()
    rows = [line.split(",") for line in text[1:]]
    assert sorted((k, int(s)) for k, s, *_ in rows) == [("lstm", 0), ("lstm", 1), ("lstm", 2), ("rnn", 0), ("rnn", 1), ("rnn", 2)]
    for kind in ("lstm", "rnn"):
        _, record = charmodel.load_char_model(kind)
        (row,) = [r for r in rows if r[0] == kind and r[1] == "0"]
        assert float(row[3]) == record["valid_bpc"][-1] and float(row[4]) == record["valid_bpc"].min()
        assert all(int(r[2]) == record["steps"] for r in rows)
