"""Benchmark: large text output. ``derive explain --full`` on the 784-16-16-10 digit network
against its JSON output, whole-process, median of alternating runs; then, in this process, the
step table written by rich and by the plain fixed-width writer (the same rows).

    python benchmarks/bench_output.py            # 3 runs of each command
    python benchmarks/bench_output.py --runs 5

The issue's target: ``explain --full`` ≤ 2× the JSON of the same file.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from process import PY, ROOT, Command, measure, table

import derive.render.tables as tables
from derive import derive, load_network
from derive.derivation.quantity import BACKWARD
from derive.render.steps import step_table
from derive.render.tables import as_text

CASE = "cases/3b1b-784-16-16-10.yaml"


def writers(rows: int) -> tuple[float, float]:
    """Seconds to write the first ``rows`` backward steps of the digit network as text, by
    rich and by the plain writer."""
    d = derive(load_network(Path(ROOT, CASE)))
    steps = d.section(BACKWARD)[:rows]
    out = []
    for threshold in (len(steps), 0):  # rich (at the threshold), then plain
        tables.PLAIN_ROWS = threshold
        start = time.perf_counter()
        as_text(step_table(d, steps, "Backward pass"), width=200)
        out.append(time.perf_counter() - start)
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="alternating runs (median)")
    args = parser.parse_args()
    explain = [PY, "-m", "derive", "explain", CASE]
    base = Command('python -c "import sympy"', [PY, "-c", "import sympy"])
    json = Command(f"derive explain {CASE} --format json", [*explain, "--format", "json"])
    full = Command(f"derive explain {CASE} --full", [*explain, "--full"])
    measure([base, json, full], args.runs)
    print(f"1. explain --full against the JSON (median of {args.runs} alternating runs)")
    table([base, json, full], base, "import sympy")
    ratio = full.cpu / json.cpu
    print(f"   --full / json: {ratio:.2f}× CPU (target ≤ 2×: {'met' if ratio <= 2 else 'not met'})")

    rows = 2000
    rich, plain = writers(rows)
    print(f"\n2. the step table, {rows:,} rows of the digit network, cells built and written")
    print(f"   rich table    {rich:7.3f} s   {rich / rows * 1000:6.3f} ms a row")
    print(f"   plain writer  {plain:7.3f} s   {plain / rows * 1000:6.3f} ms a row")
    print(f"   rich / plain  {rich / plain:7.1f}×  (the cells alone are in both)")


if __name__ == "__main__":
    main()
