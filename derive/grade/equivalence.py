"""Comparing a student's value with the derivation's: exact conversions between Decimal and SymPy,
and symbolic equivalence of two expressions (expansion when it is cheap, then seeded random
points), bounded in work and time."""

from __future__ import annotations

import itertools
import math
import random
import time
from decimal import Decimal

import sympy as sp

from ..numbers.arithmetic import DecimalArithmetic, EvaluationError, FloatArithmetic, Value
from ..numbers.rounding import to_decimal
from .parse import Unreadable

ANSWER_TIME = 1.0  # seconds for one answer: its comparison and the search for its mistake
EXPAND_WORK = 1000  # products an expansion may form (≈ 0.1 s of SymPy); beyond: numbers only
NODES = 400  # tree nodes past which expansion is not tried
MAX_POWER = 64  # the parser allows powers of powers up to 4 × 16
SATURATED = 10**9
AGREE = Decimal("1e-9")  # relative agreement at a random point


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


class TooCostly(Unreadable):
    """No verdict within the answer's time: the reason is shown as the answer's diagnosis."""


def equivalent(a: sp.Expr, b: sp.Expr, *, points: int = 8, deadline: float | None = None) -> bool:
    """Exactly, by SymPy expansion of the difference, when a bound on that expansion is small;
    else (or when it leaves floats or exp) at seeded random points: the same answers always get
    the same verdicts.

    Expansion is never started blind: ``(a+b+c+d+e+f+g+h)^16`` is 245,157 terms and a minute of
    SymPy, and nothing interrupts ``sp.expand``. Points are evaluated in 50-digit Decimals, so
    terms of 10^30 that cancel still leave 20 digits of a value near 1. ``deadline``
    (``time.monotonic()``; default ``ANSWER_TIME`` from now) passing before three points agree
    raises TooCostly."""
    if deadline is None:
        deadline = time.monotonic() + ANSWER_TIME
    diff = a - b
    if expansion_work(diff) <= EXPAND_WORK and sp.expand(diff) == 0:
        return True
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    rng, agreed, walker = random.Random(6), 0, DecimalArithmetic(0)
    for _ in range(points):
        if time.monotonic() > deadline:
            if agreed >= 3:
                break
            raise TooCostly(f"too costly to compare (no verdict within {ANSWER_TIME:g} s)")
        env = {s.name: to_decimal(rng.uniform(0.1, 2.0)) for s in symbols}
        try:
            left, right = walker.evaluate(a, env), walker.evaluate(b, env)
        except EvaluationError:
            continue
        if abs(left - right) > AGREE * (1 + abs(left) + abs(right)):
            return False
        agreed += 1
    return agreed >= 3


def expansion_work(expr: sp.Basic) -> int:
    """A bound, from the tree, on the products ``sp.expand(expr)`` forms (at most SATURATED);
    a tree of more than NODES nodes counts as too much."""
    if next(itertools.islice(sp.preorder_traversal(expr), NODES, None), None) is not None:
        return SATURATED
    return _expansion(expr)[0]


def _expansion(expr: sp.Basic) -> tuple[int, int]:
    """(work, terms): products formed, and terms of the expanded form."""
    if not expr.args:
        return 0, 1
    parts = [_expansion(arg) for arg in expr.args]
    work = sum(w for w, _ in parts)
    terms = 1  # a function or a root: expanded inside, one term outside
    if expr.is_Add:
        terms = sum(t for _, t in parts)
    elif expr.is_Mul:
        terms = math.prod(t for _, t in parts)
        work += terms
    elif expr.is_Pow and expr.exp.is_Rational and abs(expr.exp) >= 1:
        # multinomial on the whole part n of the power (x^(5/2) is x^2·√x): C(t + n - 1, n)
        # terms of a base of t terms, each coefficient made from t
        n, base = abs(int(expr.exp)), parts[0][1]
        count = math.comb(base + n - 1, n) if n <= MAX_POWER else SATURATED
        work += count * base
        terms = count if expr.exp > 0 else 1
    return min(work, SATURATED), min(terms, SATURATED)
