"""The nice-number rules a drawn network must meet to be handed out, and how each was met.

1. Numbers a person can work with: every weight, bias, input and target has one or two decimals.
2. No saturated neuron: every activation derivative (σ', tanh', relu', a softmax's ∂O_j/∂z_j) is
   at least a floor, so no neuron is flat or switched off.
3. Nothing rounds to zero: every asked value that is not exactly 0 shows at least ``min_units``
   units of the sheet's last decimal (a gradient of 0.00004 asks for "-0.0000" or "0.0000").
4. A wrong method cannot land on the right number: each mistake of the checker's table
   (grade/mistakes.py), recomputed for each asked quantity in exact and in hand arithmetic and
   written at the sheet's decimals, is more than the checker's one unit from every right value.
   Rounding drift is excused (coarser rounding is precision, not method), and so is a mistake that
   leaves the value exactly as it is here (forgetting relu' = 1, doubling a term that is 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..derivation.build import derive
from ..derivation.names import split_example, split_partial
from ..derivation.quantity import BACKWARD, GIVEN, Derivation
from ..derivation.selection import chosen
from ..grade.checker import Checker
from ..grade.rules import PrecisionRule
from ..numbers.rounding import format_number, places, round_half_away
from ..spec.network import Network

EXCUSED = ("rounding_drift",)  # precision, not method: see the module's docstring
UNCHANGED = Decimal("1e-12")  # relative: a mistake this close to the value changes nothing

Judgement = dict[str, dict[str, Any]]


class Rejected(Exception):
    """A draw that breaks a rule: ``rule`` names it, the message says where."""

    def __init__(self, rule: str, why: str) -> None:
        super().__init__(why)
        self.rule = rule


@dataclass(frozen=True)
class NiceRules:
    decimals: int = 4  # the sheet's required decimals, at which every rule is judged
    derivative_floor: float = 0.05
    min_units: int = 5  # at 4 decimals at least 0.0005: not zero even at 3 decimals

    @property
    def smallest(self) -> Decimal:
        return Decimal(self.min_units).scaleb(-self.decimals)

    def checker(self, network: Network) -> Checker:
        """The checker the sheet grades with: the hand calculation and the digits required at
        the sheet's decimals."""
        return Checker(network, decimals=self.decimals, rule=PrecisionRule(self.decimals))

    def describe(self) -> dict[str, str]:
        d = self.decimals
        return {
            "decimals": "every weight, bias, input and target has one or two decimals",
            "saturation": f"every activation derivative is at least {self.derivative_floor}: "
            "no neuron saturated or switched off",
            "not_zero": f"every asked value that is not exactly 0 is at least {self.smallest} "
            f"in size at {places(d)}",
            "mistakes": "every mistake of the checker's table, written at "
            f"{places(d)}, is more than one unit of the last decimal from every right value "
            "(exact or by hand); rounding drift is excused, and so is a mistake that leaves "
            "the value exactly unchanged (relu' = 1 forgotten, a term of 0 doubled)",
        }


def questions(d: Derivation, only: str | None) -> list[str]:
    """The quantities a sheet asks: every computed one, or those ``only`` matches."""
    return [q.name for q in chosen(d, only=only, example=None) if q.section != GIVEN]


def judge(network: Network, *, rules: NiceRules, only: str | None) -> Judgement:
    """How ``network`` meets each rule, for the manifest; Rejected names the first it breaks.
    The cheap rules come first: the checker (the hand calculation, every mistake) is built only
    for a draw that passes them."""
    d = derive(network)  # what the sheet asks, as `derive template` lists it
    asked = questions(d, only)
    judgement = {"decimals": _decimals(network)}
    judgement["saturation"] = _saturation(d, rules)
    judgement["not_zero"] = _not_zero(d, asked, rules)
    judgement["mistakes"] = _mistakes(rules.checker(network), asked, rules)
    return judgement


def _decimals(network: Network) -> dict[str, Any]:
    entries = [v for layer in network.layers for row in layer.weights for v in row]
    entries += [v for layer in network.layers for v in layer.biases or ()]
    entries += [v for ex in network.examples for v in (*ex.input, *ex.target)]
    for value in entries:
        exponent = Decimal(repr(value)).normalize().as_tuple().exponent
        if isinstance(value, str) or not isinstance(exponent, int) or exponent < -2:
            raise Rejected("decimals", f"{value!r} has more than two decimals")
    return {"numbers": len(entries), "learning_rate": network.learning_rate}


def _activation_derivative(name: str) -> bool:
    """dO3/dz3, da2_1/dz2_1, da(L)/dz(L): an output over its own neuron's sum."""
    parts = split_partial(split_example(name)[0])
    return parts is not None and parts[0] != "C" and parts[0][1:] == parts[1][1:]


def _saturation(d: Derivation, rules: NiceRules) -> dict[str, Any]:
    found = [q for q in d.section(BACKWARD) if _activation_derivative(q.name)]
    smallest = min(found, key=lambda q: abs(float(q.value)), default=None)
    if smallest is None:
        return {"floor": rules.derivative_floor, "smallest": None}
    value = abs(float(smallest.value))
    if value < rules.derivative_floor:
        why = f"{smallest.name} = {value:.4f} is below {rules.derivative_floor}"
        raise Rejected("saturation", why)
    shown = {"quantity": smallest.name, "value": format_number(value, rules.decimals)}
    return {"floor": rules.derivative_floor, "smallest": shown}


def _not_zero(d: Derivation, asked: list[str], rules: NiceRules) -> dict[str, Any]:
    zero, sizes = [], []
    for name in asked:
        value = d[name].value
        if value == 0:
            zero.append(name)
            continue
        size = abs(round_half_away(value, rules.decimals))
        if size < rules.smallest:
            raise Rejected("not_zero", f"{name} = {value:.3g} is below {rules.smallest}")
        sizes.append((size, name))
    size, name = min(sizes, default=(Decimal(0), ""))
    smallest = {"quantity": name, "value": str(size)} if name else None
    return {"at_least": str(rules.smallest), "smallest": smallest, "exactly_zero": zero}


def _mistakes(checker: Checker, asked: list[str], rules: NiceRules) -> dict[str, Any]:
    precision, compared, unchanged = rules.decimals, 0, 0
    nearest: tuple[Decimal, str, str] | None = None
    for name in asked:
        right = checker.expected.reference(precision, name).values
        for c, values in checker.expected.numeric_candidates(precision, name):
            if c.mistake in EXCUSED:
                continue
            if abs(values[0] - right[0]) <= UNCHANGED * max(Decimal(1), abs(right[0])):
                unchanged += 1
                continue
            compared += 1
            for value in values:
                written = round_half_away(value, precision)
                if checker.agrees(written, precision, right):
                    why = f"{c.mistake} gives {written} for {name}, which is graded right"
                    raise Rejected("mistakes", why)
                gap = min(abs(written - r) for r in right)
                if nearest is None or gap < nearest[0]:
                    nearest = (gap, name, c.mistake)
    closest = None
    if nearest is not None:
        by = format_number(nearest[0], precision)
        closest = {"quantity": nearest[1], "mistake": nearest[2], "by": by}
    return {"compared": compared, "unchanged": unchanged, "nearest": closest}
