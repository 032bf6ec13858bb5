"""Tests of the pure functions under the sliders of chapters 4 and 5.

``input_demo`` and ``output_demo`` take gate values set by hand. They are
checked three ways: against the article's formulas written out here, against
a real one-neuron cell of the NumPy backend with random weights and biases
(its gates fed to the demo must give back ``lstm_cell``'s ``C_t`` and
``h_t``), and on the special cases the chapters teach.
"""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lstm_tutorial import numpy as lt  # noqa: E402
from lstm_tutorial.demos import INPUT_KEYS, OUTPUT_KEYS, cell_values, input_demo, output_demo  # noqa: E402
from lstm_tutorial.widgets import input_widget, output_widget  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def random_cell(seed: int) -> lt.LSTMParams:
    """A one-neuron cell with every weight and bias random (no zero biases)."""
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(0.0, 1.5, size=(1, 2)) for _ in range(4)]  # (1, 2) each
    bs = [rng.normal(0.0, 1.0, size=(1,)) for _ in range(4)]  # (1,) each
    return lt.LSTMParams(*Ws, *bs)


# ---------------------------------------------------------------- values


def test_input_demo_by_the_formula() -> None:
    d = input_demo(0.25, 0.75, -0.5, 0.8)
    assert tuple(d) == INPUT_KEYS
    assert d["kept"] == pytest.approx(0.25 * 0.8)
    assert d["added"] == pytest.approx(0.75 * -0.5)
    assert d["c"] == pytest.approx(0.25 * 0.8 + 0.75 * -0.5)
    assert all(isinstance(v, float) for v in d.values())


def test_output_demo_by_the_formula() -> None:
    d = output_demo(0.6, 0.25, 0.75, -0.5, 0.8)
    assert tuple(d) == OUTPUT_KEYS
    c = 0.25 * 0.8 + 0.75 * -0.5
    assert d["c"] == pytest.approx(c)
    assert d["tanh_c"] == pytest.approx(math.tanh(c))
    assert d["h"] == pytest.approx(0.6 * math.tanh(c))
    assert all(isinstance(v, float) for v in d.values())


