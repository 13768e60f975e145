"""Inputs and helpers shared by the LaTeX and Markdown tests: the blog's hand-calculated step
values, hostile text, extra networks, cached derivations of the cases, and the step parser."""

from __future__ import annotations

import re
from contextlib import chdir
from functools import cache
from pathlib import Path

from derive.derivation.build import derive
from derive.derivation.quantity import Derivation
from derive.numbers.arithmetic import Carry
from derive.spec.load import load_network
from tests.conftest import CASES, ROOT

# the 2-3-1 blog walkthrough: the blogger's 21 backward-step values, carried by hand to 4 decimals
BLOG_STEPS = [
    *("-0.2755", "0.2291", "-0.0631", "-0.0597", "-0.0631", "-0.0339", "-0.0568", "0.0508"),
    *("-0.0029", "-0.0058", "-0.0261", "0.0316", "0.0002", "0.0000", "0.0000", "0.0000"),
    *("-0.0050", "0.2486", "-0.0012", "-0.0024", "-0.0108"),
]
LAYERED = """title: layered 2-2-2 (Mazur's numbers)
notation: {style: layered, start: 1}
layers:
  - size: 2
  - {size: 2, activation: sigmoid, weights: [[0.15, 0.2], [0.25, 0.3]], biases: [0.35, 0.35]}
  - {size: 2, activation: sigmoid, weights: [[0.4, 0.45], [0.5, 0.55]], biases: [0.6, 0.6]}
examples:
  - {input: [0.05, 0.1], target: [0.01, 0.99]}
cost: half_squared_error
learning_rate: 0.5
"""
HOSTILE = r"\input{/etc/passwd} $x$ & 50% #1 _a ^b ~c {d} <e> 日本 σ"


@cache
def derived(case: str, carry: Carry = "exact") -> Derivation:
    """A case's derivation, loaded by its relative path (deterministic source text), once."""
    with chdir(ROOT):
        return derive(load_network(Path("cases") / f"{case}.yaml"), carry=carry)


def case_files() -> list[Path]:
    return sorted(p for p in CASES.glob("*.yaml") if not p.name.endswith(".answers.yaml"))


def large_yaml() -> str:
    """A 4-10-10-3 network: 239 backward steps, past the summary threshold."""
    layers = ["  - size: 4"]
    for size, before in ((10, 4), (10, 10), (3, 10)):
        rows = [
            [round(((j * 7 + k * 3) % 11 - 5) / 10, 2) for k in range(before)] for j in range(size)
        ]
        layers.append(
            f"  - {{size: {size}, activation: sigmoid, weights: {rows}, biases: {[0.1] * size}}}"
        )
    return (
        "title: large 4-10-10-3\nlayers:\n" + "\n".join(layers) + "\nexamples:\n"
        "  - {input: [0.1, 0.2, 0.3, 0.4], target: [0, 1, 0]}\ncost: half_squared_error\n"
    )


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def step_values(tex: str) -> dict[int, str]:
    """Step number → the last '= value' of its equation (before any exact note)."""
    equations: list[list[str]] = []
    for line in tex.splitlines():
        row = line.removesuffix(" \\\\")
        if row.startswith("&") and equations:
            equations[-1].append(row)
        elif "&=" in row:
            equations.append([row])
    out: dict[int, str] = {}
    for rows in equations:
        tag = re.search(r"\\tag\*\{\((\d+)\)\}", rows[0])
        if tag:
            last = rows[-1].replace(tag.group(0), "").split("= ")[-1]
            out[int(tag.group(1))] = last.split(r"\quad")[0].strip()
    return out
