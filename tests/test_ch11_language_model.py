"""Chapter 11's next-word model (``lstm_tutorial.nextword``) and its sweep's CSV.

The model: shapes for both kinds, a state carried over two calls equal to one
long call, ``detach`` cutting the gradient and keeping the values, ``accuracy``
counting by hand on a model whose answer is known, a tiny ``fit`` that is
repeatable, and the validation policy for every argument.

The sweep: ``scripts/ch11_language_model.py`` wrote
``lstm_tutorial/datasets/ch11_language_model.csv``; the test checks it holds
every (setting, seed) of the script once, with 15-epoch curves whose last value
is the final accuracy. The chapter itself retrains the best LSTM seed and
asserts its curve equals the file's row (nbval runs it); a whole run is too
slow for a unit test.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from script_module import script_module

from lstm_tutorial import nextword as nw

V_, H_, L_ = 7, 5, 2  # a tiny vocabulary, hidden size and depth


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def script():
    with script_module("ch11_language_model") as module:
        yield module


def _ids(T: int = 6, B: int = 3, seed: int = 0) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(seed).integers(0, V_, size=(T, B)))  # (T, B) int64


def _batches(n: int = 3, T: int = 4, B: int = 2, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, V_, size=(n, T, B))  # (n, T, B) int64


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
@pytest.mark.parametrize("T,B", [(6, 3), (1, 1)])
def test_forward_shapes(kind, T, B):
    torch.manual_seed(0)
    model = nw.NextWord(kind, V_, H_, L_)
    logits, state = model(_ids(T, B))
    assert logits.shape == (T, B, V_)
    states = state if kind == "lstm" else (state,)
    assert len(states) == (2 if kind == "lstm" else 1)
    assert all(s.shape == (L_, B, H_) for s in states)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_state_carries_over_like_one_long_sequence(kind):
    torch.manual_seed(0)
    model = nw.NextWord(kind, V_, H_, L_)
    x = _ids(8, 2)
    whole, state_whole = model(x)
    first, state = model(x[:3])
    second, state_two = model(x[3:], state)
    torch.testing.assert_close(torch.cat([first, second]), whole)
    torch.testing.assert_close(state_two, state_whole)


def test_detach_keeps_values_and_cuts_the_gradient():
    h = torch.ones(L_, 1, H_, requires_grad=True) * 2.0  # has a grad_fn
    c = torch.ones(L_, 1, H_, requires_grad=True) * 3.0
    h_cut, c_cut = nw.detach((h, c))
    assert h.grad_fn is not None and h_cut.grad_fn is None and not h_cut.requires_grad
    torch.testing.assert_close(h_cut, h.detach())
    torch.testing.assert_close(c_cut, c.detach())
    alone = nw.detach(h)
    assert isinstance(alone, torch.Tensor) and alone.grad_fn is None


def test_accuracy_counts_the_right_predictions():
    model = nw.NextWord("lstm", V_, H_, L_)
    with torch.no_grad():  # every logit 0 except token 3's: the model always says 3
        for p in model.parameters():
            p.zero_()
        model.out.bias[3] = 1.0
    xs = _batches()
    ys = xs.copy()
    ys[..., 0] = 3  # column 0 is always right
    ys[..., 1] = np.where(xs[..., 1] == 3, 4, xs[..., 1])  # column 1 never
    assert nw.accuracy(model, xs, ys) == 0.5


def test_fit_is_repeatable_and_returns_a_curve_per_epoch():
    xs, ys = _batches(seed=1), _batches(seed=2)
    model_a, curve_a = nw.fit("rnn", V_, xs, ys, xs, ys, lr=1e-2, seed=3, epochs=2)
    model_b, curve_b = nw.fit("rnn", V_, xs, ys, xs, ys, lr=1e-2, seed=3, epochs=2)
    assert isinstance(model_a, nw.NextWord) and model_a.kind == "rnn"
    assert len(curve_a) == 2 and all(0 <= a <= 1 for a in curve_a)
    assert curve_a == curve_b
    for p, q in zip(model_a.parameters(), model_b.parameters()):
        torch.testing.assert_close(p, q)
    assert curve_a[-1] == nw.accuracy(model_a, xs, ys)


# --------------------------------------------------------------------------
# The validation policy
# --------------------------------------------------------------------------

_XS = _batches()


def _model(kind: str = "lstm") -> nw.NextWord:
    return nw.NextWord(kind, V_, H_, L_)


CASES = [
    ("nw-kind-int", lambda: nw.NextWord(1, V_), TypeError, r"kind: expected a str"),
    ("nw-kind-gru", lambda: nw.NextWord("gru", V_), ValueError, r"kind: expected one of 'rnn', 'lstm'"),
    ("nw-vocab-float", lambda: nw.NextWord("rnn", 7.0), TypeError, r"vocab_size: expected an int"),
    ("nw-vocab-0", lambda: nw.NextWord("rnn", 0), ValueError, r"vocab_size: expected an int >= 1"),
    ("nw-hidden-bool", lambda: nw.NextWord("rnn", V_, True), TypeError, r"hidden: expected an int"),
    ("nw-layers-0", lambda: nw.NextWord("rnn", V_, H_, 0), ValueError, r"layers: expected an int >= 1"),
    ("fwd-x-numpy", lambda: _model()(np.zeros((2, 1), np.int64)), TypeError, r"x: expected a torch\.Tensor"),
    ("fwd-x-float", lambda: _model()(torch.zeros(2, 1)), TypeError, r"x: expected an integer tensor"),
    ("fwd-x-1d", lambda: _model()(torch.zeros(2, dtype=torch.long)), ValueError, r"x: expected shape \(T, B\)"),
    ("fwd-x-range", lambda: _model()(torch.full((2, 1), V_)), ValueError, r"x: expected values in \[0, 6\]"),
    ("fwd-state-rnn-pair", lambda: _model("rnn")(_ids(2, 1), (torch.zeros(L_, 1, H_),) * 2), TypeError,
     r"state: expected one tensor h"),
    ("fwd-state-lstm-one", lambda: _model()(_ids(2, 1), torch.zeros(L_, 1, H_)), TypeError,
     r"state: expected a pair \(h, c\)"),
    ("fwd-state-shape", lambda: _model()(_ids(2, 1), (torch.zeros(L_, 2, H_), torch.zeros(L_, 1, H_))), ValueError,
     r"state\[0\]: expected shape \(2, 1, 5\)"),
    ("fwd-state-int", lambda: _model("rnn")(_ids(2, 1), torch.zeros(L_, 1, H_, dtype=torch.long)), TypeError,
     r"state: expected a floating"),
    ("fwd-state-nan", lambda: _model("rnn")(_ids(2, 1), torch.full((L_, 1, H_), np.nan)), ValueError,
     r"state: contains NaN"),
    ("detach-list", lambda: nw.detach([torch.zeros(1)]), TypeError, r"state: expected a torch\.Tensor or a tuple"),
    ("detach-numpy", lambda: nw.detach(np.zeros(1)), TypeError, r"state: expected a torch\.Tensor or a tuple"),
    ("acc-model-dict", lambda: nw.accuracy({}, _XS, _XS), TypeError, r"model: expected a NextWord, got dict"),
    ("acc-xs-float", lambda: nw.accuracy(_model(), _XS.astype(float), _XS), TypeError, r"xs: expected an integer"),
    ("acc-xs-2d", lambda: nw.accuracy(_model(), _XS[0], _XS[0]), ValueError, r"xs: expected shape 3 axes"),
    ("acc-ys-shape", lambda: nw.accuracy(_model(), _XS, _XS[:2]), ValueError, r"ys: expected shape \(3, 4, 2\)"),
    ("acc-ys-range", lambda: nw.accuracy(_model(), _XS, _XS + V_), ValueError, r"ys: expected values in \[0, 6\]"),
    ("acc-xs-empty", lambda: nw.accuracy(_model(), _XS[:0], _XS[:0]), ValueError, r"xs: expected shape \(n_batches"),
    ("fit-kind", lambda: nw.fit("gru", V_, _XS, _XS, _XS, _XS, lr=0.01, seed=0), ValueError, r"kind: expected one"),
    ("fit-vocab-str", lambda: nw.fit("rnn", "7", _XS, _XS, _XS, _XS, lr=0.01, seed=0), TypeError,
     r"vocab_size: expected an int"),
    ("fit-xs-train", lambda: nw.fit("rnn", V_, _XS + V_, _XS, _XS, _XS, lr=0.01, seed=0), ValueError,
     r"xs_train: expected values"),
    ("fit-ys-valid", lambda: nw.fit("rnn", V_, _XS, _XS, _XS, _XS[:1], lr=0.01, seed=0), ValueError,
     r"ys_valid: expected shape \(3, 4, 2\) like xs_valid"),
    ("fit-lr-0", lambda: nw.fit("rnn", V_, _XS, _XS, _XS, _XS, lr=0, seed=0), ValueError, r"lr: expected a number > 0"),
    ("fit-lr-str", lambda: nw.fit("rnn", V_, _XS, _XS, _XS, _XS, lr="0.1", seed=0), TypeError, r"lr: expected a number"),
    ("fit-seed-neg", lambda: nw.fit("rnn", V_, _XS, _XS, _XS, _XS, lr=0.01, seed=-1), ValueError,
     r"seed: expected an int >= 0"),
    ("fit-epochs-float", lambda: nw.fit("rnn", V_, _XS, _XS, _XS, _XS, lr=0.01, seed=0, epochs=2.0), TypeError,
     r"epochs: expected an int"),
]


@pytest.mark.parametrize("call, err, match", [pytest.param(c, e, m, id=i) for i, c, e, m in CASES])
def test_bad_argument_gets_the_policys_exception_naming_it(call, err, match):
    with pytest.raises(err, match="^" + match) as info:
        call()
    assert type(info.value) is err


def test_cases_have_unique_ids():
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------
# The sweep's CSV
# --------------------------------------------------------------------------


def test_csv_holds_every_setting_and_seed_once_with_its_curve(script):
    rows = script.read_rows()
    with open(script.OUT, encoding="utf-8") as fh:
        assert tuple(fh.readline().strip().split(",")) == script.FIELDS
    keys = [(r["setting"], r["seed"]) for r in rows]
    assert len(keys) == len(set(keys)), "a run appears twice"
    assert set(keys) == {(name, seed) for name in script.SETTINGS for seed in script.SEEDS}
    assert len(rows) == 10 and script.EPOCHS == 15
    n_targets = script.human_numbers_batches(script.SEQ_LEN, script.BATCH)[3].size  # every next token of the validation batches
    for r in rows:
        assert (r["kind"], r["lr"]) == script.SETTINGS[r["setting"]]
        assert r["epochs"] == 15 and len(r["curve"]) == 15, (r["setting"], r["seed"])
        assert r["curve"][-1] == r["final_accuracy"], (r["setting"], r["seed"])
        assert all(0 < a < 1 for a in r["curve"]) and r["cpu_seconds"] > 0
        right = np.array(r["curve"]) * n_targets  # targets predicted right, after each epoch
        np.testing.assert_allclose(right, np.round(right), rtol=0, atol=1e-6)  # a count over the targets


def test_script_help_runs(script, capsys):
    with pytest.raises(SystemExit) as info:
        script.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "--out" in out and "RNN" in out
