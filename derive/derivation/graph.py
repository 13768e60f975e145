"""What the pictures of ``derive draw`` show, computed from a derivation (no drawing here).

network  each layer's neurons (at most ``MAX_DRAWN``, the rest elided) and the weights among them
chain    every path from one parameter to C, each edge a local derivative: the quantities ∂O/∂z
         and ∂C/∂O of the derivation, and ∂z/∂w, ∂z/∂O, ∂z/∂b as sympy.diff of the weighted sum
         (they live only inside steps like dC/dw6 = dC/dz3 · O0); Σ over paths of the products
         along them is ∂C/∂w

The cost curve (C against one parameter) is in curve.py.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import reduce
from itertools import pairwise
from typing import Final

import sympy as sp

from ..errors import UsageError
from ..functions import COSTS
from ..numbers.arithmetic import FloatArithmetic, Value, arithmetic_for
from ..spec.notation import namer_for
from .names import gradient, gradient_of, is_gradient, partial, per_example, split_example
from .quantity import Derivation, S
from .selection import check_example

MAX_DRAWN: Final = 8  # neurons drawn per layer; a wider layer shows its first 6, ⋮, its last


@dataclass(frozen=True)
class Neuron:
    layer: int  # 0 is the input layer
    index: int
    act: str  # the activation's (or input's) quantity name, example suffix included
    z: str | None = None  # None for an input
    bias: str | None = None
    target: str | None = None  # output neurons only


@dataclass(frozen=True)
class Column:
    layer: int
    size: int
    neurons: tuple[Neuron, ...]  # the drawn ones; with ``hidden``, the elision goes before the last
    hidden: int  # neurons not drawn
    activation: str | None  # None for the input layer


@dataclass(frozen=True)
class Synapse:
    source: Neuron
    target: Neuron
    weight: str  # the parameter's name


@dataclass(frozen=True)
class Shape:
    columns: tuple[Column, ...]
    edges: tuple[Synapse, ...]  # only among drawn neurons
    cost: str  # C, or C[k] for one example of several
    example: int | None


def drawn(size: int, limit: int = MAX_DRAWN) -> tuple[tuple[int, ...], int]:
    """The indices drawn of a layer of ``size`` neurons, and how many are left out."""
    if size <= limit:
        return tuple(range(size)), 0
    return (*range(limit - 2), size - 1), size - limit + 1


def example_of(d: Derivation, example: int | None) -> int | None:
    """``example`` checked (1-based); None for a file with one example."""
    if example is not None:
        check_example(d, example)
    return example if len(d.network.examples) > 1 else None


def network_shape(d: Derivation, *, example: int | None = None) -> Shape:
    """The network as drawn, with the forward values of ``example`` (default: the first)."""
    net, namer = d.network, namer_for(d.network)
    k = example_of(d, 1 if example is None else example)

    def neuron(l: int, j: int) -> Neuron:
        if l == 0:
            return Neuron(0, j, per_example(namer.act(0, j), k))
        last = l == net.depth and COSTS[net.cost].targets  # cost: none has no target
        target = per_example(namer.target(j), k) if last else None
        z, bias = per_example(namer.z(l, j), k), d.params_by_layer[l].bias(j)
        return Neuron(l, j, per_example(namer.act(l, j), k), z, bias, target)

    columns = []
    for l, size in enumerate(net.sizes):
        shown, hidden = drawn(size)
        activation = net.layer(l).activation.name if l else None
        columns.append(Column(l, size, tuple(neuron(l, j) for j in shown), hidden, activation))
    edges = tuple(
        Synapse(src, dst, d.params_by_layer[dst.layer].weights[dst.index][src.index])
        for before, after in pairwise(columns)
        for dst in after.neurons
        for src in before.neurons
    )
    return Shape(tuple(columns), edges, per_example("C", k), k)


# the chain behind one gradient


@dataclass(frozen=True)
class Local:
    """One edge of the chain: ∂num/∂den, its formula over quantity names, and its value."""

    num: str
    den: str
    name: str  # dO0/dz0, dz3/dw6[2]: a quantity of the derivation, or a factor inside a step
    formula: sp.Expr
    value: Value
    exact: Value = None  # the number beside a symbolic value, or the exact one beside a rounded
    step: int | None = None  # the step of derive explain that defines it, when it is one


@dataclass(frozen=True)
class Chain:
    param: str
    example: int | None
    edges: tuple[Local, ...]  # every local derivative on some path, from the parameter on
    cost: str  # C or C[k]

    @property
    def gradient(self) -> str:
        """The derivation's name for what the paths sum to: dC/dw0, dC/dw1[2]."""
        return per_example(gradient(self.param), self.example)

    def paths(self) -> Iterator[tuple[Local, ...]]:
        """Every path from the parameter to C, as its edges, depth first."""
        by_den: dict[str, list[Local]] = {}
        for edge in self.edges:
            by_den.setdefault(edge.den, []).append(edge)

        def walk(node: str) -> Iterator[tuple[Local, ...]]:
            if node == self.cost:
                yield ()
            for edge in by_den.get(node, ()):
                for rest in walk(edge.num):
                    yield (edge, *rest)

        return walk(self.param)

    def count(self) -> int:
        return int(self._backward(lambda edge, rest: rest))

    def total(self) -> Value:
        """Σ over paths of the product of the local values along each: the chain rule (summed
        from C back, so that a deep network's many paths are never listed)."""
        return self._backward(lambda edge, rest: edge.value * rest)

    def _backward(self, step: Callable[[Local, Value], Value]) -> Value:
        done: dict[str, Value] = {self.cost: 1}
        for edge in reversed(self.edges):  # edges come in path order: a num is done before
            term = step(edge, done[edge.num])
            done[edge.den] = done[edge.den] + term if edge.den in done else term
        return done[self.param]