@pytest.mark.parametrize("seed", range(5))
def test_demos_agree_with_the_package_cell(seed: int) -> None:
    params = random_cell(seed)
    rng = np.random.default_rng(100 + seed)
    x, h_prev, c_prev = rng.normal(size=3) * np.array([1.0, 0.7, 1.5])
    v = cell_values(x, h_prev, c_prev, params)
    h, c = lt.lstm_cell(np.array([x]), (np.array([h_prev]), np.array([c_prev])), params)
    di = input_demo(v["f"], v["i"], v["c_tilde"], c_prev)
    do = output_demo(v["o"], v["f"], v["i"], v["c_tilde"], c_prev)
    np.testing.assert_allclose(di["c"], c[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(di["kept"] + di["added"], c[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(do["c"], c[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(do["h"], h[0], rtol=1e-12, atol=1e-15)


def test_numpy_scalars_and_one_element_arrays_are_accepted() -> None:
    a = input_demo(np.float32(0.5), np.array([0.5]), np.array(0.25), 1)
    b = input_demo(0.5, 0.5, 0.25, 1.0)
    assert a == pytest.approx(b)


# ---------------------------------------------------------------- special cases


@pytest.mark.parametrize("c_prev", [-1.7, 0.0, 0.8, 2.0])
def test_closed_input_gate_writes_nothing(c_prev: float) -> None:
    for c_tilde in (-1.0, 0.3, 1.0):
        d = input_demo(0.6, 0.0, c_tilde, c_prev)
        assert d["added"] == 0.0
        assert d["c"] == pytest.approx(0.6 * c_prev)


def test_keep_gate_holds_memory_exactly_for_many_steps() -> None:
    rng = np.random.default_rng(0)
    c = 0.8
    for c_tilde in rng.uniform(-1.0, 1.0, size=1000):
        c = input_demo(1.0, 0.0, float(c_tilde), c)["c"]
    assert c == 0.8  # exactly: f = 1, i = 0 is the identity on C


def test_forget_all_and_write_all_replaces_memory() -> None:
    for c_prev in (-2.0, 0.8, 5.0):
        d = input_demo(0.0, 1.0, -0.4, c_prev)
        assert d["kept"] == 0.0
        assert d["c"] == -0.4


def test_memory_grows_by_at_most_one_per_step() -> None:
    rng = np.random.default_rng(1)
    for _ in range(2000):
        f, i = rng.uniform(0.0, 1.0, size=2)
        c_tilde = rng.uniform(-1.0, 1.0)
        c_prev = rng.normal(0.0, 3.0)
        d = input_demo(f, i, c_tilde, c_prev)
        assert abs(d["c"]) <= abs(c_prev) + 1.0 + 1e-12
    # the bound is reached at the limits f = i = C~ = 1
    assert input_demo(1.0, 1.0, 1.0, 0.8)["c"] == pytest.approx(1.8)


def test_closed_output_gate_hides_memory_without_erasing_it() -> None:
    shut = output_demo(0.0, 0.9, 0.3, -0.6, 1.5)
    opened = output_demo(1.0, 0.9, 0.3, -0.6, 1.5)
    assert shut["h"] == 0.0
    assert shut["c"] == opened["c"] != 0.0
    assert opened["h"] == pytest.approx(math.tanh(opened["c"]))


def test_hidden_state_stays_inside_minus_one_one() -> None:
    rng = np.random.default_rng(2)
    for _ in range(2000):
        o, f, i = rng.uniform(0.0, 1.0, size=3)
        c_tilde, c_prev = rng.uniform(-1.0, 1.0), rng.uniform(-2.0, 2.0)
        d = output_demo(o, f, i, c_tilde, c_prev)
        assert abs(d["h"]) <= o * abs(d["tanh_c"]) + 1e-15
        assert abs(d["h"]) < 1.0
        assert d["h"] * d["c"] >= 0.0  # h_t has the sign of C_t


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        (dict(f=1.5, i=0.5, c_tilde=0.0, c_prev=0.0), "f"),
        (dict(f=0.5, i=-0.1, c_tilde=0.0, c_prev=0.0), "i"),
        (dict(f=0.5, i=0.5, c_tilde=1.2, c_prev=0.0), "c_tilde"),
        (dict(f=0.5, i=0.5, c_tilde=0.0, c_prev=float("nan")), "c_prev"),
        (dict(f=0.5, i=0.5, c_tilde=0.0, c_prev=float("inf")), "c_prev"),
        (dict(f=np.array([0.5, 0.5]), i=0.5, c_tilde=0.0, c_prev=0.0), "f"),
    ],
)
def test_input_demo_rejects_bad_values(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        input_demo(**kwargs)


@pytest.mark.parametrize("o", [-0.5, 1.01, float("nan")])
def test_output_demo_rejects_bad_output_gate(o: float) -> None:
    with pytest.raises(ValueError, match="o"):
        output_demo(o, 0.5, 0.5, 0.0, 0.0)


@pytest.mark.parametrize("bad", ["0.5", True, [0.5, "a"]])
def test_demos_reject_non_numbers(bad: object) -> None:
    with pytest.raises(TypeError, match="i"):
        input_demo(0.5, bad, 0.0, 0.0)
    with pytest.raises(TypeError, match="o"):
        output_demo(bad, 0.5, 0.5, 0.0, 0.0)


def test_demos_reject_none() -> None:
    # subtle: NumPy turns None into NaN, so the error is a ValueError
    with pytest.raises((TypeError, ValueError), match="c_prev"):
        input_demo(0.5, 0.5, 0.0, None)


# ---------------------------------------------------------------- the widgets


def test_widgets_wire_their_sliders() -> None:
    pytest.importorskip("ipywidgets")
    w = input_widget(f=0.2, i=0.7, c_tilde=-0.3, c_prev=1.1)
    sliders = {c.description: c for c in w.children[:-1]}
    assert list(sliders) == ["f_t", "i_t", "C~_t", "C_{t-1}"]
    assert sliders["C~_t"].min == -1.0 and sliders["C~_t"].max == 1.0
    assert [s.value for s in sliders.values()] == pytest.approx([0.2, 0.7, -0.3, 1.1])
    w2 = output_widget(o=0.0)
    sliders2 = {c.description: c for c in w2.children[:-1]}
    assert list(sliders2) == ["o_t", "f_t", "i_t", "C~_t", "C_{t-1}"]
    assert sliders2["o_t"].value == 0.0
