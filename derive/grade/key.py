"""What a right answer, and each common mistake, gives for a quantity at a precision.

The network is derived once, exactly; the hand calculation (``--carry rounded``) is derived once per
precision, and each quantity's reference values and mistake candidates are cached per precision.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import sympy as sp

from ..derivation.build import derive
from ..derivation.quantity import GIVEN, Derivation
from ..numbers.arithmetic import Arithmetic, DecimalArithmetic, FloatArithmetic, Value
from ..numbers.rounding import format_number
from ..spec.network import Network
from .equivalence import as_decimal
from .mistakes import Candidate, DependencyModel, Drift, World, candidates


@dataclass(frozen=True)
class Reference:
    values: tuple[Decimal, ...]  # exact, hand-rounded, hand with the last operation unrounded
    expected: str
    hand: str


class Expectations:
    """The exact derivation of one network, and its hand calculations and mistakes, cached."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.exact = derive(network)
        self._hand: dict[int, Derivation] = {}
        self._models: dict[int, DependencyModel] = {}
        self._candidates: dict[tuple[int, str], list[Candidate]] = {}
        self._unrounded: dict[tuple[int, str], Value] = {}
        self._references: dict[tuple[int, str], Reference] = {}
        self._numeric: dict[tuple[int, str], list[tuple[Candidate, tuple[Decimal, ...]]]] = {}

    def reference(self, precision: int, name: str) -> Reference:
        """The values a right answer may agree with, and how they are shown (cached)."""
        key = (precision, name)
        if key not in self._references:
            exact = self.exact[name].value
            if self.exact.symbolic:  # a constant in a symbolic derivation: no hand calculation
                ref = Reference(
                    (as_decimal(exact),), format_number(as_decimal(exact), precision), ""
                )
                self._references[key] = ref
                return ref
            hand = self.hand(precision)[name].value
            values = (exact, hand, self.unrounded(precision, name))
            self._references[key] = Reference(
                tuple(as_decimal(v) for v in values),
                format_number(exact, precision),
                format_number(hand, precision),
            )
        return self._references[key]

    def numeric_candidates(
        self, precision: int, name: str
    ) -> list[tuple[Candidate, tuple[Decimal, ...]]]:
        """The mistakes that give a number here, each with its values as Decimals (cached)."""
        key = (precision, self.exact.alias_of.get(name, name))
        if key not in self._numeric:
            self._numeric[key] = [
                (c, tuple(as_decimal(v) for v in c.values))
                for c in self.candidates(*key)
                if not any(getattr(v, "free_symbols", None) for v in c.values)
            ]
        return self._numeric[key]

    def hand(self, decimals: int) -> Derivation:
        if decimals not in self._hand:
            self._hand[decimals] = derive(self.network, carry="rounded", decimals=decimals)
        return self._hand[decimals]

    def unrounded(self, decimals: int, name: str) -> Value:
        """The last operation of the hand calculation, before it is rounded."""
        key = (decimals, name)
        if key not in self._unrounded:
            q = self.hand(decimals)[name]
            if q.section == GIVEN or q.formula is None:
                self._unrounded[key] = q.value
            else:
                env = self.model(decimals).worlds[-1].env
                self._unrounded[key] = DecimalArithmetic(decimals).evaluate(q.formula, env)
        return self._unrounded[key]

    def candidates(self, decimals: int, name: str) -> list[Candidate]:
        key = (decimals, self.exact.alias_of.get(name, name))
        if key not in self._candidates:
            self._candidates[key] = candidates(self.model(decimals), key[1])
        return self._candidates[key]

    def model(self, decimals: int) -> DependencyModel:
        if decimals not in self._models:
            worlds = [World(_arithmetic(self.exact), _env(self.exact))]
            if not self.exact.symbolic:
                hand = self.hand(decimals)
                worlds.append(World(DecimalArithmetic(decimals), hand.values()))
            self._models[decimals] = DependencyModel(
                self.exact, worlds, drift=self._drift_for(decimals)
            )
        return self._models[decimals]

    def _drift_for(self, decimals: int) -> Drift:
        def drift(name: str) -> Iterator[tuple[int, tuple[Value, ...]]]:
            if self.exact.symbolic:
                return
            for coarser in range(decimals - 1, max(decimals - 3, 0), -1):
                yield coarser, (self.hand(coarser)[name].value, self.unrounded(coarser, name))

        return drift


def _env(d: Derivation) -> dict[str, Value]:
    """The values later formulas see: a symbolic forward value kept opaque stays its name."""
    return {
        name: sp.Symbol(name) if getattr(d[name], "opaque", False) else d[name].value
        for name in d.names()
    }


def _arithmetic(d: Derivation) -> Arithmetic:
    return Arithmetic() if d.symbolic else FloatArithmetic()
