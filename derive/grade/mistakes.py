"""The table of common backpropagation mistakes, each recomputing a quantity *with* that mistake.

A mistake yields candidates for a target quantity: the value the target takes when one quantity it
depends on (or the target itself) is computed the wrong way, recomputed through the derivation's
own formulas in each arithmetic the checker compares with (exact floats, and hand rounding). To add
a mistake, write a function ``(model, target) -> Iterator[Candidate]`` and add a row to MISTAKES.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

import sympy as sp

from ..derivation.names import display as show
from ..derivation.names import (
    gradient,
    gradient_of,
    is_gradient,
    is_partial,
    split_example,
    split_partial,
    updated_param,
)
from ..derivation.quantity import BACKWARD, COST, UPDATE, Derivation, Quantity
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
    env: Mapping[str, Value]


class DependencyModel:
    """The derivation's dependency structure, for recomputing a target under one wrong value."""

    def __init__(self, d: Derivation, worlds: list[World], *, drift: Drift) -> None:
        self.d, self.worlds, self.drift = d, worlds, drift
        self.order = {name: i for i, name in enumerate(d.quantities)}
        self.refs = {name: d.depends_on(name) for name in d.quantities}
        self.ancestors = cache(self._ancestors)

    def _ancestors(self, name: str) -> frozenset[str]:
        out = set(self.refs[name])
        for ref in self.refs[name]:
            out |= self.ancestors(ref)
        return frozenset(out)

    def reaches(self, target: str, at: str) -> bool:
        return at == target or at in self.ancestors(target)

    def recompute(
        self, target: str, at: str, wrong: Callable[[Lookup], Value]
    ) -> tuple[Value, ...]:
        """The target's value in every world when ``at`` takes the value ``wrong`` gives.

        The target comes back both unrounded and rounded (a person may leave the last step
        unrounded); a wrong intermediate is rounded like every carried value."""
        out: list[Value] = []
        path = [
            n
            for n in self.d.quantities
            if self.order[at] < self.order[n] <= self.order[target] and self.reaches(n, at)
            if self.reaches(target, n)
        ]
        for world in self.worlds:
            env = dict(world.env)
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

    # structural queries: which quantities play which part in the chain rule

    def backward(self) -> Iterator[Quantity]:
        return (q for q in self.d.quantities.values() if q.section == BACKWARD)

    def output_gradients(self) -> list[str]:
        """∂C/∂O of the output layer: the backward steps that use no other ∂C/∂…"""
        return [
            q.name
            for q in self.backward()
            if is_gradient(q.name) and not any(is_gradient(r) for r in self.refs[q.name])
        ]

    def chain_pairs(self) -> Iterator[tuple[Quantity, str, str]]:
        """Quantities written as a product of two names: (q, first factor, second factor)."""
        for q in self.backward():
            f = q.formula
            if isinstance(f, sp.Mul) and len(f.args) == 2 and all(a.is_Symbol for a in f.args):
                yield q, f.args[0].name, f.args[1].name


def _value_of(name: str) -> Callable[[Lookup], Value]:
    return lambda v: v(name)


def _scaled(name: str, factor: int) -> Callable[[Lookup], Value]:
    """``factor`` times the value; a negative even factor divides (Decimal takes no floats)."""
    if factor < -1:
        return lambda v: v(name) / -factor
    return lambda v: v(name) * factor


def _product(a: str, b: str) -> Callable[[Lookup], Value]:
    return lambda v: v(a) * v(b)


def _cost_factor(m: DependencyModel, target: str) -> Iterator[Candidate]:
    half = m.d.network.cost == "half_squared_error"
    twice = "the cost without its ½ (a factor of 2)" if half else "a stray factor of 2"
    halved = "a stray factor ½ (this cost has none)" if not half else "a stray factor ½"
    starts = [q.name for q in m.d.quantities.values() if q.section == COST]
    for at in [*starts, *m.output_gradients()]:
        if m.reaches(target, at):
            yield m.candidate("factor_2", target, at, _scaled(at, 2), f"{twice} gives")
            yield m.candidate("factor_2", target, at, _scaled(at, -2), f"{halved} gives")


def _sign(m: DependencyModel, target: str) -> Iterator[Candidate]:
    yield m.candidate("sign", target, target, lambda v: -v(target), "a flipped sign gives")
    for at in m.output_gradients():
        if at != target and m.reaches(target, at):
            says = f"(y − O) in place of (O − y) in {show(at)} gives (a flipped sign)"
            yield m.candidate("sign", target, at, _scaled(at, -1), says)


