"""``--precision N``: exact arithmetic at N significant digits instead of float64's 16.

Values are Decimals: the file's numbers enter as the decimals it wrote (numbers/written.py), each
step is evaluated at N + ``GUARD`` digits and kept at N (half away from zero, rounding.py).
A step whose sum cancels more than the guard digits (1 − σ(40) at N = 30) is evaluated again by
SymPy's evalf over the file's own numbers, which raises its working precision until the N digits
asked for are right, as the float arithmetic does past float64.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, localcontext

import sympy as sp
from sympy.core.evalf import PrecisionExhausted

from .rounding import round_significant
from .walker import ArithmeticName, DecimalWalker, EvaluationError, Exact, Value

GUARD = 10  # digits beyond N that each step is worked at
MAX_PRECISION = 1000  # significant digits --precision may ask for
MAX_DIGITS = 20000  # working precision evalf may go up to for a cancelling step


class PreciseArithmetic(DecimalWalker):
    """Exact arithmetic at ``digits`` significant digits (see the module docstring)."""

    name: ArithmeticName = "precise"

    def __init__(self, digits: int, *, compose: Exact | None = None) -> None:
        self.digits, self.compose, self.lost = digits, compose, False

    def evaluate(self, expr: sp.Expr, env: Mapping[str, Value]) -> Value:
        self.lost = False
        with localcontext() as ctx:
            ctx.prec = self.digits + GUARD
            try:
                value = super().evaluate(expr, env)
            except EvaluationError:
                if not self.lost:  # log(1 − O) with O rounded to 1 at N + 10 digits
                    raise
                return self._wide(expr, None)
        return self._wide(expr, value) if self.lost else value

    def finish(self, value: Value) -> Value:
        return round_significant(value, self.digits)

    def _eval_Add(self, expr: sp.Add, env: Mapping[str, Value]) -> Value:
        args = [self._eval(a, env) for a in expr.args]
        total = sum(args[1:], args[0])
        largest = max(abs(a) for a in args)
        if largest and abs(total) < largest.scaleb(-GUARD):
            self.lost = True  # fewer than N digits of the sum are right
        return total

    def _wide(self, expr: sp.Expr, walked: Decimal | None) -> Decimal:
        """``expr`` by evalf; where evalf cannot tell it from 0, the walked value (0 to
        N + GUARD digits of its terms) stands."""
        if self.compose is None:
            raise EvaluationError(f"{expr} loses its digits to cancellation here")
        try:
            exact = self.compose(expr)
            wide = exact.evalf(self.digits + GUARD, strict=True, maxn=MAX_DIGITS)
        except (RecursionError, KeyError):
            raise EvaluationError(f"{expr} loses its digits to cancellation here") from None
        except PrecisionExhausted:
            if walked is not None:
                return walked
            raise EvaluationError(f"{expr} needs more than {MAX_DIGITS} digits here") from None
        if not (wide.is_number and wide.is_extended_real and wide.is_finite):
            raise EvaluationError(f"{expr} has no finite real value here ({wide})")
        return Decimal(str(wide))
