"""The cost as a function of one parameter, every other held (``derive draw --curve``): the
derivation's own forward and cost formulas evaluated again at sample points (no drawing here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..errors import UsageError
from ..numbers.arithmetic import EvaluationError, FloatArithmetic
from .graph import parameter_of
from .names import ETA, gradient
from .quantity import COST, FORWARD, GIVEN, Derivation

CURVE_POINTS: Final = 61


@dataclass(frozen=True)
class Curve:
    param: str
    at: float  # the parameter's value
    cost: float  # C there
    slope: float  # ∂C/∂param there: the tangent's slope
    eta: float
    step_cost: float | None  # C after one gradient-descent step
    samples: tuple[tuple[float, float], ...]  # (param, C) where C has a real value

    @property
    def step_to(self) -> float:
        """Where one gradient-descent step lands: param − η·∂C/∂param."""
        return self.at - self.eta * self.slope


def cost_curve(d: Derivation, name: str, *, points: int = CURVE_POINTS) -> Curve:
    """C sampled around the parameter's value (wide enough to hold one gradient step)."""
    param, example = parameter_of(d, name)
    if example is not None:
        raise UsageError(f"{name}: the curve is of C over every example, not of one")
    at, slope, eta = (_number(d, n) for n in (param, gradient(param), ETA))
    half = max(1.0, 2.0 * abs(eta * slope), 0.5 * abs(at))
    xs = [at + half * (2 * i / (points - 1) - 1) for i in range(points)]
    costs = cost_at(d, param, xs=[at, at - eta * slope, *xs])
    samples = tuple((x, c) for x, c in zip(xs, costs[2:], strict=True) if c is not None)
    if costs[0] is None:
        raise UsageError(f"C has no real value at {param} = {at}")
    return Curve(param, at, costs[0], slope, eta, costs[1], samples)


def cost_at(d: Derivation, param: str, *, xs: list[float]) -> list[float | None]:
    """C with ``param`` set to each of ``xs`` and every other given value held (None where C has
    no real value), evaluated in floats from the derivation's forward and cost formulas."""
    sections = (GIVEN, FORWARD, COST)
    base = {q.name: _number(d, q.name) for q in d.quantities.values() if q.section in sections}
    moved = {param}
    later = []
    for q in d.quantities.values():
        used = {s.name for s in q.formula.free_symbols} if q.formula is not None else set()
        if q.section in (FORWARD, COST) and used & moved:
            moved.add(q.name)
            later.append(q)
    arith, out = FloatArithmetic(), list[float | None]()
    for x in xs:
        env = {**base, param: x}
        try:
            for q in later:
                env[q.name] = arith.evaluate(q.formula, env)
            out.append(float(env["C"]))
        except (EvaluationError, ValueError, OverflowError):
            out.append(None)
    return out


def _number(d: Derivation, name: str) -> float:
    value = d[name].exact if d[name].exact is not None else d[name].value
    try:
        return float(value)
    except TypeError:
        shown = "" if str(value) == name else f" ({value})"
        problem = f"{name} has no number{shown}: give the file's symbols numbers under values:"
        raise UsageError(problem) from None
