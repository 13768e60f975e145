"""Benchmark: derive's chain rule against naive SymPy, the 784-16-16-10 digit network, start-up.

    python benchmarks/bench_derive.py            # everything (naive sizes until --limit seconds)
    python benchmarks/bench_derive.py --limit 10 # a shorter naive run

Prints one table per part and ratios measured in this one run (no stored baselines):

1. naive = sympy.diff of the fully composed cost for every parameter, then its value, at growing
   sizes until one size takes longer than --limit; derive's speed-up at every size both finish.
2. 784-16-16-10 (cases/3b1b-784-16-16-10.yaml when it exists, else the same shape with seeded
   random weights): all 13,002 partials derived and evaluated, time and peak memory, checked
   against a NumPy backpropagation.
3. start-up of ``derive explain cases/blog-2-3-1.yaml`` against ``python -c "import sympy"``.
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import sympy as sp

from derive import derive, load_network
from derive.functions import ACTIVATIONS, COSTS
from derive.spec.network import Activation, Example, Layer, Network

ROOT = Path(__file__).resolve().parent.parent
DIGITS = ROOT / "cases" / "3b1b-784-16-16-10.yaml"
NAIVE_SIZES = [(1, 1, 1), (2, 3, 1), (4, 8, 4), (6, 12, 6), (8, 16, 8), (12, 24, 12), (16, 32, 16)]


def random_network(sizes: tuple[int, ...], seed: int = 0) -> Network:
    """Sigmoid layers, weights ~ U(±1/√fan-in) from random.Random(seed), one example."""
    rng = random.Random(seed)
    layers = []
    for before, size in itertools.pairwise(sizes):
        bound = before**-0.5
        weights = tuple(
            tuple(rng.uniform(-bound, bound) for _ in range(before)) for _ in range(size)
        )
        biases = tuple(rng.uniform(-0.5, 0.5) for _ in range(size))
        layers.append(Layer(size, Activation("sigmoid"), weights, biases))
    inputs = tuple(rng.random() for _ in range(sizes[0]))
    targets = tuple(1.0 if j == 3 % sizes[-1] else 0.0 for j in range(sizes[-1]))
    name = "-".join(map(str, sizes))
    return Network(name, sizes[0], tuple(layers), (Example(inputs, targets),), "half_squared_error")


def naive_gradients(network: Network, deadline: float) -> list[float] | None:
    """What a SymPy user does first: compose C(θ) and sympy.diff it for every parameter."""
    values: dict[Any, float] = {}
    params: list[Any] = []
    a: list[Any] = [float(v) for v in network.examples[0].input]
    for l, layer in enumerate(network.layers, start=1):
        assert layer.activation is not None and layer.biases is not None
        zs = []
        for j, row in enumerate(layer.weights):
            ws = [sp.Symbol(f"w{l}_{j}_{k}") for k in range(len(row))]
            b = sp.Symbol(f"b{l}_{j}")
            values.update(zip([*ws, b], map(float, [*row, layer.biases[j]]), strict=True))
            params += ws
            zs.append(sp.Add(*[w * ak for w, ak in zip(ws, a, strict=True)]) + b)
        params += [sp.Symbol(f"b{l}_{j}") for j in range(layer.size)]
        a = ACTIVATIONS[layer.activation.name].sympy(zs)
    cost = COSTS[network.cost].sympy(a, list(network.examples[0].target))
    grads = []
    for p in params:
        if time.perf_counter() > deadline:
            return None
        grads.append(float(sp.diff(cost, p).xreplace(values)))
    return grads


def timed_derive(network: Network) -> tuple[float, Any]:
    start = time.perf_counter()
    d = derive(network)
    return time.perf_counter() - start, d


def cpu_timed_derive(network: Network) -> tuple[float, float, Any]:
    """Wall and CPU seconds: CPU time is the fairer figure on a shared, loaded machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    d = derive(network)
    return time.perf_counter() - wall, time.process_time() - cpu, d


def naive_table(limit: float) -> list[tuple[str, float, float | None]]:
    """(sizes, derive seconds, naive seconds or None past the limit), smallest first."""
    timed_derive(random_network((1, 1, 1)))  # warm SymPy's caches for both sides
    rows: list[tuple[str, float, float | None]] = []
    for sizes in NAIVE_SIZES:
        network = random_network(sizes)
        ours, d = timed_derive(network)
        start = time.perf_counter()
        grads = naive_gradients(network, start + limit)
        naive = time.perf_counter() - start if grads is not None else None
        if grads is not None:  # the same numbers, in the same parameter order
            ours_grads = [float(d[f"dC/d{p}"].value) for p in d.parameters]
            assert all(abs(g - o) < 1e-9 for g, o in zip(grads, ours_grads, strict=True))
        rows.append((network.title, ours, naive))
        if naive is None:
            break
    return rows


