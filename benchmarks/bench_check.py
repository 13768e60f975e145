"""Benchmark: 1,000 generated answers files checked against one network, derived once.

Prints seconds and ratios against a baseline measured in the same process (one exact derivation
of the network), so the numbers compare across machines. Run: python benchmarks/bench_check.py

Then the whole command, ``derive check`` on the 1,000 files as text against ``--format csv``
and ``python -c "import sympy"``, median of ``--runs`` alternating runs (the issue's target:
text within 1.5× of CSV).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from process import PY, Command, measure, table

from derive.derivation.build import derive
from derive.grade.answers import load_answers
from derive.grade.checker import Checker
from derive.numbers.rounding import format_number
from derive.spec.load import load_network

ROOT = Path(__file__).resolve().parent.parent
NETWORK = ROOT / "cases" / "blog-2-3-1.yaml"
FILES = 1000


def answers_text(checker: Checker, rng: random.Random, student: int) -> str:
    """Most answers right at 4 decimals; some off by a common mistake or a random amount."""
    hand = checker.hand(4)
    lines = [f"student: student{student:04d}", "answers:"]
    for name in hand.names():
        if hand[name].section == "given" or rng.random() < 0.2:
            continue
        value = hand[name].value
        roll = rng.random()
        if roll < 0.08:
            value = -value
        elif roll < 0.16:
            value = value * 2
        elif roll < 0.2:
            value = value + Decimal(rng.choice((1, -1)) * rng.randint(2, 50)).scaleb(-4)
        lines.append(f"  {name}: {format_number(value, 4)}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="alternating runs (median)")
    runs = parser.parse_args().runs
    network = load_network(NETWORK)
    start = time.perf_counter()
    derive(network)
    baseline = time.perf_counter() - start

    rng = random.Random(6)
    with tempfile.TemporaryDirectory() as tmp:
        writer = Checker(network)
        paths = []
        for i in range(FILES):
            path = Path(tmp) / f"student{i:04d}.yaml"
            path.write_text(answers_text(writer, rng, i), encoding="utf-8")
            paths.append(path)

        start = time.perf_counter()
        sheets = [load_answers(p) for p in paths]
        loading = time.perf_counter() - start

        start = time.perf_counter()
        checker = Checker(network)
        reports = [checker.check(s) for s in sheets]
        checking = time.perf_counter() - start

        check = [PY, "-m", "derive", "check", str(NETWORK), *map(str, paths)]
        base = Command('python -c "import sympy"', [PY, "-c", "import sympy"])
        text = Command("derive check (1,000 files) as text", check)
        csv = Command("derive check (1,000 files) --format csv", [*check, "--format", "csv"])
        measure([base, text, csv], runs)

    answers = sum(len(r.results) for r in reports)
    wrong = sum(r.counts()["wrong"] for r in reports)
    named = sum(1 for r in reports for x in r.results if x.verdict == "wrong" and x.mistake)
    print(f"{FILES} files, {answers} answers, {wrong} wrong ({named} with the mistake named)")
    print(f"baseline: one exact derivation      {baseline * 1000:8.1f} ms")
    print(f"loading the answers files           {loading:8.2f} s  ({loading / baseline:7.0f}×)")
    print(f"checking (derive once, then cached) {checking:8.2f} s  ({checking / baseline:7.0f}×)")
    print(f"per file                            {checking / FILES * 1000:8.2f} ms")
    print(f"\nthe whole command (median of {runs} alternating runs)")
    table([base, text, csv], base, "import sympy")
    ratio = text.cpu / csv.cpu
    verdict = "met" if ratio <= 1.5 else "not met"
    walls = text.wall / csv.wall
    print(f"   text / csv: {ratio:.2f}× CPU, {walls:.2f}× wall (target ≤ 1.5×: {verdict})")


if __name__ == "__main__":
    main()
