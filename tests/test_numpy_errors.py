"""Bad input: a ValueError/TypeError naming the argument, the expected and the received shape.

Every ``match`` pins the whole message pattern (argument, expected shape, shape
received), so a message that drops one of them fails. Nothing is ever broadcast.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from numpy_cases import lstm_params, rnn_params

from lstm_tutorial import numpy as lt

D, H, T, B = 3, 4, 5, 2


def m(*parts: str) -> str:
    """A regex matching the literal parts in order, anything between them."""
    return ".*".join(re.escape(p) for p in parts)


@pytest.fixture
def lp():
    return lstm_params(np.random.default_rng(0), D, H)


@pytest.fixture
def rp():
    return rnn_params(np.random.default_rng(0), D, H)


def xs_ok():
    return np.zeros((T, B, D))


def st_ok():
    return np.zeros((B, H)), np.zeros((B, H))


# --------------------------------------------------------------------------
# Sequences: xs
# --------------------------------------------------------------------------

BAD_XS = [(T, B, D + 1), (T, D + 1), (D,), (T, B, D, 1), (0, B, D), (0, D)]


def _xs_message(shape) -> str:
    got = "(" + ", ".join(map(str, shape)) + (",)" if len(shape) == 1 else ")")
    return m("xs: expected shape", f"(T, batch, {D}) or (T, {D})", f"got {got}")


@pytest.mark.parametrize("fn", ["lstm", "lstm_forward", "rnn", "rnn_forward"])
def test_empty_batch_is_named(lp, rp, fn):
    """An empty batch (T, 0, D) is refused with a message that says the batch is empty."""
    params = lp if fn.startswith("lstm") else rp
    with pytest.raises(ValueError, match=m("xs: the batch is empty", f"got ({T}, 0, {D})")):
        getattr(lt, fn)(np.zeros((T, 0, D)), None, params)


@pytest.mark.parametrize("shape", BAD_XS, ids=str)
@pytest.mark.parametrize("fn", ["lstm", "lstm_forward"])
def test_lstm_xs_wrong_shape(lp, fn, shape):
    with pytest.raises(ValueError, match=_xs_message(shape)):
        getattr(lt, fn)(np.zeros(shape), None, lp)


@pytest.mark.parametrize("shape", BAD_XS, ids=str)
@pytest.mark.parametrize("fn", ["rnn", "rnn_forward"])
def test_rnn_xs_wrong_shape(rp, fn, shape):
    with pytest.raises(ValueError, match=_xs_message(shape)):
        getattr(lt, fn)(np.zeros(shape), None, rp)


# --------------------------------------------------------------------------
# States: wrong size, wrong batching, not a pair (never broadcast)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "h0_shape,c0_shape,bad,want,got",
    [
        ((B, H + 1), (B, H), "state[0] (h0)", f"({B}, {H})", f"({B}, {H + 1})"),
        ((B, H), (B, H - 1), "state[1] (c0)", f"({B}, {H})", f"({B}, {H - 1})"),
        ((1, H), (B, H), "state[0] (h0)", f"({B}, {H})", f"(1, {H})"),  # would broadcast
        ((B, H), (1, H), "state[1] (c0)", f"({B}, {H})", f"(1, {H})"),  # would broadcast
        ((H,), (B, H), "state[0] (h0)", f"({B}, {H})", f"({H},)"),  # would broadcast
        ((B, H), (H,), "state[1] (c0)", f"({B}, {H})", f"({H},)"),
        ((B, 1), (B, H), "state[0] (h0)", f"({B}, {H})", f"({B}, 1)"),  # would broadcast
        ((B, H, 1), (B, H), "state[0] (h0)", f"({B}, {H})", f"({B}, {H}, 1)"),
    ],
)
@pytest.mark.parametrize("fn", ["lstm", "lstm_forward"])
def test_lstm_state_wrong_shape(lp, fn, h0_shape, c0_shape, bad, want, got):
    with pytest.raises(ValueError, match=m(f"{bad}: expected shape {want}", f"got {got}")):
        getattr(lt, fn)(xs_ok(), (np.zeros(h0_shape), np.zeros(c0_shape)), lp)


def test_lstm_unbatched_state_with_batched_shape(lp):
    with pytest.raises(ValueError, match=m("state[0] (h0): expected shape", f"({H},)", f"got (1, {H})")):
        lt.lstm(np.zeros((T, D)), (np.zeros((1, H)), np.zeros((1, H))), lp)


@pytest.mark.parametrize(
    "state,got",
    [
        (np.zeros((2, B, H)), "ndarray"),  # an array is not a pair, even of length 2
        ((np.zeros((B, H)),), "tuple of length 1"),
        ((np.zeros((B, H)),) * 3, "tuple of length 3"),
        (np.zeros((B, H)), "ndarray"),
        ({"h": 1, "c": 2}, "dict"),
    ],
    ids=["array2", "len1", "len3", "one_array", "dict"],
)
@pytest.mark.parametrize("fn", ["lstm", "lstm_forward", "lstm_cell"])
def test_lstm_state_not_a_pair(lp, fn, state, got):
    x = xs_ok() if fn != "lstm_cell" else np.zeros((B, D))
    with pytest.raises(TypeError, match=m("state: expected a pair (h, c) of arrays, got " + got)):
        getattr(lt, fn)(x, state, lp)


@pytest.mark.parametrize("h0_shape,got", [((1, H), f"(1, {H})"), ((H,), f"({H},)"), ((B, H + 1), f"({B}, {H + 1})")])
@pytest.mark.parametrize("fn", ["rnn", "rnn_forward"])
def test_rnn_h0_wrong_shape(rp, fn, h0_shape, got):
    with pytest.raises(ValueError, match=m(f"h0: expected shape ({B}, {H})", f"got {got}")):
        getattr(lt, fn)(xs_ok(), np.zeros(h0_shape), rp)


# --------------------------------------------------------------------------
# Single steps: x, h_prev, c_prev (the no-broadcast case of the brief)
# --------------------------------------------------------------------------

GATES = ["forget_gate", "input_gate", "candidate", "output_gate"]


@pytest.mark.parametrize("fn", GATES)
def test_gate_h_prev_must_match_x_batch(lp, fn):
    # h_prev (1, H) with x (3, D) would broadcast to (3, H): must raise
    with pytest.raises(ValueError, match=m(f"h_prev: expected shape (3, {H})", f"got (1, {H})")):
        getattr(lt, fn)(np.zeros((3, D)), np.zeros((1, H)), lp)


@pytest.mark.parametrize("fn", GATES)
@pytest.mark.parametrize("shape", [(B, D + 1), (D + 1,), (B, 1, D), ()], ids=str)
def test_gate_x_wrong_shape(lp, fn, shape):
    got = "()" if shape == () else "(" + ", ".join(map(str, shape)) + (",)" if len(shape) == 1 else ")")
    with pytest.raises(ValueError, match=m(f"x: expected shape (batch, {D}) or ({D},)", f"got {got}")):
        getattr(lt, fn)(np.zeros(shape), np.zeros((B, H)), lp)


def test_lstm_cell_no_broadcast(lp):
    x = np.zeros((3, D))
    with pytest.raises(ValueError, match=m(f"state[0] (h_prev): expected shape (3, {H})", f"got (1, {H})")):
        lt.lstm_cell(x, (np.zeros((1, H)), np.zeros((3, H))), lp)
    with pytest.raises(ValueError, match=m(f"state[1] (c_prev): expected shape (3, {H})", f"got (1, {H})")):
        lt.lstm_cell(x, (np.zeros((3, H)), np.zeros((1, H))), lp)
    with pytest.raises(ValueError, match=m(f"state[1] (c_prev): expected shape ({H},)", f"got ({H + 1},)")):
        lt.lstm_cell(np.zeros(D), (np.zeros(H), np.zeros(H + 1)), lp)
    with pytest.raises(ValueError, match=m(f"state[0] (h_prev): expected shape ({H},)", f"got (1, {H})")):
        lt.lstm_cell(np.zeros(D), (np.zeros((1, H)), np.zeros((1, H))), lp)


def test_rnn_cell_no_broadcast(rp):
    with pytest.raises(ValueError, match=m(f"h_prev: expected shape (3, {H})", f"got (1, {H})")):
        lt.rnn_cell(np.zeros((3, D)), np.zeros((1, H)), rp)
    with pytest.raises(ValueError, match=m(f"x: expected shape (batch, {D}) or ({D},)", "got (3, 1)")):
        lt.rnn_cell(np.zeros((3, 1)), np.zeros((3, H)), rp)


# --------------------------------------------------------------------------
# Parameters: wrong type, wrong shape, NaN, integer, object
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fn", ["lstm", "lstm_forward"])
def test_lstm_params_wrong_type(lp, rp, fn):
    with pytest.raises(TypeError, match=m("params: expected LSTMParams, got RNNParams")):
        getattr(lt, fn)(xs_ok(), None, rp)
    with pytest.raises(TypeError, match=m("params: expected LSTMParams, got tuple")):
        getattr(lt, fn)(xs_ok(), None, tuple(lp))
    with pytest.raises(TypeError, match=m("params: expected LSTMParams, got dict")):
        getattr(lt, fn)(xs_ok(), None, lp._asdict())


def test_rnn_params_wrong_type(lp, rp):
    with pytest.raises(TypeError, match=m("params: expected RNNParams, got LSTMParams")):
        lt.rnn(xs_ok(), None, lp)
    with pytest.raises(TypeError, match=m("params: expected RNNParams, got tuple")):
        lt.rnn_cell(np.zeros(D), np.zeros(H), tuple(rp))


@pytest.mark.parametrize("field", ["W_f", "W_i", "W_c", "W_o", "b_f", "b_i", "b_c", "b_o"])
@pytest.mark.parametrize("fn", ["lstm", "lstm_cell", "forget_gate", "output_gate"])
def test_lstm_param_field_not_an_array(lp, field, fn):
    bad = lp._replace(**{field: getattr(lp, field).tolist()})
    x = xs_ok() if fn == "lstm" else np.zeros((B, D))
    second = None if fn == "lstm" else (st_ok() if fn == "lstm_cell" else np.zeros((B, H)))
    with pytest.raises(TypeError, match=m(f"params.{field}", "list")):
        getattr(lt, fn)(x, second, bad)
    with pytest.raises(TypeError, match=m(f"params.{field}", "NoneType")):
        getattr(lt, fn)(x, second, lp._replace(**{field: None}))


@pytest.mark.parametrize("field", ["W_h", "W_x", "b_h"])
def test_rnn_param_field_not_an_array(rp, field):
    with pytest.raises(TypeError, match=m(f"params.{field}", "list")):
        lt.rnn(xs_ok(), None, rp._replace(**{field: getattr(rp, field).tolist()}))


@pytest.mark.parametrize(
    "field,shape,want",
    [
        ("W_f", (H, D), "(hidden, hidden + input) with input >= 1"),  # no input columns
        ("W_f", (H + D,), "(hidden, hidden + input) with input >= 1"),
        ("W_i", (H, H + D + 1), f"({H}, {H + D}) like params.W_f"),
        ("W_c", (H + D, H), f"({H}, {H + D}) like params.W_f"),
        ("W_o", (H - 1, H + D), f"({H}, {H + D}) like params.W_f"),
        ("b_f", (H + 1,), f"({H},)"),
        ("b_i", (1, H), f"({H},)"),
        ("b_c", (), f"({H},)"),
        ("b_o", (H, 1), f"({H},)"),
    ],
)
def test_lstm_params_wrong_shape(lp, field, shape, want):
    bad = lp._replace(**{field: np.zeros(shape)})
    got = "(" + ", ".join(map(str, shape)) + (",)" if len(shape) == 1 else ")")
    with pytest.raises(ValueError, match=m(f"params.{field}: expected shape {want}, got {got}")):
        lt.lstm(xs_ok(), None, bad)


@pytest.mark.parametrize(
    "field,shape,want",
    [
        ("W_h", (H, H + 1), "(hidden, hidden)"),
        ("W_h", (H,), "(hidden, hidden)"),
        ("W_x", (H + 1, D), f"({H}, input)"),
        ("W_x", (H,), f"({H}, input)"),
        ("b_h", (H + 1,), f"({H},)"),
        ("b_h", (1, H), f"({H},)"),
    ],
)
def test_rnn_params_wrong_shape(rp, field, shape, want):
    bad = rp._replace(**{field: np.zeros(shape)})
    got = "(" + ", ".join(map(str, shape)) + (",)" if len(shape) == 1 else ")")
    with pytest.raises(ValueError, match=m(f"params.{field}: expected shape {want}, got {got}")):
        lt.rnn(xs_ok(), None, bad)


def test_params_of_other_input_size_than_xs(lp):
    # params built for D + 1 inputs: xs is what is reported
    p = lstm_params(np.random.default_rng(1), D + 1, H)
    with pytest.raises(ValueError, match=m(f"xs: expected shape (T, batch, {D + 1}) or (T, {D + 1})", f"got ({T}, {B}, {D})")):
        lt.lstm(xs_ok(), None, p)


@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("field", ["W_c", "b_o"])
def test_lstm_param_not_finite(lp, field, bad_value):
    a = getattr(lp, field).copy()
    a.flat[-1] = bad_value
    shape = "(" + ", ".join(map(str, a.shape)) + (",)" if a.ndim == 1 else ")")
    with pytest.raises(ValueError, match=m(f"params.{field}: contains NaN or infinity", shape)):
        lt.lstm(xs_ok(), None, lp._replace(**{field: a}))
    with pytest.raises(ValueError, match=m(f"params.{field}: contains NaN or infinity", shape)):
        lt.lstm_cell(np.zeros(D), (np.zeros(H), np.zeros(H)), lp._replace(**{field: a}))


def test_rnn_param_nan(rp):
    W_x = rp.W_x.copy()
    W_x[0, 0] = np.nan
    with pytest.raises(ValueError, match=m("params.W_x: contains NaN or infinity", f"({H}, {D})")):
        lt.rnn(xs_ok(), None, rp._replace(W_x=W_x))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_, np.complex128, np.float16])
def test_lstm_non_float_param(lp, dtype):
    bad = lp._replace(W_f=lp.W_f.astype(dtype))
    with pytest.raises(TypeError, match=m("params.W_f: expected a floating-point array", f"got dtype {np.dtype(dtype)} with shape ({H}, {H + D})")):
        lt.lstm(xs_ok(), None, bad)


def test_integer_and_object_inputs(lp, rp):
    xi = np.zeros((T, B, D), dtype=np.int64)
    with pytest.raises(TypeError, match=m("xs: expected a floating-point array", f"got dtype int64 with shape ({T}, {B}, {D})")):
        lt.lstm(xi, None, lp)
    with pytest.raises(TypeError, match=m("xs: expected a floating-point array", f"got dtype int64 with shape ({T}, {B}, {D})")):
        lt.rnn(xi, None, rp)
    xo = np.zeros((T, B, D), dtype=object)
    with pytest.raises(TypeError, match=m("xs: expected a floating-point array", f"got dtype object with shape ({T}, {B}, {D})")):
        lt.lstm(xo, None, lp)
    with pytest.raises(TypeError, match=m("state[0] (h0): expected a floating-point array", f"got dtype int64 with shape ({B}, {H})")):
        lt.lstm(xs_ok(), (np.zeros((B, H), dtype=np.int64), np.zeros((B, H))), lp)
    with pytest.raises(TypeError, match=m("x: expected a floating-point array", f"got dtype int64 with shape ({D},)")):
        lt.forget_gate(np.zeros(D, dtype=np.int64), np.zeros(H), lp)
    with pytest.raises(TypeError, match=m("h_prev: expected a floating-point array", f"got dtype object with shape ({H},)")):
        lt.rnn_cell(np.zeros(D), np.zeros(H, dtype=object), rp)
    with pytest.raises(TypeError, match=m("params.W_h: expected a floating-point array", f"got dtype object with shape ({H}, {H})")):
        lt.rnn(xs_ok(), None, rp._replace(W_h=rp.W_h.astype(object)))


def test_non_array_inputs(lp):
    with pytest.raises(TypeError, match=m("xs: expected a NumPy array or a number, got str")):
        lt.lstm("abc", None, lp)
    with pytest.raises(TypeError, match=m("xs: cannot be read as a float array")):
        lt.lstm([[1.0, "a", 2.0]], None, lp)
    with pytest.raises(TypeError, match=m("xs: cannot be read as a float array")):
        lt.lstm([[1.0, 2.0], [3.0]], None, lp)  # ragged
    with pytest.raises(TypeError, match=m("z: expected a NumPy array or a number, got bool")):
        lt.sigmoid(True)


def test_nan_in_inputs(lp):
    xs = xs_ok()
    xs[2, 1, 0] = np.nan
    with pytest.raises(ValueError, match=m("xs: contains NaN or infinity", f"({T}, {B}, {D})")):
        lt.lstm(xs, None, lp)
    c0 = np.zeros((B, H))
    c0[0, 0] = np.inf
    with pytest.raises(ValueError, match=m("state[1] (c0): contains NaN or infinity", f"({B}, {H})")):
        lt.lstm(xs_ok(), (np.zeros((B, H)), c0), lp)


# --------------------------------------------------------------------------
# Backward: dhs, dstate, cache
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape,got",
    [((T, H), f"({T}, {H})"), ((T, B, H + 1), f"({T}, {B}, {H + 1})"), ((T, 1, H), f"({T}, 1, {H})"), ((1, B, H), f"(1, {B}, {H})")],
)
def test_lstm_backward_dhs_wrong_shape(lp, shape, got):
    _, _, cache = lt.lstm_forward(xs_ok(), None, lp)
    with pytest.raises(ValueError, match=m(f"dhs: expected shape ({T}, {B}, {H}), got {got}")):
        lt.lstm_backward(np.zeros(shape), cache)


@pytest.mark.parametrize("shape,got", [((T, H), f"({T}, {H})"), ((1, B, H), f"(1, {B}, {H})")])
def test_rnn_backward_dhs_wrong_shape(rp, shape, got):
    _, _, cache = lt.rnn_forward(xs_ok(), None, rp)
    with pytest.raises(ValueError, match=m(f"dhs: expected shape ({T}, {B}, {H}), got {got}")):
        lt.rnn_backward(np.zeros(shape), cache)


def test_lstm_backward_dstate_errors(lp):
    _, _, cache = lt.lstm_forward(xs_ok(), None, lp)
    dhs = np.zeros((T, B, H))
    with pytest.raises(ValueError, match=m(f"dstate[0] (dh_n): expected shape ({B}, {H}), got (1, {H})")):
        lt.lstm_backward(dhs, cache, (np.zeros((1, H)), np.zeros((B, H))))
    with pytest.raises(ValueError, match=m(f"dstate[1] (dc_n): expected shape ({B}, {H}), got ({H},)")):
        lt.lstm_backward(dhs, cache, (np.zeros((B, H)), np.zeros(H)))
    with pytest.raises(TypeError, match=m("dstate: expected a pair (h, c) of arrays, got ndarray")):
        lt.lstm_backward(dhs, cache, np.zeros((B, H)))
    with pytest.raises(TypeError, match=m("dhs: expected a floating-point array", f"got dtype int64 with shape ({T}, {B}, {H})")):
        lt.lstm_backward(dhs.astype(np.int64), cache)
    bad = dhs.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match=m("dhs: contains NaN or infinity", f"({T}, {B}, {H})")):
        lt.lstm_backward(bad, cache)


def test_rnn_backward_dh_n_wrong_shape(rp):
    _, _, cache = lt.rnn_forward(xs_ok(), None, rp)
    with pytest.raises(ValueError, match=m(f"dh_n: expected shape ({B}, {H}), got (1, {H})")):
        lt.rnn_backward(np.zeros((T, B, H)), cache, np.zeros((1, H)))


def test_backward_wrong_cache_type(lp, rp):
    _, _, lcache = lt.lstm_forward(xs_ok(), None, lp)
    _, _, rcache = lt.rnn_forward(xs_ok(), None, rp)
    with pytest.raises(TypeError, match=m("cache: expected the LSTMCache from lstm_forward, got RNNCache")):
        lt.lstm_backward(np.zeros((T, B, H)), rcache)
    with pytest.raises(TypeError, match=m("cache: expected the LSTMCache from lstm_forward, got tuple")):
        lt.lstm_backward(np.zeros((T, B, H)), tuple(lcache))
    with pytest.raises(TypeError, match=m("cache: expected the RNNCache from rnn_forward, got LSTMCache")):
        lt.rnn_backward(np.zeros((T, B, H)), lcache)


# --------------------------------------------------------------------------
# Output neuron, init, helpers
# --------------------------------------------------------------------------


def test_output_neuron_errors():
    h = np.zeros((T, B, H))
    with pytest.raises(ValueError, match=m(f"W_y: expected shape (outputs, {H})", f"got (1, {H + 1})")):
        lt.output_neuron(h, np.zeros((1, H + 1)), np.zeros(1))
    with pytest.raises(ValueError, match=m(f"W_y: expected shape (outputs, {H})", f"got ({H},)")):
        lt.output_neuron(h, np.zeros(H), np.zeros(1))
    with pytest.raises(ValueError, match=m("b_y: expected shape (2,), got (1,)")):
        lt.output_neuron(h, np.zeros((2, H)), np.zeros(1))
    with pytest.raises(ValueError, match=m("h: expected shape (..., hidden), got ()")):
        lt.output_neuron(np.array(0.5), np.zeros((1, 1)), np.zeros(1))
    with pytest.raises(TypeError, match=m("W_y: expected a floating-point array", f"got dtype int64 with shape (1, {H})")):
        lt.output_neuron(h, np.zeros((1, H), dtype=np.int64), np.zeros(1))


@pytest.mark.parametrize("fn", [lt.init_lstm_params, lt.init_rnn_params])
def test_init_bad_sizes(fn):
    with pytest.raises(ValueError, match=m("hidden_size: expected an int >= 1, got 0")):
        fn(3, 0)
    with pytest.raises(ValueError, match=m("input_size: expected an int >= 1, got -1")):
        fn(-1, 3)
    with pytest.raises(TypeError, match=m("hidden_size: expected an int, got float")):
        fn(3, 2.0)
    with pytest.raises(TypeError, match=m("input_size: expected an int, got bool")):
        fn(True, 2)
    with pytest.raises(TypeError, match=m("hidden_size: expected an int, got str")):
        fn(3, "4")
    with pytest.raises(ValueError, match=m("seed: expected an int >= 0, got -1")):
        fn(3, 2, seed=-1)
    with pytest.raises(TypeError, match=m("seed: expected an int, got str")):
        fn(3, 2, seed="a")
