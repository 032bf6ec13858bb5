"""A ``torch.nn.Module`` whose parameters carry the article's names.

``from lstm_tutorial.torch_models import LSTMModel``

What is here: ``LSTMModel``, one LSTM layer with the article's output neuron
at every step, for training with ``torch.optim`` (chapter 10). Its forward
pass is the torch backend's ``lstm`` (``lstm_tutorial.torch``), and its cell
starts from the NumPy backend's ``init_lstm_params`` for the same seed.

What is left out: a plain-RNN twin (no chapter trains one with torch; the
NumPy ``train`` module compares the two), stacks of layers and anything else
``torch.nn.LSTM`` offers: ``to_torch_lstm(model.params())`` hands a reader
over to it.

This module imports ``lstm_tutorial.torch``; that module does not import this
one, so there is no import circle.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from lstm_tutorial import numpy as _np_backend
from lstm_tutorial._params import LSTMParams
from lstm_tutorial.torch import _lstm  # lstm, with errors that say model.W_f, not params.W_f
from lstm_tutorial.train import _init_output  # the output neuron's one initialisation, shared with init_classifier

__all__ = ["LSTMModel"]


def _parameter(a: np.ndarray, dtype: torch.dtype | None, device: Any) -> nn.Parameter:
    return nn.Parameter(torch.tensor(a, dtype=dtype or torch.get_default_dtype(), device=device))


class LSTMModel(nn.Module):
    """One LSTM layer with the article's output neuron at every step.

    Taught in chapter 10 (The same cell in PyTorch, in an exercise).

    ``y^_t = sigmoid(W_y h_t + b_y)`` for every step of ``hs, _ = lstm(xs, state, params)``.
    The parameters are ``nn.Parameter``s named as in the article (``W_f``,
    ``W_i``, ``W_c``, ``W_o``, ``b_f``, ``b_i``, ``b_c``, ``b_o``, ``W_y``,
    ``b_y``), so ``model.W_f.grad`` is the gradient of the forget gate's
    weights and ``model.state_dict()`` reads like the book. The forward pass is
    the torch backend's ``lstm``.

    Parameters
    ----------
    input_size : int
        Number of input features D.
    hidden_size : int
        Number of hidden units H.
    output_size : int, default 1
        Number of output neurons K (1: the article's single neuron).
    seed : int, default 0
        The cell starts from ``init_lstm_params(input_size, hidden_size, seed)``
        (the NumPy backend's values); ``W_y, b_y`` are drawn uniform in
        ``[-1/sqrt(H), 1/sqrt(H)]`` from ``np.random.default_rng([seed, 1])``.
        torch's global random generator is not used.
    forget_bias : float, optional
        Passed to ``init_lstm_params`` (chapter 9).
    dtype, device : optional
        Of the parameters; default ``torch.get_default_dtype()`` on the CPU.

    Examples
    --------
    >>> model = LSTMModel(input_size=1, hidden_size=8)
    >>> y_hat, (h_n, c_n) = model(torch.zeros(20, 4, 1))   # (T, B, D) -> (T, B, 1)
    >>> y_hat.shape
    torch.Size([20, 4, 1])
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int = 1,
        seed: int = 0,
        *,
        forget_bias: float | None = None,
        dtype: torch.dtype | None = None,
        device: Any = None,
    ) -> None:
        super().__init__()
        cell = _np_backend.init_lstm_params(input_size, hidden_size, seed, forget_bias=forget_bias)
        for name, a in zip(LSTMParams._fields, cell):
            setattr(self, name, _parameter(a, dtype, device))
        W_y, b_y = _init_output(hidden_size, output_size, seed)
        self.W_y = _parameter(W_y, dtype, device)  # (K, H)
        self.b_y = _parameter(b_y, dtype, device)  # (K,)

    def params(self) -> LSTMParams:
        """The cell's parameters as an ``LSTMParams`` of this module's ``nn.Parameter`` objects (not copies)."""
        return LSTMParams(self.W_f, self.W_i, self.W_c, self.W_o, self.b_f, self.b_i, self.b_c, self.b_o)

    def forward(
        self, xs: Tensor, state: tuple[Tensor, Tensor] | None = None, *, logits: bool = False
    ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """Predict at every step.

        Parameters
        ----------
        xs : Tensor, shape (T, B, D) or (T, D)
        state : pair ``(h0, c0)`` of Tensor, each (B, H) or (H,), or None for zeros
        logits : bool, default False
            Return ``W_y h_t + b_y`` before the sigmoid, for
            ``torch.nn.BCEWithLogitsLoss`` (more accurate than a log of a
            sigmoid that has rounded to 0 or 1).

        Returns
        -------
        y_hat : Tensor, shape (T, B, K) or (T, K)
            ``sigmoid(W_y h_t + b_y)`` at every step (or the logits).
        (h_n, c_n) : pair of Tensor, each (B, H) or (H,)
            The final state, to carry into the next chunk of a long sequence.
        """
        hs, state_n = _lstm(xs, state, self.params(), "model")  # (T, B, H)
        z = torch.nn.functional.linear(hs, self.W_y, self.b_y)  # (T, B, K)
        return (z if logits else torch.sigmoid(z)), state_n

    def extra_repr(self) -> str:
        H = self.W_f.shape[0]
        return f"input_size={self.W_f.shape[1] - H}, hidden_size={H}, output_size={self.W_y.shape[0]}"
