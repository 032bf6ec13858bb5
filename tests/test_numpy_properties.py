"""Invariants of the cell that hold for any parameters and inputs (hypothesis).

Weights and inputs are bounded so that no pre-activation exceeds about 30 in
absolute value: float64 sigmoid only saturates to exactly 0 or 1 beyond ~37,
so within that range every gate is strictly inside (0, 1).
"""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_tutorial import numpy as lt

SETTINGS = settings(max_examples=50, deadline=None)


@st.composite
def lstm_case(draw, bound=2.0):
    """Random sizes, params in [-bound, bound], inputs in [-2, 2], |h0| < 1, any c0."""
    T = draw(st.integers(1, 5))
    B = draw(st.one_of(st.none(), st.integers(1, 3)))
    D = draw(st.integers(1, 3))
    H = draw(st.integers(1, 3))
    el = st.floats(-bound, bound, allow_nan=False, width=64)
    Ws = [draw(arrays(np.float64, (H, H + D), elements=el)) for _ in range(4)]
    bs = [draw(arrays(np.float64, (H,), elements=el)) for _ in range(4)]
    batch = () if B is None else (B,)
    xs = draw(arrays(np.float64, (T, *batch, D), elements=st.floats(-2, 2, width=64)))
    h0 = draw(arrays(np.float64, (*batch, H), elements=st.floats(-0.99, 0.99, width=64)))
    c0 = draw(arrays(np.float64, (*batch, H), elements=st.floats(-50, 50, width=64)))
    return lt.LSTMParams(*Ws, *bs), xs, h0, c0


@SETTINGS
@given(lstm_case())
def test_gates_strictly_inside_unit_interval(case):
    p, xs, h0, c0 = case
    _, _, cache = lt.lstm_forward(xs, (h0, c0), p)
    for name in ("f", "i", "o"):
        g = getattr(cache, name)
        assert np.all(g > 0) and np.all(g < 1), name
    assert np.all(np.abs(cache.c_tilde) < 1)
    # and the readable single-step gates agree on the first step
    x0 = xs[0]
    for fn, name in [(lt.forget_gate, "f"), (lt.input_gate, "i"), (lt.output_gate, "o")]:
        g = fn(x0, h0, p)
        assert np.all(g > 0) and np.all(g < 1), name


@SETTINGS
@given(lstm_case())
def test_hidden_state_bounded_and_memory_grows_at_most_one_per_step(case):
    p, xs, h0, c0 = case
    hs, (h_n, c_n), cache = lt.lstm_forward(xs, (h0, c0), p)
    assert np.all(np.abs(hs) < 1)
    c_prev = c0
    for t in range(xs.shape[0]):
        c_t = cache.c[t]
        assert np.all(np.abs(c_t) <= np.abs(c_prev) + 1)
        # h_t = o_t * tanh(C_t): same sign as C_t, never larger than |tanh C_t|
        assert np.all(np.abs(cache.h[t]) <= np.abs(np.tanh(c_t)))
        c_prev = c_t


@SETTINGS
@given(lstm_case(bound=3.0))
def test_forget_one_input_zero_keeps_memory_exactly(case):
    """b_f = +40, b_i = -40 and zero W_f, W_i: f_t == 1 and i_t == 0 exactly in float64."""
    p, xs, h0, c0 = case
    H = p.hidden_size
    p = p._replace(
        W_f=np.zeros_like(p.W_f), b_f=np.full(H, 40.0),
        W_i=np.zeros_like(p.W_i), b_i=np.full(H, -40.0),
    )
    _, (h_n, c_n), cache = lt.lstm_forward(xs, (h0, c0), p)
    assert np.all(cache.f == 1.0) and np.all(cache.i == 0.0)
    np.testing.assert_array_equal(c_n, c0)
    for t in range(xs.shape[0]):
        np.testing.assert_array_equal(cache.c[t], c0)
    # the single-step cell keeps it too
    _, c1 = lt.lstm_cell(xs[0], (h0, c0), p)
    np.testing.assert_array_equal(c1, c0)
    # and h_t = o_t * tanh(C_0) at every step
    np.testing.assert_allclose(cache.h, cache.o * np.tanh(c0), rtol=1e-15, atol=0)


@SETTINGS
@given(lstm_case())
def test_forget_zero_input_one_replaces_memory_with_candidate(case):
    p, xs, h0, c0 = case
    H = p.hidden_size
    p = p._replace(
        W_f=np.zeros_like(p.W_f), b_f=np.full(H, -40.0),
        W_i=np.zeros_like(p.W_i), b_i=np.full(H, 40.0),
    )
    _, _, cache = lt.lstm_forward(xs, (h0, c0), p)
    np.testing.assert_array_equal(cache.c, cache.c_tilde)


