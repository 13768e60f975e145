"""Steps whose formulas are built only when something reads them, with their float64 values.

On the 784-16-16-10 network nearly every quantity is a weighted sum z, a weight's gradient
∂C/∂z · O, an update p − η·∂C/∂p or a mini-batch mean; outputs show a few dozen of them. Each
class here is both halves of such a step: calling it builds the SymPy formula and chain rule
(``Quantity.formula``, on first use), and ``kernel`` gives the value the walker
(numbers/walker.py) would give that formula, operation for operation, in the same order, so
the numbers are those of the formulas. A kernel returns None where the walker would look
again (an overflow, or a sum that cancels most of its digits); the builder then defines the
step in full. Kernels run only in plain float64 arithmetic (``Builder.fast``).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import sympy as sp

from ..numbers.arithmetic import CANCELLED, Arithmetic, FloatArithmetic, Value
from .names import ETA, gradient
from .quantity import Formulas, S, ordered_add, ordered_mul

Term = tuple[str, ...]  # a term of z by its factors' names: (w, O), or (b,) for a bias


def kernels_apply(arith: Arithmetic, exact: Arithmetic | None) -> bool:
    """Plain float64 with nothing beside it: the one arithmetic the kernels mirror."""
    return type(arith) is FloatArithmetic and exact is None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the quantities are made: it would otherwise scan the
    growing heap again and again (about half the time on the 784 network), finding nothing."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def term(factors: Term) -> sp.Expr:
    return ordered_mul(*(S(f) for f in factors))


def running_sum(values: Sequence[float]) -> float | None:
    """The walker's sum: from the left; None where it overflows or cancels."""
    total = values[0]
    for v in values[1:]:
        total = total + v
    if not math.isfinite(total) or abs(total) < CANCELLED * max(map(abs, values)):
        return None
    return float(total)


class WeightedSum:
    """z = w·O + … + b, as written: the products in the order of the inputs, then the bias."""

    __slots__ = ("terms",)

    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms

    def __call__(self) -> Formulas:
        return ordered_add(*(term(t) for t in self.terms)), None

    def kernel(self, env: Mapping[str, Value]) -> float | None:
        return running_sum([_product(env, t) for t in self.terms])


class PartialProduct:
    """∂C/∂w = ∂C/∂z · ∂z/∂w, where ∂z/∂w (by sympy.diff, ``local``) is the input O that w
    multiplies; the chain rule names it ∂z/∂w."""

    __slots__ = ("dz", "dz_dw", "local", "w", "wrt", "z")

    def __init__(
        self, dz: str, local: Callable[[str, str], sp.Expr], z: str, w: str, dz_dw: str, wrt: str
    ) -> None:
        self.dz, self.local, self.z, self.w, self.dz_dw, self.wrt = dz, local, z, w, dz_dw, wrt

    def __call__(self) -> Formulas:
        dz = S(self.dz)
        return ordered_mul(dz, self.local(self.z, self.w)), ordered_mul(dz, S(self.dz_dw))

    def kernel(self, env: Mapping[str, Value]) -> float | None:
        value = _product(env, (self.dz, self.wrt))
        return value if math.isfinite(value) else None


class Descent:
    """new_p = p − η·∂C/∂p; the walker computes p + (−1·∂C/∂p·η), exactly p − η·∂C/∂p."""

    __slots__ = ("p",)

    def __init__(self, p: str) -> None:
        self.p = p

    def __call__(self) -> Formulas:
        return ordered_add(S(self.p), -ordered_mul(S(ETA), S(gradient(self.p)))), None

    def kernel(self, env: Mapping[str, Value]) -> float | None:
        return running_sum([env[self.p], -(env[gradient(self.p)] * env[ETA])])


class Mean:
    """(1/n)·(g[1] + … + g[n]): the average of the examples' gradients."""

    __slots__ = ("terms",)

    def __init__(self, terms: tuple[str, ...]) -> None:
        self.terms = terms

    def __call__(self) -> Formulas:
        parts = [S(t) for t in self.terms]
        return ordered_mul(sp.Rational(1, len(parts)), ordered_add(*parts)), None

    def kernel(self, env: Mapping[str, Value]) -> float | None:
        total = running_sum([env[t] for t in self.terms])
        return None if total is None else (1.0 * (1 / len(self.terms))) * total


def _product(env: Mapping[str, Value], factors: Term) -> float:
    """The walker's product 1.0·a·b (exactly a·b), or the one value of a bias term."""
    value = float(env[factors[0]])
    for f in factors[1:]:
        value = value * env[f]
    return value
