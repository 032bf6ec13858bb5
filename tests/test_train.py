"""Tests of the NumPy training utilities: losses, output neuron, Adam, clipping, batches, loop.

Gradients are checked against central finite differences (``lt.numerical_gradient``)
and the optimiser against ``torch.optim.Adam`` on the same gradients; every
parameter, biases included, is a random normal draw in float64.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy_cases import lstm_params, rnn_params

from lstm_tutorial import numpy as lt
from lstm_tutorial import train as tr
from lstm_tutorial.data import first_step_task

torch = pytest.importorskip("torch")

TOL = 1e-7


def _random_tree(rng):
    return {
        "cell": lstm_params(rng, D=2, H=3),
        "W_y": rng.standard_normal((1, 3)),
        "b_y": rng.standard_normal(1),
    }


def _leaves(tree):
    return [a for _, a in tr._leaves(tree, "t")]


# --------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(1,), (5,), (4, 3), (2, 3, 1)])
def test_bce_with_logits_value_and_gradient(shape):
    rng = np.random.default_rng(0)
    z = 3 * rng.standard_normal(shape)
    y = rng.uniform(0, 1, shape)
    loss, dz = tr.bce_with_logits(z, y)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(y))
    assert loss == pytest.approx(float(ref), rel=1e-12)
    num = lt.numerical_gradient(lambda: tr.bce_with_logits(z, y)[0], z)
    assert dz.shape == z.shape
    assert lt.relative_error(dz, num) < TOL


def test_bce_with_logits_is_stable_for_huge_logits():
    z = np.array([-1000.0, 1000.0, -1000.0, 1000.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, no log(0)
        loss, dz = tr.bce_with_logits(z, y)
    assert loss == pytest.approx((0 + 0 + 1000 + 1000) / 4)
    np.testing.assert_allclose(dz, np.array([0.0, 0.0, -1.0, 1.0]) / 4)


def test_bce_with_logits_bad_input():
    with pytest.raises(ValueError, match=r"targets: expected shape \(3,\) like logits, got \(2,\)"):
        tr.bce_with_logits(np.zeros(3), np.zeros(2))
    with pytest.raises(TypeError, match=r"^logits: expected a floating-point array"):
        tr.bce_with_logits(np.zeros(3, dtype=int), np.zeros(3))
    with pytest.raises(ValueError, match=r"^targets: expected values in \[0, 1\], got min 0.0 and max 2.0"):
        tr.bce_with_logits(np.zeros(2), np.array([0.0, 2.0]))


@pytest.mark.parametrize("lead", [(1,), (6,), (3, 4)])
def test_softmax_cross_entropy_of_k_output_neurons_value_and_gradient(lead):
    rng = np.random.default_rng(1)
    K = 5
    z = 2 * rng.standard_normal(lead + (K,))
    y = rng.integers(0, K, size=lead)
    loss, dz = tr._softmax_cross_entropy(z, y)
    ref = torch.nn.functional.cross_entropy(torch.tensor(z).reshape(-1, K), torch.tensor(y).reshape(-1))
    assert loss == pytest.approx(float(ref), rel=1e-12)
    num = lt.numerical_gradient(lambda: tr._softmax_cross_entropy(z, y)[0], z)
    assert lt.relative_error(dz, num) < TOL


def test_softmax_cross_entropy_is_stable():
    z = np.array([[1000.0, 0.0, -1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, dz = tr._softmax_cross_entropy(z, np.array([1]))
    assert loss == pytest.approx(1000.0)
    np.testing.assert_allclose(dz, [[1.0, -1.0, 0.0]])


# --------------------------------------------------------------------------
# Output neuron and the classifier
# --------------------------------------------------------------------------


@pytest.mark.parametrize("lead, K", [((4,), 1), ((3, 2), 3), ((1,), 2)])
def test_output_neuron_backward_finite_differences(lead, K):
    rng = np.random.default_rng(2)
    H = 3
    h = rng.standard_normal(lead + (H,))
    W_y, b_y = rng.standard_normal((K, H)), rng.standard_normal(K)
    g = rng.standard_normal(lead + (K,))  # L = sum(g * z), so dL/dz = g

    def loss():
        return float(np.sum(g * (h @ W_y.T + b_y)))

    dW_y, db_y, dh = tr.output_neuron_backward(g, h, W_y)
    for analytic, x in ((dW_y, W_y), (db_y, b_y), (dh, h)):
        assert analytic.shape == x.shape
        assert lt.relative_error(analytic, lt.numerical_gradient(loss, x)) < TOL


def test_output_neuron_backward_bad_shapes():
    with pytest.raises(ValueError, match=r"dlogits: expected shape \(4, 1\)"):
        tr.output_neuron_backward(np.zeros((4, 2)), np.zeros((4, 3)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"W_y: expected shape \(K, 3\) to match h, got \(1, 2\)"):
        tr.output_neuron_backward(np.zeros((4, 1)), np.zeros((4, 3)), np.zeros((1, 2)))


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
@pytest.mark.parametrize("K", [1, 3])
def test_last_step_loss_finite_differences_every_parameter(kind, K):
    rng = np.random.default_rng(3)
    T, B, D, H = 4, 3, 2, 3
    cell = lstm_params(rng, D, H, scale=0.7) if kind == "lstm" else rnn_params(rng, D, H, scale=0.7)
    model = {"cell": cell, "W_y": rng.standard_normal((K, H)), "b_y": rng.standard_normal(K)}
    xs = rng.standard_normal((T, B, D))
    ys = rng.integers(0, 2, B).astype(float) if K == 1 else rng.integers(0, K, B)
    loss, grads = tr.last_step_loss(model, xs, ys)
    assert type(grads["cell"]) is type(cell)
    for (name, p), (_, g) in zip(tr._leaves(model, "model"), tr._leaves(grads, "grads")):
        num = lt.numerical_gradient(lambda: tr.last_step_loss(model, xs, ys)[0], p)
        assert lt.relative_error(g, num) < TOL, name
    # the loss is the one the logits give
    run = lt.lstm if kind == "lstm" else lt.rnn
    logits = run(xs, None, cell)[0][-1] @ model["W_y"].T + model["b_y"]  # (B, K)
    ref = tr.bce_with_logits(logits[:, 0], ys)[0] if K == 1 else tr._softmax_cross_entropy(logits, ys)[0]
    assert loss == pytest.approx(ref, rel=1e-12)


def test_init_classifier_matches_the_torch_models():
    from lstm_tutorial.torch_models import LSTMModel

    ref = LSTMModel(2, 5, output_size=3, seed=7, dtype=torch.float64)
    for kind in ("lstm", "rnn"):  # the output neuron's draws do not depend on the kind of cell
        model = tr.init_classifier(kind, 2, 5, output_size=3, seed=7)
        np.testing.assert_array_equal(model["W_y"], ref.W_y.detach().numpy())
        np.testing.assert_array_equal(model["b_y"], ref.b_y.detach().numpy())
    cell = tr.init_classifier("lstm", 2, 5, output_size=3, seed=7)["cell"]
    for name, a in zip(cell._fields, cell):
        np.testing.assert_array_equal(a, getattr(ref, name).detach().numpy())
    fb = tr.init_classifier("lstm", 2, 4, forget_bias=1.0)["cell"].b_f
    np.testing.assert_array_equal(fb, np.ones(4))


def test_init_classifier_bad_arguments():
    with pytest.raises(ValueError, match=r"kind: expected one of 'lstm', 'rnn', got 'gru'"):
        tr.init_classifier("gru", 2, 3)
    with pytest.raises(ValueError, match=r"forget_bias: an RNN has no forget gate"):
        tr.init_classifier("rnn", 2, 3, forget_bias=1.0)
    with pytest.raises(ValueError, match=r"xs: expected shape \(T, B, 2\), a batch of sequences"):
        tr.accuracy(tr.init_classifier("rnn", 2, 3), np.zeros((4, 2)), np.zeros(4))


def test_accuracy_of_k_classes_takes_the_largest_logit():
    xs, _ = first_step_task(6, 3, seed=0)
    model = tr.init_classifier("lstm", 2, 3, output_size=3)
    model["W_y"][:] = 0.0
    model["b_y"][:] = [0.0, 2.0, 1.0]  # class 1 always wins
    assert tr.accuracy(model, xs, np.array([1, 1, 0, 2, 1, 0])) == pytest.approx(3 / 6)


def test_accuracy_counts_right_answers():
    xs, ys = first_step_task(40, 3, seed=0)
    model = tr.init_classifier("rnn", 2, 3)
    model["W_y"][:] = 0.0
    model["b_y"][:] = 1.0  # logit 1 > 0 for every sequence: always predicts label 1
    assert tr.accuracy(model, xs, ys) == pytest.approx(ys.mean())
    model["b_y"][:] = -1.0
    assert tr.accuracy(model, xs, ys) == pytest.approx(1 - ys.mean())


# --------------------------------------------------------------------------
# Adam and clipping
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lr, betas, eps", [(1e-3, (0.9, 0.999), 1e-8), (0.05, (0.8, 0.99), 1e-6), (0.3, (0.0, 0.5), 1e-3)]
)
def test_adam_matches_torch_over_several_steps(lr, betas, eps):
    rng = np.random.default_rng(4)
    params = _random_tree(rng)
    arrays_before = _leaves(params)
    ref = [torch.tensor(a.copy(), requires_grad=True) for a in _leaves(params)]
    opt_ref = torch.optim.Adam(ref, lr=lr, betas=betas, eps=eps)
    opt = tr.Adam(params, lr=lr, betas=betas, eps=eps)
    for _ in range(6):
        grads = {
            "cell": lt.LSTMParams(*(rng.standard_normal(a.shape) for a in params["cell"])),
            "W_y": rng.standard_normal((1, 3)),
            "b_y": rng.standard_normal(1),
        }
        for t, g in zip(ref, _leaves(grads)):
            t.grad = torch.tensor(g)
        opt_ref.step()
        out = opt.step(grads)
        assert out is params  # updated in place, the same object returned
        for a, t in zip(_leaves(params), ref):
            np.testing.assert_allclose(a, t.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert opt.t == 6
    for a, b in zip(arrays_before, _leaves(params)):
        assert a is b  # the same arrays, changed in place


def test_adam_on_plain_params_and_dicts():
    rng = np.random.default_rng(5)
    p = rnn_params(rng, 2, 3)
    before = [a.copy() for a in p]
    tr.Adam(p, lr=0.1).step(lt.RNNParams(*(np.ones_like(a) for a in p)))
    for a, b in zip(p, before):  # first Adam step is lr * sign(g) (up to eps)
        np.testing.assert_allclose(a, b - 0.1, rtol=0, atol=1e-8)
    d = {"w": np.zeros(3)}
    tr.Adam(d, lr=0.5).step({"w": np.array([1.0, -2.0, 0.0])})
    np.testing.assert_allclose(d["w"], [-0.5, 0.5, 0.0], atol=1e-8)


def test_adam_bad_input():
    p = {"w": np.zeros(3)}
    with pytest.raises(ValueError, match=r"lr: expected a number > 0"):
        tr.Adam(p, lr=0)
    with pytest.raises(TypeError, match=r"params\['w'\]: expected a floating-point array"):
        tr.Adam({"w": np.zeros(3, dtype=int)})
    opt = tr.Adam(p)
    with pytest.raises(ValueError, match=r"grads\['w'\]: expected shape \(3,\) like params\['w'\], got \(2,\)"):
        opt.step({"w": np.zeros(2)})
    with pytest.raises(ValueError, match=r"grads: expected 1 arrays"):
        opt.step({"w": np.zeros(3), "v": np.zeros(1)})
    with pytest.raises(ValueError, match=r"NaN"):
        opt.step({"w": np.array([0.0, np.nan, 0.0])})


def test_clip_grad_norm_exact():
    rng = np.random.default_rng(6)
    grads = _random_tree(rng)
    norm_true = np.sqrt(sum(np.sum(g**2) for g in _leaves(grads)))
    clipped, norm = tr.clip_grad_norm(grads, max_norm=1.0)
    assert norm == pytest.approx(norm_true, rel=1e-14)
    assert norm > 1.0  # the case under test: clipping happens
    new_norm = np.sqrt(sum(np.sum(g**2) for g in _leaves(clipped)))
    assert new_norm == pytest.approx(1.0, rel=1e-14)
    assert type(clipped["cell"]) is lt.LSTMParams
    for g, c in zip(_leaves(grads), _leaves(clipped)):
        np.testing.assert_allclose(c, g / norm_true, rtol=1e-13)  # same direction
    # below the threshold: unchanged values (copies)
    same, norm2 = tr.clip_grad_norm(grads, max_norm=2 * norm_true)
    assert norm2 == pytest.approx(norm_true)
    for g, c in zip(_leaves(grads), _leaves(same)):
        np.testing.assert_array_equal(c, g)
        assert c is not g


def test_clip_grad_norm_agrees_with_torch():
    rng = np.random.default_rng(7)
    grads = _random_tree(rng)
    ts = [torch.tensor(g.copy(), requires_grad=True) for g in _leaves(grads)]
    for t, g in zip(ts, _leaves(grads)):
        t.grad = torch.tensor(g.copy())
    ref_norm = float(torch.nn.utils.clip_grad_norm_(ts, max_norm=0.5))
    clipped, norm = tr.clip_grad_norm(grads, 0.5)
    assert norm == pytest.approx(ref_norm, rel=1e-12)
    for t, c in zip(ts, _leaves(clipped)):
        np.testing.assert_allclose(c, t.grad.numpy(), rtol=1e-5)  # torch divides by norm + 1e-6


@pytest.mark.parametrize("dtype, big", [(np.float64, 1e200), (np.float64, 1e300), (np.float32, 1e30)])
def test_clip_grad_norm_scales_huge_gradients_to_the_threshold_keeping_their_direction(dtype, big):
    rng = np.random.default_rng(10)
    direction = {"cell": lstm_params(rng, D=2, H=3), "W_y": rng.standard_normal((1, 3)), "b_y": rng.standard_normal(1)}
    unit = np.sqrt(sum(np.sum(g**2) for g in _leaves(direction)))
    grads = tr._map(lambda g: (g * (big / unit)).astype(dtype), direction)  # global norm = big, finite entries
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow on the way
        clipped, norm = tr.clip_grad_norm(grads, max_norm=0.5)
    assert norm == pytest.approx(big, rel=1e-5)
    new_norm = np.sqrt(sum(np.sum(c.astype(np.float64) ** 2) for c in _leaves(clipped)))
    assert new_norm == pytest.approx(0.5, rel=1e-5)
    for d, c in zip(_leaves(direction), _leaves(clipped)):
        assert c.dtype == dtype
        np.testing.assert_allclose(c, d * (0.5 / unit), rtol=1e-5, atol=1e-7)  # same direction


def test_clip_grad_norm_of_tiny_and_zero_gradients():
    tiny = {"w": np.array([3e-300, 4e-300])}  # squares underflow to 0 without scaling
    clipped, norm = tr.clip_grad_norm(tiny, 1.0)
    assert norm == pytest.approx(5e-300, rel=1e-12)
    np.testing.assert_array_equal(clipped["w"], tiny["w"])
    zero, norm0 = tr.clip_grad_norm({"w": np.zeros(3)}, 1.0)
    assert norm0 == 0.0
    np.testing.assert_array_equal(zero["w"], 0.0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_clip_grad_norm_rejects_non_finite_gradients_naming_the_array(bad):
    grads = {"cell": lt.init_rnn_params(2, 3), "W_y": np.array([[0.0, bad, 1.0]])}
    with pytest.raises(ValueError, match=r"^grads\['W_y'\]: contains NaN or infinity"):
        tr.clip_grad_norm(grads, 1.0)


def test_clip_grad_norm_bad_max_norm():
    with pytest.raises(ValueError, match=r"max_norm: expected a number > 0, got 0.0"):
        tr.clip_grad_norm({"w": np.ones(2)}, 0)


# --------------------------------------------------------------------------
# Minibatches and the loop
# --------------------------------------------------------------------------


def _batches(seed):
    xs, ys = first_step_task(10, 3, seed=0)
    return xs, ys, list(tr._iterate_minibatches(xs, ys, 4, (seed, 0)))


def test_minibatches_deterministic_and_cover_every_sequence_once():
    xs, ys, a = _batches(seed=1)
    _, _, b = _batches(seed=1)
    _, _, c = _batches(seed=2)
    assert [len(yb) for _, yb in a] == [4, 4, 2]
    for (xa, ya), (xb, yb) in zip(a, b):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)
    assert any(not np.array_equal(xa, xc) for (xa, _), (xc, _) in zip(a, c))
    # every sequence exactly once, with its own label (time-major batch axis 1)
    seen = np.concatenate([xb[0, :, 0] for xb, _ in a])
    labels = np.concatenate([yb for _, yb in a])
    assert sorted(seen.tolist()) == sorted(xs[0, :, 0].tolist())
    np.testing.assert_array_equal(seen, 2 * labels - 1)


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_training_a_tiny_model_decreases_the_loss(kind):
    xs, ys = first_step_task(256, 3, seed=0)
    xt, yt = first_step_task(200, 3, seed=1)

    def run():
        model = tr.init_classifier(kind, 2, 4, seed=0)
        hist = tr.train(
            tr.last_step_loss, model, xs, ys, steps=150, batch_size=32, lr=0.02, seed=3,
            evaluate=lambda m: {"acc": tr.accuracy(m, xt, yt)}, eval_every=50, progress=False,
        )
        return model, hist

    model, hist = run()
    assert len(hist["loss"]) == len(hist["grad_norm"]) == 150
    assert hist["eval_step"] == [50, 100, 150]
    first, last = np.mean(hist["loss"][:10]), np.mean(hist["loss"][-10:])
    assert first > 0.6 and last < 0.5 * first
    assert hist["acc"][-1] > 0.9
    _, again = run()
    assert again["loss"] == hist["loss"]  # seeded: bit-for-bit the same run


def test_train_rejects_a_foreign_optimizer_and_bad_steps():
    xs, ys = first_step_task(8, 2)
    model = tr.init_classifier("rnn", 2, 2)
    with pytest.raises(ValueError, match=r"optimizer: was built for other parameters"):
        tr.train(tr.last_step_loss, model, xs, ys, steps=1, optimizer=tr.Adam({"w": np.zeros(1)}), progress=False)
    with pytest.raises(ValueError, match=r"steps: expected an int >= 1, got 0"):
        tr.train(tr.last_step_loss, model, xs, ys, steps=0, progress=False)


def test_train_with_zero_sequences_says_so():
    xs, ys = first_step_task(8, 3)
    N = 0
    with pytest.raises(ValueError, match=r"^xs: expected at least one sequence \(N >= 1 on axis 1\), got shape \(3, 0, 2\)"):
        tr.train(tr.last_step_loss, tr.init_classifier("rnn", 2, 2), xs[:, :N], ys[:N], steps=2, progress=False)


def test_train_limits_blas_threads_only_inside_the_loop_and_gives_the_same_numbers():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    xs, ys = first_step_task(64, 4, seed=0)
    seen = []

    def loss_and_grad(model, xb, yb):
        seen.append({d["user_api"]: d["num_threads"] for d in threadpoolctl.threadpool_info()}.get("blas"))
        return tr.last_step_loss(model, xb, yb)

    before = [d["num_threads"] for d in threadpoolctl.threadpool_info()]
    a = tr.train(loss_and_grad, tr.init_classifier("lstm", 2, 3), xs, ys, steps=5, progress=False)
    assert set(seen) == {1}
    assert [d["num_threads"] for d in threadpoolctl.threadpool_info()] == before  # restored
    b = tr.train(tr.last_step_loss, tr.init_classifier("lstm", 2, 3), xs, ys, steps=5, progress=False,
                 blas_threads=None)
    assert a["loss"] == b["loss"]


@pytest.mark.parametrize("kind, forget_bias, max_norm", [("lstm", 1.0, 1.0), ("rnn", None, None)])
def test_first_step_experiment_is_the_recipe_written_out(kind, forget_bias, max_norm):
    budget = {"steps": 6, "batch_size": 16, "lr": 0.01, "max_norm": max_norm, "seed": 2}
    model = tr.init_classifier(kind, 2, 3, seed=0, forget_bias=forget_bias)
    history, acc, loss = tr.first_step_experiment(model, 4, n_train=64, train_seed=5, n_held_out=50,
                                                  held_out_seed=7, **budget)
    ref = tr.init_classifier(kind, 2, 3, seed=0, forget_bias=forget_bias)
    xs, ys = first_step_task(64, 4, seed=5)
    xh, yh = first_step_task(50, 4, seed=7)
    ref_history = tr.train(tr.last_step_loss, ref, xs, ys, progress=False, **budget)
    assert history == ref_history
    assert acc == tr.accuracy(ref, xh, yh) and isinstance(acc, float)
    assert loss == tr.last_step_loss(ref, xh, yh)[0] and isinstance(loss, float)
    for trained, by_hand in zip(model["cell"], ref["cell"]):  # the model was trained in place
        np.testing.assert_array_equal(trained, by_hand)
    assert not np.array_equal(model["cell"][0], tr.init_classifier(kind, 2, 3, seed=0, forget_bias=forget_bias)["cell"][0])
