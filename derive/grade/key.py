"""What a right answer, and each common mistake, gives for a quantity at a precision.

The network is derived once, exactly; the hand calculation (``--carry rounded``) is derived once per
precision, and each quantity's reference values and mistake candidates are cached per precision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TypeVar

import sympy as sp

from ..derivation.build import derive
from ..derivation.quantity import GIVEN, Derivation
from ..numbers.arithmetic import (
    Arithmetic,
    DecimalArithmetic,
    EvaluationError,
    FloatArithmetic,
    Value,
)
from ..numbers.rounding import format_number
from ..spec.network import Network
from .equivalence import as_decimal
from .mistakes import candidates
from .recompute import Candidate, DependencyModel, Drift, Graph, World

K = TypeVar("K")
V = TypeVar("V")
KEPT = 64  # quantities whose mistake candidates are kept, per kind


@dataclass(frozen=True)
class Reference:
    values: tuple[Decimal, ...]  # exact, hand-rounded, hand with the last operation unrounded
    expected: str
    hand: str


class Expectations:
    """The exact derivation of one network, and its hand calculations and mistakes, cached."""

    def __init__(self, network: Network) -> None:
        self.network = network
        # with ∂C/∂x (explain --wrt-inputs): an answer may give an input's gradient too
        self.exact = derive(network, wrt_inputs=True)
        self._hand: dict[int, Derivation] = {}
        self._hand_values: dict[int, dict[str, Value]] = {}
        self._models: dict[int, DependencyModel] = {}
        self._partial: dict[int, PartialHand] = {}
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
        return _kept(
            self._numeric,
            key,
            make=lambda: [
                (c, tuple(as_decimal(v) for v in c.values))
                for c in self.candidates(*key)
                if not any(getattr(v, "free_symbols", None) for v in c.values)
            ],
        )

    def hand(self, decimals: int) -> Derivation:
        if decimals not in self._hand:
            self._hand[decimals] = derive(
                self.network, carry="rounded", decimals=decimals, wrt_inputs=True
            )
        return self._hand[decimals]

    def unrounded(self, decimals: int, name: str) -> Value:
        """The last operation of the hand calculation, before it is rounded."""
        key = (decimals, name)
        if key not in self._unrounded:
            q = self.hand(decimals)[name]
            if q.section == GIVEN or q.formula is None:
                self._unrounded[key] = q.value
            else:
                env = self.hand_values(decimals)
                self._unrounded[key] = DecimalArithmetic(decimals).evaluate(q.formula, env)
        return self._unrounded[key]

    def hand_values(self, decimals: int) -> dict[str, Value]:
        """What the hand calculation's later steps used: the rounded values, or those it
        carried at more decimals (where a rounded 1.0000 would divide by 0)."""
        if decimals not in self._hand_values:
            hand = self.hand(decimals)
            self._hand_values[decimals] = hand.values() | dict(hand.carried)
        return self._hand_values[decimals]

    def candidates(self, decimals: int, name: str) -> list[Candidate]:
        key = (decimals, self.exact.alias_of.get(name, name))
        return _kept(self._candidates, key, make=lambda: candidates(self.model(decimals), key[1]))

    def model(self, decimals: int) -> DependencyModel:
        if decimals not in self._models:
            worlds = [World(_arithmetic(self.exact), _env(self.exact))]
            if not self.exact.symbolic:
                worlds.append(World(DecimalArithmetic(decimals), self.hand_values(decimals)))
            self._models[decimals] = DependencyModel(
                self.graph, worlds, drift=self._drift_for(decimals)
            )
        return self._models[decimals]

    @cached_property
    def graph(self) -> Graph:
        return Graph(self.exact)

    def _drift_for(self, decimals: int) -> Drift:
        def drift(name: str) -> Iterator[tuple[int, tuple[Value, ...]]]:
            if self.exact.symbolic:
                return
            for coarser in range(decimals - 1, max(decimals - 3, 0), -1):
                if coarser not in self._partial:
                    self._partial[coarser] = PartialHand(self.graph, coarser)
                partial = self._partial[coarser]
                try:
                    values = (partial.value(name), partial.unrounded(name))
                except EvaluationError:
                    # rounding to fewer decimals made a divisor or a log's argument 0: a hand
                    # calculation there would carry digits (as explain does), not drift
                    return
                yield coarser, values

        return drift


class PartialHand:
    """The hand calculation at one precision, of only the quantities asked for and those they
    use: what rounding drift needs. A whole derivation of a 784-input network takes seconds and
    tens of MB; one gradient and what it uses, milliseconds."""

    def __init__(self, graph: Graph, decimals: int) -> None:
        self.graph, self.d = graph, graph.d
        self.arithmetic = DecimalArithmetic(decimals)
        self.env: dict[str, Value] = {}

    def value(self, name: str) -> Value:
        self._fill(name)
        return self.env[name]

    def unrounded(self, name: str) -> Value:
        """The last operation, before it is rounded."""
        q = self.d[name]
        if q.section == GIVEN or q.formula is None:
            return self.value(name)
        self._fill(name)
        return self.arithmetic.evaluate(q.formula, self.env)

    def _fill(self, name: str) -> None:
        """Evaluate, in derivation order, ``name`` and what it uses that is not known yet."""
        name = self.d.alias_of.get(name, name)
        missing, stack = {name} - self.env.keys(), [name]
        while stack:
            for ref in self.graph.refs[stack.pop()]:
                if ref not in self.env and ref not in missing:
                    missing.add(ref)
                    stack.append(ref)
        for n in sorted(missing, key=self.graph.order.__getitem__):
            q = self.d[n]
            if q.section == GIVEN or q.formula is None:  # given values as derive() reads them
                value = self.arithmetic.given(q.value)
            else:
                value = self.arithmetic.finish(self.arithmetic.evaluate(q.formula, self.env))
            self.env.update(dict.fromkeys((n, *q.aliases), value))


def _kept(cache: dict[K, V], key: K, *, make: Callable[[], V]) -> V:
    """``cache[key]``, made if missing; past KEPT entries the oldest goes (a weight gradient of a
    784-input network has 800 wrong-activation candidates, 1 MB with their values)."""
    if key not in cache:
        if len(cache) >= KEPT:
            del cache[next(iter(cache))]
        cache[key] = make()
    return cache[key]


def _env(d: Derivation) -> dict[str, Value]:
    """The values later formulas see: a symbolic forward value kept opaque stays its name."""
    return {
        name: sp.Symbol(name) if getattr(d[name], "opaque", False) else d[name].value
        for name in d.names()
    }


def _arithmetic(d: Derivation) -> Arithmetic:
    return Arithmetic() if d.symbolic else FloatArithmetic()
