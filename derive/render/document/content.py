"""What a typeset derivation says, independent of LaTeX or Markdown syntax.

The content is a list of blocks (headings, paragraphs, tables, equation groups) whose math is
LaTeX; the LaTeX and Markdown writers in this package only decide how each block is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from sympy import Symbol

from ...derivation.quantity import (
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
from ...numbers.rounding import places
from ...spec.notation import layer_label
from ..outline import digits_text, layer_rows, legend, legend_note, overview
from ..values import exact_note
from .blocks import (
    Block,
    Cell,
    Equation,
    Equations,
    Heading,
    Math,
    Para,
    Selection,
    Table,
    Text,
)
from .figure import network_figure, path_figure
from .math import (
    ROW_CHARS,
    names_printer,
    note_latex,
    numbers_printer,
    split_rows,
    value_latex,
    visible_width,
)
from .matrix import matrix_form
from .names import doc_latex, latex_name
from .scope import choose
from .why import with_reasons


def equation(d: Derivation, q: Quantity) -> Equation:
    """General chain rule = formula = numbers substituted = value, skipping repeated stages."""
    names, numbers = names_printer(d.decimals), numbers_printer(d)
    expr = q.shown if q.shown is not None else q.formula
    stages: list[tuple[str, ...]] = []
    if q.chain is not None:
        stages.append(tuple(split_rows(q.chain, names)))
    if expr is not None:
        stages.append(tuple(split_rows(expr, names)))
        stages.append(tuple(split_rows(expr, numbers)))
    value = value_latex(d, q.name)
    if stages and stages[-1] == (value,):  # a symbolic value its numbers already show
        stages.pop()
    stages.append((value + note_latex(exact_note(q, d.decimals)),))
    unique = [s for i, s in enumerate(stages) if i == 0 or s != stages[i - 1]]
    lhs = " = ".join(latex_name(n) for n in (q.name, *q.aliases))
    return Equation(lhs, tuple(unique), q.step)


def one_row(eq: Equation) -> bool:
    """Whether lhs = all stages fits on one display row."""
    if any(len(s) > 1 for s in eq.stages):
        return False
    return visible_width(eq.lhs + " = ".join(s[0] for s in eq.stages)) <= ROW_CHARS


def document(
    d: Derivation, *, only: str | None = None, example: int | None = None, why: bool = False
) -> list[Block]:
    """Every block of the typeset derivation: what ``only`` and ``example`` choose (a large
    network: a summary and one gradient's steps), then the vector form; ``why`` puts each
    step's sentence under it."""
    selection = choose(d, only, example)
    blocks = content(d, selection) + _chain_figure(d, selection) + matrix_form(d, selection)
    return with_reasons(d, blocks) if why else blocks


def _chain_figure(d: Derivation, selection: Selection) -> list[Block]:
    """Where one gradient's derivation is shown whole, the picture of its chain."""
    if selection.focus is None:
        return []
    return [Heading("The chain behind one gradient"), path_figure(d, selection.focus)]


def content(d: Derivation, selection: Selection) -> list[Block]:
    blocks: list[Block] = [*_network(d, selection)]
    forward = [q for q in d.section(FORWARD) if selection.keeps(q)]
    if forward:
        blocks.append(Heading("Forward pass"))
        for layer in sorted({q.layer or 0 for q in forward}):
            blocks.append(Heading(f"Layer {layer_label(d.network, layer)}", 2))
            blocks.append(_equations(d, [q for q in forward if (q.layer or 0) == layer]))
    blocks += _section(d, selection, COST, "Cost")
    blocks += _backward(d, selection)
    blocks += _section(d, selection, AVERAGE, "Average over the examples")
    blocks += _section(d, selection, REGULARIZATION, "Regularization")
    blocks += _updates(d, selection)
    return blocks


def _equations(d: Derivation, quantities: list[Quantity]) -> Equations:
    return Equations(tuple(equation(d, q) for q in quantities))


def _section(d: Derivation, selection: Selection, section: Section, title: str) -> list[Block]:
    chosen = [q for q in d.section(section) if selection.keeps(q)]
    return [Heading(title), _equations(d, chosen)] if chosen else []


def _backward(d: Derivation, selection: Selection) -> list[Block]:
    chosen = [q for q in d.section(BACKWARD) if selection.keeps(q)]
    if not chosen:
        return []
    blocks: list[Block] = [
        Heading("Backward pass (chain rule)"),
        Para(
            (
                Text(
                    "Each step: the general chain rule, the local derivatives put in, the "
                    "numbers, the value. Steps are numbered as in derive explain."
                ),
            )
        ),
    ]
    if selection.note:
        blocks.append(Para((Text(selection.note),)))
    groups: dict[tuple[int | None, int | None], list[Quantity]] = {}
    for q in chosen:
        groups.setdefault((q.example, q.layer), []).append(q)
    for (example, layer), group in groups.items():
        where = f"Layer {layer_label(d.network, layer or 0)}" + (
            f", example {example}" if example else ""
        )
        blocks += [Heading(where, 2), _equations(d, group)]
    return blocks


def _updates(d: Derivation, selection: Selection) -> list[Block]:
    chosen = [q for q in d.section(UPDATE) if selection.keeps(q)]
    if not chosen:
        return []
    rule = r"p^{\mathrm{new}} = p - \eta \cdot \frac{\partial C}{\partial p}"
    if "mu" in d:  # momentum: the velocity step first
        rule = r"v_p^{\mathrm{new}} = \mu \cdot v_p - \eta \cdot \frac{\partial C}{\partial p}"
        rule += r",\quad p^{\mathrm{new}} = p + v_p^{\mathrm{new}}"
    intro = Para(
        (
            Text("Gradient descent with "),
            _rate(d),
            Text(" updates each parameter "),
            Math("p"),
            Text(" by "),
            Math(rule),
            Text("."),
        )
    )
    frozen = [Para((Text(f"Frozen, not updated: {', '.join(sorted(d.frozen))}."),))]
    return [Heading("Gradient descent"), intro, *frozen[: bool(d.frozen)], _update_table(d, chosen)]


def _rate(d: Derivation) -> Math:
    """η = 0.5, or η alone when it is kept symbolic (never "η = η")."""
    eta = value_latex(d, "eta")
    return Math(r"\eta") if eta == latex_name("eta") else Math(rf"\eta = {eta}")


def _update_table(d: Derivation, chosen: list[Quantity]) -> Table | Equations:
    """Every update in one table, the rule above it once: the numbers put in, the new value.
    Symbolic updates too wide for a table row stay equations, split over display rows."""
    numbers = numbers_printer(d)
    rows = tuple(
        (
            Math(latex_name(q.name)),
            Math(numbers.doprint(q.formula) if q.formula is not None else ""),
            Math(value_latex(d, q.name) + note_latex(exact_note(q, d.decimals))),
        )
        for q in chosen
    )
    if max(visible_width(" ".join(c.latex for c in row)) for row in rows) > ROW_CHARS:
        return _equations(d, chosen)
    return Table(("Updated", "Numbers put in", "Value"), rows, "lll")


_ARITHMETIC = {
    "exact": "exact arithmetic",
    "rounded": "hand rounding carried",
    "symbolic": "symbolic arithmetic",
}


def _network(d: Derivation, selection: Selection) -> list[Block]:
    o = overview(d)
    # the file's name only: a path as typed can hold a home directory
    where = Text(f"Source: {PurePath(o.source).name}. Notation: {o.style} (start {o.start}). ")
    cost = (Text(f"Cost ({o.cost}): "), Math("C = " + doc_latex(o.cost_doc)))
    how = Text(
        f". {o.examples} example(s); "
        f"{_ARITHMETIC[o.arithmetic]}{digits_text(d)}, values shown to {places(d.decimals)}."
    )
    intro = Para((where, *cost, how))
    blocks: list[Block] = [Heading("Network and notation"), intro, *_legend(d), _layers(d)]
    blocks.append(network_figure(d))
    blocks += [Para((Text(f"Assumed: {note}."),)) for note in d.assumptions]
    if selection.large:
        return [*blocks, *selection.summary]
    return [*blocks, Heading("Given values", 2), _given_table(d, d.section(GIVEN))]


def _legend(d: Derivation) -> list[Block]:
    """Layered notation: what w^l_jk and its kin mean, once (outline.legend)."""
    rows = tuple(
        (Math(f"{s.letter}^{{{s.layer}}}_{{{s.neurons}}}"), Text(s.meaning)) for s in legend(d)
    )
    if not rows:
        return []
    note = Para((Text(f"Notation: {legend_note(d)}."),))
    return [note, Table(("Symbol", "Meaning"), rows, "ll")]


def _layers(d: Derivation) -> Table:
    rows: list[tuple[Cell, ...]] = []
    inputs = (Text(layer_label(d.network, 0)), Text(str(d.network.inputs)))
    rows.append((*inputs, Text(""), Text(""), Text("")))
    for row in layer_rows(d):
        label, size = Text(layer_label(d.network, row.index)), Text(str(row.size))
        rows.append(
            (
                label,
                size,
                Text(row.activation.name),
                Math(_span(row.weights)),
                Math(_span(row.biases)) if row.biases else Text("none"),
            )
        )
    headers = ("Layer", "Neurons", "Activation", "Weights", "Biases")
    return Table(headers, tuple(rows), "lrlll")


def _span(names: Sequence[str]) -> str:
    shown = [latex_name(n) for n in names]
    if len(shown) <= 3:
        return ", ".join(shown)
    count = f"{len(shown):,}".replace(",", "{,}")  # a comma in math mode is punctuation
    return rf"{shown[0]}, \ldots, {shown[-1]}\ ({count})"


def _given_table(d: Derivation, given: list[Quantity], columns: int = 3) -> Table:
    cells: list[tuple[Cell, Cell]] = [(Math(latex_name(q.name)), _given_cell(d, q)) for q in given]
    rows = []
    for start in range(0, len(cells), columns):
        chunk = cells[start : start + columns]
        chunk += [(Text(""), Text(""))] * (columns - len(chunk))
        rows.append(tuple(c for pair in chunk for c in pair))
    return Table(("Quantity", "Value") * columns, tuple(rows), "lr" * columns)


def _given_cell(d: Derivation, q: Quantity) -> Cell:
    """A given value; a symbol kept symbolic says so (never "w = w"), with the number the file
    gives it for the results, if any."""
    if q.value != Symbol(q.name):
        return Math(value_latex(d, q.name))
    note = exact_note(q, d.decimals)
    return Text(f"symbolic ({note.removeprefix('= ')})" if note else "symbolic")
