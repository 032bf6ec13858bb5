"""Chapter 12's character model (lstm_tutorial.charmodel): loss and gradients, training, baselines, probes."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from lstm_tutorial import charmodel as cm
from lstm_tutorial import data, plot, train
from lstm_tutorial import numpy as lt

V_, H_ = 5, 3


def _model(kind: str, seed: int = 0) -> dict:
    """A small model with every parameter random, biases included (float64)."""
    m = train.init_classifier(kind, V_, H_, output_size=V_, seed=seed)
    rng = np.random.default_rng(seed + 10)
    m["cell"] = type(m["cell"])(*(rng.normal(0, 0.5, a.shape) for a in m["cell"]))
    m["W_y"], m["b_y"] = rng.normal(0, 0.5, m["W_y"].shape), rng.normal(0, 0.5, m["b_y"].shape)
    return m


def _state(kind: str, B: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    if kind == "lstm":
        return rng.normal(0, 0.5, (B, H_)), rng.normal(0, 0.5, (B, H_))
    return rng.normal(0, 0.5, (B, H_))


def _chunk(T: int, B: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, V_, (T + 1, B))
    return ids[:-1], ids[1:]


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
@pytest.mark.parametrize("T, B", [(1, 1), (4, 2)])
def test_gradients_match_finite_differences(kind, T, B):
    model = _model(kind)
    xs, ys = _chunk(T, B)
    state = _state(kind, B)
    _, grads, _ = cm.char_loss_and_grad(model, xs, ys, state)
    flat_p = train._leaves(model, "m")
    flat_g = train._leaves(grads, "m")
    eps = 1e-6
    for (name, p), (_, g) in zip(flat_p, flat_g):
        num = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            up = cm.char_loss_and_grad(model, xs, ys, state)[0]
            p[idx] = old - eps
            down = cm.char_loss_and_grad(model, xs, ys, state)[0]
            p[idx] = old
            num[idx] = (up - down) / (2 * eps)
        assert lt.relative_error(g, num) < 1e-6, name


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_loss_and_gradients_match_pytorch(kind):
    torch = pytest.importorskip("torch")
    from lstm_tutorial import torch as ltt

    model = _model(kind, seed=4)
    xs, ys = _chunk(6, 3, seed=5)
    state = _state(kind, 3, seed=6)
    loss, grads, state_n = cm.char_loss_and_grad(model, xs, ys, state)

    net = ltt.to_torch_lstm(model["cell"]) if kind == "lstm" else ltt.to_torch_rnn(model["cell"])
    net = net.double()
    W_y = torch.tensor(model["W_y"], requires_grad=True)
    b_y = torch.tensor(model["b_y"], requires_grad=True)
    x = torch.nn.functional.one_hot(torch.tensor(xs), V_).double()
    s = tuple(torch.tensor(a)[None] for a in state) if kind == "lstm" else torch.tensor(state)[None]
    hs, s_n = net(x, s)
    z = hs @ W_y.T + b_y
    t_loss = torch.nn.functional.cross_entropy(z.reshape(-1, V_), torch.tensor(ys).reshape(-1))
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    np.testing.assert_allclose(grads["W_y"], W_y.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grads["b_y"], b_y.grad.numpy(), rtol=1e-10, atol=1e-12)
    back = ltt.from_torch_lstm(net) if kind == "lstm" else ltt.from_torch_rnn(net)
    assert type(back) is type(model["cell"])
    W_first = net.weight_hh_l0.grad.numpy()  # torch's recurrent weights, gates i, f, g, o
    assert np.isfinite(W_first).all() and np.abs(W_first).sum() > 0
    if kind == "lstm":  # the hidden columns of the forget gate: torch's rows H:2H of weight_hh
        np.testing.assert_allclose(grads["cell"].W_f[:, :H_], W_first[H_ : 2 * H_], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(state_n[1], s_n[1][0].detach().numpy(), rtol=1e-12)
    else:
        np.testing.assert_allclose(grads["cell"].W_h, W_first, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(state_n, s_n[0].detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_carrying_the_state_over_two_chunks_equals_one_long_chunk(kind):
    model = _model(kind)
    xs, ys = _chunk(8, 2)
    whole = cm.char_loss_and_grad(model, xs, ys)[0]
    first, _, state = cm.char_loss_and_grad(model, xs[:5], ys[:5])
    second = cm.char_loss_and_grad(model, xs[5:], ys[5:], state)[0]
    assert whole == pytest.approx((5 * first + 3 * second) / 8, rel=1e-12)
    fresh = cm.char_loss_and_grad(model, xs[5:], ys[5:])[0]
    assert fresh != pytest.approx(second, rel=1e-6)  # the carried memory matters


def test_trace_and_bits_per_char_agree_with_the_chunked_loss():
    model = _model("lstm")
    ids = np.random.default_rng(7).integers(0, V_, 40)
    tr = cm.char_model_trace(model, ids)
    assert tr["log2_p"].shape == (39,) and tr["c"].shape == (39, H_) and tr["f"].shape == (39, H_)
    loss = cm.char_loss_and_grad(model, ids[:-1, None], ids[1:, None])[0]
    assert cm.bits_per_char(model, ids) == pytest.approx(loss / math.log(2), rel=1e-12)
    short = cm._trace(model, ids, keep=True, chunk=3)  # reading in chunks of 3 carries the state exactly
    np.testing.assert_allclose(short["log2_p"], tr["log2_p"], rtol=1e-12)
    np.testing.assert_allclose(short["c"], tr["c"], rtol=1e-6)
    hs, (h_n, c_n) = lt.lstm(np.eye(V_)[ids[:-1]], None, model["cell"])
    np.testing.assert_allclose(tr["h"], hs, rtol=1e-6, atol=1e-7)
    assert set(cm.char_model_trace(_model("rnn"), ids)) == {"log2_p", "h"}
    assert set(cm.char_model_trace(model, ids, states=False)) == {"log2_p"}


def test_a_model_that_knows_nothing_scores_log2_V():
    model = train.init_classifier("lstm", V_, H_, output_size=V_)
    model["W_y"][:] = 0.0
    model["b_y"][:] = 0.0
    ids = np.arange(20) % V_
    assert cm.bits_per_char(model, ids) == pytest.approx(math.log2(V_), rel=1e-12)


def test_training_lowers_the_loss_and_is_deterministic():
    text = "def f(x):\n    return x + 1\n" * 40
    vocab = data.char_vocab(text)
    ids = data.encode_tokens(list(text), vocab)
    runs = []
    for _ in range(2):
        model = train.init_classifier("lstm", len(vocab), 16, output_size=len(vocab), seed=0)
        hist = cm.train_char_model(model, ids[:800], steps=60, seq_len=20, batch_size=4, lr=1e-2, valid_ids=ids[800:], eval_every=30, progress=False)
        runs.append(hist)
    assert runs[0]["loss"] == runs[1]["loss"]
    assert np.mean(runs[0]["loss"][-5:]) < 0.5 * np.mean(runs[0]["loss"][:5])
    assert runs[0]["eval_step"] == [30, 60]
    assert runs[0]["valid_bpc"][-1] < runs[0]["valid_bpc"][0] < math.log2(len(vocab))
    assert max(runs[0]["grad_norm"]) > 0


def test_sampling_is_seeded_and_temperature_sharpens():
    model = _model("lstm")
    vocab = list("abcde")
    a = cm.sample_chars(model, vocab, 30, prime="ab", seed=1)
    assert a == cm.sample_chars(model, vocab, 30, prime="ab", seed=1) and len(a) == 30 and set(a) <= set(vocab)
    assert a != cm.sample_chars(model, vocab, 30, prime="ab", seed=2)
    # a tiny temperature is greedy: each character is the most likely one
    greedy = cm.sample_chars(model, vocab, 6, prime="ab", temperature=1e-3)
    ids = data.encode_tokens(list("ab" + greedy), vocab)
    hs, _ = lt.lstm(np.eye(V_)[ids[:-1]], None, model["cell"])
    z = hs @ model["W_y"].T + model["b_y"]
    np.testing.assert_array_equal(z[1:].argmax(axis=1), ids[2:])
    r = cm.sample_chars(_model("rnn"), vocab, 10, seed=0, prime="c")
    assert len(r) == 10


def _ngram_bruteforce(a, b, n, k, V):
    grams, ctxs = Counter(), Counter()
    for t in range(n - 1, len(a)):
        grams[tuple(a[t - n + 1 : t + 1])] += 1
        ctxs[tuple(a[t - n + 1 : t])] += 1
    joined = list(a[len(a) - (n - 1) :]) + list(b) if n > 1 else list(b)
    bits = []
    for t in range(n - 1, len(joined)):
        g = tuple(joined[t - n + 1 : t + 1])
        bits.append(-math.log2((grams[g] + k) / (ctxs[g[:-1]] + k * V)))
    return np.mean(bits)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_ngram_matches_a_plain_counting_implementation(n):
    rng = np.random.default_rng(n)
    a = rng.integers(0, 4, 300)
    b = rng.integers(0, 4, 50)
    for k in (0.01, 0.5, 2.0):
        assert cm.ngram_bits_per_char(a, b, n, k, 4) == pytest.approx(_ngram_bruteforce(a, b, n, k, 4), rel=1e-12)


def test_ngram_unigram_by_hand():
    # train "aab" (counts a:2, b:1), V = 3, k = 1: p(a) = 3/6, p(c) = 1/6
    got = cm.ngram_bits_per_char(np.array([0, 0, 1]), np.array([0, 2]), 1, 1.0, 3)
    assert got == pytest.approx(-(math.log2(3 / 6) + math.log2(1 / 6)) / 2)


def test_witten_bell_by_hand():
    # train "abaab" (a = 0, b = 1), V = 3. Order 0: counts a 3, b 2 of 5, two distinct characters:
    # p(x) = (c(x) + 2 / 3) / 7 = 11/21, 8/21, 2/21.
    np.testing.assert_allclose(cm.witten_bell_probs([0, 1, 0, 0, 1], [], 1, 3), np.array([11, 8, 2]) / 21, rtol=1e-13)
    # after "a": seen 3 times, followed by b, a, b (2 distinct): p(x | a) = (c(a, x) + 2 p(x)) / 5
    expected = np.array([(1 + 2 * 11 / 21) / 5, (2 + 2 * 8 / 21) / 5, (2 * 2 / 21) / 5])  # = 43, 58, 4 over 105
    np.testing.assert_allclose(cm.witten_bell_probs([0, 1, 0, 0, 1], [0], 2, 3), expected, rtol=1e-13)
    np.testing.assert_allclose(expected * 105, [43, 58, 4], rtol=1e-12)
    # "c" never seen as a context: order 2 keeps order 1
    np.testing.assert_allclose(cm.witten_bell_probs([0, 1, 0, 0, 1], [2], 2, 3), np.array([11, 8, 2]) / 21, rtol=1e-13)
    # scoring "ab" after the training text: the context of the first "a" is the last training character, "b"
    got = cm.witten_bell_bits_per_char([0, 1, 0, 0, 1], [0, 1], 2, 3)
    p_a_after_b = (1 + 1 * 11 / 21) / 2  # "b" seen once (followed by a), one distinct follower
    assert got == pytest.approx(-(math.log2(p_a_after_b) + math.log2(58 / 105)) / 2, rel=1e-13)


def _witten_bell_recursive(a, context, x, n, V):
    """Plain dictionary counting, one order after another."""
    p = 1.0 / V
    for m in range(n):
        h = tuple(context[len(context) - m :]) if m else ()
        follow = Counter(a[t] for t in range(m, len(a)) if tuple(a[t - m : t]) == h)
        c = sum(follow.values())
        if c:
            p = (follow[x] + len(follow) * p) / (c + len(follow))
    return p


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_witten_bell_sums_to_one_and_matches_plain_counting(n):
    rng = np.random.default_rng(n)
    a = rng.integers(0, 4, 200)
    a[::7] = 0  # uneven counts
    b = rng.integers(0, 5, 30)  # character 4 never appears in training
    for _ in range(4):
        context = rng.integers(0, 5, n - 1)
        p = cm.witten_bell_probs(a, context, n, 5)
        assert p.shape == (5,) and p.sum() == pytest.approx(1.0, abs=1e-12) and (p > 0).all()
        np.testing.assert_allclose(p, [_witten_bell_recursive(list(a), list(context), x, n, 5) for x in range(5)], rtol=1e-12)
    joined = list(a[len(a) - (n - 1) :]) + list(b) if n > 1 else list(b)
    bits = [-math.log2(_witten_bell_recursive(list(a), joined[t - n + 1 : t], joined[t], n, 5)) for t in range(n - 1, len(joined))]
    assert cm.witten_bell_bits_per_char(a, b, n, 5) == pytest.approx(np.mean(bits), rel=1e-12)


def test_witten_bell_rejects_bad_input():
    with pytest.raises(ValueError, match="context"):
        cm.witten_bell_probs([0, 1, 0], [0, 1], 2, 3)
    with pytest.raises(ValueError, match="n"):
        cm.witten_bell_bits_per_char([0, 1, 0], [0], 9, 3)
    with pytest.raises(ValueError, match="valid_ids"):
        cm.witten_bell_bits_per_char([0, 1, 0], [0, 3], 2, 3)


def test_code_features_by_hand():
    text = 'x = f("a(", 2)  # c(\n    y = [1]\n'
    f = cm.code_features(text)
    at = {name: dict(zip(range(len(text)), v)) for name, v in f.items()}
    q = text.index('"')
    assert [at["in_string"][q + j] for j in range(5)] == [1, 1, 1, 1, 0]  # "a(" then ,
    assert at["bracket_depth"][text.index("(")] == 1 and at["bracket_depth"][q + 2] == 1  # ( in a string: no change
    assert at["bracket_depth"][text.index(")")] == 0
    hash_ = text.index("#")
    assert at["in_comment"][hash_] == 1 and at["in_comment"][hash_ - 1] == 0 and at["in_comment"][text.index("y")] == 0
    assert at["bracket_depth"][text.index("(", hash_)] == 0  # a bracket in a comment does not count
    assert at["indent"][text.index("y")] == 4 and at["indent"][0] == 0
    assert at["line_position"][text.index("y")] == 5 and at["line_position"][text.index("\n")] == 0
    assert at["bracket_depth"][text.index("[") ] == 1
    doc = 'a = """x\ny"""\nb'
    g = cm.code_features(doc)["in_string"]
    assert g[doc.index("x")] == 1 and g[doc.index("y")] == 1 and g[doc.index("b")] == 0


def test_unit_correlations_match_corrcoef_and_zero_for_constants():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4))
    X[:, 3] = 2.0
    y = X[:, 0] * 2 + rng.normal(size=50)
    r = cm.unit_correlations(X, y)
    for j in range(3):
        assert r[j] == pytest.approx(np.corrcoef(X[:, j], y)[0, 1], rel=1e-10)
    assert r[3] == 0.0
    with pytest.raises(ValueError, match="feature"):
        cm.unit_correlations(X, y[:-1])


def test_gate_saturation_counts_fractions():
    g = np.array([[0.05, 0.5], [0.95, 0.5], [0.05, 0.99], [0.5, 0.01]])
    left, right = cm.gate_saturation(g)
    np.testing.assert_allclose(left, [0.5, 0.25])
    np.testing.assert_allclose(right, [0.25, 0.25])
    with pytest.raises(ValueError, match="gate"):
        cm.gate_saturation(g + 1)
    with pytest.raises(ValueError, match="high"):
        cm.gate_saturation(g, low=0.9, high=0.1)


def test_colour_text_html_is_self_contained():
    out = cm.colour_text_html("a<b\n", [1.0, -1.0, 0.0, 0.5])
    assert out.startswith("<pre ") and out.endswith("</pre>")
    assert out.count("<span") == 4 and "&lt;" in out and "<script" not in out and "class=" not in out
    assert "rgb(255,0,0)" in out and "rgb(0,0,255)" in out and "rgb(255,255,255)" in out
    with pytest.raises(ValueError, match="values"):
        cm.colour_text_html("ab", [1.0])
    with pytest.raises(TypeError, match="text"):
        cm.colour_text_html(3, [1.0])


def test_bad_arguments_are_refused_by_name():
    model = _model("lstm")
    xs, ys = _chunk(3, 2)
    with pytest.raises(ValueError, match="xs"):
        cm.char_loss_and_grad(model, xs + V_, ys)
    with pytest.raises(TypeError, match="xs"):
        cm.char_loss_and_grad(model, xs.astype(float), ys)
    with pytest.raises(ValueError, match="ys"):
        cm.char_loss_and_grad(model, xs, ys[:2])
    wrong = train.init_classifier("lstm", 4, H_, output_size=V_)
    with pytest.raises(ValueError, match="model"):
        cm.char_loss_and_grad(wrong, xs, ys)
    with pytest.raises(ValueError, match="steps"):
        cm.train_char_model(model, np.arange(100) % V_, steps=0)
    with pytest.raises(ValueError, match="temperature"):
        cm.sample_chars(model, list("abcde"), 3, prime="a", temperature=0.0)
    with pytest.raises(ValueError, match="vocab"):
        cm.sample_chars(model, list("abc"), 3, prime="a")
    with pytest.raises(ValueError, match="prime"):
        cm.sample_chars(model, list("abcde"), 3, prime="z")
    with pytest.raises(ValueError, match="n"):
        cm.ngram_bits_per_char(np.arange(10) % 3, np.arange(5) % 3, 0, 1.0, 3)
    with pytest.raises(ValueError, match="k"):
        cm.ngram_bits_per_char(np.arange(10) % 3, np.arange(5) % 3, 2, 0.0, 3)
    with pytest.raises(ValueError, match="kind"):
        cm.load_char_model("gru")


@pytest.fixture(scope="module")
def corpus():
    train_text, valid_text = data.load_char_corpus()
    vocab = data.char_vocab(train_text + valid_text)
    return data.encode_tokens(list(train_text), vocab), data.encode_tokens(list(valid_text), vocab), vocab


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_the_shipped_models_load_without_pickle_and_score_what_they_recorded(kind, corpus):
    model, record = cm.load_char_model(kind)
    train_ids, valid_ids, vocab = corpus
    assert model["W_y"].shape == (len(vocab), record["hidden"]) and model["W_y"].dtype == np.float64
    assert len(record["loss"]) == record["steps"] and record["eval_step"][-1] == record["steps"]
    # the stored weights are float32 copies of the trained float64 ones: the score moves by rounding only
    assert cm.bits_per_char(model, valid_ids[:3000]) < math.log2(len(vocab))
    if kind == "lstm":
        bpc = cm.bits_per_char(model, valid_ids)
        assert bpc == pytest.approx(record["valid_bpc"][-1], abs=2e-3)
        best_ngram = min(cm.ngram_bits_per_char(train_ids, valid_ids, n, k, len(vocab)) for n in (3, 4, 5) for k in (0.01, 0.03, 0.1))
        assert bpc < best_ngram
        # but a well-smoothed 5-gram beats it on this corpus (chapter 12 says so)
        assert cm.witten_bell_bits_per_char(train_ids, valid_ids, 5, len(vocab)) < bpc


def test_plot_helpers_draw_and_validate():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plot.plot_bits_per_char({"LSTM": ([1, 2, 3], [3.0, 2.5, 2.2])}, references={"4-gram": 2.6})
    assert len(ax.lines) == 2 and ax.get_ylabel() == "held-out bits per character"
    with pytest.raises(ValueError, match="LSTM"):
        plot.plot_bits_per_char({"LSTM": ([1, 2], [3.0, 2.5, 2.2])})
    ax = plot.plot_gate_saturation([0.1, 0.2], [0.3, 0.0], label="forget")
    assert len(ax.collections) == 1 and ax.get_legend() is not None
    with pytest.raises(ValueError, match="right"):
        plot.plot_gate_saturation([0.1, 0.2], [0.3])
    plt.close("all")
