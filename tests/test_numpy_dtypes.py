"""Dtypes: float64 by default, float32 in gives float32 out (state=None included)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy_cases import as32, lstm_params, rnn_params

from lstm_tutorial import numpy as lt


def _lstm32(batched=True):
    rng = np.random.default_rng(0)
    p = as32(lstm_params(rng, 2, 3))
    shape = (4, 2, 2) if batched else (4, 2)
    sshape = (2, 3) if batched else (3,)
    xs = rng.standard_normal(shape).astype(np.float32)
    h0 = rng.standard_normal(sshape).astype(np.float32)
    c0 = rng.standard_normal(sshape).astype(np.float32)
    return p, xs, h0, c0


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_state", [True, False], ids=["state", "state_none"])
def test_lstm_float32_stays_float32(batched, with_state):
    p, xs, h0, c0 = _lstm32(batched)
    st = (h0, c0) if with_state else None
    hs, (h_n, c_n) = lt.lstm(xs, st, p)
    assert hs.dtype == h_n.dtype == c_n.dtype == np.float32
    hs, (h_n, c_n), cache = lt.lstm_forward(xs, st, p)
    assert hs.dtype == h_n.dtype == c_n.dtype == np.float32
    for name in ("f", "i", "c_tilde", "o", "c", "tanh_c", "h", "xs", "h0", "c0"):
        assert getattr(cache, name).dtype == np.float32, name
    dstate = (np.ones_like(h_n), np.ones_like(c_n))
    grads, dxs, (dh0, dc0) = lt.lstm_backward(np.ones_like(hs), cache, dstate)
    for g in (*grads, dxs, dh0, dc0):
        assert g.dtype == np.float32
    # and float32 is float64 up to float32 rounding
    p64 = lt.LSTMParams(*[a.astype(np.float64) for a in p])
    st64 = None if st is None else (h0.astype(np.float64), c0.astype(np.float64))
    hs64, _, cache64 = lt.lstm_forward(xs.astype(np.float64), st64, p64)
    np.testing.assert_allclose(hs, hs64, rtol=1e-4, atol=1e-5)
    grads64, dxs64, _ = lt.lstm_backward(np.ones_like(hs64), cache64, tuple(a.astype(np.float64) for a in dstate))
    for g32, g64 in zip(grads, grads64):
        np.testing.assert_allclose(g32, g64, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(dxs, dxs64, rtol=1e-3, atol=1e-4)


def test_lstm_single_step_functions_float32():
    p, xs, h0, c0 = _lstm32()
    for fn in (lt.forget_gate, lt.input_gate, lt.candidate, lt.output_gate):
        assert fn(xs[0], h0, p).dtype == np.float32
    h, c = lt.lstm_cell(xs[0], (h0, c0), p)
    assert h.dtype == c.dtype == np.float32
    assert lt.sigmoid(xs).dtype == np.float32
    assert lt.tanh(xs).dtype == np.float32
    assert lt.output_neuron(h, np.ones((1, 3), np.float32), np.zeros(1, np.float32)).dtype == np.float32


@pytest.mark.parametrize("with_state", [True, False], ids=["h0", "h0_none"])
def test_rnn_float32_stays_float32(with_state):
    rng = np.random.default_rng(1)
    p = as32(rnn_params(rng, 2, 3))
    xs = rng.standard_normal((4, 2, 2)).astype(np.float32)
    h0 = rng.standard_normal((2, 3)).astype(np.float32) if with_state else None
    hs, h_n = lt.rnn(xs, h0, p)
    assert hs.dtype == h_n.dtype == np.float32
    hs, h_n, cache = lt.rnn_forward(xs, h0, p)
    assert hs.dtype == np.float32
    grads, dxs, dh0 = lt.rnn_backward(np.ones_like(hs), cache, np.ones_like(h_n))
    for g in (*grads, dxs, dh0):
        assert g.dtype == np.float32
    assert lt.rnn_cell(xs[0], hs[0], p).dtype == np.float32


def test_float64_by_default():
    p = lt.init_lstm_params(2, 3)
    r = lt.init_rnn_params(2, 3)
    for a in (*p, *r):
        assert a.dtype == np.float64
    # Python lists are read as float64
    hs, (h_n, c_n) = lt.lstm([[0.5, 1.0], [0.0, -1.0]], None, p)
    assert hs.dtype == h_n.dtype == c_n.dtype == np.float64
    hs, h_n = lt.rnn([[0.5, 1.0]], None, r)
    assert hs.dtype == np.float64
    assert lt.forget_gate([1.0, 2.0], [0.0, 0.0, 0.0], p).dtype == np.float64
    _, _, cache = lt.lstm_forward(np.zeros((2, 2)), None, p)
    grads, dxs, (dh0, dc0) = lt.lstm_backward(np.ones((2, 3)), cache)
    for g in (*grads, dxs, dh0, dc0):
        assert g.dtype == np.float64


def test_mixing_float32_and_float64_computes_in_float64():
    rng = np.random.default_rng(2)
    p = lstm_params(rng, 2, 3)  # float64
    xs = rng.standard_normal((3, 2)).astype(np.float32)
    hs, (h_n, c_n) = lt.lstm(xs, None, p)
    assert hs.dtype == np.float64
    hs64, _ = lt.lstm(xs.astype(np.float64), None, p)
    np.testing.assert_array_equal(hs, hs64)
