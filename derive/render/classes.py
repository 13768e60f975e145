"""A classifier's story: which class the network predicts, and what each output costs.

For a network whose outputs are classes (the file gives ``labels:``, or every target is one-hot
over two or more outputs) the terminal shows, per example, each output neuron by its label
("a4_3 (digit 2)"), its activation and target, the part of the cost it adds, and the predicted
class, the output that fires most. With several examples it says in words what SGD does with
them: C is the mean of the examples' costs, so each gradient is the mean of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..derivation.names import DATA_COST, per_example
from ..derivation.quantity import Derivation
from ..functions import COSTS
from ..numbers.rounding import format_number
from ..spec.network import Network
from ..spec.notation import namer_for
from .tables import house_table

Terms = tuple[tuple[int, Any], ...]  # (output index, the cost's part for that output) in order


@dataclass(frozen=True)
class Outcome:
    """One example's outputs as a classifier reads them."""

    example: int | None  # 1-based; None when the file has one example
    names: tuple[str, ...]  # the output neurons' quantities, a4_1 … (a4_1[2] in example 2)
    outputs: tuple[float, ...]
    targets: tuple[float, ...]
    terms: tuple[float, ...] | None  # the cost per output, when the cost is a sum over them
    cost: float

    @property
    def predicted(self) -> int:
        """The output that fires most (the first of equals)."""
        return max(range(len(self.outputs)), key=lambda j: (self.outputs[j], -j))

    @property
    def target(self) -> int | None:
        hot = [j for j, y in enumerate(self.targets) if y == 1]
        return hot[0] if len(hot) == 1 and sum(self.targets) == 1 else None


def is_classifier(network: Network) -> bool:
    """Outputs that are classes: labels given, or one-hot targets over 2+ outputs."""
    if network.sizes[-1] < 2 or not COSTS[network.cost].targets:
        return False
    return bool(network.labels) or all(_one_hot(e.target) for e in network.examples)


def _one_hot(target: tuple[Any, ...]) -> bool:
    numbers = [t for t in target if not isinstance(t, str)]
    return len(numbers) == len(target) and sorted(float(t) for t in numbers)[-2:] == [0.0, 1.0]


def output_name(network: Network, name: str, j: int) -> str:
    """'a4_3 (digit 2)' where the file labels its outputs, else the name alone."""
    label = network.output_label(j)
    return name if label is None else f"{name} ({label})"


def outcomes(d: Derivation, *, per_output: bool = True) -> list[Outcome] | None:
    """Each example's outcome; None for a network that is no classifier or has symbols left.
    ``per_output``: with each output's part of the cost (SymPy works each out: a table of a
    mini-batch does not show them)."""
    net = d.network
    if not is_classifier(net):
        return None
    count = len(net.examples)
    found = [_outcome(d, None if count == 1 else k, per_output) for k in range(1, count + 1)]
    return None if any(o is None for o in found) else [o for o in found if o is not None]


def _outcome(d: Derivation, example: int | None, per_output: bool) -> Outcome | None:
    net, namer = d.network, namer_for(d.network)
    outputs = range(net.sizes[-1])
    names = tuple(per_example(namer.act(net.depth, j), example) for j in outputs)
    targets = [per_example(namer.target(j), example) for j in outputs]
    cost = per_example(DATA_COST if DATA_COST in d else "C", example)
    try:
        a = tuple(_float(d[n].value) for n in names)
        y = tuple(_float(d[n].value) for n in targets)
        c = _float(d[cost].value)
    except (TypeError, ValueError):
        return None  # a symbolic output has no largest
    parts = _terms(net.cost, len(a)) if per_output else None
    terms = None if parts is None else tuple(_part(parts[j], a[j], y[j]) for j in outputs)
    return Outcome(example, names, a, y, terms, c)


def _float(value: Any) -> float:
    return float(value) if isinstance(value, Decimal | float | int) else float(value.evalf())


