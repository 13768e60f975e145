"""The derivation as rich tables (``derive explain``): returns a renderable, never prints."""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..derivation.names import display, gradient, moved_param, updated_param
from ..derivation.quantity import (
    AVERAGE,
    BACKWARD,
    COST,
    FORWARD,
    GIVEN,
    REGULARIZATION,
    UPDATE,
    Derivation,
    Quantity,
    Section,
)
from ..derivation.selection import of_example
from ..numbers.rounding import places
from ..spec.notation import layer_label
from .classes import render as classes
from .legend import legend_text
from .outline import digits_text, layer_rows, overview
from .safe import safe_text
from .steps import RIGHT, formula_cells, noted, numbers_printer, step_table
from .tables import ByWidth, fill, house_table, table_of
from .values import drawn_names, number_text, value_text


def render(
    derivation: Derivation, *, example: int | None = None, why: bool = False
) -> RenderableType:
    """All tables; with ``example`` (1-based) only that example's forward and backward steps;
    ``why`` writes each step's sentence under it."""
    kept = None if example is None else of_example(derivation, example)
    title = "Backward pass (chain rule)"

    def section(name: Section) -> list[Quantity]:
        return [q for q in derivation.section(name) if kept is None or q.name in kept]

    notation = legend_text(derivation)  # layered: what w^l_jk means, said once
    parts: list[RenderableType] = [_heading(derivation), *filter(None, [notation])]
    parts += [_network(derivation)]
    parts += [_given(derivation, section(GIVEN))]
    parts += [_formula_table(derivation, "Forward pass", section(FORWARD))]
    parts += [_formula_table(derivation, "Cost", section(COST))]
    story = classes(derivation) if kept is None else None  # a classifier's prediction
    parts += [] if story is None else [story]
    parts += [step_table(derivation, section(BACKWARD), title, why=why)]
    if derivation.section(AVERAGE):
        title = "Average over the m examples: C = (1/m) Σₓ Cₓ"
        parts += [step_table(derivation, derivation.section(AVERAGE), title, why=why)]
    if derivation.section(REGULARIZATION):
        title = "Regularization: C = C0 + (λ/2) Σ w², so ∂C/∂w = ∂C0/∂w + λ · w"
        parts += [step_table(derivation, derivation.section(REGULARIZATION), title, why=why)]
    parts += [_updates(derivation)]
    return Group(*parts)


def _table(title: str, *columns: str) -> Table:
    return house_table(title, *columns, right=RIGHT)


_ARITHMETIC = {"exact": "exact arithmetic", "rounded": "hand rounding carried"}


def _heading(d: Derivation) -> ByWidth:
    o = overview(d)
    where = f"{safe_text(o.source)} · notation {o.style} (start {o.start})"
    what = f"cost {o.cost} = {o.cost_doc} · {_count(o.examples, 'example')}"
    arithmetic = _ARITHMETIC.get(o.arithmetic, o.arithmetic) + digits_text(d)
    how = f"{arithmetic}, shown to {places(d.decimals)}"

    def lines(*middle: str) -> Text:
        return Text("\n").join([Text(safe_text(o.title), style="bold"), *map(Text, middle)])

    return ByWidth(lambda: lines(f"{where} · {what}", how), lambda _: lines(where, what, how))


def _network(d: Derivation) -> ByWidth:
    def table(doc: bool) -> Table:
        table = _table("Network", "Layer", "Neurons", "Activation", "Weights", "Biases")
        table.add_row(layer_label(d.network, 0), str(d.network.inputs), "", "", "")
        for row in layer_rows(d):
            act, biases = row.activation, _span(row.biases) or "none"
            label, size = layer_label(d.network, row.index), str(row.size)
            activation = f"{act.name}: {act.doc}" if doc else act.name
            table.add_row(label, size, activation, _span(row.weights), biases)
        return table

    return ByWidth(lambda: table(doc=True), lambda _: table(doc=False))


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n:,} {word}s"


def _span(names: Sequence[str]) -> str:
    if len(names) <= 3:
        return ", ".join(names)
    return f"{names[0]} … {names[-1]} ({len(names):,})"


