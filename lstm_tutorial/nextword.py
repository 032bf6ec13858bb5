"""Chapter 11's next-word model on human numbers: a 2-layer RNN or LSTM that predicts every next token.

``from lstm_tutorial import nextword``

What is here:

* ``NextWord``: an embedding, ``torch.nn.RNN`` or ``torch.nn.LSTM`` layers
  and one output neuron per token at every step;
* ``detach``: the state with its gradient cut, kept as a value (truncated
  backpropagation through time);
* ``accuracy``: the share of next tokens predicted right, the state carried
  from batch to batch;
* ``fit``: the training of Howard and Gugger's chapter 12 (*Deep Learning for
  Coders with fastai and PyTorch*): AdamW with a little weight decay and a
  one-cycle learning rate, the state carried across batches, the validation
  accuracy after every epoch.

The chapter shows this code and trains one model with it;
``scripts/ch11_language_model.py`` trains every setting and seed with the same
functions and writes ``lstm_tutorial/datasets/ch11_language_model.csv``.

What is left out: dropout, weight tying and the activation penalties (chapter
13's ``lstm_tutorial.regularize``), fastai's ``Learner`` and callbacks.
Everything runs on a CPU; on one thread with
``torch.use_deterministic_algorithms(True)`` a rerun gives the same numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor

from lstm_tutorial import _validate as V

__all__ = ["NextWord", "accuracy", "detach", "fit"]

KINDS = ("rnn", "lstm")


class NextWord(torch.nn.Module):
    """Embedding -> 2-layer RNN or LSTM -> an output neuron per token, every step.

    Taught in chapter 11.

    For token ids ``x`` of shape (T, B): ``embed(x)`` (T, B, hidden), the
    recurrent layers' outputs ``hs`` (T, B, hidden), the logits ``out(hs)``
    (T, B, vocab_size). The weights start as torch's modules start them,
    drawn from torch's global generator (seed it first).

    Parameters
    ----------
    kind : {"rnn", "lstm"}
        ``torch.nn.RNN`` (tanh) or ``torch.nn.LSTM`` layers.
    vocab_size : int
        Number of tokens V, >= 1.
    hidden : int, default 64
        Units of every layer, also the embedding size.
    layers : int, default 2
        Number of stacked recurrent layers L, >= 1.
    """

    def __init__(self, kind: str, vocab_size: int, hidden: int = 64, layers: int = 2) -> None:
        super().__init__()
        self.kind = V.check_choice("kind", kind, KINDS)
        self.vocab_size = V.check_int("vocab_size", vocab_size, 1)
        self.hidden = V.check_int("hidden", hidden, 1)
        self.layers = V.check_int("layers", layers, 1)
        self.embed = torch.nn.Embedding(self.vocab_size, self.hidden)
        recurrent = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM}[self.kind]
        self.cells = recurrent(self.hidden, self.hidden, num_layers=self.layers)
        self.out = torch.nn.Linear(self.hidden, self.vocab_size)

    def forward(self, x: Tensor, state: Any = None) -> tuple[Tensor, Any]:
        """Logits of the next token at every step, and the final state.

        Parameters
        ----------
        x : Tensor, shape (T, B), integer
            Token ids, each in ``0 .. vocab_size - 1``.
        state : Tensor (L, B, hidden), pair of them, or None
            The RNN's ``h`` or the LSTM's ``(h, C)`` to start from, as the
            previous call returned it; None starts from zeros.

        Returns
        -------
        logits : Tensor, shape (T, B, vocab_size)
        state : Tensor (L, B, hidden) for the RNN, pair ``(h, C)`` of them for the LSTM
        """
        x = V.as_index_tensor("x", x, ndim=2, maximum=self.vocab_size - 1)
        V.check_recurrent_state("state", state, self.kind == "lstm", (self.layers, x.shape[1], self.hidden))
        hs, state = self.cells(self.embed(x), state)  # (T, B, hidden)
        return self.out(hs), state  # logits (T, B, vocab)


def detach(state: Any) -> Any:
    """Cut the gradient at the batch boundary; keep the values (the memory).

    Taught in chapter 11.

    Parameters
    ----------
    state : Tensor, or tuple of Tensor
        The RNN's ``h`` (L, B, H) or the LSTM's ``(h, C)``, each (L, B, H).

    Returns
    -------
    Tensor, or tuple of Tensor
        The same values, with no gradient history.
    """
    V.check_tensor_or_tuple("state", state)
    if isinstance(state, tuple):  # the LSTM's (h, C)
        return tuple(s.detach() for s in state)
    return state.detach()  # the RNN's h


def accuracy(model: NextWord, xs: np.ndarray, ys: np.ndarray) -> float:
    """Share of next tokens predicted right, the state carried across batches.

    Taught in chapter 11.

    Parameters
    ----------
    model : NextWord
    xs, ys : ndarray, shape (n_batches, T, B), int
        Inputs and next-token targets, from ``data.language_model_batches``.

    Returns
    -------
    float
        Targets that are the model's most probable token, as a share of all, in [0, 1].
    """
    V.check_instance("model", model, NextWord)
    xs, ys = V.check_token_batches("xs", xs, "ys", ys, model.vocab_size)
    state, right = None, 0
    with torch.no_grad():
        for x, y in zip(torch.from_numpy(xs), torch.from_numpy(ys)):
            logits, state = model(x, state)
            right += int((logits.argmax(-1) == y).sum())
    return right / ys.size


def fit(
    kind: str,
    vocab_size: int,
    xs_train: np.ndarray,
    ys_train: np.ndarray,
    xs_valid: np.ndarray,
    ys_valid: np.ndarray,
    *,
    lr: float,
    seed: int,
    epochs: int = 15,
) -> tuple[NextWord, list[float]]:
    """Train one model; return it and its validation accuracy after every epoch.

    Taught in chapter 11.

    ``torch.manual_seed(seed)`` draws the initial weights. AdamW (beta_2 =
    0.99, weight decay 0.01) with ``OneCycleLR``: a quarter of the updates
    warming up to ``lr``, then down to almost 0, while Adam's beta_1 goes
    from 0.95 to 0.85 and back. Every epoch starts from a zero state, which
    runs on through the batches, detached at each boundary.

    Parameters
    ----------
    kind : {"rnn", "lstm"}
    vocab_size : int
        Number of tokens V, >= 1.
    xs_train, ys_train : ndarray, shape (n_batches, T, B), int
        Training batches, from ``data.language_model_batches``.
    xs_valid, ys_valid : ndarray, shape (m_batches, T', B'), int
        Validation batches.
    lr : float
        Peak learning rate, > 0.
    seed : int
        Seed of the initial weights, >= 0.
    epochs : int, default 15

    Returns
    -------
    model : NextWord
        The trained model.
    history : list of float, length ``epochs``
        ``accuracy(model, xs_valid, ys_valid)`` after every epoch.
    """
    V.check_choice("kind", kind, KINDS)
    vocab_size = V.check_int("vocab_size", vocab_size, 1)
    xs_train, ys_train = V.check_token_batches("xs_train", xs_train, "ys_train", ys_train, vocab_size)
    V.check_token_batches("xs_valid", xs_valid, "ys_valid", ys_valid, vocab_size)
    lr = V.check_float("lr", lr, 0, open_min=True)
    seed, epochs = V.check_int("seed", seed, 0), V.check_int("epochs", epochs, 1)
    torch.manual_seed(seed)
    model = NextWord(kind, vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.99), weight_decay=0.01)  # beta_1: the schedule's
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=lr, total_steps=epochs * len(xs_train),
        pct_start=0.25, final_div_factor=1e5,
    )
    history = []
    for _ in range(epochs):
        state = None  # a fresh memory at the start of the text
        for x, y in zip(torch.from_numpy(xs_train), torch.from_numpy(ys_train)):
            logits, state = model(x, state)
            state = detach(state)  # truncated BPTT: gradients stop, memory goes on
            flat = logits.reshape(-1, vocab_size)  # (T * B, vocab)
            loss = torch.nn.functional.cross_entropy(flat, y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        history.append(accuracy(model, xs_valid, ys_valid))
    return model, history
