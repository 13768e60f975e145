"""What every arithmetic shares: the protocol, and the walker over SymPy trees.

The evaluators walk the SymPy tree and dispatch on node type, in the style of SymPy's printers
(``_eval_Add``, ``_eval_Pow``, ...): no lambdify. The one exception is a template that every
neuron shares (σ, σ', a cost's derivative), whose float walk compiled.py keeps as closures that
do the same operations. ``DecimalWalker`` holds the Decimal operations that hand rounding
(hand.py) and ``--precision`` (precise.py) share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, DivisionByZero, InvalidOperation, Overflow
from typing import Any, Literal, Protocol

import sympy as sp

from ..errors import DeriveError
from .rounding import to_decimal
from .written import exact_decimal

Value = Any  # float | Decimal | sympy.Expr: the one alias every stage uses for a value
Carry = Literal["exact", "rounded"]  # full precision, or hand rounding carried to later steps
ArithmeticName = Literal["exact", "rounded", "symbolic", "precise"]


def fold_sum(values: Sequence[Value]) -> Value:
    """A sum as the walkers add it, from the left (the lazy steps' kernels add the same way)."""
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def fold_product(one: Value, values: Iterable[Value]) -> Value:
    """A product as the walkers multiply it: ``one``, times each value from the left."""
    out = one
    for v in values:
        out = out * v
    return out


class EvaluationError(DeriveError):
    """A formula has no real value for these numbers (log of 0, overflow, ...)."""


class Exact(Protocol):
    """The builder's formulas written out over the file's own numbers (derivation/compose.py)."""

    def __call__(self, expr: sp.Expr) -> sp.Expr: ...

    def computed(self, name: str) -> bool:
        """Whether ``name`` is a computed quantity (not a number the file gives)."""
        ...


class Arithmetic:
    """Evaluates formulas; ``finish`` applies the carry policy to a named quantity's value."""

    name: ArithmeticName = "symbolic"
    numeric = False

    def given(self, value: float | sp.Expr) -> Value:
        return sp.Float(value) if isinstance(value, float) else value

    def evaluate(self, expr: sp.Expr, env: Mapping[str, Value]) -> Value:
        # a value may be one still to work out (derivation/quantity.py's Pending)
        mapping = {s: _worked_out(env[s.name]) for s in expr.free_symbols if s.name in env}
        return expr.xreplace(mapping)

    def finish(self, value: Value) -> Value:
        # 2·a(L)·(1 - a(L))·(a(L) - y), not ...·(2·a(L) - 2·y); never expands or factors polys
        if not isinstance(value, sp.Expr):
            return value
        if "_factored" not in self.__dict__:  # one table a derivation: values share their parts
            from .factored import Factored

            self._factored = Factored()
        return self._factored(value)

    def note(self) -> str | None:
        """What the last evaluation did that a reader should be told (hand.py's carried digits)."""
        return None


def _worked_out(value: Value) -> Value:
    resolve = getattr(value, "resolve", None)
    return resolve() if resolve is not None else value


class Walker(Arithmetic):
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
        return fold_sum([self._eval(a, env) for a in expr.args])

    def _eval_Mul(self, expr: sp.Mul, env: Mapping[str, Value]) -> Value:
        return fold_product(self.one(), [self._eval(a, env) for a in expr.args])

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


class DecimalWalker(Walker):
    """Decimal arithmetic at the context's precision (set by the subclass's ``evaluate``)."""

    def given(self, value: float | sp.Expr) -> Value:
        # the decimal the file wrote (a 20-digit weight keeps its 20 digits)
        return exact_decimal(value) if isinstance(value, float | int) else to_decimal(float(value))

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


def _method(walker: type[Walker], node: type) -> Callable[..., Value] | None:
    """The ``_eval_<Class>`` for a node type, looked up along its MRO once per type (speed)."""
    key = (walker, node)
    if key not in _METHODS:
        found = (getattr(walker, f"_eval_{cls.__name__}", None) for cls in node.__mro__)
        _METHODS[key] = next((m for m in found if m is not None), None)
    return _METHODS[key]
