"""The shipped character models are what ``scripts/train_char_model.py`` trains.

A full run takes 10 to 20 minutes, so the test reruns the script's first
updates of each model, with the script's own settings, and requires the
training losses stored in the shipped ``.npz`` for those updates (float64,
to 1e-9: the same library versions give the same numbers; only the order of
a matrix product's sums may differ between BLAS builds).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from lstm_tutorial import charmodel

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("train_char_model", ROOT / "scripts" / "train_char_model.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_char_model"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("train_char_model", None)


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_the_first_updates_reproduce_the_shipped_losses(script, kind):
    _, record = charmodel.load_char_model(kind)
    for key, value in script.SETTINGS.items():
        assert record[key] == value, key
    model, history, _ = script.run(kind, 4, valid=False, progress=False)
    np.testing.assert_allclose(history["loss"], record["loss"][:4], rtol=1e-9)
    assert record["loss"][-1] < record["loss"][0]


def test_the_script_writes_a_file_the_loader_reads(script, tmp_path, monkeypatch):
    model, history, cpu = script.run("rnn", 2, valid=False, progress=False)
    path = tmp_path / "char_rnn.npz"
    script.save(path, "rnn", model, history, cpu, 2)
    with np.load(path, allow_pickle=False) as z:
        assert str(z["kind"]) == "rnn" and z["loss"].shape == (2,) and z["cell_W_h"].dtype == np.float32
        np.testing.assert_array_equal(z["cell_W_h"], model["cell"].W_h.astype(np.float32))
