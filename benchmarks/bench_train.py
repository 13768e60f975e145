"""Samples per second of the NumPy trainer (784-30-10, sigmoid, ½Σ(a−y)²) on synthetic
MNIST-shaped data, against baselines measured in the same run:

(a) a per-example loop in the style of Nielsen's network.py (written below),
(b) PyTorch CPU with autograd, when torch is importable,
(c) the machine's floor: FLOPs per sample over the GFLOP/s of a large NumPy matmul.

Run: python benchmarks/bench_train.py [--samples 20000] [--batches 10,32,100,1000]
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from derive.sgd import SMALL_BATCH, Plan, blas_threads, sgd_epoch
from derive.trainer import Layer, Model

SIZES = (784, 30, 10)
Array = Any


def data(n: int, seed: int = 0) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    x = rng.random((SIZES[0], n))
    y = np.eye(SIZES[-1])[rng.integers(0, SIZES[-1], n)].T
    return x, y


def init(seed: int = 1) -> list[tuple[Array, Array]]:
    rng = np.random.default_rng(seed)
    return [
        (rng.standard_normal((m, n)), rng.standard_normal(m)) for n, m in itertools.pairwise(SIZES)
    ]


def best_rate(run: Callable[[], object], samples: int, repeats: int = 3) -> float:
    """Samples per second of the fastest of ``repeats`` runs (one epoch each)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return samples / best


def ours(x: Array, y: Array, batch: int) -> float:
    model = Model(
        [Layer(w.copy(), b.copy(), "sigmoid", 0.0) for w, b in init()], "half_squared_error"
    )
    plan = Plan(epochs=1, batch_size=batch, lr=3.0, seed=0)
    rows = (np.ascontiguousarray(x.T), np.ascontiguousarray(y.T))  # as train() lays them out
    rng, spaces = np.random.default_rng(0), {}  # type: ignore[var-annotated]
    return best_rate(lambda: sgd_epoch(model, rows, plan=plan, rng=rng, spaces=spaces), x.shape[1])


def nielsen(x: Array, y: Array, batch: int) -> float:
    """network.py's update_mini_batch/backprop: one example at a time, column vectors."""
    params = [(w.copy(), b.copy()[:, None]) for w, b in init()]

    def sig(z: Array) -> Array:
        return 1.0 / (1.0 + np.exp(-z))

    def backprop(xi: Array, yi: Array) -> list[tuple[Array, Array]]:
        acts, zs = [xi], []
        for w, b in params:
            zs.append(w @ acts[-1] + b)
            acts.append(sig(zs[-1]))
        delta = (acts[-1] - yi) * acts[-1] * (1 - acts[-1])
        grads = [(delta @ acts[-2].T, delta)]
        for l in range(len(params) - 2, -1, -1):
            delta = (params[l + 1][0].T @ delta) * acts[l + 1] * (1 - acts[l + 1])
            grads.insert(0, (delta @ acts[l].T, delta))
        return grads

    def epoch() -> None:
        order = np.random.default_rng(0).permutation(x.shape[1])
        with blas_threads(batch):  # the trainer's BLAS threading, so only the loop differs
            _steps(order)

    def _steps(order: Array) -> None:
        for start in range(0, x.shape[1], batch):
            idx = order[start : start + batch]
            sums = [[np.zeros_like(w), np.zeros_like(b)] for w, b in params]
            for i in idx:
                for s, g in zip(sums, backprop(x[:, i : i + 1], y[:, i : i + 1]), strict=True):
                    s[0] += g[0]
                    s[1] += g[1]
            for (w, b), (gw, gb) in zip(params, sums, strict=True):
                w -= 3.0 / len(idx) * gw
                b -= 3.0 / len(idx) * gb

    return best_rate(epoch, x.shape[1], repeats=1)


def pytorch(x: Array, y: Array, batch: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    net = torch.nn.Sequential(
        torch.nn.Linear(784, 30), torch.nn.Sigmoid(), torch.nn.Linear(30, 10), torch.nn.Sigmoid()
    ).double()
    opt = torch.optim.SGD(net.parameters(), lr=3.0)
    tx, ty = torch.from_numpy(x.T.copy()), torch.from_numpy(y.T.copy())

    def epoch() -> None:
        order = torch.from_numpy(np.random.default_rng(0).permutation(x.shape[1]))
        for start in range(0, x.shape[1], batch):
            idx = order[start : start + batch]
            opt.zero_grad()
            loss = 0.5 * ((net(tx[idx]) - ty[idx]) ** 2).sum(dim=1).mean()
            loss.backward()
            opt.step()

    return best_rate(epoch, x.shape[1], repeats=2)


def gflops(n: int = 2048) -> float:
    a = np.random.default_rng(2).random((n, n))
    b = a.copy()
    a @ b  # warm up
    best = min(_timed(lambda: a @ b) for _ in range(3))
    return 2 * n**3 / best / 1e9


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def flops_per_sample() -> int:
    """Forward W·a (2mn each layer), weight gradients δ·aᵀ (2mn), δ back to the hidden layer."""
    pairs = list(itertools.pairwise(SIZES))
    matmuls = sum(2 * n * m for n, m in pairs)
    return 2 * matmuls + sum(2 * n * m for n, m in pairs[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--batches", default="10,32,100,1000")
    args = parser.parse_args()
    x, y = data(args.samples)
    machine = gflops()
    floor = machine * 1e9 / flops_per_sample()
    print(f"784-30-10 sigmoid, {args.samples} samples, float64")
    print(f"matmul {machine:.1f} GFLOP/s; {flops_per_sample()} FLOPs/sample; floor {floor:,.0f}/s")
    limited = importlib.util.find_spec("threadpoolctl") is not None
    print(
        f"BLAS: one thread for batches <= {SMALL_BATCH} (threadpoolctl), as derive train does"
        if limited
        else "BLAS: default threads (threadpoolctl not installed; OPENBLAS_NUM_THREADS=1 helps)"
    )
    base = nielsen(x[:, : args.samples // 4], y[:, : args.samples // 4], 10)
    torch_rate = pytorch(x, y, 10)
    print(f"per-example loop (batch 10): {base:,.0f} samples/s")
    print("PyTorch CPU (batch 10): " + (f"{torch_rate:,.0f} samples/s" if torch_rate else "n/a"))
    for batch in (int(b) for b in args.batches.split(",")):
        rate = ours(x, y, batch)
        vs_torch = f"{rate / torch_rate:5.1f}x torch" if torch_rate else ""
        print(
            f"derive trainer batch {batch:>5}: {rate:>10,.0f} samples/s  {rate / base:5.1f}x loop  "
            f"{vs_torch}  {100 * rate / floor:5.1f}% of floor"
        )
    if torch_rate:
        for batch in (100, 1000):
            print(f"PyTorch CPU (batch {batch}): {pytorch(x, y, batch):,.0f} samples/s")


if __name__ == "__main__":
    main()
