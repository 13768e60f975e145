"""A quantity's formula written out over the file's own numbers, for the rare step that float64
cannot evaluate faithfully: 1 − σ(30) loses 13 of its 16 digits, 1 − σ(37) all of them. SymPy's
evalf then raises its working precision until the digits asked for are right, so the textbook
formula C = −log(1 − O0) gives 30.0000, not 30.0010."""

from __future__ import annotations

import math

import sympy as sp

from ..numbers.written import exact_rational
from .quantity import S


class Composer:
    """Collects each quantity's formula (over names) and each given number, as the builder
    defines them; calling it on a formula substitutes them all the way down."""

    def __init__(self) -> None:
        self.formulas: dict[str, sp.Expr] = {}
        self.memo: dict[str, sp.Expr] = {}

    def given(self, name: str, number: float) -> None:
        # the decimal the file wrote (0.15 is 3/20), not its nearest binary float
        self.memo[name] = exact_rational(number) if math.isfinite(number) else sp.nan

    def computed(self, name: str) -> bool:
        """Whether ``name`` is a quantity the derivation computes (else the file gives it)."""
        return name in self.formulas

    def defined(self, name: str, formula: sp.Expr, aliases: tuple[str, ...] = ()) -> None:
        self.formulas[name] = formula
        self.formulas.update(dict.fromkeys(aliases, S(name)))

    def __call__(self, expr: sp.Expr) -> sp.Expr:
        return expr.xreplace({s: self._of(s.name) for s in expr.free_symbols})

    def _of(self, name: str) -> sp.Expr:
        if name not in self.memo:
            self.memo[name] = self(self.formulas[name])
        return self.memo[name]
