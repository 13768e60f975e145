"""Recomputing a quantity with one wrong value: the derivation's dependency graph, searched back
from a target, and the worlds (exact floats, hand rounding) its formulas are evaluated in. The
table of mistakes (mistakes.py) asks this what a target becomes when a quantity it depends on is
computed the wrong way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from ..derivation.names import (
    gradient_of,
    is_gradient,
    split_example,
    split_partial,
    updated,
)
from ..derivation.quantity import BACKWARD, COST, Derivation, Quantity
from ..numbers.arithmetic import Arithmetic, Value

Lookup = Callable[[str], Value]
# hand calculations at coarser precisions: name → (decimals, (rounded, unrounded)) pairs
Drift = Callable[[str], Iterable[tuple[int, tuple[Value, ...]]]]


@dataclass(frozen=True)
class Candidate:
    mistake: str  # the key of its row in MISTAKES
    says: str  # completes "<given> is what …": "∂C/∂O1 gives in place of ∂C/∂z1"
    values: tuple[Value, ...]  # the target's wrong value in each arithmetic


@dataclass(frozen=True)
class World:
    """One arithmetic and the derivation's values in it."""

    arithmetic: Arithmetic
    env: dict[str, Value]


class Graph:
    """Which quantity uses which, shared by every precision's model. Every mistake changes a
    quantity from the cost on, so a search back from a target stops there; whole ancestor sets,
    cached per quantity, took 10 GB on a 784-input network."""

    CACHED = 64  # targets whose searches are kept (a sheet asks about one target at a time)

    def __init__(self, d: Derivation) -> None:
        self.d = d
        self.order = {name: i for i, name in enumerate(d.quantities)}
        self.refs = {name: d.depends_on(name) for name in d.quantities}
        self.sections: dict[str, list[Quantity]] = {}
        for q in d.quantities.values():
            self.sections.setdefault(q.section, []).append(q)
        costs = self.sections.get(COST, [])
        self.floor = self.order[costs[0].name] if costs else len(self.order)
        self._upstream: dict[str, frozenset[str]] = {}

    def upstream(self, target: str, floor: int) -> frozenset[str]:
        """The quantities at position ``floor`` or later whose values reach ``target``."""
        if floor < self.floor:
            return self._search(target, floor)
        if target not in self._upstream:
            if len(self._upstream) >= self.CACHED:
                del self._upstream[next(iter(self._upstream))]
            self._upstream[target] = self._search(target, self.floor)
        return self._upstream[target]

    def _search(self, target: str, floor: int) -> frozenset[str]:
        seen, stack = set[str](), [target]
        while stack:
            for ref in self.refs[stack.pop()]:
                if ref not in seen and self.order[ref] >= floor:
                    seen.add(ref)
                    stack.append(ref)
        return frozenset(seen)

    def reaches(self, target: str, at: str) -> bool:
        if at == target:
            return True
        start = self.order[at]
        return start < self.order[target] and at in self.upstream(target, start)

    def path(self, target: str, at: str) -> list[str]:
        """The quantities after ``at`` up to ``target`` that use ``at``'s value, in order: what
        is recomputed when ``at`` is wrong."""
        if at == target or not self.reaches(target, at):
            return []
        start, order = self.order[at], self.order
        later = (n for n in self.upstream(target, start) if order[n] > start)
        between = sorted(later, key=order.__getitem__)
        reached, out = {at}, []
        for name in [*between, target]:
            if not reached.isdisjoint(self.refs[name]):
                reached.add(name)
                out.append(name)
        return out

    # the parts quantities play in the chain rule, found once (a scan per answer took seconds)

    @cached_property
    def output_gradients(self) -> list[str]:
        """∂C/∂O of the output layer: the backward steps that use no other ∂C/∂…"""
        return [
            q.name
            for q in self.sections.get(BACKWARD, [])
            if is_gradient(q.name) and not any(is_gradient(r) for r in self.refs[q.name])
        ]

    @cached_property
    def chain_pairs(self) -> list[tuple[Quantity, str, str]]:
        """Quantities written as a product of two names: (q, first factor, second factor)."""
        out = []
        for q in self.sections.get(BACKWARD, []):
            f = q.formula
            if isinstance(f, sp.Mul) and len(f.args) == 2 and all(a.is_Symbol for a in f.args):
                out.append((q, f.args[0].name, f.args[1].name))
        return out

    @cached_property
    def weighted_sums(self) -> list[tuple[Quantity, list[tuple[str, str]]]]:
        """Steps written Σ ∂C/∂z·w over parameters w that have an update: (q, [(∂C/∂z, w)])."""
        params, out = set(self.d.parameters), []
        for q in self.sections.get(BACKWARD, []):
            terms = _weighted_terms(q, params)
            if terms and all(updated(w) in self.d for _, w in terms):
                out.append((q, terms))
        return out

    @cached_property
    def diagonal_terms(self) -> list[tuple[Quantity, str, str]]:
        """Steps whose chain rule is a sum with one diagonal Jacobian term ∂C/∂O_j·∂O_j/∂z_j
        (softmax's ∂C/∂z_j): (q, the term's two factors)."""
        out = []
        for q in self.sections.get(BACKWARD, []):
            terms = sp.Add.make_args(q.chain) if q.chain is not None else ()
            diagonal = [t for t in terms if _is_diagonal(t, self.d)]
            if len(terms) > 1 and len(diagonal) == 1:
                first, second = (f.name for f in sp.Mul.make_args(diagonal[0]))
                out.append((q, first, second))
        return out

    @cached_property
    def weight_gradients(self) -> tuple[list[tuple[Quantity, str, str]], list[str]]:
        """The steps ∂C/∂w = ∂C/∂z · (previous activation), and those activations, sorted."""
        params, pairs = set(self.d.parameters), []
        for q, dz, prev in self.chain_pairs:
            base = split_example(q.name)[0]
            if is_gradient(base) and gradient_of(base) in params and base not in self.d.alias_of:
                pairs.append((q, dz, prev))
        return pairs, sorted({prev for _, _, prev in pairs})

    @cached_property
    def activation_derivatives(self) -> list[tuple[str, str, str]]:
        """Steps whose chain rule is an activation's derivative σ'(z3): (name, output, σ)."""
        out = []
        for q in self.sections.get(BACKWARD, []):
            func = str(getattr(q.chain, "func", ""))
            base, suffix = split_example(q.name)
            parts = split_partial(base)
            output = parts[0] + suffix if parts else ""
            if func.endswith("'") and output in self.d:
                out.append((q.name, output, func[:-1]))
        return out


