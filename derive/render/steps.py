"""A step's cells (the chain rule, the formula over names, the same with numbers in, the value)
and the step table of every layout: built once a step, placed by the layout the width allows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import RenderableType
from rich.text import Text

from ..derivation.names import display, is_partial
from ..derivation.quantity import Derivation, Quantity
from ..derivation.words import Words, plain
from .plain import TextPrinter
from .safe import safe_text
from .tables import ByWidth, table_of
from .values import exact_note, value_lookup, value_text

RIGHT = ("Value", "Step", "Old", "New")  # the numeric columns, right-aligned


_PRINTER: list[tuple[Derivation, TextPrinter]] = []  # the last derivation's, by identity


def numbers_printer(d: Derivation) -> TextPrinter:
    """The numbers printer of ``d``, made once, not once a step: its lookup lists the drawn
    numbers of the whole network (13,000 on the digit network), which made 13,000 steps
    quadratic."""
    if not _PRINTER or _PRINTER[0][0] is not d:
        _PRINTER[:] = [(d, TextPrinter(value_lookup(d)))]
    return _PRINTER[0][1]


def formula_cells(d: Derivation, q: Quantity) -> tuple[str, str, str]:
    """The formula over names, the same with numbers in, and the value."""
    names, numbers = TextPrinter(display), numbers_printer(d)
    factors = q.factors
    if factors is not None:  # a weight gradient: written from its names, not built
        value = value_text(q, d.decimals) + noted(q, d.decimals)
        return names.product_text(factors[0]), numbers.product_text(factors[0]), value
    expr = q.shown if q.shown is not None else q.formula
    if expr is None:  # a given value (chosen by --only) states no formula
        return "", "", value_text(q, d.decimals)
    value = value_text(q, d.decimals) + noted(q, d.decimals)
    return names.doprint(expr), numbers.doprint(expr), value


def noted(q: Quantity, decimals: int) -> str:
    note = exact_note(q, decimals)
    return f"\n({note})" if note else ""


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
    formula, numbers, value = formula_cells(d, q)
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
        return table_of(title, columns, rows, right=RIGHT)

    def layout(columns: tuple[str, ...], row: Callable[[StepCells], list[str]]) -> RenderableType:
        return table_of(title, columns, [row(c) for c in cells], right=RIGHT)

    wide = ("Step", "Quantity", "Chain rule", "Formula", "Numbers", "Value")
    compact = ("Step", "Quantity", "Rule", "Numbers", "Value")
    return ByWidth(
        lambda: layout(wide, _wide_row),
        lambda _: layout(compact, _compact_row),
        lambda _: layout(compact, _narrow_row),
    )
