"""Tests of the plot helpers in ``lstm_tutorial.plot``.

Each helper must return the Axes it drew into (a new one when ``ax`` is None),
label its axes, draw exactly the numbers it was given (read back from the
artists) and reject bad input with a message that names the argument.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from lstm_tutorial import numpy as lt  # noqa: E402
from lstm_tutorial import plot  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def cache_of(T: int, B: int | None, H: int, D: int = 2, seed: int = 0) -> lt.LSTMCache:
    """A forward pass with every parameter random (biases included)."""
    rng = np.random.default_rng(seed)
    params = lt.LSTMParams(*(rng.normal(size=(H, H + D)) for _ in range(4)), *(rng.normal(size=H) for _ in range(4)))
    xs = rng.normal(size=(T, D) if B is None else (T, B, D))
    return lt.lstm_forward(xs, None, params)[2]


# --------------------------------------------------------------------------
# plot_influence and plot_sequences: one line per label, steps from 1
# --------------------------------------------------------------------------


@pytest.mark.parametrize("helper", [plot.plot_influence, plot.plot_sequences])
def test_line_helpers_draw_each_curve_against_steps_from_1(helper):
    curves = {"RNN": [0.5, 0.25, 0.125], "LSTM": np.array([0.9, 0.8, 0.7, 0.6])}
    ax = helper(curves, title="a title")
    assert isinstance(ax, Axes)
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["RNN", "LSTM"]
    for ln, values in zip(lines, curves.values()):
        np.testing.assert_array_equal(ln.get_xdata(), np.arange(1, len(values) + 1))
        np.testing.assert_array_equal(ln.get_ydata(), values)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["RNN", "LSTM"]
    assert ax.get_xlabel() == "time step $t$"
    assert ax.get_ylabel()
    assert ax.get_title() == "a title"


@pytest.mark.parametrize("helper", [plot.plot_influence, plot.plot_sequences])
def test_line_helpers_draw_into_the_given_axes(helper):
    fig, (a, b) = plt.subplots(1, 2)
    assert helper({"x": [1.0, 2.0]}, ax=b) is b
    assert not a.get_lines() and len(b.get_lines()) == 1
    assert len(plt.get_fignums()) == 1  # no new figure


def test_influence_is_log_scaled_unless_asked_not_to():
    assert plot.plot_influence({"a": [1.0, 0.1]}).get_yscale() == "log"
    ax = plot.plot_influence({"a": [1.0, 0.1]}, log=False, ylabel="my label")
    assert ax.get_yscale() == "linear" and ax.get_ylabel() == "my label"
    assert plot.plot_sequences({"a": [1.0, -1.0]}, ylabel="$C_t$").get_ylabel() == "$C_t$"


@pytest.mark.parametrize("helper", [plot.plot_influence, plot.plot_sequences])
def test_line_helpers_reject_bad_input(helper):
    with pytest.raises(ValueError, match="curves"):
        helper({})
    with pytest.raises(ValueError, match=r"curves\['two'\].*\(T,\).*\(2, 2\)"):
        helper({"one": [1.0, 2.0], "two": [[1.0, 2.0], [3.0, 4.0]]})


# --------------------------------------------------------------------------
# plot_activation
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "func"), [("sigmoid", lt.sigmoid), ("tanh", lt.tanh)])
def test_activation_draws_the_function_and_marks_z(name, func):
    ax = plot.plot_activation(name, z=1.5, zlim=(-3.0, 3.0))
    assert isinstance(ax, Axes)
    curve = ax.get_lines()[0]
    zs = curve.get_xdata()
    assert zs[0] == -3.0 and zs[-1] == 3.0
    np.testing.assert_allclose(curve.get_ydata(), func(zs))
    point = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 1]
    assert len(point) == 1
    np.testing.assert_allclose(point[0].get_ydata(), [func(np.array(1.5))])
    assert f"{float(func(np.array(1.5))):.3f}" in " ".join(t.get_text() for t in ax.texts)
    assert ax.get_xlabel() and name in ax.get_ylabel()


def test_activation_without_z_marks_nothing():
    ax = plot.plot_activation("tanh")
    assert not ax.texts
    assert all(len(ln.get_xdata()) > 1 for ln in ax.get_lines())


def test_activation_rejects_unknown_name():
    with pytest.raises(ValueError, match="name.*relu"):
        plot.plot_activation("relu")


# --------------------------------------------------------------------------
# plot_gate_heatmap
# --------------------------------------------------------------------------


def test_heatmap_shows_every_gate_of_every_unit_at_every_step():
    cache = cache_of(T=7, B=3, H=2)
    ax = plot.plot_gate_heatmap(cache, sample=1)
    assert isinstance(ax, Axes)
    data = ax.images[0].get_array()
    assert data.shape == (3 * 2, 7)  # (parts * units, T)
    expected = np.concatenate([cache.f[:, 1, :].T, cache.i[:, 1, :].T, cache.o[:, 1, :].T])  # (6, 7)
    np.testing.assert_allclose(data, expected)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"${g}_t$ unit {k}" for g in "fio" for k in (1, 2)]
    assert ax.get_xlabel() == "time step $t$"
    np.testing.assert_array_equal(ax.get_xticks(), np.arange(1, 8))


def test_heatmap_gates_scale_from_closed_to_open_with_a_colourbar():
    ax = plot.plot_gate_heatmap(cache_of(T=4, B=None, H=3))
    im = ax.images[0]
    assert im.get_clim() == (0.0, 1.0)
    assert im.colorbar is not None and "gate" in im.colorbar.ax.get_ylabel()


def test_heatmap_memories_get_a_symmetric_scale_that_covers_them():
    cache = cache_of(T=6, B=None, H=1, seed=3)
    parts = ("f", "i", "o", "c_tilde", "c", "h")
    ax = plot.plot_gate_heatmap(cache, parts=parts)
    data = ax.images[0].get_array()
    np.testing.assert_allclose(data, np.stack([getattr(cache, p)[:, 0] for p in parts]))
    lo, hi = ax.images[0].get_clim()
    assert lo == -hi and hi >= max(1.0, float(np.max(np.abs(data))))
    assert [t.get_text() for t in ax.get_yticklabels()] == [plot.GATE_PARTS[p] for p in parts]


def test_heatmap_annotations_write_every_value():
    cache = cache_of(T=5, B=None, H=1, seed=4)
    ax = plot.plot_gate_heatmap(cache, parts="c", annotate=True, title="memory")
    texts = [t.get_text() for t in ax.texts]
    assert texts == [f"{v:.2f}".replace("-", "\u2212") for v in cache.c[:, 0]]
    assert ax.get_title() == "memory"
    assert not plot.plot_gate_heatmap(cache).texts


def test_heatmap_draws_into_the_given_axes():
    fig, ax = plt.subplots()
    assert plot.plot_gate_heatmap(cache_of(T=3, B=2, H=1), ax=ax) is ax
    assert len(fig.axes) == 2  # the heatmap and its colourbar


def test_heatmap_rejects_bad_input():
    cache = cache_of(T=3, B=2, H=1)
    with pytest.raises(TypeError, match="cache.*LSTMCache"):
        plot.plot_gate_heatmap(np.zeros((3, 2, 1)))
    with pytest.raises(ValueError, match=r"sample: expected an int in \[0, 1\], got 2"):
        plot.plot_gate_heatmap(cache, sample=2)
    with pytest.raises(ValueError, match="sample"):
        plot.plot_gate_heatmap(cache, sample=-1)
    with pytest.raises(TypeError, match="sample"):
        plot.plot_gate_heatmap(cache, sample=1.0)
    with pytest.raises(ValueError, match="unbatched"):
        plot.plot_gate_heatmap(cache_of(T=3, B=None, H=1), sample=1)
    with pytest.raises(ValueError, match="parts.*'g'"):
        plot.plot_gate_heatmap(cache, parts=("f", "g"))
    with pytest.raises(ValueError, match="once"):
        plot.plot_gate_heatmap(cache, parts=("f", "f"))
    with pytest.raises(ValueError, match="parts"):
        plot.plot_gate_heatmap(cache, parts=())


def test_heatmap_can_show_the_inputs_above_the_gates():
    cache = cache_of(T=5, B=2, H=2, D=3, seed=5)
    ax = plot.plot_gate_heatmap(cache, sample=1, parts=("x", "f"))
    data = ax.images[0].get_array()
    np.testing.assert_allclose(data, np.concatenate([cache.xs[:, 1, :].T, cache.f[:, 1, :].T]))  # (3 + 2, 5)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["$x_t$ feature 1", "$x_t$ feature 2", "$x_t$ feature 3", "$f_t$ unit 1", "$f_t$ unit 2"]
    lo, hi = ax.images[0].get_clim()
    assert lo == -hi and hi >= float(np.max(np.abs(cache.xs[:, 1, :])))
    # one white line between the two parts, below the last input row
    assert [ln.get_ydata()[0] for ln in ax.get_lines()] == [2.5]
