"""The bridge to torch.nn (converters, lstm_tutorial.torch) and the article-named LSTMModel (lstm_tutorial.torch_models)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from lstm_tutorial import numpy as ln
from lstm_tutorial import torch as lt
from lstm_tutorial.torch_models import LSTMModel

F64 = torch.float64


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng([77, *key])


def rand_lstm(rng, D, H):
    return ln.LSTMParams(*[rng.normal(0, 0.7, (H, H + D)) for _ in range(4)], *[rng.normal(0, 0.7, H) for _ in range(4)])


def rand_rnn(rng, D, H):
    return ln.RNNParams(rng.normal(0, 0.7, (H, H)), rng.normal(0, 0.7, (H, D)), rng.normal(0, 0.7, H))


def t(a, grad: bool = False) -> torch.Tensor:
    return torch.tensor(a, dtype=F64, requires_grad=grad)


def close(a, b, atol: float = 1e-10) -> None:
    a = a.detach().numpy() if isinstance(a, torch.Tensor) else a
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else b
    assert a.shape == b.shape
    np.testing.assert_allclose(a, b, rtol=0, atol=atol)


def randomize_(module: nn.Module, seed: int) -> nn.Module:
    """Fill every parameter (both biases included) with normal values."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for prm in module.parameters():
            prm.copy_(0.5 * torch.randn(prm.shape, generator=g, dtype=prm.dtype))
    return module


# --------------------------------------------------------------------------
# Converters
# --------------------------------------------------------------------------


@pytest.mark.parametrize("D,H", [(1, 1), (3, 4), (2, 1), (1, 5)])
def test_to_torch_lstm_layout_is_i_f_g_o_with_x_and_h_apart(D, H):
    p = rand_lstm(_rng(1, D, H), D, H)
    m = lt.to_torch_lstm(p)
    assert isinstance(m, nn.LSTM) and m.num_layers == 1 and not m.batch_first
    assert m.weight_ih_l0.dtype == F64 and m.weight_ih_l0.shape == (4 * H, D)
    for k, (W, b) in enumerate([(p.W_i, p.b_i), (p.W_f, p.b_f), (p.W_c, p.b_c), (p.W_o, p.b_o)]):
        r = slice(k * H, (k + 1) * H)
        assert np.array_equal(m.weight_ih_l0[r].detach().numpy(), W[:, H:])  # x part
        assert np.array_equal(m.weight_hh_l0[r].detach().numpy(), W[:, :H])  # h part
        assert np.array_equal(m.bias_ih_l0[r].detach().numpy(), b)
    assert not m.bias_hh_l0.detach().any()


@pytest.mark.parametrize("D,H", [(1, 1), (3, 4)])
def test_lstm_round_trips_are_exact(D, H):
    p = rand_lstm(_rng(2, D, H), D, H)
    back = lt.from_torch_lstm(lt.to_torch_lstm(p))
    for a, b in zip(back, p):
        assert a.dtype == np.float64 and np.array_equal(a, b)
    # float32 stays float32
    p32 = ln.LSTMParams(*(a.astype(np.float32) for a in p))
    m32 = lt.to_torch_lstm(p32)
    assert m32.weight_hh_l0.dtype == torch.float32
    for a, b in zip(lt.from_torch_lstm(m32), p32):
        assert a.dtype == np.float32 and np.array_equal(a, b)
    # torch tensors (with gradients) work too, and give the same module
    m_t = lt.to_torch_lstm(ln.LSTMParams(*(t(a, True) for a in p)))
    for a, b in zip(lt.from_torch_lstm(m_t), p):
        assert np.array_equal(a, b)
    # module -> params -> module: the same outputs (the two biases are summed once)
    m = randomize_(nn.LSTM(D, H, dtype=F64), seed=D * 10 + H)
    xs = t(_rng(3).normal(size=(6, 2, D)))
    close(lt.to_torch_lstm(lt.from_torch_lstm(m))(xs)[0], m(xs)[0], 1e-12)


