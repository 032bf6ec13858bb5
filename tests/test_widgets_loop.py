"""Tests of chapter 6's slider: the RNN of chapter 1 against a hand-set one-unit LSTM.

``memory_comparison_demo`` is checked against things computed here without it:
the article's equations written out in plain Python, finite differences of
``h_t`` with respect to ``x_1``, and the closed form of the memory gap,
``|C_t(A) - C_t(B)| = f^(t-1) |C_1(A) - C_1(B)|``, which holds because the
hand-set gates ignore ``h_{t-1}``. The ipywidgets wrapper is only checked to
build and run once.
"""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lstm_tutorial import numpy as lt  # noqa: E402
from lstm_tutorial.demos import memory_comparison_demo, memory_lstm_params, rnn_memory_demo  # noqa: E402
from lstm_tutorial.widgets import memory_comparison_widget  # noqa: E402

KEYS = {
    "xs", "rnn_h_a", "rnn_h_b", "rnn_gap", "rnn_influence", "lstm_h_a", "lstm_h_b", "lstm_gap",
    "lstm_c_a", "lstm_c_b", "lstm_c_gap", "lstm_f", "lstm_influence",
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def by_hand(xs, forget_bias, input_bias=0.0, output_bias=2.0, w_c=1.0):
    """The article's equations with memory_lstm_params' weights, one float at a time."""
    h = c = 0.0
    hs, cs = [], []
    for x in xs:
        f, i, o = sig(forget_bias), sig(input_bias), sig(output_bias)  # gates ignore h and x
        c = f * c + i * math.tanh(w_c * x)
        h = o * math.tanh(c)
        hs.append(h)
        cs.append(c)
    return np.array(hs), np.array(cs)


# --------------------------------------------------------------------------
# memory_lstm_params
# --------------------------------------------------------------------------


def test_hand_set_gates_depend_on_their_bias_only():
    p = memory_lstm_params(3.0, input_bias=-1.0, output_bias=0.5, w_c=2.0)
    assert all(np.shape(w) == (1, 2) for w in (p.W_f, p.W_i, p.W_c, p.W_o))
    assert all(np.shape(b) == (1,) for b in (p.b_f, p.b_i, p.b_c, p.b_o))
    rng = np.random.default_rng(1)
    for _ in range(5):
        x, h = rng.normal(size=1), rng.normal(size=1)
        np.testing.assert_allclose(lt.forget_gate(x, h, p), [sig(3.0)])
        np.testing.assert_allclose(lt.input_gate(x, h, p), [sig(-1.0)])
        np.testing.assert_allclose(lt.output_gate(x, h, p), [sig(0.5)])
        np.testing.assert_allclose(lt.candidate(x, h, p), np.tanh(2.0 * x))


def test_hand_set_params_are_independent_arrays():
    p = memory_lstm_params()
    p.W_f[0, 0] = 9.0  # changing one weight must not change another
    assert p.W_i[0, 0] == 0.0 and p.W_o[0, 0] == 0.0


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_hand_set_params_reject_non_finite(bad):
    with pytest.raises(ValueError, match="forget_bias"):
        memory_lstm_params(bad)
    with pytest.raises(ValueError, match="w_c"):
        memory_lstm_params(1.0, w_c=bad)


def test_hand_set_params_reject_non_numbers():
    with pytest.raises(TypeError, match="output_bias"):
        memory_lstm_params(1.0, output_bias="2")
    with pytest.raises(TypeError, match="forget_bias"):
        memory_lstm_params(True)


# --------------------------------------------------------------------------
# memory_comparison_demo
# --------------------------------------------------------------------------


@pytest.mark.parametrize("T", [1, 2, 17])
def test_returns_every_array_with_length_T(T):
    d = memory_comparison_demo(4.0, T)
    assert set(d) == KEYS
    for k, v in d.items():
        assert isinstance(v, np.ndarray) and v.shape == (T,), k
        assert np.all(np.isfinite(v)), k


def test_uses_chapter_1s_sequences_and_rnn():
    d = memory_comparison_demo(4.0, 25, w_h=0.7, seed=3)
    r = rnn_memory_demo(0.7, 25, seed=3)
    np.testing.assert_array_equal(d["xs"], r["xs"])
    assert d["xs"][0] == 1.0
    for k in ("h_a", "h_b", "gap", "influence"):
        np.testing.assert_array_equal(d[f"rnn_{k}"], r[k])


@pytest.mark.parametrize("forget_bias", [-2.0, 0.0, 5.0])
def test_lstm_follows_the_equations_written_out(forget_bias):
    d = memory_comparison_demo(forget_bias, 12, seed=2)
    xs_b = d["xs"].copy()
    xs_b[0] = -1.0
    for seq, tag in ((d["xs"], "a"), (xs_b, "b")):
        hs, cs = by_hand(seq, forget_bias)
        np.testing.assert_allclose(d[f"lstm_h_{tag}"], hs, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(d[f"lstm_c_{tag}"], cs, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(d["lstm_gap"], np.abs(d["lstm_h_a"] - d["lstm_h_b"]))
    np.testing.assert_allclose(d["lstm_f"], np.full(12, sig(forget_bias)))


@pytest.mark.parametrize("forget_bias", [-1.0, 2.0, 6.0])
def test_memory_gap_shrinks_by_exactly_f_per_step(forget_bias):
    T = 40
    d = memory_comparison_demo(forget_bias, T)
    f = sig(forget_bias)
    first = 0.5 * (math.tanh(1.0) - math.tanh(-1.0))  # i_1 * (C~_1(A) - C~_1(B)), i = sigmoid(0)
    # the gap is a difference of two O(1) memories: float64 resolves it to ~1e-15
    np.testing.assert_allclose(d["lstm_c_gap"], first * f ** np.arange(T), rtol=1e-9, atol=1e-14)


def test_influence_matches_finite_differences():
    forget_bias, T, eps = 3.0, 15, 1e-6
    d = memory_comparison_demo(forget_bias, T)
    up, down = d["xs"].copy(), d["xs"].copy()
    up[0] += eps
    down[0] -= eps
    fd = np.abs(by_hand(up, forget_bias)[0] - by_hand(down, forget_bias)[0]) / (2 * eps)
    np.testing.assert_allclose(d["lstm_influence"], fd, rtol=1e-6)


def test_the_lstm_remembers_where_the_rnn_forgets():
    d = memory_comparison_demo(5.0, 50)
    assert d["lstm_c_gap"][-1] > 0.5 * d["lstm_c_gap"][0]
    assert d["lstm_influence"][-1] > 1e4 * d["rnn_influence"][-1]
    assert d["lstm_gap"][-1] > 1e4 * max(d["rnn_gap"][-1], 1e-300)


def test_a_small_forget_bias_forgets_like_the_rnn():
    d = memory_comparison_demo(-3.0, 30)  # f = 0.047: memory wiped every step
    assert d["lstm_c_gap"][-1] < 1e-30
    assert d["lstm_influence"][-1] < 1e-30


@pytest.mark.parametrize("T", [0, -3])
def test_bad_length_is_rejected(T):
    with pytest.raises(ValueError, match=r"^T: expected an int >= 1"):
        memory_comparison_demo(5.0, T)


@pytest.mark.parametrize("T", [2.5, True, "10"])
def test_length_of_the_wrong_kind_is_a_type_error(T):
    with pytest.raises(TypeError, match=r"^T: expected an int"):
        memory_comparison_demo(5.0, T)


def test_bad_forget_bias_is_rejected():
    with pytest.raises(ValueError, match="forget_bias"):
        memory_comparison_demo(float("nan"), 10)
    with pytest.raises(TypeError, match="forget_bias"):
        memory_comparison_demo(None, 10)


# --------------------------------------------------------------------------
# The ipywidgets wrapper: it builds, and runs once with its start values
# --------------------------------------------------------------------------


def test_widget_builds_and_shows_start_values(capsys):
    pytest.importorskip("ipywidgets")
    w = memory_comparison_widget(forget_bias=4.0, T=12)
    assert list(w.kwargs) == ["forget_bias", "T"]
    assert w.kwargs == {"forget_bias": 4.0, "T": 12}
    w.update()  # runs the wrapped function once
    d = memory_comparison_demo(4.0, 12)
    out = capsys.readouterr().out
    assert f"LSTM {d['lstm_gap'][-1]:.2e}" in out and f"RNN {d['rnn_gap'][-1]:.2e}" in out
    assert plt.get_fignums(), "the widget drew no figure"
