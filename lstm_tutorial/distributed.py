"""Chapter 10's model trained by several processes at once, with ``DistributedDataParallel``.

``from lstm_tutorial import distributed``

What is here: ``train_first_step_task``, the training loop of chapter 10 (a
``torch.nn.LSTM`` that starts from the book's initialisation, its output
neuron, Adam and ``BCEWithLogitsLoss`` on chapter 9's memory task), written
once for one process or many. Inside a ``torch.distributed`` process group it
wraps the model in ``torch.nn.parallel.DistributedDataParallel`` and each
process reads its share of every global batch through a ``DistributedSampler``;
outside one it trains alone on the whole global batches. ``launch`` starts it
with ``torchrun`` (``python -m torch.distributed.run``) in ``nproc`` processes
and returns what rank 0 measured; the worker is this module run as a script::

    python -m torch.distributed.run --standalone --nproc-per-node 2 \\
        -m lstm_tutorial.distributed --out result.pt

What is left out: several machines (the same worker, started by hand on
each machine with ``--nnodes``, ``--rdzv-backend c10d``, the same
``--rdzv-id`` and a ``--rdzv-endpoint`` all of them reach; ``launch`` passes
``--standalone``, which keeps to one machine), uneven batches (every size must
divide evenly, so that each process's mean loss weighs the same), gradient
accumulation, mixed precision and checkpoints.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

import torch
import torch.distributed as dist
from torch import Tensor, nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data.distributed import DistributedSampler

from lstm_tutorial import _validate as V
from lstm_tutorial import data
from lstm_tutorial import numpy as _np_backend
from lstm_tutorial.torch import to_torch_lstm
from lstm_tutorial.train import _init_output  # the output neuron's one initialisation

__all__ = ["DataParallelResult", "launch", "main", "train_first_step_task"]

_DTYPES = {"float32": torch.float32, "float64": torch.float64}
_BACKENDS = ("gloo", "nccl")


class DataParallelResult(NamedTuple):
    """What one process measured while training (``train_first_step_task``).

    Taught in chapter 10.

    Parameters
    ----------
    world_size : int
        Number of processes that trained together (1: alone).
    losses : list of float
        The mean loss over each step's whole global batch, one per step (in a
        group: the average of the processes' mean losses).
    first_grads : dict of str to Tensor
        Every parameter's gradient at the first step, after
        ``DistributedDataParallel`` averaged it over the processes; names as
        in ``model.named_parameters()`` (``cell.weight_ih_l0``, ...,
        ``head.bias``). On the CPU.
    local_first_grads : dict of str to Tensor
        The same gradients computed from this process's share of the first
        global batch alone, before any averaging (equal to ``first_grads``
        when training alone). On the CPU.
    params : dict of str to Tensor
        Every parameter after the last step. On the CPU.
    rank_spread : float
        Largest difference between any parameter of any two processes after
        the last step (0.0 when training alone).
    """

    world_size: int
    losses: list[float]
    first_grads: dict[str, Tensor]
    local_first_grads: dict[str, Tensor]
    params: dict[str, Tensor]
    rank_spread: float


class _Classifier(nn.Module):
    """Chapter 10's model: a ``torch.nn.LSTM`` and its output neuron on the last step's ``h_T``."""

    def __init__(self, hidden_size: int, seed: int, dtype: torch.dtype, device: torch.device) -> None:
        super().__init__()
        book_init = _np_backend.init_lstm_params(2, hidden_size, seed, forget_bias=1.0)
        self.cell = to_torch_lstm(book_init).to(dtype=dtype, device=device)
        # (1, H), (1,) from the seed, not torch's global generator: the one-process run
        # and every process of a group start from the same output neuron.
        W_y, b_y = _init_output(hidden_size, 1, seed)
        self.head = nn.Linear(hidden_size, 1, dtype=dtype, device=device)
        with torch.no_grad():
            self.head.weight.copy_(torch.from_numpy(W_y))
            self.head.bias.copy_(torch.from_numpy(b_y))

    def forward(self, xs: Tensor) -> Tensor:
        hs, _ = self.cell(xs)  # (T, B, H)
        return self.head(hs[-1])[:, 0]  # (B,) logits


def _check_options(
    n: int,
    T: int,
    hidden_size: int,
    global_batch: int,
    steps: int,
    lr: float,
    seed: int,
    dtype: torch.dtype,
    processes: int,
    processes_name: str,
) -> tuple[int, int, int, int, int, float, int]:
    """The training options of ``train_first_step_task`` and ``launch``, checked; ``global_batch`` must
    divide among ``processes`` (named ``processes_name`` in the message) and ``n`` into global batches."""
    n, T, hidden_size, global_batch, steps = (
        V.check_int(name, v, 1)
        for name, v in (("n", n), ("T", T), ("hidden_size", hidden_size), ("global_batch", global_batch), ("steps", steps))
    )
    lr = V.check_float("lr", lr, 0.0, open_min=True)
    seed = V.check_int("seed", seed, 0)
    if dtype not in _DTYPES.values():
        raise TypeError(f"dtype: expected torch.float32 or torch.float64, got {dtype!r}")
    if global_batch % processes:
        raise ValueError(f"global_batch: expected a multiple of {processes_name} ({processes}), got {global_batch}")
    if n % global_batch:
        raise ValueError(f"n: expected a multiple of global_batch ({global_batch}), got {n}")
    return n, T, hidden_size, global_batch, steps, lr, seed


def _grads(model: nn.Module) -> dict[str, Tensor]:
    return {name: p.grad.detach().cpu().clone() for name, p in model.named_parameters()}


def train_first_step_task(
    *,
    n: int = 2000,
    T: int = 30,
    hidden_size: int = 16,
    global_batch: int = 100,
    steps: int = 20,
    lr: float = 1e-2,
    seed: int = 0,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device | None = None,
) -> DataParallelResult:
    """Train chapter 10's model on chapter 9's memory task, alone or as one process of a group.

    Taught in chapter 10.

    Every process builds the same data (``data.first_step_task(n, T, seed)``)
    and the same model: ``to_torch_lstm(init_lstm_params(2, H, seed,
    forget_bias=1.0))`` and an output neuron. Each step takes the next
    ``global_batch`` sequences of a ``DistributedSampler``'s shuffled order
    (seed ``seed``, reshuffled every pass over the data). When
    ``torch.distributed`` is initialised, the model is wrapped in
    ``DistributedDataParallel`` and process ``r`` of ``P`` (ranks ``0`` to
    ``P - 1``) reads the ``global_batch / P`` sequences ``r, r + P, r + 2P,
    ...`` of each global batch: its mean loss, its ``backward()``, and DDP
    all-reduces (sums) the gradients over the processes during that
    ``backward()`` and divides them by ``P``. The sampler's shuffled order does
    not depend on ``P`` (a single process uses one with ``P = 1``), so the
    shares of one step make up exactly the global batch that a single process
    reads at that step. As every share has the same size, the average is the
    gradient of the mean loss over that global batch, up to the order of the
    additions. Every process then takes the same Adam step, so the copies stay
    equal.

    Parameters
    ----------
    n : int, default 2000
        Number of training sequences; a multiple of ``global_batch``.
    T : int, default 30
        Sequence length (the bit crosses ``T - 1`` steps of noise).
    hidden_size : int, default 16
        Hidden units H.
    global_batch : int, default 100
        Sequences per optimiser step, over all processes together; a multiple
        of the number of processes.
    steps : int, default 20
        Optimiser steps.
    lr : float, default 1e-2
        Adam's learning rate, > 0.
    seed : int, default 0
        Seed of the data, the initial parameters and the sampler's shuffles.
    dtype : torch.float32 or torch.float64, default torch.float64
        Of the parameters and the data. float64 leaves only the rounding of a
        different order of additions between one process and many.
    device : str or torch.device, optional
        Where this process computes (default the CPU). With the NCCL backend,
        the process's own GPU, ``cuda:LOCAL_RANK``.

    Returns
    -------
    DataParallelResult
        Losses, first-step gradients (averaged, and this process's own),
        final parameters and the spread of the parameters across processes.

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong kind or value, named in the message.
        ValueError too when ``global_batch`` does not divide among the
        processes of the group.
    """
    if device is not None and not isinstance(device, (str, torch.device)):
        raise TypeError(f"device: expected a str or torch.device, got {type(device).__name__}")
    device = torch.device("cpu" if device is None else device)
    grouped = dist.is_available() and dist.is_initialized()
    world, rank = (dist.get_world_size(), dist.get_rank()) if grouped else (1, 0)
    n, T, hidden_size, global_batch, steps, lr, seed = _check_options(
        n, T, hidden_size, global_batch, steps, lr, seed, dtype, world, "the number of processes"
    )
    local_batch = global_batch // world

    xs, y = data.first_step_task(n, T, seed)  # (T, n, 2), (n,): the same in every process
    X = torch.tensor(xs, dtype=dtype, device=device)  # (T, n, 2)
    Y = torch.tensor(y, dtype=dtype, device=device)  # (n,)
    model = _Classifier(hidden_size, seed, dtype, device)
    if grouped:
        # subtle: DDP copies rank 0's parameters to every process here, and from now on
        # averages the gradients inside backward(); model.module is the plain model.
        model = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    plain = model.module if grouped else model
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    sampler = DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=True, seed=seed, drop_last=True)

    losses: list[float] = []
    local_first: dict[str, Tensor] = {}
    first: dict[str, Tensor] = {}
    epoch = 0
    while len(losses) < steps:
        sampler.set_epoch(epoch)  # a new shuffle each pass, the same in every process
        order = torch.tensor(list(sampler))  # this process's share: (n / P,)
        for idx in order.split(local_batch):  # (global_batch / P,) each
            if not losses:  # the first step: this process's own gradient, before any averaging
                opt.zero_grad()
                loss_fn(plain(X[:, idx]), Y[idx]).backward()  # the plain model: no averaging
                local_first = _grads(plain)
            loss = loss_fn(model(X[:, idx]), Y[idx])
            opt.zero_grad()
            loss.backward()  # in a group: DDP averages the gradients over the processes here
            if not losses:
                first = _grads(plain)
            opt.step()
            mean_loss = loss.detach().clone()
            if grouped:
                dist.all_reduce(mean_loss)  # sum over processes
                mean_loss /= world
            losses.append(float(mean_loss))
            if len(losses) == steps:
                break
        epoch += 1

    params = {name: p.detach().cpu().clone() for name, p in plain.named_parameters()}
    spread = 0.0
    if grouped:
        flat = torch.cat([p.detach().reshape(-1) for p in plain.parameters()])
        copies = [torch.empty_like(flat) for _ in range(world)]
        dist.all_gather(copies, flat)
        spread = float(max((c - flat).abs().max() for c in copies))
    return DataParallelResult(world, losses, first, local_first, params, spread)


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m torch.distributed.run --nproc-per-node N -m lstm_tutorial.distributed",
        description="One process of chapter 10's data-parallel training; rank 0 saves the result.",
    )
    parser.add_argument("--out", required=True, help="where rank 0 writes the result (torch.save)")
    parser.add_argument("--backend", choices=_BACKENDS, default="gloo", help="gloo (CPU) or nccl (one GPU a process)")
    parser.add_argument("--sequences", type=int, default=2000, help="n, the number of training sequences")
    parser.add_argument("--T", type=int, default=30)
    parser.add_argument("--hidden-size", type=int, default=16)
    parser.add_argument("--global-batch", type=int, default=100)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", choices=tuple(_DTYPES), default="float64")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """The worker that ``torchrun`` starts in every process: join the group, train, rank 0 saves.

    Taught in chapter 10.

    ``torchrun`` sets ``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``,
    ``MASTER_ADDR`` and ``MASTER_PORT`` in each process's environment;
    ``init_process_group`` reads all but ``LOCAL_RANK``, which this function
    reads to choose the GPU. With ``--backend nccl`` each process
    takes the GPU ``cuda:LOCAL_RANK``; with ``gloo``, the CPU. Every process
    calls ``train_first_step_task`` with the same options; rank 0 writes its
    ``DataParallelResult`` (as a dict) to ``--out`` with ``torch.save``.

    Parameters
    ----------
    argv : list of str, optional
        Command-line options (default ``sys.argv[1:]``); ``--help`` lists them.
    """
    args = _options(argv)
    torch.set_num_threads(1)  # one thread a process: the processes share the cores
    dist.init_process_group(args.backend)
    try:
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        device = torch.device("cuda", local_rank) if args.backend == "nccl" else torch.device("cpu")
        if device.type == "cuda":
            torch.cuda.set_device(device)
        result = train_first_step_task(
            n=args.sequences,
            T=args.T,
            hidden_size=args.hidden_size,
            global_batch=args.global_batch,
            steps=args.steps,
            lr=args.lr,
            seed=args.seed,
            dtype=_DTYPES[args.dtype],
            device=device,
        )
        if dist.get_rank() == 0:
            torch.save(result._asdict(), args.out)
    finally:
        dist.destroy_process_group()


def launch(
    nproc: int = 2,
    *,
    backend: str = "gloo",
    n: int = 2000,
    T: int = 30,
    hidden_size: int = 16,
    global_batch: int = 100,
    steps: int = 20,
    lr: float = 1e-2,
    seed: int = 0,
    dtype: torch.dtype = torch.float64,
    timeout: float = 300.0,
) -> DataParallelResult:
    """Run ``train_first_step_task`` in ``nproc`` processes started by ``torchrun``; return rank 0's result.

    Taught in chapter 10.

    Runs ``python -m torch.distributed.run --standalone --nproc-per-node
    nproc -m lstm_tutorial.distributed ...`` (the ``torchrun`` command) with
    this Python, waits for it, and reads back what rank 0 saved. torchrun
    picks a free port on this machine for the processes to meet
    (``--standalone``, so one machine only). torchrun is the same launcher in
    a script, a terminal, a notebook or a cluster's job script, and it sets
    each process's rank, world size and meeting point, so the worker only
    calls ``init_process_group``.

    Parameters
    ----------
    nproc : int, default 2
        Number of processes, >= 1.
    backend : {"gloo", "nccl"}, default "gloo"
        ``gloo`` computes on the CPU; ``nccl`` needs one CUDA GPU a process.
    n, T, hidden_size, global_batch, steps, lr, seed, dtype
        As in ``train_first_step_task``.
    timeout : float, default 300.0
        Seconds to wait for the processes, > 0.

    Returns
    -------
    DataParallelResult
        Rank 0's.

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong kind or value, named in the message.
    RuntimeError
        If torchrun fails (with its output) or the processes time out.
    """
    nproc = V.check_int("nproc", nproc, 1)
    backend = V.check_choice("backend", backend, _BACKENDS)
    timeout = V.check_float("timeout", timeout, 0.0, open_min=True)
    n, T, hidden_size, global_batch, steps, lr, seed = _check_options(
        n, T, hidden_size, global_batch, steps, lr, seed, dtype, nproc, "nproc"
    )
    dtype_name = {v: k for k, v in _DTYPES.items()}[dtype]
    options = {"sequences": n, "T": T, "hidden-size": hidden_size, "global-batch": global_batch, "steps": steps, "seed": seed}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.pt"
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={nproc}"]
        cmd += ["-m", "lstm_tutorial.distributed", "--out", str(out), "--backend", backend]
        cmd += [f"--{name}={v}" for name, v in options.items()] + [f"--lr={lr!r}", f"--dtype={dtype_name}"]
        env = {**os.environ, "OMP_NUM_THREADS": "1"}  # torchrun would warn and set it anyway
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired as err:
            raise RuntimeError(f"torchrun did not finish within {timeout} s: {' '.join(cmd)}") from err
        if run.returncode != 0 or not out.exists():
            raise RuntimeError(f"torchrun failed ({run.returncode}): {' '.join(cmd)}\n{run.stdout}\n{run.stderr}")
        return DataParallelResult(**torch.load(out))


if __name__ == "__main__":
    main()
