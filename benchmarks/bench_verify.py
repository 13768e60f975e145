"""Benchmark: ``derive verify`` on the 784-16-16-10 digit network against ``import sympy``.

    python benchmarks/bench_verify.py            # 3 alternating runs of each command
    python benchmarks/bench_verify.py --runs 5 --all

Whole-process wall and CPU time and peak memory, median of alternating runs, and the ratio of
CPU time to ``python -c "import sympy"`` measured in the same run. The issue's target: ≤ 4×.
``--all`` also times ``derive verify --all`` (finite differences on every parameter).
"""

from __future__ import annotations

import argparse

from process import PY, Command, measure, table

CASE = "cases/3b1b-784-16-16-10.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="alternating runs (median)")
    parser.add_argument("--all", action="store_true", help="time verify --all too")
    args = parser.parse_args()
    base = Command('python -c "import sympy"', [PY, "-c", "import sympy"])
    derive = [PY, "-m", "derive"]
    commands = [
        base,
        Command(
            f"derive explain {CASE} --format json", [*derive, "explain", CASE, "--format", "json"]
        ),
        Command(f"derive verify {CASE}", [*derive, "verify", CASE]),
    ]
    if args.all:
        commands.append(Command(f"derive verify {CASE} --all", [*derive, "verify", CASE, "--all"]))
    measure(commands, args.runs)
    print(f"derive verify on the 784-16-16-10 network (median of {args.runs} alternating runs)")
    table(commands, base, "import sympy")
    verify = commands[2]
    print(
        f"   target: verify ≤ 4× import sympy: {'met' if verify.cpu <= 4 * base.cpu else 'not met'}"
    )
    print(
        f"   verify / one derivation (explain --format json): {verify.cpu / commands[1].cpu:.2f}×"
    )


if __name__ == "__main__":
    main()
