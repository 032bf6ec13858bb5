"""How fast are the book's LSTMs? NumPy BPTT and the torch backend against torch.nn.LSTM.

Times, in one run and on the CPU, one forward + backward pass of

* ``numpy``: ``lstm_tutorial.numpy.lstm_forward`` + ``lstm_backward`` (the
  explicit backpropagation through time of chapter 8, written as the equations);
* ``numpy-old`` (``--no-old`` leaves it out): the speed-tuned kernel those two
  functions were before they were rewritten to read as the book's equations
  (``benchmarks/old_lstm_kernel.py``, frozen): the baseline of the budget below;
* ``torch``: ``lstm_tutorial.torch.lstm`` + ``.backward()`` (a Python loop over
  time steps, differentiated by autograd);
* ``per-gate``: the loop most from-scratch tutorials teach: torch tensors,
  four separate ``[h_{t-1}, x_t] @ W_g^T + b_g`` products per step (one per
  gate, no stacking), ``torch.stack`` of the outputs, autograd's backward;
* ``nn.LSTM``: ``torch.nn.LSTM`` + ``.backward()``, holding the same
  parameters (``to_torch_lstm``). In float32 on a CPU with oneDNN, PyTorch
  hands the whole sequence to oneDNN's fused LSTM kernel; in float64 it runs
  its generic C++ loop (a matrix product and a few fused elementwise kernels
  per step);
* ``nn-native`` (float32 only, ``--no-native`` leaves it out): the same
  ``nn.LSTM`` with oneDNN switched off, i.e. that generic C++ loop in
  float32: it tells what a compiled loop gains from what a fused kernel gains;

* ``numpy-1core``: the ``numpy`` pass with NumPy's BLAS held to one thread
  (threadpoolctl), so the whole pass runs on one core: its time is about the
  CPU time the pass needs, and that time divided by the number of cores
  estimates the best a perfect spread of this work over the cores could
  reach (``--no-bound`` leaves out this row and the next two);
* ``numpy-gemms``: only the matrix products of the ``numpy`` pass, the same
  shapes in the same order, without anything between them: the floor that
  NumPy's BLAS sets; ``numpy-gemms-1core``: the same on one BLAS thread;

at three sizes (``--sizes``) and in float32 and float64 (``--dtypes``). All
compute the same thing: the gradients of ``sum(hs * dhs)`` for a fixed
random ``dhs``, with respect to the parameters and to the inputs (``dxs``),
from a zero initial state; the script checks that they agree before timing
them. ``--forward`` adds the forward pass alone (``torch.no_grad()`` for the
torch ones).

    python benchmarks/bench_lstm.py                    # everything, about 5 min on 2 quiet cores
    python benchmarks/bench_lstm.py --quick            # a smoke run, about 15 s
    python benchmarks/bench_lstm.py --sizes medium --dtypes float32 --repeat 30 --forward
    python benchmarks/bench_lstm.py --markdown --json results.json

The budget of the readable core (issue 12)
------------------------------------------
At every size and dtype, forward + backward: ``numpy`` at most 1.25x
``numpy-old``, and faster than ``per-gate`` (both as paired median ratios,
the two timed in the same rounds). The script prints "met" or "MISSED" for
each.

How it times
------------
After ``--warmup`` untimed calls, each of ``--repeat`` rounds times every
implementation once, in an order that rotates from round to round
(interleaved), so a burst of load from another process hits all of them
alike; each measurement starts after ``--gap`` seconds of idle, so the
worker threads one library leaves spinning do not slow the next (on 2 cores
that alone made nn.LSTM look 1.8x slower right after a NumPy call). A
measurement runs the pass ``number`` times back to back, with ``number``
chosen once so that it lasts at least ``--min-time`` (the small size takes
about a millisecond). The table gives the minimum and the median time per
pass, and ``vs nn`` = the median over rounds of (time / nn.LSTM's time in the
same round): a paired ratio, steadier than a ratio of two medians on a busy
machine. The garbage collector is off while a measurement runs (as in
``timeit``). ``--clock cpu`` counts this process's CPU seconds instead of
elapsed time: on a machine that other programs keep busy, elapsed times
swing by 2x or more from round to round, while the CPU time of one thread
(``--threads 1``) stays close to the work of the pass. ``--clock user``
counts only the CPU seconds the process ran its own code, leaving out the
kernel's (page faults, memory handed back and taken again): not what a
reader's program spends, but it tells a gap in the arithmetic from a gap in
what the allocator costs (the budget's verdicts under it say so).

FLOPs counted
-------------
Only the matrix products, per time step, with ``B`` sequences, ``D`` inputs,
``H`` hidden units and ``4H`` stacked gate rows:

* forward: ``[h_{t-1}, x_t] (B, H+D) @ (H+D, 4H)``: ``2 B (H+D) 4H`` FLOPs;
* backward: ``dz @ W_h`` and ``dz @ W_x`` (the gradients reaching
  ``h_{t-1}`` and ``x_t``) plus ``dz^T [h_{t-1}, x_t]`` (the weight
  gradient): twice the forward, ``4 B (H+D) 4H``;

so a forward pass is ``8 T B H (H + D)`` FLOPs and forward + backward is
``24 T B H (H + D)``. The elementwise work (the gates' sigmoid and tanh and
the products, about 50 T B H operations with a transcendental counted as one)
is left out: under 1% at the medium and large sizes, and at the small size
the time is Python overhead per step anyway. GFLOP/s is that count over the
median time; ``% peak`` compares it with the measured rate of one large
square matrix product (``--gemm-n``) of the same library and dtype (NumPy's
BLAS for ``numpy``, ``torch.mm`` for the other two): the practical ceiling of
this machine, not a theoretical peak. A fused LSTM can pass 100% at large
sizes, where its products run faster than the ``--gemm-n`` one.

Needs numpy, torch and ``lstm_tutorial``; threadpoolctl, if installed, names
the BLAS kernel NumPy runs and lets ``--threads`` limit it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

import numpy as np
import torch

from lstm_tutorial import numpy as lnp
from lstm_tutorial import torch as lto
from lstm_tutorial._machine import cpu_model

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import old_lstm_kernel  # noqa: E402  (the frozen baseline, next to this script)

# name: (T, B, D, H)
SIZES = {
    "small": (50, 1, 1, 8),  # the book's scale: one input, a few hidden units, one sequence
    "medium": (100, 64, 128, 256),
    "large": (50, 128, 256, 512),
}
IMPLS = (
    "numpy", "numpy-old", "torch", "per-gate", "nn.LSTM", "nn-native", "numpy-1core", "numpy-gemms",
    "numpy-gemms-1core",
)
BOUND_IMPLS = ("numpy-1core", "numpy-gemms", "numpy-gemms-1core")  # what NumPy's own kernels allow, not implementations
DTYPES = {"float32": (np.float32, torch.float32), "float64": (np.float64, torch.float64)}
# The goals set for this code (float32, paired median ratio to nn.LSTM, forward + backward).
TARGETS = {
    ("numpy", "small"): 2.0, ("numpy", "medium"): 1.0, ("numpy", "large"): 1.0,
    ("torch", "medium"): 2.0, ("torch", "large"): 2.0,
}
# The budget of the readable core: (implementation, baseline) -> the largest allowed paired median ratio.
BUDGET = {("numpy", "numpy-old"): 1.25, ("numpy", "per-gate"): 1.0}


def lstm_flops(T: int, B: int, D: int, H: int, backward: bool = True) -> int:
    """Matrix-product FLOPs of an LSTM pass: ``8 T B H (H + D)`` forward, 3x that with backward."""
    forward = T * 2 * B * (H + D) * 4 * H  # one [h, x] @ W^T per step
    return 3 * forward if backward else forward  # backward = 2 x forward (input grads + weight grads)


# --------------------------------------------------------------------------
# The three implementations, on the same numbers
# --------------------------------------------------------------------------


def numpy_gemms(xs: Any, dhs: Any, params: lnp.LSTMParams) -> Callable[[], None]:
    """A closure that runs only the matrix products of ``lstm_forward`` + ``lstm_backward``.

    Same shapes, same order, same kind of operands (C-ordered or transposed
    views) as the package's pass, on the numbers of a real pass; nothing in
    between. Keep it in step with ``lstm_tutorial/numpy.py``: per step, one
    ``(B, H) @ (H, 4H)`` product forward and one ``(B, 4H) @ (4H, H)``
    backward; over all steps at once, the inputs' projection, the weight
    gradient (one product for its columns for h_{t-1}, one for x_t) and the
    inputs' gradient.
    """
    T, B, D = xs.shape
    H = params.hidden_size
    hs, _, cache = lnp.lstm_forward(xs, None, params)
    W = np.concatenate([params.W_f, params.W_i, params.W_c, params.W_o])  # (4H, H + D)
    W_h, W_x = W[:, :H], W[:, H:]  # views, as the package uses them
    dz = np.concatenate([cache.f, cache.i, cache.c_tilde, cache.o], axis=-1)  # (T, B, 4H): numbers of the right size
    h_prev = hs.reshape(T * B, H)  # (T*B, H): numbers of the right size

    def run() -> None:
        xs.reshape(T * B, D) @ W_x.T  # the input part of every step
        for t in range(T):
            hs[t] @ W_h.T  # (B, 4H)
        for t in range(T - 1, -1, -1):
            dz[t] @ W_h  # (B, H)
        dz.reshape(T * B, 4 * H).T @ h_prev  # (4H, H): the weight gradients' columns for h_{t-1}
        dz.reshape(T * B, 4 * H).T @ xs.reshape(T * B, D)  # (4H, D): their columns for x_t
        dz.reshape(T * B, 4 * H) @ W_x  # (T*B, D): the input gradients

    return run


def per_gate_lstm(xs: torch.Tensor, p: lnp.LSTMParams) -> torch.Tensor:
    """The LSTM loop of most from-scratch tutorials: one product per gate per step, autograd does the rest.

    ``p`` holds torch tensors (``requires_grad``); returns ``hs`` ``(T, B, H)``
    from a zero initial state. The same equations as the package, without
    stacking the four gates into one matrix.
    """
    T, B, _ = xs.shape
    H = p.W_f.shape[0]
    h = c = xs.new_zeros(B, H)  # (B, H)
    outputs = []
    for t in range(T):
        hx = torch.cat([h, xs[t]], dim=1)  # (B, H + D)
        f = torch.sigmoid(hx @ p.W_f.T + p.b_f)  # (B, H)
        i = torch.sigmoid(hx @ p.W_i.T + p.b_i)  # (B, H)
        c_tilde = torch.tanh(hx @ p.W_c.T + p.b_c)  # (B, H)
        o = torch.sigmoid(hx @ p.W_o.T + p.b_o)  # (B, H)
        c = f * c + i * c_tilde  # (B, H)
        h = o * torch.tanh(c)  # (B, H)
        outputs.append(h)
    return torch.stack(outputs)  # (T, B, H)


def one_blas_thread(fn: Callable[[], Any]) -> Callable[[], Any] | None:
    """``fn`` with NumPy's BLAS held to one thread while it runs; None without threadpoolctl."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    controller = ThreadpoolController()  # found once: looking for the libraries takes a while

    def run() -> Any:
        with controller.limit(limits=1, user_api="blas"):
            return fn()

    return run


