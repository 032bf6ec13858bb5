"""Shared helpers of the NumPy-backend tests: random parameters and shapes.

Every parameter is a normal draw, biases included (never the initialiser, never
zero biases: a swapped bias must change the numbers), in float64.
"""

from __future__ import annotations

import numpy as np

from lstm_tutorial import numpy as lt

# (T, batch, input_size, hidden_size); batch None means unbatched input.
# Includes T=1, B=1, hidden size 1, input size 1 and unbatched sequences.
SHAPES = [
    (1, 1, 1, 1),
    (1, None, 1, 1),
    (3, None, 1, 1),
    (1, 2, 3, 2),
    (4, 1, 2, 3),
    (3, 2, 4, 3),
    (5, None, 2, 3),
    (2, 3, 1, 2),
    (4, 2, 3, 1),
]


def shape_id(shape: tuple) -> str:
    T, B, D, H = shape
    return f"T{T}-B{'none' if B is None else B}-D{D}-H{H}"


def lstm_params(rng: np.random.Generator, D: int, H: int, scale: float = 1.0) -> lt.LSTMParams:
    """Normal draws for every weight and bias (no field is zero)."""
    Ws = [scale * rng.standard_normal((H, H + D)) for _ in range(4)]  # 4 x (H, H + D)
    bs = [scale * rng.standard_normal(H) for _ in range(4)]  # 4 x (H,)
    return lt.LSTMParams(*Ws, *bs)


def rnn_params(rng: np.random.Generator, D: int, H: int, scale: float = 1.0) -> lt.RNNParams:
    return lt.RNNParams(
        W_h=scale * rng.standard_normal((H, H)),
        W_x=scale * rng.standard_normal((H, D)),
        b_h=scale * rng.standard_normal(H),
    )


def seq(rng: np.random.Generator, T: int, B: int | None, D: int) -> np.ndarray:
    return rng.standard_normal((T, D) if B is None else (T, B, D))


def state(rng: np.random.Generator, B: int | None, H: int) -> np.ndarray:
    return rng.standard_normal((H,) if B is None else (B, H))


def as32(params):
    """The same parameters in float32."""
    return type(params)(*[np.asarray(a, dtype=np.float32) for a in params])
