"""Does every chapter notebook fit a reader's machine? Time and memory of each book/NN-*.ipynb.

Executes each notebook from top to bottom in a fresh kernel, the way nbval
does (nbclient, one kernel per notebook, started in the notebook's folder;
its waits for a cell's reply cut into one-second polls by ``nbclient_guard``),
one notebook at a time, and measures for each:

* wall time: from starting the kernel to the last cell's reply;
* CPU time: user + system seconds of the kernel process and its children
  (2 CPU-seconds per wall-second means both cores were busy);
* peak memory: the kernel's resident set size at its highest: Linux's
  high-water mark ``VmHWM`` of the kernel process, or the most the kernel and
  its children held together as seen by a poller every 20 ms, whichever is
  larger (the poller is all there is elsewhere and may miss a brief peak).
  While the kernel has children (chapter 10 starts two processes for its
  distributed example), the poller adds up their proportional set sizes
  (PSS: a page shared by n processes counts 1/n in each), not their RSS:
  the children load the same torch libraries as the kernel, and RSS would
  count those pages once per process.

It prints a GitHub-style markdown table (the README's format) and exits with
status 1 if any notebook fails to run, or exceeds ``--max-seconds`` (180 s by
default: the book's rule for the longest experiment) or ``--max-mb`` (1024 MiB
by default: Binder gives about 2 GB, and the kernel shares it with Jupyter).

    python scripts/notebook_budget.py                 # every book/NN-*.ipynb
    python scripts/notebook_budget.py book/01-why-rnns-forget.ipynb --json budget.json
    python scripts/notebook_budget.py --update README.md book/speed.md   # refresh their tables

A notebook that hangs, dies or goes over budget is run once more (``--retries``):
on a shared machine a kernel now and then hangs without using any CPU (one such
stall was a lost wake-up in nbclient's poll, which the guard now catches; the
retry stays for the others), and a
second run tells that flake from a notebook that really is too slow; the
table then shows the second run and notes the first. A cell is stopped after
``--cell-timeout`` seconds (default: the time budget + 60 s).

Nothing is written back to the notebooks. Needs nbclient, nbformat and psutil.
Times depend on the machine and on what else runs on it: the table says where
it was measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
import psutil
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbclient_guard import GuardedNotebookClient

from lstm_tutorial._machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024
MARK = ("<!-- notebook-budget -->", "<!-- /notebook-budget -->")  # --update writes between these


def _high_water_mark(pid: int) -> int:
    """Peak resident memory of one process in bytes (Linux ``VmHWM``); 0 where unavailable."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # reported in kB
    except OSError:
        pass
    return 0


def _pss(proc: psutil.Process) -> int:
    """Proportional set size in bytes (Linux): shared pages split among the processes sharing them; RSS elsewhere."""
    info = proc.memory_full_info()
    return int(getattr(info, "pss", info.rss))


