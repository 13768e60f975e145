"""The derivation as rich tables (``derive explain``): returns a renderable, never prints."""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..derivation.names import display, gradient, updated_param
from ..derivation.quantity import (
    AVERAGE,
    BACKWARD,
    COST,
    FORWARD,
    GIVEN,
    UPDATE,
    Derivation,
    Quantity,
    Section,
)
from ..derivation.selection import of_example
from ..spec.notation import layer_label
from .outline import layer_rows, overview
from .plain import TextPrinter
from .safe import safe_text
from .tables import house_table
from .values import exact_note, number_text, value_lookup, value_text


def render(derivation: Derivation, *, example: int | None = None) -> RenderableType:
    """All tables; with ``example`` (1-based) only that example's forward and backward steps."""
    kept = None if example is None else of_example(derivation, example)

    def section(name: Section) -> list[Quantity]:
        return [q for q in derivation.section(name) if kept is None or q.name in kept]

    parts: list[RenderableType] = [_heading(derivation), _network(derivation)]
    parts += [_given(derivation, section(GIVEN))]
    parts += [_formula_table(derivation, "Forward pass", section(FORWARD))]
    parts += [_formula_table(derivation, "Cost", section(COST))]
    parts += [_steps(derivation, section(BACKWARD), "Backward pass (chain rule)")]
    if derivation.section(AVERAGE):
        title = "Average over the examples: C = (1/n) Σ Cₓ"
        parts += [_steps(derivation, derivation.section(AVERAGE), title)]
    parts += [_updates(derivation)]
    return Group(*parts)


def _table(title: str, *columns: str) -> Table:
    return house_table(title, *columns, right=("Value", "Step", "Old", "New"))


_ARITHMETIC = {"exact": "exact arithmetic", "rounded": "hand rounding carried"}


def _heading(d: Derivation) -> Text:
    o = overview(d)
    lines = [
        Text(safe_text(o.title), style="bold"),
        Text(
            f"{safe_text(o.source)} · notation {o.style} (start {o.start}) · "
            f"cost {o.cost} = {o.cost_doc} · {_count(o.examples, 'example')}"
        ),
        Text(f"{_ARITHMETIC.get(o.arithmetic, o.arithmetic)}, shown to {d.decimals} decimals"),
    ]
    return Text("\n").join(lines)


def _network(d: Derivation) -> Table:
    table = _table("Network", "Layer", "Neurons", "Activation", "Weights", "Biases")
    table.add_row(layer_label(d.network, 0), str(d.network.inputs), "", "", "")
    for row in layer_rows(d):
        act, biases = row.activation, _span(row.biases) or "none"
        label, size = layer_label(d.network, row.index), str(row.size)
        table.add_row(label, size, f"{act.name}: {act.doc}", _span(row.weights), biases)
    return table


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _span(names: Sequence[str]) -> str:
    if len(names) <= 3:
        return ", ".join(names)
    return f"{names[0]} … {names[-1]} ({len(names)})"


def _given(d: Derivation, quantities: list[Quantity]) -> Table:
    """Given values grouped in a few rows (parameters by layer, η, each example's data)."""
    table = _table("Given values", "", "Values")
    groups: dict[str, list[str]] = {}
    params = set(d.parameters)
    for q in quantities:
        text = f"{display(q.name)} = {value_text(q, d.decimals)}"
        if isinstance(q.value, sp.Symbol) and q.value.name == q.name:
            number = f" = {number_text(q.exact, d.decimals, given=True)}" if q.exact else ""
            text = f"{display(q.name)}{number} (kept symbolic)"
        if q.name in params:
            key = f"layer {layer_label(d.network, d.layer_of(q.name)).split()[0]}"
        elif q.name == "eta":
            key = "learning rate"
        else:
            key = "data" if q.example is None else f"example {q.example}"
        groups.setdefault(key, []).append(text)
    for key, texts in groups.items():
        table.add_row(key, ",  ".join(texts))
    return table


def _cells(d: Derivation, q: Quantity) -> tuple[str, str, str]:
    """The formula over names, the same with numbers in, and the value."""
    expr = q.shown if q.shown is not None else q.formula
    assert expr is not None
    names, numbers = TextPrinter(display), TextPrinter(value_lookup(d))
    value = value_text(q, d.decimals)
    note = exact_note(q, d.decimals)
    return names.doprint(expr), numbers.doprint(expr), value + (f"\n({note})" if note else "")


def _formula_table(d: Derivation, title: str, quantities: list[Quantity]) -> Table:
    table = _table(title, "Quantity", "Formula", "Numbers", "Value")
    for q in quantities:
        table.add_row(display(q.name), *_cells(d, q))
    return table


def _steps(d: Derivation, quantities: list[Quantity], title: str) -> Table:
    table = _table(title, "Step", "Quantity", "Chain rule", "Formula", "Numbers", "Value")
    names = TextPrinter(display)
    for q in quantities:
        formula, numbers, value = _cells(d, q)
        chain = names.doprint(q.chain) if q.chain is not None else ""
        quantity = display(q.name) + "".join(f"\n= {display(a)} (∂z/∂b = 1)" for a in q.aliases)
        table.add_row(
            str(q.step), quantity, chain, "" if chain == formula else formula, numbers, value
        )
    return table


def _updates(d: Derivation) -> Table:
    eta = value_text(d["eta"], d.decimals)
    table = _table(
        f"Gradient descent, η = {eta}: new = old − η · ∂C/∂p",
        "Parameter",
        "Old",
        "Gradient",
        "Numbers",
        "New",
    )
    for q in d.section(UPDATE):
        param = updated_param(q.name)
        assert param is not None
        grad = gradient(param)
        _, numbers, new = _cells(d, q)
        table.add_row(
            param,
            value_text(d[param], d.decimals),
            f"{display(grad)} = {value_text(d[grad], d.decimals)}",
            numbers,
            new,
        )
    return table
