"""``--nudge w6=0.01``: the gradient as a prediction, checked against the network itself.

∂C/∂w is how much C moves per unit of w, so nudging w by Δ should move C by about ∂C/∂w · Δ
(and several nudges at once by the sum of theirs). The actual change comes from running the
derivation's own forward and cost formulas again with the nudged values, in floats; what is
left over is second order: it shrinks as Δ².
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import OptionError, UsageError
from ..numbers.arithmetic import EvaluationError, FloatArithmetic
from .names import gradient
from .quantity import COST, FORWARD, GIVEN, Derivation

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class Nudge:
    param: str
    old: float
    delta: float
    slope: float  # ∂C/∂param, exact

    @property
    def new(self) -> float:
        return self.old + self.delta

    @property
    def predicted(self) -> float:
        """First order: ∂C/∂p · Δp."""
        return self.slope * self.delta


@dataclass(frozen=True)
class Nudges:
    nudges: tuple[Nudge, ...]
    cost: float  # C before
    nudged_cost: float  # C after the forward pass is run again with every nudge

    @property
    def predicted(self) -> float:
        return math.fsum(n.predicted for n in self.nudges)

    @property
    def actual(self) -> float:
        return self.nudged_cost - self.cost

    @property
    def second_order(self) -> float:
        """What the first-order prediction misses."""
        return self.actual - self.predicted


def parse_nudges(texts: Sequence[str], parameters: Sequence[str]) -> dict[str, float]:
    """``["w6=0.01", "b3=-0.02"]`` → {"w6": 0.01, "b3": -0.02}: a parameter's name, ``=`` and a
    plain decimal number, each parameter once."""
    out: dict[str, float] = {}
    for text in texts:
        name, equals, number = (part.strip() for part in text.partition("="))
        if not (name and equals and _NUMBER.fullmatch(number)):
            raise OptionError("nudge", f"expects name=number such as w6=0.01, not {text!r}")
        if name not in parameters:
            shown = ", ".join(parameters[:6]) + (", …" if len(parameters) > 6 else "")
            raise OptionError("nudge", f"{name!r} is not a parameter of this network ({shown})")
        if name in out:
            raise OptionError("nudge", f"{name} is nudged twice; give each parameter once")
        out[name] = float(number)
    return out


def nudge(d: Derivation, changes: Mapping[str, float]) -> Nudges:
    """Predicted and actual change of C when each parameter moves by its amount."""
    if not changes:
        raise OptionError("nudge", "needs at least one name=number")
    nudges = tuple(
        Nudge(p, number(d, p), delta, number(d, gradient(p))) for p, delta in changes.items()
    )
    before = cost_with(d, {})
    after = cost_with(d, {n.param: n.new for n in nudges})
    return Nudges(nudges, before, after)


def cost_with(d: Derivation, values: Mapping[str, float]) -> float:
    """C with some given values replaced, every later forward and cost formula run again."""
    env = {q.name: number(d, q.name) for q in d.section(GIVEN)}
    env.update(values)
    arithmetic = FloatArithmetic()
    try:
        for q in d.quantities.values():
            if q.section in (FORWARD, COST) and q.formula is not None:
                env[q.name] = float(arithmetic.evaluate(q.formula, env))
    except (EvaluationError, ValueError, OverflowError) as exc:
        raise UsageError(f"C has no real value with these nudges: {exc}") from None
    return env["C"]


def number(d: Derivation, name: str) -> float:
    """A quantity's exact number (beside a hand-rounded or symbolic value, where it is kept)."""
    q = d[name]
    value = q.exact if q.exact is not None else q.value
    try:
        return float(value)
    except TypeError:
        raise UsageError(
            f"{name} has no number ({value}): nudges need numbers; give the file's symbols "
            "numbers under values:"
        ) from None
