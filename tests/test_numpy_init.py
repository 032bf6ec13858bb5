"""Initialisers (seeded, torch's bounds, forget bias) and the package's import hygiene."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

import lstm_tutorial
from lstm_tutorial import numpy as lt


@pytest.mark.parametrize("D,H", [(1, 1), (3, 4), (100, 4), (2, 25)])
def test_init_lstm_shapes_bounds_dtype(D, H):
    p = lt.init_lstm_params(D, H, seed=3)
    assert isinstance(p, lt.LSTMParams)
    assert p.hidden_size == H and p.input_size == D
    k = 1 / math.sqrt(H)  # the bound uses H, not H + D (torch.nn.LSTM's scheme)
    for name, a in zip(p._fields, p):
        assert a.dtype == np.float64, name
        assert a.shape == ((H, H + D) if name.startswith("W") else (H,)), name
        assert np.all(np.abs(a) <= k), name
    everything = np.concatenate([a.ravel() for a in p])
    # uniform over the whole interval, not a narrower one (e.g. 1/sqrt(H + D))
    assert np.abs(everything).max() > 0.8 * k
    assert everything.min() < 0 < everything.max()
    # the four gates are independent draws
    assert not np.array_equal(p.W_f, p.W_i) and not np.array_equal(p.b_f, p.b_o)


@pytest.mark.parametrize("D,H", [(1, 1), (3, 4), (50, 9)])
def test_init_rnn_shapes_bounds_dtype(D, H):
    p = lt.init_rnn_params(D, H, seed=5)
    assert isinstance(p, lt.RNNParams)
    assert p.hidden_size == H and p.input_size == D
    assert p.W_h.shape == (H, H) and p.W_x.shape == (H, D) and p.b_h.shape == (H,)
    k = 1 / math.sqrt(H)
    for a in p:
        assert a.dtype == np.float64
        assert np.all(np.abs(a) <= k)
    everything = np.concatenate([a.ravel() for a in p])
    if everything.size >= 20:  # enough draws to reach near the bound
        assert np.abs(everything).max() > 0.8 * k


@pytest.mark.parametrize("fn", [lt.init_lstm_params, lt.init_rnn_params])
def test_init_seeded_determinism(fn):
    a, b = fn(3, 4, seed=7), fn(3, 4, seed=7)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    c = fn(3, 4, seed=8)
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))
    d = fn(3, 4)  # default seed 0
    for x, y in zip(d, fn(3, 4, seed=0)):
        np.testing.assert_array_equal(x, y)
    # no global random state is touched
    np.random.seed(123)
    r1 = np.random.rand()
    np.random.seed(123)
    fn(3, 4, seed=1)
    assert np.random.rand() == r1


def test_init_lstm_draw_order_documented():
    """Draw order W_f, W_i, W_c, W_o, b_f, b_i, b_c, b_o from default_rng(seed)."""
    D, H = 2, 3
    rng = np.random.default_rng(11)
    k = 1 / math.sqrt(H)
    expected = [rng.uniform(-k, k, (H, H + D)) for _ in range(4)] + [rng.uniform(-k, k, H) for _ in range(4)]
    for x, y in zip(lt.init_lstm_params(D, H, seed=11), expected):
        np.testing.assert_array_equal(x, y)


def test_init_forget_bias():
    base = lt.init_lstm_params(2, 3, seed=4)
    p = lt.init_lstm_params(2, 3, seed=4, forget_bias=1.0)
    np.testing.assert_array_equal(p.b_f, np.ones(3))
    assert p.b_f.dtype == np.float64 and p.b_f.shape == (3,)
    # nothing else changes
    for name in p._fields:
        if name != "b_f":
            np.testing.assert_array_equal(getattr(p, name), getattr(base, name))
    # the forget gate then starts near sigmoid(1) for small inputs
    f = lt.forget_gate(np.zeros(2), np.zeros(3), p)
    np.testing.assert_allclose(f, 1 / (1 + math.exp(-1.0)), rtol=1e-14)
    np.testing.assert_array_equal(lt.init_lstm_params(2, 3, forget_bias=-2).b_f, [-2.0, -2.0, -2.0])


def test_init_accepts_numpy_ints():
    p = lt.init_lstm_params(np.int64(2), np.int32(3))
    assert p.W_f.shape == (3, 5)


def test_import_package_imports_neither_numpy_nor_torch():
    code = "import sys, lstm_tutorial; assert 'numpy' not in sys.modules and 'torch' not in sys.modules, sorted(sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    # and the shared containers are there without a backend
    code = "import sys, lstm_tutorial as L; L.LSTMParams, L.RNNParams; assert 'numpy' not in sys.modules"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_numpy_backend_does_not_import_torch():
    code = "import sys; from lstm_tutorial import numpy as lt; assert 'torch' not in sys.modules"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_exports():
    assert lt.LSTMParams is lstm_tutorial.LSTMParams and lt.RNNParams is lstm_tutorial.RNNParams
    for name in lt.__all__:
        assert hasattr(lt, name), name
    for name in [
        "sigmoid", "tanh", "init_rnn_params", "rnn_cell", "rnn", "init_lstm_params", "forget_gate",
        "input_gate", "candidate", "output_gate", "lstm_cell", "lstm", "output_neuron",
        "lstm_forward", "lstm_backward", "rnn_forward", "rnn_backward",
    ]:
        assert name in lt.__all__, name


def test_numpy_backend_functions_are_short_and_gradcheck_stands_alone():
    """Every function of the NumPy backend fits on a screen (under 80 lines, decorators included),
    and the gradient checks need only NumPy: gradcheck does not import the backend."""
    import ast
    from pathlib import Path

    pkg = Path(lstm_tutorial.__file__).parent
    tree = ast.parse((pkg / "numpy.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            assert node.end_lineno - first + 1 < 80, node.name
    code = "import sys, lstm_tutorial.gradcheck; assert 'lstm_tutorial.numpy' not in sys.modules"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert lt.numerical_gradient is lstm_tutorial.gradcheck.numerical_gradient
