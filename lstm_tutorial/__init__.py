"""lstm_tutorial: the companion package of the book *LSTM, from one neuron to a trained model*.

Two backends share one vocabulary (the article's notation, see the book's
table of symbols)::

    from lstm_tutorial import numpy as lt   # NumPy, explicit backward pass (BPTT)
    from lstm_tutorial import torch as lt   # PyTorch tensors, autograd does backward

What is here, one module per job:

* ``numpy``: the NumPy backend, the RNN and the LSTM with their backward
  passes (``*_forward``/``*_backward``) and the probes of how far back a
  gradient reaches (``input_influence``, ``gradient_by_distance``);
* ``torch``: the PyTorch backend, the same functions over tensors, and the
  converters to and from ``torch.nn.LSTM``/``torch.nn.RNN``;
* ``torch_models``: ``LSTMModel``, a ``torch.nn.Module`` with the article's
  parameter names;
* ``gradcheck``: finite-difference gradient checks;
* ``train``: losses with their gradients, Adam, clipping and a training loop
  in NumPy; ``charmodel``: a character-level language model built on them;
* ``data``: the book's data sets and task generators; ``nextword``: chapter
  11's next-word RNN and LSTM on human numbers and their training;
* ``demos``: the pure functions under the book's sliders (numbers in, numbers
  out); ``widgets``: the ipywidgets sliders that wrap them; ``explorer``:
  sliders that work on the static website;
* ``diagram``: the LSTM cell and the unrolled network, drawn; ``plot``: the
  figures of numbers;
* ``notebook``: ``glue``, which hands a computed number to the page's prose.

This package itself holds only ``LSTMParams``, ``RNNParams`` (shared by both
backends) and ``__version__``: importing ``lstm_tutorial`` imports neither
NumPy nor PyTorch; pick a backend by importing its submodule.
"""

from lstm_tutorial._params import LSTMParams, RNNParams

__all__ = ["LSTMParams", "RNNParams", "__version__"]
__version__ = "0.1.0"
