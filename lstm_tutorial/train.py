"""Training in plain NumPy: losses with their gradients, Adam, clipping, minibatches, a loop.

``from lstm_tutorial import train``

What is here:

* ``bce_with_logits``: the loss of the article's sigmoid output neuron with
  its gradient ``(loss, dlogits)``, computed from the logit so it never takes
  the log of a sigmoid that rounded to 0 (chapter 8);
* ``output_neuron_backward``: the gradient through ``z = W_y h + b_y``;
* a small sequence classifier built from the NumPy backend: ``init_classifier``
  (cell + output neuron), ``last_step_loss`` (forward, loss and backward
  through time at once) and ``accuracy``; with K > 1 output neurons the loss
  is a softmax cross-entropy over K classes;
* ``Adam`` (the same update as ``torch.optim.Adam``), ``clip_grad_norm`` and
  ``train``, a loop over seeded minibatches with a tqdm progress bar that
  returns a history of the loss;
* ``first_step_experiment``: chapter 9's recipe for one run on the
  first-step task (data, training, held-out score), shared by the chapter
  and ``scripts/ch9_sweep.py``.

The measurement behind "vanishing gradients", ``gradient_by_distance``, lives
with ``input_influence`` in ``lstm_tutorial.numpy``: both probe how far back a
gradient reaches.

Parameters and gradients are *trees* of float arrays: an ``LSTMParams`` or
``RNNParams``, a dict of arrays, or a dict/tuple nesting them (the classifier is
``{"cell": LSTMParams, "W_y": ..., "b_y": ...}``). Gradients have the same
structure as the parameters.

What is left out:

Weight decay, learning-rate schedules, other optimisers, early stopping and
checkpoints: ``torch.optim`` has them all (chapter 10). Everything here is for
the book's small models, where a reader can follow each update.

Shapes are time-major as in the rest of the package: a batch of sequences is
``(T, B, D)``. Public functions check their arguments once (``_validate``:
TypeError for the wrong kind, ValueError for a wrong value); the private
helpers they share (``_bce``, ``_clip``, ...) do not check again.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from lstm_tutorial import _validate as V
from lstm_tutorial import numpy as lt
from lstm_tutorial._params import LSTMParams, RNNParams
from lstm_tutorial.data import first_step_task

__all__ = [
    "Adam",
    "accuracy",
    "bce_with_logits",
    "clip_grad_norm",
    "first_step_experiment",
    "init_classifier",
    "last_step_loss",
    "output_neuron_backward",
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


def _rebuild(tree: Tree, arrays: list[Array]) -> Tree:
    """A tree like ``tree`` holding ``arrays`` (in the order of ``_leaves``)."""
    it = iter(arrays)
    return _map(lambda _: next(it), tree)


def _float_leaves(tree: Tree, path: str) -> list[tuple[str, Array]]:
    """The leaves of ``tree``, each a finite float32/float64 ndarray (TypeError/ValueError naming it)."""
    return [(name, V.as_float_array(name, a)) for name, a in _leaves(tree, path)]


def _matching_leaves(grads: Tree, like: list[tuple[str, Array]]) -> list[Array]:
    """The arrays of ``grads``, checked to mirror the parameter leaves ``like``."""
    g = _float_leaves(grads, "grads")
    if len(g) != len(like):
        raise ValueError(f"grads: expected {len(like)} arrays (one per parameter), got {len(g)}")
    for (gname, ga), (pname, pa) in zip(g, like):
        if ga.shape != pa.shape:
            raise V.shape_error(gname, f"{V.fmt(pa.shape)} like {pname}", ga.shape)
    return [a for _, a in g]


# --------------------------------------------------------------------------
# Losses, computed from logits
# --------------------------------------------------------------------------


def bce_with_logits(logits: Any, targets: Any) -> tuple[float, Array]:
    """Binary cross-entropy of sigmoid outputs, from the logits, and its gradient.

    Taught in chapter 8. ``torch.nn.BCEWithLogitsLoss`` computes the same.

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
    """
    z = V.as_float_array("logits", logits)
    y = V.as_float_array("targets", targets)
    if y.shape != z.shape:
        raise V.shape_error("targets", f"{V.fmt(z.shape)} like logits", y.shape)
    V.check_values_in("targets", y, 0, 1)
    return _bce(z, y.astype(z.dtype, copy=False))


def _bce(z: Array, y: Array) -> tuple[float, Array]:
    """``bce_with_logits`` without the checks: ``z``, ``y`` finite float arrays of one shape, y in [0, 1]."""
    n = max(z.size, 1)
    per_entry = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))  # (...)
    dlogits = (lt.sigmoid(z) - y) / n  # (...)
    return float(per_entry.sum() / n), dlogits


def _softmax_cross_entropy(z: Array, y: Array) -> tuple[float, Array]:
    """Cross-entropy of a softmax over the last axis, from the logits, and its gradient (no checks).

    ``loss = -log softmax(z)[y]``, with the log-softmax computed as
    ``z - max(z) - log(sum(exp(z - max(z))))`` so nothing overflows; the
    gradient is ``(softmax(z) - onehot(y)) / N``, the mean over the ``N``
    entries of ``y``. ``z`` has shape ``(..., K)`` and ``y`` integer classes
    in ``0 .. K-1`` of shape ``(...)``: the loss of ``last_step_loss`` with
    K > 1 output neurons (``torch.nn.CrossEntropyLoss`` computes the same).
    """
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

    Taught in chapter 8.

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
    """
    dz = V.as_float_array("dlogits", dlogits)
    h = V.as_float_array("h", h)
    W_y = V.as_float_array("W_y", W_y)
    if h.ndim < 1:
        raise V.shape_error("h", "(..., H)", h.shape)
    if W_y.ndim != 2 or W_y.shape[1] != h.shape[-1]:
        raise V.shape_error("W_y", f"(K, {h.shape[-1]}) to match h", W_y.shape)
    if dz.shape != h.shape[:-1] + (W_y.shape[0],):
        raise V.shape_error("dlogits", f"{V.fmt(h.shape[:-1] + (W_y.shape[0],))} (h's batch, K)", dz.shape)
    return _output_backward(dz, h, W_y)


