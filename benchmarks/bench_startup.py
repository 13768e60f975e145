"""Benchmark: whole-process start-up of ``derive`` against ``python -c "import sympy"``.

    python benchmarks/bench_startup.py             # 7 interleaved rounds
    python benchmarks/bench_startup.py --rounds 15 # steadier medians on a busy machine

Each round runs every command once, one after another (the order rotates from round to round),
so that a slow spell of a noisy machine hits all of them alike; the medians are compared with
the baseline measured in this same run, never with stored numbers:

    baseline  python -c "import sympy"
    help      python -m derive --help                          target ≤ 0.5× import sympy
    explain   python -m derive explain cases/blog-2-3-1.yaml   target ≤ 1.6× import sympy
    floor     python -c "pass"                                 the interpreter alone

The bytecode of derive/ is compiled first and every command runs once untimed, so that neither
compiling nor a cold file cache is measured. A measurement, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "cases" / "blog-2-3-1.yaml"


@dataclass
class Command:
    label: str
    args: list[str]
    target: float | None = None  # the most it may take, as a multiple of the baseline
    note: str = ""
    times: list[float] = field(default_factory=list)
    failure: str | None = None  # the first failed run's exit code and last stderr line

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def commands() -> list[Command]:
    py = sys.executable
    return [
        Command('python -c "import sympy"', [py, "-c", "import sympy"], note="baseline"),
        Command("derive --help", [py, "-m", "derive", "--help"], target=0.5),
        Command(
            "derive explain cases/blog-2-3-1.yaml",
            [py, "-m", "derive", "explain", str(CASE)],
            target=1.6,
        ),
        Command('python -c "pass"', [py, "-c", "pass"], note="interpreter floor"),
    ]


def run_once(command: Command) -> float:
    """Wall-clock seconds of one run; a failed run is recorded on the command."""
    start = time.perf_counter()
    done = subprocess.run(
        command.args,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0 and command.failure is None:
        last = (done.stderr.strip().splitlines() or [""])[-1]
        command.failure = f"exit {done.returncode}: {last}"
    return elapsed


def warm_up(cmds: list[Command]) -> None:
    """Compile derive/ (PYTHONDONTWRITEBYTECODE may be set) and run everything once untimed."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "derive")],
        stdout=subprocess.DEVNULL,
        check=False,
    )
    for command in cmds:
        run_once(command)


def measure(cmds: list[Command], rounds: int) -> None:
    for r in range(rounds):
        shift = r % len(cmds)
        for command in cmds[shift:] + cmds[:shift]:
            command.times.append(run_once(command))


def report(cmds: list[Command], rounds: int) -> None:
    base = cmds[0]
    print(f"start-up, median of {rounds} interleaved rounds (Python {sys.version.split()[0]})")
    print(f"   {'command':<38} {'median':>8} {'min':>8} {'× sympy':>8}   target")
    for command in cmds:
        ratio = command.median / base.median
        line = (
            f"   {command.label:<38} {command.median:7.3f}s {min(command.times):7.3f}s "
            f"{ratio:7.2f}×"
        )
        if command.target is not None:
            verdict = "PASS" if ratio <= command.target and command.failure is None else "MISS"
            line += f"   ≤ {command.target:g}×  {verdict}"
        elif command.note:
            line += f"   ({command.note})"
        print(line)
        if command.failure is not None:
            print(f"      failed ({command.failure})")
    print(
        f"\n   derive --help above the interpreter floor: "
        f"{cmds[1].median - cmds[3].median:.3f} s; "
        f"import sympy above it: {base.median - cmds[3].median:.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (median)")
    args = parser.parse_args()
    rounds = max(1, args.rounds)

    cmds = commands()
    warm_up(cmds)
    for command in cmds:
        command.failure = None  # report only failures of the timed runs
    measure(cmds, rounds)
    report(cmds, rounds)


if __name__ == "__main__":
    main()
