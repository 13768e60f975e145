"""``derive explain --view matrix``: the vector form of derivation/vector.py as plain text.
Large vectors and matrices are shown with ellipses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from ..derivation.names import display
from ..derivation.quantity import Derivation
from ..derivation.vector import LayerMatrices, backward_matrices
from ..numbers.rounding import format_number
from ..spec.notation import layer_label, layer_number
from .plain import TextPrinter

EDGE = 3  # entries kept at each end of a long vector or matrix side


def render(d: Derivation) -> str:
    """The vector form for every example, as plain text."""
    blocks = [_heading(d)]
    for e in range(len(d.network.examples)):
        if len(d.network.examples) > 1:
            blocks.append(f"Example {e + 1}")
        blocks.extend(_layer_text(d, m) for m in backward_matrices(d, e))
    return "\n\n".join(blocks) + "\n"


def _heading(d: Derivation) -> str:
    sizes = "-".join(str(s) for s in d.network.sizes)
    return (
        f"{d.network.title}\n{sizes} network, backpropagation in vector form "
        f"(⊙ elementwise product, ᵀ transpose), shown to {d.decimals} decimals"
    )


def _layer_text(d: Derivation, m: LayerMatrices) -> str:
    top = d.network.depth
    # superscripts in the notation's own layer numbers (layered: the input layer is 1)
    l, up, down = (layer_number(d.network, m.layer + k) for k in (0, 1, -1))
    act = f"σ'(z^{l})" if m.elementwise else f"(∂a^{l}/∂z^{l})ᵀ"
    incoming = "∇_a C" if m.layer == top else f"(W^{up})ᵀ δ^{up}"
    if m.elementwise:
        formula = f"δ^{l} = {_group(incoming)} ⊙ {act}"
        local = [m.jacobian[j][j] for j in range(len(m.delta))]
        local_text = vector_text(local, d.decimals)
    else:
        formula = f"δ^{l} = {act} {incoming}"
        local_text = _block(
            matrix_text([list(r) for r in zip(*m.jacobian, strict=True)], d.decimals)
        )
    n = len(m.delta)
    biased = d.network.layer(m.layer).biases is not None
    lines = "\n".join(
        [
            f"Layer {layer_label(d.network, m.layer)[:-1]}, {n} neuron{'s' if n != 1 else ''})",
            f"  {incoming} = {vector_text(m.grad_a, d.decimals)}",
            f"  {act} = {local_text}",
            f"  {formula} = {vector_text(m.delta, d.decimals)}",
            *([f"  ∂C/∂b^{l} = δ^{l} = {vector_text(m.delta, d.decimals)}"] if biased else []),
            f"  ∂C/∂W^{l} = δ^{l} (a^{down})ᵀ = {_block(matrix_text(m.grad_w, d.decimals))}",
        ]
    )
    return "\n".join(line.rstrip() for line in lines.splitlines())


def _group(text: str) -> str:
    return f"({text})" if "ᵀ" in text else text


def _block(text: str) -> str:
    """A matrix on its own lines, indented under the line that names it."""
    if "\n" not in text:
        return text
    return "\n" + "\n".join("      " + line for line in text.splitlines())


def _shorten(items: Sequence[str], filler: str) -> list[str]:
    """All items, or the first and last EDGE around a filler when there are many."""
    if len(items) <= 2 * EDGE + 1:
        return list(items)
    return [*items[:EDGE], filler, *items[-EDGE:]]


def _number(value: Any, decimals: int) -> str:
    """A value at the display precision; a symbolic one as the console writes formulas."""
    if isinstance(value, sp.Basic) and not value.is_Number:
        return TextPrinter(display).doprint(value)
    return format_number(value, decimals)


def vector_text(values: Sequence[Any], decimals: int) -> str:
    """[0.1, 0.2, …, 0.9] (n) — a column vector written on one line."""
    cells = _shorten([_number(v, decimals) for v in values], "…")
    count = f" ({len(values)})" if len(values) > 2 * EDGE + 1 else ""
    return "[" + ", ".join(cells) + "]" + count


def matrix_text(rows: Sequence[Sequence[Any]], decimals: int) -> str:
    """Rows aligned in columns; ⋯ and ⋮ stand for the columns and rows left out."""
    width = len(rows[0]) if rows else 0
    table = [_shorten([_number(v, decimals) for v in row], "⋯") for row in rows]
    if len(table) > 2 * EDGE + 1:
        table = [*table[:EDGE], ["⋮"] * len(table[0]), *table[-EDGE:]]
    widths = [max(len(row[c]) for row in table) for c in range(len(table[0]))] if table else []
    lines = [
        "[" + "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) + "]" for row in table
    ]
    shape = f"({len(rows)}×{width})"
    return "\n".join(lines) + ("  " + shape if lines else shape)
