"""SymPy forms made once and filled in with each neuron's and each example's names.

Building σ(z) = 1/(1 + e^(−z)) for a new symbol costs SymPy about 0.8 ms (its assumptions are
asked afresh for every new name), and differentiating the cost of one example about 6 ms; a
mini-batch of 100 digits asks for 4,200 activations and 1,000 cost derivatives. So each form
is built once over placeholder symbols and then copied with the real names put in, without
evaluating again.

The copy is the very expression SymPy would build from the real names, because SymPy's
canonical order of the terms of a sum or product depends on the symbols only through how their
names compare: the placeholders are chosen to compare as the real names do (a template per
order of the names), and a test builds both ways over random names and compares them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import cache

import sympy as sp

from ..derivatives import activation_derivative, tidy
from ..functions import ACTIVATIONS, COSTS
from ..numbers.arithmetic import EvaluationError, FloatArithmetic, Value
from ..numbers.compiled import Run, Unfaithful, compile_float
from .ops import FLOAT, Declined, Ops
from .quantity import Formulas, S

Build = Callable[[list[sp.Symbol]], sp.Expr]
Extra = Callable[[], tuple[sp.Expr | None, sp.Expr | None]]  # a step's chain rule and shown form
# a template, its placeholders, and its float walk as closures where it has one
Made = tuple[sp.Expr, tuple[sp.Symbol, ...], Run | None]

_made: dict[Hashable, Made] = {}


class _Strict(FloatArithmetic):
    """float64 as the builder evaluates a formula, declining where the builder would evaluate
    it again at more digits over the file's own numbers (which needs the real names)."""

    def _wide(self, expr: sp.Expr, env: Mapping[str, Value], walked: float | None = None) -> float:
        raise Declined


_STRICT = _Strict(wide=True)


class Filled:
    """A lazy step (lazy.py) whose formula is a template filled in with the step's names. Its
    value is the template's over the values of those names: the same tree, so the walker does
    the same operations in the same order. Hand rounding evaluates the filled-in formula."""

    __slots__ = ("extra", "holders", "names", "run", "template")

    def __init__(self, made: Made, names: tuple[str, ...], extra: Extra | None = None) -> None:
        (self.template, self.holders, self.run), self.names, self.extra = made, names, extra

    def formula(self) -> sp.Expr:
        return instantiate(self.template, dict(zip(self.holders, map(S, self.names), strict=True)))

    def __call__(self) -> Formulas:
        chain, shown = self.extra() if self.extra is not None else (None, None)
        return self.formula(), chain, shown

    def kernel(self, env: Mapping[str, Value], ops: Ops) -> Value:
        if ops is not FLOAT:
            raise Declined
        if self.run is not None:
            try:
                return self.run([env[n] for n in self.names])
            except (Unfaithful, KeyError):
                raise Declined from None
        try:
            values = {h.name: env[n] for h, n in zip(self.holders, self.names, strict=True)}
            return ops.done(_STRICT.evaluate(self.template, values))
        except (EvaluationError, KeyError):
            raise Declined from None


def literal(expr: sp.Expr, extra: Extra | None = None) -> Filled:
    """A step whose template is ``expr`` itself, over its own symbols."""
    symbols = tuple(sorted(expr.free_symbols, key=str))
    made = (expr, symbols, compile_float(expr, symbols))
    return Filled(made, tuple(s.name for s in symbols), extra)


def filled(key: Hashable, build: Build, names: Sequence[str], extra: Extra | None = None) -> Filled:
    """``build`` over symbols named ``names``, made once per ``key`` and order of the names."""
    distinct = tuple(dict.fromkeys(names))  # a tuple of strings: the collector stops tracking it
    order = sorted(range(len(distinct)), key=distinct.__getitem__)
    rank = [0] * len(distinct)
    for r, i in enumerate(order):
        rank[i] = r
    made = _made.get((key, tuple(rank)))
    if made is None:
        holders = tuple(sp.Symbol(f"_{r:06d}") for r in rank)  # compare as the names do
        where = dict(zip(distinct, holders, strict=True))
        template = build([where[n] for n in names])
        made = _made[(key, tuple(rank))] = (template, holders, compile_float(template, holders))
    return Filled(made, distinct, extra)


