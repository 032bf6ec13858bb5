"""Gradient checking by finite differences: how the book knows a backward pass is right.

``from lstm_tutorial.gradcheck import numerical_gradient, relative_error``
(``lstm_tutorial.numpy`` re-exports both, so ``lt.numerical_gradient`` works too).

What is here:

* ``numerical_gradient``: the central-difference gradient of any scalar
  function with respect to one float64 array, one entry at a time;
* ``relative_error``: one scale-free number to compare two gradients.

What is left out:

Automatic choice of the step ``eps``, complex-step and higher-order
differences, and sampling a few entries of a large array: the book's arrays
are small enough to check every entry. This module needs only NumPy and knows
nothing about LSTMs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lstm_tutorial import _validate as V

__all__ = ["numerical_gradient", "relative_error"]


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function with respect to ``x``.

    Taught in chapter 8; the tests check every backward pass with it.

    ``dL/dx[k] ~ (f(x + eps e_k) - f(x - eps e_k)) / (2 eps)`` for every entry k.
    Two errors pull against each other: the truncation error of the formula
    shrinks as ``eps**2``, the rounding error of ``f`` (about 1e-16 of its
    size) grows as ``1e-16 / eps``. Measured with eps = 1e-6 in float64 on the
    144 gradients of ``lstm_backward`` and ``rnn_backward`` for the nine random
    problems of ``tests/numpy_cases.py`` (loss ``sum(dhs * hs)``): relative
    errors (``relative_error``) from 3e-12 to 1e-8, median 1e-10. Other losses
    give other figures (chapter 8 prints the ones of its own check). The tests
    call anything below 1e-6 a pass; a mix-up is far above that (two different
    gates' gradients differ by more than 1e-2, a test checks it).

    Parameters
    ----------
    f : callable with no arguments, returning a float
        The loss. It must read ``x`` itself (a closure), because ``x`` is
        perturbed in place, one entry at a time, and restored afterwards.
    x : ndarray, float64
        The array to differentiate with respect to (a parameter, an input, a state).
    eps : float, default 1e-6

    Returns
    -------
    ndarray, shape of ``x``
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            "x: expected a float64 ndarray (finite differences need double precision), "
            f"got {type(x).__name__}" + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else "")
        )
    eps = V.check_float("eps", eps, 0.0, open_min=True)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x: must be contiguous, so it can be perturbed in place")
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + eps
        up = float(f())
        flat[k] = old - eps
        down = float(f())
        flat[k] = old
        gflat[k] = (up - down) / (2.0 * eps)
    return grad


def relative_error(a: Any, b: Any) -> float:
    """``max |a - b| / max(|a| + |b|)``: 0 for equal arrays, about 1 for unrelated ones.

    Taught in chapter 8; the tests' gradient checks use it too.

    Scale-free, so one threshold (1e-6 in float64) fits every gradient
    in the book; returns 0.0 when both are all zeros.

    Parameters
    ----------
    a, b : array_like, the same shape
        Two gradients, e.g. ``lstm_backward``'s and ``numerical_gradient``'s.

    Returns
    -------
    float, in [0, 1]
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise V.shape_error("b", V.fmt(a.shape) + " like a", b.shape)
    scale = float(np.max(np.abs(a) + np.abs(b), initial=0.0))
    return 0.0 if scale == 0.0 else float(np.max(np.abs(a - b), initial=0.0)) / scale