def numpy_check(network: Network, d: Any) -> float | None:
    """Largest |derive − NumPy backprop| over every ∂C/∂p (None: no NumPy, or another cost)."""
    try:
        import numpy as np
    except ImportError:
        return None
    a = [np.array(network.examples[0].input, dtype=float)]
    ws = [np.array(layer.weights, dtype=float) for layer in network.layers]
    bs = [np.array(layer.biases, dtype=float) for layer in network.layers]
    for w, b in zip(ws, bs, strict=True):
        a.append(1 / (1 + np.exp(-(w @ a[-1] + b))))
    scale = {"half_squared_error": 1.0, "squared_error": 2.0}.get(network.cost)
    if scale is None:
        return None
    error = a[-1] - np.array(network.examples[0].target, dtype=float)
    delta = scale * error * a[-1] * (1 - a[-1])
    grads: list[Any] = []
    for l in range(len(ws) - 1, -1, -1):
        grads = [np.outer(delta, a[l]).ravel(), delta, *grads]
        delta = (ws[l].T @ delta) * a[l] * (1 - a[l])
    ours = np.array([float(d[f"dC/d{p}"].value) for p in d.parameters])
    return float(np.abs(ours - np.concatenate(grads)).max())


def digits_row() -> dict[str, Any]:
    network = load_network(DIGITS) if DIGITS.exists() else random_network((784, 16, 16, 10))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu, d = cpu_timed_derive(network)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "source": DIGITS.name if DIGITS.exists() else "784-16-16-10, random.Random(0) weights",
        "wall": wall,
        "cpu": cpu,
        "partials": sum(1 for p in d.parameters if f"dC/d{p}" in d),
        "steps": len(d.steps),
        "memory": (peak - before) / 1024,
        "peak": peak / 1024,
        "error": numpy_check(network, d),
    }


def _median_run(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def startup(runs: int) -> list[tuple[str, float]]:
    py = sys.executable
    # An installed package has bytecode; this checkout may not (PYTHONDONTWRITEBYTECODE is set on
    # some machines), and compiling ~80 modules on every run is not start-up worth measuring.
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "derive")], check=True)
    explain = [py, "-m", "derive", "explain", "cases/blog-2-3-1.yaml"]
    commands = {
        'python -c "import sympy"': [py, "-c", "import sympy"],
        "derive explain cases/blog-2-3-1.yaml": explain,
        'python -c "import typer, rich.console"': [py, "-c", "import typer, rich.console"],
    }
    return [(name, _median_run(args, runs)) for name, args in commands.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per naive size")
    parser.add_argument("--runs", type=int, default=5, help="start-up runs (median)")
    args = parser.parse_args()

    digits = digits_row()  # first, so that the peak-memory figure is its own
    print(f"1. {digits['source']}: {digits['partials']:,} partials derived and evaluated")
    print(f"   ({digits['steps']:,} chain-rule steps, each ∂C/∂z computed once and reused)")
    print(f"   time {digits['wall']:.2f} s wall, {digits['cpu']:.2f} s CPU (target ≤ 3 s)")
    print(f"   memory +{digits['memory']:.0f} MB (peak resident {digits['peak']:.0f} MB)")
    if digits["error"] is not None:
        print(f"   largest |derive − NumPy backprop| over all partials: {digits['error']:.1e}")

    print(f"\n2. naive sympy.diff of the composed cost vs derive (limit {args.limit:g} s a size)")
    print(f"   {'sizes':<10} {'params':>7} {'derive s':>9} {'naive s':>9} {'speed-up':>9}")
    for title, ours, naive in naive_table(args.limit):
        params = random_network(tuple(int(s) for s in title.split("-"))).parameter_count
        shown = f"{naive:9.3f}" if naive is not None else f">{args.limit:8.0f}"
        ratio = f"{naive / ours:8.0f}×" if naive is not None else "        —"
        print(f"   {title:<10} {params:>7} {ours:9.3f} {shown} {ratio}")
    print(f"\n3. start-up (median of {args.runs} runs)")
    rows = startup(args.runs)
    base = rows[0][1]
    for name, t in rows:
        print(f"   {name:<45} {t:6.3f} s  {t / base:5.2f}× import sympy")


if __name__ == "__main__":
    main()
