"""Kernels for a whole run of lazy steps at once (columns.py): one neuron's weight gradients,
one layer's mini-batch means and one layer's updates. Each gives, item by item, what the single
step's kernel in lazy.py gives (the same operations in the same order, so the same bits), and
declines for the whole run where any item would; the builder then defines the items one by one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from ..numbers.arithmetic import CANCELLED, Value, cancels
from .lazy import Descent, Locals, Mean, PartialProduct
from .names import ETA
from .ops import FLOAT, Declined, Fetch, Ops

# the values of a run of steps from earlier values, in the given arithmetic (or Declined)
Bulk = Callable[[Mapping[str, Value], Ops], list[Value]]


class Gradients(Protocol):
    """Where a layer's gradients are (the builder): ∂C/∂p of one example, or of the step."""

    def example_gradients(
        self, layer: int, example: int, env: Mapping[str, Value], ops: Ops
    ) -> list[Value]: ...
    def step_gradients(self, layer: int, env: Mapping[str, Value], ops: Ops) -> list[Value]: ...


def _finite(values: list[Value]) -> list[Value]:
    """FloatOps.done for a whole run: an overflow is defined in full."""
    if not all(map(math.isfinite, values)):
        raise Declined
    return values


def _sums(a: list[Value], b: list[Value]) -> list[Value]:
    """FloatOps.total of each pair [a_i, b_i], then FloatOps.done."""
    out = [x + y for x, y in zip(a, b, strict=True)]
    for t, x, y in zip(out, a, b, strict=True):
        if not math.isfinite(t) or abs(t) < CANCELLED * max(abs(x), abs(y)):
            raise Declined
    return out


def _totals(each: list[list[Value]]) -> list[Value]:
    """FloatOps.total of each column of ``each`` (the walker's sum from the left, declining
    where it cancels), a row at a time. A total at least 1e-6 of the largest term of all
    cannot have cancelled; only the others are looked at term by term."""
    totals = list(each[0])
    for row in each[1:]:
        totals = [t + v for t, v in zip(totals, row, strict=True)]
    largest = max(max(map(abs, row)) for row in each)
    floor = CANCELLED * largest
    for i, t in enumerate(totals):
        if not abs(t) >= floor and (math.isnan(t) or cancels(t, [row[i] for row in each])):
            raise Declined
    return totals


class RowGradients:
    """∂C/∂w = ∂C/∂z · O for every weight w into one neuron (``PartialProduct`` each)."""

    __slots__ = ("chain", "dz", "fetch", "inputs", "row", "z", "z_base")

    def __init__(
        self,
        *,
        chain: Locals,
        dz: str,
        z: str,
        z_base: str,
        row: Sequence[str],
        inputs: Sequence[str],
        fetch: Fetch,
    ) -> None:
        self.chain, self.dz, self.z, self.z_base = chain, dz, z, z_base
        self.row, self.inputs, self.fetch = row, inputs, fetch

    def item(self, k: int) -> PartialProduct:
        return PartialProduct(
            chain=self.chain,
            dz=self.dz,
            z=self.z,
            z_base=self.z_base,
            w=self.row[k],
            wrt=self.inputs[k],
        )

    def kernel(self, env: Mapping[str, Value], ops: Ops) -> list[Value]:
        scale = ops.one() * ops.get(env, self.dz)  # the walker's product: one, then each factor
        if ops is FLOAT:
            values = [scale * a for a in self.fetch(env, self.inputs)]
            if math.isfinite(abs(scale) * self.fetch.bound(env, self.inputs)):
                return values  # none can be larger than |scale| times the largest input
            return _finite(values)
        get, done = ops.get, ops.done
        return [done(scale * get(env, a)) for a in self.inputs]


class Means:
    """(1/n)·Σ_k ∂C/∂p[k] for every parameter p of one layer (``Mean`` each)."""

    __slots__ = ("gradients", "layer", "n", "terms")

    def __init__(
        self,
        *,
        gradients: Gradients,
        layer: int,
        n: int,
        terms: Callable[[int], tuple[str, ...]],
    ) -> None:
        self.gradients, self.layer, self.n, self.terms = gradients, layer, n, terms

    def item(self, i: int) -> Mean:
        return Mean(self.terms(i))

    def kernel(self, env: Mapping[str, Value], ops: Ops) -> list[Value]:
        each = [self.gradients.example_gradients(self.layer, e, env, ops) for e in range(self.n)]
        scale = ops.one() * ops.number(1, self.n)
        if ops is FLOAT:
            return _finite([scale * t for t in _totals(each)])
        total, done = ops.total, ops.done
        return [done(scale * total(parts)) for parts in zip(*each, strict=True)]


class Descents:
    """p − η·∂C/∂p for every parameter p of one layer (``Descent`` each)."""

    __slots__ = ("gradients", "layer", "params")

    def __init__(self, *, gradients: Gradients, layer: int, params: Sequence[str]) -> None:
        self.gradients, self.layer, self.params = gradients, layer, params

    def item(self, i: int) -> Descent:
        return Descent(self.params[i])

    def kernel(self, env: Mapping[str, Value], ops: Ops) -> list[Value]:
        grads = self.gradients.step_gradients(self.layer, env, ops)
        minus, eta, get = ops.one() * ops.number(-1, 1), ops.get(env, ETA), ops.get
        if ops is FLOAT:  # FloatOps.total and done of p + step, for the whole layer at once
            steps = [minus * g * eta for g in grads]
            return _sums([env[p] for p in self.params], steps)
        total, done = ops.total, ops.done
        return [
            done(total([get(env, p), minus * g * eta]))
            for p, g in zip(self.params, grads, strict=True)
        ]
