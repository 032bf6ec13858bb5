"""Tests of the pure functions under the sliders of chapters 2 and 3 (a gate, the forget part).

The values are checked against the article's formulas written out here with
``math`` (not with the package), against the NumPy backend's full cell, and
at the special cases the chapters teach: a gate at z = 0 keeps half, f = 1
keeps the memory, f = 0 wipes it. The ipywidgets wrappers are only checked to
build and to show their starting values.
"""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lstm_tutorial import numpy as lt  # noqa: E402
from lstm_tutorial.demos import forget_demo, forget_from_weights_demo, gate_demo  # noqa: E402
from lstm_tutorial.widgets import forget_from_weights_widget, forget_widget, gate_widget  # noqa: E402


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------
# gate_demo
# --------------------------------------------------------------------------


@pytest.mark.parametrize("z", [-7.3, -1.0, -0.25, 0.0, 0.4, 2.0, 5.5])
def test_gate_demo_matches_sigmoid(z):
    signal = 0.8 - 0.3 * z  # a different signal for every z
    d = gate_demo(z, signal)
    assert set(d) == {"z", "fraction", "signal", "kept", "dropped"}
    assert d["fraction"] == pytest.approx(sigmoid(z), rel=1e-12)
    assert d["kept"] == pytest.approx(sigmoid(z) * signal, rel=1e-12)
    assert d["kept"] + d["dropped"] == pytest.approx(signal, rel=1e-12)
    assert all(type(v) is float for v in d.values())


def test_gate_demo_special_cases():
    assert gate_demo(0.0)["fraction"] == 0.5  # z = 0: keep exactly half
    assert gate_demo(40.0)["fraction"] == pytest.approx(1.0, abs=1e-15)  # keep all
    assert gate_demo(-40.0)["fraction"] == pytest.approx(0.0, abs=1e-15)  # keep nothing
    assert gate_demo(-1000.0)["kept"] == 0.0  # no overflow far out
    # symmetric: sigmoid(-z) = 1 - sigmoid(z)
    assert gate_demo(-1.7)["fraction"] == pytest.approx(1 - gate_demo(1.7)["fraction"], rel=1e-12)


def test_gate_demo_is_increasing():
    fractions = [gate_demo(z)["fraction"] for z in np.linspace(-6, 6, 25)]
    assert np.all(np.diff(fractions) > 0)


def test_gate_demo_accepts_one_element_arrays():
    assert gate_demo(np.array([0.5]))["fraction"] == pytest.approx(sigmoid(0.5))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(z=float("nan")), ValueError, "z: expected a finite number, got nan"),
        (dict(z=float("inf")), ValueError, "z: expected a finite number, got inf"),
        (dict(z=np.array([0.0, 1.0])), ValueError, r"z: .*shape \(2,\)"),
        (dict(z="0.5"), TypeError, "z: expected a number, got str"),
        (dict(z=True), TypeError, "z: expected a number, got bool"),
        (dict(z=0.0, signal=object()), TypeError, "signal: expected a number, got object"),
    ],
)
def test_gate_demo_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        gate_demo(**kwargs)


# --------------------------------------------------------------------------
# forget_demo
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("f", "c_prev"), [(0.3, 0.8), (0.9, -1.5), (0.55, 2.0), (0.01, 0.2)])
def test_forget_demo_values(f, c_prev):
    d = forget_demo(f, c_prev)
    assert set(d) == {"f", "c_prev", "kept", "forgotten"}
    assert d["kept"] == pytest.approx(f * c_prev, rel=1e-12)
    assert d["forgotten"] == pytest.approx((1 - f) * c_prev, rel=1e-12)
    assert (d["f"], d["c_prev"]) == (f, c_prev)


def test_forget_demo_special_cases():
    assert forget_demo(1.0, 0.8)["kept"] == 0.8  # f = 1 keeps the memory exactly
    assert forget_demo(1.0, 0.8)["forgotten"] == 0.0
    assert forget_demo(0.0, 0.8)["kept"] == 0.0  # f = 0 wipes it
    assert forget_demo(0.5, -1.2)["kept"] == pytest.approx(-0.6)  # half, sign kept
    assert forget_demo(0.7, 0.0)["kept"] == 0.0  # nothing to keep


