"""One validation policy for the sliders' pure functions, the diagrams, the explorers and the plots.

TypeError for the wrong kind of argument (a string, a bool, a float where an
int belongs), ValueError for a wrong value (NaN, infinity, out of range). The
message starts with the name of the argument the caller passed, never with a
name the caller did not write (``params.W_h`` for a slider's ``w_h``). Huge but
finite inputs saturate without a RuntimeWarning.
"""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lstm_tutorial import diagram, explorer, plot  # noqa: E402
from lstm_tutorial import numpy as lt  # noqa: E402
from lstm_tutorial.demos import (  # noqa: E402
    cell_values,
    forget_from_weights_demo,
    gate_demo,
    memory_comparison_demo,
    memory_lstm_params,
    output_demo,
    rnn_memory_demo,
)

NAN, INF = float("nan"), float("inf")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: rnn_memory_demo(NAN, 5), ValueError, "w_h"),
        (lambda: rnn_memory_demo(0.9, 5, w_x=INF), ValueError, "w_x"),
        (lambda: rnn_memory_demo(0.9, 5, b_h=NAN), ValueError, "b_h"),
        (lambda: rnn_memory_demo(0.9, 2.0), TypeError, "T"),
        (lambda: rnn_memory_demo(0.9, True), TypeError, "T"),
        (lambda: rnn_memory_demo(0.9, 0), ValueError, "T"),
        (lambda: rnn_memory_demo(0.9, 5, seed="a"), TypeError, "seed"),
        (lambda: rnn_memory_demo(0.9, 5, seed=-1), ValueError, "seed"),
        (lambda: rnn_memory_demo("0.9", 5), TypeError, "w_h"),
        (lambda: memory_comparison_demo(5.0, 5, w_h=NAN), ValueError, "w_h"),
        (lambda: memory_comparison_demo(5.0, 2.5), TypeError, "T"),
        (lambda: memory_comparison_demo(5.0, 5, seed=1.0), TypeError, "seed"),
        (lambda: memory_lstm_params(input_bias=np.array([1.0, 2.0])), ValueError, "input_bias"),
        (lambda: gate_demo(0.0, signal=NAN), ValueError, "signal"),
        (lambda: gate_demo(np.array([1, 2])), TypeError, "z"),  # an integer array
        (lambda: output_demo(np.ma.masked_array([0.5], mask=[True]), 0.5, 0.5, 0.5, 0.5), TypeError, "o"),
        (lambda: diagram.draw_lstm_cell(highlight=3), TypeError, "highlight"),
        (lambda: diagram.draw_lstm_cell(values={"f": "0.5"}), TypeError, r"values\['f'\]"),
        (lambda: explorer.cell_explorer(3), TypeError, "part"),
        (lambda: explorer.cell_explorer("forget", uid=5), TypeError, "uid"),
        (lambda: explorer.cell_explorer("forget", sliders="f"), TypeError, "sliders"),
        (lambda: explorer.gate_explorer(z=NAN), ValueError, "z"),
        (lambda: plot.plot_activation(3), TypeError, "name"),
        (lambda: plot.plot_activation("sigmoid", z=NAN), ValueError, "z"),
        (lambda: plot.plot_activation("sigmoid", z="1"), TypeError, "z"),
        (lambda: plot.plot_loss({"loss": [1.0, 2.0]}, smooth=2.0), TypeError, "smooth"),
        (lambda: plot.plot_loss({"loss": [1.0, NAN]}), ValueError, r"history\['loss'\]"),
        (lambda: plot.plot_influence({"RNN": ["a", "b"]}), TypeError, r"curves\['RNN'\]"),
        (lambda: plot.plot_sequences({"A": [0.1, INF]}), ValueError, r"curves\['A'\]"),
        (lambda: plot.plot_learning_curves({"A": [0.5]}, references={"paper": NAN}), ValueError,
         r"references\['paper'\]"),
        (lambda: plot.plot_gate_heatmap(lt.lstm_forward(np.ones((2, 1)), None, lt.init_lstm_params(1, 1))[2],
                                        parts=[3]), TypeError, "parts"),
    ],
)
def test_wrong_kind_is_a_type_error_wrong_value_a_value_error_naming_the_argument(call, error, name) -> None:
    with pytest.raises(error, match=rf"^{name}(?!\w)") as err:
        call()
    assert type(err.value) is error
    assert "params." not in str(err.value)


def test_the_unrolled_diagram_takes_an_int_number_of_steps() -> None:
    draw = diagram.draw_unrolled
    with pytest.raises(TypeError, match=r"^T\b"):
        draw(2.0)
    with pytest.raises(ValueError, match=r"^T\b"):
        draw(9)
    with pytest.raises(TypeError, match=r"^kind\b"):
        draw(2, kind=None)


@pytest.mark.parametrize(
    "call",
    [
        lambda: rnn_memory_demo(1e300, 5, b_h=-1e300),
        lambda: memory_comparison_demo(1e300, 5, w_h=-1e300),
        lambda: gate_demo(1e300, 1e300),
        lambda: gate_demo(-1e300, -1e300),
        lambda: forget_from_weights_demo(1e300, 1e300, 1e300, 1.0, 1.0, 1e300),
        lambda: forget_from_weights_demo(1e300, -1e300, -1e300, 1.0, 0.5, -1e300),
        lambda: forget_from_weights_demo(1e300, 1e300, 1e300, 1e300, 1e300, 1e300),  # z overflows to inf
        lambda: cell_values(1e300, 1e300, -1e300, lt.init_lstm_params(1, 1), W_y=np.array([[1e300]]), b_y=np.array([1e300])),
        lambda: output_demo(1.0, 1.0, 1.0, 1.0, 1.7e308),
    ],
)
def test_huge_finite_inputs_saturate_without_warnings(call) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = call()
    assert out  # a full result came back


@pytest.mark.parametrize("h_prev", [1.0, 1e300])
def test_forget_gate_from_huge_weights_saturates_to_one(h_prev) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = forget_from_weights_demo(1e300, 1e300, 0.0, h_prev, 1.0, 0.5)
    assert d["f"] == 1.0
    assert d["kept"] == 0.5
