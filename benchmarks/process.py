"""Whole-process measurement shared by the benchmarks: wall and CPU time (the child's user +
system, from ``os.wait4``) and peak memory of a command, median of alternating runs, so that a
ratio compares runs made under the same load."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


@dataclass
class Command:
    name: str
    args: list[str]
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)  # MB

    def run(self) -> None:
        start = time.perf_counter()
        child = subprocess.Popen(self.args, cwd=ROOT, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        self.walls.append(time.perf_counter() - start)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"{self.name}: exit {os.waitstatus_to_exitcode(status)}")
        self.cpus.append(usage.ru_utime + usage.ru_stime)
        self.peaks.append(usage.ru_maxrss / 1024)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def peak(self) -> float:
        return statistics.median(self.peaks)


def measure(commands: list[Command], runs: int) -> None:
    """Each command once a round, ``runs`` rounds (bytecode compiled first, not measured)."""
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "derive")], check=True)
    for _ in range(runs):
        for command in commands:
            command.run()


def table(commands: list[Command], base: Command, unit: str) -> None:
    """Median wall and CPU, peak memory, and the CPU ratio to ``base``."""
    print(f"   {'command':<58} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'CPU ratio':>10}")
    for c in commands:
        ratio = c.cpu / base.cpu
        print(f"   {c.name:<58} {c.wall:7.2f} {c.cpu:7.2f} {c.peak:8.0f} {ratio:7.2f}× {unit}")
