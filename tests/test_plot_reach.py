"""Tests of ``plot.plot_reach``: chapter 9's brackets of how far each model's memory reached."""

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


def _points(ax, marker):
    """(x, y) of every single-point line drawn with ``marker``."""
    return [(float(line.get_xdata()[0]), float(line.get_ydata()[0]))
            for line in ax.get_lines() if line.get_marker() == marker and len(line.get_xdata()) == 1]


def test_one_bracket_per_run_rows_in_order():
    ax = plot.plot_reach({"RNN": [(10, 15), (12, 15), (10, 12)], "LSTM": [(80, 100), (120, None)]},
                         title="reach")
    learned, failed, never = _points(ax, "o"), _points(ax, "x"), _points(ax, ">")
    assert sorted(x for x, _ in learned) == [10, 10, 12, 80]
    assert sorted(x for x, _ in failed) == [12, 15, 15, 100]
    assert [x for x, _ in never] == [120]  # learned every length tried: no cross
    rnn_rows = {y for x, y in learned + failed if x <= 15}
    lstm_rows = {y for x, y in learned + failed + never if x >= 80}
    assert min(rnn_rows) > max(lstm_rows)  # first label on top
    assert all(abs(y) < 0.5 for y in rnn_rows) and all(abs(y + 1) < 0.5 for y in lstm_rows)
    assert len(rnn_rows) == 3  # the three runs of a row lie slightly apart
    joins = [line for line in ax.get_lines() if len(line.get_xdata()) == 2]
    assert sorted(tuple(line.get_xdata()) for line in joins) == [(10, 12), (10, 15), (12, 15), (80, 100)]
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["5", "10", "20", "50", "100", "200"]  # plain numbers
    first, third = (line for line in joins if tuple(line.get_xdata()) in ((10, 15), (10, 12)))
    assert first.get_ydata()[0] > third.get_ydata()[0]  # the first run of a row on top
    assert [t.get_text() for t in ax.get_yticklabels()] == ["RNN", "LSTM"]
    np.testing.assert_array_equal(ax.get_yticks(), [0, -1])
    assert ax.get_title() == "reach"
    assert "sequence length" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "longest $T$ learned", "shortest $T$ failed", "learned every $T$ tried"]


def test_a_run_that_learned_nothing_shows_only_its_failure():
    ax = plot.plot_reach({"RNN": [(0, 5)]})
    assert _points(ax, "o") == [] and [x for x, _ in _points(ax, "x")] == [5]
    assert len(ax.get_legend().get_texts()) == 2  # no run learned every length: no triangle in the legend


def test_given_axes_is_used():
    fig, ax = plt.subplots()
    assert plot.plot_reach({"a": [(5, 10)]}, ax=ax) is ax


@pytest.mark.parametrize("bad, match", [
    ({}, "brackets: expected at least one"),
    ({"a": []}, r"brackets\['a'\]: expected at least one"),
    ({"a": [(10, 5)]}, r"brackets\['a'\]\[0\]: failed: expected an int >= 11"),
    ({"a": [(10, 20), (-1, 5)]}, r"brackets\[.a.\]\[1\]: learned: expected an int >= 0"),
    ({"a": [(0, None)]}, r"brackets\['a'\]\[0\]"),
    ({"a": [(1, 2, 3)]}, r"brackets\['a'\]\[0\]: expected a \(learned, failed\) pair"),
])
def test_bad_brackets_name_the_entry(bad, match):
    with pytest.raises(ValueError, match=match):
        plot.plot_reach(bad)


@pytest.mark.parametrize("bad, match", [
    ([(5, 10)], "brackets: expected a mapping"),
    ({"a": [(5.5, 10)]}, r"brackets\['a'\]\[0\]: learned: expected an int"),
])
def test_wrong_kinds_raise_type_error(bad, match):
    with pytest.raises(TypeError, match=match):
        plot.plot_reach(bad)
