"""Tests of the training plot helpers: ``plot_loss``, ``plot_accuracy_vs_length``, ``plot_gradient_by_distance``."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lstm_tutorial import plot


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_plot_loss_raw_and_moving_average():
    loss = np.linspace(1.0, 0.1, 50)
    ax = plot.plot_loss({"loss": loss}, smooth=10, label="LSTM")
    raw, avg = ax.get_lines()
    np.testing.assert_allclose(raw.get_ydata(), loss)
    np.testing.assert_array_equal(raw.get_xdata(), np.arange(1, 51))  # updates count from 1
    np.testing.assert_allclose(avg.get_ydata(), np.convolve(loss, np.ones(10) / 10, mode="valid"))
    np.testing.assert_array_equal(avg.get_xdata(), np.arange(10, 51))  # the average ends at its last step
    assert avg.get_color() == raw.get_color()
    assert ax.get_xlabel() == "update"
    assert ax.get_ylabel() == "loss (mean of 10 updates)"
    assert plot.plot_loss({"loss": loss[:5]}, smooth=10).get_ylabel() == "loss"  # too short to average: raw only
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["LSTM"]


def test_plot_loss_other_key_log_and_given_axes():
    fig, ax = plt.subplots()
    out = plot.plot_loss({"loss": [1.0], "grad_norm": [1.0, 10.0, 0.5]}, ax=ax, key="grad_norm", smooth=1, log=True)
    assert out is ax
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == "grad norm"
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [1.0, 10.0, 0.5])


def test_plot_loss_bad_input():
    with pytest.raises(ValueError, match=r"history: has no series 'loss'"):
        plot.plot_loss({"acc": [1.0]})
    with pytest.raises(ValueError, match=r"history\['loss'\]: expected shape \(steps,\)"):
        plot.plot_loss({"loss": []})
    with pytest.raises(ValueError, match=r"smooth: expected an int >= 1, got 0"):
        plot.plot_loss({"loss": [1.0]}, smooth=0)


def test_plot_accuracy_vs_length_lines_chance_and_ticks():
    results = {"RNN": {20: 0.5, 5: 1.0, 10: 0.9}, "LSTM": {5: 1.0, 10: 1.0, 20: 0.99, 100: 0.97}}
    ax = plot.plot_accuracy_vs_length(results, title="memory")
    rnn, lstm, chance = ax.get_lines()
    np.testing.assert_array_equal(rnn.get_xdata(), [5, 10, 20])  # sorted by length
    np.testing.assert_allclose(rnn.get_ydata(), [1.0, 0.9, 0.5])
    np.testing.assert_allclose(lstm.get_ydata(), [1.0, 1.0, 0.99, 0.97])
    np.testing.assert_allclose(chance.get_ydata(), [0.5, 0.5])
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["5", "10", "20", "100"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["RNN", "LSTM", "chance"]
    assert ax.get_title() == "memory"


def test_plot_accuracy_vs_length_without_chance_and_bad_input():
    ax = plot.plot_accuracy_vs_length({"m": {3: 0.7}}, chance=None)
    assert len(ax.get_lines()) == 1
    with pytest.raises(ValueError, match=r"results: expected at least one"):
        plot.plot_accuracy_vs_length({})
    with pytest.raises(ValueError, match=r"results\['m'\]\[5\]: expected a number in \[0.0, 1.0\], got 97.0"):
        plot.plot_accuracy_vs_length({"m": {5: 97.0}})  # a percentage, not a fraction
    with pytest.raises(ValueError, match=r"results\['m'\]: length: expected an int >= 1, got 0"):
        plot.plot_accuracy_vs_length({"m": {0: 0.5}})
    with pytest.raises(ValueError, match=r"results\['m'\]: expected at least one T"):
        plot.plot_accuracy_vs_length({"m": {}})


def test_plot_gradient_by_distance():
    g = 0.9 ** np.arange(30)
    ax = plot.plot_gradient_by_distance({"RNN": g, "LSTM": np.ones(30)})
    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), np.arange(30))  # distance starts at 0
    np.testing.assert_allclose(line.get_ydata(), g)
    assert ax.get_yscale() == "log"
    assert "distance" in ax.get_xlabel()
    with pytest.raises(ValueError, match=r"curves\['x'\]: expected shape \(T,\), got \(2, 2\)"):
        plot.plot_gradient_by_distance({"x": np.ones((2, 2))})
    with pytest.raises(ValueError, match=r"curves: expected at least one"):
        plot.plot_gradient_by_distance({})


def test_helpers_do_not_change_global_state():
    before = dict(matplotlib.rcParams)
    plot.plot_loss({"loss": [1.0, 0.5]})
    plot.plot_accuracy_vs_length({"m": {5: 1.0}})
    plot.plot_gradient_by_distance({"m": [1.0, 0.5]})
    assert dict(matplotlib.rcParams) == before
