"""The package's one exception policy, checked argument by argument.

TypeError for the wrong kind of thing (not an array, a float where an int
belongs, a bool, a string, an integer or masked array where floats belong);
ValueError for a wrong value (shape, range, NaN or infinity). The message
starts with the name of the argument the caller passed, so a reader sees at
once which one to fix.

Each module adds its cases to the table of its own section: a case is
``(id, call, exception type, regex the message must match from its start)``.
"""

from __future__ import annotations

import numpy as np
import pytest

from lstm_tutorial import data
from lstm_tutorial import numpy as lt
from lstm_tutorial import train as tr

# --------------------------------------------------------------------------
# lstm_tutorial.data
# --------------------------------------------------------------------------

_IDS = np.arange(40) % 5  # a valid token stream

DATA_CASES = [
    # first_step_task
    ("fst-n-float", lambda: data.first_step_task(2.0, 3), TypeError, r"n: expected an int, got float"),
    ("fst-T-bool", lambda: data.first_step_task(2, True), TypeError, r"T: expected an int, got bool"),
    ("fst-n-0", lambda: data.first_step_task(0, 3), ValueError, r"n: expected an int >= 1, got 0"),
    ("fst-noise-str", lambda: data.first_step_task(2, 3, noise="1"), TypeError, r"noise: expected a number"),
    ("fst-noise-neg", lambda: data.first_step_task(2, 3, noise=-1.0), ValueError, r"noise: expected a number >= 0"),
    ("fst-noise-nan", lambda: data.first_step_task(2, 3, noise=np.nan), ValueError, r"noise: expected a finite"),
    ("fst-seed-float", lambda: data.first_step_task(2, 3, seed=1.5), TypeError, r"seed: expected an int"),
    # number_to_words, human_numbers, vocab, encode/decode
    ("ntw-float", lambda: data.number_to_words(1.0), TypeError, r"n: expected an int, got float"),
    ("hn-stop-float", lambda: data.human_numbers(10.0), TypeError, r"stop: expected an int"),
    ("hn-sep-int", lambda: data.human_numbers(10, sep=1), TypeError, r"sep: expected a str"),
    ("hn-sep-space", lambda: data.human_numbers(10, sep="a b"), ValueError, r"sep: expected a non-empty"),
    ("vocab-str", lambda: data.human_numbers_vocab("one two"), TypeError, r"tokens: expected a list"),
    ("enc-tokens-str", lambda: data.encode_tokens("abc", ["a", "b", "c"]), TypeError, r"tokens: expected a list"),
    ("enc-vocab-none", lambda: data.encode_tokens(["a"], None), TypeError, r"vocab: expected a list"),
    ("enc-vocab-int", lambda: data.encode_tokens(["a"], ["a", 1]), TypeError, r"vocab\[1\]: expected a str"),
    ("dec-float", lambda: data.decode_tokens(np.array([0.0]), ["a"]), TypeError, r"ids: expected an integer"),
    ("dec-bool", lambda: data.decode_tokens(np.array([True]), ["a", "b"]), TypeError, r"ids: expected an integer"),
    ("dec-2d", lambda: data.decode_tokens(np.zeros((1, 1), int), ["a"]), ValueError, r"ids: expected shape \(N,\)"),
    ("dec-range", lambda: data.decode_tokens(np.array([0, 2]), ["a", "b"]), ValueError, r"ids: expected values"),
    # split_stream, language_model_batches
    ("split-float-ids", lambda: data.split_stream(np.zeros(40)), TypeError, r"ids: expected an integer"),
    ("split-masked", lambda: data.split_stream(np.ma.array(_IDS)), TypeError, r"ids: masked arrays"),
    ("split-frac-str", lambda: data.split_stream(_IDS, "0.5", 2), TypeError, r"train_fraction: expected a number"),
    ("split-frac-1", lambda: data.split_stream(_IDS, 1.0, 2), ValueError, r"train_fraction: expected a number in"),
    ("split-seq-float", lambda: data.split_stream(_IDS, 0.5, 2.0), TypeError, r"seq_len: expected an int"),
    ("lmb-float-ids", lambda: data.language_model_batches(np.zeros(40)), TypeError, r"ids: expected an integer"),
    ("lmb-batch-0", lambda: data.language_model_batches(_IDS, 2, 0), ValueError, r"batch_size: expected an int >= 1"),
    ("lmb-batch-bool", lambda: data.language_model_batches(_IDS, 2, True), TypeError, r"batch_size: expected an int"),
    # load_co2, forecast_windows
    ("co2-freq-int", lambda: data.load_co2(1), TypeError, r"freq: expected a str"),
    ("co2-freq-bad", lambda: data.load_co2("daily"), ValueError, r"freq: expected one of"),
    ("co2-fill-int", lambda: data.load_co2("weekly", fill=1), TypeError, r"fill: expected a bool"),
    ("fw-int-series", lambda: data.forecast_windows(np.arange(10), 3), TypeError, r"series: expected a floating"),
    ("fw-masked", lambda: data.forecast_windows(np.ma.zeros(5), 1), TypeError, r"series: masked arrays"),
    ("fw-nan", lambda: data.forecast_windows(np.array([1.0, np.nan, 2.0]), 1), ValueError, r"series: contains NaN"),
    ("fw-3d", lambda: data.forecast_windows(np.zeros((3, 1, 1)), 1), ValueError, r"series: expected shape"),
    ("fw-length-float", lambda: data.forecast_windows(np.zeros(5), 1.0), TypeError, r"length: expected an int"),
    ("fw-length-big", lambda: data.forecast_windows(np.zeros(5), 9), ValueError, r"length: expected an int in"),
]


