"""Shape checks shared by both backends (pure Python: no NumPy, no torch).

Every public function validates its arguments once per call, in O(1) shape
arithmetic plus one finiteness check per array, never once per time step.
Messages name the argument, the shape expected and the shape received, so a
reader sees at once which array is wrong, e.g.::

    ValueError: xs: expected shape (T, batch, 3) or (T, 3), got (5, 2, 4)

Dtype and finiteness checks need the array library, so each backend passes its
own small ``is_float``/``all_finite`` callables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Shape = tuple[int, ...]


def fmt(shape: Sequence[Any]) -> str:
    """Format a shape like ``(T, batch, 3)``; ``(3,)`` keeps its comma."""
    items = [str(s) for s in shape]
    return "(" + items[0] + ",)" if len(items) == 1 else "(" + ", ".join(items) + ")"


def shape_error(name: str, expected: str, got: Sequence[int]) -> ValueError:
    return ValueError(f"{name}: expected shape {expected}, got {fmt(tuple(got))}")


def check_array(
    name: str,
    a: Any,
    array_type: type | tuple[type, ...],
    is_float: Callable[[Any], bool],
    all_finite: Callable[[Any], bool],
) -> None:
    """TypeError unless ``a`` is a floating-point array; ValueError on NaN/inf."""
    if not isinstance(a, array_type):
        names = array_type.__name__ if isinstance(array_type, type) else " or ".join(
            t.__name__ for t in array_type
        )
        raise TypeError(f"{name}: expected a {names}, got {type(a).__name__}")
    if not is_float(a):
        raise TypeError(
            f"{name}: expected a floating-point array (float32 or float64), "
            f"got dtype {a.dtype} with shape {fmt(tuple(a.shape))}"
        )
    if not all_finite(a):
        raise ValueError(f"{name}: contains NaN or infinity (shape {fmt(tuple(a.shape))})")


def _field_shape(params: Any, name: str) -> Shape:
    """Shape of ``params.<name>``; TypeError (not AttributeError) for a list, None, ..."""
    a = getattr(params, name)
    if not hasattr(a, "shape"):
        raise TypeError(f"params.{name}: expected an array, got {type(a).__name__}")
    return tuple(a.shape)


def lstm_param_sizes(params: Any, params_type: type) -> tuple[int, int]:
    """Return ``(hidden_size, input_size)`` of an LSTMParams, checking every field."""
    if not isinstance(params, params_type):
        raise TypeError(f"params: expected LSTMParams, got {type(params).__name__}")
    W = _field_shape(params, "W_f")
    if len(W) != 2 or W[0] < 1 or W[1] <= W[0]:
        raise shape_error(
            "params.W_f", "(hidden, hidden + input) with input >= 1", W
        )
    H, D = W[0], W[1] - W[0]
    for name in ("W_f", "W_i", "W_c", "W_o"):
        s = _field_shape(params, name)
        if s != (H, H + D):
            raise shape_error(f"params.{name}", fmt((H, H + D)) + " like params.W_f", s)
    for name in ("b_f", "b_i", "b_c", "b_o"):
        s = _field_shape(params, name)
        if s != (H,):
            raise shape_error(f"params.{name}", fmt((H,)), s)
    return H, D


def rnn_param_sizes(params: Any, params_type: type) -> tuple[int, int]:
    """Return ``(hidden_size, input_size)`` of an RNNParams, checking every field."""
    if not isinstance(params, params_type):
        raise TypeError(f"params: expected RNNParams, got {type(params).__name__}")
    Wh = _field_shape(params, "W_h")
    if len(Wh) != 2 or Wh[0] != Wh[1] or Wh[0] < 1:
        raise shape_error("params.W_h", "(hidden, hidden)", Wh)
    H = Wh[0]
    Wx = _field_shape(params, "W_x")
    if len(Wx) != 2 or Wx[0] != H or Wx[1] < 1:
        raise shape_error("params.W_x", fmt((H, "input")), Wx)
    b = _field_shape(params, "b_h")
    if b != (H,):
        raise shape_error("params.b_h", fmt((H,)), b)
    return H, Wx[1]


def sequence_dims(name: str, shape: Sequence[int], D: int) -> tuple[int, int | None]:
    """``(T, batch)`` of a sequence ``(T, batch, D)``; ``batch`` is None when unbatched ``(T, D)``."""
    s = tuple(shape)
    if len(s) == 3 and s[2] == D and s[0] >= 1 and s[1] >= 1:
        return s[0], s[1]
    if len(s) == 2 and s[1] == D and s[0] >= 1:
        return s[0], None
    raise shape_error(name, f"(T, batch, {D}) or (T, {D}) with T >= 1", s)


def step_dims(name: str, shape: Sequence[int], D: int) -> int | None:
    """``batch`` of one step ``(batch, D)``; None when unbatched ``(D,)``."""
    s = tuple(shape)
    if len(s) == 2 and s[1] == D and s[0] >= 1:
        return s[0]
    if len(s) == 1 and s[0] == D:
        return None
    raise shape_error(name, f"(batch, {D}) or ({D},)", s)


def state_shape(batch: int | None, H: int) -> Shape:
    """Shape a hidden or cell state must have for this batching."""
    return (H,) if batch is None else (batch, H)


def check_state_shape(name: str, shape: Sequence[int], batch: int | None, H: int, why: str) -> None:
    want = state_shape(batch, H)
    if tuple(shape) != want:
        raise shape_error(name, f"{fmt(want)} ({why})", shape)


def unpack_state(state: Any, name: str = "state") -> tuple[Any, Any]:
    """Split an LSTM ``state=(h, c)``; TypeError for anything that is not a pair."""
    if not isinstance(state, (tuple, list)) or len(state) != 2:
        raise TypeError(
            f"{name}: expected a pair (h, c) of arrays, got {type(state).__name__}"
            + (f" of length {len(state)}" if isinstance(state, (tuple, list)) else "")
        )
    return state[0], state[1]
