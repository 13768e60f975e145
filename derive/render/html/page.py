"""The derivation as one HTML page (``derive explain --format html``): the network picture, the
network and given values, the forward pass, the cost, every chain-rule step as in the terminal
and the updates, with the math as MathML. It needs nothing from elsewhere: the picture is inline
SVG, the style and the script are inline, fonts are the reader's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

import sympy as sp

from ...derivation.names import display
from ...derivation.quantity import (
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
from ...errors import DeriveError
from ...numbers.rounding import places
from ...spec.notation import layer_label
from ..document.blocks import Selection
from ..outline import layer_rows, overview
from ..safe import safe_output
from ..values import value_lookup
from .assets import SCRIPT, STYLE
from .markup import el, table, text
from .mathml import name_math, value_math
from .steps import (
    FORMULA_HEADERS,
    NUMERIC,
    STEP_HEADERS,
    UPDATE_HEADERS,
    Cells,
    RowMaker,
    formula_rows,
    step_rows,
    update_rows,
)

_ARITHMETIC = {
    "exact": "exact arithmetic",
    "rounded": "hand rounding carried",
    "symbolic": "symbolic arithmetic",
}
GRADIENT_LABELS = 40  # more parameters: the picture without gradient labels (placing them is slow)
HINT = "Point at or click a row: the quantities its formula uses are highlighted."


def page(d: Derivation, selection: Selection, *, why: bool = False) -> str:
    """A whole HTML document."""
    title = text(d.network.title)
    head = (
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="derive">{el("title", title)}{el("style", STYLE)}'
    )
    body = fragment(d, selection, style=False, why=why)
    html = f'<html lang="en">\n<head>{head}</head>\n<body>\n{body}\n</body>\n</html>\n'
    return "<!DOCTYPE html>\n" + html


def fragment(d: Derivation, selection: Selection, *, style: bool = True, why: bool = False) -> str:
    """The page's content in one ``div`` (a notebook's output cell): its own style (every rule
    scoped to the div) and the script that marks what a step uses; ``why``: each step's
    sentence under it."""
    parts = [
        el("style", STYLE) if style else "",
        _heading(d),
        _picture(d),
        el("p", text(HINT), class_="hint"),
        _network(d),
        _given(d, [q for q in d.section(GIVEN) if selection.keeps(q)]),
        el("p", text(selection.note), class_="note") if selection.note else "",
    ]
    cells = Cells(d, why=why)
    sections: list[tuple[Section, str, tuple[str, ...], RowMaker]] = [
        (FORWARD, "Forward pass", FORMULA_HEADERS, formula_rows),
        (COST, "Cost", FORMULA_HEADERS, formula_rows),
        (BACKWARD, "Backward pass (chain rule)", STEP_HEADERS, step_rows),
        (AVERAGE, "Average over the m examples: C = (1/m) Σₓ Cₓ", STEP_HEADERS, step_rows),
        (UPDATE, _updates_title(d), UPDATE_HEADERS, update_rows),
    ]
    for section, title, headers, rows in sections:
        chosen = [q for q in d.section(section) if selection.keeps(q)]
        if chosen:
            kind = "steps" if rows is step_rows else None
            shown = table(headers, rows(cells, chosen), numeric=NUMERIC, kind=kind)
            parts.append(el("section", el("h2", text(title)), shown, data_section=section))
    parts.append(el("script", SCRIPT))
    return el("div", *parts, class_="derive-page")


def _heading(d: Derivation) -> str:
    o = overview(d)
    examples = f"{o.examples} example" + ("" if o.examples == 1 else "s")
    facts = [
        PurePath(o.source).name,  # the file's name, not where it sits on this machine
        f"notation {o.style} (start {o.start})",
        f"cost {o.cost} = {o.cost_doc}",
        examples,
        f"{_ARITHMETIC.get(o.arithmetic, o.arithmetic)}, shown to {places(d.decimals)}",
    ]
    meta = " · ".join(text(f) for f in facts)
    return el("header", el("h1", text(o.title)), el("p", meta, class_="meta"))


def _picture(d: Derivation) -> str:
    """``derive draw``'s network picture, inline; a derivation it cannot draw goes without."""
    from ..pictures import NetworkPicture, draw

    gradients = len(d.parameters) <= GRADIENT_LABELS
    try:
        svg = draw(d, NetworkPicture(gradients=gradients), fmt="svg")
    except DeriveError:
        return ""
    svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", safe_output(svg))  # an XML prolog is no HTML
    svg = svg.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)  # implied inside HTML
    caption = "The network after the forward pass" + (
        ": ∂C/∂w on the edges, ∂C/∂z at the neurons." if gradients else "."
    )
    return el("figure", svg, el("figcaption", text(caption)), class_="picture")


def _network(d: Derivation) -> str:
    rows = [
        el(
            "tr",
            el("td", text(layer_label(d.network, 0))),
            el("td", str(d.network.inputs), class_="num"),
            "<td></td>" * 3,
        )
    ]
    for layer in layer_rows(d):
        act = layer.activation
        cells = [
            text(layer_label(d.network, layer.index)),
            str(layer.size),
            text(f"{act.name}: {act.doc}" if act.doc else act.name),
            _span(layer.weights),
            _span(layer.biases) if layer.biases else "none",
        ]
        rows.append(
            el("tr", *(el("td", c, class_="num" if i == 1 else None) for i, c in enumerate(cells)))
        )
    headers = ("Layer", "Neurons", "Activation", "Weights", "Biases")
    return el("section", el("h2", "Network"), table(headers, rows, numeric=("Neurons",)))


def _span(names: Sequence[str]) -> str:
    if len(names) <= 3:
        return ", ".join(name_math(n) for n in names)
    return f"{name_math(names[0])} … {name_math(names[-1])} ({len(names):,})"


def _given(d: Derivation, quantities: list[Quantity]) -> str:
    """Given values in a few groups (each layer's parameters, η, each example's data)."""
    if not quantities:
        return ""
    groups: dict[str, list[str]] = {}
    params = set(d.parameters)
    for q in quantities:
        if q.name in params:
            key = f"layer {layer_label(d.network, d.layer_of(q.name)).split()[0]}"
        elif q.name == "eta":
            key = "learning rate"
        else:
            key = "data" if q.example is None else f"example {q.example}"
        groups.setdefault(key, []).append(_given_value(d, q))
    rows = [el("tr", el("th", text(k)), el("td", " ".join(chips))) for k, chips in groups.items()]
    return el("section", el("h2", "Given values"), el("table", el("tbody", *rows), class_="given"))


def _given_value(d: Derivation, q: Quantity) -> str:
    if isinstance(q.value, sp.Symbol) and q.value.name == q.name:
        shown = name_math(q.name) + text(" (kept symbolic)")
    else:
        shown = name_math(q.name) + " = " + value_math(d, q.name)
    return el("span", shown, class_="q chip", data_quantity=q.name)


def _updates_title(d: Derivation) -> str:
    eta = value_lookup(d)("eta") if "eta" in d else "η"
    return f"Gradient descent, η = {eta}: new = old − η · {display('dC/dp')}"
