"""Forward values: the article's one-neuron cell by hand, and every path agreeing.

The hand computations use ``math.exp``/``math.tanh`` on Python floats, with
different weights on the ``h_{t-1}`` and ``x_t`` columns so that a concatenation
in the wrong order (``[x, h]`` instead of ``[h, x]``) changes every number.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy_cases import SHAPES, lstm_params, rnn_params, seq, shape_id, state

from lstm_tutorial import numpy as lt


def sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# --------------------------------------------------------------------------
# The article's one-neuron LSTM (hidden size 1, input size 1), by hand
# --------------------------------------------------------------------------

# Columns: [weight on h_{t-1}, weight on x_t].
W_F, B_F = (0.7, -1.3), 0.4
W_I, B_I = (-0.5, 0.9), -0.2
W_C, B_C = (1.1, 0.6), 0.3
W_O, B_O = (0.8, -0.4), 0.5
X, H_PREV, C_PREV = 1.5, 0.25, -0.8


def one_neuron_params() -> lt.LSTMParams:
    return lt.LSTMParams(
        W_f=np.array([W_F]), W_i=np.array([W_I]), W_c=np.array([W_C]), W_o=np.array([W_O]),
        b_f=np.array([B_F]), b_i=np.array([B_I]), b_c=np.array([B_C]), b_o=np.array([B_O]),
    )


def by_hand(x: float, h_prev: float, c_prev: float) -> dict[str, float]:
    f = sig(W_F[0] * h_prev + W_F[1] * x + B_F)
    i = sig(W_I[0] * h_prev + W_I[1] * x + B_I)
    c_tilde = math.tanh(W_C[0] * h_prev + W_C[1] * x + B_C)
    c = f * c_prev + i * c_tilde
    o = sig(W_O[0] * h_prev + W_O[1] * x + B_O)
    h = o * math.tanh(c)
    return dict(f=f, i=i, c_tilde=c_tilde, c=c, o=o, h=h)


def test_one_neuron_numbers_are_the_article_arithmetic():
    # Pin the hand computation itself, so the reference cannot drift silently:
    # f = sigmoid(0.7 * 0.25 - 1.3 * 1.5 + 0.4) = sigmoid(-1.375)
    ref = by_hand(X, H_PREV, C_PREV)
    assert ref["f"] == pytest.approx(1 / (1 + math.exp(1.375)), rel=1e-15)
    assert ref["c"] == pytest.approx(ref["f"] * -0.8 + ref["i"] * ref["c_tilde"], rel=1e-15)


@pytest.mark.parametrize("batched", [False, True], ids=["unbatched", "batched"])
def test_one_neuron_gates_by_hand(batched):
    p = one_neuron_params()
    ref = by_hand(X, H_PREV, C_PREV)
    x, h, c = np.array([X]), np.array([H_PREV]), np.array([C_PREV])
    if batched:
        x, h, c = x[None], h[None], c[None]
    shape = (1, 1) if batched else (1,)
    for fn, key in [(lt.forget_gate, "f"), (lt.input_gate, "i"), (lt.candidate, "c_tilde"), (lt.output_gate, "o")]:
        got = fn(x, h, p)
        assert got.shape == shape, key
        assert got.dtype == np.float64
        assert float(got.ravel()[0]) == pytest.approx(ref[key], rel=1e-13, abs=1e-15), key
    h_new, c_new = lt.lstm_cell(x, (h, c), p)
    assert h_new.shape == shape and c_new.shape == shape
    assert float(c_new.ravel()[0]) == pytest.approx(ref["c"], rel=1e-13)
    assert float(h_new.ravel()[0]) == pytest.approx(ref["h"], rel=1e-13)


def test_one_neuron_sequence_by_hand():
    """Three steps of the one-neuron LSTM, state carried by hand."""
    p = one_neuron_params()
    xs = [1.5, -0.5, 2.0]
    h, c = H_PREV, C_PREV
    hs, cs = [], []
    for x in xs:
        r = by_hand(x, h, c)
        h, c = r["h"], r["c"]
        hs.append(h)
        cs.append(c)
    got_hs, (h_n, c_n) = lt.lstm(np.array(xs)[:, None], (np.array([H_PREV]), np.array([C_PREV])), p)
    assert got_hs.shape == (3, 1)
    np.testing.assert_allclose(got_hs[:, 0], hs, rtol=1e-13)
    assert float(h_n[0]) == pytest.approx(hs[-1], rel=1e-13)
    assert float(c_n[0]) == pytest.approx(cs[-1], rel=1e-13)


def test_rnn_cell_one_neuron_by_hand():
    w_h, w_x, b = 0.9, -0.6, 0.15
    p = lt.RNNParams(W_h=np.array([[w_h]]), W_x=np.array([[w_x]]), b_h=np.array([b]))
    h = 0.3
    hs = []
    for x in [1.0, -2.0, 0.5]:
        expected = math.tanh(w_h * h + w_x * x + b)
        got = lt.rnn_cell(np.array([x]), np.array([h]), p)
        assert got.shape == (1,)
        assert float(got[0]) == pytest.approx(expected, rel=1e-14)
        h = expected
        hs.append(h)
    got_hs, h_n = lt.rnn(np.array([[1.0], [-2.0], [0.5]]), np.array([0.3]), p)
    np.testing.assert_allclose(got_hs[:, 0], hs, rtol=1e-14)
    assert float(h_n[0]) == pytest.approx(hs[-1], rel=1e-14)


def test_output_neuron_by_hand():
    # One neuron, one hidden unit: y = sigmoid(w_y h + b_y)
    y = lt.output_neuron(np.array([0.4]), np.array([[1.7]]), np.array([-0.3]))
    assert y.shape == (1,)
    assert float(y[0]) == pytest.approx(sig(1.7 * 0.4 - 0.3), rel=1e-14)
    # Two outputs, three hidden units, a (T, B, H) sequence: applied at every step.
    W_y = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    b_y = np.array([0.1, -0.2])
    hs = np.random.default_rng(0).uniform(-1, 1, (4, 2, 3))
    got = lt.output_neuron(hs, W_y, b_y)
    assert got.shape == (4, 2, 2)
    for t in range(4):
        for b in range(2):
            for k in range(2):
                z = sum(W_y[k, j] * hs[t, b, j] for j in range(3)) + b_y[k]
                assert got[t, b, k] == pytest.approx(sig(z), rel=1e-13)


def test_sigmoid_and_tanh_by_hand():
    z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    np.testing.assert_allclose(lt.sigmoid(z), [sig(v) for v in z], rtol=1e-14)
    np.testing.assert_allclose(lt.tanh(z), [math.tanh(v) for v in z], rtol=1e-14)
    assert lt.sigmoid(np.array([0.0]))[0] == 0.5


def test_sigmoid_accepts_python_and_0d_scalars():
    """The chapters compute single neurons on plain numbers."""
    for z in (0.5, np.float64(0.5), np.array(0.5), 2):
        s = lt.sigmoid(z)
        assert np.ndim(s) == 0
        assert float(s) == pytest.approx(sig(float(z)), rel=1e-14)
    assert float(lt.tanh(0.5)) == pytest.approx(math.tanh(0.5), rel=1e-15)
    np.testing.assert_allclose(lt.sigmoid([0.0, 1.0]), [0.5, sig(1.0)], rtol=1e-14)


# --------------------------------------------------------------------------
# A plain-Python reference LSTM cell for larger sizes (checks [h, x] order)
# --------------------------------------------------------------------------


def reference_cell(x, h_prev, c_prev, p):
    """lists in, lists out; loops and math only."""
    H = len(h_prev)
    hx = list(h_prev) + list(x)

    def neuron(W, b, act, k):
        return act(sum(W[k][j] * hx[j] for j in range(len(hx))) + b[k])

    f = [neuron(p.W_f, p.b_f, sig, k) for k in range(H)]
    i = [neuron(p.W_i, p.b_i, sig, k) for k in range(H)]
    g = [neuron(p.W_c, p.b_c, math.tanh, k) for k in range(H)]
    o = [neuron(p.W_o, p.b_o, sig, k) for k in range(H)]
    c = [f[k] * c_prev[k] + i[k] * g[k] for k in range(H)]
    h = [o[k] * math.tanh(c[k]) for k in range(H)]
    return dict(f=f, i=i, c_tilde=g, o=o, c=c, h=h)


@pytest.mark.parametrize("D,H", [(1, 1), (3, 2), (2, 4)])
def test_lstm_cell_matches_plain_python_reference(D, H):
    rng = np.random.default_rng(D * 10 + H)
    p = lstm_params(rng, D, H)
    x, h, c = rng.standard_normal(D), rng.standard_normal(H), rng.standard_normal(H)
    ref = reference_cell(x.tolist(), h.tolist(), c.tolist(), p)
    for fn, key in [(lt.forget_gate, "f"), (lt.input_gate, "i"), (lt.candidate, "c_tilde"), (lt.output_gate, "o")]:
        np.testing.assert_allclose(fn(x, h, p), ref[key], rtol=1e-12, atol=1e-15, err_msg=key)
    h_new, c_new = lt.lstm_cell(x, (h, c), p)
    np.testing.assert_allclose(c_new, ref["c"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(h_new, ref["h"], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("D,H", [(1, 1), (3, 2)])
def test_rnn_cell_matches_plain_python_reference(D, H):
    rng = np.random.default_rng(D + 5 * H)
    p = rnn_params(rng, D, H)
    x, h = rng.standard_normal((2, D)), rng.standard_normal((2, H))
    got = lt.rnn_cell(x, h, p)
    for b in range(2):
        for k in range(H):
            z = sum(p.W_h[k, j] * h[b, j] for j in range(H)) + sum(p.W_x[k, j] * x[b, j] for j in range(D)) + p.b_h[k]
            assert got[b, k] == pytest.approx(math.tanh(z), rel=1e-12, abs=1e-15)


# --------------------------------------------------------------------------
# Agreement: fused sequence functions == a loop of the readable cell
# --------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_lstm_forward_equals_loop_of_lstm_cell(shape):
    T, B, D, H = shape
    rng = np.random.default_rng(sum(s or 0 for s in shape) + 40)
    p = lstm_params(rng, D, H)
    xs, h0, c0 = seq(rng, T, B, D), state(rng, B, H), state(rng, B, H)

    hs, (h_n, c_n), cache = lt.lstm_forward(xs, (h0, c0), p)
    hs_out = (T, H) if B is None else (T, B, H)
    assert hs.shape == hs_out and h_n.shape == h0.shape and c_n.shape == c0.shape

    h, c = h0, c0
    for t in range(T):
        f = lt.forget_gate(xs[t], h, p)
        i = lt.input_gate(xs[t], h, p)
        g = lt.candidate(xs[t], h, p)
        o = lt.output_gate(xs[t], h, p)
        h_new, c_new = lt.lstm_cell(xs[t], (h, c), p)
        # the cache's named arrays are the gates of each step
        np.testing.assert_allclose(cache.f[t], f, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(cache.i[t], i, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(cache.c_tilde[t], g, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(cache.o[t], o, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(cache.c[t], c_new, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(cache.tanh_c[t], np.tanh(c_new), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(cache.h[t], h_new, rtol=1e-12, atol=1e-14)
        # and the cell is exactly the article's equations on the gates
        np.testing.assert_allclose(c_new, f * c + i * g, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(h_new, o * np.tanh(c_new), rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(hs[t], h_new, rtol=1e-12, atol=1e-14)
        h, c = h_new, c_new
    np.testing.assert_allclose(h_n, h, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(c_n, c, rtol=1e-12, atol=1e-14)

    # cache metadata
    for name in ("f", "i", "c_tilde", "o", "c", "tanh_c", "h"):
        assert getattr(cache, name).shape == hs_out, name
    # the cache holds its own copies of the parameters (same numbers, not the caller's arrays)
    for mine, kept in zip(p, cache.params):
        np.testing.assert_array_equal(kept, mine)
        assert not np.shares_memory(kept, mine)
    np.testing.assert_array_equal(cache.h, hs)


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_lstm_equals_lstm_forward(shape):
    T, B, D, H = shape
    rng = np.random.default_rng(60 + T)
    p = lstm_params(rng, D, H)
    xs, h0, c0 = seq(rng, T, B, D), state(rng, B, H), state(rng, B, H)
    hs, (h_n, c_n) = lt.lstm(xs, (h0, c0), p)
    hs2, (h_n2, c_n2), _ = lt.lstm_forward(xs, (h0, c0), p)
    np.testing.assert_array_equal(hs, hs2)
    np.testing.assert_array_equal(h_n, h_n2)
    np.testing.assert_array_equal(c_n, c_n2)
    np.testing.assert_array_equal(h_n, hs[-1])


def test_lstm_state_none_means_zeros():
    rng = np.random.default_rng(2)
    p = lstm_params(rng, 2, 3)
    for xs, zshape in [(seq(rng, 4, 2, 2), (2, 3)), (seq(rng, 4, None, 2), (3,))]:
        a, (ah, ac) = lt.lstm(xs, None, p)
        b, (bh, bc) = lt.lstm(xs, (np.zeros(zshape), np.zeros(zshape)), p)
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(ac, bc)
        _, _, cache = lt.lstm_forward(xs, None, p)
        assert cache.h0.shape == zshape and cache.c0.shape == zshape
        assert not cache.h0.any() and not cache.c0.any()


def test_lstm_unbatched_equals_batch_of_one():
    rng = np.random.default_rng(3)
    p = lstm_params(rng, 3, 2)
    xs, h0, c0 = seq(rng, 5, None, 3), state(rng, None, 2), state(rng, None, 2)
    hs, (h_n, c_n) = lt.lstm(xs, (h0, c0), p)
    hs_b, (h_nb, c_nb) = lt.lstm(xs[:, None], (h0[None], c0[None]), p)
    assert hs.shape == (5, 2) and hs_b.shape == (5, 1, 2)
    np.testing.assert_allclose(hs, hs_b[:, 0], rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(c_n, c_nb[0], rtol=1e-14, atol=1e-16)


def test_lstm_batch_samples_are_independent():
    rng = np.random.default_rng(4)
    p = lstm_params(rng, 2, 3)
    xs, h0, c0 = seq(rng, 4, 3, 2), state(rng, 3, 3), state(rng, 3, 3)
    hs, (h_n, c_n) = lt.lstm(xs, (h0, c0), p)
    for k in range(3):
        hk, (_, ck) = lt.lstm(xs[:, k], (h0[k], c0[k]), p)
        np.testing.assert_allclose(hs[:, k], hk, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(c_n[k], ck, rtol=1e-13, atol=1e-15)


def test_lstm_forward_does_not_write_into_its_inputs():
    rng = np.random.default_rng(5)
    p = lstm_params(rng, 2, 3)
    xs, h0, c0 = seq(rng, 4, 2, 2), state(rng, 2, 3), state(rng, 2, 3)
    saved = [a.copy() for a in (xs, h0, c0, *p)]
    lt.lstm_forward(xs, (h0, c0), p)
    lt.lstm_cell(xs[0], (h0, c0), p)
    for a, b in zip((xs, h0, c0, *p), saved):
        np.testing.assert_array_equal(a, b)


def test_lstm_accepts_lists_and_state_as_list():
    rng = np.random.default_rng(6)
    p = lstm_params(rng, 1, 2)
    xs = [[0.5], [-1.0], [2.0]]
    hs, _ = lt.lstm(xs, [[0.1, -0.2], [0.3, 0.0]], p)
    hs2, _ = lt.lstm(np.array(xs), (np.array([0.1, -0.2]), np.array([0.3, 0.0])), p)
    np.testing.assert_array_equal(hs, hs2)


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_rnn_forward_equals_loop_of_rnn_cell(shape):
    T, B, D, H = shape
    rng = np.random.default_rng(80 + T + D)
    p = rnn_params(rng, D, H)
    xs, h0 = seq(rng, T, B, D), state(rng, B, H)
    hs, h_n, cache = lt.rnn_forward(xs, h0, p)
    assert hs.shape == ((T, H) if B is None else (T, B, H)) and h_n.shape == h0.shape
    h = h0
    for t in range(T):
        h = lt.rnn_cell(xs[t], h, p)
        np.testing.assert_allclose(hs[t], h, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(h_n, h, rtol=1e-12, atol=1e-14)
    hs2, h_n2 = lt.rnn(xs, h0, p)
    np.testing.assert_array_equal(hs, hs2)
    np.testing.assert_array_equal(h_n, h_n2)
    np.testing.assert_array_equal(cache.h, hs)
    for mine, kept in zip(p, cache.params):
        np.testing.assert_array_equal(kept, mine)
        assert not np.shares_memory(kept, mine)


def test_rnn_h0_none_means_zeros():
    rng = np.random.default_rng(8)
    p = rnn_params(rng, 2, 3)
    for xs, zshape in [(seq(rng, 4, 2, 2), (2, 3)), (seq(rng, 4, None, 2), (3,))]:
        a, _ = lt.rnn(xs, None, p)
        b, _ = lt.rnn(xs, np.zeros(zshape), p)
        np.testing.assert_array_equal(a, b)


def test_non_contiguous_inputs_give_the_same_results():
    """Batch-major data transposed to time-major is a strided view: same numbers, same gradients."""
    rng = np.random.default_rng(9)
    p = lstm_params(rng, 3, 2)
    xs_bm = rng.standard_normal((2, 4, 3))  # (B, T, D)
    xs = xs_bm.transpose(1, 0, 2)  # (T, B, D), not contiguous
    assert not xs.flags.c_contiguous
    h0 = np.asfortranarray(rng.standard_normal((2, 2)))
    c0 = rng.standard_normal((2, 4))[:, ::2]  # strided
    hs, (h_n, c_n), cache = lt.lstm_forward(xs, (h0, c0), p)
    hs2, (h_n2, c_n2), cache2 = lt.lstm_forward(np.ascontiguousarray(xs), (h0.copy(), c0.copy()), p)
    np.testing.assert_array_equal(hs, hs2)
    np.testing.assert_array_equal(c_n, c_n2)
    dhs = rng.standard_normal(hs.shape)[:, ::-1]  # reversed batch: strided too
    g1 = lt.lstm_backward(dhs, cache)
    g2 = lt.lstm_backward(np.ascontiguousarray(dhs), cache2)
    for a, b in zip(g1[0], g2[0]):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(g1[1], g2[1], rtol=1e-14, atol=1e-15)
    r = rnn_params(rng, 3, 2)
    np.testing.assert_array_equal(lt.rnn(xs, h0, r)[0], lt.rnn(np.ascontiguousarray(xs), h0.copy(), r)[0])
