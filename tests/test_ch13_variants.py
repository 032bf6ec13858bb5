"""Chapter 13's measurements: the shipped CSV is what ``scripts/ch13_variants.py`` computes.

The whole script takes many minutes, so the test reruns its cheapest run of
each task and requires the CSV's numbers: the accuracy exactly and the losses
to 1e-6 (float32 training on one thread; the same library versions give the
same bits). The other tests check that the CSV holds the whole experiment the
script describes: every variant and seed on human numbers, and on the memory
task exactly the lengths the ladder visits given the accuracies it recorded.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from script_module import script_module

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def script():
    with script_module("ch13_variants") as module:
        yield module


@pytest.fixture(scope="module")
def rows(script):
    return script.read_rows()


def _same(row, again):
    for key in ("task", "variant", "seed", "hidden_size", "cell_params", "total_params"):
        assert again[key] == row[key], key
    assert again["accuracy"] == row["accuracy"]
    assert again["loss"] == pytest.approx(row["loss"], rel=1e-6, abs=1e-9)
    assert again["train_loss"] == pytest.approx(row["train_loss"], rel=1e-6, abs=1e-9)


@pytest.fixture
def one_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_the_cheapest_memory_run_reruns_to_its_csv_row(script, rows, one_thread):
    memory = [r for r in rows if r["task"] == "memory"]
    row = min(memory, key=lambda r: (r["T"], r["cell_params"] if r["variant"] != "rnn" else 0, r["seed"]))
    assert row["variant"] == "rnn" and row["T"] == 10
    _same(row, script.run_memory(row["variant"], row["seed"], row["T"]))


def test_the_cheapest_numbers_run_reruns_to_its_csv_row(script, rows, one_thread):
    row = next(r for r in rows if r["task"] == "numbers" and r["variant"] == "rnn" and r["seed"] == 0)
    _same(row, script.run_numbers("rnn", 0))


def test_every_variant_and_seed_on_human_numbers(script, rows):
    got = sorted((r["variant"], r["seed"]) for r in rows if r["task"] == "numbers")
    assert got == sorted((v, s) for v in script.va.VARIANTS for s in script.SEEDS)


def test_memory_rows_are_exactly_the_ladder_the_script_climbs(script, rows):
    for v in script.va.VARIANTS:
        for s in script.SEEDS:
            mine = [r for r in rows if r["task"] == "memory" and r["variant"] == v and r["seed"] == s]
            lengths = [r["T"] for r in mine]
            assert lengths == list(script.LADDER[: len(lengths)]), (v, s, lengths)
            passed = [r["accuracy"] >= script.LEARNED for r in mine]
            assert all(passed[:-1]), (v, s)  # the climb stops at the first failure ...
            assert passed[-1] is False or len(mine) == len(script.LADDER)  # ... or at the top


def test_hidden_sizes_match_the_lstms_parameter_count(script, rows):
    """Each row's hidden size is the one ``matched_hidden_size`` picks for the book's LSTM's cell budget."""
    budget = {"memory": 4 * (16 * 18 + 16), "numbers": 4 * (64 * 128 + 64)}  # the book's LSTM: H = 16, D = 2; H = D = 64
    for r in rows:
        assert r["hidden_size"] == script.va.matched_hidden_size(r["variant"], 2 if r["task"] == "memory" else 64,
                                                                 budget[r["task"]])
    lstm = {r["task"]: r["cell_params"] for r in rows if r["variant"] == "lstm"}
    assert lstm == budget


def test_the_chapter_states_the_scripts_settings(script):
    """Chapter 13 quotes the recipe from a cell of its own; it must be the script's."""
    import jupytext

    nb = jupytext.read(ROOT / "book" / "13-variants.md")
    cell = next(c.source for c in nb.cells if c.cell_type == "code" and "memory_recipe = {" in c.source)
    scope: dict = {}
    exec(cell.split("\ntext = ")[0], scope)  # the two dicts only
    assert scope["memory_recipe"] == {
        "units": script.MEM_H, "updates": script.MEM_STEPS, "lr": script.MEM_LR, "batch": script.MEM_BATCH,
        "sequences": script.MEM_TRAIN[0], "max_norm": script.MEM_CLIP, "forget_bias": script.MEM_FORGET_BIAS,
        "ladder": script.LADDER, "learned": script.LEARNED}
    assert scope["numbers_recipe"] == {"units": script.NUM_H, "embedding": script.NUM_E, "peak_lr": script.NUM_LR,
                                       "epochs": script.NUM_EPOCHS, "weight_decay": script.NUM_WD}
