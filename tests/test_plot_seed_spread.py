"""Tests of ``plot.plot_seed_spread``: chapter 13's scores, one dot per seed and a bar at the mean."""

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


def test_a_dot_per_seed_and_the_mean_per_row():
    scores = {"LSTM": [0.70, 0.72, 0.74], "GRU": [0.60, 0.66], "RNN": [0.5]}
    ax = plot.plot_seed_spread(scores, xlabel="accuracy", reference=0.72, reference_label="LSTM mean", title="t")
    dots = [line for line in ax.get_lines() if line.get_marker() == "o" and len(line.get_xdata())]
    assert [list(np.round(d.get_xdata(), 2)) for d in dots] == [[0.70, 0.72, 0.74], [0.60, 0.66], [0.5]]
    assert [float(d.get_ydata()[0]) for d in dots] == [0.0, -1.0, -2.0]  # first label on top
    means = [line for line in ax.get_lines() if line.get_marker() == "|" and len(line.get_xdata())]
    np.testing.assert_allclose([m.get_xdata()[0] for m in means], [0.72, 0.63, 0.5])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["LSTM", "GRU", "RNN"]
    assert ax.get_xlabel() == "accuracy" and ax.get_title() == "t"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["one seed", "mean over seeds", "LSTM mean"]


def test_draws_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot.plot_seed_spread({"a": [1.0, 2.0]}, ax=ax) is ax


@pytest.mark.parametrize(
    ("scores", "kwargs", "exc", "pattern"),
    [
        ([1.0], {}, TypeError, r"scores: expected a mapping"),
        ({}, {}, ValueError, r"scores: expected at least one"),
        ({"a": []}, {}, ValueError, r"scores\['a'\]: expected shape \(n_seeds,\) with n_seeds >= 1"),
        ({"a": [np.nan]}, {}, ValueError, r"scores\['a'\]: contains NaN"),
        ({"a": [1.0]}, {"reference": "0.5"}, TypeError, r"reference: expected a number"),
    ],
)
def test_bad_input(scores, kwargs, exc, pattern):
    with pytest.raises(exc, match="^" + pattern):
        plot.plot_seed_spread(scores, **kwargs)
