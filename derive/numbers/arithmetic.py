"""Evaluating a formula over the values of named quantities, in one of four arithmetics.

``exact``    floats (full precision; only the display is rounded)
``precise``  ``exact`` at N significant digits (``--precision N``): Decimal, see precise.py
``rounded``  hand calculation: Decimal arithmetic, every named quantity rounded to N decimals and
             that rounded value used by every later step, as a person with a calculator does
             (hand.py)
symbolic     SymPy expressions, when the network keeps free symbols

Each is a class, chosen by ``arithmetic_for``; the walker they share is in walker.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import sympy as sp
from sympy.core.evalf import PrecisionExhausted

from ..errors import OptionError
from .hand import DecimalArithmetic
from .precise import MAX_PRECISION, PreciseArithmetic
from .walker import (
    Arithmetic,
    ArithmeticName,
    Carry,
    EvaluationError,
    Exact,
    Value,
    Walker,
    fold_sum,
)

__all__ = [
    "Arithmetic",
    "ArithmeticName",
    "Carry",
    "DecimalArithmetic",
    "EvaluationError",
    "Exact",
    "FloatArithmetic",
    "PreciseArithmetic",
    "Value",
    "arithmetic_for",
    "cancels",
]

WIDE_DIGITS = 30  # significant digits of the overflow-free second evaluation
MAX_DIGITS = 5000  # working precision evalf may go up to (1 − σ(z) at z = 800 needs 350)
FLOAT_SPAN = 700  # digits between the largest float and the smallest, with a margin
CANCELLED = 1e-6  # a sum this much smaller than its largest term has lost 10 of 16 digits


def cancels(total: float, parts: Sequence[float]) -> bool:
    """Whether a float sum lost most of its digits: far smaller than its largest term."""
    return abs(total) < CANCELLED * max(map(abs, parts))


class FloatArithmetic(Walker):
    """float64. With ``wide`` (the derivation's formulas, which are small), a step that
    overflows, or whose sum cancels most of its digits, is evaluated again by SymPy at the
    precision its value needs: over the file's own numbers where ``compose`` writes the formula
    out (set by the builder), else over the float inputs without an exponent limit. Never for
    untrusted text, whose nested exponentials (exp(exp(exp(9)))) would have no end."""

    name: ArithmeticName = "exact"

    def __init__(
        self, *, wide: bool = False, compose: Callable[[sp.Expr], sp.Expr] | None = None
    ) -> None:
        self.wide, self.compose, self.lost = wide, compose, False

    def given(self, value: float | sp.Expr) -> Value:
        return float(value)

    def evaluate(self, expr: sp.Expr, env: Mapping[str, Value]) -> Value:
        self.lost = False
        try:
            value = super().evaluate(expr, env)
        except EvaluationError:
            if not (self.wide and self.lost):  # log(1 − O) with O rounded to 1.0
                raise
            return self._wide(expr, env)
        if self.wide and isinstance(value, float) and (self.lost or not math.isfinite(value)):
            return self._wide(expr, env, walked=value if math.isfinite(value) else None)
        return value

    def _eval_Add(self, expr: sp.Add, env: Mapping[str, Value]) -> Value:
        args = [self._eval(a, env) for a in expr.args]
        total = fold_sum(args)
        if self.wide and cancels(total, args):
            self.lost = True
        return total

    def _wide(self, expr: sp.Expr, env: Mapping[str, Value], walked: float | None = None) -> float:
        """``expr`` by evalf at the digits it needs; where evalf cannot tell it from 0 (a sum
        that is exactly 0: Σ_j ∂C/∂z_j of softmax, a shared bias's gradient), the float sum
        that cancelled stands."""
        exact = None
        if self.compose is not None:
            try:
                exact = self.compose(expr)
            except (RecursionError, KeyError):
                exact = None
        if exact is None:
            exact = expr.xreplace(
                {s: sp.Float(env[s.name], WIDE_DIGITS) for s in expr.free_symbols}
            )
        # Where the float sum stands as the fallback, no float can need more than FLOAT_SPAN
        # digits (terms up to 1e308, a result down to 1e-324): past that the sum is 0 as far
        # as floats go (Σ_j ∂C/∂z_j of softmax is exactly 0), and evalf's climb to MAX_DIGITS
        # took seconds a step.
        most = FLOAT_SPAN if walked is not None else MAX_DIGITS
        try:  # strict: evalf raises rather than return digits it could not get right
            wide = exact.evalf(WIDE_DIGITS, maxn=most, strict=True)
        except PrecisionExhausted:
            if walked is not None:
                return walked
            raise EvaluationError(f"{expr} needs more than {MAX_DIGITS} digits here") from None
        if not (wide.is_number and wide.is_extended_real and wide.is_finite):
            raise EvaluationError(f"{expr} has no finite real value here ({wide})")
        value = float(wide)
        if not math.isfinite(value):
            raise EvaluationError(f"{expr} = {sp.N(wide, 4)!s}, past the float range (±1.8e308)")
        return value

    def one(self) -> Value:
        return 1.0

    def _eval_Number(self, expr: sp.Number, env: Mapping[str, Value]) -> Value:
        return float(expr)

    def _eval_Pow(self, expr: sp.Pow, env: Mapping[str, Value]) -> Value:
        base, power = self._eval(expr.base, env), self._eval(expr.exp, env)
        if base == 0 and power < 0:
            self.lost = True  # y1/O1 with O1 = e^(−1600) rounded to 0.0: as log above
        if base < 0 and not float(power).is_integer():
            raise ValueError("a fractional power of a negative number")
        return float(base**power)

    def _eval_exp(self, expr: sp.Basic, env: Mapping[str, Value]) -> Value:
        x = self._eval(expr.args[0], env)
        return math.inf if x > 709.0 else math.exp(x)  # σ(-1000) is 1/(1 + inf) = 0, not an error

    def _eval_log(self, expr: sp.Basic, env: Mapping[str, Value]) -> Value:
        x = self._eval(expr.args[0], env)
        if x <= 0:
            # log(O1) with O1 = e^(−1600) under 0·: the wide evaluation over the file's numbers
            # drops the 0·log term, or finds the true value (or that there is none)
            self.lost = True
            raise ValueError(f"log of {x}")
        return math.log(x)

    def _eval_tanh(self, expr: sp.Basic, env: Mapping[str, Value]) -> Value:
        return math.tanh(self._eval(expr.args[0], env))


def arithmetic_for(
    carry: Carry,
    decimals: int,
    *,
    symbolic: bool,
    precision: int | None = None,
    exact: Exact | None = None,
) -> Arithmetic:
    """The arithmetic for a derivation; ``exact`` (the builder's composer) lets a numeric one
    write a step out over the file's numbers where its own digits do not suffice."""
    if precision is not None and not 1 <= precision <= MAX_PRECISION:
        raise OptionError("precision", f"must be between 1 and {MAX_PRECISION}, not {precision}")
    if precision is not None and carry == "rounded":
        raise OptionError("precision", "goes with exact arithmetic; hand rounding carries decimals")
    if symbolic:
        return Arithmetic()
    if carry == "rounded":
        return DecimalArithmetic(decimals, exact=exact)
    if precision is not None:
        return PreciseArithmetic(precision, compose=exact)
    return FloatArithmetic(wide=True, compose=exact)