@cache
def _terms(cost: str, n: int) -> tuple[Any, ...] | None:
    """The cost of one example as Σⱼ termⱼ(aⱼ, yⱼ), each term in the symbols a and y; None when
    the cost does not split that way (then there is no cost per output)."""
    import sympy as sp

    a, y = sp.symbols(f"a:{n}"), sp.symbols(f"y:{n}")
    whole = sp.expand(COSTS[cost].sympy(list(a), list(y)))
    parts: list[Any] = [sp.Integer(0)] * n
    for term in sp.Add.make_args(whole):
        owners = {i for i in range(n) if term.has(a[i]) or term.has(y[i])}
        if len(owners) != 1:
            return None
        (i,) = owners
        parts[i] += term
    a0, y0 = sp.symbols("a y")
    return tuple(p.subs({a[i]: a0, y[i]: y0}, simultaneous=True) for i, p in enumerate(parts))


def _part(term: Any, a: float, y: float) -> float:
    import sympy as sp

    a0, y0 = sp.symbols("a y")
    if y == 0:  # y · ln a with y = 0 is 0 even where ln a is not finite
        term = term.subs(y0, 0)
    return float(term.subs({a0: a, y0: y}))


def render(d: Derivation) -> RenderableType | None:
    """The classifier's story, or None for a network that is no classifier."""
    found = outcomes(d, per_output=len(d.network.examples) == 1)  # only one example shows them
    if found is None:
        return None
    if len(found) == 1:
        return Group(_per_output(d, found[0]), Text(_verdict(d, found[0])))
    return Group(_per_example(d, found), Text(_average(d, found)))


def _per_output(d: Derivation, o: Outcome) -> Table:
    title = "Outputs as classes (cost per output)"
    table = house_table(title, "Output", "a", "y", "Cost", right=("a", "y", "Cost"))
    for j, name in enumerate(o.names):
        mark = "  ← predicted" if j == o.predicted else ""
        cost = "" if o.terms is None else format_number(o.terms[j], d.decimals)
        table.add_row(
            output_name(d.network, name, j) + mark,
            format_number(o.outputs[j], d.decimals),
            f"{o.targets[j]:g}",  # a target as the file gives it: 0 or 1
            cost,
        )
    if o.terms is not None:
        total = 0.0
        for term in o.terms:  # in output order, as the table lists them
            total += term
        cost = DATA_COST if DATA_COST in d else "C"  # the data's cost, before regularization
        table.add_row(f"sum = {cost}", "", "", format_number(total, d.decimals))
    return table


def _verdict(d: Derivation, o: Outcome) -> str:
    net, p = d.network, o.predicted
    said = (
        f"Predicted class: {output_name(net, o.names[p], p)}, the output that fires most "
        f"({format_number(o.outputs[p], d.decimals)})"
    )
    if o.target is None:
        return said + "."
    right = "right" if o.target == p else "wrong"
    return f"{said}; the target is {output_name(net, o.names[o.target], o.target)}: {right}."


def _per_example(d: Derivation, found: list[Outcome]) -> Table:
    columns = ("Example", "Predicted", "Target", "Right", "Cₓ")
    table = house_table("Examples as classes", *columns, right=("Cₓ",))
    for o in found:
        p, t = o.predicted, o.target
        target = "" if t is None else output_name(d.network, o.names[t], t)
        right = "" if t is None else ("yes" if t == p else "no")
        cells = (str(o.example), output_name(d.network, o.names[p], p), target, right)
        table.add_row(*cells, format_number(o.cost, d.decimals))
    return table


def _average(d: Derivation, found: list[Outcome]) -> str:
    m = len(found)
    right = sum(1 for o in found if o.target == o.predicted)
    mean = d[DATA_COST if DATA_COST in d else "C"].value  # the derivation's own mean
    costs = " + ".join(format_number(o.cost, d.decimals) for o in found)
    return (
        f"{right} of {m} right. As SGD takes a mini-batch of m = {m}: "
        f"C = (1/m) Σₓ Cₓ = (1/{m}) · ({costs}) = {format_number(mean, d.decimals)}, "
        f"so each gradient is the mean of the examples' gradients, "
        f"∂C/∂w = (1/m) Σₓ ∂Cₓ/∂w, and one step moves w by −η times that mean."
    )