def instantiate(expr: sp.Basic, names: dict[sp.Symbol, sp.Symbol]) -> sp.Basic:
    """``expr`` with symbols replaced, every node rebuilt as it is, never evaluated again."""
    if expr.is_Symbol:
        return names.get(expr, expr)
    if not expr.args:
        return expr
    args = [instantiate(a, names) for a in expr.args]
    if expr.is_Add or expr.is_Mul:
        return type(expr)._from_args(args)
    if isinstance(expr, sp.Piecewise | sp.Pow | sp.Function | sp.core.relational.Relational):
        return expr.func(*args, evaluate=False)
    return expr.func(*args)  # ExprCondPair, Tuple: containers, nothing to evaluate


def activation(name: str, slope: float, zs: Sequence[str]) -> list[Filled]:
    """A layer's outputs over its weighted sums (functions.ACTIVATIONS[name].sympy), each shown
    as σ(z) where the activation is elementwise."""
    act = ACTIVATIONS[name]
    if act.elementwise:
        one = ("activation", name, slope)
        return [
            filled(one, lambda z: act.sympy(z, slope)[0], [z], _Shown(act.symbol, z)) for z in zs
        ]
    key = ("activation", name, slope, len(zs))

    def output(j: int) -> Build:
        return lambda z: act.sympy(z, slope)[j]

    return [filled((*key, j), output(j), zs) for j in range(len(zs))]


class _Shown:
    """σ(z) (or σ'(z) as a chain rule), made when the step is read."""

    __slots__ = ("as_chain", "symbol", "z")

    def __init__(self, symbol: str, z: str, *, as_chain: bool = False) -> None:
        self.symbol, self.z, self.as_chain = symbol, z, as_chain

    def __call__(self) -> tuple[sp.Expr | None, sp.Expr | None]:
        applied = sp.Function(self.symbol)(S(self.z))
        return (applied, None) if self.as_chain else (None, applied)


def cost(name: str, outputs: Sequence[str], targets: Sequence[str]) -> Filled:
    n = len(outputs)
    return filled(
        ("cost", name, n), lambda s: COSTS[name].sympy(s[:n], s[n:]), [*outputs, *targets]
    )


def cost_derivative(name: str, outputs: Sequence[str], targets: Sequence[str], j: int) -> Filled:
    """∂C/∂O_j, tidied: sympy.diff of the cost over the output's symbol. Where it involves only
    O_j and y_j (a sum of one term per output), one template serves every output."""
    n = len(outputs)
    if _separable(name, n):
        pair = [outputs[j], targets[j]]
        return filled(("dcost", name, n), lambda s: _derivative(name, n, s, 0), pair)
    every = [*outputs, *targets]
    return filled(("dcost", name, n, j), lambda s: _derivative(name, n, s, j), every)


def _derivative(name: str, n: int, symbols: list[sp.Symbol], j: int) -> sp.Expr:
    """∂C/∂(output j); with only two symbols, the others are placeholders of their own."""
    if len(symbols) == 2:
        others = [sp.Dummy() for _ in range(2 * n - 2)]
        a, y = [symbols[0], *others[: n - 1]], [symbols[1], *others[n - 1 :]]
    else:
        a, y = symbols[:n], symbols[n:]
    return tidy(sp.diff(COSTS[name].sympy(a, y), a[j]))


@cache
def _separable(name: str, n: int) -> bool:
    """Whether ∂C/∂a_j is one expression in a_j and y_j, the same for every j."""
    a, y = sp.symbols(f"a:{n}"), sp.symbols(f"y:{n}")
    cost = COSTS[name].sympy(list(a), list(y))
    first = sp.diff(cost, a[0])
    return all(
        sp.diff(cost, a[j]) == first.xreplace({a[0]: a[j], y[0]: y[j]}) for j in range(n)
    ) and bool(first.free_symbols <= {a[0], y[0]})


def local_derivative(
    name: str, slope: float, *, i_out: str, j_out: str, j_z: str, diagonal: bool
) -> Filled:
    """∂O_i/∂z_j (derivatives.activation_derivative) over the names given; an elementwise
    activation's chain rule is σ'(z)."""

    def build(s: list[sp.Symbol]) -> sp.Expr:
        z, a_i, a_j = (x.name for x in s)
        return activation_derivative(name, slope, i_out=a_i, j_out=a_j, j_z=z, diagonal=diagonal)

    act = ACTIVATIONS[name]
    extra = _Shown(act.symbol + "'", j_z, as_chain=True) if act.elementwise else None
    return filled(("local", name, slope, diagonal), build, [j_z, i_out, j_out], extra)
