"""The arithmetic a lazy step's kernel runs in (lazy.py): float64, or hand rounding.

Each does what its walker does to a formula of products and sums (numbers/walker.py,
numbers/arithmetic.py, numbers/hand.py), operation for operation: a product starts from one
and multiplies from the left, a sum adds from the left, a rational is the walker's number. A
kernel gives up (``Declined``) wherever the walker would do more than
that: a float sum that overflows or cancels most of its digits (evaluated again at more digits),
or a hand-rounded value that is carried at more decimals (whose step says so in a note).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from decimal import Decimal, localcontext

from ..numbers.arithmetic import Arithmetic, DecimalArithmetic, FloatArithmetic, Value, cancels
from ..numbers.rounding import PRECISION, round_half_away
from ..numbers.walker import fold_product, fold_sum


class Declined(Exception):
    """The step needs its formula: the builder defines it in full."""


class FloatOps:
    """float64, as FloatArithmetic(wide=True) evaluates."""

    def context(self) -> AbstractContextManager[None]:
        return nullcontext()

    def get(self, env: Mapping[str, Value], name: str) -> Value:
        return env[name]

    def one(self) -> Value:
        return 1.0

    def number(self, p: int, q: int) -> Value:
        return p / q  # float(Rational(p, q)): both correctly rounded

    def total(self, values: Sequence[Value]) -> Value:
        total = fold_sum(values)
        if not math.isfinite(total) or cancels(total, values):
            raise Declined  # evaluated again at the digits it needs
        return total

    def done(self, value: Value) -> Value:
        if not math.isfinite(value):
            raise Declined
        return value


class HandOps:
    """Hand rounding, as DecimalArithmetic evaluates and then rounds a named value."""

    def __init__(self, arith: DecimalArithmetic) -> None:
        self.arith = arith

    @contextmanager
    def context(self) -> Iterator[None]:
        with localcontext() as ctx:
            ctx.prec = PRECISION
            yield

    def get(self, env: Mapping[str, Value], name: str) -> Value:
        if name in self.arith.carried:  # its step's value and note depend on the carrying
            raise Declined
        return env[name]

    def one(self) -> Value:
        return Decimal(1)

    def number(self, p: int, q: int) -> Value:
        return Decimal(p) / Decimal(q)

    def total(self, values: Sequence[Value]) -> Value:
        return fold_sum(values)

    def done(self, value: Value) -> Value:
        return round_half_away(value, self.arith.decimals)


Ops = FloatOps | HandOps
FLOAT = FloatOps()
# a lazy step's value from earlier values, in the given arithmetic (or Declined)
Kernel = Callable[[Mapping[str, Value], Ops], Value]


def product(ops: Ops, values: Sequence[Value]) -> Value:
    """The walker's product: one, times each value from the left."""
    return fold_product(ops.one(), values)


def ops_for(arith: Arithmetic, exact: Arithmetic | None) -> Ops | None:
    """The kernels' arithmetic for a derivation's, or None where every step needs its formula
    (``--precision``, symbols, and values from ``values:`` beside symbols)."""
    if type(arith) is FloatArithmetic and exact is None:
        return FLOAT
    if type(arith) is DecimalArithmetic and type(exact) is FloatArithmetic:
        return HandOps(arith)
    return None


class Fetch:
    """The values of a long-lived sequence of names (a layer's inputs, a neuron's weights), looked
    up once per value table: each of a layer's 16 neurons reads the same 784 inputs."""

    def __init__(self) -> None:
        # keyed by identity; each entry keeps its table and sequence alive: no id is reused
        self._memo: dict[tuple[int, int], tuple[object, list[float], float]] = {}

    def __call__(self, env: Mapping[str, Value], names: Sequence[str]) -> list[float]:
        return self._fetch(env, names)[1]

    def clear(self) -> None:
        self._memo.clear()

    def bound(self, env: Mapping[str, Value], names: Sequence[str]) -> float:
        """The largest |value|, or ∞ where one is not finite: a product with a value bounds
        every product with the others, so most sums need no term-by-term look."""
        return self._fetch(env, names)[2]

    def _fetch(
        self, env: Mapping[str, Value], names: Sequence[str]
    ) -> tuple[object, list[float], float]:
        key = (id(env), id(names))
        got = self._memo.get(key)
        if got is None:
            values = [env[n] for n in names]
            finite = math.isfinite(sum(values))  # a nan or an infinity makes the sum one
            largest = max(map(abs, values), default=0.0) if finite else math.inf
            got = self._memo[key] = ((env, names), values, largest)
        return got
