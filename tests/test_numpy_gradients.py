"""Finite-difference checks of every gradient of ``lstm_backward`` and ``rnn_backward``.

The loss is a random linear function of every output,
``L = sum(dhs * hs) + sum(dh_n * h_n) + sum(dc_n * c_n)``, so its gradient with
respect to ``hs``, ``h_n`` and ``c_n`` is exactly ``dhs``, ``dh_n`` and ``dc_n``,
the arguments handed to the backward pass. ``lt.numerical_gradient`` perturbs
each entry of a parameter, input or state in place and re-runs the forward pass.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy_cases import SHAPES, lstm_params, rnn_params, seq, shape_id, state

from lstm_tutorial import numpy as lt

TOL = 1e-6


# --------------------------------------------------------------------------
# The helpers themselves
# --------------------------------------------------------------------------


def test_numerical_gradient_matches_known_derivative():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    num = lt.numerical_gradient(lambda: float(np.sum(x**3)), x)
    assert num.shape == x.shape
    assert lt.relative_error(num, 3 * x**2) < 1e-9


def test_numerical_gradient_of_cross_terms_and_restores_x():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(5)
    x_before = x.copy()
    A = rng.standard_normal((5, 5))
    # L = x^T A x has gradient (A + A^T) x
    num = lt.numerical_gradient(lambda: float(x @ A @ x), x)
    assert lt.relative_error(num, (A + A.T) @ x_before) < 1e-9
    np.testing.assert_array_equal(x, x_before)  # every entry put back exactly


def test_numerical_gradient_0d_and_eps():
    x = np.array(2.0)
    num = lt.numerical_gradient(lambda: float(np.sin(x)), x, eps=1e-5)
    assert abs(float(num) - np.cos(2.0)) < 1e-9


def test_numerical_gradient_rejects_float32_and_noncontiguous():
    with pytest.raises(TypeError, match=r"x: expected a float64 ndarray.*float32"):
        lt.numerical_gradient(lambda: 0.0, np.zeros(3, np.float32))
    with pytest.raises(TypeError, match=r"x: expected a float64 ndarray.*list"):
        lt.numerical_gradient(lambda: 0.0, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"x: must be contiguous"):
        lt.numerical_gradient(lambda: 0.0, np.zeros((3, 4)).T)


def test_relative_error_basics():
    a = np.array([1.0, -2.0, 3.0])
    assert lt.relative_error(a, a) == 0.0
    assert lt.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert lt.relative_error(a, -a) == pytest.approx(1.0)
    assert lt.relative_error(a, np.zeros(3)) == pytest.approx(1.0)
    # max |a - b| / max(|a| + |b|)
    b = a + np.array([0.0, 1e-3, 0.0])
    assert lt.relative_error(a, b) == pytest.approx(1e-3 / (3.0 + 3.0))
    # scale-free
    assert lt.relative_error(1e8 * a, 1e8 * b) == pytest.approx(lt.relative_error(a, b))
    assert lt.relative_error(a, b) == lt.relative_error(b, a)
    with pytest.raises(ValueError, match=r"b: expected shape \(3,\) like a, got \(4,\)"):
        lt.relative_error(a, np.zeros(4))


# --------------------------------------------------------------------------
# LSTM
# --------------------------------------------------------------------------


def _lstm_problem(shape, seed):
    T, B, D, H = shape
    rng = np.random.default_rng(seed)
    p = lstm_params(rng, D, H)
    xs, h0, c0 = seq(rng, T, B, D), state(rng, B, H), state(rng, B, H)
    hs_shape = (T, H) if B is None else (T, B, H)
    dhs = rng.standard_normal(hs_shape)
    dh_n, dc_n = state(rng, B, H), state(rng, B, H)
    return p, xs, h0, c0, dhs, dh_n, dc_n


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_lstm_backward_matches_finite_differences(shape):
    p, xs, h0, c0, dhs, dh_n, dc_n = _lstm_problem(shape, seed=sum(s or 0 for s in shape))

    def loss():
        hs, (h_n, c_n) = lt.lstm(xs, (h0, c0), p)
        return np.sum(dhs * hs) + np.sum(dh_n * h_n) + np.sum(dc_n * c_n)

    _, _, cache = lt.lstm_forward(xs, (h0, c0), p)
    grads, dxs, (dh0, dc0) = lt.lstm_backward(dhs, cache, (dh_n, dc_n))

    assert isinstance(grads, lt.LSTMParams)
    analytic = dict(zip(p._fields, grads))
    analytic.update(xs=dxs, h0=dh0, c0=dc0)
    wrt = dict(zip(p._fields, p))
    wrt.update(xs=xs, h0=h0, c0=c0)
    for name, x in wrt.items():
        g = analytic[name]
        assert g.shape == x.shape, name
        assert g.dtype == np.float64, name
        num = lt.numerical_gradient(loss, x)
        assert np.any(num != 0), name  # a vacuous check would pass anything
        err = lt.relative_error(g, num)
        assert err < TOL, f"d{name}: relative error {err:.2e}"


@pytest.mark.parametrize("shape", [(1, None, 1, 1), (3, 2, 2, 3), (4, None, 3, 2)], ids=shape_id)
def test_lstm_backward_only_final_state_gradient(shape):
    """Gradient that arrives only at (h_n, c_n): dhs is zero."""
    p, xs, h0, c0, dhs, dh_n, dc_n = _lstm_problem(shape, seed=7)
    dhs = np.zeros_like(dhs)

    def loss():
        _, (h_n, c_n) = lt.lstm(xs, (h0, c0), p)
        return np.sum(dh_n * h_n) + np.sum(dc_n * c_n)

    _, _, cache = lt.lstm_forward(xs, (h0, c0), p)
    grads, dxs, (dh0, dc0) = lt.lstm_backward(dhs, cache, (dh_n, dc_n))
    for name, g, x in [*zip(p._fields, grads, p), ("xs", dxs, xs), ("h0", dh0, h0), ("c0", dc0, c0)]:
        err = lt.relative_error(g, lt.numerical_gradient(loss, x))
        assert err < TOL, f"d{name}: relative error {err:.2e}"


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (3, None, 2, 2), (4, 2, 3, 3)], ids=shape_id)
def test_lstm_backward_with_zero_initial_state(shape):
    """state=None: gradients of the weights and inputs with zeros as h0, c0."""
    p, xs, _, _, dhs, _, _ = _lstm_problem(shape, seed=11)

    def loss():
        hs, _ = lt.lstm(xs, None, p)
        return np.sum(dhs * hs)

    _, _, cache = lt.lstm_forward(xs, None, p)
    grads, dxs, (dh0, dc0) = lt.lstm_backward(dhs, cache)
    for name, g, x in [*zip(p._fields, grads, p), ("xs", dxs, xs)]:
        err = lt.relative_error(g, lt.numerical_gradient(loss, x))
        assert err < TOL, f"d{name}: relative error {err:.2e}"
    assert dh0.shape == cache.h0.shape and dc0.shape == cache.c0.shape


def test_lstm_dstate_none_equals_zero_dstate():
    p, xs, h0, c0, dhs, dh_n, dc_n = _lstm_problem((3, 2, 2, 3), seed=3)
    _, _, cache = lt.lstm_forward(xs, (h0, c0), p)
    a = lt.lstm_backward(dhs, cache)
    b = lt.lstm_backward(dhs, cache, (np.zeros_like(dh_n), np.zeros_like(dc_n)))
    for x, y in zip(a[0], b[0]):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[2][0], b[2][0])
    np.testing.assert_array_equal(a[2][1], b[2][1])


def test_lstm_backward_leaves_cache_intact_and_repeats():
    """backward may be called twice on one cache and must not write into it."""
    p, xs, h0, c0, dhs, dh_n, dc_n = _lstm_problem((4, 2, 3, 2), seed=5)
    _, _, cache = lt.lstm_forward(xs, (h0, c0), p)
    saved = [np.array(a, copy=True) for a in cache if isinstance(a, np.ndarray)]
    dhs_saved = dhs.copy()
    first = lt.lstm_backward(dhs, cache, (dh_n, dc_n))
    second = lt.lstm_backward(dhs, cache, (dh_n, dc_n))
    for a, b in zip([a for a in cache if isinstance(a, np.ndarray)], saved):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(dhs, dhs_saved)
    for x, y in zip(first[0], second[0]):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(first[1], second[1])


def test_lstm_gradients_of_different_gates_differ():
    """With random biases, swapping two gates' gradients would be caught."""
    p, xs, h0, c0, dhs, dh_n, dc_n = _lstm_problem((3, 2, 2, 3), seed=13)
    _, _, cache = lt.lstm_forward(xs, (h0, c0), p)
    grads, _, _ = lt.lstm_backward(dhs, cache, (dh_n, dc_n))
    names = list(p._fields)
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            ga, gb = grads[a], grads[b]
            if ga.shape == gb.shape:
                assert lt.relative_error(ga, gb) > 1e-2, (names[a], names[b])