def test_sigmoid_extreme_values_without_warning():
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        s = lt.sigmoid(z)
        s32 = lt.sigmoid(z.astype(np.float32))
        t = lt.tanh(z)
        assert float(lt.sigmoid(-1000.0)) == 0.0
        assert float(lt.sigmoid(1000)) == 1.0
    np.testing.assert_array_equal(s, [0.0, 0.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(s32, np.array([0, 0, 0.5, 1, 1], np.float32))
    assert s32.dtype == np.float32
    np.testing.assert_array_equal(t, [-1.0, -1.0, 0.0, 1.0, 1.0])


def test_lstm_and_rnn_with_huge_preactivations_without_warning():
    rng = np.random.default_rng(0)
    p = lt.LSTMParams(*[1e3 * a for a in lt.init_lstm_params(2, 3, seed=1)])
    r = lt.RNNParams(*[1e3 * a for a in lt.init_rnn_params(2, 3, seed=1)])
    xs = 10 * rng.standard_normal((4, 2, 2))
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        hs, (h_n, c_n), cache = lt.lstm_forward(xs, None, p)
        lt.lstm_backward(np.ones_like(hs), cache)
        rhs, _, rcache = lt.rnn_forward(xs, None, r)
        lt.rnn_backward(np.ones_like(rhs), rcache)
        lt.output_neuron(hs, np.full((1, 3), 1e4), np.array([-1e4]))
    assert np.all(np.isfinite(hs)) and np.all(np.abs(hs) <= 1)


@SETTINGS
@given(st.floats(-1000, 1000, allow_nan=False))
def test_sigmoid_symmetry_and_range(z):
    s, s_neg = float(lt.sigmoid(np.array([z]))[0]), float(lt.sigmoid(np.array([-z]))[0])
    assert abs(s_neg - (1.0 - s)) <= 2.3e-16
    assert 0.0 <= s <= 1.0
    assert abs(float(lt.tanh(np.array([z]))[0]) - (2 * float(lt.sigmoid(np.array([2 * z]))[0]) - 1)) <= 5e-16


@SETTINGS
@given(arrays(np.float64, st.integers(2, 20), elements=st.floats(-60, 60, allow_nan=False)))
def test_sigmoid_is_monotone_and_accurate(z):
    z = np.sort(z)
    s = lt.sigmoid(z)
    assert np.all(np.diff(s) >= 0)
    # Accurate (relative error < 1e-9) where the tanh identity keeps its digits, |z| <= 15.
    m = np.abs(z) <= 15
    ref = 1 / (1 + np.exp(-z[m]))
    np.testing.assert_allclose(s[m], ref, rtol=1e-9, atol=0)
    # Everywhere: absolute error below one float64 ulp of 1.
    ref_all = np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))
    np.testing.assert_allclose(s, ref_all, rtol=0, atol=2.3e-16)


@SETTINGS
@given(
    st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.one_of(st.none(), st.integers(1, 3)),
    st.integers(0, 2**32 - 1),
)
def test_rnn_hidden_state_bounded_and_agrees_with_cell(T, D, H, B, seed):
    rng = np.random.default_rng(seed)
    p = lt.RNNParams(rng.normal(0, 2, (H, H)), rng.normal(0, 2, (H, D)), rng.normal(0, 2, H))
    batch = () if B is None else (B,)
    xs, h0 = rng.normal(0, 2, (T, *batch, D)), rng.uniform(-1, 1, (*batch, H))
    hs, h_n = lt.rnn(xs, h0, p)
    assert np.all(np.abs(hs) <= 1)
    h = h0
    for t in range(T):
        h = lt.rnn_cell(xs[t], h, p)
    np.testing.assert_allclose(h_n, h, rtol=1e-12, atol=1e-14)


@SETTINGS
@given(lstm_case())
def test_lstm_forward_equals_cell_loop_for_random_sizes(case):
    p, xs, h0, c0 = case
    hs, (h_n, c_n) = lt.lstm(xs, (h0, c0), p)
    h, c = h0, c0
    for t in range(xs.shape[0]):
        h, c = lt.lstm_cell(xs[t], (h, c), p)
        np.testing.assert_allclose(hs[t], h, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(c_n, c, rtol=1e-12, atol=1e-13)