def _given(d: Derivation, quantities: list[Quantity]) -> ByWidth:
    """Given values grouped in a few rows (parameters by layer, η, each example's data); where
    a row does not fit, it breaks between values, never inside one."""
    groups: dict[str, list[str]] = {}
    params, drawn = set(d.parameters), drawn_names(d.network)
    for q in quantities:
        text = f"{display(q.name)} = {value_text(q, d.decimals, drawn=drawn)}"
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

    def layout(width: int | None) -> RenderableType:
        room = None if width is None else width - max(map(cell_len, groups)) - 5
        rows = [
            (key, ",  ".join(texts) if room is None else fill(texts, room))
            for key, texts in groups.items()
        ]
        lines = sum(text.count("\n") + 1 for _, text in rows)  # a row per layer, 12,544 values
        return table_of("Given values", ("", "Values"), rows, right=RIGHT, among=lines)

    return ByWidth(lambda: layout(None), layout, fill=True)


def _formula_table(d: Derivation, title: str, quantities: list[Quantity]) -> ByWidth:
    """Quantity, formula, numbers, value; where that does not fit, formula = numbers in one
    column, the numbers under the formula where the two do not fit on one line."""
    rows = [(display(q.name), *formula_cells(d, q)) for q in quantities]

    def wide() -> RenderableType:
        # a weighted sum of 784 inputs folds onto a hundred lines: count those, not the rows
        lines = sum(max(map(cell_len, row)) // 60 + 1 for row in rows)
        columns = ("Quantity", "Formula", "Numbers", "Value")
        wrap = ("Formula", "Numbers")
        return table_of(title, columns, rows, right=RIGHT, among=lines, wrap=wrap)

    def compact(width: int) -> Table:
        table = _table(title, "Quantity", "Formula = numbers")
        table.add_column("Value", justify="right", vertical="bottom")
        # what the other columns take: the widest cell or header, and 3 spaces between columns
        names = max(cell_len(r[0]) for r in [("Quantity", "", "", "Value"), *rows])
        values = max(cell_len(line) for r in rows for line in r[3].splitlines())
        room = width - names - max(values, len("Value")) - 8
        for quantity, formula, numbers, value in rows:
            both = formula if formula == numbers else f"{formula} = {numbers}"
            stacked = both if cell_len(both) <= room else f"{formula}\n= {numbers}"
            table.add_row(quantity, stacked, value)
        return table

    return ByWidth(wide, compact)


def _updates(d: Derivation) -> ByWidth:
    """Each parameter: old, gradient, the numbers of old − η · gradient, new; where that does
    not fit, the numbers are left to the title's rule."""
    eta = value_text(d["eta"], d.decimals)
    title = f"Gradient descent, η = {eta}: new = old − η · ∂C/∂p"
    if "mu" in d:  # momentum: a velocity row (v_p) before each parameter's row
        mu = value_text(d["mu"], d.decimals)
        title = f"Momentum, μ = {mu}, η = {eta}: new v = μ · v − η · ∂C/∂p, new = old + new v"
    if d.frozen:
        title += f" (frozen, not updated: {', '.join(sorted(d.frozen))})"
    rows, drawn = [], drawn_names(d.network)
    for q in d.section(UPDATE):
        param = updated_param(q.name)
        assert param is not None
        terms = q.terms  # p − η·∂C/∂p, written from its names without building it
        if terms is not None:
            numbers = numbers_printer(d).sum_text(terms)
        else:
            numbers = numbers_printer(d).doprint(q.formula) if q.formula is not None else ""
        new = value_text(q, d.decimals) + noted(q, d.decimals)
        moved = gradient(moved_param(param))
        old = value_text(d[param], d.decimals, drawn=drawn)
        grad = value_text(d[moved], d.decimals)
        rows.append((param, old, grad, numbers, new))

    def wide() -> RenderableType:
        columns = ("Parameter", "Old", "Gradient", "Numbers", "New")
        cells = [
            (param, old, f"{display(gradient(moved_param(param)))} = {grad}", numbers, new)
            for param, old, grad, numbers, new in rows
        ]
        return table_of(title, columns, cells, right=RIGHT)

    def compact(_: int) -> RenderableType:
        columns = ("Parameter", "Old", "∂C/∂p", "New")
        cells = [(param, old, grad, new) for param, old, grad, _numbers, new in rows]
        return table_of(title, columns, cells, right=("Old", "∂C/∂p", "New"))

    return ByWidth(wide, compact)
