"""Tests of the long-range memory task generator ``first_step_task`` (chapters 8 and 9)."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_tutorial.data import first_step_task


@pytest.mark.parametrize("n, T", [(1, 1), (3, 1), (1, 5), (7, 12)])
def test_shapes_and_dtypes(n, T):
    xs, labels = first_step_task(n, T, seed=3)
    assert xs.shape == (T, n, 2)  # time-major (T, n, D)
    assert labels.shape == (n,)
    assert xs.dtype == np.float64 and labels.dtype == np.float64


def test_first_step_encodes_the_label_and_later_steps_do_not():
    xs, labels = first_step_task(50, 6, seed=1)
    assert set(np.unique(labels)) == {0.0, 1.0}
    np.testing.assert_array_equal(xs[0, :, 0], 2 * labels - 1)  # -1 or +1
    np.testing.assert_array_equal(xs[0, :, 1], 1.0)  # the marker flags step 1
    np.testing.assert_array_equal(xs[1:, :, 1], 0.0)  # no marker afterwards
    assert np.all(xs[1:, :, 0] != 0.0)  # distractor values are drawn


def test_deterministic_under_a_seed_and_different_across_seeds():
    a = first_step_task(20, 8, seed=5)
    b = first_step_task(20, 8, seed=5)
    c = first_step_task(20, 8, seed=6)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_distractors_are_zero_mean_noise_of_the_given_scale_and_carry_no_label():
    xs, labels = first_step_task(4000, 5, seed=0, noise=0.5)
    values = xs[1:, :, 0]  # (T-1, n)
    assert abs(values.mean()) < 0.02
    assert abs(values.std() - 0.5) < 0.02
    # the last input says nothing about the label: the memory is needed
    assert abs(np.corrcoef(xs[-1, :, 0], labels)[0, 1]) < 0.05
    assert 0.45 < labels.mean() < 0.55  # balanced classes: chance is 50%


def test_silent_distractors():
    xs, _ = first_step_task(5, 4, seed=0, noise=0.0)
    np.testing.assert_array_equal(xs[1:], 0.0)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        ({"n": 0, "T": 3}, ValueError, r"n: expected an int >= 1, got 0"),
        ({"n": 2, "T": 0}, ValueError, r"T: expected an int >= 1, got 0"),
        ({"n": 2.0, "T": 3}, TypeError, r"n: expected an int, got float"),
        ({"n": 2, "T": True}, TypeError, r"T: expected an int, got bool"),
        ({"n": 2, "T": 3, "noise": -1.0}, ValueError, r"noise: expected a number >= 0"),
        ({"n": 2, "T": 3, "noise": float("nan")}, ValueError, r"noise: expected a finite number, got nan"),
        ({"n": 2, "T": 3, "noise": "1"}, TypeError, r"noise: expected a number, got str"),
    ],
)
def test_bad_arguments(kwargs, err, match):
    with pytest.raises(err, match=match):
        first_step_task(**kwargs)


@pytest.mark.parametrize("noise", [float("inf"), -float("inf")])
def test_infinite_noise_is_rejected_not_turned_into_infinite_data(noise):
    with pytest.raises(ValueError, match=r"^noise: expected a finite number"):
        first_step_task(2, 3, noise=noise)


@pytest.mark.parametrize(
    "seed, err, match",
    [
        (-1, ValueError, r"^seed: expected an int >= 0, got -1"),
        ("a", TypeError, r"^seed: expected an int, got str"),
        (1.5, TypeError, r"^seed: expected an int, got float"),
        (True, TypeError, r"^seed: expected an int, got bool"),
    ],
)
def test_bad_seed_is_named(seed, err, match):
    with pytest.raises(err, match=match):
        first_step_task(2, 3, seed=seed)


def test_numpy_integer_seed_is_an_int():
    np.testing.assert_array_equal(first_step_task(3, 2, seed=np.int64(4))[0], first_step_task(3, 2, seed=4)[0])
