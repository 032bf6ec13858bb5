"""What ``*_forward`` returns belongs to the caller; what ``*_backward`` needs belongs to the cache.

CONTRACT.md: "editing ``hs``, ``h_n``, ``c_n``, or the ``xs``, state and params
passed in, before the backward pass never changes the gradients it returns
(the cache owns its data, or refuses the edit). Calling the backward pass
twice on one cache gives the same result."

Each test runs a forward pass, edits one array in place, runs the backward
pass and compares every gradient with the one computed without the edit, bit
for bit. Before the cache owned its data, ``hs -= 1`` after ``lstm_forward``
moved ``dW_f`` by 0.12, and ``h_n += 1`` after ``rnn_forward`` moved the RNN's
gradients by several units.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from numpy_cases import lstm_params, rnn_params, seq, state

from lstm_tutorial import numpy as lt

BATCHES = [2, None]  # batched (T, B, D) and unbatched (T, D)


def _lstm_problem(B: int | None, seed: int = 0):
    rng = np.random.default_rng(seed)
    T, D, H = 4, 3, 2
    p = lstm_params(rng, D, H)
    xs, h0, c0 = seq(rng, T, B, D), state(rng, B, H), state(rng, B, H)
    dhs = rng.standard_normal((T, H) if B is None else (T, B, H))
    dstate = (state(rng, B, H), state(rng, B, H))
    return p, xs, h0, c0, dhs, dstate


def _rnn_problem(B: int | None, seed: int = 0):
    rng = np.random.default_rng(seed)
    T, D, H = 4, 3, 2
    p = rnn_params(rng, D, H)
    xs, h0 = seq(rng, T, B, D), state(rng, B, H)
    dhs = rng.standard_normal((T, H) if B is None else (T, B, H))
    return p, xs, h0, dhs, state(rng, B, H)


def _flat(result) -> list[np.ndarray]:
    """Every array of a backward result, copied: ``(grads, dxs, dstate)``."""
    grads, dxs, rest = result
    rest = list(rest) if isinstance(rest, tuple) else [rest]
    return [np.array(a, copy=True) for a in (*grads, dxs, *rest)]


def _assert_same(a: list[np.ndarray], b: list[np.ndarray]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


# --------------------------------------------------------------------------
# LSTM
# --------------------------------------------------------------------------

def _param_edit(field: str) -> Callable[..., None]:
    """An edit that adds 1 in place to ``params.<field>`` (the params are the last argument)."""

    def edit(*arrays) -> None:
        getattr(arrays[-1], field).__iadd__(1.0)

    return edit


# name -> edit(hs, h_n, c_n, xs, h0, c0, params): one in-place change each
LSTM_EDITS: dict[str, Callable[..., None]] = {
    "hs -= 1": lambda hs, h_n, c_n, xs, h0, c0, p: hs.__isub__(1.0),
    "hs[...] = 0": lambda hs, h_n, c_n, xs, h0, c0, p: hs.fill(0.0),
    "h_n += 1": lambda hs, h_n, c_n, xs, h0, c0, p: h_n.__iadd__(1.0),
    "c_n += 1": lambda hs, h_n, c_n, xs, h0, c0, p: c_n.__iadd__(1.0),
    "xs *= 2": lambda hs, h_n, c_n, xs, h0, c0, p: xs.__imul__(2.0),
    "h0[...] = 0": lambda hs, h_n, c_n, xs, h0, c0, p: h0.fill(0.0),
    "c0[...] = 0": lambda hs, h_n, c_n, xs, h0, c0, p: c0.fill(0.0),
    **{f"params.{name} += 1": _param_edit(name) for name in lt.LSTMParams._fields},
}


@pytest.mark.parametrize("B", BATCHES, ids=["batched", "unbatched"])
@pytest.mark.parametrize("edit", list(LSTM_EDITS))
def test_lstm_edits_after_forward_do_not_change_the_gradients(edit, B):
    p, xs, h0, c0, dhs, dstate = _lstm_problem(B)
    _, _, cache = lt.lstm_forward(xs, (h0, c0), p)
    expected = _flat(lt.lstm_backward(dhs, cache, dstate))

    p, xs, h0, c0, dhs, dstate = _lstm_problem(B)  # the same numbers, fresh arrays
    hs, (h_n, c_n), cache = lt.lstm_forward(xs, (h0, c0), p)
    LSTM_EDITS[edit](hs, h_n, c_n, xs, h0, c0, p)
    _assert_same(_flat(lt.lstm_backward(dhs, cache, dstate)), expected)


@pytest.mark.parametrize("B", BATCHES, ids=["batched", "unbatched"])
def test_lstm_edits_with_zero_initial_state(B):
    """``state=None``: the zeros the forward pass made are its own, and so are hs, h_n, c_n."""
    p, xs, _, _, dhs, dstate = _lstm_problem(B, seed=1)
    _, _, cache = lt.lstm_forward(xs, None, p)
    expected = _flat(lt.lstm_backward(dhs, cache, dstate))
    hs, (h_n, c_n), cache = lt.lstm_forward(xs, None, p)
    hs += 3.0
    h_n -= 1.0
    c_n *= -2.0
    xs *= 0.5
    for a in p:
        a += 0.25
    _assert_same(_flat(lt.lstm_backward(dhs, cache, dstate)), expected)


@pytest.mark.parametrize("B", BATCHES, ids=["batched", "unbatched"])
def test_lstm_returned_arrays_share_no_memory_with_the_cache(B):
    p, xs, h0, c0, _, _ = _lstm_problem(B, seed=2)
    hs, (h_n, c_n), cache = lt.lstm_forward(xs, (h0, c0), p)
    yours = [hs, h_n, c_n, xs, h0, c0, *p]
    kept = [a for a in cache if isinstance(a, np.ndarray)] + list(cache.params)
    for a in yours:
        for b in kept:
            assert not np.shares_memory(a, b)
    # hs, h_n and c_n are three separate arrays: editing one leaves the others
    assert not np.shares_memory(hs, h_n) and not np.shares_memory(hs, c_n)


def test_lstm_cache_refuses_edits():
    """The cache's arrays are read-only: an edit raises instead of silently changing the gradients."""
    p, xs, h0, c0, _, _ = _lstm_problem(2, seed=3)
    _, _, cache = lt.lstm_forward(xs, (h0, c0), p)
    for name, a in zip(cache._fields, cache):
        arrays = list(a) if name == "params" else [a]
        for arr in arrays:
            with pytest.raises(ValueError, match="read-only"):
                arr[...] = 0.0


