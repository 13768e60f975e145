"""Steps whose formulas are built only when something reads them, and whose values need none.

On the 784-16-16-10 network nearly every quantity is a weighted sum z, a weight's gradient
∂C/∂z · O, an update p − η·∂C/∂p or a mini-batch mean; outputs show a few dozen of them. Each
class here is both halves of such a step: calling it builds the SymPy formula and chain rule
(``Quantity.formula``, on first use), and ``kernel`` gives the value the walker
(numbers/walker.py) would give that formula, operation for operation, in the same order, so
the numbers are those of the formulas, in float64 or hand rounding (ops.py). A kernel gives up
(``ops.Declined``) where the walker would do more (an overflow, a sum that cancels most of its
digits, a value carried at more decimals); the builder then defines the step in full.
``--precision`` and symbols build every formula as it is defined.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import NamedTuple, Protocol

import sympy as sp

from ..numbers.arithmetic import CANCELLED, Value
from ..numbers.walker import fold_sum
from .names import ETA, gradient
from .ops import FLOAT, Fetch, Ops, product
from .quantity import Formulas, S, ordered_add, ordered_mul

Term = tuple[str, ...]  # a term of z by its factors' names: (w, O), or (b,) for a bias
Factors = tuple[tuple[str, ...], tuple[str, ...]]  # a formula's and a chain's, each a product
Terms = tuple[tuple[bool, tuple[str, ...]], ...]  # a sum's terms: (minus, the names multiplied)


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


class WeightedSum:
    """z = w·O + … + b, as written: the products in the order of the inputs, then the bias.
    ``row`` (the neuron's weights) and ``inputs`` (the layer's) are shared with other steps."""

    __slots__ = ("bias", "fetch", "inputs", "layer", "row")

    def __init__(
        self,
        *,
        layer: int,
        row: tuple[str, ...],
        inputs: list[str],
        bias: str | None,
        fetch: Fetch | None = None,  # the builder's, shared by every step
    ) -> None:
        self.layer, self.row, self.inputs, self.bias = layer, row, inputs, bias
        self.fetch = fetch

    def terms(self) -> list[Term]:
        pairs: list[Term] = list(zip(self.row, self.inputs, strict=True))
        return [*pairs, (self.bias,)] if self.bias else pairs

    def term_of(self, name: str, column: Callable[[int, str], int]) -> Term:
        """The term that holds ``name`` (a weight, an input or the bias); ``column`` finds a
        weight's or an input's position in this layer."""
        if name == self.bias:
            return (name,)
        k = column(self.layer, name)
        return (self.row[k], self.inputs[k])

    def __call__(self) -> Formulas:
        return ordered_add(*(term(t) for t in self.terms())), None

    def kernel(self, env: Mapping[str, Value], ops: Ops) -> Value:
        if ops is FLOAT and self.fetch is not None:
            return self._float(env, self.fetch)
        get, one, pairs = ops.get, ops.one(), zip(self.row, self.inputs, strict=True)
        values = [one * get(env, w) * get(env, a) for w, a in pairs]
        if self.bias:
            values.append(ops.get(env, self.bias))
        return ops.done(ops.total(values))

    def _float(self, env: Mapping[str, Value], fetch: Fetch) -> Value:
        """The kernel in float64 (the walker's (1.0·w)·O is w·O, bit for bit). A total at
        least 1e-6 of a bound on every term (the largest |w| times the largest |O|) has not
        cancelled; only the others are checked term by term."""
        ws, xs = fetch(env, self.row), fetch(env, self.inputs)
        values = [w * a for w, a in zip(ws, xs, strict=True)]
        bound = fetch.bound(env, self.row) * fetch.bound(env, self.inputs)
        if self.bias:
            values.append(env[self.bias])
            bound = max(bound, abs(values[-1]))
        total = fold_sum(values)
        if math.isfinite(total) and math.isfinite(bound) and abs(total) >= CANCELLED * bound:
            return total
        return FLOAT.done(FLOAT.total(values))


class Locals(Protocol):
    """An example's chain rule, as far as a weight's gradient needs it (example.py)."""

    def local(self, z: str, wrt: str) -> sp.Expr: ...
    def p(self, num: str, den: str) -> str: ...


class Lazy(Protocol):
    """A step's two halves: its formulas, built when called, and its value from earlier ones."""

    def __call__(self) -> Formulas: ...
    def kernel(self, env: Mapping[str, Value], ops: Ops) -> Value: ...


class ProductSum:
    """Σ_i a_i·b_i over earlier names, its own chain rule: ∂C/∂z = Σ_i ∂C/∂O_i · ∂O_i/∂z
    (one term where the activation is elementwise)."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: tuple[tuple[str, str], ...]) -> None:
        self.pairs = pairs

    def __call__(self) -> tuple[sp.Expr, sp.Expr]:
        formula = ordered_add(*(ordered_mul(S(a), S(b)) for a, b in self.pairs))
        return formula, formula

    def kernel(self, env: Mapping[str, Value], ops: Ops) -> Value:
        get, one = ops.get, ops.one()
        return ops.done(ops.total([one * get(env, a) * get(env, b) for a, b in self.pairs]))


class Following(NamedTuple):
    """The next layer's weighted sums, as one example's backward steps name them (shared)."""

    z_bases: tuple[str, ...]  # without the example's suffix
    zs: tuple[str, ...]
    dzs: tuple[str, ...]  # ∂C/∂z of each


class BackSum:
    """∂C/∂O = Σ_k ∂C/∂z_k · ∂z_k/∂O over the next layer's neurons, where ∂z_k/∂O (by
    sympy.diff, ``chain.local``) is the weight w_k that O multiplies in z_k."""

    __slots__ = ("after", "chain", "out", "out_base", "weights")

    def __init__(
        self,
        *,
        chain: Locals,
        out: str,
        out_base: str,
        after: Following,
        weights: tuple[str, ...],
    ) -> None:
        self.chain, self.out, self.out_base = chain, out, out_base
        self.after, self.weights = after, weights

    def __call__(self) -> Formulas:
        chain, formula = [], []
        for z_base, z, dz in zip(*self.after, strict=True):
            chain.append(ordered_mul(S(dz), S(self.chain.p(z_base, self.out_base))))
            formula.append(ordered_mul(S(dz), self.chain.local(z, self.out)))
        return ordered_add(*formula), ordered_add(*chain)

    def kernel(self, env: Mapping[str, Value], ops: Ops) -> Value:
        get, one = ops.get, ops.one()
        values = [
            one * get(env, dz) * get(env, w)
            for dz, w in zip(self.after.dzs, self.weights, strict=True)
        ]
        return ops.done(ops.total(values))


class PartialProduct:
    """∂C/∂w = ∂C/∂z · ∂z/∂w, where ∂z/∂w (by sympy.diff, ``chain.local``) is the input O that
    w multiplies; the chain rule names it ∂z/∂w. Every field is a name shared with other steps
    (a mini-batch holds 10⁵ of these), and the step's own names are made when it is built."""

    __slots__ = ("chain", "dz", "w", "wrt", "z", "z_base")

    def __init__(self, *, chain: Locals, dz: str, z: str, z_base: str, w: str, wrt: str) -> None:
        self.chain, self.dz, self.z, self.z_base, self.w, self.wrt = chain, dz, z, z_base, w, wrt

    def __call__(self) -> Formulas:
        dz = S(self.dz)
        local = self.chain.local(self.z, self.w)
        return ordered_mul(dz, local), ordered_mul(dz, S(self.chain.p(self.z_base, self.w)))

    def kernel(self, env: Mapping[str, Value], ops: Ops) -> Value:
        return ops.done(product(ops, [ops.get(env, self.dz), ops.get(env, self.wrt)]))

    def factors(self) -> Factors:
        """The names the formula and the chain rule multiply, for writing them out without
        building them: ∂z/∂w of the term w·O is O, the product rule's other factor (a test
        checks every step of every case against the built formula)."""
        return (self.dz, self.wrt), (self.dz, self.chain.p(self.z_base, self.w))


