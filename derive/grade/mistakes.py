"""The table of common backpropagation mistakes, each recomputing a quantity *with* that mistake.

A mistake yields candidates for a target quantity: the value the target takes when one quantity it
depends on (or the target itself) is computed the wrong way, recomputed through the derivation's
own formulas in each arithmetic the checker compares with (exact floats, and hand rounding). To add
a mistake, write a function ``(model, target) -> Iterator[Candidate]`` and add a row to MISTAKES.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..derivation.names import display as show
from ..derivation.names import (
    gradient,
    is_gradient,
    is_partial,
    split_example,
    updated,
    updated_param,
)
from ..derivation.quantity import AVERAGE, COST, UPDATE
from ..numbers.arithmetic import Value
from ..numbers.rounding import places
from .recompute import Candidate, DependencyModel, Lookup


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
    starts = [q.name for q in m.graph.sections.get(COST, [])]
    for at in [*starts, *m.graph.output_gradients]:
        if m.graph.reaches(target, at):
            yield m.candidate("factor_2", target, at, _scaled(at, 2), f"{twice} gives")
            yield m.candidate("factor_2", target, at, _scaled(at, -2), f"{halved} gives")


def _sign(m: DependencyModel, target: str) -> Iterator[Candidate]:
    yield m.candidate("sign", target, target, lambda v: -v(target), "a flipped sign gives")
    for at in m.graph.output_gradients:
        if at != target and m.graph.reaches(target, at):
            says = f"(y − O) in place of (O − y) in {show(at)} gives (a flipped sign)"
            yield m.candidate("sign", target, at, _scaled(at, -1), says)


def _dO_for_dz(m: DependencyModel, target: str) -> Iterator[Candidate]:
    for q, first, second in m.graph.chain_pairs:
        if is_gradient(first) and is_partial(second) and m.graph.reaches(target, q.name):
            forgotten = f"(the factor {show(second)} forgotten)"
            says = f"{show(first)} gives in place of {show(q.name)} {forgotten}"
            yield m.candidate("dO_for_dz", target, q.name, _value_of(first), says)


def _sigma_for_derivative(m: DependencyModel, target: str) -> Iterator[Candidate]:
    for name, output, act in m.graph.activation_derivatives:
        if m.graph.reaches(target, name):
            says = f"{act} itself ({output}) used for {act}' in {show(name)} gives"
            yield m.candidate("sigma_for_derivative", target, name, _value_of(output), says)


def _wrong_activation(m: DependencyModel, target: str) -> Iterator[Candidate]:
    pairs, feeds = m.graph.weight_gradients
    for q, dz, prev in pairs:
        if not m.graph.reaches(target, q.name):
            continue
        for other in feeds:
            if other != prev and split_example(other)[1] == split_example(prev)[1]:
                says = f"{other} gives in place of {prev} in {show(q.name)} (the wrong activation)"
                wrong = _product(dz, other)
                yield m.candidate("wrong_activation", target, q.name, wrong, says)


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
        says = f"hand rounding carried at {places(decimals)} gives (rounding drift)"
        yield Candidate("rounding_drift", says, hand)


def _updated_weights(m: DependencyModel, target: str) -> Iterator[Candidate]:
    """∂C/∂O of a hidden neuron, Σ ∂C/∂z·w, with the weights already updated (new_w)."""
    for q, terms in m.graph.weighted_sums:
        if m.graph.reaches(target, q.name):
            shown = ", ".join(updated(w) for _, w in terms)
            says = f"the updated weights ({shown}) in {show(q.name)} give"
            yield m.candidate("updated_weights", target, q.name, _with_updated(terms), says)


def _with_updated(terms: list[tuple[str, str]]) -> Callable[[Lookup], Value]:
    return lambda v: _sum(v(dz) * v(updated(w)) for dz, w in terms)


def _softmax_diagonal(m: DependencyModel, target: str) -> Iterator[Candidate]:
    """∂C/∂z_j of a softmax layer from its diagonal Jacobian term only (∂C/∂O_j·∂O_j/∂z_j)."""
    for q, first, second in m.graph.diagonal_terms:
        if m.graph.reaches(target, q.name):
            says = (
                f"the diagonal term alone, {show(first)}·{show(second)}, for {show(q.name)} gives"
            )
            yield m.candidate("softmax_diagonal", target, q.name, _product(first, second), says)


def _log10(m: DependencyModel, target: str) -> Iterator[Candidate]:
    """A cross-entropy with log base 10: the cost and its ∂C/∂O divided by ln 10."""
    if not m.d.network.cost.endswith("cross_entropy"):
        return
    starts = [q.name for q in m.graph.sections.get(COST, [])]
    for at in [*starts, *m.graph.output_gradients]:
        if m.graph.reaches(target, at):
            says = f"log base 10 in place of ln in {show(at)} gives"
            yield m.candidate("log10", target, at, _over_ln10(at), says)


def _over_ln10(name: str) -> Callable[[Lookup], Value]:
    def wrong(v: Lookup) -> Value:
        value = v(name)
        return value / (Decimal(10).ln() if isinstance(value, Decimal) else math.log(10))

    return wrong


def _batch_size(m: DependencyModel, target: str) -> Iterator[Candidate]:
    """The mean over the examples summed, not averaged, or averaged and divided again."""
    n = len(m.d.network.examples)
    for q in m.graph.sections.get(AVERAGE, []):
        if n > 1 and m.graph.reaches(target, q.name):
            total = f"the sum over the {n} examples in place of their mean in {show(q.name)} gives"
            twice = f"the mean divided by the batch size again in {show(q.name)} gives"
            yield m.candidate("batch_size", target, q.name, _scaled(q.name, n), total)
            yield m.candidate("batch_size", target, q.name, _scaled(q.name, -n), twice)


def _sum(values: Iterator[Value]) -> Value:
    total: Value = 0
    for v in values:
        total = total + v
    return total


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
    Mistake("updated_weights", "updated weights used in the backward pass", _updated_weights),
    Mistake("softmax_diagonal", "the softmax Jacobian's diagonal only", _softmax_diagonal),
    Mistake("log10", "log base 10 in a cross-entropy", _log10),
    Mistake("batch_size", "a batch mean summed or divided twice", _batch_size),
)


def candidates(model: DependencyModel, target: str) -> list[Candidate]:
    """Every mistake's candidates for ``target``, in table order (the first match is named)."""
    return [c for mistake in MISTAKES for c in mistake.candidates(model, target)]
