"""Benchmark: the checker's limits on hostile or large input.

* expansion bombs on cases/3b1b-chain.yaml (one took 118 s before the bound on expansion);
* a sheet of 30 answers, half wrong, on the 784-16-16-10 network: time, and peak memory of a
  fresh process (before: 9.9 GB and MemoryError);
* 1,000 unknown keys on that network (before: 81 s).

Run: python benchmarks/bench_grade_limits.py
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from derive.grade.answers import answers_from_text
from derive.grade.checker import Checker, grade
from derive.numbers.rounding import format_number
from derive.spec.load import load_network

ROOT = Path(__file__).resolve().parent.parent
CHAIN = ROOT / "cases" / "3b1b-chain.yaml"
DIGITS = ROOT / "cases" / "3b1b-784-16-16-10.yaml"
BOMBS = [
    "(w(L)+b(L)+y)^16*(w(L)-b(L)-y)^16*(w(L)+2b(L)+3y)^16",
    "(a(L)+b(L)+w(L)+y+1)^16*(a(L)-b(L)+w(L)-y+2)^16",
    "(a(L)+b(L)+w(L)+y+1)^16",
]
PEAK = """
import json, resource, sys, time
from derive.grade.checker import grade
start = time.perf_counter()
(report,) = grade(sys.argv[1], [sys.argv[2]])
seconds = time.perf_counter() - start
unit = 1024 * 1024 if sys.platform == "darwin" else 1024
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / unit
print(json.dumps({"seconds": seconds, "peak_mb": peak, "counts": report.counts()}))
"""


def bombs(tmp: Path) -> None:
    for text in BOMBS:
        path = tmp / "bomb.yaml"
        path.write_text(f"answers:\n  dC/dw(L): {json.dumps(text)}\n", encoding="utf-8")
        start = time.perf_counter()
        (report,) = grade(CHAIN, [path])
        seconds = time.perf_counter() - start
        verdict = report.results[0].verdict
        print(f"bomb {text[:40]:42} {verdict:10} {seconds:6.3f} s (network derived included)")


def digits_sheet(checker: Checker, tmp: Path) -> Path:
    hand = checker.hand(4)
    names = sorted(n for n in hand.names() if hand[n].section != "given")
    chosen = random.Random(4).sample(names, 30)
    lines = ["answers:"]
    for i, name in enumerate(chosen):
        value = hand[name].value + (Decimal("0.25") if i % 2 == 0 else 0)
        lines.append(f"  {json.dumps(name)}: {format_number(value, 4)}")
    path = tmp / "digits.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        bombs(tmp)
        start = time.perf_counter()
        checker = Checker(load_network(DIGITS))
        print(f"784 network derived (exact)        {time.perf_counter() - start:6.2f} s")
        sheet = digits_sheet(checker, tmp)
        done = subprocess.run(
            [sys.executable, "-c", PEAK, str(DIGITS), str(sheet)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        out = json.loads(done.stdout)
        print(
            f"784 sheet, 30 answers, 15 wrong:   {out['seconds']:6.2f} s, "
            f"peak {out['peak_mb']:.0f} MB in a fresh process, {out['counts']}"
        )
        names = sorted(checker.exact.names())
        keys = [f"{n}x" for n in random.Random(5).sample(names, 1000)]
        body = "".join(f"  {json.dumps(k)}: 0.5\n" for k in keys)
        unknown = answers_from_text(f"answers:\n{body}", source="u", default_student="u")
        start = time.perf_counter()
        report = checker.check(unknown)
        seconds = time.perf_counter() - start
        print(f"1,000 unknown keys (784 network):  {seconds:6.2f} s, {report.counts()['unknown']}")


if __name__ == "__main__":
    main()
