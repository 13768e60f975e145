"""The derivation as rich tables (``derive explain``): returns a renderable, never prints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy as sp
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..derivation.names import display, gradient, is_partial, moved_param, updated_param
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
from ..derivation.words import Words, plain
from ..spec.notation import layer_label
from .classes import render as classes
from .legend import legend_text
from .outline import digits_text, layer_rows, overview
from .plain import TextPrinter
from .safe import safe_text
from .tables import ByWidth, fill, house_table, table_of
from .values import drawn_names, exact_note, number_text, value_lookup, value_text


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


_RIGHT = ("Value", "Step", "Old", "New")  # the numeric columns, right-aligned


def _table(title: str, *columns: str) -> Table:
    return house_table(title, *columns, right=_RIGHT)


_ARITHMETIC = {"exact": "exact arithmetic", "rounded": "hand rounding carried"}


def _heading(d: Derivation) -> ByWidth:
    o = overview(d)
    where = f"{safe_text(o.source)} · notation {o.style} (start {o.start})"
    what = f"cost {o.cost} = {o.cost_doc} · {_count(o.examples, 'example')}"
    arithmetic = _ARITHMETIC.get(o.arithmetic, o.arithmetic) + digits_text(d)
    how = f"{arithmetic}, shown to {d.decimals} decimals"

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
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _span(names: Sequence[str]) -> str:
    if len(names) <= 3:
        return ", ".join(names)
    return f"{names[0]} … {names[-1]} ({len(names)})"


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
        return table_of("Given values", ("", "Values"), rows, right=_RIGHT, among=lines)

    return ByWidth(lambda: layout(None), layout, fill=True)


_PRINTER: list[tuple[Derivation, TextPrinter]] = []  # the last derivation's, by identity


def _numbers(d: Derivation) -> TextPrinter:
    """The numbers printer of ``d``, made once, not once a step: its lookup lists the drawn
    numbers of the whole network (13,000 on the digit network), which made 13,000 steps
    quadratic."""
    if not _PRINTER or _PRINTER[0][0] is not d:
        _PRINTER[:] = [(d, TextPrinter(value_lookup(d)))]
    return _PRINTER[0][1]


def _cells(d: Derivation, q: Quantity) -> tuple[str, str, str]:
    """The formula over names, the same with numbers in, and the value."""
    names, numbers = TextPrinter(display), _numbers(d)
    factors = q.factors
    if factors is not None:  # a weight gradient: written from its names, not built
        value = value_text(q, d.decimals) + _noted(q, d.decimals)
        return names.product_text(factors[0]), numbers.product_text(factors[0]), value
    expr = q.shown if q.shown is not None else q.formula
    if expr is None:  # a given value (chosen by --only) states no formula
        return "", "", value_text(q, d.decimals)
    value = value_text(q, d.decimals) + _noted(q, d.decimals)
    return names.doprint(expr), numbers.doprint(expr), value


def _noted(q: Quantity, decimals: int) -> str:
    note = exact_note(q, decimals)
    return f"\n({note})" if note else ""


def _formula_table(d: Derivation, title: str, quantities: list[Quantity]) -> ByWidth:
    """Quantity, formula, numbers, value; where that does not fit, formula = numbers in one
    column, the numbers under the formula where the two do not fit on one line."""
    rows = [(display(q.name), *_cells(d, q)) for q in quantities]

    def wide() -> RenderableType:
        # a weighted sum of 784 inputs folds onto a hundred lines: count those, not the rows
        lines = sum(max(map(cell_len, row)) // 60 + 1 for row in rows)
        columns = ("Quantity", "Formula", "Numbers", "Value")
        wrap = ("Formula", "Numbers")
        return table_of(title, columns, rows, right=_RIGHT, among=lines, wrap=wrap)

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


@dataclass(frozen=True)
class StepCells:
    """What one step says, whatever the layout: a layout only chooses and places these."""

    step: str
    quantity: str
    aliases: tuple[str, ...]  # other names of the same value: ∂C/∂b3 for ∂C/∂z3
    chain: str  # the general chain rule; "" where the step states a formula only
    formula: str  # over names: what the numbers fill in
    numbers: str
    value: str
    rule: str  # one column's worth: the chain rule where the step applies it, else the formula


def step_cells(d: Derivation, q: Quantity) -> StepCells:
    """The one place a step's cells are built, for every layout of every step table."""
    formula, numbers, value = _cells(d, q)
    factors = q.factors
    if factors is not None:
        chain, applies = TextPrinter(display).product_text(factors[1]), True  # ∂C/∂z · ∂z/∂w
    else:
        chain = TextPrinter(display).doprint(q.chain) if q.chain is not None else ""
        # σ'(z3) is a chain entry too, but its numbers fill in the formula O3·(1 − O3), not it
        applies = q.chain is not None and all(is_partial(str(s)) for s in q.chain.free_symbols)
    return StepCells(
        step="" if q.step is None else str(q.step),
        quantity=display(q.name),
        aliases=tuple(display(a) for a in q.aliases),
        chain=chain,
        formula=formula,
        numbers=numbers,
        value=value,
        rule=chain if applies else formula,
    )


