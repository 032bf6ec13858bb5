"""The package's one home for argument checks: shapes, scalars and arrays.

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


def _field_shape(params: Any, name: str, prefix: str = "params") -> Shape:
    """Shape of ``params.<name>``; TypeError (not AttributeError) for a list, None, ..."""
    a = getattr(params, name)
    if not hasattr(a, "shape"):
        raise TypeError(f"{prefix}.{name}: expected an array, got {type(a).__name__}")
    return tuple(a.shape)


def lstm_param_sizes(params: Any, params_type: type, prefix: str = "params") -> tuple[int, int]:
    """Return ``(hidden_size, input_size)`` of an LSTMParams, checking every field.

    ``prefix`` is the caller's name for the parameters (``model['cell']``), used in messages.
    """
    if not isinstance(params, params_type):
        raise TypeError(f"{prefix}: expected LSTMParams, got {type(params).__name__}")
    W = _field_shape(params, "W_f", prefix)
    if len(W) != 2 or W[0] < 1 or W[1] <= W[0]:
        raise shape_error(
            f"{prefix}.W_f", "(hidden, hidden + input) with input >= 1", W
        )
    H, D = W[0], W[1] - W[0]
    for name in ("W_f", "W_i", "W_c", "W_o"):
        s = _field_shape(params, name, prefix)
        if s != (H, H + D):
            raise shape_error(f"{prefix}.{name}", fmt((H, H + D)) + f" like {prefix}.W_f", s)
    for name in ("b_f", "b_i", "b_c", "b_o"):
        s = _field_shape(params, name, prefix)
        if s != (H,):
            raise shape_error(f"{prefix}.{name}", fmt((H,)), s)
    return H, D


def rnn_param_sizes(params: Any, params_type: type, prefix: str = "params") -> tuple[int, int]:
    """Return ``(hidden_size, input_size)`` of an RNNParams, checking every field (``prefix`` as above)."""
    if not isinstance(params, params_type):
        raise TypeError(f"{prefix}: expected RNNParams, got {type(params).__name__}")
    Wh = _field_shape(params, "W_h", prefix)
    if len(Wh) != 2 or Wh[0] != Wh[1] or Wh[0] < 1:
        raise shape_error(f"{prefix}.W_h", "(hidden, hidden)", Wh)
    H = Wh[0]
    Wx = _field_shape(params, "W_x", prefix)
    if len(Wx) != 2 or Wx[0] != H or Wx[1] < 1:
        raise shape_error(f"{prefix}.W_x", fmt((H, "input")), Wx)
    b = _field_shape(params, "b_h", prefix)
    if b != (H,):
        raise shape_error(f"{prefix}.b_h", fmt((H,)), b)
    return H, Wx[1]


def sequence_dims(name: str, shape: Sequence[int], D: int) -> tuple[int, int | None]:
    """``(T, batch)`` of a sequence ``(T, batch, D)``; ``batch`` is None when unbatched ``(T, D)``."""
    s = tuple(shape)
    if len(s) == 3 and s[2] == D and s[0] >= 1 and s[1] >= 1:
        return s[0], s[1]
    if len(s) == 2 and s[1] == D and s[0] >= 1:
        return s[0], None
    if len(s) == 3 and s[2] == D and s[0] >= 1 and s[1] == 0:
        # subtle: torch.nn.LSTM accepts an empty batch; the package refuses it, since
        # a batch of no sequences is almost always a slicing mistake upstream.
        raise ValueError(f"{name}: the batch is empty: expected shape (T, batch, {D}) with batch >= 1, got {fmt(s)}")
    raise shape_error(name, f"(T, batch, {D}) or (T, {D}) with T >= 1", s)


def step_dims(name: str, shape: Sequence[int], D: int) -> int | None:
    """``batch`` of one step ``(batch, D)``; None when unbatched ``(D,)``."""
    s = tuple(shape)
    if len(s) == 2 and s[1] == D and s[0] >= 1:
        return s[0]
    if len(s) == 1 and s[0] == D:
        return None
    if len(s) == 2 and s[1] == D and s[0] == 0:
        raise ValueError(f"{name}: the batch is empty: expected shape (batch, {D}) with batch >= 1, got {fmt(s)}")
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


# --------------------------------------------------------------------------
# Scalars and NumPy arrays: the one home of the package's checks
# --------------------------------------------------------------------------
# The policy, everywhere in the package: TypeError for the wrong kind of thing
# (not an array, a float where an int belongs, a bool, an integer or object
# array, a masked array), ValueError for a wrong value (shape, range, NaN or
# infinity). Messages start with the name of the argument the caller passed.
# Public functions check their arguments once; internal calls do not check again.


def _kind(v: Any) -> str:
    return type(v).__name__


def _bound(minimum: Any, maximum: Any, open_min: bool = False, open_max: bool = False) -> str:
    """The allowed range in words: ``>= 1``, ``< 5``, ``in [0, 1]``, ``in (0, 1]``."""
    if maximum is None:
        return ("> " if open_min else ">= ") + f"{minimum}"
    if minimum is None:
        return ("< " if open_max else "<= ") + f"{maximum}"
    return "in " + ("(" if open_min else "[") + f"{minimum}, {maximum}" + (")" if open_max else "]")


def check_int(name: str, v: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    """An int (Python or NumPy integer, not a bool) in ``[minimum, maximum]``."""
    import numbers

    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or type(v).__name__ == "bool_":
        raise TypeError(f"{name}: expected an int, got {_kind(v)}")
    v = int(v)
    if (minimum is not None and v < minimum) or (maximum is not None and v > maximum):
        raise ValueError(f"{name}: expected an int {_bound(minimum, maximum)}, got {v}")
    return v


def check_float(
    name: str,
    v: Any,
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    open_min: bool = False,
    open_max: bool = False,
) -> float:
    """A finite real number (int or float, not a bool or a string) in the given range.

    ``open_min``/``open_max`` exclude the bound itself (e.g. a learning rate > 0).
    A 0-d or 1-element NumPy array is not accepted here: pass ``float(a)``.
    """
    import math
    import numbers

    if isinstance(v, bool) or not isinstance(v, numbers.Real) or type(v).__name__ == "bool_":
        raise TypeError(f"{name}: expected a number, got {_kind(v)}")
    out = float(v)
    if not math.isfinite(out):
        raise ValueError(f"{name}: expected a finite number, got {out}")
    low_bad = minimum is not None and (out < minimum or (open_min and out == minimum))
    high_bad = maximum is not None and (out > maximum or (open_max and out == maximum))
    if low_bad or high_bad:
        raise ValueError(f"{name}: expected a number {_bound(minimum, maximum, open_min, open_max)}, got {out}")
    return out


def as_float_array(name: str, a: Any) -> Any:
    """A float32/float64 NumPy array from an array, a number or a (nested) list of numbers.

    TypeError: a bool, a string, None, an integer/bool/object/complex array, a
    masked array (its finiteness check would respect the mask, the math would
    not). ValueError: NaN or infinity. A Python number or list becomes float64;
    a NumPy float scalar keeps its precision; a float array is returned as is.
    """
    import numpy as np

    if isinstance(a, np.ma.MaskedArray):
        raise TypeError(f"{name}: masked arrays are not supported (fill or drop the masked values first)")
    if not isinstance(a, np.ndarray):
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, float, list, tuple, np.number)):
            raise TypeError(f"{name}: expected a NumPy array or a number, got {_kind(a)}")
        try:  # a NumPy float scalar keeps its precision (np.float32 stays float32)
            a = np.asarray(a) if isinstance(a, np.floating) else np.asarray(a, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name}: cannot be read as a float array ({err})") from None
    check_array(name, a, np.ndarray, lambda x: x.dtype in (np.float32, np.float64), lambda x: bool(np.isfinite(x).all()))
    return a


def check_bool(name: str, v: Any) -> bool:
    """``True`` or ``False`` (a NumPy bool too); TypeError for 1, "yes", None."""
    import numpy as np

    if not isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{name}: expected a bool, got {_kind(v)}")
    return bool(v)


def check_str_list(name: str, v: Any) -> list[str]:
    """A list or tuple of strings (tokens, a vocabulary). A bare str is refused: it is not a list of tokens."""
    if not isinstance(v, (list, tuple)):
        raise TypeError(f"{name}: expected a list of str, got {_kind(v)}")
    for k, s in enumerate(v):
        if not isinstance(s, str):
            raise TypeError(f"{name}[{k}]: expected a str, got {_kind(s)}")
    return list(v)


def check_values_in(name: str, a: Any, minimum: float | None = None, maximum: float | None = None) -> None:
    """ValueError unless every entry of the NumPy array ``a`` lies in ``[minimum, maximum]``."""
    if a.size == 0:
        return
    lo, hi = a.min(), a.max()
    if (minimum is not None and lo < minimum) or (maximum is not None and hi > maximum):
        bound = _bound(minimum, maximum)
        raise ValueError(f"{name}: expected values {bound}, got min {lo} and max {hi}")


def as_int_array(
    name: str, a: Any, *, ndim: int | None = None, minimum: int | None = None, maximum: int | None = None
) -> Any:
    """An integer NumPy array (token ids, class indices), from an array or a list of ints.

    TypeError: not an array or list, a masked array, a float, bool or object
    array. ValueError: ``ndim`` axes expected, or a value outside
    ``[minimum, maximum]``. An empty list becomes an empty int64 array.
    """
    import numpy as np

    if isinstance(a, np.ma.MaskedArray):
        raise TypeError(f"{name}: masked arrays are not supported (fill or drop the masked values first)")
    if isinstance(a, (list, tuple)):
        a = np.asarray(a) if len(a) else np.zeros(0, np.int64)
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name}: expected a NumPy array of integers, got {_kind(a)}")
    if a.dtype.kind not in "iu":
        raise TypeError(f"{name}: expected an integer array, got dtype {a.dtype} with shape {fmt(a.shape)}")
    if ndim is not None and a.ndim != ndim:
        raise shape_error(name, "(N,)" if ndim == 1 else f"{ndim} axes", a.shape)
    check_values_in(name, a, minimum, maximum)
    return a


def as_real_array(name: str, a: Any) -> Any:
    """A NumPy array of integers or floats (data a loop passes on), NaN and infinity refused.

    TypeError: not an ndarray, a masked array, a bool, complex, string or object
    array. ValueError: NaN or infinity. The array is returned as is.
    """
    import numpy as np

    if isinstance(a, np.ma.MaskedArray):
        raise TypeError(f"{name}: masked arrays are not supported (fill or drop the masked values first)")
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name}: expected a NumPy array, got {_kind(a)}")
    if a.dtype.kind not in "iuf":
        raise TypeError(f"{name}: expected an integer or floating-point array, got dtype {a.dtype}")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError(f"{name}: contains NaN or infinity (shape {fmt(a.shape)})")
    return a


def check_scalar(name: str, v: Any, minimum: float | None = None, maximum: float | None = None) -> float:
    """One finite number: a real (not a bool), or a float array or list with one element.

    For the values of a single unit (the book's sliders and cell diagram), where
    ``h[0]`` and ``h`` of shape (1,) mean the same number. Ranges as ``check_float``.
    """
    import numpy as np

    if isinstance(v, (np.ndarray, list, tuple)):
        a = as_float_array(name, v)
        if a.size != 1:
            raise ValueError(
                f"{name}: expected one number or a 1-element array (one unit), got shape {fmt(a.shape)}; "
                f"pick one unit, e.g. {name}[0]"
            )
        v = a.item()
    return check_float(name, v, minimum, maximum)


def check_choice(name: str, v: Any, choices: Sequence[str]) -> str:
    """One of the strings ``choices``: TypeError for a non-string, ValueError for an unknown one."""
    allowed = ", ".join(repr(c) for c in choices)
    if not isinstance(v, str):
        raise TypeError(f"{name}: expected a str, one of {allowed}, got {_kind(v)}")
    if v not in choices:
        raise ValueError(f"{name}: expected one of {allowed}, got {v!r}")
    return v


def check_text(name: str, v: Any, *, allow_empty: bool = False) -> str:
    """A str (a text, a prompt): TypeError for anything else, ValueError for an empty one unless allowed."""
    if not isinstance(v, str):
        raise TypeError(f"{name}: expected a str, got {_kind(v)}")
    if not v and not allow_empty:
        raise ValueError(f"{name}: expected at least one character, got an empty string")
    return v


# --------------------------------------------------------------------------
# torch tensors (the torch backend); torch is imported only when called
# --------------------------------------------------------------------------


def as_float_tensor(name: str, a: Any) -> Any:
    """A floating-point ``torch.Tensor`` without NaN or infinity, returned as is.

    TypeError: a NumPy array (with the hint to convert it), anything else that
    is not a tensor, an integer or bool tensor. ValueError: NaN or infinity.
    Huge finite values (1e300 in float64) pass: the math saturates.
    """
    import numpy as np
    import torch

    if isinstance(a, np.ndarray):
        raise TypeError(
            f"{name}: expected a torch.Tensor, got a NumPy array of shape {fmt(a.shape)} "
            "(convert it with torch.from_numpy, or use lstm_tutorial.numpy)"
        )

    def all_finite(t: Any) -> bool:
        # subtle: NaN and inf survive a sum, so one fast reduction settles the usual
        # case; only a non-finite sum (which a huge but finite tensor can also give)
        # pays for the elementwise check. No gradient is recorded for either.
        with torch.no_grad():
            return bool(torch.isfinite(t.sum())) or bool(torch.isfinite(t).all())

    check_array(name, a, torch.Tensor, lambda t: t.is_floating_point(), all_finite)
    return a


def check_same_kind(name: str, a: Any, ref_name: str, ref: Any) -> None:
    """TypeError unless tensor ``a`` has the dtype and device of ``ref`` (nothing is promoted)."""
    if a.dtype != ref.dtype:
        raise TypeError(
            f"{name}: dtype {a.dtype} does not match {ref_name} ({ref.dtype}); convert one of them "
            f"with .to({ref.dtype}) or .to({a.dtype}) (this backend does not promote dtypes)"
        )
    if a.device != ref.device:
        raise TypeError(
            f"{name}: is on device {a.device} but {ref_name} is on {ref.device}; move one of them with .to(device)"
        )


def check_keys(name: str, d: Any, keys: Sequence[str], what: str) -> None:
    """ValueError unless the mapping ``d`` has exactly the keys ``keys`` (``what``: whose keys, for the message)."""
    missing = [k for k in keys if k not in d]
    extra = [k for k in d if k not in keys]
    if missing or extra:
        raise ValueError(
            f"{name}: expected the keys {tuple(keys)} for {what}, "
            + (f"missing {tuple(missing)}" if missing else "")
            + ("; " if missing and extra else "")
            + (f"unexpected {tuple(extra)}" if extra else "")
        )


def check_choices(name: str, v: Any, choices: Sequence[str]) -> tuple[str, ...]:
    """A non-empty sequence of distinct strings among ``choices`` (TypeError for a lone string)."""
    if isinstance(v, (str, bytes)) or not isinstance(v, Sequence):
        raise TypeError(f"{name}: expected a sequence of names among {tuple(choices)}, got {_kind(v)}")
    out = tuple(check_choice(name, s, choices) for s in v)
    if not out:
        raise ValueError(f"{name}: expected at least one of {tuple(choices)}, got none")
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: each name at most once, got {out}")
    return out


def check_loop_options(eval_every: Any, progress: Any, desc: Any, blas_threads: Any) -> tuple[Any, bool, Any, Any]:
    """The options every training loop of the package takes: ``eval_every`` (an int >= 1 or None),
    ``progress`` (a bool), ``desc`` (a str or None) and ``blas_threads`` (an int >= 1 or None)."""
    if eval_every is not None:
        eval_every = check_int("eval_every", eval_every, 1)
    progress = check_bool("progress", progress)
    if desc is not None and not isinstance(desc, str):
        raise TypeError(f"desc: expected a str or None, got {type(desc).__name__}")
    if blas_threads is not None:
        blas_threads = check_int("blas_threads", blas_threads, 1)
    return eval_every, progress, desc, blas_threads


def as_index_tensor(name: str, a: Any, *, ndim: int, maximum: int) -> Any:
    """An integer ``torch.Tensor`` of ids (tokens) with ``ndim`` axes and values in ``[0, maximum]``, as int64.

    TypeError: a NumPy array (with the hint to convert it), anything else that
    is not a tensor, a float or bool tensor. ValueError: the wrong number of
    axes, or an id out of range.
    """
    import numpy as np
    import torch

    if isinstance(a, np.ndarray):
        raise TypeError(
            f"{name}: expected a torch.Tensor of ids, got a NumPy array of shape {fmt(a.shape)} "
            "(convert it with torch.from_numpy)"
        )
    if not isinstance(a, torch.Tensor):
        raise TypeError(f"{name}: expected a torch.Tensor of ids, got {_kind(a)}")
    if a.is_floating_point() or a.is_complex() or a.dtype == torch.bool:
        raise TypeError(f"{name}: expected an integer tensor of ids, got dtype {a.dtype} with shape {fmt(a.shape)}")
    if a.dim() != ndim:
        raise shape_error(name, "(T, B)" if ndim == 2 else f"{ndim} axes", a.shape)
    if a.numel():
        lo, hi = int(a.min()), int(a.max())
        if lo < 0 or hi > maximum:
            raise ValueError(f"{name}: expected values {_bound(0, maximum)}, got min {lo} and max {hi}")
    return a.long()


def check_float_pair(name: str, v: Any, minimum: float | None = None, maximum: float | None = None, *,
                     open_min: bool = False, open_max: bool = False) -> tuple[float, float]:
    """A tuple or list of two numbers, each as ``check_float`` wants it (``name[0]``, ``name[1]`` in messages)."""
    if not isinstance(v, (tuple, list)):
        raise TypeError(f"{name}: expected a pair of numbers, got {_kind(v)}")
    if len(v) != 2:
        raise ValueError(f"{name}: expected a pair of numbers, got {len(v)} of them")
    return (check_float(f"{name}[0]", v[0], minimum, maximum, open_min=open_min, open_max=open_max),
            check_float(f"{name}[1]", v[1], minimum, maximum, open_min=open_min, open_max=open_max))


def check_instance(name: str, v: Any, cls: type) -> Any:
    """TypeError unless ``v`` is an instance of ``cls`` (a model the function was written for)."""
    if not isinstance(v, cls):
        raise TypeError(f"{name}: expected a {cls.__name__}, got {_kind(v)}")
    return v


def check_token_batches(xs_name: str, xs: Any, ys_name: str, ys: Any, vocab_size: int) -> tuple[Any, Any]:
    """Inputs and targets of a language model, as ``data.language_model_batches`` lays them out.

    Both int64 NumPy arrays of the same shape ``(n_batches, T, B)``, each axis
    >= 1, ids in ``[0, vocab_size - 1]``. TypeError: not an integer array (or
    list). ValueError: another number of axes, an empty axis, different
    shapes, an id out of range.
    """
    import numpy as np

    xs = as_int_array(xs_name, xs, ndim=3, minimum=0, maximum=vocab_size - 1)
    ys = as_int_array(ys_name, ys, ndim=3, minimum=0, maximum=vocab_size - 1)
    if min(xs.shape) < 1:
        raise shape_error(xs_name, "(n_batches, T, B), each >= 1", xs.shape)
    if ys.shape != xs.shape:
        raise shape_error(ys_name, fmt(xs.shape) + f" like {xs_name}", ys.shape)
    return np.asarray(xs, np.int64), np.asarray(ys, np.int64)


def check_tensor_or_tuple(name: str, v: Any) -> None:
    """TypeError unless ``v`` is a ``torch.Tensor`` or a non-empty tuple of them (an RNN's or an LSTM's state)."""
    import torch

    if isinstance(v, tuple) and v and all(isinstance(s, torch.Tensor) for s in v):
        return
    if not isinstance(v, torch.Tensor):
        raise TypeError(f"{name}: expected a torch.Tensor or a tuple of them, got {_kind(v)}")


def check_recurrent_state(name: str, state: Any, pair: bool, shape: Sequence[int]) -> None:
    """A recurrent layer's state: None, a float tensor of ``shape`` or, with ``pair``, a pair ``(h, C)`` of them.

    TypeError: not a tensor (or not a pair for an LSTM, a pair for an RNN), an
    integer tensor. ValueError: a wrong shape, NaN or infinity.
    """
    if state is None:
        return
    if pair:
        parts = dict(zip((f"{name}[0]", f"{name}[1]"), unpack_state(state, name)))
    elif isinstance(state, (tuple, list)):
        raise TypeError(f"{name}: expected one tensor h (an RNN's state), got {_kind(state)}")
    else:
        parts = {name: state}
    for part_name, s in parts.items():
        as_float_tensor(part_name, s)
        if tuple(s.shape) != tuple(shape):
            raise shape_error(part_name, fmt(shape) + " (layers, batch, hidden)", s.shape)
