"""Training in plain NumPy: losses with their gradients, Adam, clipping, minibatches, a loop.

``from lstm_tutorial import train``

What is here
------------
* losses that return ``(loss, dlogits)``, computed from logits so they never
  take the log of a sigmoid that rounded to 0: ``bce_with_logits`` (the
  article's single sigmoid output neuron) and ``softmax_cross_entropy``
  (several output neurons, one class each);
* ``output_neuron_backward``: the gradient through ``z = W_y h + b_y``;
* a small sequence classifier built from the NumPy backend: ``init_classifier``
  (cell + output neuron), ``last_step_logits``, ``last_step_loss`` (forward,
  loss and backward through time at once) and ``accuracy``;
* ``Adam`` (the same update as ``torch.optim.Adam``), ``clip_grad_norm``,
  ``iterate_minibatches`` and ``train``, a loop with a tqdm progress bar that
  returns a history of the loss;
* ``gradient_by_distance``: how much the last state still feels an input
  (or an earlier state) k steps back, the measurement behind "vanishing
  gradients".

Parameters and gradients are *trees* of float arrays: an ``LSTMParams`` or
``RNNParams``, a dict of arrays, or a dict/tuple nesting them (the classifier is
``{"cell": LSTMParams, "W_y": ..., "b_y": ...}``). Gradients have the same
structure as the parameters.

What is left out
----------------
Weight decay, learning-rate schedules, other optimisers, early stopping and
checkpoints: ``torch.optim`` has them all (chapter 10). Everything here is for
the book's small models, where a reader can follow each update.

Shapes are time-major as in the rest of the package: a batch of sequences is
``(T, B, D)``.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from lstm_tutorial import numpy as lt
from lstm_tutorial._params import LSTMParams, RNNParams

__all__ = [
    "Adam",
    "accuracy",
    "bce_with_logits",
    "clip_grad_norm",
    "gradient_by_distance",
    "init_classifier",
    "iterate_minibatches",
    "last_step_logits",
    "last_step_loss",
    "output_neuron_backward",
    "softmax_cross_entropy",
    "train",
]

Array = np.ndarray
Tree = Any  # an ndarray, or a NamedTuple / dict / list / tuple of trees

# --------------------------------------------------------------------------
# Trees of arrays: LSTMParams, RNNParams, dicts, and nestings of them
# --------------------------------------------------------------------------


def _leaves(tree: Tree, path: str) -> list[tuple[str, Array]]:
    """Every array of ``tree`` with a readable name (``params['cell'].W_f``), in a fixed order."""
    if isinstance(tree, np.ndarray):
        return [(path, tree)]
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):  # LSTMParams, RNNParams
        items = [(f"{path}.{k}", v) for k, v in zip(tree._fields, tree)]
    elif isinstance(tree, Mapping):
        items = [(f"{path}[{k!r}]", v) for k, v in tree.items()]
    elif isinstance(tree, (list, tuple)):
        items = [(f"{path}[{k}]", v) for k, v in enumerate(tree)]
    else:
        raise TypeError(
            f"{path}: expected an ndarray, or an LSTMParams/RNNParams/dict/list/tuple of them, "
            f"got {type(tree).__name__}"
        )
    return [leaf for name, v in items for leaf in _leaves(v, name)]


def _map(fn: Callable[[Array], Array], tree: Tree) -> Tree:
    """Apply ``fn`` to every array of ``tree``; return a tree of the same structure."""
    if isinstance(tree, np.ndarray):
        return fn(tree)
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return type(tree)(*(_map(fn, v) for v in tree))
    if isinstance(tree, Mapping):
        return {k: _map(fn, v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_map(fn, v) for v in tree)
    raise TypeError(f"expected an ndarray or a NamedTuple/dict/list/tuple of them, got {type(tree).__name__}")


def _float_array(name: str, a: Any) -> Array:
    if not isinstance(a, np.ndarray) or a.dtype not in (np.float32, np.float64):
        what = f"an array of dtype {a.dtype}" if isinstance(a, np.ndarray) else type(a).__name__
        raise TypeError(f"{name}: expected a float32 or float64 ndarray, got {what}")
    return a


def _matching_leaves(grads: Tree, like: list[tuple[str, Array]]) -> list[Array]:
    """The arrays of ``grads``, checked to mirror the parameter leaves ``like``."""
    g = _leaves(grads, "grads")
    if len(g) != len(like):
        raise ValueError(f"grads: expected {len(like)} arrays (one per parameter), got {len(g)}")
    for (gname, ga), (pname, pa) in zip(g, like):
        _float_array(gname, ga)
        if ga.shape != pa.shape:
            raise ValueError(f"{gname}: expected shape {pa.shape} like {pname}, got {ga.shape}")
        if not np.isfinite(ga).all():
            raise ValueError(f"{gname}: contains NaN or infinity (shape {ga.shape})")
    return [a for _, a in g]


# --------------------------------------------------------------------------
# Losses, computed from logits
# --------------------------------------------------------------------------


def bce_with_logits(logits: Any, targets: Any) -> tuple[float, Array]:
    """Binary cross-entropy of sigmoid outputs, from the logits, and its gradient.

    With ``p = sigmoid(z)`` the output neuron's prediction, the loss of one
    entry is ``-(y log p + (1 - y) log(1 - p))``. Written with the logit ``z``
    it is ``max(z, 0) - z y + log(1 + exp(-|z|))``: no exponential overflows
    and no ``log(0)`` even for ``|z| = 1000``. Its derivative is the famous
    ``p - y``.

    Parameters
    ----------
    logits : ndarray, any shape
        ``z = W_y h + b_y``, before the sigmoid.
    targets : ndarray, shape of ``logits``
        Labels in [0, 1] (usually 0.0 or 1.0).

    Returns
    -------
    loss : float
        The mean over all entries.
    dlogits : ndarray, shape of ``logits``
        ``dloss/dz = (sigmoid(z) - y) / N`` with N the number of entries.

    Taught in chapter 8; ``torch.nn.BCEWithLogitsLoss`` computes the same.
    """
    z = _float_array("logits", logits)
    y = np.asarray(targets, dtype=z.dtype)
    if y.shape != z.shape:
        raise ValueError(f"targets: expected shape {z.shape} like logits, got {y.shape}")
    if not (np.isfinite(z).all() and np.all((y >= 0) & (y <= 1))):
        raise ValueError("logits/targets: logits must be finite and targets in [0, 1]")
    n = max(z.size, 1)
    per_entry = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))  # (...)
    dlogits = (lt.sigmoid(z) - y) / n  # (...)
    return float(per_entry.sum() / n), dlogits


def softmax_cross_entropy(logits: Any, targets: Any) -> tuple[float, Array]:
    """Cross-entropy of a softmax over the last axis, from the logits, and its gradient.

    ``loss = -log softmax(z)[y]``, with the log-softmax computed as
    ``z - max(z) - log(sum(exp(z - max(z))))`` so nothing overflows.

    Parameters
    ----------
    logits : ndarray, shape (..., K)
        One logit per class, e.g. ``(B, K)`` or ``(T, B, K)``.
    targets : ndarray of int, shape (...)
        The class index of each entry, in ``0 .. K-1``.

    Returns
    -------
    loss : float
        The mean over all entries of ``targets``.
    dlogits : ndarray, shape (..., K)
        ``(softmax(z) - onehot(y)) / N``.

    Taught with the applications of chapter 11; ``torch.nn.CrossEntropyLoss``
    computes the same.
    """
    z = _float_array("logits", logits)
    y = np.asarray(targets)
    if z.ndim < 1 or y.shape != z.shape[:-1]:
        raise ValueError(f"targets: expected shape {z.shape[:-1]} (logits without the class axis), got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"targets: expected integer class indices, got dtype {y.dtype}")
    K = z.shape[-1]
    if y.size and (y.min() < 0 or y.max() >= K):
        raise ValueError(f"targets: class indices must lie in [0, {K - 1}], got {y.min()} .. {y.max()}")
    if not np.isfinite(z).all():
        raise ValueError(f"logits: contains NaN or infinity (shape {z.shape})")
    n = max(y.size, 1)
    shifted = z - z.max(axis=-1, keepdims=True)  # (..., K)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # (..., K)
    picked = np.take_along_axis(log_p, y[..., None], axis=-1)  # (..., 1)
    dlogits = np.exp(log_p)  # softmax (..., K)
    np.put_along_axis(dlogits, y[..., None], np.exp(picked) - 1.0, axis=-1)  # minus onehot(y)
    return float(-picked.sum() / n), dlogits / n


# --------------------------------------------------------------------------
# The output neuron and a sequence classifier (cell + output neuron)
# --------------------------------------------------------------------------


def output_neuron_backward(dlogits: Any, h: Any, W_y: Any) -> tuple[Array, Array, Array]:
    """Backward pass of the output neuron's pre-activation ``z = h W_y^T + b_y``.

    Parameters
    ----------
    dlogits : ndarray, shape (..., K)
        Gradient of the loss with respect to the logits ``z`` (from a loss above).
    h : ndarray, shape (..., H)
        The hidden states the neuron read (``(B, H)``, or ``(T, B, H)`` for every step).
    W_y : ndarray, shape (K, H)

    Returns
    -------
    dW_y : ndarray, shape (K, H)
        ``sum over entries of dz^T h``.
    db_y : ndarray, shape (K,)
        ``sum over entries of dz``.
    dh : ndarray, shape (..., H)
        ``dz W_y``: the gradient handed to the cell's backward pass.

    Taught in chapter 8.
    """
    dz, h, W_y = _float_array("dlogits", dlogits), _float_array("h", h), _float_array("W_y", W_y)
    if W_y.ndim != 2 or h.ndim < 1 or W_y.shape[1] != h.shape[-1]:
        raise ValueError(f"W_y: expected shape (K, {h.shape[-1] if h.ndim else 'H'}) to match h, got {W_y.shape}")
    if dz.shape != h.shape[:-1] + (W_y.shape[0],):
        raise ValueError(f"dlogits: expected shape {h.shape[:-1] + (W_y.shape[0],)} (h's batch, K), got {dz.shape}")
    dz2 = dz.reshape(-1, W_y.shape[0])  # (N, K)
    h2 = h.reshape(-1, W_y.shape[1])  # (N, H)
    return dz2.T @ h2, dz2.sum(axis=0), dz @ W_y  # (K, H), (K,), (..., H)


def init_classifier(
    kind: str,
    input_size: int,
    hidden_size: int,
    output_size: int = 1,
    seed: int = 0,
    *,
    forget_bias: float | None = None,
) -> dict[str, Any]:
    """A recurrent cell with the article's output neuron reading its last hidden state.

    Parameters
    ----------
    kind : {"lstm", "rnn"}
    input_size, hidden_size : int
    output_size : int, default 1
        K output neurons: 1 for a yes/no answer (sigmoid, ``bce_with_logits``),
        K > 1 for K classes (softmax, ``softmax_cross_entropy``).
    seed : int, default 0
        The cell is ``init_lstm_params``/``init_rnn_params(input_size, hidden_size, seed)``;
        ``W_y, b_y`` are uniform in ``[-1/sqrt(H), 1/sqrt(H)]`` from
        ``np.random.default_rng([seed, 1])``, the same draws as
        ``lstm_tutorial.torch_models.LSTMModel`` with this seed.
    forget_bias : float, optional
        LSTM only: the initial forget-gate bias (chapter 9).

    Returns
    -------
    dict
        ``{"cell": LSTMParams or RNNParams, "W_y": (K, H), "b_y": (K,)}``.

    Taught in chapter 8.
    """
    if kind == "lstm":
        cell: LSTMParams | RNNParams = lt.init_lstm_params(input_size, hidden_size, seed, forget_bias=forget_bias)
    elif kind == "rnn":
        if forget_bias is not None:
            raise ValueError("forget_bias: an RNN has no forget gate; leave it None for kind='rnn'")
        cell = lt.init_rnn_params(input_size, hidden_size, seed)
    else:
        raise ValueError(f"kind: expected 'lstm' or 'rnn', got {kind!r}")
    if isinstance(output_size, bool) or not isinstance(output_size, (int, np.integer)) or output_size < 1:
        raise ValueError(f"output_size: expected a positive int, got {output_size!r}")
    rng = np.random.default_rng([seed, 1])
    k = 1.0 / math.sqrt(hidden_size)
    W_y = rng.uniform(-k, k, (output_size, hidden_size))  # (K, H)
    b_y = rng.uniform(-k, k, output_size)  # (K,)
    return {"cell": cell, "W_y": W_y, "b_y": b_y}


def _check_model(model: Any) -> LSTMParams | RNNParams:
    if not isinstance(model, Mapping) or set(model) != {"cell", "W_y", "b_y"}:
        raise TypeError("model: expected the dict {'cell', 'W_y', 'b_y'} of init_classifier")
    cell = model["cell"]
    if not isinstance(cell, (LSTMParams, RNNParams)):
        raise TypeError(f"model['cell']: expected LSTMParams or RNNParams, got {type(cell).__name__}")
    return cell


def _forward(model: Mapping[str, Any], xs: Any) -> tuple[Array, Any, Callable[[Array], Any]]:
    """Run the cell over batched ``xs``; return ``hs``, the cache and the matching backward."""
    cell = _check_model(model)
    if np.ndim(xs) != 3:
        raise ValueError(f"xs: expected a batch of sequences of shape (T, B, D), got {np.shape(xs)}")
    if isinstance(cell, LSTMParams):
        hs, _, cache = lt.lstm_forward(xs, None, cell)
        return hs, cache, lambda dhs: lt.lstm_backward(dhs, cache)
    hs, _, cache = lt.rnn_forward(xs, None, cell)
    return hs, cache, lambda dhs: lt.rnn_backward(dhs, cache)


def last_step_logits(model: Mapping[str, Any], xs: Any) -> Array:
    """The output neuron's logits at the last step, ``W_y h_T + b_y``.

    Parameters
    ----------
    model : dict
        From ``init_classifier``.
    xs : ndarray, shape (T, B, D)

    Returns
    -------
    ndarray, shape (B, K)
        Apply ``lt.sigmoid`` for the article's prediction ``y^_T`` (K = 1).

    Taught in chapter 8.
    """
    hs, _, _ = _forward(model, xs)
    return hs[-1] @ model["W_y"].T + model["b_y"]  # (B, K)


def last_step_loss(model: Mapping[str, Any], xs: Any, ys: Any) -> tuple[float, dict[str, Any]]:
    """Loss of the prediction at the last step, and its gradient for every parameter.

    Forward through the cell, the output neuron on ``h_T``, the loss, then
    back: ``output_neuron_backward`` gives ``dL/dh_T``, which is the only
    non-zero row of ``dhs`` handed to ``lstm_backward``/``rnn_backward``.

    Parameters
    ----------
    model : dict
        From ``init_classifier``.
    xs : ndarray, shape (T, B, D)
    ys : ndarray, shape (B,)
        With one output neuron: labels 0.0/1.0 (``bce_with_logits``).
        With K > 1: integer classes (``softmax_cross_entropy``).

    Returns
    -------
    loss : float
    grads : dict
        Same structure as ``model``: ``{"cell": ..., "W_y": ..., "b_y": ...}``.

    Taught in chapter 8; trained in chapter 9.
    """
    hs, _, backward = _forward(model, xs)
    h_T = hs[-1]  # (B, H)
    logits = h_T @ model["W_y"].T + model["b_y"]  # (B, K)
    ys = np.asarray(ys)
    if ys.shape != logits.shape[:1]:
        raise ValueError(f"ys: expected shape ({logits.shape[0]},), one target per sequence, got {ys.shape}")
    if logits.shape[1] == 1:
        loss, dz1 = bce_with_logits(logits[:, 0], ys)  # (B,)
        dlogits = dz1[:, None]  # (B, 1)
    else:
        loss, dlogits = softmax_cross_entropy(logits, ys)  # (B, K)
    dW_y, db_y, dh_T = output_neuron_backward(dlogits, h_T, model["W_y"])
    dhs = np.zeros_like(hs)  # (T, B, H): only the last step is read by the loss
    dhs[-1] = dh_T
    dcell = backward(dhs)[0]
    return loss, {"cell": dcell, "W_y": dW_y, "b_y": db_y}


def accuracy(model: Mapping[str, Any], xs: Any, ys: Any) -> float:
    """Fraction of sequences whose last-step prediction is right.

    One output neuron: predicted label ``1`` when the logit is > 0 (``y^ > 0.5``).
    K > 1: the class with the largest logit.

    Parameters
    ----------
    model : dict
        From ``init_classifier``.
    xs : ndarray, shape (T, B, D)
    ys : ndarray, shape (B,)

    Returns
    -------
    float in [0, 1]

    Taught in chapter 9.
    """
    logits = last_step_logits(model, xs)  # (B, K)
    pred = (logits[:, 0] > 0).astype(float) if logits.shape[1] == 1 else logits.argmax(axis=1)  # (B,)
    ys = np.asarray(ys)
    if ys.shape != pred.shape:
        raise ValueError(f"ys: expected shape {pred.shape}, got {ys.shape}")
    return float(np.mean(pred == ys))


# --------------------------------------------------------------------------
# Optimisation
# --------------------------------------------------------------------------


class Adam:
    """The Adam optimiser (Kingma & Ba 2015), updating NumPy arrays in place.

    For every parameter array ``p`` with gradient ``g``, at step ``t = 1, 2, ...``::

        m = beta1 m + (1 - beta1) g               running mean of the gradient
        v = beta2 v + (1 - beta2) g^2             running mean of its square
        p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    This is exactly ``torch.optim.Adam``'s update (without weight decay); the
    tests compare the two over several steps. Dividing by ``sqrt(v)`` makes
    the step size about ``lr`` whatever the scale of the gradient, which is
    why Adam copes with gradients that differ by orders of magnitude between
    the gates.

    Parameters
    ----------
    params : tree of float ndarrays
        An ``LSTMParams``/``RNNParams``, a dict of arrays, or the classifier
        dict of ``init_classifier``. The arrays are updated **in place**, so
        every reference to them (the model dict, a notebook variable) sees
        the new values.
    lr : float, default 1e-3
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8

    Attributes
    ----------
    t : int
        Number of steps taken.
    m, v : list of ndarray
        The running means, one per parameter array (in ``params`` order).

    Examples
    --------
    >>> params = lt.init_lstm_params(2, 4)
    >>> opt = Adam(params, lr=0.01)
    >>> grads = lt.LSTMParams(*(np.ones_like(p) for p in params))
    >>> params = opt.step(grads)   # same object, arrays changed in place

    Taught in chapter 8.
    """

    def __init__(
        self, params: Tree, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        if not (isinstance(lr, (int, float)) and lr > 0):
            raise ValueError(f"lr: expected a positive number, got {lr!r}")
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"betas: expected two numbers in [0, 1), got {betas!r}")
        if not eps >= 0:
            raise ValueError(f"eps: expected a number >= 0, got {eps!r}")
        self._named = _leaves(params, "params")
        if not self._named:
            raise ValueError("params: expected at least one array, got an empty structure")
        for name, p in self._named:
            _float_array(name, p)
            if not p.flags.writeable:
                raise ValueError(f"{name}: is read-only; Adam updates parameters in place")
        self.params = params
        self.lr, self.betas, self.eps = float(lr), (float(betas[0]), float(betas[1])), float(eps)
        self.t = 0
        self.m = [np.zeros_like(p) for _, p in self._named]
        self.v = [np.zeros_like(p) for _, p in self._named]

    def step(self, grads: Tree) -> Tree:
        """Take one Adam step with ``grads`` (same structure and shapes as ``params``).

        Returns
        -------
        The ``params`` object given to the constructor, whose arrays now hold
        the updated values.
        """
        gs = _matching_leaves(grads, self._named)
        self.t += 1
        beta1, beta2 = self.betas
        step_size = self.lr / (1.0 - beta1**self.t)  # bias correction of m
        bc2_sqrt = math.sqrt(1.0 - beta2**self.t)  # bias correction of v
        for (_, p), g, m, v in zip(self._named, gs, self.m, self.v):
            m *= beta1
            m += (1.0 - beta1) * g
            v *= beta2
            v += (1.0 - beta2) * (g * g)
            p -= step_size * m / (np.sqrt(v) / bc2_sqrt + self.eps)
        return self.params


def clip_grad_norm(grads: Tree, max_norm: float) -> tuple[Tree, float]:
    """Scale all gradients down together when their global norm exceeds ``max_norm``.

    The global norm is ``sqrt(sum of g^2 over every entry of every array)``.
    If it is above ``max_norm``, every array is multiplied by
    ``max_norm / norm``, so the clipped norm is exactly ``max_norm`` and the
    direction of the step is unchanged; otherwise the gradients are returned
    unchanged (as copies).

    Parameters
    ----------
    grads : tree of float ndarrays
        Same kinds of structure as ``Adam`` accepts.
    max_norm : float
        Positive.

    Returns
    -------
    clipped : tree
        New arrays, same structure as ``grads``.
    norm : float
        The global norm *before* clipping (worth logging: spikes show up here).

    Notes
    -----
    ``torch.nn.utils.clip_grad_norm_`` scales by ``max_norm / (norm + 1e-6)``
    and works in place; here the factor has no ``1e-6``, so clipping is exact.

    Taught in chapter 8.
    """
    if isinstance(max_norm, bool) or not isinstance(max_norm, (int, float)) or not max_norm > 0:
        raise ValueError(f"max_norm: expected a positive number, got {max_norm!r}")
    leaves = _leaves(grads, "grads")
    for name, g in leaves:
        _float_array(name, g)
    norm = math.sqrt(sum(float(np.sum(g * g)) for _, g in leaves))
    scale = max_norm / norm if norm > max_norm else 1.0
    return _map(lambda g: g * scale, grads), norm


def iterate_minibatches(
    xs: Any, ys: Any, batch_size: int, *, seed: Any = 0, shuffle: bool = True, drop_last: bool = False
) -> Iterator[tuple[Array, Array]]:
    """One pass over a data set in minibatches, in a seeded random order.

    Parameters
    ----------
    xs : ndarray, shape (T, N, ...)
        Time-major sequences: the batch axis is axis 1.
    ys : ndarray, shape (N, ...)
        Targets: the batch axis is axis 0.
    batch_size : int
    seed : int or sequence of ints, default 0
        Anything ``np.random.default_rng`` accepts; the same seed gives the
        same order. ``train`` passes ``(seed, epoch)``.
    shuffle : bool, default True
        False keeps the order 0 .. N-1.
    drop_last : bool, default False
        Skip a last batch smaller than ``batch_size``.

    Yields
    ------
    (xs_batch, ys_batch) : ndarray (T, b, ...) and ndarray (b, ...)
        Copies, with ``b = batch_size`` except maybe for the last batch.

    Taught in chapter 8.
    """
    xs, ys = np.asarray(xs), np.asarray(ys)
    if xs.ndim < 2:
        raise ValueError(f"xs: expected time-major sequences (T, N, ...), got shape {xs.shape}")
    N = xs.shape[1]
    if ys.ndim < 1 or ys.shape[0] != N:
        raise ValueError(f"ys: expected {N} targets along axis 0 (xs has N={N} on axis 1), got shape {ys.shape}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size: expected a positive int, got {batch_size!r}")
    order = np.random.default_rng(seed).permutation(N) if shuffle else np.arange(N)  # (N,)
    stop = N - N % batch_size if drop_last else N
    for start in range(0, stop, batch_size):
        idx = order[start : start + batch_size]  # (b,)
        yield xs[:, idx], ys[idx]


def train(
    loss_and_grad: Callable[[Tree, Array, Array], tuple[float, Tree]],
    params: Tree,
    xs: Any,
    ys: Any,
    *,
    steps: int,
    batch_size: int = 32,
    lr: float = 1e-2,
    optimizer: Adam | None = None,
    max_norm: float | None = 1.0,
    seed: int = 0,
    evaluate: Callable[[Tree], Mapping[str, float]] | None = None,
    eval_every: int | None = None,
    progress: bool = True,
    desc: str | None = None,
    blas_threads: int | None = 1,
) -> dict[str, list[float]]:
    """Minibatch training: ``steps`` updates of ``params`` with Adam and gradient clipping.

    Each step takes the next minibatch (a new seeded order every epoch),
    computes ``loss, grads = loss_and_grad(params, xs_batch, ys_batch)``,
    clips the gradients to a global norm of ``max_norm`` and lets the
    optimiser update ``params`` in place.

    Parameters
    ----------
    loss_and_grad : callable ``(params, xs_batch, ys_batch) -> (loss, grads)``
        E.g. ``last_step_loss``.
    params : tree of float ndarrays
        Updated in place.
    xs : ndarray, shape (T, N, D)
    ys : ndarray, shape (N, ...)
    steps : int
        Number of updates.
    batch_size : int, default 32
    lr : float, default 1e-2
        Learning rate of the default ``Adam(params, lr)``.
    optimizer : Adam, optional
        Use this one instead (its ``params`` must be ``params``).
    max_norm : float or None, default 1.0
        Clip the global gradient norm to this; None does not clip.
    seed : int, default 0
        Seeds the order of the minibatches (epoch ``e`` uses ``(seed, e)``).
    evaluate : callable ``params -> {name: value}``, optional
        Called every ``eval_every`` steps and after the last step, e.g. the
        accuracy on held-out data.
    eval_every : int, optional
        Default: only after the last step.
    progress : bool, default True
        Show a tqdm progress bar (``tqdm.auto``: a widget in notebooks).
    desc : str, optional
        Label of the progress bar.
    blas_threads : int or None, default 1
        Threads of the BLAS library (NumPy's matrix products) during the loop,
        when ``threadpoolctl`` is installed; None leaves them alone. The
        book's matrices are tiny, and there extra threads cost more than they
        save: on 2 cores, training the LSTM of chapter 9 took 2.7 times the
        CPU time with 2 threads and more wall time too. The results are the
        same either way; the setting is restored when the loop ends.

    Returns
    -------
    dict of lists
        ``"loss"`` and ``"grad_norm"`` (before clipping) for every step;
        ``"eval_step"`` and one list per key returned by ``evaluate``.

    Taught in chapter 8; used in chapter 9.
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps: expected a positive int, got {steps!r}")
    if eval_every is not None and (not isinstance(eval_every, (int, np.integer)) or eval_every < 1):
        raise ValueError(f"eval_every: expected a positive int or None, got {eval_every!r}")
    opt = optimizer if optimizer is not None else Adam(params, lr=lr)
    if opt.params is not params:
        raise ValueError("optimizer: was built for other parameters than params")
    history: dict[str, list[float]] = {"loss": [], "grad_norm": []}
    epoch, batches = 0, iterate_minibatches(xs, ys, batch_size, seed=(seed, 0))
    bar = tqdm(range(1, steps + 1), desc=desc, disable=not progress, leave=True)
    with _blas_threads(blas_threads):
        for step in bar:
            batch = next(batches, None)
            if batch is None:  # end of an epoch: a new order
                epoch += 1
                batches = iterate_minibatches(xs, ys, batch_size, seed=(seed, epoch))
                batch = next(batches)
            loss, grads = loss_and_grad(params, *batch)
            if not math.isfinite(loss):
                raise FloatingPointError(f"loss is {loss} at step {step}: lower lr or set max_norm")
            if max_norm is not None:
                grads, norm = clip_grad_norm(grads, max_norm)
            else:
                norm = math.sqrt(sum(float(np.sum(g * g)) for _, g in _leaves(grads, "grads")))
            opt.step(grads)
            history["loss"].append(float(loss))
            history["grad_norm"].append(norm)
            if evaluate is not None and ((eval_every and step % eval_every == 0) or step == steps):
                history.setdefault("eval_step", []).append(step)
                for name, value in evaluate(params).items():
                    history.setdefault(name, []).append(float(value))
            if step % 10 == 0 or step == steps:
                bar.set_postfix(loss=f"{np.mean(history['loss'][-10:]):.3f}", refresh=False)
    bar.close()
    return history


def _blas_threads(n: int | None) -> contextlib.AbstractContextManager[Any]:
    """Limit the BLAS threads inside a ``with`` block (no-op without threadpoolctl or for None)."""
    if n is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: only speed depends on it
        return contextlib.nullcontext()
    return threadpool_limits(limits=n, user_api="blas")


# --------------------------------------------------------------------------
# Measuring vanishing gradients
# --------------------------------------------------------------------------


def gradient_by_distance(cell: LSTMParams | RNNParams, xs: Any, wrt: str = "input") -> Array:
    """How strongly the last step still depends on what happened k steps earlier.

    Entry ``k`` is the norm of a gradient that crosses ``k`` steps backwards,
    averaged over the sequences of the batch:

    * ``wrt="input"``: ``|d(sum of h_T) / d x_{T-k}|``, for every ``k`` from one
      backward pass (the loss of a last-step prediction reads ``h_T`` only,
      so this is the path its gradient takes to each input);
    * ``wrt="state"``: the recurrent path itself: ``|d(sum of C_T) / d C_{T-k}|``
      for an LSTM (the long-term memory), ``|d(sum of h_T) / d h_{T-k}|`` for an
      RNN. Entry 0 is ``sqrt(H)`` (a state's derivative with respect to itself
      is the identity). Costs T forward and backward passes.

    Parameters
    ----------
    cell : LSTMParams or RNNParams
        Chooses the model.
    xs : ndarray, shape (T, B, D) or (T, D)
    wrt : {"input", "state"}

    Returns
    -------
    ndarray, shape (T,)
        Indexed by the distance ``k = T - t`` (0 is the last step).

    Taught in chapter 8 (memory path vs. recurrent weight) and chapter 9.
    """
    if not isinstance(cell, (LSTMParams, RNNParams)):
        raise TypeError(f"cell: expected LSTMParams or RNNParams, got {type(cell).__name__}")
    if wrt not in ("input", "state"):
        raise ValueError(f"wrt: expected 'input' or 'state', got {wrt!r}")
    is_lstm = isinstance(cell, LSTMParams)
    if np.ndim(xs) == 2:  # unbatched (T, D): one sequence
        xs = np.asarray(xs)[:, None, :]  # (T, 1, D)
    if is_lstm:
        hs, _, cache = lt.lstm_forward(xs, None, cell)
    else:
        hs, _, cache = lt.rnn_forward(xs, None, cell)
    T, B, H = hs.shape
    if wrt == "input":
        dhs = np.zeros_like(hs)  # (T, B, H)
        dhs[-1] = 1.0  # d(sum of h_T)
        dxs = (lt.lstm_backward(dhs, cache) if is_lstm else lt.rnn_backward(dhs, cache))[1]  # (T, B, D)
        return np.linalg.norm(dxs, axis=2).mean(axis=1)[::-1].copy()  # (T,) by distance
    out = np.empty(T)
    out[0] = math.sqrt(H)
    ones = np.ones((B, H))  # (B, H)
    for k in range(1, T):
        t = T - k  # 1-based step of the state we differentiate with respect to
        rest = xs[t:]  # steps t+1 .. T, (k, B, D)
        if is_lstm:
            state = (cache.h[t - 1], cache.c[t - 1])  # (h_t, C_t)
            hs_k, _, c_k = lt.lstm_forward(rest, state, cell)
            d_state = lt.lstm_backward(np.zeros_like(hs_k), c_k, dstate=(np.zeros((B, H)), ones))[2][1]
        else:
            hs_k, _, c_k = lt.rnn_forward(rest, cache.h[t - 1], cell)
            d_state = lt.rnn_backward(np.zeros_like(hs_k), c_k, dh_n=ones)[2]
        out[k] = float(np.linalg.norm(d_state, axis=1).mean())  # (B, H) -> mean norm
    return out