def _dO_for_dz(m: DependencyModel, target: str) -> Iterator[Candidate]:
    for q, first, second in m.chain_pairs():
        if is_gradient(first) and is_partial(second) and m.reaches(target, q.name):
            forgotten = f"(the factor {show(second)} forgotten)"
            says = f"{show(first)} gives in place of {show(q.name)} {forgotten}"
            yield m.candidate("dO_for_dz", target, q.name, _value_of(first), says)


def _sigma_for_derivative(m: DependencyModel, target: str) -> Iterator[Candidate]:
    for q in m.backward():
        f = q.chain
        if not str(getattr(f, "func", "")).endswith("'"):  # σ'(z3): an activation derivative
            continue
        base, suffix = split_example(q.name)
        parts = split_partial(base)
        output = parts[0] + suffix if parts else ""
        if output in m.d and m.reaches(target, q.name):
            act = str(getattr(f, "func", ""))[:-1]
            says = f"{act} itself ({output}) used for {act}' in {show(q.name)} gives"
            yield m.candidate("sigma_for_derivative", target, q.name, _value_of(output), says)


def _wrong_activation(m: DependencyModel, target: str) -> Iterator[Candidate]:
    pairs = [(q, dz, prev) for q, dz, prev in m.chain_pairs() if _is_weight_gradient(m, q.name)]
    feeds = {prev for _, _, prev in pairs}
    for q, dz, prev in pairs:
        if not m.reaches(target, q.name):
            continue
        for other in sorted(feeds - {prev}):
            if split_example(other)[1] == split_example(prev)[1]:
                says = f"{other} gives in place of {prev} in {show(q.name)} (the wrong activation)"
                wrong = _product(dz, other)
                yield m.candidate("wrong_activation", target, q.name, wrong, says)


def _is_weight_gradient(m: DependencyModel, name: str) -> bool:
    base = split_example(name)[0]
    return is_gradient(base) and gradient_of(base) in m.d.parameters and base not in m.d.alias_of


def _update_parts(m: DependencyModel, target: str) -> tuple[str, str] | None:
    if m.d[target].section != UPDATE:
        return None
    p = updated_param(target)
    return None if p is None else (p, gradient(p))


def _plus_update(m: DependencyModel, target: str) -> Iterator[Candidate]:
    if (parts := _update_parts(m, target)) is not None:
        p, g = parts
        says = "+ in place of − in the update gives"
        yield m.candidate("plus_update", target, target, lambda v: v(p) + v("eta") * v(g), says)


def _no_learning_rate(m: DependencyModel, target: str) -> Iterator[Candidate]:
    if (parts := _update_parts(m, target)) is not None:
        p, g = parts
        says = "the learning rate left out gives"
        yield m.candidate("no_learning_rate", target, target, lambda v: v(p) - v(g), says)


def _drift(m: DependencyModel, target: str) -> Iterator[Candidate]:
    for decimals, hand in m.drift(target):
        says = f"hand rounding carried at {decimals} decimals gives (rounding drift)"
        yield Candidate("rounding_drift", says, hand)


@dataclass(frozen=True)
class Mistake:
    key: str
    title: str
    candidates: Callable[[DependencyModel, str], Iterator[Candidate]]


MISTAKES: tuple[Mistake, ...] = (
    Mistake("plus_update", "+ instead of − in the update", _plus_update),
    Mistake("no_learning_rate", "the learning rate left out", _no_learning_rate),
    Mistake("factor_2", "a factor of 2 (½ in or out of the cost)", _cost_factor),
    Mistake("dO_for_dz", "∂C/∂O used where ∂C/∂z was needed (σ' forgotten)", _dO_for_dz),
    Mistake("sigma_for_derivative", "σ used for σ'", _sigma_for_derivative),
    Mistake("wrong_activation", "the wrong previous activation", _wrong_activation),
    Mistake("sign", "a flipped sign", _sign),
    Mistake("rounding_drift", "rounding drift", _drift),
)


def candidates(model: DependencyModel, target: str) -> list[Candidate]:
    """Every mistake's candidates for ``target``, in table order (the first match is named)."""
    return [c for mistake in MISTAKES for c in mistake.candidates(model, target)]
