"""The benchmark script's logic, on tiny sizes: no timing is asserted here.

`benchmarks/bench_lstm.py` measures; these tests only check that what it
compares computes the same thing, and that its verdicts follow from its
numbers.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("threadpoolctl")

ROOT = Path(__file__).resolve().parents[1]
# torch says this whenever the oneDNN flags are set (the nn-native case)
pytestmark = pytest.mark.filterwarnings("ignore:TF32 acceleration on top of oneDNN")


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_lstm", ROOT / "benchmarks" / "bench_lstm.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_lstm"] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench_lstm", None)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_every_case_computes_the_same_gradients(bench, dtype):
    """numpy, the old kernel, numpy on one BLAS thread, the torch backend, the per-gate loop and nn.LSTM agree."""
    fwd_bwd, fwd = bench.make_cases(5, 3, 2, 4, *bench.DTYPES[dtype])
    assert {"numpy", "numpy-old", "numpy-1core", "numpy-gemms", "numpy-gemms-1core", "torch", "per-gate",
            "nn.LSTM"} <= set(fwd_bwd)
    assert {"numpy", "numpy-old", "torch", "per-gate", "nn.LSTM"} <= set(fwd)
    assert bench.max_rel_diff(fwd_bwd) < (1e-5 if dtype == "float32" else 1e-12)
    one_core, threads = fwd_bwd["numpy-1core"](), fwd_bwd["numpy"]()
    for a, b in zip(one_core, threads):
        np.testing.assert_array_equal(a, b)  # one thread changes the speed, not the numbers
    assert fwd_bwd["numpy-gemms"]() is None and fwd_bwd["numpy-gemms-1core"]() is None
    for fn in fwd.values():
        fn()


def test_one_blas_thread_is_restored(bench):
    from threadpoolctl import threadpool_info

    before = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    seen = []
    bench.one_blas_thread(lambda: seen.extend(i["num_threads"] for i in threadpool_info()
                                              if i["user_api"] == "blas"))()
    assert seen and set(seen) == {1}
    assert [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"] == before


def _row(bench, impl, vs_nn, size="medium"):
    T, B, D, H = bench.SIZES[size]
    return bench.Row(size=size, T=T, B=B, D=D, H=H, dtype="float32", pass_="fwd+bwd", impl=impl,
                     min_ms=1.0, median_ms=1.0, vs_nn=vs_nn, vs_nn_min=vs_nn, gflops=1.0, pct_peak=1.0,
                     max_rel_diff=0.0)


def test_bound_is_one_core_time_over_the_cores(bench):
    rows = [_row(bench, "numpy", 1.3), _row(bench, "nn.LSTM", 1.0),
            _row(bench, "numpy-1core", 2.1), _row(bench, "numpy-gemms", 0.8),
            _row(bench, "numpy-gemms-1core", 1.4)]
    b = bench.bounds(rows, cores=2)[("medium", "float32")]
    assert b == pytest.approx({"numpy": 1.3, "gemms": 0.8, "one_core": 2.1, "spread": 1.05,
                               "gemms_one_core": 1.4, "left": 0.6, "rest_one_core": 0.7})
    (verdict,) = bench.targets(rows, cores=2)
    assert "MISSED" in verdict and "out of NumPy's reach" in verdict and "1.05x" in verdict
    # with four cores the same work could fit: then the miss is not called out of reach
    (verdict,) = bench.targets(rows, cores=4)
    assert "MISSED" in verdict and "reach" not in verdict


def test_met_target_and_no_bound_rows(bench):
    rows = [_row(bench, "numpy", 0.9), _row(bench, "nn.LSTM", 1.0)]
    assert bench.bounds(rows, cores=2) == {}
    assert bench.bound_lines(rows, cores=2) == []
    (verdict,) = bench.targets(rows, cores=2)
    assert verdict.endswith(": met")


def test_per_gate_loop_is_the_lstm(bench):
    """The tutorial-style loop computes the package's hs (float64, random biases)."""
    import torch

    from lstm_tutorial import numpy as lnp

    rng = np.random.default_rng(3)
    p = lnp.LSTMParams(*(rng.standard_normal(a.shape) for a in lnp.init_lstm_params(2, 3)))
    xs = rng.standard_normal((4, 2, 2))
    hs = bench.per_gate_lstm(torch.from_numpy(xs), lnp.LSTMParams(*(torch.from_numpy(a) for a in p)))
    np.testing.assert_allclose(hs.numpy(), lnp.lstm(xs, None, p)[0], rtol=1e-12, atol=1e-14)


def test_budget_verdicts_follow_the_paired_ratios(bench):
    rows = [_row(bench, "numpy", 1.0), _row(bench, "numpy-old", 1.0), _row(bench, "per-gate", 1.0),
            _row(bench, "nn.LSTM", 1.0)]
    rows[0].times_ms, rows[1].times_ms, rows[2].times_ms = [1.2, 2.6, 1.3], [1.0, 2.0, 1.0], [1.1, 3.0, 2.0]
    # numpy / old per round: 1.2, 1.3, 1.3 -> median 1.3 > 1.25; numpy / per-gate: 1.09, 0.87, 0.65 -> 0.87
    assert bench.paired_ratio(rows, "numpy", "numpy-old", "medium", "float32") == pytest.approx(1.3)
    old, per_gate = bench.budget(rows)
    assert "1.30x" in old and old.endswith("MISSED")
    assert "0.87x" in per_gate and per_gate.endswith(": met")
    rows[0].times_ms = [1.2, 2.4, 1.25]  # to old: 1.2, 1.2, 1.25 -> 1.2; to per-gate: 1.09, 0.8, 0.63 -> 0.8
    assert bench.budget(rows)[0].endswith(": met")
    table = bench.budget_markdown(rows)
    assert table[2] == "| medium | float32 | 1.20x (met) | 0.80x (met) |"


def test_user_clock_leaves_out_the_kernels_share(bench):
    """Fresh memory is paid for in the kernel (page faults, zeroed pages): the CPU clock counts it, the user clock not."""
    cpu, user = bench.CLOCKS["cpu"], bench.CLOCKS["user"]
    cpu0, user0 = cpu(), user()
    for _ in range(3):
        np.ones(25_000_000)  # 200 MB, touched once and handed back
    spent, own = cpu() - cpu0, user() - user0
    assert 0 <= own < spent
    assert spent - own >= 0.3 * spent  # most of that time is the kernel's


@pytest.fixture(scope="module")
def kernel_time(bench):
    spec = importlib.util.spec_from_file_location("kernel_time", ROOT / "benchmarks" / "kernel_time.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("impl", ["numpy", "numpy-old", "per-gate"])
def test_kernel_time_splits_each_pass(kernel_time, impl):
    r = kernel_time.child(impl, "small", "float64", warmup=1, repeat=3)
    assert set(r) == {"user_ms", "sys_ms", "cpu_ms", "faults"}
    assert r["user_ms"] >= 0 and r["sys_ms"] >= 0 and r["faults"] >= 0
    assert r["cpu_ms"] > 0  # a pass takes some CPU time


def test_kernel_time_activation_costs_cover_both_libraries(kernel_time):
    rows = kernel_time.activation_costs(number=1)
    keys = {(r["dtype"], r["function"], r["library"]) for r in rows}
    assert keys == {(d, f, lib) for d in ("float32", "float64") for f in ("sigmoid", "tanh") for lib in ("NumPy", "torch")}
    assert all(r["ns_per_element"] > 0 for r in rows)
