"""Chapter 13's regularised language model (``lstm_tutorial.regularize``) and its sweep's CSV.

The model: shapes, each dropout doing what its docstring says (whole
embedding rows; one mask per sequence for the inputs and between the layers;
a fresh mask per entry on the output), weight tying sharing one tensor, AR and
TAR equal to their formulas on numbers small enough to check by hand, seeds
that leave torch's global generator alone, and the validation policy.

The sweep: ``scripts/ch13_regularisation.py`` wrote
``lstm_tutorial/datasets/ch13_regularisation.csv``; the test reruns its
cheapest row (the full recipe for 2 epochs, seed 0) and requires the same
numbers, and checks that the CSV holds every configuration the script lists,
each step adding exactly its piece.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from script_module import script_module

from lstm_tutorial import data
from lstm_tutorial import regularize as rg

ROOT = Path(__file__).resolve().parents[1]
V_, H_, L_ = 7, 5, 2  # a tiny vocabulary, hidden size and depth


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


def _ids(T: int = 6, B: int = 3, seed: int = 0) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(seed).integers(0, V_, size=(T, B)))  # (T, B) int64


def _capture(module: torch.nn.Module, store: dict, key: str):
    def hook(_m, inputs, output):
        store[key + "_in"] = inputs[0].detach().clone()
        store[key + "_out"] = output[0].detach().clone()

    return module.register_forward_hook(hook)


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------


@pytest.mark.parametrize("T,B", [(6, 3), (1, 1), (4, 1)])
def test_forward_shapes(T, B):
    model = rg.RegularizedLM(V_, H_, L_)
    logits, (h_n, c_n), h_raw, h_drop = model(_ids(T, B))
    assert logits.shape == (T, B, V_)
    assert h_n.shape == c_n.shape == (L_, B, H_)
    assert h_raw.shape == h_drop.shape == (T, B, H_)


def test_state_carries_over_like_one_long_sequence():
    model = rg.RegularizedLM(V_, H_, L_, output_dropout=0.3).eval()
    x = _ids(8, 2)
    whole, state_whole, _, _ = model(x)
    first, state, _, _ = model(x[:3])
    second, state_two, _, _ = model(x[3:], state)
    torch.testing.assert_close(torch.cat([first, second]), whole)
    torch.testing.assert_close(state_two, state_whole)


def test_eval_mode_has_no_dropout():
    model = rg.RegularizedLM(V_, H_, L_, embed_dropout=0.5, input_dropout=0.5, hidden_dropout=0.5,
                             output_dropout=0.5).eval()
    plain = rg.RegularizedLM(V_, H_, L_).eval()  # same seed: same weights
    x = _ids()
    a = model(x)
    b = plain(x)
    torch.testing.assert_close(a[0], b[0])
    assert torch.equal(a[2], a[3])  # h_drop is h_raw


def test_output_dropout_zeroes_or_scales_each_entry_on_its_own():
    p = 0.4
    model = rg.RegularizedLM(V_, H_, L_, output_dropout=p).train()
    torch.manual_seed(1)
    _, _, h_raw, h_drop = model(_ids(20, 4))
    kept = h_drop != 0
    torch.testing.assert_close(h_drop[kept], h_raw[kept] / (1 - p))
    assert 0.4 < kept.float().mean() < 0.8  # about 1 - p kept
    assert not (kept == kept[:1]).all()  # a fresh mask at every step, not one per sequence


def test_embedding_dropout_drops_whole_rows():
    p = 0.5
    model = rg.RegularizedLM(V_, H_, L_, embed_dropout=p).train()
    seen: dict = {}
    handle = _capture(model.layers[0], seen, "l0")
    torch.manual_seed(3)
    x = _ids(30, 4)
    model(x)
    handle.remove()
    e = seen["l0_in"]  # (T, B, H): what the first layer read
    W_e = model.embedding.weight.detach()
    dropped = set()
    for token in range(V_):
        where = x == token
        if not where.any():
            continue
        rows = e[where]  # every occurrence of the token
        if (rows == 0).all():
            dropped.add(token)
        else:  # kept: the embedding's row, scaled, the same wherever the token occurs
            torch.testing.assert_close(rows, (W_e[token] / (1 - p)).expand_as(rows))
    assert 0 < len(dropped) < V_


@pytest.mark.parametrize("where", ["input", "hidden"])
def test_locked_dropout_keeps_one_mask_for_all_steps(where):
    p = 0.5
    model = rg.RegularizedLM(V_, H_, L_, **{f"{where}_dropout": p}).train()
    seen: dict = {}
    handles = [_capture(model.layers[0], seen, "l0"), _capture(model.layers[1], seen, "l1")]
    torch.manual_seed(4)
    x = _ids(12, 3)
    model(x)
    for h in handles:
        h.remove()
    if where == "input":
        before, after = model.embedding.weight.detach()[x], seen["l0_in"]  # (T, B, H) each
    else:
        before, after = seen["l0_out"], seen["l1_in"]
    ratio = after / before  # 0 or 1 / (1 - p), per entry
    mask = ratio[0]  # (B, H): the first step's mask
    assert torch.allclose(ratio, mask.expand_as(ratio))  # the same at every step
    assert set(torch.round(mask.flatten(), decimals=5).tolist()) == {0.0, 2.0}


def test_weight_tying_shares_one_tensor():
    tied = rg.RegularizedLM(V_, H_, L_, tie_weights=True)
    untied = rg.RegularizedLM(V_, H_, L_)
    assert tied.decoder.weight is tied.embedding.weight
    assert tied.decoder.weight.data_ptr() == tied.embedding.weight.data_ptr()
    n = sum(p.numel() for p in tied.parameters())
    assert n == sum(p.numel() for p in untied.parameters()) - V_ * H_  # one (V, H) matrix fewer
    with torch.no_grad():  # an edit through one name is seen through the other
        tied.embedding.weight[2, 1] = 7.0
    assert tied.decoder.weight[2, 1] == 7.0
    # the shared matrix's gradient is the sum of its two uses
    x = _ids()
    untied.load_state_dict({k: v for k, v in tied.state_dict().items()})
    tied(x)[0].sum().backward()
    untied(x)[0].sum().backward()
    torch.testing.assert_close(tied.embedding.weight.grad, untied.embedding.weight.grad + untied.decoder.weight.grad)


def test_the_seed_draws_the_weights_and_leaves_the_global_generator_alone():
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    a = rg.RegularizedLM(V_, H_, L_, seed=5)
    after = torch.rand(3)
    b = rg.RegularizedLM(V_, H_, L_, seed=5)
    c = rg.RegularizedLM(V_, H_, L_, seed=6)
    torch.testing.assert_close(before, after)
    for (name, pa), pb, pc in zip(a.named_parameters(), b.parameters(), c.parameters()):
        assert torch.equal(pa, pb), name
        assert not torch.equal(pa, pc), name


# --------------------------------------------------------------------------
# AR and TAR: the formulas on numbers to check by hand
# --------------------------------------------------------------------------


def test_ar_and_tar_by_hand():
    h = torch.tensor([[1.0, 2.0], [3.0, 4.0], [3.0, 2.0]])  # (T=3, H=2)
    # AR: alpha * mean of squares = 2 * (1 + 4 + 9 + 16 + 9 + 4) / 6 = 2 * 43 / 6
    assert float(rg.activation_regularization(h, 2.0)) == pytest.approx(2 * 43 / 6)
    # TAR: differences (2, 2) and (0, -2): beta * (4 + 4 + 0 + 4) / 4 = 0.5 * 3
    assert float(rg.temporal_activation_regularization(h, 0.5)) == pytest.approx(1.5)
    batched = torch.stack([h, 2 * h], dim=1)  # (T, B=2, H): the second sequence doubled
    assert float(rg.activation_regularization(batched, 1.0)) == pytest.approx((43 + 4 * 43) / 12)
    assert float(rg.temporal_activation_regularization(batched, 1.0)) == pytest.approx((12 + 48) / 8)
    assert float(rg.temporal_activation_regularization(h[:1], 1.0)) == 0.0  # one step: no pair


def test_ar_and_tar_on_random_tensors_and_their_gradients():
    g = torch.Generator().manual_seed(0)
    h = torch.randn(5, 3, 4, generator=g, dtype=torch.float64, requires_grad=True)
    ar = rg.activation_regularization(h, 2.0)
    tar = rg.temporal_activation_regularization(h, 1.0)
    a = h.detach().numpy()
    assert float(ar.detach()) == pytest.approx(2.0 * np.mean(a**2), rel=1e-12)
    assert float(tar.detach()) == pytest.approx(np.mean(np.diff(a, axis=0) ** 2), rel=1e-12)
    (ar + tar).backward()
    d = np.diff(a, axis=0)  # (T-1, B, H)
    dtar = np.zeros_like(a)
    dtar[1:] += 2 * d / d.size
    dtar[:-1] -= 2 * d / d.size
    np.testing.assert_allclose(h.grad.numpy(), 2.0 * 2 * a / a.size + dtar, rtol=1e-12)
    assert torch.autograd.gradcheck(lambda t: rg.temporal_activation_regularization(t, 0.7), (h.detach().requires_grad_(),))


def test_training_minimises_cross_entropy_plus_ar_plus_tar():
    """One update of fit_language_model equals one AdamW step on the loss its docstring writes."""
    xs = np.random.default_rng(1).integers(0, V_, size=(1, 4, 2))  # one batch (T=4, B=2)
    ys = np.random.default_rng(2).integers(0, V_, size=(1, 4, 2))
    model = rg.RegularizedLM(V_, H_, L_, output_dropout=0.3, seed=1)
    copy = rg.RegularizedLM(V_, H_, L_, output_dropout=0.3, seed=1)
    rg.fit_language_model(model, xs, ys, xs, ys, epochs=1, lr=0.1, weight_decay=0.2, alpha=2.0, beta=1.0,
                          momentum=(0.8, 0.7), eps=1e-5, seed=9)
    opt = torch.optim.AdamW(copy.parameters(), lr=0.1, betas=(0.8, 0.99), eps=1e-5, weight_decay=0.2)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=1, pct_start=0.25,
                                                final_div_factor=1e5, base_momentum=0.7, max_momentum=0.8)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(9)  # the same dropout mask
        copy.train()
        logits, _, h_raw, h_drop = copy(torch.from_numpy(xs[0]))
    ce = torch.nn.functional.cross_entropy(logits.reshape(-1, V_), torch.from_numpy(ys[0]).reshape(-1))
    loss = ce + 2.0 * h_drop.pow(2).mean() + 1.0 * (h_raw[1:] - h_raw[:-1]).pow(2).mean()
    loss.backward()
    opt.step()
    sched.step()
    for (name, a), b in zip(model.named_parameters(), copy.parameters()):
        torch.testing.assert_close(a, b, msg=name)


def test_fit_is_deterministic_and_evaluate_matches_a_hand_count():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, V_, size=400)
    xs, ys = data.language_model_batches(ids, 5, 4)
    runs = []
    for _ in range(2):
        model = rg.RegularizedLM(V_, H_, L_, output_dropout=0.4, tie_weights=True, seed=2)
        runs.append(rg.fit_language_model(model, xs, ys, xs[:3], ys[:3], epochs=2, alpha=2.0, beta=1.0, seed=3))
    assert runs[0] == runs[1]
    assert all(len(v) == 2 for v in runs[0].values())
    model.train()
    loss, acc = rg.evaluate_language_model(model, xs[:3], ys[:3])
    assert model.training  # left as it was
    model.eval()
    state, right, total = None, 0, 0.0
    with torch.no_grad():
        for x, y in zip(xs[:3], ys[:3]):
            logits, state, _, _ = model(torch.from_numpy(x), state)
            p = torch.log_softmax(logits, -1)
            total -= float(p.gather(-1, torch.from_numpy(y)[..., None]).sum())
            right += int((logits.argmax(-1).numpy() == y).sum())
    assert acc == right / ys[:3].size
    assert loss == pytest.approx(total / ys[:3].size, rel=1e-6)
    assert runs[0]["valid_accuracy"][-1] == acc


# --------------------------------------------------------------------------
# The validation policy
# --------------------------------------------------------------------------

_M = rg.RegularizedLM(V_, H_, L_)
_XS = np.zeros((1, 2, 2), np.int64)

CASES = [
    ("vocab-float", lambda: rg.RegularizedLM(7.0), TypeError, r"vocab_size: expected an int"),
    ("hidden-0", lambda: rg.RegularizedLM(7, 0), ValueError, r"hidden_size: expected an int >= 1"),
    ("layers-bool", lambda: rg.RegularizedLM(7, 4, True), TypeError, r"num_layers: expected an int"),
    ("drop-1", lambda: rg.RegularizedLM(7, output_dropout=1.0), ValueError, r"output_dropout: expected a number in"),
    ("drop-str", lambda: rg.RegularizedLM(7, embed_dropout="0.1"), TypeError, r"embed_dropout: expected a number"),
    ("drop-neg", lambda: rg.RegularizedLM(7, hidden_dropout=-0.1), ValueError, r"hidden_dropout: expected a number"),
    ("tie-int", lambda: rg.RegularizedLM(7, tie_weights=1), TypeError, r"tie_weights: expected a bool"),
    ("seed-neg", lambda: rg.RegularizedLM(7, seed=-1), ValueError, r"seed: expected an int >= 0"),
    ("x-numpy", lambda: _M(np.zeros((2, 2), np.int64)), TypeError, r"x: expected a torch.Tensor of ids, got a NumPy"),
    ("x-float", lambda: _M(torch.zeros(2, 2)), TypeError, r"x: expected an integer tensor"),
    ("x-1d", lambda: _M(torch.zeros(3, dtype=torch.long)), ValueError, r"x: expected shape \(T, B\)"),
    ("x-range", lambda: _M(torch.full((2, 2), V_)), ValueError, r"x: expected values in \[0, 6\]"),
    ("state-bad", lambda: _M(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 3, H_)), TypeError, r"state: expected a pair"),
    ("state-shape", lambda: _M(torch.zeros(2, 3, dtype=torch.long), (torch.zeros(2, 3, H_), torch.zeros(1, 3, H_))),
     ValueError, r"state\[1\]: expected shape \(2, 3, 5\)"),
    ("state-int", lambda: _M(torch.zeros(2, 3, dtype=torch.long), (torch.zeros(2, 3, H_, dtype=torch.long),) * 2),
     TypeError, r"state\[0\]: expected a floating-point"),
    ("ar-numpy", lambda: rg.activation_regularization(np.zeros((2, 3)), 1.0), TypeError, r"h_drop: expected a torch.Tensor"),
    ("ar-1d", lambda: rg.activation_regularization(torch.zeros(3), 1.0), ValueError, r"h_drop: expected shape \(T, B, H\)"),
    ("ar-alpha-neg", lambda: rg.activation_regularization(torch.zeros(2, 3), -1.0), ValueError, r"alpha: expected a number >= 0"),
    ("tar-nan", lambda: rg.temporal_activation_regularization(torch.full((2, 3), float("nan")), 1.0), ValueError, r"h_raw: contains NaN"),
    ("tar-beta-str", lambda: rg.temporal_activation_regularization(torch.zeros(2, 3), "1"), TypeError, r"beta: expected a number"),
    ("eval-model", lambda: rg.evaluate_language_model(object(), _XS, _XS), TypeError, r"model: expected a RegularizedLM"),
    ("eval-ys-shape", lambda: rg.evaluate_language_model(_M, _XS, _XS[:, :1]), ValueError, r"ys: expected shape \(1, 2, 2\) like xs"),
    ("eval-float", lambda: rg.evaluate_language_model(_M, _XS.astype(float), _XS), TypeError, r"xs: expected an integer array"),
    ("eval-range", lambda: rg.evaluate_language_model(_M, _XS + V_, _XS), ValueError, r"xs: expected values in \[0, 6\]"),
    ("fit-xs-2d", lambda: rg.fit_language_model(_M, _XS[0], _XS[0], _XS, _XS), ValueError, r"xs_train: expected shape"),
    ("fit-valid", lambda: rg.fit_language_model(_M, _XS, _XS, _XS, "abc"), TypeError, r"ys_valid: expected a NumPy array"),
    ("fit-epochs", lambda: rg.fit_language_model(_M, _XS, _XS, _XS, _XS, epochs=0), ValueError, r"epochs: expected an int >= 1"),
    ("fit-lr-0", lambda: rg.fit_language_model(_M, _XS, _XS, _XS, _XS, lr=0.0), ValueError, r"lr: expected a number > 0"),
    ("fit-wd-neg", lambda: rg.fit_language_model(_M, _XS, _XS, _XS, _XS, weight_decay=-1.0), ValueError, r"weight_decay: expected"),
    ("fit-alpha-bool", lambda: rg.fit_language_model(_M, _XS, _XS, _XS, _XS, alpha=True), TypeError, r"alpha: expected a number"),
    ("fit-mom-float", lambda: rg.fit_language_model(_M, _XS, _XS, _XS, _XS, momentum=0.9), TypeError, r"momentum: expected a pair"),
    ("fit-mom-3", lambda: rg.fit_language_model(_M, _XS, _XS, _XS, _XS, momentum=(0.9, 0.8, 0.7)), ValueError, r"momentum: expected a pair"),
    ("fit-mom-1", lambda: rg.fit_language_model(_M, _XS, _XS, _XS, _XS, momentum=(1.0, 0.8)), ValueError, r"momentum\[0\]: expected a number in \[0, 1\)"),
    ("fit-eps-0", lambda: rg.fit_language_model(_M, _XS, _XS, _XS, _XS, eps=0.0), ValueError, r"eps: expected a number > 0"),
    ("fit-seed-float", lambda: rg.fit_language_model(_M, _XS, _XS, _XS, _XS, seed=1.0), TypeError, r"seed: expected an int"),
]  # fmt: skip


@pytest.mark.parametrize("call,err,match", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_argument_gets_the_policys_exception_naming_it(call, err, match):
    with pytest.raises(err, match="^" + match):
        call()


# --------------------------------------------------------------------------
# The sweep's CSV
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sweep():
    with script_module("ch13_regularisation") as module:
        yield module


@pytest.fixture(scope="module")
def rows(sweep):
    return sweep.read_rows()


def test_the_check_row_reruns_to_its_csv_row(sweep, rows):
    (row,) = [r for r in rows if r["stage"] == "check"]
    again = sweep.run_one(row["config"], row["seed"])
    assert again["epochs"] == row["epochs"] == sweep.CHECK_EPOCHS
    assert again["valid_accuracy"] == row["valid_accuracy"]
    assert [float(a) for a in again["curve"].split()] == row["curve"]
    np.testing.assert_allclose([again["valid_loss"], again["train_loss"]], [row["valid_loss"], row["train_loss"]],
                               rtol=1e-12, atol=0)


def test_the_csv_holds_every_configuration_and_seed(sweep, rows):
    got = {}
    for r in rows:
        got.setdefault(r["config"], []).append(r["seed"])
        stage, settings = sweep.CONFIGS[r["config"]]
        assert r["stage"] == stage
        assert {k: r[k] for k in settings} == settings, r["config"]  # the columns say what ran
        assert r["curve"][-1] == r["valid_accuracy"] and len(r["curve"]) == r["epochs"]
        assert r["epochs"] == sweep.epochs_of(r["config"])
    assert set(got) == set(sweep.CONFIGS)
    for name, seeds in got.items():
        want = list(sweep.SEEDS[sweep.CONFIGS[name][0]])
        assert sorted(seeds) == want, name


def _best_on_selection_seeds(sweep, rows, stages: tuple[str, ...]) -> tuple[str, dict[str, float]]:
    family = {name for name, (stage, _) in sweep.CONFIGS.items() if stage in stages}
    family.add("+ weight decay")  # the full recipe itself
    means = {}
    for name in family:
        acc = [r["valid_accuracy"] for r in rows if r["config"] == name and r["seed"] in sweep.SELECTION_SEEDS]
        assert len(acc) == len(sweep.SELECTION_SEEDS), name
        means[name] = float(np.mean(acc))
    return max(means, key=means.get), means


@pytest.mark.parametrize("choice,prefix,held_stage,held_seeds,stages", [
    ("FIRST_CHOSEN", "chosen: ", "held-out", "HELD_OUT_SEEDS", ("ablation", "recipe", "extra")),
    ("CHOSEN", "chosen, round 2: ", "held-out 2", "FRESH_SEEDS", ("ablation", "recipe", "extra", "round 2")),
])  # fmt: skip
def test_each_chosen_recipe_is_the_best_on_the_selection_seeds_and_scored_on_new_ones(
    sweep, rows, choice, prefix, held_stage, held_seeds, stages
):
    """A choice is the variant of the full recipe with the best mean on seeds 0-2 among the candidates of its
    round; it is trained again on seeds that no other stage of the sweep used."""
    chosen = getattr(sweep, choice)
    best, means = _best_on_selection_seeds(sweep, rows, stages)
    assert best == chosen, sorted(means.items(), key=lambda kv: -kv[1])[:3]
    ((name, (stage, settings)),) = [(k, v) for k, v in sweep.CONFIGS.items() if v[0] == held_stage]
    assert name == prefix + chosen and settings == sweep.CONFIGS[chosen][1]
    assert sweep.epochs_of(name) == sweep.epochs_of(chosen)
    seeds = set(getattr(sweep, held_seeds))
    assert {r["seed"] for r in rows if r["config"] == name} == seeds
    other = {r["seed"] for r in rows if r["stage"] != held_stage}  # every seed any other run used
    assert seeds and not seeds & other, sorted(seeds & other)


def test_each_step_adds_exactly_its_piece_and_the_last_is_the_published_recipe(sweep):
    steps = [s for stage, s in sweep.CONFIGS.values() if stage == "step"]
    assert len(steps) == len(sweep.PIECES) + 1
    for before, after, change in zip(steps, steps[1:], sweep.PIECES.values()):
        assert {k for k in after if after[k] != before[k]} == set(change)
    assert steps[-1] == {"embed_dropout": 0.0, "input_dropout": 0.0, "hidden_dropout": 0.0, "output_dropout": 0.4,
                         "alpha": 2.0, "beta": 1.0, "tie_weights": True, "weight_decay": 0.1, "lr": 0.01,
                         "momentum_max": 0.95, "momentum_base": 0.85, "eps": 1e-8}
    assert (sweep.HIDDEN, sweep.LAYERS, sweep.SEQ_LEN, sweep.BATCH, sweep.EPOCHS) == (64, 2, 16, 64, 15)


def test_round_2_changes_the_settings_its_names_say(sweep):
    """Each of round 2's configurations is the full recipe with the changes its name lists, and only the one
    that says so trains for fewer epochs."""
    words = {"weight decay": "weight_decay", "dropout": "output_dropout", "beta": "beta", "lr": "lr"}
    for name, (stage, settings) in sweep.CONFIGS.items():
        if stage != "round 2":
            continue
        changed = {k: v for k, v in settings.items() if v != sweep.FULL[k]}
        said = {}
        for part in name.removeprefix("full").replace("+ AWD dropouts", "").strip(" ,").split(", "):
            if part.endswith(" epochs"):
                assert sweep.epochs_of(name) == int(part.split()[0]) < sweep.EPOCHS
                continue
            word, value = part.rsplit(" ", 1)
            said[words[word]] = float(value)
        if "+ AWD dropouts" in name:
            said.update(embed_dropout=0.02, input_dropout=0.25, hidden_dropout=0.15)
        assert changed == said, name
        if not name.endswith(" epochs"):
            assert sweep.epochs_of(name) == sweep.EPOCHS, name