class Descent:
    """new_p = p − η·∂C/∂p, which the walker evaluates as p + (−1)·η·∂C/∂p (the kernel
    multiplies (−1)·∂C/∂p·η: multiplying by −1 is exact, so the two agree to the bit)."""

    __slots__ = ("p",)

    def __init__(self, p: str) -> None:
        self.p = p

    def __call__(self) -> Formulas:
        # -(η·g) as SymPy writes it, Mul(-1, η, g), without its evaluation (13,000 updates)
        step = sp.Mul._from_args((sp.S.NegativeOne, S(ETA), S(gradient(self.p))))
        return ordered_add(S(self.p), step), None

    def terms(self) -> Terms:
        """The formula as a sum of signed products of names, for writing it out without
        building it (a test checks these against the built formula)."""
        return (False, (self.p,)), (True, (ETA, gradient(self.p)))

    def kernel(self, env: Mapping[str, Value], ops: Ops) -> Value:
        g, eta = ops.get(env, gradient(self.p)), ops.get(env, ETA)
        step = product(ops, [ops.number(-1, 1), g, eta])
        return ops.done(ops.total([ops.get(env, self.p), step]))


class Mean:
    """(1/n)·(g[1] + … + g[n]): the average of the examples' gradients."""

    __slots__ = ("terms",)

    def __init__(self, terms: tuple[str, ...]) -> None:
        self.terms = terms

    def __call__(self) -> Formulas:
        parts = [S(t) for t in self.terms]
        return ordered_mul(sp.Rational(1, len(parts)), ordered_add(*parts)), None

    def kernel(self, env: Mapping[str, Value], ops: Ops) -> Value:
        total = ops.total([ops.get(env, t) for t in self.terms])
        return ops.done(product(ops, [ops.number(1, len(self.terms)), total]))
