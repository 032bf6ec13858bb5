"""Chapter 13's variants: every gradient against finite differences, the references exact, bad input refused.

* every variant's gradient (inputs, initial state and every parameter) by
  ``torch.autograd.gradcheck`` in float64, batched, unbatched, T = 1 and B = 1;
* ``"lstm"`` equals the package's LSTM (NumPy and torch backends) to 1e-10,
  ``"rnn"`` the package's RNN, ``"gru"`` ``torch.nn.GRU`` and ``GRUCell``
  (random weights, non-zero biases);
* each variant is the book's LSTM with exactly its change (f = 1, i = 1,
  o = 1, i = 1 - f, peepholes, h = o * C), checked step by step;
* ``variant_cell`` is one step of ``variant_sequence``;
* the validation policy: TypeError for the wrong kind, ValueError for a wrong
  value, the argument named.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lstm_tutorial import numpy as lnp
from lstm_tutorial import torch as lt
from lstm_tutorial import variants as va

F64 = torch.float64


def _random_params(variant: str, D: int = 3, H: int = 4, seed: int = 0) -> dict[str, torch.Tensor]:
    """Every parameter random, biases and peepholes included, in float64."""
    gen = torch.Generator().manual_seed(seed)
    p = va.init_variant_params(variant, D, H, seed, dtype=F64)
    return {k: torch.randn(t.shape, generator=gen, dtype=F64) * 0.7 for k, t in p.items()}


def _state(variant: str, B: int | None, H: int = 4, seed: int = 1):
    gen = torch.Generator().manual_seed(seed)
    shape = (H,) if B is None else (B, H)
    h = torch.randn(shape, generator=gen, dtype=F64)
    if variant in ("gru", "rnn"):
        return h
    return h, torch.randn(shape, generator=gen, dtype=F64)


@pytest.mark.parametrize("variant", va.VARIANTS)
@pytest.mark.parametrize(("T", "B"), [(5, 2), (1, 1), (4, None)])
def test_gradient_matches_finite_differences(variant, T, B):
    p = {k: t.requires_grad_() for k, t in _random_params(variant).items()}
    xs = torch.randn((T, 3) if B is None else (T, B, 3), dtype=F64, generator=torch.Generator().manual_seed(2))
    xs.requires_grad_()
    state = _state(variant, B)
    state = tuple(s.requires_grad_() for s in state) if isinstance(state, tuple) else state.requires_grad_()
    states = state if isinstance(state, tuple) else (state,)
    keys = list(p)
    n_state = len(states)

    def f(xs, *ts):
        st = tuple(ts[:n_state]) if n_state == 2 else ts[0]
        hs, st_n = va.variant_sequence(variant, xs, st, dict(zip(keys, ts[n_state:])))
        last = st_n if isinstance(st_n, tuple) else (st_n,)
        return (hs, *last)

    assert torch.autograd.gradcheck(f, (xs, *states, *p.values()), eps=1e-6, atol=1e-8, rtol=1e-6)


@pytest.mark.parametrize("variant", va.VARIANTS)
def test_cell_gradient_matches_finite_differences(variant):
    p = {k: t.requires_grad_() for k, t in _random_params(variant).items()}
    x = torch.randn(2, 3, dtype=F64, requires_grad=True)
    state = _state(variant, 2)
    states = state if isinstance(state, tuple) else (state,)
    for s in states:
        s.requires_grad_()
    keys = list(p)

    def f(x, *ts):
        st = tuple(ts[: len(states)]) if len(states) == 2 else ts[0]
        h, _ = va.variant_cell(variant, x, st, dict(zip(keys, ts[len(states):])))
        return h

    assert torch.autograd.gradcheck(f, (x, *states, *p.values()))


def test_book_lstm_equals_the_package_lstm():
    p = _random_params("lstm", D=3, H=5)
    xs = torch.randn(7, 2, 3, dtype=F64)
    h0, c0 = _state("lstm", 2, H=5)
    hs, (h_n, c_n) = va.variant_sequence("lstm", xs, (h0, c0), p)
    hs_t, (h_t, c_t) = lt.lstm(xs, (h0, c0), lt.LSTMParams(**p))
    params_np = lnp.LSTMParams(**{k: v.numpy() for k, v in p.items()})
    hs_np, (h_np, c_np) = lnp.lstm(xs.numpy(), (h0.numpy(), c0.numpy()), params_np)
    for ours, ref in ((hs, hs_t), (c_n, c_t), (h_n, h_t)):
        np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=0, atol=1e-10)
    for ours, ref in ((hs, hs_np), (c_n, c_np), (h_n, h_np)):
        np.testing.assert_allclose(ours.numpy(), ref, rtol=0, atol=1e-10)


def test_book_lstm_starts_where_the_package_lstm_starts():
    p = va.init_variant_params("lstm", 3, 4, seed=5, forget_bias=2.0, dtype=F64)
    ref = lnp.init_lstm_params(3, 4, 5, forget_bias=2.0)
    for k, v in p.items():
        np.testing.assert_array_equal(v.numpy(), getattr(ref, k))


def test_rnn_variant_equals_the_package_rnn():
    p = _random_params("rnn", D=3, H=5)
    xs = torch.randn(6, 2, 3, dtype=F64)
    h0 = _state("rnn", 2, H=5)
    hs, h_n = va.variant_sequence("rnn", xs, h0, p)
    hs_ref, h_ref = lt.rnn(xs, h0, lt.RNNParams(**p))
    np.testing.assert_allclose(hs.numpy(), hs_ref.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(h_n.numpy(), h_ref.numpy(), rtol=0, atol=1e-12)


def _random_gru(D: int, H: int, cls=torch.nn.GRU) -> torch.nn.Module:
    torch.manual_seed(3)
    module = cls(D, H).double()
    with torch.no_grad():
        for prm in module.parameters():
            prm.uniform_(-1, 1)  # biases too: a swapped bias cannot hide
    return module


@pytest.mark.parametrize("B", [3, 1])
def test_gru_equals_torch_gru(B):
    gru = _random_gru(3, 5)
    p = va.from_torch_gru(gru)
    xs = torch.randn(8, B, 3, dtype=F64)
    h0 = torch.randn(B, 5, dtype=F64)
    ref, h_ref = gru(xs, h0[None])
    hs, h_n = va.variant_sequence("gru", xs, h0, p)
    np.testing.assert_allclose(hs.detach().numpy(), ref.detach().numpy(), rtol=0, atol=1e-13)
    np.testing.assert_allclose(h_n.detach().numpy(), h_ref[0].detach().numpy(), rtol=0, atol=1e-13)
    assert all(float(p[k].abs().min()) > 0 for k in ("b_r", "b_z", "b_n", "b_nh"))


def test_gru_gradients_equal_torch_grus():
    gru = _random_gru(3, 4)
    p = {k: v.requires_grad_() for k, v in va.from_torch_gru(gru).items()}
    xs = torch.randn(5, 2, 3, dtype=F64)
    w = torch.randn(5, 2, 4, dtype=F64)
    (gru(xs)[0] * w).sum().backward()
    (va.variant_sequence("gru", xs, None, p)[0] * w).sum().backward()
    H = 4
    g_ih, g_hh = gru.weight_ih_l0.grad, gru.weight_hh_l0.grad
    for k, name in enumerate(("W_r", "W_z", "W_n")):
        np.testing.assert_allclose(p[name].grad[:, :H].numpy(), g_hh[k * H:(k + 1) * H].numpy(), atol=1e-12)
        np.testing.assert_allclose(p[name].grad[:, H:].numpy(), g_ih[k * H:(k + 1) * H].numpy(), atol=1e-12)
    np.testing.assert_allclose(p["b_nh"].grad.numpy(), gru.bias_hh_l0.grad[2 * H:].numpy(), atol=1e-12)
    np.testing.assert_allclose(p["b_n"].grad.numpy(), gru.bias_ih_l0.grad[2 * H:].numpy(), atol=1e-12)


def test_gru_cell_equals_torch_gru_cell():
    cell = _random_gru(3, 4, torch.nn.GRUCell)
    p = va.from_torch_gru(cell)
    x, h = torch.randn(2, 3, dtype=F64), torch.randn(2, 4, dtype=F64)
    h_ours, state = va.variant_cell("gru", x, h, p)
    np.testing.assert_allclose(h_ours.numpy(), cell(x, h).detach().numpy(), rtol=0, atol=1e-13)
    assert state is h_ours


def _book_step(p, x, h, c):
    """The book's equations, one statement each, with each variant's change applied by the test itself."""
    hx = torch.cat([h, x], dim=-1)
    pre = {g: hx @ p["W_" + g].T + p["b_" + g] for g in ("f", "i", "c", "o") if "W_" + g in p}
    return hx, pre


@pytest.mark.parametrize("variant", [v for v in va.VARIANTS if v not in ("gru", "rnn")])
def test_each_variant_is_the_lstm_with_its_change(variant):
    p = _random_params(variant, D=3, H=4)
    x = torch.randn(2, 3, dtype=F64)
    h, c = _state(variant, 2)
    _, pre = _book_step(p, x, h, c)
    sig, tanh = torch.sigmoid, torch.tanh
    f = torch.ones_like(h) if variant == "no_forget" else sig(pre["f"] + (p["p_f"] * c if variant == "peephole" else 0))
    if variant == "coupled":
        i = 1 - f
    elif variant == "no_input":
        i = torch.ones_like(h)
    else:
        i = sig(pre["i"] + (p["p_i"] * c if variant == "peephole" else 0))
    c_new = f * c + i * tanh(pre["c"])
    o = torch.ones_like(h) if variant == "no_output" else sig(pre["o"] + (p["p_o"] * c_new if variant == "peephole" else 0))
    h_new = o * (c_new if variant == "no_output_activation" else tanh(c_new))
    h_ours, (h_same, c_ours) = va.variant_cell(variant, x, (h, c), p)
    np.testing.assert_allclose(h_ours.numpy(), h_new.numpy(), rtol=0, atol=1e-14)
    np.testing.assert_allclose(c_ours.numpy(), c_new.numpy(), rtol=0, atol=1e-14)
    assert h_same is h_ours


@pytest.mark.parametrize("variant", va.VARIANTS)
def test_cell_is_one_step_of_the_sequence(variant):
    p = _random_params(variant)
    xs = torch.randn(4, 2, 3, dtype=F64)
    state = _state(variant, 2)
    hs, _ = va.variant_sequence(variant, xs, state, p)
    for t in range(4):
        h, state = va.variant_cell(variant, xs[t], state, p)
        np.testing.assert_allclose(h.numpy(), hs[t].numpy(), rtol=0, atol=1e-14)
    # unbatched: the same numbers as a batch of one
    hs1, _ = va.variant_sequence(variant, xs[:, 0], None, p)
    hsb, _ = va.variant_sequence(variant, xs[:, :1], None, p)
    np.testing.assert_allclose(hs1.numpy(), hsb[:, 0].numpy(), rtol=0, atol=1e-15)


def test_float32_stays_float32():
    p = va.init_variant_params("peephole", 2, 3)
    hs, (h, c) = va.variant_sequence("peephole", torch.zeros(4, 2), None, p)
    assert hs.dtype == h.dtype == c.dtype == torch.float32


def test_parameter_counts_and_matching():
    D, H = 2, 16
    n = {v: va.count_parameters(va.init_variant_params(v, D, H)) for v in va.VARIANTS}
    assert n["lstm"] == 4 * (H * (H + D) + H) == n["no_output_activation"]
    assert n["peephole"] == n["lstm"] + 3 * H
    assert n["no_forget"] == n["no_input"] == n["no_output"] == n["coupled"] == 3 * (H * (H + D) + H)
    assert n["gru"] == 3 * (H * (H + D) + H) + H
    assert n["rnn"] == H * H + H * D + H
    budget = n["lstm"]
    for v in va.VARIANTS:
        Hv = va.matched_hidden_size(v, D, budget)
        count = va.count_parameters(va.init_variant_params(v, D, Hv))
        for other in (Hv - 1, Hv + 1):
            if other >= 1:
                assert abs(count - budget) <= abs(va.count_parameters(va.init_variant_params(v, D, other)) - budget)
    assert va.matched_hidden_size("lstm", D, budget) == H


def test_forget_bias_sets_the_keep_gates():
    assert torch.all(va.init_variant_params("coupled", 2, 3, forget_bias=3.0)["b_f"] == 3.0)
    assert torch.all(va.init_variant_params("gru", 2, 3, forget_bias=3.0)["b_z"] == 3.0)
    assert "b_f" not in va.init_variant_params("no_forget", 2, 3, forget_bias=3.0)


_P = va.init_variant_params("lstm", 2, 3)
_G = va.init_variant_params("gru", 2, 3)

CASES = [
    ("variant-int", lambda: va.variant_cell(1, torch.zeros(2), None, _P), TypeError, r"variant: expected a str"),
    ("variant-bad", lambda: va.variant_cell("lstm2", torch.zeros(2), None, _P), ValueError, r"variant: expected one of"),
    ("init-H-float", lambda: va.init_variant_params("lstm", 2, 3.0), TypeError, r"hidden_size: expected an int"),
    ("init-D-0", lambda: va.init_variant_params("lstm", 0, 3), ValueError, r"input_size: expected an int >= 1"),
    ("init-fb-str", lambda: va.init_variant_params("lstm", 2, 3, forget_bias="1"), TypeError, r"forget_bias: expected"),
    ("init-fb-nan", lambda: va.init_variant_params("lstm", 2, 3, forget_bias=float("nan")), ValueError,
     r"forget_bias: expected a finite"),
    ("init-dtype", lambda: va.init_variant_params("lstm", 2, 3, dtype=torch.int64), TypeError, r"dtype: expected"),
    ("params-list", lambda: va.variant_sequence("lstm", torch.zeros(3, 2), None, list(_P.values())), TypeError,
     r"params: expected a dict"),
    ("params-missing", lambda: va.variant_sequence("peephole", torch.zeros(3, 2), None, _P), ValueError,
     r"params: expected the keys .* missing \('p_f', 'p_i', 'p_o'\)"),
    ("params-extra", lambda: va.variant_sequence("coupled", torch.zeros(3, 2), None, _P), ValueError,
     r"params: expected the keys .* unexpected \('W_i', 'b_i'\)"),
    ("params-shape", lambda: va.variant_sequence("lstm", torch.zeros(3, 2), None, {**_P, "b_o": torch.zeros(4)}),
     ValueError, r"params\['b_o'\]: expected shape \(3,\)"),
    ("params-numpy", lambda: va.variant_sequence("lstm", torch.zeros(3, 2), None, {**_P, "W_c": np.zeros((3, 5))}),
     TypeError, r"params\['W_c'\]: expected a torch.Tensor"),
    ("params-dtype", lambda: va.variant_sequence("lstm", torch.zeros(3, 2), None, {**_P, "b_c": torch.zeros(3, dtype=F64)}),
     TypeError, r"params\['b_c'\]: dtype"),
    ("xs-shape", lambda: va.variant_sequence("lstm", torch.zeros(3, 2, 4), None, _P), ValueError, r"xs: expected shape"),
    ("xs-int", lambda: va.variant_sequence("lstm", torch.zeros(3, 2, dtype=torch.int64), None, _P), TypeError,
     r"xs: expected a floating-point"),
    ("xs-nan", lambda: va.variant_sequence("lstm", torch.full((3, 2), float("nan")), None, _P), ValueError,
     r"xs: contains NaN"),
    ("x-shape", lambda: va.variant_cell("lstm", torch.zeros(5), None, _P), ValueError, r"x: expected shape"),
    ("state-not-pair", lambda: va.variant_cell("lstm", torch.zeros(2), torch.zeros(3), _P), TypeError,
     r"state: expected a pair"),
    ("state-shape", lambda: va.variant_sequence("lstm", torch.zeros(3, 2, 2), (torch.zeros(2, 3), torch.zeros(3)), _P),
     ValueError, r"state\[1\] \(c0\): expected shape \(2, 3\)"),
    ("gru-state-pair", lambda: va.variant_cell("gru", torch.zeros(2), (torch.zeros(3), torch.zeros(3)), _G), TypeError,
     r"state: variant 'gru' keeps one state h"),
    ("count-list", lambda: va.count_parameters([torch.zeros(2)]), TypeError, r"params: expected a dict"),
    ("match-n-0", lambda: va.matched_hidden_size("gru", 2, 0), ValueError, r"n_params: expected an int >= 1"),
    ("match-bad", lambda: va.matched_hidden_size("lstms", 2, 10), ValueError, r"variant: expected one of"),
    ("gru-module", lambda: va.from_torch_gru(torch.nn.LSTM(2, 3)), TypeError, r"module: expected torch.nn.GRU"),
    ("gru-layers", lambda: va.from_torch_gru(torch.nn.GRU(2, 3, num_layers=2)), ValueError, r"module: expected a one-layer"),
]


@pytest.mark.parametrize(("call", "exc", "pattern"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_naming_the_argument(call, exc, pattern):
    with pytest.raises(exc, match="^" + pattern):
        call()
