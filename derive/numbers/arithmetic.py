"""Evaluating a formula over the values of named quantities, in one of three arithmetics.

``exact``    floats (full precision; only the display is rounded)
``rounded``  hand calculation: Decimal arithmetic, every named quantity rounded to N decimals and
             that rounded value used by every later step, as a person with a calculator does
symbolic     SymPy expressions, when the network keeps free symbols

The float and Decimal evaluators walk the SymPy tree and dispatch on node type, in the style of
SymPy's printers (``_eval_Add``, ``_eval_Pow``, ...): no lambdify, no per-formula compilation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext
from typing import Any, Literal

import sympy as sp
from sympy.core.evalf import PrecisionExhausted

from ..errors import DeriveError
from .rounding import PRECISION, round_half_away, to_decimal

Value = Any  # float | Decimal | sympy.Expr: the one alias every stage uses for a value
Carry = Literal["exact", "rounded"]  # full precision, or hand rounding carried to later steps
ArithmeticName = Literal["exact", "rounded", "symbolic"]


WIDE_DIGITS = 30  # significant digits of the overflow-free second evaluation
MAX_DIGITS = 5000  # working precision evalf may go up to (1 − σ(z) at z = 800 needs 350)
CANCELLED = 1e-6  # a sum this much smaller than its largest term has lost 10 of 16 digits


class EvaluationError(DeriveError):
    """A formula has no real value for these numbers (log of 0, overflow, ...)."""


class Arithmetic:
    """Evaluates formulas; ``finish`` applies the carry policy to a named quantity's value."""

    name: ArithmeticName = "symbolic"
    numeric = False

    def given(self, value: float | sp.Expr) -> Value:
        return sp.Float(value) if isinstance(value, float) else value

    def evaluate(self, expr: sp.Expr, env: Mapping[str, Value]) -> Value:
        mapping = {s: env[s.name] for s in expr.free_symbols if s.name in env}
        return expr.xreplace(mapping)

    def finish(self, value: Value) -> Value:
        # 2·a(L)·(1 - a(L))·(a(L) - y), not ...·(2·a(L) - 2·y); never expands or factors polys
        return sp.factor_terms(value) if isinstance(value, sp.Expr) else value


class _Walker(Arithmetic):
    numeric = True

    def evaluate(self, expr: sp.Expr, env: Mapping[str, Value]) -> Value:
        try:
            return self._eval(expr, env)
        except (ZeroDivisionError, DivisionByZero):
            raise EvaluationError(f"division by zero in {expr}") from None
        except (OverflowError, Overflow):
            raise EvaluationError(f"overflow in {expr}") from None
        except (ValueError, InvalidOperation) as exc:
            raise EvaluationError(f"{expr} has no real value here ({exc})") from None

    def _eval(self, expr: sp.Basic, env: Mapping[str, Value]) -> Value:
        method = _method(type(self), type(expr))
        if method is None:
            raise EvaluationError(f"cannot evaluate {type(expr).__name__} in {expr}")
        return method(self, expr, env)

    def _eval_Symbol(self, expr: sp.Symbol, env: Mapping[str, Value]) -> Value:
        if expr.name not in env:
            raise EvaluationError(f"no value for {expr.name}")
        return env[expr.name]

    def _eval_Add(self, expr: sp.Add, env: Mapping[str, Value]) -> Value:
        args = [self._eval(a, env) for a in expr.args]
        total = args[0]
        for a in args[1:]:
            total = total + a
        return total

    def _eval_Mul(self, expr: sp.Mul, env: Mapping[str, Value]) -> Value:
        product = self.one()
        for a in expr.args:
            product = product * self._eval(a, env)
        return product

    def _eval_Piecewise(self, expr: sp.Piecewise, env: Mapping[str, Value]) -> Value:
        for value, condition in expr.args:
            if self._truth(condition, env):
                return self._eval(value, env)
        raise EvaluationError(f"no branch of {expr} applies")

    def _truth(self, condition: sp.Basic, env: Mapping[str, Value]) -> bool:
        if condition is sp.true:
            return True
        compare: dict[str, Callable[[Value, Value], bool]] = {
            ">": lambda a, b: bool(a > b),
            ">=": lambda a, b: bool(a >= b),
            "<": lambda a, b: bool(a < b),
            "<=": lambda a, b: bool(a <= b),
        }
        op = compare[condition.rel_op]
        return op(self._eval(condition.lhs, env), self._eval(condition.rhs, env))

    def one(self) -> Value:
        raise NotImplementedError


