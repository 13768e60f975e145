"""Benchmark: ``derive explain --symbolic`` on wide networks against ``import sympy``.

    python benchmarks/bench_symbolic.py            # 3 alternating runs of each command
    python benchmarks/bench_symbolic.py --runs 5

Whole processes on seeded 16-16-10, 32-32-10 and 64-64-10 sigmoid networks (written to a
temporary folder), each ratio to ``python -c "import sympy"`` measured in the same run. Every
value is symbolic, so the output is the summary; ``--format json`` on 16-16-10 works out and
writes every value. The issue's target: 64-64-10 ≤ 10× ``import sympy``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from process import PY, Command, measure, table


def network(sizes: tuple[int, ...], folder: Path) -> Path:
    rng = random.Random(0)
    name = "-".join(map(str, sizes))
    lines = [f"title: {name} symbolic", "init: {kind: normal, seed: 1, scale: 0.1}", "layers:"]
    lines.append(f"  - size: {sizes[0]}")
    for n in sizes[1:]:
        lines += [
            f"  - size: {n}",
            "    activation: sigmoid",
            "    weights: init",
            "    biases: init",
        ]
    x = [round(rng.random(), 2) for _ in range(sizes[0])]
    y = [1 if j == 0 else 0 for j in range(sizes[-1])]
    lines += ["examples:", f"  - input: {x}", f"    target: {y}"]
    lines += ["cost: half_squared_error", "learning_rate: 0.5"]
    path = folder / f"{name}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="alternating runs (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = Command('python -c "import sympy"', [PY, "-c", "import sympy"])
        commands = [base]
        for sizes in [(16, 16, 10), (32, 32, 10), (64, 64, 10)]:
            path = network(sizes, folder)
            label = f"explain {path.stem} --symbolic"
            commands.append(
                Command(label, [PY, "-m", "derive", "explain", str(path), "--symbolic"])
            )
        small = folder / "16-16-10.yaml"
        every = [PY, "-m", "derive", "explain", str(small), "--symbolic", "--format", "json"]
        commands.append(Command("explain 16-16-10 --symbolic --format json", every))
        measure(commands, args.runs)
    print(f"derive explain --symbolic (median of {args.runs} alternating runs)")
    table(commands, base, "import sympy")
    widest = commands[3].cpu / base.cpu
    verdict = "met" if widest <= 10 else "not met"
    print(f"   target: 64-64-10 ≤ 10× import sympy: {widest:.1f}× ({verdict})")


if __name__ == "__main__":
    main()
