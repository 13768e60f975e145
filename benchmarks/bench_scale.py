"""Benchmark: how a derivation's time and memory grow with parameters × examples.

    python benchmarks/bench_scale.py             # the curve, batches of up to 100 examples
    python benchmarks/bench_scale.py --runs 3    # medians of 3 alternating rounds

Every figure is a whole process (``python -c``: load or build the network, derive every ∂C/∂p
with numbers), measured against ``python -c "import sympy"`` run alternately in the same rounds
(benchmarks/process.py), so ratios compare runs under the same load. Rows marked "formulas
first" run the same derivation with every formula built as it is defined (the builder's kernels
switched off, as before the lazy steps), where that fits in memory. At the end: the log-log
slope of CPU time and of peak memory against parameters × examples, and hand-rounded
(``--carry rounded``) against exact arithmetic on the digit network.
"""

from __future__ import annotations

import argparse
import itertools
import math

from process import PY, ROOT, Command, measure, table

DIGITS = ROOT / "cases" / "3b1b-784-16-16-10.yaml"
CHILD = """
import dataclasses, random, sys
from derive.spec.network import Activation, Example, Layer, Network
import derive.derivation.build as build
from derive import derive, load_network

source, examples, carry, eager = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
if eager:  # every formula built as it is defined: the derivation before the lazy steps
    build.ops_for = lambda arith, exact: None
if source.endswith(".yaml"):
    network = load_network(source)
else:
    sizes = [int(s) for s in source.split("-")]
    rng = random.Random(0)
    layers = tuple(
        Layer(
            n,
            Activation("sigmoid"),
            tuple(tuple(rng.gauss(0, m ** -0.5) for _ in range(m)) for _ in range(n)),
            tuple(rng.gauss(0, 0.5) for _ in range(n)),
        )
        for m, n in zip(sizes, sizes[1:])
    )
    target = tuple(1.0 if j == 2 else 0.0 for j in range(sizes[-1]))
    rows = tuple(
        Example(tuple(rng.random() for _ in range(sizes[0])), target) for _ in range(examples)
    )
    network = Network(source, sizes[0], layers, rows, "half_squared_error")
derive(network, carry=carry)
"""
# (network, examples, also with formulas first): params × examples from 13k to 1.3M
WORK = [
    ("784-16-16-10", 1, True),
    ("784-30-10", 1, True),
    ("784-64-64-10", 1, True),
    ("784-16-16-10", 10, True),
    ("784-128-64-10", 1, False),
    ("784-16-16-10", 30, False),
    ("784-16-16-10", 100, False),
]


def params(sizes: str) -> int:
    n = [int(s) for s in sizes.split("-")]
    return sum(a * b + b for a, b in itertools.pairwise(n))


def child(name: str, source: str, examples: int, *, carry: str = "exact", eager: bool) -> Command:
    args = [PY, "-c", CHILD, source, str(examples), carry, "1" if eager else "0"]
    return Command(name, args)


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log y against log x."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum(
        (a - mx) ** 2 for a in lx
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="alternating rounds (median)")
    args = parser.parse_args()
    base = Command('python -c "import sympy"', [PY, "-c", "import sympy"])
    lazy, eager, sizes = [], [], []
    for net, k, both in WORK:
        label = f"{net} × {k} example{'s' if k > 1 else ''}"
        lazy.append(child(label, net, k, eager=False))
        sizes.append(params(net) * k)
        if both:
            eager.append(child(f"{label}, formulas first", net, k, eager=True))
    digits = child("digit network (the case file), exact", str(DIGITS), 1, eager=False)
    rounded = child("digit network, --carry rounded", str(DIGITS), 1, carry="rounded", eager=False)
    commands = [base, *lazy, *eager, digits, rounded]
    measure(commands, args.runs)

    print(f"1. derivations, whole process (median of {args.runs} alternating runs)")
    table([base, *lazy], base, "import sympy")
    print("\n2. the same, formulas built as each quantity is defined (before the lazy steps)")
    table(eager, base, "import sympy")
    for before in eager:
        now = next(c for c in lazy if before.name.startswith(c.name))
        print(
            f"   {now.name}: {before.cpu / now.cpu:.1f}× faster, {before.peak / now.peak:.1f}×"
            " less peak memory"
        )
    print("\n3. growth with parameters × examples (lazy rows)")
    print(f"   {'network':<34} {'params×examples':>16} {'CPU s':>7} {'peak MB':>8}")
    for c, n in zip(lazy, sizes, strict=True):
        print(f"   {c.name:<34} {n:>16,} {c.cpu:7.2f} {c.peak:8.0f}")
    cpu = slope([float(n) for n in sizes], [c.cpu - base.cpu for c in lazy])
    mem = slope([float(n) for n in sizes], [c.peak - base.peak for c in lazy])
    print(f"   log-log slope above import sympy: CPU {cpu:.2f}, peak memory {mem:.2f}")
    print("\n4. hand rounding on the digit network")
    table([base, digits, rounded], base, "import sympy")
    print(f"   rounded / exact: {rounded.cpu / digits.cpu:.2f}× CPU (target ≤ 2×)")


if __name__ == "__main__":
    main()
