"""``derive explain --view matrix``: the vector form of derivation/vector.py as plain text.
Large vectors and matrices are shown with ellipses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from ..derivation.names import display
from ..derivation.quantity import Derivation
from ..derivation.vector import ForwardLayer, LayerMatrices, backward_matrices, forward_vectors
from ..functions import ACTIVATIONS
from ..numbers.rounding import format_number, places
from ..spec.notation import layer_label, layer_number
from .plain import TextPrinter

EDGE = 3  # entries kept at each end of a long vector or matrix side


BP = (
    ("BP1", "δ^L = ∇_a C ⊙ σ'(z^L)", "the output layer's error"),
    ("BP2", "δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l)", "the error carried back one layer"),
    ("BP3", "∂C/∂b^l = δ^l", "a bias moves z one-for-one"),
    ("BP4", "∂C/∂W^l = δ^l (a^{l−1})ᵀ", "each weight: the error times what feeds it"),
)


def render(d: Derivation) -> str:
    """The vector form for every example, as plain text: the forward pass, then BP1–BP4."""
    blocks = [_heading(d)]
    for e in range(len(d.network.examples)):
        if len(d.network.examples) > 1:
            blocks.append(f"Example {e + 1}")
        blocks.append("Forward pass")
        blocks.extend(_forward_text(d, f) for f in forward_vectors(d, e))
        blocks.append("Backward pass")
        blocks.extend(_layer_text(d, m) for m in backward_matrices(d, e))
    return "\n\n".join(blocks) + "\n"


def _heading(d: Derivation) -> str:
    sizes = "-".join(str(s) for s in d.network.sizes)
    carry = ", hand rounding carried as in the steps" if d.carry == "rounded" else ""
    equations = "\n".join(f"  {name}  {eq:<40} {what}" for name, eq, what in BP)
    return (
        f"{d.network.title}\n{sizes} network, backpropagation in vector form "
        f"(⊙ elementwise product, ᵀ transpose), shown to {places(d.decimals)}{carry}\n"
        "Nielsen's four equations of backpropagation; each vector entry is a numbered step of\n"
        f"derive explain, written beside it:\n{equations}"
    )


def _forward_text(d: Derivation, f: ForwardLayer) -> str:
    l, down = (_sup(d, f.layer + k) for k in (0, -1))
    act = ACTIVATIONS[d.network.layer(f.layer).activation.name].symbol
    bias = f" + b^{l}" if f.biased else ""
    z, a = (vector_text(v, d.decimals) for v in (f.z, f.a))
    lines = [
        _layer_head(d, f.layer),
        f"  z^{l} = W^{l} a^{down}{bias} = {z} = {names_text(f.z_names)}",
        f"  a^{l} = {act}(z^{l}) = {a} = {names_text(f.a_names)}",
    ]
    return "\n".join(lines)


def _sup(d: Derivation, layer: int) -> str:
    """A layer's superscript, in the notation's own numbers: z^2 where neurons are z2_1, but
    z^(2) where a neuron is z2 (flat), so that a layer's vector never reads as one neuron."""
    n = layer_number(d.network, layer)
    return str(n) if d.network.notation.style == "layered" else f"({n})"


def _layer_head(d: Derivation, layer: int) -> str:
    n = d.network.sizes[layer]
    return f"Layer {layer_label(d.network, layer)[:-1]}, {n} neuron{'s' if n != 1 else ''})"


