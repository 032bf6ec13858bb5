"""lstm_tutorial: the companion package of the book *LSTM, from one neuron to a trained model*.

Two backends share one vocabulary (the article's notation, see the book's
table of symbols)::

    from lstm_tutorial import numpy as lt   # NumPy, explicit backward pass (BPTT)
    from lstm_tutorial import torch as lt   # PyTorch tensors, autograd does backward

Importing ``lstm_tutorial`` itself imports neither NumPy nor PyTorch: pick a
backend by importing its submodule. The book's figures and sliders live in
``lstm_tutorial.diagram`` (the cell, the unrolled network), ``lstm_tutorial.plot``
(figures of numbers), ``lstm_tutorial.demos`` (the pure functions under the
sliders), ``lstm_tutorial.widgets`` (ipywidgets sliders) and
``lstm_tutorial.explorer`` (sliders that need no kernel).
"""

from lstm_tutorial._params import LSTMParams, RNNParams

__all__ = ["LSTMParams", "RNNParams", "__version__"]
__version__ = "0.1.0"
