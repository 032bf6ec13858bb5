"""Tests of ``gradient_by_distance``, the NumPy backend's probe of how far back a gradient reaches.

It sits beside ``input_influence`` in ``lstm_tutorial.numpy`` (chapters 8 and
9). Checked against the product of the RNN's one-step factors, computed here
by hand, and against central finite differences of the forward pass, with
random weights and biases in float64.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy_cases import lstm_params, rnn_params

from lstm_tutorial import numpy as lt


def test_gradient_by_distance_rnn_state_is_the_product_of_factors():
    rng = np.random.default_rng(8)
    cell = lt.RNNParams(np.array([[0.9]]), np.array([[0.7]]), np.array([0.1]))
    xs = rng.standard_normal((12, 1))  # unbatched, one neuron
    g = lt.gradient_by_distance(cell, xs, wrt="state")
    hs, _ = lt.rnn(xs, None, cell)
    factors = 0.9 * (1 - hs[:, 0] ** 2)  # dh_t/dh_{t-1}, t = 1..T
    expected = [1.0] + [abs(np.prod(factors[len(xs) - k :])) for k in range(1, len(xs))]
    np.testing.assert_allclose(g, expected, rtol=1e-12)


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_gradient_by_distance_matches_finite_differences(kind):
    rng = np.random.default_rng(9)
    T, B, D, H = 5, 2, 2, 3
    cell = lstm_params(rng, D, H, 0.8) if kind == "lstm" else rnn_params(rng, D, H, 0.8)
    xs = rng.standard_normal((T, B, D))
    run = lt.lstm if kind == "lstm" else lt.rnn

    def last(xs_, state):
        out = run(xs_, state, cell)[1]
        return out[1] if kind == "lstm" else out  # C_T for the LSTM, h_T for the RNN

    g_in = lt.gradient_by_distance(cell, xs, wrt="input")
    g_state = lt.gradient_by_distance(cell, xs, wrt="state")
    assert g_state[0] == pytest.approx(np.sqrt(H))  # d state / d state = identity
    for k in (1, 3):
        t = T - k  # differentiate with respect to step t (1-based)
        # input: d(sum h_T)/dx_t, sample by sample
        norms = []
        for b in range(B):
            x = xs[t - 1, b]
            num = lt.numerical_gradient(lambda b=b: float(np.sum(run(xs, None, cell)[0][-1, b])), x)
            norms.append(np.linalg.norm(num))
        assert g_in[k] == pytest.approx(np.mean(norms), rel=1e-6)
        # state: d(sum of last state)/d(state after step t)
        if kind == "lstm":
            _, (h_t, c_t) = lt.lstm(xs[:t], None, cell)
            h_t, c_t = h_t.copy(), c_t.copy()
            num = lt.numerical_gradient(lambda t=t, h_t=h_t, c_t=c_t: float(np.sum(last(xs[t:], (h_t, c_t)))), c_t)
        else:
            h_t = lt.rnn(xs[:t], None, cell)[1].copy()
            num = lt.numerical_gradient(lambda t=t, h_t=h_t: float(np.sum(last(xs[t:], h_t))), h_t)
        assert g_state[k] == pytest.approx(np.linalg.norm(num, axis=1).mean(), rel=1e-6)


def test_gradient_by_distance_bad_arguments():
    with pytest.raises(ValueError, match=r"wrt: expected one of 'input', 'state', got 'weights'"):
        lt.gradient_by_distance(lt.init_rnn_params(1, 1), np.zeros((3, 1)), wrt="weights")
    with pytest.raises(TypeError, match=r"params: expected LSTMParams or RNNParams, got dict"):
        lt.gradient_by_distance({}, np.zeros((3, 1)))


def test_gradient_by_distance_input_is_input_influence_seen_from_the_last_step():
    rng = np.random.default_rng(11)
    cell = lstm_params(rng, 2, 3, 0.8)
    xs = rng.standard_normal((6, 2))  # unbatched: one sequence, so both are plain norms
    by_k = lt.gradient_by_distance(cell, xs, wrt="input")
    for step in range(6):
        assert by_k[5 - step] == pytest.approx(lt.input_influence(xs, None, cell, step)[-1], rel=1e-12)
