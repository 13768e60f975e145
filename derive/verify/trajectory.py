"""The trajectory check: K full-batch gradient-descent steps, each parameter after each step by
the SymPy derivation's own update against NumPy's, and the helpers that read a derivation's
numbers as floats."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from ..derivation.build import derive
from ..derivation.names import updated, velocity
from ..derivation.quantity import UPDATE, Derivation
from ..errors import OptionError
from ..numbers.arithmetic import EvaluationError
from ..spec.network import Network
from ..spec.notation import namer_for, parameter_names
from ..train.backprop import step
from ..train.data import Array
from ..train.model import NumpyModel
from ..train.weights import with_model

if TYPE_CHECKING:
    from . import VerifyTolerance


@dataclass(frozen=True)
class TrajectoryStep:
    step: int
    max_abs: float
    max_rel: float
    disagreeing: tuple[str, ...]


def rel(a: float, b: float) -> float:
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale else 0.0


def float_value(derivation: Derivation, name: str, known: Mapping[str, Any] | None = None) -> float:
    """A quantity as a float: its value, or (symbolic derivation) the exact value beside it,
    or its expression with the file's ``values:`` substituted. ``known``: values by name,
    read in bulk (a section's), tried first."""
    value = known[name] if known is not None and name in known else derivation.value(name)
    if isinstance(value, int | float | Decimal):
        return float(value)
    q = derivation[name]
    for v in (q.value, q.exact):
        if isinstance(v, int | float | Decimal):
            return float(v)
    numbers = {sp.Symbol(k): v for k, v in derivation.network.values}
    return float(q.value.xreplace(numbers))


def descend(
    first: Derivation,
    model: NumpyModel,
    data: tuple[Array, Array],
    *,
    lr: float,
    steps: int,
    tol: VerifyTolerance,
) -> tuple[TrajectoryStep, ...]:
    """K full-batch gradient-descent steps: SymPy's new_w values against NumPy's update. The
    first step's derivation is the one whose gradients were checked; each later step derives
    the network the step before moved to."""
    names = first.parameters
    numeric, symbolic, out = model.copy(), first.network, []
    for k in range(1, steps + 1):
        derivation = first if k == 1 else derive_step(symbolic, k, steps=steps)
        moved = derivation.section_values(UPDATE)
        new = np.array(
            [float_value(derivation, _moved(derivation, n), moved) for n in derivation.parameters]
        )
        symbolic = replace(
            with_model(symbolic, model.unflatten(new)), velocities=_velocities(derivation)
        )
        step(numeric, *data, lr)
        got = numeric.flat()
        bad = tuple(n for n, a, b in zip(names, new, got, strict=True) if not tol.close(a, b))
        diffs = np.abs(new - got)
        rels = [rel(a, b) for a, b in zip(new, got, strict=True)]
        out.append(TrajectoryStep(k, float(diffs.max()), float(max(rels)), bad))
    return tuple(out)


def derive_step(network: Network, k: int, *, steps: int) -> Derivation:
    """The derivation at step k of the trajectory; where the steps before drove an output so
    close to 0 or 1 that it has no value, one line that says which step, from which numbers."""
    try:
        return derive(network, carry="exact")
    except EvaluationError as exc:
        problem = str(exc).removeprefix(f"{network.source}: ")
        where = ", ".join(f"{name} = {value:.6g}" for name, value in _parameters(network))
        raise OptionError(
            "steps",
            f"{steps}: gradient-descent step {k} starts from {where}, where {problem}; "
            "compare fewer steps",
        ) from None


def _parameters(network: Network) -> list[tuple[str, float]]:
    """A network's numeric parameters by name, at most the first three."""
    named = parameter_names(network, namer_for(network))
    return [(name, float(entry)) for name, entry in named if not isinstance(entry, str)][:3]


def _moved(derivation: Derivation, name: str) -> str:
    """The parameter after the step: new_w, or w itself when freeze: keeps it."""
    return name if name in derivation.frozen else updated(name)


def _velocities(derivation: Derivation) -> tuple[tuple[str, float], ...]:
    """With momentum, the velocities after the step, from which the next step starts."""
    if derivation.network.momentum is None:
        return ()
    after = [(n, updated(velocity(n))) for n in derivation.parameters]
    return tuple((n, float_value(derivation, v)) for n, v in after if v in derivation)