# --------------------------------------------------------------------------
# lstm_tutorial.train
# --------------------------------------------------------------------------


def _model(kind: str = "lstm", K: int = 1) -> dict:
    return tr.init_classifier(kind, 2, 3, output_size=K, seed=0)


_XS, _YS = data.first_step_task(8, 3, seed=0)  # (3, 8, 2), (8,)


def _train(**kw):
    args = {"steps": 1, "progress": False}
    args.update(kw)
    xs, ys = args.pop("xs", _XS), args.pop("ys", _YS)
    return tr.train(tr.last_step_loss, _model(), xs, ys, **args)


def _with_cell_field(name: str, value: np.ndarray) -> dict:
    m = _model()
    m["cell"] = m["cell"]._replace(**{name: value})
    return m


TRAIN_CASES = [
    # init_classifier: every size is an int, checked the same way
    ("init-kind-int", lambda: tr.init_classifier(3, 2, 3), TypeError, r"kind: expected a str"),
    ("init-kind-bad", lambda: tr.init_classifier("gru", 2, 3), ValueError, r"kind: expected one of"),
    ("init-hidden-float", lambda: tr.init_classifier("lstm", 2, 3.0), TypeError, r"hidden_size: expected an int"),
    ("init-output-float", lambda: tr.init_classifier("lstm", 2, 3, 1.0), TypeError, r"output_size: expected an int"),
    ("init-output-bool", lambda: tr.init_classifier("lstm", 2, 3, True), TypeError, r"output_size: expected an int"),
    ("init-output-0", lambda: tr.init_classifier("lstm", 2, 3, 0), ValueError, r"output_size: expected an int >= 1"),
    ("init-seed-str", lambda: tr.init_classifier("lstm", 2, 3, seed="a"), TypeError, r"seed: expected an int"),
    ("init-seed-neg", lambda: tr.init_classifier("rnn", 2, 3, seed=-1), ValueError, r"seed: expected an int >= 0"),
    # losses and the output neuron
    ("bce-str", lambda: tr.bce_with_logits("z", np.zeros(1)), TypeError, r"logits: expected a NumPy array"),
    ("bce-int", lambda: tr.bce_with_logits(np.zeros(3, int), np.zeros(3)), TypeError, r"logits: expected a floating"),
    ("bce-masked", lambda: tr.bce_with_logits(np.ma.zeros(2), np.zeros(2)), TypeError, r"logits: masked arrays"),
    ("bce-nan", lambda: tr.bce_with_logits(np.array([np.nan]), np.zeros(1)), ValueError, r"logits: contains NaN"),
    ("bce-targets-str", lambda: tr.bce_with_logits(np.zeros(1), np.array(["a"])), TypeError, r"targets: expected"),
    ("bce-targets-nan", lambda: tr.bce_with_logits(np.zeros(1), np.array([np.nan])), ValueError, r"targets: contains"),
    ("bce-targets-2", lambda: tr.bce_with_logits(np.zeros(2), np.array([0.0, 2.0])), ValueError, r"targets: expected values in \[0, 1\]"),  # noqa: E501
    ("bce-shape", lambda: tr.bce_with_logits(np.zeros(3), np.zeros(2)), ValueError, r"targets: expected shape \(3,\)"),
    ("onb-nan-h", lambda: tr.output_neuron_backward(np.zeros((2, 1)), np.full((2, 3), np.nan), np.zeros((1, 3))),
     ValueError, r"h: contains NaN"),
    ("onb-list-W", lambda: tr.output_neuron_backward(np.zeros((2, 1)), np.zeros((2, 3)), None),
     TypeError, r"W_y: expected a NumPy array"),
    # the classifier: the model's parts are named as the caller holds them
    ("lsl-model-list", lambda: tr.last_step_loss([], _XS, _YS), TypeError, r"model: expected the dict"),
    ("lsl-cell-nan", lambda: tr.last_step_loss(_with_cell_field("W_f", np.full((3, 5), np.nan)), _XS, _YS),
     ValueError, r"model\['cell'\]\.W_f: contains NaN"),
    ("lsl-cell-shape", lambda: tr.last_step_loss(_with_cell_field("b_o", np.zeros(4)), _XS, _YS),
     ValueError, r"model\['cell'\]\.b_o: expected shape \(3,\)"),
    ("lsl-W_y-shape", lambda: tr.last_step_loss({**_model(), "W_y": np.zeros((1, 4))}, _XS, _YS),
     ValueError, r"model\['W_y'\]: expected shape \(K, 3\)"),
    ("lsl-xs-int", lambda: tr.last_step_loss(_model(), _XS.astype(int), _YS), TypeError, r"xs: expected a floating"),
    ("lsl-xs-2d", lambda: tr.last_step_loss(_model(), _XS[:, 0], _YS), ValueError, r"xs: expected shape \(T, B, 2\)"),
    ("lsl-ys-shape", lambda: tr.last_step_loss(_model(), _XS, _YS[:3]), ValueError, r"ys: expected shape \(8,\)"),
    ("lsl-ys-2", lambda: tr.last_step_loss(_model(), _XS, _YS + 1), ValueError, r"ys: expected values in \[0, 1\]"),
    ("lsl-ys-class", lambda: tr.last_step_loss(_model(K=3), _XS, np.full(8, 3)), ValueError,
     r"ys: expected values in \[0, 2\]"),
    ("lsl-ys-float-class", lambda: tr.last_step_loss(_model(K=3), _XS, _YS), TypeError, r"ys: expected an integer"),
    ("acc-ys-shape", lambda: tr.accuracy(_model(), _XS, _YS[:3]), ValueError, r"ys: expected shape \(8,\)"),
    # Adam and clipping
    ("adam-lr-str", lambda: tr.Adam({"w": np.zeros(2)}, lr="1"), TypeError, r"lr: expected a number"),
    ("adam-lr-bool", lambda: tr.Adam({"w": np.zeros(2)}, lr=True), TypeError, r"lr: expected a number"),
    ("adam-lr-inf", lambda: tr.Adam({"w": np.zeros(2)}, lr=np.inf), ValueError, r"lr: expected a finite"),
    ("adam-lr-0", lambda: tr.Adam({"w": np.zeros(2)}, lr=0), ValueError, r"lr: expected a number > 0"),
    ("adam-betas-int", lambda: tr.Adam({"w": np.zeros(2)}, betas=3), TypeError, r"betas: expected a pair"),
    ("adam-betas-1", lambda: tr.Adam({"w": np.zeros(2)}, betas=(0.9, 1.0)), ValueError, r"betas\[1\]: expected"),
    ("adam-eps-nan", lambda: tr.Adam({"w": np.zeros(2)}, eps=np.nan), ValueError, r"eps: expected a finite"),
    ("adam-masked", lambda: tr.Adam({"w": np.ma.zeros(2)}), TypeError, r"params\['w'\]: masked arrays"),
    ("adam-int", lambda: tr.Adam({"w": np.zeros(2, int)}), TypeError, r"params\['w'\]: expected a floating"),
    ("adam-step-nan", lambda: tr.Adam({"w": np.zeros(2)}).step({"w": np.array([0.0, np.nan])}), ValueError,
     r"grads\['w'\]: contains NaN"),
    ("clip-max-str", lambda: tr.clip_grad_norm({"w": np.ones(2)}, "1"), TypeError, r"max_norm: expected a number"),
    ("clip-max-0", lambda: tr.clip_grad_norm({"w": np.ones(2)}, 0), ValueError, r"max_norm: expected a number > 0"),
    ("clip-max-inf", lambda: tr.clip_grad_norm({"w": np.ones(2)}, np.inf), ValueError, r"max_norm: expected a finite"),
    ("clip-masked", lambda: tr.clip_grad_norm({"w": np.ma.ones(2)}, 1.0), TypeError, r"grads\['w'\]: masked arrays"),
    ("clip-list", lambda: tr.clip_grad_norm({"w": "x"}, 1.0), TypeError, r"grads\['w'\]: expected an ndarray"),
    # the loop: every int argument is checked like init_lstm_params' sizes
    ("train-steps-float", lambda: _train(steps=1.0), TypeError, r"steps: expected an int, got float"),
    ("train-steps-bool", lambda: _train(steps=True), TypeError, r"steps: expected an int, got bool"),
    ("train-steps-0", lambda: _train(steps=0), ValueError, r"steps: expected an int >= 1, got 0"),
    ("train-batch-float", lambda: _train(batch_size=2.0), TypeError, r"batch_size: expected an int, got float"),
    ("train-batch-0", lambda: _train(batch_size=0), ValueError, r"batch_size: expected an int >= 1, got 0"),
    ("train-eval-float", lambda: _train(eval_every=1.0), TypeError, r"eval_every: expected an int"),
    ("train-seed-str", lambda: _train(seed="a"), TypeError, r"seed: expected an int"),
    ("train-lr-nan", lambda: _train(lr=np.nan), ValueError, r"lr: expected a finite"),
    ("train-max-str", lambda: _train(max_norm="1"), TypeError, r"max_norm: expected a number"),
    ("train-threads-0", lambda: _train(blas_threads=0), ValueError, r"blas_threads: expected an int >= 1"),
    ("train-progress-str", lambda: _train(progress="no"), TypeError, r"progress: expected a bool"),
    ("train-loss-none", lambda: tr.train(None, _model(), _XS, _YS, steps=1), TypeError, r"loss_and_grad: expected"),
    ("train-xs-list", lambda: _train(xs="abc"), TypeError, r"xs: expected a NumPy array"),
    ("train-xs-1d", lambda: _train(xs=np.zeros(3)), ValueError, r"xs: expected shape \(T, N, \.\.\.\)"),
    ("train-ys-n", lambda: _train(ys=_YS[:3]), ValueError, r"ys: expected 8 targets along axis 0"),
    ("train-xs-masked", lambda: _train(xs=np.ma.array(_XS)), TypeError, r"xs: masked arrays"),
    # chapter 9's experiment: its own arguments, then train's under the same names
    ("fse-model-list", lambda: tr.first_step_experiment([], 3), TypeError, r"model: expected the dict"),
    ("fse-model-input", lambda: tr.first_step_experiment(tr.init_classifier("lstm", 3, 2), 3), ValueError,
     r"model: expected a classifier with input_size 2 .* got input_size 3 and 1 output neurons"),
    ("fse-model-classes", lambda: tr.first_step_experiment(_model(K=3), 3), ValueError,
     r"model: expected a classifier .* got input_size 2 and 3 output neurons"),
    ("fse-T-bool", lambda: tr.first_step_experiment(_model(), True), TypeError, r"T: expected an int, got bool"),
    ("fse-T-0", lambda: tr.first_step_experiment(_model(), 0), ValueError, r"T: expected an int >= 1, got 0"),
    ("fse-n-train-float", lambda: tr.first_step_experiment(_model(), 3, n_train=8.0), TypeError,
     r"n_train: expected an int, got float"),
    ("fse-n-held-out-0", lambda: tr.first_step_experiment(_model(), 3, n_held_out=0), ValueError,
     r"n_held_out: expected an int >= 1, got 0"),
    ("fse-train-seed-str", lambda: tr.first_step_experiment(_model(), 3, train_seed="1"), TypeError,
     r"train_seed: expected an int"),
    ("fse-held-out-seed-neg", lambda: tr.first_step_experiment(_model(), 3, held_out_seed=-1), ValueError,
     r"held_out_seed: expected an int >= 0"),
    ("fse-steps-0", lambda: tr.first_step_experiment(_model(), 3, n_train=8, steps=0), ValueError,
     r"steps: expected an int >= 1, got 0"),
    ("fse-lr-0", lambda: tr.first_step_experiment(_model(), 3, n_train=8, lr=0), ValueError,
     r"lr: expected a number > 0"),
]


