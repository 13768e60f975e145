"""``derive explain --view matrix``: backpropagation in vector form, one layer at a time.

    δ^L = ∇_a C ⊙ σ'(z^L)                  (softmax: δ^L = (∂a/∂z)ᵀ ∇_a C)
    δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l)
    ∂C/∂b^l = δ^l,   ∂C/∂W^l = δ^l (a^{l−1})ᵀ

The vectors and matrices are computed here by matrix arithmetic from the given weights, the
forward values and the local derivatives (∇_a C, σ'(z)) of the derivation, independently of the
scalar chain-rule steps, so that a test can check the two agree element by element. Plain Python
lists: ``derive explain`` never imports NumPy. Large vectors and matrices are shown with ellipses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..derivation.names import display, partial, per_example
from ..derivation.quantity import Derivation
from ..functions import ACTIVATIONS
from ..numbers.rounding import format_number
from ..spec.notation import layer_label, layer_number, namer_for
from .plain import TextPrinter

Vector = list[Any]
Matrix = list[list[Any]]
EDGE = 3  # entries kept at each end of a long vector or matrix side


@dataclass(frozen=True)
class LayerMatrices:
    """One layer's backward pass for one example, in vector form."""

    layer: int
    grad_a: Vector  # ∂C/∂a^l: ∇_a C for the output layer, (W^{l+1})ᵀ δ^{l+1} below it
    jacobian: Matrix  # ∂a_i/∂z_j (diagonal σ'(z) for an elementwise activation)
    elementwise: bool
    delta: Vector  # δ^l = ∂C/∂z^l = ∂C/∂b^l
    grad_w: Matrix  # δ^l (a^{l−1})ᵀ


def _example(d: Derivation, example: int) -> int | None:
    """The 1-based example number in names, or None when the file has one example."""
    return example + 1 if len(d.network.examples) > 1 else None


def _value(d: Derivation, name: str) -> Any:
    return d[name].value


def _weights(d: Derivation, l: int) -> Matrix:
    namer, rows = namer_for(d.network), d.network.layers[l].weights
    return [
        [_value(d, e if isinstance(e, str) else namer.weight(l, j, k)) for k, e in enumerate(row)]
        for j, row in enumerate(rows)
    ]


def _jacobian(d: Derivation, *, l: int, ex: int | None) -> tuple[Matrix, bool]:
    """∂a_i/∂z_j from the derivation's local-derivative steps (diagonal if elementwise)."""
    namer, size = namer_for(d.network), d.network.sizes[l]
    activation = d.network.layers[l].activation
    assert activation is not None
    elementwise = ACTIVATIONS[activation.name].elementwise

    def entry(i: int, j: int) -> Any:
        if elementwise and i != j:
            return 0
        return _value(d, per_example(partial(namer.act(l, i), namer.z(l, j)), ex))

    return [[entry(i, j) for j in range(size)] for i in range(size)], elementwise


def backward_matrices(d: Derivation, example: int = 0) -> list[LayerMatrices]:
    """Every layer's δ, ∂C/∂b and ∂C/∂W for one example, output layer first."""
    namer, ex = namer_for(d.network), _example(d, example)
    last = len(d.network.layers) - 1
    out: list[LayerMatrices] = []
    grad_a: Vector = [
        _value(d, per_example(partial("C", namer.act(last, j)), ex))
        for j in range(d.network.sizes[last])
    ]
    for l in range(last, 0, -1):
        jac, elementwise = _jacobian(d, l=l, ex=ex)
        delta = [_dot([row[j] for row in jac], grad_a) for j in range(len(jac))]
        prev = [
            _value(d, per_example(namer.act(l - 1, k), ex)) for k in range(d.network.sizes[l - 1])
        ]
        grad_w = [[dj * ak for ak in prev] for dj in delta]
        out.append(LayerMatrices(l, grad_a, jac, elementwise, delta, grad_w))
        if l > 1:
            weights = _weights(d, l)
            grad_a = [_dot([row[k] for row in weights], delta) for k in range(len(prev))]
    return out


def _dot(a: Sequence[Any], b: Sequence[Any]) -> Any:
    total: Any = 0
    for x, y in zip(a, b, strict=True):
        total = total + x * y
    return total


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
    top = len(d.network.layers) - 1
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
    biased = d.network.layers[m.layer].biases is not None
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