def test_rnn_round_trips_and_layout():
    p = rand_rnn(_rng(4), 3, 4)
    m = lt.to_torch_rnn(p)
    assert isinstance(m, nn.RNN) and m.nonlinearity == "tanh"
    assert np.array_equal(m.weight_ih_l0.detach().numpy(), p.W_x)
    assert np.array_equal(m.weight_hh_l0.detach().numpy(), p.W_h)
    for a, b in zip(lt.from_torch_rnn(m), p):
        assert np.array_equal(a, b)
    xs = _rng(5).normal(size=(5, 2, 3))
    close(m(t(xs))[0], ln.rnn(xs, None, p)[0])
    r = randomize_(nn.RNN(3, 4, dtype=F64), seed=1)
    close(ln.rnn(xs, None, lt.from_torch_rnn(r))[0], r(t(xs))[0])
    cell = randomize_(nn.RNNCell(3, 4, dtype=F64), seed=2)
    close(ln.rnn_cell(xs[0], np.zeros((2, 4)), lt.from_torch_rnn(cell)), cell(t(xs[0])))


def test_from_torch_reads_lstmcell_and_bias_free_modules():
    xs = _rng(6).normal(size=(4, 3, 2))
    cell = randomize_(nn.LSTMCell(2, 3, dtype=F64), seed=3)
    h, c = ln.lstm_cell(xs[0], (np.zeros((3, 3)), np.zeros((3, 3))), lt.from_torch_lstm(cell))
    mh, mc = cell(t(xs[0]))
    close(h, mh)
    close(c, mc)
    nob = randomize_(nn.LSTM(2, 3, bias=False, dtype=F64), seed=4)
    p = lt.from_torch_lstm(nob)
    assert not any(b.any() for b in (p.b_f, p.b_i, p.b_c, p.b_o))
    close(ln.lstm(xs, None, p)[0], nob(t(xs))[0])


def test_from_torch_returns_new_memory():
    m = lt.to_torch_lstm(rand_lstm(_rng(7), 2, 3))
    before = m.weight_ih_l0.detach().clone()
    p = lt.from_torch_lstm(m)
    for a in p:
        a[...] = 0.0
    assert torch.equal(m.weight_ih_l0.detach(), before)


def test_converters_leave_torchs_random_generator_alone():
    state = torch.random.get_rng_state()
    lt.to_torch_lstm(rand_lstm(_rng(8), 2, 3))
    lt.to_torch_rnn(rand_rnn(_rng(8), 2, 3))
    LSTMModel(2, 3)
    assert torch.equal(torch.random.get_rng_state(), state)


def test_converters_refuse_what_the_book_does_not_build():
    with pytest.raises(ValueError, match="one-layer, one-direction nn.LSTM.*num_layers=2"):
        lt.from_torch_lstm(nn.LSTM(2, 3, num_layers=2))
    with pytest.raises(ValueError, match="bidirectional=True"):
        lt.from_torch_lstm(nn.LSTM(2, 3, bidirectional=True))
    with pytest.raises(ValueError, match="proj_size=2"):
        lt.from_torch_lstm(nn.LSTM(2, 3, proj_size=2))
    with pytest.raises(TypeError, match=r"module: expected a torch\.nn\.LSTM or torch\.nn\.LSTMCell, got GRU"):
        lt.from_torch_lstm(nn.GRU(2, 3))
    with pytest.raises(ValueError, match="nonlinearity='tanh'.*got 'relu'"):
        lt.from_torch_rnn(nn.RNN(2, 3, nonlinearity="relu"))
    with pytest.raises(ValueError, match=r"params\.W_o: expected shape \(3, 5\) like params\.W_f, got \(3, 4\)"):
        p = ln.init_lstm_params(2, 3)
        lt.to_torch_lstm(p._replace(W_o=np.zeros((3, 4))))
    with pytest.raises(TypeError, match=r"params\.W_h: expected a floating-point array"):
        lt.to_torch_rnn(ln.RNNParams(np.zeros((3, 3), int), np.zeros((3, 2)), np.zeros(3)))