def make_cases(
    T: int, B: int, D: int, H: int, np_dtype: Any, t_dtype: torch.dtype, with_native: bool = True,
    with_bound: bool = True, with_old: bool = True,
) -> tuple[dict[str, Callable[[], Any]], dict[str, Callable[[], Any]]]:
    """Closures per implementation: ``(forward + backward, forward only)``.

    The forward + backward closures return ``(dW_f, dxs)``, to check that
    they all agree (``numpy-gemms`` returns None: it computes no gradient).
    """
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((T, B, D)).astype(np_dtype)  # (T, B, D)
    dhs = rng.standard_normal((T, B, H)).astype(np_dtype)  # (T, B, H)
    p_np = lnp.LSTMParams(*(a.astype(np_dtype) for a in lnp.init_lstm_params(D, H, seed=0)))

    def numpy_fb() -> tuple[Any, Any]:
        hs, _, cache = lnp.lstm_forward(xs, None, p_np)
        grads, dxs, _ = lnp.lstm_backward(dhs, cache)
        return grads.W_f, dxs

    def numpy_f() -> None:
        lnp.lstm_forward(xs, None, p_np)

    def old_fb() -> tuple[Any, Any]:
        hs, _, cache = old_lstm_kernel.lstm_forward(xs, None, p_np)
        grads, dxs, _ = old_lstm_kernel.lstm_backward(dhs, cache)
        return grads.W_f, dxs

    def old_f() -> None:
        old_lstm_kernel.lstm_forward(xs, None, p_np)

    xs_t = torch.from_numpy(xs).requires_grad_()  # (T, B, D)
    dhs_t = torch.from_numpy(dhs)  # (T, B, H)
    p_t = lto.LSTMParams(*(torch.from_numpy(a.copy()).requires_grad_() for a in p_np))

    def torch_fb() -> tuple[Any, Any]:
        for p in (*p_t, xs_t):
            p.grad = None
        hs, _ = lto.lstm(xs_t, None, p_t)
        hs.backward(dhs_t)
        return p_t.W_f.grad, xs_t.grad

    def torch_f() -> None:
        with torch.no_grad():
            lto.lstm(xs_t, None, p_t)

    def per_gate_fb() -> tuple[Any, Any]:
        for p in (*p_t, xs_t):
            p.grad = None
        per_gate_lstm(xs_t, p_t).backward(dhs_t)
        return p_t.W_f.grad, xs_t.grad

    def per_gate_f() -> None:
        with torch.no_grad():
            per_gate_lstm(xs_t, p_t)

    module = lto.to_torch_lstm(p_np)  # same numbers in torch's layout, dtype of p_np
    assert module.weight_ih_l0.dtype == t_dtype

    def nn_fb() -> tuple[Any, Any]:
        module.zero_grad(set_to_none=True)
        xs_t.grad = None
        hs, _ = module(xs_t)
        hs.backward(dhs_t)
        H_ = module.hidden_size  # torch's row blocks are i, f, g, o: the forget gate is block 1
        dW_f = torch.cat([module.weight_hh_l0.grad[H_ : 2 * H_], module.weight_ih_l0.grad[H_ : 2 * H_]], 1)
        return dW_f, xs_t.grad

    def nn_f() -> None:
        with torch.no_grad():
            module(xs_t)

    fwd_bwd = {"numpy": numpy_fb, "torch": torch_fb, "per-gate": per_gate_fb, "nn.LSTM": nn_fb}
    fwd = {"numpy": numpy_f, "torch": torch_f, "per-gate": per_gate_f, "nn.LSTM": nn_f}
    if with_old:
        fwd_bwd["numpy-old"], fwd["numpy-old"] = old_fb, old_f
    if with_native and t_dtype == torch.float32 and torch.backends.mkldnn.is_available():
        # nn.LSTM with oneDNN switched off: PyTorch's generic C++ loop (one
        # matrix product and a few elementwise kernels per step), the path
        # float64 always takes. It tells the loop apart from the fused kernel.
        def native(fn: Callable[[], Any]) -> Callable[[], Any]:
            def run() -> Any:
                with torch.backends.mkldnn.flags(enabled=False):
                    return fn()

            return run

        fwd_bwd["nn-native"], fwd["nn-native"] = native(nn_fb), native(nn_f)
    if with_bound:
        fwd_bwd["numpy-gemms"] = numpy_gemms(xs, dhs, p_np)
        for name, fn in (("numpy-1core", numpy_fb), ("numpy-gemms-1core", fwd_bwd["numpy-gemms"])):
            single = one_blas_thread(fn)
            if single is not None:
                fwd_bwd[name] = single
    return fwd_bwd, fwd


