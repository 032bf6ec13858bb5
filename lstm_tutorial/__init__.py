"""lstm_tutorial: the companion package of the book *LSTM, from one neuron to a trained model*.

Two backends share one vocabulary (the article's notation, see the book's
table of symbols)::

    from lstm_tutorial import numpy as lt   # NumPy, explicit backward pass (BPTT)
    from lstm_tutorial import torch as lt   # PyTorch tensors, autograd does backward

Importing ``lstm_tutorial`` itself imports neither NumPy nor PyTorch: pick a
backend by importing its submodule. Plot and widget helpers live in
``lstm_tutorial.plot`` and ``lstm_tutorial.widgets``.
"""

from lstm_tutorial._params import LSTMParams, RNNParams

__all__ = ["LSTMParams", "RNNParams", "__version__"]
__version__ = "0.1.0"