def test_a_trained_nn_lstm_predicts_the_same_in_the_numpy_backend():
    torch.manual_seed(0)
    D, H, T, B = 3, 5, 12, 8
    lstm = nn.LSTM(D, H, dtype=F64)
    head = nn.Linear(H, 1, dtype=F64)
    opt = torch.optim.Adam([*lstm.parameters(), *head.parameters()], lr=0.05)
    xs = torch.randn(T, B, D, dtype=F64)
    target = (xs.sum(-1, keepdim=True).cumsum(0) > 0).to(F64)  # (T, B, 1)
    for _ in range(5):
        opt.zero_grad()
        loss = nn.functional.binary_cross_entropy_with_logits(head(lstm(xs)[0]), target)
        loss.backward()
        opt.step()
    assert lstm.bias_hh_l0.detach().abs().min() > 0  # both biases moved: their sum is tested

    p = lt.from_torch_lstm(lstm)
    x_np = xs.numpy()
    hs, (h_n, c_n) = ln.lstm(x_np, None, p)
    y_np = ln.output_neuron(hs, head.weight.detach().numpy(), head.bias.detach().numpy())
    with torch.no_grad():
        out, (mh, mc) = lstm(xs)
        y_torch = torch.sigmoid(head(out))
    close(y_np, y_torch)
    close(h_n, mh[0])
    close(c_n, mc[0])


# --------------------------------------------------------------------------
# LSTMModel
# --------------------------------------------------------------------------

LSTM_NAMES = {"W_f", "W_i", "W_c", "W_o", "b_f", "b_i", "b_c", "b_o", "W_y", "b_y"}


def test_lstm_model_parameters_are_named_after_the_gates():
    model = LSTMModel(3, 4, output_size=2, seed=5)
    shapes = {n: tuple(p.shape) for n, p in model.named_parameters()}
    assert set(shapes) == LSTM_NAMES
    assert shapes["W_f"] == (4, 7) and shapes["b_c"] == (4,)
    assert shapes["W_y"] == (2, 4) and shapes["b_y"] == (2,)
    params = model.params()
    assert isinstance(params, lt.LSTMParams)
    assert all(a is getattr(model, n) for n, a in zip(params._fields, params))  # not copies
    for a, b in zip(params, lt.init_lstm_params(3, 4, seed=5)):  # starts where the functions do
        assert a.dtype == torch.get_default_dtype() and torch.equal(a.detach(), b)
    assert LSTMModel(3, 4, forget_bias=1.0).b_f.detach().tolist() == [1.0] * 4
    assert "hidden_size=4" in repr(model)


def test_model_seeds_are_reproducible_and_distinct():
    a, b, c = LSTMModel(2, 3, seed=1), LSTMModel(2, 3, seed=1), LSTMModel(2, 3, seed=2)
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))
    assert not torch.equal(a.W_y, c.W_y)
    with pytest.raises(ValueError, match="output_size: expected an int >= 1, got 0"):
        LSTMModel(2, 3, output_size=0)
    with pytest.raises(TypeError, match="output_size: expected an int, got float"):
        LSTMModel(2, 3, output_size=2.0)
    with pytest.raises(TypeError, match="output_size: expected an int, got bool"):
        LSTMModel(2, 3, output_size=True)


def test_lstm_model_errors_name_what_the_caller_holds():
    model = LSTMModel(2, 3)
    with pytest.raises(ValueError, match=r"xs: expected shape \(T, batch, 2\) or \(T, 2\)"):
        model(torch.zeros(4, 1, 5))
    with pytest.raises(TypeError, match=r"xs: dtype torch\.float64 does not match model \(torch\.float32\)"):
        model(torch.zeros(4, 1, 2, dtype=F64))
    with torch.no_grad():
        model.W_c[0, 0] = float("nan")  # a training run that diverged
    with pytest.raises(ValueError, match=r"model\.W_c: contains NaN or infinity \(shape \(3, 5\)\)"):
        model(torch.zeros(4, 1, 2))


