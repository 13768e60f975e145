"""Samples per second of the NumPy trainer (784-30-10, sigmoid, ½Σ(a−y)²) on synthetic
MNIST-shaped data, against baselines measured in the same run:

(a) a per-example loop in the style of Nielsen's network.py (written below),
(b) PyTorch CPU with autograd, when torch is importable,
(c) the machine's floor: FLOPs per sample over the GFLOP/s of a large NumPy matmul,
(d) the trainer's own matrix products and weight updates with nothing else: what BLAS allows,
    on one batch that stays in the cache (the scale issue's "products alone"),
(e) the same products with each batch read from the shuffled data as the trainer reads it.

Each figure is the median over ``--rounds`` rounds in which the contenders take turns, so a
busy spell on a shared machine does not fall on one of them only; the ratios compare figures
from the same process. ``--dtype float32`` runs the trainer and its products alone in float32
(the loop and PyTorch stay float64).

Run: python benchmarks/bench_train.py [--samples 20000] [--batches 10,32,100,1000] [--rounds 5]
     [--dtype float64|float32]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped, unused-ignore]

from derive.train.model import NumpyLayer, NumpyModel
from derive.train.sgd import CHUNK_ROWS, SMALL_BATCH, Plan, as_rows, blas_threads, sgd_epoch

SIZES = (784, 30, 10)
Array = Any


DTYPE = "float64"


def data(n: int, seed: int = 0) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    x = rng.random((SIZES[0], n))
    y = np.eye(SIZES[-1])[rng.integers(0, SIZES[-1], n)].T
    return x, y


def init(seed: int = 1) -> list[tuple[Array, Array]]:
    rng = np.random.default_rng(seed)
    return [
        (rng.standard_normal((m, n)).astype(DTYPE), rng.standard_normal(m).astype(DTYPE))
        for n, m in itertools.pairwise(SIZES)
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
    model = NumpyModel(
        [NumpyLayer(w.copy(), b.copy(), "sigmoid", 0.0) for w, b in init()], "half_squared_error"
    )
    plan = Plan(epochs=1, batch_size=batch, lr=3.0, seed=0)
    rows = as_rows(model, (x, y))  # as train() lays them out
    rng, spaces = np.random.default_rng(0), {}  # type: ignore[var-annotated]
    with blas_threads(batch):  # as train() limits them, once around its epochs
        return best_rate(
            lambda: sgd_epoch(model, rows, plan=plan, rng=rng, spaces=spaces), x.shape[1]
        )


def nielsen(x: Array, y: Array, batch: int) -> float:
    """The faster of one BLAS thread and the default: see ``_nielsen_epoch``."""
    pairs = [(x[:, i : i + 1].copy(), y[:, i : i + 1].copy()) for i in range(x.shape[1])]
    rates = []
    for threads in (1, None):
        params = [(w.astype(float), b.astype(float)[:, None]) for w, b in init()]
        run = partial(_nielsen_epoch, params, pairs, batch)
        with threadpool_limits(threads):
            rates.append(best_rate(run, len(pairs), 1))
    return max(rates)


def _nielsen_epoch(params: list[tuple[Array, Array]], pairs: list[Any], batch: int) -> None:
    """network.py's SGD as written: a shuffled list of (784, 1) column pairs sliced into
    mini-batches; backprop one example at a time; gradient lists summed, then one update."""
    random.Random(0).shuffle(pairs)
    for start in range(0, len(pairs), batch):
        chunk = pairs[start : start + batch]
        sums = [(np.zeros(w.shape), np.zeros(b.shape)) for w, b in params]
        for xi, yi in chunk:
            grads = _nielsen_backprop(params, xi, yi)
            sums = [(sw + gw, sb + gb) for (sw, sb), (gw, gb) in zip(sums, grads, strict=True)]
        eta = 3.0 / len(chunk)
        news = zip(params, sums, strict=True)
        params[:] = [(w - eta * sw, b - eta * sb) for (w, b), (sw, sb) in news]


def _nielsen_backprop(params: list[tuple[Array, Array]], xi: Array, yi: Array) -> list[Any]:
    def sigmoid(z: Array) -> Array:
        return 1.0 / (1.0 + np.exp(-z))

    acts, zs = [xi], []
    for w, b in params:
        zs.append(np.dot(w, acts[-1]) + b)
        acts.append(sigmoid(zs[-1]))
    delta = (acts[-1] - yi) * sigmoid(zs[-1]) * (1 - sigmoid(zs[-1]))
    grads = [(np.dot(delta, acts[-2].transpose()), delta)]
    for l in range(len(params) - 2, -1, -1):
        prime = sigmoid(zs[l]) * (1 - sigmoid(zs[l]))
        delta = np.dot(params[l + 1][0].transpose(), delta) * prime
        grads.insert(0, (np.dot(delta, acts[l].transpose()), delta))
    return grads


def pytorch(x: Array, y: Array, batch: int) -> float | None:
    """nn.Sequential + autograd + optim.SGD in float64, the faster of 1 and 2 threads."""
    try:
        import torch
    except ImportError:
        return None
    tx, ty = torch.from_numpy(x.T.copy()), torch.from_numpy(y.T.copy())
    order = torch.from_numpy(np.random.default_rng(0).permutation(x.shape[1]))
    rates, default = [], torch.get_num_threads()
    for threads in sorted({1, default}):
        torch.set_num_threads(threads)
        nn = torch.nn
        net = nn.Sequential(nn.Linear(784, 30), nn.Sigmoid(), nn.Linear(30, 10), nn.Sigmoid())
        net = net.double()
        opt = torch.optim.SGD(net.parameters(), lr=3.0)
        run = partial(_torch_epoch, net, opt, (tx, ty), order=order, batch=batch)
        rates.append(best_rate(run, x.shape[1], repeats=2))
    torch.set_num_threads(default)
    return max(rates)


def _torch_epoch(net: Any, opt: Any, data: tuple[Any, Any], *, order: Any, batch: int) -> None:
    tx, ty = data
    for start in range(0, tx.shape[0], batch):
        idx = order[start : start + batch]
        opt.zero_grad()
        loss = 0.5 * ((net(tx[idx]) - ty[idx]) ** 2).sum(dim=1).mean()
        loss.backward()
        opt.step()


def blas_ceiling(batch: int) -> float:
    """Samples per second if a step were nothing but its five matrix products and two weight
    updates, in the trainer's layout ([W | b], inputs with a row of ones) and threading: the
    bound that BLAS puts on this trainer, whatever is done about the other NumPy calls."""
    rows = np.random.default_rng(4).random((batch, 785)).astype(DTYPE)
    products = partial(_products(batch), rows)
    with blas_threads(batch):
        best = min(_timed(partial(_repeat, products, 200)) for _ in range(5))
    return batch * 200 / best


def blas_streamed(x: Array, batch: int) -> float:
    """The same products and updates as ``blas_ceiling``, each batch's inputs taken from the
    shuffled data as ``sgd_epoch`` takes them (a few batches gathered at a time): the bound
    once the batch has to be read from memory, which a cache-resident batch does not show."""
    rows = np.ascontiguousarray(np.vstack([x, np.ones((1, x.shape[1]))]).T.astype(DTYPE))
    products = _products(batch)
    chunk = batch * max(1, CHUNK_ROWS // batch)
    order = np.random.default_rng(3).permutation(rows.shape[0])

    def epoch() -> None:
        for at in range(0, len(order) - chunk + 1, chunk):
            gathered = np.take(rows, order[at : at + chunk], axis=0)
            for start in range(0, chunk, batch):
                products(gathered[start : start + batch])

    with blas_threads(batch):
        best = min(_timed(epoch) for _ in range(3))
    return chunk * (len(order) // chunk) / best


def _products(batch: int) -> Callable[[Array], None]:
    """One step's five matrix products and two weight updates, in the trainer's layout ([W | b],
    inputs with a row of ones), on a batch of input rows: arrays allocated once."""
    rng = np.random.default_rng(3)
    d1, d2, a1 = (rng.random(s).astype(DTYPE) for s in ((30, batch), (10, batch), (31, batch)))
    w1, w2 = rng.random((30, 785)).astype(DTYPE), rng.random((10, 31)).astype(DTYPE)
    z1, z2, back = (np.empty((m, batch), dtype=DTYPE) for m in (30, 10, 30))
    g1, g2 = np.empty_like(w1), np.empty_like(w2)

    def products(rows: Array) -> None:
        np.matmul(w1, rows.T, out=z1)
        np.matmul(w2, a1, out=z2)
        np.matmul(w2[:, :30].T, d2, out=back)
        np.matmul(d2, a1.T, out=g2)
        np.matmul(d1, rows, out=g1)
        np.subtract(w1, g1, out=w1)
        np.subtract(w2, g2, out=w2)

    return products


def gflops(n: int = 2048) -> float:
    a = np.random.default_rng(2).random((n, n))
    b = a.copy()
    a @ b  # warm up
    best = min(_timed(lambda: a @ b) for _ in range(3))
    return 2 * n**3 / best / 1e9


def _repeat(fn: Callable[[], None], times: int) -> None:
    for _ in range(times):
        fn()


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def flops_per_sample() -> int:
    """Forward W·a (2mn each layer), weight gradients δ·aᵀ (2mn), δ back to the hidden layer."""
    pairs = list(itertools.pairwise(SIZES))
    matmuls = sum(2 * n * m for n, m in pairs)
    return 2 * matmuls + sum(2 * n * m for n, m in pairs[1:])


def measure(x: Array, y: Array, batches: list[int], rounds: int) -> dict[str, float]:
    """Median rate of each contender over ``rounds`` rounds, the contenders taking turns within
    a round, so a busy spell on a shared machine does not fall on one of them only."""
    quarter = (x[:, : x.shape[1] // 4], y[:, : y.shape[1] // 4])
    runs: dict[str, Callable[[], float | None]] = {"loop": partial(nielsen, *quarter, 10)}
    for batch in sorted({10, 100, 1000}):
        runs[f"torch {batch}"] = partial(pytorch, x, y, batch)
    for batch in batches:
        runs[f"ours {batch}"] = partial(ours, x, y, batch)
        runs[f"products {batch}"] = partial(blas_ceiling, batch)
        runs[f"streamed {batch}"] = partial(blas_streamed, x, batch)
    rates: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, run in runs.items():
            rate = run()
            if rate is not None:
                rates.setdefault(name, []).append(rate)
    return {name: statistics.median(seen) for name, seen in rates.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--batches", default="10,32,100,1000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    args = parser.parse_args()
    global DTYPE
    DTYPE = args.dtype
    x, y = data(args.samples)
    batches = [int(b) for b in args.batches.split(",")]
    machine = gflops()
    floor = machine * 1e9 / flops_per_sample()
    print(f"784-30-10 sigmoid, {args.samples} samples, trainer in {DTYPE}, ", end="")
    print(f"median of {args.rounds} alternating rounds")
    print(f"matmul {machine:.1f} GFLOP/s; {flops_per_sample()} FLOPs/sample; floor {floor:,.0f}/s")
    print(f"BLAS: one thread for batches <= {SMALL_BATCH} (threadpoolctl), as derive train does")
    best = measure(x, y, batches, args.rounds)
    base, torch_rate = best["loop"], best.get("torch 10")
    print(f"per-example loop (batch 10, faster of 1 and default BLAS threads): {base:,.0f}/s")
    print("PyTorch CPU (batch 10, float64): " + (f"{torch_rate:,.0f}/s" if torch_rate else "n/a"))
    for batch in batches:
        rate, ceiling = best[f"ours {batch}"], best[f"products {batch}"]
        streamed = best[f"streamed {batch}"]
        vs_torch = f"{rate / torch_rate:5.1f}x torch" if torch_rate else ""
        print(
            f"derive trainer batch {batch:>5}: {rate:>9,.0f}/s  {rate / base:5.1f}x loop  "
            f"{vs_torch}  {100 * rate / ceiling:5.1f}% of its matrix products alone "
            f"({ceiling:>9,.0f}/s; {100 * ceiling / floor:5.1f}% of floor); "
            f"{100 * rate / streamed:5.1f}% of them reading each batch ({streamed:>9,.0f}/s)"
        )
    for batch in (100, 1000):
        if f"torch {batch}" in best:
            print(f"PyTorch CPU (batch {batch}): {best[f'torch {batch}']:,.0f}/s")


if __name__ == "__main__":
    main()
