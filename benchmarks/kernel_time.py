"""Where the readable core's extra time goes at the larger sizes: the kernel, handing it fresh memory.

``bench_lstm.py`` finds the NumPy core slower than the per-gate autograd loop
at the medium float64 and large sizes in CPU time. This script splits that CPU
time. Each implementation (``numpy``, ``numpy-old``, ``per-gate``, the same
closures as ``bench_lstm.py``) runs in **its own process**, so no other
implementation's memory history reaches it, with every library on one thread;
after ``--warmup`` passes it times ``--repeat`` forward + backward passes and
reports, per pass (medians):

* ``user``: CPU time spent in the program itself (the arithmetic, Python);
* ``sys``: CPU time the operating system spent for it, nearly all of it on
  page faults: giving the process fresh memory (the kernel zeroes every page
  before the process may read it);
* ``faults``: the number of those (minor) page faults.

Each process runs twice: with glibc's default allocator, which returns large
freed blocks to the system, so the next pass faults them in again; and with
glibc told to keep what it frees (``MALLOC_TRIM_THRESHOLD_`` and
``MALLOC_MMAP_THRESHOLD_`` at 1 GiB), so every pass after the first reuses
memory it already has. A second table gives the cost per element of the
activations on one ``(B, H)`` block of the large size, NumPy against torch.

    python benchmarks/kernel_time.py                 # about 4 min on 2 quiet cores
    python benchmarks/kernel_time.py --quick         # a smoke run, about 30 s
    python benchmarks/kernel_time.py --markdown      # the tables as book/speed.md shows them

It measures and explains; ``bench_lstm.py`` holds the budget.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from functools import partial
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
IMPLS = ("numpy", "numpy-old", "per-gate")
CASES = (("medium", "float64"), ("large", "float32"), ("large", "float64"))
KEEP = {"MALLOC_TRIM_THRESHOLD_": str(1 << 30), "MALLOC_MMAP_THRESHOLD_": str(1 << 30)}
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def child(impl: str, size: str, dtype: str, warmup: int, repeat: int) -> dict[str, float]:
    """In this process: time ``repeat`` passes of one implementation; medians per pass."""
    import torch

    torch.set_num_threads(1)
    sys.path.insert(0, HERE)
    import bench_lstm as bl

    T, B, D, H = bl.SIZES[size]
    np_dtype, t_dtype = bl.DTYPES[dtype]
    fwd_bwd, _ = bl.make_cases(T, B, D, H, np_dtype, t_dtype, with_native=False, with_bound=False)
    fn = fwd_bwd[impl]
    for _ in range(warmup):
        fn()
    user, sys_, faults = [], [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_SELF)
        fn()
        after = resource.getrusage(resource.RUSAGE_SELF)
        user.append(after.ru_utime - before.ru_utime)
        sys_.append(after.ru_stime - before.ru_stime)
        faults.append(after.ru_minflt - before.ru_minflt)
    return {
        "user_ms": 1000 * statistics.median(user),
        "sys_ms": 1000 * statistics.median(sys_),
        "cpu_ms": 1000 * statistics.median(u + s for u, s in zip(user, sys_)),
        "faults": statistics.median(faults),
    }


def run_child(impl: str, size: str, dtype: str, keep: bool, warmup: int, repeat: int) -> dict[str, float]:
    """Run ``child`` in a fresh Python process (own heap), with glibc keeping its memory or not."""
    env = {**os.environ, **ONE_THREAD, **(KEEP if keep else {})}
    if not keep:
        for name in KEEP:
            env.pop(name, None)
    cmd = [sys.executable, __file__, "--child", impl, size, dtype, str(warmup), str(repeat)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def activation_costs(number: int) -> list[dict[str, Any]]:
    """Nanoseconds per element of sigmoid and tanh on one ``(B, H)`` block of the large size, NumPy and torch."""
    import numpy as np
    import torch

    torch.set_num_threads(1)
    sys.path.insert(0, HERE)
    import bench_lstm as bl

    from lstm_tutorial import numpy as lnp

    _, B, _, H = bl.SIZES["large"]
    rows = []
    for dtype in ("float32", "float64"):
        z = np.random.default_rng(0).standard_normal((B, H)).astype(dtype)
        zt = torch.from_numpy(z)
        fns = {
            ("sigmoid", "NumPy"): partial(lnp._sigmoid, z),  # the core's 1 / (1 + exp(-z))
            ("sigmoid", "torch"): partial(torch.sigmoid, zt),
            ("tanh", "NumPy"): partial(np.tanh, z),
            ("tanh", "torch"): partial(torch.tanh, zt),
        }
        for (name, lib), fn in fns.items():
            fn()
            best = float("inf")
            for _ in range(5):
                start = time.process_time()
                for _ in range(number):
                    fn()
                best = min(best, (time.process_time() - start) / number)
            rows.append({"dtype": dtype, "function": name, "library": lib, "ns_per_element": 1e9 * best / z.size})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="1 warm-up, 2 passes, the large float32 case only")
    parser.add_argument("--markdown", action="store_true", help="print the tables in Markdown")
    parser.add_argument("--json", metavar="FILE", help="also write every number to FILE")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        impl, size, dtype, warmup, repeat = args.child
        print(json.dumps(child(impl, size, dtype, int(warmup), int(repeat))))
        return 0
    cases = (("large", "float32"),) if args.quick else CASES
    warmup, repeat = (1, 2) if args.quick else (args.warmup, args.repeat)
    load = os.getloadavg()[0]
    print(f"# kernel_time.py: {warmup} warm-up and {repeat} timed passes per process, one thread, "
          f"load average {load:.2f} at the start")
    rows = []
    for size, dtype in cases:
        for keep in (False, True):
            for impl in IMPLS:
                r = run_child(impl, size, dtype, keep, warmup, repeat)
                rows.append({"size": size, "dtype": dtype, "allocator": "keeps memory" if keep else "default",
                             "impl": impl, **r})
                print(f"{size:6} {dtype:7} {rows[-1]['allocator']:12} {impl:9} cpu {r['cpu_ms']:7.0f} ms"
                      f"  user {r['user_ms']:7.0f} ms  sys {r['sys_ms']:6.0f} ms  faults {r['faults']:7.0f}",
                      flush=True)
    acts = activation_costs(5 if args.quick else 50)
    for a in acts:
        print(f"activation {a['dtype']:7} {a['function']:7} {a['library']:5} {a['ns_per_element']:.2f} ns/element")
    if args.markdown:
        print()
        print("| size | dtype | allocator | implementation | CPU ms | of it in the kernel (sys) | page faults |")
        print("|---|---|---|---|---:|---:|---:|")
        for r in rows:
            print(f"| {r['size']} | {r['dtype']} | {r['allocator']} | {r['impl']} | {r['cpu_ms']:.0f} | "
                  f"{r['sys_ms']:.0f} | {r['faults']:.0f} |")
        print()
        print("| dtype | function | NumPy ns/element | torch ns/element |")
        print("|---|---|---:|---:|")
        for dtype in ("float32", "float64"):
            for name in ("sigmoid", "tanh"):
                ns = {a["library"]: a["ns_per_element"] for a in acts if a["dtype"] == dtype and a["function"] == name}
                print(f"| {dtype} | {name} | {ns['NumPy']:.2f} | {ns['torch']:.2f} |")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"load_average": load, "passes": rows, "activations": acts}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