class DependencyModel:
    """The derivation in each arithmetic, for recomputing a target under one wrong value."""

    def __init__(self, graph: Graph, worlds: list[World], *, drift: Drift) -> None:
        self.graph, self.d, self.worlds, self.drift = graph, graph.d, worlds, drift

    def recompute(
        self, target: str, at: str, wrong: Callable[[Lookup], Value]
    ) -> tuple[Value, ...]:
        """The target's value in every world when ``at`` takes the value ``wrong`` gives.

        The target comes back both unrounded and rounded (a person may leave the last step
        unrounded); a wrong intermediate is rounded like every carried value."""
        out: list[Value] = []
        path = self.graph.path(target, at)
        for world in self.worlds:
            env = Overlay(world.env)  # copying a 40,000-name env per candidate cost seconds
            arith = world.arithmetic
            value, current = wrong(env.__getitem__), at
            for name in path:
                env.update(dict.fromkeys((current, *self.d[current].aliases), arith.finish(value)))
                value, current = arith.evaluate(self.d[name].formula, env), name
            out += [value, arith.finish(value)]
        return tuple(out)

    def candidate(
        self, key: str, target: str, at: str, wrong: Callable[[Lookup], Value], says: str
    ) -> Candidate:
        return Candidate(key, says, self.recompute(target, at, wrong))


class Overlay(dict[str, Value]):
    """New values over a base mapping, which stays unchanged."""

    def __init__(self, base: dict[str, Value]) -> None:
        super().__init__()
        self.base = base

    def __missing__(self, key: str) -> Value:
        return self.base[key]

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.base


def _weighted_terms(q: Quantity, params: set[str]) -> list[tuple[str, str]]:
    """(∂C/∂z, w) of each term of a formula Σ ∂C/∂z·w, where every w is a parameter."""
    if q.formula is None or not is_gradient(split_example(q.name)[0]):
        return []
    out = []
    for term in sp.Add.make_args(q.formula):
        names = [f.name for f in sp.Mul.make_args(term) if f.is_Symbol]
        if len(names) != 2 or names[1] not in params or not is_gradient(names[0]):
            return []
        out.append((names[0], names[1]))
    return out


def _is_diagonal(term: sp.Expr, d: Derivation) -> bool:
    """∂C/∂O_j·∂O_j/∂z_j: the second factor's output and sum share their index. Both factors are
    steps with values (an input gradient's ∂z_j/∂x_j, say, is a weight that is not one)."""
    factors = [f for f in sp.Mul.make_args(term) if f.is_Symbol and f.name in d]
    parts = split_partial(split_example(factors[-1].name)[0]) if len(factors) == 2 else None
    return parts is not None and parts[0][1:] == parts[1][1:]
