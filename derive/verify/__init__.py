"""Cross-checks: the SymPy chain-rule gradient, NumPy backprop and central finite differences.

Agreement rules (documented in docs/training.md):
- SymPy vs NumPy: |s − n| ≤ rtol·max(|s|, |n|) + atol, rtol 1e-9, atol 1e-12 (two exact
  computations in float64 that differ only in the order of operations);
- finite difference vs NumPy: |f − n| ≤ fd_rtol·|n| + fd_atol, fd_rtol 1e-5, fd_atol 1e-8, with
  step h = 1e-5·max(1, |p|) (central differences carry an O(h²) truncation error and an
  O(ε·C/h) rounding error, so they cannot meet 1e-9);
- gradient-descent trajectories: every parameter after each of K steps by the SymPy
  derivation's own update (new_w = w − η·∂C/∂w) against the NumPy step, with rtol/atol.

SymPy and NumPy are compared on every parameter; finite differences on a sample of a large
network's parameters unless ``every`` is set (``differences.py``).

At the edges (train/stable.py): the trainer clips outputs to within 1e-12 of 0 and 1, so the
finite differences take the cost in the log domain (softplus, log-sum-exp), and where an output
lies within 1e-6 of 0 or 1 so does NumPy's ∂C/∂z of the output layer; a correct derivation of
a saturated network then agrees. A trajectory step whose numbers the derivation cannot
evaluate is named in one line.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from ..derivation.names import gradient
from ..derivation.quantity import AVERAGE, BACKWARD
from ..errors import OptionError
from ..spec.network import Network
from ..spec.notation import free_symbols, layer_label
from ..train.data import Array, examples, number
from ..train.model import NumpyModel, model_from_network
from ..train.stable import LOG_DOMAIN_NOTE, saturated, stable_gradients
from .differences import (
    SAMPLE_ABOVE as SAMPLE_ABOVE,
)
from .differences import (
    finite_differences as finite_differences,
)
from .differences import (
    sample as sample,
)
from .differences import (
    sample_note,
    sampled_differences,
)
from .symbolic import symbolic_disagreements
from .trajectory import TrajectoryStep, derive_step, descend, float_value, rel


@dataclass(frozen=True)
class VerifyTolerance:
    rtol: float = 1e-9
    atol: float = 1e-12
    fd_rtol: float = 1e-5
    fd_atol: float = 1e-8
    h: float = 1e-5

    def __post_init__(self) -> None:
        for option in ("rtol", "atol", "fd_rtol", "fd_atol", "h"):
            value = getattr(self, option)
            if not (math.isfinite(value) and value >= 0):
                raise OptionError(option, f"must be a finite number ≥ 0, not {value}")
        if self.h == 0:
            raise OptionError("h", "must be more than 0")

    def close(self, a: float, b: float) -> bool:
        return abs(a - b) <= self.rtol * max(abs(a), abs(b)) + self.atol

    def fd_close(self, fd: float | None, n: float) -> bool:
        """None: no finite difference taken, nothing to disagree."""
        return fd is None or abs(fd - n) <= self.fd_rtol * abs(n) + self.fd_atol


@dataclass(frozen=True)
class ParameterCheck:
    name: str
    layer: int
    sympy: float
    numpy: float
    fd: float | None  # None: not in the finite differences' sample
    ok: bool


@dataclass(frozen=True)
class LayerSummary:
    layer: int
    label: str  # as explain's and latex's tables number it: "2 (hidden)" in layered notation
    sympy_abs: float  # largest |SymPy − NumPy|
    sympy_rel: float
    fd_abs: float  # largest |finite difference − NumPy| over the sample
    fd_rel: float


@dataclass(frozen=True)
class VerifyReport:
    title: str
    parameters: tuple[ParameterCheck, ...]
    layers: tuple[LayerSummary, ...]
    trajectory: tuple[TrajectoryStep, ...]
    tolerance: VerifyTolerance
    notes: tuple[str, ...] = ()  # how a network that keeps symbols was checked
    also_disagreeing: tuple[str, ...] = ()  # at the other points, or symbolically
    sample: str = ""  # how the finite differences' parameters were chosen; "" for all

    @property
    def sampled(self) -> tuple[ParameterCheck, ...]:
        """The parameters with a finite difference."""
        return tuple(p for p in self.parameters if p.fd is not None)

    @property
    def disagreeing(self) -> tuple[str, ...]:
        names = [p.name for p in self.parameters if not p.ok]
        for s in self.trajectory:
            names.extend(f"{name} (step {s.step})" for name in s.disagreeing)
        return (*names, *self.also_disagreeing)

    @property
    def ok(self) -> bool:
        return not self.disagreeing


SYMBOL_SEEDS = (1, 2, 3)  # a network that keeps symbols is checked at these random points


def verify(
    network: Network,
    *,
    steps: int = 3,
    tolerance: VerifyTolerance | None = None,
    every: bool = False,
) -> VerifyReport:
    """Every gradient three ways (finite differences on a sample of a large network's
    parameters unless ``every``). Symbols without a number in ``values:`` are checked at
    seeded random values (0.1 to 0.9) and, symbolically, against sympy.diff of the cost."""
    tol = tolerance or VerifyTolerance()
    missing = sorted(free_symbols(network) - {name for name, _ in network.values})
    run = partial(_verify_numbers, steps=steps, tol=tol, every=every)
    if not missing:
        return run(network)
    points = [_with_values(network, missing, seed) for seed in SYMBOL_SEEDS]
    reports = [run(point) for point in points]
    chosen = ", ".join(f"{k} = {v:.4f}" for k, v in points[0].values if k in missing)
    others = [
        f"{n} (seed {s})"
        for r, s in zip(reports[1:], SYMBOL_SEEDS[1:], strict=True)
        for n in r.disagreeing
    ]
    wrong = symbolic_disagreements(network)
    verdict = "all agree" if not others else "see below"
    notes = (
        f"Symbols at seeded random values: {chosen}; "
        f"{len(points) - 1} more points checked too ({verdict}).",
        "Symbolically, every chain-rule gradient minus sympy.diff of the composed cost "
        + ("simplifies to 0." if not wrong else "does not simplify to 0 for: " + ", ".join(wrong)),
    )
    return replace(reports[0], notes=notes, also_disagreeing=(*others, *wrong))


def _with_values(network: Network, missing: list[str], seed: int) -> Network:
    rng = random.Random(seed)
    drawn = tuple((name, round(rng.uniform(0.1, 0.9), 4)) for name in missing)
    return replace(network, values=(*network.values, *drawn))


def _verify_numbers(
    network: Network, *, steps: int, tol: VerifyTolerance, every: bool
) -> VerifyReport:
    model = model_from_network(network)  # raises a clear error when a symbol has no number
    lr = number(
        network.learning_rate, dict(network.values), source=network.source, place="learning_rate"
    )
    x, y = examples(network)
    derivation = derive_step(network, 1, steps=steps)  # also the trajectory's first step
    names = derivation.parameters
    layers = [derivation.layer_of(name) for name in names]
    known = derivation.section_values(BACKWARD) | derivation.section_values(AVERAGE)
    sym = [float_value(derivation, gradient(name), known) for name in names]
    num = _flat_gradient(model, x, y)
    chosen = None if every or len(names) <= SAMPLE_ABOVE else sample(layers)
    fd = sampled_differences(model, x, y, h=tol.h, indices=chosen)
    checks = tuple(
        ParameterCheck(
            name,
            layers[i],
            sym[i],
            num[i],
            fd[i],
            tol.close(sym[i], num[i]) and tol.fd_close(fd[i], num[i]),
        )
        for i, name in enumerate(names)
    )
    trajectory = descend(derivation, model, (x, y), lr=lr, steps=steps, tol=tol)
    notes = (LOG_DOMAIN_NOTE,) if saturated(model, x) else ()
    how = "" if chosen is None else sample_note(len(chosen), len(names))
    summaries = _summaries(checks, network)
    return VerifyReport(network.title, checks, summaries, trajectory, tol, notes, sample=how)


def _flat_gradient(model: NumpyModel, x: Array, y: Array) -> list[float]:
    """NumPy backprop's gradient, unclipped from δᴸ in the log domain (train/stable.py)."""
    parts = []
    for gw, gb in stable_gradients(model, x, y):
        parts.append(gw.ravel())
        if gb is not None:
            parts.append(gb)
    return [float(v) for v in np.concatenate(parts)]


def _summaries(checks: tuple[ParameterCheck, ...], network: Network) -> tuple[LayerSummary, ...]:
    out = []
    for layer in sorted({c.layer for c in checks}):
        mine = [c for c in checks if c.layer == layer]
        out.append(
            LayerSummary(
                layer,
                layer_label(network, layer),
                max(abs(c.sympy - c.numpy) for c in mine),
                max(rel(c.sympy, c.numpy) for c in mine),
                max((abs(c.fd - c.numpy) for c in mine if c.fd is not None), default=0.0),
                max((rel(c.fd, c.numpy) for c in mine if c.fd is not None), default=0.0),
            )
        )
    return tuple(out)