def max_rel_diff(cases: dict[str, Callable[[], Any]]) -> float:
    """Largest relative difference of ``dW_f`` or ``dxs`` between an implementation and nn.LSTM."""
    ref = [np.asarray(a.detach()) for a in cases["nn.LSTM"]()]
    worst = 0.0
    for name in (n for n in cases if n != "nn.LSTM" and not n.startswith("numpy-gemms")):
        for a, r in zip(cases[name](), ref):
            a = a.detach().numpy() if isinstance(a, torch.Tensor) else a
            worst = max(worst, lnp.relative_error(a, r))
    return worst


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


def user_time() -> float:
    """CPU seconds this process (all its threads) has run its own code: the CPU time less the kernel's share."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_utime


# --clock: "wall" times what a user waits; "cpu" counts the CPU seconds of this
# process (all its threads), which other programs' load on a shared machine
# barely moves. With --threads 1 the CPU time is the work of one pass. "user"
# leaves out what the kernel did for the process (page faults, returning and
# taking back memory): a diagnosis of where a gap comes from, not what a
# reader's program spends (Linux splits CPU time into user and kernel time by
# sampling at each timer tick, so short passes get a rough split).
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time, "user": user_time}
CLOCK_NAMES = {"wall": "wall-clock time", "cpu": "CPU time", "user": "user CPU time (the kernel's share left out)"}


def call_time(fn: Callable[[], Any], number: int, clock: Callable[[], float] = time.perf_counter) -> float:
    """Seconds per call of ``fn`` by ``clock``, over ``number`` back-to-back calls, garbage collector off."""
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        t0 = clock()
        for _ in range(number):
            fn()
        return (clock() - t0) / number
    finally:
        if gc_was_on:
            gc.enable()


def interleaved(
    fns: dict[str, Callable[[], Any]], warmup: int, repeat: int, min_time: float, gap: float,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, list[float]]:
    """``repeat`` rounds; each round times every function once, in a rotating order.

    subtle: BLAS and OpenMP worker threads spin for a while after a call before
    they sleep. On 2 cores, NumPy's spinning OpenBLAS threads slowed the next
    nn.LSTM call by 1.8x here; ``gap`` seconds of sleep before each
    measurement let them settle, so each library is timed on a quiet machine.
    """
    names = list(fns)
    numbers = {}
    for name in names:
        for _ in range(warmup):
            fns[name]()
        t = call_time(fns[name], 1, clock)
        numbers[name] = max(1, min(1000, int(np.ceil(min_time / max(t, 1e-7)))))
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeat):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            time.sleep(gap)
            times[name].append(call_time(fns[name], numbers[name], clock))
        gc.collect()
    return times


def gemm_rates(
    n: int, repeat: int, dtypes: list[str], gap: float, clock: Callable[[], float] = time.perf_counter
) -> dict[str, dict[str, float]]:
    """GFLOP/s of one ``(n, n) @ (n, n)`` product, per library and dtype: the ceiling.

    From the fastest round, not the median: a ceiling is what the machine can
    do, and on a shared machine the median moves with other people's load.
    """
    rng = np.random.default_rng(1)
    rates: dict[str, dict[str, float]] = {"numpy": {}, "torch": {}}
    for dt in dtypes:
        a = rng.standard_normal((n, n)).astype(DTYPES[dt][0])  # (n, n)
        b = rng.standard_normal((n, n)).astype(DTYPES[dt][0])  # (n, n)
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        fns = {
            "numpy": partial(np.matmul, a, b, out=np.empty_like(a)),
            "torch": partial(torch.mm, ta, tb, out=torch.empty_like(ta)),
        }
        times = interleaved(fns, warmup=2, repeat=repeat, min_time=0.05, gap=gap, clock=clock)  # the passes' clock
        for lib, ts in times.items():
            rates[lib][dt] = 2 * n**3 / min(ts) / 1e9
    return rates


# --------------------------------------------------------------------------
# The machine
# --------------------------------------------------------------------------


def blas_info() -> str:
    """NumPy's BLAS as threadpoolctl reports it (library, version, kernel, threads)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (install threadpoolctl to see it)"
    libs = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return "; ".join(
        f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture', '?')} kernel, "
        f"{i.get('num_threads')} threads)"
        for i in libs
    ) or "none found"


