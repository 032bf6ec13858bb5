"""A regularised LSTM language model, the recipe of chapter 13 one piece at a time.

``from lstm_tutorial import regularize``

What is here:

* ``RegularizedLM``: an embedding, a stack of LSTM layers (two in the book)
  and a decoder with one output neuron per token, with four optional dropouts
  (whole rows of the embedding, the layer inputs, between the layers, the
  last layer's output) and optional weight tying (the decoder's weight *is*
  the embedding's);
* ``activation_regularization`` (AR) and ``temporal_activation_regularization``
  (TAR), the two penalties that Merity, Keskar and Socher (2017, "Regularizing
  and optimizing LSTM language models", the AWD-LSTM) add to the loss;
* ``fit_language_model``: chapter 11's training loop (state carried across
  batches, gradients cut at the batch boundary, AdamW with decoupled weight
  decay, a one-cycle learning rate) with AR and TAR added to the loss, and
  ``evaluate_language_model`` for the validation loss and accuracy.

Howard and Gugger's chapter 12 (*Deep Learning for Coders with fastai and
PyTorch*) trains the same model on human numbers with one dropout on the
output, AR, TAR, tied weights and weight decay; the book measures each piece.

What is left out:

AWD-LSTM's DropConnect on the hidden-to-hidden weights, its averaged SGD
(NT-ASGD) and random sequence lengths; fastai's ``Learner``, callbacks and
mixed precision. Everything runs on ``torch.nn.LSTM`` layers on a CPU.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn
from torch.nn import functional as F

from lstm_tutorial import _validate as V

__all__ = [
    "RegularizedLM",
    "activation_regularization",
    "evaluate_language_model",
    "fit_language_model",
    "temporal_activation_regularization",
]

State = tuple[Tensor, Tensor]


def activation_regularization(h_drop: Tensor, alpha: float) -> Tensor:
    """AR: ``alpha * mean(h^2)``, the penalty on large activations of the last layer, after its dropout.

    Taught in chapter 13.

    The mean runs over every step, sequence and unit. Dropped units are 0
    and the kept ones are scaled by ``1 / (1 - p)``, as the decoder sees them
    (Merity et al. 2017; fastai's ``RNNRegularizer``).

    Parameters
    ----------
    h_drop : Tensor, shape (T, B, H) or (T, H), floating point
        The last LSTM layer's outputs after the output dropout.
    alpha : float
        The weight of the penalty, >= 0 (0 switches it off).

    Returns
    -------
    Tensor, shape ()
        ``alpha * (h_drop ** 2).mean()``, with a gradient if ``h_drop`` has one.
    """
    h_drop = _check_sequence("h_drop", h_drop)
    alpha = V.check_float("alpha", alpha, 0)
    return alpha * h_drop.pow(2).mean()  # ()


def temporal_activation_regularization(h_raw: Tensor, beta: float) -> Tensor:
    """TAR: ``beta * mean((h_t - h_{t-1})^2)``, the penalty on fast changes of the last layer's output.

    Taught in chapter 13.

    Computed on the outputs before dropout (dropout's noise is no change of
    the hidden state) and over the ``T - 1`` pairs of neighbouring steps of
    every sequence and unit. A sequence of one step has no pair: the penalty
    is then 0.

    Parameters
    ----------
    h_raw : Tensor, shape (T, B, H) or (T, H), floating point
        The last LSTM layer's outputs before the output dropout, time first.
    beta : float
        The weight of the penalty, >= 0 (0 switches it off).

    Returns
    -------
    Tensor, shape ()
        ``beta * ((h_raw[1:] - h_raw[:-1]) ** 2).mean()``.
    """
    h_raw = _check_sequence("h_raw", h_raw)
    beta = V.check_float("beta", beta, 0)
    if h_raw.shape[0] < 2:
        return h_raw.sum() * 0.0  # (): no pair of steps (keeps the graph and the dtype)
    step = h_raw[1:] - h_raw[:-1]  # (T-1, B, H): h_t - h_{t-1}
    return beta * step.pow(2).mean()  # ()


def _check_sequence(name: str, h: Any) -> Tensor:
    h = V.as_float_tensor(name, h)
    if h.dim() not in (2, 3) or h.shape[0] < 1:
        raise V.shape_error(name, "(T, B, H) or (T, H) with T >= 1", h.shape)
    return h


def _locked_dropout(x: Tensor, p: float) -> Tensor:
    """Dropout with one mask per sequence and unit, the same at every step (Gal and Ghahramani 2016)."""
    keep = x.new_empty((1, *x.shape[1:])).bernoulli_(1.0 - p)  # (1, B, H): one mask for all T
    return x * keep / (1.0 - p)  # (T, B, H)


class RegularizedLM(nn.Module):
    """Embedding, stacked LSTM layers and a decoder, with the dropouts and the weight tying of AWD-LSTM.

    Taught in chapter 13.

    For the token ids ``x`` of shape (T, B)::

        e     = embedding(x)                       (T, B, H)   rows of W_e dropped with p = embed_dropout
        e     = locked_dropout(e, input_dropout)
        h^1   = LSTM_1(e)                          (T, B, H)
        h^1   = locked_dropout(h^1, hidden_dropout)   ... and so on between the layers
        h_raw = LSTM_L(h^{L-1})                    (T, B, H)   the last layer's output
        h_drop = dropout(h_raw, output_dropout)    (T, B, H)   a fresh mask for every entry
        logits = h_drop W_d^T + b_d                (T, B, V)

    Embedding dropout zeroes whole rows of the embedding matrix (a dropped
    token has a zero vector wherever it occurs in the batch) and scales the
    rest by ``1 / (1 - p)``; *locked* dropout keeps one mask for all the steps
    of a sequence. The output dropout is plain ``torch.nn.functional.dropout``,
    as in Howard and Gugger's ``LMModel7``. All dropouts act only in training
    mode (``model.train()``). With ``tie_weights=True`` the decoder's weight is
    the embedding's own ``nn.Parameter`` W_e (V, H): one tensor, updated once,
    so the embedding size is the hidden size. The decoder keeps its bias.

    Every parameter starts as torch's modules start it (the embedding from
    N(0, 1), the LSTM and the decoder uniform), drawn with ``seed``; torch's
    global random generator is left as it was.

    Parameters
    ----------
    vocab_size : int
        Number of tokens V, >= 1.
    hidden_size : int, default 64
        Units H of every layer, also the embedding size.
    num_layers : int, default 2
        Number of stacked LSTM layers L, >= 1.
    embed_dropout, input_dropout, hidden_dropout, output_dropout : float, default 0.0
        Dropout probabilities, each in [0, 1).
    tie_weights : bool, default False
        Share one weight matrix between the embedding and the decoder.
    seed : int, default 0
        Seed of the initial weights (an int >= 0).

    Examples
    --------
    >>> model = RegularizedLM(30, output_dropout=0.4, tie_weights=True)
    >>> logits, state, h_raw, h_drop = model(torch.zeros(16, 64, dtype=torch.long))
    >>> tuple(logits.shape), tuple(state[0].shape), model.decoder.weight is model.embedding.weight
    ((16, 64, 30), (2, 64, 64), True)
    """

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int = 64,
        num_layers: int = 2,
        *,
        embed_dropout: float = 0.0,
        input_dropout: float = 0.0,
        hidden_dropout: float = 0.0,
        output_dropout: float = 0.0,
        tie_weights: bool = False,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.vocab_size = V.check_int("vocab_size", vocab_size, 1)
        self.hidden_size = V.check_int("hidden_size", hidden_size, 1)
        self.num_layers = V.check_int("num_layers", num_layers, 1)
        self.embed_dropout = V.check_float("embed_dropout", embed_dropout, 0, 1, open_max=True)
        self.input_dropout = V.check_float("input_dropout", input_dropout, 0, 1, open_max=True)
        self.hidden_dropout = V.check_float("hidden_dropout", hidden_dropout, 0, 1, open_max=True)
        self.output_dropout = V.check_float("output_dropout", output_dropout, 0, 1, open_max=True)
        self.tie_weights = V.check_bool("tie_weights", tie_weights)
        seed = V.check_int("seed", seed, 0)
        H = self.hidden_size
        with torch.random.fork_rng(devices=[]):  # draw the weights from seed, leave the caller's generator alone
            torch.manual_seed(seed)
            self.embedding = nn.Embedding(self.vocab_size, H)  # W_e: (V, H)
            self.layers = nn.ModuleList(nn.LSTM(H, H) for _ in range(self.num_layers))
            self.decoder = nn.Linear(H, self.vocab_size)  # W_d: (V, H), b_d: (V,)
        if self.tie_weights:
            self.decoder.weight = self.embedding.weight  # subtle: the same Parameter object, not a copy

    def forward(self, x: Tensor, state: State | None = None) -> tuple[Tensor, State, Tensor, Tensor]:
        """Logits of the next token at every step, and what AR and TAR need.

        Parameters
        ----------
        x : Tensor, shape (T, B), integer
            Token ids, each in ``0 .. vocab_size - 1``.
        state : pair ``(h0, c0)`` of Tensor, each (L, B, H), or None for zeros
            As ``torch.nn.LSTM`` takes it: layer ``l`` starts from ``h0[l], c0[l]``.

        Returns
        -------
        logits : Tensor, shape (T, B, V)
        state : pair ``(h_n, c_n)`` of Tensor, each (L, B, H)
            The final state of every layer, to carry into the next batch.
        h_raw : Tensor, shape (T, B, H)
            The last layer's outputs before the output dropout (for TAR).
        h_drop : Tensor, shape (T, B, H)
            The same after the output dropout (for AR); ``h_raw`` itself in eval mode.
        """
        x = V.as_index_tensor("x", x, ndim=2, maximum=self.vocab_size - 1)  # (T, B) int64
        T, B = x.shape
        H, L = self.hidden_size, self.num_layers
        if state is not None:
            h0, c0 = V.unpack_state(state)
            for name, s in (("state[0]", h0), ("state[1]", c0)):
                V.as_float_tensor(name, s)
                if tuple(s.shape) != (L, B, H):
                    raise V.shape_error(name, V.fmt((L, B, H)) + " (layers, batch, hidden)", s.shape)
        W_e = self.embedding.weight  # (V, H)
        if self.training and self.embed_dropout > 0:
            keep = W_e.new_empty((self.vocab_size, 1)).bernoulli_(1.0 - self.embed_dropout)  # (V, 1)
            W_e = W_e * keep / (1.0 - self.embed_dropout)  # (V, H): whole rows dropped
        h = F.embedding(x, W_e)  # (T, B, H)
        if self.training and self.input_dropout > 0:
            h = _locked_dropout(h, self.input_dropout)  # (T, B, H)
        h_n, c_n = [], []
        for l, layer in enumerate(self.layers):
            layer_state = None if state is None else (state[0][l : l + 1], state[1][l : l + 1])  # (1, B, H) each
            h, (h_l, c_l) = layer(h, layer_state)  # (T, B, H)
            h_n.append(h_l)
            c_n.append(c_l)
            if l < L - 1 and self.training and self.hidden_dropout > 0:
                h = _locked_dropout(h, self.hidden_dropout)  # (T, B, H)
        h_raw = h  # (T, B, H)
        h_drop = F.dropout(h_raw, self.output_dropout, self.training)  # (T, B, H)
        logits = self.decoder(h_drop)  # (T, B, V)
        return logits, (torch.cat(h_n), torch.cat(c_n)), h_raw, h_drop

    def extra_repr(self) -> str:
        drops = ", ".join(
            f"{name}={getattr(self, name):g}"
            for name in ("embed_dropout", "input_dropout", "hidden_dropout", "output_dropout")
            if getattr(self, name)
        )
        return f"tie_weights={self.tie_weights}" + (f", {drops}" if drops else "")


def _detach(state: State) -> State:
    return state[0].detach(), state[1].detach()


def _check_batches(xs: Any, ys: Any, xs_name: str, ys_name: str, vocab_size: int) -> None:
    V.as_int_array(xs_name, xs, ndim=3, minimum=0, maximum=vocab_size - 1)
    V.as_int_array(ys_name, ys, ndim=3, minimum=0, maximum=vocab_size - 1)
    if ys.shape != xs.shape:
        raise V.shape_error(ys_name, V.fmt(xs.shape) + f" like {xs_name}", ys.shape)
    if xs.shape[0] < 1 or xs.shape[1] < 1 or xs.shape[2] < 1:
        raise V.shape_error(xs_name, "(n_batches, T, B), each >= 1", xs.shape)


def evaluate_language_model(model: RegularizedLM, xs: np.ndarray, ys: np.ndarray) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of the next token, the state carried across batches (eval mode, no dropout).

    Taught in chapter 13.

    The state starts from zeros at batch 0 and flows on, as
    ``data.language_model_batches`` lays the stream out. The model is left
    in the mode it was in.

    Parameters
    ----------
    model : RegularizedLM
    xs, ys : ndarray, shape (n_batches, T, B), int
        Inputs and next-token targets, from ``data.language_model_batches``.

    Returns
    -------
    loss : float
        Mean cross-entropy (nats per token) over every target.
    accuracy : float
        Share of targets that are the model's most probable token, in [0, 1].
    """
    if not isinstance(model, RegularizedLM):
        raise TypeError(f"model: expected a RegularizedLM, got {type(model).__name__}")
    _check_batches(xs, ys, "xs", "ys", model.vocab_size)
    was_training = model.training
    model.eval()
    state, total, right = None, 0.0, 0
    with torch.no_grad():
        for x, y in zip(torch.from_numpy(np.asarray(xs, np.int64)), torch.from_numpy(np.asarray(ys, np.int64))):
            logits, state, _, _ = model(x, state)  # (T, B, V)
            total += float(F.cross_entropy(logits.reshape(-1, model.vocab_size), y.reshape(-1), reduction="sum"))
            right += int((logits.argmax(-1) == y).sum())
    model.train(was_training)
    return total / ys.size, right / ys.size