def _layer_text(d: Derivation, m: LayerMatrices) -> str:
    """One layer's backward pass: what comes in, the local slopes, then BP1 or BP2, BP3, BP4."""
    # superscripts in the notation's own layer numbers (layered: the input layer is 1)
    l, down = (_sup(d, m.layer + k) for k in (0, -1))
    incoming, act, formula, local = _delta_parts(d, m)
    bp = "BP1" if m.layer == d.network.depth else "BP2"
    delta = vector_text(m.delta, d.decimals) + steps_text(m.delta_steps)
    grad_w = _block(matrix_text(m.grad_w, d.decimals)) + steps_text(m.grad_w_steps)
    layer = d.network.layer(m.layer)
    biased = layer.biases is not None and not layer.shared_bias  # a shared b: ∂C/∂b = Σ_j δ_j
    lines = [
        _layer_head(d, m.layer),
        f"       {incoming} = {vector_text(m.grad_a, d.decimals)}{steps_text(m.grad_a_steps)}",
        *([f"       {act} = {local}"] if local else []),
        f"  {bp}  {formula} = {delta}",
        *([f"  BP3  ∂C/∂b^{l} = δ^{l} = {delta}"] if biased else []),
        *([_shared_bias(d, m)] if m.shared_bias is not None else []),
        f"  BP4  ∂C/∂W^{l} = δ^{l} (a^{down})ᵀ = {grad_w}",
    ]
    return "\n".join(line.rstrip() for text in lines for line in text.splitlines())


def _shared_bias(d: Derivation, m: LayerMatrices) -> str:
    """BP3 for the layer's one bias, which enters every z_j: the sum of the layer's δ."""
    l = _sup(d, m.layer)
    value = _number(m.shared_bias, d.decimals)
    step = "" if m.shared_bias_step is None else f"   (step {m.shared_bias_step})"
    return f"  BP3  ∂C/∂b^{l} = Σ_j δ^{l}_j = {value}{step}   (one bias, shared by the layer)"


def _delta_parts(d: Derivation, m: LayerMatrices) -> tuple[str, str, str, str]:
    """What δ is made of: the incoming gradient's name, the local slope's name, δ's formula, and
    the local slopes' values with their steps ("" where δ is carried as a − y)."""
    l, up = (_sup(d, m.layer + k) for k in (0, 1))
    act = f"σ'(z^{l})" if m.elementwise else f"(∂a^{l}/∂z^{l})ᵀ"
    incoming = "∇_a C" if m.layer == d.network.depth else f"(W^{up})ᵀ δ^{up}"
    if m.output_error:
        return incoming, act, f"δ^{l} = a^{l} − y (what {act} {incoming} comes to)", ""
    if m.elementwise:
        local = [m.jacobian[j][j] for j in range(len(m.delta))]
        values = vector_text(local, d.decimals) + steps_text(m.jacobian_steps)
        return incoming, act, f"δ^{l} = {_group(incoming)} ⊙ {act}", values
    transposed = [list(r) for r in zip(*m.jacobian, strict=True)]
    return incoming, act, f"δ^{l} = {act} {incoming}", _block(matrix_text(transposed, d.decimals))


def steps_text(steps: Sequence[int | None] | Sequence[Sequence[int | None]]) -> str:
    """ "(steps 9, 14, 19)" for a vector; "(steps 10 11 | 15 16 | 20 21, row by row)" for a
    small matrix, "(steps 4 … 190, row by row)" for a large one; "" where an entry is no step."""
    rows = [list(r) if isinstance(r, Sequence) else [r] for r in steps]
    if not rows or any(s is None for r in rows for s in r):
        return ""
    if len(rows) == 1 and len(rows[0]) == 1:
        return f"   (step {rows[0][0]})"
    if all(len(r) == 1 for r in rows):
        return "   (steps " + ", ".join(_shorten([str(r[0]) for r in rows], "…")) + ")"
    if max(len(rows), len(rows[0])) > 2 * EDGE + 1:
        return f"   (steps {rows[0][0]} … {rows[-1][-1]}, row by row)"
    return "   (steps " + " | ".join(" ".join(str(s) for s in r) for r in rows) + ", row by row)"


def names_text(names: Sequence[str]) -> str:
    """[z0, z1, z2]: the scalar quantities a vector's entries are."""
    return "[" + ", ".join(_shorten(list(names), "…")) + "]"


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
    count = f" ({len(values):,})" if len(values) > 2 * EDGE + 1 else ""
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