def product(path: tuple[Local, ...]) -> Value:
    return reduce(operator.mul, (edge.value for edge in path))


def gradient_chains(d: Derivation, name: str, *, example: int | None = None) -> list[Chain]:
    """The chains behind ``name`` (dC/dw0, w0, or dC/dw1[2]): one per example it averages."""
    param, k = parameter_of(d, name)
    k = example_of(d, example if k is None else k)
    count = len(d.network.examples)
    if k is not None or count == 1:
        return [chain(d, param, example=k)]
    return [chain(d, param, example=e) for e in range(1, count + 1)]


def parameter_of(d: Derivation, name: str) -> tuple[str, int | None]:
    """The parameter a name means (dC/dw0, w0, dC/dw1[2]) and the example it names, if any."""
    base, suffix = split_example(name)
    param = gradient_of(base) if is_gradient(base) else base
    number = suffix.strip("[]")
    if param not in d.parameters or (suffix and not number.isdigit()):
        raise UsageError(f"{name} is not a parameter or a parameter's gradient")
    return param, int(number) if suffix else None


def chain(d: Derivation, param: str, *, example: int | None) -> Chain:
    """The local derivatives on every path from ``param`` to C in one example."""
    net, namer = d.network, namer_for(d.network)
    layer = d.layer_of(param)
    group = d.params_by_layer[layer]
    into = [(*w, *filter(None, [group.bias(j)])) for j, w in enumerate(group.weights)]
    rows = [j for j, names in enumerate(into) if param in names]  # several: a shared bias
    locals_ = _Locals(d, example)
    edges = [locals_.diff(namer.z(layer, row), param) for row in rows]
    for l in range(layer, net.depth + 1):
        size = net.layer(l).size
        pairs = [(i, j) for j in rows for i in range(size) if locals_.has(l, out=i, z=j)]
        edges += [locals_.quantity(namer.act(l, i), namer.z(l, j)) for i, j in pairs]
        outs = sorted({i for i, _ in pairs})
        if l == net.depth:
            edges += [locals_.quantity("C", namer.act(l, i)) for i in outs]
        else:
            rows = list(range(net.layer(l + 1).size))
            edges += [locals_.diff(namer.z(l + 1, k), namer.act(l, i)) for i in outs for k in rows]
    return Chain(param, example, tuple(edges), per_example("C", example))


class _Locals:
    """Local derivatives of one example: quantities of the derivation, or sympy.diff of z."""

    def __init__(self, d: Derivation, example: int | None) -> None:
        self.d, self.example = d, example
        self.namer = namer_for(d.network)
        self.arith = arithmetic_for(d.carry, d.decimals, symbolic=d.symbolic)

    def n(self, name: str) -> str:
        return name if name in self.d.parameters else per_example(name, self.example)

    def has(self, l: int, *, out: int, z: int) -> bool:
        """Whether the derivation has ∂O_out/∂z_z in layer l (off the diagonal: softmax)."""
        return self.n(partial(self.namer.act(l, out), self.namer.z(l, z))) in self.d

    def diff(self, z: str, wrt: str) -> Local:
        """∂z/∂wrt: sympy.diff of the weighted sum's formula (a weight, an input or 1), valued
        as the derivation's formulas see values (an opaque one by its name)."""
        formula = sp.diff(self.d[self.n(z)].formula, S(self.n(wrt)))
        seen = {s: self.d[s.name] for s in formula.free_symbols}
        env = {s.name: s if q.opaque else q.value for s, q in seen.items()}
        name = per_example(partial(z, wrt), self.example)
        value = self.arith.evaluate(formula, env)
        return Local(self.n(z), self.n(wrt), name, formula, value, _exact(self.d, formula))

    def quantity(self, num: str, den: str) -> Local:
        q = self.d[self.n(partial(num, den))]
        assert q.formula is not None
        return Local(self.n(num), self.n(den), q.name, q.formula, q.value, q.exact, q.step)


def _exact(d: Derivation, formula: sp.Expr) -> Value:
    """The number of a derived factor from the exact values, where the derivation keeps them."""
    env = {s.name: d[s.name].exact for s in formula.free_symbols}
    if not env or any(v is None for v in env.values()):
        return None
    return FloatArithmetic().evaluate(formula, env)
