"""Data-parallel training (lstm_tutorial.distributed, chapter 10): two processes compute what one computes.

Two gloo processes started by torchrun, each with half of every global batch,
must end with the gradients and parameters of one process that reads the
whole global batch: DistributedDataParallel averages the halves' gradients
during backward(). In float64 the only difference left is the order of the
additions, so the tolerances are a few units of rounding. A check that the
comparison can fail: each process's own half gives a gradient far from the
average. The GPU case (NCCL, one process a GPU) runs only where CUDA is.
"""

from __future__ import annotations

import pytest
import torch

from lstm_tutorial import distributed as D

STEPS = 5  # optimiser steps: enough for Adam's state to matter, few enough for a fast test


def _max_gap(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> float:
    assert a.keys() == b.keys()
    return max(float((a[k] - b[k]).abs().max()) for k in a)


@pytest.fixture(scope="module")
def alone() -> D.DataParallelResult:
    torch.set_num_threads(1)
    return D.train_first_step_task(steps=STEPS)


@pytest.fixture(scope="module")
def two_processes() -> D.DataParallelResult:
    return D.launch(2, backend="gloo", steps=STEPS, timeout=240.0)


def test_two_gloo_processes_match_one_process(alone: D.DataParallelResult, two_processes: D.DataParallelResult) -> None:
    assert (alone.world_size, two_processes.world_size) == (1, 2)
    names = {"cell.weight_ih_l0", "cell.weight_hh_l0", "cell.bias_ih_l0", "cell.bias_hh_l0", "head.weight", "head.bias"}
    assert set(alone.first_grads) == names
    for name, g in alone.first_grads.items():
        assert g.dtype == torch.float64 and float(g.abs().max()) > 1e-4, name  # real, non-zero gradients
    assert _max_gap(alone.first_grads, two_processes.first_grads) < 1e-14
    assert _max_gap(alone.params, two_processes.params) < 1e-13
    assert len(two_processes.losses) == STEPS
    assert max(abs(a - b) for a, b in zip(alone.losses, two_processes.losses, strict=True)) < 1e-13
    assert two_processes.rank_spread < 1e-15  # both processes hold the same parameters


def test_each_process_alone_sees_another_gradient(alone: D.DataParallelResult, two_processes: D.DataParallelResult) -> None:
    """The comparison above can fail: half a batch's gradient is far from the whole batch's."""
    assert _max_gap(two_processes.local_first_grads, two_processes.first_grads) > 1e-3
    assert _max_gap(alone.local_first_grads, alone.first_grads) == 0.0  # alone, nothing is averaged
    assert _max_gap(alone.params, D.train_first_step_task(steps=STEPS, seed=1).params) > 1e-3


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: D.train_first_step_task(steps=0), ValueError, r"steps: expected an int >= 1, got 0"),
        (lambda: D.train_first_step_task(n=150), ValueError, r"n: expected a multiple of global_batch \(100\)"),
        (lambda: D.train_first_step_task(lr=0.0), ValueError, r"lr: expected a number > 0"),
        (lambda: D.train_first_step_task(hidden_size=2.0), TypeError, r"hidden_size: expected an int"),
        (lambda: D.train_first_step_task(dtype=torch.int64), TypeError, r"dtype: expected torch.float32"),
        (lambda: D.train_first_step_task(device=0), TypeError, r"device: expected a str or torch.device"),
        (lambda: D.launch(0), ValueError, r"nproc: expected an int >= 1, got 0"),
        (lambda: D.launch(2.0), TypeError, r"nproc: expected an int"),
        (lambda: D.launch(backend="mpi"), ValueError, r"backend: "),
        (lambda: D.launch(3), ValueError, r"global_batch: expected a multiple of nproc \(3\), got 100"),
        (lambda: D.launch(seed=-1), ValueError, r"seed: expected an int >= 0"),
        (lambda: D.launch(timeout=0), ValueError, r"timeout: expected a number > 0"),
    ],
)
def test_bad_arguments_are_named(call, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA: NCCL runs one process a GPU")
def test_nccl_on_gpus_matches_one_cpu_process(alone: D.DataParallelResult) -> None:
    nproc = min(2, torch.cuda.device_count())
    on_gpus = D.launch(nproc, backend="nccl", steps=STEPS, timeout=240.0)
    assert on_gpus.world_size == nproc
    # another device computes in another order (cuDNN, cuBLAS): float64 rounding, a little amplified by Adam
    assert _max_gap(alone.first_grads, on_gpus.first_grads) < 1e-12
    assert _max_gap(alone.params, on_gpus.params) < 1e-10
    assert on_gpus.rank_spread < 1e-15
