"""Comparing a student's value with the derivation's: exact conversions between Decimal and SymPy,
and symbolic equivalence of two expressions (expansion, then seeded random points)."""

from __future__ import annotations

import math
import random
import time
from decimal import Decimal

import sympy as sp

from ..numbers.arithmetic import EvaluationError, FloatArithmetic, Value
from ..numbers.rounding import to_decimal
from .parse import Unreadable

TIME_LIMIT = 0.5  # seconds for one symbolic comparison, checked between stages


def exact_decimal(expr: sp.Basic) -> Decimal:
    """A constant SymPy expression as a Decimal: exactly for a rational, else through floats."""
    if expr.free_symbols:
        raise Unreadable("expected a number here, not an expression in symbols")
    if isinstance(expr, sp.Rational):
        return Decimal(int(expr.p)) / Decimal(int(expr.q))
    try:  # floats, not evalf: exp(exp(exp(9))) overflows at once instead of running away
        value = FloatArithmetic().evaluate(expr, {})
    except EvaluationError as exc:
        raise Unreadable(f"this expression has no real value ({exc})") from None
    if not math.isfinite(value):
        raise Unreadable("this expression has no finite value")
    return to_decimal(value)


def as_decimal(value: Value) -> Decimal:
    """A derivation's value (a float, a Decimal or a constant SymPy expression) as a Decimal."""
    return exact_decimal(value) if isinstance(value, sp.Basic) else to_decimal(value)


def as_sympy(value: Value) -> sp.Expr:
    """A value as a SymPy expression; a Decimal exactly, as a rational."""
    if isinstance(value, Decimal):
        numerator, denominator = value.as_integer_ratio()
        return sp.Rational(numerator, denominator)
    return value if isinstance(value, sp.Basic) else sp.Float(value)


def equivalent(a: sp.Expr, b: sp.Expr, *, points: int = 8) -> bool:
    """SymPy expansion of the difference, then evaluation at random points as the fallback.

    Inputs are bounded by the parser, so each stage is bounded; the random points stop at the
    time limit. Points are seeded: the same answers always get the same verdicts."""
    diff = sp.expand(a - b) if sp.count_ops(a - b) <= 400 else a - b
    if diff == 0:
        return True
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    rng, deadline, agreed = random.Random(6), time.monotonic() + TIME_LIMIT, 0
    walker = FloatArithmetic()
    for _ in range(points):
        if time.monotonic() > deadline:
            break
        env = {s.name: rng.uniform(0.1, 2.0) for s in symbols}
        try:
            left, right = walker.evaluate(a, env), walker.evaluate(b, env)
        except EvaluationError:
            continue
        if not (math.isfinite(left) and math.isfinite(right)):
            continue
        if abs(left - right) > 1e-9 * (1 + abs(left) + abs(right)):
            return False
        agreed += 1
    return agreed >= 3