def fit_language_model(
    model: RegularizedLM,
    xs_train: np.ndarray,
    ys_train: np.ndarray,
    xs_valid: np.ndarray,
    ys_valid: np.ndarray,
    *,
    epochs: int = 15,
    lr: float = 1e-2,
    weight_decay: float = 0.01,
    alpha: float = 0.0,
    beta: float = 0.0,
    momentum: tuple[float, float] = (0.95, 0.85),
    eps: float = 1e-8,
    seed: int = 0,
) -> dict[str, list[float]]:
    """Train with one-cycle AdamW, loss = cross-entropy + AR + TAR; score the validation batches after every epoch.

    Taught in chapter 13.

    Chapter 11's loop: every epoch starts from a zero state, which then runs
    on through the batches (detached at each boundary: truncated
    backpropagation through time). The optimiser is ``torch.optim.AdamW``
    (beta_2 = 0.99; decoupled weight decay ``p <- p - lr_t * weight_decay * p``
    on every parameter, tied or not), the schedule ``OneCycleLR`` (a quarter of
    the updates warming up from ``lr / 25`` to ``lr``, then a cosine down to
    ``lr / 2.5e6``, while beta_1 goes from ``momentum[0]`` down to
    ``momentum[1]`` and back), as fastai's ``fit_one_cycle``. The loss that is
    minimised is::

        cross_entropy(logits, y) + alpha * mean(h_drop^2) + beta * mean((h_raw[t] - h_raw[t-1])^2)

    Dropout masks are drawn from ``seed``; torch's global generator is left
    as it was. On one thread (``torch.set_num_threads(1)``) with
    ``torch.use_deterministic_algorithms(True)`` a rerun gives the same numbers.

    Parameters
    ----------
    model : RegularizedLM
        Trained in place (its dropouts set by its constructor).
    xs_train, ys_train : ndarray, shape (n_batches, T, B), int
        Training batches, from ``data.language_model_batches``.
    xs_valid, ys_valid : ndarray, shape (m_batches, T', B'), int
        Validation batches.
    epochs : int, default 15
    lr : float, default 1e-2
        Peak learning rate, > 0.
    weight_decay : float, default 0.01
        AdamW's decoupled weight decay, >= 0 (0.01 is fastai's default).
    alpha : float, default 0.0
        Weight of ``activation_regularization``, >= 0.
    beta : float, default 0.0
        Weight of ``temporal_activation_regularization``, >= 0.
    momentum : pair of float, default (0.95, 0.85)
        Adam's beta_1 at the start and end of training and at the peak of the
        learning rate, each in [0, 1): torch's and fastai's ``Learner``
        default; fastai's ``TextLearner`` uses (0.8, 0.7).
    eps : float, default 1e-8
        Adam's epsilon, > 0 (torch's default; fastai's is 1e-5).
    seed : int, default 0
        Seed of the dropout masks, >= 0.

    Returns
    -------
    dict of list of float, each of length ``epochs``
        ``"train_loss"`` (mean cross-entropy of the epoch's batches, without
        AR and TAR, with dropout on), ``"valid_loss"`` and ``"valid_accuracy"``
        (``evaluate_language_model`` after each epoch).
    """
    if not isinstance(model, RegularizedLM):
        raise TypeError(f"model: expected a RegularizedLM, got {type(model).__name__}")
    _check_batches(xs_train, ys_train, "xs_train", "ys_train", model.vocab_size)
    _check_batches(xs_valid, ys_valid, "xs_valid", "ys_valid", model.vocab_size)
    epochs = V.check_int("epochs", epochs, 1)
    lr = V.check_float("lr", lr, 0, open_min=True)
    weight_decay = V.check_float("weight_decay", weight_decay, 0)
    alpha = V.check_float("alpha", alpha, 0)
    beta = V.check_float("beta", beta, 0)
    max_momentum, base_momentum = V.check_float_pair("momentum", momentum, 0, 1, open_max=True)
    eps = V.check_float("eps", eps, 0, open_min=True)
    seed = V.check_int("seed", seed, 0)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(max_momentum, 0.99), eps=eps, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=lr, total_steps=epochs * len(xs_train), pct_start=0.25, final_div_factor=1e5,
        base_momentum=base_momentum, max_momentum=max_momentum,
    )
    xs_t = torch.from_numpy(np.asarray(xs_train, np.int64))  # (n, T, B)
    ys_t = torch.from_numpy(np.asarray(ys_train, np.int64))  # (n, T, B)
    history: dict[str, list[float]] = {"train_loss": [], "valid_loss": [], "valid_accuracy": []}
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for _ in range(epochs):
            model.train()
            state, losses = None, []
            for x, y in zip(xs_t, ys_t):
                logits, state, h_raw, h_drop = model(x, state)  # (T, B, V), ..., (T, B, H), (T, B, H)
                state = _detach(state)  # truncated BPTT: the gradient stops here, the memory goes on
                loss = F.cross_entropy(logits.reshape(-1, model.vocab_size), y.reshape(-1))
                total = loss
                if alpha > 0:
                    total = total + activation_regularization(h_drop, alpha)
                if beta > 0:
                    total = total + temporal_activation_regularization(h_raw, beta)
                opt.zero_grad()
                total.backward()
                opt.step()
                sched.step()
                losses.append(float(loss.detach()))
            valid_loss, valid_accuracy = evaluate_language_model(model, xs_valid, ys_valid)
            history["train_loss"].append(math.fsum(losses) / len(losses))
            history["valid_loss"].append(valid_loss)
            history["valid_accuracy"].append(valid_accuracy)
    model.eval()
    return history
