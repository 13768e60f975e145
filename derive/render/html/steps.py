"""The rows of the HTML page's tables: the forward pass, the cost, every chain-rule step and the
updates, as the terminal shows them, with the math as MathML.

Each row carries ``data-quantity`` (its name) and ``data-uses`` (the quantities its formula and
chain rule use, from ``Derivation.depends_on``): the page's script highlights those on hover.
"""

from __future__ import annotations

from collections.abc import Callable

from ...derivation.names import gradient, updated_param
from ...derivation.quantity import Derivation, Quantity
from ...derivation.words import Sentence, Words
from ..values import exact_note
from .markup import el, names_attribute, text
from .mathml import MathPrinter, inline_math, name_math, names_printer, numbers_printer, value_math

STEP_HEADERS = ("Step", "Quantity", "Chain rule", "Formula", "Numbers", "Value")
FORMULA_HEADERS = ("Quantity", "Formula", "Numbers", "Value")
UPDATE_HEADERS = ("Parameter", "Old", "Gradient", "Numbers", "New")
NUMERIC = ("Step", "Value", "Old", "New")


class Cells:
    """The MathML of one derivation's cells, with the printers made once."""

    def __init__(self, d: Derivation, *, why: bool = False) -> None:
        self.d = d
        self.words = Words(d) if why else None  # --why: a sentence under each step
        self.names: MathPrinter = names_printer(d.decimals)
        self.numbers: MathPrinter = numbers_printer(d)

    def formula(self, q: Quantity) -> tuple[str, str]:
        """The formula over names, and the same with the numbers in."""
        expr = q.shown if q.shown is not None else q.formula
        if expr is None:
            return "", ""
        return self.names.math(expr), self.numbers.math(expr)

    def value(self, q: Quantity) -> str:
        """The value, with the exact one beside a drifted hand value (or the number beside a
        symbolic value) on a second line."""
        note = exact_note(q, self.d.decimals)
        shown = value_math(self.d, q.name)
        return shown + (el("div", text(f"({note})"), class_="note") if note else "")

    def chain(self, q: Quantity) -> str:
        return self.names.math(q.chain) if q.chain is not None else ""


def row(
    d: Derivation,
    q: Quantity,
    cells: list[str],
    *,
    numeric: tuple[int, ...] = (),
    band: bool = False,
) -> str:
    """One quantity's row, marked with its name and the names it uses (``band``: shaded)."""
    uses = d.depends_on(q.name, chain=True)
    shown = "".join(
        el("td", c, class_="num" if i in numeric else None) for i, c in enumerate(cells)
    )
    return el(
        "tr",
        shown,
        id=f"step-{q.step}" if q.step is not None else None,
        class_="q band" if band else "q",
        tabindex="0" if uses else None,
        data_quantity=q.name,
        data_step=str(q.step) if q.step is not None else None,
        data_uses=names_attribute(uses) if uses else None,
    )


def quantity_cell(q: Quantity) -> str:
    """The name, and each other name for the same value (∂C/∂b3 beside ∂C/∂z3)."""
    aliases = "".join(
        el("div", "= ", name_math(a), el("span", " (∂z/∂b = 1)", class_="note")) for a in q.aliases
    )
    return name_math(q.name) + aliases


def formula_rows(cells: Cells, quantities: list[Quantity]) -> list[str]:
    out = []
    for q in quantities:
        formula, numbers = cells.formula(q)
        out.append(
            row(cells.d, q, [name_math(q.name), formula, numbers, cells.value(q)], numeric=(3,))
        )
    return out


def step_rows(cells: Cells, quantities: list[Quantity]) -> list[str]:
    out = []
    for i, q in enumerate(quantities):
        formula, numbers = cells.formula(q)
        chain = cells.chain(q)
        shown = [
            str(q.step),
            quantity_cell(q),
            chain,
            "" if chain == formula else formula,  # the chain rule is the formula: once
            numbers,
            cells.value(q),
        ]
        out.append(row(cells.d, q, shown, numeric=(0, 5), band=i % 2 == 1))
        if cells.words is not None:
            why = el("td", words(cells.words(q)), colspan=str(len(shown) - 1))
            out.append(el("tr", "<td></td>", why, class_="why band" if i % 2 else "why"))
    return out


def words(sentence: Sentence) -> str:
    """A step's sentence: its words as text, the names in it as math."""
    return "".join(text(p) if isinstance(p, str) else inline_math(p.name) for p in sentence)


def update_rows(cells: Cells, quantities: list[Quantity]) -> list[str]:
    out = []
    d = cells.d
    for q in quantities:
        param = updated_param(q.name)
        assert param is not None  # every quantity of the update section is new_<parameter>
        grad = gradient(param)
        _, numbers = cells.formula(q)
        shown = [
            name_math(param),
            value_math(d, param),
            name_math(grad) + " = " + value_math(d, grad),
            numbers,
            cells.value(q),
        ]
        out.append(row(d, q, shown, numeric=(1, 4)))
    return out


RowMaker = Callable[[Cells, list[Quantity]], list[str]]