@pytest.mark.parametrize("B", BATCHES, ids=["batched", "unbatched"])
def test_lstm_backward_twice_and_editing_its_results(B):
    """Backward twice on one cache gives the same result, even after editing the first one's arrays."""
    p, xs, h0, c0, dhs, dstate = _lstm_problem(B, seed=4)
    _, _, cache = lt.lstm_forward(xs, (h0, c0), p)
    first = lt.lstm_backward(dhs, cache, dstate)
    expected = _flat(first)
    grads, dxs, (dh0, dc0) = first
    for a in (*grads, dxs, dh0, dc0):
        a += 1.0
    _assert_same(_flat(lt.lstm_backward(dhs, cache, dstate)), expected)
    _assert_same(_flat(lt.lstm_backward(dhs, cache, dstate)), expected)


# --------------------------------------------------------------------------
# RNN
# --------------------------------------------------------------------------

RNN_EDITS: dict[str, Callable[..., None]] = {
    "hs -= 1": lambda hs, h_n, xs, h0, p: hs.__isub__(1.0),
    "h_n += 1": lambda hs, h_n, xs, h0, p: h_n.__iadd__(1.0),
    "xs *= 2": lambda hs, h_n, xs, h0, p: xs.__imul__(2.0),
    "h0[...] = 0": lambda hs, h_n, xs, h0, p: h0.fill(0.0),
    **{f"params.{name} += 1": _param_edit(name) for name in lt.RNNParams._fields},
}


@pytest.mark.parametrize("B", BATCHES, ids=["batched", "unbatched"])
@pytest.mark.parametrize("edit", list(RNN_EDITS))
def test_rnn_edits_after_forward_do_not_change_the_gradients(edit, B):
    p, xs, h0, dhs, dh_n = _rnn_problem(B)
    _, _, cache = lt.rnn_forward(xs, h0, p)
    expected = _flat(lt.rnn_backward(dhs, cache, dh_n))

    p, xs, h0, dhs, dh_n = _rnn_problem(B)
    hs, h_n, cache = lt.rnn_forward(xs, h0, p)
    RNN_EDITS[edit](hs, h_n, xs, h0, p)
    _assert_same(_flat(lt.rnn_backward(dhs, cache, dh_n)), expected)


@pytest.mark.parametrize("B", BATCHES, ids=["batched", "unbatched"])
def test_rnn_returned_arrays_share_no_memory_with_the_cache(B):
    p, xs, h0, _, _ = _rnn_problem(B, seed=5)
    hs, h_n, cache = lt.rnn_forward(xs, h0, p)
    kept = [a for a in cache if isinstance(a, np.ndarray)] + list(cache.params)
    for a in [hs, h_n, xs, h0, *p]:
        for b in kept:
            assert not np.shares_memory(a, b)
    assert not np.shares_memory(hs, h_n)


def test_rnn_cache_refuses_edits():
    p, xs, h0, _, _ = _rnn_problem(2, seed=6)
    _, _, cache = lt.rnn_forward(xs, h0, p)
    for name, a in zip(cache._fields, cache):
        for arr in (list(a) if name == "params" else [a]):
            with pytest.raises(ValueError, match="read-only"):
                arr[...] = 0.0


@pytest.mark.parametrize("B", BATCHES, ids=["batched", "unbatched"])
def test_rnn_backward_twice_and_editing_its_results(B):
    p, xs, h0, dhs, dh_n = _rnn_problem(B, seed=7)
    _, _, cache = lt.rnn_forward(xs, h0, p)
    first = lt.rnn_backward(dhs, cache, dh_n)
    expected = _flat(first)
    grads, dxs, dh0 = first
    for a in (*grads, dxs, dh0):
        a += 1.0
    _assert_same(_flat(lt.rnn_backward(dhs, cache, dh_n)), expected)
    _assert_same(_flat(lt.rnn_backward(dhs, cache, dh_n)), expected)
