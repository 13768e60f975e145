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

from ..derivation.names import gradient, updated
from ..derivation.quantity import Derivation, Quantity
from ..numbers.rounding import format_number
from ..spec.notation import layer_label
from .classes import render as classes
from .legend import legend_text
from .outline import layer_rows
from .safe import safe_text
from .steps import step_table
from .tables import ByWidth, fill, house_table
from .values import value_text

SUMMARY_STEPS = 200  # more backward steps than this: a summary in the terminal unless full
LARGEST = 10  # gradients listed in the summary


_LEFT = ("Quantity", "Chain rule", "Activation", "Layer", "Parameter")


def _table(title: str, *columns: str) -> Table:
    return house_table(title, *columns, right=[c for c in columns if c not in _LEFT])


def steps_table(d: Derivation, chosen: list[Quantity], *, why: bool = False) -> RenderableType:
    """The chosen quantities in full: formula over names, with numbers in, and value (``why``:
    each numbered step's sentence under it)."""
    return step_table(d, chosen, f"{len(chosen):,} chosen quantities", why=why)


def _magnitude(value: Any) -> float | None:
    try:
        return abs(float(value))
    except (TypeError, ValueError):
        return None  # a symbolic value has no size


def _norm(d: Derivation, names: list[str]) -> str:
    if not names:
        return "—"
    if d.general:  # not worked out only to find they have no size
        return "symbolic"
    sizes = [_magnitude(d.value(gradient(p))) for p in names]
    if any(s is None for s in sizes):
        return "symbolic"
    return format_number(math.sqrt(math.fsum(s * s for s in sizes if s is not None)), d.decimals)


def render(d: Derivation) -> RenderableType:
    """The large-network summary."""
    net = d.network
    sizes = "-".join(str(s) for s in net.sizes)
    facts = [
        safe_text(net.source),
        sizes,
        f"{len(d.parameters):,} parameters",
        f"{d.step_count:,} chain-rule steps",
        f"cost {net.cost} = {value_text(d['C'], d.decimals)}",
    ]
    example = f"{gradient(d.parameters[0])}*,C" if d.parameters else "C"
    advice = [
        f"A summary (more than {SUMMARY_STEPS} steps).",
        "Every step: --full or --format json;",
        f"chosen steps: --only '{example}' (globs on names);",
        "vector form: --view matrix.",
    ]
    title = safe_text(net.title)
    # narrower than the lines: break them between facts and between sentences, not inside
    head = ByWidth(
        lambda: Text(f"{title}\n{' · '.join(facts)}"),
        lambda width: Text(f"{title}\n{fill(facts, width, separator=' · ')}"),
    )
    hint = ByWidth(
        lambda: Text(" ".join(advice[:2]) + "\n" + " ".join(advice[2:])),
        lambda width: Text(fill(advice, width, separator=" ")),
    )
    story = classes(d)  # a classifier: its prediction and the cost per output
    notation = legend_text(d)  # layered: what w^l_jk means, said once
    extra = [x for x in (notation, _layers(d), story) if x is not None]
    return Group(head, *extra, _largest(d), hint)


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
    sized = [] if d.general else [(_magnitude(d.value(gradient(p))), p) for p in d.parameters]
    known = sorted(((s, p) for s, p in sized if s is not None), key=lambda sp: (-sp[0], sp[1]))
    title = f"Largest gradients (top {LARGEST} by |∂C/∂p|)"
    table = _table(title, "Parameter", "Layer", "p", "∂C/∂p", "New p")
    for _, p in known[:LARGEST]:
        cells = (d.value(p), d.value(gradient(p)), d.value(updated(p)))
        table.add_row(
            p, layer_label(d.network, d.layer_of(p)), *(format_number(v, d.decimals) for v in cells)
        )
    return table