def busy_seconds() -> tuple[float, float]:
    """``(CPU seconds used by every process on the machine, by this one)`` so far; NaN where unknown.

    The difference over a run tells how much other programs took from it
    (the load average cannot: it counts this benchmark too).
    """
    mine = resource.getrusage(resource.RUSAGE_SELF)
    try:
        with open("/proc/stat") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
        # user nice system idle iowait irq softirq steal ...: all but idle and iowait
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        busy = float("nan")
    return busy, mine.ru_utime + mine.ru_stime


def machine() -> dict[str, Any]:
    cfg = torch.__config__.show()
    torch_blas = "MKL" if "BLAS_INFO=mkl" in cfg else ("OpenBLAS" if "openblas" in cfg.lower() else "?")
    if torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled:
        torch_blas += " + oneDNN"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0
    # settings that change the timings: the libraries' threads, and glibc malloc's (book/speed.md)
    env = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS_", "OMP_", "MKL_", "NVPL_", "MALLOC_"))}
    return {
        "cpu": cpu_model(),
        "cores": cores,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "numpy_blas": blas_info(),
        "torch_blas": torch_blas,
        "blas_env": env,
        "load_before": os.getloadavg()[0],
    }


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


@dataclass
class Row:
    size: str
    T: int
    B: int
    D: int
    H: int
    dtype: str
    pass_: str  # "fwd+bwd" or "fwd"
    impl: str
    min_ms: float
    median_ms: float
    vs_nn: float  # median over rounds of time / nn.LSTM's time in the same round
    vs_nn_min: float  # fastest time / nn.LSTM's fastest time
    gflops: float
    pct_peak: float
    max_rel_diff: float
    times_ms: list[float] = field(repr=False, default_factory=list)


