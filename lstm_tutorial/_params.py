"""Parameter containers shared by both backends.

This module imports neither NumPy nor torch: the same two classes hold NumPy
arrays in ``lstm_tutorial.numpy`` and tensors in ``lstm_tutorial.torch``, so a
reader's code that builds or reads parameters works with either backend.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class LSTMParams(NamedTuple):
    """Weights and biases of one LSTM cell, in the article's notation.

    Taught in chapter 2 (the cell) and chapters 3-5 (one part each).

    Every gate is a sigmoid (or, for the candidate, tanh) neuron acting on the
    concatenation ``[h_{t-1}, x_t]``: hidden part first, then input part.

    Attributes
    ----------
    W_f, W_i, W_c, W_o : array, shape (hidden_size, hidden_size + input_size)
        Weights of the forget gate, input gate, candidate memory and output
        gate. Columns ``[:hidden_size]`` multiply ``h_{t-1}``, the rest
        multiply ``x_t``.
    b_f, b_i, b_c, b_o : array, shape (hidden_size,)
        The matching biases.
    """

    W_f: Any
    W_i: Any
    W_c: Any
    W_o: Any
    b_f: Any
    b_i: Any
    b_c: Any
    b_o: Any

    @property
    def hidden_size(self) -> int:
        """Number of hidden units H (rows of every weight matrix)."""
        return int(self.W_f.shape[0])

    @property
    def input_size(self) -> int:
        """Number of input features D (columns of W after the first H)."""
        return int(self.W_f.shape[1]) - self.hidden_size


class RNNParams(NamedTuple):
    """Weights and biases of a plain (Elman) RNN cell with tanh activation.

    Taught in chapter 1.

    ``h_t = tanh(W_h h_{t-1} + W_x x_t + b_h)``

    Attributes
    ----------
    W_h : array, shape (hidden_size, hidden_size)
        Recurrent weights (the "memory" path of chapter 1).
    W_x : array, shape (hidden_size, input_size)
        Input weights.
    b_h : array, shape (hidden_size,)
        Bias.
    """

    W_h: Any
    W_x: Any
    b_h: Any

    @property
    def hidden_size(self) -> int:
        """Number of hidden units H."""
        return int(self.W_h.shape[0])

    @property
    def input_size(self) -> int:
        """Number of input features D."""
        return int(self.W_x.shape[1])
