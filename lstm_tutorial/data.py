"""Data sets and task generators of the book, shipped with the package.

Nothing here downloads anything: generators are seeded functions, and the
real data sets are small files inside ``lstm_tutorial/datasets/`` whose source
and licence are stated in the docstring of their loader.
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = ["first_step_task"]


# --------------------------------------------------------------------------
# The long-range memory task (chapters 8 and 9)
# --------------------------------------------------------------------------


def _check_task_args(n: object, T: object, noise: object) -> None:
    for name, v, low in (("n", n, 1), ("T", T, 1)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name}: expected an int, got {type(v).__name__}")
        if v < low:
            raise ValueError(f"{name}: expected an int >= {low}, got {v}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.floating)) or not noise >= 0:
        raise ValueError(f"noise: expected a number >= 0, got {noise!r}")


def first_step_task(n: int, T: int, seed: int = 0, *, noise: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The long-range memory task: remember the first step's bit until the last step.

    Each of the ``n`` sequences has ``T`` steps and two input features,
    ``x_t = (value, marker)``. At step 1 the value is the label written as
    -1 (label 0) or +1 (label 1), and the marker is 1. Every later step is a
    distractor: a value drawn from ``N(0, noise^2)`` and a marker of 0. The
    model must output the label at step ``T``, so it has to carry one bit
    across ``T - 1`` steps of noise. Chance level is 50%.

    Parameters
    ----------
    n : int
        Number of sequences (the batch axis).
    T : int
        Sequence length; the bit must cross ``T - 1`` distractors.
    seed : int, default 0
        Seed of ``np.random.default_rng``: the same seed gives the same data.
    noise : float, default 1.0
        Standard deviation of the distractor values (0 gives silent distractors).

    Returns
    -------
    xs : ndarray, shape (T, n, 2), float64
        Time-major inputs; ``xs[:, :, 0]`` is the value, ``xs[:, :, 1]`` the marker.
    labels : ndarray, shape (n,), float64
        The bits to predict at the last step, 0.0 or 1.0.

    Taught in chapter 9 (used for the small training run of chapter 8).
    """
    _check_task_args(n, T, noise)
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=n).astype(np.float64)  # (n,) the bit to remember
    xs = np.zeros((T, n, 2))  # (T, n, 2): value, marker
    xs[0, :, 0] = 2.0 * labels - 1.0  # step 1: the bit as -1 or +1 ...
    xs[0, :, 1] = 1.0  # ... flagged by the marker
    xs[1:, :, 0] = noise * rng.standard_normal((T - 1, n))  # distractors, marker 0
    return xs, labels
