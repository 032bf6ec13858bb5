"""The PyTorch backend against the NumPy backend and against torch.nn, values and gradients.

Every parameter is random, biases included, in float64 unless a test is about
float32. ``torch.nn`` modules are filled here with the gate layout written out
by hand (not with ``to_torch_lstm``), so a mistake in the converters cannot
hide a mistake in the backend; ``test_torch_nn.py`` tests the converters.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from torch import nn

from lstm_tutorial import numpy as ln
from lstm_tutorial import torch as lt

F64 = torch.float64

# (T, B, D, H); B=None is unbatched. T=1, B=1, D=1 and H=1 all appear.
SHAPES = [
    (1, 1, 1, 1),
    (1, None, 1, 1),
    (5, 3, 2, 4),
    (4, None, 3, 2),
    (6, 1, 1, 3),
    (3, 4, 5, 1),
]
STEP_SHAPES = [(1, 1, 1), (None, 1, 1), (3, 2, 4), (None, 3, 2), (2, 5, 1)]  # (B, D, H)


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng([20240611, *key])


def rand_lstm(rng: np.random.Generator, D: int, H: int) -> ln.LSTMParams:
    Ws = [rng.normal(0.0, 0.7, (H, H + D)) for _ in range(4)]
    bs = [rng.normal(0.0, 0.7, H) for _ in range(4)]
    return ln.LSTMParams(*Ws, *bs)


def rand_rnn(rng: np.random.Generator, D: int, H: int) -> ln.RNNParams:
    return ln.RNNParams(rng.normal(0, 0.7, (H, H)), rng.normal(0, 0.7, (H, D)), rng.normal(0, 0.7, H))


def batch_shape(B: int | None) -> tuple[int, ...]:
    return () if B is None else (B,)


def t(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.tensor(a, dtype=F64, requires_grad=grad)


def tparams(p, grad: bool = False):
    return type(p)(*(t(a, grad) for a in p))


def nn_lstm_by_hand(p: ln.LSTMParams, rng: np.random.Generator, cell: bool = False) -> nn.Module:
    """An nn.LSTM (or LSTMCell) holding ``p``: rows i, f, g, o; x and h parts apart; the bias split in two."""
    H, D = p.hidden_size, p.input_size
    m = nn.LSTMCell(D, H, dtype=F64) if cell else nn.LSTM(D, H, dtype=F64)
    sfx = "" if cell else "_l0"
    order = [(p.W_i, p.b_i), (p.W_f, p.b_f), (p.W_c, p.b_c), (p.W_o, p.b_o)]
    b = np.concatenate([bb for _, bb in order])
    b_ih = rng.normal(size=4 * H)  # any split works: torch only uses the sum
    with torch.no_grad():
        getattr(m, "weight_ih" + sfx).copy_(t(np.concatenate([W[:, H:] for W, _ in order])))
        getattr(m, "weight_hh" + sfx).copy_(t(np.concatenate([W[:, :H] for W, _ in order])))
        getattr(m, "bias_ih" + sfx).copy_(t(b_ih))
        getattr(m, "bias_hh" + sfx).copy_(t(b - b_ih))
    return m


def nn_grads_to_article(m: nn.Module, H: int, sfx: str = "_l0") -> dict[str, np.ndarray]:
    """Gradients of an nn.LSTM's packed parameters, unpacked into the article's names."""
    gi, gh = getattr(m, "weight_ih" + sfx).grad, getattr(m, "weight_hh" + sfx).grad
    gb = getattr(m, "bias_ih" + sfx).grad
    out = {}
    for k, g in enumerate("ifco"):
        r = slice(k * H, (k + 1) * H)
        out[f"W_{g}"] = torch.cat([gh[r], gi[r]], dim=1).numpy()
        out[f"b_{g}"] = gb[r].numpy()
    return out


def close(a, b, atol: float = 1e-10) -> None:
    a = a.detach().numpy() if isinstance(a, torch.Tensor) else a
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else b
    assert a.shape == b.shape
    np.testing.assert_allclose(a, b, rtol=0, atol=atol)


# --------------------------------------------------------------------------
# The shared vocabulary
# --------------------------------------------------------------------------

SHARED = [
    "sigmoid", "tanh", "init_rnn_params", "rnn_cell", "rnn", "init_lstm_params",
    "forget_gate", "input_gate", "candidate", "output_gate", "lstm_cell", "lstm", "output_neuron",
]


@pytest.mark.parametrize("name", SHARED)
def test_shared_names_have_identical_signatures(name):
    def shape(f):
        return [(p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()]

    assert shape(getattr(lt, name)) == shape(getattr(ln, name))
    assert name in lt.__all__ and name in ln.__all__


def test_both_backends_export_the_same_param_classes():
    assert lt.LSTMParams is ln.LSTMParams
    assert lt.RNNParams is ln.RNNParams


def test_importing_the_package_imports_neither_numpy_nor_torch():
    code = "import sys, lstm_tutorial; assert 'torch' not in sys.modules and 'numpy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_activations_saturate_without_overflow():
    z = torch.tensor([-1000.0, 0.0, 1000.0], dtype=F64)
    assert lt.sigmoid(z).tolist() == [0.0, 0.5, 1.0]
    assert lt.tanh(z).tolist() == [-1.0, 0.0, 1.0]
    zz = _rng(0).normal(size=(3, 4)) * 5
    close(lt.sigmoid(t(zz)), ln.sigmoid(zz), 1e-15)
    close(lt.tanh(t(zz)), ln.tanh(zz), 1e-15)
    assert lt.sigmoid(0.0).dtype == torch.get_default_dtype()


# --------------------------------------------------------------------------
# LSTM: NumPy backend == torch backend == torch.nn.LSTM
# --------------------------------------------------------------------------


@pytest.mark.parametrize("T,B,D,H", SHAPES)
def test_lstm_three_way_forward(T, B, D, H):
    rng = _rng(1, T, B or 0, D, H)
    p = rand_lstm(rng, D, H)
    bs = batch_shape(B)
    xs, h0, c0 = rng.normal(size=(T, *bs, D)), rng.normal(size=(*bs, H)), rng.normal(size=(*bs, H))

    hs, (h_n, c_n) = ln.lstm(xs, (h0, c0), p)
    ths, (th_n, tc_n) = lt.lstm(t(xs), (t(h0), t(c0)), tparams(p))
    out, (mh, mc) = nn_lstm_by_hand(p, rng)(t(xs), (t(h0)[None], t(c0)[None]))  # torch: (layers, ...)

    for ours in (ths, out):
        close(ours, hs)
    for ours in (th_n, mh[0]):
        close(ours, h_n)
    for ours in (tc_n, mc[0]):
        close(ours, c_n)
    # state=None means zeros in every implementation
    close(lt.lstm(t(xs), None, tparams(p))[0], nn_lstm_by_hand(p, rng)(t(xs))[0])
    close(lt.lstm(t(xs), None, tparams(p))[0], ln.lstm(xs, None, p)[0])


@pytest.mark.parametrize("T,B,D,H", SHAPES)
def test_lstm_three_way_gradients(T, B, D, H):
    rng = _rng(2, T, B or 0, D, H)
    p = rand_lstm(rng, D, H)
    bs = batch_shape(B)
    xs, h0, c0 = rng.normal(size=(T, *bs, D)), rng.normal(size=(*bs, H)), rng.normal(size=(*bs, H))
    dhs, dh_n, dc_n = rng.normal(size=(T, *bs, H)), rng.normal(size=(*bs, H)), rng.normal(size=(*bs, H))

    # NumPy: explicit BPTT, with gradient arriving at the final state too
    _, _, cache = ln.lstm_forward(xs, (h0, c0), p)
    grads, dxs, (dh0, dc0) = ln.lstm_backward(dhs, cache, (dh_n, dc_n))

    # torch backend: autograd
    tp = tparams(p, grad=True)
    txs, th0, tc0 = t(xs, True), t(h0, True), t(c0, True)
    ths, (th_n, tc_n) = lt.lstm(txs, (th0, tc0), tp)
    ((ths * t(dhs)).sum() + (th_n * t(dh_n)).sum() + (tc_n * t(dc_n)).sum()).backward()

    # torch.nn.LSTM: autograd through torch's own kernel
    m = nn_lstm_by_hand(p, rng)
    mxs, mh0, mc0 = t(xs, True), t(h0[None], True), t(c0[None], True)
    out, (mh, mc) = m(mxs, (mh0, mc0))
    ((out * t(dhs)).sum() + (mh[0] * t(dh_n)).sum() + (mc[0] * t(dc_n)).sum()).backward()
    nn_grads = nn_grads_to_article(m, H)

    for name, g in zip(ln.LSTMParams._fields, grads):
        close(getattr(tp, name).grad, g, 1e-8)
        close(nn_grads[name], g, 1e-8)
    for ours in (txs.grad, mxs.grad):
        close(ours, dxs, 1e-8)
    for ours in (th0.grad, mh0.grad[0]):
        close(ours, dh0, 1e-8)
    for ours in (tc0.grad, mc0.grad[0]):
        close(ours, dc0, 1e-8)


@pytest.mark.parametrize("B,D,H", STEP_SHAPES)
def test_gates_and_cell_match_numpy_and_nn_lstmcell(B, D, H):
    rng = _rng(3, B or 0, D, H)
    p = rand_lstm(rng, D, H)
    bs = batch_shape(B)
    x, h, c = rng.normal(size=(*bs, D)), rng.normal(size=(*bs, H)), rng.normal(size=(*bs, H))
    tp = tparams(p)
    cell = nn_lstm_by_hand(p, rng, cell=True)

    # Each gate by hand from torch's packed weights: rows i, f, g, o.
    def torch_gate(k, act):
        r = slice(k * H, (k + 1) * H)
        z = t(x) @ cell.weight_ih[r].T + cell.bias_ih[r] + t(h) @ cell.weight_hh[r].T + cell.bias_hh[r]
        return act(z)

    for fn, k, act in [
        ("input_gate", 0, torch.sigmoid), ("forget_gate", 1, torch.sigmoid),
        ("candidate", 2, torch.tanh), ("output_gate", 3, torch.sigmoid),
    ]:
        ours = getattr(lt, fn)(t(x), t(h), tp)
        close(ours, getattr(ln, fn)(x, h, p))
        close(ours, torch_gate(k, act))

    h1, c1 = lt.lstm_cell(t(x), (t(h), t(c)), tp)
    nh, nc = ln.lstm_cell(x, (h, c), p)
    mh, mc = cell(t(x), (t(h), t(c)))
    for a, b in ((h1, nh), (c1, nc), (mh, nh), (mc, nc)):
        close(a, b)


@pytest.mark.parametrize("T,B,D,H", SHAPES)
def test_fused_lstm_equals_lstm_cell_step_by_step(T, B, D, H):
    rng = _rng(4, T, B or 0, D, H)
    tp = tparams(rand_lstm(rng, D, H))
    bs = batch_shape(B)
    xs, h, c = t(rng.normal(size=(T, *bs, D))), t(rng.normal(size=(*bs, H))), t(rng.normal(size=(*bs, H)))
    hs, (h_n, c_n) = lt.lstm(xs, (h, c), tp)
    for step in range(T):
        h, c = lt.lstm_cell(xs[step], (h, c), tp)
        close(hs[step], h, 1e-12)
    close(h_n, h, 1e-12)
    close(c_n, c, 1e-12)


# --------------------------------------------------------------------------
# RNN: NumPy backend == torch backend == torch.nn.RNN
# --------------------------------------------------------------------------


def nn_rnn_by_hand(p: ln.RNNParams, rng: np.random.Generator, cell: bool = False) -> nn.Module:
    H, D = p.hidden_size, p.input_size
    m = nn.RNNCell(D, H, dtype=F64) if cell else nn.RNN(D, H, dtype=F64)
    sfx = "" if cell else "_l0"
    b_ih = rng.normal(size=H)
    with torch.no_grad():
        getattr(m, "weight_ih" + sfx).copy_(t(p.W_x))
        getattr(m, "weight_hh" + sfx).copy_(t(p.W_h))
        getattr(m, "bias_ih" + sfx).copy_(t(b_ih))
        getattr(m, "bias_hh" + sfx).copy_(t(p.b_h - b_ih))
    return m


@pytest.mark.parametrize("T,B,D,H", SHAPES)
def test_rnn_three_way_forward_and_gradients(T, B, D, H):
    rng = _rng(5, T, B or 0, D, H)
    p = rand_rnn(rng, D, H)
    bs = batch_shape(B)
    xs, h0 = rng.normal(size=(T, *bs, D)), rng.normal(size=(*bs, H))
    dhs, dh_n = rng.normal(size=(T, *bs, H)), rng.normal(size=(*bs, H))

    hs, h_n, cache = ln.rnn_forward(xs, h0, p)
    grads, dxs, dh0 = ln.rnn_backward(dhs, cache, dh_n)

    tp, txs, th0 = tparams(p, True), t(xs, True), t(h0, True)
    ths, th_n = lt.rnn(txs, th0, tp)
    ((ths * t(dhs)).sum() + (th_n * t(dh_n)).sum()).backward()

    m = nn_rnn_by_hand(p, rng)
    mxs, mh0 = t(xs, True), t(h0[None], True)
    out, mh = m(mxs, mh0)
    ((out * t(dhs)).sum() + (mh[0] * t(dh_n)).sum()).backward()

    for ours in (ths, out):
        close(ours, hs)
    for ours in (th_n, mh[0]):
        close(ours, h_n)
    nn_g = {"W_h": m.weight_hh_l0.grad, "W_x": m.weight_ih_l0.grad, "b_h": m.bias_ih_l0.grad}
    for name, g in zip(ln.RNNParams._fields, grads):
        close(getattr(tp, name).grad, g, 1e-8)
        close(nn_g[name], g, 1e-8)
    for ours in (txs.grad, mxs.grad):
        close(ours, dxs, 1e-8)
    for ours in (th0.grad, mh0.grad[0]):
        close(ours, dh0, 1e-8)
    close(lt.rnn(t(xs), None, tparams(p))[0], ln.rnn(xs, None, p)[0])


@pytest.mark.parametrize("B,D,H", STEP_SHAPES)
def test_rnn_cell_matches_numpy_and_nn_rnncell(B, D, H):
    rng = _rng(6, B or 0, D, H)
    p = rand_rnn(rng, D, H)
    bs = batch_shape(B)
    x, h = rng.normal(size=(*bs, D)), rng.normal(size=(*bs, H))
    ours = lt.rnn_cell(t(x), t(h), tparams(p))
    close(ours, ln.rnn_cell(x, h, p))
    close(ours, nn_rnn_by_hand(p, rng, cell=True)(t(x), t(h)))


def test_output_neuron_matches_numpy_at_every_step():
    rng = _rng(7)
    h, W_y, b_y = rng.normal(size=(4, 3, 5)), rng.normal(size=(2, 5)), rng.normal(size=2)
    ours = lt.output_neuron(t(h), t(W_y), t(b_y))
    assert ours.shape == (4, 3, 2)
    close(ours, ln.output_neuron(h, W_y, b_y))
    close(lt.output_neuron(t(h[0, 0]), t(W_y), t(b_y)), ln.output_neuron(h[0, 0], W_y, b_y))


# --------------------------------------------------------------------------
# Initialisers: the NumPy backend's values
# --------------------------------------------------------------------------


def test_init_gives_numpy_values_in_the_default_dtype():
    for seed in (0, 3):
        ours, ref = lt.init_lstm_params(3, 4, seed), ln.init_lstm_params(3, 4, seed)
        for a, b in zip(ours, ref):
            assert a.dtype == torch.get_default_dtype() and not a.requires_grad
            assert np.array_equal(a.numpy(), b.astype(np.float32))
        for a, b in zip(lt.init_rnn_params(2, 5, seed), ln.init_rnn_params(2, 5, seed)):
            assert np.array_equal(a.numpy(), b.astype(np.float32))
    fb = lt.init_lstm_params(1, 1, forget_bias=1.0)
    assert fb.b_f.tolist() == [1.0]
    old = torch.get_default_dtype()
    try:
        torch.set_default_dtype(F64)
        for a, b in zip(lt.init_lstm_params(2, 3, 1), ln.init_lstm_params(2, 3, 1)):
            assert a.dtype == F64 and np.array_equal(a.numpy(), b)
    finally:
        torch.set_default_dtype(old)


def test_init_rejects_bad_sizes_like_numpy():
    for backend in (ln, lt):
        with pytest.raises(ValueError, match="hidden_size: expected an int >= 1, got 0"):
            backend.init_lstm_params(3, 0)
        with pytest.raises(TypeError, match="input_size: expected an int, got float"):
            backend.init_rnn_params(2.0, 3)


# --------------------------------------------------------------------------
# Dtypes and devices
# --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.float32, F64])
def test_output_dtype_follows_input(dtype):
    rng = _rng(8)
    p, q = rand_lstm(rng, 2, 3), rand_rnn(rng, 2, 3)
    xs = rng.normal(size=(4, 2, 2))
    tp = ln.LSTMParams(*(torch.tensor(a, dtype=dtype) for a in p))
    tq = ln.RNNParams(*(torch.tensor(a, dtype=dtype) for a in q))
    txs = torch.tensor(xs, dtype=dtype)
    atol = 1e-5 if dtype == torch.float32 else 1e-12
    hs, (h_n, c_n) = lt.lstm(txs, None, tp)
    assert hs.dtype == h_n.dtype == c_n.dtype == dtype
    close(hs, ln.lstm(xs, None, p)[0], atol)
    rh, rh_n = lt.rnn(txs, None, tq)
    assert rh.dtype == rh_n.dtype == dtype
    close(rh, ln.rnn(xs, None, q)[0], atol)
    h, c = lt.lstm_cell(txs[0], (hs[0], c_n), tp)
    assert h.dtype == c.dtype == lt.forget_gate(txs[0], h, tp).dtype == dtype
    assert lt.rnn_cell(txs[0], rh[0], tq).dtype == dtype
    assert lt.output_neuron(hs, tp.W_f[:1, :3], tp.b_f[:1]).dtype == dtype
    assert lt.sigmoid(txs).dtype == lt.tanh(txs).dtype == dtype


def test_mixed_dtypes_raise_a_clear_type_error():
    p32 = lt.init_lstm_params(2, 3)  # float32
    xs64 = torch.zeros(4, 2, dtype=F64)
    with pytest.raises(TypeError, match=r"xs: dtype torch\.float64 does not match params \(torch\.float32\)"):
        lt.lstm(xs64, None, p32)
    with pytest.raises(TypeError, match=r"state\[0\] \(h0\): dtype torch\.float64 does not match params"):
        lt.lstm(xs64.float(), (torch.zeros(3, dtype=F64), torch.zeros(3)), p32)
    mixed = p32._replace(b_o=p32.b_o.double())
    with pytest.raises(TypeError, match=r"params\.b_o: dtype torch\.float64 does not match params\.W_f"):
        lt.lstm(xs64.float(), None, mixed)
    with pytest.raises(TypeError, match=r"h_prev: dtype torch\.float64"):
        lt.rnn_cell(torch.zeros(2), torch.zeros(3, dtype=F64), lt.init_rnn_params(2, 3))
    with pytest.raises(TypeError, match=r"h: dtype torch\.float64 does not match W_y"):
        lt.output_neuron(torch.zeros(3, dtype=F64), torch.zeros(1, 3), torch.zeros(1))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_runs_on_the_device_of_its_inputs():
    rng = _rng(9)
    p = rand_lstm(rng, 3, 4)
    xs = rng.normal(size=(5, 2, 3))
    gp = ln.LSTMParams(*(t(a).cuda().requires_grad_() for a in p))
    hs, (h_n, c_n) = lt.lstm(t(xs).cuda(), None, gp)
    assert hs.device.type == "cuda"
    close(hs.cpu(), ln.lstm(xs, None, p)[0], 1e-10)
    hs.sum().backward()
    assert gp.W_f.grad.device.type == "cuda"
    with pytest.raises(TypeError, match="xs: is on device cpu but params is on cuda"):
        lt.lstm(t(xs), None, gp)
    m = lt.to_torch_lstm(gp)
    assert m.weight_ih_l0.device.type == "cuda"
    close(m(t(xs).cuda())[0].cpu(), hs.cpu(), 1e-10)
    from lstm_tutorial.torch_models import LSTMModel

    model = LSTMModel(3, 4, device="cuda")
    assert model(torch.zeros(5, 2, 3, device="cuda"))[0].device.type == "cuda"


# --------------------------------------------------------------------------
# Bad input: the same errors as the NumPy backend
# --------------------------------------------------------------------------

P = ln.init_lstm_params(3, 4)  # D=3, H=4
R = ln.init_rnn_params(3, 4)
Z = np.zeros

BAD = [
    # (error, regex, function name, numpy arguments)
    (ValueError, r"xs: expected shape \(T, batch, 3\) or \(T, 3\) with T >= 1, got \(5, 2, 4\)", "lstm",
     (Z((5, 2, 4)), None, P)),
    (ValueError, r"xs: expected shape .* got \(3,\)", "lstm", (Z(3), None, P)),
    (ValueError, r"state\[0\] \(h0\): expected shape \(2, 4\) \(hidden_size, batched like xs\), got \(2, 5\)",
     "lstm", (Z((5, 2, 3)), (Z((2, 5)), Z((2, 4))), P)),
    (ValueError, r"state\[1\] \(c0\): expected shape \(2, 4\)", "lstm", (Z((5, 2, 3)), (Z((2, 4)), Z((3, 4))), P)),
    (ValueError, r"state\[0\] \(h0\): expected shape \(4,\)", "lstm", (Z((5, 3)), (Z((1, 4)), Z(4)), P)),
    (TypeError, r"state: expected a pair \(h, c\) of arrays, got tuple of length 3", "lstm",
     (Z((5, 2, 3)), (Z((2, 4)),) * 3, P)),
    (ValueError, r"params\.W_i: expected shape \(4, 7\) like params\.W_f, got \(4, 6\)", "lstm",
     (Z((5, 2, 3)), None, P._replace(W_i=Z((4, 6))))),
    (ValueError, r"params\.b_o: expected shape \(4,\), got \(1, 4\)", "lstm",
     (Z((5, 2, 3)), None, P._replace(b_o=Z((1, 4))))),
    (TypeError, r"params: expected LSTMParams, got tuple", "lstm", (Z((5, 2, 3)), None, tuple(P))),
    (TypeError, r"params\.W_f: expected an array, got list", "lstm", (Z((5, 2, 3)), None, P._replace(W_f=[[0.0] * 7] * 4))),
    (ValueError, r"params\.W_c: contains NaN or infinity \(shape \(4, 7\)\)", "lstm",
     (Z((5, 2, 3)), None, P._replace(W_c=np.full((4, 7), np.nan)))),
    (ValueError, r"xs: contains NaN or infinity", "lstm", (np.full((5, 2, 3), np.inf), None, P)),
    (TypeError, r"xs: expected a floating-point array \(float32 or float64\), got dtype (torch\.)?int64", "lstm",
     (Z((5, 2, 3), dtype=np.int64), None, P)),
    (ValueError, r"state\[1\] \(c_prev\): expected shape \(2, 4\) \(like h_prev\), got \(2, 3\)", "lstm_cell",
     (Z((2, 3)), (Z((2, 4)), Z((2, 3))), P)),
    (ValueError, r"state\[0\] \(h_prev\): expected shape \(2, 4\) \(hidden_size, batched like x\), got \(2, 5\)",
     "lstm_cell", (Z((2, 3)), (Z((2, 5)), Z((2, 4))), P)),
    (ValueError, r"x: expected shape \(batch, 3\) or \(3,\), got \(2, 2\)", "forget_gate", (Z((2, 2)), Z((2, 4)), P)),
    (ValueError, r"h_prev: expected shape \(4,\) \(hidden_size, batched like x\), got \(1, 4\)", "output_gate",
     (Z(3), Z((1, 4)), P)),
    (ValueError, r"h0: expected shape \(2, 4\) \(hidden_size, batched like xs\), got \(4,\)", "rnn",
     (Z((5, 2, 3)), Z(4), R)),
    (ValueError, r"params\.W_x: expected shape \(4, input\), got \(3, 3\)", "rnn_cell",
     (Z(3), Z(4), R._replace(W_x=Z((3, 3))))),
    (TypeError, r"params: expected RNNParams, got LSTMParams", "rnn", (Z((5, 3)), None, P)),
    (ValueError, r"W_y: expected shape \(outputs, 4\) to match h's last axis, got \(1, 5\)", "output_neuron",
     (Z((5, 2, 4)), Z((1, 5)), Z(1))),
    (ValueError, r"b_y: expected shape \(2,\), got \(1,\)", "output_neuron", (Z((5, 2, 4)), Z((2, 4)), Z(1))),
    # an empty batch is refused, and said so, in both backends (torch.nn.LSTM would accept it)
    (ValueError, r"xs: the batch is empty: expected shape \(T, batch, 3\) with batch >= 1, got \(5, 0, 3\)", "lstm",
     (Z((5, 0, 3)), None, P)),
    (ValueError, r"xs: the batch is empty: expected shape \(T, batch, 3\) with batch >= 1, got \(2, 0, 3\)", "rnn",
     (Z((2, 0, 3)), None, R)),
    (ValueError, r"x: the batch is empty: expected shape \(batch, 3\) with batch >= 1, got \(0, 3\)", "input_gate",
     (Z((0, 3)), Z((0, 4)), P)),
]


def _to_torch(a):
    if isinstance(a, np.ndarray):
        return torch.from_numpy(a)
    if isinstance(a, tuple) and not hasattr(a, "_fields"):
        return tuple(_to_torch(b) for b in a)
    if hasattr(a, "_fields"):
        return type(a)(*(_to_torch(b) for b in a))
    return a


@pytest.mark.parametrize("error,pattern,name,args", BAD, ids=[f"{b[2]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_gets_the_same_error_in_both_backends(error, pattern, name, args):
    with pytest.raises(error, match=pattern) as from_numpy:
        getattr(ln, name)(*args)
    with pytest.raises(error, match=pattern) as from_torch:
        getattr(lt, name)(*_to_torch(args))
    # Word for word, once torch's "torch.int64" reads as NumPy's "int64".
    assert str(from_torch.value).replace("torch.", "") == str(from_numpy.value)


def test_numpy_arrays_are_refused_with_a_hint():
    with pytest.raises(TypeError, match=r"xs: expected a torch\.Tensor, got a NumPy array .*torch\.from_numpy"):
        lt.lstm(np.zeros((5, 2, 3)), None, lt.init_lstm_params(3, 4))
    with pytest.raises(TypeError, match=r"params\.W_f: expected a torch\.Tensor, got a NumPy array"):
        lt.lstm(torch.zeros(5, 2, 3), None, P)
    with pytest.raises(TypeError, match="z: expected a floating-point array"):
        lt.sigmoid(torch.tensor([1, 2]))


def test_wrong_kinds_are_type_errors_and_wrong_values_value_errors():
    p = lt.init_lstm_params(3, 4)
    with pytest.raises(TypeError, match="z: expected a Tensor, got bool"):
        lt.sigmoid(True)
    with pytest.raises(TypeError, match="z: expected a Tensor, got str"):
        lt.tanh("1.0")
    with pytest.raises(TypeError, match="z: cannot be read as a float"):
        lt.sigmoid([[1.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match="z: contains NaN or infinity"):
        lt.sigmoid(float("nan"))
    with pytest.raises(TypeError, match=r"xs: expected a floating-point array .* got dtype torch\.bool"):
        lt.lstm(torch.zeros(5, 2, 3, dtype=torch.bool), None, p)
    with pytest.raises(TypeError, match="state: expected a pair"):
        lt.lstm(torch.zeros(5, 2, 3), torch.zeros(2, 4), p)
    with pytest.raises(TypeError, match="h: expected a Tensor, got list"):
        lt.output_neuron([0.0] * 4, torch.zeros(1, 4), torch.zeros(1))


def test_converters_check_numpy_parameters_once_naming_the_field():
    with pytest.raises(TypeError, match=r"params\.W_i: masked arrays are not supported"):
        lt.to_torch_lstm(P._replace(W_i=np.ma.masked_array(P.W_i)))
    with pytest.raises(ValueError, match=r"params\.b_c: contains NaN or infinity \(shape \(4,\)\)"):
        lt.to_torch_lstm(P._replace(b_c=np.full(4, np.nan)))
    with pytest.raises(TypeError, match=r"params\.W_x: expected a floating-point array .* got dtype object"):
        lt.to_torch_rnn(R._replace(W_x=R.W_x.astype(object)))
    with pytest.raises(TypeError, match="params: expected LSTMParams, got RNNParams"):
        lt.to_torch_lstm(R)
    with pytest.raises(TypeError, match="params: expected RNNParams, got tuple"):
        lt.to_torch_rnn(tuple(R))


def test_huge_finite_inputs_saturate_without_warnings():
    p = tparams(rand_lstm(_rng(20), 3, 4))
    q = tparams(rand_rnn(_rng(21), 3, 4))
    big = torch.full((5, 2, 3), 1e300, dtype=F64)
    big[:, 1] = -1e300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lt.sigmoid(1e300).item() == 1.0 and lt.sigmoid(-1e300).item() == 0.0  # float32: no "infinity" error
        assert lt.tanh(torch.tensor([1e300, -1e300], dtype=F64)).tolist() == [1.0, -1.0]
        hs, (h_n, c_n) = lt.lstm(big, None, p)
        assert torch.isfinite(hs).all() and torch.isfinite(c_n).all()
        h, c = lt.lstm_cell(big[0], (hs[0], c_n), p)
        assert torch.isfinite(h).all() and torch.isfinite(c).all()
        assert torch.isfinite(lt.forget_gate(big[0], hs[0], p)).all()
        rh, _ = lt.rnn(big, None, q)
        assert rh.abs().max().item() <= 1.0
        y = lt.output_neuron(torch.full((2, 4), 1e300, dtype=F64), t(np.ones((1, 4))), t(np.zeros(1)))
        assert y.tolist() == [[1.0], [1.0]]