def rows_for(
    times: dict[str, list[float]], flops: int, peak: dict[str, dict[str, float]], **common: Any
) -> list[Row]:
    rows = []
    for impl in (i for i in IMPLS if i in times):
        ts = times[impl]
        med = statistics.median(ts)
        rate = flops / med / 1e9
        lib = "numpy" if impl.startswith("numpy") else "torch"
        rows.append(Row(
            impl=impl, min_ms=1e3 * min(ts), median_ms=1e3 * med,
            vs_nn=statistics.median(a / b for a, b in zip(ts, times["nn.LSTM"])),
            vs_nn_min=min(ts) / min(times["nn.LSTM"]),
            gflops=rate, pct_peak=100 * rate / peak[lib][common["dtype"]],
            times_ms=[1e3 * t for t in ts], **common,
        ))
    return rows


def run(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, dict[str, float]], list[Row]]:
    info = machine()
    busy0, mine0, t0 = *busy_seconds(), time.perf_counter()
    peak = gemm_rates(args.gemm_n, max(3, args.repeat // 2), args.dtypes, args.gap, CLOCKS[args.clock])
    rows = []
    for size in args.sizes:
        T, B, D, H = SIZES[size]
        for dt in args.dtypes:
            fwd_bwd, fwd = make_cases(
                T, B, D, H, *DTYPES[dt], with_native=not args.no_native, with_bound=not args.no_bound,
                with_old=not args.no_old,
            )
            common = dict(size=size, T=T, B=B, D=D, H=H, dtype=dt, max_rel_diff=max_rel_diff(fwd_bwd))
            times = interleaved(fwd_bwd, args.warmup, args.repeat, args.min_time, args.gap, CLOCKS[args.clock])
            rows += rows_for(times, lstm_flops(T, B, D, H), peak, pass_="fwd+bwd", **common)
            if args.forward:
                times = interleaved(fwd, args.warmup, args.repeat, args.min_time, args.gap, CLOCKS[args.clock])
                rows += rows_for(times, lstm_flops(T, B, D, H, backward=False), peak, pass_="fwd", **common)
            if args.verbose:
                print(f"  done {size} {dt}", file=sys.stderr, flush=True)
    info["load_after"] = os.getloadavg()[0]
    busy1, mine1 = busy_seconds()
    # share of all cores that other programs used while this ran
    info["others_cpu_share"] = ((busy1 - busy0) - (mine1 - mine0)) / ((time.perf_counter() - t0) * info["cores"])
    return info, peak, rows


def header(info: dict[str, Any], peak: dict[str, dict[str, float]], args: argparse.Namespace) -> list[str]:
    ceiling = ", ".join(f"{lib} {dt} {rate:.0f}" for lib, by_dt in peak.items() for dt, rate in by_dt.items())
    env = " ".join(f"{k}={v}" for k, v in info["blas_env"].items()) or "none"
    lines = [
        f"CPU: {info['cpu']}, {info['cores']} cores; Python {info['python']}, "
        f"NumPy {info['numpy']}, torch {info['torch']} ({info['torch_threads']} threads)",
        f"NumPy BLAS: {info['numpy_blas']}; torch: {info['torch_blas']}; BLAS environment: {env}",
        f"Matrix-product ceiling ({args.gemm_n}x{args.gemm_n}, GFLOP/s): {ceiling}",
        f"{args.repeat} interleaved rounds after {args.warmup} warm-up calls, {args.gap:g} s gap, "
        f"{CLOCK_NAMES[args.clock]}; "
        f"load average {info['load_before']:.2f} before; other programs used "
        f"{100 * info['others_cpu_share']:.0f}% of the CPUs during the run",
    ]
    if info["others_cpu_share"] > 0.2:
        lines.append("warning: other programs were busy on this machine; times are inflated and "
                     "ratios less reliable than usual")
    return lines


NAMES = {
    "numpy": "NumPy (explicit BPTT)",
    "numpy-old": "NumPy, the previous speed-tuned kernel",
    "per-gate": "per-gate autograd loop (torch)",
    "torch": "torch backend (autograd)",
    "nn.LSTM": "`torch.nn.LSTM`",
    "nn-native": "`torch.nn.LSTM`, oneDNN off",
}


def text_table(rows: list[Row]) -> list[str]:
    out = [
        f"{'size':<7} {'T,B,D,H':<15} {'dtype':<8} {'pass':<8} {'impl':<17} {'min ms':>9} {'median ms':>10} "
        f"{'vs nn':>7} {'min/min':>7} {'GFLOP/s':>8} {'% peak':>7} {'max rel diff':>13}"
    ]
    for r in rows:
        out.append(
            f"{r.size:<7} {f'{r.T},{r.B},{r.D},{r.H}':<15} {r.dtype:<8} {r.pass_:<8} {r.impl:<17} "
            f"{r.min_ms:9.3f} {r.median_ms:10.3f} {r.vs_nn:6.2f}x {r.vs_nn_min:6.2f}x {r.gflops:8.2f} "
            f"{r.pct_peak:6.1f}% "
            f"{r.max_rel_diff:13.1e}"
        )
    return out


SHORT = {
    "numpy": "NumPy", "numpy-old": "NumPy, old kernel", "per-gate": "per-gate autograd", "torch": "torch backend", "nn.LSTM": "`nn.LSTM`", "nn-native": "`nn.LSTM` no oneDNN",
    "numpy-1core": "NumPy, 1 core", "numpy-gemms": "NumPy's products alone",
    "numpy-gemms-1core": "NumPy's products alone, 1 core",
}


def _sizes_line(rows: list[Row]) -> str:
    sizes = ", ".join(dict.fromkeys(f"{r.size} = ({r.T}, {r.B}, {r.D}, {r.H})" for r in rows))
    return f"Sizes (T, B, D, H): {sizes}."


def _num(x: float) -> str:
    """Three significant digits, never in exponent notation (1046, 12.3, 4.00, 0.0841)."""
    if x >= 99.5:
        return f"{x:.0f}"
    return f"{x:#.3g}" if x >= 0.001 else "<0.001"


def markdown_table(rows: list[Row]) -> list[str]:
    """GitHub-style tables, one per dtype (and pass), narrow enough for a book page.

    ``vs nn.LSTM`` is the paired median ratio (the text table also has min over min).
    """
    out = [_sizes_line(rows)]
    for dt, pass_ in dict.fromkeys((r.dtype, r.pass_) for r in rows):
        out += [
            "",
            f"**{dt}, {'forward + backward' if pass_ == 'fwd+bwd' else 'forward only'}**",
            "",
            "| size | code | median ms | min ms | vs `nn.LSTM` | GFLOP/s | % of matmul |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for r in rows:
            if (r.dtype, r.pass_) == (dt, pass_):
                out.append(
                    f"| {r.size} | {SHORT[r.impl]} | {_num(r.median_ms)} | {_num(r.min_ms)} | {r.vs_nn:.2f}x | "
                    f"{_num(r.gflops)} | {_num(r.pct_peak)}% |"
                )
    return out


def summary_table(rows: list[Row]) -> list[str]:
    """One line per size and dtype: each implementation's median time and its ratio to nn.LSTM."""
    impls = [i for i in IMPLS if i not in BOUND_IMPLS and any(r.impl == i for r in rows)]
    out = [
        _sizes_line(rows),
        "",
        "| size | dtype | " + " | ".join(SHORT[i] for i in impls) + " |",
        "|---|---|" + "---:|" * len(impls),
    ]
    for size, dt, pass_ in dict.fromkeys((r.size, r.dtype, r.pass_) for r in rows):
        by = {r.impl: r for r in rows if (r.size, r.dtype, r.pass_) == (size, dt, pass_)}
        cells = [f"{_num(by[i].median_ms)} ms ({by[i].vs_nn:.2f}x)" if i in by else "-" for i in impls]
        label = size + ("" if pass_ == "fwd+bwd" else ", forward")
        out.append(f"| {label} | {dt} | " + " | ".join(cells) + " |")
    return out


def bounds(rows: list[Row], cores: int) -> dict[tuple[str, str], dict[str, float]]:
    """Per (size, dtype), forward + backward, as paired median ratios to nn.LSTM.

    ``numpy``: the pass as it runs; ``gemms``: its matrix products alone;
    ``one_core``: the pass on one core; ``spread``: ``one_core / cores``, the
    time if the pass's CPU work were spread perfectly over every core (its
    kernels do not get faster by sharing the machine); ``gemms_one_core``:
    the products alone on one core, and ``left``: what a perfect spread
    leaves for all the rest, ``cores - gemms_one_core``, in the same units as
    ``rest_one_core = one_core - gemms_one_core``, what the rest takes now.
    """
    out = {}
    for size, dt in dict.fromkeys((r.size, r.dtype) for r in rows if r.pass_ == "fwd+bwd"):
        by = {r.impl: r for r in rows if (r.size, r.dtype, r.pass_) == (size, dt, "fwd+bwd")}
        if all(k in by for k in BOUND_IMPLS):
            one_core, gemms_one_core = by["numpy-1core"].vs_nn, by["numpy-gemms-1core"].vs_nn
            out[(size, dt)] = {
                "numpy": by["numpy"].vs_nn, "gemms": by["numpy-gemms"].vs_nn,
                "one_core": one_core, "spread": one_core / cores,
                "gemms_one_core": gemms_one_core, "left": cores - gemms_one_core,
                "rest_one_core": one_core - gemms_one_core,
            }
    return out


def bound_lines(rows: list[Row], cores: int) -> list[str]:
    table = bounds(rows, cores)
    if not table:
        return []
    out = [
        f"How fast could NumPy's kernels be? (forward + backward, paired median ratio to nn.LSTM; {cores} cores)",
        f"{'size':<7} {'dtype':<8} {'numpy':>7} {'products':>9} {'1 core':>7} {f'1 core/{cores}':>9} "
        f"{'products, 1 core':>17} {'rest, 1 core':>13} {'room for the rest':>18}",
    ]
    for (size, dt), b in table.items():
        out.append(f"{size:<7} {dt:<8} {b['numpy']:6.2f}x {b['gemms']:8.2f}x {b['one_core']:6.2f}x "
                   f"{b['spread']:8.2f}x {b['gemms_one_core']:16.2f}x {b['rest_one_core']:12.2f}x "
                   f"{b['left']:17.2f}x")
    out.append(f"(products: the matrix products alone; rest: everything else; room: {cores} cores' worth of "
               "nn.LSTM's time, less the products on 1 core)")
    return out


def bound_markdown(rows: list[Row], cores: int) -> list[str]:
    """The core-time columns of ``bound_lines`` (the full markdown table has the other two)."""
    table = bounds(rows, cores)
    if not table:
        return []
    out = [
        f"| size | dtype | NumPy, 1 core | 1 core / {cores} | products, 1 core | rest, 1 core | room for the rest |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for (size, dt), b in table.items():
        out.append(f"| {size} | {dt} | {b['one_core']:.2f}x | {b['spread']:.2f}x | {b['gemms_one_core']:.2f}x | "
                   f"{b['rest_one_core']:.2f}x | {b['left']:.2f}x |")
    return out


def paired_ratio(rows: list[Row], impl: str, base: str, size: str, dtype: str, pass_: str = "fwd+bwd") -> float | None:
    """Median over rounds of ``impl``'s time / ``base``'s time in the same round; None if either is missing."""
    by = {r.impl: r for r in rows if (r.size, r.dtype, r.pass_) == (size, dtype, pass_)}
    if impl not in by or base not in by:
        return None
    return statistics.median(a / b for a, b in zip(by[impl].times_ms, by[base].times_ms))


def budget(rows: list[Row]) -> list[str]:
    """One verdict per (size, dtype) and budget line of ``BUDGET``, forward + backward."""
    out = []
    for size, dt in dict.fromkeys((r.size, r.dtype) for r in rows if r.pass_ == "fwd+bwd"):
        for (impl, base), limit in BUDGET.items():
            ratio = paired_ratio(rows, impl, base, size, dt)
            if ratio is not None:
                ok = ratio <= limit if limit != 1.0 else ratio < limit
                sign = "<=" if limit != 1.0 else "<"
                out.append(f"{impl} / {base:<9} {size:<7} {dt}: {ratio:.2f}x (budget {sign} {limit:.2f}x): "
                           + ("met" if ok else "MISSED"))
    return out


def budget_markdown(rows: list[Row]) -> list[str]:
    """The budget as a table: per size and dtype, NumPy's paired ratio to the old kernel and to the per-gate loop."""
    out = [
        "| size | dtype | NumPy / old kernel (budget <= 1.25x) | NumPy / per-gate autograd (budget < 1x) |",
        "|---|---|---:|---:|",
    ]
    for size, dt in dict.fromkeys((r.size, r.dtype) for r in rows if r.pass_ == "fwd+bwd"):
        cells = []
        for (impl, base), limit in BUDGET.items():
            ratio = paired_ratio(rows, impl, base, size, dt)
            ok = ratio is not None and (ratio <= limit if limit != 1.0 else ratio < limit)
            cells.append("-" if ratio is None else f"{ratio:.2f}x " + ("(met)" if ok else "(**missed**)"))
        out.append(f"| {size} | {dt} | " + " | ".join(cells) + " |")
    return out


def targets(rows: list[Row], cores: int = 1) -> list[str]:
    out = []
    limits = bounds(rows, cores)
    for r in rows:
        goal = TARGETS.get((r.impl, r.size))
        if r.dtype == "float32" and r.pass_ == "fwd+bwd" and goal is not None:
            verdict = "met" if r.vs_nn <= goal else "MISSED"
            lim = limits.get((r.size, r.dtype))
            if verdict == "MISSED" and r.impl == "numpy" and lim is not None and lim["spread"] > goal:
                verdict += (f"; out of NumPy's reach here: spread perfectly over {cores} cores, "
                            f"its work would take {lim['spread']:.2f}x (the products alone leave "
                            f"{lim['left']:.2f}x of core time for the rest, which takes {lim['rest_one_core']:.2f}x)")
            out.append(f"{r.impl:<6} {r.size:<7} float32: {r.vs_nn:.2f}x nn.LSTM (goal <= {goal:.1f}x): {verdict}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default=None, help="comma-separated, from: " + ", ".join(SIZES) + " (default: all)")
    ap.add_argument("--dtypes", default=None, help="comma-separated: float32, float64 (default: both)")
    ap.add_argument("--repeat", type=int, default=None, help="timed rounds (default 10; 3 with --quick)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed calls per implementation first (default 2)")
    ap.add_argument("--min-time", type=float, default=0.02, help="seconds per measurement (small sizes repeat)")
    ap.add_argument("--gap", type=float, default=0.1, help="seconds of idle before each measurement")
    ap.add_argument("--gemm-n", type=int, default=1024, help="size of the square product for the ceiling")
    ap.add_argument("--threads", type=int, default=None,
                    help="threads for torch and NumPy's BLAS (default: each library's choice)")
    ap.add_argument("--forward", action="store_true", help="also time the forward pass alone")
    ap.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                    help="wall: elapsed time (default); cpu: CPU seconds of this process, steadier on a busy "
                    "machine (use with --threads 1); user: CPU seconds less the kernel's share (a diagnosis)")
    ap.add_argument("--no-native", action="store_true", help="leave out nn.LSTM with oneDNN switched off")
    ap.add_argument("--no-old", action="store_true", help="leave out the previous NumPy kernel (and the budget)")
    ap.add_argument("--no-bound", action="store_true",
                    help="leave out the NumPy pass on one core and its matrix products alone")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: small and medium, float32, 3 rounds (unless --sizes/--dtypes/--repeat)")
    ap.add_argument("--markdown", action="store_true",
                    help="also print GitHub-style markdown: the full table and a one-line-per-size summary")
    ap.add_argument("--json", metavar="OUT", help="write machine, ceiling and every timing to this file")
    ap.add_argument("--verbose", action="store_true", help="report progress on stderr")
    args = ap.parse_args(argv)
    args.sizes = args.sizes or ("small,medium" if args.quick else ",".join(SIZES))
    args.dtypes = args.dtypes or ("float32" if args.quick else ",".join(DTYPES))
    args.repeat = args.repeat or (3 if args.quick else 10)
    if args.quick:
        args.warmup = min(args.warmup, 1)
    args.sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    args.dtypes = [s.strip() for s in args.dtypes.split(",") if s.strip()]
    for s in args.sizes:
        if s not in SIZES:
            ap.error(f"--sizes: unknown size {s!r}; choose from {', '.join(SIZES)}")
    for d in args.dtypes:
        if d not in DTYPES:
            ap.error(f"--dtypes: unknown dtype {d!r}; choose from {', '.join(DTYPES)}")
    if args.threads:
        torch.set_num_threads(args.threads)
        try:  # NumPy's BLAS too, so both libraries get the same number of cores
            from threadpoolctl import threadpool_limits

            threadpool_limits(args.threads, user_api="blas")
        except ImportError:
            print("--threads: threadpoolctl is not installed, so NumPy's BLAS keeps its threads "
                  "(set OPENBLAS_NUM_THREADS before starting Python instead)", file=sys.stderr)

    # torch warns about TF32 on Intel GPUs whenever the oneDNN flags are set (nn-native rows)
    warnings.filterwarnings("ignore", message="TF32 acceleration on top of oneDNN")
    info, peak, rows = run(args)
    lines = header(info, peak, args) + [""] + text_table(rows)
    limit = bound_lines(rows, info["cores"])
    if limit:
        lines += ["", *limit]
    verdicts = budget(rows)
    if verdicts:
        lines += ["", "Budget of the readable core (forward + backward, median of paired ratios):", *verdicts]
        if args.clock == "user":
            lines.append("(in user CPU time, the kernel's share left out: a diagnosis, not the budget's own "
                         "measure, which counts all the time a pass costs)")
    goals = targets(rows, info["cores"])
    if goals:
        lines += ["", "Targets (float32, forward + backward, median of paired ratios):", *goals]
    if args.markdown:
        lines += ["", *markdown_table(rows), "", *summary_table(rows)]
        if verdicts:
            lines += ["", *budget_markdown(rows)]
        if limit:
            lines += ["", *bound_markdown(rows, info["cores"])]
    print("\n".join(lines))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(
                {"machine": info, "gemm_gflops": peak, "args": vars(args), "rows": [asdict(r) for r in rows]},
                fh, indent=1,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