def _wide_row(c: StepCells) -> list[str]:
    quantity = c.quantity + "".join(f"\n= {a} (∂z/∂b = 1)" for a in c.aliases)
    return [
        c.step,
        quantity,
        c.chain,
        "" if c.chain == c.formula else c.formula,
        c.numbers,
        c.value,
    ]


def _compact_row(c: StepCells) -> list[str]:
    # the rule's factors line up with the numbers: ∂C/∂z3 · ∂z3/∂w6 beside -0.0631 · 0.9463
    return [c.step, " = ".join((c.quantity, *c.aliases)), c.rule, c.numbers, c.value]


def _narrow_row(c: StepCells) -> list[str]:
    """The compact row with an alias under the quantity: long names (∂C/∂z3_1 = ∂C/∂b3_1)."""
    return [c.step, "\n= ".join((c.quantity, *c.aliases)), c.rule, c.numbers, c.value]


def _why_row(c: StepCells, sentence: str) -> list[str | Text]:
    """--why: the step on one line (folded where long), its sentence on the next."""
    stages = (c.quantity, *c.aliases, c.chain, c.formula, c.numbers, c.value.replace("\n", " "))
    kept = [t for i, t in enumerate(stages) if t and (i == 0 or t != stages[i - 1])]
    line = " = ".join(kept)
    if not sentence:
        return [c.step, safe_text(line)]
    return [c.step, Text(safe_text(line) + "\n") + Text(sentence, style="italic")]


def step_table(
    d: Derivation, quantities: Sequence[Quantity], title: str, *, why: bool = False
) -> RenderableType:
    """One row per step: step, quantity, chain rule, formula, numbers, value; where that does
    not fit, the chain rule (or the formula, for a step that states one) beside the numbers.
    With ``why``, each step reads as one line with its sentence under it."""
    cells = [step_cells(d, q) for q in quantities]
    if why:
        words = Words(d)
        columns = ("Step", "Chain rule, numbers, value: and why")
        rows = [_why_row(c, plain(words(q))) for q, c in zip(quantities, cells, strict=True)]
        return table_of(title, columns, rows, right=_RIGHT)

    def layout(columns: tuple[str, ...], row: Callable[[StepCells], list[str]]) -> RenderableType:
        return table_of(title, columns, [row(c) for c in cells], right=_RIGHT)

    wide = ("Step", "Quantity", "Chain rule", "Formula", "Numbers", "Value")
    compact = ("Step", "Quantity", "Rule", "Numbers", "Value")
    return ByWidth(
        lambda: layout(wide, _wide_row),
        lambda _: layout(compact, _compact_row),
        lambda _: layout(compact, _narrow_row),
    )


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
        numbers = _numbers(d).doprint(q.formula) if q.formula is not None else ""
        new = value_text(q, d.decimals) + _noted(q, d.decimals)
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
        return table_of(title, columns, cells, right=_RIGHT)

    def compact(_: int) -> RenderableType:
        columns = ("Parameter", "Old", "∂C/∂p", "New")
        cells = [(param, old, grad, new) for param, old, grad, _numbers, new in rows]
        return table_of(title, columns, cells, right=("Old", "∂C/∂p", "New"))

    return ByWidth(wide, compact)