def test_lstm_backward_batched_b1_equals_unbatched():
    p, xs, h0, c0, dhs, dh_n, dc_n = _lstm_problem((4, None, 2, 3), seed=17)
    _, _, cache_u = lt.lstm_forward(xs, (h0, c0), p)
    gu, dxu, (dhu, dcu) = lt.lstm_backward(dhs, cache_u, (dh_n, dc_n))
    _, _, cache_b = lt.lstm_forward(xs[:, None], (h0[None], c0[None]), p)
    gb, dxb, (dhb, dcb) = lt.lstm_backward(dhs[:, None], cache_b, (dh_n[None], dc_n[None]))
    for x, y in zip(gu, gb):
        np.testing.assert_allclose(x, y, rtol=1e-13, atol=1e-15)
    assert dxu.shape == xs.shape and dhu.shape == h0.shape and dcu.shape == c0.shape
    np.testing.assert_allclose(dxu, dxb[:, 0], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(dhu, dhb[0], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(dcu, dcb[0], rtol=1e-13, atol=1e-15)


def test_lstm_batch_gradients_are_sums_over_samples():
    """Samples of a batch are independent: the batch's weight gradient is the sum of each one's."""
    p, xs, h0, c0, dhs, dh_n, dc_n = _lstm_problem((3, 3, 2, 2), seed=19)
    _, _, cache = lt.lstm_forward(xs, (h0, c0), p)
    grads, dxs, (dh0, dc0) = lt.lstm_backward(dhs, cache, (dh_n, dc_n))
    total = [np.zeros_like(g) for g in grads]
    for k in range(xs.shape[1]):
        _, _, ck = lt.lstm_forward(xs[:, k], (h0[k], c0[k]), p)
        gk, dxk, (dhk, dck) = lt.lstm_backward(dhs[:, k], ck, (dh_n[k], dc_n[k]))
        total = [t + g for t, g in zip(total, gk)]
        np.testing.assert_allclose(dxs[:, k], dxk, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(dh0[k], dhk, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(dc0[k], dck, rtol=1e-12, atol=1e-14)
    for t, g in zip(total, grads):
        np.testing.assert_allclose(g, t, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------
# RNN
# --------------------------------------------------------------------------


def _rnn_problem(shape, seed):
    T, B, D, H = shape
    rng = np.random.default_rng(seed)
    p = rnn_params(rng, D, H)
    xs, h0 = seq(rng, T, B, D), state(rng, B, H)
    dhs = rng.standard_normal((T, H) if B is None else (T, B, H))
    dh_n = state(rng, B, H)
    return p, xs, h0, dhs, dh_n


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_rnn_backward_matches_finite_differences(shape):
    p, xs, h0, dhs, dh_n = _rnn_problem(shape, seed=100 + sum(s or 0 for s in shape))

    def loss():
        hs, h_n = lt.rnn(xs, h0, p)
        return np.sum(dhs * hs) + np.sum(dh_n * h_n)

    _, _, cache = lt.rnn_forward(xs, h0, p)
    grads, dxs, dh0 = lt.rnn_backward(dhs, cache, dh_n)
    assert isinstance(grads, lt.RNNParams)
    for name, g, x in [*zip(p._fields, grads, p), ("xs", dxs, xs), ("h0", dh0, h0)]:
        assert g.shape == x.shape, name
        assert g.dtype == np.float64, name
        num = lt.numerical_gradient(loss, x)
        assert np.any(num != 0), name
        err = lt.relative_error(g, num)
        assert err < TOL, f"d{name}: relative error {err:.2e}"


@pytest.mark.parametrize("shape", [(1, None, 1, 1), (3, 2, 2, 3)], ids=shape_id)
def test_rnn_backward_only_final_state_gradient(shape):
    p, xs, h0, dhs, dh_n = _rnn_problem(shape, seed=23)

    def loss():
        _, h_n = lt.rnn(xs, h0, p)
        return np.sum(dh_n * h_n)

    _, _, cache = lt.rnn_forward(xs, h0, p)
    grads, dxs, dh0 = lt.rnn_backward(np.zeros_like(dhs), cache, dh_n)
    for name, g, x in [*zip(p._fields, grads, p), ("xs", dxs, xs), ("h0", dh0, h0)]:
        err = lt.relative_error(g, lt.numerical_gradient(loss, x))
        assert err < TOL, f"d{name}: relative error {err:.2e}"


def test_rnn_backward_with_zero_initial_state_and_dh_n_none():
    p, xs, _, dhs, dh_n = _rnn_problem((4, 2, 3, 2), seed=29)

    def loss():
        hs, _ = lt.rnn(xs, None, p)
        return np.sum(dhs * hs)

    _, _, cache = lt.rnn_forward(xs, None, p)
    grads, dxs, dh0 = lt.rnn_backward(dhs, cache)
    for name, g, x in [*zip(p._fields, grads, p), ("xs", dxs, xs)]:
        err = lt.relative_error(g, lt.numerical_gradient(loss, x))
        assert err < TOL, f"d{name}: relative error {err:.2e}"
    zero = lt.rnn_backward(dhs, cache, np.zeros_like(dh_n))
    np.testing.assert_array_equal(dh0, zero[2])
    np.testing.assert_array_equal(dxs, zero[1])


def test_rnn_backward_leaves_cache_intact():
    p, xs, h0, dhs, dh_n = _rnn_problem((3, 2, 2, 2), seed=31)
    hs, _, cache = lt.rnn_forward(xs, h0, p)
    hs_saved = hs.copy()
    first = lt.rnn_backward(dhs, cache, dh_n)
    second = lt.rnn_backward(dhs, cache, dh_n)
    np.testing.assert_array_equal(cache.h, hs_saved)
    for x, y in zip(first[0], second[0]):
        np.testing.assert_array_equal(x, y)