class FloatArithmetic(_Walker):
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
            return self._wide(expr, env)
        return value

    def _eval_Add(self, expr: sp.Add, env: Mapping[str, Value]) -> Value:
        args = [self._eval(a, env) for a in expr.args]
        total = args[0]
        for a in args[1:]:
            total = total + a
        if self.wide and abs(total) < CANCELLED * max(abs(a) for a in args):
            self.lost = True
        return total

    def _wide(self, expr: sp.Expr, env: Mapping[str, Value]) -> float:
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
        try:  # strict: evalf raises rather than return digits it could not get right
            wide = exact.evalf(WIDE_DIGITS, maxn=MAX_DIGITS, strict=True)
        except PrecisionExhausted:
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
        if base < 0 and not float(power).is_integer():
            raise ValueError("a fractional power of a negative number")
        return float(base**power)

    def _eval_exp(self, expr: sp.Basic, env: Mapping[str, Value]) -> Value:
        x = self._eval(expr.args[0], env)
        return math.inf if x > 709.0 else math.exp(x)  # σ(-1000) is 1/(1 + inf) = 0, not an error

    def _eval_log(self, expr: sp.Basic, env: Mapping[str, Value]) -> Value:
        x = self._eval(expr.args[0], env)
        if x <= 0:
            raise ValueError(f"log of {x}")
        return math.log(x)

    def _eval_tanh(self, expr: sp.Basic, env: Mapping[str, Value]) -> Value:
        return math.tanh(self._eval(expr.args[0], env))


class DecimalArithmetic(_Walker):
    """Hand calculation at ``decimals`` places (see module docstring)."""

    name: ArithmeticName = "rounded"

    def __init__(self, decimals: int) -> None:
        self.decimals = decimals

    def given(self, value: float | sp.Expr) -> Value:
        return to_decimal(float(value))

    def evaluate(self, expr: sp.Expr, env: Mapping[str, Value]) -> Value:
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return super().evaluate(expr, env)

    def finish(self, value: Value) -> Value:
        return round_half_away(value, self.decimals)

    def one(self) -> Value:
        return Decimal(1)

    def _eval_Number(self, expr: sp.Number, env: Mapping[str, Value]) -> Value:
        if isinstance(expr, sp.Rational):
            return Decimal(int(expr.p)) / Decimal(int(expr.q))
        return to_decimal(float(expr))

    def _eval_Pow(self, expr: sp.Pow, env: Mapping[str, Value]) -> Value:
        base, power = self._eval(expr.base, env), self._eval(expr.exp, env)
        if power == power.to_integral_value():
            return base ** int(power)
        if base < 0:
            raise ValueError("a fractional power of a negative number")
        return base**power

    def _eval_exp(self, expr: sp.Basic, env: Mapping[str, Value]) -> Value:
        return self._eval(expr.args[0], env).exp()

    def _eval_log(self, expr: sp.Basic, env: Mapping[str, Value]) -> Value:
        x = self._eval(expr.args[0], env)
        if x <= 0:
            raise ValueError(f"log of {x}")
        return x.ln()

    def _eval_tanh(self, expr: sp.Basic, env: Mapping[str, Value]) -> Value:
        e2 = (2 * self._eval(expr.args[0], env)).exp()
        return (e2 - 1) / (e2 + 1)


_METHODS: dict[tuple[type, type], Callable[..., Value] | None] = {}


def _method(walker: type[_Walker], node: type) -> Callable[..., Value] | None:
    """The ``_eval_<Class>`` for a node type, looked up along its MRO once per type (speed)."""
    key = (walker, node)
    if key not in _METHODS:
        found = (getattr(walker, f"_eval_{cls.__name__}", None) for cls in node.__mro__)
        _METHODS[key] = next((m for m in found if m is not None), None)
    return _METHODS[key]


def arithmetic_for(carry: Carry, decimals: int, *, symbolic: bool) -> Arithmetic:
    if symbolic:
        return Arithmetic()
    return DecimalArithmetic(decimals) if carry == "rounded" else FloatArithmetic(wide=True)
