"""FloatArithmetic's walk of one formula, done once and kept as Python closures.

The builder evaluates the same few templates (σ, σ', a cost's derivative: derivation/
templates.py) for every neuron of every example; walking the SymPy tree each time cost more than
the arithmetic. ``compile_float`` turns a template into closures that do what the walker
(walker.py, arithmetic.py) does at each node, in the same order: a product starts from 1.0 and
multiplies from the left, a sum adds from the left, e^x is ∞ past x = 709. Wherever the walker
would evaluate again at more digits (a sum that cancels, 0 to a negative power, the log of 0) or
raise, the closures raise ``Unfaithful`` and the caller evaluates the formula itself. Nodes of
other types (Piecewise, ...) are not compiled: ``compile_float`` returns None.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import sympy as sp

from .arithmetic import cancels
from .walker import fold_sum

Run = Callable[[Sequence[float]], float]  # the formula's value from its symbols' values


class Unfaithful(Exception):
    """The walker would not give this value as float64 alone: evaluate the formula."""


class _NotCompiled(Exception):
    pass


def compile_float(expr: sp.Basic, symbols: Sequence[sp.Symbol]) -> Run | None:
    """``expr``'s float value from the values of ``symbols`` (in that order), or None."""
    where = {s: i for i, s in enumerate(symbols)}
    try:
        run = _compile(expr, where)
    except _NotCompiled:
        return None

    def checked(values: Sequence[float]) -> float:
        try:
            value = run(values)
        except (ArithmeticError, ValueError):
            raise Unfaithful from None
        if not math.isfinite(value):
            raise Unfaithful
        return value

    return checked


def _compile(expr: sp.Basic, where: dict[sp.Symbol, int]) -> Run:
    for cls in type(expr).__mro__:
        make = _MAKERS.get(cls)
        if make is not None:
            return make(expr, where)
    raise _NotCompiled


def _symbol(expr: sp.Basic, where: dict[sp.Symbol, int]) -> Run:
    if expr not in where:
        raise _NotCompiled
    i = where[expr]
    return lambda v: v[i]


def _number(expr: sp.Basic, where: dict[sp.Symbol, int]) -> Run:
    c = float(expr)
    return lambda v: c


def _add(expr: sp.Basic, where: dict[sp.Symbol, int]) -> Run:
    parts = [_compile(a, where) for a in expr.args]

    def add(v: Sequence[float]) -> float:
        values = [p(v) for p in parts]
        total = fold_sum(values)
        if cancels(total, values):
            raise Unfaithful  # the walker evaluates again at more digits
        return float(total)

    return add


def _mul(expr: sp.Basic, where: dict[sp.Symbol, int]) -> Run:
    parts = [_compile(a, where) for a in expr.args]

    def mul(v: Sequence[float]) -> float:
        out = 1.0
        for p in parts:
            out = out * p(v)
        return out

    return mul


def _pow(expr: sp.Basic, where: dict[sp.Symbol, int]) -> Run:
    base_of, power_of = _compile(expr.args[0], where), _compile(expr.args[1], where)

    def power(v: Sequence[float]) -> float:
        base, exponent = base_of(v), power_of(v)
        if base == 0 and exponent < 0:
            raise Unfaithful
        if base < 0 and not float(exponent).is_integer():
            raise Unfaithful
        return float(base**exponent)

    return power


def _exp(expr: sp.Basic, where: dict[sp.Symbol, int]) -> Run:
    arg = _compile(expr.args[0], where)

    def exp(v: Sequence[float]) -> float:
        x = arg(v)
        return math.inf if x > 709.0 else math.exp(x)

    return exp


def _log(expr: sp.Basic, where: dict[sp.Symbol, int]) -> Run:
    arg = _compile(expr.args[0], where)

    def log(v: Sequence[float]) -> float:
        x = arg(v)
        if x <= 0:
            raise Unfaithful
        return math.log(x)

    return log


def _tanh(expr: sp.Basic, where: dict[sp.Symbol, int]) -> Run:
    arg = _compile(expr.args[0], where)
    return lambda v: math.tanh(arg(v))


_MAKERS: dict[type, Callable[[sp.Basic, dict[sp.Symbol, int]], Run]] = {
    sp.Symbol: _symbol,
    sp.Number: _number,
    sp.Add: _add,
    sp.Mul: _mul,
    sp.Pow: _pow,
    sp.exp: _exp,
    sp.log: _log,
    sp.tanh: _tanh,
}