def _output_backward(dz: Array, h: Array, W_y: Array) -> tuple[Array, Array, Array]:
    """``output_neuron_backward`` without the checks."""
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

    Taught in chapter 8.

    Parameters
    ----------
    kind : {"lstm", "rnn"}
    input_size, hidden_size : int
    output_size : int, default 1
        K output neurons: 1 for a yes/no answer (sigmoid, ``bce_with_logits``),
        K > 1 for K classes (a softmax over the K logits).
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
    """
    kind = V.check_choice("kind", kind, ("lstm", "rnn"))
    seed = V.check_int("seed", seed, 0)
    if kind == "lstm":
        cell: LSTMParams | RNNParams = lt.init_lstm_params(input_size, hidden_size, seed, forget_bias=forget_bias)
    else:
        if forget_bias is not None:
            raise ValueError("forget_bias: an RNN has no forget gate; leave it None for kind='rnn'")
        cell = lt.init_rnn_params(input_size, hidden_size, seed)
    W_y, b_y = _init_output(hidden_size, output_size, seed)
    return {"cell": cell, "W_y": W_y, "b_y": b_y}


def _init_output(hidden_size: int, output_size: int, seed: int | None) -> tuple[Array, Array]:
    """``W_y (K, H)``, ``b_y (K,)`` uniform in ``[-1/sqrt(H), 1/sqrt(H)]`` (``torch.nn.Linear``'s bound).

    The one home of the output neuron's initialisation: ``init_classifier``
    and the torch ``LSTMModel`` both call it, so they start from the same
    numbers. Drawn from ``np.random.default_rng([seed, 1])``: a stream of its
    own, so the cell's parameters stay those of ``init_*_params(..., seed)``;
    ``seed=None`` draws fresh entropy. ``hidden_size`` was checked by the
    cell's initialiser; ``output_size`` and ``seed`` are checked here.
    """
    output_size = V.check_int("output_size", output_size, 1)
    rng = np.random.default_rng(None if seed is None else [V.check_int("seed", seed, 0), 1])
    k = 1.0 / math.sqrt(hidden_size)
    W_y = rng.uniform(-k, k, (output_size, hidden_size))  # (K, H)
    b_y = rng.uniform(-k, k, output_size)  # (K,)
    return W_y, b_y


def _check_model(model: Any) -> tuple[LSTMParams | RNNParams, Array, Array]:
    """``(cell, W_y, b_y)`` of a classifier dict, every part checked and named as the caller holds it."""
    if not isinstance(model, Mapping) or set(model) != {"cell", "W_y", "b_y"}:
        raise TypeError("model: expected the dict {'cell', 'W_y', 'b_y'} of init_classifier")
    cell = model["cell"]
    if isinstance(cell, LSTMParams):
        H, _ = V.lstm_param_sizes(cell, LSTMParams, "model['cell']")
    elif isinstance(cell, RNNParams):
        H, _ = V.rnn_param_sizes(cell, RNNParams, "model['cell']")
    else:
        raise TypeError(f"model['cell']: expected LSTMParams or RNNParams, got {type(cell).__name__}")
    for name, a in zip(cell._fields, cell):
        V.as_float_array(f"model['cell'].{name}", a)
    W_y = V.as_float_array("model['W_y']", model["W_y"])
    if W_y.ndim != 2 or W_y.shape[0] < 1 or W_y.shape[1] != H:
        raise V.shape_error("model['W_y']", f"(K, {H})", W_y.shape)
    b_y = V.as_float_array("model['b_y']", model["b_y"])
    if b_y.shape != W_y.shape[:1]:
        raise V.shape_error("model['b_y']", V.fmt(W_y.shape[:1]), b_y.shape)
    return cell, W_y, b_y


def _check_targets(name: str, ys: Any, B: int, K: int) -> Array:
    """One target per sequence: a label in [0, 1] (K = 1) or an integer class in ``0 .. K-1``."""
    y = V.as_float_array(name, ys) if K == 1 else V.as_int_array(name, ys)
    if y.shape != (B,):
        raise V.shape_error(name, f"({B},), one target per sequence", y.shape)
    V.check_values_in(name, y, 0, 1 if K == 1 else K - 1)
    return y


def _forward(model: Mapping[str, Any], xs: Any) -> tuple[Array, Array, Array, Callable[[Array], Any]]:
    """Check ``model`` and ``xs``; run the cell; return ``hs``, ``W_y``, ``b_y`` and the matching backward."""
    cell, W_y, b_y = _check_model(model)
    D = cell.W_x.shape[1] if isinstance(cell, RNNParams) else cell.W_f.shape[1] - cell.W_f.shape[0]
    xs = V.as_float_array("xs", xs)
    if xs.ndim != 3 or xs.shape[0] < 1 or xs.shape[1] < 1 or xs.shape[2] != D:
        raise V.shape_error("xs", f"(T, B, {D}), a batch of sequences with T, B >= 1", xs.shape)
    # the checks above cover everything the backend checks, so it cannot blame a name the caller did not pass
    if isinstance(cell, LSTMParams):
        hs, _, cache = lt.lstm_forward(xs, None, cell)
        return hs, W_y, b_y, lambda dhs: lt.lstm_backward(dhs, cache)
    hs, _, cache = lt.rnn_forward(xs, None, cell)
    return hs, W_y, b_y, lambda dhs: lt.rnn_backward(dhs, cache)


def last_step_loss(model: Mapping[str, Any], xs: Any, ys: Any) -> tuple[float, dict[str, Any]]:
    """Loss of the prediction at the last step, and its gradient for every parameter.

    Taught in chapter 8; trained in chapter 9.

    Forward through the cell, the output neuron on ``h_T``, the loss, then
    back: ``output_neuron_backward`` gives ``dL/dh_T``, which is the only
    non-zero row of ``dhs`` handed to ``lstm_backward``/``rnn_backward``.

    Parameters
    ----------
    model : dict
        From ``init_classifier``.
    xs : ndarray, shape (T, B, D)
    ys : ndarray, shape (B,)
        With one output neuron: float labels in [0, 1], usually 0.0/1.0
        (``bce_with_logits``). With K > 1: integer classes ``0 .. K-1``
        (softmax cross-entropy).

    Returns
    -------
    loss : float
    grads : dict
        Same structure as ``model``: ``{"cell": ..., "W_y": ..., "b_y": ...}``.
    """
    hs, W_y, b_y, backward = _forward(model, xs)
    y = _check_targets("ys", ys, hs.shape[1], W_y.shape[0])  # (B,)
    h_T = hs[-1]  # (B, H)
    logits = h_T @ W_y.T + b_y  # (B, K)
    if logits.shape[1] == 1:
        loss, dz1 = _bce(logits[:, 0], y.astype(logits.dtype, copy=False))  # (B,)
        dlogits = dz1[:, None]  # (B, 1)
    else:
        loss, dlogits = _softmax_cross_entropy(logits, y)  # (B, K)
    dW_y, db_y, dh_T = _output_backward(dlogits, h_T, W_y)
    dhs = np.zeros_like(hs)  # (T, B, H): only the last step is read by the loss
    dhs[-1] = dh_T
    dcell = backward(dhs)[0]
    return loss, {"cell": dcell, "W_y": dW_y, "b_y": db_y}


def accuracy(model: Mapping[str, Any], xs: Any, ys: Any) -> float:
    """Fraction of sequences whose last-step prediction is right.

    Taught in chapter 9 (used for the training run of chapter 8).

    One output neuron: predicted label ``1`` when the logit is > 0 (``y^ > 0.5``).
    K > 1: the class with the largest logit.

    Parameters
    ----------
    model : dict
        From ``init_classifier``.
    xs : ndarray, shape (T, B, D)
    ys : ndarray, shape (B,)
        As for ``last_step_loss``.

    Returns
    -------
    float in [0, 1]
    """
    hs, W_y, b_y, _ = _forward(model, xs)
    y = _check_targets("ys", ys, hs.shape[1], W_y.shape[0])  # (B,)
    logits = hs[-1] @ W_y.T + b_y  # (B, K)
    pred = (logits[:, 0] > 0).astype(float) if logits.shape[1] == 1 else logits.argmax(axis=1)  # (B,)
    return float(np.mean(pred == y))


# --------------------------------------------------------------------------
# Optimisation
# --------------------------------------------------------------------------


class Adam:
    """The Adam optimiser (Kingma & Ba 2015), updating NumPy arrays in place.

    Taught in chapter 8.

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
    """

    def __init__(
        self, params: Tree, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        lr = V.check_float("lr", lr, 0, open_min=True)
        if not isinstance(betas, (tuple, list)):
            raise TypeError(f"betas: expected a pair (beta1, beta2) of numbers, got {type(betas).__name__}")
        if len(betas) != 2:
            raise ValueError(f"betas: expected a pair (beta1, beta2) of numbers, got {len(betas)} numbers")
        beta1 = V.check_float("betas[0]", betas[0], 0, 1, open_max=True)
        beta2 = V.check_float("betas[1]", betas[1], 0, 1, open_max=True)
        eps = V.check_float("eps", eps, 0)
        self._named = _float_leaves(params, "params")
        if not self._named:
            raise ValueError("params: expected at least one array, got an empty structure")
        for name, p in self._named:
            if not p.flags.writeable:
                raise ValueError(f"{name}: is read-only; Adam updates parameters in place")
        self.params = params
        self.lr, self.betas, self.eps = lr, (beta1, beta2), eps
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
        self._update(_matching_leaves(grads, self._named))
        return self.params

    def _update(self, gs: list[Array]) -> None:
        """The update itself, for gradients already checked against the parameters."""
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


def clip_grad_norm(grads: Tree, max_norm: float) -> tuple[Tree, float]:
    """Scale all gradients down together when their global norm exceeds ``max_norm``.

    Taught in chapter 8.

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

    Raises
    ------
    ValueError
        If a gradient holds NaN or infinity (the message names the array):
        no scale can clip it, and a step with it would destroy the model.

    Notes
    -----
    ``torch.nn.utils.clip_grad_norm_`` scales by ``max_norm / (norm + 1e-6)``
    and works in place; here the factor has no ``1e-6``, so clipping is exact.
    subtle: the squares of gradients of 1e200 overflow (and of 1e-200
    underflow), so the norm is computed from the gradients divided by a power
    of two near the largest entry (exact in floating point), and huge
    gradients are still scaled to ``max_norm`` in their own direction.
    """
    max_norm = V.check_float("max_norm", max_norm, 0, open_min=True)
    arrays = [g for _, g in _float_leaves(grads, "grads")]
    clipped, norm = _clip(arrays, max_norm)
    return _rebuild(grads, clipped), norm


def _scaled_norm(arrays: list[Array]) -> tuple[float, float]:
    """``(scale, unit)`` with the global norm ``sqrt(sum of g^2) = scale * unit``, without overflow.

    ``scale`` is the power of two at or just below the largest ``|g|``, so
    every ``g / scale`` is at most 2 in size and the division is exact.
    """
    peak = max((float(np.max(np.abs(g), initial=0.0)) for g in arrays), default=0.0)
    if peak == 0.0:
        return 1.0, 0.0
    scale = math.ldexp(1.0, math.frexp(peak)[1] - 1)  # 2^(e-1) <= peak < 2^e
    return scale, math.sqrt(sum(float(np.sum(np.square(g / scale))) for g in arrays))


def _clip(arrays: list[Array], max_norm: float) -> tuple[list[Array], float]:
    """``clip_grad_norm`` on checked arrays: new arrays and the norm before clipping."""
    scale, unit = _scaled_norm(arrays)
    norm = scale * unit  # may be inf beyond the largest float; the clipped arrays are still exact
    if norm > max_norm:  # every g times c / ||g||, written as (g / scale) * (c / unit)
        factor = max_norm / unit
        return [(g / scale) * factor for g in arrays], norm
    return [g.copy() for g in arrays], norm


def _iterate_minibatches(xs: Array, ys: Array, batch_size: int, seed: tuple[int, int]) -> Iterator[tuple[Array, Array]]:
    """One pass over checked ``xs (T, N, ...)``, ``ys (N, ...)`` in minibatches, in a seeded random order.

    Yields copies ``xs[:, idx] (T, b, ...)``, ``ys[idx] (b, ...)`` with
    ``b = batch_size`` except maybe for the last batch; every sequence once.
    """
    N = xs.shape[1]
    order = np.random.default_rng(seed).permutation(N)  # (N,)
    for start in range(0, N, batch_size):
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

    Taught in chapter 8; used in chapter 9.

    Each step takes the next minibatch (a new seeded order every epoch),
    computes ``loss, grads = loss_and_grad(params, xs_batch, ys_batch)``,
    clips the gradients to a global norm of ``max_norm`` and lets the
    optimiser update ``params`` in place.

    Parameters
    ----------
    loss_and_grad : callable ``(params, xs_batch, ys_batch) -> (loss, grads)``
        E.g. ``last_step_loss``; ``grads`` has the structure of ``params``.
    params : tree of float ndarrays
        Updated in place.
    xs : ndarray, shape (T, N, D)
        N >= 1 time-major sequences (integers or finite floats).
    ys : ndarray, shape (N, ...)
    steps : int
        Number of updates.
    batch_size : int, default 32
        Sequences per update; the last batch of an epoch may be smaller.
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
    """
    if not callable(loss_and_grad):
        raise TypeError(f"loss_and_grad: expected a function (params, xs, ys) -> (loss, grads), got {type(loss_and_grad).__name__}")
    xs, ys = V.as_real_array("xs", xs), V.as_real_array("ys", ys)
    if xs.ndim < 2:
        raise V.shape_error("xs", "(T, N, ...), time-major sequences", xs.shape)
    N = xs.shape[1]
    if N == 0:
        raise ValueError(f"xs: expected at least one sequence (N >= 1 on axis 1), got shape {V.fmt(xs.shape)}")
    if ys.ndim < 1 or ys.shape[0] != N:
        raise ValueError(f"ys: expected {N} targets along axis 0 (xs has N={N} on axis 1), got shape {V.fmt(ys.shape)}")
    steps = V.check_int("steps", steps, 1)
    batch_size = V.check_int("batch_size", batch_size, 1)
    seed = V.check_int("seed", seed, 0)
    if max_norm is not None:
        max_norm = V.check_float("max_norm", max_norm, 0, open_min=True)
    if evaluate is not None and not callable(evaluate):
        raise TypeError(f"evaluate: expected a function params -> dict, or None, got {type(evaluate).__name__}")
    eval_every, progress, desc, blas_threads = V.check_loop_options(eval_every, progress, desc, blas_threads)
    if optimizer is None:
        opt = Adam(params, lr=lr)
    elif not isinstance(optimizer, Adam):
        raise TypeError(f"optimizer: expected an Adam or None, got {type(optimizer).__name__}")
    elif optimizer.params is not params:
        raise ValueError("optimizer: was built for other parameters than params")
    else:
        opt = optimizer
    history: dict[str, list[float]] = {"loss": [], "grad_norm": []}
    epoch, batches = 0, _iterate_minibatches(xs, ys, batch_size, (seed, 0))
    bar = tqdm(range(1, steps + 1), desc=desc, disable=not progress, leave=True)
    with _blas_threads(blas_threads):
        for step in bar:
            batch = next(batches, None)
            if batch is None:  # end of an epoch: a new order
                epoch += 1
                batches = _iterate_minibatches(xs, ys, batch_size, (seed, epoch))
                batch = next(batches)  # N >= 1: an epoch has at least one batch
            loss, grads = loss_and_grad(params, *batch)
            if not math.isfinite(loss):
                raise FloatingPointError(f"loss is {loss} at step {step}: lower lr or set max_norm")
            gs = _matching_leaves(grads, opt._named)  # what loss_and_grad returned, checked once
            if max_norm is not None:
                gs, norm = _clip(gs, max_norm)
            else:
                scale, unit = _scaled_norm(gs)
                norm = scale * unit
            opt._update(gs)
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
# Chapter 9's experiment: one run on the first-step task
# --------------------------------------------------------------------------


def first_step_experiment(
    model: dict[str, Any],
    T: int,
    *,
    n_train: int = 8000,
    train_seed: int = 1,
    n_held_out: int = 1000,
    held_out_seed: int = 2,
    steps: int = 800,
    batch_size: int = 32,
    lr: float = 0.003,
    max_norm: float | None = 1.0,
    seed: int = 0,
) -> tuple[dict[str, list[float]], float, float]:
    """Train a classifier on the first-step task of length T and score it on held-out sequences.

    Taught in chapter 9.

    One run of chapter 9's experiment, the recipe that the chapter's ``run``
    and ``scripts/ch9_sweep.py`` share: ``first_step_task(n_train, T,
    seed=train_seed)`` to train on, ``train`` with ``last_step_loss`` (Adam,
    clipping, minibatches in an order seeded by ``seed``), then the accuracy
    and the mean loss on ``first_step_task(n_held_out, T,
    seed=held_out_seed)``. The defaults are the chapter's budget. The BLAS
    library uses one thread throughout, so the chapter and the script get the
    same numbers bit for bit.

    Parameters
    ----------
    model : dict
        From ``init_classifier`` with ``input_size=2`` (the task's value and
        marker) and one output neuron; trained in place.
    T : int
        Sequence length: the bit crosses ``T - 1`` steps of noise.
    n_train, train_seed : int, default 8000, 1
        Number and seed of the training sequences.
    n_held_out, held_out_seed : int, default 1000, 2
        Number and seed of the held-out sequences (chapter 9: seed 2 for the
        test sequences, 3 for validation).
    steps, batch_size, lr, max_norm, seed
        As for ``train``; ``max_norm=None`` does not clip.

    Returns
    -------
    history : dict of lists
        From ``train``: ``"loss"`` and ``"grad_norm"`` for each of the ``steps`` updates.
    accuracy : float
        ``accuracy`` on the held-out sequences.
    loss : float
        ``last_step_loss`` on the held-out sequences (binary cross-entropy).
    """
    cell, W_y, _ = _check_model(model)
    if cell.input_size != 2 or W_y.shape[0] != 1:
        raise ValueError(
            "model: expected a classifier with input_size 2 (value and marker) and one output neuron, "
            f"got input_size {cell.input_size} and {W_y.shape[0]} output neurons"
        )
    T = V.check_int("T", T, 1)
    n_train = V.check_int("n_train", n_train, 1)
    train_seed = V.check_int("train_seed", train_seed, 0)
    n_held_out = V.check_int("n_held_out", n_held_out, 1)
    held_out_seed = V.check_int("held_out_seed", held_out_seed, 0)
    with _blas_threads(1):
        xs_train, ys_train = first_step_task(n_train, T, seed=train_seed)  # (T, n_train, 2), (n_train,)
        xs_held, ys_held = first_step_task(n_held_out, T, seed=held_out_seed)  # (T, n_held_out, 2)
        history = train(last_step_loss, model, xs_train, ys_train, steps=steps, batch_size=batch_size,
                        lr=lr, max_norm=max_norm, seed=seed, progress=False)
        loss, _ = last_step_loss(model, xs_held, ys_held)
        return history, accuracy(model, xs_held, ys_held), float(loss)