# --------------------------------------------------------------------------
# lstm_tutorial.numpy: the memory probes
# --------------------------------------------------------------------------

NUMPY_MEMORY_CASES = [
    ("gbd-params-dict", lambda: lt.gradient_by_distance({}, np.zeros((3, 1))), TypeError,
     r"params: expected LSTMParams or RNNParams, got dict"),
    ("gbd-params-nan", lambda: lt.gradient_by_distance(lt.init_rnn_params(1, 1)._replace(b_h=np.array([np.nan])),
                                                       np.zeros((3, 1))), ValueError, r"params\.b_h: contains NaN"),
    ("gbd-wrt", lambda: lt.gradient_by_distance(lt.init_rnn_params(1, 1), np.zeros((3, 1)), wrt="w"),
     ValueError, r"wrt: expected one of 'input', 'state', got 'w'"),
    ("gbd-wrt-int", lambda: lt.gradient_by_distance(lt.init_rnn_params(1, 1), np.zeros((3, 1)), wrt=0),
     TypeError, r"wrt: expected a str"),
    ("gbd-xs-D", lambda: lt.gradient_by_distance(lt.init_rnn_params(1, 1), np.zeros((3, 2))),
     ValueError, r"xs: expected shape \(T, batch, 1\) or \(T, 1\).*got \(3, 2\)"),
    ("gbd-xs-int", lambda: lt.gradient_by_distance(lt.init_rnn_params(1, 1), np.zeros((3, 1), int)),
     TypeError, r"xs: expected a floating-point array"),
]


@pytest.mark.parametrize(
    "call, err, match",
    [pytest.param(c, e, m, id=i) for i, c, e, m in DATA_CASES + TRAIN_CASES + NUMPY_MEMORY_CASES],
)
def test_bad_argument_gets_the_policys_exception_naming_it(call, err, match):
    with pytest.raises(err, match="^" + match) as info:
        call()
    assert type(info.value) is err  # not a subclass that happens to match


def test_cases_have_unique_ids():
    ids = [c[0] for c in DATA_CASES + TRAIN_CASES + NUMPY_MEMORY_CASES]
    assert len(ids) == len(set(ids))
