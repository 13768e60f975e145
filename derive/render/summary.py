"""The terminal's summary of a large network, and the table of chosen steps.

A large network (more than ``SUMMARY_STEPS`` backward steps; 784-16-16-10 has 13,086) gets a
summary instead of thousands of rows: a layer table with parameter counts and gradient norms, the
cost and the largest gradients. ``--full`` forces the full tables; JSON is always complete.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..derivation.names import display, gradient, updated
from ..derivation.quantity import Derivation, Quantity
from ..numbers.rounding import format_number
from ..spec.notation import layer_label
from .outline import layer_rows
from .plain import TextPrinter
from .safe import safe_text
from .tables import house_table
from .values import value_lookup, value_text

SUMMARY_STEPS = 200  # more backward steps than this: a summary in the terminal unless full
LARGEST = 10  # gradients listed in the summary


_LEFT = ("Quantity", "Chain rule", "Activation", "Layer", "Parameter")


def _table(title: str, *columns: str) -> Table:
    return house_table(title, *columns, right=[c for c in columns if c not in _LEFT])


def steps_table(d: Derivation, chosen: list[Quantity]) -> Table:
    """The chosen quantities in full: formula over names, with numbers in, and value."""
    table = _table(f"{len(chosen)} chosen quantities", "Step", "Quantity", "Chain rule")
    table.add_column("Formula", overflow="fold")
    table.add_column("Numbers", overflow="fold")
    table.add_column("Value", justify="right")
    names, numbers = TextPrinter(display), TextPrinter(value_lookup(d))
    for q in chosen:
        expr = q.shown if q.shown is not None else q.formula
        formula = names.doprint(expr) if expr is not None else ""
        chain = names.doprint(q.chain) if q.chain is not None else ""
        table.add_row(
            "" if q.step is None else str(q.step),
            display(q.name) + "".join(f" = {display(a)}" for a in q.aliases),
            chain,
            "" if formula == chain else formula,
            numbers.doprint(expr) if expr is not None else "",
            value_text(q, d.decimals),
        )
    return table


def _magnitude(value: Any) -> float | None:
    try:
        return abs(float(value))
    except (TypeError, ValueError):
        return None  # a symbolic value has no size


def _norm(d: Derivation, names: list[str]) -> str:
    sizes = [_magnitude(d[gradient(p)].value) for p in names]
    if not names:
        return "—"
    if any(s is None for s in sizes):
        return "symbolic"
    return format_number(math.sqrt(math.fsum(s * s for s in sizes if s is not None)), d.decimals)


def render(d: Derivation) -> RenderableType:
    """The large-network summary."""
    net = d.network
    sizes = "-".join(str(s) for s in net.sizes)
    head = Text(
        f"{safe_text(net.title)}\n{safe_text(net.source)} · {sizes} · "
        f"{len(d.parameters):,} parameters · {len(d.steps):,} chain-rule steps · cost {net.cost} = "
        f"{value_text(d['C'], d.decimals)}"
    )
    example = f"{gradient(d.parameters[0])}*,C" if d.parameters else "C"
    hint = Text(
        f"A summary (more than {SUMMARY_STEPS} steps). Every step: --full or --format json;\n"
        f"chosen steps: --only '{example}' (globs on names); vector form: --view matrix."
    )
    return Group(head, _layers(d), _largest(d), hint)


def _layers(d: Derivation) -> Table:
    table = _table("Layers", "Layer", "Neurons", "Activation", "Weights", "Biases")
    for column in ("‖∂C/∂W‖", "‖∂C/∂b‖"):
        table.add_column(column, justify="right")
    table.add_row(layer_label(d.network, 0), str(d.network.sizes[0]), "", "", "", "", "")
    for row in layer_rows(d):
        weights, biases = list(row.weights), list(row.biases)
        table.add_row(
            layer_label(d.network, row.index),
            str(row.size),
            row.activation.name,
            f"{len(weights):,}",
            f"{len(biases):,}",
            _norm(d, weights),
            _norm(d, biases),
        )
    return table


def _largest(d: Derivation) -> Table:
    sized = [(_magnitude(d[gradient(p)].value), p) for p in d.parameters]
    known = sorted(((s, p) for s, p in sized if s is not None), key=lambda sp: (-sp[0], sp[1]))
    title = f"Largest gradients (top {LARGEST} by |∂C/∂p|)"
    table = _table(title, "Parameter", "Layer", "p", "∂C/∂p", "New p")
    for _, p in known[:LARGEST]:
        cells = (d[p].value, d[gradient(p)].value, d[updated(p)].value)
        table.add_row(
            p, layer_label(d.network, d.layer_of(p)), *(format_number(v, d.decimals) for v in cells)
        )
    return table