@pytest.mark.parametrize("T,B", [(1, 1), (6, 3), (4, None), (1, None)])
def test_lstm_model_equals_the_functional_backend(T, B):
    model = LSTMModel(2, 3, output_size=2, seed=T, dtype=F64)
    with torch.no_grad():  # random biases everywhere, not the init's
        for prm in model.parameters():
            prm.copy_(t(_rng(9, T).normal(0, 0.7, prm.shape)))
    bs = () if B is None else (B,)
    xs = t(_rng(10, T).normal(size=(T, *bs, 2)))
    y, (h_n, c_n) = model(xs)
    assert y.shape == (T, *bs, 2) and h_n.shape == c_n.shape == (*bs, 3)
    hs, (fh, fc) = lt.lstm(xs, None, model.params())
    close(y, lt.output_neuron(hs, model.W_y, model.b_y), 1e-14)
    close(h_n, fh, 0)
    logits, _ = model(xs, logits=True)
    close(torch.sigmoid(logits), y, 1e-14)
    # the same numbers in the NumPy backend
    p = ln.LSTMParams(*(a.detach().numpy() for a in model.params()))
    y_np = ln.output_neuron(ln.lstm(xs.numpy(), None, p)[0], model.W_y.detach().numpy(), model.b_y.detach().numpy())
    close(y, y_np)
    # carrying the state across two chunks equals one pass over the whole sequence
    if T > 1:
        y1, s1 = model(xs[: T // 2])
        y2, _ = model(xs[T // 2 :], s1)
        close(torch.cat([y1, y2]), y, 1e-14)


def test_lstm_model_gradients_match_numpy_bptt():
    model = LSTMModel(2, 3, seed=4, dtype=F64)
    rng = _rng(11)
    with torch.no_grad():
        for prm in model.parameters():
            prm.copy_(t(rng.normal(0, 0.7, prm.shape)))
    xs = rng.normal(size=(5, 2, 2))
    r = rng.normal(size=(5, 2, 1))
    y, _ = model(t(xs))
    (y * t(r)).sum().backward()
    # By hand in NumPy: through the output neuron, then lstm_backward.
    p = ln.LSTMParams(*(a.detach().numpy() for a in model.params()))
    W_y, b_y = model.W_y.detach().numpy(), model.b_y.detach().numpy()
    hs, _, cache = ln.lstm_forward(xs, None, p)
    y_np = ln.output_neuron(hs, W_y, b_y)
    dz = r * y_np * (1 - y_np)  # (T, B, 1)
    grads, _, _ = ln.lstm_backward(dz @ W_y, cache)
    for name, g in zip(p._fields, grads):
        close(getattr(model, name).grad, g, 1e-8)
    close(model.W_y.grad, np.einsum("tbk,tbh->kh", dz, hs), 1e-8)
    close(model.b_y.grad, dz.sum(axis=(0, 1)), 1e-8)


def test_models_convert_to_torch_nn_and_default_to_float32():
    model = LSTMModel(2, 3)
    xs = torch.zeros(4, 1, 2).normal_(generator=torch.Generator().manual_seed(0))
    y, _ = model(xs)
    assert y.dtype == torch.float32
    m = lt.to_torch_lstm(model.params())
    assert m.weight_ih_l0.dtype == torch.float32
    hs, _ = lt.lstm(xs, None, model.params())
    close(m(xs)[0], hs, 1e-6)


def test_torch_default_init_is_what_init_lstm_params_docstring_says() -> None:
    """init_lstm_params's docstring (and chapter 2) say how torch.nn.LSTM starts: weights uniform in
    +-1/sqrt(H), and two biases, each uniform in +-1/sqrt(H), that add up (a triangular spread over +-2/sqrt(H))."""
    H, D = 64, 3
    torch.manual_seed(0)
    m = nn.LSTM(D, H)
    k = 1 / np.sqrt(H)
    for w in (m.weight_ih_l0, m.weight_hh_l0, m.bias_ih_l0, m.bias_hh_l0):
        assert float(w.abs().max()) <= k
        assert float(w.abs().max()) > 0.95 * k  # the whole range is used, not a narrower one
    summed = (m.bias_ih_l0 + m.bias_hh_l0).detach().numpy()  # (4H,): what the cell adds
    assert np.abs(summed).max() > k  # beyond one uniform's range: two draws add up
    # std of a sum of two independent U(-k, k): k * sqrt(2/3); of one: k / sqrt(3)
    assert abs(summed.std() - k * np.sqrt(2 / 3)) < 0.15 * k * np.sqrt(2 / 3)
    ours = ln.init_lstm_params(D, H, seed=0)
    assert abs(np.concatenate([ours.b_f, ours.b_i, ours.b_c, ours.b_o]).std() - k / np.sqrt(3)) < 0.15 * k / np.sqrt(3)
