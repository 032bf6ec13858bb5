"""Invariants of the cell that hold for any parameters and inputs (hypothesis).

Weights and inputs are bounded so that no pre-activation exceeds about 30 in
absolute value: float64 sigmoid only rounds to exactly 1 beyond about 37 (and
to exactly 0 only below about -745), so within that range every gate is
strictly inside (0, 1).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
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
    """b_f = +1000, b_i = -1000 and zero W_f, W_i: f_t == 1 and i_t == 0 exactly in float64.

    (At +-40, f_t rounds to 1 but i_t is 4.25e-18, not 0: sigmoid keeps its digits.)
    """
    p, xs, h0, c0 = case
    H = p.hidden_size
    p = p._replace(
        W_f=np.zeros_like(p.W_f), b_f=np.full(H, 1000.0),
        W_i=np.zeros_like(p.W_i), b_i=np.full(H, -1000.0),
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
        W_f=np.zeros_like(p.W_f), b_f=np.full(H, -1000.0),
        W_i=np.zeros_like(p.W_i), b_i=np.full(H, 1000.0),
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
    np.testing.assert_array_equal(s[[0, 2, 3, 4]], [0.0, 0.5, 1.0, 1.0])
    assert s[1] == pytest.approx(math.exp(-40.0) / (1 + math.exp(-40.0)), rel=1e-15)  # 4.25e-18, not 0
    np.testing.assert_array_equal(s32[[0, 2, 3, 4]], np.array([0, 0.5, 1, 1], np.float32))
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
    # Relative error of a few float64 ulps everywhere, tiny results included.
    ref = [math.exp(v) / (1 + math.exp(v)) if v < 0 else 1 / (1 + math.exp(-v)) for v in z]
    np.testing.assert_allclose(s, ref, rtol=1e-15, atol=0)


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


@pytest.mark.parametrize("z", [-37.0, -40.0, -700.0, -1.0, 5.0, 37.0])
def test_sigmoid_keeps_relative_precision_for_tiny_results(z):
    """sigmoid(-37) is 8.5e-17 to every digit; the tanh identity (1 + tanh(z/2)) / 2 was 35% off there and 0 below -38."""
    ref = math.exp(z) / (1 + math.exp(z)) if z < 0 else 1 / (1 + math.exp(-z))
    got = float(lt.sigmoid(np.array([z]))[0])
    assert got > 0.0
    assert abs(got - ref) <= 4e-16 * ref
    assert abs(float(lt.sigmoid(z)) - ref) <= 4e-16 * ref  # the same for a plain number
    got32 = lt.sigmoid(np.array([z], np.float32))
    assert got32.dtype == np.float32
    if z > -80:  # float32's smallest normal number is 1.2e-38 = sigmoid(-87)
        assert abs(float(got32[0]) - ref) <= 2e-7 * ref


@pytest.mark.parametrize("big", [1e300, -1e300])
def test_huge_finite_inputs_saturate_without_warning(big):
    """1e300 is finite, so it is accepted; every part saturates silently, as torch does.

    Weights of 1e300 times inputs of 1e300 overflow inside the matrix products:
    before the core rewrite NumPy warned "overflow encountered in matmul" there.
    """
    p = lt.LSTMParams(*[a * 1e300 if a.ndim == 2 else a for a in lt.init_lstm_params(2, 3, seed=0)])
    r = lt.RNNParams(*[a * 1e300 for a in lt.init_rnn_params(2, 3, seed=0)])
    x = np.array([big, 1.0])  # (D,)
    xs = np.array([[big, 1.0], [1.0, -big]])  # (T, D)
    h = np.zeros(3)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        for gate in (lt.forget_gate, lt.input_gate, lt.output_gate):
            g = gate(x, h, p)
            assert np.all((g == 0.0) | (g == 1.0))
        assert np.all(np.abs(lt.candidate(x, h, p)) == 1.0)
        h1, c1 = lt.lstm_cell(x, (h, h), p)
        hs, (h_n, c_n), cache = lt.lstm_forward(xs, None, p)
        lt.lstm_backward(np.ones_like(hs), cache)
        rhs, _, rcache = lt.rnn_forward(xs, None, r)
        lt.rnn_backward(np.ones_like(rhs), rcache)
        assert np.all(np.abs(lt.rnn_cell(x, h, r)) == 1.0)
        y = lt.output_neuron(np.array([big, 0.5]), np.array([[1e300, 1.0]]), np.array([0.0]))
        assert lt.sigmoid(np.array([big]))[0] in (0.0, 1.0)
        assert lt.sigmoid(np.array([big], np.float32) if abs(big) < 1e38 else np.array([big]))[0] in (0.0, 1.0)
    assert y[0] == (1.0 if big > 0 else 0.0)
    for a in (h1, c1, hs, h_n, c_n, rhs):
        assert np.all(np.isfinite(a))
