"""A quantity's formula written out over the file's own numbers, for the rare step that float64
cannot evaluate faithfully: 1 − σ(30) loses 13 of its 16 digits, 1 − σ(37) all of them. SymPy's
evalf then raises its working precision until the digits asked for are right, so the textbook
formula C = −log(1 − O0) gives 30.0000, not 30.0010."""

from __future__ import annotations

import math
from collections.abc import Callable

import sympy as sp

from ..numbers.written import exact_rational
from .quantity import Formulas, S


class Composer:
    """Collects each quantity's formula (over names) and each given number, as the builder
    defines them; calling it on a formula substitutes them all the way down."""

    def __init__(self) -> None:
        self.formulas: dict[str, sp.Expr] = {}
        self.deferred_formulas: dict[str, Callable[[], Formulas]] = {}
        self.numbers: dict[str, float] = {}
        self.memo: dict[str, sp.Expr] = {}

    def given(self, name: str, number: float) -> None:
        self.numbers[name] = number  # made exact on first use: most are never needed

    def computed(self, name: str) -> bool:
        """Whether ``name`` is a quantity the derivation computes (else the file gives it)."""
        return name in self.formulas or name in self.deferred_formulas

    def defined(self, name: str, formula: sp.Expr, aliases: tuple[str, ...] = ()) -> None:
        self.formulas[name] = formula
        self.formulas.update(dict.fromkeys(aliases, S(name)))

    def deferred(self, name: str, make: Callable[[], Formulas]) -> None:
        """A formula built only if some step's faithful re-evaluation reaches it."""
        self.deferred_formulas[name] = make

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
            exact = self(self.deferred_formulas[name]()[0])
        self.memo[name] = exact
        return exact