class KernelWatcher:
    """Follows one kernel process: polls its memory in a thread, reads its CPU time on demand."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak_rss = 0  # bytes: kernel + children (PSS while there are children), as polled
        self.peak_hwm = 0  # bytes: the kernel's own high-water mark
        self.cpu = 0.0  # seconds, at the last sample
        self._children_cpu: dict[int, float] = {}  # live children's CPU, last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                children = self.proc.children(recursive=True)
                held = _pss(self.proc) if children else self.proc.memory_info().rss
                for child in children:
                    try:
                        held += _pss(child)
                        t = child.cpu_times()
                        self._children_cpu[child.pid] = t.user + t.system
                    except psutil.Error:
                        pass
                self.peak_rss = max(self.peak_rss, held)
            except psutil.Error:
                return
            self._stop.wait(self.interval)

    def sample(self) -> None:
        """Read CPU time and high-water mark now (call while the kernel is alive)."""
        try:
            t = self.proc.cpu_times()
        except psutil.Error:
            return
        # children_* count children that have exited and been waited for; live ones
        # were last seen by the poller (a child that exits unwaited is lost: rare in a kernel).
        self.cpu = t.user + t.system + t.children_user + t.children_system + sum(self._children_cpu.values())
        self.peak_hwm = max(self.peak_hwm, _high_water_mark(self.proc.pid))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1.0)

    @property
    def peak(self) -> int:
        return max(self.peak_rss, self.peak_hwm)


@dataclass
class Result:
    notebook: str
    cells: int
    wall_s: float
    cpu_s: float
    peak_mb: float  # MiB
    ok: bool
    problem: str = ""
    slowest_cell: int = -1  # index among all cells (markdown included), as in the .ipynb
    slowest_cell_s: float = 0.0
    startup_s: float = 0.0  # from starting the kernel to its first answer
    note: str = ""


def measure(path: Path, cell_timeout: int) -> Result:
    """Execute one notebook in a fresh kernel and measure it."""
    nb = nbformat.read(path, as_version=4)
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    watcher: list[KernelWatcher] = []
    cell_s: dict[int, float] = {}
    last = [0.0]
    startup = [0.0]

    def on_start(**_: object) -> None:  # the kernel is up and answering
        watcher.append(KernelWatcher(client.km.provisioner.pid))
        last[0] = time.perf_counter()
        startup[0] = last[0] - t0

    def on_cell(cell_index: int, **_: object) -> None:
        now = time.perf_counter()
        cell_s[cell_index], last[0] = now - last[0], now
        watcher[0].sample()

    client = GuardedNotebookClient(
        nb,
        timeout=cell_timeout,
        kernel_name=kernel,
        resources={"metadata": {"path": str(path.parent)}},  # nbval's working directory
        on_notebook_start=on_start,
        on_cell_executed=on_cell,
    )
    problem = ""
    t0 = time.perf_counter()
    try:
        client.execute()
    except CellTimeoutError:
        problem = f"a cell ran over {cell_timeout} s"
    except CellExecutionError as err:
        last_line = re.sub(r"\x1b\[[0-9;]*m", "", str(err).strip().splitlines()[-1])  # no ANSI colours
        problem = "error: " + last_line[:200]
    except Exception as err:  # a kernel that dies or never starts
        problem = f"{type(err).__name__}: {err}"[:200]
    wall = time.perf_counter() - t0
    w = watcher[0] if watcher else None
    if w is not None:
        w.stop()
    return Result(
        notebook=str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
        cells=n_code,
        wall_s=wall,
        cpu_s=w.cpu if w else float("nan"),
        peak_mb=w.peak / MiB if w else float("nan"),
        ok=not problem,
        problem=problem,
        slowest_cell=max(cell_s, key=cell_s.get, default=-1),
        slowest_cell_s=max(cell_s.values(), default=0.0),
        startup_s=startup[0],
    )


def verdict(r: Result, max_s: float, max_mb: float) -> str:
    if not r.ok:
        return "FAILED: " + r.problem
    over = []
    if r.wall_s > max_s:
        over.append(f"over {max_s:.0f} s")
    if r.peak_mb > max_mb:
        over.append(f"over {max_mb:.0f} MiB")
    return "OVER BUDGET: " + ", ".join(over) if over else "ok"


def markdown(results: list[Result], max_s: float, max_mb: float) -> list[str]:
    """The README's table; narrow enough for the book's page (the slowest cell is its index in the .ipynb)."""
    rows = [
        "| notebook | cells | wall s | CPU s | peak MiB | slowest cell | budget |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        rows.append(
            f"| {Path(r.notebook).stem} | {r.cells} | {r.wall_s:.1f} | {r.cpu_s:.1f} | "
            f"{r.peak_mb:.0f} | {r.slowest_cell_s:.1f} s (#{r.slowest_cell}) | {verdict(r, max_s, max_mb)}"
            + (f" ({r.note})" if r.note else "") + " |"
        )
    if len(results) > 1:
        rows.append(
            f"| **all {len(results)}** | {sum(r.cells for r in results)} | "
            f"{sum(r.wall_s for r in results):.1f} | {sum(r.cpu_s for r in results):.1f} | "
            f"{max(r.peak_mb for r in results):.0f} (max) | | |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: every book/[0-9][0-9]-*.ipynb")
    ap.add_argument("--max-seconds", type=float, default=180.0, help="wall-time budget per notebook (default 180)")
    ap.add_argument("--max-mb", type=float, default=1024.0, help="peak-memory budget per notebook in MiB (default 1024)")
    ap.add_argument("--cell-timeout", type=int, default=None,
                    help="seconds before one cell is stopped (default: --max-seconds + 60)")
    ap.add_argument("--retries", type=int, default=1,
                    help="run a notebook that hung, died or went over budget again, this many times (default 1)")
    ap.add_argument("--json", metavar="OUT", help="also write the measurements to this file")
    ap.add_argument("--update", metavar="FILE", nargs="+", default=[],
                    help=f"replace the table between {MARK[0]} and {MARK[1]} in these files "
                    "(README.md, book/speed.md)")
    args = ap.parse_args(argv)

    for name in args.update:  # fail before the long run, not after it
        text = Path(name).read_text() if Path(name).is_file() else ""
        if not 0 <= text.find(MARK[0]) < text.find(MARK[1]):
            ap.error(f"--update: {name} is missing or has no {MARK[0]} ... {MARK[1]} markers")
    paths = args.notebooks or sorted((ROOT / "book").glob("[0-9][0-9]-*.ipynb"))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    load0 = os.getloadavg()[0]
    results = []
    cell_timeout = args.cell_timeout or int(args.max_seconds) + 60
    for path in paths:
        r = measure(path.resolve(), cell_timeout)
        for _ in range(args.retries):
            if verdict(r, args.max_seconds, args.max_mb) == "ok" or r.problem.startswith("error:"):
                break  # within budget, or a cell raised: running it again would change nothing
            # subtle: on a shared machine a kernel now and then hangs at start or
            # between cells without using any CPU; a second run tells that flake
            # from a notebook that really is too slow. The table says so.
            first = r
            r = measure(path.resolve(), cell_timeout)
            r.note = (f"second run; first: {first.wall_s:.0f} s wall, {first.cpu_s:.1f} s CPU, "
                      f"{verdict(first, args.max_seconds, args.max_mb)}")
        results.append(r)
        print(f"{r.notebook}: {r.wall_s:.1f} s wall (kernel start {r.startup_s:.1f} s), {r.cpu_s:.1f} s CPU, "
              f"{r.peak_mb:.0f} MiB peak, {verdict(r, args.max_seconds, args.max_mb)} {r.note}",
              file=sys.stderr, flush=True)
    load1 = os.getloadavg()[0]

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"Notebook budget: each under {args.max_seconds:.0f} s and {args.max_mb:.0f} MiB, "
          "fresh kernel per notebook (as nbval runs them).")
    print(f"Measured on {cpu_model()}, {cores} cores, Python {platform.python_version()}; "
          f"load average {load0:.2f} before, {load1:.2f} after.\n")
    table = markdown(results, args.max_seconds, args.max_mb)
    print("\n".join(table))
    when = time.strftime("%Y-%m-%d")
    for name in args.update:
        path = Path(name)
        text = path.read_text()
        start, end = text.find(MARK[0]), text.find(MARK[1])
        block = "\n".join([MARK[0], *table, "", f"Measured {when} by `scripts/notebook_budget.py`.", ""])
        path.write_text(text[:start] + block + text[end:])
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"max_seconds": args.max_seconds, "max_mb": args.max_mb,
                       "results": [asdict(r) for r in results]}, fh, indent=1)
    bad = [r for r in results if verdict(r, args.max_seconds, args.max_mb) != "ok"]
    if bad:
        print(f"\n{len(bad)} notebook(s) failed or went over budget: " + ", ".join(r.notebook for r in bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