def test_forget_demo_is_the_cells_update_with_input_part_off():
    """kept is C_t of the NumPy cell when the input gate is shut (b_i very negative)."""
    rng = np.random.default_rng(3)
    p = lt.init_lstm_params(1, 1, seed=3)
    p = p._replace(b_i=np.array([-1000.0]))  # i_t = 0: the input part adds nothing
    x, h_prev, c_prev = rng.normal(size=(3, 1))  # (1,) each
    f = float(lt.forget_gate(x, h_prev, p)[0])
    _, c = lt.lstm_cell(x, (h_prev, c_prev), p)
    assert forget_demo(f, float(c_prev[0]))["kept"] == pytest.approx(float(c[0]), rel=1e-12)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((1.2, 0.8), ValueError, r"f: expected a number in \[0.0, 1.0\], got 1.2"),
        ((-0.1, 0.8), ValueError, r"f: expected a number in \[0.0, 1.0\], got -0.1"),
        ((float("nan"), 0.8), ValueError, "f: expected a finite number, got nan"),
        ((0.5, float("inf")), ValueError, "c_prev: expected a finite number, got inf"),
        ((0.5, [0.1, 0.2]), ValueError, r"c_prev: .*shape \(2,\)"),
        (("half", 0.8), TypeError, "f: expected a number, got str"),
    ],
)
def test_forget_demo_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        forget_demo(*args)


# --------------------------------------------------------------------------
# forget_from_weights_demo
# --------------------------------------------------------------------------


def test_forget_from_weights_chapter_example():
    """The chapter's hand-checkable cell: z = 1*0.5 + 1.5*1 + 0 = 2."""
    d = forget_from_weights_demo(w_h=1.0, w_x=1.5, b=0.0, h_prev=0.5, x=1.0, c_prev=0.8)
    assert d["z"] == 2.0
    assert d["f"] == pytest.approx(sigmoid(2.0), rel=1e-12)
    assert d["kept"] == pytest.approx(0.8 * sigmoid(2.0), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_forget_from_weights_random(seed):
    w_h, w_x, b, h_prev, x, c_prev = np.random.default_rng(seed).normal(size=6)
    d = forget_from_weights_demo(w_h, w_x, b, h_prev, x, c_prev)
    z = w_h * h_prev + w_x * x + b  # the article's [h, x] order: w_h meets h_{t-1}
    assert d["z"] == pytest.approx(z, rel=1e-12)
    assert d["f"] == pytest.approx(sigmoid(z), rel=1e-12)
    assert d["kept"] == pytest.approx(sigmoid(z) * c_prev, rel=1e-12)
    assert d["kept"] + d["forgotten"] == pytest.approx(c_prev, rel=1e-12)
    for name, value in zip(("w_h", "w_x", "b", "h_prev", "x", "c_prev"), (w_h, w_x, b, h_prev, x, c_prev)):
        assert d[name] == value


def test_forget_from_weights_order_matters():
    """Swapping h_{t-1} and x_t changes the gate: the weights are not interchangeable."""
    a = forget_from_weights_demo(2.0, -1.0, 0.0, h_prev=0.5, x=1.0, c_prev=1.0)
    b = forget_from_weights_demo(2.0, -1.0, 0.0, h_prev=1.0, x=0.5, c_prev=1.0)
    assert a["z"] == 0.0 and b["z"] == 1.5
    assert a["f"] != b["f"]


def test_forget_from_weights_saturation():
    keep = forget_from_weights_demo(0.0, 0.0, 30.0, h_prev=0.3, x=-0.7, c_prev=0.8)
    wipe = forget_from_weights_demo(0.0, 0.0, -30.0, h_prev=0.3, x=-0.7, c_prev=0.8)
    assert keep["kept"] == pytest.approx(0.8, abs=1e-12)
    assert wipe["kept"] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("bad", "error", "match"),
    [
        (dict(w_h=float("nan")), ValueError, "w_h: expected a finite number, got nan"),
        (dict(b=np.ones(2)), ValueError, r"b: .*shape \(2,\)"),
        (dict(x="1"), TypeError, "x: expected a number, got str"),
        (dict(h_prev=float("-inf")), ValueError, "h_prev: expected a finite number, got -inf"),
    ],
)
def test_forget_from_weights_bad_input(bad, error, match):
    args = dict(w_h=1.0, w_x=1.5, b=0.0, h_prev=0.5, x=1.0, c_prev=0.8) | bad
    with pytest.raises(error, match=match):
        forget_from_weights_demo(**args)


# --------------------------------------------------------------------------
# The ipywidgets wrappers: they build, and run once with their start values
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "names", "expected"),
    [
        (lambda: gate_widget(z=1.0), ["z"], "0.731"),
        (lambda: forget_widget(f=0.25, c_prev=0.8), ["f", "c_prev"], "0.200"),
        (lambda: forget_from_weights_widget(), ["w_h", "w_x", "b", "h_prev", "x", "c_prev"], "0.881"),
    ],
)
def test_widgets_build_and_show_start_values(make, names, expected, capsys):
    pytest.importorskip("ipywidgets")
    w = make()
    sliders = w.children[:-1]  # the last child is the output area
    assert len(sliders) == len(names)
    assert list(w.kwargs) == names
    w.update()  # runs the wrapped function once with the start values
    assert expected in capsys.readouterr().out
    assert plt.get_fignums(), "the widget drew no figure"
