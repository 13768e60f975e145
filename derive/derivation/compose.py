"""A quantity's formula written out over the file's own numbers, for the rare step that float64
cannot evaluate faithfully: 1 − σ(30) loses 13 of its 16 digits, 1 − σ(37) all of them. SymPy's
evalf then raises its working precision until the digits asked for are right, so the textbook
formula C = −log(1 − O0) gives 30.0000, not 30.0010."""

from __future__ import annotations

import math
from collections.abc import Mapping

import sympy as sp

from ..numbers.written import exact_rational
from .quantity import GIVEN, Quantity, S


class Composer:
    """Collects each quantity's formula (over names) and each given number, as the builder
    defines them; calling it on a formula substitutes them all the way down. A lazy step's
    formula is read from its quantity (``quantities``, the builder's), built only if reached."""

    def __init__(self, quantities: Mapping[str, Quantity]) -> None:
        self.quantities = quantities
        self.formulas: dict[str, sp.Expr] = {}
        self.numbers: dict[str, float] = {}
        self.memo: dict[str, sp.Expr] = {}

    def given(self, name: str, number: float) -> None:
        self.numbers[name] = number  # made exact on first use: most are never needed

    def computed(self, name: str) -> bool:
        """Whether ``name`` is a quantity the derivation computes (else the file gives it)."""
        if name in self.formulas:
            return True
        q = self.quantities.get(name)
        return q is not None and q.section != GIVEN

    def defined(self, name: str, formula: sp.Expr, aliases: tuple[str, ...] = ()) -> None:
        self.formulas[name] = formula
        self.formulas.update(dict.fromkeys(aliases, S(name)))

    def aliased(self, name: str, aliases: tuple[str, ...]) -> None:
        """Other names for a lazy step, whose formula is read from its quantity."""
        self.formulas.update(dict.fromkeys(aliases, S(name)))

    def __call__(self, expr: sp.Expr) -> sp.Expr:
        return expr.xreplace({s: self._of(s.name) for s in expr.free_symbols})

    def _of(self, name: str) -> sp.Expr:
        if name in self.memo:
            return self.memo[name]
        if name in self.numbers:
            # the decimal the file wrote (0.15 is 3/20), not its nearest binary float
            number = self.numbers[name]
            exact = exact_rational(number) if math.isfinite(number) else sp.nan
        elif name in self.formulas:
            exact = self(self.formulas[name])
        else:
            formula = self.quantities[name].formula
            assert formula is not None  # a computed quantity has one
            exact = self(formula)
        self.memo[name] = exact
        return exact
