"""How fast is the torch backend's Python loop next to torch.nn.LSTM's C++ one?

Times forward + backward (and forward alone, without autograd) of
``lstm_tutorial.torch.lstm`` against ``torch.nn.LSTM`` holding the same
parameters, on the CPU, in float32, at T=100, B=64, D=128, H=256 by default.
Each case is warmed up, then run ``--repeat`` times with ``timeit``; the table
gives the minimum and the median, and the ratio of medians to ``nn.LSTM``.

    python benchmarks/bench_torch_backend.py [--T 100 --B 64 --D 128 --H 256 --repeat 20 --threads N]

Self-contained on purpose: it needs only torch and ``lstm_tutorial``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import timeit
from collections.abc import Callable

import torch

from lstm_tutorial import torch as lt


def measure(fn: Callable[[], None], warmup: int, repeat: int) -> tuple[float, float]:
    """``(min, median)`` wall time of ``fn`` in seconds, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = timeit.Timer(fn).repeat(repeat=repeat, number=1)
    return min(times), statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--T", type=int, default=100)
    ap.add_argument("--B", type=int, default=64)
    ap.add_argument("--D", type=int, default=128)
    ap.add_argument("--H", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's choice)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    T, B, D, H = args.T, args.B, args.D, args.H

    torch.manual_seed(0)
    xs = torch.randn(T, B, D)  # (T, B, D) float32
    params = lt.LSTMParams(*(p.requires_grad_() for p in lt.init_lstm_params(D, H, seed=0)))
    module = lt.to_torch_lstm(params)  # the same numbers, in torch's layout
    out_ours = lt.lstm(xs, None, params)[0]
    out_nn = module(xs)[0]
    max_diff = float((out_ours - out_nn).abs().max().detach())

    def ours_fwd_bwd() -> None:
        for p in params:
            p.grad = None
        hs, (h_n, c_n) = lt.lstm(xs, None, params)
        (hs.sum() + c_n.sum()).backward()

    def nn_fwd_bwd() -> None:
        module.zero_grad(set_to_none=True)
        hs, (h_n, c_n) = module(xs)
        (hs.sum() + c_n.sum()).backward()

    def ours_fwd() -> None:
        with torch.no_grad():
            lt.lstm(xs, None, params)

    def nn_fwd() -> None:
        with torch.no_grad():
            module(xs)

    rows = []
    for label, ours, ref in [("forward + backward", ours_fwd_bwd, nn_fwd_bwd), ("forward (no_grad)", ours_fwd, nn_fwd)]:
        ref_min, ref_med = measure(ref, args.warmup, args.repeat)
        our_min, our_med = measure(ours, args.warmup, args.repeat)
        rows.append((label, "torch.nn.LSTM", ref_min, ref_med, 1.0))
        rows.append((label, "lstm_tutorial.torch.lstm", our_min, our_med, our_med / ref_med))

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor() or platform.machine()}")
    print(f"T={T} B={B} D={D} H={H} float32 CPU; {args.repeat} timed runs after {args.warmup} warm-up runs")
    print(f"max |hs difference| between the two: {max_diff:.2e}\n")
    print(f"{'case':<20} {'implementation':<26} {'min ms':>9} {'median ms':>10} {'ratio':>7}")
    for label, impl, t_min, t_med, ratio in rows:
        print(f"{label:<20} {impl:<26} {1e3 * t_min:9.2f} {1e3 * t_med:10.2f} {ratio:6.2f}x")
    fb = rows[1][4]
    print(f"\nforward + backward: lstm_tutorial.torch.lstm takes {fb:.2f}x the time of torch.nn.LSTM (median)")


if __name__ == "__main__":
    main()
