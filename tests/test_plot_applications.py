"""Tests of the chapter 11 plot helpers: ``plot_forecast`` and ``plot_learning_curves``.

Each returns the Axes it drew into, labels it, draws exactly the numbers it
was given (read back from the line artists) and rejects bad input naming the
argument.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.dates import date2num  # noqa: E402

from lstm_tutorial import plot  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lines(ax: Axes) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {ln.get_label(): (np.asarray(ln.get_xdata()), np.asarray(ln.get_ydata(), dtype=float)) for ln in ax.lines}


def test_plot_forecast_draws_truth_and_each_forecast_on_the_tail() -> None:
    t = np.arange(10.0)
    truth = np.sin(t)
    fc = {"naive": np.full(3, truth[6]), "model": truth[-3:] + 0.1}
    ax = plot.plot_forecast(t, truth, fc, ylabel="ppmv", title="T")
    assert isinstance(ax, Axes)
    lines = _lines(ax)
    np.testing.assert_array_equal(lines["truth"][0], t)
    np.testing.assert_array_equal(lines["truth"][1], truth)
    for label, values in fc.items():
        np.testing.assert_array_equal(lines[label][0], t[-3:])
        np.testing.assert_array_equal(lines[label][1], values)
    assert ax.get_ylabel() == "ppmv" and ax.get_xlabel() == "time" and ax.get_title() == "T"
    labels = ax.get_legend_handles_labels()[1]
    assert labels[:2] == ["held out", "truth"] and set(fc) <= set(labels)


def test_plot_forecast_with_dates_and_given_axes() -> None:
    t = np.arange("2000-01", "2002-01", dtype="datetime64[M]").astype("datetime64[D]")
    truth = np.linspace(370.0, 373.0, t.size)
    _, ax = plt.subplots()
    out = plot.plot_forecast(t, truth, {"f": truth[-12:]}, ax=ax)
    assert out is ax
    x, y = _lines(ax)["f"]
    np.testing.assert_allclose(date2num(x) if x.dtype.kind == "M" else x, date2num(t[-12:]))
    np.testing.assert_array_equal(y, truth[-12:])


@pytest.mark.parametrize(
    ("t", "truth", "forecasts", "match"),
    [
        (np.arange(5.0), np.arange(4.0), {"a": [1.0]}, "^truth: expected shape"),
        (np.arange(5.0), np.arange(5.0), {}, "^forecasts: expected at least one"),
        (np.arange(5.0), np.arange(5.0), {"a": [1.0, 2.0], "b": [1.0]}, r"^forecasts\['b'\]"),
        (np.arange(5.0), np.arange(5.0), {"a": np.zeros(6)}, r"^forecasts\['a'\]"),
        (np.arange(5.0), np.arange(5.0), {"a": np.zeros((2, 1))}, r"^forecasts\['a'\]"),
    ],
)
def test_plot_forecast_bad_input(t, truth, forecasts, match) -> None:
    with pytest.raises(ValueError, match=match):
        plot.plot_forecast(t, truth, forecasts)


def test_plot_learning_curves_lines_and_references() -> None:
    curves = {"RNN": [0.4, 0.45, 0.5], "LSTM": [0.3, 0.6]}
    ax = plot.plot_learning_curves(curves, references={"published": 0.758}, title="acc")
    lines = _lines(ax)
    for label, values in curves.items():
        np.testing.assert_array_equal(lines[label][0], np.arange(1, len(values) + 1))  # epochs from 1
        np.testing.assert_array_equal(lines[label][1], values)
    np.testing.assert_array_equal(np.unique(lines["published"][1]), [0.758])
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "validation accuracy" and ax.get_title() == "acc"


def test_plot_learning_curves_bad_input() -> None:
    with pytest.raises(ValueError, match="^curves: expected at least one"):
        plot.plot_learning_curves({})
    with pytest.raises(ValueError, match=r"^curves\['x'\]"):
        plot.plot_learning_curves({"x": [[0.1, 0.2]]})
    with pytest.raises(ValueError, match=r"^curves\['x'\]"):
        plot.plot_learning_curves({"x": []})
